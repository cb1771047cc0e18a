//! `silkroute analytics rebuild|refresh` and `silkroute report …`: the operator's view of the
//! same figures the API serves, as a table, JSON or CSV.

use std::process::ExitCode;

use serde_json::Value;
use silkroute_app::analytics::AnalyticsQuery;

use super::{UsageError, app_error, open_app, progress_bar};
use crate::cli::{AnalyticsCommand, ReportArgs};
use crate::config::Config;

pub(super) async fn analytics(
    config: &Config,
    command: AnalyticsCommand,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    let started = std::time::Instant::now();
    match command {
        AnalyticsCommand::Rebuild => {
            let bar = progress_bar(json);
            bar.set_message("days");
            let report = app
                .rebuild_analytics(&mut |done, total| {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                })
                .await
                .map_err(app_error)?;
            bar.finish_and_clear();
            let seconds = started.elapsed().as_secs_f64();
            if json {
                let mut value = serde_json::to_value(&report)?;
                value["seconds"] = Value::from(seconds);
                println!("{value}");
            } else {
                println!(
                    "rebuilt {} rollup rows for {} scopes over {} days in {seconds:.1} s",
                    report.rows, report.scopes, report.days
                );
            }
        }
        AnalyticsCommand::Refresh => {
            let report = app.refresh_analytics().await.map_err(app_error)?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!(
                    "refreshed {} days from {} changed orders and {} events{}",
                    report.days_rebuilt,
                    report.orders_seen,
                    report.events_seen,
                    if report.full_rebuild {
                        " (first build)"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn report(
    config: &Config,
    args: &ReportArgs,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let known = [
        "overview",
        "timeseries",
        "breakdown",
        "products",
        "customers",
        "forecast",
        "industry",
        "keywords",
    ];
    if !known.contains(&args.report.as_str()) {
        return Err(UsageError(format!(
            "unknown report '{}': one of {}",
            args.report,
            known.join(", ")
        ))
        .into());
    }
    let app = open_app(config).await?;
    app.prepare().await.map_err(app_error)?;
    let query = AnalyticsQuery {
        from: args.from.clone(),
        to: args.to.clone(),
        seller: args.seller.clone(),
        market: args.market.clone(),
        currency: args.currency.clone(),
    };
    let resolved = app
        .resolve_analytics_as_operator(&query)
        .await
        .map_err(app_error)?;
    // (header, rows) for the table and CSV forms; the JSON form is the API's body.
    let (body, header, rows): (Value, Vec<String>, Vec<Vec<String>>) = match args.report.as_str() {
        "overview" => {
            let overview = app.store_overview(&resolved).await.map_err(app_error)?;
            let body = serde_json::to_value(&overview)?;
            let rows = silkroute_app::analytics::SERIES_METRICS
                .iter()
                .map(|metric| {
                    vec![
                        metric.to_string(),
                        cell(&body[metric]),
                        cell(&body["previous"][metric]),
                        cell(&body["change"][metric]),
                    ]
                })
                .collect();
            (
                body,
                strings(&["metric", "value", "previous", "change"]),
                rows,
            )
        }
        "timeseries" => {
            let series = app
                .store_series(&resolved, args.metric.as_deref(), args.grain.as_deref())
                .await
                .map_err(app_error)?;
            let body = serde_json::to_value(&series)?;
            let rows = series
                .points
                .iter()
                .zip(series.previous_points.iter())
                .map(|(now, before)| {
                    vec![
                        now.bucket.to_string(),
                        cell(&now.value),
                        before.bucket.to_string(),
                        cell(&before.value),
                    ]
                })
                .collect();
            (
                body,
                strings(&["bucket", &series.metric, "previous_bucket", "previous"]),
                rows,
            )
        }
        "products" => {
            let analysis = app.product_analysis(&resolved).await.map_err(app_error)?;
            let body = serde_json::to_value(&analysis)?;
            let rows = analysis
                .products
                .iter()
                .map(|p| {
                    vec![
                        p.rank.to_string(),
                        p.sku.clone(),
                        p.page_views.to_string(),
                        cell(&serde_json::to_value(p.add_to_cart_rate)?),
                        p.paid_units.to_string(),
                        p.paid_amount.amount_string(),
                        p.margin.amount_string(),
                        p.days_of_cover.map(|d| d.to_string()).unwrap_or_default(),
                        serde_json::to_value(p.diagnosis)?
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    ]
                    .into_iter()
                    .map(Ok)
                    .collect::<Result<Vec<String>, serde_json::Error>>()
                })
                .collect::<Result<Vec<_>, _>>()?;
            let header = strings(&[
                "rank",
                "sku",
                "views",
                "cart_rate",
                "paid_units",
                "paid_amount",
                "margin",
                "days_of_cover",
                "diagnosis",
            ]);
            (body, header, rows)
        }
        "customers" => {
            let analysis = app
                .customer_analysis(&resolved, None)
                .await
                .map_err(app_error)?;
            let body = serde_json::to_value(&analysis)?;
            let rows = body["rfm_segments"]
                .as_array()
                .map(|segments| {
                    segments
                        .iter()
                        .map(|s| {
                            vec![
                                cell(&s["segment"]),
                                cell(&s["buyers"]),
                                cell(&s["share"]),
                                cell(&s["monetary_minor"]),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                body,
                strings(&["segment", "buyers", "share", "monetary_minor"]),
                rows,
            )
        }
        "forecast" => {
            let report = app
                .demand_forecast(&resolved, &Default::default())
                .await
                .map_err(app_error)?;
            let body = serde_json::to_value(&report)?;
            let rows = body["products"]
                .as_array()
                .map(|products| {
                    products
                        .iter()
                        .map(|p| {
                            let next_week: f64 = p["forecast"]
                                .as_array()
                                .map(|d| d.iter().take(7).filter_map(|x| x["mean"].as_f64()).sum())
                                .unwrap_or(0.0);
                            vec![
                                cell(&p["sku"]),
                                format!("{next_week:.1}"),
                                cell(&p["stock"]["available"]),
                                cell(&p["stockout_date"]),
                                cell(&p["replenishment"]["reorder_point"]),
                                cell(&p["replenishment"]["suggested_order_qty"]),
                                cell(&p["backtest"]["model_mae"]),
                                cell(&p["backtest"]["seasonal_naive_mae"]),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                body,
                strings(&[
                    "sku",
                    "next_7_days",
                    "available",
                    "stockout",
                    "reorder_point",
                    "order_qty",
                    "mae",
                    "naive_mae",
                ]),
                rows,
            )
        }
        "industry" => {
            let industry = app
                .industry_categories(&resolved)
                .await
                .map_err(app_error)?;
            let body = serde_json::to_value(&industry)?;
            let rows = body["categories"]
                .as_array()
                .map(|categories| {
                    categories
                        .iter()
                        .map(|c| {
                            vec![
                                cell(&c["category"]),
                                cell(&c["visitor_share"]),
                                cell(&c["page_view_share"]),
                                cell(&c["paid_amount_share"]),
                                cell(&c["paid_order_share"]),
                                cell(&c["active_listings"]),
                                cell(&c["trend"]),
                                if c["suppressed"] == true {
                                    "suppressed (< 5 sellers)".to_string()
                                } else {
                                    String::new()
                                },
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                body,
                strings(&[
                    "category",
                    "visitor_share",
                    "view_share",
                    "paid_share",
                    "order_share",
                    "listings",
                    "trend",
                    "note",
                ]),
                rows,
            )
        }
        "keywords" => {
            let keywords = app.industry_keywords(&resolved).await.map_err(app_error)?;
            let body = serde_json::to_value(&keywords)?;
            let rows = body["keywords"]
                .as_array()
                .map(|keywords| {
                    keywords
                        .iter()
                        .map(|k| {
                            let countries: Vec<String> = k["top_countries"]
                                .as_array()
                                .map(|c| c.iter().map(cell).collect())
                                .unwrap_or_default();
                            vec![
                                cell(&k["keyword"]),
                                cell(&k["search_volume"]),
                                cell(&k["searchers"]),
                                cell(&k["click_through"]),
                                cell(&k["purchase_rate"]),
                                cell(&k["competition_index"]),
                                countries.join(" "),
                                cell(&k["growth"]),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                body,
                strings(&[
                    "keyword",
                    "searches",
                    "searchers",
                    "ctr",
                    "purchase_rate",
                    "competition",
                    "top_countries",
                    "growth",
                ]),
                rows,
            )
        }
        _ => {
            let breakdown = app
                .store_breakdown(&resolved, args.by.as_deref())
                .await
                .map_err(app_error)?;
            let body = serde_json::to_value(&breakdown)?;
            let columns: &[&str] = match breakdown.by {
                "product" | "category" => &[
                    "label",
                    "page_views",
                    "add_to_carts",
                    "add_to_cart_rate",
                    "units_placed",
                    "paid_units",
                    "paid_amount",
                    "refund_rate",
                ],
                _ => &[
                    "visitors",
                    "page_views",
                    "add_to_cart_rate",
                    "paid_orders",
                    "paid_buyers",
                    "paid_amount",
                    "payment_conversion",
                ],
            };
            let rows = body["rows"]
                .as_array()
                .map(|rows| {
                    rows.iter()
                        .map(|row| {
                            std::iter::once(cell(&row["key"]))
                                .chain(columns.iter().map(|c| cell(&row[c])))
                                .collect()
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut header = strings(&[breakdown.by]);
            header.extend(strings(columns));
            (body, header, rows)
        }
    };
    if json {
        println!("{body}");
    } else if args.csv {
        let mut writer = csv::Writer::from_writer(std::io::stdout());
        writer.write_record(&header)?;
        for row in &rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
    } else {
        println!(
            "{} {} · {} to {} · {} · {}",
            body["scope"].as_str().unwrap_or(""),
            body["seller_id"].as_str().unwrap_or("platform"),
            resolved.period.from,
            resolved.period.to,
            resolved.scope.zone.name(),
            resolved.currency
        );
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|c| rounded(c)).collect())
            .collect();
        print_table(&header, &rows);
    }
    Ok(ExitCode::SUCCESS)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A JSON value as a table cell: money as `12.30 EUR`, null as empty.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Object(o) => match (o.get("amount"), o.get("currency")) {
            (Some(Value::String(a)), Some(Value::String(c))) => format!("{a} {c}"),
            _ => value.to_string(),
        },
        other => other.to_string(),
    }
}

/// A ratio as a table shows it: four decimals at most (CSV and JSON keep every digit).
fn rounded(cell: &str) -> String {
    match cell.parse::<rust_decimal::Decimal>() {
        Ok(ratio) if ratio.scale() > 4 => ratio.round_dp(4).normalize().to_string(),
        _ => cell.to_string(),
    }
}

fn print_table(header: &[String], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(i) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    println!("{}", line(header));
    for row in rows {
        println!("{}", line(row));
    }
}
