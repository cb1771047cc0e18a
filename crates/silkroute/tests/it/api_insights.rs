//! Product, customer and forecast analytics through the API on the demo: products add up to the
//! store, margins take every cost off, customers get fitted models, forecasts cover the horizon
//! with a stock plan; per-seller reports refuse the platform scope.

use rust_decimal::Decimal;
use serde_json::Value;
use silkroute_app::demo::{DemoOptions, DemoOrderOptions};

use crate::support::{TestApp, assert_problem};

async fn demo(app: &TestApp) -> String {
    app.demo(
        DemoOptions {
            sellers: 6,
            products_per_seller: 6,
            buyers: 300,
            seed: 23,
        },
        DemoOrderOptions {
            orders: 2_400,
            days: 400,
            traffic_days: 30,
            seed: 23,
        },
    )
    .await;
    // The seller with the most paid orders over the year.
    let mut best = (String::new(), -1);
    let sellers = app.get("/api/v1/sellers?limit=50", Some(&app.admin)).await;
    for seller in sellers.body["data"].as_array().expect("sellers") {
        let id = seller["id"].as_str().unwrap();
        let overview = app
            .get(
                &format!(
                    "/api/v1/analytics/store/overview?seller={id}&from=2025-10-31&to=2026-10-30"
                ),
                Some(&app.admin),
            )
            .await;
        let paid = overview.body["paid_orders"]
            .as_i64()
            .unwrap_or_else(|| panic!("{}", overview.body));
        if paid > best.1 {
            best = (id.to_string(), paid);
        }
    }
    best.0
}

fn amount(value: &Value) -> Decimal {
    value["amount"]
        .as_str()
        .expect("money")
        .parse()
        .expect("decimal")
}

