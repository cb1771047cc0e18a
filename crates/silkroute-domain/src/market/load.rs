//! Reading the rule files under `rules/`. Rules are authored by people as TOML, so every mistake
//! must be reported with the file and the rule it is in; whole-set checks live in `validate`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::exclusion::GoodsExclusion;
use super::rules::{Confidence, MarketRule, RateComponent, RuleBody};
use super::validate::validate_rule_set;
use crate::country::CountryCode;
use crate::money::Money;

/// Why a rule file or rule set was refused. Messages name the file and the rule (1-based index
/// and id) so that the author can go straight to the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{file}: rule #{index} ({id}): {message}")]
    Rule {
        file: String,
        index: usize,
        id: String,
        message: String,
    },
    #[error("rule {id} version {version} for {country} is defined more than once")]
    DuplicateVersion {
        id: String,
        version: u32,
        country: CountryCode,
    },
    #[error(
        "rule {id} version {version} for {country}: effective_to {effective_to} is not after effective_from {effective_from}"
    )]
    EmptyPeriod {
        id: String,
        version: u32,
        country: CountryCode,
        effective_from: NaiveDate,
        effective_to: NaiveDate,
    },
    #[error(
        "rule {id} for {country}: version {version} is a {kind} but version {other_version} is a {other_kind}"
    )]
    KindChanged {
        id: String,
        country: CountryCode,
        version: u32,
        kind: &'static str,
        other_version: u32,
        other_kind: &'static str,
    },
    #[error(
        "{country}{region}: {first} and {second} are both in force from {from}, but only one {slot} rule may apply at a time"
    )]
    Overlap {
        country: CountryCode,
        /// `/ON`-style suffix, empty for the whole country.
        region: String,
        slot: &'static str,
        first: String,
        second: String,
        from: NaiveDate,
    },
}

const EMBEDDED_RULE_FILES: [(&str, &str); 6] = [
    ("eu.toml", include_str!("../../../../rules/eu.toml")),
    ("gb.toml", include_str!("../../../../rules/gb.toml")),
    (
        "europe-other.toml",
        include_str!("../../../../rules/europe-other.toml"),
    ),
    (
        "americas.toml",
        include_str!("../../../../rules/americas.toml"),
    ),
    (
        "asia-pacific.toml",
        include_str!("../../../../rules/asia-pacific.toml"),
    ),
    (
        "middle-east.toml",
        include_str!("../../../../rules/middle-east.toml"),
    ),
];

/// The rule files shipped with the binary, as `(file name, TOML text)`, so that a fresh install
/// has curated markets without reading anything from disk; the app loads them into the store.
pub fn embedded_rule_files() -> &'static [(&'static str, &'static str)] {
    &EMBEDDED_RULE_FILES
}

/// Parses every embedded file and validates the union; the shipped data is tested to pass.
pub fn embedded_rules() -> Result<Vec<MarketRule>, RuleError> {
    let mut rules = Vec::new();
    for (file_name, text) in embedded_rule_files() {
        rules.extend(parse_rule_file(file_name, text)?);
    }
    validate_rule_set(&rules)?;
    Ok(rules)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    /// Named country lists a rule can target with `group = "…"` instead of `country`.
    #[serde(default)]
    groups: BTreeMap<String, Vec<CountryCode>>,
    #[serde(default)]
    rule: Vec<toml::Table>,
}

/// A rule as written: it names either one country or a group.
#[derive(Deserialize)]
struct AuthoredRule {
    id: String,
    version: u32,
    #[serde(default)]
    country: Option<CountryCode>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    region: Option<String>,
    effective_from: NaiveDate,
    #[serde(default)]
    effective_to: Option<NaiveDate>,
    source: String,
    #[serde(default)]
    confidence: Option<Confidence>,
    #[serde(flatten)]
    body: RuleBody,
}

