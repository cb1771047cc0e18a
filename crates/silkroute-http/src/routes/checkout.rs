//! Checkout quotes: a cart priced for one destination, frozen with an id and an expiry.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use silkroute_app::{Quote, QuoteRequest};

use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, MaybeCaller};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, NotJson, TooLarge, Unauthenticated,
};
use crate::problem::ApiResult;
use crate::routes::NoQuery;

/// Quote a cart: lines grouped per seller with goods (tier prices, MOQ), shipping options and the
/// selected one, duty and tax lines with their rules, what is collected now and what is due at
/// the door, totals in the buyer's and each seller's currency, the locked FX rates and a
/// delivery range. Anonymous visitors get a consumer quote; a buyer token quotes as that buyer.
#[utoipa::path(post, path = "/api/v1/checkout/quotes", tag = "checkout", request_body = QuoteRequest,
    security((), ("bearer" = [])), params(IdempotencyKey, NoQuery),
    responses((status = 201, body = Quote), Malformed, Unauthenticated, Forbidden, Conflict,
        TooLarge, NotJson, Invalid))]
pub async fn create_quote(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    _: ApiQuery<NoQuery>,
    ApiJson(request): ApiJson<QuoteRequest>,
) -> ApiResult<(StatusCode, Json<Quote>)> {
    let quote = state.app.create_quote(caller.as_ref(), request).await?;
    Ok((StatusCode::CREATED, Json(quote)))
}

/// A stored quote, unchanged since it was made.
#[utoipa::path(get, path = "/api/v1/checkout/quotes/{id}", tag = "checkout",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "A quote id, `qte_…`"), NoQuery),
    responses((status = 200, body = Quote), Malformed, Unauthenticated, NotFound, TooLarge, Invalid))]
pub async fn get_quote(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Quote>> {
    Ok(Json(state.app.get_quote(caller.as_ref(), &id).await?))
}
