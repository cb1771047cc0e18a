//! The raw analytics facts on SQLite: the shared statements.

silkroute_store_sqlx::fact_store!(store: crate::SqliteStore);
