//! The README's coverage figures, recounted from the shipped rules and data. A claim such as
//! "buyers in 200+ countries" once outran what the rules cover; counting here makes a figure
//! follow the data, and a rule file that adds a market fails this test until the README says so.

use std::path::Path;

use chrono::NaiveDate;
use silkroute_app::ECB_SNAPSHOT;
use silkroute_domain::country::{CountryCode, all_countries};
use silkroute_domain::currency::{CurrencyCode, all_currencies, retired_currencies};
use silkroute_domain::fx::parse_ecb_csv;
use silkroute_domain::hs::HsCode;
use silkroute_domain::landed_cost::{Consignment, ConsignmentLine, embedded_tariffs, landed_cost};
use silkroute_domain::market::{
    RuleBody, ShippingChannel, curated_countries, embedded_rule_files, embedded_rules,
};
use silkroute_domain::money::Money;
use silkroute_domain::party::BuyerKind;

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    std::fs::read_to_string(path).expect("README.md")
}

fn eur(amount: &str) -> Money {
    Money::parse_exact(amount, CurrencyCode::EUR).expect("amount")
}

/// A T-shirt for EUR 20 with EUR 5 freight, to `destination` on `date`.
fn tee_to(destination: CountryCode, date: NaiveDate) -> Consignment {
    let origin = if destination.as_str() == "CN" {
        "JP"
    } else {
        "CN"
    };
    Consignment {
        destination,
        region: None,
        origin: CountryCode::parse(origin).expect("origin"),
        channel: ShippingChannel::Courier,
        buyer: BuyerKind::Consumer,
        buyer_has_valid_eu_vat: false,
        lines: vec![ConsignmentLine {
            hs_code: HsCode::parse("610910").expect("hs"),
            quantity: 1,
            unit_value: eur("20.00"),
            consumption_tax_rate: None,
            description: "cotton T-shirt".into(),
        }],
        freight: eur("5.00"),
        insurance: eur("0.00"),
        date,
        incoterm_preference: None,
        commercial_import: false,
    }
}

#[test]
fn coverage_figures_are_counted_from_the_rules_and_data() {
    let rules = embedded_rules().expect("rules");
    let tariffs = embedded_tariffs().expect("tariffs");
    let sheet = parse_ecb_csv(ECB_SNAPSHOT).expect("ECB history");
    let last_day = sheet.last_date;
    let countries = all_countries();

    // Where a landed cost (and so a checkout) can be quoted: every country, tried on the last
    // ECB day with that day's rates.
    let quotable: Vec<CountryCode> = countries
        .iter()
        .filter_map(|country| CountryCode::parse(country.alpha2).ok())
        .filter(|code| {
            landed_cost(&tee_to(*code, last_day), &rules, &tariffs, &|currency| {
                sheet.latest_on_or_before(currency, last_day)
            })
            .is_ok()
        })
        .collect();
    let curated = curated_countries(&rules);
    let vat_only: Vec<&str> = curated
        .iter()
        .filter(|code| !quotable.contains(code))
        .map(|code| code.as_str())
        .collect();
    let outside_eu: Vec<&str> = quotable
        .iter()
        .filter(|code| !code.is_eu_member())
        .map(|code| code.as_str())
        .collect();
    let eu_members = quotable.len() - outside_eu.len();
    let authored: usize = embedded_rule_files()
        .iter()
        .map(|(_, text)| text.matches("\n[[rule]]").count())
        .sum();

    // Exchange rates: what the ECB quoted on its last day, and the euro itself.
    let quoted: Vec<CurrencyCode> = sheet
        .rates
        .iter()
        .filter(|rate| rate.date == last_day)
        .map(|rate| rate.currency)
        .chain([CurrencyCode::EUR])
        .collect();
    let priced_markets = countries
        .iter()
        .filter(|country| {
            country
                .currency
                .and_then(|code| CurrencyCode::parse(code).ok())
                .is_some_and(|code| quoted.contains(&code))
        })
        .count();
    let retired_in_history: Vec<&str> = retired_currencies()
        .iter()
        .filter(|currency| {
            CurrencyCode::parse_historical(currency.code)
                .ok()
                .and_then(|code| sheet.latest_on_or_before(code, last_day))
                .is_some()
        })
        .map(|currency| currency.code)
        .collect();
    let tradeable = all_currencies()
        .iter()
        .filter(|currency| currency.minor_units.is_some())
        .count();
    let changeovers = rules
        .iter()
        .filter(|rule| matches!(rule.body, RuleBody::Currency(_)) && rule.effective_to.is_some())
        .count();

    let text = readme();
    let claims = [
        format!(
            "sell to buyers in the {} countries whose import duties",
            quotable.len()
        ),
        format!("**{} countries** with complete rules", quotable.len()),
        format!("**{} countries** have curated, dated rules", curated.len()),
        format!("{authored} rules as written"),
        format!("{} once the EU's group rules are expanded", rules.len()),
        format!(
            "{} with the standard VAT/GST rate only ({})",
            vat_only.len(),
            vat_only.join(", ")
        ),
        format!(
            "the other {} of the {} ISO 3166-1 countries",
            countries.len() - curated.len(),
            countries.len()
        ),
        format!("**{priced_markets} countries**: those whose currency the ECB quotes"),
        format!("from {} to {last_day}", sheet.first_date),
        format!("**{} currencies** quoted on the last day", quoted.len()),
        format!(
            "**{} retired currencies** ({})",
            retired_in_history.len(),
            retired_in_history.join(", ")
        ),
        format!(
            "**{} codes** in force ({tradeable} that can price goods",
            all_currencies().len()
        ),
        format!("**{changeovers} euro changeovers**"),
        format!("ISO 3166-1: **{}**", countries.len()),
    ];
    for claim in &claims {
        assert!(
            text.contains(claim.as_str()),
            "README.md should say: {claim}"
        );
    }
    // The 36 are the EU members and the countries named next to them.
    assert_eq!(eu_members, 27);
    let line = text
        .lines()
        .find(|line| line.contains("with complete rules"))
        .expect("coverage row");
    for code in outside_eu {
        assert!(
            line.contains(&format!(" {code}")),
            "README's row lacks {code}: {line}"
        );
    }
}
