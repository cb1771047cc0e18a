//! Check-digit validation for the identifiers that cross-border trade runs on: product codes
//! (GTIN), logistic units (SSCC), postal items (UPU S10), containers (ISO 6346), air waybills
//! (IATA), EU import VAT registrations (IOSS) and EU VAT identification numbers. A mistyped
//! number sends a parcel or a customs declaration astray, so each is checked at the edge with the
//! algorithm its standard defines, and the answer says why a number was refused in words an
//! operator can act on.

mod awb;
mod eu_vat;
mod gs1;
mod ioss;
mod iso6346;
mod s10;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use awb::awb_check_digit;
pub use eu_vat::{EuVatNumber, validate_eu_vat};
pub use gs1::{Gtin, gs1_check_digit};
pub use iso6346::iso6346_check_digit;
pub use s10::s10_check_digit;

/// The identifier schemes the validation endpoint knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    Gtin,
    Sscc,
    S10,
    Iso6346,
    Awb,
    Ioss,
    EuVat,
}

/// The outcome of checking one value, shaped for an API answer: a refusal is a normal result
/// with a reason, not an error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Validation {
    pub valid: bool,
    /// Canonical form (upper case, separators removed; AWB as "176-12345675"); only when valid.
    pub normalized: Option<String>,
    /// Why the value was refused; only when invalid.
    pub reason: Option<String>,
    /// What the value is, e.g. "GTIN-13" or "service indicator RR: letter post, registered".
    pub detail: Option<String>,
}

/// Why a value is not a valid identifier. Positions are 1-based in the normalised value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("empty value")]
    Empty,
    #[error("wrong length for {scheme}: expected {expected} characters, got {actual}")]
    WrongLength {
        scheme: &'static str,
        expected: &'static str,
        actual: usize,
    },
    #[error("non-digit character '{found}' at position {position}")]
    NonDigit { position: usize, found: char },
    #[error("expected a letter at position {position}, got '{found}'")]
    NotLetter { position: usize, found: char },
    #[error("bad check digit: expected {expected}, got {found}")]
    BadCheckDigit { expected: u8, found: char },
    #[error(
        "reserved S10 service indicator {0}: the ranges JA-KZ, SA-TZ and WA-WZ are not valid service indicators"
    )]
    ReservedServiceIndicator(String),
    #[error("unknown ISO 3166-1 country code '{0}'")]
    UnknownCountry(String),
    #[error("equipment category must be U, J, Z or R, got '{0}'")]
    EquipmentCategory(char),
    #[error("an IOSS number starts with 'IM', got '{0}'")]
    IossPrefix(String),
    #[error("'{0}' is not the ISO 3166-1 numeric code of an EU member state")]
    NotEuMember(String),
    #[error("{0} validation is not yet supported")]
    Unsupported(&'static str),
    #[error(
        "missing country prefix: an EU VAT number starts with its member state code, e.g. DE136695976"
    )]
    MissingVatPrefix,
    #[error("'{0}' is not an EU VAT number prefix (an EU member state code, EL for Greece, or XI)")]
    UnknownVatPrefix(String),
    #[error("expected {expected} after {country}")]
    VatFormat {
        country: &'static str,
        expected: &'static str,
    },
    #[error("check digit mismatch: not a valid {0} VAT number")]
    VatCheckDigit(&'static str),
}

impl IdentifierKind {
    /// Accepts the wire names and the common spellings people type ("EU-VAT", "ISO 6346").
    pub fn parse(s: &str) -> Option<IdentifierKind> {
        let key: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        IdentifierKind::all()
            .iter()
            .copied()
            .find(|kind| kind.as_str().replace('_', "") == key)
    }

    pub fn all() -> &'static [IdentifierKind] {
        &[
            IdentifierKind::Gtin,
            IdentifierKind::Sscc,
            IdentifierKind::S10,
            IdentifierKind::Iso6346,
            IdentifierKind::Awb,
            IdentifierKind::Ioss,
            IdentifierKind::EuVat,
        ]
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            IdentifierKind::Gtin => "gtin",
            IdentifierKind::Sscc => "sscc",
            IdentifierKind::S10 => "s10",
            IdentifierKind::Iso6346 => "iso6346",
            IdentifierKind::Awb => "awb",
            IdentifierKind::Ioss => "ioss",
            IdentifierKind::EuVat => "eu_vat",
        }
    }
}

/// A value that passed its scheme's checks, ready to become a [`Validation`].
pub(crate) struct Checked {
    normalized: String,
    detail: String,
}

/// Checks `value` as an identifier of `kind`. Never fails: refusals come back with a reason.
pub fn validate(kind: IdentifierKind, value: &str) -> Validation {
    let outcome = match kind {
        IdentifierKind::Gtin => gs1::check_gtin(value),
        IdentifierKind::Sscc => gs1::check_sscc(value),
        IdentifierKind::S10 => s10::check(value),
        IdentifierKind::Iso6346 => iso6346::check(value),
        IdentifierKind::Awb => awb::check(value),
        IdentifierKind::Ioss => ioss::check(value),
        IdentifierKind::EuVat => eu_vat::check(value),
    };
    match outcome {
        Ok(checked) => Validation {
            valid: true,
            normalized: Some(checked.normalized),
            reason: None,
            detail: Some(checked.detail),
        },
        Err(error) => Validation {
            valid: false,
            normalized: None,
            reason: Some(error.to_string()),
            detail: None,
        },
    }
}

/// Upper case with spaces and dashes removed: the forms printed on labels all reduce to this.
fn normalize(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase()
}

