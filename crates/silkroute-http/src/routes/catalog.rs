//! Products (seller-scoped) and the public catalog priced for a market.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use silkroute_app::{CatalogEntry, ProductListQuery};
use silkroute_domain::catalog::{Product, ProductInput};
use silkroute_domain::category::all_categories;
use utoipa::IntoParams;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};

use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, NotJson, TooLarge, Unauthenticated,
};
use crate::problem::{ApiError, ApiResult};
use crate::routes::{ListResponse, NoQuery, page_request};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProductsQuery {
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only products of this category (a slug of `GET /api/v1/categories`).
    #[param(schema_with = category_schema)]
    pub category: Option<String>,
    /// Admin only (a seller may name only itself): whose products.
    #[param(pattern = "^sel_[0-9A-HJKMNP-TV-Z]{26}$")]
    pub seller_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CreateProductQuery {
    /// Required of an admin (a seller may name only itself): the seller the product is listed
    /// for.
    #[param(pattern = "^sel_[0-9A-HJKMNP-TV-Z]{26}$")]
    pub seller_id: Option<String>,
}

/// A category slug of the platform taxonomy.
pub fn category_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .description(Some(
            "A category slug of the platform taxonomy (`GET /api/v1/categories`).",
        ))
        .enum_values(Some(all_categories().iter().map(|category| category.slug)))
}

/// A category named in a query must exist: an unknown one is a 422, never an empty page.
fn known_category(category: Option<&str>) -> ApiResult<()> {
    match category {
        Some(slug) if silkroute_domain::category::category(slug).is_none() => Err(ApiError::field(
            "category",
            format!("unknown category '{slug}'"),
        )),
        _ => Ok(()),
    }
}

/// List a product. Prices are in the seller's settlement currency.
#[utoipa::path(post, path = "/api/v1/products", tag = "catalog", request_body = ProductInput,
    security(("bearer" = [])), params(CreateProductQuery, IdempotencyKey),
    responses((status = 201, body = Product), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, NotJson, Invalid))]
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
#[utoipa::path(get, path = "/api/v1/products", tag = "catalog", security(("bearer" = [])),
    params(ProductsQuery),
    responses((status = 200, body = ListResponse<Product>), Malformed, Unauthenticated, Forbidden,
        NotFound, TooLarge, Invalid))]
pub async fn list_products(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<ProductsQuery>,
) -> ApiResult<Json<ListResponse<Product>>> {
    let page = page_request(query.limit, query.cursor)?;
    known_category(query.category.as_deref())?;
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
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path, description = "A product id, `prd_…`"), NoQuery),
    responses((status = 200, body = Product), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn get_product(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Product>> {
    Ok(Json(state.app.get_product(&caller, &id).await?))
}

/// Change some fields of a product; the merged result is validated as a whole.
#[utoipa::path(patch, path = "/api/v1/products/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path, description = "A product id, `prd_…`"), NoQuery),
    request_body = ProductInput,
    responses((status = 200, body = Product), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, NotJson, Invalid))]
pub async fn update_product(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    ApiJson(input): ApiJson<ProductInput>,
) -> ApiResult<Json<Product>> {
    Ok(Json(state.app.update_product(&caller, &id, input).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CatalogQuery {
    /// Destination country (ISO 3166-1): prices are in its currency.
    #[param(required = true, value_type = Option<silkroute_domain::country::CountryCode>)]
    pub market: Option<String>,
    /// Only products of this category.
    #[param(schema_with = category_schema)]
    pub category: Option<String>,
    /// Preferred title language (ISO 639-1, e.g. `de`); titles fall back to English, then to
    /// any language the seller wrote.
    pub lang: Option<String>,
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Public catalog: sellable products priced in the market's currency, with the rate used.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog", security(()), params(CatalogQuery),
    responses((status = 200, body = ListResponse<CatalogEntry>), Malformed, TooLarge, Invalid))]
pub async fn catalog(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CatalogQuery>,
) -> ApiResult<Json<ListResponse<CatalogEntry>>> {
    let page = page_request(query.limit, query.cursor)?;
    let market = query
        .market
        .ok_or_else(|| ApiError::field("market", "is required, e.g. market=DE"))?;
    let page = state
        .app
        .catalog(&market, query.category, query.lang.as_deref(), &page)
        .await?;
    Ok(Json(page.into()))
}
