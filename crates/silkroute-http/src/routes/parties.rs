//! Sellers and buyers. Admins onboard both; a seller reads only itself, a buyer only itself.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use silkroute_app::{BuyerInput, SellerInput};
use silkroute_domain::party::{Buyer, Seller};

use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, NotJson, TooLarge, Unauthenticated,
};
use crate::problem::ApiResult;
use crate::routes::{ListResponse, NoQuery, PageQuery, page_request};

/// Onboard a seller (admin).
#[utoipa::path(post, path = "/api/v1/sellers", tag = "parties", request_body = SellerInput,
    security(("bearer" = [])), params(IdempotencyKey, NoQuery),
    responses((status = 201, body = Seller), Malformed, Unauthenticated, Forbidden, Conflict,
        TooLarge, NotJson, Invalid))]
pub async fn create_seller(
    State(state): State<AppState>,
    Caller(caller): Caller,
    _: ApiQuery<NoQuery>,
    ApiJson(input): ApiJson<SellerInput>,
) -> ApiResult<(StatusCode, Json<Seller>)> {
    let seller = state.app.create_seller(&caller, input).await?;
    Ok((StatusCode::CREATED, Json(seller)))
}

/// List sellers (admin).
#[utoipa::path(get, path = "/api/v1/sellers", tag = "parties", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = ListResponse<Seller>), Malformed, Unauthenticated, Forbidden,
        TooLarge, Invalid))]
pub async fn list_sellers(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<ListResponse<Seller>>> {
    let page = page_request(query.limit, query.cursor)?;
    Ok(Json(state.app.list_sellers(&caller, &page).await?.into()))
}

/// One seller (admin, or that seller).
#[utoipa::path(get, path = "/api/v1/sellers/{id}", tag = "parties", security(("bearer" = [])),
    params(("id" = String, Path, description = "A seller id, `sel_…`"), NoQuery),
    responses((status = 200, body = Seller), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn get_seller(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Seller>> {
    Ok(Json(state.app.get_seller(&caller, &id).await?))
}

/// Register a buyer (admin).
#[utoipa::path(post, path = "/api/v1/buyers", tag = "parties", request_body = BuyerInput,
    security(("bearer" = [])), params(IdempotencyKey, NoQuery),
    responses((status = 201, body = Buyer), Malformed, Unauthenticated, Forbidden, Conflict,
        TooLarge, NotJson, Invalid))]
pub async fn create_buyer(
    State(state): State<AppState>,
    Caller(caller): Caller,
    _: ApiQuery<NoQuery>,
    ApiJson(input): ApiJson<BuyerInput>,
) -> ApiResult<(StatusCode, Json<Buyer>)> {
    let buyer = state.app.create_buyer(&caller, input).await?;
    Ok((StatusCode::CREATED, Json(buyer)))
}

/// List buyers (admin).
#[utoipa::path(get, path = "/api/v1/buyers", tag = "parties", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = ListResponse<Buyer>), Malformed, Unauthenticated, Forbidden,
        TooLarge, Invalid))]
pub async fn list_buyers(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<ListResponse<Buyer>>> {
    let page = page_request(query.limit, query.cursor)?;
    Ok(Json(state.app.list_buyers(&caller, &page).await?.into()))
}

/// One buyer (admin, or that buyer).
#[utoipa::path(get, path = "/api/v1/buyers/{id}", tag = "parties", security(("bearer" = [])),
    params(("id" = String, Path, description = "A buyer id, `buy_…`"), NoQuery),
    responses((status = 200, body = Buyer), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn get_buyer(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Buyer>> {
    Ok(Json(state.app.get_buyer(&caller, &id).await?))
}
