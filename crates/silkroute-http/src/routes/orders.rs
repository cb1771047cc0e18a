//! Orders: placed from a quote (one per seller), read by their buyer, their seller or an admin,
//! and moved through their lifecycle by the side each action belongs to.

use axum::extract::State;
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
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller, OptionalJson};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, NotJson, PaymentDeclined, TooLarge,
    Unauthenticated,
};
use crate::problem::{ApiError, ApiResult};
use crate::routes::{ListResponse, NoQuery};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrdersQuery {
    /// Only orders in this status.
    #[param(value_type = Option<silkroute_domain::order::OrderStatus>, inline)]
    pub status: Option<String>,
    /// Only orders to this destination country (ISO 3166-1).
    #[param(value_type = Option<silkroute_domain::country::CountryCode>)]
    pub market: Option<String>,
    /// Created on or after this day (UTC).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<String>,
    /// Created before this day (UTC).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<String>,
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Place the orders of a quote (buyer token): the payment is authorised, stock reserved and one
/// order per seller written, all or nothing. Send an `Idempotency-Key`: a retry returns the
/// first result. The orders stay `pending_payment` until the provider confirms the capture.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderRequest,
    security(("bearer" = [])), params(IdempotencyKey, NoQuery),
    responses((status = 201, body = Checkout), Malformed, Unauthenticated, PaymentDeclined,
        Forbidden, NotFound, Conflict, TooLarge, NotJson, Invalid))]
pub async fn place_order(
    State(state): State<AppState>,
    Caller(caller): Caller,
    idempotency: Option<Extension<IdempotencyContext>>,
    _: ApiQuery<NoQuery>,
    ApiJson(request): ApiJson<OrderRequest>,
) -> ApiResult<(StatusCode, Json<Checkout>)> {
    let idempotency = idempotency.map(|Extension(context)| context);
    let checkout = state.app.place_order(&caller, request, idempotency).await?;
    Ok((StatusCode::CREATED, Json(checkout)))
}

/// Orders the caller may see: a buyer's own, a seller's own, or all (admin).
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", security(("bearer" = [])),
    params(OrdersQuery),
    responses((status = 200, body = ListResponse<OrderRecord>), Malformed, Unauthenticated,
        TooLarge, Invalid))]
pub async fn list_orders(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<OrdersQuery>,
) -> ApiResult<Json<ListResponse<OrderRecord>>> {
    let limit = match query.limit {
        Some(limit) if !(1..=500).contains(&limit) => {
            return Err(ApiError::field("limit", "must be an integer from 1 to 500"));
        }
        limit => limit,
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
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "An order id, `ord_…`"), NoQuery),
    responses((status = 200, body = OrderDetail), Malformed, Unauthenticated, NotFound, TooLarge,
        Invalid))]
pub async fn get_order(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<OrderDetail>> {
    Ok(Json(state.app.get_order(&caller, &id).await?))
}

/// Every status change of an order: who, when, why.
#[utoipa::path(get, path = "/api/v1/orders/{id}/events", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "An order id, `ord_…`"), NoQuery),
    responses((status = 200, body = Vec<OrderEvent>), Malformed, Unauthenticated, NotFound,
        TooLarge, Invalid))]
pub async fn order_events(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
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
        #[utoipa::path(post, path = $path, tag = "orders", security(("bearer" = [])),
            params(("id" = String, Path, description = "An order id, `ord_…`"), IdempotencyKey, NoQuery),
            request_body(content = Option<ActionRequest>, description = "Optional: why (`reason`)"),
            responses((status = 200, body = OrderDetail), Malformed, Unauthenticated, Forbidden,
                NotFound, Conflict, TooLarge, NotJson, Invalid))]
        pub async fn $name(
            State(state): State<AppState>,
            Caller(caller): Caller,
            ApiPath(id): ApiPath<String>,
            _: ApiQuery<NoQuery>,
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
#[utoipa::path(post, path = "/api/v1/orders/{id}/refunds", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "An order id, `ord_…`"), IdempotencyKey, NoQuery),
    request_body = RefundRequest,
    responses((status = 200, body = OrderDetail), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, NotJson, Invalid))]
pub async fn refund_order(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    ApiJson(request): ApiJson<RefundRequest>,
) -> ApiResult<Json<OrderDetail>> {
    Ok(Json(state.app.refund_order(&caller, &id, request).await?))
}

/// Ask to return a delivered order (buyer): opens an RMA in `requested`.
#[utoipa::path(post, path = "/api/v1/orders/{id}/returns", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "An order id, `ord_…`"), IdempotencyKey, NoQuery),
    request_body = ReturnRequest,
    responses((status = 201, body = OrderDetail), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, NotJson, Invalid))]
pub async fn request_return(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    ApiJson(request): ApiJson<ReturnRequest>,
) -> ApiResult<(StatusCode, Json<OrderDetail>)> {
    let detail = state.app.request_return(&caller, &id, request).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Move a return on (seller): `approve`, `reject`, `receive` (restocks) or `refund` (refunds
/// what is left; the order becomes `returned`).
#[utoipa::path(post, path = "/api/v1/returns/{id}/{action}", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "A return id, `rma_…`"),
        ("action" = inline(ReturnAction), Path, description = "What to do with the return"),
        IdempotencyKey, NoQuery),
    request_body(content = Option<ActionRequest>, description = "Optional: why (`reason`)"),
    responses((status = 200, body = OrderDetail), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, NotJson, Invalid))]
pub async fn return_action(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((id, action)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
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
