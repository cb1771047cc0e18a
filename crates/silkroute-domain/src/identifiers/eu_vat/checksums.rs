//! The checksum arithmetic several member states share (Luhn, ISO 7064 MOD 11,10, weighted
//! sums, long-number remainders), kept apart from the country rules so each rule reads as its
//! national definition and the shared pieces are tested once.

/// Digit values when `part` is all ASCII digits (and non-empty), otherwise `None`.
pub(super) fn digits(part: &str) -> Option<Vec<u32>> {
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(part.bytes().map(|b| u32::from(b - b'0')).collect())
}

/// Σ digit × weight, pairing from the left; extra digits or weights are ignored.
pub(super) fn weighted_sum(values: &[u32], weights: &[u32]) -> u32 {
    values.iter().zip(weights).map(|(v, w)| v * w).sum()
}

/// The Luhn (ISO/IEC 7812) test over a whole digit string, check digit last.
pub(super) fn luhn_valid(values: &[u32]) -> bool {
    let sum: u32 = values
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| if i % 2 == 1 { doubled_digit_sum(v) } else { v })
        .sum();
    sum.is_multiple_of(10)
}

/// ISO 7064 MOD 11,10 over a whole digit string, check digit last (DE, HR).
pub(super) fn mod_11_10_valid(values: &[u32]) -> bool {
    let Some((&check, body)) = values.split_last() else {
        return false;
    };
    let mut product = 10;
    for &v in body {
        let mut sum = (v + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    (11 - product) % 10 == check
}

/// Remainder of a long decimal number (given as digit values) modulo `m`, without overflow.
pub(super) fn decimal_mod(values: &[u32], m: u64) -> u64 {
    values
        .iter()
        .fold(0_u64, |r, &v| (r * 10 + u64::from(v)) % m)
}

/// The value of a digit string short enough for a u64 (every caller passes at most 12).
pub(super) fn value_of(values: &[u32]) -> u64 {
    values.iter().fold(0_u64, |r, &v| r * 10 + u64::from(v))
}

/// The sum of the digits of 2·`v`, the Luhn step for a doubled position (`v` is one digit).
pub(super) fn doubled_digit_sum(v: u32) -> u32 {
    let doubled = v * 2;
    doubled / 10 + doubled % 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(&[7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3], true)]
    #[case(&[7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 4], false)]
    #[case(&[0], true)]
    fn luhn(#[case] values: &[u32], #[case] valid: bool) {
        assert_eq!(luhn_valid(values), valid);
    }

    #[rstest]
    #[case(&[1, 3, 6, 6, 9, 5, 9, 7, 6], true)]
    #[case(&[1, 3, 6, 6, 9, 5, 9, 7, 5], false)]
    #[case(&[], false)]
    fn iso_7064_mod_11_10(#[case] values: &[u32], #[case] valid: bool) {
        assert_eq!(mod_11_10_valid(values), valid);
    }

    #[rstest]
    #[case("0123", Some(vec![0, 1, 2, 3]))]
    #[case("", None)]
    #[case("12a", None)]
    #[case("１２", None)]
    fn digit_values(#[case] part: &str, #[case] expected: Option<Vec<u32>>) {
        assert_eq!(digits(part), expected);
    }

    #[test]
    fn long_remainders_do_not_overflow() {
        let values = vec![9; 40];
        assert_eq!(
            decimal_mod(&values, 97),
            (0..40).fold(0, |r, _| (r * 10 + 9) % 97)
        );
        assert_eq!(value_of(&[1, 2, 3]), 123);
    }
}
