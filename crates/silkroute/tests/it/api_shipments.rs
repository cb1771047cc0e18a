//! Shipments on every backend: a CN seller labels a paid order to a DE buyer, which ships the
//! order; the label's barcode scans to a valid S10 number; the commercial invoice carries the
//! order's values and the platform's IOSS number; CN 22 or CN 23 by value; refusals are 422s at
//! their field with nothing written; idempotent retries, partial shipments, voiding, tenant walls.

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use silkroute_logistics::tracking_number::S10Number;
use tower::ServiceExt;

use crate::support::{GOOD_CARD, PAYMENT_SECRET, TestApp, assert_problem, product, shirt};

/// The documents crate's sample sender, in Latin script as labels abroad need it.
fn shenzhen() -> Value {
    json!({"recipient": "Li Wei", "organisation": "Shenzhen Silk Garments Co., Ltd.",
           "street_lines": ["Building 7, 1068 Keyuan Rd, Nanshan"], "city": "Shenzhen",
           "state": "Guangdong Sheng", "postal_code": "518057", "country": "CN",
           "phone": "+86 755 8888 1234"})
}

fn koeln() -> Value {
    json!({"recipient": "Erika Mustermann", "street_lines": ["Heidestraße 17"],
           "city": "Köln", "postal_code": "51147", "country": "DE"})
}

pub(crate) struct Seller {
    pub(crate) token: String,
    pub(crate) product_id: String,
}

/// A CN seller with `product` in stock in a warehouse with (or without) a ship-from address.
pub(crate) async fn seller(
    app: &TestApp,
    name: &str,
    product: Value,
    with_address: bool,
) -> Seller {
    let (_, token) = app.seller(name, "CN").await;
    let created = app.post("/api/v1/products", Some(&token), product).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let product_id = created.body["id"].as_str().expect("id").to_string();
    let mut warehouse = json!({"name": "Shenzhen", "country": "CN"});
    if with_address {
        warehouse["address"] = shenzhen();
    }
    let warehouse = app
        .post("/api/v1/warehouses", Some(&token), warehouse)
        .await;
    assert_eq!(warehouse.status, 201, "{}", warehouse.body);
    let received = app
        .post(
            "/api/v1/stock/movements",
            Some(&token),
            json!({"product_id": product_id, "warehouse_id": warehouse.body["id"],
                   "kind": "receipt", "quantity": 20}),
        )
        .await;
    assert_eq!(received.status, 201, "{}", received.body);
    Seller { token, product_id }
}

/// An order of `quantity` units to a buyer in Köln, paid unless `pay` is false: (buyer token,
/// order id).
pub(crate) async fn order(
    app: &TestApp,
    seller: &Seller,
    quantity: i64,
    ship_to: bool,
    pay: bool,
) -> (String, String) {
    let (_, buyer) = app.buyer("Erika Mustermann", "DE").await;
    let mut body = json!({"destination": {"country": "DE"},
                          "lines": [{"product_id": seller.product_id, "quantity": quantity}]});
    if ship_to {
        body["ship_to"] = koeln();
    }
    let quote = app
        .post("/api/v1/checkout/quotes", Some(&buyer), body)
        .await;
    assert_eq!(quote.status, 201, "{}", quote.body);
    let placed = app
        .order(&buyer, quote.body["id"].as_str().expect("quote"), GOOD_CARD)
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let order_id = placed.body["orders"][0]["id"]
        .as_str()
        .expect("order")
        .to_string();
    if pay {
        let payment = &placed.body["payment"];
        let event = format!("evt_{order_id}");
        let notified = app
            .notify(payment, "payment.captured", &event, PAYMENT_SECRET, 0)
            .await;
        assert!(notified.status.is_success(), "{}", notified.body);
        assert_eq!(app.order_status(&buyer, &order_id).await, "paid");
    }
    (buyer, order_id)
}

