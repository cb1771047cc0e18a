//! RFC 9457 problem details: the only error shape the API returns. Which error type where:
//! handlers return [`ApiError`]; app errors convert into it; unexpected store errors are logged
//! with their cause chain and reach the client as a bare 500 without internals.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use silkroute_app::{AppError, StoreError};
use silkroute_domain::validation::FieldError;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";
const TYPE_BASE: &str = "https://silkroute.dev/problems/";

#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// On a 5xx: the id under which the fault was logged (quote it to support).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub slug: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Set on 5xx: the id the fault was logged under.
    pub error_id: Option<String>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        slug: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            slug,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            error_id: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed-request",
            "Malformed request",
            detail,
        )
    }

    pub fn invalid(errors: Vec<FieldError>) -> ApiError {
        let detail = errors
            .iter()
            .map(|error| format!("{}: {}", error.field, error.message))
            .collect::<Vec<_>>()
            .join("; ");
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            slug: "validation",
            title: "Invalid input",
            detail,
            errors,
            error_id: None,
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid(vec![FieldError::new(field, message)])
    }

    pub fn malformed_field(field: &str, message: impl Into<String>) -> ApiError {
        let mut error = ApiError::field(field, message);
        error.status = StatusCode::BAD_REQUEST;
        error.slug = "malformed-request";
        error.title = "Malformed request";
        error
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("{what} not found"),
        )
    }

    /// A body over the configured limit, whichever layer or extractor noticed it first.
    pub fn body_too_large(limit_bytes: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            "Request body too large",
            format!("the body exceeds the limit of {limit_bytes} bytes"),
        )
    }

    pub fn unsupported_media_type() -> ApiError {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "send the body as `Content-Type: application/json`",
        )
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required",
            "send a valid token as `Authorization: Bearer <token>`",
        )
    }

    /// A fault of the platform, not of the request: logged with its cause under a fresh error id,
    /// answered with that id only, so that support can find the log line and nothing internal
    /// leaks.
    pub fn fault(status: StatusCode, cause: &str) -> ApiError {
        let error_id = format!("err_{}", ulid::Ulid::new());
        tracing::error!(%error_id, status = status.as_u16(), cause, "request failed");
        let (slug, title) = match status {
            StatusCode::BAD_GATEWAY => ("provider-failure", "Provider failure"),
            StatusCode::SERVICE_UNAVAILABLE => ("unavailable", "Service unavailable"),
            _ => ("internal", "Internal error"),
        };
        let mut error = ApiError::new(
            status,
            slug,
            title,
            format!("the request could not be completed; quote error id {error_id}"),
        );
        error.error_id = Some(error_id);
        error
    }

    pub fn into_problem(self) -> Problem {
        Problem {
            problem_type: format!("{TYPE_BASE}{}", self.slug),
            title: self.title.to_string(),
            status: self.status.as_u16(),
            detail: self.detail,
            errors: self.errors,
            error_id: self.error_id,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        match error {
            AppError::Invalid(errors) => ApiError::invalid(errors),
            AppError::NotFound(what) => ApiError::not_found(what),
            AppError::Unauthenticated => ApiError::unauthenticated(),
            AppError::Forbidden(why) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", why)
            }
            AppError::Conflict(why) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", "Conflict", why)
            }
            AppError::PaymentDeclined(reason) => ApiError::new(
                StatusCode::PAYMENT_REQUIRED,
                "payment-declined",
                "Payment declined",
                format!("the card was declined ({reason}); nothing was charged or ordered"),
            ),
            AppError::BadSignature(why) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "signature-rejected",
                "Signature rejected",
                why,
            ),
            AppError::Unavailable(why) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unavailable",
                "Not available for the request",
                why,
            ),
            AppError::Internal(why) => ApiError::fault(StatusCode::INTERNAL_SERVER_ERROR, &why),
            AppError::Provider(why) => ApiError::fault(StatusCode::BAD_GATEWAY, &why),
            AppError::Store(StoreError::Conflict(why)) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "Conflict",
                format!("the change conflicts with what is stored; reload and retry ({why})"),
            ),
            AppError::Store(StoreError::OutOfRange(_)) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unavailable",
                "Not available for the request",
                "the figures asked for are too large to add up exactly; ask for a shorter period \
                 or a narrower view",
            ),
            AppError::Store(store_error @ StoreError::Unavailable(_)) => {
                ApiError::fault(StatusCode::SERVICE_UNAVAILABLE, &cause_chain(&store_error))
            }
            AppError::Store(store_error) => ApiError::fault(
                StatusCode::INTERNAL_SERVER_ERROR,
                &cause_chain(&store_error),
            ),
        }
    }
}

fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let body = serde_json::to_vec(&self.into_problem()).unwrap_or_default();
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// What a handler that panicked answers: a 500 problem, so the client gets a response instead of
/// a dropped connection and the idempotency layer releases the key; the panic is logged.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    ApiError::fault(
        StatusCode::INTERNAL_SERVER_ERROR,
        &format!("a request handler panicked: {message}"),
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_a_500_problem_without_its_message() {
        let response = panic_response(Box::new("index out of bounds: secret 42"));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static(PROBLEM_JSON))
        );
        let owned = panic_response(Box::new(String::from("owned message")));
        assert_eq!(owned.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
