//! Checks that need the whole rule set: a set that could give two answers for the same day
//! (duplicate or overlapping versions, two standard rates at once) is refused as a whole, because
//! a quote must be reproducible from the rule versions it names.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::load::RuleError;
use super::rules::{MarketRule, RuleBody};
use crate::country::CountryCode;

/// Checks what only the whole set can reveal: each `(id, country, version)` once, non-empty
/// validity periods, versions of one id that never overlap or change kind, and at most one
/// standard-rate, collection-model, valuation-basis, CBEC-limits, personal-use or currency rule in force for
/// a country (or region) on any day — otherwise a quote would have two answers.
pub fn validate_rule_set(rules: &[MarketRule]) -> Result<(), RuleError> {
    let mut by_version: BTreeMap<(&str, CountryCode, u32), &MarketRule> = BTreeMap::new();
    for rule in rules {
        if let Some(end) = rule.effective_to
            && end <= rule.effective_from
        {
            return Err(RuleError::EmptyPeriod {
                id: rule.id.clone(),
                version: rule.version,
                country: rule.country,
                effective_from: rule.effective_from,
                effective_to: end,
            });
        }
        let key = (rule.id.as_str(), rule.country, rule.version);
        if by_version.insert(key, rule).is_some() {
            return Err(RuleError::DuplicateVersion {
                id: rule.id.clone(),
                version: rule.version,
                country: rule.country,
            });
        }
    }

    let mut by_id: BTreeMap<(&str, CountryCode), Vec<&MarketRule>> = BTreeMap::new();
    for rule in rules {
        by_id
            .entry((rule.id.as_str(), rule.country))
            .or_default()
            .push(rule);
    }
    for versions in by_id.values() {
        check_same_kind(versions)?;
        check_no_overlap(versions, "version of the same")?;
    }

    let mut by_slot: BTreeMap<(CountryCode, Option<&str>, &'static str), Vec<&MarketRule>> =
        BTreeMap::new();
    for rule in rules {
        if let Some(slot) = exclusive_slot(&rule.body) {
            by_slot
                .entry((rule.country, rule.region.as_deref(), slot))
                .or_default()
                .push(rule);
        }
    }
    for ((_, _, slot), slot_rules) in &by_slot {
        check_no_overlap(slot_rules, slot)?;
    }
    Ok(())
}

/// Kinds of which at most one may be in force per country/region and day. `no_federal_vat`
/// shares the standard-rate slot: a country has either a standard rate or the statement that it
/// has none.
fn exclusive_slot(body: &RuleBody) -> Option<&'static str> {
    match body {
        RuleBody::VatStandard(_) | RuleBody::NoFederalVat(_) => Some("standard VAT/GST"),
        RuleBody::CollectionModel(_) => Some("collection_model"),
        RuleBody::CustomsValueBasis(_) => Some("customs_value_basis"),
        RuleBody::CbecLimits(_) => Some("cbec_limits"),
        RuleBody::PersonalUseValuation(_) => Some("personal_use_valuation"),
        RuleBody::Currency(_) => Some("currency"),
        RuleBody::VatReduced(_)
        | RuleBody::DeMinimis(_)
        | RuleBody::FlatDuty(_)
        | RuleBody::DutySurcharge(_)
        | RuleBody::GoodsExclusion(_) => None,
    }
}

fn check_same_kind(versions: &[&MarketRule]) -> Result<(), RuleError> {
    let Some(first) = versions.first() else {
        return Ok(());
    };
    match versions.iter().find(|rule| rule.kind() != first.kind()) {
        Some(other) => Err(RuleError::KindChanged {
            id: first.id.clone(),
            country: first.country,
            version: first.version,
            kind: first.kind(),
            other_version: other.version,
            other_kind: other.kind(),
        }),
        None => Ok(()),
    }
}

