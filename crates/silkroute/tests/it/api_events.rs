//! The storefront beacon through the API: good events stored once, bad ones refused one by one
//! with field paths, retries recognised as duplicates, and the per-address rate limit.

use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem, product};

fn event(id: &str, kind: &str, product_id: Option<&str>, keyword: Option<&str>) -> Value {
    json!({
        "id": id,
        "visitor_id": "visitor-0001",
        "session_id": "session-0001",
        "kind": kind,
        "product_id": product_id,
        "keyword": keyword,
        "market": "DE",
        "source": "organic_search",
        "device": "mobile",
        "at": "2026-10-30T11:58:00Z",
    })
}

#[tokio::test]
async fn the_beacon_keeps_good_events_once_and_names_what_is_wrong() {
    for app in TestApp::all().await {
        let shop = app
            .listing(
                "Beacon Shop",
                "CN",
                product("CN-LAMP", "9405.21", "CN", 900, "120.00"),
                5,
            )
            .await;
        let batch = json!({"events": [
            event("evt-visit-01", "visit", None, None),
            event("evt-view-001", "product_view", Some(&shop.product_id), None),
            event("evt-search-1", "search", None, Some("  Desk LAMP ")),
            event("evt-ghost-01", "add_to_cart", Some("prd_01JD0000000000000000000000"), None),
            {"id": "evt-broken-1", "kind": "purchase", "market": "DE"},
        ]});
        let first = app.post("/api/v1/events", None, batch.clone()).await;
        assert_eq!(first.status, 202, "{}", first.body);
        assert_eq!(first.body["received"], 5);
        assert_eq!(first.body["accepted"], 3);
        assert_eq!(first.body["duplicates"], 0);
        let rejected = first.body["rejected"].as_array().expect("rejected");
        assert_eq!(rejected.len(), 2);
        assert_eq!(rejected[0]["index"], 3);
        assert_eq!(rejected[0]["errors"][0]["field"], "events[3].product_id");
        let broken: Vec<&str> = rejected[1]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for field in ["events[4].kind", "events[4].visitor_id", "events[4].at"] {
            assert!(broken.contains(&field), "{broken:?}");
        }
        // A retry of the same beacon stores nothing twice.
        let again = app.post("/api/v1/events", None, batch).await;
        assert_eq!(again.body["accepted"], 0);
        assert_eq!(again.body["duplicates"], 3);
        assert_eq!(
            app.app
                .row_counts()
                .await
                .expect("counts")
                .storefront_events,
            3
        );

        assert_problem(
            &app.post("/api/v1/events", None, json!({"events": []}))
                .await,
            422,
            Some("events"),
        );
        // Counted before any event is read (kept small for the test's 64 KiB body limit).
        let too_many: Vec<Value> = (0..501).map(|n| json!({"id": format!("e{n}")})).collect();
        assert_problem(
            &app.post("/api/v1/events", None, json!({"events": too_many}))
                .await,
            422,
            Some("events"),
        );
        let malformed = app
            .request(
                "POST",
                "/api/v1/events",
                None,
                Some(json!({"events": 7})),
                &[],
            )
            .await;
        assert!(malformed.status.is_client_error(), "{}", malformed.body);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_flood_from_one_address_is_slowed_down() {
    let app = TestApp::on(silkroute_store_tests::TestDatabase::sqlite().await).await;
    let mut limited = None;
    for n in 0..120 {
        let reply = app
            .post(
                "/api/v1/events",
                None,
                json!({"events": [event(&format!("evt-flood-{n:04}"), "visit", None, None)]}),
            )
            .await;
        if reply.status == 429 {
            limited = Some(reply);
            break;
        }
        assert_eq!(reply.status, 202, "{}", reply.body);
    }
    let limited = limited.expect("the flood was never limited");
    assert_problem(&limited, 429, None);
    assert!(limited.headers.contains_key("retry-after"));
    // Behind the proxy, another shopper (by the forwarded address) has a bucket of their own.
    let other = app
        .request(
            "POST",
            "/api/v1/events",
            None,
            Some(json!({"events": [event("evt-other-0001", "visit", None, None)]})),
            &[("x-forwarded-for", "198.51.100.7, 10.0.0.1")],
        )
        .await;
    assert_eq!(other.status, 202, "{}", other.body);
    app.finish().await;
}
