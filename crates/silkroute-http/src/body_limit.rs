//! The body limit on every route, as a 413 problem. axum's `DefaultBodyLimit` only binds the
//! extractors that read a body, so a route without one (a GET, an action whose reason is
//! optional) would answer a 10 MB upload as if it were empty, and the idempotency layer would
//! hash it first. This layer runs before both: a declared `Content-Length` over the limit is
//! refused unread; a body of no declared length is read up to the limit and refused the moment
//! it passes it. Every route answers 413 `application/problem+json`, the payment webhook too.

use axum::body::Body;
use axum::body::HttpBody;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Limited};

use crate::AppState;
use crate::problem::ApiError;

pub async fn limit_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.config.body_limit_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    match declared {
        Some(length) if length > limit as u64 => {
            return ApiError::body_too_large(limit).into_response();
        }
        // The server stops a body at its declared length, so it cannot grow past the limit.
        Some(_) => return next.run(request).await,
        None => {}
    }
    // No length: chunked (HTTP/1.1), or a stream (HTTP/2). An empty body has nothing to check.
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match Limited::new(body, limit).collect().await {
        Ok(collected) => {
            next.run(Request::from_parts(parts, Body::from(collected.to_bytes())))
                .await
        }
        Err(error) => {
            if error.is::<http_body_util::LengthLimitError>() {
                ApiError::body_too_large(limit).into_response()
            } else {
                tracing::info!(%error, "reading a chunked request body failed");
                ApiError::bad_request("the request body could not be read").into_response()
            }
        }
    }
}
