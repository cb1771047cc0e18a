//! What each subcommand does. Errors carry their exit code: 2 for bad usage or input, 1 for
//! failures, 0 for success.

use std::process::ExitCode;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use silkroute_app::{App, AppConfig, AppError, FulfilmentConfig, SystemClock};
use silkroute_domain::fx::RateMode;

use crate::cli::{
    AddressCommand, Cli, Command, ConfigCommand, CustomsCommand, ExportCommand, ImportCommand,
    TokenCommand, TransferCommand,
};
use crate::config::{self, Config};

mod address;
mod bench;
mod demo;
mod export;
mod fx;
mod reference;
mod report;
mod serve;
mod shipments;
mod tokens;
mod transfers;

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
        test_payment_secret: config.test_payment_secret.clone(),
        deliver_payment_notifications: true,
        payment_fee_bps: config.payment_fee_bps,
        rebuild_facts_per_load: config.analytics_rebuild_facts_per_load,
        idempotency_lease_seconds: config.idempotency_lease_seconds,
        fulfilment: FulfilmentConfig {
            test_carrier_service_indicator: config.test_carrier_service_indicator.clone(),
            test_carrier_first_serial: config.test_carrier_first_serial,
            test_carrier_last_serial: config.test_carrier_last_serial,
            platform_ioss_number: config.platform_ioss_number.clone(),
            platform_uk_vat_number: config.platform_uk_vat_number.clone(),
            platform_voec_number: config.platform_voec_number.clone(),
        },
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
    let json = cli.json;
    match cli.command {
        Command::Serve(args) => serve(&config, cli.config.as_deref(), args).await,
        Command::Migrate => migrate(&config, json).await,
        Command::Demo(args) => {
            let app = open_app(&config).await?;
            app.prepare().await.map_err(app_error)?;
            run_demo(&app, &args, json).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Fx { command } => fx::fx(&config, command, json).await,
        Command::Import {
            command: ImportCommand::Orders { file, seller },
        } => import_orders(&config, &file, &seller, json).await,
        Command::Export {
            command: ExportCommand::Facts { format, out },
        } => export::facts(&config, &format, &out, json).await,
        Command::Analytics { command } => report::analytics(&config, command, json).await,
        Command::Report(args) => report::report(&config, &args, json).await,
        Command::Market { country, date } => reference::market(&config, &country, date, json).await,
        Command::Validate { kind, value } => reference::validate_identifier(&kind, &value, json),
        Command::Address {
            command: AddressCommand::Check(args),
        } => address::check(args, json),
        Command::Transfer {
            command: TransferCommand::List { seller },
        } => transfers::list(&config, seller.as_deref(), json).await,
        Command::Customs {
            command:
                CustomsCommand::Declarations {
                    mode,
                    from,
                    to,
                    seller,
                    out,
                },
        } => {
            let filter = transfers::DeclarationArgs {
                mode,
                from,
                to,
                seller,
            };
            transfers::declarations(&config, filter, out.as_deref()).await
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
            tokens::create(
                &config,
                &role,
                seller.as_deref(),
                buyer.as_deref(),
                &label,
                json,
            )
            .await
        }
        Command::Shipment { command } => shipments::shipment(&config, command, json).await,
        Command::Manifest { command } => shipments::manifest(&config, command, json).await,
        Command::Bench { command } => {
            bench::bench(&config, cli.database_url.clone(), command, json).await
        }
        Command::Config {
            command: ConfigCommand::Example,
        } => {
            print!("{}", config::EXAMPLE);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn migrate(config: &Config, json: bool) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    let applied = app.prepare().await.map_err(app_error)?;
    if json {
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

fn parse_cli_date(date: Option<String>) -> Result<Option<chrono::NaiveDate>, UsageError> {
    date.map(|text| {
        chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| UsageError(format!("date '{text}' is not YYYY-MM-DD")))
    })
    .transpose()
}
