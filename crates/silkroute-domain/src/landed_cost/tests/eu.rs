//! The EU has the most moving parts of any destination: a EUR 150 IOSS threshold tested in euros
//! whatever the price currency, a reverse charge for VAT-registered businesses, CIF valuation and
//! a flat duty that starts on 2026-07-01. These cases pin down the edges that the worked examples
//! only touch once.

use super::*;

#[test]
fn eu_quote_differs_across_2026_07_01_by_the_flat_duty_lines_only() {
    let before = quote(&e1_parcel("2026-06-30"));
    let after = quote(&e1_parcel("2026-07-01"));
    assert_eq!(before.tax_lines, after.tax_lines);
    assert_eq!(
        after
            .collected_at_checkout
            .checked_sub(before.collected_at_checkout)
            .unwrap(),
        after.duty_total()
    );
    let subheadings: Vec<&str> = after.duty_lines.iter().map(|l| l.label.as_str()).collect();
    assert!(
        subheadings[0].ends_with("sub-heading 610910"),
        "{subheadings:?}"
    );
    assert!(
        subheadings[1].ends_with("sub-heading 640399"),
        "{subheadings:?}"
    );
    // Two T-shirt lines of the same sub-heading still count once.
    let mut parcel = e1_parcel("2026-07-01");
    parcel
        .lines
        .push(line("610910", 1, m("5.00", "EUR"), "another T-shirt"));
    assert_eq!(quote(&parcel).duty_total(), m("6.00", "EUR"));
}

#[test]
fn eu_business_buyer_with_vat_number_gets_no_checkout_vat() {
    let mut c = e1_parcel("2026-03-02");
    c.buyer = BuyerKind::Business;
    c.buyer_has_valid_eu_vat = true;
    let q = quote(&c);
    assert!(q.tax_lines.is_empty());
    assert!(q.notes.iter().any(|n| n.contains("reverse charge")));
}

#[test]
fn eu_threshold_is_tested_in_eur_for_a_usd_priced_parcel() {
    let fx = |currency: CurrencyCode| match currency.as_str() {
        "USD" => Some(PublishedRate {
            currency,
            date: date("2026-03-02"),
            per_eur: dec!(1.25),
        }),
        _ => None,
    };
    // USD 187.50 = EUR 150.00 → IOSS; USD 187.51 → above.
    for (usd, ioss) in [("187.50", true), ("187.51", false)] {
        let c = consignment(
            "FR",
            "US",
            "2026-03-02",
            vec![line("851830", 1, m(usd, "USD"), "headphones")],
            zero("USD"),
        );
        let q = landed_cost(&c, &rules(), &tariffs(), &fx).unwrap();
        assert_eq!(q.currency, ccy("EUR"));
        assert_eq!(q.incoterm == Incoterm::Ddp, ioss, "{usd}");
    }
    let c = consignment(
        "FR",
        "US",
        "2026-03-02",
        vec![line("851830", 1, m("10.00", "USD"), "x")],
        zero("USD"),
    );
    assert!(matches!(
        landed_cost(&c, &rules(), &tariffs(), &|_| None),
        Err(LandedCostError::NoRate { .. })
    ));
}

#[rstest]
#[case("150.00", Incoterm::Ddp)]
#[case("150.01", Incoterm::Dap)]
fn ioss_threshold_is_at_most_150_on_intrinsic_value(
    #[case] value: &str,
    #[case] expected: Incoterm,
) {
    // Shipping is outside the intrinsic value, so a large freight charge does not matter.
    let c = consignment(
        "NL",
        "CN",
        "2026-03-02",
        vec![line("851830", 1, m(value, "EUR"), "headphones")],
        m("40.00", "EUR"),
    );
    assert_eq!(quote(&c).incoterm, expected);
}

