//! `silkroute bench analytics`: store analytics at scale, in process against the configured
//! database. Seeds the demo marketplace and its order history up to a number of order lines
//! when the database is empty, then times what an operator and a seller wait for: a full rollup
//! rebuild, the facts export (the same code as `silkroute export facts`), and the store
//! overview and time series as the seller center asks for them (p50/p95/p99).

mod live;
mod queries;
mod seed;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use serde::Serialize;
use silkroute_app::App;

use super::checkout::proc_status_mib;
use crate::commands::{FactCounts, UsageError, app_error, progress_bar, write_facts};

pub use queries::Distribution;
use queries::QueryFigures;
pub use seed::SeedFigures;

/// The bar for the store overview.
const OVERVIEW_P50_TARGET_MS: f64 = 20.0;

/// A database with sellers is used as it is, as long as it holds at least this share of the
/// order lines asked for (seeding aims at the number, it does not hit it exactly).
const ENOUGH_LINES: f64 = 0.95;

#[derive(Clone, Debug)]
pub struct AnalyticsOptions {
    /// The database URL, password hidden (for the report).
    pub database: String,
    pub order_lines: u64,
    pub queries: usize,
    pub sellers: u32,
    pub products_per_seller: u32,
    pub buyers: u32,
    pub days: u32,
    pub traffic_days: u32,
    pub seed: u64,
    pub export: bool,
    /// Rebuild the rollups (off: they are taken as current, e.g. from an earlier run).
    pub rebuild: bool,
    /// Time the first overview after the rebuild, before the live event (see
    /// [`AnalyticsReport::first_overview_ms`]); without it the live event comes first.
    pub first_overview: bool,
    /// `--json`: no progress bar (progress lines still go to standard error).
    pub quiet: bool,
}

#[derive(Debug, Serialize)]
pub struct AnalyticsReport {
    pub backend: &'static str,
    pub database: String,
    /// Database file(s) on disk after seeding and the rebuild (SQLite only).
    pub database_bytes: Option<u64>,
    pub build: &'static str,
    pub cores: usize,
    /// Rows of `order_lines`, counted (`SELECT COUNT(*)`) after seeding.
    pub order_lines: u64,
    pub lines_per_order: f64,
    pub orders: i64,
    pub storefront_events: i64,
    pub sellers: i64,
    pub products: i64,
    pub buyers: i64,
    /// `None` when the database already held the data.
    pub seed: Option<SeedFigures>,
    /// `None` with `--skip-rebuild`.
    pub rebuild: Option<RebuildFigures>,
    /// `None` with `--skip-export`.
    pub export: Option<ExportFigures>,
    /// The platform overview right after the rebuild, before any live traffic: on a seeded
    /// database it re-reads every event the seed stored (they share one receipt instant).
    /// `None` with `--skip-first-overview`.
    pub first_overview_ms: Option<f64>,
    /// One live storefront event is recorded before the latency runs (before the rebuild with
    /// `--skip-first-overview`), so that the event stream's head is a live receipt, as in a
    /// running marketplace.
    pub live_event_recorded: bool,
    /// Requests measured per query kind.
    pub queries: usize,
    /// Store overview of a random seller, the last 30 days (resolve + overview, as a request).
    pub overview_seller_30d: Distribution,
    /// The platform's overview, the last 30 days.
    pub overview_platform_30d: Distribution,
    /// Store overview of a random seller over the last 365 days.
    pub overview_seller_365d: Distribution,
    /// Daily `paid_amount` series of a random seller, the last 30 days.
    pub series_seller_30d: Distribution,
    /// Breakdown by traffic source of a random seller, the last 30 days.
    pub sources_seller_30d: Distribution,
    /// The platform's breakdown by traffic source, the last 30 days.
    pub sources_platform_30d: Distribution,
    /// The product table of a random seller, the last 30 days.
    pub products_seller_30d: Distribution,
    /// `refresh_analytics` alone with nothing new since the last: every request above starts
    /// with it.
    pub refresh_idle: Distribution,
    /// Paid orders in the platform's last 30 days: proves the overview read real rollups.
    pub platform_paid_orders_30d: i64,
    pub overview_p50_target_ms: f64,
    pub overview_p50_met: bool,
    /// The whole bench, seeding included.
    pub seconds: f64,
}

#[derive(Debug, Serialize)]
pub struct RebuildFigures {
    pub seconds: f64,
    /// The process's peak resident memory after the rebuild (seeding included).
    pub peak_rss_mib: Option<f64>,
    pub scopes: usize,
    pub days: usize,
    pub rows: usize,
}

#[derive(Debug, Serialize)]
pub struct ExportFigures {
    pub seconds: f64,
    pub rows: u64,
    pub rows_per_second: f64,
    pub bytes: u64,
    pub orders: u64,
    pub storefront_events: u64,
    pub refunds: u64,
    pub imported_orders: u64,
}

