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

/// SQLite keeps an order's snapshot compressed (it does not compress by itself, PostgreSQL
/// does), reads it back whole, and still reads one a version before compression wrote as text.
#[tokio::test]
async fn sqlite_keeps_order_snapshots_compressed_and_reads_text_ones() {
    use silkroute_store::{OrderScope, PlacementOutcome, StockMoveOutcome};
    use silkroute_store_tests::orders_story::Shop;
    use sqlx::Row;

    let database = TestDatabase::sqlite().await;
    let store = database.store.as_ref();
    let shop = Shop::open(store, 7_000).await;
    let received = store
        .move_stock(&shop.stock_move(0, "receipt", 5))
        .await
        .expect("stock");
    assert!(matches!(received, StockMoveOutcome::Moved(_)));
    let placement = shop.checkout(store, 2).await;
    let PlacementOutcome::Placed(orders) = store.place_checkout(&placement).await.expect("place")
    else {
        panic!("not placed");
    };
    let order = &orders[0];
    let json = serde_json::to_string(&order.snapshot).expect("json");

    let pool = sqlx::SqlitePool::connect(&database.url)
        .await
        .expect("pool");
    let stored = sqlx::query("SELECT typeof(body), length(body) FROM orders WHERE order_id = $1")
        .bind(order.id.as_str())
        .fetch_one(&pool)
        .await
        .expect("row");
    assert_eq!(stored.get::<String, _>(0), "blob");
    let size: i64 = stored.get(1);
    assert!(
        size * 3 < json.len() as i64,
        "{size} bytes for {} of JSON",
        json.len()
    );
    let read = store
        .get_order(&OrderScope::All, &order.id)
        .await
        .expect("get")
        .expect("order");
    assert_eq!(read.snapshot, order.snapshot);

    sqlx::query("UPDATE orders SET body = $1 WHERE order_id = $2")
        .bind(&json)
        .bind(order.id.as_str())
        .execute(&pool)
        .await
        .expect("as text");
    let read = store
        .get_order(&OrderScope::All, &order.id)
        .await
        .expect("get")
        .expect("order");
    assert_eq!(read.snapshot, order.snapshot);
    pool.close().await;
    database.cleanup().await;
}

/// PostgreSQL's planner gets statistics after a bulk load, whether or not autovacuum runs: a
/// table never analysed has `reltuples = -1` and its range reads are planned as full scans.
#[tokio::test]
async fn postgres_refreshes_planner_statistics() {
    let Some(database) = TestDatabase::postgres().await else {
        return;
    };
    let pool = sqlx::PgPool::connect(&database.url).await.expect("pool");
    let never_analysed = "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n \
        ON n.oid = c.relnamespace WHERE n.nspname = current_schema() \
        AND c.relname IN ('orders', 'storefront_events', 'rollup_sales', 'rollup_recency') \
        AND c.reltuples < 0";
    let before: i64 = sqlx::query_scalar(never_analysed)
        .fetch_one(&pool)
        .await
        .expect("count");
    database
        .store
        .refresh_planner_statistics()
        .await
        .expect("analyze");
    let after: i64 = sqlx::query_scalar(never_analysed)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!((before, after), (4, 0));
    pool.close().await;
    database.cleanup().await;
}
