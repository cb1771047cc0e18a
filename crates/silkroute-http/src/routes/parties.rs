//! Sellers and buyers. Admins onboard both; a seller reads only itself, a buyer only itself.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use silkroute_app::{BuyerInput, SellerInput};
use silkroute_domain::party::{Buyer, Seller};

use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::problem::ApiResult;
use crate::routes::{ListResponse, PageQuery, page_request};

/// Onboard a seller (admin).
#[utoipa::path(post, path = "/api/v1/sellers", tag = "parties", request_body = SellerInput,
    responses((status = 201, body = Seller), (status = 422, body = crate::problem::Problem)))]
pub async fn create_seller(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(input): ApiJson<SellerInput>,
) -> ApiResult<(StatusCode, Json<Seller>)> {
    let seller = state.app.create_seller(&caller, input).await?;
    Ok((StatusCode::CREATED, Json(seller)))
}

/// List sellers (admin).
#[utoipa::path(get, path = "/api/v1/sellers", tag = "parties", params(PageQuery),
    responses((status = 200, body = ListResponse<Seller>)))]
pub async fn list_sellers(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<ListResponse<Seller>>> {
    let page = page_request(query.limit.as_deref(), query.cursor)?;
    Ok(Json(state.app.list_sellers(&caller, &page).await?.into()))
}

/// One seller (admin, or that seller).
#[utoipa::path(get, path = "/api/v1/sellers/{id}", tag = "parties",
    params(("id" = String, Path)), responses((status = 200, body = Seller), (status = 404, body = crate::problem::Problem)))]
pub async fn get_seller(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Seller>> {
    Ok(Json(state.app.get_seller(&caller, &id).await?))
}

/// Register a buyer (admin).
#[utoipa::path(post, path = "/api/v1/buyers", tag = "parties", request_body = BuyerInput,
    responses((status = 201, body = Buyer), (status = 422, body = crate::problem::Problem)))]
pub async fn create_buyer(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(input): ApiJson<BuyerInput>,
) -> ApiResult<(StatusCode, Json<Buyer>)> {
    let buyer = state.app.create_buyer(&caller, input).await?;
    Ok((StatusCode::CREATED, Json(buyer)))
}

/// List buyers (admin).
#[utoipa::path(get, path = "/api/v1/buyers", tag = "parties", params(PageQuery),
    responses((status = 200, body = ListResponse<Buyer>)))]
pub async fn list_buyers(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<ListResponse<Buyer>>> {
    let page = page_request(query.limit.as_deref(), query.cursor)?;
    Ok(Json(state.app.list_buyers(&caller, &page).await?.into()))
}

/// One buyer (admin, or that buyer).
#[utoipa::path(get, path = "/api/v1/buyers/{id}", tag = "parties",
    params(("id" = String, Path)), responses((status = 200, body = Buyer), (status = 404, body = crate::problem::Problem)))]
pub async fn get_buyer(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Buyer>> {
    Ok(Json(state.app.get_buyer(&caller, &id).await?))
}
