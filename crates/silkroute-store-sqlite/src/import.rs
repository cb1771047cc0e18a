//! Bulk order import on SQLite: the shared statements, chunked under SQLite's 32,766 bound variables
//! per statement.

silkroute_store_sqlx::order_import_store!(
    store: crate::SqliteStore,
    database: ::sqlx::Sqlite,
    max_variables: 30_000
);
