//! Prometheus metrics kept in memory: request counts by route and status, and latency sums, so an
//! operator can see traffic and error rates without another agent.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// (method, route, status).
type RequestKey = (String, String, u16);
/// (count, total seconds).
type RequestTally = (u64, f64);

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<RequestKey, RequestTally>>,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut requests) = self.requests.lock() {
            let entry = requests
                .entry((method.to_string(), route.to_string(), status))
                .or_insert((0, 0.0));
            entry.0 += 1;
            entry.1 += seconds;
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP silkroute_http_requests_total HTTP requests by method, route and status.\n\
             # TYPE silkroute_http_requests_total counter\n",
        );
        let requests = match self.requests.lock() {
            Ok(requests) => requests.clone(),
            Err(_) => BTreeMap::new(),
        };
        for ((method, route, status), (count, _)) in &requests {
            out.push_str(&format!(
                "silkroute_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}\n"
            ));
        }
        out.push_str(
            "# HELP silkroute_http_request_duration_seconds_sum Time spent serving requests.\n\
             # TYPE silkroute_http_request_duration_seconds_sum counter\n",
        );
        for ((method, route, status), (_, seconds)) in &requests {
            out.push_str(&format!(
                "silkroute_http_request_duration_seconds_sum{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {seconds:.6}\n"
            ));
        }
        out
    }
}

pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let response = next.run(request).await;
    state.metrics.record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}
