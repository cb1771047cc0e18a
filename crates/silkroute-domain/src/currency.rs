//! ISO 4217 currency codes as a validated value type, so that every amount in the platform names a
//! currency that exists and whose minor unit (the number of decimals a price may carry) is known.
//! Codes without a minor unit (precious metals, SDR, test and "no currency" codes) are recognised
//! but refused as the currency of a price, because there is no correct way to round them.
//!
//! Codes also end: Croatia's kuna on 2023-01-01, Bulgaria's lev on 2026-01-01. A retired code is
//! refused wherever money is priced today ([`CurrencyCode::parse`], and so the JSON money shape),
//! but history still needs it — an exchange rate of 2020, a landed cost quoted for a day when the
//! kuna was Croatia's money — so [`CurrencyCode::parse_on`] accepts a code on the days it was in
//! use and says on which day it was retired otherwise.

mod table;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

/// A tradeable ISO 4217 alphabetic code. Holding the three bytes inline keeps it `Copy` and makes
/// it as cheap to pass around as an integer; the only way to build one checks it against the table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CurrencyCode([u8; 3]);

/// One row of ISO 4217 list one (or, for a retired code, list three). Exposed so that API clients
/// can be offered the list and so that other modules can learn the minor unit without
/// hard-coding it.
#[derive(Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Currency {
    pub code: &'static str,
    pub numeric: u16,
    pub name: &'static str,
    /// `None` where ISO 4217 says "N.A.": such units cannot be rounded, so cannot price goods.
    pub minor_units: Option<u8>,
    /// The first day the code no longer named legal tender; `None` for a code in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired_on: Option<NaiveDate>,
    /// The code that took over on `retired_on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<&'static str>,
}

/// Why a string is not a usable currency. The cases are kept apart so that a caller can tell a
/// typo from a real code that simply cannot carry a price, or no longer could on the day asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    #[error("unknown ISO 4217 currency code '{0}'")]
    UnknownCurrency(String),
    #[error("ISO 4217 code '{0}' has no minor unit and cannot be used for prices")]
    NotTradeable(String),
    #[error("ISO 4217 code '{code}' was retired on {retired_on} (replaced by {replaced_by})")]
    Retired {
        code: String,
        retired_on: NaiveDate,
        replaced_by: &'static str,
    },
}

impl CurrencyCode {
    pub const EUR: CurrencyCode = CurrencyCode(*b"EUR");
    pub const USD: CurrencyCode = CurrencyCode(*b"USD");
    pub const GBP: CurrencyCode = CurrencyCode(*b"GBP");
    pub const CNY: CurrencyCode = CurrencyCode(*b"CNY");
    pub const JPY: CurrencyCode = CurrencyCode(*b"JPY");

    /// A code in force, as prices, settlements and reports need. Accepts what people and partner
    /// systems actually send: surrounding blanks and any case. A retired code is refused with the
    /// day it was retired.
    pub fn parse(s: &str) -> Result<CurrencyCode, CurrencyError> {
        let code = CurrencyCode::parse_historical(s)?;
        match code.retired() {
            Some(error) => Err(error),
            None => Ok(code),
        }
    }

    /// A code that was in use on `date`: any code in force, or a retired one before the day it
    /// was retired. For history — exchange rates and landed costs of past days.
    pub fn parse_on(s: &str, date: NaiveDate) -> Result<CurrencyCode, CurrencyError> {
        let code = CurrencyCode::parse_historical(s)?;
        code.check_in_use_on(date)?;
        Ok(code)
    }

    /// Any tradeable code, in force or retired, whatever the day: for data whose dates are
    /// checked elsewhere (a rule naming the kuna for the years Croatia used it).
    pub fn parse_historical(s: &str) -> Result<CurrencyCode, CurrencyError> {
        let trimmed = s.trim();
        let upper = trimmed.to_ascii_uppercase();
        let currency = lookup_currency(&upper)
            .ok_or_else(|| CurrencyError::UnknownCurrency(trimmed.into()))?;
        if currency.minor_units.is_none() {
            return Err(CurrencyError::NotTradeable(upper));
        }
        let bytes = upper.as_bytes();
        Ok(CurrencyCode([bytes[0], bytes[1], bytes[2]]))
    }

    pub fn as_str(&self) -> &str {
        // The bytes were copied from a table entry (or a constant), so they are ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    pub fn info(&self) -> &'static Currency {
        // Every constructor went through the tables, so the lookup cannot miss; the fallback keeps
        // this total without a panic path.
        lookup_currency(self.as_str()).unwrap_or(&table::CURRENCIES[0])
    }

    /// Number of decimals a price in this currency carries (0 for JPY, 3 for KWD).
    pub fn minor_units(&self) -> u32 {
        self.info().minor_units.map_or(0, u32::from)
    }

