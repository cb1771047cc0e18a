//! Stale rates through HTTP: `/readyz` says how old the rates are and whether prices are pinned,
//! the demo's pin is stored (a new process on the same database prices the same), and fresh rates
//! lift it.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::json;
use silkroute_app::{App, AppConfig, ManualClock};
use silkroute_store_tests::TestDatabase;

use crate::support::{TestApp, assert_problem, shirt};

#[tokio::test]
async fn readiness_reports_stale_rates_and_the_demo_pin_until_fresh_rates_lift_it() {
    for app in TestApp::all().await {
        let backend = app.backend();
        let (_, seller) = app.seller("Shenzhen Bright", "CN").await;
        let created = app
            .post("/api/v1/products", Some(&seller), shirt("TS-1"))
            .await;
        assert_eq!(created.status, 201, "{backend}: {}", created.body);

        // The test clock stands on the newest shipped day: fresh.
        let ready = app.get("/readyz", None).await;
        assert_eq!(ready.status, 200, "{backend}");
        assert_eq!(
            ready.body,
            json!({"database": "ok", "fx": {"newest": "2026-10-30", "stale": false,
                "max_gap_days": 7, "pinned": null}}),
            "{backend}"
        );

        // Five weeks on with no import: stale, and a price in dollars is refused.
        app.clock
            .set(Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap());
        let ready = app.get("/readyz", None).await;
        assert_eq!(
            ready.status, 200,
            "{backend}: stale rates do not make it unready"
        );
        assert_eq!(ready.body["fx"]["stale"], true, "{backend}");
        assert_eq!(ready.body["fx"]["pinned"], json!(null));
        let refused = app.get("/api/v1/catalog?market=US", None).await;
        assert_problem(&refused, 422, None);

        // The demo pins prices to its newest rate day and stores the pin.
        let pinned = app.app.pin_demo_pricing().await.expect("pin");
        assert_eq!(
            pinned.map(|day| day.to_string()).as_deref(),
            Some("2026-10-30")
        );
        let ready = app.get("/readyz", None).await;
        assert_eq!(ready.body["fx"]["pinned"], "2026-10-30", "{backend}");
        assert_eq!(ready.body["fx"]["stale"], true);
        let priced = app.get("/api/v1/catalog?market=US", None).await;
        assert_eq!(priced.status, 200, "{backend}: {}", priced.body);
        assert_eq!(priced.body["data"][0]["price"]["rate_date"], "2026-10-30");

        // Another process on the same database (a restart without --demo) reads the pin.
        let restarted = App::new(
            app.database.as_ref().expect("database").store.clone(),
            Arc::new(ManualClock::new(
                Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap(),
            )),
            AppConfig::default(),
        );
        assert_eq!(restarted.pricing_date(), None);
        let loaded = restarted.load_pricing_pin().await.expect("load");
        assert_eq!(
            loaded.map(|day| day.to_string()).as_deref(),
            Some("2026-10-30")
        );

        // An older file changes nothing: the pin stays.
        let older = app
            .app
            .import_fx_csv("Date, USD, \n29 October 2026, 1.1130, \n", |_, _| {})
            .await
            .expect("older import");
        assert_eq!(older.unpinned, None, "{backend}");
        assert_eq!(app.app.pricing_date(), pinned);

        // The ECB's daily file of last Friday, as published: fresh, so the pin is lifted.
        let daily = "Date, USD, JPY, CNY, \n4 December 2026, 1.1500, 180.10, 8.1000, \n";
        let report = app
            .app
            .import_fx_csv(daily, |_, _| {})
            .await
            .expect("daily import");
        assert_eq!(
            report.unpinned.map(|day| day.to_string()).as_deref(),
            Some("2026-10-30"),
            "{backend}"
        );
        let ready = app.get("/readyz", None).await;
        assert_eq!(
            ready.body["fx"],
            json!({"newest": "2026-12-04", "stale": false, "max_gap_days": 7, "pinned": null}),
            "{backend}"
        );
        let priced = app.get("/api/v1/catalog?market=US", None).await;
        assert_eq!(priced.status, 200, "{backend}: {}", priced.body);
        assert_eq!(priced.body["data"][0]["price"]["rate_date"], "2026-12-04");
        // The other process notices within its minute check.
        restarted.follow_fx_changes().await.expect("follow");
        assert_eq!(restarted.pricing_date(), None, "{backend}");

        // Fresh rates never pin: the demo only pins rates too old to price today.
        assert_eq!(app.app.pin_demo_pricing().await.expect("no pin"), None);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_readiness_body_is_documented() {
    let app = TestApp::on(TestDatabase::sqlite().await).await;
    let spec = app.get("/api/v1/openapi.json", None).await;
    let readiness = &spec.body["components"]["schemas"]["Readiness"];
    assert_eq!(
        readiness["properties"]["fx"]["$ref"], "#/components/schemas/FxFreshness",
        "{readiness}"
    );
    let freshness = &spec.body["components"]["schemas"]["FxFreshness"]["properties"];
    for field in ["newest", "stale", "max_gap_days", "pinned"] {
        assert!(freshness.get(field).is_some(), "{field}: {freshness}");
    }
    app.finish().await;
}
