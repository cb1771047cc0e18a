//! The storefront analytics beacon: public like any web-analytics collector (no secret can live
//! in a shop's page), rate-limited per client address.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use silkroute_app::{EventBatch, EventReceipt};

use crate::AppState;
use crate::extract::{ApiJson, ApiQuery};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{Conflict, Invalid, Malformed, NotJson, RateLimited, TooLarge};
use crate::problem::ApiResult;
use crate::routes::NoQuery;

/// Record storefront events (`visit`, `product_view`, `search`, `add_to_cart`,
/// `checkout_started`), 1–500 per request. Each event is checked on its own: the receipt says
/// how many were stored, how many were duplicates (same `id`) and which were refused and why.
#[utoipa::path(post, path = "/api/v1/events", tag = "analytics", request_body = EventBatch,
    security(()), params(IdempotencyKey, NoQuery),
    responses((status = 202, body = EventReceipt), Malformed, Conflict, TooLarge, NotJson, Invalid,
        RateLimited))]
pub async fn record_events(
    State(state): State<AppState>,
    _: ApiQuery<NoQuery>,
    ApiJson(batch): ApiJson<EventBatch>,
) -> ApiResult<(StatusCode, Json<EventReceipt>)> {
    let receipt = state.app.record_storefront_events(batch).await?;
    Ok((StatusCode::ACCEPTED, Json(receipt)))
}
