//! Orders after checkout: payment notifications (genuine, forged, stale, replayed), lapsed
//! authorisations, cancellations, refunds, returns, the list filters and the tenant wall.

use serde_json::{Value, json};

use crate::support::{GOOD_CARD, Listing, PAYMENT_SECRET, TestApp, assert_problem, product};

struct Placed {
    buyer: String,
    payment: Value,
    order_id: String,
}

async fn listing(app: &TestApp) -> Listing {
    app.listing(
        "Guangzhou Goods",
        "CN",
        product("CN-BAG", "4202.22", "CN", 600, "120.00"),
        50,
    )
    .await
}

async fn place(app: &TestApp, listing: &Listing, buyer: Option<String>, card: &str) -> Placed {
    let buyer = match buyer {
        Some(token) => token,
        None => app.buyer("Anna", "FR").await.1,
    };
    let quote = app
        .quote(Some(&buyer), "FR", &[(&listing.product_id, 2)])
        .await;
    assert_eq!(quote.status, 201, "{}", quote.body);
    let placed = app
        .order(&buyer, quote.body["id"].as_str().unwrap(), card)
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    Placed {
        buyer,
        payment: placed.body["payment"].clone(),
        order_id: placed.body["orders"][0]["id"].as_str().unwrap().to_string(),
    }
}

async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> crate::support::Reply {
    app.request("POST", path, Some(token), body, &[]).await
}

#[tokio::test]
async fn forged_stale_and_replayed_notifications_change_nothing() {
    for app in TestApp::all().await {
        let shop = listing(&app).await;
        let order = place(&app, &shop, None, GOOD_CARD).await;
        let forged = app
            .notify(
                &order.payment,
                "payment.captured",
                "evt_1",
                "whsec_wrong",
                0,
            )
            .await;
        assert_problem(&forged, 400, None);
        let stale = app
            .notify(
                &order.payment,
                "payment.captured",
                "evt_2",
                PAYMENT_SECRET,
                301,
            )
            .await;
        assert_problem(&stale, 400, None);
        let unsigned = app
            .request(
                "POST",
                "/api/v1/payments/webhooks/test",
                None,
                Some(json!({"id": "evt_3"})),
                &[],
            )
            .await;
        assert_problem(&unsigned, 400, None);
        assert_eq!(
            app.order_status(&order.buyer, &order.order_id).await,
            "pending_payment"
        );

        let genuine = app
            .notify(
                &order.payment,
                "payment.captured",
                "evt_4",
                PAYMENT_SECRET,
                10,
            )
            .await;
        assert_eq!(genuine.status, 200, "{}", genuine.body);
        assert_eq!(genuine.body["payment_status"], "captured");
        assert_eq!(
            app.order_status(&order.buyer, &order.order_id).await,
            "paid"
        );
        let replayed = app
            .notify(
                &order.payment,
                "payment.captured",
                "evt_4",
                PAYMENT_SECRET,
                10,
            )
            .await;
        assert_problem(&replayed, 409, None);
        // A failure arriving after the capture does not undo it.
        let late_failure = app
            .notify(
                &order.payment,
                "payment.capture_failed",
                "evt_5",
                PAYMENT_SECRET,
                0,
            )
            .await;
        assert_problem(&late_failure, 409, None);
        let detail = app
            .get(
                &format!("/api/v1/orders/{}", order.order_id),
                Some(&order.buyer),
            )
            .await;
        assert_eq!(detail.body["status"], "paid");
        assert_eq!(detail.body["payment"]["captured"], order.payment["amount"]);
        let events = app
            .get(
                &format!("/api/v1/orders/{}/events", order.order_id),
                Some(&order.buyer),
            )
            .await;
        assert_eq!(events.body.as_array().map(Vec::len), Some(2));
        app.finish().await;
    }
}