fn require_non_empty(value: &str) -> Result<(), IdentifierError> {
    if value.is_empty() {
        Err(IdentifierError::Empty)
    } else {
        Ok(())
    }
}

/// Checks that `part` is all ASCII digits; `offset` is its 0-based start in the whole value.
fn require_digits(part: &str, offset: usize) -> Result<(), IdentifierError> {
    match part.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        Some((index, found)) => Err(IdentifierError::NonDigit {
            position: offset + index + 1,
            found,
        }),
        None => Ok(()),
    }
}

fn require_letters(part: &str, offset: usize) -> Result<(), IdentifierError> {
    match part
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_uppercase())
    {
        Some((index, found)) => Err(IdentifierError::NotLetter {
            position: offset + index + 1,
            found,
        }),
        None => Ok(()),
    }
}

/// Compares the printed check character with the computed one.
fn require_check_digit(found: char, expected: u8) -> Result<(), IdentifierError> {
    if found.to_digit(10) == Some(u32::from(expected)) {
        Ok(())
    } else {
        Err(IdentifierError::BadCheckDigit { expected, found })
    }
}

/// Digit values of an all-ASCII-digit string; callers have already checked the characters.
fn digit_values(digits: &str) -> impl DoubleEndedIterator<Item = u32> + '_ {
    digits.bytes().map(|b| u32::from(b.wrapping_sub(b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("gtin", Some(IdentifierKind::Gtin))]
    #[case("SSCC", Some(IdentifierKind::Sscc))]
    #[case("s10", Some(IdentifierKind::S10))]
    #[case("iso6346", Some(IdentifierKind::Iso6346))]
    #[case("ISO 6346", Some(IdentifierKind::Iso6346))]
    #[case("awb", Some(IdentifierKind::Awb))]
    #[case("Ioss", Some(IdentifierKind::Ioss))]
    #[case("eu_vat", Some(IdentifierKind::EuVat))]
    #[case("EU-VAT", Some(IdentifierKind::EuVat))]
    #[case("isbn", None)]
    #[case("", None)]
    fn kind_parse(#[case] input: &str, #[case] expected: Option<IdentifierKind>) {
        assert_eq!(IdentifierKind::parse(input), expected);
    }

    #[test]
    fn kind_names_round_trip_and_match_serde() {
        assert_eq!(IdentifierKind::all().len(), 7);
        for kind in IdentifierKind::all() {
            assert_eq!(IdentifierKind::parse(kind.as_str()), Some(*kind));
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }

    #[rstest]
    #[case(IdentifierKind::Gtin, "4006381333931", "4006381333931", "GTIN-13")]
    #[case(IdentifierKind::Gtin, "0 36000 29145 2", "036000291452", "GTIN-12")]
    #[case(
        IdentifierKind::Sscc,
        "1 0614141 123456789 7",
        "106141411234567897",
        "SSCC-18"
    )]
    #[case(
        IdentifierKind::S10,
        "rr 123 456 785 cn",
        "RR123456785CN",
        "service indicator RR: registered letter post; issued in CN (China)"
    )]
    #[case(
        IdentifierKind::Iso6346,
        "CSQU 305438 3",
        "CSQU3054383",
        "owner code CSQ, equipment category U: freight container"
    )]
    #[case(
        IdentifierKind::Awb,
        "176-1234 5675",
        "176-12345675",
        "airline prefix 176"
    )]
    #[case(
        IdentifierKind::Ioss,
        "im2760000742",
        "IM2760000742",
        "IOSS number registered in Germany"
    )]
    #[case(
        IdentifierKind::EuVat,
        "de 136.695-976",
        "DE136695976",
        "Germany (DE) VAT number"
    )]
    fn validate_accepts(
        #[case] kind: IdentifierKind,
        #[case] input: &str,
        #[case] normalized: &str,
        #[case] detail: &str,
    ) {
        assert_eq!(
            validate(kind, input),
            Validation {
                valid: true,
                normalized: Some(normalized.into()),
                reason: None,
                detail: Some(detail.into()),
            }
        );
    }

    #[rstest]
    #[case(
        IdentifierKind::Gtin,
        "4006381333932",
        "bad check digit: expected 1, got 2"
    )]
    #[case(IdentifierKind::Gtin, "", "empty value")]
    #[case(
        IdentifierKind::Gtin,
        "40063813339",
        "wrong length for GTIN: expected 8, 12, 13 or 14 characters, got 11"
    )]
    #[case(
        IdentifierKind::Gtin,
        "40063813339x1",
        "non-digit character 'X' at position 12"
    )]
    #[case(
        IdentifierKind::S10,
        "RR123456784CN",
        "bad check digit: expected 5, got 4"
    )]
    #[case(
        IdentifierKind::EuVat,
        "DE136695977",
        "check digit mismatch: not a valid DE VAT number"
    )]
    #[case(
        IdentifierKind::EuVat,
        "136695976",
        "missing country prefix: an EU VAT number starts with its member state code, e.g. DE136695976"
    )]
    fn validate_refuses_with_a_reason(
        #[case] kind: IdentifierKind,
        #[case] input: &str,
        #[case] reason: &str,
    ) {
        let validation = validate(kind, input);
        assert!(!validation.valid);
        assert_eq!(validation.normalized, None);
        assert_eq!(validation.detail, None);
        assert_eq!(validation.reason.as_deref(), Some(reason));
    }

    #[test]
    fn validation_serializes_every_field() {
        let json = serde_json::to_value(validate(IdentifierKind::Gtin, "96385074")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "valid": true,
                "normalized": "96385074",
                "reason": null,
                "detail": "GTIN-8",
            })
        );
    }
}