#[tokio::test]
async fn products_customers_and_forecasts_from_the_demo() {
    for app in TestApp::all().await {
        let seller = demo(&app).await;
        let period = format!("seller={seller}&from=2026-08-01&to=2026-10-30");

        // Products: ranked by paid amount, adding up to the store's paid amount.
        let products = app
            .get(
                &format!("/api/v1/analytics/products?{period}"),
                Some(&app.admin),
            )
            .await;
        assert_eq!(products.status, 200, "{}", products.body);
        let rows = products.body["products"].as_array().expect("products");
        assert!(!rows.is_empty());
        let overview = app
            .get(
                &format!("/api/v1/analytics/store/overview?{period}"),
                Some(&app.admin),
            )
            .await;
        let store_paid = amount(&overview.body["paid_amount"]);
        let products_paid: Decimal = rows.iter().map(|r| amount(&r["paid_amount"])).sum();
        // Each line's share is rounded on its own: a cent per order at most.
        let tolerance = Decimal::new(overview.body["paid_orders"].as_i64().unwrap(), 2);
        assert!(
            (store_paid - products_paid).abs() <= tolerance,
            "store {store_paid} vs products {products_paid}"
        );
        for (index, row) in rows.iter().enumerate() {
            assert_eq!(row["rank"], index + 1);
            assert_eq!(row["sparkline"].as_array().unwrap().len(), 91);
            let detail = &row["margin_detail"];
            let expected = amount(&detail["revenue"])
                - amount(&detail["cost_of_goods"])
                - amount(&detail["freight"])
                - amount(&detail["commission"])
                - amount(&detail["payment_fee"]);
            assert_eq!(amount(&row["margin"]), expected, "{row}");
            assert!(
                row["diagnosis_text"]
                    .as_str()
                    .is_some_and(|t| !t.is_empty())
            );
            let sparkline: i64 = row["sparkline"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .sum();
            assert_eq!(sparkline, row["paid_units"].as_i64().unwrap());
        }
        let first: Decimal = amount(&rows[0]["paid_amount"]);
        assert!(rows.iter().all(|r| amount(&r["paid_amount"]) <= first));

        // Customers: every buyer in one RFM segment, a fitted repeat-purchase model.
        let customers = app
            .get(
                &format!("/api/v1/analytics/customers?{period}"),
                Some(&app.admin),
            )
            .await;
        assert_eq!(customers.status, 200, "{}", customers.body);
        let body = &customers.body;
        let segmented: i64 = body["rfm_segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["buyers"].as_i64().unwrap())
            .sum();
        assert_eq!(segmented, body["buyers"].as_i64().unwrap());
        assert!(body["buyers"].as_i64().unwrap() >= 20, "{body}");
        assert!(!body["cohorts"]["cohorts"].as_array().unwrap().is_empty());
        assert_eq!(body["new_vs_returning"].as_array().unwrap().len(), 3);
        let bg = &body["bg_nbd"];
        assert!(bg.is_object(), "{}", body["bg_nbd_error"]);
        for parameter in ["r", "alpha", "a", "b", "log_likelihood"] {
            assert!(bg[parameter].as_f64().is_some_and(f64::is_finite), "{bg}");
        }
        let top = body["top_customers"].as_array().unwrap();
        assert!(!top.is_empty());
        for customer in top {
            let alive = customer["p_alive"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&alive), "{customer}");
        }

        // Forecast: the horizon, a band around the mean, a plan from the stock on hand.
        let forecast = app
            .get(
                &format!("/api/v1/analytics/forecast?seller={seller}&horizon_days=21"),
                Some(&app.admin),
            )
            .await;
        assert_eq!(forecast.status, 200, "{}", forecast.body);
        let items = forecast.body["products"].as_array().unwrap();
        assert!(!items.is_empty() && items.len() <= 10);
        for item in items {
            assert!(item["error"].is_null(), "{item}");
            let points = item["forecast"].as_array().unwrap();
            assert_eq!(points.len(), 21);
            for point in points {
                let (lower, mean, upper) = (
                    point["lower"].as_f64().unwrap(),
                    point["mean"].as_f64().unwrap(),
                    point["upper"].as_f64().unwrap(),
                );
                assert!(0.0 <= lower && lower <= mean && mean <= upper, "{point}");
            }
            assert!(item["replenishment"]["reorder_point"].is_number(), "{item}");
            assert!(item["history"].as_array().unwrap().len() <= 120);
        }
        assert!(
            forecast.body["backtest_summary"]["products"]
                .as_u64()
                .unwrap()
                > 0
        );

        // Per-seller reports: the platform must name a seller; bad settings are problems.
        for path in ["products", "customers"] {
            let platform = app
                .get(&format!("/api/v1/analytics/{path}"), Some(&app.admin))
                .await;
            assert_problem(&platform, 422, Some("seller"));
        }
        let bad = app
            .get(
                &format!("/api/v1/analytics/forecast?seller={seller}&service_level=95"),
                Some(&app.admin),
            )
            .await;
        assert_problem(&bad, 422, Some("service_level"));
        let missing = app
            .get(
                &format!("/api/v1/analytics/forecast?seller={seller}&product_id=prd_01JD0000000000000000000000"),
                Some(&app.admin),
            )
            .await;
        assert_problem(&missing, 404, None);
        app.finish().await;
    }
}

/// Five sellers of tops, each seen by its own shoppers: with four the category's figures are
/// withheld, with five they are shown; a seller sees its percentile, never another's figures.
#[tokio::test]
async fn industry_figures_need_five_sellers_and_never_show_another_sellers_own() {
    for app in TestApp::all().await {
        let mut shops = Vec::new();
        for n in 0..5 {
            let created = app
                .post(
                    "/api/v1/sellers",
                    Some(&app.admin),
                    serde_json::json!({"name": format!("Tops {n}"), "country": "CN"}),
                )
                .await;
            assert_eq!(created.status, 201, "{}", created.body);
            let seller = created.body["id"].as_str().unwrap().to_string();
            let token = app
                .post(
                    "/api/v1/tokens",
                    Some(&app.admin),
                    serde_json::json!({"role": "seller", "seller_id": seller}),
                )
                .await;
            let token = token.body["token"].as_str().unwrap().to_string();
            let product = app
                .post(
                    "/api/v1/products",
                    Some(&token),
                    crate::support::shirt(&format!("TOP-{n}")),
                )
                .await;
            assert_eq!(product.status, 201, "{}", product.body);
            shops.push((
                seller,
                token,
                product.body["id"].as_str().unwrap().to_string(),
            ));
        }
        let view = |n: usize, visitor: usize| {
            serde_json::json!({"id": format!("top-view-{n}-{visitor:03}"),
                "visitor_id": format!("top-visitor-{n}-{visitor:03}"),
                "session_id": format!("top-session-{n}-{visitor:03}"),
                "kind": "product_view", "product_id": shops[n].2, "market": "DE",
                "source": "organic_search", "device": "mobile", "at": "2026-10-30T10:00:00Z"})
        };
        // Four sellers with shoppers: too few to publish.
        let events: Vec<Value> = (0..4)
            .flat_map(|n| (0..=n).map(move |v| (n, v)))
            .map(|(n, v)| view(n, v))
            .collect();
        let sent = app
            .post(
                "/api/v1/events",
                None,
                serde_json::json!({"events": events}),
            )
            .await;
        assert_eq!(sent.status, 202, "{}", sent.body);
        let uri = "/api/v1/analytics/industry/categories?from=2026-10-30&to=2026-10-30";
        let tops = |body: &Value| {
            body["categories"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["category"] == "apparel.tops")
                .cloned()
                .unwrap()
        };
        let four = app.get(uri, Some(&shops[0].1)).await;
        assert_eq!(four.status, 200, "{}", four.body);
        assert!(four.body["categories"].is_array(), "{}", four.body);
        let row = tops(&four.body);
        assert_eq!(row["suppressed"], true, "{row}");
        assert!(row["visitor_share"].is_null() && row["page_view_share"].is_null());
        assert!(four.body["seller_percentile"].is_null());

        // A fifth seller: the category is published, shares against its parent.
        let events: Vec<Value> = (0..5).map(|v| view(4, v)).collect();
        app.post(
            "/api/v1/events",
            None,
            serde_json::json!({"events": events}),
        )
        .await;
        let five = app.get(uri, Some(&shops[0].1)).await;
        assert_eq!(five.status, 200, "{}", five.body);
        let row = tops(&five.body);
        assert_eq!(row["suppressed"], false, "{row}");
        assert_eq!(
            row["visitor_share"], "1",
            "all apparel visitors browsed tops: {row}"
        );
        assert_eq!(row["active_listings"], 5);
        // Seller 0 has the fewest views and no sales: at the bottom with everyone else at zero.
        assert_eq!(five.body["seller_percentile"], "1");
        // Nobody else's id or own figures appear.
        let text = five.body.to_string();
        for (other, _, _) in &shops[1..] {
            assert!(!text.contains(other.as_str()), "{other} leaked");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn hot_keywords_from_the_demo_searches() {
    let app = TestApp::all().await.remove(0);
    let seller = demo(&app).await;
    let reply = app
        .get(
            &format!(
                "/api/v1/analytics/industry/keywords?seller={seller}&from=2026-10-01&to=2026-10-30"
            ),
            Some(&app.admin),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let keywords = reply.body["keywords"].as_array().unwrap();
    assert!(!keywords.is_empty());
    let volumes: Vec<i64> = keywords
        .iter()
        .map(|k| k["search_volume"].as_i64().unwrap())
        .collect();
    assert!(
        volumes.windows(2).all(|w| w[0] >= w[1]),
        "most searched first"
    );
    for keyword in keywords {
        assert!(
            keyword["searchers"].as_i64().unwrap() <= keyword["search_volume"].as_i64().unwrap()
        );
        let ctr: Decimal = keyword["click_through"].as_str().unwrap().parse().unwrap();
        assert!((Decimal::ZERO..=Decimal::ONE).contains(&ctr), "{keyword}");
        assert!(keyword["top_countries"].as_array().unwrap().len() <= 3);
    }
    // Searches lead to product views in the demo's sessions.
    assert!(keywords.iter().any(|k| k["click_through"] != "0"));
    app.finish().await;
}
