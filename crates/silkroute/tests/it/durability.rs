//! Requests that outlive their client, their process or a race, through the router on both
//! databases: a buyer whose connection drops right after `POST /orders` finds the order on the
//! retry (never a permanent 409); a claim whose server died is taken over once its lease runs
//! out; concurrent partial refunds of one order never fail with a 5xx; a new API token is never
//! stored for a replay. `durability_binary` does the same against the real binary, killed.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use silkroute_store::{IdempotencyClaim, IdempotencyClaimRequest};

use crate::api_checkout::two_sellers;
use crate::support::{GOOD_CARD, PAYMENT_SECRET, Reply, TestApp, send_to};

fn order_request(buyer: &str, key: &str, body: &Value) -> Request<Body> {
    Request::post("/api/v1/orders")
        .header("authorization", format!("Bearer {buyer}"))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(Body::from(body.to_string()))
        .expect("request")
}

/// Sends a request until it is no longer "in progress"; every answer on the way must be a 409
/// that says so, never a 5xx.
async fn settle(app: &TestApp, request: impl Fn() -> Request<Body>) -> Reply {
    for _ in 0..200 {
        let reply = send_to(&app.router, request()).await;
        assert!(!reply.status.is_server_error(), "{}", reply.body);
        if reply.status == 409
            && reply.body["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("idempotency-in-progress"))
        {
            assert_eq!(
                reply
                    .headers
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap_or("")),
                Some("1")
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        }
        return reply;
    }
    panic!("still in progress after 200 attempts");
}

#[tokio::test]
async fn an_order_whose_client_went_away_is_found_on_the_retry() {
    for app in TestApp::all().await {
        let (cn, _) = two_sellers(&app).await;
        let (_, buyer) = app.buyer("Gone Gina", "FR").await;
        let mut returned = BTreeSet::new();
        for attempt in 0..30_u64 {
            let quote = app.quote(Some(&buyer), "FR", &[(&cn.product_id, 1)]).await;
            assert_eq!(quote.status, 201, "{}", quote.body);
            let body = json!({"quote_id": quote.body["id"],
                "payment": {"provider": "test", "card_number": GOOD_CARD}});
            let key = format!("gone-{attempt}");
            // The client gives up after 0–5 ms: the future is dropped wherever it was.
            let router = app.router.clone();
            let dropped = order_request(&buyer, &key, &body);
            let _ = tokio::time::timeout(
                Duration::from_millis(attempt % 6),
                send_to(&router, dropped),
            )
            .await;
            let first = settle(&app, || order_request(&buyer, &key, &body)).await;
            let second = settle(&app, || order_request(&buyer, &key, &body)).await;
            assert_eq!(first.status, 201, "{}", first.body);
            assert_eq!(second.status, 201);
            assert_eq!(first.body, second.body, "the same answer on every retry");
            returned.insert(
                first.body["orders"][0]["id"]
                    .as_str()
                    .expect("id")
                    .to_string(),
            );
        }
        let listed = app.get("/api/v1/orders?limit=500", Some(&buyer)).await;
        let stored: BTreeSet<String> = listed.body["data"]
            .as_array()
            .expect("orders")
            .iter()
            .map(|order| order["id"].as_str().expect("id").to_string())
            .collect();
        assert_eq!(
            stored, returned,
            "orders stored = orders the retries returned"
        );
        let audit = app.app.stock_audit().await.expect("audit");
        assert_eq!(audit.reserved, audit.held_by_orders, "{audit:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_claim_whose_server_died_is_taken_over_after_its_lease() {
    for app in TestApp::all().await {
        let (cn, _) = two_sellers(&app).await;
        let (_, buyer) = app.buyer("Patient Pia", "FR").await;
        let quote = app.quote(Some(&buyer), "FR", &[(&cn.product_id, 1)]).await;
        let body = json!({"quote_id": quote.body["id"],
            "payment": {"provider": "test", "card_number": GOOD_CARD}});
        // What the server that died left: the key claimed, no response, its lease running.
        let scope = hex::encode(Sha256::digest(format!("Bearer {buyer}").as_bytes()));
        let mut hasher = Sha256::new();
        hasher.update(b"POST /api/v1/orders\n");
        hasher.update(body.to_string().as_bytes());
        let now = app.app.now();
        let store = app.database.as_ref().expect("database").store.clone();
        let claimed = store
            .claim_idempotency_key(&IdempotencyClaimRequest {
                scope,
                key: "orphan".into(),
                request_hash: hex::encode(hasher.finalize()),
                owner: "a-server-that-died".into(),
                now,
                lease_until: now + chrono::Duration::seconds(60),
            })
            .await
            .expect("claim");
        assert_eq!(claimed, IdempotencyClaim::Claimed);
        let waiting = send_to(&app.router, order_request(&buyer, "orphan", &body)).await;
        assert_eq!(waiting.status, 409, "{}", waiting.body);
        assert!(waiting.headers.contains_key("retry-after"));
        // Its lease runs out: the retry runs the checkout afresh, once.
        app.clock.advance(chrono::Duration::seconds(61));
        let placed = send_to(&app.router, order_request(&buyer, "orphan", &body)).await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        let replayed = send_to(&app.router, order_request(&buyer, "orphan", &body)).await;
        assert_eq!(replayed.status, 201);
        assert_eq!(replayed.body, placed.body);
        assert_eq!(
            replayed
                .headers
                .get("idempotency-replayed")
                .map(|v| v.as_bytes()),
            Some(&b"true"[..])
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn concurrent_partial_refunds_never_fail_with_a_server_error() {
    for app in TestApp::all().await {
        let (cn, _) = two_sellers(&app).await;
        let (_, buyer) = app.buyer("Refund Rita", "FR").await;
        let quote = app.quote(Some(&buyer), "FR", &[(&cn.product_id, 2)]).await;
        let placed = app
            .order(&buyer, quote.body["id"].as_str().expect("quote"), GOOD_CARD)
            .await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        let payment = placed.body["payment"].clone();
        let captured = app
            .notify(
                &payment,
                "payment.captured",
                "evt_refunds",
                PAYMENT_SECRET,
                0,
            )
            .await;
        assert_eq!(captured.status, 200, "{}", captured.body);
        let order_id = placed.body["orders"][0]["id"]
            .as_str()
            .expect("id")
            .to_string();
        let total = &placed.body["orders"][0]["total"];
        let currency = total["currency"].as_str().expect("currency").to_string();
        let total_minor: i64 = total["amount"]
            .as_str()
            .expect("amount")
            .replace('.', "")
            .parse()
            .expect("minor");
        // Twenty refunds of a quarter each, all at once: four fit.
        let quarter = total_minor / 4;
        let amount = format!("{}.{:02}", quarter / 100, quarter % 100);
        let app = Arc::new(app);
        let mut refunds = Vec::new();
        for _ in 0..20 {
            let app = app.clone();
            let path = format!("/api/v1/orders/{order_id}/refunds");
            let body = json!({"amount": {"amount": amount, "currency": currency}});
            let token = cn.token.clone();
            refunds.push(tokio::spawn(async move {
                app.request("POST", &path, Some(&token), Some(body), &[])
                    .await
            }));
        }
        let mut accepted = 0;
        for refund in refunds {
            let reply = refund.await.expect("task");
            match reply.status.as_u16() {
                200 => accepted += 1,
                409 | 422 => assert_eq!(reply.content_type, "application/problem+json"),
                other => panic!("refund answered {other}: {}", reply.body),
            }
        }
        assert!(
            (1..=4).contains(&accepted),
            "{accepted} refunds of a quarter went through"
        );
        let detail = app
            .get(&format!("/api/v1/orders/{order_id}"), Some(&cn.token))
            .await;
        let refunds = detail.body["refunds"].as_array().expect("refunds");
        assert_eq!(refunds.len(), accepted);
        let refunded_minor: i64 = detail.body["refunded"]["amount"]
            .as_str()
            .expect("refunded")
            .replace('.', "")
            .parse()
            .expect("minor");
        assert_eq!(refunded_minor, quarter * accepted as i64);
        if let Ok(app) = Arc::try_unwrap(app) {
            app.finish().await;
        }
    }
}

#[tokio::test]
async fn a_new_token_is_shown_once_and_never_replayed() {
    for app in TestApp::all().await {
        let (seller_id, _) = app.seller("Key Keeper", "DE").await;
        let body = json!({"role": "seller", "seller_id": seller_id, "label": "ci"});
        let create = || {
            app.request(
                "POST",
                "/api/v1/tokens",
                Some(&app.admin),
                Some(body.clone()),
                &[("Idempotency-Key", "token-1")],
            )
        };
        let first = create().await;
        assert_eq!(first.status, 201, "{}", first.body);
        let secret = first.body["token"].as_str().expect("secret").to_string();
        let id = first.body["id"].as_str().expect("id").to_string();
        let again = create().await;
        assert_eq!(again.status, 409, "{}", again.body);
        assert_eq!(again.content_type, "application/problem+json");
        let detail = again.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(&id), "{detail}");
        assert!(
            !again.body.to_string().contains(&secret),
            "the secret is not kept"
        );
        app.finish().await;
    }
}
