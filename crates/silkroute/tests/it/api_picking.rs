//! Picking, packing and hand-over on every backend: two paid orders for one product make one
//! pick-list row; a wrong or missing scan is refused at its field and exact scans pack the
//! parcel; a manifest hands the warehouse's parcels over in one go and prints the tracking
//! numbers; another seller sees none of it.

use serde_json::{Value, json};

use crate::api_shipments::{fetch, have, order, pdf_text, scratch, seller, ship, silkroute};
use crate::support::{TestApp, assert_problem, shirt};

const TEE_GTIN: &str = "4006381333931";
/// A valid GTIN-13 of another product (GS1's own example).
const OTHER_GTIN: &str = "5901234123457";

async fn warehouse_id(app: &TestApp, token: &str) -> String {
    let warehouses = app.get("/api/v1/warehouses", Some(token)).await;
    assert_eq!(warehouses.status, 200, "{}", warehouses.body);
    warehouses.body[0]["id"]
        .as_str()
        .expect("warehouse id")
        .to_string()
}

fn order_quantities(row: &Value) -> Vec<(String, i64)> {
    let mut orders: Vec<(String, i64)> = row["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|o| {
            (
                o["order_id"].as_str().expect("order").to_string(),
                o["quantity"].as_i64().expect("quantity"),
            )
        })
        .collect();
    orders.sort();
    orders
}

