//! The buyers' address book under `/buyers/{buyer_id}/addresses`, and the public address form of
//! each country. A buyer reads and writes only its own book, an admin any; to a seller every book
//! is a 404, like any record that is not theirs.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use silkroute_app::{AddressInput, BuyerAddress};
use silkroute_logistics::address::CountryFormat;

use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, NotJson, TooLarge, Unauthenticated,
};
use crate::problem::ApiResult;
use crate::routes::{ListResponse, NoQuery, PageQuery, page_request};

/// A buyer's saved addresses, oldest first (the buyer, or an admin).
#[utoipa::path(get, path = "/api/v1/buyers/{buyer_id}/addresses", tag = "addresses",
    security(("bearer" = [])),
    params(("buyer_id" = String, Path, description = "A buyer id, `buy_…`"), PageQuery),
    responses((status = 200, body = ListResponse<BuyerAddress>), Malformed, Unauthenticated,
        Forbidden, NotFound, TooLarge, Invalid))]
pub async fn list_addresses(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(buyer_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<ListResponse<BuyerAddress>>> {
    let page = page_request(query.limit, query.cursor)?;
    Ok(Json(
        state
            .app
            .list_addresses(&caller, &buyer_id, &page)
            .await?
            .into(),
    ))
}

/// Save an address (the buyer, or an admin). It is checked against its country's rules — required
/// fields, postal-code pattern, known state — and every problem is a 422 naming its field
/// (`address.postal_code`); nothing is written then. The buyer's first address is the default.
/// A buyer keeps at most 50 addresses (409 beyond).
#[utoipa::path(post, path = "/api/v1/buyers/{buyer_id}/addresses", tag = "addresses",
    security(("bearer" = [])), request_body = AddressInput,
    params(("buyer_id" = String, Path, description = "A buyer id, `buy_…`"), IdempotencyKey,
        NoQuery),
    responses((status = 201, body = BuyerAddress), Malformed, Unauthenticated, Forbidden,
        NotFound, Conflict, TooLarge, NotJson, Invalid))]
pub async fn create_address(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(buyer_id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    ApiJson(input): ApiJson<AddressInput>,
) -> ApiResult<(StatusCode, Json<BuyerAddress>)> {
    let address = state.app.create_address(&caller, &buyer_id, input).await?;
    Ok((StatusCode::CREATED, Json(address)))
}

/// One saved address (the buyer, or an admin).
#[utoipa::path(get, path = "/api/v1/buyers/{buyer_id}/addresses/{address_id}", tag = "addresses",
    security(("bearer" = [])),
    params(("buyer_id" = String, Path, description = "A buyer id, `buy_…`"),
        ("address_id" = String, Path, description = "An address id, `adr_…`"), NoQuery),
    responses((status = 200, body = BuyerAddress), Malformed, Unauthenticated, Forbidden,
        NotFound, TooLarge, Invalid))]
pub async fn get_address(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((buyer_id, address_id)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<BuyerAddress>> {
    Ok(Json(
        state
            .app
            .get_address(&caller, &buyer_id, &address_id)
            .await?,
    ))
}

/// Change a saved address: its `label`, its `address` (replaced whole and checked whole), or
/// make it the default with `is_default: true`.
#[utoipa::path(patch, path = "/api/v1/buyers/{buyer_id}/addresses/{address_id}",
    tag = "addresses", security(("bearer" = [])), request_body = AddressInput,
    params(("buyer_id" = String, Path, description = "A buyer id, `buy_…`"),
        ("address_id" = String, Path, description = "An address id, `adr_…`"), NoQuery),
    responses((status = 200, body = BuyerAddress), Malformed, Unauthenticated, Forbidden,
        NotFound, Conflict, TooLarge, NotJson, Invalid))]
pub async fn update_address(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((buyer_id, address_id)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
    ApiJson(input): ApiJson<AddressInput>,
) -> ApiResult<Json<BuyerAddress>> {
    Ok(Json(
        state
            .app
            .update_address(&caller, &buyer_id, &address_id, input)
            .await?,
    ))
}

/// Delete a saved address; when it was the default, the oldest remaining one becomes the default.
#[utoipa::path(delete, path = "/api/v1/buyers/{buyer_id}/addresses/{address_id}",
    tag = "addresses", security(("bearer" = [])),
    params(("buyer_id" = String, Path, description = "A buyer id, `buy_…`"),
        ("address_id" = String, Path, description = "An address id, `adr_…`"), NoQuery),
    responses((status = 204, description = "deleted"), Malformed, Unauthenticated, Forbidden,
        NotFound, Conflict, TooLarge, Invalid))]
pub async fn delete_address(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((buyer_id, address_id)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<StatusCode> {
    state
        .app
        .delete_address(&caller, &buyer_id, &address_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A country's address form: its fields in the order the post writes them, which are required,
/// which are written in capitals, its states (key, name, Latin name, ISO 3166-2 code) and a
/// postal-code example and pattern.
#[utoipa::path(get, path = "/api/v1/address-formats/{country}", tag = "addresses", security(()),
    params(("country" = String, Path, description = "ISO 3166-1 alpha-2 (or alpha-3) code"),
        NoQuery),
    responses((status = 200, body = CountryFormat), Malformed, NotFound, TooLarge, Invalid))]
pub async fn get_address_format(
    ApiPath(country): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<CountryFormat>> {
    Ok(Json(silkroute_app::address_format(&country)?))
}
