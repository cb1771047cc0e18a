//! Storefront events on PostgreSQL: the shared statements.

silkroute_store_sqlx::storefront_store!(store: crate::PostgresStore, database: ::sqlx::Postgres);
