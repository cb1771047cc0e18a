//! The seller center: sign-in, sessions and CSRF through the router, then every page in a real
//! headless Chromium driven over the W3C WebDriver protocol (chromedriver), checking that the
//! figures on screen are the API's, that charts are drawn and that no script fails. Screenshots
//! land in `target/seller-center-screenshots/`.
//!
//! Without Chromium and chromedriver the browser test is skipped with a message, unless
//! `SILKROUTE_TEST_REQUIRE_CHROMIUM=1` (set by CI), when it fails.

mod browser;
mod webdriver;

use std::path::{Path, PathBuf};
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::support::{GOOD_CARD, PAYMENT_SECRET, Reply, TestApp, product, send_to};

const FROM: &str = "2026-10-01";
const TO: &str = "2026-10-30";

fn header(reply: &Reply, name: &str) -> String {
    reply
        .headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The value of `name=` in a `Set-Cookie` header.
fn set_cookie_value(reply: &Reply, name: &str) -> Option<String> {
    header(reply, "set-cookie")
        .lines()
        .filter_map(|line| line.split(';').next()?.split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

/// The hidden CSRF field of the first form on an HTML page.
fn csrf_field(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
    html[start..].split('"').next().expect("value").to_string()
}

fn html(reply: &Reply) -> &str {
    reply.body.as_str().unwrap_or_default()
}

async fn form_post(
    app: &TestApp,
    path: &str,
    cookie: &str,
    body: &str,
    extra: &[(&str, &str)],
) -> Reply {
    let mut request = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "127.0.0.1:8080");
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::from(body.to_string())).expect("request"))
        .await
}

async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str, bearer: Option<&str>) -> Reply {
    let authorization = bearer.map(|token| format!("Bearer {token}"));
    let mut extra = vec![("cookie", cookie)];
    if let Some(authorization) = &authorization {
        extra.push(("authorization", authorization));
    }
    app.request("GET", path, None, None, &extra).await
}

/// The nonce cookie and CSRF field of a sign-in form page.
fn next_form(page: &Reply) -> (String, String) {
    let nonce = set_cookie_value(page, "silkroute_login_nonce").expect("a new nonce cookie");
    (
        format!("silkroute_login_nonce={nonce}"),
        csrf_field(html(page)),
    )
}

/// A new browser's sign-in form.
async fn fresh_form(app: &TestApp) -> (String, String) {
    next_form(&app.get("/seller/login", None).await)
}

/// Signs in through the form and returns the session cookie (`silkroute_session=…`).
async fn sign_in(app: &TestApp, token: &str) -> String {
    let form = app.get("/seller/login", None).await;
    let nonce = set_cookie_value(&form, "silkroute_login_nonce").expect("nonce cookie");
    let csrf = csrf_field(html(&form));
    let reply = form_post(
        app,
        "/seller/login",
        &format!("silkroute_login_nonce={nonce}"),
        &format!("token={token}&csrf={csrf}"),
        &[],
    )
    .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    format!(
        "silkroute_session={}",
        set_cookie_value(&reply, "silkroute_session").expect("session cookie")
    )
}

