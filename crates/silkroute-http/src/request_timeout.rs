//! The request deadline, answered as a problem like every other refusal. tower-http's
//! `TimeoutLayer` answers with an empty body, which a client (and the API fuzzer) cannot tell
//! from a broken proxy. Only the wait ends here: an idempotent request runs to its end in its own
//! task (see `idempotency`), so a retry with the same key later finds its stored result.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::problem::ApiError;

pub async fn limit_time(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let deadline = state.config.request_timeout;
    match tokio::time::timeout(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => timed_out(deadline),
    }
}

fn timed_out(deadline: Duration) -> Response {
    let mut response = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "timeout",
        "Request timed out",
        format!(
            "the request took longer than {} s; retry it (with the same Idempotency-Key for a POST)",
            deadline.as_secs_f64()
        ),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}
