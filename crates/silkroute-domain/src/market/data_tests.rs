//! Tests over the shipped rule files: they must parse, validate, cover the markets the platform
//! promises, and carry the dated changes RULES.md lists, checked on the day before and the day of
//! each change.

use chrono::NaiveDate;
use rstest::rstest;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::country::{CountryCode, all_countries};
use crate::currency::CurrencyCode;
use crate::money::Money;

fn rules() -> Vec<MarketRule> {
    embedded_rules().expect("shipped rule files are valid")
}

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn rules_in_force<'a>(
    rules: &'a [MarketRule],
    code: &str,
    date: &str,
) -> impl Iterator<Item = &'a MarketRule> {
    let (code, date) = (country(code), day(date));
    rules
        .iter()
        .filter(move |rule| rule.country == code && rule.in_force_on(date))
}

/// The standard rate in force for a country (region `None`) or a region, or `None`.
fn standard_rate(
    rules: &[MarketRule],
    code: &str,
    region: Option<&str>,
    date: &str,
) -> Option<Decimal> {
    let mut found = rules_in_force(rules, code, date).filter_map(|rule| match &rule.body {
        RuleBody::VatStandard(vat) if rule.region.as_deref() == region => Some(vat.rate),
        _ => None,
    });
    let rate = found.next();
    assert!(
        found.next().is_none(),
        "two standard rates for {code} on {date}"
    );
    rate
}

#[test]
fn every_embedded_file_parses_and_the_set_validates() {
    let mut total = 0;
    for (file_name, text) in embedded_rule_files() {
        let parsed = parse_rule_file(file_name, text).unwrap();
        assert!(!parsed.is_empty(), "{file_name} has no rules");
        total += parsed.len();
    }
    let all = rules();
    assert_eq!(all.len(), total);
    validate_rule_set(&all).unwrap();
}

#[test]
fn every_rule_cites_a_source() {
    for rule in rules() {
        assert!(rule.source.len() > 10, "{} has no real source", rule.id);
    }
}

#[test]
fn eu_group_is_exactly_the_eu_27() {
    let all = rules();
    let mut ioss: Vec<CountryCode> = all
        .iter()
        .filter(|rule| rule.id == "collection.eu.ioss")
        .map(|rule| rule.country)
        .collect();
    ioss.sort();
    let mut members: Vec<CountryCode> = all_countries()
        .iter()
        .map(|c| country(c.alpha2))
        .filter(CountryCode::is_eu_member)
        .collect();
    members.sort();
    assert_eq!(members.len(), 27);
    assert_eq!(ioss, members);
}

#[test]
fn every_eu_member_has_a_standard_rate_on_2026_01_01() {
    let all = rules();
    for member in all_countries().iter().map(|c| country(c.alpha2)) {
        if member.is_eu_member() {
            let view = market_view(member, day("2026-01-01"), &all);
            assert_eq!(view.profile, MarketProfile::Curated, "{member}");
            assert!(view.vat_standard.is_some(), "{member} has no standard rate");
        }
    }
}

#[rstest]
#[case("AT", dec!(20))]
#[case("BE", dec!(21))]
#[case("BG", dec!(20))]
#[case("CY", dec!(19))]
#[case("CZ", dec!(21))]
#[case("DE", dec!(19))]
#[case("DK", dec!(25))]
#[case("EE", dec!(24))]
#[case("ES", dec!(21))]
#[case("FI", dec!(25.5))]
#[case("FR", dec!(20))]
#[case("GR", dec!(24))]
#[case("HR", dec!(25))]
#[case("HU", dec!(27))]
#[case("IE", dec!(23))]
#[case("IT", dec!(22))]
#[case("LT", dec!(21))]
#[case("LU", dec!(17))]
#[case("LV", dec!(21))]
#[case("MT", dec!(18))]
#[case("NL", dec!(21))]
#[case("PL", dec!(23))]
#[case("PT", dec!(23))]
#[case("RO", dec!(21))]
#[case("SE", dec!(25))]
#[case("SI", dec!(22))]
#[case("SK", dec!(23))]
#[case("GB", dec!(20))]
#[case("NO", dec!(25))]
#[case("CH", dec!(8.1))]
#[case("AU", dec!(10))]
#[case("NZ", dec!(15))]
#[case("SG", dec!(9))]
#[case("JP", dec!(10))]
#[case("CA", dec!(5))]
#[case("CN", dec!(13))]
#[case("KR", dec!(10))]
#[case("BR", dec!(17))]
#[case("MX", dec!(16))]
#[case("TR", dec!(20))]
#[case("SA", dec!(15))]
#[case("AE", dec!(5))]
fn standard_rates_on_2026_01_01(#[case] code: &str, #[case] rate: Decimal) {
    assert_eq!(
        standard_rate(&rules(), code, None, "2026-01-01"),
        Some(rate)
    );
}

