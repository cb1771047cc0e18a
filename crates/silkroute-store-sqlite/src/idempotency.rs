//! API tokens and idempotency keys on SQLite: the shared statements.

silkroute_store_sqlx::auth_store!(store: crate::SqliteStore);
