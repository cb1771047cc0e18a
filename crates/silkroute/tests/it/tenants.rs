//! The tenant wall: a seller's token reaches only that seller's data, on every route. Another
//! seller's records are "not found", never "forbidden", so their existence does not leak.

use serde_json::json;

use crate::support::{TestApp, assert_problem, shirt};

#[tokio::test]
async fn a_foreign_token_finds_nothing_on_any_route() {
    for app in TestApp::all().await {
        let (alice_id, alice) = app.seller("Alice Ltd", "GB").await;
        let (bob_id, bob) = app.seller("Bob GmbH", "DE").await;
        let product = app
            .post("/api/v1/products", Some(&alice), shirt("ALICE-1"))
            .await;
        assert_eq!(product.status, 201, "{}", product.body);
        let product_id = product.body["id"].as_str().expect("id").to_string();

        // Bob walks every route that names Alice's data.
        assert_problem(
            &app.get(&format!("/api/v1/products/{product_id}"), Some(&bob))
                .await,
            404,
            None,
        );
        assert_problem(
            &app.patch(
                &format!("/api/v1/products/{product_id}"),
                Some(&bob),
                json!({"weight_g": 1}),
            )
            .await,
            404,
            None,
        );
        assert_problem(
            &app.get(&format!("/api/v1/sellers/{alice_id}"), Some(&bob))
                .await,
            404,
            None,
        );
        assert_problem(
            &app.get(
                &format!("/api/v1/products?seller_id={alice_id}"),
                Some(&bob),
            )
            .await,
            404,
            None,
        );
        assert_problem(
            &app.post(
                &format!("/api/v1/products?seller_id={alice_id}"),
                Some(&bob),
                shirt("SNEAKY"),
            )
            .await,
            404,
            None,
        );
        let bobs = app.get("/api/v1/products", Some(&bob)).await;
        assert_eq!(bobs.body["data"].as_array().map(Vec::len), Some(0));
        // Admin-only routes are closed to sellers.
        assert_problem(&app.get("/api/v1/sellers", Some(&bob)).await, 403, None);
        assert_problem(&app.get("/api/v1/buyers", Some(&bob)).await, 403, None);
        assert_problem(
            &app.post(
                "/api/v1/sellers",
                Some(&bob),
                json!({"name": "X", "country": "DE"}),
            )
            .await,
            403,
            None,
        );
        assert_problem(
            &app.post(
                "/api/v1/tokens",
                Some(&bob),
                json!({"role": "seller", "seller_id": alice_id}),
            )
            .await,
            403,
            None,
        );
        // Nothing changed for Alice.
        let alice_view = app
            .get(&format!("/api/v1/products/{product_id}"), Some(&alice))
            .await;
        assert_eq!(alice_view.body["weight_g"], 180);
        assert_eq!(
            app.get(&format!("/api/v1/sellers/{bob_id}"), Some(&bob))
                .await
                .status,
            200
        );
        // A buyer manages no listings and sees no seller.
        let buyer = app
            .post(
                "/api/v1/buyers",
                Some(&app.admin),
                json!({"name": "Erika", "country": "DE"}),
            )
            .await;
        let buyer_id = buyer.body["id"].as_str().expect("id").to_string();
        let buyer_token = app
            .post(
                "/api/v1/tokens",
                Some(&app.admin),
                json!({"role": "buyer", "buyer_id": buyer_id}),
            )
            .await;
        let buyer_token = buyer_token.body["token"]
            .as_str()
            .expect("token")
            .to_string();
        assert_problem(
            &app.get(
                &format!("/api/v1/products/{product_id}"),
                Some(&buyer_token),
            )
            .await,
            404,
            None,
        );
        assert_problem(
            &app.get(&format!("/api/v1/sellers/{alice_id}"), Some(&buyer_token))
                .await,
            404,
            None,
        );
        assert_eq!(
            app.get(&format!("/api/v1/buyers/{buyer_id}"), Some(&buyer_token))
                .await
                .status,
            200
        );
        assert_problem(
            &app.get(&format!("/api/v1/buyers/{buyer_id}"), Some(&bob))
                .await,
            404,
            None,
        );
        // Admin sees everything.
        assert_eq!(
            app.get(&format!("/api/v1/products/{product_id}"), Some(&app.admin))
                .await
                .status,
            200
        );
        app.finish().await;
    }
}

/// Walks every documented route with another seller's token and every id Alice owns: nothing of
/// Alice's may come back, and nothing may change.
#[tokio::test]
async fn every_documented_route_keeps_a_foreign_seller_out() {
    for app in TestApp::all().await {
        let (alice_id, alice) = app.seller("Alice Ltd", "GB").await;
        let (_, bob) = app.seller("Bob GmbH", "DE").await;
        let product = app
            .post("/api/v1/products", Some(&alice), shirt("ALICE-SECRET"))
            .await;
        let product_id = product.body["id"].as_str().expect("id").to_string();
        let alice_ids = [alice_id.clone(), product_id.clone()];
        let document = app.get("/api/v1/openapi.json", None).await;
        let mut walked = 0;
        for (path, item) in document.body["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("item").keys() {
                let method = method.to_uppercase();
                let public = path == "/api/v1/catalog" || path == "/api/v1/openapi.json";
                if path.contains("{id}") {
                    for id in &alice_ids {
                        let uri = path.replace("{id}", id);
                        // A change that would be valid on a product; other actions take a reason.
                        let change = if path.starts_with("/api/v1/products") {
                            json!({"weight_g": 1})
                        } else {
                            json!({"reason": "sneaky"})
                        };
                        let body = (method != "GET" && method != "DELETE").then_some(change);
                        let reply = app.request(&method, &uri, Some(&bob), body, &[]).await;
                        assert!(
                            [401, 403, 404, 405].contains(&reply.status.as_u16()),
                            "{method} {uri} with a foreign token answered {}: {}",
                            reply.status,
                            reply.body
                        );
                        assert!(!reply.body.to_string().contains("ALICE-SECRET"));
                        walked += 1;
                    }
                } else if method == "GET" && !public {
                    let uri = path.replace("{country}", "GB");
                    let reply = app.get(&uri, Some(&bob)).await;
                    let text = reply.body.to_string();
                    assert!(
                        !text.contains("ALICE-SECRET") && !text.contains(&alice_id),
                        "GET {uri} leaked Alice's data: {text}"
                    );
                    walked += 1;
                }
            }
        }
        assert!(walked >= 15, "walked only {walked} routes");
        let still = app
            .get(&format!("/api/v1/products/{product_id}"), Some(&alice))
            .await;
        assert_eq!(still.body["weight_g"], 180, "nothing changed");
        app.finish().await;
    }
}
