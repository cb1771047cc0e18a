//! `Idempotency-Key` on POSTs: the first response is stored per caller and key, and a retry with
//! the same key and body gets it back unchanged; the same key with another body is a 422. A
//! request that fails with a 5xx releases its key so that the retry can run.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use silkroute_app::{IdempotencyClaim, IdempotentResponse};

use crate::AppState;
use crate::problem::{ApiError, PROBLEM_JSON};

pub const HEADER: &str = "idempotency-key";
pub const MAX_KEY_LENGTH: usize = 255;

pub async fn idempotency_layer(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(HEADER) else {
        return next.run(request).await;
    };
    let key = match key.to_str() {
        // Visible characters only: a space or tab would be trimmed by some clients and proxies
        // and not by others, and the same key must name the same request everywhere.
        Ok(key)
            if !key.is_empty()
                && key.len() <= MAX_KEY_LENGTH
                && key.bytes().all(|byte| byte.is_ascii_graphic()) =>
        {
            key.to_string()
        }
        _ => {
            return ApiError::malformed_field(
                "Idempotency-Key",
                format!("must be 1–{MAX_KEY_LENGTH} visible ASCII characters"),
            )
            .into_response();
        }
    };
    // Keys are per caller: the hash of the bearer secret, or "anonymous".
    let scope = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| hex::encode(Sha256::digest(value.as_bytes())))
        .unwrap_or_else(|| "anonymous".to_string());
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, state.config.body_limit_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body-rejected",
                "Request body rejected",
                format!("the body exceeds {} bytes", state.config.body_limit_bytes),
            )
            .into_response();
        }
    };
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update(b" ");
    hasher.update(parts.uri.to_string());
    hasher.update(b"\n");
    hasher.update(&bytes);
    let request_hash = hex::encode(hasher.finalize());

    match state
        .app
        .claim_idempotency_key(&scope, &key, &request_hash)
        .await
    {
        Ok(IdempotencyClaim::Claimed) => {}
        Ok(IdempotencyClaim::Replay(stored)) => return replay(stored),
        Ok(IdempotencyClaim::Mismatch) => {
            return ApiError::field(
                "Idempotency-Key",
                "this key was already used with a different request",
            )
            .into_response();
        }
        Ok(IdempotencyClaim::InProgress) => {
            return ApiError::new(
                StatusCode::CONFLICT,
                "idempotency-in-progress",
                "Request in progress",
                "a request with this Idempotency-Key is still being processed; retry later",
            )
            .into_response();
        }
        Err(error) => return ApiError::from(error).into_response(),
    }

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (response_parts, response_body) = response.into_parts();
    let body = match to_bytes(response_body, usize::MAX).await {
        Ok(body) => body,
        Err(_) => {
            let _ = state.app.release_idempotency_key(&scope, &key).await;
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if response_parts.status.is_server_error() {
        let _ = state.app.release_idempotency_key(&scope, &key).await;
    } else {
        let stored = IdempotentResponse {
            status: response_parts.status.as_u16(),
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        if let Err(error) = state
            .app
            .complete_idempotency_key(&scope, &key, &stored)
            .await
        {
            return ApiError::from(error).into_response();
        }
    }
    Response::from_parts(response_parts, Body::from(body))
}

fn replay(stored: IdempotentResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        PROBLEM_JSON
    };
    let mut response = (status, stored.body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
        .headers_mut()
        .insert("idempotency-replayed", HeaderValue::from_static("true"));
    response
}
