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
