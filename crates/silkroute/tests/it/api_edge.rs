//! The HTTP edge: a body over the limit is a 413 problem on every route, a body that is not
//! JSON a 415, JSON with bytes after the value a 400, NUL or a bidi control in any string of a
//! body, a query or a path id a 422 naming the field, an undocumented query parameter a 400 —
//! whichever route is asked, and on both databases.

use axum::body::{Body, Bytes};
use axum::http::Request;
use http_body_util::{BodyExt, Full};
use serde_json::json;

use crate::support::{TestApp, assert_problem, send_to, shirt};

/// The test router's body limit (see `support`), and a body just past it.
const LIMIT: usize = 64 * 1024;

fn oversized() -> String {
    format!("{{\"pad\": \"{}\"}}", "x".repeat(LIMIT))
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_problem_on_every_route() {
    for app in TestApp::all().await {
        let backend = app.backend();
        let (_, seller) = app.seller("Limit Goods", "DE").await;
        // Routes that read no body at all, one that reads an optional one, the idempotency
        // layer, the signed webhook and a route that does not exist.
        let routes = [
            ("GET", "/healthz", None, None),
            ("GET", "/api/v1/currencies", None, None),
            ("GET", "/api/v1/products", Some(seller.as_str()), None),
            (
                "POST",
                "/api/v1/orders/ord_01JD6Z0000000000000000000A/cancel",
                Some(seller.as_str()),
                None,
            ),
            (
                "POST",
                "/api/v1/products",
                Some(seller.as_str()),
                Some("big-1"),
            ),
            ("POST", "/api/v1/payments/webhooks/test", None, None),
            ("POST", "/api/v1/nowhere", None, None),
        ];
        for (method, uri, token, key) in routes {
            for declared in [true, false] {
                let body = oversized();
                let mut request = Request::builder()
                    .method(method)
                    .uri(uri)
                    .header("content-type", "application/json");
                if declared {
                    request = request.header("content-length", body.len());
                }
                if let Some(token) = token {
                    request = request.header("authorization", format!("Bearer {token}"));
                }
                if let Some(key) = key {
                    request = request.header("idempotency-key", key);
                }
                // Without a declared length the body is a stream whose size nobody knows.
                let body = if declared {
                    Body::from(body)
                } else {
                    Body::new(Full::new(Bytes::from(body)).map_frame(|frame| frame))
                };
                let reply = app.send(request.body(body).expect("request")).await;
                assert_eq!(
                    reply.status.as_u16(),
                    413,
                    "{backend}: {method} {uri} (length declared: {declared}): {}",
                    reply.body
                );
                assert_problem(&reply, 413, None);
            }
        }
        // A body just under the limit reaches the handler, which judges the title on its own.
        let mut product = shirt("FITS");
        product["titles"]["de"] = json!("y".repeat(LIMIT - 1024));
        let fits = app.post("/api/v1/products", Some(&seller), product).await;
        assert_problem(&fits, 422, Some("titles.de"));
        app.finish().await;
    }
}

#[tokio::test]
async fn bodies_must_be_json_and_nothing_after_it() {
    for app in TestApp::all().await {
        let backend = app.backend();
        let (_, seller) = app.seller("Syntax Goods", "DE").await;
        let send = |content_type: &'static str, body: String| {
            Request::post("/api/v1/products")
                .header("authorization", format!("Bearer {seller}"))
                .header("content-type", content_type)
                .body(Body::from(body))
                .expect("request")
        };
        let valid = shirt("JSON-1").to_string();
        for content_type in [
            "text/plain",
            "application/jsonx",
            "application/x-www-form-urlencoded",
        ] {
            let reply = app.send(send(content_type, valid.clone())).await;
            assert_problem(&reply, 415, None);
        }
        for trailing in [
            format!("{valid} x"),
            format!("{valid}{{}}"),
            format!("{valid}]"),
        ] {
            let reply = app.send(send("application/json", trailing)).await;
            assert_problem(&reply, 400, None);
            assert!(
                reply.body["detail"]
                    .as_str()
                    .is_some_and(|detail| detail.contains("trailing")),
                "{backend}: {}",
                reply.body
            );
        }
        // The payment webhook reads its body as bytes, for the signature, but JSON all the same.
        let webhook = app
            .send(
                Request::post("/api/v1/payments/webhooks/test")
                    .header("content-type", "text/plain")
                    .header("silkroute-signature", "t=1,v1=00")
                    .body(Body::from("{}"))
                    .expect("request"),
            )
            .await;
        assert_problem(&webhook, 415, None);
        // Whitespace after the value is no trailing data, and the charset parameter is fine.
        let spaced = app
            .send(send(
                "application/json; charset=utf-8",
                format!("{valid} \n\t "),
            ))
            .await;
        assert_eq!(spaced.status, 201, "{backend}: {}", spaced.body);
        app.finish().await;
    }
}

