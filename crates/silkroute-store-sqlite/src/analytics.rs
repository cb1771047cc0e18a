//! Analytics rollups on Sqlite: the shared statements.

silkroute_store_sqlx::analytics_store!(
    store: crate::SqliteStore,
    database: ::sqlx::Sqlite,
    max_variables: 30_000
);