#[rstest]
#[case("FI", "2024-08-31", dec!(24))]
#[case("FI", "2024-09-01", dec!(25.5))]
#[case("SK", "2024-12-31", dec!(20))]
#[case("SK", "2025-01-01", dec!(23))]
#[case("EE", "2023-12-31", dec!(20))]
#[case("EE", "2024-01-01", dec!(22))]
#[case("EE", "2025-06-30", dec!(22))]
#[case("EE", "2025-07-01", dec!(24))]
#[case("RO", "2025-07-31", dec!(19))]
#[case("RO", "2025-08-01", dec!(21))]
#[case("DE", "2020-06-30", dec!(19))]
#[case("DE", "2020-07-01", dec!(16))]
#[case("DE", "2020-12-31", dec!(16))]
#[case("DE", "2021-01-01", dec!(19))]
#[case("IE", "2021-02-28", dec!(21))]
#[case("IE", "2021-03-01", dec!(23))]
#[case("LU", "2023-12-31", dec!(16))]
#[case("LU", "2024-01-01", dec!(17))]
#[case("CH", "2023-12-31", dec!(7.7))]
#[case("CH", "2024-01-01", dec!(8.1))]
#[case("SG", "2022-12-31", dec!(7))]
#[case("SG", "2023-01-01", dec!(8))]
#[case("SG", "2023-12-31", dec!(8))]
#[case("SG", "2024-01-01", dec!(9))]
#[case("JP", "2019-09-30", dec!(8))]
#[case("JP", "2019-10-01", dec!(10))]
#[case("TR", "2023-07-09", dec!(18))]
#[case("TR", "2023-07-10", dec!(20))]
#[case("SA", "2020-06-30", dec!(5))]
#[case("SA", "2020-07-01", dec!(15))]
fn dated_standard_rate_changes(#[case] code: &str, #[case] date: &str, #[case] rate: Decimal) {
    assert_eq!(standard_rate(&rules(), code, None, date), Some(rate));
}

#[rstest]
#[case("ON", "2026-01-01", dec!(13))]
#[case("NS", "2025-03-31", dec!(15))]
#[case("NS", "2025-04-01", dec!(14))]
#[case("NB", "2026-01-01", dec!(15))]
#[case("NL", "2026-01-01", dec!(15))]
#[case("PE", "2026-01-01", dec!(15))]
#[case("BC", "2026-01-01", dec!(12))]
#[case("MB", "2026-01-01", dec!(12))]
#[case("QC", "2026-01-01", dec!(14.975))]
#[case("SK", "2026-01-01", dec!(11))]
#[case("AB", "2026-01-01", dec!(5))]
#[case("YT", "2026-01-01", dec!(5))]
#[case("NT", "2026-01-01", dec!(5))]
#[case("NU", "2026-01-01", dec!(5))]
fn canadian_provinces(#[case] region: &str, #[case] date: &str, #[case] rate: Decimal) {
    assert_eq!(
        standard_rate(&rules(), "CA", Some(region), date),
        Some(rate)
    );
}

#[test]
fn us_states_it_has_no_federal_vat_instead_of_a_zero_rate() {
    let all = rules();
    let view = market_view(country("US"), day("2026-01-01"), &all);
    assert_eq!(view.profile, MarketProfile::Curated);
    assert!(view.vat_standard.is_none());
    assert!(
        view.rules
            .iter()
            .any(|rule| rule.kind() == "no_federal_vat")
    );
    assert!(view.notes.iter().all(|note| !note.contains("standard VAT")));
}

