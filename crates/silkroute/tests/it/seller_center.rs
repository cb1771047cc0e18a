//! The seller center: sign-in, sessions and CSRF through the router, then every page in a real
//! headless Chromium driven over the W3C WebDriver protocol (chromedriver), checking that the
//! figures on screen are the API's, that charts are drawn and that no script fails. Screenshots
//! land in `target/seller-center-screenshots/`.
//!
//! Without Chromium and chromedriver the browser test is skipped with a message, unless
//! `SILKROUTE_TEST_REQUIRE_CHROMIUM=1` (set by CI), when it fails.

mod webdriver;

use std::path::{Path, PathBuf};
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::support::{GOOD_CARD, PAYMENT_SECRET, Reply, TestApp, product};
use webdriver::Browser;

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
        // A bad token is the form again with a 401; a buyer token is refused.
        let bad = form_post(
            &app,
            "/seller/login",
            &nonce_cookie,
            &login("srk_nope", &csrf),
            &[],
        )
        .await;
        assert_eq!(bad.status, 401);
        assert!(html(&bad).contains("id=\"login-error\""), "{}", bad.body);
        assert!(html(&bad).contains("name=\"token\""));
        let as_buyer = form_post(
            &app,
            "/seller/login",
            &nonce_cookie,
            &login(&buyer, &csrf),
            &[],
        )
        .await;
        assert_eq!(as_buyer.status, 403);

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

// ---- the browser ------------------------------------------------------------------------------

/// Seeds a seller with traffic, paid orders and a second product, and a second seller.
struct Seeded {
    seller_token: String,
    other_seller_id: String,
}

