//! Sellers, buyers, products and the public catalog through the API.

use serde_json::json;

use crate::support::{TestApp, assert_problem, shirt};

#[tokio::test]
async fn sellers_list_products_priced_per_market() {
    for app in TestApp::all().await {
        let backend = app.backend();
        let (seller_id, seller) = app.seller("Shenzhen Bright", "CN").await;

        let seller_record = app
            .get(&format!("/api/v1/sellers/{seller_id}"), Some(&seller))
            .await;
        assert_eq!(
            seller_record.body["settlement_currency"], "CNY",
            "{backend}"
        );
        assert_eq!(seller_record.body["business_model"], "b2c");

        let mut listing = shirt("TS-RED-M");
        listing["tier_prices"] = json!([{"min_quantity": 10, "unit_price": "89.00"}, {"min_quantity": 100, "unit_price": "79.00"}]);
        listing["market_prices"] = json!([{"market": "US", "price": "14.99"}]);
        let created = app.post("/api/v1/products", Some(&seller), listing).await;
        assert_eq!(created.status, 201, "{backend}: {}", created.body);
        let product_id = created.body["id"].as_str().expect("id").to_string();
        assert_eq!(
            created.body["base_price"],
            json!({"amount": "99.00", "currency": "CNY"})
        );
        assert_eq!(created.body["hs_code"], "610910");
        assert_eq!(created.body["seller_id"], seller_id);

        // Same SKU again: a field error, not a 500.
        let duplicate = app
            .post("/api/v1/products", Some(&seller), shirt("TS-RED-M"))
            .await;
        assert_problem(&duplicate, 422, Some("sku"));

        // Partial update validates the merged product.
        let patched = app
            .patch(
                &format!("/api/v1/products/{product_id}"),
                Some(&seller),
                json!({"weight_g": 200}),
            )
            .await;
        assert_eq!(patched.status, 200, "{}", patched.body);
        assert_eq!(patched.body["weight_g"], 200);
        assert_eq!(patched.body["sku"], "TS-RED-M");
        let bad_patch = app
            .patch(
                &format!("/api/v1/products/{product_id}"),
                Some(&seller),
                json!({"weight_g": -5}),
            )
            .await;
        assert_problem(&bad_patch, 422, Some("weight_g"));
        let unchanged = app
            .get(&format!("/api/v1/products/{product_id}"), Some(&seller))
            .await;
        assert_eq!(
            unchanged.body["weight_g"], 200,
            "a rejected update writes nothing"
        );

        // Public catalog in Germany: converted CNY→EUR with the spread, the rate shown.
        let germany = app.get("/api/v1/catalog?market=DE&lang=de", None).await;
        assert_eq!(germany.status, 200, "{}", germany.body);
        let entry = &germany.body["data"][0];
        assert_eq!(entry["title"], "Baumwoll-T-Shirt");
        assert_eq!(entry["price"]["source"], "converted");
        assert_eq!(entry["price"]["amount"]["currency"], "EUR");
        assert_eq!(entry["price"]["spread_bps"], 150);
        assert_eq!(entry["price"]["rate_date"], "2026-10-30");
        // 99 CNY at the 2026-10-30 ECB mid rate (CNY 7.4326 per EUR) plus the 1.5 % spread.
        assert_eq!(entry["price"]["amount"]["amount"], "13.52", "{}", entry);
        // In the US the seller's own price wins.
        let usa = app.get("/api/v1/catalog?market=US", None).await;
        assert_eq!(usa.body["data"][0]["price"]["source"], "market_price");
        assert_eq!(
            usa.body["data"][0]["price"]["amount"],
            json!({"amount": "14.99", "currency": "USD"})
        );
        // Japan has no minor units.
        let japan = app.get("/api/v1/catalog?market=JP", None).await;
        let yen = japan.body["data"][0]["price"]["amount"]["amount"]
            .as_str()
            .expect("amount");
        assert!(!yen.contains('.'), "{yen}");
        assert_problem(&app.get("/api/v1/catalog", None).await, 422, Some("market"));
        assert_problem(
            &app.get("/api/v1/catalog?market=XX", None).await,
            422,
            Some("market"),
        );
        assert_problem(
            &app.get("/api/v1/catalog?market=DE&limit=0", None).await,
            422,
            Some("limit"),
        );

        // Archived products leave the catalog but stay in the seller's list.
        app.patch(
            &format!("/api/v1/products/{product_id}"),
            Some(&seller),
            json!({"status": "archived"}),
        )
        .await;
        let empty = app.get("/api/v1/catalog?market=DE", None).await;
        assert_eq!(empty.body["data"].as_array().map(Vec::len), Some(0));
        let own = app.get("/api/v1/products", Some(&seller)).await;
        assert_eq!(own.body["data"].as_array().map(Vec::len), Some(1));

        // Buyers.
        let buyer = app
            .post("/api/v1/buyers", Some(&app.admin), json!({"name": "Acme GmbH", "country": "DE", "kind": "business", "vat_id": "DE136695976"}))
            .await;
        assert_eq!(buyer.status, 201, "{}", buyer.body);
        let consumer_with_vat = app
            .post(
                "/api/v1/buyers",
                Some(&app.admin),
                json!({"name": "Erika", "country": "DE", "vat_id": "DE136695976"}),
            )
            .await;
        assert_problem(&consumer_with_vat, 422, Some("vat_id"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_listing_read_from_the_api_can_be_sent_back_unchanged() {
    for app in TestApp::all().await {
        let (_, seller) = app.seller("Yiwu Jade", "CN").await;
        let mut body = shirt("SKU-RT");
        body["market_prices"] = json!([{"market": "DE", "price": "19.90"}]);
        body["tier_prices"] = json!([{"min_quantity": 10, "unit_price": "80.00"}]);
        let created = app.post("/api/v1/products", Some(&seller), body).await;
        assert_eq!(created.status, 201, "{}", created.body);
        let id = created.body["id"].as_str().expect("id").to_string();
        // Every price the API returned, sent back in the money shape it came in.
        let fetched = app
            .get(&format!("/api/v1/products/{id}"), Some(&seller))
            .await;
        let patch = json!({
            "base_price": fetched.body["base_price"],
            "unit_cost": fetched.body["unit_cost"],
            "tier_prices": fetched.body["tier_prices"],
            "market_prices": fetched.body["market_prices"],
        });
        let patched = app
            .patch(&format!("/api/v1/products/{id}"), Some(&seller), patch)
            .await;
        assert_eq!(patched.status, 200, "{}", patched.body);
        for field in ["base_price", "unit_cost", "tier_prices", "market_prices"] {
            assert_eq!(patched.body[field], fetched.body[field], "{field}");
        }
        let foreign = app
            .patch(
                &format!("/api/v1/products/{id}"),
                Some(&seller),
                json!({"market_prices": [{"market": "DE", "price": {"amount": "19.90", "currency": "USD"}}]}),
            )
            .await;
        assert_problem(&foreign, 422, Some("market_prices[0].price"));
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_listings_are_rejected_field_by_field_and_write_nothing() {
    for app in TestApp::all().await {
        let (_, seller) = app.seller("Yiwu Jade", "CN").await;
        let cases = [
            ("hs_code", json!("000000")),
            ("hs_code", json!("61")),
            ("gtin", json!("4006381333932")),
            ("weight_g", json!(-1)),
            ("origin_country", json!("XX")),
            ("base_price", json!("12.345")),
            ("base_price", json!("0")),
            // Beyond the documented maximum (10^12 minor units), or in the wrong currency.
            ("base_price", json!("92233720368547758.07")),
            ("base_price", json!("10000000000.01")),
            ("base_price", json!({"amount": "12.00", "currency": "EUR"})),
            ("unit_cost", json!("10000000000.01")),
            ("category", json!("apparel")),
            ("sku", json!("has spaces")),
        ];
        for (field, value) in cases {
            let mut body = shirt("SKU-1");
            body[field] = value;
            let reply = app.post("/api/v1/products", Some(&seller), body).await;
            assert_problem(&reply, 422, Some(field));
        }
        let mut tiers = shirt("SKU-1");
        tiers["tier_prices"] = json!([{"min_quantity": 10, "unit_price": "90.00"}, {"min_quantity": 5, "unit_price": "80.00"}]);
        assert_problem(
            &app.post("/api/v1/products", Some(&seller), tiers).await,
            422,
            Some("tier_prices[1].min_quantity"),
        );
        let mut wrong_type = shirt("SKU-1");
        wrong_type["weight_g"] = json!("heavy");
        assert_problem(
            &app.post("/api/v1/products", Some(&seller), wrong_type)
                .await,
            422,
            Some("weight_g"),
        );
        let mut unknown_field = shirt("SKU-1");
        unknown_field["colour"] = json!("red");
        assert_problem(
            &app.post("/api/v1/products", Some(&seller), unknown_field)
                .await,
            422,
            None,
        );
        let missing = app
            .post("/api/v1/products", Some(&seller), json!({"sku": "X"}))
            .await;
        assert_problem(&missing, 422, Some("hs_code"));

        let listed = app.get("/api/v1/products", Some(&seller)).await;
        assert_eq!(
            listed.body["data"].as_array().map(Vec::len),
            Some(0),
            "nothing was written"
        );

        let bad_seller = app
            .post(
                "/api/v1/sellers",
                Some(&app.admin),
                json!({"name": "X", "country": "DE", "settlement_currency": "EURO"}),
            )
            .await;
        assert_problem(&bad_seller, 422, Some("settlement_currency"));
        let bad_model = app.post("/api/v1/sellers", Some(&app.admin), json!({"name": "X", "country": "DE", "business_model": "d2c", "commission_bps": 9000})).await;
        assert_problem(&bad_model, 422, Some("business_model"));
        assert_problem(&bad_model, 422, Some("commission_bps"));
        app.finish().await;
    }
}
