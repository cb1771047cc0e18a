//! `silkroute export facts`: every fact behind the metrics as CSV, page by page, so that a
//! large history never sits in memory at once.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use silkroute_app::App;

use super::{UsageError, app_error, open_app, progress_bar};
use crate::config::Config;

/// Rows read per page.
const PAGE: i64 = 5_000;

pub(super) async fn facts(
    config: &Config,
    format: &str,
    out: &Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if format != "csv" {
        return Err(UsageError(format!("unknown format '{format}': only csv")).into());
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    let bar = progress_bar(json);
    let FactCounts {
        orders,
        storefront_events: events,
        refunds,
        imported_orders: imported,
    } = write_facts(&app, out, &bar).await?;
    bar.finish_and_clear();

    if json {
        println!(
            "{}",
            serde_json::json!({"out": out, "orders": orders, "storefront_events": events,
                "refunds": refunds, "imported_orders": imported})
        );
    } else {
        println!(
            "wrote {orders} orders, {events} storefront events, {refunds} refunds and {imported} \
             imported orders to {}",
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Rows written per file by [`write_facts`].
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub(crate) struct FactCounts {
    pub orders: u64,
    pub storefront_events: u64,
    pub refunds: u64,
    pub imported_orders: u64,
}

/// Writes orders.csv, storefront_events.csv, refunds.csv and imported_orders.csv into `out`
/// (which must exist): what `export facts` does, and what `bench analytics` times.
pub(crate) async fn write_facts(
    app: &App,
    out: &Path,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<FactCounts> {
    let counts = app.row_counts().await.map_err(app_error)?;

    bar.set_message("orders");
    bar.set_length(counts.orders as u64);
    let orders = write(
        out,
        "orders.csv",
        |after| {
            let app = app.clone();
            async move {
                let page = app.order_facts(&after, PAGE).await.map_err(app_error)?;
                let last = page.last().map(|fact| fact.order_id.clone());
                Ok((page, last))
            }
        },
        bar,
    )
    .await?;

    bar.set_message("events");
    bar.set_position(0);
    bar.set_length(counts.storefront_events as u64);
    let events = write(
        out,
        "storefront_events.csv",
        |after| {
            let app = app.clone();
            async move {
                let page = app.event_facts(&after, PAGE).await.map_err(app_error)?;
                let last = page.last().map(|fact| fact.event_id.clone());
                Ok((page, last))
            }
        },
        bar,
    )
    .await?;

    bar.set_message("refunds");
    bar.set_position(0);
    let refunds = write(
        out,
        "refunds.csv",
        |after| {
            let app = app.clone();
            async move {
                let page = app.refund_facts(&after, PAGE).await.map_err(app_error)?;
                let last = page.last().map(|fact| fact.refund_id.clone());
                Ok((page, last))
            }
        },
        bar,
    )
    .await?;

    bar.set_message("imported");
    bar.set_position(0);
    let imported = write(
        out,
        "imported_orders.csv",
        |after| {
            let app = app.clone();
            async move {
                let page = app.imported_facts(&after, PAGE).await.map_err(app_error)?;
                let last = page
                    .last()
                    .map(|fact| format!("{}/{}", fact.seller_id, fact.external_order_id));
                Ok((page, last))
            }
        },
        bar,
    )
    .await?;
    Ok(FactCounts {
        orders,
        storefront_events: events,
        refunds,
        imported_orders: imported,
    })
}

/// Writes every page `next(after)` returns into `out/name`; returns the number of rows.
async fn write<T, F, Fut>(
    out: &Path,
    name: &str,
    next: F,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<u64>
where
    T: Serialize,
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<(Vec<T>, Option<String>)>>,
{
    let path = out.join(name);
    let mut writer = csv::Writer::from_path(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut after = String::new();
    let mut rows = 0u64;
    loop {
        let (page, last) = next(after.clone()).await?;
        let done = (page.len() as i64) < PAGE;
        for fact in &page {
            writer.serialize(fact)?;
        }
        rows += page.len() as u64;
        bar.set_position(rows);
        match last {
            Some(last) if !done => after = last,
            _ => break,
        }
    }
    // With no rows the file stays empty: the header is written with the first row.
    writer.flush()?;
    Ok(rows)
}
