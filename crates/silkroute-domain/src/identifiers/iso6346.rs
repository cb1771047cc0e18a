//! ISO 6346 freight container numbers (`CSQU 305438 3`), which identify the box a sea or rail
//! shipment travels in. Validated per RULES.md §2.2: owner code, equipment category, serial and
//! the mod-11 check digit over letter values that skip multiples of 11.

use super::{
    Checked, IdentifierError, normalize, require_check_digit, require_digits, require_letters,
    require_non_empty,
};

/// A=10, B=12 … K=21, L=23 … U=32, V=34 … Z=38: multiples of 11 are skipped so that no letter
/// is worth 0 mod 11 (which would make it invisible to the check digit).
fn character_value(character: u8) -> Option<u32> {
    match character {
        b'0'..=b'9' => Some(u32::from(character - b'0')),
        b'A'..=b'Z' => {
            let mut value = 10;
            for _ in b'A'..character {
                value += 1;
                if value % 11 == 0 {
                    value += 1;
                }
            }
            Some(value)
        }
        _ => None,
    }
}

/// Sum of value × 2^i over the first ten characters, mod 11.
fn remainder(first10: &str) -> Option<u32> {
    if first10.len() != 10 {
        return None;
    }
    let mut sum = 0;
    for (index, character) in first10.bytes().enumerate() {
        sum += character_value(character)? << index;
    }
    Some(sum % 11)
}

/// The check digit for the owner code, category and serial (10 upper-case letters or digits), or
/// `None` if the input is not 10 such characters. A remainder of 10 yields 0, as ISO 6346 allows.
pub fn iso6346_check_digit(first10: &str) -> Option<u8> {
    remainder(first10).and_then(|r| u8::try_from(r % 10).ok())
}

fn category_meaning(category: char) -> Option<&'static str> {
    match category {
        'U' => Some("freight container"),
        'J' => Some("detachable freight container-related equipment"),
        'Z' => Some("trailer or chassis"),
        // Accepted as python-stdnum does; ISO 6346 itself names only U, J and Z.
        'R' => Some("category R equipment"),
        _ => None,
    }
}