#[test]
fn cif_freight_is_allocated_to_lines_pro_rata_and_adds_up() {
    let c = consignment(
        "DE",
        "CN",
        "2026-03-02",
        vec![
            line("610910", 1, m("100.00", "EUR"), "T-shirt"),
            line("851830", 1, m("200.00", "EUR"), "headphones"),
        ],
        m("10.00", "EUR"),
    );
    let q = quote(&c);
    let bases: Vec<Money> = q.duty_lines.iter().map(|l| l.base).collect();
    assert_eq!(bases, vec![m("103.33", "EUR"), m("206.67", "EUR")]);
    assert_eq!(q.customs_value, m("310.00", "EUR"));
    // 12 % × 103.33 = 12.40; 2 % × 206.67 = 4.13
    assert_eq!(q.duty_total(), m("16.53", "EUR"));
}

#[rstest]
#[case::relief_up_to_150_before_july("2026-06-30", "150.00", Incoterm::Ddp, "0.00", None)]
#[case::tariff_above_150_before_july(
    "2026-06-30",
    "150.01",
    Incoterm::Dap,
    "18.00",
    Some("tariff.eu")
)]
#[case::flat_duty_up_to_150_from_july(
    "2026-07-01",
    "150.00",
    Incoterm::Ddp,
    "3.00",
    Some("flat_duty.eu.low_value")
)]
#[case::tariff_above_150_from_july(
    "2026-07-01",
    "150.01",
    Incoterm::Dap,
    "18.00",
    Some("tariff.eu")
)]
fn a_consignment_of_exactly_150_euros_is_still_low_value(
    #[case] on: &str,
    #[case] value: &str,
    #[case] incoterm: Incoterm,
    #[case] duty: &str,
    #[case] rule: Option<&str>,
) {
    let c = consignment(
        "DE",
        "CN",
        on,
        vec![line("610910", 1, m(value, "EUR"), "cotton T-shirt")],
        zero("EUR"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    assert_eq!(q.incoterm, incoterm);
    // 12 % of EUR 150.01 is 18.00; the flat duty is EUR 3 for the one sub-heading.
    assert_eq!(q.duty_total(), m(duty, "EUR"), "{:?}", q.duty_lines);
    match rule {
        None => assert!(q.duty_lines.is_empty()),
        Some(rule) => assert!(q.duty_lines[0].rule.starts_with(rule), "{:?}", q.duty_lines),
    }
}

#[test]
fn the_flat_duty_is_version_2_and_tests_at_most_150() {
    let flat = rules()
        .into_iter()
        .find(|r| r.id == "flat_duty.eu.low_value" && r.country.as_str() == "DE")
        .unwrap();
    assert_eq!(flat.version, 2);
    let crate::market::RuleBody::FlatDuty(body) = &flat.body else {
        panic!("not a flat duty: {flat:?}");
    };
    assert_eq!(body.comparison, crate::market::Comparison::AtMost);
    assert_eq!(body.consignment_value_limit, Some(m("150.00", "EUR")));
}

use crate::market::ExclusionScope::{DutyRelief, FlatDuty, SellerCollection};

/// A T-shirt (EUR 20) and the goods under test (EUR 40) to Germany, EUR 10 freight.
fn with_tshirt(on: &str, hs: &str) -> Consignment {
    consignment(
        "DE",
        "CN",
        on,
        vec![
            line("610910", 1, m("20.00", "EUR"), "cotton T-shirt"),
            line(hs, 1, m("40.00", "EUR"), "goods under test"),
        ],
        m("10.00", "EUR"),
    )
}

#[rstest]
#[case::wine_before_july("2026-03-02", "220421", &[SellerCollection, DutyRelief], Incoterm::Dap, 0)]
#[case::wine_from_july("2026-07-01", "220421", &[SellerCollection, FlatDuty], Incoterm::Dap, 1)]
#[case::cigarettes("2026-03-02", "240220", &[SellerCollection, DutyRelief], Incoterm::Dap, 0)]
#[case::perfume_stays_in_ioss("2026-03-02", "330300", &[DutyRelief], Incoterm::Ddp, 0)]
#[case::perfume_from_july("2026-07-01", "330300", &[FlatDuty], Incoterm::Ddp, 1)]
fn excise_goods_leave_ioss_and_the_duty_relief_with_a_stated_reason(
    #[case] on: &str,
    #[case] hs: &str,
    #[case] scopes: &[crate::market::ExclusionScope],
    #[case] incoterm: Incoterm,
    #[case] flat_lines: usize,
) {
    let q = quote(&with_tshirt(on, hs));
    assert_traceable(&q);
    assert_eq!(q.incoterm, incoterm, "{:?}", q.notes);
    let found: Vec<crate::market::ExclusionScope> =
        q.exclusions.iter().map(|e| e.excluded_from).collect();
    assert_eq!(found, scopes, "{:?}", q.exclusions);
    for excluded in &q.exclusions {
        assert_eq!((excluded.line, excluded.hs_code.as_str()), (1, hs));
        assert!(excluded.rule.starts_with("exclusion.eu."), "{excluded:?}");
        assert!(!excluded.reason.is_empty());
    }
    if let Some(ioss) = q
        .exclusions
        .iter()
        .find(|e| e.excluded_from == SellerCollection)
    {
        assert_eq!(ioss.instead_of, "collection.eu.ioss v1");
        assert_eq!(ioss.rule, "exclusion.eu.ioss_excise");
    }
    // The excluded goods pay the tariff; the T-shirt keeps the relief (no line) or the EUR 3.
    let tariff: Vec<&ChargeLine> = q
        .duty_lines
        .iter()
        .filter(|l| l.rule.starts_with("tariff.eu"))
        .collect();
    assert_eq!(tariff.len(), 1, "{:?}", q.duty_lines);
    assert!(tariff[0].label.contains(hs), "{:?}", tariff[0]);
    let flat: Vec<&ChargeLine> = q
        .duty_lines
        .iter()
        .filter(|l| l.rule == "flat_duty.eu.low_value")
        .collect();
    assert_eq!(flat.len(), flat_lines);
    assert!(flat.iter().all(|l| l.label.ends_with("sub-heading 610910")));
    // Whoever collects the VAT collects the duty.
    let collected = if incoterm == Incoterm::Ddp {
        Collection::AtCheckout
    } else {
        Collection::AtDoor
    };
    assert!(
        q.duty_lines
            .iter()
            .chain(&q.tax_lines)
            .all(|l| l.collected == collected)
    );
}

#[rstest]
#[case::wine_in_a_small_parcel("220421", "40.00")]
#[case::wine_above_150("220421", "400.00")]
#[case::cigarettes("240220", "40.00")]
fn excise_goods_are_refused_duty_paid(#[case] hs: &str, #[case] value: &str) {
    let mut c = with_tshirt("2026-03-02", hs);
    c.lines[1].unit_value = m(value, "EUR");
    c.incoterm_preference = Some(Incoterm::Ddp);
    let error = landed_cost(&c, &rules(), &tariffs(), &no_fx).unwrap_err();
    let LandedCostError::DutyPaidUnavailable {
        line, rule, reason, ..
    } = &error
    else {
        panic!("expected a DDP refusal, got {error:?}");
    };
    assert_eq!((*line, rule.as_str()), (1, "exclusion.eu.ioss_excise"));
    assert!(reason.contains("border"), "{reason}");
    assert!(error.to_string().contains("ask for DAP"), "{error}");
    // Without the DDP preference the same parcel is quoted DAP, excise goods at the door.
    c.incoterm_preference = None;
    assert_eq!(quote(&c).incoterm, Incoterm::Dap);
}

#[test]
fn a_business_buyer_of_excise_goods_gets_no_reverse_charge_under_ioss() {
    let mut c = with_tshirt("2026-03-02", "220421");
    c.buyer = BuyerKind::Business;
    c.buyer_has_valid_eu_vat = true;
    let q = quote(&c);
    assert_eq!(q.incoterm, Incoterm::Dap);
    assert!(!q.notes.iter().any(|n| n.contains("reverse charge")));
    assert_eq!(q.tax_lines[0].collected, Collection::AtDoor);
}