#[tokio::test]
async fn pick_pack_and_hand_over_a_warehouses_orders() {
    for app in TestApp::all().await {
        let tee = seller(&app, "Shenzhen Silk", shirt("TEE-1"), true).await;
        let warehouse = warehouse_id(&app, &tee.token).await;
        let (_, first) = order(&app, &tee, 2, true, true).await;
        let (_, second) = order(&app, &tee, 1, true, true).await;

        // One row for the product, its units summed over both orders.
        let list = app
            .get(
                &format!("/api/v1/warehouses/{warehouse}/pick-list"),
                Some(&tee.token),
            )
            .await;
        assert_eq!(list.status, 200, "{}", list.body);
        let rows = list.body["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 1, "{}", list.body);
        assert_eq!(rows[0]["sku"], "TEE-1");
        assert_eq!(rows[0]["gtin"], TEE_GTIN);
        assert_eq!(rows[0]["quantity"], 3);
        let mut expected = vec![(first.clone(), 2), (second.clone(), 1)];
        expected.sort();
        assert_eq!(order_quantities(&rows[0]), expected);
        let (status, content_type, csv) = fetch(
            &app,
            &format!("/api/v1/warehouses/{warehouse}/pick-list.csv"),
            &tee.token,
        )
        .await;
        assert_eq!(status, 200);
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        let csv = String::from_utf8(csv).expect("utf-8");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "sku,gtin,title,quantity,orders");
        assert_eq!(lines.len(), 2, "{csv}");
        assert!(lines[1].starts_with("TEE-1,4006381333931,Cotton T-Shirt,3,"));
        assert!(lines[1].contains(&format!("{first}:2")), "{csv}");

        // Labelled units leave the pick list.
        let shipped = ship(&app, &tee.token, &first, json!({})).await;
        assert_eq!(shipped.status, 201, "{}", shipped.body);
        let shipment = shipped.body["id"].as_str().expect("shipment").to_string();
        let tracking = shipped.body["tracking_number"]
            .as_str()
            .expect("tracking")
            .to_string();
        let list = app
            .get(
                &format!("/api/v1/warehouses/{warehouse}/pick-list"),
                Some(&tee.token),
            )
            .await;
        assert_eq!(list.body["rows"][0]["quantity"], 1, "{}", list.body);
        assert_eq!(list.body["total_units"], 1);

        // Packing: a wrong item, then a partial scan, are refused with nothing written.
        let pack_uri = format!("/api/v1/shipments/{shipment}/pack");
        let wrong = app
            .post(
                &pack_uri,
                Some(&tee.token),
                json!({"scans": [OTHER_GTIN, TEE_GTIN]}),
            )
            .await;
        assert_problem(&wrong, 422, Some("scans[0]"));
        let partial = app
            .post(&pack_uri, Some(&tee.token), json!({"scans": [TEE_GTIN]}))
            .await;
        assert_problem(&partial, 422, Some("scans"));
        let too_many = app
            .post(
                &pack_uri,
                Some(&tee.token),
                json!({"scans": [TEE_GTIN, TEE_GTIN, TEE_GTIN]}),
            )
            .await;
        assert_problem(&too_many, 422, Some("scans[2]"));
        let unpacked = app
            .get(&format!("/api/v1/shipments/{shipment}"), Some(&tee.token))
            .await;
        assert!(
            unpacked.body.get("packed_at").is_none(),
            "{}",
            unpacked.body
        );
        let packed = app
            .post(
                &pack_uri,
                Some(&tee.token),
                json!({"scans": [TEE_GTIN, TEE_GTIN]}),
            )
            .await;
        assert_eq!(packed.status, 200, "{}", packed.body);
        assert!(packed.body["packed_at"].is_string(), "{}", packed.body);

        // Another seller sees none of it.
        let (_, other) = app.seller("Other Trader", "CN").await;
        let manifests_uri = format!("/api/v1/warehouses/{warehouse}/manifests");
        for uri in [
            format!("/api/v1/warehouses/{warehouse}/pick-list"),
            format!("/api/v1/warehouses/{warehouse}/pick-list.csv"),
        ] {
            let (status, _, _) = fetch(&app, &uri, &other).await;
            assert_eq!(status, 404, "{uri}");
        }
        let foreign_pack = app
            .post(
                &pack_uri,
                Some(&other),
                json!({"scans": [TEE_GTIN, TEE_GTIN]}),
            )
            .await;
        assert_problem(&foreign_pack, 404, None);
        let foreign_manifest = app.post(&manifests_uri, Some(&other), json!({})).await;
        assert_problem(&foreign_manifest, 404, None);

        // The hand-over: the parcel moves to handed_over under one manifest.
        let manifest = app.post(&manifests_uri, Some(&tee.token), json!({})).await;
        assert_eq!(manifest.status, 201, "{}", manifest.body);
        let manifest_id = manifest.body["id"].as_str().expect("manifest").to_string();
        assert!(manifest_id.starts_with("mnf_"));
        assert_eq!(manifest.body["shipment_ids"], json!([shipment]));
        let handed = app
            .get(&format!("/api/v1/shipments/{shipment}"), Some(&tee.token))
            .await;
        assert_eq!(handed.body["status"], "handed_over");
        let again = app.post(&manifests_uri, Some(&tee.token), json!({})).await;
        assert_problem(&again, 409, None);
        let packed_again = app
            .post(
                &pack_uri,
                Some(&tee.token),
                json!({"scans": [TEE_GTIN, TEE_GTIN]}),
            )
            .await;
        assert_problem(&packed_again, 409, None);

        let (status, content_type, csv) = fetch(
            &app,
            &format!("/api/v1/manifests/{manifest_id}.csv"),
            &tee.token,
        )
        .await;
        assert_eq!(status, 200);
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        let csv = String::from_utf8(csv).expect("utf-8");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2, "{csv}");
        assert!(lines[0].starts_with("manifest_id,carrier,tracking_number,"));
        assert!(
            lines[1].contains(&tracking) && lines[1].contains(&first),
            "{csv}"
        );
        let (status, content_type, pdf) = fetch(
            &app,
            &format!("/api/v1/manifests/{manifest_id}.pdf"),
            &tee.token,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(content_type, "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        if have("pdftotext") {
            let text = pdf_text(&scratch(&format!("{manifest_id}.pdf"), &pdf));
            assert!(text.contains(&tracking), "{text}");
            assert!(text.contains("HAND-OVER MANIFEST"), "{text}");
            assert!(text.contains("518057"), "the warehouse address: {text}");
        }
        for suffix in [".pdf", ".csv", ""] {
            let (status, _, _) = fetch(
                &app,
                &format!("/api/v1/manifests/{manifest_id}{suffix}"),
                &other,
            )
            .await;
            assert_eq!(status, 404, "{suffix}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn a_carrier_with_nothing_waiting_has_nothing_to_hand_over() {
    for app in TestApp::all().await {
        let tee = seller(&app, "Shenzhen Silk", shirt("TEE-1"), true).await;
        let warehouse = warehouse_id(&app, &tee.token).await;
        let (_, placed) = order(&app, &tee, 1, true, true).await;
        let shipped = ship(&app, &tee.token, &placed, json!({})).await;
        assert_eq!(shipped.status, 201, "{}", shipped.body);
        let carrier = shipped.body["carrier"]
            .as_str()
            .expect("carrier")
            .to_string();
        let uri = format!("/api/v1/warehouses/{warehouse}/manifests");
        let nobody = app
            .post(
                &uri,
                Some(&tee.token),
                json!({"carrier": "no-such-carrier"}),
            )
            .await;
        assert_problem(&nobody, 409, None);
        let blank = app
            .post(&uri, Some(&tee.token), json!({"carrier": " "}))
            .await;
        assert_problem(&blank, 422, Some("carrier"));
        let bad_scan = app
            .post(
                &format!(
                    "/api/v1/shipments/{}/pack",
                    shipped.body["id"].as_str().expect("id")
                ),
                Some(&tee.token),
                json!({"scans": ["not-a-gtin"]}),
            )
            .await;
        assert_problem(&bad_scan, 422, Some("scans[0]"));
        let manifest = app
            .post(&uri, Some(&tee.token), json!({"carrier": carrier}))
            .await;
        assert_eq!(manifest.status, 201, "{}", manifest.body);
        assert_eq!(manifest.body["carrier"], json!(carrier));
        app.finish().await;
    }
}

#[tokio::test]
async fn the_cli_hands_a_warehouses_parcels_over() {
    for app in TestApp::all().await {
        let url = app.database.as_ref().expect("database").url.clone();
        let tee = seller(&app, "Shenzhen Silk", shirt("TEE-1"), true).await;
        let warehouse = warehouse_id(&app, &tee.token).await;
        let (_, placed) = order(&app, &tee, 1, true, true).await;
        let shipped = ship(&app, &tee.token, &placed, json!({})).await;
        assert_eq!(shipped.status, 201, "{}", shipped.body);
        let created = silkroute(&["manifest", "create", "--warehouse", &warehouse], &url);
        let stdout = String::from_utf8_lossy(&created.stdout).to_string();
        assert!(
            created.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&created.stderr)
        );
        let manifest_id = stdout.trim();
        assert!(manifest_id.starts_with("mnf_"), "{stdout}");
        let read = app
            .get(
                &format!("/api/v1/manifests/{manifest_id}"),
                Some(&tee.token),
            )
            .await;
        assert_eq!(read.status, 200, "{}", read.body);
        assert_eq!(read.body["shipment_ids"], json!([shipped.body["id"]]));
        let again = silkroute(&["manifest", "create", "--warehouse", &warehouse], &url);
        assert!(!again.status.success(), "nothing is left to hand over");
        app.finish().await;
    }
}
