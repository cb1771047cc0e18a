//! The landed-cost tests share one set of fixtures so that every jurisdiction's cases build
//! consignments and quotes the same way, against the rules and tariffs the product ships with.
//! The cases are split by jurisdiction so that a change to one country's rules shows at a glance
//! which expectations it touches.

mod au;
mod ca;
mod cn;
mod commercial;
mod consignment;
mod currency;
mod eu;
mod gb;
mod in_market;
mod no;
mod tariff;
mod worked_examples;

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
        commercial_import: false,
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
