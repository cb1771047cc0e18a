//! Inbound payment notifications. The body is verified against the provider's signature before
//! it is even parsed; a notification applies once.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use silkroute_app::NotificationReceipt;
use silkroute_domain::payment::SIGNATURE_HEADER;

use crate::AppState;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::headers::{IdempotencyKey, PaymentSignature};
use crate::openapi::problems::{Conflict, Invalid, Malformed, NotFound, NotJson, TooLarge};
use crate::problem::{ApiError, ApiResult};
use crate::routes::NoQuery;

/// A provider's notification (`payment.captured`, `payment.capture_failed`, …), signed with
/// `Silkroute-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. Forged or older than five
/// minutes: 400. Already processed: 409. Neither changes anything. The body is JSON like every
/// other (415 otherwise), but it is read as bytes: the signature covers them as sent.
#[utoipa::path(post, path = "/api/v1/payments/webhooks/{provider}", tag = "payments",
    security(()),
    params(("provider" = String, Path, description = "The payment provider (`test`)"),
        PaymentSignature, IdempotencyKey, NoQuery),
    request_body(content = silkroute_domain::payment::PaymentEvent),
    responses((status = 200, body = NotificationReceipt), Malformed, NotFound, Conflict, TooLarge,
        NotJson, Invalid))]
pub async fn payment_webhook(
    State(state): State<AppState>,
    ApiPath(provider): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<NotificationReceipt>> {
    if !crate::extract::is_json(&headers) {
        return Err(ApiError::unsupported_media_type());
    }
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    Ok(Json(
        state
            .app
            .receive_payment_notification(&provider, signature, &body)
            .await?,
    ))
}
