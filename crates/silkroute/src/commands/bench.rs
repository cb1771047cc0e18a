//! `silkroute bench`: the benchmarks that print the figures the README quotes (catalog latency,
//! checkout throughput against the storage limit, analytics at scale).

use std::process::ExitCode;
use std::time::Duration;

use silkroute_app::AppConfig;
use silkroute_domain::country::CountryCode;
use silkroute_http::HttpConfig;
use silkroute_logistics::tracking_number::S10Range;

use super::{UsageError, app_config, app_error, open_app, run_demo};
use crate::cli::{BenchAnalyticsArgs, BenchCheckoutArgs, BenchCommand, DemoArgs};
use crate::config::{self, Config};

pub(super) async fn bench(
    config: &Config,
    database_url: Option<String>,
    command: BenchCommand,
    json: bool,
) -> anyhow::Result<ExitCode> {
    match command {
        BenchCommand::Catalog {
            requests,
            page_size,
            market,
        } => bench_catalog(config, requests, page_size, &market, json).await,
        BenchCommand::Checkout(args) => bench_checkout(config, database_url, args, json).await,
        BenchCommand::Analytics(args) => bench_analytics(config, args, json).await,
        BenchCommand::Documents { seconds, threads } => bench_documents(seconds, threads, json),
        BenchCommand::Allocation { orders, seed } => bench_allocation(orders, seed, json),
    }
}