async fn seed(app: &TestApp) -> Seeded {
    let shop = app
        .listing(
            "Harbor Goods",
            "CN",
            product("HG-LAMP", "9405.21", "CN", 900, "120.00"),
            50,
        )
        .await;
    let second = app
        .post(
            "/api/v1/products",
            Some(&shop.token),
            product("HG-MUG", "6912.00", "CN", 400, "35.00"),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.body);
    let other = app
        .listing(
            "Other Shop",
            "DE",
            product("OS-BAG", "4202.22", "DE", 600, "80.00"),
            10,
        )
        .await;
    let mut events = Vec::new();
    let visitors = [
        ("US", "organic_search"),
        ("US", "paid"),
        ("DE", "direct"),
        ("DE", "social"),
        ("GB", "organic_search"),
        ("FR", "email"),
        ("US", "direct"),
    ];
    for (n, (market, source)) in visitors.iter().enumerate() {
        for (kind, product_id) in [
            ("product_view", &shop.product_id),
            ("product_view", &shop.product_id),
            ("add_to_cart", &shop.product_id),
            ("product_view", &other.product_id),
        ] {
            if kind == "add_to_cart" && n % 2 == 1 {
                continue;
            }
            let device = if n % 3 == 0 { "mobile" } else { "desktop" };
            events.push(json!({
                "id": format!("event-{n:02}-{:04}", events.len()),
                "visitor_id": format!("visitor-{n:04}"),
                "session_id": format!("session-{n:04}"),
                "kind": kind,
                "product_id": product_id,
                "market": market,
                "source": source,
                "device": device,
                "at": format!("2026-10-{:02}T09:30:00Z", 24 + n % 6),
            }));
        }
    }
    let recorded = app
        .post("/api/v1/events", None, json!({"events": events}))
        .await;
    assert_eq!(recorded.status, 202, "{}", recorded.body);
    assert!(
        recorded.body["rejected"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "{}",
        recorded.body
    );
    for (n, (name, country, quantity)) in [("Anna", "DE", 2), ("Bob", "US", 1), ("Chloé", "FR", 3)]
        .into_iter()
        .enumerate()
    {
        let (_, buyer) = app.buyer(name, country).await;
        let quote = app
            .quote(Some(&buyer), country, &[(&shop.product_id, quantity)])
            .await;
        assert_eq!(quote.status, 201, "{}", quote.body);
        let order = app
            .order(&buyer, quote.body["id"].as_str().expect("quote"), GOOD_CARD)
            .await;
        assert_eq!(order.status, 201, "{}", order.body);
        if n < 2 {
            let paid = app
                .notify(
                    &order.body["payment"],
                    "payment.captured",
                    &format!("evt_paid_{n}"),
                    PAYMENT_SECRET,
                    0,
                )
                .await;
            assert_eq!(paid.status, 200, "{}", paid.body);
        }
    }
    Seeded {
        seller_token: shop.token,
        other_seller_id: other.seller_id,
    }
}

fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let first = |env: &str, candidates: &[&str]| {
        std::env::var_os(env)
            .map(PathBuf::from)
            .into_iter()
            .chain(candidates.iter().map(PathBuf::from))
            .find(|path| path.is_file())
    };
    Some((
        first(
            "SILKROUTE_TEST_CHROMIUM",
            &[
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ],
        )?,
        first(
            "SILKROUTE_TEST_CHROMEDRIVER",
            &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        )?,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seller_center_pages_render_in_headless_chromium() {
    let required = std::env::var("SILKROUTE_TEST_REQUIRE_CHROMIUM").is_ok_and(|value| value == "1");
    let Some((chromium, chromedriver)) = browser_binaries() else {
        assert!(
            !required,
            "SILKROUTE_TEST_REQUIRE_CHROMIUM=1 but chromium or chromedriver is missing \
            (apt-get install chromium chromium-driver)"
        );
        eprintln!(
            "skipping the seller-center browser test: chromium and chromedriver are not installed \
            (apt-get install chromium chromium-driver; CI sets SILKROUTE_TEST_REQUIRE_CHROMIUM=1)"
        );
        return;
    };
    let app = TestApp::on(silkroute_store_tests::TestDatabase::sqlite().await).await;
    let seeded = seed(&app).await;
    let query = format!("from={FROM}&to={TO}");
    let overview = app
        .get(
            &format!("/api/v1/analytics/store/overview?{query}"),
            Some(&seeded.seller_token),
        )
        .await;
    assert_eq!(
        overview.status, 200,
        "the overview endpoint: {}",
        overview.body
    );
    assert!(
        overview.body["visitors"].as_u64().is_some_and(|n| n > 0),
        "{}",
        overview.body
    );
    assert!(
        overview.body["paid_orders"].as_u64().is_some_and(|n| n > 0),
        "{}",
        overview.body
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let router = app.router.clone();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let base = format!("http://{address}");
    let token = seeded.seller_token.clone();
    let other = seeded.other_seller_id.clone();
    let started = Instant::now();
    let outcome = tokio::task::spawn_blocking(move || {
        browse(
            &chromium,
            &chromedriver,
            &base,
            &token,
            &other,
            &overview.body,
        )
    })
    .await;
    server.abort();
    eprintln!(
        "seller center browser test: {:.1} s in the browser",
        started.elapsed().as_secs_f64()
    );
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
    app.finish().await;
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("seller-center-screenshots")
}

fn browse(
    chromium: &Path,
    chromedriver: &Path,
    base: &str,
    token: &str,
    other_seller: &str,
    expected: &Value,
) {
    let browser = Browser::start(chromium, chromedriver);
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots).expect("screenshot dir");

    browser.goto(&format!("{base}/seller"));
    assert!(
        browser.url().ends_with("/seller/login"),
        "no session → sign-in form, got {}",
        browser.url()
    );
    browser.type_into("#token", token);
    browser.click("#sign-in");
    browser.wait_for(
        "the overview after signing in",
        "return location.pathname === '/seller';",
    );

    let query = format!("?from={FROM}&to={TO}");
    for (path, name) in [
        ("/seller", "overview"),
        ("/seller/products", "products"),
        ("/seller/industry", "industry"),
        ("/seller/customers", "customers"),
        ("/seller/forecast", "forecast"),
    ] {
        browser.goto(&format!("{base}{path}{query}"));
        browser.wait_for(
            &format!("{name} to render"),
            "return document.body && document.body.dataset.ready === '1';",
        );
        let errors =
            browser.script("return window.__silkrouteErrors || ['common.js did not run'];");
        assert_eq!(errors, json!([]), "{name}: script errors");
        let panels = browser.script(
            "return Array.from(document.querySelectorAll('[data-state]')) \
               .map(p => [p.id, p.dataset.state]);",
        );
        // [chart id, canvas width, canvas height, its panel's state, "nothing to chart" shown].
        let charts = browser.script(
            "return Array.from(document.querySelectorAll('figure.chart')).map(f => { \
               const c = f.querySelector('canvas'); \
               return [f.id, c ? c.width : 0, c ? c.height : 0, \
                 f.closest('[data-state]').dataset.state, \
                 Boolean(f.querySelector('.chart-empty'))]; });",
        );
        let png = browser.screenshot();
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{name}: screenshot is not a PNG"
        );
        std::fs::write(shots.join(format!("{name}.png")), png).expect("write screenshot");
        let panels = panels.as_array().expect("panels");
        assert!(!panels.is_empty(), "{name}: no panel reported a state");
        for panel in panels {
            let state = panel[1].as_str().unwrap_or_default();
            // The overview's endpoints exist; the other reports may still be landing.
            let allowed: &[&str] = if name == "overview" {
                &["ready"]
            } else {
                &["ready", "unavailable"]
            };
            assert!(
                allowed.contains(&state),
                "{name}: panel {} is {state}",
                panel[0]
            );
        }
        // A chart whose data arrived is drawn, unless the page says there is nothing to chart.
        for chart in charts.as_array().expect("charts") {
            if chart[3] == "ready" && chart[4] != json!(true) {
                assert!(
                    chart[1].as_u64() > Some(0) && chart[2].as_u64() > Some(0),
                    "{name}: chart {chart} has no drawing"
                );
            }
        }
        if name == "overview" {
            check_overview(&browser, expected, &charts);
            change_period(&browser);
        }
    }

    // Seller A's session cannot read seller B's figures.
    let status = browser.async_script(
        "const done = arguments[arguments.length - 1]; \
         fetch(arguments[0], {credentials: 'same-origin'}) \
           .then(r => done(r.status), e => done(String(e)));",
        json!([format!(
            "/api/v1/analytics/store/overview?from={FROM}&to={TO}&seller={other_seller}"
        )]),
    );
    let status = status.as_u64().unwrap_or_default();
    assert!(
        (400..500).contains(&status),
        "another seller's data answered {status}"
    );

    browser.click("form[action='/seller/logout'] button");
    browser.wait_for(
        "the sign-in form after signing out",
        "return location.pathname === '/seller/login';",
    );
    browser.goto(&format!("{base}/seller"));
    assert!(
        browser.url().ends_with("/seller/login"),
        "signed out → sign-in form"
    );
}

/// Picking another period reloads the figures in place and keeps the period in the address.
fn change_period(browser: &Browser) {
    browser.script(
        "const form = document.getElementById('period'); \
         form.elements.from.value = '2026-09-01'; form.elements.to.value = '2026-09-15'; \
         form.requestSubmit(); return true;",
    );
    browser.wait_for(
        "the overview of September",
        "return document.body.dataset.ready === '1' && \
         document.getElementById('period-label').textContent.startsWith('2026-09-01');",
    );
    let visitors = browser
        .script("return document.querySelector('[data-kpi=visitors] .value').dataset.value;");
    assert_eq!(visitors, json!("0"), "no traffic in early September");
    assert!(
        browser.url().ends_with("?from=2026-09-01&to=2026-09-15"),
        "{}",
        browser.url()
    );
    let errors = browser.script("return window.__silkrouteErrors;");
    assert_eq!(errors, json!([]), "script errors after changing the period");
}

fn check_overview(browser: &Browser, expected: &Value, charts: &Value) {
    let cards = browser.script(
        "const out = {}; for (const k of document.querySelectorAll('#kpis .kpi')) { \
           const v = k.querySelector('.value'); \
           out[k.dataset.kpi] = [v.dataset.value, v.textContent]; } \
         return out;",
    );
    for key in [
        "visitors",
        "page_views",
        "paid_orders",
        "paid_buyers",
        "returning_buyers",
    ] {
        let shown = cards[key][0].as_str().unwrap_or_default();
        assert_eq!(shown, expected[key].to_string(), "KPI {key}: {cards}");
        assert_eq!(
            cards[key][1].as_str().map(|t| t.replace(',', "")),
            Some(shown.to_string()),
            "{key}"
        );
    }
    let amount = expected["paid_amount"]["amount"]
        .as_str()
        .expect("paid amount");
    assert_eq!(cards["paid_amount"][0].as_str(), Some(amount), "{cards}");
    let text = cards["paid_amount"][1]
        .as_str()
        .unwrap_or_default()
        .replace(',', "");
    assert!(
        text.contains(amount),
        "paid amount shows {text}, the API says {amount}"
    );
    let changes = browser.script("return document.querySelectorAll('#kpis .change').length;");
    assert_eq!(
        changes,
        json!(10),
        "every card compares with the previous period"
    );
    let steps = browser.script(
        "return Array.from(document.querySelectorAll('#funnel-steps li')) \
           .map(li => li.dataset.step);",
    );
    assert_eq!(
        steps,
        json!([
            "visitors",
            "carting_visitors",
            "ordering_buyers",
            "paid_buyers"
        ])
    );
    let drawn: Vec<&str> = charts
        .as_array()
        .expect("charts")
        .iter()
        .filter(|chart| chart[1].as_u64() > Some(0))
        .filter_map(|chart| chart[0].as_str())
        .collect();
    assert_eq!(
        drawn,
        ["trend-chart", "market-chart", "source-chart"],
        "{charts}"
    );
}
