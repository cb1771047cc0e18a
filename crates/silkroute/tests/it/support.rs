//! `TestApp`: the real router on a fresh database, driven in-process with `tower::oneshot`.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use serde_json::Value;
use silkroute_app::{App, AppConfig, FixedClock, Role};
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
        let clock = FixedClock(
            Utc.with_ymd_and_hms(2026, 10, 30, 12, 0, 0)
                .single()
                .expect("time"),
        );
        // Payment notifications are sent by the tests themselves, signed, when they want them.
        let config = AppConfig {
            deliver_payment_notifications: false,
            ..AppConfig::default()
        };
        let app = App::new(database.store.clone(), Arc::new(clock), config);
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
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
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

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Reply {
        self.request("GET", uri, token, None, &[]).await
    }

    pub async fn post(&self, uri: &str, token: Option<&str>, body: Value) -> Reply {
        self.request("POST", uri, token, Some(body), &[]).await
    }

    pub async fn patch(&self, uri: &str, token: Option<&str>, body: Value) -> Reply {
        self.request("PATCH", uri, token, Some(body), &[]).await
    }

    /// Creates a seller through the API and a token bound to it.
    pub async fn seller(&self, name: &str, country: &str) -> (String, String) {
        let reply = self
            .post(
                "/api/v1/sellers",
                Some(&self.admin),
                serde_json::json!({"name": name, "country": country}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        let id = reply.body["id"].as_str().expect("id").to_string();
        let token = self
            .post(
                "/api/v1/tokens",
                Some(&self.admin),
                serde_json::json!({"role": "seller", "seller_id": id}),
            )
            .await;
        assert_eq!(token.status, StatusCode::CREATED, "{:?}", token.body);
        (id, token.body["token"].as_str().expect("token").to_string())
    }

    pub async fn finish(mut self) {
        if let Some(database) = self.database.take() {
            database.cleanup().await;
        }
    }
}

fn silkroute_http_config() -> silkroute_http::HttpConfig {
    silkroute_http::HttpConfig {
        body_limit_bytes: 64 * 1024,
        request_timeout: std::time::Duration::from_secs(30),
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
