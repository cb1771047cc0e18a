//! Test databases for both backends, and the conformance suite every backend must pass. SQLite
//! always runs; PostgreSQL runs when `SILKROUTE_TEST_POSTGRES_URL` is set, and under CI
//! (`CI=true`) its absence is a failure, not a skip.

pub mod addresses_story;
pub mod conformance;
pub mod durable_requests_story;
pub mod orders_story;
pub mod postal_addresses;
pub mod settings_story;
pub mod shipments_story;
pub mod transfers_story;

use std::sync::Arc;

use silkroute_store::Store;
use silkroute_store_postgres::{PostgresStore, PostgresStoreExt};
use silkroute_store_sqlite::{SqliteStore, SqliteStoreExt};

pub const POSTGRES_URL_VAR: &str = "SILKROUTE_TEST_POSTGRES_URL";

/// A fresh, migrated database that cleans up after itself where it can.
pub struct TestDatabase {
    pub store: Arc<dyn Store>,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(std::path::PathBuf),
    PostgresSchema(PostgresStore, String),
}

impl TestDatabase {
    pub async fn sqlite() -> TestDatabase {
        let path = std::env::temp_dir().join(format!("silkroute-test-{}.db", ulid::Ulid::new()));
        let url = format!("sqlite://{}", path.display());
        let store = SqliteStore::connect(&url).await.expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        TestDatabase {
            store: Arc::new(store),
            url,
            cleanup: Cleanup::SqliteFile(path),
        }
    }

    /// A fresh schema on the test server, or `None` (with a message) when none is configured.
    pub async fn postgres() -> Option<TestDatabase> {
        let Ok(url) = std::env::var(POSTGRES_URL_VAR) else {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!(
                    "{POSTGRES_URL_VAR} must be set under CI: PostgreSQL tests may not be skipped"
                );
            }
            eprintln!(
                "skipping PostgreSQL: set {POSTGRES_URL_VAR}=postgres://… to run these tests"
            );
            return None;
        };
        let schema = format!("t_{}", ulid::Ulid::new().to_string().to_lowercase());
        PostgresStore::create_schema(&url, &schema)
            .await
            .expect("create test schema (is PostgreSQL running?)");
        let store = PostgresStore::connect(&url, Some(&schema))
            .await
            .expect("connect to PostgreSQL");
        store.migrate().await.expect("migrate postgres");
        let url_with_schema = format!(
            "{url}{}options=-c%20search_path%3D{schema}",
            if url.contains('?') { "&" } else { "?" }
        );
        Some(TestDatabase {
            store: Arc::new(store.clone()),
            url: url_with_schema,
            cleanup: Cleanup::PostgresSchema(store, schema),
        })
    }

    /// Both backends that are available here.
    pub async fn all() -> Vec<TestDatabase> {
        let mut databases = vec![TestDatabase::sqlite().await];
        if let Some(postgres) = TestDatabase::postgres().await {
            databases.push(postgres);
        }
        databases
    }

    pub async fn cleanup(self) {
        match self.cleanup {
            Cleanup::SqliteFile(path) => {
                drop(self.store);
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PostgresSchema(store, schema) => {
                let _ = store.drop_schema(&schema).await;
            }
        }
    }
}