pub(crate) async fn ship(
    app: &TestApp,
    token: &str,
    order_id: &str,
    body: Value,
) -> crate::support::Reply {
    app.post(
        &format!("/api/v1/orders/{order_id}/shipments"),
        Some(token),
        body,
    )
    .await
}

/// A GET whose body is not JSON: (status, content type, bytes).
pub(crate) async fn fetch(app: &TestApp, uri: &str, token: &str) -> (u16, String, Vec<u8>) {
    let request = Request::builder()
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let response = app.router.clone().oneshot(request).await.expect("response");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
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
    (status, content_type, bytes.to_vec())
}

/// Whether `tool` is on the PATH; under `CI=true` a missing tool fails instead of skipping.
pub(crate) fn have(tool: &str) -> bool {
    let found = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is missing: install poppler-utils and zbar-tools (CI=true, so this fails)"
        );
        eprintln!("skipping: {tool} is missing (apt-get install -y poppler-utils zbar-tools)");
    }
    found
}

pub(crate) fn scratch(name: &str, pdf: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-shipments");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, pdf).expect("write");
    path
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("run");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

pub(crate) fn pdf_text(pdf: &Path) -> String {
    run(Command::new("pdftotext").arg("-layout").arg(pdf).arg("-"))
}

/// What zbar reads off the first page rendered at 300 dpi.
fn barcodes(pdf: &Path) -> Vec<String> {
    let prefix = pdf.with_extension("");
    run(Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&prefix));
    run(Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(prefix.with_extension("png")))
    .lines()
    .map(str::to_owned)
    .collect()
}

#[tokio::test]
async fn a_paid_order_ships_with_a_label_that_scans_and_an_invoice_of_its_values() {
    for app in TestApp::all().await {
        let seller = seller(&app, "Shenzhen Silk", shirt("TEE-1"), true).await;
        let (buyer, order_id) = order(&app, &seller, 2, true, true).await;
        let created = ship(&app, &seller.token, &order_id, json!({})).await;
        assert_eq!(created.status, 201, "{}", created.body);
        let shipment = &created.body;
        assert_eq!(shipment["status"], "created");
        assert_eq!(shipment["items"], json!([{"line_no": 1, "quantity": 2}]));
        assert_eq!(shipment["declaration"], "cn22", "{shipment}");
        assert_eq!(shipment["parcel"]["weight_g"], 360);
        let number = shipment["tracking_number"].as_str().expect("number");
        let s10 = S10Number::parse(number).expect("a valid S10 number");
        assert_eq!(
            (s10.service_indicator(), s10.country().as_str()),
            ("RR", "CN")
        );
        assert_eq!(app.order_status(&buyer, &order_id).await, "shipped");
        let id = shipment["id"].as_str().expect("id");

        let (status, content_type, label) = fetch(
            &app,
            &format!("/api/v1/shipments/{id}/label.pdf"),
            &seller.token,
        )
        .await;
        assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
        assert!(label.starts_with(b"%PDF"));
        let (status, _, invoice) = fetch(
            &app,
            &format!("/api/v1/shipments/{id}/documents/commercial_invoice.pdf"),
            &seller.token,
        )
        .await;
        assert_eq!(status, 200);
        let (status, _, _) = fetch(
            &app,
            &format!("/api/v1/shipments/{id}/documents/cn23.pdf"),
            &seller.token,
        )
        .await;
        assert_eq!(status, 409, "a CN 22 parcel has no CN 23");
        if have("pdftoppm") && have("zbarimg") && have("pdftotext") {
            let label = scratch(&format!("label-{}.pdf", app.backend()), &label);
            assert_eq!(barcodes(&label), vec![number.to_string()]);
            let text = pdf_text(&label);
            assert!(text.contains("CN 22") || text.contains("CN22"), "{text}");
            let invoice = pdf_text(&scratch(
                &format!("invoice-{}.pdf", app.backend()),
                &invoice,
            ));
            let order = app
                .get(&format!("/api/v1/orders/{order_id}"), Some(&buyer))
                .await;
            let unit = order.body["lines"][0]["unit_price"]["amount"]
                .as_str()
                .expect("price");
            for expected in [
                "COMMERCIAL INVOICE",
                "6109",
                "Cotton T-Shirt",
                "IM2760000742",
                "DDP",
                unit,
                number,
            ] {
                assert!(invoice.contains(expected), "{expected} not in {invoice}");
            }
        }

        // The buyer follows the parcel but prints nothing; another seller sees nothing.
        let seen = app
            .get(&format!("/api/v1/shipments/{id}"), Some(&buyer))
            .await;
        assert_eq!(seen.status, 200, "{}", seen.body);
        let listed = app.get("/api/v1/shipments", Some(&buyer)).await;
        assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1));
        let (status, _, _) =
            fetch(&app, &format!("/api/v1/shipments/{id}/label.pdf"), &buyer).await;
        assert_eq!(status, 403);
        let rival = seller_token(&app).await;
        assert_problem(
            &app.get(&format!("/api/v1/shipments/{id}"), Some(&rival))
                .await,
            404,
            None,
        );
        let (status, _, _) =
            fetch(&app, &format!("/api/v1/shipments/{id}/label.pdf"), &rival).await;
        assert_eq!(status, 404);
        assert_problem(&ship(&app, &rival, &order_id, json!({})).await, 404, None);
        let theirs = app.get("/api/v1/shipments", Some(&rival)).await;
        assert_eq!(theirs.body["data"], json!([]));

        // Nothing is left: a second label for the same units is refused, and the label of a
        // shipped order stays.
        assert_problem(
            &ship(&app, &seller.token, &order_id, json!({})).await,
            422,
            Some("order_id"),
        );
        let cancel = app
            .post(
                &format!("/api/v1/shipments/{id}/cancel"),
                Some(&seller.token),
                json!({}),
            )
            .await;
        assert_problem(&cancel, 409, None);
        app.finish().await;
    }
}

