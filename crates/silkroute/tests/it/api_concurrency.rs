//! Checkout under concurrency, on both databases: many buyers racing for the last units of a
//! product, and one buyer's client retrying the same order many times at once.

use serde_json::json;

use crate::api_checkout::two_sellers;
use crate::support::{GOOD_CARD, TestApp, product};

#[tokio::test]
async fn two_hundred_buyers_race_for_the_last_ten_units() {
    for app in TestApp::all().await {
        let scarce = app
            .listing(
                "Last Ten Co",
                "CN",
                product("CN-LAST", "6109.10", "CN", 180, "50.00"),
                10,
            )
            .await;
        let (_, buyer) = app.buyer("Crowd", "DE").await;
        let mut quotes = Vec::new();
        for _ in 0..200 {
            let quote = app
                .quote(Some(&buyer), "DE", &[(&scarce.product_id, 1)])
                .await;
            assert_eq!(quote.status, 201, "{}", quote.body);
            quotes.push(quote.body["id"].as_str().unwrap().to_string());
        }
        let app = std::sync::Arc::new(app);
        let mut attempts = Vec::new();
        for quote_id in quotes {
            let app = app.clone();
            let buyer = buyer.clone();
            attempts.push(tokio::spawn(async move {
                app.order(&buyer, &quote_id, GOOD_CARD)
                    .await
                    .status
                    .as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for attempt in attempts {
            statuses.push(attempt.await.expect("task"));
        }
        let placed = statuses.iter().filter(|s| **s == 201).count();
        let refused = statuses.iter().filter(|s| **s == 409).count();
        assert_eq!((placed, refused), (10, 190), "{statuses:?}");
        assert_eq!(app.stock(&scarce).await, (10, 10, 0));
        let orders = app
            .get("/api/v1/orders?limit=500", Some(&scarce.token))
            .await;
        assert_eq!(orders.body["data"].as_array().map(Vec::len), Some(10));
        let audit = app.app.stock_audit().await.expect("audit");
        assert_eq!(audit.mismatched_products, 0, "{audit:?}");
        assert_eq!(audit.reserved, audit.held_by_orders);
        if let Ok(app) = std::sync::Arc::try_unwrap(app) {
            app.finish().await;
        }
    }
}

#[tokio::test]
async fn an_idempotent_replay_storm_places_one_order() {
    for app in TestApp::all().await {
        let (cn, _) = two_sellers(&app).await;
        let (_, buyer) = app.buyer("Retry Ruth", "FR").await;
        let quote = app.quote(Some(&buyer), "FR", &[(&cn.product_id, 2)]).await;
        let body = json!({"quote_id": quote.body["id"],
            "payment": {"provider": "test", "card_number": GOOD_CARD}});
        let app = std::sync::Arc::new(app);
        let mut storm = Vec::new();
        for _ in 0..40 {
            let app = app.clone();
            let buyer = buyer.clone();
            let body = body.clone();
            storm.push(tokio::spawn(async move {
                app.request(
                    "POST",
                    "/api/v1/orders",
                    Some(&buyer),
                    Some(body),
                    &[("Idempotency-Key", "checkout-ruth-1")],
                )
                .await
            }));
        }
        let mut order_ids = std::collections::BTreeSet::new();
        for reply in storm {
            let reply = reply.await.expect("task");
            match reply.status.as_u16() {
                201 => {
                    order_ids.insert(reply.body["orders"][0]["id"].as_str().unwrap().to_string());
                }
                409 => {}
                other => panic!("unexpected {other}: {}", reply.body),
            }
        }
        // A late retry gets the stored first answer.
        let late = app
            .request(
                "POST",
                "/api/v1/orders",
                Some(&buyer),
                Some(body.clone()),
                &[("Idempotency-Key", "checkout-ruth-1")],
            )
            .await;
        assert_eq!(late.status, 201, "{}", late.body);
        order_ids.insert(late.body["orders"][0]["id"].as_str().unwrap().to_string());
        assert_eq!(order_ids.len(), 1, "{order_ids:?}");
        let listed = app.get("/api/v1/orders", Some(&buyer)).await;
        assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1));
        assert_eq!(app.stock(&cn).await, (1_000, 2, 998));
        if let Ok(app) = std::sync::Arc::try_unwrap(app) {
            app.finish().await;
        }
    }
}
