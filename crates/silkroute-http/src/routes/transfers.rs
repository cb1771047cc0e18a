//! Head-haul transfers between a seller's warehouses, and the customs declarations they cause
//! (a seller sees its own, an admin everyone's; another seller's transfer is a 404).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{Days, NaiveTime};
use serde::Deserialize;
use silkroute_app::{
    CustomsDeclaration, DeclarationFilter, ReceiptInput, TransferInput, TransferReceiptResponse,
    TransferRecord,
};
use utoipa::IntoParams;

use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, NotJson, TooLarge, Unauthenticated,
};
use crate::problem::{ApiError, ApiResult};
use crate::routes::{Day, ListResponse, NoQuery, PageQuery, page_request};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeclarationQuery {
    /// China's supervision mode: `9610`, `9710`, `9810` or `1210`.
    #[param(pattern = "^(9610|9710|9810|1210)$")]
    pub mode: Option<String>,
    /// Declared on or after this day (UTC).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<Day>,
    /// Declared on or before this day (UTC).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<Day>,
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The CSV's filters: the list's without paging, since the file holds every row (a `limit`
/// would be silently ignored, so it is refused as unknown).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeclarationCsvQuery {
    /// China's supervision mode: `9610`, `9710`, `9810` or `1210`.
    #[param(pattern = "^(9610|9710|9810|1210)$")]
    pub mode: Option<String>,
    /// Declared on or after this day (UTC).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<Day>,
    /// Declared on or before this day (UTC).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<Day>,
}

fn declaration_filter(
    mode: Option<&String>,
    from: Option<Day>,
    to: Option<Day>,
) -> ApiResult<DeclarationFilter> {
    let from = from.map(|Day(day)| day.and_time(NaiveTime::MIN).and_utc());
    let to = match to {
        None => None,
        Some(Day(day)) => Some(
            day.checked_add_days(Days::new(1))
                .ok_or_else(|| ApiError::field("to", "too far in the future"))?
                .and_time(NaiveTime::MIN)
                .and_utc(),
        ),
    };
    Ok(DeclarationFilter {
        seller: None,
        mode: mode.cloned(),
        from,
        to,
    })
}

/// Dispatch stock to another of the seller's warehouses (seller, or an admin naming the
/// seller). The origin's on-hand stock drops at once and shows as `in_transit` at the
/// destination; leaving China it is declared for export under mode 9810. Every invalid field is a
/// 422 at its path (`transport.containers[1]`, `lines[0].quantity`) and nothing is written.
/// Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/transfers", tag = "transfers", request_body = TransferInput,
    security(("bearer" = [])), params(IdempotencyKey, NoQuery),
    responses((status = 201, body = TransferRecord), Malformed, Unauthenticated, Forbidden,
        NotFound, Conflict, TooLarge, NotJson, Invalid))]
pub async fn create_transfer(
    State(state): State<AppState>,
    Caller(caller): Caller,
    _: ApiQuery<NoQuery>,
    ApiJson(input): ApiJson<TransferInput>,
) -> ApiResult<(StatusCode, Json<TransferRecord>)> {
    let transfer = state.app.create_transfer(&caller, input).await?;
    Ok((StatusCode::CREATED, Json(transfer)))
}

/// The seller's transfers, oldest first (an admin: everyone's).
#[utoipa::path(get, path = "/api/v1/transfers", tag = "transfers", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = ListResponse<TransferRecord>), Malformed, Unauthenticated,
        Forbidden, TooLarge, Invalid))]
pub async fn list_transfers(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<ListResponse<TransferRecord>>> {
    let page = page_request(query.limit, query.cursor)?;
    Ok(Json(state.app.list_transfers(&caller, &page).await?.into()))
}

/// One transfer with its lines (and, once received, the counts and landed unit costs).
#[utoipa::path(get, path = "/api/v1/transfers/{transfer_id}", tag = "transfers",
    security(("bearer" = [])),
    params(("transfer_id" = String, Path, description = "A transfer id, `trf_…`"), NoQuery),
    responses((status = 200, body = TransferRecord), Malformed, Unauthenticated, Forbidden,
        NotFound, TooLarge, Invalid))]
pub async fn get_transfer(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(transfer_id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<TransferRecord>> {
    Ok(Json(state.app.get_transfer(&caller, &transfer_id).await?))
}

/// Receive a transfer: one count per line (good units and damaged ones). Good units enter the
/// destination's stock; the answer lists the discrepancies (`short`, `over`, `damaged`) and, for
/// an import, the duty (in each line's landed unit cost) and the deductible import VAT. A second
/// receipt is a 409. Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/transfers/{transfer_id}/receive", tag = "transfers",
    request_body = ReceiptInput, security(("bearer" = [])),
    params(("transfer_id" = String, Path, description = "A transfer id, `trf_…`"),
        IdempotencyKey, NoQuery),
    responses((status = 200, body = TransferReceiptResponse), Malformed, Unauthenticated,
        Forbidden, NotFound, Conflict, TooLarge, NotJson, Invalid))]
pub async fn receive_transfer(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(transfer_id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    ApiJson(input): ApiJson<ReceiptInput>,
) -> ApiResult<Json<TransferReceiptResponse>> {
    Ok(Json(
        state
            .app
            .receive_transfer(&caller, &transfer_id, input)
            .await?,
    ))
}

/// Customs declarations (a seller's own; an admin's: everyone's), oldest first.
#[utoipa::path(get, path = "/api/v1/customs/declarations", tag = "transfers",
    security(("bearer" = [])), params(DeclarationQuery),
    responses((status = 200, body = ListResponse<CustomsDeclaration>), Malformed,
        Unauthenticated, Forbidden, TooLarge, Invalid))]
pub async fn list_declarations(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<DeclarationQuery>,
) -> ApiResult<Json<ListResponse<CustomsDeclaration>>> {
    let page = page_request(query.limit, query.cursor.clone())?;
    let filter = declaration_filter(query.mode.as_ref(), query.from, query.to)?;
    Ok(Json(
        state
            .app
            .list_declarations(&caller, filter, &page)
            .await?
            .into(),
    ))
}

/// The same declarations as CSV for a customs broker: a header row, then one row per
/// declaration (every page).
#[utoipa::path(get, path = "/api/v1/customs/declarations.csv", tag = "transfers",
    security(("bearer" = [])), params(DeclarationCsvQuery),
    responses((status = 200, content_type = "text/csv", body = String), Malformed,
        Unauthenticated, Forbidden, TooLarge, Invalid))]
pub async fn declarations_csv(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<DeclarationCsvQuery>,
) -> ApiResult<impl IntoResponse> {
    let filter = declaration_filter(query.mode.as_ref(), query.from, query.to)?;
    let csv = state.app.declarations_csv(&caller, filter).await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv))
}