#[rstest]
#[case("2026-06-30", false)]
#[case("2026-07-01", true)]
#[case("2028-06-30", true)]
#[case("2028-07-01", false)]
fn eu_flat_duty_period(#[case] date: &str, #[case] in_force: bool) {
    let all = rules();
    for code in ["DE", "FR", "PL"] {
        let flat: Vec<&MarketRule> = rules_in_force(&all, code, date)
            .filter(|rule| rule.kind() == "flat_duty")
            .collect();
        assert_eq!(!flat.is_empty(), in_force, "{code} on {date}");
        if let Some(RuleBody::FlatDuty(duty)) = flat.first().map(|rule| &rule.body) {
            assert_eq!(duty.amount, Money::from_minor(300, CurrencyCode::EUR));
            assert_eq!(duty.per, FlatDutyUnit::DistinctSubheading);
            assert_eq!(duty.granularity, Some(HsGranularity::Hs6));
            assert!(flat[0].is_uncertain());
        }
    }
}

#[test]
fn eu_duty_relief_ends_when_the_flat_duty_starts() {
    let all = rules();
    let relief =
        |date: &str| rules_in_force(&all, "DE", date).any(|rule| rule.id == "de_minimis.eu.duty");
    assert!(relief("2026-06-30"));
    assert!(!relief("2026-07-01"));
}

#[rstest]
#[case("2026-02-23", false)]
#[case("2026-02-24", true)]
#[case("2026-03-01", true)]
#[case("2026-07-23", true)]
#[case("2026-07-24", false)]
fn us_section_122_surcharge(#[case] date: &str, #[case] in_force: bool) {
    let all = rules();
    let surcharge: Vec<&MarketRule> = rules_in_force(&all, "US", date)
        .filter(|rule| rule.kind() == "duty_surcharge")
        .collect();
    assert_eq!(!surcharge.is_empty(), in_force);
    if let Some(RuleBody::DutySurcharge(s)) = surcharge.first().map(|rule| &rule.body) {
        assert_eq!(s.rate, dec!(10));
    }
}

#[rstest]
#[case("2025-05-01", 80_000, false)]
#[case("2025-05-02", 80_000, true)]
#[case("2025-08-29", 0, false)]
fn us_de_minimis_history(#[case] date: &str, #[case] minor: i64, #[case] excludes_china: bool) {
    let all = rules();
    let rule = rules_in_force(&all, "US", date)
        .find(|rule| rule.id == "de_minimis.us.section321")
        .unwrap();
    let RuleBody::DeMinimis(de_minimis) = &rule.body else {
        panic!("not a de minimis rule");
    };
    assert_eq!(
        de_minimis.threshold,
        Money::from_minor(minor, CurrencyCode::USD)
    );
    assert_eq!(
        de_minimis.excluded_origins.contains(&country("CN")),
        excludes_china
    );
}

#[rstest]
#[case("2018-12-31", 200_000, 2_000_000)]
#[case("2019-01-01", 500_000, 2_600_000)]
fn china_cbec_limits(#[case] date: &str, #[case] per_transaction: i64, #[case] annual: i64) {
    let all = rules();
    let RuleBody::CbecLimits(limits) = &rules_in_force(&all, "CN", date)
        .find(|rule| rule.kind() == "cbec_limits")
        .unwrap()
        .body
    else {
        panic!("not cbec limits");
    };
    assert_eq!(
        limits.per_transaction,
        Money::from_minor(per_transaction, CurrencyCode::CNY)
    );
    assert_eq!(limits.annual, Money::from_minor(annual, CurrencyCode::CNY));
    assert_eq!(limits.tax_factor_percent, dec!(70));
}

