//! Orders: placed from a quote (one per seller), read by their buyer, their seller or an admin,
//! and moved through their lifecycle by the side each action belongs to.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use silkroute_app::{
    ActionRequest, Checkout, IdempotencyContext, OrderDetail, OrderEvent, OrderListQuery,
    OrderRecord, OrderRequest, RefundRequest, ReturnRequest,
};
use silkroute_domain::order::{OrderAction, ReturnAction};
use utoipa::IntoParams;

use crate::AppState;
use crate::extract::{ApiJson, ApiQuery, Caller, OptionalJson};
use crate::problem::{ApiError, ApiResult};
use crate::routes::ListResponse;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrdersQuery {
    /// One of the order statuses (`paid`, `shipped`, …).
    pub status: Option<String>,
    /// Destination country (ISO 3166-1 alpha-2).
    pub market: Option<String>,
    /// Created on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Created before (YYYY-MM-DD).
    pub to: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// Place the orders of a quote (buyer token): the payment is authorised, stock reserved and one
/// order per seller written, all or nothing. Send an `Idempotency-Key`: a retry returns the
/// first result. The orders stay `pending_payment` until the provider confirms the capture.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderRequest,
    responses((status = 201, body = Checkout), (status = 402, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)))]
pub async fn place_order(
    State(state): State<AppState>,
    Caller(caller): Caller,
    idempotency: Option<Extension<IdempotencyContext>>,
    ApiJson(request): ApiJson<OrderRequest>,
) -> ApiResult<(StatusCode, Json<Checkout>)> {
    let idempotency = idempotency.map(|Extension(context)| context);
    let checkout = state.app.place_order(&caller, request, idempotency).await?;
    Ok((StatusCode::CREATED, Json(checkout)))
}

/// Orders the caller may see: a buyer's own, a seller's own, or all (admin).
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(OrdersQuery),
    responses((status = 200, body = ListResponse<OrderRecord>)))]
pub async fn list_orders(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<OrdersQuery>,
) -> ApiResult<Json<ListResponse<OrderRecord>>> {
    let limit = match query.limit.as_deref() {
        Some(text) => Some(
            text.parse::<u32>()
                .ok()
                .filter(|n| (1..=500).contains(n))
                .ok_or_else(|| {
                    ApiError::malformed_field("limit", "must be a whole number from 1 to 500")
                })?,
        ),
        None => None,
    };
    let filter = OrderListQuery {
        status: query.status,
        market: query.market,
        from: query.from,
        to: query.to,
        limit,
        cursor: query.cursor,
    };
    Ok(Json(state.app.list_orders(&caller, &filter).await?.into()))
}

/// One order with its payment, refunds and returns.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = String, Path)),
    responses((status = 200, body = OrderDetail), (status = 404, body = crate::problem::Problem)))]
pub async fn get_order(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<OrderDetail>> {
    Ok(Json(state.app.get_order(&caller, &id).await?))
}

/// Every status change of an order: who, when, why.
#[utoipa::path(get, path = "/api/v1/orders/{id}/events", tag = "orders", params(("id" = String, Path)),
    responses((status = 200, body = Vec<OrderEvent>), (status = 404, body = crate::problem::Problem)))]
pub async fn order_events(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<OrderEvent>>> {
    Ok(Json(state.app.order_events(&caller, &id).await?))
}

async fn act(
    state: AppState,
    caller: silkroute_app::Principal,
    id: String,
    action: OrderAction,
    request: Option<ActionRequest>,
) -> ApiResult<Json<OrderDetail>> {
    Ok(Json(
        state
            .app
            .order_action(&caller, &id, action, request.unwrap_or_default())
            .await?,
    ))
}

macro_rules! order_action {
    ($name:ident, $path:literal, $action:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "orders", params(("id" = String, Path)),
            request_body(content = Option<ActionRequest>),
            responses((status = 200, body = OrderDetail), (status = 404, body = crate::problem::Problem),
                (status = 409, body = crate::problem::Problem)))]
        pub async fn $name(
            State(state): State<AppState>,
            Caller(caller): Caller,
            Path(id): Path<String>,
            OptionalJson(request): OptionalJson<ActionRequest>,
        ) -> ApiResult<Json<OrderDetail>> {
            act(state, caller, id, $action, request).await
        }
    };
}

order_action!(
    cancel_order,
    "/api/v1/orders/{id}/cancel",
    OrderAction::Cancel,
    "Cancel (buyer before shipping while pending or paid; seller or admin until shipped): stock is released and captured money refunded."
);
order_action!(
    fulfil_order,
    "/api/v1/orders/{id}/fulfil",
    OrderAction::StartFulfilment,
    "Start picking a paid order (seller)."
);
order_action!(
    ship_order,
    "/api/v1/orders/{id}/ship",
    OrderAction::Ship,
    "Mark shipped (seller): the reserved units leave on-hand stock."
);
order_action!(
    deliver_order,
    "/api/v1/orders/{id}/deliver",
    OrderAction::Deliver,
    "Mark delivered (seller, until carrier tracking lands)."
);
order_action!(
    complete_order,
    "/api/v1/orders/{id}/complete",
    OrderAction::Complete,
    "Close a delivered order (buyer confirms receipt, or the seller)."
);
order_action!(
    request_refund,
    "/api/v1/orders/{id}/refund-request",
    OrderAction::RequestRefund,
    "Ask for a refund (buyer); the seller refunds or declines."
);
order_action!(
    decline_refund,
    "/api/v1/orders/{id}/refund-request/decline",
    OrderAction::DeclineRefund,
    "Decline a refund request (seller): the order returns to where it was."
);

/// Refund an order (seller or admin): all that is left (the order becomes `refunded`), or
/// `amount` of it (the status stays). The provider refunds the buyer's payment.
#[utoipa::path(post, path = "/api/v1/orders/{id}/refunds", tag = "orders", params(("id" = String, Path)),
    request_body = RefundRequest,
    responses((status = 200, body = OrderDetail), (status = 409, body = crate::problem::Problem),
        (status = 422, body = crate::problem::Problem)))]
pub async fn refund_order(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RefundRequest>,
) -> ApiResult<Json<OrderDetail>> {
    Ok(Json(state.app.refund_order(&caller, &id, request).await?))
}

/// Ask to return a delivered order (buyer): opens an RMA in `requested`.
#[utoipa::path(post, path = "/api/v1/orders/{id}/returns", tag = "orders", params(("id" = String, Path)),
    request_body = ReturnRequest,
    responses((status = 201, body = OrderDetail), (status = 409, body = crate::problem::Problem)))]
pub async fn request_return(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ReturnRequest>,
) -> ApiResult<(StatusCode, Json<OrderDetail>)> {
    let detail = state.app.request_return(&caller, &id, request).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Move a return on (seller): `approve`, `reject`, `receive` (restocks) or `refund` (refunds
/// what is left; the order becomes `returned`).
#[utoipa::path(post, path = "/api/v1/returns/{id}/{action}", tag = "orders",
    params(("id" = String, Path), ("action" = String, Path, description = "approve, reject, receive or refund")),
    request_body(content = Option<ActionRequest>),
    responses((status = 200, body = OrderDetail), (status = 404, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)))]
pub async fn return_action(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, action)): Path<(String, String)>,
    OptionalJson(request): OptionalJson<ActionRequest>,
) -> ApiResult<Json<OrderDetail>> {
    let action =
        ReturnAction::parse(&action).ok_or_else(|| ApiError::not_found("return action"))?;
    Ok(Json(
        state
            .app
            .return_action(&caller, &id, action, request.unwrap_or_default())
            .await?,
    ))
}
