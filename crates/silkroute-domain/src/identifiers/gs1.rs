//! GS1 keys: the GTIN on every retail product and the SSCC on every pallet or carton. Both end in
//! the same mod-10 check digit (weights 3, 1, 3, … from the right), which catches every
//! single-digit error and most adjacent transpositions, so one function serves all lengths.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

use super::{
    Checked, IdentifierError, digit_values, normalize, require_check_digit, require_digits,
    require_non_empty,
};

/// A GTIN-8, -12, -13 or -14 with a correct check digit, kept at its printed length (a GTIN-13 is
/// not padded to 14) so that it matches what is on the label.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gtin(String);

/// The GS1 check digit for `body_digits` (everything but the check digit), or `None` when the
/// body is empty or contains anything but ASCII digits.
pub fn gs1_check_digit(body_digits: &str) -> Option<u8> {
    if body_digits.is_empty() || !body_digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = digit_values(body_digits)
        .rev()
        .enumerate()
        .map(|(index, digit)| if index % 2 == 0 { digit * 3 } else { digit })
        .sum();
    u8::try_from((10 - sum % 10) % 10).ok()
}

impl Gtin {
    /// Accepts the printed forms (spaces or dashes between digit groups).
    pub fn parse(s: &str) -> Result<Gtin, IdentifierError> {
        let digits = normalize(s);
        require_non_empty(&digits)?;
        if !matches!(digits.len(), 8 | 12 | 13 | 14) {
            return Err(IdentifierError::WrongLength {
                scheme: "GTIN",
                expected: "8, 12, 13 or 14",
                actual: digits.chars().count(),
            });
        }
        require_digits(&digits, 0)?;
        verify_check_digit(&digits)?;
        Ok(Gtin(digits))
    }

    /// Completes a 7-, 11-, 12- or 13-digit body with its check digit, for issuing new codes.
    pub fn with_check_digit(body: &str) -> Result<Gtin, IdentifierError> {
        let body = normalize(body);
        require_non_empty(&body)?;
        if !matches!(body.len(), 7 | 11 | 12 | 13) {
            return Err(IdentifierError::WrongLength {
                scheme: "GTIN body",
                expected: "7, 11, 12 or 13",
                actual: body.chars().count(),
            });
        }
        require_digits(&body, 0)?;
        let check = gs1_check_digit(&body).unwrap_or(0);
        Ok(Gtin(format!("{body}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "GTIN-8", "GTIN-12", "GTIN-13" or "GTIN-14".
    pub fn format_name(&self) -> &'static str {
        match self.0.len() {
            8 => "GTIN-8",
            12 => "GTIN-12",
            13 => "GTIN-13",
            _ => "GTIN-14",
        }
    }

    /// The 14-digit form used in GS1-128 barcodes and EDI, where every GTIN is left-padded.
    pub fn to_gtin14(&self) -> String {
        format!("{:0>14}", self.0)
    }
}

pub(super) fn check_gtin(value: &str) -> Result<Checked, IdentifierError> {
    let gtin = Gtin::parse(value)?;
    let detail = gtin.format_name().to_string();
    Ok(Checked {
        normalized: gtin.0,
        detail,
    })
}

pub(super) fn check_sscc(value: &str) -> Result<Checked, IdentifierError> {
    let digits = normalize(value);
    require_non_empty(&digits)?;
    if digits.len() != 18 {
        return Err(IdentifierError::WrongLength {
            scheme: "SSCC",
            expected: "18",
            actual: digits.chars().count(),
        });
    }
    require_digits(&digits, 0)?;
    verify_check_digit(&digits)?;
    Ok(Checked {
        normalized: digits,
        detail: "SSCC-18".to_string(),
    })
}

/// `digits` is a non-empty ASCII digit string whose last digit is the check digit.
fn verify_check_digit(digits: &str) -> Result<(), IdentifierError> {
    let (body, check) = digits.split_at(digits.len() - 1);
    let expected = gs1_check_digit(body).unwrap_or(0);
    require_check_digit(check.chars().next().unwrap_or('?'), expected)
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Gtin {
    type Err = IdentifierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Gtin::parse(s)
    }
}

impl Serialize for Gtin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Gtin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Gtin::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Gtin {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .description(Some(
                "GS1 GTIN-8, -12, -13 or -14 with a valid check digit; spaces and dashes are \
                 accepted on input and removed.",
            ))
            .pattern(Some(r"^[0-9]{8}([0-9]{4,6})?$"))
            .examples([serde_json::json!("4006381333931")])
            .into()
    }
}

impl utoipa::ToSchema for Gtin {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    // RULES.md §2.1 test vectors.
    #[rstest]
    #[case("4006381333931", true)]
    #[case("4006381333932", false)]
    #[case("036000291452", true)]
    #[case("96385074", true)]
    #[case("00012345600012", true)]
    #[case("9780306406157", true)]
    fn rules_gtin_vectors(#[case] code: &str, #[case] valid: bool) {
        assert_eq!(Gtin::parse(code).is_ok(), valid, "{code}");
    }

    #[test]
    fn rules_sscc_vector() {
        let checked = check_sscc("106141411234567897").unwrap();
        assert_eq!(checked.normalized, "106141411234567897");
        assert_eq!(gs1_check_digit("10614141123456789"), Some(7));
        assert_eq!(
            check_sscc("106141411234567898").err(),
            Some(IdentifierError::BadCheckDigit {
                expected: 7,
                found: '8'
            })
        );
        assert!(matches!(
            check_sscc("4006381333931"),
            Err(IdentifierError::WrongLength { actual: 13, .. })
        ));
    }

    #[rstest]
    #[case("400638133393", Some(1))]
    #[case("03600029145", Some(2))]
    #[case("9638507", Some(4))]
    #[case("0", Some(0))]
    #[case("1", Some(7))]
    #[case("", None)]
    #[case("12a", None)]
    #[case("１２", None)]
    fn check_digit(#[case] body: &str, #[case] expected: Option<u8>) {
        assert_eq!(gs1_check_digit(body), expected);
    }

    #[rstest]
    #[case("4006381333932", IdentifierError::BadCheckDigit { expected: 1, found: '2' })]
    // Twelve digits: read as a GTIN-12 whose check digit is wrong, not as a length error.
    #[case("400638133393", IdentifierError::BadCheckDigit { expected: 0, found: '3' })]
    #[case("4006381333A31", IdentifierError::NonDigit { position: 11, found: 'A' })]
    #[case("", IdentifierError::Empty)]
    #[case(
        "123",
        IdentifierError::WrongLength { scheme: "GTIN", expected: "8, 12, 13 or 14", actual: 3 }
    )]
    fn parse_errors(#[case] input: &str, #[case] error: IdentifierError) {
        assert_eq!(Gtin::parse(input), Err(error));
    }

