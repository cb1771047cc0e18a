//! Rate limiting for the public beacon: a token bucket per client address, refilled
//! continuously. A shop's pages may fire many events, a scraper or a broken script may fire
//! endlessly; the bucket lets the first through and answers the second with 429 and
//! `Retry-After`, before any body is read.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::problem::ApiError;

/// Requests per second each address may make to the beacon, and the burst it may save up.
const REFILL_PER_SECOND: f64 = 20.0;
const BURST: f64 = 60.0;
/// Addresses remembered at most; the idle ones are forgotten first.
const MAX_ADDRESSES: usize = 100_000;

#[derive(Default)]
pub struct Limiter {
    buckets: Mutex<HashMap<Option<IpAddr>, (f64, Instant)>>,
}

impl Limiter {
    /// Takes a token for `address`; `Err(seconds)` until the next one when the bucket is empty.
    fn take(&self, address: Option<IpAddr>, now: Instant) -> Result<(), u64> {
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        if buckets.len() >= MAX_ADDRESSES {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * REFILL_PER_SECOND < BURST
            });
        }
        let (tokens, at) = buckets.entry(address).or_insert((BURST, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * REFILL_PER_SECOND).min(BURST);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / REFILL_PER_SECOND).ceil().max(1.0) as u64)
        }
    }
}

pub async fn limit_beacon(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || request.uri().path() != "/api/v1/events" {
        return next.run(request).await;
    }
    let forwarded = state
        .config
        .client_address_header
        .as_deref()
        .and_then(|name| request.headers().get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        .and_then(|first| first.trim().parse::<IpAddr>().ok());
    let address = forwarded.or_else(|| {
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip())
    });
    match state.beacon_limiter.take(address, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let mut response = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
                format!("slow down: try again in {wait} s"),
            )
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert("retry-after", value);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_burst_passes_then_the_bucket_refills() {
        let limiter = Limiter::default();
        let start = Instant::now();
        let address = Some(IpAddr::from([192, 0, 2, 1]));
        for _ in 0..BURST as usize {
            assert!(limiter.take(address, start).is_ok());
        }
        assert_eq!(limiter.take(address, start), Err(1));
        // Another address has its own bucket.
        assert!(
            limiter
                .take(Some(IpAddr::from([192, 0, 2, 2])), start)
                .is_ok()
        );
        // A second later, twenty more.
        let later = start + Duration::from_secs(1);
        for _ in 0..REFILL_PER_SECOND as usize {
            assert!(limiter.take(address, later).is_ok());
        }
        assert!(limiter.take(address, later).is_err());
    }
}
