//! Store analytics (seller-scoped; an admin sees the platform, or names a seller). Figures are
//! defined in `docs/METRICS.md` and read from rollups.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use silkroute_app::analytics::{
    AnalyticsQuery, CustomerAnalysis, ForecastReport, ForecastRequest, IndustryCategories,
    IndustryKeywords, ProductAnalysis, StoreBreakdown, StoreOverview, StoreSeries,
};
use utoipa::IntoParams;

use crate::AppState;
use crate::extract::{ApiQuery, Caller};
use crate::problem::ApiResult;

/// The period and scope every analytics endpoint takes, and each view's own settings.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// First day, `YYYY-MM-DD`, in the store's time zone (default: 29 days before `to`).
    pub from: Option<String>,
    /// Last day, inclusive (default: today).
    pub to: Option<String>,
    /// Admin only (a seller may name only itself): whose store; without it, the platform.
    #[serde(alias = "seller_id")]
    pub seller: Option<String>,
    /// Only this market (ISO 3166-1 alpha-2).
    pub market: Option<String>,
    /// Report money in this currency instead of the settlement currency (converted per day at
    /// the ECB reference rate; the rates used are listed).
    pub currency: Option<String>,
    /// Time series: which KPI (`paid_amount`, `visitors`, …).
    pub metric: Option<String>,
    /// Time series: `day`, `week` or `month`.
    pub grain: Option<String>,
    /// Breakdown: `market`, `source` or `device`.
    pub by: Option<String>,
    /// Customers: the days ahead that CLV and expected purchases cover (default 90); forecast:
    /// the days forecast (default 28).
    pub horizon_days: Option<String>,
    /// Forecast: one product instead of the best sellers.
    pub product_id: Option<String>,
    /// Forecast: supplier lead time in days (default 14).
    pub lead_time_days: Option<String>,
    /// Forecast: days between reorder reviews (default 7).
    pub review_period_days: Option<String>,
    /// Forecast: chance of not running out during a lead time (default 0.95).
    pub service_level: Option<String>,
}

impl PeriodQuery {
    fn analytics(&self) -> AnalyticsQuery {
        AnalyticsQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            seller: self.seller.clone(),
            market: self.market.clone(),
            currency: self.currency.clone(),
        }
    }
}

/// The store overview: every KPI for the period, the previous period's, and the change.
#[utoipa::path(get, path = "/api/v1/analytics/store/overview", tag = "analytics",
    params(PeriodQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = crate::problem::Problem),
        (status = 404, body = crate::problem::Problem)))]
pub async fn store_overview(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<StoreOverview>> {
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(state.app.store_overview(&resolved).await?))
}

/// One KPI by day, week or month, with the previous period's series for comparison.
#[utoipa::path(get, path = "/api/v1/analytics/store/timeseries", tag = "analytics",
    params(PeriodQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = crate::problem::Problem)))]
pub async fn store_timeseries(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<StoreSeries>> {
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(
        state
            .app
            .store_series(&resolved, query.metric.as_deref(), query.grain.as_deref())
            .await?,
    ))
}

/// The period's figures split by market, traffic source, device, product or category.
#[utoipa::path(get, path = "/api/v1/analytics/store/breakdown", tag = "analytics",
    params(PeriodQuery),
    responses((status = 200, body = serde_json::Value), (status = 400, body = crate::problem::Problem)))]
pub async fn store_breakdown(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<StoreBreakdown>> {
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(
        state
            .app
            .store_breakdown(&resolved, query.by.as_deref())
            .await?,
    ))
}

fn days(field: &str, value: Option<&str>) -> ApiResult<Option<u32>> {
    value
        .map(|text| {
            text.parse::<u32>().map_err(|_| {
                crate::problem::ApiError::field(field, "must be a whole number of days")
            })
        })
        .transpose()
}

/// Per product: views, carts, conversion, units, paid amount, refunds, margin, pace, stock
/// cover, rank and a diagnosis.
#[utoipa::path(get, path = "/api/v1/analytics/products", tag = "analytics",
    params(PeriodQuery),
    responses((status = 200, body = serde_json::Value), (status = 422, body = crate::problem::Problem)))]
pub async fn products(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<ProductAnalysis>> {
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(state.app.product_analysis(&resolved).await?))
}

/// New and returning buyers, cohorts, RFM segments, BG/NBD and Gamma-Gamma lifetime value.
#[utoipa::path(get, path = "/api/v1/analytics/customers", tag = "analytics",
    params(PeriodQuery),
    responses((status = 200, body = serde_json::Value), (status = 422, body = crate::problem::Problem)))]
pub async fn customers(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<CustomerAnalysis>> {
    let horizon = days("horizon_days", query.horizon_days.as_deref())?;
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(state.app.customer_analysis(&resolved, horizon).await?))
}

/// Daily demand forecast per product with its band, backtest and replenishment plan.
#[utoipa::path(get, path = "/api/v1/analytics/forecast", tag = "analytics",
    params(PeriodQuery),
    responses((status = 200, body = serde_json::Value), (status = 422, body = crate::problem::Problem)))]
pub async fn forecast(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<ForecastReport>> {
    let request = ForecastRequest {
        product_id: query.product_id.clone(),
        horizon_days: days("horizon_days", query.horizon_days.as_deref())?,
        lead_time_days: days("lead_time_days", query.lead_time_days.as_deref())?,
        review_period_days: days("review_period_days", query.review_period_days.as_deref())?,
        service_level: query.service_level.clone(),
    };
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(state.app.demand_forecast(&resolved, &request).await?))
}

/// Category shares of visitors, views, paid amount and orders against the parent category,
/// supply and trend across all sellers (any figure from fewer than five sellers suppressed), and
/// the caller's percentile.
#[utoipa::path(get, path = "/api/v1/analytics/industry/categories", tag = "analytics",
    params(PeriodQuery),
    responses((status = 200, body = serde_json::Value), (status = 422, body = crate::problem::Problem)))]
pub async fn industry_categories(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<IndustryCategories>> {
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(state.app.industry_categories(&resolved).await?))
}

/// Hot search keywords: volume, searchers, click-through, purchase rate, competition, top
/// countries and growth.
#[utoipa::path(get, path = "/api/v1/analytics/industry/keywords", tag = "analytics",
    params(PeriodQuery),
    responses((status = 200, body = serde_json::Value), (status = 422, body = crate::problem::Problem)))]
pub async fn industry_keywords(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<IndustryKeywords>> {
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(state.app.industry_keywords(&resolved).await?))
}