    #[test]
    fn with_check_digit_and_forms() {
        let gtin = Gtin::with_check_digit("400638133393").unwrap();
        assert_eq!(gtin.as_str(), "4006381333931");
        assert_eq!(gtin.format_name(), "GTIN-13");
        assert_eq!(gtin.to_gtin14(), "04006381333931");
        assert_eq!(
            Gtin::with_check_digit("9638507").unwrap().as_str(),
            "96385074"
        );
        assert!(matches!(
            Gtin::with_check_digit("40063813339310"),
            Err(IdentifierError::WrongLength { .. })
        ));
        assert_eq!(
            Gtin::parse("4-006381-333931").unwrap().to_string(),
            "4006381333931"
        );
    }

    #[test]
    fn serde_validates() {
        let gtin = Gtin::parse("96385074").unwrap();
        assert_eq!(serde_json::to_string(&gtin).unwrap(), "\"96385074\"");
        assert_eq!(serde_json::from_str::<Gtin>("\"96385074\"").unwrap(), gtin);
        let error = serde_json::from_str::<Gtin>("\"96385075\"").unwrap_err();
        assert!(error.to_string().contains("expected 4, got 5"), "{error}");
        let schema = serde_json::to_value(<Gtin as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
    }

    fn body_of(length: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(0_u8..10, length)
            .prop_map(|digits| digits.iter().map(|d| char::from(b'0' + d)).collect())
    }

    fn any_gtin_body() -> impl Strategy<Value = String> {
        prop_oneof![body_of(7), body_of(11), body_of(12), body_of(13)]
    }

    proptest! {
        #[test]
        fn generated_gtins_validate(body in any_gtin_body()) {
            let gtin = Gtin::with_check_digit(&body).unwrap();
            prop_assert!(Gtin::parse(gtin.as_str()).is_ok());
        }

        #[test]
        fn generated_ssccs_validate(body in body_of(17)) {
            let check = gs1_check_digit(&body).unwrap();
            let candidate = format!("{body}{check}");
            prop_assert!(check_sscc(&candidate).is_ok(), "{}", candidate);
        }

        // Weights 1 and 3 are both coprime with 10, so changing any one digit (check digit
        // included) by 1..9 always changes the sum mod 10: every substitution is caught.
        #[test]
        fn every_single_digit_substitution_is_caught(
            body in prop_oneof![any_gtin_body(), body_of(17)],
            position in any::<proptest::sample::Index>(),
            shift in 1_u8..10,
        ) {
            let check = gs1_check_digit(&body).unwrap();
            let mut digits: Vec<u8> = format!("{body}{check}").into_bytes();
            let index = position.index(digits.len());
            digits[index] = b'0' + (digits[index] - b'0' + shift) % 10;
            let altered = String::from_utf8(digits).unwrap();
            let (altered_body, altered_check) = altered.split_at(altered.len() - 1);
            prop_assert_ne!(
                gs1_check_digit(altered_body).map(|d| d.to_string()),
                Some(altered_check.to_string())
            );
        }
    }
}
