//! The one implementation of Silkroute's store traits over sqlx, for SQLite and PostgreSQL alike:
//! [`SqlxStore<B>`] runs every statement, generic over the sqlx database, and a [`Backend`] holds
//! only what differs (snapshot storage, how checkouts and quotes are committed, the FX upsert,
//! planner statistics, migrations). The statements use what both dialects accept alike (`$n`
//! placeholders, `RETURNING`, `ON CONFLICT`); both backends select the same column names, so one
//! generic decoder per record serves both.
//!
//! One module per concept: `parties`, `addresses` (the buyers' address book), `catalog`, `auth` (tokens and idempotency keys), `stock`,
//! `order_reads` and `order_changes` with `checkout` (the placement), `imports`, `transfers` (head-haul transfers and customs declarations), `facts`,
//! `storefront`, `reference`, `settings`, `analytics` with its `rollup_*` statements, and `store` (the
//! combined trait: migrations, health, counts).

mod addresses;
mod analytics;
mod auth;
mod backend;
mod bulk_insert;
mod catalog;
mod checkout;
mod facts;
mod imports;
mod order_changes;
mod order_reads;
mod order_records;
pub mod order_snapshot;
mod parties;
mod payment_tasks;
mod picking;
mod records;
mod reference;
mod rollup_facts;
mod rollup_industry;
mod rollup_products;
mod rollup_reads;
mod rollup_recency;
mod rollup_streams;
mod rollup_writes;
mod settings;
mod shipments;
mod stock;
mod store;
mod storefront;
mod transfers;

pub use backend::{Backend, BackendConnection, SqlxStore};
pub use order_records::to_json;
pub(crate) use order_records::{
    order, order_event, order_line, order_return, payment, quote, refund, stock_level, warehouse,
};
pub(crate) use records::{RecordRow, buyer, product, seller, token};
use silkroute_store::StoreError;

/// A broken constraint (unique, foreign key, not null, check) is a conflict the app can explain,
/// an unreachable database is unavailable; anything else keeps its cause for the log.
pub fn backend_error(error: sqlx::Error) -> StoreError {
    // A checked sum that left 64 bits: PostgreSQL's `numeric_value_out_of_range` when a
    // `SUM(...)` is cast back to BIGINT, SQLite's "integer overflow" from `SUM` itself.
    if let sqlx::Error::Database(database_error) = &error
        && (database_error.code().as_deref() == Some("22003")
            || database_error.message().contains("integer overflow"))
    {
        return StoreError::OutOfRange(database_error.message().to_string());
    }
    if let sqlx::Error::Database(database_error) = &error
        && !matches!(database_error.kind(), sqlx::error::ErrorKind::Other)
    {
        return StoreError::Conflict(database_error.message().to_string());
    }
    if matches!(
        error,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
    ) {
        return StoreError::Unavailable(Box::new(error));
    }
    // PostgreSQL aborts one side of a deadlock or serialisation failure; a retry may succeed.
    if let sqlx::Error::Database(database_error) = &error
        && matches!(database_error.code().as_deref(), Some("40P01" | "40001"))
    {
        return StoreError::Conflict("a concurrent change got there first; retry".to_string());
    }
    StoreError::Backend(Box::new(error))
}

/// Names of the migrations a backend ships, in order (`0001_foundation`, …): both backends'
/// lists must match.
pub fn migration_names(migrator: &sqlx::migrate::Migrator) -> Vec<String> {
    migrator.iter().map(migration_name).collect()
}

fn migration_name(migration: &sqlx::migrate::Migration) -> String {
    format!("{:04}_{}", migration.version, migration.description)
}
