//! `silkroute bench catalog`: serves the real router on a loopback port and measures catalog
//! page latency as a client sees it (HTTP/1.1 keep-alive, sequential requests), so that the
//! figure includes routing, JSON, FX pricing and the database.

use std::time::Instant;

use anyhow::bail;
use serde::Serialize;
use silkroute_app::App;
use silkroute_http::HttpConfig;

use super::client::Client;
use super::percentile;

#[derive(Debug, Serialize)]
pub struct LatencyReport {
    pub backend: &'static str,
    pub products: i64,
    pub requests: usize,
    pub page_size: u32,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub requests_per_second: f64,
}

/// Walks the catalog page by page (restarting at the end) for `requests` requests.
pub async fn catalog(
    app: App,
    requests: usize,
    page_size: u32,
    market: &str,
) -> anyhow::Result<LatencyReport> {
    let products = app.row_counts().await.map_err(anyhow::Error::new)?.products;
    let backend = app.backend();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let router = silkroute_http::router(app, HttpConfig::default());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let mut client = Client::connect(address).await?;
    // Warm up connections, caches and the prepared statements.
    for _ in 0..20 {
        client
            .get(&format!(
                "/api/v1/catalog?market={market}&limit={page_size}"
            ))
            .await?;
    }
    let mut cursor: Option<String> = None;
    let mut latencies = Vec::with_capacity(requests);
    let started = Instant::now();
    for _ in 0..requests {
        let path = match &cursor {
            Some(cursor) => {
                format!("/api/v1/catalog?market={market}&limit={page_size}&cursor={cursor}")
            }
            None => format!("/api/v1/catalog?market={market}&limit={page_size}"),
        };
        let sent = Instant::now();
        let (status, body) = client.get(&path).await?;
        latencies.push(sent.elapsed());
        if status != 200 {
            bail!(
                "catalog answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        let page: serde_json::Value = serde_json::from_slice(&body)?;
        cursor = page["next_cursor"].as_str().map(str::to_string);
    }
    let elapsed = started.elapsed();
    server.abort();
    latencies.sort();
    Ok(LatencyReport {
        backend,
        products,
        requests,
        page_size,
        p50_ms: percentile(&latencies, 0.50),
        p90_ms: percentile(&latencies, 0.90),
        p99_ms: percentile(&latencies, 0.99),
        max_ms: percentile(&latencies, 1.0),
        requests_per_second: requests as f64 / elapsed.as_secs_f64(),
    })
}
