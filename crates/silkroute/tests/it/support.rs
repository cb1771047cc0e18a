//! `TestApp`: the real router on a fresh database, driven in-process with `tower::oneshot`.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use serde_json::Value;
use silkroute_app::demo::{DemoOptions, DemoOrderOptions};
use silkroute_app::{App, AppConfig, ManualClock, Role};
use silkroute_store_tests::TestDatabase;
use tower::ServiceExt;

/// ECB rows kept for tests: the ISK gap's edges, a 2012 day inside it, and 2024 onwards.
fn trimmed_ecb_snapshot() -> String {
    let full = silkroute_app::ECB_SNAPSHOT;
    let keep = |line: &str| {
        line.starts_with("Date")
            || line.starts_with("2008-1")
            || line.starts_with("2012-05")
            || line.starts_with("2018-0")
            || line.starts_with("2024")
            || line.starts_with("2025")
            || line.starts_with("2026")
    };
    full.lines()
        .filter(|line| keep(line))
        .collect::<Vec<_>>()
        .join("\n")
}

pub struct TestApp {
    pub router: Router,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub database: Option<TestDatabase>,
    pub admin: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl TestApp {
    pub async fn on(database: TestDatabase) -> TestApp {
        TestApp::configured(database, false).await
    }

    /// `deliver_payment_notifications`: whether the test PSP sends its own notifications.
    pub async fn configured(
        database: TestDatabase,
        deliver_payment_notifications: bool,
    ) -> TestApp {
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 10, 30, 12, 0, 0)
                .single()
                .expect("time"),
        ));
        // Usually the tests send payment notifications themselves, signed, when they want them.
        // The platform's IOSS number of the documents crate's sample, printed on invoices.
        let config = AppConfig {
            deliver_payment_notifications,
            fulfilment: silkroute_app::FulfilmentConfig {
                platform_ioss_number: Some("IM2760000742".to_string()),
                ..silkroute_app::FulfilmentConfig::default()
            },
            ..AppConfig::default()
        };
        let app = App::new(database.store.clone(), clock.clone(), config);
        app.import_fx_csv(&trimmed_ecb_snapshot(), |_, _| {})
            .await
            .expect("fx");
        app.prepare().await.expect("prepare");
        let admin = app
            .create_token(Role::Admin, None, None, "test admin")
            .await
            .expect("admin")
            .token;
        let router = silkroute_http::router(app.clone(), silkroute_http_config());
        TestApp {
            router,
            app,
            clock,
            database: Some(database),
            admin,
        }
    }

    /// One app per available backend.
    pub async fn all() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for database in TestDatabase::all().await {
            apps.push(TestApp::on(database).await);
        }
        apps
    }

    pub fn backend(&self) -> &'static str {
        self.app.backend()
    }

    pub async fn request(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        let request = match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        }
        .expect("request");
        self.send(request).await
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        send_to(&self.router, request).await
    }

    /// The same app behind routers configured otherwise (a deployment's HTTP settings): the
    /// API and the metrics-only router.
    pub fn routers_with(&self, config: silkroute_http::HttpConfig) -> (Router, Router) {
        silkroute_http::routers(self.app.clone(), config)
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Reply {
        self.request("GET", uri, token, None, &[]).await
    }

    pub async fn post(&self, uri: &str, token: Option<&str>, body: Value) -> Reply {
        self.request("POST", uri, token, Some(body), &[]).await
    }

    pub async fn patch(&self, uri: &str, token: Option<&str>, body: Value) -> Reply {
        self.request("PATCH", uri, token, Some(body), &[]).await
    }

    /// Creates a seller through the API and a token bound to it: (seller id, token).
    pub async fn seller(&self, name: &str, country: &str) -> (String, String) {
        self.party_with_token(
            "seller",
            serde_json::json!({"name": name, "country": country}),
        )
        .await
    }

    /// Creates a buyer through the API and a token bound to it: (buyer id, token).
    pub async fn buyer(&self, name: &str, country: &str) -> (String, String) {
        self.party_with_token(
            "buyer",
            serde_json::json!({"name": name, "country": country}),
        )
        .await
    }

    async fn party_with_token(&self, role: &str, body: Value) -> (String, String) {
        let reply = self
            .post(&format!("/api/v1/{role}s"), Some(&self.admin), body)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        let id = reply.body["id"].as_str().expect("id").to_string();
        let token = self
            .post(
                "/api/v1/tokens",
                Some(&self.admin),
                serde_json::json!({"role": role, format!("{role}_id"): id}),
            )
            .await;
        assert_eq!(token.status, StatusCode::CREATED, "{:?}", token.body);
        (id, token.body["token"].as_str().expect("token").to_string())
    }

    /// The demo marketplace and its order history, as `silkroute demo` makes them, small.
    pub async fn demo(&self, marketplace: DemoOptions, orders: DemoOrderOptions) {
        self.app
            .generate_demo(&marketplace, |_, _, _| {})
            .await
            .expect("demo");
        self.app
            .generate_demo_orders(&orders, |_, _, _| {})
            .await
            .expect("demo orders");
    }

    pub async fn finish(mut self) {
        if let Some(database) = self.database.take() {
            database.cleanup().await;
        }
    }
}

