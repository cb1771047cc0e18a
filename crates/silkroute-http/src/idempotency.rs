//! `Idempotency-Key` on POSTs: the first response is stored per caller (bearer token) and key,
//! and a retry with the same key and body gets it back unchanged; the same key with another body
//! is a 422. A request that fails with a 5xx, or whose token is refused (401), releases its key so
//! that a retry can run. Anonymous requests have no caller to keep keys for: their key is ignored.
//!
//! A request that claimed its key runs to its end in a task of its own, whether or not the client
//! is still there: a buyer whose connection drops after `POST /orders` finds the order on the
//! retry, instead of a claim nobody completes. A checkout stores its response with its orders
//! (see `IdempotencyContext`), so even a crash between the two cannot separate them; a claim
//! whose process died is taken over once its lease runs out. A response that carries a secret
//! (a new API token) is never stored: its retry is a 409 that names what was created.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use silkroute_app::{IdempotencyClaim, IdempotencyContext, IdempotentResponse};

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
    // Keys are per caller: the hash of the bearer secret. An anonymous request has no caller to
    // keep a key for (every anonymous client would share it), so its key is not used.
    let Some(scope) = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| hex::encode(Sha256::digest(value.as_bytes())))
    else {
        return next.run(request).await;
    };
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
    let request = Request::from_parts(parts, Body::from(bytes));
    // From the claim on, everything runs in a task of its own: dropping this future (the client
    // went away, the timeout fired) must neither abandon a claim nor a request that has started
    // writing.
    let task = tokio::spawn(claim_and_run(
        state,
        scope,
        key,
        request_hash,
        next,
        request,
    ));
    match task.await {
        Ok(response) => response,
        Err(error) => ApiError::fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("request task: {error}"),
        )
        .into_response(),
    }
}

async fn claim_and_run(
    state: AppState,
    scope: String,
    key: String,
    request_hash: String,
    next: Next,
    mut request: Request,
) -> Response {
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
            let mut response = ApiError::new(
                StatusCode::CONFLICT,
                "idempotency-in-progress",
                "Request in progress",
                "a request with this Idempotency-Key is still being processed; retry shortly",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
        Err(error) => return ApiError::from(error).into_response(),
    }
    request.extensions_mut().insert(IdempotencyContext {
        scope: scope.clone(),
        key: key.clone(),
    });
    let (parts, body) = finish_claimed(state, scope, key, next, request).await;
    Response::from_parts(parts, Body::from(body))
}

/// A claimed request from start to stored response. A 5xx releases the key (a retry may run the
/// request again); anything else is stored, unless the request stored it itself with its effect.
async fn finish_claimed(
    state: AppState,
    scope: String,
    key: String,
    next: Next,
    request: Request,
) -> (axum::http::response::Parts, axum::body::Bytes) {
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            release(&state, &scope, &key).await;
            let failed = ApiError::fault(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("reading the response: {error}"),
            );
            parts.status = failed.status;
            parts.headers.clear();
            parts
                .headers
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
            return (parts, problem_body(failed).into());
        }
    };
    // A 5xx may succeed when retried; a 401 means the caller was not who the key belongs to
    // (an unknown or revoked token): neither is kept as the key's answer.
    if parts.status.is_server_error() || parts.status == StatusCode::UNAUTHORIZED {
        release(&state, &scope, &key).await;
        return (parts, body);
    }
    let stored = match parts.extensions.remove::<SecretBearing>() {
        // The secret goes to this caller once; a retry learns what was made, not the secret.
        Some(SecretBearing(what)) => IdempotentResponse {
            status: StatusCode::CONFLICT.as_u16(),
            body: String::from_utf8_lossy(&problem_body(ApiError::new(
                StatusCode::CONFLICT,
                "secret-not-replayed",
                "Secret not replayed",
                format!(
                    "the first request with this Idempotency-Key created {what}; its secret was \
                     shown once and is not kept. Revoke it and create another if it was lost"
                ),
            )))
            .into_owned(),
        },
        None => IdempotentResponse {
            status: parts.status.as_u16(),
            body: String::from_utf8_lossy(&body).into_owned(),
        },
    };
    if let Err(error) = state
        .app
        .complete_idempotency_key(&scope, &key, &stored)
        .await
    {
        // The effect stands; the key stays claimed until its lease runs out, then a retry runs
        // afresh. Say so in the log: it is the one case a retry may repeat the work.
        tracing::error!(%error, scope, key, "storing an idempotent response failed");
    }
    (parts, body)
}

async fn release(state: &AppState, scope: &str, key: &str) {
    if let Err(error) = state.app.release_idempotency_key(scope, key).await {
        tracing::error!(%error, scope, key,
            "releasing an idempotency key failed; it frees itself when its lease runs out");
    }
}

/// Marks a response that carries a secret (what it created, e.g. `token tok_…`): it is sent once
/// and never stored for a replay.
#[derive(Clone, Debug)]
pub struct SecretBearing(pub String);

fn problem_body(error: ApiError) -> Vec<u8> {
    serde_json::to_vec(&error.into_problem()).unwrap_or_default()
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
