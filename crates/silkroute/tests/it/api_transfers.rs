//! Head-haul transfers through the API on every backend: a CN seller ships 100 T-shirts by sea to
//! its German 3PL warehouse — stock leaves the origin at once, shows in transit, is declared for
//! export under 9810 (listed and in the broker's CSV) — and receives 97 good and 2 damaged: the
//! discrepancies are counted, the German stock is 97, and the landed unit cost carries the import
//! duty. Invalid transports are 422s at their field paths with nothing written; another seller
//! sees a 404.

use serde_json::{Value, json};

use crate::support::{Listing, TestApp, assert_problem, shirt};

async fn overseas_warehouse(app: &TestApp, listing: &Listing) -> String {
    let reply = app
        .post(
            "/api/v1/warehouses",
            Some(&listing.token),
            json!({"name": "Duisburg 3PL", "country": "DE", "kind": "overseas_3pl"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_str().expect("id").to_string()
}

fn transfer_body(listing: &Listing, to: &str, transport: Value, quantity: i64) -> Value {
    json!({
        "from_warehouse_id": listing.warehouse_id,
        "to_warehouse_id": to,
        "transport": transport,
        "lines": [{"product_id": listing.product_id, "quantity": quantity,
                   "unit_cost": {"amount": "10.00", "currency": "EUR"}}]
    })
}

/// (on hand, in transit) of the listing's product at `warehouse`.
async fn stock_at(app: &TestApp, listing: &Listing, warehouse: &str) -> (i64, i64) {
    let reply = app
        .get(
            &format!("/api/v1/stock?product_id={}", listing.product_id),
            Some(&listing.token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
        .body
        .as_array()
        .expect("levels")
        .iter()
        .find(|row| row["warehouse_id"] == warehouse)
        .map_or((0, 0), |row| {
            (
                row["on_hand"].as_i64().expect("on hand"),
                row["in_transit"].as_i64().expect("in transit"),
            )
        })
}

#[tokio::test]
async fn a_sea_transfer_is_declared_for_export_received_and_costed_with_its_duty() {
    for app in TestApp::all().await {
        let listing = app.listing("Dragon Tees", "CN", shirt("TEE-1"), 150).await;
        let germany = overseas_warehouse(&app, &listing).await;
        let body = transfer_body(
            &listing,
            &germany,
            json!({"mode": "sea", "containers": ["CSQU 305438 3"]}),
            100,
        );
        let key = [("Idempotency-Key", "head-haul-1")];
        let created = app
            .request(
                "POST",
                "/api/v1/transfers",
                Some(&listing.token),
                Some(body.clone()),
                &key,
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.body["status"], "in_transit");
        assert_eq!(created.body["transport"]["containers"][0], "CSQU3054383");
        let transfer_id = created.body["id"].as_str().expect("id").to_string();
        // A retry with the key gets the same transfer; the stock does not move twice.
        let replay = app
            .request(
                "POST",
                "/api/v1/transfers",
                Some(&listing.token),
                Some(body),
                &key,
            )
            .await;
        assert_eq!(replay.body["id"], transfer_id.as_str());
        assert_eq!(
            stock_at(&app, &listing, &listing.warehouse_id).await,
            (50, 0)
        );
        assert_eq!(stock_at(&app, &listing, &germany).await, (0, 100));

        let exports = app
            .get(
                "/api/v1/customs/declarations?mode=9810",
                Some(&listing.token),
            )
            .await;
        assert_eq!(exports.status, 200, "{}", exports.body);
        let data = exports.body["data"].as_array().expect("data");
        assert_eq!(data.len(), 1, "{}", exports.body);
        assert_eq!(data[0]["direction"], "export");
        assert_eq!(data[0]["reference_id"], transfer_id.as_str());
        assert_eq!(data[0]["waybill_reference"], "CSQU3054383");
        assert_eq!(data[0]["declared_value"]["amount"], "1000.00");
        let csv = app
            .get(
                "/api/v1/customs/declarations.csv?mode=9810",
                Some(&listing.token),
            )
            .await;
        assert_eq!(csv.status, 200);
        // The file holds every row: paging parameters are refused, not silently ignored.
        let paged = app
            .get(
                "/api/v1/customs/declarations.csv?limit=0",
                Some(&listing.token),
            )
            .await;
        assert_eq!(paged.status, 400, "{}", paged.body);
        assert!(
            csv.content_type.starts_with("text/csv"),
            "{}",
            csv.content_type
        );
        let text = csv.body.as_str().expect("csv text");
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 2, "{text}");
        assert!(rows[0].starts_with("declaration_id,seller_id,mode,"));
        assert!(rows[1].contains(",9810,export,transfer,") && rows[1].contains(&transfer_id));

        let (_, rival) = app.seller("Rival Tees", "CN").await;
        let path = format!("/api/v1/transfers/{transfer_id}");
        assert_problem(&app.get(&path, Some(&rival)).await, 404, None);
        let count = json!({"lines": [{"product_id": listing.product_id, "received": 97,
                                      "damaged": 2}]});
        let stolen = app
            .post(&format!("{path}/receive"), Some(&rival), count.clone())
            .await;
        assert_problem(&stolen, 404, None);
        let theirs = app.get("/api/v1/customs/declarations", Some(&rival)).await;
        assert_eq!(theirs.body["data"], json!([]));

        // Four weeks at sea.
        app.clock.advance(chrono::Duration::days(28));
        let received = app
            .post(
                &format!("{path}/receive"),
                Some(&listing.token),
                count.clone(),
            )
            .await;
        assert_eq!(received.status, 200, "{}", received.body);
        assert_eq!(
            received.body["discrepancies"],
            json!([{"line": 0, "kind": "short", "quantity": 1},
                   {"line": 0, "kind": "damaged", "quantity": 2}])
        );
        // EU tariff for HS 6109 (rules/tariffs/eu.toml): 12 % ad valorem, no relief for a
        // commercial import. 100 units × EUR 10.00 = EUR 1,000.00 → duty EUR 120.00, EUR 1.20 a
        // declared unit; import VAT 19 % on 1,120.00, deductible, so not in the cost.
        let (unit_minor, units, rate_percent) = (1_000_i64, 100_i64, 12_i64);
        let duty_minor = unit_minor * units * rate_percent / 100;
        let landed_minor = unit_minor + duty_minor / units;
        let euros = |minor: i64| format!("{}.{:02}", minor / 100, minor % 100);
        assert_eq!(received.body["duty"]["amount"], euros(duty_minor));
        assert_eq!(
            received.body["import_vat"]["amount"],
            euros((unit_minor * units + duty_minor) * 19 / 100)
        );
        let line = &received.body["transfer"]["lines"][0];
        assert_eq!(line["landed_unit_cost"]["amount"], euros(landed_minor));
        assert_eq!(line["landed_unit_cost"]["currency"], "EUR");
        assert_eq!(received.body["transfer"]["status"], "received");
        assert_eq!(stock_at(&app, &listing, &germany).await, (97, 0));
        assert_eq!(
            stock_at(&app, &listing, &listing.warehouse_id).await,
            (50, 0)
        );
        let again = app
            .post(&format!("{path}/receive"), Some(&listing.token), count)
            .await;
        assert_problem(&again, 409, None);
        let stored = app.get(&path, Some(&listing.token)).await;
        assert_eq!(stored.body["lines"][0]["received"], 97);
        assert_eq!(stored.body["lines"][0]["damaged"], 2);
        let all = app
            .get("/api/v1/customs/declarations", Some(&listing.token))
            .await;
        let directions: Vec<&str> = all.body["data"]
            .as_array()
            .expect("data")
            .iter()
            .filter_map(|d| d["direction"].as_str())
            .collect();
        assert_eq!(directions, vec!["export", "import"]);
        let listed = app.get("/api/v1/transfers", Some(&listing.token)).await;
        assert_eq!(listed.body["data"][0]["id"], transfer_id.as_str());
        app.finish().await;
    }
}

#[tokio::test]
async fn an_invalid_transfer_is_a_422_at_its_field_and_writes_nothing() {
    for app in TestApp::all().await {
        let listing = app.listing("Dragon Tees", "CN", shirt("TEE-1"), 150).await;
        let germany = overseas_warehouse(&app, &listing).await;
        let sea = json!({"mode": "sea", "containers": ["CSQU3054383"]});
        let cases = [
            (
                transfer_body(
                    &listing,
                    &germany,
                    json!({"mode": "sea", "containers": ["CSQU3054383", "CSQU3054384"]}),
                    100,
                ),
                "transport.containers[1]",
            ),
            (
                transfer_body(
                    &listing,
                    &germany,
                    json!({"mode": "air", "awb": "176-12345676"}),
                    100,
                ),
                "transport.awb",
            ),
            (
                transfer_body(&listing, &listing.warehouse_id, sea.clone(), 100),
                "to_warehouse_id",
            ),
            (
                transfer_body(&listing, "whs_01JD0000000000000000000000", sea.clone(), 100),
                "to_warehouse_id",
            ),
            (
                transfer_body(&listing, &germany, sea.clone(), 151),
                "lines[0].quantity",
            ),
        ];
        for (body, field) in cases {
            let reply = app
                .post("/api/v1/transfers", Some(&listing.token), body)
                .await;
            assert_problem(&reply, 422, Some(field));
        }
        assert_eq!(
            stock_at(&app, &listing, &listing.warehouse_id).await,
            (150, 0)
        );
        assert_eq!(stock_at(&app, &listing, &germany).await, (0, 0));
        let transfers = app.get("/api/v1/transfers", Some(&listing.token)).await;
        assert_eq!(transfers.body["data"], json!([]));
        let declarations = app
            .get("/api/v1/customs/declarations", Some(&listing.token))
            .await;
        assert_eq!(declarations.body["data"], json!([]));
        // An air waybill that passes its check digit is accepted.
        let by_air = transfer_body(
            &listing,
            &germany,
            json!({"mode": "air", "awb": "17612345675"}),
            5,
        );
        let reply = app
            .post("/api/v1/transfers", Some(&listing.token), by_air)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        assert_eq!(reply.body["transport"]["awb"], "176-12345675");
        app.finish().await;
    }
}

fn silkroute(args: &[&str], database_url: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(args)
        .env("SILKROUTE_DATABASE_URL", database_url)
        .env_remove("SILKROUTE_CONFIG")
        .output()
        .expect("run silkroute")
}

#[tokio::test]
async fn the_cli_lists_transfers_and_writes_the_brokers_csv() {
    for app in TestApp::all().await {
        let url = app.database.as_ref().expect("database").url.clone();
        let listing = app.listing("Dragon Tees", "CN", shirt("TEE-1"), 150).await;
        let germany = overseas_warehouse(&app, &listing).await;
        let body = transfer_body(
            &listing,
            &germany,
            json!({"mode": "sea", "containers": ["MSKU9070323"]}),
            40,
        );
        let created = app
            .post("/api/v1/transfers", Some(&listing.token), body)
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        let transfer_id = created.body["id"].as_str().expect("id");

        let listed = silkroute(&["transfer", "list"], &url);
        let out = String::from_utf8_lossy(&listed.stdout);
        assert_eq!(listed.status.code(), Some(0), "{out}");
        assert!(
            out.contains(transfer_id) && out.contains("40 units by sea (MSKU9070323) in_transit"),
            "{out}"
        );

        let file =
            std::env::temp_dir().join(format!("silkroute-declarations-{}.csv", ulid::Ulid::new()));
        let path = file.to_string_lossy().to_string();
        let written = silkroute(
            &["customs", "declarations", "--mode", "9810", "--out", &path],
            &url,
        );
        assert_eq!(
            written.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&written.stderr)
        );
        let csv = std::fs::read_to_string(&file).expect("csv");
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(rows.len(), 2, "{csv}");
        assert!(rows[0].starts_with("declaration_id,"));
        assert!(rows[1].contains(transfer_id) && rows[1].contains("MSKU9070323"));
        std::fs::remove_file(&file).ok();

        for bad in [
            vec!["customs", "declarations", "--mode", "9999"],
            vec!["customs", "declarations", "--from", "30/10/2026"],
            vec!["transfer", "list", "--seller", "nobody"],
        ] {
            let refused = silkroute(&bad, &url);
            assert_eq!(
                refused.status.code(),
                Some(2),
                "{bad:?}: {}",
                String::from_utf8_lossy(&refused.stderr)
            );
        }
        app.finish().await;
    }
}
