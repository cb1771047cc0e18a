//! Checkout through the API: quotes for real destinations from sellers in China and the United
//! States, orders placed with the test provider and followed through their states, and every
//! way a checkout can be refused without writing anything.

use serde_json::{Value, json};

use crate::support::{GOOD_CARD, Listing, PAYMENT_SECRET, TestApp, assert_problem, product};

/// Sellers in CN (a T-shirt) and the US (a ceramic mug), each with stock.
pub(crate) async fn two_sellers(app: &TestApp) -> (Listing, Listing) {
    let cn = app
        .listing(
            "Shenzhen Apparel",
            "CN",
            product("CN-TEE", "6109.10", "CN", 180, "89.00"),
            1_000,
        )
        .await;
    let us = app
        .listing(
            "Ohio Pottery",
            "US",
            product("US-MUG", "6912.00", "US", 450, "18.50"),
            1_000,
        )
        .await;
    (cn, us)
}

fn amount(value: &Value) -> rust_decimal::Decimal {
    value["amount"]
        .as_str()
        .expect("amount")
        .parse()
        .expect("decimal")
}

fn sum(values: impl Iterator<Item = rust_decimal::Decimal>) -> rust_decimal::Decimal {
    values.fold(rust_decimal::Decimal::ZERO, |a, b| a + b)
}

