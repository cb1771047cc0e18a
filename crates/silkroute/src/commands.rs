//! What each subcommand does. Errors carry their exit code: 2 for bad usage or input, 1 for
//! failures, 0 for success.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use silkroute_app::{App, AppConfig, AppError, Role, SystemClock};
use silkroute_domain::fx::RateMode;
use silkroute_domain::identifiers::{IdentifierKind, validate};
use silkroute_http::HttpConfig;

use crate::cli::{
    BenchAnalyticsArgs, BenchCheckoutArgs, BenchCommand, Cli, Command, ConfigCommand, DemoArgs,
    ExportCommand, FxCommand, ImportCommand, TokenCommand,
};
use crate::config::{self, Config};

mod demo;
mod export;
mod report;
mod serve;

use demo::run_demo;
pub(crate) use export::{FactCounts, write_facts};
use serve::serve;

/// Bad usage or input: exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

pub fn exit_code_for(error: &anyhow::Error) -> u8 {
    if error.downcast_ref::<UsageError>().is_some() {
        return 2;
    }
    match error.downcast_ref::<AppError>() {
        Some(AppError::Invalid(_) | AppError::NotFound(_) | AppError::Unavailable(_)) => 2,
        _ => 1,
    }
}

pub(crate) fn app_error(error: AppError) -> anyhow::Error {
    if let AppError::Invalid(errors) = &error {
        let lines = errors
            .iter()
            .map(|error| {
                if error.field.is_empty() {
                    error.message.clone()
                } else {
                    format!("{}: {}", error.field, error.message)
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        return anyhow::Error::new(error).context(lines);
    }
    anyhow::Error::new(error)
}

fn app_config(config: &Config) -> AppConfig {
    AppConfig {
        fx_mode: RateMode::LastPublished,
        fx_max_gap_days: config.fx_max_gap_days,
        buyer_spread_bps: config.buyer_spread_bps,
        pricing_date: None,
        test_payment_secret: config.test_payment_secret.clone(),
        deliver_payment_notifications: true,
        payment_fee_bps: config.payment_fee_bps,
        rebuild_facts_per_load: config.analytics_rebuild_facts_per_load,
    }
}

async fn open_app(config: &Config) -> anyhow::Result<App> {
    let store = crate::store::open(&config.database_url).await?;
    Ok(App::new(store, Arc::new(SystemClock), app_config(config)))
}

pub(crate) fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = config::load(cli.config.as_deref(), cli.database_url.clone())?;
    match cli.command {
        Command::Serve(args) => serve(&config, args).await,
        Command::Migrate => {
            let app = open_app(&config).await?;
            let applied = app.prepare().await.map_err(app_error)?;
            if cli.json {
                println!("{}", serde_json::json!({ "applied": applied }));
            } else if applied.is_empty() {
                println!("database is up to date");
            } else {
                for name in applied {
                    println!("applied {name}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => {
            let app = open_app(&config).await?;
            app.prepare().await.map_err(app_error)?;
            run_demo(&app, &args, cli.json).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Fx { command } => fx(&config, command, cli.json).await,
        Command::Import {
            command: ImportCommand::Orders { file, seller },
        } => import_orders(&config, &file, &seller, cli.json).await,
        Command::Export {
            command: ExportCommand::Facts { format, out },
        } => export::facts(&config, &format, &out, cli.json).await,
        Command::Analytics { command } => report::analytics(&config, command, cli.json).await,
        Command::Report(args) => report::report(&config, &args, cli.json).await,
        Command::Market { country, date } => {
            let date = parse_cli_date(date)?;
            let app = open_app(&config).await?;
            app.prepare().await.map_err(app_error)?;
            let view = app.market(&country, date).await.map_err(app_error)?;
            if cli.json {
                println!("{}", serde_json::to_string(&view)?);
            } else {
                println!(
                    "{} ({}) on {}: {} market, currency {}",
                    view.name,
                    view.country,
                    view.date,
                    if view.profile == silkroute_domain::market::MarketProfile::Curated {
                        "curated"
                    } else {
                        "generic"
                    },
                    view.currency
                        .map(|c| c.as_str().to_string())
                        .unwrap_or_else(|| "none".into())
                );
                for rule in &view.rules {
                    println!(
                        "  {:<22} {:<40} v{} from {}{}",
                        rule.kind(),
                        rule.id,
                        rule.version,
                        rule.effective_from,
                        rule.effective_to
                            .map(|to| format!(" to {to}"))
                            .unwrap_or_default()
                    );
                }
                for note in &view.notes {
                    println!("  note: {note}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { kind, value } => {
            let Some(kind) = IdentifierKind::parse(&kind) else {
                let kinds = IdentifierKind::all()
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>();
                return Err(UsageError(format!(
                    "unknown identifier kind '{kind}': use one of {}",
                    kinds.join(", ")
                ))
                .into());
            };
            let validation = validate(kind, &value);
            if cli.json {
                println!("{}", serde_json::to_string(&validation)?);
            } else if validation.valid {
                println!(
                    "valid {} {}",
                    kind.as_str(),
                    validation.normalized.as_deref().unwrap_or(&value)
                );
            } else {
                println!(
                    "invalid {}: {}",
                    kind.as_str(),
                    validation.reason.as_deref().unwrap_or("not valid")
                );
            }
            Ok(if validation.valid {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    role,
                    seller,
                    buyer,
                    label,
                },
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                UsageError(format!("unknown role '{role}': use admin, seller or buyer"))
            })?;
            let app = open_app(&config).await?;
            app.prepare().await.map_err(app_error)?;
            let issued = app
                .create_token(role, seller.as_deref(), buyer.as_deref(), &label)
                .await
                .map_err(app_error)?;
            if cli.json {
                println!("{}", serde_json::to_string(&issued)?);
            } else {
                println!("{}", issued.token);
                eprintln!(
                    "token {} ({}) created; the secret above is shown only once",
                    issued.id,
                    role.as_str()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::Catalog {
                    requests,
                    page_size,
                    market,
                },
        } => {
            if requests == 0 || !(1..=500).contains(&page_size) {
                return Err(
                    UsageError("--requests must be > 0 and --page-size 1–500".into()).into(),
                );
            }
            let mut app = open_app(&config).await?;
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
                    cli.json,
                )
                .await?;
            }
            // The snapshot's newest rates may be older than the gap limit: price at that day.
            app.set_pricing_date(app.fx_coverage().await.map_err(app_error)?.last_date);
            let report = crate::bench::catalog(app, requests, page_size, &market).await?;
            if cli.json {
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
        Command::Bench {
            command: BenchCommand::Checkout(args),
        } => bench_checkout(&config, cli.database_url.clone(), args, cli.json).await,
        Command::Bench {
            command: BenchCommand::Analytics(args),
        } => bench_analytics(&config, args, cli.json).await,
        Command::Config {
            command: ConfigCommand::Example,
        } => {
            print!("{}", config::EXAMPLE);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn import_orders(
    config: &Config,
    file: &std::path::Path,
    seller: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| UsageError(format!("cannot read {}: {error}", file.display())))?;
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    let bar = progress_bar(json);
    bar.set_message("orders");
    bar.set_length(text.lines().count().saturating_sub(1) as u64);
    let report = app
        .import_order_history(seller, &text, |rows| bar.set_position(rows))
        .await
        .map_err(app_error)?;
    bar.finish_and_clear();
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "{} rows: {} imported, {} already there, {} rejected",
            report.rows,
            report.imported,
            report.duplicates,
            report.rejected.len()
        );
        for row in &report.rejected {
            for error in &row.errors {
                if error.field.is_empty() {
                    println!("  line {}: {}", row.line, error.message);
                } else {
                    println!("  line {}: {}: {}", row.line, error.field, error.message);
                }
            }
        }
    }
    // Bad rows are bad input: say so in the exit code, after keeping the good ones.
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

async fn fx(config: &Config, command: FxCommand, json: bool) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    match command {
        FxCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|error| UsageError(format!("cannot read {}: {error}", file.display())))?;
            let bar = progress_bar(json);
            bar.set_message("rates");
            let report = app
                .import_fx_csv(&text, |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await
                .map_err(app_error)?;
            bar.finish_and_clear();
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!(
                    "imported {} rates for {} currencies, {} to {}",
                    report.rates, report.currencies, report.first_date, report.last_date
                );
                if !report.retired_currencies.is_empty() {
                    println!(
                        "retired currencies served from the shipped ECB history, not stored: {}",
                        report.retired_currencies.join(", ")
                    );
                }
                if !report.skipped_currencies.is_empty() {
                    println!(
                        "skipped unknown currencies: {}",
                        report.skipped_currencies.join(", ")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        FxCommand::Convert {
            amount,
            from,
            to,
            date,
            mode,
        } => {
            let date = parse_cli_date(date)?;
            let mode = match mode.as_deref() {
                None => None,
                Some("strict") => Some(RateMode::Strict),
                Some("last_published") => Some(RateMode::LastPublished),
                Some(other) => {
                    return Err(UsageError(format!(
                        "mode '{other}': use strict or last_published"
                    ))
                    .into());
                }
            };
            let conversion = app
                .convert(&amount, &from, &to, date, mode, None)
                .await
                .map_err(app_error)?;
            if json {
                println!("{}", serde_json::to_string(&conversion)?);
            } else {
                println!(
                    "{} = {} (rate {}, ECB {})",
                    conversion.from, conversion.to, conversion.rate, conversion.rate_date
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
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
            client_address_header: None,
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

fn parse_cli_date(date: Option<String>) -> Result<Option<chrono::NaiveDate>, UsageError> {
    date.map(|text| {
        chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| UsageError(format!("date '{text}' is not YYYY-MM-DD")))
    })
    .transpose()
}
