//! Request extractors that fail with problem+json naming the offending field, instead of axum's
//! plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use silkroute_app::Principal;
use utoipa::IntoParams;
use utoipa::openapi::path::ParameterIn;

use crate::AppState;
use crate::control_characters;
use crate::problem::{ApiError, ApiResult};

/// A JSON body; the error names the JSON path that failed (`lines[0].quantity`).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> ApiResult<ApiJson<T>> {
        if !is_json(request.headers()) {
            return Err(ApiError::unsupported_media_type());
        }
        let limit = state.config.body_limit_bytes;
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::body_too_large(limit)
                } else {
                    ApiError::bad_request(rejection.body_text())
                }
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// `application/json`, with or without parameters (`; charset=utf-8`), in any letter case.
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// A JSON body that may be left out (an action's optional reason); an empty body or `null` is
/// `None`.
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned> FromRequest<AppState> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> ApiResult<OptionalJson<T>> {
        // A body announced by its length or chunking; or, where neither header is set (an
        // in-process request), by a JSON content type.
        let headers = request.headers();
        let length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok());
        let has_body = match length {
            Some(length) => length != "0",
            None => headers.contains_key(header::TRANSFER_ENCODING) || is_json(headers),
        };
        if !has_body {
            return Ok(OptionalJson(None));
        }
        let ApiJson(value) = ApiJson::<Option<T>>::from_request(request, state).await?;
        Ok(OptionalJson(value))
    }
}

/// Parses a JSON body in three steps: the syntax (anything after the value is malformed too:
/// `{"a": 1} x` is a 400, not `{"a": 1}`), the strings (no NUL or bidi control anywhere, 422
/// naming the field), then the request type, from the same bytes so that duplicate keys are
/// refused and messages keep their line and column.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let document: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|error| ApiError::malformed_field("", format!("malformed JSON: {error}")))?;
    if let Some(field) = control_characters::first_in_json(&document) {
        return Err(ApiError::field(&field, control_characters::MESSAGE));
    }
    drop(document);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => Ok(value),
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            let field = if path == "." { String::new() } else { path };
            let message = inner.to_string();
            if inner.is_data() {
                Err(ApiError::field(&field, message))
            } else {
                Err(ApiError::malformed_field(
                    &field,
                    format!("malformed JSON: {message}"),
                ))
            }
        }
    }
}

/// Query parameters, read against the operation's documented parameters ([`IntoParams`]): one
/// it does not document is a 400 naming it, a value of the wrong type or holding a control
/// character a 422 naming it.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + IntoParams, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> ApiResult<ApiQuery<T>> {
        let query = parts.uri.query().unwrap_or_default();
        let documented: Vec<String> = T::into_params(|| Some(ParameterIn::Query))
            .into_iter()
            .map(|parameter| parameter.name)
            .collect();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if !documented.iter().any(|known| known == &name) {
                let expected = if documented.is_empty() {
                    "this operation takes no query parameters".to_string()
                } else {
                    format!("this operation takes {}", documented.join(", "))
                };
                return Err(ApiError::malformed_field(
                    &control_characters::escaped(&name),
                    format!("unknown query parameter; {expected}"),
                ));
            }
            if control_characters::contains_refused(&value) {
                return Err(ApiError::field(&name, control_characters::MESSAGE));
            }
        }
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| {
                let path = error.path().to_string();
                let message = error.into_inner().to_string();
                // A missing required parameter fails at the top level; name it all the same.
                let field = match (path.as_str(), missing_field(&message)) {
                    (".", Some(missing)) => missing.to_string(),
                    (".", None) => String::new(),
                    _ => path,
                };
                ApiError::field(&field, message)
            })
    }
}

/// The field in serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Path parameters (ids): a segment that is not UTF-8 is a 400, one holding a control character
/// a 422 naming the parameter — both problems, never axum's plain-text rejection.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<ApiPath<T>> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        for (name, value) in &raw {
            if control_characters::contains_refused(value) {
                return Err(ApiError::field(name, control_characters::MESSAGE));
            }
        }
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
    }
}

/// The authenticated caller: a bearer token, or — for GET and HEAD only, and only when no
/// `Authorization` header is sent — a seller-center session cookie, so the center's scripts can
/// read the API without holding the token. A cookie never authorises a change.
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Caller> {
        if let Some(secret) = bearer(parts) {
            return Ok(Caller(state.app.authenticate(secret).await?));
        }
        if parts.headers.contains_key(header::AUTHORIZATION) {
            return Err(ApiError::unauthenticated());
        }
        let secret = crate::seller_center::read_only_session_secret(parts, &state.seller_sessions)
            .ok_or_else(ApiError::unauthenticated)?;
        Ok(Caller(state.app.authenticate(&secret).await?))
    }
}

/// A caller who may be anonymous (a storefront visitor); a token that is sent must be valid.
pub struct MaybeCaller(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<MaybeCaller> {
        match bearer(parts) {
            Some(secret) => Ok(MaybeCaller(Some(state.app.authenticate(secret).await?))),
            None if parts
                .headers
                .contains_key(axum::http::header::AUTHORIZATION) =>
            {
                Err(ApiError::unauthenticated())
            }
            None => Ok(MaybeCaller(None)),
        }
    }
}

pub fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}
