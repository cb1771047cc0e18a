//! The JSON API under `/api/v1`. Handlers translate HTTP into calls on the app and the app's
//! answers into JSON; no trade rule is computed here. Cross-cutting concerns — problem+json,
//! idempotency keys, request ids, metrics, body limits, timeouts, panics — are layers around the
//! routes.
//! The seller center's pages under `/seller` live beside the API and read it from the browser.

mod body_limit;
mod control_characters;
mod extract;
mod idempotency;
mod metrics;
mod openapi;
mod problem;
mod rate_limit;
mod request_timeout;
mod routes;
mod seller_center;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::middleware;
use silkroute_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

pub use openapi::openapi_document;
pub use problem::{ApiError, PROBLEM_JSON};

/// Limits the binary may tune.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    pub body_limit_bytes: usize,
    pub request_timeout: Duration,
    /// Behind a reverse proxy every request comes from the proxy: name the header in which it
    /// puts the client's address (e.g. `x-forwarded-for`; the first entry is used). Only set
    /// it when the proxy overwrites the header, or clients can pick their own rate-limit bucket.
    pub client_address_header: Option<String>,
    /// The origin (`scheme://host[:port]`) browsers see the platform at, from the configured
    /// public URL: the seller center's forms are accepted only from it. Unset, a form's `Origin`
    /// must match the request's own `Host`.
    pub public_origin: Option<String>,
    /// Mark every cookie `Secure` (the public URL is https, or the operator said so); otherwise
    /// only on requests that arrived over HTTPS.
    pub secure_cookies: bool,
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
}

/// Where `/metrics` is served and who may read it: operators bind it to a private address, or
/// protect it with a bearer token, or both.
#[derive(Clone, Debug, Default)]
pub struct MetricsAccess {
    /// Served by a listener of its own ([`metrics_router`]); the API's `/metrics` is then 404.
    pub separate_listener: bool,
    /// When set, a request must carry `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

impl Default for HttpConfig {
    fn default() -> HttpConfig {
        HttpConfig {
            body_limit_bytes: 1024 * 1024,
            client_address_header: None,
            request_timeout: Duration::from_secs(30),
            public_origin: None,
            secure_cookies: false,
            metrics: MetricsAccess::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: Arc<metrics::Metrics>,
    pub config: HttpConfig,
    pub beacon_limiter: Arc<rate_limit::Limiter>,
    /// Signed-in seller-center browsers.
    pub seller_sessions: Arc<seller_center::Sessions>,
}

#[derive(Clone, Default)]
struct UlidRequestId;

impl MakeRequestId for UlidRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = ulid::Ulid::new().to_string();
        axum::http::HeaderValue::from_str(&id)
            .ok()
            .map(RequestId::new)
    }
}

/// Builds the whole HTTP surface around an app.
pub fn router(app: App, config: HttpConfig) -> Router {
    routers(app, config).0
}

/// The HTTP surface and, beside it, the `/metrics` route alone for a listener of its own (see
/// [`MetricsAccess::separate_listener`]); both count into the same metrics.
pub fn routers(app: App, config: HttpConfig) -> (Router, Router) {
    let state = AppState {
        app,
        metrics: Arc::new(metrics::Metrics::default()),
        config: config.clone(),
        beacon_limiter: Arc::new(rate_limit::Limiter::default()),
        seller_sessions: Arc::new(seller_center::Sessions::default()),
    };
    let metrics_only = Router::new()
        .route(
            "/metrics",
            axum::routing::get(routes::system::metrics_listener),
        )
        .with_state(state.clone());
    let request_id = HeaderName::from_static("x-request-id");
    let (api, _) = openapi::api_router().split_for_parts();
    let api = api.route("/api/v1/openapi.json", axum::routing::get(openapi::serve_openapi))
        .merge(seller_center::router())
        .fallback(routes::system::route_not_found)
        .method_not_allowed_fallback(routes::system::method_not_allowed)
        // Inside the idempotency layer: a panic becomes a 500 there, which releases the key.
        .layer(CatchPanicLayer::custom(problem::panic_response))
        .layer(middleware::from_fn_with_state(state.clone(), idempotency::idempotency_layer))
        .layer(middleware::from_fn_with_state(state.clone(), body_limit::limit_body))
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit::limit_beacon))
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(middleware::from_fn_with_state(state.clone(), request_timeout::limit_time))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|value| value.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, UlidRequestId))
        .with_state(state);
    (api, metrics_only)
}
