//! API tokens and idempotency keys on PostgreSQL: the shared statements.

silkroute_store_sqlx::auth_store!(store: crate::PostgresStore);
