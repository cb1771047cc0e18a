//! The store dashboard's figures: the overview with its comparison period, a metric's time
//! series, and breakdowns by market, traffic source and device — all read from rollups, never
//! from orders.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use silkroute_analytics::overview::{Overview, PeriodTotals, kpis};
use silkroute_analytics::rollup::{month_of, week_of};
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::money::Money;
use silkroute_store::{
    EVENT_STREAM, ORDER_STREAM, OrderCounts, RollupCounts, RollupGroup, RollupSlice,
};

use super::reporting_currency::GroupMoney;
use super::{DayRange, RateUsed, Resolved};
use crate::{App, AppError, AppResult};

/// The KPIs of METRICS.md plus the funnel's middle step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    #[serde(flatten)]
    pub kpis: Overview,
    /// Visitors who added something to the cart (the funnel's second step).
    pub carting_visitors: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StoreOverview {
    pub scope: &'static str,
    pub seller_id: Option<String>,
    pub time_zone: String,
    pub currency: CurrencyCode,
    pub period: DayRange,
    pub previous_period: DayRange,
    #[serde(flatten)]
    pub current: Figures,
    pub previous: Figures,
    /// Relative change against the previous period, per KPI: `(now − before) ÷ before`; `null`
    /// when there is nothing to compare with.
    pub change: BTreeMap<String, Option<Decimal>>,
    pub fx_rates_used: Vec<RateUsed>,
    /// How fresh the rollups are: the newest change they include.
    pub as_of: Option<DateTime<Utc>>,
}

/// Every metric a time series can show: the KPIs' names.
pub const SERIES_METRICS: &[&str] = &[
    "visitors",
    "page_views",
    "carting_visitors",
    "ordering_buyers",
    "orders_placed",
    "paid_orders",
    "paid_amount",
    "paid_buyers",
    "aov",
    "payment_conversion",
    "browse_to_order_conversion",
    "add_to_cart_rate",
    "refund_amount",
    "refund_rate",
    "returning_buyers",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    Day,
    Week,
    Month,
}

impl Grain {
    pub fn parse(text: &str) -> Option<Grain> {
        match text {
            "day" => Some(Grain::Day),
            "week" => Some(Grain::Week),
            "month" => Some(Grain::Month),
            _ => None,
        }
    }

    fn group(self) -> RollupGroup {
        match self {
            Grain::Day => RollupGroup::Day,
            Grain::Week => RollupGroup::Week,
            Grain::Month => RollupGroup::Month,
        }
    }

