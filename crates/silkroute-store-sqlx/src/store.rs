//! The combined `Store`: migrations (each backend ships its own), health, and the row counts
//! `serve` and the benchmarks report.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_store::{RowCounts, Store, StoreError, StoreResult};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::{Backend, SqlxStore, backend_error, migration_name};

#[async_trait]
impl<B: Backend> Store for SqlxStore<B>
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
    for<'q> bool: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> NaiveDate: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<NaiveDate>: Encode<'q, B::Db>,
    for<'q> DateTime<Utc>: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, B::Db>,
    for<'q> Vec<u8>: Decode<'q, B::Db> + Type<B::Db>,
    // And sqlx's migration runner, for `migrate`.
    <B::Db as Database>::Connection: Migrate,
{
    fn backend(&self) -> &'static str {
        B::NAME
    }

    async fn migrate(&self) -> StoreResult<Vec<String>> {
        let before = self.applied_migrations().await?;
        let migrator = B::migrator();
        migrator
            .run(&self.pool)
            .await
            .map_err(|error| StoreError::Backend(Box::new(error)))?;
        Ok(migrator
            .iter()
            .filter(|migration| !before.contains(&migration.version))
            .map(migration_name)
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
        self.backend.refresh_planner_statistics(&self.pool).await
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

impl<B: Backend> SqlxStore<B>
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
    /// The versions of the migrations applied so far (none on a fresh database).
    async fn applied_migrations(&self) -> StoreResult<Vec<i64>> {
        if !self.backend.migrations_table_exists(&self.pool).await? {
            return Ok(Vec::new());
        }
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)
    }
}
