//! Issuing the numbers printed on labels: UPU S10 item ids (`RR123456785CN`) from the serial range
//! a designated operator allotted us, and GS1 SSCC-18 codes for cartons and pallets from our GS1
//! company prefix. A number issued twice, or past the end of its range, sends two parcels' events
//! to one timeline, so a range knows when it is exhausted and says so instead of wrapping. The
//! check digits and the validation are the domain's (`identifiers`); this module only issues and
//! takes numbers apart.

use std::fmt;

use serde::{Deserialize, Serialize};
use silkroute_domain::country::CountryCode;
use silkroute_domain::identifiers::{self, IdentifierKind, gs1_check_digit, s10_check_digit};

/// The largest S10 serial: eight digits.
pub const S10_MAX_SERIAL: u32 = 99_999_999;

/// A valid S10 item identifier, taken apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct S10Number {
    id: String,
    /// Kept apart so that reading it cannot fail.
    country: CountryCode,
}

/// A serial range an operator allotted for one service indicator, with the next serial to issue.
/// The app stores it and saves it after every issue, so a number is never issued twice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct S10Range {
    service_indicator: String,
    country: CountryCode,
    first_serial: u32,
    last_serial: u32,
    /// `None` once the last serial has been issued.
    next_serial: Option<u32>,
}

/// A valid SSCC-18: extension digit, GS1 company prefix, serial reference, check digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sscc(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackingNumberError {
    /// The domain's validation refused it; `reason` is its explanation.
    #[error("'{value}' is not a valid {scheme}: {reason}")]
    Invalid {
        scheme: &'static str,
        value: String,
        reason: String,
    },
    #[error(
        "S10 serial range {first:08}-{last:08} is not a range of 8-digit serials from low to high"
    )]
    BadRange { first: u32, last: u32 },
    #[error(
        "S10 range {service_indicator} {first:08}-{last:08} {country} is exhausted: ask the operator for a new range"
    )]
    RangeExhausted {
        service_indicator: String,
        country: CountryCode,
        first: u32,
        last: u32,
    },
    #[error("SSCC extension digit must be 0-9, got {0}")]
    ExtensionDigit(u8),
    #[error(
        "a GS1 company prefix has 7 to 10 digits, got '{0}' (with the serial reference it fills 16 digits)"
    )]
    CompanyPrefix(String),
    #[error(
        "serial reference {serial_reference} does not fit in {digits} digits after a {prefix_digits}-digit company prefix"
    )]
    SerialReference {
        serial_reference: u64,
        digits: usize,
        prefix_digits: usize,
    },
}

impl S10Number {
    /// Accepts the printed forms (`rr 123 456 785 cn`) and refuses what the domain's S10 check
    /// refuses: bad format, check digit, country, or a reserved service indicator.
    pub fn parse(value: &str) -> Result<S10Number, TrackingNumberError> {
        let validation = identifiers::validate(IdentifierKind::S10, value);
        let invalid = |reason: Option<String>| TrackingNumberError::Invalid {
            scheme: "S10 item identifier",
            value: value.to_string(),
            reason: reason.unwrap_or_default(),
        };
        let Some(id) = validation.normalized.filter(|_| validation.valid) else {
            return Err(invalid(validation.reason));
        };
        // The validation checked the country, so this only repeats it to keep the code.
        let country = CountryCode::parse(&id[11..]).map_err(|e| invalid(Some(e.to_string())))?;
        Ok(S10Number { id, country })
    }

    pub fn as_str(&self) -> &str {
        &self.id
    }

    pub fn service_indicator(&self) -> &str {
        &self.id[..2]
    }

    pub fn serial(&self) -> u32 {
        // Eight validated digits.
        self.id[2..10].parse().unwrap_or(0)
    }

    pub fn check_digit(&self) -> u8 {
        self.id.as_bytes()[10] - b'0'
    }

    /// The issuing operator's country.
    pub fn country(&self) -> CountryCode {
        self.country
    }

