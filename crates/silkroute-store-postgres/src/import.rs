//! Bulk order import on PostgreSQL: the shared statements, chunked under the protocol's 65,535 parameters
//! per statement.

silkroute_store_sqlx::order_import_store!(
    store: crate::PostgresStore,
    database: ::sqlx::Postgres,
    max_variables: 60_000
);
