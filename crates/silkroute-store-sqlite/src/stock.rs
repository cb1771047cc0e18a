//! Warehouses and stock levels on SQLite: the shared statements.

silkroute_store_sqlx::stock_store!(store: crate::SqliteStore);
