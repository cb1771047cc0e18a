//! Quotes, orders, payments, refunds and returns on PostgreSQL: the shared statements
//! (`silkroute_store_sqlx::order_store!`) plus how a checkout or quote is committed — each in its
//! own transaction; PostgreSQL's WAL writer already groups concurrent commits into one flush.

use silkroute_store::{CheckoutPlacement, PlacementOutcome, StoreResult, StoredQuote};

use crate::{PostgresStore, backend_error};

silkroute_store_sqlx::order_store!(
    store: crate::PostgresStore,
    connection: ::sqlx::PgConnection,
    pool: ::sqlx::PgPool
);

impl PostgresStore {
    pub(crate) async fn commit_checkout(
        &self,
        placement: &CheckoutPlacement,
    ) -> StoreResult<PlacementOutcome> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let outcome = place(&mut tx, placement).await?;
        // A refusal wrote nothing; committing it or not is the same, but say what is meant.
        if matches!(outcome, PlacementOutcome::Placed(_)) {
            tx.commit().await.map_err(backend_error)?;
        } else {
            tx.rollback().await.map_err(backend_error)?;
        }
        Ok(outcome)
    }

    pub(crate) async fn commit_quote(&self, quote: &StoredQuote) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        insert_quote(&mut tx, quote).await?;
        tx.commit().await.map_err(backend_error)
    }
}
