//! Store analytics through the API: every KPI of the overview equals a recomputation from the
//! exported facts (written here, apart from the rollup code), before and after new orders and
//! events arrive, on both databases; days are the seller's own; bad requests are 4xx.

use std::collections::BTreeMap;

use chrono::Duration;
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use silkroute_app::demo::{DemoOptions, DemoOrderOptions};

mod recompute;

use recompute::{Facts, amount, assert_matches, export, recompute};

use crate::support::{GOOD_CARD, PAYMENT_SECRET, TestApp, assert_problem, product};

async fn small_demo(app: &TestApp) {
    app.demo(
        DemoOptions {
            sellers: 10,
            products_per_seller: 8,
            buyers: 250,
            seed: 11,
        },
        DemoOrderOptions {
            orders: 1_500,
            days: 400,
            traffic_days: 45,
            seed: 11,
        },
    )
    .await;
}

async fn seller_zone(app: &TestApp, seller: &str) -> Tz {
    let reply = app
        .get(&format!("/api/v1/sellers/{seller}"), Some(&app.admin))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["time_zone"]
        .as_str()
        .expect("zone")
        .parse()
        .expect("known zone")
}

async fn overview(app: &TestApp, query: &str) -> Value {
    let reply = app
        .get(
            &format!("/api/v1/analytics/store/overview?{query}"),
            Some(&app.admin),
        )
        .await;
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    reply.body
}

/// The seller with the most orders in the facts.
fn busiest(facts: &Facts) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for order in &facts.orders {
        *counts.entry(&order.seller_id).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(seller, n)| (*n, std::cmp::Reverse(*seller)))
        .map(|(seller, _)| seller.to_string())
        .expect("orders")
}

#[tokio::test]
async fn every_overview_kpi_equals_a_recomputation_from_the_exported_facts() {
    for app in TestApp::all().await {
        small_demo(&app).await;
        let facts = export(&app).await;
        let seller = busiest(&facts);
        let zone = seller_zone(&app, &seller).await;
        let today = app.app.now().with_timezone(&zone).date_naive();
        for (from, to) in [
            (today - Duration::days(29), today),
            (today - Duration::days(6), today),
            (today - Duration::days(200), today - Duration::days(100)),
            (today, today),
        ] {
            let body = overview(&app, &format!("seller={seller}&from={from}&to={to}")).await;
            assert_eq!(body["scope"], "seller");
            assert_eq!(body["time_zone"], zone.name());
            let context = format!("{} {seller} {from}..{to}", app.backend());
            assert_matches(
                &body,
                &recompute(&facts, Some(&seller), zone, from, to),
                &context,
            );
            let previous = body["previous_period"].clone();
            let (pfrom, pto) = (
                previous["from"].as_str().unwrap().parse().unwrap(),
                previous["to"].as_str().unwrap().parse().unwrap(),
            );
            assert_eq!((to - from), (pto - pfrom), "same length");
            assert_eq!(pto + Duration::days(1), from, "just before");
            assert_matches(
                &body["previous"],
                &recompute(&facts, Some(&seller), zone, pfrom, pto),
                &format!("{context} (previous)"),
            );
        }
        // The platform: every seller and the events without one, on UTC days.
        let (from, to) = (
            app.app.now().date_naive() - Duration::days(29),
            app.app.now().date_naive(),
        );
        let platform = overview(&app, &format!("from={from}&to={to}")).await;
        assert_eq!(platform["scope"], "platform");
        assert_matches(
            &platform,
            &recompute(&facts, None, Tz::UTC, from, to),
            &format!("{} platform", app.backend()),
        );
        assert!(platform["visitors"].as_i64().unwrap() > 0);
        assert!(platform["paid_orders"].as_i64().unwrap() > 0);
        app.finish().await;
    }
}