async fn seller_token(app: &TestApp) -> String {
    app.seller("Rival Co", "CN").await.1
}

#[tokio::test]
async fn goods_above_300_sdr_carry_a_cn23_and_intra_border_goods_none() {
    for app in TestApp::all().await {
        let jacket = product("JACKET-1", "6201.40", "CN", 950, "4000.00");
        let seller = seller(&app, "Shenzhen Down", jacket, true).await;
        let (_, order_id) = order(&app, &seller, 1, true, true).await;
        let created = ship(&app, &seller.token, &order_id, json!({})).await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.body["declaration"], "cn23", "{}", created.body);
        let sdr: f64 = created.body["contents_sdr"]
            .as_str()
            .expect("sdr")
            .parse()
            .expect("number");
        assert!(sdr > 300.0, "{sdr}");
        let id = created.body["id"].as_str().expect("id");
        let (status, content_type, cn23) = fetch(
            &app,
            &format!("/api/v1/shipments/{id}/documents/cn23.pdf"),
            &seller.token,
        )
        .await;
        assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
        if have("pdftotext") {
            let text = pdf_text(&scratch(&format!("cn23-{}.pdf", app.backend()), &cn23));
            assert!(text.contains("CN 23"), "{text}");
            assert!(text.contains("6201"), "{text}");
        }
        let (status, _, _) = fetch(
            &app,
            &format!("/api/v1/shipments/{id}/documents/packing_list.pdf"),
            &seller.token,
        )
        .await;
        assert_eq!(status, 404);
        app.finish().await;
    }
}

