//! `silkroute bench checkout`: the write path that earns money, measured end to end. Clients
//! quote and order over HTTP on loopback against the real router, so the figure includes
//! parsing, auth, pricing, the payment authorisation and the store's transaction. The same row
//! writes are then done by a bare loop straight into the store with nothing else around them:
//! that is the storage limit, and the ratio between the two is what our own code costs. The run
//! ends with the stock audit, because a fast checkout that loses a reservation is worthless.

mod bare;
mod load;
mod setup;

use std::sync::Arc;

use anyhow::anyhow;
use serde::Serialize;
use silkroute_app::{App, AppConfig, AppError, StockAudit, SystemClock};
use silkroute_http::HttpConfig;
use silkroute_store::Store;

use self::setup::{Scratch, open_scratch, seed};
use super::Latency;
use crate::commands::UsageError;

/// A test card the built-in provider approves without 3-D Secure.
const CARD: &str = "4242424242424242";
/// Checkouts per client before the clock starts: connections, caches, prepared statements.
const WARM_UP_PER_CLIENT: usize = 3;

pub struct CheckoutOptions {
    /// None: a fresh temporary SQLite file, deleted afterwards.
    pub database_url: Option<String>,
    pub app_config: AppConfig,
    pub http_config: HttpConfig,
    pub clients: usize,
    pub orders: usize,
    /// Open loop at this many HTTP requests per second (a checkout is two requests).
    pub rate: Option<f64>,
    pub hot_products: usize,
    pub run_http: bool,
    pub run_bare: bool,
    pub bare_tasks: usize,
    pub idempotency_keys: bool,
}

#[derive(Debug, Serialize)]
pub struct CheckoutReport {
    pub backend: &'static str,
    pub database: String,
    pub clients: usize,
    pub hot_products: usize,
    pub idempotency_keys: bool,
    #[serde(flatten)]
    pub http: Option<HttpRun>,
    pub storage_limit: Option<BareRun>,
    /// HTTP orders/s as a share of the storage limit's (closed loop only: a paced run is capped
    /// by its rate, not by us).
    pub ratio_percent: Option<f64>,
    pub audit: StockAudit,
    /// After setup with the server listening, before any load.
    pub idle_rss_mib: Option<f64>,
    /// The high-water mark of the HTTP run (the bare loop's is reset before it).
    pub peak_rss_mib: Option<f64>,
}

impl CheckoutReport {
    /// Reserved stock must equal what orders hold, product by product.
    pub fn audit_holds(&self) -> bool {
        self.audit.mismatched_products == 0 && self.audit.reserved == self.audit.held_by_orders
    }
}

#[derive(Debug, Serialize)]
pub struct HttpRun {
    /// `closed` (each client sends its next checkout when the last one answered) or `open`
    /// (checkouts start on a fixed schedule whatever the answers do).
    pub mode: &'static str,
    pub rate_requests_per_second: Option<f64>,
    /// Successful checkouts.
    pub orders: usize,
    pub attempted: usize,
    pub out_of_stock: usize,
    pub seconds: f64,
    pub orders_per_second: f64,
    pub requests_per_second: f64,
    pub quote: Latency,
    pub order: Latency,
    /// Quote plus order, from the scheduled start in open loop.
    pub checkout: Latency,
}

#[derive(Debug, Serialize)]
pub struct BareRun {
    pub placements: usize,
    /// Writers in flight.
    pub tasks: usize,
    pub quote_inserts_per_second: f64,
    pub placements_per_second: f64,
    /// Both writes of a checkout (the quote, then its placement) per second: what the HTTP
    /// figure is compared with.
    pub orders_per_second: f64,
    pub seconds: f64,
}

fn app_error(what: &str) -> impl FnOnce(AppError) -> anyhow::Error + '_ {
    move |error| match &error {
        AppError::Invalid(errors) => anyhow!("{what}: {errors:?}"),
        _ => anyhow!("{what}: {error}"),
    }
}

pub async fn checkout(options: CheckoutOptions) -> anyhow::Result<CheckoutReport> {
    let (store, database, scratch) = open_scratch(options.database_url.as_deref()).await?;
    let result = run(&options, store, database, matches!(scratch, Scratch::Kept)).await;
    scratch.remove().await;
    result
}

async fn run(
    options: &CheckoutOptions,
    store: Arc<dyn Store>,
    database: String,
    must_be_empty: bool,
) -> anyhow::Result<CheckoutReport> {
    let app = App::new(
        store.clone(),
        Arc::new(SystemClock),
        options.app_config.clone(),
    );
    app.prepare().await.map_err(app_error("prepare"))?;
    if must_be_empty
        && app
            .row_counts()
            .await
            .map_err(app_error("row counts"))?
            .sellers
            > 0
    {
        return Err(UsageError(format!(
            "{database} already has sellers: bench checkout writes sellers, products and orders, \
             so point it at an empty database (or leave --database-url out for a temporary file)"
        ))
        .into());
    }
    // The snapshot's newest rates may be older than the gap limit: price at that day.
    app.set_pricing_date(
        app.fx_coverage()
            .await
            .map_err(app_error("fx coverage"))?
            .last_date,
    );
    // Every checkout reserves one unit; the bare loop doubles that. A hot product may take all.
    let demand = (options.orders + options.clients * WARM_UP_PER_CLIENT) * 2;
    let per_product = i64::try_from(demand)
        .unwrap_or(i64::MAX)
        .clamp(1_000_000, 10_000_000);
    let buyers = seed(&app, options.clients, options.hot_products, per_product).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let router = silkroute_http::router(app.clone(), options.http_config.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let idle_rss_mib = proc_status_mib("VmRSS:");

    // The store slows as its tables grow, so the bare loop goes first: the HTTP run then works on
    // the larger database and the ratio errs against us, never for us.
    let storage_limit = if options.run_bare {
        Some(bare::bare_loop(&app, &store, &buyers, options.orders, options.bare_tasks).await?)
    } else {
        None
    };
    // Forget the bare loop's high-water mark (Linux), so the peak below is the HTTP run's.
    let _ = std::fs::write("/proc/self/clear_refs", "5");

    let http = if options.run_http {
        Some(load::http_run(address, &buyers, options).await?)
    } else {
        None
    };
    let peak_rss_mib = proc_status_mib("VmHWM:");
    server.abort();

    let ratio_percent = match (&http, &storage_limit) {
        (Some(http), Some(bare)) if http.mode == "closed" && bare.orders_per_second > 0.0 => {
            Some(http.orders_per_second / bare.orders_per_second * 100.0)
        }
        _ => None,
    };
    let audit = app.stock_audit().await.map_err(app_error("stock audit"))?;
    Ok(CheckoutReport {
        backend: app.backend(),
        database,
        clients: options.clients,
        hot_products: options.hot_products,
        idempotency_keys: options.idempotency_keys,
        http,
        storage_limit,
        ratio_percent,
        audit,
        idle_rss_mib,
        peak_rss_mib,
    })
}

/// A `/proc/self/status` memory line (`VmRSS:`, `VmHWM:`) in MiB; None off Linux.
pub(super) fn proc_status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix(field))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}
