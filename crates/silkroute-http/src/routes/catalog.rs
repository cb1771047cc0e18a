//! Products (seller-scoped) and the public catalog priced for a market.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use silkroute_app::{CatalogEntry, ProductListQuery};
use silkroute_domain::catalog::{Product, ProductInput};
use utoipa::IntoParams;

use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Caller};
use crate::problem::ApiResult;
use crate::routes::{ListResponse, page_request};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProductsQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub category: Option<String>,
    /// Admin only: whose products.
    pub seller_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CreateProductQuery {
    /// Admin only: the seller the product is listed for.
    pub seller_id: Option<String>,
}

/// List a product. Prices are in the seller's settlement currency.
#[utoipa::path(post, path = "/api/v1/products", tag = "catalog", request_body = ProductInput, params(CreateProductQuery),
    responses((status = 201, body = Product), (status = 422, body = crate::problem::Problem)))]
pub async fn create_product(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<CreateProductQuery>,
    ApiJson(input): ApiJson<ProductInput>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    let product = state
        .app
        .create_product(&caller, query.seller_id.as_deref(), input)
        .await?;
    Ok((StatusCode::CREATED, Json(product)))
}

/// The caller's products (a seller's own; an admin's all or one seller's).
#[utoipa::path(get, path = "/api/v1/products", tag = "catalog", params(ProductsQuery),
    responses((status = 200, body = ListResponse<Product>)))]
pub async fn list_products(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<ProductsQuery>,
) -> ApiResult<Json<ListResponse<Product>>> {
    let page = page_request(query.limit.as_deref(), query.cursor)?;
    let filter = ProductListQuery {
        category: query.category,
        seller_id: query.seller_id,
    };
    Ok(Json(
        state
            .app
            .list_products(&caller, &filter, &page)
            .await?
            .into(),
    ))
}

/// One product of the caller's.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "catalog", params(("id" = String, Path)),
    responses((status = 200, body = Product), (status = 404, body = crate::problem::Problem)))]
pub async fn get_product(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Product>> {
    Ok(Json(state.app.get_product(&caller, &id).await?))
}

/// Change some fields of a product; the merged result is validated as a whole.
#[utoipa::path(patch, path = "/api/v1/products/{id}", tag = "catalog", params(("id" = String, Path)), request_body = ProductInput,
    responses((status = 200, body = Product), (status = 404, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)))]
pub async fn update_product(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProductInput>,
) -> ApiResult<Json<Product>> {
    Ok(Json(state.app.update_product(&caller, &id, input).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CatalogQuery {
    /// Destination country (ISO 3166-1 alpha-2): prices are in its currency.
    pub market: Option<String>,
    pub category: Option<String>,
    /// Preferred title language (ISO 639-1).
    pub lang: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// Public catalog: sellable products priced in the market's currency, with the rate used.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog", params(CatalogQuery),
    responses((status = 200, body = ListResponse<CatalogEntry>), (status = 422, body = crate::problem::Problem)))]
pub async fn catalog(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CatalogQuery>,
) -> ApiResult<Json<ListResponse<CatalogEntry>>> {
    let page = page_request(query.limit.as_deref(), query.cursor)?;
    let market = query
        .market
        .ok_or_else(|| crate::problem::ApiError::field("market", "is required, e.g. market=DE"))?;
    let page = state
        .app
        .catalog(&market, query.category, query.lang.as_deref(), &page)
        .await?;
    Ok(Json(page.into()))
}
