//! Carrier services and rate shopping for a parcel: public, like a carrier-rates API, so a
//! storefront can show shipping options before a cart exists.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use silkroute_app::RateRequest;
use silkroute_domain::shipping::{CarrierService, ShippingChoice};
use utoipa::IntoParams;

use crate::AppState;
use crate::extract::{ApiJson, ApiQuery};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{Conflict, Invalid, Malformed, NotJson, TooLarge};
use crate::problem::ApiResult;
use crate::routes::{Day, ListResponse, NoQuery, day};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ServicesQuery {
    /// The rate cards in force that day (default today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub date: Option<Day>,
}

/// Carrier services with their rate cards (zones, weight breaks, surcharges, limits).
#[utoipa::path(get, path = "/api/v1/shipping/services", tag = "shipping", security(()),
    params(ServicesQuery),
    responses((status = 200, body = ListResponse<CarrierService>), Malformed, TooLarge, Invalid))]
pub async fn list_shipping_services(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ServicesQuery>,
) -> ApiResult<Json<ListResponse<CarrierService>>> {
    let data = state.app.shipping_services(day(query.date))?;
    Ok(Json(ListResponse {
        data,
        next_cursor: None,
    }))
}

/// Price a parcel with every service and order the options by preference; a parcel no service
/// can carry is a 422 listing each service's reason.
#[utoipa::path(post, path = "/api/v1/shipping/rates", tag = "shipping", request_body = RateRequest,
    security(()), params(IdempotencyKey, NoQuery),
    responses((status = 200, body = ShippingChoice), Malformed, Conflict, TooLarge, NotJson, Invalid))]
pub async fn shop_shipping_rates(
    State(state): State<AppState>,
    _: ApiQuery<NoQuery>,
    ApiJson(request): ApiJson<RateRequest>,
) -> ApiResult<Json<ShippingChoice>> {
    Ok(Json(state.app.shop_shipping(request)?))
}
