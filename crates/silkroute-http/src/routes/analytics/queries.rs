//! The query of each analytics endpoint, with only the parameters that endpoint reads: the
//! forecast has no period (it forecasts from yesterday), products and industry figures have no
//! reporting currency, and so on. The period and scope are the same words everywhere.

use serde::Deserialize;
use silkroute_app::analytics::{AnalyticsQuery, SERIES_METRICS};
use utoipa::IntoParams;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, SchemaType, Type};

/// `from` and `to`: a date, or `today` / `yesterday` in the store's time zone.
fn day_schema() -> AnyOfBuilder {
    AnyOfBuilder::new()
        .description(Some(
            "A day `YYYY-MM-DD` in the store's time zone (UTC for the platform), or `today` / \
             `yesterday` there. `from` defaults to 29 days before `to`, `to` to today; the \
             period is at most three years and `from` may not be after `to`.",
        ))
        .item(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Date,
                ))),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .enum_values(Some(["today", "yesterday"])),
        )
}

fn enumeration(description: &str, values: &[&str]) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .description(Some(description.to_string()))
        .enum_values(Some(values.iter().copied()))
}

fn metric_schema() -> ObjectBuilder {
    enumeration(
        "Which KPI (named as in docs/METRICS.md); default `paid_amount`.",
        SERIES_METRICS,
    )
}

fn grain_schema() -> ObjectBuilder {
    enumeration(
        "Buckets of a day, a week (from Monday) or a month; default `day`.",
        &["day", "week", "month"],
    )
}

fn breakdown_schema() -> ObjectBuilder {
    enumeration(
        "What to split the period's figures by; default `market`.",
        &["market", "source", "device", "product", "category"],
    )
}

/// The scope and period of one request, as the app reads them.
fn period(
    from: &Option<String>,
    to: &Option<String>,
    seller: &Option<String>,
    market: &Option<String>,
    currency: &Option<String>,
) -> AnalyticsQuery {
    AnalyticsQuery {
        from: from.clone(),
        to: to.clone(),
        seller: seller.clone(),
        market: market.clone(),
        currency: currency.clone(),
    }
}

/// `GET /analytics/store/overview`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OverviewQuery {
    #[param(schema_with = day_schema)]
    pub from: Option<String>,
    #[param(schema_with = day_schema)]
    pub to: Option<String>,
    /// Whose store: an admin may name any seller (without it, the platform); a seller only
    /// itself.
    pub seller: Option<String>,
    /// Only orders to and visitors from this market (ISO 3166-1).
    #[param(value_type = Option<silkroute_domain::country::CountryCode>)]
    pub market: Option<String>,
    /// Report money in this currency instead of the settlement currency (EUR for the platform),
    /// converted per day at the ECB reference rate; the rates used are listed.
    #[param(value_type = Option<silkroute_domain::currency::CurrencyCode>)]
    pub currency: Option<String>,
}

impl OverviewQuery {
    pub fn analytics(&self) -> AnalyticsQuery {
        period(
            &self.from,
            &self.to,
            &self.seller,
            &self.market,
            &self.currency,
        )
    }
}

/// `GET /analytics/store/timeseries`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SeriesQuery {
    #[param(schema_with = day_schema)]
    pub from: Option<String>,
    #[param(schema_with = day_schema)]
    pub to: Option<String>,
    /// Whose store (see the overview).
    pub seller: Option<String>,
    /// Only this market (ISO 3166-1).
    #[param(value_type = Option<silkroute_domain::country::CountryCode>)]
    pub market: Option<String>,
    /// Report money in this currency (see the overview).
    #[param(value_type = Option<silkroute_domain::currency::CurrencyCode>)]
    pub currency: Option<String>,
    #[param(schema_with = metric_schema)]
    pub metric: Option<String>,
    #[param(schema_with = grain_schema)]
    pub grain: Option<String>,
}

impl SeriesQuery {
    pub fn analytics(&self) -> AnalyticsQuery {
        period(
            &self.from,
            &self.to,
            &self.seller,
            &self.market,
            &self.currency,
        )
    }
}

