//! Sellers and buyers on SQLite: the shared statements.

silkroute_store_sqlx::party_store!(store: crate::SqliteStore, row: ::sqlx::sqlite::SqliteRow);