/// Sends a request through a router and reads the whole reply.
pub async fn send_to(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.expect("response");

    let status = response.status();
    let headers = response.headers().clone();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Reply {
        status,
        content_type,
        headers,
        body,
    }
}

fn silkroute_http_config() -> silkroute_http::HttpConfig {
    silkroute_http::HttpConfig {
        body_limit_bytes: 64 * 1024,
        request_timeout: std::time::Duration::from_secs(30),
        client_address_header: Some("x-forwarded-for".to_string()),
        ..silkroute_http::HttpConfig::default()
    }
}

pub fn shirt(sku: &str) -> Value {
    serde_json::json!({
        "sku": sku,
        "titles": {"en": "Cotton T-Shirt", "de": "Baumwoll-T-Shirt"},
        "category": "apparel.tops",
        "hs_code": "6109.10",
        "origin_country": "CN",
        "weight_g": 180,
        "dimensions_mm": {"length": 300, "width": 200, "height": 30},
        "gtin": "4006381333931",
        "base_price": "99.00",
        "unit_cost": "35.50"
    })
}

/// Asserts an RFC 9457 problem with the given status, and a field error on `field` if given.
pub fn assert_problem(reply: &Reply, status: u16, field: Option<&str>) {
    assert_eq!(reply.status.as_u16(), status, "body: {}", reply.body);
    assert_eq!(
        reply.content_type, "application/problem+json",
        "body: {}",
        reply.body
    );
    assert_eq!(reply.body["status"].as_u64(), Some(u64::from(status)));
    assert!(reply.body["type"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(reply.body["title"].as_str().is_some());
    if let Some(field) = field {
        let fields: Vec<&str> = reply.body["errors"]
            .as_array()
            .map(|errors| errors.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            fields.contains(&field),
            "expected a field error on {field}, got {}",
            reply.body
        );
    }
}

/// The test provider's signing secret (the default configuration).
pub const PAYMENT_SECRET: &str = "whsec_silkroute_test";
pub const GOOD_CARD: &str = "4242424242424242";

/// A seller with one product in stock: (seller id, seller token, product id, warehouse id).
pub struct Listing {
    pub seller_id: String,
    pub token: String,
    pub product_id: String,
    pub warehouse_id: String,
}

impl TestApp {
    /// A seller in `country` listing `product` with `stock` units in a home warehouse.
    pub async fn listing(&self, name: &str, country: &str, product: Value, stock: i64) -> Listing {
        let (seller_id, token) = self.seller(name, country).await;
        let created = self.post("/api/v1/products", Some(&token), product).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        let product_id = created.body["id"].as_str().expect("id").to_string();
        let warehouse = self
            .post(
                "/api/v1/warehouses",
                Some(&token),
                serde_json::json!({"name": format!("{name} home"), "country": country}),
            )
            .await;
        assert_eq!(
            warehouse.status,
            StatusCode::CREATED,
            "{:?}",
            warehouse.body
        );
        let warehouse_id = warehouse.body["id"].as_str().expect("id").to_string();
        let received = self
            .post(
                "/api/v1/stock/movements",
                Some(&token),
                serde_json::json!({"product_id": product_id, "warehouse_id": warehouse_id,
                    "kind": "receipt", "quantity": stock}),
            )
            .await;
        assert_eq!(received.status, StatusCode::CREATED, "{:?}", received.body);
        Listing {
            seller_id,
            token,
            product_id,
            warehouse_id,
        }
    }

    /// The product's stock as (on hand, reserved, available), summed over warehouses.
    pub async fn stock(&self, listing: &Listing) -> (i64, i64, i64) {
        let reply = self
            .get(
                &format!("/api/v1/stock?product_id={}", listing.product_id),
                Some(&listing.token),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let rows = reply.body.as_array().expect("levels");
        let sum = |key: &str| rows.iter().map(|r| r[key].as_i64().expect("n")).sum();
        (sum("on_hand"), sum("reserved"), sum("available"))
    }

    /// A quote for `lines` (product id, quantity) to `country`, as `buyer`.
    pub async fn quote(&self, buyer: Option<&str>, country: &str, lines: &[(&str, i64)]) -> Reply {
        let lines: Vec<Value> = lines
            .iter()
            .map(|(id, quantity)| serde_json::json!({"product_id": id, "quantity": quantity}))
            .collect();
        self.post(
            "/api/v1/checkout/quotes",
            buyer,
            serde_json::json!({"destination": {"country": country}, "lines": lines}),
        )
        .await
    }

    pub async fn order(&self, buyer: &str, quote_id: &str, card: &str) -> Reply {
        self.post(
            "/api/v1/orders",
            Some(buyer),
            serde_json::json!({"quote_id": quote_id,
                "payment": {"provider": "test", "card_number": card}}),
        )
        .await
    }

    /// Sends the provider's notification of `kind` for a payment, signed `age_secs` ago with
    /// `secret`, under the event id `event_id`.
    pub async fn notify(
        &self,
        payment: &Value,
        kind: &str,
        event_id: &str,
        secret: &str,
        age_secs: i64,
    ) -> Reply {
        let created = self.app.now().timestamp() - age_secs;
        let body = serde_json::json!({
            "id": event_id,
            "type": kind,
            "payment_id": payment["id"],
            "provider_reference": payment["provider_reference"],
            "amount": payment["amount"],
            "created": created,
        })
        .to_string();
        let signature =
            silkroute_domain::payment::sign(secret.as_bytes(), created, body.as_bytes());
        let request = Request::builder()
            .method("POST")
            .uri("/api/v1/payments/webhooks/test")
            .header(header::CONTENT_TYPE, "application/json")
            .header("Silkroute-Signature", signature)
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    pub async fn order_status(&self, token: &str, order_id: &str) -> String {
        let reply = self
            .get(&format!("/api/v1/orders/{order_id}"), Some(token))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        reply.body["status"].as_str().expect("status").to_string()
    }
}

/// A product JSON like `shirt` with another HS code, weight and price.
pub fn product(sku: &str, hs_code: &str, origin: &str, weight_g: u32, price: &str) -> Value {
    let mut value = shirt(sku);
    value["hs_code"] = Value::from(hs_code);
    value["origin_country"] = Value::from(origin);
    value["weight_g"] = Value::from(weight_g);
    value["base_price"] = Value::from(price);
    value["gtin"] = Value::Null;
    value
}
