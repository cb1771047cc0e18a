//! `silkroute bench catalog`: serves the real router on a loopback port and measures catalog
//! page latency as a client sees it (HTTP/1.1 keep-alive, sequential requests), so that the
//! figure includes routing, JSON, FX pricing and the database.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;
use silkroute_app::App;
use silkroute_http::HttpConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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

/// A minimal keep-alive HTTP/1.1 client: enough for GETs against our own server.
struct Client {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Client {
    async fn get(&mut self, path: &str) -> anyhow::Result<(u16, Vec<u8>)> {
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: keep-alive\r\n\r\n");
        self.stream.write_all(request.as_bytes()).await?;
        loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buffer[..end]).into_owned();
                let status: u16 = head
                    .split_whitespace()
                    .nth(1)
                    .and_then(|code| code.parse().ok())
                    .context("bad status line")?;
                let length: usize = head
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse().ok())?
                    })
                    .context("response without content-length")?;
                let total = end + 4 + length;
                while self.buffer.len() < total {
                    self.fill().await?;
                }
                let body = self.buffer[end + 4..total].to_vec();
                self.buffer.drain(..total);
                return Ok((status, body));
            }
            self.fill().await?;
        }
    }

    async fn fill(&mut self) -> anyhow::Result<()> {
        let mut chunk = [0u8; 64 * 1024];
        let read = self.stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("server closed the connection");
        }
        self.buffer.extend_from_slice(&chunk[..read]);
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index].as_secs_f64() * 1_000.0
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
    let mut client = Client {
        stream: TcpStream::connect(address).await?,
        buffer: Vec::new(),
    };
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
