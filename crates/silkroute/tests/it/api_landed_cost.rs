//! Landed cost through the API: RULES.md worked examples, the EU €3 duty from 2026-07-01, and
//! bad input.

use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

fn eur(amount: &str) -> Value {
    json!({"amount": amount, "currency": "EUR"})
}

fn e1_parcel(date: &str) -> Value {
    json!({
        "destination": "DE", "origin": "CN", "date": date,
        "lines": [
            {"hs_code": "610910", "quantity": 2, "unit_value": eur("15.00"), "description": "cotton T-shirt"},
            {"hs_code": "640399", "quantity": 1, "unit_value": eur("50.00"), "description": "leather shoes"}
        ],
        "freight": eur("10.00")
    })
}

fn total(lines: &Value) -> rust_decimal::Decimal {
    lines
        .as_array()
        .expect("lines")
        .iter()
        .map(|line| {
            line["amount"]["amount"]
                .as_str()
                .expect("amount")
                .parse::<rust_decimal::Decimal>()
                .expect("number")
        })
        .sum()
}

#[tokio::test]
async fn duties_and_taxes_follow_the_dated_rules() {
    for app in TestApp::all().await {
        let backend = app.backend();
        // E1: IOSS before 2026-07-01 — VAT 19 % on goods + freight at checkout, no duty.
        let before = app
            .post("/api/v1/landed-cost", None, e1_parcel("2026-06-30"))
            .await;
        assert_eq!(before.status, 200, "{backend}: {}", before.body);
        assert_eq!(before.body["incoterm"], "DDP");
        assert_eq!(
            before.body["tax_lines"][0]["amount"],
            eur("17.10"),
            "{}",
            before.body
        );
        assert!(
            before.body["tax_lines"][0]["rule"]
                .as_str()
                .is_some_and(|rule| rule.contains("de")),
            "{}",
            before.body
        );
        assert_eq!(
            total(&before.body["duty_lines"]),
            rust_decimal::Decimal::ZERO
        );
        assert_eq!(before.body["due_at_door"], eur("0.00"));
        // E2: from 2026-07-01 the €3 per distinct sub-heading: two sub-headings, €6 more.
        let after = app
            .post("/api/v1/landed-cost", None, e1_parcel("2026-07-01"))
            .await;
        assert_eq!(after.status, 200, "{}", after.body);
        assert_eq!(
            total(&after.body["duty_lines"]),
            rust_decimal::Decimal::new(6, 0),
            "{}",
            after.body
        );
        assert_eq!(after.body["tax_lines"], before.body["tax_lines"]);

        // E15: a $50 cotton T-shirt into the US in 2026-03: MFN 16.5 % + Section 122 10 %.
        let us = app
            .post(
                "/api/v1/landed-cost",
                None,
                json!({
                    "destination": "US", "origin": "CN", "date": "2026-03-16",
                    "lines": [{"hs_code": "610910", "quantity": 1, "unit_value": {"amount": "50.00", "currency": "USD"}, "description": "cotton T-shirt"}],
                    "freight": {"amount": "0.00", "currency": "USD"}
                }),
            )
            .await;
        assert_eq!(us.status, 200, "{}", us.body);
        assert_eq!(
            total(&us.body["duty_lines"]),
            rust_decimal::Decimal::new(1325, 2),
            "{}",
            us.body
        );
        assert_eq!(us.body["tax_lines"].as_array().map(Vec::len), Some(0));

        // Bad input names the field and writes nothing.
        let mut zero = e1_parcel("2026-06-30");
        zero["lines"][0]["quantity"] = json!(0);
        assert_problem(
            &app.post("/api/v1/landed-cost", None, zero).await,
            422,
            None,
        );
        let mut bad_hs = e1_parcel("2026-06-30");
        bad_hs["lines"][1]["hs_code"] = json!("000000");
        assert_problem(
            &app.post("/api/v1/landed-cost", None, bad_hs).await,
            422,
            Some("lines[1].hs_code"),
        );
        let mut bad_vat = e1_parcel("2026-06-30");
        bad_vat["buyer"] = json!("business");
        bad_vat["buyer_vat_id"] = json!("DE136695977");
        assert_problem(
            &app.post("/api/v1/landed-cost", None, bad_vat).await,
            422,
            Some("buyer_vat_id"),
        );
        let mut business = e1_parcel("2026-06-30");
        business["buyer"] = json!("business");
        business["buyer_vat_id"] = json!("DE136695976");
        let reverse_charge = app.post("/api/v1/landed-cost", None, business).await;
        assert_eq!(reverse_charge.status, 200, "{}", reverse_charge.body);
        assert_eq!(
            total(&reverse_charge.body["tax_lines"]),
            rust_decimal::Decimal::ZERO,
            "a VAT-registered EU business self-accounts: {}",
            reverse_charge.body
        );
        let mut unknown_country = e1_parcel("2026-06-30");
        unknown_country["destination"] = json!("XX");
        assert_problem(
            &app.post("/api/v1/landed-cost", None, unknown_country).await,
            422,
            Some("destination"),
        );
        app.finish().await;
    }
}
