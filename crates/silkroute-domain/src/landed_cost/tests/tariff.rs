//! The duty figures are only as good as the tariff files behind them, so the embedded files and
//! the parser are tested on their own: a malformed or out-of-date schedule must fail here rather
//! than show up as a wrong quote.

use super::*;

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
