//! Idempotency keys for the HTTP layer: claimed under this process's name for a lease (see
//! `silkroute_store::IdempotencyClaim`), completed or released by the owner only.

use chrono::Duration;
use silkroute_store::{IdempotencyClaim, IdempotencyClaimRequest, IdempotentResponse};

use crate::{App, AppResult};

/// The key a request runs under, handed by the HTTP layer to a use case that stores its response
/// with its effect (a checkout).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyContext {
    pub scope: String,
    pub key: String,
}

impl App {
    pub async fn claim_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
    ) -> AppResult<IdempotencyClaim> {
        let now = self.now();
        let request = IdempotencyClaimRequest {
            scope: scope.to_string(),
            key: key.to_string(),
            request_hash: request_hash.to_string(),
            owner: self.instance.clone(),
            now,
            lease_until: now + Duration::seconds(i64::from(self.config.idempotency_lease_seconds)),
        };
        Ok(self.store.claim_idempotency_key(&request).await?)
    }

    /// Stores the response unless the request stored it with its effect already; whether this
    /// call stored it.
    pub async fn complete_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        response: &IdempotentResponse,
    ) -> AppResult<bool> {
        Ok(self
            .store
            .complete_idempotency_key(scope, key, &self.instance, response)
            .await?)
    }

    pub async fn release_idempotency_key(&self, scope: &str, key: &str) -> AppResult<()> {
        Ok(self
            .store
            .release_idempotency_key(scope, key, &self.instance)
            .await?)
    }
}
