//! API conventions: problem+json everywhere, idempotency keys, pagination, OpenAPI coverage,
//! health and metrics, body limits.

use axum::body::Body;
use axum::http::Request;
use serde_json::json;

use crate::support::{TestApp, assert_problem, shirt};

#[tokio::test]
async fn conventions_hold_on_every_backend() {
    for app in TestApp::all().await {
        let backend = app.backend();
        assert_eq!(app.get("/healthz", None).await.status, 200);
        assert_eq!(app.get("/readyz", None).await.status, 200);
        let reply = app.get("/api/v1/currencies", None).await;
        assert!(
            reply.headers.get("x-request-id").is_some(),
            "request ids are echoed"
        );
        let metrics = app.get("/metrics", None).await;
        let text = metrics.body.as_str().unwrap_or_default().to_string();
        assert!(text.contains("silkroute_http_requests_total{method=\"GET\",route=\"/api/v1/currencies\",status=\"200\"}"), "{text}");

        // Unknown routes and methods are problems too.
        assert_problem(&app.get("/api/v1/nope", None).await, 404, None);
        assert_problem(
            &app.request("DELETE", "/api/v1/currencies", None, None, &[])
                .await,
            405,
            None,
        );

        // Authentication.
        assert_problem(&app.get("/api/v1/sellers", None).await, 401, None);
        assert_problem(
            &app.get("/api/v1/sellers", Some("srk_wrong")).await,
            401,
            None,
        );
        assert_problem(
            &app.get("/api/v1/sellers", Some("garbage")).await,
            401,
            None,
        );
        let (seller_id, seller) = app.seller("Harbor Goods", "US").await;
        assert_problem(&app.get("/api/v1/sellers", Some(&seller)).await, 403, None);

        // Malformed bodies.
        let malformed = app
            .send(
                Request::post("/api/v1/products")
                    .header("authorization", format!("Bearer {seller}"))
                    .header("content-type", "application/json")
                    .body(Body::from("{\"sku\": "))
                    .expect("request"),
            )
            .await;
        assert_problem(&malformed, 400, None);
        let not_json = app
            .send(
                Request::post("/api/v1/products")
                    .header("authorization", format!("Bearer {seller}"))
                    .header("content-type", "text/plain")
                    .body(Body::from("sku=1"))
                    .expect("request"),
            )
            .await;
        assert_problem(&not_json, 415, None);
        let mut huge = shirt("BIG");
        huge["titles"]["en"] = json!("x".repeat(100 * 1024));
        assert_problem(
            &app.post("/api/v1/products", Some(&seller), huge).await,
            413,
            None,
        );
        let huge_keyed = app
            .request(
                "POST",
                "/api/v1/products",
                Some(&seller),
                Some(json!({"pad": "y".repeat(100 * 1024)})),
                &[("idempotency-key", "big")],
            )
            .await;
        assert_problem(&huge_keyed, 413, None);

        // Idempotency: a replay returns the first response and writes nothing new.
        let key = [("idempotency-key", "create-shirt-1")];
        let first = app
            .request(
                "POST",
                "/api/v1/products",
                Some(&seller),
                Some(shirt("IDEM-1")),
                &key,
            )
            .await;
        assert_eq!(first.status, 201, "{backend}: {}", first.body);
        let replay = app
            .request(
                "POST",
                "/api/v1/products",
                Some(&seller),
                Some(shirt("IDEM-1")),
                &key,
            )
            .await;
        assert_eq!(replay.status, 201);
        assert_eq!(replay.body, first.body);
        assert_eq!(
            replay
                .headers
                .get("idempotency-replayed")
                .map(|v| v.to_str().unwrap_or_default()),
            Some("true")
        );
        let other_body = app
            .request(
                "POST",
                "/api/v1/products",
                Some(&seller),
                Some(shirt("IDEM-2")),
                &key,
            )
            .await;
        assert_problem(&other_body, 422, Some("Idempotency-Key"));
        let listed = app.get("/api/v1/products", Some(&seller)).await;
        assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1));
        // Failed requests are replayed as failures, too.
        let bad_key = [("idempotency-key", "bad-1")];
        let mut bad = shirt("BAD");
        bad["hs_code"] = json!("000001");
        let failed = app
            .request(
                "POST",
                "/api/v1/products",
                Some(&seller),
                Some(bad.clone()),
                &bad_key,
            )
            .await;
        assert_problem(&failed, 422, Some("hs_code"));
        let failed_again = app
            .request(
                "POST",
                "/api/v1/products",
                Some(&seller),
                Some(bad),
                &bad_key,
            )
            .await;
        assert_eq!(failed_again.body, failed.body);

        // Cursor pagination walks every product exactly once.
        for n in 0..5 {
            let reply = app
                .post(
                    "/api/v1/products",
                    Some(&seller),
                    shirt(&format!("PAGE-{n}")),
                )
                .await;
            assert_eq!(reply.status, 201);
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let uri = match &cursor {
                Some(cursor) => format!("/api/v1/products?limit=2&cursor={cursor}"),
                None => "/api/v1/products?limit=2".to_string(),
            };
            let page = app.get(&uri, Some(&seller)).await;
            for item in page.body["data"].as_array().expect("data") {
                seen.push(item["id"].as_str().expect("id").to_string());
            }
            match page.body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 6);
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 6);
        assert_problem(
            &app.get("/api/v1/products?limit=501", Some(&seller)).await,
            422,
            Some("limit"),
        );
        assert_problem(
            &app.get("/api/v1/products?bogus=1", Some(&seller)).await,
            400,
            None,
        );

        // Tokens can be revoked.
        let token = app
            .post(
                "/api/v1/tokens",
                Some(&app.admin),
                json!({"role": "seller", "seller_id": seller_id}),
            )
            .await;
        let secret = token.body["token"].as_str().expect("token").to_string();
        let id = token.body["id"].as_str().expect("id").to_string();
        assert_eq!(app.get("/api/v1/products", Some(&secret)).await.status, 200);
        assert_eq!(
            app.request(
                "DELETE",
                &format!("/api/v1/tokens/{id}"),
                Some(&app.admin),
                None,
                &[]
            )
            .await
            .status,
            204
        );
        assert_problem(&app.get("/api/v1/products", Some(&secret)).await, 401, None);
        assert_problem(
            &app.post(
                "/api/v1/tokens",
                Some(&app.admin),
                json!({"role": "seller"}),
            )
            .await,
            422,
            Some("seller_id"),
        );
        assert_problem(
            &app.post("/api/v1/tokens", Some(&app.admin), json!({"role": "king"}))
                .await,
            422,
            Some("role"),
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let apps = TestApp::all().await;
    let app = &apps[0];
    let document = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(document.status, 200);
    assert!(
        document.body["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    let paths = document.body["paths"].as_object().expect("paths");
    let expected = [
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/currencies", "get"),
        ("/api/v1/countries", "get"),
        ("/api/v1/categories", "get"),
        ("/api/v1/fx/rates", "get"),
        ("/api/v1/fx/convert", "get"),
        ("/api/v1/markets", "get"),
        ("/api/v1/markets/{country}", "get"),
        ("/api/v1/identifiers/validate", "get"),
        ("/api/v1/sellers", "get"),
        ("/api/v1/sellers", "post"),
        ("/api/v1/sellers/{id}", "get"),
        ("/api/v1/buyers", "get"),
        ("/api/v1/buyers", "post"),
        ("/api/v1/buyers/{id}", "get"),
        ("/api/v1/products", "get"),
        ("/api/v1/products", "post"),
        ("/api/v1/products/{id}", "get"),
        ("/api/v1/products/{id}", "patch"),
        ("/api/v1/catalog", "get"),
        ("/api/v1/shipping/services", "get"),
        ("/api/v1/landed-cost", "post"),
        ("/api/v1/shipping/rates", "post"),
        ("/api/v1/tokens", "post"),
        ("/api/v1/tokens/{id}", "delete"),
        ("/api/v1/checkout/quotes", "post"),
        ("/api/v1/checkout/quotes/{id}", "get"),
        ("/api/v1/orders", "post"),
        ("/api/v1/orders", "get"),
        ("/api/v1/orders/{id}", "get"),
        ("/api/v1/orders/{id}/events", "get"),
        ("/api/v1/orders/{id}/cancel", "post"),
        ("/api/v1/orders/{id}/fulfil", "post"),
        ("/api/v1/orders/{id}/ship", "post"),
        ("/api/v1/orders/{id}/deliver", "post"),
        ("/api/v1/orders/{id}/complete", "post"),
        ("/api/v1/orders/{id}/refund-request", "post"),
        ("/api/v1/orders/{id}/refund-request/decline", "post"),
        ("/api/v1/orders/{id}/refunds", "post"),
        ("/api/v1/orders/{id}/returns", "post"),
        ("/api/v1/returns/{id}/{action}", "post"),
        ("/api/v1/payments/webhooks/{provider}", "post"),
        ("/api/v1/warehouses", "get"),
        ("/api/v1/warehouses", "post"),
        ("/api/v1/stock/movements", "post"),
        ("/api/v1/stock", "get"),
        ("/api/v1/events", "post"),
    ];
    for (path, method) in expected {
        assert!(
            paths.get(path).and_then(|item| item.get(method)).is_some(),
            "{method} {path} missing from OpenAPI"
        );
    }
    // And every documented operation is routed: none answers "no such route".
    for (path, item) in paths {
        for method in item.as_object().expect("item").keys() {
            let uri = path
                .replace("{country}", "DE")
                .replace("{id}", "sel_01JD6Z0000000000000000000A");
            let reply = app
                .request(&method.to_uppercase(), &uri, None, None, &[])
                .await;
            let slug = reply.body["type"].as_str().unwrap_or_default();
            assert!(
                !slug.ends_with("no-such-route") && !slug.ends_with("method-not-allowed"),
                "{method} {path} is documented but not routed"
            );
        }
    }
    for app in apps {
        app.finish().await;
    }
}
