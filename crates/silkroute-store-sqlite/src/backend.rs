//! What SQLite does its own way: order snapshots LZ4-compressed (SQLite does not compress on its
//! own; see `silkroute_store_sqlx::order_snapshot`), checkouts and quotes committed through the
//! group committer, FX rates upserted row by row with the rate as decimal text, and no planner
//! statistics.

use silkroute_domain::checkout::OrderSnapshot;
use silkroute_domain::fx::PublishedRate;
use silkroute_store::{CheckoutPlacement, PlacementOutcome, StoreResult, StoredQuote};
use silkroute_store_sqlx::{Backend, backend_error};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteQueryResult;
use sqlx::{Sqlite, SqlitePool};
use tokio::sync::mpsc;

use crate::group_commit::{self, Job};

#[derive(Clone)]
pub struct SqliteBackend {
    /// Checkout writes go through one committer task (see `group_commit`).
    pub(crate) committer: mpsc::Sender<Job>,
}

impl Backend for SqliteBackend {
    type Db = Sqlite;
    type Snapshot = Vec<u8>;

    const NAME: &'static str = "sqlite";
    /// Under SQLite's 32,766 bound variables per statement.
    const MAX_VARIABLES: usize = 30_000;
    const LATEST_FX_RATE: &'static str = "SELECT currency, rate_date, per_eur FROM fx_rates \
        WHERE currency = $1 AND rate_date <= $2 ORDER BY rate_date DESC LIMIT 1";
    const FX_RATES_PUBLISHED: &'static str = "SELECT currency, rate_date, per_eur FROM fx_rates \
        WHERE rate_date = (SELECT MAX(rate_date) FROM fx_rates WHERE rate_date <= $1) \
        ORDER BY currency";

    fn migrator() -> &'static Migrator {
        &crate::MIGRATOR
    }

    async fn migrations_table_exists(&self, pool: &SqlitePool) -> StoreResult<bool> {
        let exists: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_one(pool)
        .await
        .map_err(backend_error)?;
        Ok(exists != 0)
    }

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    fn snapshot_column(snapshot: &OrderSnapshot) -> StoreResult<Vec<u8>> {
        silkroute_store_sqlx::order_snapshot::compress(snapshot)
    }

    /// Through the group committer, so that many quotes share one fsync.
    async fn commit_quote(&self, _pool: &SqlitePool, quote: &StoredQuote) -> StoreResult<()> {
        let quote = Box::new(quote.clone());
        group_commit::submit(&self.committer, |reply| Job::Quote(quote, reply)).await
    }

    /// Through the group committer, so that many checkouts share one fsync.
    async fn commit_checkout(
        &self,
        _pool: &SqlitePool,
        placement: &CheckoutPlacement,
    ) -> StoreResult<PlacementOutcome> {
        let placement = Box::new(placement.clone());
        group_commit::submit(&self.committer, |reply| Job::Place(placement, reply)).await
    }

    async fn upsert_fx_rates(
        &self,
        pool: &SqlitePool,
        rates: &[PublishedRate],
    ) -> StoreResult<u64> {
        let mut tx = pool.begin().await.map_err(backend_error)?;
        for rate in rates {
            sqlx::query(
                "INSERT INTO fx_rates (currency, rate_date, per_eur) VALUES ($1, $2, $3) \
                 ON CONFLICT (currency, rate_date) DO UPDATE SET per_eur = excluded.per_eur",
            )
            .bind(rate.currency.as_str())
            .bind(rate.date)
            .bind(rate.per_eur.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(rates.len() as u64)
    }

    async fn refresh_planner_statistics(&self, _pool: &SqlitePool) -> StoreResult<()> {
        // Nothing to do: SQLite plans these queries by their indexes without statistics (the
        // analytics benchmark's figures at a million order lines are without them), and an
        // ANALYZE would read the whole file.
        Ok(())
    }
}