/// Progress for people at a terminal (a bar) and in logs (a line every half minute on
/// standard error when the bar cannot be drawn).
pub(super) struct Progress {
    bar: ProgressBar,
    last_line: Mutex<Instant>,
}

impl Progress {
    const EVERY: Duration = Duration::from_secs(30);

    fn new(quiet: bool) -> Progress {
        Progress {
            bar: progress_bar(quiet),
            last_line: Mutex::new(Instant::now()),
        }
    }

    pub(super) fn line(&self, text: &str) {
        if self.bar.is_hidden() {
            eprintln!("bench analytics: {text}");
        } else {
            self.bar.println(text);
        }
        if let Ok(mut last) = self.last_line.lock() {
            *last = Instant::now();
        }
    }

    pub(super) fn tick(&self, stage: &str, done: u64, total: u64, started: Instant) {
        self.bar.set_message(stage.to_string());
        self.bar.set_length(total);
        self.bar.set_position(done);
        let due = self
            .last_line
            .lock()
            .map(|last| last.elapsed() >= Self::EVERY)
            .unwrap_or(false);
        if due {
            self.line(&format!(
                "{stage} {done}/{total} ({:.0} s)",
                started.elapsed().as_secs_f64()
            ));
        }
    }

    pub(super) fn reset(&self) {
        self.bar.set_position(0);
        self.bar.set_length(0);
    }
}

pub async fn analytics(app: App, options: &AnalyticsOptions) -> anyhow::Result<AnalyticsReport> {
    let started = Instant::now();
    let progress = Progress::new(options.quiet);

    let seeded = seed::seed_if_empty(&app, options, &progress).await?;
    let counts = app.row_counts().await.map_err(app_error)?;
    let order_lines = app.order_line_count().await.map_err(app_error)?.max(0) as u64;
    let lines_per_order = order_lines as f64 / counts.orders.max(1) as f64;
    if seeded.is_none() && (order_lines as f64) < options.order_lines as f64 * ENOUGH_LINES {
        return Err(UsageError(format!(
            "{} holds {order_lines} order lines, fewer than --order-lines {}: pass a \
             smaller --order-lines or an empty database (--database-url) to seed",
            options.database, options.order_lines
        ))
        .into());
    }
    progress.line(&format!(
        "{} orders, {order_lines} order lines ({lines_per_order:.4} per order), {} storefront \
         events",
        counts.orders, counts.storefront_events
    ));

    let seed_finished = seeded.as_ref().map(|s| s.finished);
    if !options.first_overview {
        // The rebuild's watermark is then the live event: no request re-reads the seed.
        live::record_event(&app, seed_finished, &progress).await?;
    }
    let rebuild = if options.rebuild {
        Some(rebuild(&app, &progress).await?)
    } else {
        None
    };
    let export = if options.export {
        Some(export(&app, &progress).await?)
    } else {
        None
    };
    let first_overview_ms = if options.first_overview {
        let ms = queries::first_overview(&app, &progress).await?;
        live::record_event(&app, seed_finished, &progress).await?;
        Some(ms)
    } else {
        None
    };
    let QueryFigures {
        seller_30d,
        platform_30d,
        seller_365d,
        series_30d,
        sources_30d,
        platform_sources_30d,
        products_30d,
        refresh,
        platform_paid_orders_30d,
    } = queries::measure(&app, options, &progress).await?;
    progress.bar.finish_and_clear();

    Ok(AnalyticsReport {
        backend: app.backend(),
        database: options.database.clone(),
        database_bytes: sqlite_bytes(&options.database),
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        order_lines,
        lines_per_order,
        orders: counts.orders,
        storefront_events: counts.storefront_events,
        sellers: counts.sellers,
        products: counts.products,
        buyers: counts.buyers,
        seed: seeded,
        rebuild,
        export,
        first_overview_ms,
        live_event_recorded: true,
        queries: options.queries,
        overview_p50_met: seller_30d.p50_ms < OVERVIEW_P50_TARGET_MS
            && platform_30d.p50_ms < OVERVIEW_P50_TARGET_MS,
        overview_seller_30d: seller_30d,
        overview_platform_30d: platform_30d,
        overview_seller_365d: seller_365d,
        series_seller_30d: series_30d,
        sources_seller_30d: sources_30d,
        sources_platform_30d: platform_sources_30d,
        products_seller_30d: products_30d,
        refresh_idle: refresh,
        platform_paid_orders_30d,
        overview_p50_target_ms: OVERVIEW_P50_TARGET_MS,
        seconds: started.elapsed().as_secs_f64(),
    })
}

async fn rebuild(app: &App, progress: &Progress) -> anyhow::Result<RebuildFigures> {
    progress.line("rebuilding the rollups");
    progress.reset();
    let started = Instant::now();
    let report = app
        .rebuild_analytics(&mut |done, total| {
            progress.tick("rollups", done as u64, total as u64, started);
        })
        .await
        .map_err(app_error)?;
    let seconds = started.elapsed().as_secs_f64();
    progress.line(&format!(
        "rebuilt {} scopes, {} days, {} rows in {seconds:.1} s",
        report.scopes, report.days, report.rows
    ));
    Ok(RebuildFigures {
        seconds,
        peak_rss_mib: proc_status_mib("VmHWM:"),
        scopes: report.scopes,
        days: report.days,
        rows: report.rows,
    })
}

