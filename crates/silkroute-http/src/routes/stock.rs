//! Warehouses and stock levels (seller-scoped; an admin names the seller).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use silkroute_app::{StockLevel, StockMoveInput, Warehouse, WarehouseInput};
use utoipa::IntoParams;

use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, NotJson, TooLarge, Unauthenticated,
};
use crate::problem::ApiResult;
use crate::routes::NoQuery;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SellerQuery {
    /// Required of an admin (a seller may name only itself): whose warehouses.
    #[param(pattern = "^sel_[0-9A-HJKMNP-TV-Z]{26}$")]
    pub seller_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StockQuery {
    /// Required of an admin (a seller may name only itself): whose stock.
    #[param(pattern = "^sel_[0-9A-HJKMNP-TV-Z]{26}$")]
    pub seller_id: Option<String>,
    /// Only this product.
    #[param(pattern = "^prd_[0-9A-HJKMNP-TV-Z]{26}$")]
    pub product_id: Option<String>,
}

/// Add a warehouse (home, platform, overseas 3PL or bonded).
#[utoipa::path(post, path = "/api/v1/warehouses", tag = "stock", request_body = WarehouseInput,
    security(("bearer" = [])), params(IdempotencyKey, NoQuery),
    responses((status = 201, body = Warehouse), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, NotJson, Invalid))]
pub async fn create_warehouse(
    State(state): State<AppState>,
    Caller(caller): Caller,
    _: ApiQuery<NoQuery>,
    ApiJson(input): ApiJson<WarehouseInput>,
) -> ApiResult<(StatusCode, Json<Warehouse>)> {
    let warehouse = state.app.create_warehouse(&caller, input).await?;
    Ok((StatusCode::CREATED, Json(warehouse)))
}

/// The seller's warehouses.
#[utoipa::path(get, path = "/api/v1/warehouses", tag = "stock", security(("bearer" = [])),
    params(SellerQuery),
    responses((status = 200, body = Vec<Warehouse>), Malformed, Unauthenticated, Forbidden,
        NotFound, TooLarge, Invalid))]
pub async fn list_warehouses(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<SellerQuery>,
) -> ApiResult<Json<Vec<Warehouse>>> {
    Ok(Json(
        state
            .app
            .list_warehouses(&caller, query.seller_id.as_deref())
            .await?,
    ))
}

/// Receive goods or correct a count; returns the new level. Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/stock/movements", tag = "stock", request_body = StockMoveInput,
    security(("bearer" = [])), params(IdempotencyKey, NoQuery),
    responses((status = 201, body = StockLevel), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, NotJson, Invalid))]
pub async fn move_stock(
    State(state): State<AppState>,
    Caller(caller): Caller,
    _: ApiQuery<NoQuery>,
    ApiJson(input): ApiJson<StockMoveInput>,
) -> ApiResult<(StatusCode, Json<StockLevel>)> {
    let level = state.app.move_stock(&caller, input).await?;
    Ok((StatusCode::CREATED, Json(level)))
}

/// Stock per product and warehouse: on hand, reserved by open orders, available.
#[utoipa::path(get, path = "/api/v1/stock", tag = "stock", security(("bearer" = [])),
    params(StockQuery),
    responses((status = 200, body = Vec<StockLevel>), Malformed, Unauthenticated, Forbidden,
        NotFound, TooLarge, Invalid))]
pub async fn stock_levels(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<StockQuery>,
) -> ApiResult<Json<Vec<StockLevel>>> {
    Ok(Json(
        state
            .app
            .stock_levels(
                &caller,
                query.seller_id.as_deref(),
                query.product_id.as_deref(),
            )
            .await?,
    ))
}