#[tokio::test]
async fn nul_and_bidi_controls_are_refused_in_bodies_queries_and_ids() {
    for app in TestApp::all().await {
        let backend = app.backend();
        let admin = app.admin.clone();
        // In a body: a top-level name, a nested value, an object key.
        for (name, field) in [
            ("Acme\u{0}Trading", "name"),
            ("Acme \u{202E}gnidarT", "name"),
            ("\u{2066}Acme\u{2069}", "name"),
            ("Acme\u{200F}", "name"),
            ("Acme\u{061C}", "name"),
        ] {
            let reply = app
                .post(
                    "/api/v1/sellers",
                    Some(&admin),
                    json!({"name": name, "country": "DE"}),
                )
                .await;
            assert_problem(&reply, 422, Some(field));
        }
        let quote = app
            .post(
                "/api/v1/checkout/quotes",
                None,
                json!({"destination": {"country": "DE"},
                    "lines": [{"product_id": "prd_\u{202D}x", "quantity": 1}]}),
            )
            .await;
        assert_problem(&quote, 422, Some("lines[0].product_id"));
        let (_, seller) = app.seller("Keys Goods", "DE").await;
        let mut product = shirt("KEY-1");
        product["titles"]["e\u{202A}n"] = json!("Shirt");
        let keyed = app.post("/api/v1/products", Some(&seller), product).await;
        assert_problem(&keyed, 422, Some("titles.e\\u{202A}n"));
        // Nothing was written.
        let sellers = app.get("/api/v1/sellers?limit=500", Some(&admin)).await;
        let names: Vec<&str> = sellers.body["data"]
            .as_array()
            .expect("sellers")
            .iter()
            .filter_map(|s| s["name"].as_str())
            .collect();
        assert!(
            !names.iter().any(|name| name.contains("Acme")),
            "{backend}: {names:?}"
        );
        // In a query: percent-encoded NUL and RLO.
        assert_problem(
            &app.get("/api/v1/catalog?market=DE&lang=de%00", None).await,
            422,
            Some("lang"),
        );
        assert_problem(
            &app.get("/api/v1/catalog?market=DE&cursor=%E2%80%AEx", None)
                .await,
            422,
            Some("cursor"),
        );
        // In a path id.
        assert_problem(
            &app.get("/api/v1/orders/ord_%00", Some(&admin)).await,
            422,
            Some("id"),
        );
        assert_problem(
            &app.get("/api/v1/markets/%E2%81%A6DE", None).await,
            422,
            Some("country"),
        );
        // Ordinary right-to-left text is text.
        let arabic = app
            .post(
                "/api/v1/sellers",
                Some(&admin),
                json!({"name": "متجر الحرير", "country": "AE"}),
            )
            .await;
        assert_eq!(arabic.status, 201, "{backend}: {}", arabic.body);
        app.finish().await;
    }
}

