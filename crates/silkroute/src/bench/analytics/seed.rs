//! Seeding for `bench analytics`: the demo marketplace and enough demo orders for the order
//! lines asked for.

use std::time::Instant;

use serde::Serialize;
use silkroute_app::App;
use silkroute_app::demo::{DemoOptions, DemoOrderOptions};

use super::{AnalyticsOptions, Progress};
use crate::commands::{UsageError, app_error};

/// Order lines per demo order, measured: the 8,009,612 orders of the 10 M-line seed (seed 42,
/// 730 days, 200,000 buyers) hold 9,945,187 lines; 20,000 orders hold 24,970 (1.2485). A cart
/// is one or two sellers' products, a quarter of them with a second product.
pub(super) const LINES_PER_ORDER: f64 = 1.2417;

/// The seed makes this much more than the order lines asked for, so that the lines per order
/// of another size or seed do not leave it short: the seed sized by 1.2485 came out 0.55 %
/// under 10 M.
const LINES_MARGIN: f64 = 1.005;

/// The most orders the demo generator makes in one run.
const MAX_DEMO_ORDERS: u64 = 10_000_000;

#[derive(Debug, Serialize)]
pub struct SeedFigures {
    /// When the seed ended: its events all carry a receipt time before this.
    #[serde(skip)]
    pub finished: Instant,
    pub seconds: f64,
    pub marketplace_seconds: f64,
    pub orders_seconds: f64,
    pub orders_requested: u64,
    pub orders: u64,
    pub checkouts: u64,
    pub storefront_events: u64,
    pub orders_per_second: f64,
    pub days: u32,
    pub traffic_days: u32,
    /// The process's peak resident memory after seeding.
    pub peak_rss_mib: Option<f64>,
}

/// Seeds an empty database (no sellers); leaves any other alone.
pub(super) async fn seed_if_empty(
    app: &App,
    options: &AnalyticsOptions,
    progress: &Progress,
) -> anyhow::Result<Option<SeedFigures>> {
    if app.row_counts().await.map_err(app_error)?.sellers > 0 {
        return Ok(None);
    }
    let orders = (options.order_lines as f64 * LINES_MARGIN / LINES_PER_ORDER).ceil() as u64;
    if orders > MAX_DEMO_ORDERS {
        return Err(UsageError(format!(
            "--order-lines {} needs {orders} demo orders; the demo makes at most {MAX_DEMO_ORDERS}",
            options.order_lines
        ))
        .into());
    }
    let started = Instant::now();
    progress.line(&format!(
        "seeding {} sellers, {} products each, {} buyers",
        options.sellers, options.products_per_seller, options.buyers
    ));
    app.generate_demo(
        &DemoOptions {
            sellers: options.sellers,
            products_per_seller: options.products_per_seller,
            buyers: options.buyers,
            seed: options.seed,
        },
        |stage, done, total| progress.tick(stage, done, total, started),
    )
    .await
    .map_err(app_error)?;
    let marketplace_seconds = started.elapsed().as_secs_f64();
    progress.line(&format!(
        "seeding {orders} orders over {} days ({} with storefront traffic) for about {} order lines",
        options.days, options.traffic_days, options.order_lines
    ));
    progress.reset();
    let orders_started = Instant::now();
    let report = app
        .generate_demo_orders(
            &DemoOrderOptions {
                orders: orders as u32,
                days: options.days,
                traffic_days: options.traffic_days,
                seed: options.seed,
            },
            |stage, done, total| progress.tick(stage, done, total, orders_started),
        )
        .await
        .map_err(app_error)?;
    let orders_seconds = orders_started.elapsed().as_secs_f64();
    progress.line(&format!(
        "seeded {} orders and {} storefront events in {orders_seconds:.1} s",
        report.orders, report.storefront_events
    ));
    Ok(Some(SeedFigures {
        finished: Instant::now(),
        seconds: started.elapsed().as_secs_f64(),
        marketplace_seconds,
        orders_seconds,
        orders_requested: orders,
        orders: report.orders,
        checkouts: report.checkouts,
        storefront_events: report.storefront_events,
        orders_per_second: report.orders as f64 / orders_seconds.max(1e-9),
        days: options.days,
        traffic_days: options.traffic_days,
        peak_rss_mib: crate::bench::checkout::proc_status_mib("VmHWM:"),
    }))
}
