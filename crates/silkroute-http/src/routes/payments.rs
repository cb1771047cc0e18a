//! Inbound payment notifications. The body is verified against the provider's signature before
//! it is even parsed; a notification applies once.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use silkroute_app::NotificationReceipt;
use silkroute_domain::payment::SIGNATURE_HEADER;

use crate::AppState;
use crate::problem::ApiResult;

/// A provider's notification (`payment.captured`, `payment.capture_failed`, …), signed with
/// `Silkroute-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. Forged or older than five
/// minutes: 400. Already processed: 409. Neither changes anything.
#[utoipa::path(post, path = "/api/v1/payments/webhooks/{provider}", tag = "payments",
    params(("provider" = String, Path)),
    request_body(content = silkroute_domain::payment::PaymentEvent),
    responses((status = 200, body = NotificationReceipt), (status = 400, body = crate::problem::Problem),
        (status = 409, body = crate::problem::Problem)))]
pub async fn payment_webhook(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<NotificationReceipt>> {
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