#[tokio::test]
async fn refused_labels_name_their_field_and_write_nothing() {
    for app in TestApp::all().await {
        let seller_with = seller(&app, "Shenzhen Silk", shirt("TEE-1"), true).await;
        let (_, unpaid) = order(&app, &seller_with, 2, true, false).await;
        assert_problem(
            &ship(&app, &seller_with.token, &unpaid, json!({})).await,
            422,
            Some("order_id"),
        );
        let (_, no_ship_to) = order(&app, &seller_with, 1, false, true).await;
        assert_problem(
            &ship(&app, &seller_with.token, &no_ship_to, json!({})).await,
            422,
            Some("ship_to"),
        );
        let (_, paid) = order(&app, &seller_with, 2, true, true).await;
        let cases = [
            (
                json!({"items": [{"line_no": 1, "quantity": 3}]}),
                "items[0].quantity",
            ),
            (
                json!({"items": [{"line_no": 7, "quantity": 1}]}),
                "items[0].line_no",
            ),
            (
                json!({"items": [{"line_no": 1, "quantity": 0}]}),
                "items[0].quantity",
            ),
            (json!({"parcel": {"weight_g": 0}}), "parcel.weight_g"),
            (json!({"parcel": {"weight_g": 100}}), "parcel.weight_g"),
            (
                json!({"parcel": {"weight_g": 500, "length_mm": 300}}),
                "parcel.width_mm",
            ),
            (json!({"service_id": "no.such.service"}), "service_id"),
        ];
        for (body, field) in cases {
            assert_problem(
                &ship(&app, &seller_with.token, &paid, body).await,
                422,
                Some(field),
            );
        }
        let malformed = ship(&app, &seller_with.token, &paid, json!({"itemz": []})).await;
        assert!(malformed.status.is_client_error(), "{}", malformed.body);

        let seller_without = seller(&app, "Homeless Goods", shirt("TEE-2"), false).await;
        let (_, no_ship_from) = order(&app, &seller_without, 1, true, true).await;
        assert_problem(
            &ship(&app, &seller_without.token, &no_ship_from, json!({})).await,
            422,
            Some("ship_from"),
        );

        // Nothing was written: no shipment, the orders as they were.
        let all = app.get("/api/v1/shipments", Some(&app.admin)).await;
        assert_eq!(all.body["data"], json!([]), "{}", all.body);
        assert_eq!(app.order_status(&seller_with.token, &paid).await, "paid");
        app.finish().await;
    }
}

#[tokio::test]
async fn partial_labels_void_and_retries_return_the_same_shipment() {
    for app in TestApp::all().await {
        let seller = seller(&app, "Shenzhen Silk", shirt("TEE-1"), true).await;
        let (_, order_id) = order(&app, &seller, 3, true, true).await;
        let path = format!("/api/v1/orders/{order_id}/shipments");
        let one = json!({"items": [{"line_no": 1, "quantity": 1}], "service_id": null});
        let key = [("idempotency-key", "label-1")];
        let first = app
            .request("POST", &path, Some(&seller.token), Some(one.clone()), &key)
            .await;
        assert_eq!(first.status, 201, "{}", first.body);
        let again = app
            .request("POST", &path, Some(&seller.token), Some(one), &key)
            .await;
        assert_eq!(again.status, 201, "{}", again.body);
        assert_eq!(again.body["id"], first.body["id"]);
        assert_eq!(again.body["tracking_number"], first.body["tracking_number"]);
        assert_eq!(app.order_status(&seller.token, &order_id).await, "paid");

        // Void the first label: its unit is free again, its number is not reused.
        let id = first.body["id"].as_str().expect("id");
        let voided = app
            .post(
                &format!("/api/v1/shipments/{id}/cancel"),
                Some(&seller.token),
                json!({}),
            )
            .await;
        assert_eq!(voided.status, 200, "{}", voided.body);
        assert_eq!(voided.body["status"], "cancelled");
        let rest = ship(
            &app,
            &seller.token,
            &order_id,
            json!({"items": [{"line_no": 1, "quantity": 2}]}),
        )
        .await;
        assert_eq!(rest.status, 201, "{}", rest.body);
        assert_ne!(rest.body["tracking_number"], first.body["tracking_number"]);
        assert_eq!(app.order_status(&seller.token, &order_id).await, "paid");
        let last = ship(&app, &seller.token, &order_id, json!({})).await;
        assert_eq!(last.status, 201, "{}", last.body);
        assert_eq!(last.body["items"], json!([{"line_no": 1, "quantity": 1}]));
        assert_eq!(app.order_status(&seller.token, &order_id).await, "shipped");

        let listed = app
            .get(
                &format!("/api/v1/shipments?order_id={order_id}&status=created&limit=1"),
                Some(&seller.token),
            )
            .await;
        assert_eq!(listed.status, 200, "{}", listed.body);
        assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1));
        let cursor = listed.body["next_cursor"].as_str().expect("a second page");
        let next = app
            .get(
                &format!("/api/v1/shipments?order_id={order_id}&status=created&cursor={cursor}"),
                Some(&seller.token),
            )
            .await;
        assert_eq!(
            next.body["data"].as_array().map(Vec::len),
            Some(1),
            "{}",
            next.body
        );
        assert_eq!(next.body["next_cursor"], Value::Null);
        assert_problem(
            &app.get("/api/v1/shipments?status=lost", Some(&seller.token))
                .await,
            422,
            Some("status"),
        );
        app.finish().await;
    }
}

