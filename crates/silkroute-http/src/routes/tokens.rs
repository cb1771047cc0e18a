//! API tokens: admins issue and revoke them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use silkroute_app::Role;
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use crate::idempotency::SecretBearing;
use crate::openapi::headers::IdempotencyKey;
use crate::openapi::problems::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, NotJson, TooLarge, Unauthenticated,
};
use crate::problem::{ApiError, ApiResult};
use crate::routes::NoQuery;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// `admin`, `seller` or `buyer`.
    pub role: String,
    pub seller_id: Option<String>,
    pub buyer_id: Option<String>,
    pub label: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub id: String,
    pub role: String,
    pub seller_id: Option<String>,
    pub buyer_id: Option<String>,
    pub label: String,
    /// The secret; shown once, stored only as a hash.
    pub token: String,
}

/// Issue a token (admin).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = TokenRequest,
    security(("bearer" = [])), params(IdempotencyKey, NoQuery),
    responses((status = 201, body = TokenResponse), Malformed, Unauthenticated, Forbidden, NotFound,
        Conflict, TooLarge, NotJson, Invalid))]
pub async fn create_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    _: ApiQuery<NoQuery>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Extension<SecretBearing>, Json<TokenResponse>)> {
    caller.require_admin()?;
    let role = Role::parse(&request.role)
        .ok_or_else(|| ApiError::field("role", "must be admin, seller or buyer"))?;
    let issued = state
        .app
        .create_token(
            role,
            request.seller_id.as_deref(),
            request.buyer_id.as_deref(),
            request.label.as_deref().unwrap_or(""),
        )
        .await?;
    // The secret is shown here once: a retry with the same Idempotency-Key is told what was made.
    let created = Extension(SecretBearing(format!("token {}", issued.id)));
    Ok((
        StatusCode::CREATED,
        created,
        Json(TokenResponse {
            id: issued.id,
            role: issued.role.as_str().to_string(),
            seller_id: issued.seller_id,
            buyer_id: issued.buyer_id,
            label: issued.label,
            token: issued.token,
        }),
    ))
}

/// Revoke a token (admin).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = String, Path, description = "A token id, `tok_…`"), NoQuery),
    responses((status = 204, description = "revoked"), Malformed, Unauthenticated, Forbidden,
        NotFound, TooLarge, Invalid))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(id): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<StatusCode> {
    state.app.revoke_token(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