/// Every group's parts add up, every charge names its rule and base, the totals are the sums.
fn assert_consistent(quote: &Value) {
    let groups = quote["groups"].as_array().expect("groups");
    for group in groups {
        let charges: Vec<&Value> = group["duty_lines"]
            .as_array()
            .expect("duty lines")
            .iter()
            .chain(group["tax_lines"].as_array().expect("tax lines"))
            .collect();
        for line in &charges {
            assert!(
                line["rule"].as_str().is_some_and(|r| !r.is_empty()),
                "{line}"
            );
            assert!(line["rule_version"].as_u64().is_some(), "{line}");
            assert!(line["base"]["amount"].is_string(), "{line}");
        }
        let at_checkout = sum(charges
            .iter()
            .filter(|line| line["collected"] == "at_checkout")
            .map(|line| amount(&line["amount"])));
        assert_eq!(
            amount(&group["collected_now"]),
            amount(&group["goods"])
                + amount(&group["shipping"]["selected"]["amount"])
                + at_checkout,
            "{group}"
        );
        let goods = sum(group["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .map(|line| amount(&line["line_total"])));
        assert_eq!(goods, amount(&group["goods"]));
    }
    assert_eq!(
        amount(&quote["totals"]["collected_now"]),
        sum(groups.iter().map(|g| amount(&g["collected_now"])))
    );
    assert_eq!(
        amount(&quote["totals"]["due_at_door"]),
        sum(groups.iter().map(|g| amount(&g["due_at_door"])))
    );
    assert!(quote["expires_at"].is_string());
    assert!(
        quote["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("qte_"))
    );
}

#[tokio::test]
async fn buyers_in_ten_markets_quote_pay_and_follow_their_orders() {
    for app in TestApp::all().await {
        let (cn, us) = two_sellers(&app).await;
        // (destination, currency, a rule-id fragment every quote there must show)
        let markets = [
            ("DE", "EUR", "vat.de"),
            ("GB", "GBP", "vat.gb"),
            ("US", "USD", "tariff.us.6109"),
            ("AU", "AUD", "vat.au"),
            ("CA", "CAD", "vat.ca"),
            ("JP", "JPY", ""),
            ("SG", "SGD", "vat.sg"),
            ("CH", "CHF", "tariff.ch"),
            ("NO", "NOK", "vat.no"),
            ("CN", "CNY", "vat.cn"),
        ];
        for (country, currency, rule) in markets {
            let (_, buyer) = app.buyer(&format!("Buyer {country}"), country).await;
            // Cross-border only: a seller never ships into its own country.
            let lines: Vec<(&str, i64)> = [(&cn, "CN", 2), (&us, "US", 1)]
                .iter()
                .filter(|(_, home, _)| *home != country)
                .map(|(listing, _, quantity)| (listing.product_id.as_str(), *quantity))
                .collect();
            let quote = app.quote(Some(&buyer), country, &lines).await;
            assert_eq!(quote.status, 201, "{country}: {}", quote.body);
            let quote = quote.body;
            assert_consistent(&quote);
            assert_eq!(quote["totals"]["currency"], currency, "{country}");
            assert_eq!(
                quote["groups"].as_array().map(Vec::len),
                Some(lines.len()),
                "{country}"
            );
            let rules: Vec<String> = quote["groups"]
                .as_array()
                .expect("groups")
                .iter()
                .flat_map(|g| {
                    g["duty_lines"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .chain(g["tax_lines"].as_array().into_iter().flatten())
                })
                .filter_map(|line| line["rule"].as_str().map(str::to_lowercase))
                .collect();
            if rule.is_empty() {
                // Japan: two T-shirts are far below ¥10,000 at 60 % of the price.
                assert!(rules.is_empty(), "{country}: {rules:?}");
            } else {
                assert!(
                    rules.iter().any(|r| r.contains(rule)),
                    "{country}: expected a rule like '{rule}' in {rules:?}"
                );
            }
            assert!(!quote["fx"].as_array().expect("fx").is_empty(), "{country}");

            // Read back unchanged.
            let again = app
                .get(
                    &format!("/api/v1/checkout/quotes/{}", quote["id"].as_str().unwrap()),
                    Some(&buyer),
                )
                .await;
            assert_eq!(again.body["totals"], quote["totals"]);

            let placed = app
                .order(&buyer, quote["id"].as_str().unwrap(), GOOD_CARD)
                .await;
            assert_eq!(placed.status, 201, "{country}: {}", placed.body);
            assert_eq!(placed.body["payment"]["status"], "authorized");
            assert_eq!(placed.body["payment"]["card_last4"], "4242");
            assert_eq!(
                placed.body["payment"]["amount"],
                quote["totals"]["collected_now"]
            );
            let orders = placed.body["orders"].as_array().expect("orders").clone();
            assert_eq!(orders.len(), lines.len());
            for order in &orders {
                assert_eq!(order["status"], "pending_payment");
            }
            // Paid only when the capture notification arrives.
            let captured = app
                .notify(
                    &placed.body["payment"],
                    "payment.captured",
                    &format!("evt_capture_{country}"),
                    PAYMENT_SECRET,
                    0,
                )
                .await;
            assert_eq!(captured.status, 200, "{}", captured.body);
            let order = &orders[0];
            let id = order["id"].as_str().unwrap();
            let seller_token = if order["seller_id"] == cn.seller_id.as_str() {
                &cn.token
            } else {
                &us.token
            };
            assert_eq!(app.order_status(&buyer, id).await, "paid");
            for step in ["fulfil", "ship", "deliver"] {
                let reply = app
                    .request(
                        "POST",
                        &format!("/api/v1/orders/{id}/{step}"),
                        Some(seller_token),
                        None,
                        &[],
                    )
                    .await;
                assert_eq!(reply.status, 200, "{step}: {}", reply.body);
            }
            let done = app
                .request(
                    "POST",
                    &format!("/api/v1/orders/{id}/complete"),
                    Some(&buyer),
                    Some(json!({"reason": "arrived fine"})),
                    &[],
                )
                .await;
            assert_eq!(done.status, 200, "{}", done.body);
            assert_eq!(done.body["status"], "completed");
            let events = app
                .get(&format!("/api/v1/orders/{id}/events"), Some(&buyer))
                .await;
            let trail: Vec<&str> = events
                .body
                .as_array()
                .expect("events")
                .iter()
                .map(|e| e["to_status"].as_str().unwrap())
                .collect();
            assert_eq!(
                trail,
                [
                    "pending_payment",
                    "paid",
                    "fulfilling",
                    "shipped",
                    "delivered",
                    "completed"
                ]
            );
            assert!(
                events.body[1]["actor"]
                    .as_str()
                    .is_some_and(|a| a == "provider:test")
            );
        }
        // Reserved stock is exactly what open orders hold; shipped units left the shelf.
        let (on_hand, reserved, available) = app.stock(&cn).await;
        assert_eq!(reserved, open_reserved(&app, &cn).await);
        assert_eq!(available, on_hand - reserved);
        assert!(on_hand < 1_000);
        app.finish().await;
    }
}

/// Units still reserved by open orders of the listing (those not shipped yet).
async fn open_reserved(app: &TestApp, listing: &Listing) -> i64 {
    let orders = app
        .get("/api/v1/orders?limit=500", Some(&listing.token))
        .await;
    orders.body["data"]
        .as_array()
        .expect("orders")
        .iter()
        .filter(|o| {
            ["pending_payment", "paid", "fulfilling"].contains(&o["status"].as_str().unwrap())
        })
        .flat_map(|o| o["lines"].as_array().unwrap().clone())
        .map(|line| line["quantity"].as_i64().unwrap())
        .sum()
}

#[tokio::test]
async fn bad_carts_and_bad_orders_are_refused_and_write_nothing() {
    for app in TestApp::all().await {
        let (cn, _) = two_sellers(&app).await;
        let (_, buyer) = app.buyer("Erika", "DE").await;
        let heavy = app
            .listing(
                "Anvil Works",
                "CN",
                product("CN-ANVIL", "8205.59", "CN", 40_000, "300.00"),
                5,
            )
            .await;
        let mut bulk = product("CN-BULK", "6109.10", "CN", 180, "20.00");
        bulk["moq"] = json!(10);
        let created = app.post("/api/v1/products", Some(&cn.token), bulk).await;
        let bulk_id = created.body["id"].as_str().unwrap().to_string();

        let unknown = app
            .quote(Some(&buyer), "DE", &[("prd_01JD0000000000000000000000", 1)])
            .await;
        assert_problem(&unknown, 422, Some("lines[0].product_id"));
        let zero = app.quote(Some(&buyer), "DE", &[(&cn.product_id, 0)]).await;
        assert_problem(&zero, 422, Some("lines[0].quantity"));
        let below = app.quote(Some(&buyer), "DE", &[(&bulk_id, 9)]).await;
        assert_problem(&below, 422, Some("lines[0].quantity"));
        let nowhere = app.quote(Some(&buyer), "AQ", &[(&cn.product_id, 1)]).await;
        assert_problem(&nowhere, 422, Some("destination.country"));
        let domestic = app.quote(Some(&buyer), "CN", &[(&cn.product_id, 1)]).await;
        assert_problem(&domestic, 422, Some("destination.country"));
        let overweight = app
            .quote(Some(&buyer), "DE", &[(&heavy.product_id, 3)])
            .await;
        assert_problem(&overweight, 422, Some("shipping"));
        let empty = app.quote(Some(&buyer), "DE", &[]).await;
        assert_problem(&empty, 422, Some("lines"));
        let malformed = app
            .post(
                "/api/v1/checkout/quotes",
                Some(&buyer),
                json!({"destination": {"country": "DE"}, "lines": [{"product_id": 7}]}),
            )
            .await;
        assert!(malformed.status.is_client_error(), "{}", malformed.body);

        // A declined card: 402, nothing ordered, the quote still usable.
        let quote = app.quote(Some(&buyer), "DE", &[(&cn.product_id, 3)]).await;
        let quote_id = quote.body["id"].as_str().unwrap().to_string();
        let declined = app.order(&buyer, &quote_id, "4000000000000002").await;
        assert_problem(&declined, 402, None);
        let poor = app.order(&buyer, &quote_id, "4000000000009995").await;
        assert_problem(&poor, 402, None);
        let bad_number = app.order(&buyer, &quote_id, "4242424242424241").await;
        assert_problem(&bad_number, 422, Some("payment.card_number"));
        let listed = app.get("/api/v1/orders", Some(&buyer)).await;
        assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(0));
        assert_eq!(app.stock(&cn).await, (1_000, 0, 1_000));

        // Paid once; the same quote again is a conflict, and stock moved once.
        let first = app.order(&buyer, &quote_id, GOOD_CARD).await;
        assert_eq!(first.status, 201, "{}", first.body);
        let again = app.order(&buyer, &quote_id, GOOD_CARD).await;
        assert_problem(&again, 409, None);
        assert_eq!(app.stock(&cn).await, (1_000, 3, 997));

        // Another buyer cannot use (or see) this buyer's quote.
        let (_, other) = app.buyer("Mallory", "DE").await;
        let stolen = app.order(&other, &quote_id, GOOD_CARD).await;
        assert_problem(&stolen, 422, Some("quote_id"));
        assert_problem(
            &app.get(&format!("/api/v1/checkout/quotes/{quote_id}"), Some(&other))
                .await,
            404,
            None,
        );

        // Expired after 30 minutes.
        let late = app.quote(Some(&buyer), "DE", &[(&cn.product_id, 1)]).await;
        app.clock.advance(chrono::Duration::minutes(31));
        let expired = app
            .order(&buyer, late.body["id"].as_str().unwrap(), GOOD_CARD)
            .await;
        assert_problem(&expired, 422, Some("quote_id"));
        assert_eq!(app.stock(&cn).await, (1_000, 3, 997));

        // A day later the expired quotes are purged; the order keeps its own snapshot.
        app.clock.advance(chrono::Duration::days(1));
        assert!(app.app.purge_expired_quotes().await.expect("purge") >= 2);
        assert_problem(
            &app.get(&format!("/api/v1/checkout/quotes/{quote_id}"), Some(&buyer))
                .await,
            404,
            None,
        );
        let order_id = first.body["orders"][0]["id"].as_str().unwrap();
        let kept = app
            .get(&format!("/api/v1/orders/{order_id}"), Some(&buyer))
            .await;
        assert_eq!(kept.status, 200, "{}", kept.body);
        assert!(kept.body["snapshot"]["group"]["lines"].is_array());
        app.finish().await;
    }
}

#[tokio::test]
async fn the_buyer_chooses_dap_and_a_business_buyer_self_accounts_for_eu_vat() {
    for app in TestApp::all().await {
        let (cn, _) = two_sellers(&app).await;
        let (_, buyer) = app.buyer("Joe", "US").await;
        let cart = json!([{"product_id": cn.product_id, "quantity": 3}]);
        let quote = |incoterm: &str| {
            json!({"destination": {"country": "US", "postal_code": "10001"}, "lines": cart,
                "incoterm": incoterm,
                "shipping": [{"seller_id": cn.seller_id, "service_id": "express.worldwide"}]})
        };
        let ddp = app
            .post("/api/v1/checkout/quotes", Some(&buyer), quote("DDP"))
            .await;
        assert_eq!(ddp.status, 201, "{}", ddp.body);
        let dap = app
            .post("/api/v1/checkout/quotes", Some(&buyer), quote("DAP"))
            .await;
        assert_eq!(dap.status, 201, "{}", dap.body);
        let (ddp, dap) = (&ddp.body["groups"][0], &dap.body["groups"][0]);
        assert_eq!(ddp["incoterm"], "DDP");
        assert_eq!(dap["incoterm"], "DAP");
        assert_eq!(amount(&ddp["due_at_door"]), rust_decimal::Decimal::ZERO);
        // The same duty either way; DAP moves it to the door with the carrier's fee.
        assert_eq!(ddp["duties"], dap["duties"]);
        assert!(
            amount(&dap["duties"]) > rust_decimal::Decimal::ZERO,
            "{dap}"
        );
        assert_eq!(
            amount(&dap["due_at_door"]),
            amount(&dap["duties"]) + amount(&dap["taxes"]) + amount(&dap["door_fees"][0]["amount"])
        );
        assert_eq!(
            amount(&ddp["collected_now"]) - amount(&dap["collected_now"]),
            amount(&ddp["duties"]) + amount(&ddp["taxes"])
        );
        // DDP with a carrier that cannot clear for the buyer is refused.
        let postal = app
            .post(
                "/api/v1/checkout/quotes",
                Some(&buyer),
                json!({"destination": {"country": "US"}, "lines": cart, "incoterm": "DDP",
                    "shipping": [{"seller_id": cn.seller_id, "service_id": "postal.economy"}]}),
            )
            .await;
        assert_problem(&postal, 422, Some("incoterm"));

        // A German business with a valid VAT number: no IOSS VAT, reverse charge noted.
        let business = app
            .post(
                "/api/v1/buyers",
                Some(&app.admin),
                json!({"name": "Muster GmbH", "country": "DE", "kind": "business",
                    "vat_id": "DE136695976"}),
            )
            .await;
        assert_eq!(business.status, 201, "{}", business.body);
        let token = app
            .post(
                "/api/v1/tokens",
                Some(&app.admin),
                json!({"role": "buyer", "buyer_id": business.body["id"]}),
            )
            .await;
        let token = token.body["token"].as_str().unwrap().to_string();
        let b2b = app.quote(Some(&token), "DE", &[(&cn.product_id, 2)]).await;
        let consumer = app.quote(None, "DE", &[(&cn.product_id, 2)]).await;
        assert_eq!(b2b.status, 201, "{}", b2b.body);
        assert!(
            b2b.body["groups"][0]["tax_lines"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert!(
            b2b.body["groups"][0]["notes"]
                .to_string()
                .to_lowercase()
                .contains("reverse"),
            "{}",
            b2b.body["groups"][0]["notes"]
        );
        assert!(
            !consumer.body["groups"][0]["tax_lines"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_test_provider_confirms_captures_on_its_own() {
    let app = TestApp::configured(silkroute_store_tests::TestDatabase::sqlite().await, true).await;
    let (cn, _) = two_sellers(&app).await;
    let (_, buyer) = app.buyer("Auto", "GB").await;
    let quote = app.quote(Some(&buyer), "GB", &[(&cn.product_id, 1)]).await;
    let placed = app
        .order(&buyer, quote.body["id"].as_str().unwrap(), GOOD_CARD)
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let id = placed.body["orders"][0]["id"].as_str().unwrap().to_string();
    let mut status = String::new();
    for _ in 0..100 {
        status = app.order_status(&buyer, &id).await;
        if status == "paid" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status, "paid");
    app.finish().await;
}

#[tokio::test]
async fn voec_parcels_carry_no_duty_and_excise_goods_are_not_sold_duty_paid() {
    for app in TestApp::all().await {
        let backend = app.backend();
        let (cn, _) = two_sellers(&app).await;
        // A T-shirt to Norway: VOEC VAT at checkout, no customs duty (issue 14: it was 10.7 %).
        let norway = app.quote(None, "NO", &[(&cn.product_id, 2)]).await;
        assert_eq!(norway.status, 201, "{backend}: {}", norway.body);
        let group = &norway.body["groups"][0];
        assert_eq!(group["incoterm"], "DDP", "{group}");
        assert_eq!(group["duty_lines"], json!([]), "{group}");
        assert_eq!(amount(&group["duties"]), rust_decimal::Decimal::ZERO);
        assert!(amount(&group["taxes"]) > rust_decimal::Decimal::ZERO);
        assert_consistent(&norway.body);

        // Wine from the same seller to Germany: excise goods are outside IOSS, so the parcel is
        // DAP and the quote says why, naming the request's line.
        let created = app
            .post(
                "/api/v1/products",
                Some(&cn.token),
                product("CN-WINE", "2204.21", "CN", 1_300, "120.00"),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        let wine = created.body["id"].as_str().expect("id").to_string();
        let quote = app
            .quote(None, "DE", &[(&cn.product_id, 1), (&wine, 1)])
            .await;
        assert_eq!(quote.status, 201, "{}", quote.body);
        let group = &quote.body["groups"][0];
        assert_eq!(group["incoterm"], "DAP", "{group}");
        let excluded = &group["exclusions"][0];
        assert_eq!(excluded["line"], 1, "{group}");
        assert_eq!(excluded["rule"], "exclusion.eu.ioss_excise");
        assert_eq!(excluded["excluded_from"], "seller_collection");
        assert!(excluded["reason"].as_str().is_some_and(|r| !r.is_empty()));
        assert!(amount(&group["due_at_door"]) > rust_decimal::Decimal::ZERO);
        assert_consistent(&quote.body);

        // Asked for DDP, the same cart is refused: 422 on `incoterm`, with the line and reason.
        let ddp = app
            .post(
                "/api/v1/checkout/quotes",
                None,
                json!({"destination": {"country": "DE"}, "incoterm": "DDP",
                    "lines": [{"product_id": cn.product_id, "quantity": 1},
                              {"product_id": wine, "quantity": 1}]}),
            )
            .await;
        assert_problem(&ddp, 422, Some("incoterm"));
        assert!(
            ddp.body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("lines[1] (HS 220421)") && m.contains("excise")),
            "{}",
            ddp.body
        );
        app.finish().await;
    }
}
