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
