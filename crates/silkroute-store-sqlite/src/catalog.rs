//! Products on SQLite: the shared statements.

silkroute_store_sqlx::catalog_store!(store: crate::SqliteStore, row: ::sqlx::sqlite::SqliteRow);
