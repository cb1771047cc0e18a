//! Runs the conformance story on SQLite and, when configured, on PostgreSQL.

use silkroute_store_tests::{TestDatabase, conformance};

#[tokio::test]
async fn sqlite_store_conforms() {
    let database = TestDatabase::sqlite().await;
    conformance::run(database.store.clone()).await;
    database.cleanup().await;
}

#[tokio::test]
async fn postgres_store_conforms() {
    let Some(database) = TestDatabase::postgres().await else {
        return;
    };
    conformance::run(database.store.clone()).await;
    database.cleanup().await;
}

#[test]
fn both_backends_ship_the_same_migrations() {
    assert_eq!(
        silkroute_store_sqlite::migration_names(),
        silkroute_store_postgres::migration_names()
    );
}
