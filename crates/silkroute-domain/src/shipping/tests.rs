//! Tests of the shipping module against the embedded demo rate cards, so that the shipped data
//! and the pricing rules are checked together.

use chrono::NaiveDate;
use proptest::prelude::*;
use rstest::rstest;

use super::*;
use crate::catalog::DimensionsMm;
use crate::country::{CountryCode, all_countries};
use crate::currency::CurrencyCode;
use crate::money::Money;

const PICKUP: [&str; 10] = ["CN", "US", "DE", "GB", "JP", "KR", "TR", "IN", "VN", "IT"];

fn c(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("test country")
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("test date")
}

fn usd(amount: &str) -> Money {
    Money::parse_exact(amount, CurrencyCode::USD).expect("test amount")
}

/// The 2026 editions: the cards the expectations below were written against.
fn services() -> Vec<CarrierService> {
    embedded_services()
        .expect("embedded carrier files are valid")
        .into_iter()
        .filter(|s| s.in_force_on(day("2026-06-01")))
        .collect()
}

#[test]
fn every_service_is_priced_without_gaps_from_2024_to_2026() {
    let all = embedded_services().expect("valid");
    for id in [
        "postal.economy",
        "postal.parcel",
        "express.worldwide",
        "linehaul.consolidated",
    ] {
        let mut date = day("2024-01-01");
        while date < day("2027-01-01") {
            let editions = all
                .iter()
                .filter(|s| s.id == id && s.in_force_on(date))
                .count();
            assert_eq!(editions, 1, "{id} on {date}");
            date += chrono::Duration::days(1);
        }
    }
}

fn service(id: &str) -> CarrierService {
    services()
        .into_iter()
        .find(|s| s.id == id)
        .expect("known service")
}

fn boxed(weight_g: u32, length: u32, width: u32, height: u32) -> Parcel {
    Parcel::new(
        weight_g,
        DimensionsMm {
            length,
            width,
            height,
        },
    )
}

#[test]
fn embedded_files_parse_validate_and_cover_the_world() {
    let all = services();
    let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "postal.economy",
            "postal.parcel",
            "express.worldwide",
            "linehaul.consolidated",
            "local.parcel"
        ]
    );
    // The local card delivers inside each market it serves and nowhere else.
    let local = service("local.parcel");
    for group in &local.origin_groups {
        for origin in &group.origins {
            let served: Vec<CountryCode> = all_countries()
                .iter()
                .filter_map(|country| CountryCode::parse(country.alpha2).ok())
                .filter(|d| group.zone_for(*origin, *d).is_some())
                .collect();
            assert_eq!(served, vec![*origin], "local.parcel from {origin}");
        }
    }
    for s in all.iter().filter(|s| s.id != "local.parcel") {
        for origin in PICKUP.map(c) {
            let group = s.origin_group(origin).expect("picks up in every hub");
            let served = all_countries()
                .iter()
                .filter_map(|country| CountryCode::parse(country.alpha2).ok())
                .filter(|d| group.zone_for(origin, *d).is_some())
                .count();
            assert!(served >= 200, "{} from {origin}: {served}", s.id);
        }
    }
}

#[rstest]
#[case("express.worldwide", "CN", "JP", "1-asia")]
#[case("express.worldwide", "CN", "US", "2-americas-oceania")]
#[case("express.worldwide", "CN", "FR", "3-europe")]
#[case("express.worldwide", "CN", "BR", "4-rest-of-world")]
#[case("express.worldwide", "DE", "FR", "1-europe")]
#[case("express.worldwide", "US", "CA", "1-north-america")]
#[case("linehaul.consolidated", "TR", "AU", "3-asia-oceania")]
#[case("postal.economy", "IN", "ZA", "4-rest-of-world")]
fn zone_lookup(
    #[case] id: &str,
    #[case] origin: &str,
    #[case] destination: &str,
    #[case] zone: &str,
) {
    let quote = rate(
        &service(id),
        c(origin),
        c(destination),
        &boxed(400, 200, 150, 50),
        day("2026-03-10"),
    )
    .expect("served");
    assert_eq!(quote.zone, zone);
}