pub(super) fn check(value: &str) -> Result<Checked, IdentifierError> {
    let number = normalize(value);
    require_non_empty(&number)?;
    let length = number.chars().count();
    if length != 11 {
        return Err(IdentifierError::WrongLength {
            scheme: "ISO 6346",
            expected: "11",
            actual: length,
        });
    }
    let characters: Vec<char> = number.chars().collect();
    let owner: String = characters[..3].iter().collect();
    let serial: String = characters[4..10].iter().collect();
    require_letters(&owner, 0)?;
    require_letters(&characters[3].to_string(), 3)?;
    let category = characters[3];
    let meaning = category_meaning(category).ok_or(IdentifierError::EquipmentCategory(category))?;
    require_digits(&serial, 4)?;
    require_digits(&characters[10].to_string(), 10)?;
    // All eleven characters are now ASCII, so byte slicing is safe.
    let expected = iso6346_check_digit(&number[..10]).unwrap_or(0);
    require_check_digit(characters[10], expected)?;
    Ok(Checked {
        detail: format!("owner code {owner}, equipment category {category}: {meaning}"),
        normalized: number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    // RULES.md §2.2 test vectors.
    #[rstest]
    #[case("CSQU3054383", true)]
    #[case("CSQU3054384", false)]
    #[case("MSKU9070323", true)]
    #[case("TGHU1234567", true)]
    #[case("BICU1234565", true)]
    #[case("CSQU0000070", true)]
    fn rules_vectors(#[case] number: &str, #[case] valid: bool) {
        assert_eq!(check(number).is_ok(), valid, "{number}");
    }

    #[test]
    fn letter_values_skip_multiples_of_eleven() {
        let values: Vec<u32> = (b'A'..=b'Z').filter_map(character_value).collect();
        let expected = [
            10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 34,
            35, 36, 37, 38,
        ];
        assert_eq!(values, expected);
        assert_eq!(iso6346_check_digit("CSQU305438"), Some(3));
        assert_eq!(remainder("CSQU000007"), Some(10));
    }

    #[rstest]
    #[case("CSQU3054384", IdentifierError::BadCheckDigit { expected: 3, found: '4' })]
    #[case("CSQX3054383", IdentifierError::EquipmentCategory('X'))]
    #[case("CS1U3054383", IdentifierError::NotLetter { position: 3, found: '1' })]
    #[case("CSQU30543A3", IdentifierError::NonDigit { position: 10, found: 'A' })]
    #[case("CSQU305438", IdentifierError::WrongLength { scheme: "ISO 6346", expected: "11", actual: 10 })]
    #[case("CSQU30543ÄX", IdentifierError::NonDigit { position: 10, found: 'Ä' })]
    fn refusals(#[case] number: &str, #[case] error: IdentifierError) {
        assert_eq!(check(number).err(), Some(error));
    }

    #[rstest]
    #[case("csqu 305438 3", "CSQU3054383")]
    #[case("CSQU-305438-3", "CSQU3054383")]
    fn separators_are_removed(#[case] input: &str, #[case] normalized: &str) {
        assert_eq!(check(input).unwrap().normalized, normalized);
    }

    #[test]
    fn the_scheme_misses_two_kinds_of_substitution() {
        // Letters whose values are congruent mod 11 (C=13, M=24) weigh the same.
        assert!(check("CSQU3054383").is_ok());
        assert!(check("MSQU3054383").is_ok());
        // Remainders 10 and 0 both print as check digit 0.
        assert!(check("CSQU0000070").is_ok());
        assert!(check("CSQU0000090").is_ok());
    }

    fn letters(count: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(b'A'..=b'Z', count)
            .prop_map(|bytes| String::from_utf8(bytes).unwrap_or_default())
    }

    fn digits(count: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(b'0'..=b'9', count)
            .prop_map(|bytes| String::from_utf8(bytes).unwrap_or_default())
    }

    fn first10() -> impl Strategy<Value = String> {
        (
            letters(3),
            proptest::sample::select(vec!['U', 'J', 'Z', 'R']),
            digits(6),
        )
            .prop_map(|(owner, category, serial)| format!("{owner}{category}{serial}"))
    }

    proptest! {
        #[test]
        fn generated_numbers_validate(first in first10()) {
            let check_digit = iso6346_check_digit(&first).unwrap();
            let candidate = format!("{first}{check_digit}");
            prop_assert!(check(&candidate).is_ok(), "{}", candidate);
        }

        // The brief hoped for "every single-character substitution is caught"; the scheme does
        // not guarantee that. What it does guarantee, asserted here for substitutions that keep
        // the format (letter for letter in the owner code, category for category, digit for
        // digit in the serial): the
        // check digit is unchanged exactly when the two characters' values are congruent mod 11
        // (only possible between letters: A/K/U, B/L/V, C/M/W …) or when the remainders are 10
        // and 0, which both print as 0. Every other substitution is caught.
        #[test]
        fn substitutions_are_caught_except_the_two_known_blind_spots(
            first in first10(),
            position in prop_oneof![0_usize..3, 3_usize..4, 4_usize..10],
            replacement in any::<proptest::sample::Index>(),
        ) {
            let original = first.as_bytes()[position];
            let pool: Vec<u8> = match position {
                0..3 => (b'A'..=b'Z').filter(|c| *c != original).collect(),
                3 => b"UJZR".iter().copied().filter(|c| *c != original).collect(),
                _ => (b'0'..=b'9').filter(|c| *c != original).collect(),
            };
            let substitute = pool[replacement.index(pool.len())];
            let mut bytes = first.clone().into_bytes();
            bytes[position] = substitute;
            let altered = String::from_utf8(bytes).unwrap();
            let (before, after) = (remainder(&first).unwrap(), remainder(&altered).unwrap());
            let congruent = character_value(original).unwrap() % 11
                == character_value(substitute).unwrap() % 11;
            let collision = matches!((before, after), (0, 10) | (10, 0));
            let unchanged = iso6346_check_digit(&first) == iso6346_check_digit(&altered);
            prop_assert_eq!(unchanged, congruent || collision);
            if position >= 4 {
                // Digits are distinct mod 11, so a serial substitution always moves the sum.
                prop_assert_ne!(before, after);
            }
        }

        #[test]
        fn check_digit_changes_are_caught(first in first10(), shift in 1_u8..10) {
            let right = iso6346_check_digit(&first).unwrap();
            let wrong = (right + shift) % 10;
            let candidate = format!("{first}{wrong}");
            prop_assert!(check(&candidate).is_err(), "{}", candidate);
        }
    }
}
