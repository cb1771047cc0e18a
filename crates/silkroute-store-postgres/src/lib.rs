//! The server backend: PostgreSQL. The schema runs unchanged on Citus — seller-owned tables lead
//! their keys with `seller_id`, reference tables are small — and row locks (`FOR UPDATE`) are used
//! where a read decides a write. The statements are `silkroute_store_sqlx`'s; this crate holds
//! what is PostgreSQL's own: the connection options and schemas, the migrations, and its
//! [`Backend`](silkroute_store_sqlx::Backend).

mod backend;

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

pub use backend::PostgresBackend;
use silkroute_store::{StoreError, StoreResult};
use silkroute_store_sqlx::{SqlxStore, backend_error};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The store on PostgreSQL; open one with [`PostgresStoreExt::connect`].
pub type PostgresStore = SqlxStore<PostgresBackend>;

// The shared implementation's sqlx bounds hold for this backend: checked here, where the backend
// is built, rather than first in a crate that opens the store.
const _: fn(PostgresStore) -> Box<dyn silkroute_store::Store> = |store| Box::new(store);

/// Names of the migrations this backend ships, in order (checked against SQLite's).
pub fn migration_names() -> Vec<String> {
    silkroute_store_sqlx::migration_names(&MIGRATOR)
}

/// Opening a [`PostgresStore`], and the schemas that confine one (a trait because the store type
/// is the shared crate's).
pub trait PostgresStoreExt: Sized {
    /// Connects to a `postgres://` URL; `search_path` confines the store to one schema, which is
    /// how the tests give every run a fresh database.
    fn connect(
        url: &str,
        search_path: Option<&str>,
    ) -> impl Future<Output = StoreResult<Self>> + Send;

    /// Creates a schema (for tests and multi-tenant installs) on the given URL.
    fn create_schema(url: &str, schema: &str) -> impl Future<Output = StoreResult<()>> + Send;

    fn drop_schema(&self, schema: &str) -> impl Future<Output = StoreResult<()>> + Send;
}

impl PostgresStoreExt for PostgresStore {
    async fn connect(url: &str, search_path: Option<&str>) -> StoreResult<PostgresStore> {
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
        Ok(SqlxStore::new(pool, PostgresBackend))
    }

    async fn create_schema(url: &str, schema: &str) -> StoreResult<()> {
        check_schema_name(schema)?;
        let store = PostgresStore::connect(url, None).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}"
        )))
        .execute(store.pool())
        .await
        .map_err(backend_error)?;
        store.pool().close().await;
        Ok(())
    }

    async fn drop_schema(&self, schema: &str) -> StoreResult<()> {
        check_schema_name(schema)?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE"
        )))
        .execute(self.pool())
        .await
        .map_err(backend_error)?;
        Ok(())
    }
}

/// A schema name goes into the statement's text: letters, digits and `_` only.
fn check_schema_name(schema: &str) -> StoreResult<()> {
    if schema
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "invalid schema name {schema}"
        )))
    }
}
