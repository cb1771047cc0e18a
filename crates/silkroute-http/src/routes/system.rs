//! Liveness, readiness, metrics and the fallbacks for unknown routes.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};
use silkroute_app::FxFreshness;
use utoipa::ToSchema;

use crate::AppState;
use crate::openapi::problems::{NotFound, TooLarge, Unauthenticated};
use crate::problem::{ApiError, ApiResult};

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "system", security(()),
    responses((status = 200, description = "alive", body = String, content_type = "text/plain", example = "ok"),
        TooLarge))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// What `/readyz` says when the database answers.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// Always `ok` here: an unreachable database is a 503.
    #[schema(example = "ok")]
    pub database: &'static str,
    pub fx: FxFreshness,
}

/// The database answers (else 503), and how fresh the ECB rates are. Stale rates do not make
/// the instance unready: every other route still works, and another instance on the same
/// database would have the same rates, so taking it out of the load balancer helps nobody.
/// Alert on `fx.stale` with `fx.pinned` null instead (prices at today's rates are refused).
#[utoipa::path(get, path = "/readyz", tag = "system", security(()),
    responses((status = 200, description = "ready; `fx.stale` says whether the rates are older than `fx.max_gap_days`", body = Readiness),
        TooLarge,
        (status = 503, description = "database unreachable", body = crate::problem::Problem,
            content_type = "application/problem+json")))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Readiness>> {
    let not_ready = |_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "Not ready",
            "the database is not reachable",
        )
    };
    state.app.ready().await.map_err(not_ready)?;
    let fx = state.app.fx_freshness().await.map_err(not_ready)?;
    Ok(Json(Readiness { database: "ok", fx }))
}

/// Prometheus text exposition. Operators may move it to a listener of its own (then this route
/// is 404) or require a bearer token (`metrics_token`).
#[utoipa::path(get, path = "/metrics", tag = "system", security(()),
    responses((status = 200, description = "Prometheus metrics", body = String, content_type = "text/plain"),
        Unauthenticated, NotFound, TooLarge))]
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if state.config.metrics.separate_listener {
        return route_not_found().await.into_response();
    }
    metrics_listener(State(state), headers).await
}

/// `/metrics` on its own listener: the same figures, the same token check.
pub async fn metrics_listener(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(expected) = &state.config.metrics.token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compared as hashes, so the time taken says nothing about how much of it matched.
        if Sha256::digest(presented.as_bytes()) != Sha256::digest(expected.as_bytes()) {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Authentication required",
                "metrics need `Authorization: Bearer <metrics token>`",
            )
            .into_response();
        }
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

pub async fn route_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no-such-route",
        "No such route",
        "no route matches this path",
    )
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "this route does not accept this method",
    )
}
