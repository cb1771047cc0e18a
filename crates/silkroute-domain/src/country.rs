//! ISO 3166-1 country codes as a validated value type. Customs, tax and shipping rules are all
//! keyed by country, so a code that is not in the standard must be stopped at the edge, and the
//! three spellings partners send (alpha-2, alpha-3, any case) must collapse into one value.

mod table;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

/// An ISO 3166-1 alpha-2 code known to the table; alpha-2 is the canonical form because carriers,
/// S10 identifiers and VAT numbers all use it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

/// One row of ISO 3166-1, with the currency a price shown to a shopper there would normally use.
#[derive(Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Country {
    pub alpha2: &'static str,
    pub alpha3: &'static str,
    pub numeric: u16,
    pub name: &'static str,
    /// Main legal tender (ISO 4217); `None` only where no currency applies (Antarctica).
    pub currency: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountryError {
    #[error("unknown ISO 3166-1 country code '{0}'")]
    UnknownCountry(String),
}

/// EU-27 as of 2026, by alpha-2. The member list changes by treaty, rarely enough that a constant
/// with a test is clearer than dated data.
const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

impl CountryCode {
    /// Accepts alpha-2 or alpha-3 in any case, with surrounding blanks, and normalises to alpha-2.
    pub fn parse(s: &str) -> Result<CountryCode, CountryError> {
        let trimmed = s.trim();
        let upper = trimmed.to_ascii_uppercase();
        let found = match upper.len() {
            2 => lookup_alpha2(&upper),
            3 => table::COUNTRIES.iter().find(|c| c.alpha3 == upper),
            _ => None,
        };
        let country = found.ok_or_else(|| CountryError::UnknownCountry(trimmed.into()))?;
        let bytes = country.alpha2.as_bytes();
        Ok(CountryCode([bytes[0], bytes[1]]))
    }

    pub fn as_str(&self) -> &str {
        // Built only from table entries, which are ASCII.
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }

    pub fn info(&self) -> &'static Country {
        // Every constructor went through the table; the fallback keeps this free of panics.
        lookup_alpha2(self.as_str()).unwrap_or(&table::COUNTRIES[0])
    }

    /// Membership of the customs and VAT union, which decides whether a shipment is an import.
    /// Special territories (e.g. the Canary Islands) are not distinguished at this level.
    pub fn is_eu_member(&self) -> bool {
        EU_MEMBERS.contains(&self.as_str())
    }
}

/// All 249 entries, sorted by alpha-2.
pub fn all_countries() -> &'static [Country] {
    &table::COUNTRIES
}

fn lookup_alpha2(upper: &str) -> Option<&'static Country> {
    table::COUNTRIES
        .binary_search_by(|entry| entry.alpha2.cmp(upper))
        .ok()
        .map(|index| &table::COUNTRIES[index])
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CountryCode {
    type Err = CountryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CountryCode::parse(s)
    }
}

impl TryFrom<&str> for CountryCode {
    type Error = CountryError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        CountryCode::parse(value)
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        CountryCode::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for CountryCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .description(Some(
                "ISO 3166-1 alpha-2 country code; alpha-3 is accepted on input and normalised.",
            ))
            .pattern(Some("^[A-Za-z]{2,3}$"))
            .examples([serde_json::json!("DE")])
            .into()
    }
}

impl utoipa::ToSchema for CountryCode {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::currency::{CurrencyCode, lookup_currency};
    use rstest::rstest;
    use std::collections::HashSet;

    #[test]
    fn table_has_all_249_unique_entries_sorted() {
        let all = all_countries();
        assert_eq!(all.len(), 249);
        assert!(all.windows(2).all(|pair| pair[0].alpha2 < pair[1].alpha2));
        let alpha3: HashSet<_> = all.iter().map(|c| c.alpha3).collect();
        let numeric: HashSet<_> = all.iter().map(|c| c.numeric).collect();
        assert_eq!(alpha3.len(), 249);
        assert_eq!(numeric.len(), 249);
        assert!(
            all.iter()
                .all(|c| c.alpha2.len() == 2 && c.alpha3.len() == 3)
        );
    }

