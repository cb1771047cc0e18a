//! Analytics rollups on PostgreSQL: the shared statements.

silkroute_store_sqlx::analytics_store!(
    store: crate::PostgresStore,
    database: ::sqlx::Postgres,
    max_variables: 60_000
);