#[tokio::test]
async fn each_operation_refuses_the_query_parameters_it_does_not_take() {
    for app in TestApp::all().await {
        let (seller_id, seller) = app.seller("Query Goods", "DE").await;
        // A parameter another analytics view reads is unknown here.
        for uri in [
            "/api/v1/analytics/forecast?from=2026-10-01".to_string(),
            "/api/v1/analytics/products?currency=EUR".to_string(),
            "/api/v1/analytics/store/overview?metric=visitors".to_string(),
            "/api/v1/analytics/store/overview?seller_id=x".to_string(),
            "/api/v1/currencies?limit=5".to_string(),
            format!("/api/v1/sellers/{seller_id}?expand=all"),
        ] {
            let reply = app.get(&uri, Some(&seller)).await;
            assert_problem(&reply, 400, None);
            let field = reply.body["errors"][0]["field"]
                .as_str()
                .unwrap_or_default();
            assert!(uri.contains(&format!("?{field}=")), "{uri}: {}", reply.body);
        }
        // A value of the wrong type, or out of range, is a 422 naming the parameter.
        for (uri, field) in [
            ("/api/v1/products?limit=abc", "limit"),
            ("/api/v1/products?limit=0", "limit"),
            ("/api/v1/orders?limit=-1", "limit"),
            ("/api/v1/fx/rates?date=2026-13-01", "date"),
            (
                "/api/v1/fx/convert?amount=1&from=EUR&to=USD&mode=loose",
                "mode",
            ),
            ("/api/v1/identifiers/validate?kind=isbn&value=1", "kind"),
            (
                "/api/v1/analytics/forecast?lead_time_days=366",
                "lead_time_days",
            ),
            ("/api/v1/analytics/store/overview?market=", "market"),
            ("/api/v1/analytics/store/overview?currency=", "currency"),
        ] {
            assert_problem(&app.get(uri, Some(&seller)).await, 422, Some(field));
        }
        // A required parameter left out is named too.
        assert_problem(
            &app.get("/api/v1/identifiers/validate?value=1", None).await,
            422,
            Some("kind"),
        );
        app.finish().await;
    }
}

/// Found by fuzzing: values at the ends of their types overflowed arithmetic (a panic, so a
/// dropped connection) instead of being refused.
#[tokio::test]
async fn numbers_and_days_at_the_ends_of_their_types_are_refused_not_overflowed() {
    for app in TestApp::all().await {
        let listing = app.listing("Edge Goods", "DE", shirt("EDGE-1"), 5).await;
        // |i64::MIN| does not fit an i64.
        for quantity in [i64::MIN, i64::MAX, -10_000_001] {
            let reply = app
                .post(
                    "/api/v1/stock/movements",
                    Some(&listing.token),
                    json!({"product_id": listing.product_id, "warehouse_id": listing.warehouse_id,
                        "kind": "adjust", "quantity": quantity}),
                )
                .await;
            assert_problem(&reply, 422, Some("quantity"));
        }
        // Days far from now overflowed a report's previous period; a day is four-digit
        // YYYY-MM-DD everywhere, as the document says.
        for period in [
            "from=-262143-01-01&to=-262143-01-05",
            "from=+262143-12-25&to=+262143-12-31",
            "from=2026-3-5",
        ] {
            for view in ["store/overview", "customers", "industry/categories"] {
                let reply = app
                    .get(
                        &format!("/api/v1/analytics/{view}?{period}"),
                        Some(&listing.token),
                    )
                    .await;
                assert_problem(&reply, 422, Some("from"));
            }
        }
        let landed = app
            .post(
                "/api/v1/landed-cost",
                None,
                json!({"destination": "DE", "origin": "CN", "date": "-262143-01-01",
                    "lines": [{"hs_code": "610910", "quantity": 1, "description": "T-shirt",
                        "unit_value": {"amount": "15.00", "currency": "EUR"}}],
                    "freight": {"amount": "10.00", "currency": "EUR"}}),
            )
            .await;
        assert_problem(&landed, 422, Some("date"));
        assert_problem(
            &app.get("/api/v1/orders?from=2026-1-1", Some(&listing.token))
                .await,
            422,
            Some("from"),
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_request_past_its_deadline_is_a_503_problem_with_retry_after() {
    for app in TestApp::all().await {
        let backend = app.backend();
        let (router, _) = app.routers_with(silkroute_http::HttpConfig {
            request_timeout: std::time::Duration::from_millis(200),
            ..silkroute_http::HttpConfig::default()
        });
        // A client that starts a body and never finishes it holds the request open.
        let stalled = futures_util::stream::pending::<Result<Bytes, std::io::Error>>();
        let request = Request::builder()
            .method("POST")
            .uri("/api/v1/landed-cost")
            .header("content-type", "application/json")
            .body(Body::from_stream(stalled))
            .expect("request");
        let started = std::time::Instant::now();
        let reply = send_to(&router, request).await;
        assert_problem(&reply, 503, None);
        assert_eq!(
            reply.body["type"], "https://silkroute.dev/problems/timeout",
            "{backend}"
        );
        assert_eq!(reply.headers["retry-after"], "1", "{backend}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{backend}"
        );
        app.finish().await;
    }
}