    /// The first day the code no longer named legal tender, for a retired code.
    pub fn retired_on(&self) -> Option<NaiveDate> {
        self.info().retired_on
    }

    /// Whether money could be counted in this code on `date`.
    pub fn is_in_use_on(&self, date: NaiveDate) -> bool {
        self.retired_on().is_none_or(|end| date < end)
    }

    /// [`CurrencyCode::is_in_use_on`] with the reason as an error.
    pub fn check_in_use_on(&self, date: NaiveDate) -> Result<(), CurrencyError> {
        match self.retired() {
            Some(error) if !self.is_in_use_on(date) => Err(error),
            _ => Ok(()),
        }
    }

    fn retired(&self) -> Option<CurrencyError> {
        let info = self.info();
        info.retired_on.map(|retired_on| CurrencyError::Retired {
            code: info.code.to_string(),
            retired_on,
            replaced_by: info.replaced_by.unwrap_or("another code"),
        })
    }
}

/// The codes in force, including the ones that cannot price goods, sorted by code.
pub fn all_currencies() -> &'static [Currency] {
    &table::CURRENCIES
}

/// The retired codes the platform still reads history in, sorted by code.
pub fn retired_currencies() -> &'static [Currency] {
    &table::RETIRED
}

/// Case-insensitive lookup of any listed code — in force or retired, tradeable or not; deciding
/// whether a code may price goods is [`CurrencyCode::parse`]'s job.
pub fn lookup_currency(code: &str) -> Option<&'static Currency> {
    let wanted = code.bytes().map(|b| b.to_ascii_uppercase());
    [&table::CURRENCIES[..], &table::RETIRED[..]]
        .into_iter()
        .find_map(|list| {
            list.binary_search_by(|entry| entry.code.bytes().cmp(wanted.clone()))
                .ok()
                .map(|index| &list[index])
        })
}

/// For `#[serde(deserialize_with)]` on fields that hold history, where a retired code is valid
/// (a dated rule naming the kuna): accepts what [`CurrencyCode::parse_historical`] accepts.
pub fn deserialize_historical<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<CurrencyCode, D::Error> {
    let raw = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
    CurrencyCode::parse_historical(&raw).map_err(serde::de::Error::custom)
}

impl fmt::Debug for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CurrencyCode {
    type Err = CurrencyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CurrencyCode::parse(s)
    }
}

impl TryFrom<&str> for CurrencyCode {
    type Error = CurrencyError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        CurrencyCode::parse(value)
    }
}

impl Serialize for CurrencyCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CurrencyCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        CurrencyCode::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for CurrencyCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .description(Some(
                "ISO 4217 alphabetic currency code with a minor unit (upper case on output).",
            ))
            .pattern(Some("^[A-Za-z]{3}$"))
            .examples([serde_json::json!("EUR")])
            .into()
    }
}