    #[test]
    fn every_country_currency_is_tradeable() {
        for country in all_countries() {
            if let Some(code) = country.currency {
                assert!(
                    lookup_currency(code).is_some(),
                    "{} -> {code}",
                    country.alpha2
                );
                assert!(
                    CurrencyCode::parse(code).is_ok(),
                    "{} -> {code}",
                    country.alpha2
                );
            }
        }
    }

    #[rstest]
    #[case("DE", Some("EUR"))]
    #[case("BG", Some("EUR"))]
    #[case("HR", Some("EUR"))]
    #[case("CW", Some("XCG"))]
    #[case("SX", Some("XCG"))]
    #[case("PS", Some("ILS"))]
    #[case("AQ", None)]
    #[case("US", Some("USD"))]
    #[case("GB", Some("GBP"))]
    #[case("CN", Some("CNY"))]
    #[case("JP", Some("JPY"))]
    #[case("CH", Some("CHF"))]
    #[case("SV", Some("USD"))]
    #[case("ZW", Some("ZWG"))]
    #[case("SL", Some("SLE"))]
    fn main_currency(#[case] alpha2: &str, #[case] currency: Option<&str>) {
        let code = CountryCode::parse(alpha2).unwrap();
        assert_eq!(code.info().currency, currency);
    }

    #[rstest]
    #[case("DE", "DE")]
    #[case("de", "DE")]
    #[case(" fr ", "FR")]
    #[case("DEU", "DE")]
    #[case("deu", "DE")]
    #[case("GBR", "GB")]
    #[case("CHN", "CN")]
    #[case("usa", "US")]
    fn parse_normalises_to_alpha2(#[case] input: &str, #[case] expected: &str) {
        assert_eq!(CountryCode::parse(input).unwrap().as_str(), expected);
    }

    #[rstest]
    #[case("")]
    #[case("D")]
    #[case("XX")]
    #[case("UK")]
    #[case("EU")]
    #[case("ABCD")]
    #[case("ÄÖ")]
    #[case("XKX")]
    fn parse_rejects(#[case] input: &str) {
        assert_eq!(
            CountryCode::parse(input),
            Err(CountryError::UnknownCountry(input.trim().into()))
        );
    }

    #[test]
    fn error_message_names_the_input() {
        assert_eq!(
            CountryCode::parse("UK").unwrap_err().to_string(),
            "unknown ISO 3166-1 country code 'UK'"
        );
    }

    #[test]
    fn eu_has_27_known_members() {
        let members: Vec<_> = all_countries()
            .iter()
            .filter_map(|c| CountryCode::parse(c.alpha2).ok())
            .filter(CountryCode::is_eu_member)
            .collect();
        assert_eq!(members.len(), 27);
    }

    #[rstest]
    #[case("DE", true)]
    #[case("BG", true)]
    #[case("HR", true)]
    #[case("IE", true)]
    #[case("GB", false)]
    #[case("CH", false)]
    #[case("NO", false)]
    #[case("MC", false)]
    #[case("US", false)]
    fn eu_membership(#[case] alpha2: &str, #[case] member: bool) {
        assert_eq!(CountryCode::parse(alpha2).unwrap().is_eu_member(), member);
    }

    #[test]
    fn display_debug_and_serde_use_alpha2() {
        let germany = CountryCode::parse("DEU").unwrap();
        assert_eq!(germany.to_string(), "DE");
        assert_eq!(format!("{germany:?}"), "DE");
        assert_eq!(serde_json::to_string(&germany).unwrap(), "\"DE\"");
        let parsed: CountryCode = serde_json::from_str("\"deu\"").unwrap();
        assert_eq!(parsed, germany);
        assert!(serde_json::from_str::<CountryCode>("\"UK\"").is_err());
        let schema =
            serde_json::to_value(<CountryCode as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
    }
}
