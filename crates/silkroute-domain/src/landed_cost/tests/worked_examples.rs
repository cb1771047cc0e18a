//! RULES.md §4.3 publishes fifteen worked examples (E1–E15) with exact figures, and they are the
//! contract the engine is held to. They are kept together and in the document's order so that
//! each one can be checked against the text figure by figure when either side changes.

use super::*;

fn ch(goods: &str, freight: &str) -> Consignment {
    consignment(
        "CH",
        "DE",
        "2026-03-02",
        vec![line("610910", 1, m(goods, "CHF"), "T-shirt")],
        m(freight, "CHF"),
    )
}

#[test]
fn e1_eu_ioss_before_2026_07_01() {
    let q = quote(&e1_parcel("2026-06-30"));
    assert_traceable(&q);
    assert!(q.duty_lines.is_empty());
    assert_eq!(q.tax_lines.len(), 1);
    let vat = &q.tax_lines[0];
    assert_eq!(
        (vat.rule.as_str(), vat.rule_version),
        ("vat.de.standard", 3)
    );
    assert_eq!(vat.base, m("90.00", "EUR"));
    assert_eq!(vat.amount, m("17.10", "EUR"));
    assert_eq!(vat.collected, Collection::AtCheckout);
    assert_eq!(q.collected_at_checkout, m("17.10", "EUR"));
    assert_eq!(q.due_at_door, zero("EUR"));
    assert_eq!(q.incoterm, Incoterm::Ddp);
    assert_eq!(q.customs_value_basis, ValuationBasis::Cif);
    assert_eq!(q.customs_value, m("90.00", "EUR"));
}

#[test]
fn e2_eu_flat_duty_from_2026_07_01() {
    let q = quote(&e1_parcel("2026-07-01"));
    assert_traceable(&q);
    assert_eq!(q.duty_lines.len(), 2);
    for l in &q.duty_lines {
        assert_eq!(
            (l.rule.as_str(), l.rule_version),
            ("flat_duty.eu.low_value", 2)
        );
        assert_eq!(l.amount, m("3.00", "EUR"));
        assert_eq!(l.collected, Collection::AtCheckout);
    }
    assert_eq!(q.duty_total(), m("6.00", "EUR"));
    assert_eq!(q.tax_total(), m("17.10", "EUR"));
    assert_eq!(q.collected_at_checkout, m("23.10", "EUR"));
    assert_eq!(q.due_at_door, zero("EUR"));
}

#[test]
fn e3_eu_above_150_duty_and_vat_at_the_door() {
    let table = TariffTable::new(vec![
        parse_tariff_file(
            "test.toml",
            r#"
id = "tariff.test"
version = 1
destinations = ["DE"]
effective_from = "2024-01-01"
source = "RULES.md §4.3 E3 (illustrative 12 %)"
default_rate = "12"
"#,
        )
        .unwrap(),
    ])
    .unwrap();
    let c = consignment(
        "DE",
        "CN",
        "2026-03-02",
        vec![line("620442", 1, m("200.00", "EUR"), "dress")],
        m("15.00", "EUR"),
    );
    let q = landed_cost(&c, &rules(), &table, &no_fx).unwrap();
    assert_traceable(&q);
    assert_eq!(q.customs_value, m("215.00", "EUR"));
    assert_eq!(q.duty_lines.len(), 1);
    assert_eq!(q.duty_lines[0].rule, "tariff.test.default");
    assert_eq!(q.duty_lines[0].base, m("215.00", "EUR"));
    assert_eq!(q.duty_total(), m("25.80", "EUR"));
    assert_eq!(q.tax_lines[0].base, m("240.80", "EUR"));
    assert_eq!(q.tax_total(), m("45.75", "EUR"));
    assert_eq!(q.due_at_door, m("71.55", "EUR"));
    assert_eq!(q.collected_at_checkout, zero("EUR"));
    assert_eq!(q.incoterm, Incoterm::Dap);

    // The same parcel with DDP: everything moves to checkout.
    let mut ddp = c.clone();
    ddp.incoterm_preference = Some(Incoterm::Ddp);
    let q = landed_cost(&ddp, &rules(), &table, &no_fx).unwrap();
    assert_eq!(q.collected_at_checkout, m("71.55", "EUR"));
    assert_eq!(q.due_at_door, zero("EUR"));
    assert_eq!(q.incoterm, Incoterm::Ddp);
}

