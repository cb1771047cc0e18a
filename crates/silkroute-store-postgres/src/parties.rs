//! Sellers and buyers on PostgreSQL: the shared statements.

silkroute_store_sqlx::party_store!(store: crate::PostgresStore, row: ::sqlx::postgres::PgRow);
