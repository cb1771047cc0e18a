//! Store analytics (seller-scoped; an admin sees the platform, or names a seller). Figures are
//! defined in `docs/METRICS.md` and read from rollups.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use silkroute_app::analytics::{AnalyticsQuery, StoreBreakdown, StoreOverview, StoreSeries};
use utoipa::IntoParams;

use crate::AppState;
use crate::extract::{ApiQuery, Caller};
use crate::problem::ApiResult;

/// The period and scope every analytics endpoint takes.
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

/// The period's figures split by market, traffic source or device.
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