impl utoipa::ToSchema for CurrencyCode {}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn list_has_the_2026_size_and_is_sorted_and_unique() {
        let all = all_currencies();
        assert_eq!(all.len(), 178);
        assert!(all.windows(2).all(|pair| pair[0].code < pair[1].code));
        assert!(all.iter().all(|c| c.retired_on.is_none()));
        let retired = retired_currencies();
        assert!(retired.windows(2).all(|pair| pair[0].code < pair[1].code));
        let mut numerics: Vec<u16> = all.iter().chain(retired).map(|c| c.numeric).collect();
        numerics.sort_unstable();
        numerics.dedup();
        assert_eq!(numerics.len(), 178 + retired.len());
        assert!(
            all.iter()
                .chain(retired)
                .all(|c| c.code.len() == 3 && c.code.bytes().all(|b| b.is_ascii_uppercase()))
        );
        for currency in retired {
            assert!(currency.retired_on.is_some(), "{}", currency.code);
            assert!(
                lookup_currency(currency.replaced_by.unwrap_or(""))
                    .is_some_and(|next| next.retired_on.is_none()),
                "{} is replaced by a code in force",
                currency.code
            );
            assert!(
                all.iter().all(|c| c.code != currency.code),
                "{}",
                currency.code
            );
        }
    }

    #[rstest]
    #[case("JPY", Some(0))]
    #[case("KRW", Some(0))]
    #[case("ISK", Some(0))]
    #[case("CLP", Some(0))]
    #[case("VND", Some(0))]
    #[case("PYG", Some(0))]
    #[case("UGX", Some(0))]
    #[case("XAF", Some(0))]
    #[case("XOF", Some(0))]
    #[case("XPF", Some(0))]
    #[case("KWD", Some(3))]
    #[case("BHD", Some(3))]
    #[case("OMR", Some(3))]
    #[case("JOD", Some(3))]
    #[case("TND", Some(3))]
    #[case("LYD", Some(3))]
    #[case("IQD", Some(3))]
    #[case("CLF", Some(4))]
    #[case("UYW", Some(4))]
    #[case("EUR", Some(2))]
    #[case("USD", Some(2))]
    #[case("XCG", Some(2))]
    #[case("SLE", Some(2))]
    #[case("VED", Some(2))]
    #[case("VES", Some(2))]
    #[case("ZWG", Some(2))]
    #[case("XAU", None)]
    #[case("XAG", None)]
    #[case("XPT", None)]
    #[case("XPD", None)]
    #[case("XDR", None)]
    #[case("XBA", None)]
    #[case("XBB", None)]
    #[case("XBC", None)]
    #[case("XBD", None)]
    #[case("XTS", None)]
    #[case("XXX", None)]
    #[case("XSU", None)]
    #[case("XUA", None)]
    fn exponents(#[case] code: &str, #[case] minor_units: Option<u8>) {
        let currency = lookup_currency(code).expect("code is in the list");
        assert_eq!(currency.minor_units, minor_units);
    }

    #[rstest]
    #[case("ANG")]
    #[case("SLL")]
    #[case("CUC")]
    #[case("ZWL")]
    #[case("ROL")]
    #[case("TRL")]
    fn unlisted_withdrawn_codes_are_unknown(#[case] code: &str) {
        assert_eq!(lookup_currency(code), None);
        assert_eq!(
            CurrencyCode::parse(code),
            Err(CurrencyError::UnknownCurrency(code.into()))
        );
        assert_eq!(
            CurrencyCode::parse_historical(code),
            Err(CurrencyError::UnknownCurrency(code.into()))
        );
    }

    #[rstest]
    #[case("HRK", 191, "2023-01-01")]
    #[case("BGN", 975, "2026-01-01")]
    #[case("SIT", 705, "2007-01-01")]
    #[case("CYP", 196, "2008-01-01")]
    #[case("MTL", 470, "2008-01-01")]
    #[case("SKK", 703, "2009-01-01")]
    #[case("EEK", 233, "2011-01-01")]
    #[case("LVL", 428, "2014-01-01")]
    #[case("LTL", 440, "2015-01-01")]
    fn euro_predecessors_are_retired_on_their_changeover_day(
        #[case] code: &str,
        #[case] numeric: u16,
        #[case] retired_on: &str,
    ) {
        let retired_on: NaiveDate = retired_on.parse().unwrap();
        let currency = lookup_currency(code).expect("listed as retired");
        assert_eq!(
            (
                currency.numeric,
                currency.minor_units,
                currency.retired_on,
                currency.replaced_by
            ),
            (numeric, Some(2), Some(retired_on), Some("EUR"))
        );
        let expected = CurrencyError::Retired {
            code: code.into(),
            retired_on,
            replaced_by: "EUR",
        };
        // Where money is priced today, a retired code is refused, saying when it was retired.
        assert_eq!(CurrencyCode::parse(code), Err(expected.clone()));
        // History accepts it up to the day before.
        let last_day = retired_on.pred_opt().unwrap();
        let historic = CurrencyCode::parse_on(&code.to_lowercase(), last_day).unwrap();
        assert_eq!(historic.as_str(), code);
        assert_eq!(historic.minor_units(), 2);
        assert!(historic.is_in_use_on(last_day));
        assert!(!historic.is_in_use_on(retired_on));
        assert_eq!(
            CurrencyCode::parse_on(code, retired_on),
            Err(expected.clone())
        );
        assert_eq!(historic.check_in_use_on(retired_on), Err(expected));
        assert_eq!(CurrencyCode::parse_historical(code), Ok(historic));
    }

    #[test]
    fn retired_error_names_the_day_and_the_successor() {
        assert_eq!(
            CurrencyCode::parse("hrk").unwrap_err().to_string(),
            "ISO 4217 code 'HRK' was retired on 2023-01-01 (replaced by EUR)"
        );
        let day: NaiveDate = "2031-05-01".parse().unwrap();
        assert_eq!(CurrencyCode::parse_on("EUR", day), Ok(CurrencyCode::EUR));
        assert!(CurrencyCode::EUR.is_in_use_on(day));
        assert_eq!(CurrencyCode::EUR.retired_on(), None);
        assert_eq!(
            CurrencyCode::parse_on("XAU", day),
            Err(CurrencyError::NotTradeable("XAU".into()))
        );
    }

    #[test]
    fn serde_refuses_retired_codes_unless_the_field_holds_history() {
        let error = serde_json::from_str::<CurrencyCode>("\"BGN\"").unwrap_err();
        assert!(
            error.to_string().contains("retired on 2026-01-01"),
            "{error}"
        );
        #[derive(serde::Deserialize)]
        struct Dated {
            #[serde(deserialize_with = "deserialize_historical")]
            currency: CurrencyCode,
        }
        let dated: Dated = serde_json::from_str(r#"{"currency": "bgn"}"#).unwrap();
        assert_eq!(dated.currency.as_str(), "BGN");
        assert!(serde_json::from_str::<Dated>(r#"{"currency": "ABC"}"#).is_err());
    }

    #[rstest]
    #[case("EUR", CurrencyCode::EUR)]
    #[case(" eur ", CurrencyCode::EUR)]
    #[case("usd", CurrencyCode::USD)]
    #[case("Gbp", CurrencyCode::GBP)]
    #[case("CNY", CurrencyCode::CNY)]
    #[case("\tjpy\n", CurrencyCode::JPY)]
    fn parse_normalises(#[case] input: &str, #[case] expected: CurrencyCode) {
        assert_eq!(CurrencyCode::parse(input), Ok(expected));
    }

    #[rstest]
    #[case("ABC", CurrencyError::UnknownCurrency("ABC".into()))]
    #[case("", CurrencyError::UnknownCurrency("".into()))]
    #[case("EURO", CurrencyError::UnknownCurrency("EURO".into()))]
    #[case("E", CurrencyError::UnknownCurrency("E".into()))]
    #[case("€", CurrencyError::UnknownCurrency("€".into()))]
    #[case("xau", CurrencyError::NotTradeable("XAU".into()))]
    #[case("XDR", CurrencyError::NotTradeable("XDR".into()))]
    #[case("XXX", CurrencyError::NotTradeable("XXX".into()))]
    #[case("XTS", CurrencyError::NotTradeable("XTS".into()))]
    #[case("XBA", CurrencyError::NotTradeable("XBA".into()))]
    fn parse_rejects(#[case] input: &str, #[case] expected: CurrencyError) {
        assert_eq!(CurrencyCode::parse(input), Err(expected));
    }

    #[test]
    fn lookup_ignores_case_and_knows_untradeable_codes() {
        assert_eq!(lookup_currency("eur").map(|c| c.numeric), Some(978));
        assert_eq!(lookup_currency("Xau").map(|c| c.minor_units), Some(None));
        assert_eq!(lookup_currency("EU"), None);
        assert_eq!(lookup_currency(""), None);
    }

    #[test]
    fn error_messages_name_the_code() {
        assert_eq!(
            CurrencyCode::parse("ABC").unwrap_err().to_string(),
            "unknown ISO 4217 currency code 'ABC'"
        );
        assert_eq!(
            CurrencyCode::parse("XAU").unwrap_err().to_string(),
            "ISO 4217 code 'XAU' has no minor unit and cannot be used for prices"
        );
    }

    #[test]
    fn every_tradeable_code_parses_and_reports_its_info() {
        for currency in all_currencies().iter().filter(|c| c.minor_units.is_some()) {
            let code = CurrencyCode::parse(currency.code).expect("tradeable code parses");
            assert_eq!(code.as_str(), currency.code);
            assert_eq!(code.info(), currency);
            assert_eq!(
                code.minor_units(),
                u32::from(currency.minor_units.unwrap_or(0))
            );
        }
    }

    #[test]
    fn constants_agree_with_the_table() {
        assert_eq!(CurrencyCode::EUR.info().numeric, 978);
        assert_eq!(CurrencyCode::USD.info().numeric, 840);
        assert_eq!(CurrencyCode::GBP.info().numeric, 826);
        assert_eq!(CurrencyCode::CNY.info().numeric, 156);
        assert_eq!(CurrencyCode::JPY.minor_units(), 0);
    }

    #[test]
    fn display_debug_and_serde_use_the_code() {
        assert_eq!(CurrencyCode::EUR.to_string(), "EUR");
        assert_eq!(format!("{:?}", CurrencyCode::EUR), "EUR");
        assert_eq!(
            serde_json::to_string(&CurrencyCode::JPY).unwrap(),
            "\"JPY\""
        );
        let parsed: CurrencyCode = serde_json::from_str("\"gbp\"").unwrap();
        assert_eq!(parsed, CurrencyCode::GBP);
        assert!(serde_json::from_str::<CurrencyCode>("\"XAU\"").is_err());
        assert!(serde_json::from_str::<CurrencyCode>("42").is_err());
    }

    #[test]
    fn schema_is_a_string() {
        let schema =
            serde_json::to_value(<CurrencyCode as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert_eq!(<CurrencyCode as utoipa::ToSchema>::name(), "CurrencyCode");
    }
}