#[tokio::test]
async fn failed_captures_3ds_and_lapsed_authorisations() {
    for app in TestApp::all().await {
        let shop = listing(&app).await;
        // The issuer authorises, then the capture fails: the order is cancelled, stock back.
        let failing = place(&app, &shop, None, "4000000000000341").await;
        assert_eq!(app.stock(&shop).await, (50, 2, 48));
        let failed = app
            .notify(
                &failing.payment,
                "payment.capture_failed",
                "evt_f1",
                PAYMENT_SECRET,
                0,
            )
            .await;
        assert_eq!(failed.status, 200, "{}", failed.body);
        assert_eq!(
            app.order_status(&failing.buyer, &failing.order_id).await,
            "cancelled"
        );
        assert_eq!(app.stock(&shop).await, (50, 0, 50));

        // 3-D Secure: pending until authentication, then captured.
        let quote = {
            let (_, buyer) = app.buyer("Sam", "FR").await;
            let q = app
                .quote(Some(&buyer), "FR", &[(&shop.product_id, 1)])
                .await;
            (buyer, q.body["id"].as_str().unwrap().to_string())
        };
        let challenged = app.order(&quote.0, &quote.1, "4000000000003220").await;
        assert_eq!(challenged.status, 201, "{}", challenged.body);
        assert_eq!(challenged.body["next_action"], "three_d_secure");
        assert_eq!(challenged.body["payment"]["status"], "requires_action");
        let payment = challenged.body["payment"].clone();
        let authenticated = app
            .notify(
                &payment,
                "payment.authentication_succeeded",
                "evt_a1",
                PAYMENT_SECRET,
                0,
            )
            .await;
        assert_eq!(authenticated.body["payment_status"], "authorized");
        let captured = app
            .notify(&payment, "payment.captured", "evt_a2", PAYMENT_SECRET, 0)
            .await;
        assert_eq!(captured.status, 200, "{}", captured.body);
        let order_id = challenged.body["orders"][0]["id"].as_str().unwrap();
        assert_eq!(app.order_status(&quote.0, order_id).await, "paid");

        // Nobody captures for eight days: the authorisation lapses, the order is cancelled.
        let forgotten = place(&app, &shop, None, GOOD_CARD).await;
        assert_eq!(app.stock(&shop).await, (50, 3, 47));
        app.clock.advance(chrono::Duration::days(8));
        assert_eq!(
            app.app
                .expire_lapsed_authorizations()
                .await
                .expect("expire"),
            1
        );
        assert_eq!(
            app.order_status(&forgotten.buyer, &forgotten.order_id)
                .await,
            "cancelled"
        );
        assert_eq!(app.stock(&shop).await, (50, 1, 49));
        let events = app
            .get(
                &format!("/api/v1/orders/{}/events", forgotten.order_id),
                Some(&forgotten.buyer),
            )
            .await;
        assert_eq!(events.body[1]["actor"], "system");
        app.finish().await;
    }
}

