//! `silkroute transfer list` and `silkroute customs declarations`: the operator's view of
//! head-haul transfers, and the declarations as the CSV a customs broker imports (the same rows
//! as `GET /api/v1/customs/declarations.csv`).

use std::process::ExitCode;

use chrono::{Days, NaiveTime};
use silkroute_app::{DeclarationFilter, PageRequest, Principal};
use silkroute_domain::ids::{SellerId, TokenId, Ulid};

use super::{UsageError, app_error, open_app};
use crate::config::Config;

pub(super) struct DeclarationArgs {
    pub mode: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub seller: Option<String>,
}

/// The CLI runs as the platform operator, who sees every seller's records.
fn operator() -> Principal {
    Principal::Admin {
        token_id: TokenId::new(Ulid::nil()),
    }
}

fn seller(id: Option<&str>) -> anyhow::Result<Option<SellerId>> {
    id.map(|id| {
        SellerId::parse(id).map_err(|error| UsageError(format!("--seller: {error}")).into())
    })
    .transpose()
}

fn day(
    flag: &str,
    text: Option<&str>,
    next: bool,
) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
    let Some(text) = text else {
        return Ok(None);
    };
    let day = silkroute_domain::day::parse_day(text)
        .ok_or_else(|| UsageError(format!("{flag}: must be a date written YYYY-MM-DD")))?;
    let day = if next {
        day.checked_add_days(Days::new(1))
            .ok_or_else(|| UsageError(format!("{flag}: too far in the future")))?
    } else {
        day
    };
    Ok(Some(day.and_time(NaiveTime::MIN).and_utc()))
}

pub(super) async fn list(
    config: &Config,
    seller_id: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let only = seller(seller_id)?;
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    let mut page = PageRequest::first(500);
    let mut transfers = Vec::new();
    loop {
        let found = app
            .list_transfers(&operator(), &page)
            .await
            .map_err(app_error)?;
        transfers.extend(
            found
                .items
                .into_iter()
                .filter(|t| only.as_ref().is_none_or(|only| &t.seller_id == only)),
        );
        match found.next_cursor {
            Some(cursor) => page.after = Some(cursor),
            None => break,
        }
    }
    if json {
        println!("{}", serde_json::to_string(&transfers)?);
        return Ok(ExitCode::SUCCESS);
    }
    if transfers.is_empty() {
        println!("no transfers");
    }
    for transfer in &transfers {
        let units: i64 = transfer.lines.iter().map(|line| line.quantity).sum();
        println!(
            "{} {} {} → {} {} units by {} ({}) {}",
            transfer.id,
            transfer.seller_id,
            transfer.from_country,
            transfer.to_country,
            units,
            transfer.transport.mode(),
            transfer.transport.waybill_reference(),
            transfer.status.as_str(),
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn declarations(
    config: &Config,
    args: DeclarationArgs,
    out: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let filter = DeclarationFilter {
        seller: seller(args.seller.as_deref())?,
        mode: args.mode,
        from: day("--from", args.from.as_deref(), false)?,
        to: day("--to", args.to.as_deref(), true)?,
    };
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    let csv = app
        .declarations_csv(&operator(), filter)
        .await
        .map_err(app_error)?;
    match out {
        None => print!("{csv}"),
        Some(path) => {
            std::fs::write(path, &csv)
                .map_err(|error| UsageError(format!("cannot write {}: {error}", path.display())))?;
            eprintln!(
                "{} declarations written to {}",
                csv.lines().count().saturating_sub(1),
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