/// Reads one rule file, expanding group rules into one rule per member country and checking each
/// rule on its own (dates in order, rates between 0 and 100 %, non-negative thresholds). Checks
/// that need the whole set are in [`super::validate_rule_set`].
pub fn parse_rule_file(file_name: &str, toml_text: &str) -> Result<Vec<MarketRule>, RuleError> {
    let file_error = |message: String| RuleError::File {
        file: file_name.to_string(),
        message,
    };
    let text = toml_text.strip_prefix('\u{feff}').unwrap_or(toml_text);
    let file: RuleFile = toml::from_str(text).map_err(|e| file_error(e.to_string()))?;
    if file.rule.is_empty() {
        return Err(file_error("no [[rule]] tables".into()));
    }
    let mut rules = Vec::new();
    for (position, mut table) in file.rule.into_iter().enumerate() {
        let index = position + 1;
        let id = table
            .get("id")
            .and_then(toml::Value::as_str)
            .unwrap_or("?")
            .to_string();
        let rule_error = |message: String| RuleError::Rule {
            file: file_name.to_string(),
            index,
            id: id.clone(),
            message,
        };
        quote_bare_dates(&mut table);
        let authored: AuthoredRule = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| rule_error(e.message().to_string()))?;
        check_rule(&authored).map_err(rule_error)?;
        let countries = match (&authored.country, &authored.group) {
            (Some(country), None) => vec![*country],
            (None, Some(group)) => file
                .groups
                .get(group)
                .cloned()
                .ok_or_else(|| rule_error(format!("unknown group '{group}'")))?,
            (Some(_), Some(_)) => {
                return Err(rule_error(
                    "give either `country` or `group`, not both".into(),
                ));
            }
            (None, None) => return Err(rule_error("missing `country` (or `group`)".into())),
        };
        if authored.group.is_some() && authored.region.is_some() {
            return Err(rule_error("a group rule cannot have a `region`".into()));
        }
        for country in countries {
            rules.push(MarketRule {
                id: authored.id.clone(),
                version: authored.version,
                country,
                region: authored.region.clone(),
                group: authored.group.clone(),
                effective_from: authored.effective_from,
                effective_to: authored.effective_to,
                source: authored.source.clone(),
                confidence: authored.confidence,
                body: authored.body.clone(),
            });
        }
    }
    Ok(rules)
}

/// TOML has a native date type, which serde sees as a map rather than a string; authors write
/// whichever form is natural, so bare dates are turned into the ISO strings `NaiveDate` reads.
fn quote_bare_dates(table: &mut toml::Table) {
    for (_, value) in table.iter_mut() {
        if let toml::Value::Datetime(datetime) = value
            && let (Some(date), None, None) = (datetime.date, datetime.time, datetime.offset)
        {
            *value = toml::Value::String(date.to_string());
        }
    }
}

fn check_rule(rule: &AuthoredRule) -> Result<(), String> {
    if rule.id.trim().is_empty() {
        return Err("empty `id`".into());
    }
    if rule.version == 0 {
        return Err("`version` starts at 1".into());
    }
    if rule.source.trim().is_empty() {
        return Err("every rule needs a `source`".into());
    }
    if let Some(end) = rule.effective_to
        && end <= rule.effective_from
    {
        return Err(format!(
            "effective_to {end} is not after effective_from {}",
            rule.effective_from
        ));
    }
    if let Some(region) = &rule.region
        && region.trim().is_empty()
    {
        return Err("empty `region`".into());
    }
    // A market cannot count in a currency after it was retired (the kuna ends on 2022-12-31).
    if let RuleBody::Currency(currency) = &rule.body
        && let Some(retired_on) = currency.currency.retired_on()
        && rule.effective_to.is_none_or(|end| end > retired_on)
    {
        return Err(format!(
            "currency {} was retired on {retired_on}: the rule must end by then",
            currency.currency
        ));
    }
    check_body(&rule.body)
}