#[tokio::test]
async fn seller_center_sessions_csrf_and_cookie_reads() {
    for app in TestApp::all().await {
        let (_, seller) = app.seller("Harbor Goods", "CN").await;
        let (_, other) = app.seller("Other Shop", "DE").await;
        let (_, buyer) = app.buyer("Anna", "DE").await;
        assert_eq!(
            app.post(
                "/api/v1/products",
                Some(&other),
                product("OS-1", "4202.22", "DE", 600, "50.00")
            )
            .await
            .status,
            201
        );

        // No session: every page sends the browser to the sign-in form.
        for path in ["/seller", "/seller/products", "/seller/forecast"] {
            let reply = app.get(path, None).await;
            assert_eq!(reply.status, 303, "{path}");
            assert_eq!(header(&reply, "location"), "/seller/login");
        }
        let form = app.get("/seller/login", None).await;
        assert_eq!(form.status, 200);
        assert!(header(&form, "content-security-policy").contains("default-src 'self'"));
        assert!(
            html(&form).contains("not available yet"),
            "says there are no passwords"
        );
        let nonce = set_cookie_value(&form, "silkroute_login_nonce").expect("nonce");
        let nonce_cookie = format!("silkroute_login_nonce={nonce}");
        let csrf = csrf_field(html(&form));

        // CSRF: missing, wrong, or without its cookie (a cross-site post has none) → 403.
        let login = |token: &str, csrf: &str| format!("token={token}&csrf={csrf}");
        for (cookie, body) in [
            (nonce_cookie.as_str(), login(&seller, "")),
            (nonce_cookie.as_str(), login(&seller, &"0".repeat(64))),
            ("", login(&seller, &csrf)),
        ] {
            let reply = form_post(&app, "/seller/login", cookie, &body, &[]).await;
            assert_eq!(reply.status, 403, "{cookie} {body}");
        }
        // A token from another browser's form (another nonce) does not fit this one's cookie.
        let elsewhere = app.get("/seller/login", None).await;
        let elsewhere_nonce = set_cookie_value(&elsewhere, "silkroute_login_nonce").expect("nonce");
        let mixed = form_post(
            &app,
            "/seller/login",
            &format!("silkroute_login_nonce={elsewhere_nonce}"),
            &login(&seller, &csrf),
            &[],
        )
        .await;
        assert_eq!(mixed.status, 403);
        // A post from another origin is refused even with a valid form.
        for origin in [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ] {
            let cross = form_post(
                &app,
                "/seller/login",
                &nonce_cookie,
                &login(&seller, &csrf),
                &[origin],
            )
            .await;
            assert_eq!(cross.status, 403, "{origin:?}");
        }
        // A bad token is the form again with a 401, with a new nonce: the attempt spent the old
        // one, and posting the same form again is refused as a replay.
        let bad = form_post(
            &app,
            "/seller/login",
            &nonce_cookie,
            &login("srk_nope", &csrf),
            &[("origin", "http://127.0.0.1:8080")],
        )
        .await;
        assert_eq!(bad.status, 401);
        assert!(html(&bad).contains("id=\"login-error\""), "{}", bad.body);
        assert!(html(&bad).contains("name=\"token\""));
        let replayed = form_post(
            &app,
            "/seller/login",
            &nonce_cookie,
            &login(&seller, &csrf),
            &[],
        )
        .await;
        assert_eq!(
            replayed.status, 403,
            "a spent login form is not accepted again"
        );
        let (nonce_cookie, csrf) = next_form(&bad);
        assert!(header(&bad, "set-cookie").contains("Max-Age=3600"));
        let as_buyer = form_post(
            &app,
            "/seller/login",
            &nonce_cookie,
            &login(&buyer, &csrf),
            &[],
        )
        .await;
        assert_eq!(as_buyer.status, 403);
        let (nonce_cookie, csrf) = next_form(&as_buyer);

        // A good token: a session cookie, HttpOnly and SameSite=Strict, Secure only over HTTPS.
        let signed = form_post(
            &app,
            "/seller/login",
            &nonce_cookie,
            &login(&seller, &csrf),
            &[],
        )
        .await;
        assert_eq!(signed.status, 303, "{}", signed.body);
        assert_eq!(header(&signed, "location"), "/seller");
        let set_cookie = header(&signed, "set-cookie");
        assert!(
            set_cookie.contains("HttpOnly; SameSite=Strict"),
            "{set_cookie}"
        );
        assert!(!set_cookie.contains("Secure"), "{set_cookie}");
        let (nonce_cookie, csrf) = fresh_form(&app).await;
        let over_https = form_post(
            &app,
            "/seller/login",
            &nonce_cookie,
            &login(&seller, &csrf),
            &[("x-forwarded-proto", "https")],
        )
        .await;
        assert!(header(&over_https, "set-cookie").contains("; Secure"));
        let session = format!(
            "silkroute_session={}",
            set_cookie_value(&signed, "silkroute_session").expect("session")
        );

        let page = get_with_cookie(&app, "/seller", &session, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(html(&page).contains("Harbor Goods"));
        assert!(html(&page).contains("data-scope=\"seller\""));
        assert!(
            html(&page).contains("value=\"2026-10-01\""),
            "defaults end on the app's today"
        );
        let policy = header(&page, "content-security-policy");
        assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"));
        assert_eq!(header(&page, "cache-control"), "no-store");

        // The cookie authenticates GETs only; a bearer header wins over it.
        let own = get_with_cookie(&app, "/api/v1/products", &session, None).await;
        assert_eq!(own.status, 200, "{}", own.body);
        assert_eq!(own.body["data"].as_array().map(Vec::len), Some(0));
        let theirs = get_with_cookie(&app, "/api/v1/products", &session, Some(&other)).await;
        assert_eq!(theirs.body["data"].as_array().map(Vec::len), Some(1));
        let wrong_bearer = get_with_cookie(&app, "/api/v1/products", &session, Some("srk_x")).await;
        assert_eq!(wrong_bearer.status, 401);
        let write = app
            .request(
                "POST",
                "/api/v1/products",
                None,
                Some(product("HG-1", "4202.22", "CN", 600, "50.00")),
                &[("cookie", &session)],
            )
            .await;
        assert_eq!(write.status, 401, "a cookie never authorises a change");

        // Logout needs the session's CSRF token.
        let refused = form_post(&app, "/seller/logout", &session, "csrf=", &[]).await;
        assert_eq!(refused.status, 403);
        let other_session = sign_in(&app, &seller).await;
        let foreign_csrf = csrf_field(html(
            &get_with_cookie(&app, "/seller", &other_session, None).await,
        ));
        let refused = form_post(
            &app,
            "/seller/logout",
            &session,
            &format!("csrf={foreign_csrf}"),
            &[],
        )
        .await;
        assert_eq!(refused.status, 403, "another session's token does not fit");
        let out = form_post(
            &app,
            "/seller/logout",
            &session,
            &format!("csrf={}", csrf_field(html(&page))),
            &[],
        )
        .await;
        assert_eq!(out.status, 303);
        assert_eq!(header(&out, "location"), "/seller/login");
        assert_eq!(
            get_with_cookie(&app, "/seller", &session, None)
                .await
                .status,
            303
        );
        assert_eq!(
            get_with_cookie(&app, "/api/v1/products", &session, None)
                .await
                .status,
            401
        );
        assert_eq!(
            get_with_cookie(&app, "/seller", &other_session, None)
                .await
                .status,
            200
        );

        // An admin token signs in to the platform view, with a seller filter.
        let admin = sign_in(&app, &app.admin).await;
        let platform = get_with_cookie(&app, "/seller", &admin, None).await;
        assert!(html(&platform).contains("data-scope=\"platform\""));
        assert!(html(&platform).contains("name=\"seller\""));

        // Assets: embedded, typed, cached by fingerprint.
        let script = app
            .get("/seller/assets/vendor/uplot/uPlot.iife.min.js", None)
            .await;
        assert_eq!(script.status, 200);
        assert_eq!(script.content_type, "text/javascript; charset=utf-8");
        assert_eq!(header(&script, "cache-control"), "public, max-age=3600");
        let pinned_url = html(&page)
            .split('"')
            .find(|part| part.starts_with("/seller/assets/seller/seller.css?v="))
            .expect("fingerprinted stylesheet")
            .to_string();
        let pinned = app.get(&pinned_url, None).await;
        assert_eq!(pinned.content_type, "text/css; charset=utf-8");
        assert!(header(&pinned, "cache-control").contains("immutable"));
        let etag = header(&pinned, "etag");
        let again = app
            .request("GET", &pinned_url, None, None, &[("if-none-match", &etag)])
            .await;
        assert_eq!(again.status, 304);
        assert_eq!(app.get("/seller/assets/nope.js", None).await.status, 404);
        app.finish().await;
    }
}

/// A deployment behind `https://market.example`: every cookie is Secure even when the proxy says
/// nothing, forms are accepted only from that origin, and `/metrics` can move to its own
/// listener or ask for a token.
#[tokio::test]
async fn an_https_public_url_secures_cookies_forms_and_metrics() {
    for app in TestApp::all().await {
        let (_, seller) = app.seller("Harbor Goods", "CN").await;
        let (router, metrics) = app.routers_with(silkroute_http::HttpConfig {
            public_origin: Some("https://market.example".to_string()),
            secure_cookies: true,
            metrics: silkroute_http::MetricsAccess {
                separate_listener: true,
                token: Some("metrics-secret".to_string()),
            },
            ..silkroute_http::HttpConfig::default()
        });
        let get = |path: &str| Request::get(path).body(Body::empty()).expect("request");
        let form = send_to(&router, get("/seller/login")).await;
        let nonce_cookie = header(&form, "set-cookie");
        assert!(nonce_cookie.contains("; Secure"), "{nonce_cookie}");
        let (cookie, csrf) = next_form(&form);
        let post = |origin: &str| {
            Request::post("/seller/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("host", "10.0.0.5:8080")
                .header("origin", origin)
                .header("cookie", cookie.as_str())
                .body(Body::from(format!("token={seller}&csrf={csrf}")))
                .expect("request")
        };
        // The request's own host is not the public origin: refused.
        let internal = send_to(&router, post("http://10.0.0.5:8080")).await;
        assert_eq!(internal.status, 403);
        let signed = send_to(&router, post("https://market.example")).await;
        assert_eq!(signed.status, 303, "{}", signed.body);
        assert!(header(&signed, "set-cookie").contains("silkroute_session="));
        assert!(
            header(&signed, "set-cookie")
                .lines()
                .all(|line| line.ends_with("; Secure")),
            "{}",
            header(&signed, "set-cookie")
        );

        // Metrics: not on the API's listener; on their own, only with the token.
        let on_api = send_to(&router, get("/metrics")).await;
        assert_eq!(on_api.status, 404);
        assert_eq!(on_api.content_type, "application/problem+json");
        let anonymous = send_to(&metrics, get("/metrics")).await;
        assert_eq!(anonymous.status, 401);
        let wrong = Request::get("/metrics")
            .header("authorization", "Bearer nope")
            .body(Body::empty())
            .expect("request");
        assert_eq!(send_to(&metrics, wrong).await.status, 401);
        let right = Request::get("/metrics")
            .header("authorization", "Bearer metrics-secret")
            .body(Body::empty())
            .expect("request");
        let scraped = send_to(&metrics, right).await;
        assert_eq!(scraped.status, 200);
        assert!(
            scraped
                .body
                .as_str()
                .unwrap_or_default()
                .contains("silkroute_http_requests_total"),
            "{}",
            scraped.body
        );
        app.finish().await;
    }
}
