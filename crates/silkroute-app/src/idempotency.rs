//! Idempotency keys, passed through from the store so that the HTTP layer need not name it.

use silkroute_store::{IdempotencyClaim, IdempotentResponse};

use crate::{App, AppResult};

impl App {
    pub async fn claim_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
    ) -> AppResult<IdempotencyClaim> {
        Ok(self
            .store
            .claim_idempotency_key(scope, key, request_hash, self.now())
            .await?)
    }

    pub async fn complete_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        response: &IdempotentResponse,
    ) -> AppResult<()> {
        Ok(self
            .store
            .complete_idempotency_key(scope, key, response)
            .await?)
    }

    pub async fn release_idempotency_key(&self, scope: &str, key: &str) -> AppResult<()> {
        Ok(self.store.release_idempotency_key(scope, key).await?)
    }
}