fn check_body(body: &RuleBody) -> Result<(), String> {
    match body {
        RuleBody::VatStandard(vat) => {
            check_percent("rate", vat.rate)?;
            check_components(vat.rate, &vat.components)
        }
        RuleBody::VatReduced(vat) => {
            check_percent("rate", vat.rate)?;
            check_components(vat.rate, &vat.components)
        }
        RuleBody::NoFederalVat(_) => Ok(()),
        RuleBody::DeMinimis(de_minimis) => check_amount("threshold", &de_minimis.threshold),
        RuleBody::CollectionModel(model) => {
            if let Some(threshold) = &model.threshold {
                check_amount("threshold", threshold)?;
            }
            if let Some(threshold) = &model.seller_registration_threshold {
                check_amount("seller_registration_threshold", threshold)?;
            }
            Ok(())
        }
        RuleBody::FlatDuty(duty) => {
            check_amount("amount", &duty.amount)?;
            if let Some(limit) = &duty.consignment_value_limit {
                check_amount("consignment_value_limit", limit)?;
            }
            Ok(())
        }
        RuleBody::DutySurcharge(surcharge) => check_percent("rate", surcharge.rate),
        RuleBody::CbecLimits(limits) => {
            check_amount("per_transaction", &limits.per_transaction)?;
            check_amount("annual", &limits.annual)?;
            check_percent(
                "tariff_rate_within_limits",
                limits.tariff_rate_within_limits,
            )?;
            check_percent("tax_factor_percent", limits.tax_factor_percent)
        }
        RuleBody::CustomsValueBasis(_) => Ok(()),
        RuleBody::PersonalUseValuation(valuation) => check_percent("percent", valuation.percent),
        RuleBody::Currency(_) => Ok(()),
        RuleBody::GoodsExclusion(exclusion) => check_exclusion(exclusion),
    }
}

/// An exclusion names HS prefixes (a chapter, heading or finer code: an even number of digits,
/// 2 to 10) and at least one scheme, and states its reason, because the API repeats it.
fn check_exclusion(exclusion: &GoodsExclusion) -> Result<(), String> {
    if exclusion.hs.is_empty() {
        return Err("`hs` lists no HS chapter or heading".into());
    }
    for prefix in &exclusion.hs {
        let digits = prefix.len();
        if !(2..=10).contains(&digits)
            || digits % 2 != 0
            || !prefix.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(format!(
                "`hs` entry '{prefix}' is not an HS chapter, heading or sub-heading (2, 4, 6, 8 or 10 digits)"
            ));
        }
    }
    if exclusion.excluded_from.is_empty() {
        return Err("`excluded_from` names no scheme or relief".into());
    }
    if exclusion.goods.trim().is_empty() || exclusion.reason.trim().is_empty() {
        return Err("an exclusion needs `goods` and a `reason`".into());
    }
    Ok(())
}

fn check_percent(field: &str, value: Decimal) -> Result<(), String> {
    if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        return Err(format!(
            "`{field}` {value} is not a percentage between 0 and 100"
        ));
    }
    Ok(())
}

fn check_amount(field: &str, value: &Money) -> Result<(), String> {
    if value.is_negative() {
        return Err(format!("`{field}` {value} is negative"));
    }
    Ok(())
}

