//! Shipments: labelling an order's units (`POST /orders/{id}/shipments`), following and voiding
//! labels, and printing the label, CN 23 and commercial invoice as PDF. The order's seller and
//! admins do all of it; the order's buyer reads its shipments; anyone else gets a 404.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use silkroute_app::ShipmentRequest;
use silkroute_logistics::shipment::Shipment;
use utoipa::IntoParams;

use crate::AppState;
use crate::extract::{ApiPath, ApiQuery, Caller, OptionalJson, parse_json};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, NotJson, TooLarge, Unauthenticated,
};
use crate::problem::{ApiError, ApiResult};
use crate::routes::{ListResponse, NoQuery, page_request};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ShipmentsQuery {
    /// Only the shipments of this order.
    pub order_id: Option<String>,
    /// Only shipments in this status.
    #[param(value_type = Option<silkroute_logistics::shipment::ShipmentStatus>, inline)]
    pub status: Option<String>,
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Label units of a paid order (its seller or an admin). Every field is optional: all units not
/// yet in a shipment, a parcel weighing what the goods weigh, the service chosen at checkout.
/// The tracking number is an S10 id from the built-in carrier; a parcel crossing a customs
/// border gets a CN 22 (up to 300 SDR) or a CN 23. When the shipment holds the order's last
/// units, the order becomes `shipped` in the same write. A missing ship-to or ship-from address,
/// items beyond what is left, or an order that is not paid are 422s at their field; nothing is
/// written then. Send an `Idempotency-Key`: a retry returns the same shipment.
#[utoipa::path(post, path = "/api/v1/orders/{id}/shipments", tag = "shipments",
    security(("bearer" = [])), request_body = ShipmentRequest,
    params(("id" = String, Path, description = "An order id, `ord_…`"), IdempotencyKey, NoQuery),
    responses((status = 201, body = Shipment), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, NotJson, Invalid))]
pub async fn create_shipment(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    OptionalJson(body): OptionalJson<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<Shipment>)> {
    // The order first: someone else's order is a 404 whatever the body says, so a body is only
    // judged (422 at its field) for a caller who may see the order.
    state.app.get_order(&caller, &id).await?;
    let request: ShipmentRequest = match body {
        Some(body) => parse_json(
            &serde_json::to_vec(&body).map_err(|error| ApiError::bad_request(error.to_string()))?,
        )?,
        None => ShipmentRequest::default(),
    };
    let shipment = state.app.create_shipment(&caller, &id, request).await?;
    Ok((StatusCode::CREATED, Json(shipment)))
}

/// Shipments the caller may see: a seller's own, a buyer's orders', all for an admin.
#[utoipa::path(get, path = "/api/v1/shipments", tag = "shipments", security(("bearer" = [])),
    params(ShipmentsQuery),
    responses((status = 200, body = ListResponse<Shipment>), Malformed, Unauthenticated,
        TooLarge, Invalid))]
pub async fn list_shipments(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<ShipmentsQuery>,
) -> ApiResult<Json<ListResponse<Shipment>>> {
    let page = page_request(query.limit, query.cursor)?;
    let shipments = state
        .app
        .list_shipments(
            &caller,
            query.order_id.as_deref(),
            query.status.as_deref(),
            &page,
        )
        .await?;
    Ok(Json(shipments.into()))
}

/// One shipment.
#[utoipa::path(get, path = "/api/v1/shipments/{id}", tag = "shipments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A shipment id, `shp_…`"), NoQuery),
    responses((status = 200, body = Shipment), Malformed, Unauthenticated, NotFound, TooLarge,
        Invalid))]
pub async fn get_shipment(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Shipment>> {
    Ok(Json(state.app.get_shipment(&caller, &id).await?))
}

/// Void a label before hand-over, while its order is not yet shipped (409 otherwise): its
/// units may be labelled again. The tracking number is never reused.
#[utoipa::path(post, path = "/api/v1/shipments/{id}/cancel", tag = "shipments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A shipment id, `shp_…`"), IdempotencyKey,
        NoQuery),
    responses((status = 200, body = Shipment), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, Invalid))]
pub async fn cancel_shipment(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Shipment>> {
    Ok(Json(state.app.cancel_shipment(&caller, &id).await?))
}

/// The 100 × 150 mm label as PDF: sender and recipient, service, weight, order, the tracking
/// number as text and Code 128, and the CN 22 when the parcel carries one.
#[utoipa::path(get, path = "/api/v1/shipments/{id}/label.pdf", tag = "shipments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A shipment id, `shp_…`"), NoQuery),
    responses((status = 200, description = "the label", body = Vec<u8>,
        content_type = "application/pdf"), Malformed, Unauthenticated, Forbidden, NotFound,
        TooLarge, Invalid))]
pub async fn shipment_label(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<impl IntoResponse> {
    let pdf = state.app.shipment_label_pdf(&caller, &id).await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf))
}

/// A customs document as PDF: `cn23` (only for a parcel that carries one; 409 otherwise) or
/// `commercial_invoice` (the order's values, Incoterm, and the platform's IOSS/UK VAT/VOEC
/// number when it collected the import VAT at checkout).
#[utoipa::path(get, path = "/api/v1/shipments/{id}/documents/{kind}", tag = "shipments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A shipment id, `shp_…`"),
        ("kind" = String, Path, description = "`cn23.pdf` or `commercial_invoice.pdf`"),
        NoQuery),
    responses((status = 200, description = "the document", body = Vec<u8>,
        content_type = "application/pdf"), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, Invalid))]
pub async fn shipment_document(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((id, kind)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<impl IntoResponse> {
    let Some(kind) = kind.strip_suffix(".pdf") else {
        return Err(silkroute_app::AppError::NotFound("document").into());
    };
    let pdf = state.app.shipment_document_pdf(&caller, &id, kind).await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf))
}
