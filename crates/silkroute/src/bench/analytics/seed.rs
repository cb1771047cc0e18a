//! Seeding for `bench analytics`: the demo marketplace and enough demo orders for the order
//! lines asked for, and the lines-per-order sample that turns an order count into order lines
//! (the store counts orders, not their lines).

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use silkroute_app::demo::{DemoOptions, DemoOrderOptions};
use silkroute_app::{App, OrderListQuery, Principal};
use silkroute_domain::ids::TokenId;

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

/// Orders read back for the lines-per-order sample, spread over the history (±1 % or so).
const SAMPLE_WINDOWS: u32 = 4;
const SAMPLE_PER_WINDOW: u32 = 500;

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

/// Lines per order over up to 2,000 orders read back whole, a page of 500 from each quarter of
/// the `days` of history (order ids start with their time); `(1.0, 0)` without orders. Pages,
/// not single orders: the store loads a page's lines in one query by order id, which has no
/// index of its own (the key starts with the seller), so each load is a scan of order_lines.
pub(super) async fn lines_per_order(app: &App, days: u32) -> anyhow::Result<(f64, usize)> {
    let operator = Principal::Admin {
        token_id: TokenId::from_ulid("00000000000000000000000000")?,
    };
    let now = app.now();
    let span = Duration::days(i64::from(days.max(1)));
    let (mut orders, mut lines) = (0usize, 0usize);
    let mut seen = std::collections::HashSet::new();
    for window in 0..SAMPLE_WINDOWS {
        let at = now - span + span * window as i32 / SAMPLE_WINDOWS as i32;
        let page = app
            .list_orders(
                &operator,
                &OrderListQuery {
                    status: None,
                    market: None,
                    from: None,
                    to: None,
                    limit: Some(SAMPLE_PER_WINDOW),
                    cursor: Some(format!("ord_{}", ulid_time_prefix(at))),
                },
            )
            .await
            .map_err(app_error)?;
        for order in page.items {
            if seen.insert(order.id.clone()) {
                orders += 1;
                lines += order.lines.len();
            }
        }
    }
    if orders == 0 {
        return Ok((1.0, 0));
    }
    Ok((lines as f64 / orders as f64, orders))
}

/// The smallest ULID of a millisecond: its 48-bit time in Crockford base32, then zeros.
fn ulid_time_prefix(at: DateTime<Utc>) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let millis = at.timestamp_millis().max(0) as u64;
    let mut text = String::with_capacity(26);
    for i in (0..10).rev() {
        text.push(ALPHABET[((millis >> (5 * i)) & 31) as usize] as char);
    }
    text.push_str(&"0".repeat(16));
    text
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn ulid_prefix_encodes_the_millisecond() {
        // The ULID spec's example: 1469918176385 ms is 01ARYZ6S41.
        let at = Utc.timestamp_millis_opt(1_469_918_176_385).unwrap();
        assert_eq!(ulid_time_prefix(at), "01ARYZ6S410000000000000000");
    }
}