/// Allocates the generated backlog once and prints what it did and how fast.
fn bench_allocation(orders: usize, seed: u64, json: bool) -> anyhow::Result<ExitCode> {
    if !(1..=10_000_000).contains(&orders) {
        return Err(UsageError("--orders must be 1–10,000,000".into()).into());
    }
    let run = crate::bench::allocation_backlog(orders, seed)?;
    if json {
        println!("{}", serde_json::json!({ "allocation": run }));
    } else {
        println!(
            "allocation  {} orders ({} lines) in {:.3} s = {:.0} orders/s; {} allocated, {} back-ordered; {} parcels: {} domestic, {} intra-EU, {} import; {} lines split",
            run.orders,
            run.lines,
            run.seconds,
            run.orders_per_second,
            run.allocated,
            run.unallocated,
            run.parcels,
            run.domestic_parcels,
            run.intra_union_parcels,
            run.import_parcels,
            run.split_lines,
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Renders the sample order's label, CN 23 and invoice in turn, first on one thread, then on
/// `threads` (every core by default): rendering shares nothing, so the second figure is what a
/// server printing labels for many parcels at once reaches.
fn bench_documents(seconds: f64, threads: Option<usize>, json: bool) -> anyhow::Result<ExitCode> {
    if !(seconds.is_finite() && (0.1..=3600.0).contains(&seconds)) || threads == Some(0) {
        return Err(
            UsageError("--seconds must be 0.1–3600 and --threads at least 1".into()).into(),
        );
    }
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let mut range = S10Range::new("RR", CountryCode::parse("CN")?, 12_345_670, 12_345_699)?;
    let order = silkroute_documents::sample::cn_to_de_order(range.issue()?)?;
    let mut runs = Vec::new();
    for threads in [1, threads] {
        let rate = silkroute_documents::bench::render_rate(
            &order,
            Duration::from_secs_f64(seconds),
            threads,
        );
        runs.push(serde_json::json!({
            "threads": rate.threads,
            "documents": rate.documents,
            "seconds": rate.elapsed.as_secs_f64(),
            "documents_per_second": rate.per_second(),
            "mean_document_bytes": rate.mean_document_bytes(),
        }));
        if !json {
            println!(
                "documents  {} thread(s): {} in {:.2} s = {:.0} documents/s (label 100x150 mm, CN 23, commercial invoice in turn; {} bytes each on average)",
                rate.threads,
                rate.documents,
                rate.elapsed.as_secs_f64(),
                rate.per_second(),
                rate.mean_document_bytes(),
            );
        }
    }
    if json {
        println!("{}", serde_json::json!({ "documents": runs }));
    }
    Ok(ExitCode::SUCCESS)
}

async fn bench_catalog(
    config: &Config,
    requests: usize,
    page_size: u32,
    market: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if requests == 0 || !(1..=500).contains(&page_size) {
        return Err(UsageError("--requests must be > 0 and --page-size 1–500".into()).into());
    }
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    if app.row_counts().await.map_err(app_error)?.sellers == 0 {
        run_demo(
            &app,
            &DemoArgs {
                sellers: 200,
                products_per_seller: 100,
                buyers: 2_000,
                orders: 0,
                days: 730,
                traffic_days: 90,
                seed: 42,
            },
            json,
        )
        .await?;
    }
    // The snapshot's newest rates may be older than the gap limit: price at that day.
    app.set_pricing_date(app.fx_coverage().await.map_err(app_error)?.last_date);
    let report = crate::bench::catalog(app, requests, page_size, market).await?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "catalog ({}, {} products, page {}): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {:.0} req/s over {} requests",
            report.backend,
            report.products,
            report.page_size,
            report.p50_ms,
            report.p90_ms,
            report.p99_ms,
            report.max_ms,
            report.requests_per_second,
            report.requests
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn bench_checkout(
    config: &Config,
    database_url: Option<String>,
    args: BenchCheckoutArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if args.clients == 0
        || args.orders == 0
        || args.hot_products == 0
        || args
            .rate
            .is_some_and(|rate| !(rate.is_finite() && rate > 0.0))
    {
        return Err(UsageError(
            "--clients, --orders, --hot-products, --bare-tasks and --rate must be positive".into(),
        )
        .into());
    }
    let report = crate::bench::checkout(crate::bench::CheckoutOptions {
        database_url,
        // No background capture notifications: the bench measures the checkout alone.
        app_config: AppConfig {
            deliver_payment_notifications: false,
            ..app_config(config)
        },
        http_config: HttpConfig {
            body_limit_bytes: config.body_limit_bytes,
            request_timeout: Duration::from_secs(config.request_timeout_seconds),
            ..HttpConfig::default()
        },
        clients: args.clients,
        orders: args.orders,
        rate: args.rate,
        hot_products: args.hot_products,
        run_http: !args.bare_only,
        run_bare: !args.skip_bare,
        bare_tasks: args.bare_tasks.unwrap_or(args.clients.max(64)),
        idempotency_keys: args.idempotency_keys,
    })
    .await?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "checkout bench: {} ({}), {} clients, {} hot products{}",
            report.backend,
            report.database,
            report.clients,
            report.hot_products,
            if report.idempotency_keys {
                ", idempotency keys"
            } else {
                ""
            }
        );
        if let Some(http) = &report.http {
            let mode = match http.rate_requests_per_second {
                Some(rate) => format!("open loop at {rate:.0} req/s"),
                None => "closed loop".to_string(),
            };
            println!(
                "  http        {} orders in {:.2} s ({mode}): {:.0} orders/s, {:.0} req/s, {} out of stock",
                http.orders,
                http.seconds,
                http.orders_per_second,
                http.requests_per_second,
                http.out_of_stock
            );
            for (name, latency) in [
                ("quote", &http.quote),
                ("order", &http.order),
                ("checkout", &http.checkout),
            ] {
                println!(
                    "  {name:<11} p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
                    latency.p50_ms, latency.p99_ms, latency.max_ms
                );
            }
        }
        if let Some(bare) = &report.storage_limit {
            println!(
                "  storage     {} bare checkouts by {} tasks in {:.2} s: {:.0} orders/s (quote inserts {:.0}/s, placements {:.0}/s)",
                bare.placements,
                bare.tasks,
                bare.seconds,
                bare.orders_per_second,
                bare.quote_inserts_per_second,
                bare.placements_per_second
            );
        }
        if let Some(ratio) = report.ratio_percent {
            println!("  ratio       {ratio:.0} % of the storage limit");
        }
        println!(
            "  audit       {} products, reserved {}, held by orders {}, {} mismatched",
            report.audit.products,
            report.audit.reserved,
            report.audit.held_by_orders,
            report.audit.mismatched_products
        );
        let mib = |value: Option<f64>| {
            value
                .map(|value| format!("{value:.1} MiB"))
                .unwrap_or_else(|| "n/a".into())
        };
        println!(
            "  memory      idle RSS {}, peak {}",
            mib(report.idle_rss_mib),
            mib(report.peak_rss_mib)
        );
    }
    if !report.audit_holds() {
        anyhow::bail!(
            "stock audit failed: reserved {} but orders hold {} ({} products mismatched)",
            report.audit.reserved,
            report.audit.held_by_orders,
            report.audit.mismatched_products
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn bench_analytics(
    config: &Config,
    args: BenchAnalyticsArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if args.order_lines == 0 || args.queries == 0 || args.sellers == 0 {
        return Err(
            UsageError("--order-lines, --queries and --sellers must be positive".into()).into(),
        );
    }
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    let report = crate::bench::analytics(
        app,
        &crate::bench::AnalyticsOptions {
            database: config::redact(&config.database_url),
            order_lines: args.order_lines,
            queries: args.queries,
            sellers: args.sellers,
            products_per_seller: args.products_per_seller,
            buyers: args.buyers,
            days: args.days,
            traffic_days: args.traffic_days,
            seed: args.seed,
            export: !args.skip_export,
            rebuild: !args.skip_rebuild,
            first_overview: !args.skip_first_overview,
            quiet: json,
        },
    )
    .await?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        crate::bench::print_analytics(&report);
    }
    Ok(ExitCode::SUCCESS)
}
