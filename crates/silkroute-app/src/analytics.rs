//! Store analytics for sellers and the platform: who may see which scope, which days a request
//! means in the scope's time zone, and the figures read from rollups. The metric definitions
//! live in `silkroute-analytics` (`docs/METRICS.md`); this module only gathers their inputs.

mod catalog_breakdown;
mod customers;
mod forecast;
mod industry;
mod products;
mod rebuild;
mod refresh;
mod reporting_currency;
mod store_view;
mod unsettled;

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use silkroute_analytics::rollup::{PLATFORM_SCOPE, local_day};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::SellerId;
use silkroute_domain::validation::FieldErrors;
use silkroute_store::RollupSlice;

use crate::{App, AppError, AppResult, Principal};

pub use customers::CustomerAnalysis;
pub use forecast::{ForecastReport, ForecastRequest};
pub use industry::{IndustryCategories, IndustryKeywords, MIN_SELLERS};
pub use products::ProductAnalysis;
pub use rebuild::RebuildReport;
pub use refresh::RefreshReport;
pub use reporting_currency::RateUsed;
pub use store_view::{
    BreakdownRow, Figures, Grain, SERIES_METRICS, SeriesPoint, StoreBreakdown, StoreOverview,
    StoreSeries,
};
pub(crate) use unsettled::Unsettled;

/// The longest period a report may span: three years of days.
pub const MAX_PERIOD_DAYS: i64 = 3 * 366;
/// The period a report covers when none is given: the last 30 days, today included.
pub const DEFAULT_PERIOD_DAYS: i64 = 30;

/// A request's scope and period, as the query string gives them (all optional).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AnalyticsQuery {
    /// First day, `YYYY-MM-DD`, in the scope's time zone.
    pub from: Option<String>,
    /// Last day (inclusive).
    pub to: Option<String>,
    /// A seller id: admins may look at any seller; a seller only at itself.
    pub seller: Option<String>,
    /// Only this market (ISO 3166-1 alpha-2).
    pub market: Option<String>,
    /// A reporting currency instead of the seller's settlement currency (EUR for the platform).
    pub currency: Option<String>,
}

/// Whose figures: one seller's (its time zone, its settlement currency) or the platform's (UTC).
#[derive(Clone, Debug)]
pub struct Scope {
    pub id: String,
    pub seller_id: Option<SellerId>,
    pub zone: Tz,
    /// The currency rollup money is in for a seller (its settlement currency); `None` for the
    /// platform, whose sellers settle in many.
    pub settlement: Option<CurrencyCode>,
}

impl Scope {
    pub fn platform() -> Scope {
        Scope {
            id: PLATFORM_SCOPE.to_string(),
            seller_id: None,
            zone: Tz::UTC,
            settlement: None,
        }
    }

    pub fn kind(&self) -> &'static str {
        if self.seller_id.is_some() {
            "seller"
        } else {
            "platform"
        }
    }
}

/// Inclusive local days `[from, to]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DayRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DayRange {
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The same number of days just before.
    pub fn previous(&self) -> DayRange {
        let length = Duration::days(self.days());
        DayRange {
            from: self.from - length,
            to: self.to - length,
        }
    }
}

/// What a request resolved to.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub scope: Scope,
    pub period: DayRange,
    pub market: Option<String>,
    pub currency: CurrencyCode,
}

impl Resolved {
    pub fn slice(&self, period: DayRange) -> RollupSlice {
        RollupSlice {
            scope: self.scope.id.clone(),
            first: period.from,
            last: period.to,
            market: self.market.clone(),
        }
    }
}

/// A day written `YYYY-MM-DD`, or `today` / `yesterday` in the scope's time zone (the live view:
/// rollups are refreshed before every read, and `as_of` says up to when).
fn parse_day(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let text = value?;
    match text {
        "today" => return Some(today),
        "yesterday" => return Some(today - Duration::days(1)),
        _ => {}
    }
    match silkroute_domain::day::parse_day(text) {
        Some(day) => Some(day),
        None => {
            errors.push(
                field,
                "must be a date written YYYY-MM-DD, `today` or `yesterday`",
            );
            None
        }
    }
}