#[tokio::test]
async fn cancellations_refunds_and_returns_move_money_and_stock_once() {
    for app in TestApp::all().await {
        let shop = listing(&app).await;
        // Cancelled before payment: stock released, nothing to refund.
        let unpaid = place(&app, &shop, None, GOOD_CARD).await;
        let cancelled = post(
            &app,
            &unpaid.buyer,
            &format!("/api/v1/orders/{}/cancel", unpaid.order_id),
            Some(json!({"reason": "changed my mind"})),
        )
        .await;
        assert_eq!(cancelled.status, 200, "{}", cancelled.body);
        assert_eq!(cancelled.body["status"], "cancelled");
        assert_eq!(app.stock(&shop).await, (50, 0, 50));
        // The capture still arrives: the money goes straight back.
        let late = app
            .notify(
                &unpaid.payment,
                "payment.captured",
                "evt_late",
                PAYMENT_SECRET,
                0,
            )
            .await;
        assert_eq!(late.status, 200, "{}", late.body);
        let detail = app
            .get(
                &format!("/api/v1/orders/{}", unpaid.order_id),
                Some(&unpaid.buyer),
            )
            .await;
        assert_eq!(detail.body["refunded"], detail.body["total"]);
        assert_eq!(detail.body["payment"]["status"], "refunded");

        // Paid, partly refunded, then refunded in full.
        let paid = place(&app, &shop, None, GOOD_CARD).await;
        app.notify(
            &paid.payment,
            "payment.captured",
            "evt_p",
            PAYMENT_SECRET,
            0,
        )
        .await;
        let path = format!("/api/v1/orders/{}/refunds", paid.order_id);
        let currency = paid.payment["amount"]["currency"].clone();
        let too_much = post(
            &app,
            &shop.token,
            &path,
            Some(json!({"amount": {"amount": "9999.00", "currency": currency}})),
        )
        .await;
        assert_problem(&too_much, 422, Some("amount"));
        let buyer_refund = post(&app, &paid.buyer, &path, Some(json!({}))).await;
        assert_problem(&buyer_refund, 403, None);
        let partial = post(
            &app,
            &shop.token,
            &path,
            Some(json!({"amount": {"amount": "5.00", "currency": currency}, "reason": "scratch"})),
        )
        .await;
        assert_eq!(partial.status, 200, "{}", partial.body);
        assert_eq!(partial.body["status"], "paid");
        assert_eq!(partial.body["refunded"]["amount"], "5.00");
        assert_eq!(partial.body["payment"]["status"], "partially_refunded");
        let rest = post(&app, &shop.token, &path, Some(json!({}))).await;
        assert_eq!(rest.status, 200, "{}", rest.body);
        assert_eq!(rest.body["status"], "refunded");
        assert_eq!(rest.body["refunded"], rest.body["total"]);
        assert_eq!(rest.body["refunds"].as_array().map(Vec::len), Some(2));
        let again = post(&app, &shop.token, &path, Some(json!({}))).await;
        assert_problem(&again, 409, None);
        assert_eq!(app.stock(&shop).await, (50, 0, 50));

        // Delivered, returned through an RMA: goods back on the shelf, money back, `returned`.
        let kept = place(&app, &shop, None, GOOD_CARD).await;
        app.notify(
            &kept.payment,
            "payment.captured",
            "evt_k",
            PAYMENT_SECRET,
            0,
        )
        .await;
        let order_path = format!("/api/v1/orders/{}", kept.order_id);
        let early = post(&app, &shop.token, &format!("{order_path}/deliver"), None).await;
        assert_problem(&early, 409, None);
        let buyer_ships = post(&app, &kept.buyer, &format!("{order_path}/ship"), None).await;
        assert_problem(&buyer_ships, 403, None);
        for step in ["ship", "deliver"] {
            let reply = post(&app, &shop.token, &format!("{order_path}/{step}"), None).await;
            assert_eq!(reply.status, 200, "{}", reply.body);
        }
        assert_eq!(app.stock(&shop).await, (48, 0, 48));
        let rma = post(
            &app,
            &kept.buyer,
            &format!("{order_path}/returns"),
            Some(json!({"reason": "wrong colour"})),
        )
        .await;
        assert_eq!(rma.status, 201, "{}", rma.body);
        let return_id = rma.body["returns"][0]["id"].as_str().unwrap().to_string();
        let twice = post(
            &app,
            &kept.buyer,
            &format!("{order_path}/returns"),
            Some(json!({"reason": "again"})),
        )
        .await;
        assert_problem(&twice, 409, None);
        let skip = post(
            &app,
            &shop.token,
            &format!("/api/v1/returns/{return_id}/refund"),
            None,
        )
        .await;
        assert_problem(&skip, 409, None);
        for step in ["approve", "receive", "refund"] {
            let reply = post(
                &app,
                &shop.token,
                &format!("/api/v1/returns/{return_id}/{step}"),
                None,
            )
            .await;
            assert_eq!(reply.status, 200, "{step}: {}", reply.body);
        }
        let done = app.get(&order_path, Some(&kept.buyer)).await;
        assert_eq!(done.body["status"], "returned");
        assert_eq!(done.body["returns"][0]["status"], "refunded");
        assert_eq!(done.body["refunded"], done.body["total"]);
        assert_eq!(app.stock(&shop).await, (50, 0, 50));
        let trail: Vec<String> = app
            .get(&format!("{order_path}/events"), Some(&shop.token))
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            trail,
            [
                "place",
                "capture_payment",
                "ship",
                "deliver",
                "return_requested",
                "return_approve",
                "return_receive",
                "return"
            ]
        );
        let audit = app.app.stock_audit().await.expect("audit");
        assert_eq!(audit.mismatched_products, 0, "{audit:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn order_lists_filter_and_stay_behind_the_tenant_wall() {
    for app in TestApp::all().await {
        let shop = listing(&app).await;
        let other_shop = app
            .listing(
                "Other Seller",
                "US",
                product("US-CAP", "6505.00", "US", 120, "15.00"),
                10,
            )
            .await;
        let (_, anna) = app.buyer("Anna", "FR").await;
        let first = place(&app, &shop, Some(anna.clone()), GOOD_CARD).await;
        app.notify(
            &first.payment,
            "payment.captured",
            "evt_l1",
            PAYMENT_SECRET,
            0,
        )
        .await;
        place(&app, &shop, Some(anna.clone()), GOOD_CARD).await;
        let bob = place(&app, &shop, None, GOOD_CARD).await;

        let all = app.get("/api/v1/orders", Some(&anna)).await;
        assert_eq!(all.body["data"].as_array().map(Vec::len), Some(2));
        let paid = app.get("/api/v1/orders?status=paid", Some(&anna)).await;
        assert_eq!(paid.body["data"].as_array().map(Vec::len), Some(1));
        let seller_view = app.get("/api/v1/orders?market=FR", Some(&shop.token)).await;
        assert_eq!(seller_view.body["data"].as_array().map(Vec::len), Some(3));
        let nowhere = app.get("/api/v1/orders?market=JP", Some(&shop.token)).await;
        assert_eq!(nowhere.body["data"].as_array().map(Vec::len), Some(0));
        let today = app
            .get(
                "/api/v1/orders?from=2026-10-30&to=2026-10-31",
                Some(&app.admin),
            )
            .await;
        assert_eq!(today.body["data"].as_array().map(Vec::len), Some(3));
        let before = app
            .get("/api/v1/orders?to=2026-10-30", Some(&app.admin))
            .await;
        assert_eq!(before.body["data"].as_array().map(Vec::len), Some(0));
        let page = app.get("/api/v1/orders?limit=2", Some(&app.admin)).await;
        assert!(page.body["next_cursor"].is_string());
        assert_problem(
            &app.get("/api/v1/orders?status=lost", Some(&anna)).await,
            422,
            Some("status"),
        );
        assert_problem(
            &app.get("/api/v1/orders?from=30.10.2026", Some(&anna)).await,
            422,
            Some("from"),
        );

        // The wall: another seller and another buyer find nothing, and change nothing.
        let foreign = app.get("/api/v1/orders", Some(&other_shop.token)).await;
        assert_eq!(foreign.body["data"].as_array().map(Vec::len), Some(0));
        for (token, path) in [
            (
                &other_shop.token,
                format!("/api/v1/orders/{}", first.order_id),
            ),
            (&bob.buyer, format!("/api/v1/orders/{}", first.order_id)),
            (
                &bob.buyer,
                format!("/api/v1/orders/{}/events", first.order_id),
            ),
        ] {
            assert_problem(&app.get(&path, Some(token)).await, 404, None);
        }
        let ship = post(
            &app,
            &other_shop.token,
            &format!("/api/v1/orders/{}/ship", first.order_id),
            None,
        )
        .await;
        assert_problem(&ship, 404, None);
        let cancel = post(
            &app,
            &bob.buyer,
            &format!("/api/v1/orders/{}/cancel", first.order_id),
            None,
        )
        .await;
        assert_problem(&cancel, 404, None);
        let stock = app
            .get(
                &format!("/api/v1/stock?product_id={}", shop.product_id),
                Some(&other_shop.token),
            )
            .await;
        assert_eq!(stock.body.as_array().map(Vec::len), Some(0));
        let steal = app
            .post(
                "/api/v1/stock/movements",
                Some(&other_shop.token),
                json!({"product_id": shop.product_id, "warehouse_id": shop.warehouse_id,
                    "kind": "adjust", "quantity": -5}),
            )
            .await;
        assert_problem(&steal, 422, Some("product_id"));
        assert_eq!(app.order_status(&anna, &first.order_id).await, "paid");
        assert_eq!(app.stock(&shop).await, (50, 6, 44));
        // Sellers do not place orders.
        let quote = app.quote(None, "FR", &[(&shop.product_id, 1)]).await;
        let by_seller = app
            .order(&shop.token, quote.body["id"].as_str().unwrap(), GOOD_CARD)
            .await;
        assert_problem(&by_seller, 403, None);
        app.finish().await;
    }
}