#[rstest]
// postal.economy CN→US: 100 g break $3.60, 250 g break $5.16; breaks are inclusive.
#[case("postal.economy", 1, "3.60")]
#[case("postal.economy", 100, "3.60")]
#[case("postal.economy", 101, "5.16")]
#[case("postal.economy", 2_000, "23.36")]
// postal.parcel CN→US: last break 10 kg $78.60, then $7.40 per started kg (100 g rounding).
#[case("postal.parcel", 10_000, "78.60")]
#[case("postal.parcel", 10_001, "86.00")]
#[case("postal.parcel", 11_000, "86.00")]
#[case("postal.parcel", 11_001, "93.40")]
#[case("postal.parcel", 20_000, "152.60")]
fn weight_break_boundaries(#[case] id: &str, #[case] weight_g: u32, #[case] base: &str) {
    let quote = rate(
        &service(id),
        c("CN"),
        c("US"),
        &boxed(weight_g, 100, 100, 10),
        day("2026-03-10"),
    )
    .expect("within limits");
    assert_eq!(quote.base, usd(base));
    assert_eq!(
        quote.total,
        usd(base),
        "postal services carry no fuel surcharge"
    );
}

#[rstest]
// express CN→JP 1 kg: base $21.00. 20.50 % → 4.305 → 4.31 (half-up, not half-even's 4.30).
#[case("2026-01-15", "21.00", "20.50", "4.31", "25.31")]
// 18.25 % → 3.8325 → 3.83.
#[case("2026-03-10", "21.00", "18.25", "3.83", "24.83")]
// The last entry on or before the date applies; 24 % from 2026-12-07.
#[case("2026-12-07", "21.00", "24.00", "5.04", "26.04")]
fn fuel_surcharge_rounding(
    #[case] date: &str,
    #[case] base: &str,
    #[case] percent: &str,
    #[case] fuel: &str,
    #[case] total: &str,
) {
    let quote = rate(
        &service("express.worldwide"),
        c("CN"),
        c("JP"),
        &boxed(1_000, 100, 100, 100),
        day(date),
    )
    .expect("served");
    assert_eq!(quote.base, usd(base));
    assert_eq!(quote.fuel_surcharge_percent.to_string(), percent);
    assert_eq!(quote.fuel_surcharge, usd(fuel));
    assert_eq!(quote.total, usd(total));
}

#[test]
fn express_bills_volumetric_weight() {
    // RULES §7.1 D1 box: 2 kg actual, 4.8 kg volumetric → 5.0 kg billed; CN→US zone 2.
    let quote = rate(
        &service("express.worldwide"),
        c("CN"),
        c("US"),
        &boxed(2_000, 400, 300, 200),
        day("2026-03-10"),
    )
    .expect("served");
    assert_eq!(quote.billable_weight_g, 5_000);
    assert_eq!(quote.base, usd("65.45"));
    assert!(quote.ddp_capable);
    assert_eq!(quote.transit_days(), (2, 4));
}

#[rstest]
#[case("postal.economy", boxed(2_001, 100, 100, 100), "TooHeavy")]
#[case("postal.economy", boxed(500, 700, 100, 50), "LongestSide")]
#[case("postal.economy", boxed(500, 500, 300, 200), "SumOfSides")]
#[case("postal.parcel", boxed(20_001, 100, 100, 100), "TooHeavy")]
#[case("postal.parcel", boxed(5_000, 1_000, 400, 300), "LengthPlusGirth")]
#[case("express.worldwide", boxed(70_001, 100, 100, 100), "TooHeavy")]
#[case("express.worldwide", boxed(5_000, 1_300, 100, 100), "LongestSide")]
#[case("linehaul.consolidated", boxed(30_001, 100, 100, 100), "TooHeavy")]
#[case(
    "linehaul.consolidated",
    boxed(5_000, 800, 500, 500),
    "LengthPlusGirth"
)]
fn limits_are_enforced(#[case] id: &str, #[case] parcel: Parcel, #[case] expected: &str) {
    let error =
        rate(&service(id), c("CN"), c("DE"), &parcel, day("2026-03-10")).expect_err("over a limit");
    let found = match &error {
        RateError::TooHeavy { .. } => "TooHeavy",
        RateError::TooLarge { limit, .. } => match limit {
            SizeLimit::LongestSide => "LongestSide",
            SizeLimit::LengthPlusGirth => "LengthPlusGirth",
            SizeLimit::SumOfSides => "SumOfSides",
        },
        other => panic!("unexpected {other}"),
    };
    assert_eq!(found, expected, "{error}");
}

