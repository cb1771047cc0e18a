//! The server backend: PostgreSQL. The schema runs unchanged on Citus — seller-owned tables lead
//! their keys with `seller_id`, reference tables are small — and row locks (`FOR UPDATE`) are used
//! where a read decides a write.

mod analytics;
mod catalog;
mod facts;
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
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Names of the migrations this backend ships, in order (checked against SQLite's).
pub fn migration_names() -> Vec<String> {
    MIGRATOR
        .iter()
        .map(|migration| format!("{:04}_{}", migration.version, migration.description))
        .collect()
}

pub(crate) use silkroute_store_sqlx::backend_error;

/// An order's snapshot as its `body` column holds it here: JSON text, which PostgreSQL
/// compresses itself once it is over 2 KB (TOAST).
pub(crate) fn order_snapshot_column(
    snapshot: &silkroute_domain::checkout::OrderSnapshot,
) -> StoreResult<String> {
    silkroute_store_sqlx::to_json(snapshot)
}

#[derive(Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
}

impl PostgresStore {
    /// Connects to a `postgres://` URL; `search_path` confines the store to one schema, which is
    /// how the tests give every run a fresh database.
    pub async fn connect(url: &str, search_path: Option<&str>) -> StoreResult<PostgresStore> {
        let mut options = PgConnectOptions::from_str(url).map_err(backend_error)?;
        if let Some(schema) = search_path {
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(backend_error)?;
        Ok(PostgresStore { pool })
    }

    /// Creates a schema (for tests and multi-tenant installs) on the given URL.
    pub async fn create_schema(url: &str, schema: &str) -> StoreResult<()> {
        if !schema
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(StoreError::Conflict(format!(
                "invalid schema name {schema}"
            )));
        }
        let store = PostgresStore::connect(url, None).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}"
        )))
        .execute(&store.pool)
        .await
        .map_err(backend_error)?;
        store.pool.close().await;
        Ok(())
    }

    pub async fn drop_schema(&self, schema: &str) -> StoreResult<()> {
        if !schema
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(StoreError::Conflict(format!(
                "invalid schema name {schema}"
            )));
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE"
        )))
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
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
        // Named, so that only this store's schema is sampled (tests share a database).
        sqlx::query(
            "ANALYZE orders, order_lines, order_events, payments, refunds, order_returns, \
             storefront_events, imported_orders, stock_levels, rollup_sales, rollup_traffic, \
             rollup_visitors, rollup_buyers, rollup_products, rollup_keywords, \
             rollup_categories, rollup_category_visitors, rollup_keyword_searchers, \
             rollup_recency",
        )
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
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

async fn applied_versions(pool: &PgPool) -> StoreResult<Vec<i64>> {
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations')",
    )
    .fetch_one(pool)
    .await
    .map_err(backend_error)?;
    if !exists {
        return Ok(Vec::new());
    }
    sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all(pool)
        .await
        .map_err(backend_error)
}
