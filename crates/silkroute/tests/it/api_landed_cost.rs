//! Landed cost through the API: RULES.md worked examples, the EU €3 duty from 2026-07-01, and
//! bad input; the corrections of issue 14 item 7: Norway's VOEC duty relief, the €150.00
//! boundary, goods excluded from IOSS, VOEC and the duty relief, and dated currencies.

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
            Some("lines[0].quantity"),
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

fn nok(amount: &str) -> Value {
    json!({"amount": amount, "currency": "NOK"})
}

fn parcel(destination: &str, date: &str, lines: Value, freight: Value) -> Value {
    json!({"destination": destination, "origin": "CN", "date": date, "lines": lines, "freight": freight})
}

fn goods(hs_code: &str, unit_value: Value) -> Value {
    json!({"hs_code": hs_code, "quantity": 1, "unit_value": unit_value, "description": hs_code})
}

#[tokio::test]
async fn voec_goods_carry_no_duty_and_excluded_goods_go_to_the_border_with_a_reason() {
    for app in TestApp::all().await {
        let backend = app.backend();
        // RULES.md E12: a NOK 2,000 T-shirt + NOK 100 shipping from a VOEC seller: NOK 525 VAT
        // at checkout and no duty (clothing's 10.7 % tariff is for goods outside VOEC).
        let shirt = json!([goods("610910", nok("2000.00"))]);
        let voec = app
            .post(
                "/api/v1/landed-cost",
                None,
                parcel("NO", "2026-03-02", shirt.clone(), nok("100.00")),
            )
            .await;
        assert_eq!(voec.status, 200, "{backend}: {}", voec.body);
        assert_eq!(voec.body["incoterm"], "DDP");
        assert_eq!(voec.body["duty_lines"], json!([]), "{}", voec.body);
        assert_eq!(voec.body["collected_at_checkout"], nok("525.00"));
        assert_eq!(voec.body["due_at_door"], nok("0.00"));
        assert_eq!(voec.body["exclusions"], json!([]));
        // Coffee is a foodstuff: the parcel leaves VOEC, the API says why, and the T-shirt pays
        // its tariff at the border.
        let with_coffee = json!([
            goods("610910", nok("2000.00")),
            goods("090121", nok("200.00"))
        ]);
        let border = app
            .post(
                "/api/v1/landed-cost",
                None,
                parcel("NO", "2026-03-02", with_coffee, nok("100.00")),
            )
            .await;
        assert_eq!(border.status, 200, "{}", border.body);
        assert_eq!(border.body["incoterm"], "DAP");
        let excluded = &border.body["exclusions"][0];
        assert_eq!(excluded["line"], 1, "{}", border.body);
        assert_eq!(excluded["excluded_from"], "seller_collection");
        assert_eq!(excluded["rule"], "exclusion.no.voec_food");
        assert_eq!(excluded["instead_of"], "collection.no.voec v1");
        assert!(
            excluded["reason"]
                .as_str()
                .is_some_and(|reason| reason.contains("VOEC")),
            "{excluded}"
        );
        assert_eq!(
            border.body["duty_lines"][0]["rate"], "10.7",
            "{}",
            border.body
        );
        assert_eq!(border.body["duty_lines"][0]["collected"], "at_door");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_consignment_of_exactly_150_euros_keeps_the_low_value_duty() {
    for app in TestApp::all().await {
        let tee = |value: &str| json!([goods("610910", eur(value))]);
        for (date, value, duty, rule) in [
            ("2026-06-30", "150.00", "0", None),
            ("2026-06-30", "150.01", "18.00", Some("tariff.eu")),
            (
                "2026-07-01",
                "150.00",
                "3.00",
                Some("flat_duty.eu.low_value"),
            ),
            ("2026-07-01", "150.01", "18.00", Some("tariff.eu")),
        ] {
            let reply = app
                .post(
                    "/api/v1/landed-cost",
                    None,
                    parcel("DE", date, tee(value), eur("0.00")),
                )
                .await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            assert_eq!(
                total(&reply.body["duty_lines"]),
                duty.parse::<rust_decimal::Decimal>().expect("decimal"),
                "{date} {value}: {}",
                reply.body
            );
            if let Some(rule) = rule {
                assert!(
                    reply.body["duty_lines"][0]["rule"]
                        .as_str()
                        .is_some_and(|r| r.starts_with(rule)),
                    "{}",
                    reply.body
                );
            }
            if rule == Some("flat_duty.eu.low_value") {
                assert_eq!(reply.body["duty_lines"][0]["rule_version"], 2);
            }
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn excise_goods_leave_ioss_with_a_reason_and_are_refused_duty_paid() {
    for app in TestApp::all().await {
        let lines = json!([goods("610910", eur("20.00")), goods("220421", eur("40.00"))]);
        let wine = parcel("DE", "2026-03-02", lines.clone(), eur("10.00"));
        let reply = app.post("/api/v1/landed-cost", None, wine.clone()).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["incoterm"], "DAP");
        let exclusions = reply.body["exclusions"].as_array().expect("exclusions");
        let found: Vec<(&str, &str)> = exclusions
            .iter()
            .map(|e| {
                (
                    e["excluded_from"].as_str().unwrap_or_default(),
                    e["rule"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("seller_collection", "exclusion.eu.ioss_excise"),
                ("duty_relief", "exclusion.eu.duty_relief")
            ],
            "{}",
            reply.body
        );
        assert!(
            exclusions
                .iter()
                .all(|e| e["line"] == 1 && e["hs_code"] == "220421")
        );
        assert!(
            reply.body["notes"]
                .as_array()
                .is_some_and(|notes| notes.iter().any(|n| n
                    .as_str()
                    .is_some_and(|n| n.contains("exclusion.eu.ioss_excise")))),
            "{}",
            reply.body
        );
        // The wine pays its tariff at the door; the T-shirt keeps the duty relief.
        let duty_lines = reply.body["duty_lines"].as_array().expect("duty lines");
        assert_eq!(duty_lines.len(), 1, "{}", reply.body);
        assert_eq!(duty_lines[0]["collected"], "at_door");
        // Duty paid is impossible: excise is only assessed at the border.
        let mut ddp = wine;
        ddp["incoterm"] = json!("DDP");
        let refused = app.post("/api/v1/landed-cost", None, ddp).await;
        assert_problem(&refused, 422, Some("incoterm"));
        assert!(
            refused.body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("lines[1] (HS 220421)") && m.contains("DAP")),
            "{}",
            refused.body
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_quote_for_a_past_day_is_in_that_days_currency() {
    for app in TestApp::all().await {
        let backend = app.backend();
        let tee = json!([goods("610910", eur("100.00"))]);
        // Croatia counted in kuna until 2022-12-31: EUR 100 at the ECB's 7.5345 of 2022-06-01,
        // IOSS VAT 25 %.
        for (destination, date, goods_amount, vat) in [
            (
                "HR",
                "2022-06-01",
                json!({"amount": "753.45", "currency": "HRK"}),
                "188.36",
            ),
            ("HR", "2023-01-02", eur("100.00"), "25.00"),
            (
                "BG",
                "2025-06-02",
                json!({"amount": "195.58", "currency": "BGN"}),
                "39.12",
            ),
            ("BG", "2026-01-02", eur("100.00"), "20.00"),
        ] {
            let reply = app
                .post(
                    "/api/v1/landed-cost",
                    None,
                    parcel(destination, date, tee.clone(), eur("0.00")),
                )
                .await;
            assert_eq!(
                reply.status, 200,
                "{backend} {destination} {date}: {}",
                reply.body
            );
            assert_eq!(reply.body["goods"], goods_amount, "{}", reply.body);
            assert_eq!(reply.body["currency"], goods_amount["currency"]);
            assert_eq!(
                total(&reply.body["tax_lines"]),
                vat.parse::<rust_decimal::Decimal>().expect("decimal")
            );
        }
        // A price in kuna is history: fine for 2022, refused from the day the kuna was retired.
        let kuna = json!([goods(
            "610910",
            json!({"amount": "753.65", "currency": "HRK"})
        )]);
        let no_freight = json!({"amount": "0", "currency": "HRK"});
        let in_use = app
            .post(
                "/api/v1/landed-cost",
                None,
                parcel("DE", "2022-12-30", kuna.clone(), no_freight.clone()),
            )
            .await;
        assert_eq!(in_use.status, 200, "{}", in_use.body);
        assert_eq!(in_use.body["goods"], eur("100.00"));
        let retired = app
            .post(
                "/api/v1/landed-cost",
                None,
                parcel("DE", "2023-01-01", kuna, no_freight),
            )
            .await;
        assert_problem(&retired, 422, Some("lines[0].unit_value.currency"));
        assert!(
            retired.body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("retired on 2023-01-01")),
            "{}",
            retired.body
        );
        app.finish().await;
    }
}
