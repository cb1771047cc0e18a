//! IATA air waybill numbers (`176-12345675`), the contract number of an air cargo shipment and
//! the key every airline tracking system is searched by. Validated per RULES.md §2.3: a 3-digit
//! airline prefix, a 7-digit serial and a check digit equal to the serial mod 7.

use super::{
    Checked, IdentifierError, normalize, require_check_digit, require_digits, require_non_empty,
};

/// The check digit of a 7-digit serial (0–6), or `None` if it is not exactly 7 ASCII digits.
pub fn awb_check_digit(serial7: &str) -> Option<u8> {
    if serial7.len() != 7 || !serial7.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let serial: u32 = serial7.parse().ok()?;
    u8::try_from(serial % 7).ok()
}

pub(super) fn check(value: &str) -> Result<Checked, IdentifierError> {
    let digits = normalize(value);
    require_non_empty(&digits)?;
    let length = digits.chars().count();
    if length != 11 {
        return Err(IdentifierError::WrongLength {
            scheme: "air waybill",
            expected: "11",
            actual: length,
        });
    }
    require_digits(&digits, 0)?;
    let (prefix, rest) = digits.split_at(3);
    let (serial, check_char) = rest.split_at(7);
    let expected = awb_check_digit(serial).unwrap_or(0);
    require_check_digit(check_char.chars().next().unwrap_or('?'), expected)?;
    Ok(Checked {
        normalized: format!("{prefix}-{rest}"),
        detail: format!("airline prefix {prefix}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    // RULES.md §2.3 test vectors ("xxx" stands for any prefix; 999 is used).
    #[rstest]
    #[case("176-12345675", true)]
    #[case("020-81140743", true)]
    #[case("589-81140743", true)]
    #[case("176-12345676", false)]
    #[case("176-65432102", true)]
    #[case("999-99999992", true)]
    #[case("176-12345677", false)]
    #[case("176-12345678", false)]
    #[case("176-12345679", false)]
    fn rules_vectors(#[case] awb: &str, #[case] valid: bool) {
        assert_eq!(check(awb).is_ok(), valid, "{awb}");
    }

    #[rstest]
    #[case("17612345675", "176-12345675")]
    #[case("176 1234 5675", "176-12345675")]
    #[case("176-12345675", "176-12345675")]
    fn normalised_with_a_dash_after_the_prefix(#[case] input: &str, #[case] normalized: &str) {
        assert_eq!(check(input).unwrap().normalized, normalized);
    }

    #[rstest]
    #[case("176-12345676", IdentifierError::BadCheckDigit { expected: 5, found: '6' })]
    #[case("176-12345679", IdentifierError::BadCheckDigit { expected: 5, found: '9' })]
    #[case("176-1234567", IdentifierError::WrongLength { scheme: "air waybill", expected: "11", actual: 10 })]
    #[case("176-1234567A", IdentifierError::NonDigit { position: 11, found: 'A' })]
    #[case("", IdentifierError::Empty)]
    fn refusals(#[case] awb: &str, #[case] error: IdentifierError) {
        assert_eq!(check(awb).err(), Some(error));
    }

    #[rstest]
    #[case("1234567", Some(5))]
    #[case("0000000", Some(0))]
    #[case("9999999", Some(2))]
    #[case("123456", None)]
    #[case("+123456", None)]
    #[case("12345678", None)]
    fn check_digit(#[case] serial: &str, #[case] expected: Option<u8>) {
        assert_eq!(awb_check_digit(serial), expected);
    }

    fn digits(count: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(b'0'..=b'9', count)
            .prop_map(|bytes| String::from_utf8(bytes).unwrap_or_default())
    }

    proptest! {
        #[test]
        fn generated_awbs_validate(prefix in digits(3), serial in digits(7)) {
            let check_digit = awb_check_digit(&serial).unwrap();
            let candidate = format!("{prefix}{serial}{check_digit}");
            prop_assert!(check(&candidate).is_ok(), "{}", candidate);
        }

        // An unweighted mod 7 check guarantees less than GS1: a digit change of Δ at place value
        // 10^k moves the serial by Δ·10^k, and 10^k is never 0 mod 7, so the change is caught
        // exactly when Δ is not a multiple of 7. Substitutions 0↔7, 1↔8, 2↔9 (Δ = ±7) always
        // pass unnoticed; the airline prefix is not covered at all. Both facts are asserted.
        #[test]
        fn serial_substitutions_are_caught_unless_they_differ_by_seven(
            prefix in digits(3),
            serial in digits(7),
            position in 0_usize..7,
            replacement in b'0'..=b'9',
        ) {
            let original = serial.as_bytes()[position];
            prop_assume!(original != replacement);
            let check_digit = awb_check_digit(&serial).unwrap();
            let mut bytes = serial.into_bytes();
            bytes[position] = replacement;
            let altered = String::from_utf8(bytes).unwrap();
            let passes = check(&format!("{prefix}{altered}{check_digit}")).is_ok();
            prop_assert_eq!(passes, original.abs_diff(replacement) == 7);
        }

        #[test]
        fn check_digit_changes_are_caught(serial in digits(7), wrong in 0_u8..10) {
            let right = awb_check_digit(&serial).unwrap();
            prop_assume!(wrong != right);
            let candidate = format!("176{serial}{wrong}");
            prop_assert!(check(&candidate).is_err(), "{}", candidate);
        }
    }
}
