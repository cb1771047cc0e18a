//! The embedded default backend: one SQLite file in WAL mode with foreign keys on. Writes are
//! serialised by SQLite itself; `BEGIN IMMEDIATE` is used where a read decides a write, so that
//! two writers never both pass a check.

mod analytics;
mod catalog;
mod facts;
mod group_commit;
mod idempotency;
mod import;
mod orders;
mod parties;
mod reference;
mod stock;
mod storefront;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use silkroute_store::{RowCounts, Store, StoreError, StoreResult};
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Names of the migrations this backend ships, in order (checked against PostgreSQL's).
pub fn migration_names() -> Vec<String> {
    MIGRATOR
        .iter()
        .map(|migration| format!("{:04}_{}", migration.version, migration.description))
        .collect()
}

pub(crate) use silkroute_store_sqlx::backend_error;

/// An order's snapshot as its `body` column holds it here: compressed (SQLite does not compress
/// on its own; see `silkroute_store_sqlx::order_snapshot`).
pub(crate) fn order_snapshot_column(
    snapshot: &silkroute_domain::checkout::OrderSnapshot,
) -> StoreResult<Vec<u8>> {
    silkroute_store_sqlx::order_snapshot::compress(snapshot)
}

#[derive(Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    /// Checkout writes go through one committer task (see `group_commit`).
    pub(crate) committer: tokio::sync::mpsc::Sender<group_commit::Job>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database named by a `sqlite://path` URL.
    pub async fn connect(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(backend_error)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // An acknowledged write must survive a power cut: FULL syncs the WAL on commit.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("wal_autocheckpoint", "16384")
            .pragma("cache_size", "-65536");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(backend_error)?;
        let committer = group_commit::start(pool.clone());
        Ok(SqliteStore { pool, committer })
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> StoreResult<Vec<String>> {
        let before = applied_versions(&self.pool).await?;
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|error| StoreError::Backend(Box::new(error)))?;
        Ok(MIGRATOR
            .iter()
            .filter(|migration| !before.contains(&migration.version))
            .map(|migration| format!("{:04}_{}", migration.version, migration.description))
            .collect())
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    async fn refresh_planner_statistics(&self) -> StoreResult<()> {
        // Nothing to do: SQLite plans these queries by their indexes without statistics (the
        // analytics benchmark's figures at a million order lines are without them), and an
        // ANALYZE would read the whole file.
        Ok(())
    }

    async fn row_counts(&self) -> StoreResult<RowCounts> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM sellers), (SELECT COUNT(*) FROM buyers), \
             (SELECT COUNT(*) FROM products), (SELECT COUNT(*) FROM fx_rates), \
             (SELECT COUNT(*) FROM market_rules), (SELECT COUNT(*) FROM orders), \
             (SELECT COUNT(*) FROM storefront_events)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(RowCounts {
            sellers: row.try_get(0).map_err(backend_error)?,
            buyers: row.try_get(1).map_err(backend_error)?,
            products: row.try_get(2).map_err(backend_error)?,
            fx_rates: row.try_get(3).map_err(backend_error)?,
            market_rules: row.try_get(4).map_err(backend_error)?,
            orders: row.try_get(5).map_err(backend_error)?,
            storefront_events: row.try_get(6).map_err(backend_error)?,
        })
    }

    async fn order_line_count(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM order_lines")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)
    }
}

async fn applied_versions(pool: &SqlitePool) -> StoreResult<Vec<i64>> {
    let exists: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(pool)
    .await
    .map_err(backend_error)?;
    if exists == 0 {
        return Ok(Vec::new());
    }
    sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all(pool)
        .await
        .map_err(backend_error)
}