    /// The form printed under the barcode: `RR 123 456 785 CN`.
    pub fn spaced(&self) -> String {
        let id = &self.id;
        format!(
            "{} {} {} {} {}",
            &id[..2],
            &id[2..5],
            &id[5..8],
            &id[8..11],
            &id[11..]
        )
    }
}

impl S10Range {
    /// The range `first_serial..=last_serial` of `service_indicator` items issued in `country`.
    /// The indicator and country are checked by building the first number of the range.
    pub fn new(
        service_indicator: &str,
        country: CountryCode,
        first_serial: u32,
        last_serial: u32,
    ) -> Result<S10Range, TrackingNumberError> {
        if first_serial > last_serial || last_serial > S10_MAX_SERIAL {
            return Err(TrackingNumberError::BadRange {
                first: first_serial,
                last: last_serial,
            });
        }
        let service_indicator = service_indicator.trim().to_ascii_uppercase();
        let probe = format_s10(&service_indicator, first_serial, country);
        S10Number::parse(&probe)?;
        Ok(S10Range {
            service_indicator,
            country,
            first_serial,
            last_serial,
            next_serial: Some(first_serial),
        })
    }

    /// Issues the next number and advances the range.
    pub fn issue(&mut self) -> Result<S10Number, TrackingNumberError> {
        let Some(serial) = self.next_serial else {
            return Err(TrackingNumberError::RangeExhausted {
                service_indicator: self.service_indicator.clone(),
                country: self.country,
                first: self.first_serial,
                last: self.last_serial,
            });
        };
        self.next_serial = (serial < self.last_serial).then_some(serial + 1);
        // The range was checked when made: every serial in it forms a valid number.
        Ok(S10Number {
            id: format_s10(&self.service_indicator, serial, self.country),
            country: self.country,
        })
    }

    /// The range as stored after earlier issues: `next_serial` is the next one to issue, or
    /// `None` once the last was issued. A next serial outside the range is refused, so a stored
    /// counter that was tampered with cannot issue numbers of another range.
    pub fn resume(
        service_indicator: &str,
        country: CountryCode,
        first_serial: u32,
        last_serial: u32,
        next_serial: Option<u32>,
    ) -> Result<S10Range, TrackingNumberError> {
        let mut range = S10Range::new(service_indicator, country, first_serial, last_serial)?;
        if let Some(next) = next_serial
            && !(first_serial..=last_serial).contains(&next)
        {
            return Err(TrackingNumberError::BadRange {
                first: next,
                last: last_serial,
            });
        }
        range.next_serial = next_serial;
        Ok(range)
    }

    /// The next serial to issue; `None` when the range is exhausted.
    pub fn next_serial(&self) -> Option<u32> {
        self.next_serial
    }

    pub fn service_indicator(&self) -> &str {
        &self.service_indicator
    }

    pub fn country(&self) -> CountryCode {
        self.country
    }

    pub fn first_serial(&self) -> u32 {
        self.first_serial
    }

    pub fn last_serial(&self) -> u32 {
        self.last_serial
    }

    pub fn is_exhausted(&self) -> bool {
        self.next_serial.is_none()
    }

    /// Numbers left to issue.
    pub fn remaining(&self) -> u32 {
        self.next_serial
            .map_or(0, |next| self.last_serial - next + 1)
    }

    /// Whether `number` belongs to this range (issued or not yet issued).
    pub fn contains(&self, number: &S10Number) -> bool {
        number.service_indicator() == self.service_indicator
            && number.country() == self.country
            && (self.first_serial..=self.last_serial).contains(&number.serial())
    }
}

