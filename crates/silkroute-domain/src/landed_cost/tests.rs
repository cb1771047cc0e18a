//! The worked examples of RULES.md §4.3 (E1–E15) with the exact figures shown there, plus the
//! dated and threshold cases the engine must get right.

use chrono::NaiveDate;
use rstest::rstest;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::country::CountryCode;
use crate::currency::CurrencyCode;
use crate::fx::PublishedRate;
use crate::hs::HsCode;
use crate::market::{MarketRule, ShippingChannel, ValuationBasis, embedded_rules};
use crate::money::Money;
use crate::party::BuyerKind;

fn ccy(code: &str) -> CurrencyCode {
    CurrencyCode::parse(code).unwrap()
}

fn m(amount: &str, currency: &str) -> Money {
    Money::parse_exact(amount, ccy(currency)).unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn line(hs: &str, quantity: u32, unit: Money, description: &str) -> ConsignmentLine {
    ConsignmentLine {
        hs_code: HsCode::parse(hs).unwrap(),
        quantity,
        unit_value: unit,
        consumption_tax_rate: None,
        description: description.into(),
    }
}

fn consignment(
    dest: &str,
    origin: &str,
    on: &str,
    lines: Vec<ConsignmentLine>,
    freight: Money,
) -> Consignment {
    Consignment {
        destination: CountryCode::parse(dest).unwrap(),
        region: None,
        origin: CountryCode::parse(origin).unwrap(),
        channel: ShippingChannel::Courier,
        buyer: BuyerKind::Consumer,
        buyer_has_valid_eu_vat: false,
        insurance: Money::zero(freight.currency()),
        lines,
        freight,
        date: date(on),
        incoterm_preference: None,
    }
}

fn rules() -> Vec<MarketRule> {
    embedded_rules().unwrap()
}

fn tariffs() -> TariffTable {
    embedded_tariffs().unwrap()
}

fn no_fx(_: CurrencyCode) -> Option<PublishedRate> {
    None
}

fn quote(c: &Consignment) -> LandedCost {
    landed_cost(c, &rules(), &tariffs(), &no_fx).unwrap()
}

fn zero(currency: &str) -> Money {
    Money::zero(ccy(currency))
}

/// Every line names a rule version that exists (market rule or tariff entry) and a base in the
/// quote's currency.
fn assert_traceable(q: &LandedCost) {
    let rules = rules();
    for l in q.duty_lines.iter().chain(&q.tax_lines) {
        assert!(l.rule_version >= 1, "{l:?}");
        assert_eq!(l.base.currency(), q.currency);
        assert_eq!(l.amount.currency(), q.currency);
        let known = l.rule.starts_with("tariff.")
            || rules
                .iter()
                .any(|r| r.id == l.rule && r.version == l.rule_version);
        assert!(known, "unknown rule {} v{}", l.rule, l.rule_version);
    }
}

fn e1_parcel(on: &str) -> Consignment {
    consignment(
        "DE",
        "CN",
        on,
        vec![
            line("610910", 2, m("15.00", "EUR"), "cotton T-shirt"),
            line("640399", 1, m("50.00", "EUR"), "leather shoes"),
        ],
        m("10.00", "EUR"),
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
            ("flat_duty.eu.low_value", 1)
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

#[rstest]
#[case("CN", "20.00", true)]
#[case("CN", "20.01", false)]
#[case("US", "40.00", true)]
#[case("US", "40.01", false)]
fn ca_courier_thresholds_depend_on_origin(
    #[case] origin: &str,
    #[case] value: &str,
    #[case] free: bool,
) {
    let c = consignment(
        "CA",
        origin,
        "2026-03-02",
        vec![line("950300", 1, m(value, "CAD"), "toy")],
        zero("CAD"),
    );
    let q = quote(&c);
    assert_eq!(q.tax_lines.is_empty(), free, "{q:?}");
    if origin == "CN" && !free {
        // Courier from China: the general CAD 20 threshold, duty lines present (toys 0 %).
        assert_eq!(q.duty_lines[0].rule, "tariff.ca.9503");
    }
}

fn cbec(value: &str, quantity: u32, ct: Option<Decimal>) -> Consignment {
    let mut c = consignment(
        "CN",
        "JP",
        "2026-03-02",
        vec![line("330499", quantity, m(value, "CNY"), "cosmetics")],
        zero("CNY"),
    );
    c.lines[0].consumption_tax_rate = ct;
    c
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
fn cbec_over_5000_single_item_pays_full_general_trade_rates() {
    let q = quote(&cbec("6000.00", 1, None));
    assert_traceable(&q);
    // tariff.cn.3304 1 % → 60.00; VAT 13 % × 6060.00 = 787.80
    assert_eq!(q.duty_lines[0].rule, "tariff.cn.3304");
    assert_eq!(q.duty_total(), m("60.00", "CNY"));
    assert_eq!(q.tax_lines[0].rate, Some(dec!(13)));
    assert_eq!(q.tax_total(), m("787.80", "CNY"));
    assert_eq!(q.collected_at_checkout, m("847.80", "CNY"));
}

#[test]
fn cbec_over_5000_with_several_items_is_refused() {
    let err = landed_cost(&cbec("2600.00", 2, None), &rules(), &tariffs(), &no_fx).unwrap_err();
    assert!(
        matches!(err, LandedCostError::CbecLimitExceeded { ref rule, version: 2, .. } if rule == "cbec.cn.limits"),
        "{err}"
    );
    // At exactly CNY 5,000 the limit still holds.
    assert_eq!(
        quote(&cbec("2500.00", 2, None)).tax_total(),
        m("455.00", "CNY")
    );
}

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

#[test]
fn embedded_tariffs_parse_and_cover_the_main_markets() {
    let table = tariffs();
    let d = date("2026-03-02");
    let hs = |s: &str| HsCode::parse(s).unwrap();
    let rate = |c: &str, h: &str| {
        table
            .lookup(CountryCode::parse(c).unwrap(), &hs(h), d)
            .unwrap()
            .rate
    };
    assert_eq!(rate("DE", "610910"), dec!(12));
    assert_eq!(rate("IT", "851713"), dec!(0));
    assert_eq!(rate("FR", "851830"), dec!(2));
    assert_eq!(rate("DE", "950300"), dec!(0));
    assert_eq!(rate("DE", "330499"), dec!(0));
    assert_eq!(rate("DE", "420221"), dec!(3));
    assert_eq!(rate("US", "610910"), dec!(16.5));
    assert_eq!(rate("US", "640399"), dec!(8.5));
    assert_eq!(rate("US", "851830"), dec!(4.9));
    assert_eq!(rate("CH", "640399"), dec!(0));
    let default = table
        .lookup(CountryCode::parse("US").unwrap(), &hs("010121"), d)
        .unwrap();
    assert_eq!(default.rule, "tariff.us.default");
    assert!(
        table
            .lookup(CountryCode::parse("BR").unwrap(), &hs("610910"), d)
            .is_none()
    );
}

#[rstest]
#[case(
    "id = \"t\"\nversion = 1\ndestinations = [\"DE\"]\neffective_from = \"2024-01-01\"\nsource = \"s\"\ndefault_rate = \"4\"\ncolour = \"red\"\n"
)]
#[case(
    "id = \"t\"\nversion = 1\ndestinations = [\"DE\"]\neffective_from = \"2024-01-01\"\nsource = \"s\"\ndefault_rate = \"4\"\n[[entry]]\nprefix = \"61\"\nrate = \"12\"\neffective_from = \"2024-01-01\"\nsource = \"s\"\nrat = \"1\"\n"
)]
#[case(
    "id = \"t\"\nversion = 1\ndestinations = [\"DE\"]\neffective_from = \"2024-01-01\"\nsource = \"s\"\ndefault_rate = \"4\"\n[[entry]]\nprefix = \"6\"\nrate = \"12\"\neffective_from = \"2024-01-01\"\nsource = \"s\"\n"
)]
#[case(
    "id = \"t\"\nversion = 1\ndestinations = [\"DE\"]\neffective_from = \"2024-01-01\"\nsource = \"s\"\ndefault_rate = \"140\"\n"
)]
fn bad_tariff_files_are_refused(#[case] text: &str) {
    assert!(parse_tariff_file("bad.toml", text).is_err());
}

