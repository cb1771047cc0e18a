//! The one store both sqlx backends run, and the small trait for what truly differs between them.
//! Every statement is written once, generic over the sqlx database; a backend crate supplies its
//! connection options, its migrations and a `Backend`: how an order's snapshot is stored, how a
//! checkout and a quote are committed, the FX statements its dialect needs, and planner
//! statistics.
//!
//! The store's trait impls (one per store trait, spread over this crate's modules) each repeat the
//! same list of sqlx bounds in their `where` clause — the connection is an executor, the row is
//! indexed by name and position, and the column types the statements bind and read. Rust does
//! not imply a trait's where clauses at its use sites (rust-lang/rust#20671), so a trait holding
//! the list once would still need it spelled out at every impl; written per impl block, the
//! compiler checks each statement against it, and both backends satisfy it.

use std::future::Future;

use silkroute_domain::checkout::OrderSnapshot;
use silkroute_domain::fx::PublishedRate;
use silkroute_store::{CheckoutPlacement, PlacementOutcome, StoreResult, StoredQuote};
use sqlx::migrate::Migrator;
use sqlx::{Database, Encode, Pool, Type};

/// What one sqlx backend does its own way; everything else is [`SqlxStore`]'s.
pub trait Backend: Send + Sync + 'static {
    /// The sqlx database the statements run on.
    type Db: Database;
    /// An order snapshot as its `body` column holds it (see `order_snapshot`).
    type Snapshot: for<'q> Encode<'q, Self::Db> + Type<Self::Db> + Send + Sync;

    /// The backend's name, as `Store::backend` reports it.
    const NAME: &'static str;
    /// Bound values one statement may carry here, with a margin: multi-row INSERTs and `IN`
    /// lists are cut under it.
    const MAX_VARIABLES: usize;
    /// One currency's newest rate on or before a day: binds `$1` currency, `$2` day; selects
    /// `currency`, `rate_date` and `per_eur` as decimal text.
    const LATEST_FX_RATE: &'static str;
    /// Every currency's rate on the newest day on or before `$1`, by currency; same columns.
    const FX_RATES_PUBLISHED: &'static str;

    /// The migrations this backend ships.
    fn migrator() -> &'static Migrator;

    /// Whether sqlx's migration table exists yet (a fresh database has none).
    fn migrations_table_exists(
        &self,
        pool: &Pool<Self::Db>,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// How many rows a statement wrote (each driver's result has it; sqlx has no trait for it).
    fn rows_affected(result: &<Self::Db as Database>::QueryResult) -> u64;

    /// The `body` column value for an order's snapshot.
    fn snapshot_column(snapshot: &OrderSnapshot) -> StoreResult<Self::Snapshot>;

    /// Stores a quote, durably, before answering.
    fn commit_quote(
        &self,
        pool: &Pool<Self::Db>,
        quote: &StoredQuote,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Places a checkout all or nothing (see `SqlxStore::place_in_transaction`), durably, before
    /// answering.
    fn commit_checkout(
        &self,
        pool: &Pool<Self::Db>,
        placement: &CheckoutPlacement,
    ) -> impl Future<Output = StoreResult<PlacementOutcome>> + Send;

    /// Inserts or replaces published rates in one transaction; how many were written.
    fn upsert_fx_rates(
        &self,
        pool: &Pool<Self::Db>,
        rates: &[PublishedRate],
    ) -> impl Future<Output = StoreResult<u64>> + Send;

    /// Refreshes what the query planner knows of the tables after a bulk load.
    fn refresh_planner_statistics(
        &self,
        pool: &Pool<Self::Db>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// The connection a transaction runs its statements on (what `&mut *tx` gives).
pub type BackendConnection<B> = <<B as Backend>::Db as Database>::Connection;

/// The store: a pool of the backend's connections, and the backend.
pub struct SqlxStore<B: Backend> {
    pub(crate) pool: Pool<B::Db>,
    pub(crate) backend: B,
}

// Written out: a derived `Clone` would also ask the sqlx database type itself to be `Clone`.
impl<B: Backend + Clone> Clone for SqlxStore<B> {
    fn clone(&self) -> SqlxStore<B> {
        SqlxStore {
            pool: self.pool.clone(),
            backend: self.backend.clone(),
        }
    }
}

impl<B: Backend> SqlxStore<B> {
    /// A store over an open pool (the backend crate configures and opens it).
    pub fn new(pool: Pool<B::Db>, backend: B) -> SqlxStore<B> {
        SqlxStore { pool, backend }
    }

    pub fn pool(&self) -> &Pool<B::Db> {
        &self.pool
    }
}
