//! Warehouses and stock levels on PostgreSQL: the shared statements.

silkroute_store_sqlx::stock_store!(store: crate::PostgresStore);
