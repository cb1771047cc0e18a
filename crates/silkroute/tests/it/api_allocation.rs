//! Allocation at quote time on every backend: stock in the buyer's country ships domestically
//! (no duty, that country's VAT, a shorter delivery range), stock elsewhere in the EU ships as an
//! intra-EU distance sale, a line splits when the nearest warehouse is short, the quote falls
//! back to the seller's home stock once the overseas stock is gone, and 200 buyers racing for
//! overseas stock never oversell any warehouse.

use serde_json::{Value, json};

use crate::support::{GOOD_CARD, Listing, TestApp, product};

/// A CN seller with 100 units at home and `overseas` units in a DE 3PL warehouse.
async fn stocked(app: &TestApp, overseas: i64) -> (Listing, String) {
    let listing = app
        .listing(
            "Teapot Co",
            "CN",
            product("TEA-1", "6912.00", "CN", 900, "40.00"),
            100,
        )
        .await;
    let warehouse = app
        .post(
            "/api/v1/warehouses",
            Some(&listing.token),
            json!({"name": "Duisburg 3PL", "country": "DE", "kind": "overseas_3pl",
                   "address": {"recipient": "Inbound desk", "organisation": "Rhein 3PL GmbH",
                               "street_lines": ["Am Hafen 4"], "city": "Duisburg",
                               "postal_code": "47119", "country": "DE"}}),
        )
        .await;
    assert_eq!(warehouse.status, 201, "{}", warehouse.body);
    let de = warehouse.body["id"].as_str().expect("id").to_string();
    let received = app
        .post(
            "/api/v1/stock/movements",
            Some(&listing.token),
            json!({"product_id": listing.product_id, "warehouse_id": de, "kind": "receipt",
                   "quantity": overseas}),
        )
        .await;
    assert_eq!(received.status, 201, "{}", received.body);
    (listing, de)
}

fn groups(quote: &Value) -> &Vec<Value> {
    quote["groups"].as_array().expect("groups")
}

/// The last day of a delivery range.
fn latest(range: &Value) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(range["latest"].as_str().expect("date"), "%Y-%m-%d")
        .expect("day")
}

