//! Products on PostgreSQL: the shared statements.

silkroute_store_sqlx::catalog_store!(store: crate::PostgresStore, row: ::sqlx::postgres::PgRow);