#[rstest]
#[case("FR", "US", "no pickup in FR")]
#[case("CN", "KP", "does not deliver from CN to KP")]
#[case("CN", "CN", "does not deliver from CN to CN")]
fn not_served(#[case] origin: &str, #[case] destination: &str, #[case] message: &str) {
    let error = rate(
        &service("postal.economy"),
        c(origin),
        c(destination),
        &boxed(500, 100, 100, 100),
        day("2026-03-10"),
    )
    .expect_err("not served");
    assert!(error.to_string().contains(message), "{error}");
}

#[test]
fn dates_outside_the_card_and_empty_parcels_are_refused() {
    let express = service("express.worldwide");
    let parcel = boxed(500, 100, 100, 100);
    for date in ["2025-12-31", "2027-01-01"] {
        assert!(matches!(
            rate(&express, c("CN"), c("US"), &parcel, day(date)),
            Err(RateError::NotInForce { .. })
        ));
    }
    assert_eq!(
        rate(
            &express,
            c("CN"),
            c("US"),
            &boxed(0, 1, 1, 1),
            day("2026-03-10")
        ),
        Err(RateError::EmptyParcel)
    );
}

#[test]
fn nothing_fits_lists_every_reason() {
    let error = shop(
        &services(),
        c("CN"),
        c("US"),
        &boxed(75_000, 300, 200, 100),
        day("2026-03-10"),
        Preference::Cheapest,
    )
    .expect_err("too heavy for all");
    let RateError::NoServiceFits { reasons } = &error else {
        panic!("unexpected {error}");
    };
    assert_eq!(reasons.len(), 5);
    // Every cross-border card is too light for it; the local card does not pick up in CN.
    assert!(reasons.iter().all(|r| matches!(
        r,
        RateError::TooHeavy { .. } | RateError::OriginNotServed { .. }
    )));
    assert_eq!(
        reasons
            .iter()
            .filter(|r| matches!(r, RateError::TooHeavy { .. }))
            .count(),
        4
    );
    let message = error.to_string();
    for id in [
        "postal.economy",
        "postal.parcel",
        "express.worldwide",
        "linehaul.consolidated",
    ] {
        assert!(message.contains(id), "{message}");
    }
    let none = shop(
        &[],
        c("CN"),
        c("US"),
        &boxed(500, 1, 1, 1),
        day("2026-03-10"),
        Preference::Fastest,
    );
    assert!(matches!(none, Err(RateError::NoServiceFits { reasons }) if reasons.is_empty()));
}

#[rstest]
#[case(Preference::Cheapest, "postal.parcel")]
#[case(Preference::Fastest, "express.worldwide")]
#[case(Preference::BestValue, "linehaul.consolidated")]
fn preference_ordering(#[case] preference: Preference, #[case] selected: &str) {
    let choice = shop(
        &services(),
        c("CN"),
        c("US"),
        &boxed(1_000, 200, 150, 100),
        day("2026-03-10"),
        preference,
    )
    .expect("several services fit");
    assert_eq!(choice.options.len(), 4);
    assert_eq!(choice.selected, choice.options[0]);
    assert_eq!(choice.selected.service_id, selected);
    for pair in choice.options.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        match preference {
            Preference::Cheapest => assert!(a.total.minor() <= b.total.minor()),
            Preference::Fastest => assert!(a.transit_days_max <= b.transit_days_max),
            Preference::BestValue => {
                let score = |q: &RateQuote| {
                    i128::from(q.total.minor()) * (100 + 5 * i128::from(q.transit_days_max))
                };
                assert!(score(a) <= score(b));
            }
        }
    }
}

#[test]
fn mixed_currencies_are_not_compared() {
    let mut eur = service("express.worldwide");
    eur.id = "express.eur".into();
    eur.currency = CurrencyCode::EUR;
    for zone in eur
        .origin_groups
        .iter_mut()
        .flat_map(|g| g.zones.iter_mut())
    {
        for b in &mut zone.breaks {
            b.price = Money::from_minor(b.price.minor(), CurrencyCode::EUR);
        }
        zone.per_additional_kg = zone
            .per_additional_kg
            .map(|m| Money::from_minor(m.minor(), CurrencyCode::EUR));
    }
    let mut all = services();
    all.push(eur);
    let result = shop(
        &all,
        c("CN"),
        c("US"),
        &boxed(1_000, 100, 100, 100),
        day("2026-03-10"),
        Preference::Cheapest,
    );
    assert!(matches!(result, Err(RateError::MixedCurrencies(_))));
}

