//! Tracking numbers for labels we print. Postal services must carry UPU S10 numbers (destination
//! posts and customs key their events on them); couriers use their own prefix. The serial comes
//! from a counter the caller keeps; this module only formats it.

use super::service::TrackingScheme;
use crate::country::CountryCode;
use crate::identifiers::s10_check_digit;

/// The tracking number for `serial` under `scheme`.
///
/// * S10: service indicator + 8-digit serial + check digit + origin country, e.g.
///   `LX473124829DE`. S10 serials have 8 digits, so the serial is taken modulo 10⁸: the counter
///   wraps after 100 million labels, well beyond the 12 months S10 requires before reuse.
/// * Carrier: prefix + serial zero-padded to 10 digits, e.g. `SRX0000000042`.
pub fn tracking_number(scheme: &TrackingScheme, serial: u32, origin: CountryCode) -> String {
    match scheme {
        TrackingScheme::S10 { service_indicator } => {
            let serial8 = format!("{:08}", serial % 100_000_000);
            // Always 8 ASCII digits here, so the check digit exists.
            let check = s10_check_digit(&serial8).unwrap_or(0);
            format!("{service_indicator}{serial8}{check}{origin}")
        }
        TrackingScheme::Carrier { prefix } => format!("{prefix}{serial:010}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identifiers::{IdentifierKind, validate};
    use proptest::prelude::*;
    use rstest::rstest;

    fn s10(indicator: &str) -> TrackingScheme {
        TrackingScheme::S10 {
            service_indicator: indicator.into(),
        }
    }

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).expect("test country")
    }

    #[rstest]
    // RULES §1.4 vectors.
    #[case("LX", 47_312_482, "DE", "LX473124829DE")]
    #[case("CP", 8, "DE", "CP000000080DE")]
    #[case("RR", 12_345_678, "CN", "RR123456785CN")]
    // Serials above 8 digits wrap.
    #[case("RR", 112_345_678, "CN", "RR123456785CN")]
    fn s10_numbers(
        #[case] indicator: &str,
        #[case] serial: u32,
        #[case] origin: &str,
        #[case] expected: &str,
    ) {
        assert_eq!(
            tracking_number(&s10(indicator), serial, country(origin)),
            expected
        );
    }

    #[test]
    fn carrier_numbers_are_prefix_and_ten_digits() {
        let scheme = TrackingScheme::Carrier {
            prefix: "SRX".into(),
        };
        assert_eq!(tracking_number(&scheme, 42, country("CN")), "SRX0000000042");
        assert_eq!(
            tracking_number(&scheme, u32::MAX, country("CN")),
            "SRX4294967295"
        );
    }

    proptest! {
        #[test]
        fn generated_s10_numbers_validate(
            serial in any::<u32>(),
            indicator in prop::sample::select(vec!["LX", "CP", "RR", "UA", "EE"]),
            origin in prop::sample::select(vec!["CN", "US", "DE", "GB", "JP", "KR", "TR", "IN", "VN", "IT"]),
        ) {
            let number = tracking_number(&s10(indicator), serial, country(origin));
            let check = validate(IdentifierKind::S10, &number);
            prop_assert!(check.valid, "{number}: {:?}", check.reason);
        }
    }
}