    fn bucket(self, day: NaiveDate) -> NaiveDate {
        match self {
            Grain::Day => day,
            Grain::Week => week_of(day),
            Grain::Month => month_of(day),
        }
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SeriesPoint {
    /// The bucket's first day (a week starts on Monday; the first and last bucket may be cut
    /// by the period).
    pub bucket: NaiveDate,
    /// The metric's value in the bucket, shaped as the overview shows it.
    #[schema(schema_with = series_value_schema)]
    pub value: serde_json::Value,
}

/// A series point's value: a count, money, a ratio as a decimal string, or `null` (a ratio or
/// an average without a denominator).
fn series_value_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::PartialSchema;
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, SchemaType, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)))
        .item(Money::schema())
        .item(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .pattern(Some(r"^-?[0-9]+(\.[0-9]+)?$")),
        )
        .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Null)))
        .build()
        .into()
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StoreSeries {
    pub metric: String,
    pub grain: Grain,
    pub currency: CurrencyCode,
    pub period: DayRange,
    pub previous_period: DayRange,
    pub points: Vec<SeriesPoint>,
    pub previous_points: Vec<SeriesPoint>,
    pub fx_rates_used: Vec<RateUsed>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BreakdownRow {
    /// The market, traffic source or device code, product id or category slug.
    pub key: String,
    /// A product's title or a category's name.
    pub label: Option<String>,
    /// Distinct visitors; `null` by product or category, which people are not counted per (a
    /// visitor's product views are its page views).
    pub visitors: Option<i64>,
    pub page_views: i64,
    pub add_to_carts: i64,
    pub carting_visitors: Option<i64>,
    /// Visitors who carted ÷ visitors; by product or category, add-to-cart events ÷ views.
    pub add_to_cart_rate: Option<Decimal>,
    /// Order figures; `null` when split by traffic source or device, which orders do not carry,
    /// and buyer and order counts by product or category (an order holds several products).
    pub ordering_buyers: Option<i64>,
    pub paid_orders: Option<i64>,
    pub paid_buyers: Option<i64>,
    pub units_placed: Option<i64>,
    /// Units of paid orders (by product or category only).
    pub paid_units: Option<i64>,
    pub paid_amount: Option<Money>,
    pub payment_conversion: Option<Decimal>,
    /// Refunded units ÷ units ordered.
    pub refund_rate: Option<Decimal>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StoreBreakdown {
    pub scope: &'static str,
    pub seller_id: Option<String>,
    pub by: &'static str,
    pub currency: CurrencyCode,
    pub period: DayRange,
    pub rows: Vec<BreakdownRow>,
    pub fx_rates_used: Vec<RateUsed>,
}

impl StoreBreakdown {
    /// Biggest first: by paid amount where there is one, then visitors, then page views.
    pub(super) fn sorted(
        resolved: &Resolved,
        by: &'static str,
        currency: CurrencyCode,
        mut rows: Vec<BreakdownRow>,
        fx_rates_used: Vec<RateUsed>,
    ) -> StoreBreakdown {
        rows.sort_by(|a, b| {
            let paid = |r: &BreakdownRow| r.paid_amount.map_or(0, |m| m.minor());
            paid(b)
                .cmp(&paid(a))
                .then(b.visitors.cmp(&a.visitors))
                .then(b.page_views.cmp(&a.page_views))
                .then(a.key.cmp(&b.key))
        });
        StoreBreakdown {
            scope: resolved.scope.kind(),
            seller_id: resolved
                .scope
                .seller_id
                .as_ref()
                .map(|s| s.as_str().to_string()),
            by,
            currency,
            period: resolved.period,
            rows,
            fx_rates_used,
        }
    }
}

fn totals(
    counts: &RollupCounts,
    money: Option<&GroupMoney>,
    currency: CurrencyCode,
) -> PeriodTotals {
    let orders = counts.orders.clone().unwrap_or_default();
    PeriodTotals {
        visitors: counts.visitors,
        page_views: counts.page_views,
        carting_visitors: counts.carting_visitors,
        ordering_buyers: orders.ordering_buyers,
        orders_placed: orders.orders_placed,
        paid_orders: orders.paid_orders,
        paid_amount: money.map_or(Money::zero(currency), |m| m.paid),
        paid_buyers: orders.paid_buyers,
        refund_amount: money.map_or(Money::zero(currency), |m| m.refunded),
        units_placed: orders.units_placed,
        refunded_units: orders.refunded_units,
        returning_buyers: 0,
    }
}

fn relative_change(now: &serde_json::Value, before: &serde_json::Value) -> Option<Decimal> {
    let number = |value: &serde_json::Value| -> Option<Decimal> {
        match value {
            serde_json::Value::Number(n) => n.as_i64().map(Decimal::from),
            serde_json::Value::String(s) => s.parse().ok(),
            serde_json::Value::Object(o) => o.get("amount")?.as_str()?.parse().ok(),
            _ => None,
        }
    };
    let (now, before) = (number(now)?, number(before)?);
    if before.is_zero() {
        return None;
    }
    Some(((now - before) / before).round_dp(4))
}

impl App {
    /// The figures of one slice (ungrouped).
    async fn figures(
        &self,
        resolved: &Resolved,
        period: DayRange,
        rates: &mut Vec<RateUsed>,
    ) -> AppResult<Figures> {
        let slice = resolved.slice(period);
        // Independent reads, side by side on the pool's connections.
        let (counts, money, returning_buyers) = tokio::try_join!(
            self.store.rollup_counts(&slice, RollupGroup::None),
            self.store.rollup_money(&slice, RollupGroup::None),
            self.store
                .returning_buyers(&slice, period.from - Duration::days(365)),
        )?;
        let counts = counts.into_iter().next().unwrap_or_default();
        let money = self.money_in(&money, resolved.currency, rates).await?;
        let mut totals = totals(&counts, money.get(""), resolved.currency);
        totals.returning_buyers = returning_buyers;
        Ok(Figures {
            kpis: kpis(&totals),
            carting_visitors: counts.carting_visitors,
        })
    }

    pub async fn store_overview(&self, resolved: &Resolved) -> AppResult<StoreOverview> {
        self.refresh_before_read().await?;
        let (mut rates, mut previous_rates) = (Vec::new(), Vec::new());
        let previous_period = resolved.period.previous();
        let (current, previous) = tokio::try_join!(
            self.figures(resolved, resolved.period, &mut rates),
            self.figures(resolved, previous_period, &mut previous_rates),
        )?;
        for rate in previous_rates {
            if !rates.contains(&rate) {
                rates.push(rate);
            }
        }
        let now = serde_json::to_value(&current).unwrap_or_default();
        let before = serde_json::to_value(&previous).unwrap_or_default();
        let change = SERIES_METRICS
            .iter()
            .map(|metric| {
                (
                    metric.to_string(),
                    relative_change(&now[metric], &before[metric]),
                )
            })
            .collect();
        Ok(StoreOverview {
            scope: resolved.scope.kind(),
            seller_id: resolved
                .scope
                .seller_id
                .as_ref()
                .map(|s| s.as_str().to_string()),
            time_zone: resolved.scope.zone.name().to_string(),
            currency: resolved.currency,
            period: resolved.period,
            previous_period,
            current,
            previous,
            change,
            fx_rates_used: rates,
            as_of: self.rollups_as_of().await?,
        })
    }

    async fn rollups_as_of(&self) -> AppResult<Option<DateTime<Utc>>> {
        let orders = self.store.analytics_watermark(ORDER_STREAM).await?;
        let events = self.store.analytics_watermark(EVENT_STREAM).await?;
        Ok(orders.max(events))
    }

    async fn series_points(
        &self,
        resolved: &Resolved,
        period: DayRange,
        metric: &str,
        grain: Grain,
        rates: &mut Vec<RateUsed>,
    ) -> AppResult<Vec<SeriesPoint>> {
        let slice = resolved.slice(period);
        let counts: BTreeMap<String, RollupCounts> = self
            .store
            .rollup_counts(&slice, grain.group())
            .await?
            .into_iter()
            .map(|c| (c.key.clone(), c))
            .collect();
        let money = self
            .money_in(
                &self.store.rollup_money(&slice, grain.group()).await?,
                resolved.currency,
                rates,
            )
            .await?;
        let mut points = Vec::new();
        let mut bucket = grain.bucket(period.from);
        while bucket <= period.to {
            let next = match grain {
                Grain::Day => bucket + Duration::days(1),
                Grain::Week => bucket + Duration::days(7),
                Grain::Month => bucket
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap_or(period.to + Duration::days(1)),
            };
            let key = bucket.to_string();
            let empty = RollupCounts {
                orders: Some(OrderCounts::default()),
                ..RollupCounts::default()
            };
            let mut totals = totals(
                counts.get(&key).unwrap_or(&empty),
                money.get(&key),
                resolved.currency,
            );
            if metric == "returning_buyers" {
                let first = bucket.max(period.from);
                let bucket_slice = RollupSlice {
                    first,
                    last: (next - Duration::days(1)).min(period.to),
                    ..slice.clone()
                };
                totals.returning_buyers = self
                    .store
                    .returning_buyers(&bucket_slice, first - Duration::days(365))
                    .await?;
            }
            let figures = Figures {
                kpis: kpis(&totals),
                carting_visitors: totals.carting_visitors,
            };
            let value = serde_json::to_value(&figures).unwrap_or_default()[metric].clone();
            points.push(SeriesPoint {
                bucket: bucket.max(period.from),
                value,
            });
            bucket = next;
        }
        Ok(points)
    }

    pub async fn store_series(
        &self,
        resolved: &Resolved,
        metric: Option<&str>,
        grain: Option<&str>,
    ) -> AppResult<StoreSeries> {
        let metric = metric.unwrap_or("paid_amount");
        if !SERIES_METRICS.contains(&metric) {
            return Err(AppError::field(
                "metric",
                format!(
                    "unknown metric `{metric}`; one of {}",
                    SERIES_METRICS.join(", ")
                ),
            ));
        }
        let grain = match grain {
            None => Grain::Day,
            Some(text) => Grain::parse(text)
                .ok_or_else(|| AppError::field("grain", "must be day, week or month"))?,
        };
        self.refresh_before_read().await?;
        let mut rates = Vec::new();
        let previous_period = resolved.period.previous();
        let points = self
            .series_points(resolved, resolved.period, metric, grain, &mut rates)
            .await?;
        let previous_points = self
            .series_points(resolved, previous_period, metric, grain, &mut rates)
            .await?;
        Ok(StoreSeries {
            metric: metric.to_string(),
            grain,
            currency: resolved.currency,
            period: resolved.period,
            previous_period,
            points,
            previous_points,
            fx_rates_used: rates,
        })
    }

    pub async fn store_breakdown(
        &self,
        resolved: &Resolved,
        by: Option<&str>,
    ) -> AppResult<StoreBreakdown> {
        let (by, group) = match by.unwrap_or("market") {
            "market" => ("market", RollupGroup::Market),
            "source" => ("source", RollupGroup::Source),
            "device" => ("device", RollupGroup::Device),
            "product" => return self.catalog_breakdown(resolved, "product").await,
            "category" => return self.catalog_breakdown(resolved, "category").await,
            _ => {
                return Err(AppError::field(
                    "by",
                    "must be market, source, device, product or category",
                ));
            }
        };
        self.refresh_before_read().await?;
        let mut rates = Vec::new();
        let slice = resolved.slice(resolved.period);
        let counts = self.store.rollup_counts(&slice, group).await?;
        let money = self
            .money_in(
                &self.store.rollup_money(&slice, group).await?,
                resolved.currency,
                &mut rates,
            )
            .await?;
        let rows: Vec<BreakdownRow> = counts
            .into_iter()
            .map(|counts| {
                let totals = totals(&counts, money.get(&counts.key), resolved.currency);
                let figures = kpis(&totals);
                let orders = counts.orders.is_some();
                BreakdownRow {
                    key: counts.key.clone(),
                    label: None,
                    visitors: Some(counts.visitors),
                    page_views: counts.page_views,
                    add_to_carts: counts.add_to_carts,
                    carting_visitors: Some(counts.carting_visitors),
                    add_to_cart_rate: figures.add_to_cart_rate,
                    ordering_buyers: orders.then_some(figures.ordering_buyers),
                    paid_orders: orders.then_some(figures.paid_orders),
                    paid_buyers: orders.then_some(figures.paid_buyers),
                    units_placed: orders.then_some(totals.units_placed),
                    paid_units: None,
                    paid_amount: orders.then_some(figures.paid_amount),
                    payment_conversion: if orders {
                        figures.payment_conversion
                    } else {
                        None
                    },
                    refund_rate: if orders { figures.refund_rate } else { None },
                }
            })
            .collect();
        Ok(StoreBreakdown::sorted(
            resolved,
            by,
            resolved.currency,
            rows,
            rates,
        ))
    }
}