impl Sscc {
    /// Builds an SSCC from its parts: the extension digit (free for the issuer's use, e.g. one
    /// per warehouse), the GS1 company prefix (7-10 digits) and a serial reference filling the
    /// remaining digits up to 17, then the GS1 check digit.
    pub fn new(
        extension_digit: u8,
        company_prefix: &str,
        serial_reference: u64,
    ) -> Result<Sscc, TrackingNumberError> {
        if extension_digit > 9 {
            return Err(TrackingNumberError::ExtensionDigit(extension_digit));
        }
        let prefix_ok = (7..=10).contains(&company_prefix.len())
            && company_prefix.bytes().all(|b| b.is_ascii_digit());
        if !prefix_ok {
            return Err(TrackingNumberError::CompanyPrefix(company_prefix.into()));
        }
        let digits = 16 - company_prefix.len();
        let serial = format!("{serial_reference:0digits$}");
        if serial.len() > digits {
            return Err(TrackingNumberError::SerialReference {
                serial_reference,
                digits,
                prefix_digits: company_prefix.len(),
            });
        }
        let body = format!("{extension_digit}{company_prefix}{serial}");
        // A 17-digit body always has a check digit.
        let check = gs1_check_digit(&body).unwrap_or(0);
        Ok(Sscc(format!("{body}{check}")))
    }