#[tokio::test]
async fn overseas_stock_ships_domestically_then_the_quote_falls_back_to_home_stock() {
    for app in TestApp::all().await {
        let (listing, de) = stocked(&app, 3).await;
        let (_, buyer) = app.buyer("Erika Mustermann", "DE").await;

        // Stock in Germany: a domestic sale, German VAT on goods and delivery, no duty.
        let domestic = app
            .quote(Some(&buyer), "DE", &[(&listing.product_id, 3)])
            .await;
        assert_eq!(domestic.status, 201, "{}", domestic.body);
        let group = &groups(&domestic.body)[0];
        assert_eq!(groups(&domestic.body).len(), 1);
        assert_eq!(group["supply"], "domestic");
        assert_eq!(group["ship_from"], "DE");
        assert_eq!(group["warehouse_id"], de.as_str());
        assert_eq!(group["allocation"][0]["reason"], "domestic");
        assert_eq!(group["duties"]["amount"], "0.00");
        assert_eq!(group["duty_lines"].as_array().map(Vec::len), Some(0));
        let vat = &group["tax_lines"][0];
        assert_eq!(vat["rule"], "vat.de.standard");
        assert_eq!(vat["rate"], "19");
        let base = dec(&group["goods"]) + dec(&group["shipping"]["selected"]["amount"]);
        assert_eq!(dec(&vat["base"]), base);
        assert_eq!(dec(&vat["amount"]), (base * dec_of("0.19")).round_dp(2));
        assert_eq!(group["shipping"]["selected"]["service_id"], "local.parcel");

        // Five units: the three in Germany, the other two from China.
        let split = app
            .quote(Some(&buyer), "DE", &[(&listing.product_id, 5)])
            .await;
        assert_eq!(split.status, 201, "{}", split.body);
        let parts: Vec<(String, String, i64)> = groups(&split.body)
            .iter()
            .map(|g| {
                (
                    g["ship_from"].as_str().unwrap_or_default().to_string(),
                    g["supply"].as_str().unwrap_or_default().to_string(),
                    g["lines"][0]["quantity"].as_i64().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            parts,
            vec![
                ("DE".to_string(), "domestic".to_string(), 3),
                ("CN".to_string(), "import".to_string(), 2)
            ]
        );

        // The German stock is all taken by an order…
        let placed = app
            .order(&buyer, domestic.body["id"].as_str().expect("id"), GOOD_CARD)
            .await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        let order = &placed.body["orders"][0];
        assert_eq!(order["lines"][0]["warehouse_id"], de.as_str());
        // … so the next quote goes cross-border from China: an import with the EU's rules.
        let import = app
            .quote(Some(&buyer), "DE", &[(&listing.product_id, 2)])
            .await;
        assert_eq!(import.status, 201, "{}", import.body);
        let group = &groups(&import.body)[0];
        assert_eq!(group["supply"], "import");
        assert_eq!(group["ship_from"], "CN");
        assert_ne!(group["warehouse_id"], de.as_str());
        assert!(
            latest(&group["delivery"]) > latest(&groups(&domestic.body)[0]["delivery"]),
            "the import arrives later"
        );

        // A French buyer is served from the German stock as an intra-EU distance sale — once
        // the stock is back.
        let restock = app
            .post(
                "/api/v1/stock/movements",
                Some(&listing.token),
                json!({"product_id": listing.product_id, "warehouse_id": de,
                       "kind": "receipt", "quantity": 5}),
            )
            .await;
        assert_eq!(restock.status, 201, "{}", restock.body);
        let (_, french) = app.buyer("Jean Dupont", "FR").await;
        let intra = app
            .quote(Some(&french), "FR", &[(&listing.product_id, 1)])
            .await;
        assert_eq!(intra.status, 201, "{}", intra.body);
        let group = &groups(&intra.body)[0];
        assert_eq!(group["supply"], "intra_union");
        assert_eq!(group["ship_from"], "DE");
        assert_eq!(group["allocation"][0]["reason"], "customs_union");
        assert_eq!(group["tax_lines"][0]["rule"], "vat.fr.standard");
        assert_eq!(group["tax_lines"][0]["rate"], "20");
        assert_eq!(group["duty_lines"].as_array().map(Vec::len), Some(0));
        app.finish().await;
    }
}

fn dec(money: &Value) -> rust_decimal::Decimal {
    dec_of(money["amount"].as_str().expect("amount"))
}

fn dec_of(text: &str) -> rust_decimal::Decimal {
    text.parse().expect("decimal")
}

#[tokio::test]
async fn two_hundred_buyers_racing_for_overseas_stock_never_oversell_a_warehouse() {
    for app in TestApp::all().await {
        let (listing, de) = stocked(&app, 10).await;
        let (_, buyer) = app.buyer("Crowd", "DE").await;
        let app = std::sync::Arc::new(app);
        let mut attempts = Vec::new();
        for _ in 0..200 {
            let app = app.clone();
            let buyer = buyer.clone();
            let product = listing.product_id.clone();
            attempts.push(tokio::spawn(async move {
                let quote = app.quote(Some(&buyer), "DE", &[(&product, 1)]).await;
                assert_eq!(quote.status, 201, "{}", quote.body);
                let from = quote.body["groups"][0]["warehouse_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let id = quote.body["id"].as_str().unwrap_or_default().to_string();
                let placed = app.order(&buyer, &id, GOOD_CARD).await;
                (from, placed.status.as_u16(), placed.body)
            }));
        }
        let mut placed_from_de = 0;
        let mut placed = 0;
        for attempt in attempts {
            let (from, status, body) = attempt.await.expect("task");
            assert!(status == 201 || status == 409, "{status}: {body}");
            if status == 201 {
                placed += 1;
                // Each order reserved where its quote said it would ship from.
                assert_eq!(body["orders"][0]["lines"][0]["warehouse_id"], from.as_str());
                if from == de {
                    placed_from_de += 1;
                }
            }
        }
        assert!(
            (1..=10).contains(&placed_from_de),
            "{placed_from_de} sold from 10 units"
        );
        let levels = app
            .get(
                &format!("/api/v1/stock?product_id={}", listing.product_id),
                Some(&listing.token),
            )
            .await;
        for level in levels.body.as_array().expect("levels") {
            let (on_hand, reserved) = (level["on_hand"].as_i64(), level["reserved"].as_i64());
            assert!(reserved <= on_hand, "{level}");
            if level["warehouse_id"] == de.as_str() {
                assert_eq!(reserved, Some(placed_from_de), "{level}");
            }
        }
        assert_eq!(app.stock(&listing).await.1, placed, "every order holds one unit");
        let audit = app.app.stock_audit().await.expect("audit");
        assert_eq!(audit.mismatched_products, 0, "{audit:?}");
        if let Ok(app) = std::sync::Arc::try_unwrap(app) {
            app.finish().await;
        }
    }
}
