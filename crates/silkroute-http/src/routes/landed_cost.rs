//! The duty and import-tax estimate for a consignment (a landed-cost calculator).

use axum::Json;
use axum::extract::State;
use silkroute_app::LandedCostRequest;
use silkroute_domain::landed_cost::LandedCost;

use crate::AppState;
use crate::extract::ApiJson;
use crate::problem::ApiResult;

/// Duties and import taxes for a consignment in the destination's currency: each line names its
/// rule and version, its base and rate, and whether it is collected at checkout or at the door.
#[utoipa::path(post, path = "/api/v1/landed-cost", tag = "customs", request_body = LandedCostRequest,
    responses(
        (status = 200, description = "the landed cost: goods, freight, customs value, duty_lines, tax_lines, collected_at_checkout, due_at_door, incoterm, notes"),
        (status = 422, body = crate::problem::Problem)))]
pub async fn estimate_landed_cost(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LandedCostRequest>,
) -> ApiResult<Json<LandedCost>> {
    Ok(Json(state.app.estimate_landed_cost(request).await?))
}