    /// Accepts the printed forms (spaces between groups) and refuses bad length, characters or
    /// check digit, with the domain's reason.
    pub fn parse(value: &str) -> Result<Sscc, TrackingNumberError> {
        let validation = identifiers::validate(IdentifierKind::Sscc, value);
        match validation.normalized {
            Some(normalized) if validation.valid => Ok(Sscc(normalized)),
            _ => Err(TrackingNumberError::Invalid {
                scheme: "SSCC",
                value: value.to_string(),
                reason: validation.reason.unwrap_or_default(),
            }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn extension_digit(&self) -> u8 {
        self.0.as_bytes()[0] - b'0'
    }

    pub fn check_digit(&self) -> u8 {
        self.0.as_bytes()[17] - b'0'
    }

    /// The company prefix and serial reference, given the prefix's length: an SSCC does not
    /// encode where one ends and the other starts, the GS1 allocation does.
    pub fn company_prefix_and_serial(&self, prefix_digits: usize) -> Option<(&str, &str)> {
        (7..=10)
            .contains(&prefix_digits)
            .then(|| self.0[1..17].split_at(prefix_digits))
    }

    /// The GS1-128 element string: application identifier (00) then the 18 digits.
    pub fn element_string(&self) -> String {
        format!("(00){}", self.0)
    }
}

fn format_s10(service_indicator: &str, serial: u32, country: CountryCode) -> String {
    let serial8 = format!("{serial:08}");
    // Eight ASCII digits always have a check digit.
    let check = s10_check_digit(&serial8).unwrap_or(0);
    format!("{service_indicator}{serial8}{check}{country}")
}

impl fmt::Display for S10Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

impl fmt::Display for Sscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for S10Number {
    type Error = TrackingNumberError;
    fn try_from(value: String) -> Result<S10Number, TrackingNumberError> {
        S10Number::parse(&value)
    }
}

impl From<S10Number> for String {
    fn from(number: S10Number) -> String {
        number.id
    }
}

impl TryFrom<String> for Sscc {
    type Error = TrackingNumberError;
    fn try_from(value: String) -> Result<Sscc, TrackingNumberError> {
        Sscc::parse(&value)
    }
}

impl From<Sscc> for String {
    fn from(sscc: Sscc) -> String {
        sscc.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).expect("test country")
    }

    // RULES.md §1.4, valid rows.
    #[rstest]
    #[case("RR123456785CN", "RR", 12_345_678, 5, "CN")]
    #[case("RR287043775IN", "RR", 28_704_377, 5, "IN")]
    #[case("LX473124829DE", "LX", 47_312_482, 9, "DE")]
    #[case("CP000000080DE", "CP", 8, 0, "DE")]
    #[case("RR000000155SG", "RR", 15, 5, "SG")]
    #[case("EE000000014US", "EE", 1, 4, "US")]
    #[case("UA000000031GB", "UA", 3, 1, "GB")]
    #[case("CV987654326CH", "CV", 98_765_432, 6, "CH")]
    fn rules_s10_vectors_parse_and_reissue(
        #[case] id: &str,
        #[case] indicator: &str,
        #[case] serial: u32,
        #[case] check_digit: u8,
        #[case] issuer: &str,
    ) {
        let number = S10Number::parse(id).unwrap();
        assert_eq!(number.as_str(), id);
        assert_eq!(number.service_indicator(), indicator);
        assert_eq!(number.serial(), serial);
        assert_eq!(number.check_digit(), check_digit);
        assert_eq!(number.country(), country(issuer));
        let mut range = S10Range::new(indicator, country(issuer), serial, serial).unwrap();
        assert_eq!(range.issue().unwrap(), number);
    }

    // RULES.md §1.4, invalid rows; the reason is the domain's.
    #[rstest]
    #[case("RR123456784CN", "bad check digit: expected 5, got 4")]
    #[case("RR12345678CN", "wrong length for S10: expected 13 characters, got 12")]
    #[case("R1123456785CN", "expected a letter at position 2, got '1'")]
    #[case("RR123456785C1", "expected a letter at position 13, got '1'")]
    #[case("JA123456785CN", "reserved S10 service indicator JA")]
    fn rules_s10_invalid_vectors(#[case] id: &str, #[case] reason: &str) {
        let Err(TrackingNumberError::Invalid { reason: found, .. }) = S10Number::parse(id) else {
            panic!("{id} was accepted");
        };
        assert!(found.starts_with(reason), "{found}");
    }

    #[test]
    fn printed_forms_parse_and_print_back() {
        let number = S10Number::parse("rr 123 456 785 cn").unwrap();
        assert_eq!(number.to_string(), "RR123456785CN");
        assert_eq!(number.spaced(), "RR 123 456 785 CN");
        let json = serde_json::to_string(&number).unwrap();
        assert_eq!(json, "\"RR123456785CN\"");
        assert_eq!(serde_json::from_str::<S10Number>(&json).unwrap(), number);
        assert!(serde_json::from_str::<S10Number>("\"RR123456784CN\"").is_err());
    }

    #[test]
    fn a_range_issues_in_order_until_exhausted() {
        let mut range = S10Range::new("lx", country("DE"), 47_312_481, 47_312_483).unwrap();
        assert_eq!(range.remaining(), 3);
        let issued: Vec<String> = (0..3).map(|_| range.issue().unwrap().to_string()).collect();
        assert_eq!(issued[1], "LX473124829DE");
        assert!(issued.iter().all(|id| S10Number::parse(id).is_ok()));
        assert!(range.is_exhausted());
        assert_eq!(range.remaining(), 0);
        let error = range.issue().unwrap_err();
        assert_eq!(
            error.to_string(),
            "S10 range LX 47312481-47312483 DE is exhausted: ask the operator for a new range"
        );
        // Exhaustion is kept when the range is stored and read back.
        let stored: S10Range =
            serde_json::from_str(&serde_json::to_string(&range).unwrap()).unwrap();
        assert!(stored.is_exhausted());
    }

    #[test]
    fn the_last_eight_digit_serial_is_issued_once() {
        let mut range = S10Range::new("CP", country("CN"), S10_MAX_SERIAL, S10_MAX_SERIAL).unwrap();
        let last = range.issue().unwrap();
        assert_eq!(last.serial(), S10_MAX_SERIAL);
        assert!(range.contains(&last));
        assert!(range.issue().is_err());
    }

    #[rstest]
    #[case("RR", 10, 9)]
    #[case("RR", 0, 100_000_000)]
    fn bad_ranges_are_refused(#[case] indicator: &str, #[case] first: u32, #[case] last: u32) {
        assert_eq!(
            S10Range::new(indicator, country("CN"), first, last),
            Err(TrackingNumberError::BadRange { first, last })
        );
    }

    #[rstest]
    #[case("JA")]
    #[case("R1")]
    #[case("RRR")]
    fn ranges_of_unusable_indicators_are_refused(#[case] indicator: &str) {
        assert!(matches!(
            S10Range::new(indicator, country("CN"), 1, 10),
            Err(TrackingNumberError::Invalid { .. })
        ));
    }

    #[test]
    fn a_range_contains_only_its_own_numbers() {
        let range = S10Range::new("RR", country("CN"), 12_345_000, 12_345_999).unwrap();
        assert!(range.contains(&S10Number::parse("RR123456785CN").unwrap()));
        assert!(!range.contains(&S10Number::parse("LX473124829DE").unwrap()));
        assert!(!range.contains(&S10Number::parse("RR287043775IN").unwrap()));
    }

    // RULES.md §2.1: SSCC-18 106141411234567897 (body 10614141123456789 → 7).
    #[test]
    fn rules_sscc_vector() {
        let sscc = Sscc::new(1, "0614141", 123_456_789).unwrap();
        assert_eq!(sscc.as_str(), "106141411234567897");
        assert_eq!(sscc.extension_digit(), 1);
        assert_eq!(sscc.check_digit(), 7);
        assert_eq!(
            sscc.company_prefix_and_serial(7),
            Some(("0614141", "123456789"))
        );
        assert_eq!(sscc.element_string(), "(00)106141411234567897");
        assert_eq!(Sscc::parse("1 0614141 123456789 7").unwrap(), sscc);
    }

    #[rstest]
    #[case("106141411234567896", "bad check digit: expected 7, got 6")]
    #[case(
        "10614141123456789",
        "wrong length for SSCC: expected 18 characters, got 17"
    )]
    fn invalid_ssccs_are_refused(#[case] value: &str, #[case] reason: &str) {
        assert_eq!(
            Sscc::parse(value),
            Err(TrackingNumberError::Invalid {
                scheme: "SSCC",
                value: value.into(),
                reason: reason.into(),
            })
        );
    }