const MINIMAL: &str = r#"
[[service]]
id = "t.one"
carrier = "T"
level = "standard"
currency = "USD"
max_weight_g = 2000
max_longest_side_mm = 600
ddp_capable = false
tracking_scheme = "s10"
tracking_prefix = "LX"
effective_from = "2026-01-01"
source = "test"

[[service.origin_group]]
origins = ["CN"]

[[service.origin_group.zone]]
name = "a"
countries = ["US", "CA"]
transit_days = [5, 9]
breaks = [{ up_to_g = 1000, price = "5.00" }, { up_to_g = 2000, price = "8.00" }]

[[service.origin_group.zone]]
name = "row"
rest_of_world = true
transit_days = [7, 12]
breaks = [{ up_to_g = 2000, price = "9.00" }]
"#;

#[rstest]
#[case("", "")]
#[case("source = \"test\"", "source = \"test\"\ncolour = \"red\"")]
#[case("\"5.00\" }, { up_to_g = 2000", "\"5.00\" }, { up_to_g = 900")]
#[case("price = \"8.00\"", "price = \"4.99\"")]
#[case("[\"US\", \"CA\"]", "[\"US\", \"US\"]")]
#[case("name = \"row\"", "name = \"a\"")]
#[case("up_to_g = 2000, price = \"9.00\"", "up_to_g = 1500, price = \"9.00\"")]
#[case("transit_days = [5, 9]", "transit_days = [9, 5]")]
#[case("tracking_prefix = \"LX\"", "tracking_prefix = \"JA\"")]
#[case("price = \"8.00\"", "price = \"8.001\"")]
#[case(
    "effective_from = \"2026-01-01\"",
    "effective_from = \"2026-01-01\"\neffective_to = \"2026-01-01\""
)]
fn parse_rejects_bad_cards(#[case] from: &str, #[case] to: &str) {
    let result = parse_carrier_file("test.toml", &MINIMAL.replacen(from, to, 1));
    if from.is_empty() {
        assert!(result.is_ok(), "{result:?}");
    } else {
        assert!(
            result.is_err(),
            "accepted after replacing {from:?} with {to:?}"
        );
    }
}

#[test]
fn overlapping_cards_for_one_service_are_refused() {
    let one = parse_carrier_file("test.toml", MINIMAL).expect("valid");
    let mut twice = one.clone();
    twice.extend(one);
    assert!(matches!(
        validate_service_set(&twice),
        Err(CarrierError::Overlap { .. })
    ));
}

fn zone_destinations() -> Vec<(String, CountryCode, CountryCode)> {
    let mut cases = Vec::new();
    for s in services() {
        for group in &s.origin_groups {
            let origin = group.origins[0];
            for zone in &group.zones {
                let destination = zone
                    .countries
                    .iter()
                    .copied()
                    .find(|d| *d != origin)
                    .or_else(|| zone.countries.first().copied())
                    .unwrap_or_else(|| c("BR"));
                cases.push((s.id.clone(), origin, destination));
            }
        }
    }
    cases
}

proptest! {
    #[test]
    fn total_is_non_decreasing_in_weight(
        case in prop::sample::select(zone_destinations()),
        a in 1u32..=70_000,
        b in 1u32..=70_000,
        day_of_year in 0u64..365,
    ) {
        let (id, origin, destination) = case;
        let s = service(&id);
        let (light, heavy) = (a.min(b).min(s.max_weight_g), a.max(b).min(s.max_weight_g));
        let date = day("2026-01-01") + chrono::Days::new(day_of_year);
        let price = |w| rate(&s, origin, destination, &boxed(w, 100, 100, 100), date)
            .map(|q| q.total.minor());
        let (light, heavy) = (price(light), price(heavy));
        prop_assert!(light.is_ok() && heavy.is_ok(), "{light:?} {heavy:?}");
        prop_assert!(light.unwrap_or(0) <= heavy.unwrap_or(0));
    }
}