#[test]
fn every_tariff_prefix_is_a_real_hs_code_and_every_destination_has_rules() {
    let rules = rules();
    for schedule in tariffs().schedules() {
        for entry in &schedule.entries {
            if matches!(entry.prefix.len(), 2 | 4 | 6) {
                assert!(
                    crate::hs::hs_entry(&entry.prefix).is_some(),
                    "{}: {} is not in HS 2022",
                    schedule.id,
                    entry.prefix
                );
            }
        }
        for country in &schedule.destinations {
            assert!(
                rules.iter().any(|r| r.country == *country),
                "{}: no market rules for {country}",
                schedule.id
            );
        }
    }
}

#[test]
fn longest_prefix_wins_and_entries_are_dated() {
    let text = r#"
id = "tariff.x"
version = 3
destinations = ["US"]
effective_from = "2020-01-01"
source = "test"
default_rate = "5"

[[entry]]
prefix = "61"
rate = "10"
effective_from = "2020-01-01"
source = "test"

[[entry]]
prefix = "6109"
rate = "12"
version = 2
effective_from = "2020-01-01"
effective_to = "2025-01-01"
source = "test"

[[entry]]
prefix = "610910"
rate = "16.5"
effective_from = "2025-01-01"
source = "test"
"#;
    let table = TariffTable::new(vec![parse_tariff_file("x.toml", text).unwrap()]).unwrap();
    let us = CountryCode::parse("US").unwrap();
    let hit = |hs: &str, on: &str| {
        table
            .lookup(us, &HsCode::parse(hs).unwrap(), date(on))
            .unwrap()
    };
    assert_eq!(hit("610910", "2024-12-31").rule, "tariff.x.6109");
    assert_eq!(hit("610910", "2024-12-31").version, 2);
    assert_eq!(hit("610910", "2025-01-01").rate, dec!(16.5));
    assert_eq!(hit("610990", "2025-01-01").rule, "tariff.x.61");
    assert_eq!(hit("950300", "2025-01-01").rule, "tariff.x.default");
    assert_eq!(hit("950300", "2025-01-01").version, 3);
    assert!(
        table
            .lookup(us, &HsCode::parse("950300").unwrap(), date("2019-12-31"))
            .is_none()
    );
    // Two schedules for one country are refused.
    let again = parse_tariff_file("x.toml", text).unwrap();
    assert!(TariffTable::new(vec![again.clone(), again]).is_err());
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
fn unknown_region_falls_back_to_the_federal_rate_with_a_note() {
    let mut c = consignment(
        "CA",
        "CN",
        "2026-03-02",
        vec![line("950300", 1, m("100.00", "CAD"), "toy")],
        zero("CAD"),
    );
    c.region = Some("ZZ".into());
    let q = quote(&c);
    assert_eq!(q.tax_lines[0].rule, "vat.ca.gst");
    assert!(
        q.notes.iter().any(|n| n.contains("region ZZ")),
        "{:?}",
        q.notes
    );
}

#[test]
fn quote_and_consignment_round_trip_through_json() {
    let c = cbec("1000.00", 1, Some(dec!(15)));
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["lines"][0]["consumption_tax_rate"], "15");
    assert_eq!(serde_json::from_value::<Consignment>(json).unwrap(), c);
    let q = quote(&c);
    let json = serde_json::to_value(&q).unwrap();
    assert_eq!(json["tax_lines"][0]["collected"], "at_checkout");
    assert_eq!(json["incoterm"], "DDP");
    assert_eq!(serde_json::from_value::<LandedCost>(json).unwrap(), q);
}