pub(crate) fn silkroute(args: &[&str], database_url: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(args)
        .env("SILKROUTE_DATABASE_URL", database_url)
        .env_remove("SILKROUTE_CONFIG")
        .output()
        .expect("run silkroute")
}

#[tokio::test]
async fn the_cli_labels_an_order_and_writes_its_papers() {
    for app in TestApp::all().await {
        let url = app.database.as_ref().expect("database").url.clone();
        let seller = seller(&app, "Shenzhen Silk", shirt("TEE-1"), true).await;
        let (buyer, order_id) = order(&app, &seller, 1, true, true).await;
        let created = silkroute(
            &["--json", "shipment", "create", "--order", &order_id],
            &url,
        );
        let stdout = String::from_utf8_lossy(&created.stdout).to_string();
        assert!(
            created.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&created.stderr)
        );
        let shipment: Value = serde_json::from_str(&stdout).expect("json");
        let id = shipment["id"].as_str().expect("id");
        assert!(S10Number::parse(shipment["tracking_number"].as_str().expect("number")).is_ok());
        assert_eq!(app.order_status(&buyer, &order_id).await, "shipped");

        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-shipments");
        std::fs::create_dir_all(&dir).expect("dir");
        let out = dir.join(format!("cli-label-{}.pdf", app.backend()));
        let out_arg = out.display().to_string();
        let label = silkroute(&["shipment", "label", id, "--out", &out_arg], &url);
        assert!(
            label.status.success(),
            "{}",
            String::from_utf8_lossy(&label.stderr)
        );
        assert!(std::fs::read(&out).expect("pdf").starts_with(b"%PDF"));
        let invoice = silkroute(
            &[
                "shipment",
                "document",
                id,
                "commercial_invoice",
                "--out",
                &out_arg,
            ],
            &url,
        );
        assert!(
            invoice.status.success(),
            "{}",
            String::from_utf8_lossy(&invoice.stderr)
        );

        // Bad input is exit code 2 with a message.
        for args in [
            vec!["shipment", "create", "--order", "ord_nonsense"],
            vec!["shipment", "create", "--order", &order_id],
            vec![
                "shipment",
                "document",
                id,
                "packing_list",
                "--out",
                &out_arg,
            ],
        ] {
            let refused = silkroute(&args, &url);
            assert_eq!(refused.status.code(), Some(2), "{args:?}");
            assert!(!refused.stderr.is_empty(), "{args:?}");
        }
        app.finish().await;
    }
}