/// RULES.md §4.1: the markets whose thresholds and collection models must be present.
#[rstest]
#[case("DE", "ioss")]
#[case("GB", "point_of_sale")]
#[case("US", "border")]
#[case("AU", "gst_lvg")]
#[case("CA", "border")]
#[case("JP", "border")]
#[case("SG", "ovr")]
#[case("CH", "point_of_sale")]
#[case("NO", "voec")]
#[case("CN", "cbec")]
fn collection_models_on_2026_03_01(#[case] code: &str, #[case] model: &str) {
    let all = rules();
    let found: Vec<String> = rules_in_force(&all, code, "2026-03-01")
        .filter_map(|rule| match &rule.body {
            RuleBody::CollectionModel(c) => {
                Some(serde_json::to_value(c.model).unwrap().to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(found, vec![format!("\"{model}\"")]);
}

#[rstest]
#[case("DE", "cif")]
#[case("GB", "cif")]
#[case("US", "fob")]
#[case("CA", "fob")]
#[case("AU", "fob")]
#[case("JP", "cif")]
#[case("SG", "cif")]
#[case("CH", "cif")]
#[case("NO", "cif")]
#[case("CN", "cif")]
fn customs_value_basis(#[case] code: &str, #[case] basis: &str) {
    let all = rules();
    let rule = rules_in_force(&all, code, "2026-03-01")
        .find(|rule| rule.kind() == "customs_value_basis")
        .unwrap();
    assert_eq!(serde_json::to_value(&rule.body).unwrap()["basis"], basis);
}

/// RULES.md §4.3 E10/E11: Swiss import VAT of CHF 4.86 is not collected, CHF 5.02 is.
#[rstest]
#[case(dec!(60), true)]
#[case(dec!(62), false)]
fn swiss_tax_amount_threshold(#[case] goods_and_transport: Decimal, #[case] exempt: bool) {
    let all = rules();
    let rate = standard_rate(&all, "CH", None, "2026-03-01").unwrap();
    let RuleBody::DeMinimis(de_minimis) = &rules_in_force(&all, "CH", "2026-03-01")
        .find(|rule| rule.id == "de_minimis.ch.vat")
        .unwrap()
        .body
    else {
        panic!("not de minimis");
    };
    assert_eq!(de_minimis.basis, ThresholdBasis::TaxAmount);
    let tax = (goods_and_transport * rate / dec!(100)).round_dp(2);
    assert_eq!(
        de_minimis
            .comparison
            .within(tax, de_minimis.threshold.to_decimal()),
        exempt
    );
}

#[test]
fn generic_country_is_never_a_silent_zero_rate() {
    let view = market_view(country("BO"), day("2026-01-01"), &rules());
    assert_eq!(view.profile, MarketProfile::Generic);
    assert!(view.vat_standard.is_none());
    assert!(view.rules.is_empty());
    assert_eq!(
        view.notes,
        vec![
            "no curated tax rules for BO: duties and taxes are assessed at the border by the destination's customs"
        ]
    );
    assert_eq!(view.currency, Some(CurrencyCode::parse("BOB").unwrap()));
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["profile"], "generic");
}

#[test]
fn curated_country_before_its_first_rule_is_generic_with_a_reason() {
    let view = market_view(country("KR"), day("2019-06-01"), &rules());
    assert_eq!(view.profile, MarketProfile::Generic);
    assert!(
        view.notes[0].contains("curated rules start on 2021-01-01"),
        "{:?}",
        view.notes
    );
}

#[test]
fn market_view_of_germany_after_july_2026() {
    let view = market_view(country("DE"), day("2026-07-01"), &rules());
    assert_eq!(view.profile, MarketProfile::Curated);
    assert_eq!(view.name, "Germany");
    assert_eq!(view.currency, Some(CurrencyCode::EUR));
    assert_eq!(view.vat_standard.as_ref().unwrap().id, "vat.de.standard");
    let kinds: Vec<&str> = view.rules.iter().map(MarketRule::kind).collect();
    for kind in [
        "vat_standard",
        "vat_reduced",
        "de_minimis",
        "collection_model",
        "flat_duty",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing: {kinds:?}");
    }
    assert!(view.notes.iter().any(|note| note.contains("uncertain")));
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["profile"], "curated");
    assert_eq!(json["vat_standard"]["rate"], "19");
}

#[test]
fn curated_countries_cover_the_promised_markets() {
    let curated = curated_countries(&rules());
    for code in [
        "GB", "NO", "CH", "AU", "NZ", "SG", "JP", "CA", "US", "CN", "KR", "BR", "MX", "TR", "SA",
        "AE",
    ] {
        assert!(curated.contains(&country(code)), "{code} missing");
    }
    assert_eq!(curated.len(), 27 + 16);
    assert!(curated.windows(2).all(|pair| pair[0] < pair[1]));
}

#[rstest]
#[case("flat_duty.eu.low_value")]
#[case("duty_surcharge.us.section122")]
#[case("vat.br.icms")]
fn rules_flagged_in_rules_md_are_marked_uncertain(#[case] id: &str) {
    let all = rules();
    assert!(
        all.iter()
            .filter(|rule| rule.id == id)
            .all(MarketRule::is_uncertain)
    );
    assert!(all.iter().any(|rule| rule.id == id));
}

#[rstest]
#[case::kuna("HR", "2020-06-01", "HRK")]
#[case::kunas_last_day("HR", "2022-12-31", "HRK")]
#[case::croatian_euro("HR", "2023-01-01", "EUR")]
#[case::levs_last_day("BG", "2025-12-31", "BGN")]
#[case::bulgarian_euro("BG", "2026-01-01", "EUR")]
#[case::kroon("EE", "2010-12-31", "EEK")]
#[case::estonian_euro("EE", "2011-01-01", "EUR")]
#[case::litas("LT", "2014-12-31", "LTL")]
#[case::tolar("SI", "2006-12-31", "SIT")]
#[case::undated_euro("DE", "2000-01-01", "EUR")]
#[case::undated_krone("NO", "2020-01-01", "NOK")]
fn a_markets_currency_is_dated(#[case] code: &str, #[case] date: &str, #[case] currency: &str) {
    let rules = rules();
    let expected = CurrencyCode::parse_historical(currency).unwrap();
    assert_eq!(
        market_currency(country(code), day(date), &rules),
        Some(expected)
    );
    let view = market_view(country(code), day(date), &rules);
    assert_eq!(view.currency, Some(expected));
    assert_eq!(
        serde_json::to_value(&view).unwrap()["currency"],
        serde_json::json!(currency)
    );
}

#[test]
fn every_currency_rule_names_a_code_in_use_for_its_whole_period() {
    let rules = rules();
    let dated: Vec<&MarketRule> = rules
        .iter()
        .filter(|rule| matches!(rule.body, RuleBody::Currency(_)))
        .collect();
    // The nine members that replaced their own currency with the euro, two versions each.
    assert_eq!(dated.len(), 18);
    for rule in dated {
        let RuleBody::Currency(currency) = &rule.body else {
            continue;
        };
        let last_day = rule
            .effective_to
            .and_then(|end| end.pred_opt())
            .unwrap_or(day("2099-12-31"));
        assert!(
            currency.currency.is_in_use_on(last_day),
            "{} v{}",
            rule.id,
            rule.version
        );
        // Every national currency gives way to the euro on the day it was retired.
        if let Some(retired_on) = currency.currency.retired_on() {
            assert_eq!(rule.effective_to, Some(retired_on), "{}", rule.id);
            assert_eq!(
                market_currency(rule.country, retired_on, &rules),
                Some(CurrencyCode::EUR)
            );
        }
    }
}

#[test]
fn a_dated_currency_alone_does_not_make_a_market_curated() {
    // Croatia's kuna rule starts in 1994, its curated VAT in 2012.
    let view = market_view(country("HR"), day("2000-01-01"), &rules());
    assert_eq!(view.profile, MarketProfile::Generic);
    assert_eq!(view.currency.map(|c| c.to_string()), Some("HRK".into()));
    assert!(
        view.notes[0].contains("curated rules start on 2012-03-01"),
        "{:?}",
        view.notes
    );
}

#[rstest]
#[case::ioss_excludes_excise("DE", "exclusion.eu.ioss_excise", &["22", "24"], true)]
#[case::relief_excludes_perfume("FR", "exclusion.eu.duty_relief", &["22", "24", "3303"], false)]
#[case::voec_excludes_excise("NO", "exclusion.no.voec_excise", &["22", "24"], true)]
#[case::gb_135_excludes_excise("GB", "exclusion.gb.low_value_excise", &["22", "24"], true)]
fn exclusions_are_dated_data_per_scheme(
    #[case] code: &str,
    #[case] id: &str,
    #[case] hs: &[&str],
    #[case] excise: bool,
) {
    let rules = rules();
    let rule = rules_in_force(&rules, code, "2026-03-02")
        .find(|rule| rule.id == id)
        .unwrap_or_else(|| panic!("{id} not in force for {code}"));
    let RuleBody::GoodsExclusion(exclusion) = &rule.body else {
        panic!("{id} is a {}", rule.kind());
    };
    assert_eq!(exclusion.hs, hs);
    assert_eq!(exclusion.excise, excise);
    assert!(!exclusion.reason.is_empty());
}