/// A combined rate is stored both as a total and as parts; they must agree, or one of them is a
/// typo that would change a tax line.
fn check_components(total: Decimal, components: &[RateComponent]) -> Result<(), String> {
    if components.is_empty() {
        return Ok(());
    }
    let mut sum = Decimal::ZERO;
    for component in components {
        check_percent("components.rate", component.rate)?;
        sum += component.rate;
    }
    if sum != total {
        return Err(format!("components add up to {sum} but `rate` is {total}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const HEADER: &str = r#"
[groups]
PAIR = ["DE", "FR"]
"#;

    fn vat(id: &str, version: u32, from: &str, to: Option<&str>, rate: &str) -> String {
        let to = to
            .map(|t| format!("effective_to = \"{t}\"\n"))
            .unwrap_or_default();
        format!(
            "[[rule]]\nid = \"{id}\"\nversion = {version}\ncountry = \"DE\"\nkind = \"vat_standard\"\n\
             effective_from = \"{from}\"\n{to}rate = \"{rate}\"\nname = \"VAT\"\nsource = \"test source\"\n"
        )
    }

    fn parse(text: &str) -> Result<Vec<MarketRule>, RuleError> {
        parse_rule_file("test.toml", text)
    }

    #[test]
    fn group_rule_expands_per_member() {
        let text = format!(
            "{HEADER}[[rule]]\nid = \"customs_value.pair\"\nversion = 1\ngroup = \"PAIR\"\n\
             kind = \"customs_value_basis\"\neffective_from = 2021-07-01\nbasis = \"cif\"\nsource = \"test source\"\n"
        );
        let rules = parse(&text).unwrap();
        let countries: Vec<&str> = rules.iter().map(|r| r.country.as_str()).collect();
        assert_eq!(countries, ["DE", "FR"]);
        assert!(rules.iter().all(|r| r.group.as_deref() == Some("PAIR")));
        // A bare TOML date is accepted like a quoted one.
        assert_eq!(rules[0].effective_from.to_string(), "2021-07-01");
        validate_rule_set(&rules).unwrap();
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let text = format!(
            "\u{feff}{}",
            vat("vat.de.standard", 1, "2021-01-01", None, "19")
        );
        assert_eq!(parse(&text).unwrap().len(), 1);
    }

    #[rstest]
    #[case::misspelt_field("rat = \"19\"", "test.toml: rule #1 (vat.x): unknown field `rat`")]
    #[case::float_rate(
        "rate = 19.5",
        "test.toml: rule #1 (vat.x): invalid type: floating point"
    )]
    #[case::rate_over_100(
        "rate = \"190\"",
        "test.toml: rule #1 (vat.x): `rate` 190 is not a percentage between 0 and 100"
    )]
    #[case::unknown_kind(
        "kind = \"vat_magic\"",
        "test.toml: rule #1 (vat.x): unknown variant `vat_magic`"
    )]
    #[case::bad_country(
        "country = \"XX\"",
        "test.toml: rule #1 (vat.x): unknown ISO 3166-1 country code 'XX'"
    )]
    #[case::unknown_group("group = \"NOPE\"", "test.toml: rule #1 (vat.x): unknown group 'NOPE'")]
    #[case::inverted_dates(
        "effective_to = \"2020-01-01\"",
        "test.toml: rule #1 (vat.x): effective_to 2020-01-01 is not after effective_from 2021-01-01"
    )]
    #[case::components_mismatch(
        "components = [{ name = \"GST\", rate = \"5\" }, { name = \"PST\", rate = \"6\" }]",
        "test.toml: rule #1 (vat.x): components add up to 11 but `rate` is 12"
    )]
    fn bad_rules_are_reported_with_file_index_and_id(#[case] line: &str, #[case] expected: &str) {
        let key = line.split(' ').next().unwrap();
        let mut text = String::from(
            "[[rule]]\nid = \"vat.x\"\nversion = 1\ncountry = \"DE\"\nkind = \"vat_standard\"\n\
             effective_from = \"2021-01-01\"\nrate = \"12\"\nname = \"VAT\"\nsource = \"test source\"\n",
        );
        // Replace the key if the base rule has it, otherwise add the line.
        let replaced: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{key} ")) {
                    line.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect();
        text = replaced.join("\n");
        if !text.contains(line) {
            text.push('\n');
            text.push_str(line);
        }
        if key == "group" {
            text = format!("{HEADER}{}", text.replace("country = \"DE\"\n", ""));
        }
        let message = parse(&text).unwrap_err().to_string();
        assert!(message.starts_with(expected), "{message}");
    }

    #[test]
    fn second_rule_is_named_by_index() {
        let text = format!(
            "{}\n{}",
            vat("vat.de.standard", 1, "2021-01-01", None, "19"),
            vat("vat.de.other", 1, "2021-01-01", None, "-1")
        );
        let message = parse(&text).unwrap_err().to_string();
        assert!(
            message.starts_with("test.toml: rule #2 (vat.de.other):"),
            "{message}"
        );
    }

    #[test]
    fn toml_syntax_error_names_the_file() {
        let message = parse("[[rule]\nid = 1").unwrap_err().to_string();
        assert!(message.starts_with("test.toml: "), "{message}");
    }

    const KUNA: &str = "[[rule]]\nid = \"currency.hr\"\nversion = 1\ncountry = \"HR\"\nkind = \"currency\"\n\
        effective_from = \"1994-05-30\"\ncurrency = \"HRK\"\nsource = \"test source\"\n";

    #[rstest]
    #[case::ends_on_the_changeover("effective_to = \"2023-01-01\"", None)]
    #[case::ends_before("effective_to = \"2020-01-01\"", None)]
    #[case::open_ended(
        "",
        Some(
            "test.toml: rule #1 (currency.hr): currency HRK was retired on 2023-01-01: the rule must end by then"
        )
    )]
    #[case::outlives_the_code(
        "effective_to = \"2023-01-02\"",
        Some(
            "test.toml: rule #1 (currency.hr): currency HRK was retired on 2023-01-01: the rule must end by then"
        )
    )]
    fn a_market_currency_ends_when_its_code_was_retired(
        #[case] end: &str,
        #[case] expected: Option<&str>,
    ) {
        let result = parse(&format!("{KUNA}{end}\n"));
        match expected {
            None => {
                let rules = result.unwrap();
                assert_eq!(rules[0].kind(), "currency");
                // The rule round-trips through JSON as the store keeps it, retired code included.
                let json = serde_json::to_string(&rules[0]).unwrap();
                assert_eq!(serde_json::from_str::<MarketRule>(&json).unwrap(), rules[0]);
            }
            Some(message) => assert_eq!(result.unwrap_err().to_string(), message),
        }
    }

    const EXCLUSION: &str = "[[rule]]\nid = \"exclusion.x\"\nversion = 1\ncountry = \"DE\"\n\
        kind = \"goods_exclusion\"\neffective_from = \"2021-07-01\"\ngoods = \"excise goods\"\n\
        reason = \"excise is assessed at the border\"\nsource = \"test source\"\n";

    #[rstest]
    #[case::chapters_and_heading(
        "hs = [\"22\", \"24\", \"3303\"]\nexcluded_from = [\"seller_collection\"]",
        None
    )]
    #[case::odd_length(
        "hs = [\"220\"]\nexcluded_from = [\"duty_relief\"]",
        Some(
            "`hs` entry '220' is not an HS chapter, heading or sub-heading (2, 4, 6, 8 or 10 digits)"
        )
    )]
    #[case::letters(
        "hs = [\"2a\"]\nexcluded_from = [\"duty_relief\"]",
        Some("`hs` entry '2a' is not an HS chapter")
    )]
    #[case::no_codes(
        "hs = []\nexcluded_from = [\"flat_duty\"]",
        Some("`hs` lists no HS chapter or heading")
    )]
    #[case::no_scheme(
        "hs = [\"22\"]\nexcluded_from = []",
        Some("`excluded_from` names no scheme or relief")
    )]
    #[case::unknown_scheme(
        "hs = [\"22\"]\nexcluded_from = [\"vat\"]",
        Some("unknown variant `vat`")
    )]
    fn goods_exclusions_name_hs_prefixes_and_schemes(
        #[case] body: &str,
        #[case] expected: Option<&str>,
    ) {
        let result = parse(&format!("{EXCLUSION}{body}\n"));
        match expected {
            None => assert_eq!(result.unwrap()[0].kind(), "goods_exclusion"),
            Some(message) => {
                let error = result.unwrap_err().to_string();
                assert!(
                    error.starts_with("test.toml: rule #1 (exclusion.x): ")
                        && error.contains(message),
                    "{error}"
                );
            }
        }
    }

    #[test]
    fn both_country_and_group_is_refused() {
        let text = format!(
            "{HEADER}{}group = \"PAIR\"\n",
            vat("vat.de.standard", 1, "2021-01-01", None, "19")
        );
        assert!(parse(&text).unwrap_err().to_string().contains("not both"));
    }
}
