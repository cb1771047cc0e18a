//! `silkroute fx`: importing the ECB's reference rates (a file by hand, or fetched by `sync`) and
//! converting with them.

use std::process::ExitCode;

use silkroute_app::{App, FxSyncReport};
use silkroute_domain::fx::RateMode;

use super::{UsageError, app_error, open_app, parse_cli_date, progress_bar};
use crate::cli::FxCommand;
use crate::config::Config;

/// Fetches the ECB's files and imports them: what `fx sync` and the server's daily job run. Any
/// failure, the network's or a file's, is an operational failure (exit 1), not bad usage: the
/// message says which URL and, for a file, which line. A failure imports nothing: the files are
/// all fetched and parsed before the one transaction that writes their rates.
pub(crate) async fn sync_from_ecb(
    app: &App,
    daily_url: &str,
    history_url: &str,
) -> anyhow::Result<FxSyncReport> {
    let publications = crate::ecb_fetch::fetch_publications(daily_url, history_url).await?;
    app.sync_fx(&publications)
        .await
        .map_err(|error| anyhow::anyhow!("{:#}", app_error(error)))
}

fn print_sync_report(report: &FxSyncReport, max_gap_days: u32) {
    let days = |days: &[chrono::NaiveDate]| {
        days.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match report.new_days.len() {
        0 => println!(
            "no new days: the {} fetched days were all stored already",
            report.days
        ),
        1 => println!("1 new day: {}", days(&report.new_days)),
        count => println!("{count} new days: {}", days(&report.new_days)),
    }
    let was = report
        .previous_newest
        .filter(|previous| *previous != report.newest)
        .map(|previous| format!(" (was {previous})"))
        .unwrap_or_default();
    println!(
        "newest rates: {}{was}; {} rates written",
        report.newest, report.rates
    );
    if let Some(day) = report.unpinned {
        println!("prices were pinned to the rates of {day} (demo): lifted, they use today's now");
    }
    if let Some(error) = &report.unpin_error {
        println!(
            "warning: the rates are imported, but lifting the demo's pinned pricing day failed \
             ({error}); the next sync, or a running server within a minute, lifts it"
        );
    }
    if report.stale {
        println!(
            "note: the newest rates are still more than {max_gap_days} days old              (fx_max_gap_days): prices at today's rates stay refused"
        );
    }
}

pub(super) async fn fx(
    config: &Config,
    command: FxCommand,
    json: bool,
) -> anyhow::Result<ExitCode> {
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
                if let Some(day) = report.unpinned {
                    println!(
                        "prices were pinned to the rates of {day} (demo): lifted, they use \
                         today's now"
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        FxCommand::Sync {
            daily_url,
            history_url,
        } => {
            let daily_url = daily_url.unwrap_or_else(|| config.fx_daily_url.clone());
            let history_url = history_url.unwrap_or_else(|| config.fx_history_url.clone());
            let report = sync_from_ecb(&app, &daily_url, &history_url)
                .await
                .map_err(|error| anyhow::anyhow!("fx sync failed, nothing imported: {error:#}"))?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                print_sync_report(&report, config.fx_max_gap_days);
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
