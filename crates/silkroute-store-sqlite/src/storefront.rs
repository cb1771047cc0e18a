//! Storefront events on SQLite: the shared statements.

silkroute_store_sqlx::storefront_store!(store: crate::SqliteStore, database: ::sqlx::Sqlite);