    #[rstest]
    #[case(10, "0614141", 1, TrackingNumberError::ExtensionDigit(10))]
    #[case(1, "061414", 1, TrackingNumberError::CompanyPrefix("061414".into()))]
    #[case(1, "06141411234", 1, TrackingNumberError::CompanyPrefix("06141411234".into()))]
    #[case(1, "06141A1", 1, TrackingNumberError::CompanyPrefix("06141A1".into()))]
    #[case(1, "0614141234", 1_000_000, TrackingNumberError::SerialReference { serial_reference: 1_000_000, digits: 6, prefix_digits: 10 })]
    fn sscc_parts_are_checked(
        #[case] extension: u8,
        #[case] prefix: &str,
        #[case] serial: u64,
        #[case] error: TrackingNumberError,
    ) {
        assert_eq!(Sscc::new(extension, prefix, serial), Err(error));
    }

    proptest! {
        #[test]
        fn issued_s10_numbers_parse_back(
            first in 0_u32..S10_MAX_SERIAL,
            count in 1_u32..20,
            indicator in prop::sample::select(vec!["RR", "LX", "CP", "EE", "UA", "HA"]),
            issuer in prop::sample::select(vec!["CN", "DE", "US", "GB"]),
        ) {
            let last = first.saturating_add(count - 1).min(S10_MAX_SERIAL);
            let mut range = S10Range::new(indicator, country(issuer), first, last).unwrap();
            let mut previous: Option<u32> = None;
            while let Ok(number) = range.issue() {
                prop_assert_eq!(S10Number::parse(number.as_str()), Ok(number.clone()));
                prop_assert!(range.contains(&number));
                prop_assert!(previous.is_none_or(|p| p + 1 == number.serial()));
                previous = Some(number.serial());
            }
            prop_assert_eq!(previous, Some(last));
        }

        #[test]
        fn built_ssccs_parse_back(
            extension in 0_u8..10,
            prefix_digits in 7_usize..=10,
            prefix_seed in any::<u64>(),
            serial in any::<u64>(),
        ) {
            let prefix = format!("{:010}", prefix_seed % 10_000_000_000)[..prefix_digits].to_string();
            let serial = serial % 10_u64.pow(u32::try_from(16 - prefix_digits).unwrap());
            let sscc = Sscc::new(extension, &prefix, serial).unwrap();
            prop_assert_eq!(Sscc::parse(sscc.as_str()), Ok(sscc.clone()));
            prop_assert_eq!(sscc.company_prefix_and_serial(prefix_digits).map(|(p, _)| p.to_string()), Some(prefix));
        }
    }
}
