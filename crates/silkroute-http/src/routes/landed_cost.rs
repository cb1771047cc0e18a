//! The duty and import-tax estimate for a consignment (a landed-cost calculator).

use axum::Json;
use axum::extract::State;
use silkroute_app::LandedCostRequest;
use silkroute_domain::landed_cost::LandedCost;

use crate::AppState;
use crate::extract::{ApiJson, ApiQuery};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{Conflict, Invalid, Malformed, NotJson, TooLarge};
use crate::problem::ApiResult;
use crate::routes::NoQuery;

/// Duties and import taxes for a consignment in the destination's currency: each line names its
/// rule and version, its base and rate, and whether it is collected at checkout or at the door.
#[utoipa::path(post, path = "/api/v1/landed-cost", tag = "customs", request_body = LandedCostRequest,
    security(()), params(IdempotencyKey, NoQuery),
    responses((status = 200, body = LandedCost), Malformed, Conflict, TooLarge, NotJson, Invalid))]
pub async fn estimate_landed_cost(
    State(state): State<AppState>,
    _: ApiQuery<NoQuery>,
    ApiJson(request): ApiJson<LandedCostRequest>,
) -> ApiResult<Json<LandedCost>> {
    Ok(Json(state.app.estimate_landed_cost(request).await?))
}
