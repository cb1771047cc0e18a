//! `silkroute fx`: importing the ECB's reference rates and converting with them.

use std::process::ExitCode;

use silkroute_domain::fx::RateMode;

use super::{UsageError, app_error, open_app, parse_cli_date, progress_bar};
use crate::cli::FxCommand;
use crate::config::Config;

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
