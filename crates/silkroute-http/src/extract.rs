//! Request extractors that fail with problem+json naming the offending field, instead of axum's
//! plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use silkroute_app::Principal;

use crate::AppState;
use crate::problem::{ApiError, ApiResult};

/// A JSON body; the error names the JSON path that failed (`lines[0].quantity`).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> ApiResult<ApiJson<T>> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "send the body as `Content-Type: application/json`",
            ));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                ApiError::new(
                    rejection.status(),
                    "body-rejected",
                    "Request body rejected",
                    rejection.body_text(),
                )
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A JSON body that may be left out (an action's optional reason); an empty body is `None`.
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned> FromRequest<AppState> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> ApiResult<OptionalJson<T>> {
        let has_body = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value != "0")
            || request.headers().contains_key(header::TRANSFER_ENCODING);
        if !has_body {
            return Ok(OptionalJson(None));
        }
        let ApiJson(value) = ApiJson::from_request(request, state).await?;
        Ok(OptionalJson(Some(value)))
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
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

/// Query parameters; unknown or malformed ones are a 400 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> ApiResult<ApiQuery<T>> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded_parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| {
                let path = error.path().to_string();
                ApiError::malformed_field(&path, error.into_inner().to_string())
            })
    }
}

fn form_urlencoded_parse(bytes: &[u8]) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(bytes)
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
