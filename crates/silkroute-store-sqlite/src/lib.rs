//! The embedded default backend: one SQLite file in WAL mode with foreign keys on. Writes are
//! serialised by SQLite itself; `BEGIN IMMEDIATE` is used where a read decides a write, so that
//! two writers never both pass a check. The statements are `silkroute_store_sqlx`'s; this crate
//! holds what is SQLite's own: the connection options, the migrations, the group committer that
//! lets many checkouts share one fsync, and its [`Backend`](silkroute_store_sqlx::Backend).

mod backend;
mod group_commit;

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

pub use backend::SqliteBackend;
use silkroute_store::StoreResult;
use silkroute_store_sqlx::{SqlxStore, backend_error};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The store on SQLite; open one with [`SqliteStoreExt::connect`].
pub type SqliteStore = SqlxStore<SqliteBackend>;

// The shared implementation's sqlx bounds hold for this backend: checked here, where the backend
// is built, rather than first in a crate that opens the store.
const _: fn(SqliteStore) -> Box<dyn silkroute_store::Store> = |store| Box::new(store);

/// Names of the migrations this backend ships, in order (checked against PostgreSQL's).
pub fn migration_names() -> Vec<String> {
    silkroute_store_sqlx::migration_names(&MIGRATOR)
}

/// Opening a [`SqliteStore`] (a trait because the store type is the shared crate's).
pub trait SqliteStoreExt: Sized {
    /// Opens (creating if needed) the database named by a `sqlite://path` URL.
    fn connect(url: &str) -> impl Future<Output = StoreResult<Self>> + Send;
}

impl SqliteStoreExt for SqliteStore {
    async fn connect(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(backend_error)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // An acknowledged write must survive a power cut: FULL syncs the WAL on commit.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("wal_autocheckpoint", "16384")
            .pragma("cache_size", "-65536");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(backend_error)?;
        let committer = group_commit::start(pool.clone());
        Ok(SqlxStore::new(pool, SqliteBackend { committer }))
    }
}
