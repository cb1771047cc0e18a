//! The warehouse floor: the pick list (JSON and CSV), pack verification by scanning, and the
//! hand-over manifest (record, PDF and CSV). The warehouse's seller and admins do all of it;
//! anyone else gets a 404.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use silkroute_app::{AppError, ManifestRequest, PackRequest, PickList};
use silkroute_logistics::manifest::Manifest;
use silkroute_logistics::shipment::Shipment;

use crate::AppState;
use crate::extract::{ApiPath, ApiQuery, Caller, OptionalJson, parse_json};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, NotJson, TooLarge, Unauthenticated,
};
use crate::problem::{ApiError, ApiResult};
use crate::routes::NoQuery;

const CSV: &str = "text/csv; charset=utf-8";

/// What to pick at a warehouse: every unit of its paid or fulfilling orders allocated there and
/// in no shipment yet, one row per product with the orders it serves, in pick-path order (by
/// SKU until bins are recorded).
#[utoipa::path(get, path = "/api/v1/warehouses/{id}/pick-list", tag = "picking",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A warehouse id, `whs_…`"), NoQuery),
    responses((status = 200, body = PickList), Malformed, Unauthenticated, NotFound, TooLarge,
        Invalid))]
pub async fn get_pick_list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<PickList>> {
    Ok(Json(state.app.pick_list(&caller, &id).await?))
}

/// The pick list as CSV (`sku,gtin,title,quantity,orders`; `orders` reads `ord_…:2;ord_…:1`).
#[utoipa::path(get, path = "/api/v1/warehouses/{id}/pick-list.csv", tag = "picking",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A warehouse id, `whs_…`"), NoQuery),
    responses((status = 200, description = "the pick list", body = String,
        content_type = "text/csv"), Malformed, Unauthenticated, NotFound, TooLarge, Invalid))]
pub async fn get_pick_list_csv(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<impl IntoResponse> {
    let list = state.app.pick_list(&caller, &id).await?;
    Ok(([(header::CONTENT_TYPE, CSV)], list.to_csv()))
}

/// Verify a parcel's contents: one scanned GTIN per unit. When the scans match the shipment's
/// items exactly the shipment records `packed_at`; a GTIN not in the parcel or one unit too
/// many is a 422 at `scans[i]`, units not scanned a 422 at `scans` naming them; nothing is
/// written then. A parcel already handed over or voided is a 409.
#[utoipa::path(post, path = "/api/v1/shipments/{id}/pack", tag = "picking",
    security(("bearer" = [])), request_body = PackRequest,
    params(("id" = String, Path, description = "A shipment id, `shp_…`"), IdempotencyKey,
        NoQuery),
    responses((status = 200, body = Shipment), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, NotJson, Invalid))]
pub async fn pack_shipment(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    OptionalJson(body): OptionalJson<serde_json::Value>,
) -> ApiResult<Json<Shipment>> {
    // The shipment first: someone else's parcel is a 404 whatever the body says.
    state.app.get_shipment(&caller, &id).await?;
    let Some(body) = body else {
        return Err(AppError::field("scans", "required: the GTINs scanned").into());
    };
    let request: PackRequest = parse_json(
        &serde_json::to_vec(&body).map_err(|error| ApiError::bad_request(error.to_string()))?,
    )?;
    Ok(Json(state.app.pack_shipment(&caller, &id, request).await?))
}

/// Hand the warehouse's labelled parcels (status `created`; those of one carrier when
/// `carrier` is given) to the carrier: they become `handed_over` together, in one write, under
/// a new manifest. Parcels not verified by a packing scan go too and are marked on the
/// manifest. Nothing waiting is a 409. Send an `Idempotency-Key`: a retry returns the same
/// manifest.
#[utoipa::path(post, path = "/api/v1/warehouses/{id}/manifests", tag = "picking",
    security(("bearer" = [])), request_body = ManifestRequest,
    params(("id" = String, Path, description = "A warehouse id, `whs_…`"), IdempotencyKey,
        NoQuery),
    responses((status = 201, body = Manifest), Malformed, Unauthenticated, NotFound, Conflict,
        TooLarge, NotJson, Invalid))]
pub async fn create_manifest(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    OptionalJson(body): OptionalJson<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<Manifest>)> {
    state.app.own_warehouse(&caller, &id).await?;
    let request: ManifestRequest = match body {
        Some(body) => parse_json(
            &serde_json::to_vec(&body).map_err(|error| ApiError::bad_request(error.to_string()))?,
        )?,
        None => ManifestRequest::default(),
    };
    let manifest = state.app.create_manifest(&caller, &id, request).await?;
    Ok((StatusCode::CREATED, Json(manifest)))
}

/// A hand-over manifest: `mnf_….pdf` (A4, for the driver to sign), `mnf_….csv` (one row per
/// parcel under a header) or `mnf_…` (the record as JSON).
#[utoipa::path(get, path = "/api/v1/manifests/{file}", tag = "picking",
    security(("bearer" = [])),
    params(("file" = String, Path,
        description = "A manifest id, `mnf_…`, optionally ending `.pdf` or `.csv`"), NoQuery),
    responses((status = 200, body = Manifest, description = "the record, its PDF or its CSV"),
        Malformed, Unauthenticated, NotFound, TooLarge, Invalid))]
pub async fn get_manifest(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(file): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Response> {
    if let Some(id) = file.strip_suffix(".pdf") {
        let pdf = state.app.manifest_pdf(&caller, id).await?;
        return Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response());
    }
    if let Some(id) = file.strip_suffix(".csv") {
        let sheet = state.app.manifest_sheet(&caller, id).await?;
        return Ok(([(header::CONTENT_TYPE, CSV)], sheet.to_csv()).into_response());
    }
    Ok(Json(state.app.get_manifest(&caller, &file).await?).into_response())
}
