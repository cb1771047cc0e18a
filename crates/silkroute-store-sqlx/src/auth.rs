//! API tokens and idempotency keys: the statements are the same in both dialects.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::ids::TokenId;
use silkroute_store::rows::TokenRow;
use silkroute_store::{
    AuthStore, IdempotencyClaim, IdempotencyClaimRequest, IdempotencyStore, IdempotentResponse,
    StoreResult, TokenRecord,
};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::{Backend, SqlxStore, backend_error};

#[async_trait]
impl<B: Backend> AuthStore for SqlxStore<B>
where
    for<'c> &'c mut <B::Db as Database>::Connection: Executor<'c, Database = B::Db>,
    <B::Db as Database>::Arguments: IntoArguments<B::Db>,
    for<'r> &'r str: ColumnIndex<<B::Db as Database>::Row>,
    usize: ColumnIndex<<B::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<&'q str>: Encode<'q, B::Db>,
    for<'q> String: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<String>: Encode<'q, B::Db>,
    for<'q> i64: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<i64>: Encode<'q, B::Db>,
    for<'q> bool: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> NaiveDate: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<NaiveDate>: Encode<'q, B::Db>,
    for<'q> DateTime<Utc>: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, B::Db>,
    for<'q> Vec<u8>: Decode<'q, B::Db> + Type<B::Db>,
{
    async fn insert_token(&self, token: &TokenRecord) -> StoreResult<()> {
        let row = TokenRow::from_token(token);
        sqlx::query(
            "INSERT INTO api_tokens (token_id, token_hash, role, seller_id, buyer_id, label, \
             created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.token_id)
        .bind(row.token_hash)
        .bind(row.role)
        .bind(row.seller_id)
        .bind(row.buyer_id)
        .bind(row.label)
        .bind(row.created_at)
        .bind(row.revoked_at)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn find_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>> {
        let row = sqlx::query(
            "SELECT token_id, token_hash, role, seller_id, buyer_id, label, created_at, \
             revoked_at FROM api_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        let Some(row) = row else { return Ok(None) };
        crate::token(&row).map(Some)
    }

    async fn revoke_token(&self, id: &TokenId, at: DateTime<Utc>) -> StoreResult<bool> {
        let result = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $2 WHERE token_id = $1 AND revoked_at IS NULL",
        )
        .bind(id.as_str())
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(B::rows_affected(&result) == 1)
    }
}

#[async_trait]
impl<B: Backend> IdempotencyStore for SqlxStore<B>
where
    for<'c> &'c mut <B::Db as Database>::Connection: Executor<'c, Database = B::Db>,
    <B::Db as Database>::Arguments: IntoArguments<B::Db>,
    for<'r> &'r str: ColumnIndex<<B::Db as Database>::Row>,
    usize: ColumnIndex<<B::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<&'q str>: Encode<'q, B::Db>,
    for<'q> String: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<String>: Encode<'q, B::Db>,
    for<'q> i64: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<i64>: Encode<'q, B::Db>,
    for<'q> bool: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> NaiveDate: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<NaiveDate>: Encode<'q, B::Db>,
    for<'q> DateTime<Utc>: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, B::Db>,
    for<'q> Vec<u8>: Decode<'q, B::Db> + Type<B::Db>,
{
    async fn claim_idempotency_key(
        &self,
        request: &IdempotencyClaimRequest,
    ) -> StoreResult<IdempotencyClaim> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, created_at, \
             owner, lease_until) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (scope, idempotency_key) DO NOTHING",
        )
        .bind(&request.scope)
        .bind(&request.key)
        .bind(&request.request_hash)
        .bind(request.now)
        .bind(&request.owner)
        .bind(request.lease_until)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        if B::rows_affected(&inserted) == 1 {
            return Ok(IdempotencyClaim::Claimed);
        }
        let row = sqlx::query(
            "SELECT request_hash, response_status, response_body, owner, lease_until \
             FROM idempotency_keys WHERE scope = $1 AND idempotency_key = $2",
        )
        .bind(&request.scope)
        .bind(&request.key)
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        let stored_hash: String = row.try_get("request_hash").map_err(backend_error)?;
        let status: Option<i64> = row.try_get("response_status").map_err(backend_error)?;
        let body: Option<String> = row.try_get("response_body").map_err(backend_error)?;
        let owner: Option<String> = row.try_get("owner").map_err(backend_error)?;
        let lease_until: Option<DateTime<Utc>> =
            row.try_get("lease_until").map_err(backend_error)?;
        if stored_hash != request.request_hash {
            return Ok(IdempotencyClaim::Mismatch);
        }
        if let (Some(status), Some(body)) = (status, body) {
            return Ok(IdempotencyClaim::Replay(IdempotentResponse {
                status: u16::try_from(status).unwrap_or(500),
                body,
            }));
        }
        let lapsed = lease_until.is_none_or(|until| until < request.now);
        if owner.as_deref() == Some(request.owner.as_str()) || !lapsed {
            return Ok(IdempotencyClaim::InProgress);
        }
        // The owner died (or outlived its lease) without a response: take the claim over, unless
        // another retry took it first or the response arrived meanwhile.
        let taken = sqlx::query(
            "UPDATE idempotency_keys SET owner = $3, lease_until = $4 \
             WHERE scope = $1 AND idempotency_key = $2 AND response_status IS NULL \
             AND (owner IS NULL OR owner = $5) AND (lease_until IS NULL OR lease_until < $6)",
        )
        .bind(&request.scope)
        .bind(&request.key)
        .bind(&request.owner)
        .bind(request.lease_until)
        .bind(owner)
        .bind(request.now)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(if B::rows_affected(&taken) == 1 {
            IdempotencyClaim::Claimed
        } else {
            IdempotencyClaim::InProgress
        })
    }

    async fn complete_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        owner: &str,
        response: &IdempotentResponse,
    ) -> StoreResult<bool> {
        let stored = sqlx::query(
            "UPDATE idempotency_keys SET response_status = $4, response_body = $5 \
             WHERE scope = $1 AND idempotency_key = $2 AND owner = $3 \
             AND response_status IS NULL",
        )
        .bind(scope)
        .bind(key)
        .bind(owner)
        .bind(i64::from(response.status))
        .bind(&response.body)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(B::rows_affected(&stored) == 1)
    }

    async fn release_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        owner: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE scope = $1 AND idempotency_key = $2 \
             AND owner = $3 AND response_status IS NULL",
        )
        .bind(scope)
        .bind(key)
        .bind(owner)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }
}
