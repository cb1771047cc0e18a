//! The ship-to address of quotes and orders on every backend: a full address typed into the
//! quote or taken from the buyer's book, normalised, inherited by the order; every invalid one a
//! 422 at its field path (checked before the quote is priced or stored); seen by the buyer, the order's seller and admins
//! only, and absent from the exported facts.

use serde_json::{Value, json};

use crate::support::{GOOD_CARD, TestApp, assert_problem, shirt};

fn koeln() -> Value {
    json!({"recipient": "Erika  Mustermann", "street_lines": ["Heidestraße 17"],
           "city": "Köln", "postal_code": "51147", "country": "DE",
           "phone": "+49 221 1234567"})
}

fn quote_body(product_id: &str, extra: Value) -> Value {
    let mut body = json!({"destination": {"country": "DE"},
                          "lines": [{"product_id": product_id, "quantity": 1}]});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

#[tokio::test]
async fn an_order_ships_to_the_quotes_address_and_only_its_parties_see_it() {
    for app in TestApp::all().await {
        let listing = app.listing("Shirt Co", "CN", shirt("TEE-1"), 10).await;
        let (_, other_seller) = app.seller("Rival Co", "CN").await;
        let (_, buyer) = app.buyer("Erika Mustermann", "DE").await;
        let quote = app
            .post(
                "/api/v1/checkout/quotes",
                Some(&buyer),
                quote_body(&listing.product_id, json!({"ship_to": koeln()})),
            )
            .await;
        assert_eq!(quote.status, 201, "{}", quote.body);
        // Normalised once: blanks collapsed; the postal code became the destination's.
        assert_eq!(quote.body["ship_to"]["recipient"], "Erika Mustermann");
        assert_eq!(quote.body["destination"]["postal_code"], "51147");
        let quote_id = quote.body["id"].as_str().expect("id");
        let placed = app.order(&buyer, quote_id, GOOD_CARD).await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        let order_id = placed.body["orders"][0]["id"].as_str().expect("order id");
        let path = format!("/api/v1/orders/{order_id}");
        for token in [&buyer, &listing.token] {
            let order = app.get(&path, Some(token)).await;
            assert_eq!(order.status, 200, "{}", order.body);
            assert_eq!(order.body["ship_to"]["city"], "Köln");
            assert_eq!(order.body["ship_to"]["street_lines"][0], "Heidestraße 17");
        }
        assert_eq!(app.get(&path, Some(&other_seller)).await.status, 404);
        // Personal data never reaches the exported facts.
        let facts = app.app.order_facts("", 1_000).await.expect("facts");
        assert!(!facts.is_empty());
        let exported = serde_json::to_string(&facts).expect("json");
        for personal in ["Mustermann", "Heidestraße", "1234567"] {
            assert!(!exported.contains(personal), "{personal} in {exported}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn a_quote_can_ship_to_an_address_of_the_buyers_book_and_of_no_one_elses() {
    for app in TestApp::all().await {
        let listing = app.listing("Shirt Co", "CN", shirt("TEE-1"), 10).await;
        let (buyer_id, buyer) = app.buyer("Erika Mustermann", "DE").await;
        let (_, stranger) = app.buyer("Max Muster", "DE").await;
        let saved = app
            .post(
                &format!("/api/v1/buyers/{buyer_id}/addresses"),
                Some(&buyer),
                json!({"label": "Home", "address": koeln()}),
            )
            .await;
        assert_eq!(saved.status, 201, "{}", saved.body);
        let address_id = saved.body["id"].as_str().expect("id");
        let by_id = quote_body(&listing.product_id, json!({"address_id": address_id}));
        let quote = app
            .post("/api/v1/checkout/quotes", Some(&buyer), by_id.clone())
            .await;
        assert_eq!(quote.status, 201, "{}", quote.body);
        assert_eq!(quote.body["ship_to"]["city"], "Köln");
        let theirs = app
            .post("/api/v1/checkout/quotes", Some(&stranger), by_id)
            .await;
        assert_problem(&theirs, 422, Some("address_id"));
        app.finish().await;
    }
}

#[tokio::test]
async fn an_invalid_ship_to_is_a_422_at_its_field() {
    for app in TestApp::all().await {
        let listing = app.listing("Shirt Co", "CN", shirt("TEE-1"), 10).await;
        let (_, buyer) = app.buyer("Ana Lima", "US").await;
        let mut no_city = koeln();
        no_city["city"] = Value::Null;
        let mut bad_code = koeln();
        bad_code["postal_code"] = json!("5114");
        let us = json!({"recipient": "Ana Lima", "street_lines": ["1 Main St"],
                        "city": "Springfield", "state": "Atlantis", "postal_code": "62701",
                        "country": "US"});
        let cases = [
            ("DE", no_city, "ship_to.city"),
            ("DE", bad_code, "ship_to.postal_code"),
            ("US", us, "ship_to.state"),
            ("FR", koeln(), "ship_to.country"),
        ];
        for (country, address, field) in cases {
            let mut body = quote_body(&listing.product_id, json!({"ship_to": address}));
            body["destination"]["country"] = json!(country);
            let reply = app.post("/api/v1/checkout/quotes", Some(&buyer), body).await;
            assert_problem(&reply, 422, Some(field));
        }
        let both = quote_body(
            &listing.product_id,
            json!({"ship_to": koeln(), "address_id": "adr_01JD0000000000000000000000"}),
        );
        let reply = app.post("/api/v1/checkout/quotes", Some(&buyer), both).await;
        assert_problem(&reply, 422, Some("address_id"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_warehouse_keeps_a_ship_from_address_in_its_own_country() {
    for app in TestApp::all().await {
        let (_, seller) = app.seller("Shirt Co", "CN").await;
        let berlin = json!({"recipient": "Inbound desk", "organisation": "Rhein 3PL GmbH",
                            "street_lines": ["Am Hafen 4"], "city": "Duisburg",
                            "postal_code": "47119", "country": "DE"});
        let wrong_country = app
            .post(
                "/api/v1/warehouses",
                Some(&seller),
                json!({"name": "DE 3PL", "country": "NL", "kind": "overseas_3pl",
                       "address": berlin}),
            )
            .await;
        assert_problem(&wrong_country, 422, Some("address.country"));
        let mut no_code = berlin.clone();
        no_code["postal_code"] = Value::Null;
        let incomplete = app
            .post(
                "/api/v1/warehouses",
                Some(&seller),
                json!({"name": "DE 3PL", "country": "DE", "address": no_code}),
            )
            .await;
        assert_problem(&incomplete, 422, Some("address.postal_code"));
        let created = app
            .post(
                "/api/v1/warehouses",
                Some(&seller),
                json!({"name": "DE 3PL", "country": "DE", "kind": "overseas_3pl",
                       "address": berlin}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        let listed = app.get("/api/v1/warehouses", Some(&seller)).await;
        let warehouses = listed.body.as_array().expect("warehouses");
        assert_eq!(warehouses.len(), 1, "the refused ones were not written");
        assert_eq!(warehouses[0]["address"]["city"], "Duisburg");
        app.finish().await;
    }
}