#[tokio::test]
async fn new_orders_refunds_and_events_reach_the_overview_and_a_rebuild_agrees() {
    for app in TestApp::all().await {
        small_demo(&app).await;
        let shop = app
            .listing(
                "Late Shop",
                "CN",
                product("LATE-1", "9405.21", "CN", 800, "50.00"),
                20,
            )
            .await;
        let before = overview(&app, &format!("seller={}", shop.seller_id)).await;
        assert_eq!(before["paid_orders"], 0);
        // A buyer looks, buys, pays; then is refunded.
        let (_, buyer) = app.buyer("Late Buyer", "DE").await;
        let events: Vec<Value> = ["visit", "product_view", "add_to_cart", "checkout_started"]
            .iter()
            .enumerate()
            .map(|(i, kind)| {
                json!({"id": format!("late-event-{i:04}"), "visitor_id": "late-visitor-01",
                    "session_id": "late-session-01", "kind": kind,
                    "product_id": if *kind == "visit" { Value::Null } else { json!(shop.product_id) },
                    "market": "DE", "source": "email", "device": "desktop",
                    "at": app.app.now().to_rfc3339()})
            })
            .collect();
        let beacon = app
            .post("/api/v1/events", None, json!({"events": events}))
            .await;
        assert_eq!(beacon.status, 202, "{}", beacon.body);
        let quote = app
            .quote(Some(&buyer), "DE", &[(&shop.product_id, 2)])
            .await;
        assert_eq!(quote.status, 201, "{}", quote.body);
        let order = app
            .order(&buyer, quote.body["id"].as_str().unwrap(), GOOD_CARD)
            .await;
        assert_eq!(order.status, 201, "{}", order.body);
        let paid = app
            .notify(
                &order.body["payment"],
                "payment.captured",
                "evt-late-capture",
                PAYMENT_SECRET,
                0,
            )
            .await;
        assert!(paid.status.is_success(), "{}", paid.body);
        let order_id = order.body["orders"][0]["id"].as_str().unwrap().to_string();

        let after = overview(&app, &format!("seller={}", shop.seller_id)).await;
        assert_eq!(after["visitors"], 1, "{after}");
        assert_eq!(after["page_views"], 1);
        assert_eq!(after["carting_visitors"], 1);
        assert_eq!(after["orders_placed"], 1);
        assert_eq!(after["paid_orders"], 1);
        assert_eq!(after["paid_buyers"], 1);
        assert_eq!(after["paid_amount"]["currency"], "CNY");
        assert_ne!(after["paid_amount"]["amount"], "0.00");

        app.clock.advance(Duration::hours(2));
        let refund = app
            .post(
                &format!("/api/v1/orders/{order_id}/refunds"),
                Some(&shop.token),
                json!({"reason": "damaged in transit"}),
            )
            .await;
        assert!(refund.status.is_success(), "{}", refund.body);
        let refunded = overview(&app, &format!("seller={}", shop.seller_id)).await;
        assert_eq!(
            refunded["refund_amount"], refunded["paid_amount"],
            "{refunded}"
        );
        assert_eq!(refunded["refund_rate"], "1");

        // The facts agree, and so does a rebuild from scratch.
        let facts = export(&app).await;
        let zone = seller_zone(&app, &shop.seller_id).await;
        let today = app.app.now().with_timezone(&zone).date_naive();
        assert_matches(
            &refunded,
            &recompute(
                &facts,
                Some(&shop.seller_id),
                zone,
                today - Duration::days(29),
                today,
            ),
            app.backend(),
        );
        app.app
            .rebuild_analytics(&mut |_, _| {})
            .await
            .expect("rebuild");
        let rebuilt = overview(&app, &format!("seller={}", shop.seller_id)).await;
        for metric in [
            "visitors",
            "paid_amount",
            "refund_amount",
            "paid_buyers",
            "refund_rate",
        ] {
            assert_eq!(rebuilt[metric], refunded[metric], "{metric}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn a_sellers_days_are_its_own_time_zone() {
    let app = TestApp::all().await.remove(0);
    let created = app
        .post(
            "/api/v1/sellers",
            Some(&app.admin),
            json!({"name": "Night Shop", "country": "CN", "time_zone": "Asia/Shanghai"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let seller_id = created.body["id"].as_str().unwrap().to_string();
    let token = app
        .post(
            "/api/v1/tokens",
            Some(&app.admin),
            json!({"role": "seller", "seller_id": seller_id}),
        )
        .await;
    let token = token.body["token"].as_str().unwrap().to_string();
    let listed = app
        .post(
            "/api/v1/products",
            Some(&token),
            product("NIGHT-1", "9405.21", "CN", 800, "50.00"),
        )
        .await;
    assert_eq!(listed.status, 201, "{}", listed.body);
    struct Shop {
        seller_id: String,
        product_id: String,
    }
    let shop = Shop {
        seller_id,
        product_id: listed.body["id"].as_str().unwrap().to_string(),
    };
    assert_eq!(
        seller_zone(&app, &shop.seller_id).await,
        chrono_tz::Asia::Shanghai
    );
    // 20:00 UTC on 29 October is 04:00 on the 30th in Shanghai.
    let at = "2026-10-29T20:00:00Z";
    let beacon = app
        .post(
            "/api/v1/events",
            None,
            json!({"events": [{"id": "night-view-01", "visitor_id": "night-visitor", "session_id": "night-session",
                "kind": "product_view", "product_id": shop.product_id, "market": "US",
                "source": "paid", "device": "mobile", "at": at}]}),
        )
        .await;
    assert_eq!(beacon.status, 202, "{}", beacon.body);
    let on = |day: &str| format!("seller={}&from={day}&to={day}", shop.seller_id);
    assert_eq!(overview(&app, &on("2026-10-30")).await["page_views"], 1);
    assert_eq!(overview(&app, &on("2026-10-29")).await["page_views"], 0);
    // The live view: the clock is at 20:00 on the 30th in Shanghai.
    let live = overview(&app, &on("today")).await;
    assert_eq!(live["page_views"], 1, "{live}");
    assert_eq!(live["period"]["from"], "2026-10-30");
    // The platform counts in UTC days.
    assert_eq!(
        overview(&app, "from=2026-10-29&to=2026-10-29").await["page_views"],
        1
    );
    app.finish().await;
}

#[tokio::test]
async fn series_and_breakdowns_add_up_to_the_overview() {
    let app = TestApp::all().await.remove(0);
    small_demo(&app).await;
    let facts = export(&app).await;
    let seller = busiest(&facts);
    let query = format!("seller={seller}&from=2026-09-01&to=2026-10-30");
    let total = overview(&app, &query).await;
    for grain in ["day", "week", "month"] {
        let reply = app
            .get(
                &format!(
                    "/api/v1/analytics/store/timeseries?{query}&metric=paid_orders&grain={grain}"
                ),
                Some(&app.admin),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let points = reply.body["points"].as_array().unwrap();
        let sum: i64 = points.iter().map(|p| p["value"].as_i64().unwrap()).sum();
        assert_eq!(sum, total["paid_orders"].as_i64().unwrap(), "{grain}");
        assert_eq!(points[0]["bucket"], "2026-09-01");
        if grain == "day" {
            assert_eq!(points.len(), 60);
        }
    }
    let money = app
        .get(
            &format!("/api/v1/analytics/store/timeseries?{query}&metric=paid_amount&grain=month"),
            Some(&app.admin),
        )
        .await;
    let sum: Decimal = money.body["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| amount(p["value"]["amount"].as_str().unwrap()))
        .sum();
    assert_eq!(
        sum,
        amount(total["paid_amount"]["amount"].as_str().unwrap())
    );
    let markets = app
        .get(
            &format!("/api/v1/analytics/store/breakdown?{query}&by=market"),
            Some(&app.admin),
        )
        .await;
    assert_eq!(markets.status, 200, "{}", markets.body);
    let rows = markets.body["rows"].as_array().unwrap();
    let paid: i64 = rows
        .iter()
        .map(|r| r["paid_orders"].as_i64().unwrap())
        .sum();
    assert_eq!(paid, total["paid_orders"].as_i64().unwrap());
    let sources = app
        .get(
            &format!("/api/v1/analytics/store/breakdown?{query}&by=source"),
            Some(&app.admin),
        )
        .await;
    let rows = sources.body["rows"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["paid_orders"].is_null()));
    let views: i64 = rows.iter().map(|r| r["page_views"].as_i64().unwrap()).sum();
    assert_eq!(views, total["page_views"].as_i64().unwrap());
    // Products share out each paid order's amount, shipping included: they add up to the
    // store, and categories to the products.
    let mut units = Vec::new();
    for by in ["product", "category"] {
        let reply = app
            .get(
                &format!("/api/v1/analytics/store/breakdown?{query}&by={by}"),
                Some(&app.admin),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let rows = reply.body["rows"].as_array().unwrap();
        assert!(rows.len() > 1, "{by}: {rows:?}");
        assert!(
            rows.iter()
                .all(|r| r["visitors"].is_null() && r["label"].is_string())
        );
        let paid: Decimal = rows
            .iter()
            .map(|r| amount(r["paid_amount"]["amount"].as_str().unwrap()))
            .sum();
        assert_eq!(
            paid,
            amount(total["paid_amount"]["amount"].as_str().unwrap()),
            "{by}"
        );
        units.push(
            rows.iter()
                .map(|r| r["units_placed"].as_i64().unwrap())
                .sum::<i64>(),
        );
    }
    assert_eq!(units[0], units[1]);
    let other = if total["currency"] == "USD" {
        "EUR"
    } else {
        "USD"
    };
    let reply = app
        .get(
            &format!("/api/v1/analytics/store/breakdown?{query}&by=category&currency={other}"),
            Some(&app.admin),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(
        reply.body["errors"][0]["field"], "currency",
        "{}",
        reply.body
    );
    app.finish().await;
}

#[tokio::test]
async fn bad_analytics_requests_are_problems() {
    for app in TestApp::all().await {
        let mine = app
            .listing(
                "Mine",
                "CN",
                product("MINE-1", "9405.21", "CN", 800, "9.00"),
                1,
            )
            .await;
        let theirs = app
            .listing(
                "Theirs",
                "DE",
                product("THEIRS-1", "9405.21", "DE", 800, "9.00"),
                1,
            )
            .await;
        let base = "/api/v1/analytics/store";
        let cases = [
            (
                format!("{base}/timeseries?metric=happiness"),
                422,
                Some("metric"),
            ),
            (format!("{base}/timeseries?grain=hour"), 422, Some("grain")),
            (
                format!("{base}/overview?from=2026-10-30&to=2026-10-01"),
                422,
                Some("from"),
            ),
            (
                format!("{base}/overview?from=2020-01-01&to=2026-10-01"),
                422,
                Some("to"),
            ),
            (format!("{base}/overview?from=someday"), 422, Some("from")),
            (
                format!("{base}/overview?market=Germany"),
                422,
                Some("market"),
            ),
            (format!("{base}/breakdown?by=planet"), 422, Some("by")),
            (format!("{base}/overview?colour=red"), 400, None),
        ];
        for (uri, status, field) in cases {
            let reply = app.get(&uri, Some(&mine.token)).await;
            assert!(reply.status.is_client_error(), "{uri}: {}", reply.body);
            if reply.status.as_u16() == status {
                assert_problem(&reply, status, field);
            } else {
                panic!(
                    "{uri}: expected {status}, got {} {}",
                    reply.status, reply.body
                );
            }
        }
        // A seller sees only itself: another seller's id is not found.
        let foreign = app
            .get(
                &format!("{base}/overview?seller={}", theirs.seller_id),
                Some(&mine.token),
            )
            .await;
        assert_problem(&foreign, 404, None);
        let own = app
            .get(
                &format!("{base}/overview?seller={}", mine.seller_id),
                Some(&mine.token),
            )
            .await;
        assert_eq!(own.status, 200, "{}", own.body);
        assert_eq!(own.body["seller_id"], mine.seller_id.as_str());
        let anonymous = app.get(&format!("{base}/overview"), None).await;
        assert_problem(&anonymous, 401, None);
        app.finish().await;
    }
}
