//! Quotes, orders, payments, refunds and returns on SQLite: the shared statements
//! (`silkroute_store_sqlx::order_store!`) plus how a checkout or quote is committed — through the
//! group committer, so that many share one fsync (see `group_commit`).

use silkroute_store::{CheckoutPlacement, PlacementOutcome, StoreResult, StoredQuote};

use crate::SqliteStore;
use crate::group_commit::{self, Job};

silkroute_store_sqlx::order_store!(
    store: crate::SqliteStore,
    connection: ::sqlx::SqliteConnection,
    pool: ::sqlx::SqlitePool
);

impl SqliteStore {
    pub(crate) async fn commit_checkout(
        &self,
        placement: &CheckoutPlacement,
    ) -> StoreResult<PlacementOutcome> {
        let placement = Box::new(placement.clone());
        group_commit::submit(&self.committer, |reply| Job::Place(placement, reply)).await
    }

    pub(crate) async fn commit_quote(&self, quote: &StoredQuote) -> StoreResult<()> {
        let quote = Box::new(quote.clone());
        group_commit::submit(&self.committer, |reply| Job::Quote(quote, reply)).await
    }
}
