//! Picks the storage backend from the database URL: the only place that names a backend.

use std::sync::Arc;

use anyhow::{Context, bail};
use silkroute_store::Store;
use silkroute_store_postgres::{PostgresStore, PostgresStoreExt};
use silkroute_store_sqlite::{SqliteStore, SqliteStoreExt};

use crate::config::redact;

pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        let store = SqliteStore::connect(url)
            .await
            .with_context(|| format!("cannot open {}", redact(url)))?;
        Ok(Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PostgresStore::connect(url, None)
            .await
            .with_context(|| format!("cannot connect to {}", redact(url)))?;
        Ok(Arc::new(store))
    } else {
        bail!(crate::commands::UsageError(format!(
            "unsupported database URL '{}': use sqlite://FILE or postgres://…",
            redact(url)
        )))
    }
}