fn check_no_overlap(rules: &[&MarketRule], slot: &'static str) -> Result<(), RuleError> {
    for (position, first) in rules.iter().enumerate() {
        for second in &rules[position + 1..] {
            if periods_overlap(first, second) {
                let label = |rule: &MarketRule| format!("{} v{}", rule.id, rule.version);
                return Err(RuleError::Overlap {
                    country: first.country,
                    region: first
                        .region
                        .as_deref()
                        .map(|region| format!("/{region}"))
                        .unwrap_or_default(),
                    slot,
                    first: label(first),
                    second: label(second),
                    from: first.effective_from.max(second.effective_from),
                });
            }
        }
    }
    Ok(())
}

/// Half-open periods `[from, to)` overlap when each starts before the other ends.
fn periods_overlap(a: &MarketRule, b: &MarketRule) -> bool {
    let starts_before_end =
        |start: NaiveDate, end: Option<NaiveDate>| end.is_none_or(|end| start < end);
    starts_before_end(a.effective_from, b.effective_to)
        && starts_before_end(b.effective_from, a.effective_to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::parse_rule_file;
    use rstest::rstest;

    fn vat(id: &str, version: u32, from: &str, to: Option<&str>, rate: &str) -> String {
        let to = to
            .map(|t| format!("effective_to = \"{t}\"\n"))
            .unwrap_or_default();
        format!(
            "[[rule]]\nid = \"{id}\"\nversion = {version}\ncountry = \"DE\"\nkind = \"vat_standard\"\n\
             effective_from = \"{from}\"\n{to}rate = \"{rate}\"\nname = \"VAT\"\nsource = \"test source\"\n"
        )
    }

    fn parse(text: &str) -> Vec<MarketRule> {
        parse_rule_file("test.toml", text).unwrap()
    }

    #[test]
    fn duplicate_version_is_refused() {
        let text = format!(
            "{}\n{}",
            vat("vat.de.standard", 1, "2021-01-01", Some("2022-01-01"), "19"),
            vat("vat.de.standard", 1, "2022-01-01", None, "19")
        );
        let error = validate_rule_set(&parse(&text)).unwrap_err();
        assert!(
            matches!(error, RuleError::DuplicateVersion { version: 1, .. }),
            "{error}"
        );
    }

    #[rstest]
    #[case(Some("2022-01-01"), "2022-01-01", true)]
    #[case(Some("2022-01-02"), "2022-01-01", false)]
    #[case(None, "2030-01-01", false)]
    fn versions_must_not_overlap(
        #[case] first_end: Option<&str>,
        #[case] second_start: &str,
        #[case] valid: bool,
    ) {
        let text = format!(
            "{}\n{}",
            vat("vat.de.standard", 1, "2021-01-01", first_end, "19"),
            vat("vat.de.standard", 2, second_start, None, "20")
        );
        let result = validate_rule_set(&parse(&text));
        assert_eq!(result.is_ok(), valid, "{result:?}");
    }

    #[test]
    fn two_standard_rates_for_one_country_are_refused() {
        let text = format!(
            "{}\n{}",
            vat("vat.de.standard", 1, "2021-01-01", None, "19"),
            vat("vat.de.duplicate", 1, "2025-01-01", None, "20")
        );
        let error = validate_rule_set(&parse(&text)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "DE: vat.de.standard v1 and vat.de.duplicate v1 are both in force from 2025-01-01, \
             but only one standard VAT/GST rule may apply at a time"
        );
    }

    #[test]
    fn kind_may_not_change_between_versions() {
        let text = format!(
            "{}\n[[rule]]\nid = \"vat.de.standard\"\nversion = 2\ncountry = \"DE\"\n\
             kind = \"customs_value_basis\"\neffective_from = \"2022-01-01\"\nbasis = \"cif\"\nsource = \"test source\"\n",
            vat("vat.de.standard", 1, "2021-01-01", Some("2022-01-01"), "19")
        );
        let error = validate_rule_set(&parse(&text)).unwrap_err();
        assert!(matches!(error, RuleError::KindChanged { .. }), "{error}");
    }
}
