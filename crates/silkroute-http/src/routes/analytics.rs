//! Store analytics (seller-scoped; an admin sees the platform, or names a seller). Figures are
//! defined in `docs/METRICS.md` and read from rollups. Each endpoint reads its own query
//! (`queries`): a parameter another view takes is refused here rather than ignored.

mod queries;

use axum::Json;
use axum::extract::State;
use silkroute_app::analytics::{
    CustomerAnalysis, ForecastReport, ForecastRequest, IndustryCategories, IndustryKeywords,
    ProductAnalysis, StoreBreakdown, StoreOverview, StoreSeries,
};

use crate::AppState;
use crate::extract::{ApiQuery, Caller};
use crate::openapi::problems::{
    Forbidden, Invalid, Malformed, NotFound, TooLarge, Unauthenticated,
};
use crate::problem::ApiResult;

pub use queries::{
    BreakdownQuery, CustomersQuery, ForecastQuery, IndustryQuery, OverviewQuery, ProductsQuery,
    SeriesQuery,
};

/// The store overview: every KPI for the period, the previous period's, and the change.
#[utoipa::path(get, path = "/api/v1/analytics/store/overview", tag = "analytics",
    security(("bearer" = [])), params(OverviewQuery),
    responses((status = 200, body = StoreOverview), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn store_overview(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<OverviewQuery>,
) -> ApiResult<Json<StoreOverview>> {
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(state.app.store_overview(&resolved).await?))
}

/// One KPI by day, week or month, with the previous period's series for comparison.
#[utoipa::path(get, path = "/api/v1/analytics/store/timeseries", tag = "analytics",
    security(("bearer" = [])), params(SeriesQuery),
    responses((status = 200, body = StoreSeries), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn store_timeseries(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<SeriesQuery>,
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
    security(("bearer" = [])), params(BreakdownQuery),
    responses((status = 200, body = StoreBreakdown), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn store_breakdown(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<BreakdownQuery>,
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

/// Per product: views, carts, conversion, units, paid amount, refunds, margin, pace, stock
/// cover, rank and a diagnosis.
#[utoipa::path(get, path = "/api/v1/analytics/products", tag = "analytics",
    security(("bearer" = [])), params(ProductsQuery),
    responses((status = 200, body = ProductAnalysis), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn products(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<ProductsQuery>,
) -> ApiResult<Json<ProductAnalysis>> {
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(state.app.product_analysis(&resolved).await?))
}

/// New and returning buyers, cohorts, RFM segments, BG/NBD and Gamma-Gamma lifetime value.
#[utoipa::path(get, path = "/api/v1/analytics/customers", tag = "analytics",
    security(("bearer" = [])), params(CustomersQuery),
    responses((status = 200, body = CustomerAnalysis), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn customers(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<CustomersQuery>,
) -> ApiResult<Json<CustomerAnalysis>> {
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(
        state
            .app
            .customer_analysis(&resolved, query.horizon_days)
            .await?,
    ))
}

/// Daily demand forecast per product with its band, backtest and replenishment plan.
#[utoipa::path(get, path = "/api/v1/analytics/forecast", tag = "analytics",
    security(("bearer" = [])), params(ForecastQuery),
    responses((status = 200, body = ForecastReport), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn forecast(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<ForecastQuery>,
) -> ApiResult<Json<ForecastReport>> {
    let request = ForecastRequest {
        product_id: query.product_id.clone(),
        horizon_days: query.horizon_days,
        lead_time_days: query.lead_time_days,
        review_period_days: query.review_period_days,
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
    security(("bearer" = [])), params(IndustryQuery),
    responses((status = 200, body = IndustryCategories), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn industry_categories(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<IndustryQuery>,
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
    security(("bearer" = [])), params(IndustryQuery),
    responses((status = 200, body = IndustryKeywords), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn industry_keywords(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<IndustryQuery>,
) -> ApiResult<Json<IndustryKeywords>> {
    let resolved = state
        .app
        .resolve_analytics(&caller, &query.analytics())
        .await?;
    Ok(Json(state.app.industry_keywords(&resolved).await?))
}
