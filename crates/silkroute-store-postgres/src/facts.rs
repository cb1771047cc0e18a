//! The raw analytics facts on PostgreSQL: the shared statements.

silkroute_store_sqlx::fact_store!(store: crate::PostgresStore);