/// A seller's stored zone; a name chrono-tz does not know (stored before zones were checked)
/// falls back to UTC rather than failing every report.
pub fn seller_zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

impl App {
    /// The scope a caller asks for: a seller token sees its own store (naming another seller is
    /// "not found", as for every foreign id); an admin sees the platform or any seller.
    pub async fn analytics_scope(
        &self,
        principal: &Principal,
        seller: Option<&str>,
    ) -> AppResult<Scope> {
        self.scope_for(principal.seller_scope()?, seller).await
    }

    /// `own`: the seller a caller is bound to (`None`: an admin or the operator's CLI).
    async fn scope_for(&self, own: Option<&SellerId>, seller: Option<&str>) -> AppResult<Scope> {
        let wanted = match seller.filter(|s| !s.is_empty()) {
            Some(text) => Some(SellerId::parse(text).map_err(|_| AppError::NotFound("seller"))?),
            None => None,
        };
        let seller_id = match (own, wanted) {
            (Some(own), Some(wanted)) if own != &wanted => {
                return Err(AppError::NotFound("seller"));
            }
            (Some(own), _) => Some(own.clone()),
            (None, wanted) => wanted,
        };
        let Some(seller_id) = seller_id else {
            return Ok(Scope::platform());
        };
        let seller = self
            .store
            .get_seller(&seller_id)
            .await?
            .ok_or(AppError::NotFound("seller"))?;
        Ok(Scope {
            id: seller.id.as_str().to_string(),
            zone: seller_zone(&seller.time_zone),
            settlement: Some(seller.settlement_currency),
            seller_id: Some(seller.id),
        })
    }

    /// Checks a request's period, market and currency against its scope.
    pub async fn resolve_analytics(
        &self,
        principal: &Principal,
        query: &AnalyticsQuery,
    ) -> AppResult<Resolved> {
        self.resolve_for(principal.seller_scope()?, query).await
    }

    /// The operator's view (the CLI runs with the database's full rights).
    pub async fn resolve_analytics_as_operator(
        &self,
        query: &AnalyticsQuery,
    ) -> AppResult<Resolved> {
        self.resolve_for(None, query).await
    }

    async fn resolve_for(
        &self,
        own: Option<&SellerId>,
        query: &AnalyticsQuery,
    ) -> AppResult<Resolved> {
        let scope = self.scope_for(own, query.seller.as_deref()).await?;
        let mut errors = FieldErrors::new();
        let today = local_day(scope.zone, self.now());
        let from = parse_day(&mut errors, "from", query.from.as_deref(), today);
        let to = parse_day(&mut errors, "to", query.to.as_deref(), today);
        // An empty `market=` is a market no one has, not "every market": the API says so.
        let market = query
            .market
            .as_deref()
            .and_then(|text| errors.check("market", CountryCode::parse(text)))
            .map(|country| country.as_str().to_string());
        let currency = query
            .currency
            .as_deref()
            .and_then(|text| errors.check("currency", CurrencyCode::parse(text)));
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors.into_vec()));
        }
        let (from, to) = match (from, to) {
            (Some(from), Some(to)) => (from, to),
            (Some(from), None) => (from, today.max(from)),
            (None, Some(to)) => (to - Duration::days(DEFAULT_PERIOD_DAYS - 1), to),
            (None, None) => (today - Duration::days(DEFAULT_PERIOD_DAYS - 1), today),
        };
        if from > to {
            return Err(AppError::field(
                "from",
                format!("{from} is after `to` ({to})"),
            ));
        }
        let period = DayRange { from, to };
        if period.days() > MAX_PERIOD_DAYS {
            return Err(AppError::field(
                "to",
                format!(
                    "the period spans {} days; at most {MAX_PERIOD_DAYS} (three years)",
                    period.days()
                ),
            ));
        }
        let currency = currency.or(scope.settlement).unwrap_or(CurrencyCode::EUR);
        Ok(Resolved {
            scope,
            period,
            market,
            currency,
        })
    }
}
