//! `silkroute demo`: the demo marketplace and its order history, with a progress bar, and the
//! report for people or (`--json`) machines.

use std::time::Instant;

use silkroute_app::App;
use silkroute_app::demo::{DemoOptions, DemoOrderOptions};

use super::{app_error, progress_bar};
use crate::cli::DemoArgs;

pub(super) async fn run_demo(app: &App, args: &DemoArgs, quiet: bool) -> anyhow::Result<()> {
    let options = DemoOptions {
        sellers: args.sellers,
        products_per_seller: args.products_per_seller,
        buyers: args.buyers,
        seed: args.seed,
    };
    let bar = progress_bar(quiet);
    let started = Instant::now();
    let report = app
        .generate_demo(&options, |stage, done, total| {
            bar.set_message(stage.to_string());
            bar.set_length(total);
            bar.set_position(done);
        })
        .await
        .map_err(app_error)?;
    let marketplace_seconds = started.elapsed().as_secs_f64();
    let orders = if args.orders > 0 {
        let options = DemoOrderOptions {
            orders: args.orders,
            days: args.days,
            traffic_days: args.traffic_days,
            seed: args.seed,
        };
        Some(
            app.generate_demo_orders(&options, |stage, done, total| {
                bar.set_message(stage.to_string());
                bar.set_length(total);
                bar.set_position(done);
            })
            .await
            .map_err(app_error)?,
        )
    } else {
        None
    };
    // The seller center opens on rollups, not on a first-request rebuild.
    let rollups_started = Instant::now();
    bar.set_message("rollups");
    let rollups = app
        .rebuild_analytics(&mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
        .await
        .map_err(app_error)?;
    let rollup_seconds = rollups_started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    // Stored with the demo, so that every later `serve` prices it (see `fx_freshness`).
    let pinned = app.pin_demo_pricing().await.map_err(app_error)?;
    if quiet {
        println!(
            "{}",
            serde_json::json!({"marketplace": report, "orders": orders, "rollups": rollups,
                "rollup_seconds": rollup_seconds, "seconds": started.elapsed().as_secs_f64(),
                "pricing_pinned_to": pinned})
        );
    } else {
        println!(
            "demo: {} sellers in {} countries, {} products, {} buyers in {} countries ({:.1} s)",
            report.sellers,
            report.seller_countries,
            report.products,
            report.buyers,
            report.buyer_countries,
            marketplace_seconds
        );
        if let Some(orders) = orders {
            println!(
                "demo: {} orders from {} checkouts, {} to {}: {} completed, {} open, {} cancelled, \
                 {} refunded ({} in part), {} returned; {} storefront events ({:.1} s)",
                orders.orders,
                orders.checkouts,
                orders.first_day.map(|d| d.to_string()).unwrap_or_default(),
                orders.last_day.map(|d| d.to_string()).unwrap_or_default(),
                orders.completed,
                orders.open,
                orders.cancelled,
                orders.refunded,
                orders.partially_refunded,
                orders.returned,
                orders.storefront_events,
                started.elapsed().as_secs_f64() - marketplace_seconds - rollup_seconds
            );
        }
        println!(
            "demo: analytics rollups for {} scopes over {} days, {} rows ({rollup_seconds:.1} s)",
            rollups.scopes, rollups.days, rollups.rows
        );
        if let Some(day) = pinned {
            println!(
                "demo: prices pinned to the ECB rates of {day}, the newest there are (older than \
                 fx_max_gap_days); `silkroute fx sync` brings today's and lifts the pin"
            );
        }
    }
    Ok(())
}