/// `export facts` into a temporary folder, removed afterwards.
async fn export(app: &App, progress: &Progress) -> anyhow::Result<ExportFigures> {
    let out = std::env::temp_dir().join(format!(
        "silkroute-bench-facts-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&out)?;
    progress.line(&format!("exporting the facts to {}", out.display()));
    progress.reset();
    let started = Instant::now();
    let written = write_facts(app, &out, &progress.bar).await;
    let seconds = started.elapsed().as_secs_f64();
    let bytes = folder_bytes(&out);
    let _ = std::fs::remove_dir_all(&out);
    let FactCounts {
        orders,
        storefront_events,
        refunds,
        imported_orders,
    } = written?;
    let rows = orders + storefront_events + refunds + imported_orders;
    progress.line(&format!(
        "exported {rows} rows ({bytes} bytes) in {seconds:.1} s"
    ));
    Ok(ExportFigures {
        seconds,
        rows,
        rows_per_second: rows as f64 / seconds.max(1e-9),
        bytes,
        orders,
        storefront_events,
        refunds,
        imported_orders,
    })
}

fn folder_bytes(folder: &std::path::Path) -> u64 {
    std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok()?.metadata().ok())
                .map(|metadata| metadata.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The SQLite file and its WAL, from `sqlite://FILE[?options]`.
fn sqlite_bytes(url: &str) -> Option<u64> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next()?;
    if file.is_empty() || file == ":memory:" {
        return None;
    }
    let main = std::fs::metadata(PathBuf::from(file)).ok()?.len();
    let wal = std::fs::metadata(format!("{file}-wal")).map_or(0, |m| m.len());
    Some(main + wal)
}

/// The human table.
pub fn print_analytics(report: &AnalyticsReport) {
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "analytics bench: {} ({}), {} build, {} cores",
        report.backend, report.database, report.build, report.cores
    );
    println!(
        "  data        {} orders, {} order lines ({:.3}/order), {} storefront events, {} \
         sellers{}",
        report.orders,
        report.order_lines,
        report.lines_per_order,
        report.storefront_events,
        report.sellers,
        report
            .database_bytes
            .map(|bytes| format!(", database {:.0} MiB", mib(bytes)))
            .unwrap_or_default()
    );
    match &report.seed {
        Some(seed) => println!(
            "  seed        {:.1} s: marketplace {:.1} s, {} orders in {:.1} s ({:.0} orders/s)",
            seed.seconds,
            seed.marketplace_seconds,
            seed.orders,
            seed.orders_seconds,
            seed.orders_per_second
        ),
        None => println!("  seed        none (the database held the data)"),
    }
    match &report.rebuild {
        Some(rebuild) => println!(
            "  rebuild     {:.1} s: {} scopes, {} days, {} rows{}",
            rebuild.seconds,
            rebuild.scopes,
            rebuild.days,
            rebuild.rows,
            rebuild
                .peak_rss_mib
                .map(|mib| format!(", peak RSS {mib:.0} MiB"))
                .unwrap_or_default()
        ),
        None => println!("  rebuild     skipped"),
    }
    match &report.export {
        Some(export) => println!(
            "  export      {:.1} s: {} rows ({:.0} rows/s), {:.0} MiB of CSV",
            export.seconds,
            export.rows,
            export.rows_per_second,
            mib(export.bytes)
        ),
        None => println!("  export      skipped"),
    }
    if let Some(ms) = report.first_overview_ms {
        println!("  first       {ms:.1} ms: the platform overview right after the rebuild");
    }
    println!(
        "  {:<28} {:>9} {:>9} {:>9} {:>9}",
        format!("latency, {} requests", report.queries),
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms"
    );
    for (name, latency) in [
        ("overview, seller, 30 d", &report.overview_seller_30d),
        ("overview, platform, 30 d", &report.overview_platform_30d),
        ("overview, seller, 365 d", &report.overview_seller_365d),
        ("series, seller, 30 d, day", &report.series_seller_30d),
        ("by source, seller, 30 d", &report.sources_seller_30d),
        ("by source, platform, 30 d", &report.sources_platform_30d),
        ("products, seller, 30 d", &report.products_seller_30d),
        ("refresh, nothing new", &report.refresh_idle),
    ] {
        println!(
            "  {name:<28} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            latency.p50_ms, latency.p95_ms, latency.p99_ms, latency.max_ms
        );
    }
    println!(
        "  target      overview p50 < {:.0} ms: {}",
        report.overview_p50_target_ms,
        if report.overview_p50_met {
            "met"
        } else {
            "NOT met"
        }
    );
    println!("  total       {:.1} s", report.seconds);
}
