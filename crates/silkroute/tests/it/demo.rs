//! The demo marketplace: the promised size and spread, and the same marketplace for the same seed.

use silkroute_app::demo::DemoOptions;
use silkroute_store_tests::TestDatabase;

use crate::support::TestApp;

#[tokio::test]
async fn the_default_demo_is_a_believable_marketplace() {
    let app = TestApp::on(TestDatabase::sqlite().await).await;
    let report = app
        .app
        .generate_demo(&DemoOptions::default(), |_, _, _| {})
        .await
        .expect("demo");
    assert_eq!(report.sellers, 200);
    assert_eq!(report.products, 20_000);
    assert!(report.seller_countries >= 10, "{report:?}");
    assert!(report.buyer_countries >= 40, "{report:?}");
    let counts = app.app.row_counts().await.expect("counts");
    assert_eq!(
        (counts.sellers, counts.products, counts.buyers),
        (200, 20_000, 2_000)
    );
    // Every listing is sellable in a big market with a real price.
    let page = app.get("/api/v1/catalog?market=US&limit=500", None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for entry in page.body["data"].as_array().expect("data") {
        assert!(
            entry["hs_code"]
                .as_str()
                .is_some_and(|code| code.len() == 6)
        );
        let amount: rust_decimal::Decimal = entry["price"]["amount"]["amount"]
            .as_str()
            .expect("amount")
            .parse()
            .expect("number");
        assert!(amount > rust_decimal::Decimal::ZERO, "{entry}");
    }
    app.finish().await;
}

#[tokio::test]
async fn the_same_seed_builds_the_same_marketplace() {
    let options = |seed| DemoOptions {
        sellers: 8,
        products_per_seller: 6,
        buyers: 50,
        seed,
    };
    let mut catalogs = Vec::new();
    for seed in [5, 5, 6] {
        let app = TestApp::on(TestDatabase::sqlite().await).await;
        app.app
            .generate_demo(&options(seed), |_, _, _| {})
            .await
            .expect("demo");
        let page = app.get("/api/v1/catalog?market=GB&limit=100", None).await;
        assert_eq!(page.body["data"].as_array().map(Vec::len), Some(48));
        catalogs.push(page.body.clone());
        app.finish().await;
    }
    assert_eq!(
        catalogs[0], catalogs[1],
        "same seed, same marketplace (ids included)"
    );
    assert_ne!(
        catalogs[0], catalogs[2],
        "another seed, another marketplace"
    );
}

async fn demo_with_orders(
    app: &TestApp,
    orders: u32,
    seed: u64,
) -> silkroute_app::demo::DemoOrderReport {
    app.app
        .generate_demo(
            &DemoOptions {
                sellers: 12,
                products_per_seller: 10,
                buyers: 300,
                seed,
            },
            |_, _, _| {},
        )
        .await
        .expect("demo");
    app.app
        .generate_demo_orders(
            &silkroute_app::demo::DemoOrderOptions {
                orders,
                days: 365,
                traffic_days: 60,
                seed,
            },
            |_, _, _| {},
        )
        .await
        .expect("demo orders")
}

async fn count(app: &TestApp, query: &str) -> usize {
    let mut total = 0;
    let mut cursor: Option<String> = None;
    loop {
        let uri = match &cursor {
            Some(c) => format!("/api/v1/orders?limit=500&{query}&cursor={c}"),
            None => format!("/api/v1/orders?limit=500&{query}"),
        };
        let page = app.get(&uri, Some(&app.admin)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        total += page.body["data"].as_array().map_or(0, Vec::len);
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return total,
        }
    }
}

#[tokio::test]
async fn demo_orders_are_a_year_of_believable_trade() {
    for app in TestApp::all().await {
        let report = demo_with_orders(&app, 3_000, 7).await;
        assert!((3_000..=3_003).contains(&report.orders), "{report:?}");
        assert_eq!(
            count(&app, "status=completed").await as u64,
            report.completed - count(&app, "status=delivered").await as u64
        );
        let money_back = report.refunded + report.returned + report.partially_refunded;
        let share = money_back as f64 / report.orders as f64;
        assert!(
            (0.04..=0.10).contains(&share),
            "refunds and returns {share}: {report:?}"
        );
        assert!(report.cancelled > 0 && report.open > 0, "{report:?}");
        // Two months of storefront traffic around the orders, every event stored once.
        let counts = app.app.row_counts().await.expect("counts");
        assert_eq!(counts.storefront_events as u64, report.storefront_events);
        assert!(
            report.storefront_events > 10 * report.orders / 6,
            "{report:?}"
        );
        // Singles' Day and Black Friday stand out from an ordinary autumn day.
        let singles_day = count(&app, "from=2025-11-11&to=2025-11-12").await;
        let ordinary_week = count(&app, "from=2025-10-13&to=2025-10-20").await;
        assert!(
            singles_day * 7 > 3 * ordinary_week,
            "11.11: {singles_day}, week: {ordinary_week}"
        );
        // Each order carries its frozen quote and its history.
        let page = app
            .get("/api/v1/orders?limit=5&status=returned", Some(&app.admin))
            .await;
        let order = &page.body["data"][0];
        assert!(order["snapshot"]["fx"].is_array(), "{order}");
        assert!(order["snapshot"]["group"]["tax_lines"].is_array());
        let id = order["id"].as_str().expect("id");
        let events = app
            .get(&format!("/api/v1/orders/{id}/events"), Some(&app.admin))
            .await;
        assert!(
            events.body.as_array().is_some_and(|e| e.len() >= 5),
            "{}",
            events.body
        );
        let detail = app
            .get(&format!("/api/v1/orders/{id}"), Some(&app.admin))
            .await;
        assert_eq!(detail.body["refunded"], detail.body["total"]);
        assert_eq!(detail.body["returns"][0]["status"], "refunded");
        let audit = app.app.stock_audit().await.expect("audit");
        assert_eq!(audit.mismatched_products, 0, "{audit:?}");
        assert_eq!(audit.reserved, audit.held_by_orders, "{audit:?}");
        // Some buyers in Germany, Britain and the US are served from stock already there, and
        // every order on its way carries the buyer's address in its country's format.
        assert!(report.domestic > 0, "{report:?}");
        let open = app
            .get("/api/v1/orders?limit=50&status=shipped", Some(&app.admin))
            .await;
        let open = open.body["data"].as_array().expect("orders");
        assert!(!open.is_empty());
        for order in open {
            let ship_to = &order["ship_to"];
            assert_eq!(ship_to["country"], order["destination"], "{order}");
            assert!(ship_to["recipient"].is_string(), "{order}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn the_same_seed_writes_the_same_order_history() {
    let mut firsts = Vec::new();
    for seed in [3, 3, 4] {
        let app = TestApp::on(TestDatabase::sqlite().await).await;
        demo_with_orders(&app, 200, seed).await;
        let page = app.get("/api/v1/orders?limit=50", Some(&app.admin)).await;
        firsts.push(page.body["data"].clone());
        app.finish().await;
    }
    assert_eq!(firsts[0], firsts[1]);
    assert_ne!(firsts[0], firsts[2]);
}
