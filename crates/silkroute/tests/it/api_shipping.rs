//! Shipping rates through the API: rate shopping by preference, volumetric weight, and a clear
//! 422 when no service can carry the parcel.

use serde_json::json;

use crate::support::{TestApp, assert_problem};

#[tokio::test]
async fn parcels_are_rated_and_shopped_by_preference() {
    for app in TestApp::all().await {
        let services = app
            .get("/api/v1/shipping/services?date=2026-10-30", None)
            .await;
        assert_eq!(services.status, 200, "{}", services.body);
        assert!(
            services.body["data"]
                .as_array()
                .is_some_and(|s| s.len() >= 3)
        );

        let parcel = |weight: u32, length: u32, width: u32, height: u32| json!({"weight_g": weight, "dimensions_mm": {"length": length, "width": width, "height": height}});
        let shop = |preference: &str, parcel: serde_json::Value| json!({"origin": "CN", "destination": "DE", "date": "2026-10-30", "preference": preference, "parcel": parcel});

        let cheapest = app
            .post(
                "/api/v1/shipping/rates",
                None,
                shop("cheapest", parcel(500, 250, 180, 40)),
            )
            .await;
        assert_eq!(cheapest.status, 200, "{}", cheapest.body);
        let options = cheapest.body["options"].as_array().expect("options");
        assert!(options.len() >= 3, "{}", cheapest.body);
        let totals: Vec<rust_decimal::Decimal> = options
            .iter()
            .map(|o| {
                o["total"]["amount"]
                    .as_str()
                    .expect("amount")
                    .parse()
                    .expect("number")
            })
            .collect();
        assert!(
            totals.windows(2).all(|pair| pair[0] <= pair[1]),
            "cheapest first: {totals:?}"
        );
        assert_eq!(cheapest.body["selected"], options[0]);

        let fastest = app
            .post(
                "/api/v1/shipping/rates",
                None,
                shop("fastest", parcel(500, 250, 180, 40)),
            )
            .await;
        let days: Vec<u64> = fastest.body["options"]
            .as_array()
            .expect("options")
            .iter()
            .map(|o| o["transit_days_max"].as_u64().expect("days"))
            .collect();
        assert!(
            days.windows(2).all(|pair| pair[0] <= pair[1]),
            "fastest first: {days:?}"
        );
        assert_eq!(fastest.body["selected"]["level"], "express");

        // A light but bulky box is billed on volume by the courier (400×300×200 mm ÷ 5000 = 4.8 kg).
        let bulky = app
            .post(
                "/api/v1/shipping/rates",
                None,
                shop("fastest", parcel(2_000, 400, 300, 200)),
            )
            .await;
        let express = bulky.body["options"]
            .as_array()
            .expect("options")
            .iter()
            .find(|o| o["level"] == "express")
            .expect("express option");
        assert_eq!(express["billable_weight_g"], 5_000, "{express}");

        // Nothing carries 90 kg: a 422 with each service's reason.
        let heavy = app
            .post(
                "/api/v1/shipping/rates",
                None,
                shop("cheapest", parcel(90_000, 600, 400, 400)),
            )
            .await;
        assert_problem(&heavy, 422, Some("parcel"));
        assert!(
            heavy.body["errors"]
                .as_array()
                .is_some_and(|errors| errors.len() >= 3),
            "{}",
            heavy.body
        );

        let bad = app
            .post(
                "/api/v1/shipping/rates",
                None,
                json!({"origin": "XX", "destination": "DE", "parcel": parcel(0, 10, 10, 10)}),
            )
            .await;
        assert_problem(&bad, 422, Some("origin"));
        assert_problem(&bad, 422, Some("parcel.weight_g"));
        let domestic = app
            .post(
                "/api/v1/shipping/rates",
                None,
                json!({"origin": "DE", "destination": "DE", "parcel": parcel(100, 10, 10, 10)}),
            )
            .await;
        assert_problem(&domestic, 422, Some("destination"));
        let wrong_preference = app
            .post(
                "/api/v1/shipping/rates",
                None,
                shop("slowest", parcel(100, 10, 10, 10)),
            )
            .await;
        assert_problem(&wrong_preference, 422, Some("preference"));
        app.finish().await;
    }
}