/// `GET /analytics/store/breakdown`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BreakdownQuery {
    #[param(schema_with = day_schema)]
    pub from: Option<String>,
    #[param(schema_with = day_schema)]
    pub to: Option<String>,
    /// Whose store (see the overview).
    pub seller: Option<String>,
    /// Only this market (ISO 3166-1).
    #[param(value_type = Option<silkroute_domain::country::CountryCode>)]
    pub market: Option<String>,
    /// Report money in this currency (see the overview); by product or category only a
    /// seller's own settlement currency.
    #[param(value_type = Option<silkroute_domain::currency::CurrencyCode>)]
    pub currency: Option<String>,
    #[param(schema_with = breakdown_schema)]
    pub by: Option<String>,
}

impl BreakdownQuery {
    pub fn analytics(&self) -> AnalyticsQuery {
        period(
            &self.from,
            &self.to,
            &self.seller,
            &self.market,
            &self.currency,
        )
    }
}

/// `GET /analytics/products`: one seller's table, in its settlement currency.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProductsQuery {
    #[param(schema_with = day_schema)]
    pub from: Option<String>,
    #[param(schema_with = day_schema)]
    pub to: Option<String>,
    /// Whose products: required of an admin (margins are one seller's business).
    pub seller: Option<String>,
    /// Only this market (ISO 3166-1).
    #[param(value_type = Option<silkroute_domain::country::CountryCode>)]
    pub market: Option<String>,
}

impl ProductsQuery {
    pub fn analytics(&self) -> AnalyticsQuery {
        period(&self.from, &self.to, &self.seller, &self.market, &None)
    }
}

/// `GET /analytics/customers`: one seller's buyers, in its settlement currency.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CustomersQuery {
    #[param(schema_with = day_schema)]
    pub from: Option<String>,
    #[param(schema_with = day_schema)]
    pub to: Option<String>,
    /// Whose buyers: required of an admin.
    pub seller: Option<String>,
    /// Only this market (ISO 3166-1).
    #[param(value_type = Option<silkroute_domain::country::CountryCode>)]
    pub market: Option<String>,
    /// The days ahead that lifetime value and expected purchases cover (default 90).
    #[param(minimum = 1, maximum = 730)]
    pub horizon_days: Option<u32>,
}

impl CustomersQuery {
    pub fn analytics(&self) -> AnalyticsQuery {
        period(&self.from, &self.to, &self.seller, &self.market, &None)
    }
}

/// `GET /analytics/forecast`: from the history up to yesterday, so no period.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ForecastQuery {
    /// Whose products (see the overview).
    pub seller: Option<String>,
    /// Only demand from this market (ISO 3166-1).
    #[param(value_type = Option<silkroute_domain::country::CountryCode>)]
    pub market: Option<String>,
    /// One product instead of the ten best sellers.
    pub product_id: Option<String>,
    /// Days forecast (default 28).
    #[param(minimum = 1, maximum = 365)]
    pub horizon_days: Option<u32>,
    /// Supplier lead time in days (default 14).
    #[param(minimum = 0, maximum = 365)]
    pub lead_time_days: Option<u32>,
    /// Days between reorder reviews (default 7; 0 for continuous review).
    #[param(minimum = 0, maximum = 365)]
    pub review_period_days: Option<u32>,
    /// Chance of not running out during a lead time, from 0.5 up to (not including) 1
    /// (default 0.95).
    #[param(value_type = Option<f64>, minimum = 0.5, exclusive_maximum = 1.0)]
    pub service_level: Option<String>,
}

impl ForecastQuery {
    pub fn analytics(&self) -> AnalyticsQuery {
        period(&None, &None, &self.seller, &self.market, &None)
    }
}

/// `GET /analytics/industry/categories` and `/keywords`: figures across all sellers, in EUR.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IndustryQuery {
    #[param(schema_with = day_schema)]
    pub from: Option<String>,
    #[param(schema_with = day_schema)]
    pub to: Option<String>,
    /// A seller (itself, or any for an admin) to place among its categories' sellers.
    pub seller: Option<String>,
    /// Only this market (ISO 3166-1).
    #[param(value_type = Option<silkroute_domain::country::CountryCode>)]
    pub market: Option<String>,
}

impl IndustryQuery {
    pub fn analytics(&self) -> AnalyticsQuery {
        period(&self.from, &self.to, &self.seller, &self.market, &None)
    }
}
