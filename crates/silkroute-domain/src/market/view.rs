//! What a destination market looks like on a given day: its currency and the rules in force. A
//! country without curated rules is shown as "generic" with an explicit note, because showing no
//! VAT rule as a 0 % rate would quietly promise a tax-free delivery. The currency is dated too
//! (Croatia counted in kuna until 2022-12-31): [`market_currency`] is the one answer every quote
//! and view uses.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::rules::{MarketRule, RuleBody};
use crate::country::CountryCode;
use crate::currency::CurrencyCode;

/// Whether the platform has researched rules for a market on that day.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarketProfile {
    /// Rules in force that day come from the curated rule files.
    Curated,
    /// No curated rule applies: duties and taxes will be assessed by the destination's customs
    /// and cannot be quoted at checkout.
    Generic,
}

#[derive(Serialize, Clone, Debug, PartialEq, ToSchema)]
pub struct MarketView {
    pub country: CountryCode,
    pub name: String,
    /// The currency a shopper there was shown on `date`; absent where none applies (Antarctica).
    pub currency: Option<CurrencyCode>,
    pub date: NaiveDate,
    pub profile: MarketProfile,
    /// The country-wide standard VAT/GST rule in force, if the country has one.
    pub vat_standard: Option<MarketRule>,
    /// Every rule for the country in force on `date` (including regional ones), sorted by kind,
    /// id and region.
    pub rules: Vec<MarketRule>,
    pub notes: Vec<String>,
}

/// Builds the view of `country` on `date` from a rule set that may hold every country's rules.
pub fn market_view(country: CountryCode, date: NaiveDate, rules: &[MarketRule]) -> MarketView {
    let info = country.info();
    let mut in_force: Vec<MarketRule> = rules
        .iter()
        .filter(|rule| rule.country == country && rule.in_force_on(date))
        .cloned()
        .collect();
    in_force.sort_by(|a, b| {
        (a.kind(), &a.id, &a.region, a.version).cmp(&(b.kind(), &b.id, &b.region, b.version))
    });
    let vat_standard = in_force
        .iter()
        .find(|rule| rule.region.is_none() && matches!(rule.body, RuleBody::VatStandard(_)))
        .cloned();

    let mut notes = Vec::new();
    // A dated currency alone is not research into the market's taxes.
    let tax_rules_in_force = in_force
        .iter()
        .any(|rule| !matches!(rule.body, RuleBody::Currency(_)));
    let profile = if !tax_rules_in_force {
        let earliest = rules
            .iter()
            .filter(|rule| rule.country == country && !matches!(rule.body, RuleBody::Currency(_)))
            .map(|rule| rule.effective_from)
            .min();
        notes.push(match earliest {
            None => format!(
                "no curated tax rules for {country}: duties and taxes are assessed at the border by the destination's customs"
            ),
            Some(earliest) => format!(
                "no curated tax rule for {country} is in force on {date} (curated rules start on {earliest}): duties and taxes are assessed at the border by the destination's customs"
            ),
        });
        MarketProfile::Generic
    } else {
        let states_no_vat = in_force
            .iter()
            .any(|rule| matches!(rule.body, RuleBody::NoFederalVat(_)));
        if vat_standard.is_none() && !states_no_vat {
            notes.push(format!(
                "no country-wide standard VAT/GST rule for {country} on {date}: tax cannot be quoted from curated rules"
            ));
        }
        if let Some(uncertain) = in_force.iter().find(|rule| rule.is_uncertain()) {
            notes.push(format!(
                "some rules in force are marked uncertain (e.g. {} v{}): re-check before relying on them",
                uncertain.id, uncertain.version
            ));
        }
        MarketProfile::Curated
    };

    MarketView {
        country,
        name: info.name.to_string(),
        currency: market_currency(country, date, rules),
        date,
        profile,
        vat_standard,
        rules: in_force,
        notes,
    }
}

/// The currency of `country` on `date`: the market's dated `currency` rule in force that day if
/// it has one, else the country table's currency (the one in force today).
pub fn market_currency(
    country: CountryCode,
    date: NaiveDate,
    rules: &[MarketRule],
) -> Option<CurrencyCode> {
    let dated = rules.iter().find_map(|rule| match &rule.body {
        RuleBody::Currency(currency)
            if rule.country == country && rule.region.is_none() && rule.in_force_on(date) =>
        {
            Some(currency.currency)
        }
        _ => None,
    });
    dated.or_else(|| {
        country
            .info()
            .currency
            .and_then(|code| CurrencyCode::parse(code).ok())
    })
}

/// The countries that have at least one curated tax or customs rule (on any date), sorted by code;
/// a dated currency alone does not make a market curated.
pub fn curated_countries(rules: &[MarketRule]) -> Vec<CountryCode> {
    let mut countries: Vec<CountryCode> = rules
        .iter()
        .filter(|rule| !matches!(rule.body, RuleBody::Currency(_)))
        .map(|rule| rule.country)
        .collect();
    countries.sort();
    countries.dedup();
    countries
}