#[test]
fn e4_uk_point_of_sale_vat() {
    let c = consignment(
        "GB",
        "CN",
        "2026-03-02",
        vec![line("420221", 1, m("120.00", "GBP"), "handbag")],
        zero("GBP"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    assert!(q.duty_lines.is_empty());
    assert_eq!(q.tax_lines[0].rule, "vat.gb.standard");
    assert_eq!(q.tax_lines[0].amount, m("24.00", "GBP"));
    assert_eq!(q.collected_at_checkout, m("24.00", "GBP"));
    assert_eq!(q.due_at_door, zero("GBP"));
}

#[test]
fn e5_au_gst_on_low_value_goods() {
    let c = consignment(
        "AU",
        "CN",
        "2026-03-02",
        vec![line("851830", 1, m("200.00", "AUD"), "headphones")],
        zero("AUD"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    assert!(q.duty_lines.is_empty());
    assert_eq!(q.tax_lines[0].rule, "vat.au.standard");
    assert_eq!(q.collected_at_checkout, m("20.00", "AUD"));
    assert_eq!(q.incoterm, Incoterm::Ddp);
}

#[test]
fn e6_ca_courier_from_us_ontario() {
    let mut c = consignment(
        "CA",
        "US",
        "2026-03-02",
        vec![line("610910", 1, m("100.00", "CAD"), "T-shirt")],
        zero("CAD"),
    );
    c.region = Some("ON".into());
    let q = quote(&c);
    assert_traceable(&q);
    assert!(q.duty_lines.is_empty());
    assert_eq!(q.customs_value_basis, ValuationBasis::Fob);
    assert_eq!(
        (q.tax_lines[0].rule.as_str(), q.tax_lines[0].rate),
        ("vat.ca.on", Some(dec!(13)))
    );
    assert_eq!(q.tax_total(), m("13.00", "CAD"));
    assert_eq!(q.due_at_door, m("13.00", "CAD"));
}

#[test]
fn e7_ca_post_from_cn_above_20_pays_duty_and_gst() {
    let mut c = consignment(
        "CA",
        "CN",
        "2026-03-02",
        vec![line("610910", 1, m("30.00", "CAD"), "T-shirt")],
        zero("CAD"),
    );
    c.channel = ShippingChannel::Postal;
    let q = quote(&c);
    assert_traceable(&q);
    assert_eq!(q.duty_lines[0].rule, "tariff.ca.6109");
    assert_eq!(q.duty_total(), m("5.40", "CAD"));
    assert_eq!(q.tax_lines[0].rule, "vat.ca.gst");
    assert_eq!(q.tax_lines[0].base, m("35.40", "CAD"));
    assert_eq!(q.tax_total(), m("1.77", "CAD"));
    assert_eq!(q.due_at_door, m("7.17", "CAD"));
}

#[test]
fn e8_cbec_ordinary_cosmetics() {
    let q = quote(&cbec("1000.00", 1, None));
    assert_traceable(&q);
    assert!(q.duty_lines.is_empty());
    assert_eq!(q.tax_lines.len(), 1);
    assert_eq!(q.tax_lines[0].rate, Some(dec!(9.1)));
    assert_eq!(q.collected_at_checkout, m("91.00", "CNY"));
}

#[test]
fn e9_cbec_high_end_cosmetics_tax_inclusive_ct() {
    let q = quote(&cbec("1000.00", 1, Some(dec!(15))));
    assert_traceable(&q);
    let ct = &q.tax_lines[0];
    assert_eq!((ct.rule.as_str(), ct.rule_version), ("cbec.cn.limits", 2));
    assert_eq!(ct.base, m("1176.47", "CNY"));
    assert_eq!(ct.amount, m("123.53", "CNY"));
    let vat = &q.tax_lines[1];
    assert_eq!(vat.rule, "vat.cn.standard");
    assert_eq!(vat.amount, m("107.06", "CNY"));
    assert_eq!(q.collected_at_checkout, m("230.59", "CNY"));
}

#[test]
fn e10_ch_tax_of_5_or_less_not_collected() {
    let q = quote(&ch("50.00", "10.00"));
    assert_traceable(&q);
    assert!(q.tax_lines.is_empty());
    assert!(
        q.notes.iter().any(|n| n.contains("4.86 CHF not collected")),
        "{:?}",
        q.notes
    );
    assert_eq!(q.duty_total(), zero("CHF"));
    assert_eq!(q.due_at_door, zero("CHF"));
}

#[test]
fn e11_ch_tax_above_5_collected() {
    let q = quote(&ch("52.00", "10.00"));
    assert_traceable(&q);
    assert_eq!(q.tax_lines[0].rule, "vat.ch.standard");
    assert_eq!(q.tax_lines[0].base, m("62.00", "CHF"));
    assert_eq!(q.tax_total(), m("5.02", "CHF"));
    assert_eq!(q.duty_lines[0].rule, "tariff.ch.61");
    assert_eq!(q.duty_total(), zero("CHF"));
}

#[test]
fn e12_no_voec_shipping_in_base_not_in_test() {
    let c = consignment(
        "NO",
        "CN",
        "2026-03-02",
        vec![line("851830", 1, m("2000.00", "NOK"), "headphones")],
        m("100.00", "NOK"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    assert_eq!(q.tax_lines[0].base, m("2100.00", "NOK"));
    assert_eq!(q.collected_at_checkout, m("525.00", "NOK"));
    assert_eq!(q.due_at_door, zero("NOK"));
    // An item at NOK 3,000 is outside VOEC even if shipping is not counted.
    let c = consignment(
        "NO",
        "CN",
        "2026-03-02",
        vec![line("851830", 1, m("3000.00", "NOK"), "headphones")],
        zero("NOK"),
    );
    let q = quote(&c);
    assert_eq!(q.collected_at_checkout, zero("NOK"));
    assert_eq!(q.due_at_door, m("750.00", "NOK"));
}

#[test]
fn e13_sg_ovr_gst() {
    let c = consignment(
        "SG",
        "CN",
        "2026-03-02",
        vec![line("950300", 1, m("300.00", "SGD"), "toy")],
        zero("SGD"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    assert_eq!(q.tax_lines[0].rule, "vat.sg.standard");
    assert_eq!(q.collected_at_checkout, m("27.00", "SGD"));
}

#[test]
fn e14_jp_personal_use_60_percent_exempt() {
    let c = consignment(
        "JP",
        "US",
        "2026-03-02",
        vec![line("420221", 1, m("15000", "JPY"), "handbag")],
        zero("JPY"),
    );
    let q = quote(&c);
    assert_eq!(q.customs_value, m("9000", "JPY"));
    assert!(q.duty_lines.is_empty() && q.tax_lines.is_empty(), "{q:?}");
    assert_eq!(
        q.collected_at_checkout.checked_add(q.due_at_door).unwrap(),
        zero("JPY")
    );
    // Above ¥10,000 taxable value: duty and consumption tax at the border.
    let c = consignment(
        "JP",
        "US",
        "2026-03-02",
        vec![line("420221", 1, m("20000", "JPY"), "handbag")],
        zero("JPY"),
    );
    let q = quote(&c);
    assert_eq!(q.customs_value, m("12000", "JPY"));
    assert_eq!(q.duty_total(), m("960", "JPY"));
    assert_eq!(q.tax_total(), m("1296", "JPY"));
}

#[test]
fn e15_us_no_de_minimis_mfn_plus_section_122() {
    let c = consignment(
        "US",
        "CN",
        "2026-03-16",
        vec![line("6109100012", 1, m("50.00", "USD"), "cotton T-shirt")],
        m("8.00", "USD"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    assert_eq!(q.customs_value, m("50.00", "USD"));
    assert_eq!(q.duty_lines[0].rule, "tariff.us.610910");
    assert_eq!(q.duty_lines[0].amount, m("8.25", "USD"));
    assert_eq!(
        (q.duty_lines[1].rule.as_str(), q.duty_lines[1].amount),
        ("duty_surcharge.us.section122", m("5.00", "USD"))
    );
    assert_eq!(q.duty_total(), m("13.25", "USD"));
    assert!(q.tax_lines.is_empty());
    assert_eq!(q.due_at_door, m("13.25", "USD"));
    // After the surcharge period only the MFN duty remains.
    let mut later = c.clone();
    later.date = date("2026-07-24");
    assert_eq!(quote(&later).duty_total(), m("8.25", "USD"));
}
