//! `silkroute market` and `silkroute validate`: the rules of a market on a day, and the check
//! digits of trade identifiers.

use std::process::ExitCode;

use silkroute_domain::identifiers::{IdentifierKind, validate};

use super::{UsageError, app_error, open_app, parse_cli_date};
use crate::config::Config;

pub(super) async fn market(
    config: &Config,
    country: &str,
    date: Option<String>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let date = parse_cli_date(date)?;
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    let view = app.market(country, date).await.map_err(app_error)?;
    if json {
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

pub(super) fn validate_identifier(kind: &str, value: &str, json: bool) -> anyhow::Result<ExitCode> {
    let Some(kind) = IdentifierKind::parse(kind) else {
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
    let validation = validate(kind, value);
    if json {
        println!("{}", serde_json::to_string(&validation)?);
    } else if validation.valid {
        println!(
            "valid {} {}",
            kind.as_str(),
            validation.normalized.as_deref().unwrap_or(value)
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