#[test]
fn invalid_consignments_are_refused() {
    let mut c = e1_parcel("2026-03-02");
    c.freight = m("10.00", "USD");
    assert!(matches!(
        landed_cost(&c, &rules(), &tariffs(), &no_fx),
        Err(LandedCostError::MixedCurrencies { .. })
    ));
    let mut c = e1_parcel("2026-03-02");
    c.lines.clear();
    assert_eq!(
        landed_cost(&c, &rules(), &tariffs(), &no_fx),
        Err(LandedCostError::NoLines)
    );
    let mut c = e1_parcel("2026-03-02");
    c.destination = CountryCode::parse("AR").unwrap();
    c.lines = vec![line("610910", 1, m("10.00", "ARS"), "x")];
    c.freight = zero("ARS");
    c.insurance = zero("ARS");
    assert!(matches!(
        landed_cost(&c, &rules(), &tariffs(), &no_fx),
        Err(LandedCostError::MissingRule { .. })
    ));
}

#[test]
fn au_consignment_above_1000_goes_through_the_border_even_with_low_value_items() {
    let c = consignment(
        "AU",
        "CN",
        "2026-03-02",
        vec![line("610910", 2, m("600.00", "AUD"), "T-shirts")],
        m("40.00", "AUD"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    // FOB customs value 1,200; duty 5 % = 60; GST on customs value + duty + transport.
    assert_eq!(q.customs_value, m("1200.00", "AUD"));
    assert_eq!(q.duty_total(), m("60.00", "AUD"));
    assert_eq!(q.tax_lines[0].base, m("1300.00", "AUD"));
    assert_eq!(q.tax_total(), m("130.00", "AUD"));
    assert_eq!(q.due_at_door, m("190.00", "AUD"));
    assert_eq!(q.incoterm, Incoterm::Dap);
}

#[test]
fn gb_above_135_pays_duty_and_import_vat_at_the_door() {
    let c = consignment(
        "GB",
        "CN",
        "2026-03-02",
        vec![line("610910", 10, m("20.00", "GBP"), "T-shirts")],
        m("10.00", "GBP"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    // CIF 210; duty 12 % = 25.20; VAT 20 % × 235.20 = 47.04.
    assert_eq!(q.duty_total(), m("25.20", "GBP"));
    assert_eq!(q.tax_total(), m("47.04", "GBP"));
    assert_eq!(q.due_at_door, m("72.24", "GBP"));
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
