//! The buyers' address book through the router on every backend: valid addresses of four postal
//! systems, every invalid one a 422 naming its field with nothing stored, the default moving with
//! each write, the tenant wall (another buyer and any seller find nothing; an admin finds all),
//! the limit, the idempotent POST and the public address forms.

use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

fn us() -> Value {
    json!({"recipient": "Ana Lima", "street_lines": ["1 Infinite Loop"], "city": "Cupertino",
           "state": "california", "postal_code": "95014", "country": "US"})
}

fn de() -> Value {
    json!({"recipient": "Erika Mustermann", "street_lines": ["Unter den Linden 1"],
           "city": "Berlin", "postal_code": "10117", "country": "DE"})
}

fn jp() -> Value {
    json!({"recipient": "山田太郎", "street_lines": ["神宮前1-2-3"], "city": "渋谷区",
           "state": "東京都", "postal_code": "150-0001", "country": "JP"})
}

fn cn() -> Value {
    json!({"recipient": "王芳", "street_lines": ["天河路385号"], "city": "广州市",
           "state": "Guangdong Sheng", "postal_code": "510620", "country": "CN"})
}

async fn stored(app: &TestApp, buyer_id: &str, token: &str) -> Vec<Value> {
    let reply = app
        .get(&format!("/api/v1/buyers/{buyer_id}/addresses"), Some(token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["data"].as_array().expect("data").clone()
}

/// Ids are ULIDs of the app's clock, which stands still in tests: a second between creations
/// keeps "oldest first" the order they were made in.
fn tick(app: &TestApp) {
    app.clock.advance(chrono::Duration::seconds(1));
}

fn default_ids(addresses: &[Value]) -> Vec<String> {
    addresses
        .iter()
        .filter(|address| address["is_default"] == true)
        .map(|address| address["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn buyers_keep_valid_addresses_of_every_postal_system() {
    for app in TestApp::all().await {
        let (buyer_id, buyer) = app.buyer("Ana Lima", "US").await;
        let book = format!("/api/v1/buyers/{buyer_id}/addresses");
        let mut ids = Vec::new();
        for (label, address) in [
            ("Home", us()),
            ("Berlin", de()),
            ("Tokyo", jp()),
            ("Guangzhou", cn()),
        ] {
            tick(&app);
            let reply = app
                .post(
                    &book,
                    Some(&buyer),
                    json!({"label": label, "address": address}),
                )
                .await;
            assert_eq!(
                reply.status,
                201,
                "{} {label}: {}",
                app.backend(),
                reply.body
            );
            assert!(
                reply.body["id"]
                    .as_str()
                    .is_some_and(|id| id.starts_with("adr_"))
            );
            assert_eq!(reply.body["buyer_id"], buyer_id.as_str());
            assert_eq!(reply.body["label"], label);
            ids.push(reply.body["id"].as_str().expect("id").to_string());
        }
        let addresses = stored(&app, &buyer_id, &buyer).await;
        assert_eq!(addresses.len(), 4);
        // Normalised once: the US state as its key, the Chinese one by its key too.
        assert_eq!(addresses[0]["address"]["state"], "CA");
        assert_eq!(addresses[3]["address"]["state"], "广东省");
        assert_eq!(addresses[2]["lines"][0], "〒150-0001");
        assert!(
            addresses[1]["lines"]
                .as_array()
                .expect("lines")
                .iter()
                .any(|line| line == "10117 BERLIN" || line == "10117 Berlin"),
            "{}",
            addresses[1]
        );
        // The first address is the default.
        assert_eq!(default_ids(&addresses), vec![ids[0].clone()]);

        let one = app.get(&format!("{book}/{}", ids[1]), Some(&buyer)).await;
        assert_eq!(one.status, 200, "{}", one.body);
        assert_eq!(one.body["address"]["city"], "Berlin");
        app.finish().await;
    }
}

#[tokio::test]
async fn an_invalid_address_is_a_422_naming_each_field_and_stores_nothing() {
    for app in TestApp::all().await {
        let (buyer_id, buyer) = app.buyer("Ana Lima", "US").await;
        let book = format!("/api/v1/buyers/{buyer_id}/addresses");
        let mut missing_state = us();
        missing_state["state"] = Value::Null;
        let mut bad_postal_code = de();
        bad_postal_code["postal_code"] = json!("1011");
        let mut unknown_state = us();
        unknown_state["state"] = json!("Narnia");
        let mut missing_city = de();
        missing_city["city"] = Value::Null;
        for (address, field) in [
            (missing_state, "address.state"),
            (bad_postal_code, "address.postal_code"),
            (unknown_state, "address.state"),
            (missing_city, "address.city"),
        ] {
            let reply = app
                .post(
                    &book,
                    Some(&buyer),
                    json!({"label": "Home", "address": address}),
                )
                .await;
            assert_problem(&reply, 422, Some(field));
        }
        // Every problem at once: the label and two address fields.
        let mut two_problems = de();
        two_problems["postal_code"] = json!("ABCDE");
        two_problems["recipient"] = json!("");
        let reply = app
            .post(
                &book,
                Some(&buyer),
                json!({"label": " ", "address": two_problems}),
            )
            .await;
        assert_problem(&reply, 422, Some("label"));
        assert_problem(&reply, 422, Some("address.postal_code"));
        assert_problem(&reply, 422, Some("address.recipient"));
        assert_problem(
            &app.post(&book, Some(&buyer), json!({"label": "Home"}))
                .await,
            422,
            Some("address"),
        );
        // A key the address does not have is refused, not dropped.
        let mut typo = de();
        typo["postcode"] = json!("10117");
        let reply = app
            .post(
                &book,
                Some(&buyer),
                json!({"label": "Home", "address": typo}),
            )
            .await;
        assert!(
            [400, 422].contains(&reply.status.as_u16()),
            "{}",
            reply.body
        );
        assert!(
            reply.body.to_string().contains("postcode"),
            "{}",
            reply.body
        );
        assert!(stored(&app, &buyer_id, &buyer).await.is_empty());

        // A PATCH with an invalid address changes nothing either.
        let created = app
            .post(
                &book,
                Some(&buyer),
                json!({"label": "Home", "address": us()}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        let address_id = created.body["id"].as_str().expect("id");
        let mut wrong_zip = us();
        wrong_zip["postal_code"] = json!("10001");
        assert_problem(
            &app.patch(
                &format!("{book}/{address_id}"),
                Some(&buyer),
                json!({"label": "Changed", "address": wrong_zip}),
            )
            .await,
            422,
            Some("address.postal_code"),
        );
        let after = stored(&app, &buyer_id, &buyer).await;
        assert_eq!(after[0]["label"], "Home");
        assert_eq!(after[0]["address"]["postal_code"], "95014");
        app.finish().await;
    }
}

#[tokio::test]
async fn only_the_buyer_and_admins_reach_a_book() {
    for app in TestApp::all().await {
        let (buyer_id, buyer) = app.buyer("Ana Lima", "US").await;
        let (other_id, other) = app.buyer("Bo Chen", "CN").await;
        let (_, seller) = app.seller("Shop Ltd", "GB").await;
        let book = format!("/api/v1/buyers/{buyer_id}/addresses");
        let created = app
            .post(
                &book,
                Some(&buyer),
                json!({"label": "Home", "address": us()}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        let address = format!("{book}/{}", created.body["id"].as_str().expect("id"));

        // Another buyer, and any seller, find nothing: the same 404 as an unknown id. Addresses
        // are personal data a seller learns only from an order shipped to one.
        for token in [&other, &seller] {
            assert_problem(&app.get(&book, Some(token)).await, 404, None);
            assert_problem(&app.get(&address, Some(token)).await, 404, None);
            assert_problem(
                &app.patch(&address, Some(token), json!({"label": "Mine"}))
                    .await,
                404,
                None,
            );
            assert_problem(
                &app.request("DELETE", &address, Some(token), None, &[])
                    .await,
                404,
                None,
            );
            assert_problem(
                &app.post(
                    &book,
                    Some(token),
                    json!({"label": "Sneaky", "address": us()}),
                )
                .await,
                404,
                None,
            );
        }
        // The other buyer's own book does not open this one's address either.
        let through_own = format!(
            "/api/v1/buyers/{other_id}/addresses/{}",
            created.body["id"].as_str().expect("id")
        );
        assert_problem(&app.get(&through_own, Some(&other)).await, 404, None);
        assert_problem(&app.get(&book, None).await, 401, None);

        // An admin reads and changes any buyer's book.
        let admin = app.admin.clone();
        let read = app.get(&address, Some(&admin)).await;
        assert_eq!(read.status, 200, "{}", read.body);
        let renamed = app
            .patch(&address, Some(&admin), json!({"label": "House"}))
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.body);
        assert_eq!(renamed.body["label"], "House");
        assert_problem(
            &app.get(
                "/api/v1/buyers/buy_01JD0000000000000000000000/addresses",
                Some(&admin),
            )
            .await,
            404,
            None,
        );
        assert_eq!(stored(&app, &buyer_id, &buyer).await.len(), 1);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_default_moves_with_each_write() {
    for app in TestApp::all().await {
        let (buyer_id, buyer) = app.buyer("Ana Lima", "US").await;
        let book = format!("/api/v1/buyers/{buyer_id}/addresses");
        let mut ids = Vec::new();
        for (label, address) in [("Home", us()), ("Office", de()), ("Parents", jp())] {
            tick(&app);
            let reply = app
                .post(
                    &book,
                    Some(&buyer),
                    json!({"label": label, "address": address}),
                )
                .await;
            assert_eq!(reply.status, 201, "{}", reply.body);
            ids.push(reply.body["id"].as_str().expect("id").to_string());
        }
        assert_eq!(
            default_ids(&stored(&app, &buyer_id, &buyer).await),
            vec![ids[0].clone()]
        );

        // Making another the default takes the flag from the first.
        let switched = app
            .patch(
                &format!("{book}/{}", ids[1]),
                Some(&buyer),
                json!({"is_default": true}),
            )
            .await;
        assert_eq!(switched.status, 200, "{}", switched.body);
        assert_eq!(switched.body["is_default"], true);
        assert_eq!(
            default_ids(&stored(&app, &buyer_id, &buyer).await),
            vec![ids[1].clone()]
        );

        // A new address asked to be the default takes it too.
        tick(&app);
        let fourth = app
            .post(
                &book,
                Some(&buyer),
                json!({"label": "Shop", "address": cn(), "is_default": true}),
            )
            .await;
        assert_eq!(fourth.status, 201, "{}", fourth.body);
        let fourth_id = fourth.body["id"].as_str().expect("id").to_string();
        assert_eq!(
            default_ids(&stored(&app, &buyer_id, &buyer).await),
            vec![fourth_id.clone()]
        );

        // The default cannot be switched off, only moved.
        assert_problem(
            &app.patch(
                &format!("{book}/{fourth_id}"),
                Some(&buyer),
                json!({"is_default": false}),
            )
            .await,
            422,
            Some("is_default"),
        );

        // Deleting the default hands it to the oldest remaining address.
        let deleted = app
            .request(
                "DELETE",
                &format!("{book}/{fourth_id}"),
                Some(&buyer),
                None,
                &[],
            )
            .await;
        assert_eq!(deleted.status, 204, "{}", deleted.body);
        assert_problem(
            &app.get(&format!("{book}/{fourth_id}"), Some(&buyer)).await,
            404,
            None,
        );
        assert_eq!(
            default_ids(&stored(&app, &buyer_id, &buyer).await),
            vec![ids[0].clone()]
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_replayed_post_saves_one_address() {
    for app in TestApp::all().await {
        let (buyer_id, buyer) = app.buyer("Ana Lima", "US").await;
        let book = format!("/api/v1/buyers/{buyer_id}/addresses");
        let body = json!({"label": "Home", "address": de()});
        let key = [("Idempotency-Key", "address-home-1")];
        let first = app
            .request("POST", &book, Some(&buyer), Some(body.clone()), &key)
            .await;
        assert_eq!(first.status, 201, "{}", first.body);
        let again = app
            .request("POST", &book, Some(&buyer), Some(body), &key)
            .await;
        assert_eq!(again.status, 201, "{}", again.body);
        assert_eq!(again.body, first.body);
        assert_eq!(
            again
                .headers
                .get("idempotency-replayed")
                .and_then(|value| value.to_str().ok()),
            Some("true")
        );
        assert_eq!(stored(&app, &buyer_id, &buyer).await.len(), 1);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_buyer_keeps_at_most_fifty_addresses() {
    for app in TestApp::all().await {
        let (buyer_id, buyer) = app.buyer("Ana Lima", "US").await;
        let book = format!("/api/v1/buyers/{buyer_id}/addresses");
        for n in 0..50 {
            let reply = app
                .post(
                    &book,
                    Some(&buyer),
                    json!({"label": format!("Address {n}"), "address": de()}),
                )
                .await;
            assert_eq!(reply.status, 201, "{}", reply.body);
        }
        let refused = app
            .post(
                &book,
                Some(&buyer),
                json!({"label": "One more", "address": de()}),
            )
            .await;
        assert_problem(&refused, 409, None);
        assert!(
            refused.body["detail"]
                .as_str()
                .is_some_and(|detail| detail.contains("50 addresses")),
            "{}",
            refused.body
        );
        let page = app.get(&format!("{book}?limit=500"), Some(&buyer)).await;
        assert_eq!(page.body["data"].as_array().expect("data").len(), 50);
        app.finish().await;
    }
}

#[tokio::test]
async fn address_forms_are_public() {
    for app in TestApp::all().await {
        let reply = app.get("/api/v1/address-formats/JP", None).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["country"], "JP");
        for field in ["fields", "required", "states"] {
            assert!(
                reply.body[field]
                    .as_array()
                    .is_some_and(|items| !items.is_empty()),
                "{field}: {}",
                reply.body
            );
        }
        assert!(
            reply.body["states"]
                .as_array()
                .expect("states")
                .iter()
                .any(|state| state["key"] == "東京都")
        );
        assert!(reply.body["postal_code_example"].as_str().is_some());
        let us = app.get("/api/v1/address-formats/usa", None).await;
        assert_eq!(us.status, 200, "{}", us.body);
        assert_eq!(us.body["country"], "US");
        assert_problem(
            &app.get("/api/v1/address-formats/XX", None).await,
            404,
            None,
        );
        app.finish().await;
    }
}
