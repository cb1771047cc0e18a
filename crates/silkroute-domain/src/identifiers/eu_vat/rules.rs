//! The per-country layouts and check-digit algorithms behind [`super::EuVatNumber`]. Every member
//! state designed its own VAT number, so each gets its own small function here; they follow the
//! algorithms python-stdnum implements (the de-facto public reference), and where an algorithm is
//! not confirmed by an independent source the number is checked for format only rather than risk
//! refusing a real buyer's registration.

use super::checksums::{
    decimal_mod, digits, doubled_digit_sum, luhn_valid, mod_11_10_valid, value_of, weighted_sum,
};

/// Why a number after the prefix was refused; the caller attaches the country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    /// The layout is wrong; the text completes "expected … after XX".
    Format(&'static str),
    CheckDigit,
}

/// A number that passed its country's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Accepted {
    /// The canonical national part (old short forms padded to today's length).
    pub(super) number: String,
    /// True when the country's check digits could not be verified offline.
    pub(super) format_only: bool,
}

type Outcome = Result<Accepted, Fault>;

/// Digits of exactly `length` characters, or the format fault `expected`.
fn exact_digits(number: &str, length: usize, expected: &'static str) -> Result<Vec<u32>, Fault> {
    match digits(number) {
        Some(values) if values.len() == length => Ok(values),
        _ => Err(Fault::Format(expected)),
    }
}

fn verified(number: &str) -> Outcome {
    Ok(Accepted {
        number: number.to_string(),
        format_only: false,
    })
}

fn format_only(number: &str) -> Outcome {
    Ok(Accepted {
        number: number.to_string(),
        format_only: true,
    })
}

fn verified_if(ok: bool, number: &str) -> Outcome {
    if ok {
        verified(number)
    } else {
        Err(Fault::CheckDigit)
    }
}

/// Austria: "U" + 8 digits; Luhn-style weights 1,2 over digits 2–8, check = (96 − S) mod 10.
pub(super) fn at(number: &str) -> Outcome {
    const EXPECTED: &str = "U followed by 8 digits";
    let rest = number.strip_prefix('U').ok_or(Fault::Format(EXPECTED))?;
    let d = exact_digits(rest, 8, EXPECTED)?;
    let sum: u32 = d[..7]
        .iter()
        .enumerate()
        .map(|(i, &v)| if i % 2 == 1 { doubled_digit_sum(v) } else { v })
        .sum();
    verified_if((16 - sum % 10) % 10 == d[7], number)
}

/// Belgium: 10 digits (9-digit pre-2007 numbers gain a leading 0); the last two digits are
/// 97 − (first eight mod 97).
pub(super) fn be(number: &str) -> Outcome {
    const EXPECTED: &str = "10 digits";
    let padded = match number.len() {
        9 => format!("0{number}"),
        _ => number.to_string(),
    };
    let d = exact_digits(&padded, 10, EXPECTED)?;
    let body = decimal_mod(&d[..8], 97);
    verified_if(97 - body == value_of(&d[8..]), &padded)
}

/// Bulgaria: 9 digits for legal entities; 10 digits for a person's EGN, a foreigner's PNF or
/// another registration, each with its own check digit — any one of them matching is accepted.
pub(super) fn bg(number: &str) -> Outcome {
    let d = digits(number).ok_or(Fault::Format("9 or 10 digits"))?;
    match d.len() {
        9 => {
            let mut check = weighted_sum(&d[..8], &[1, 2, 3, 4, 5, 6, 7, 8]) % 11;
            if check == 10 {
                check = weighted_sum(&d[..8], &[3, 4, 5, 6, 7, 8, 9, 10]) % 11;
            }
            verified_if(check % 10 == d[8], number)
        }
        10 => {
            let egn = weighted_sum(&d[..9], &[2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11 % 10;
            let pnf = weighted_sum(&d[..9], &[21, 19, 17, 13, 11, 9, 7, 3, 1]) % 10;
            let other = (11 - weighted_sum(&d[..9], &[4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
            verified_if(egn == d[9] || pnf == d[9] || other == d[9], number)
        }
        _ => Err(Fault::Format("9 or 10 digits")),
    }
}

/// Cyprus: 8 digits + a check letter from a substitution of the even-position digits.
pub(super) fn cy(number: &str) -> Outcome {
    const EXPECTED: &str = "8 digits and a letter";
    if number.len() != 9 {
        return Err(Fault::Format(EXPECTED));
    }
    let d = exact_digits(&number[..8], 8, EXPECTED)?;
    let letter = number.as_bytes()[8];
    if !letter.is_ascii_uppercase() {
        return Err(Fault::Format(EXPECTED));
    }
    const SUBSTITUTE: [u32; 10] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if i % 2 == 0 {
                SUBSTITUTE[v as usize]
            } else {
                v
            }
        })
        .sum();
    // sum % 26 < 26, so the addition stays within 'A'..='Z'.
    let expected = b'A' + u8::try_from(sum % 26).unwrap_or(0);
    verified_if(letter == expected, number)
}

/// Czechia: 8 digits (legal entity), 9 digits starting 6 (individual without a birth number),
/// 10 digits (birth number, divisible by 11), or a 9-digit pre-1954 birth number, which has no
/// check digit at all.
pub(super) fn cz(number: &str) -> Outcome {
    const EXPECTED: &str = "8, 9 or 10 digits";
    let d = digits(number).ok_or(Fault::Format(EXPECTED))?;
    match d.len() {
        8 => {
            let check = (11 - weighted_sum(&d[..7], &[8, 7, 6, 5, 4, 3, 2]) % 11) % 11;
            let check = if check == 0 { 1 } else { check } % 10;
            verified_if(check == d[7], number)
        }
        9 if d[0] == 6 => {
            let sum = weighted_sum(&d[1..8], &[8, 7, 6, 5, 4, 3, 2]) % 11;
            // stdnum: (8 − (10 − S) mod 11) mod 10, kept non-negative.
            let check = (8 + 10 - (10 + 11 - sum) % 11) % 10;
            verified_if(check == d[8], number)
        }
        9 => format_only(number),
        10 => {
            let whole = value_of(&d);
            let old_exception = value_of(&d[..9]) % 11 == 10 && d[9] == 0;
            verified_if(whole.is_multiple_of(11) || old_exception, number)
        }
        _ => Err(Fault::Format(EXPECTED)),
    }
}

/// Germany: 9 digits, not starting with 0, ISO 7064 MOD 11,10.
pub(super) fn de(number: &str) -> Outcome {
    let d = exact_digits(number, 9, "9 digits")?;
    if d[0] == 0 {
        return Err(Fault::Format("9 digits not starting with 0"));
    }
    verified_if(mod_11_10_valid(&d), number)
}

/// Denmark: 8-digit CVR number, weights 2,7,6,5,4,3,2,1, sum divisible by 11.
pub(super) fn dk(number: &str) -> Outcome {
    let d = exact_digits(number, 8, "8 digits")?;
    verified_if(
        weighted_sum(&d, &[2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11),
        number,
    )
}

/// Estonia: 9 digits, weights 3,7,1 repeating, check = (10 − S mod 10) mod 10.
pub(super) fn ee(number: &str) -> Outcome {
    let d = exact_digits(number, 9, "9 digits")?;
    let sum = weighted_sum(&d[..8], &[3, 7, 1, 3, 7, 1, 3, 7]);
    verified_if((10 - sum % 10) % 10 == d[8], number)
}

/// Greece: 9 digits (8-digit older numbers gain a leading 0), weights 2^8 … 2^1, mod 11 mod 10.
pub(super) fn el(number: &str) -> Outcome {
    let padded = match number.len() {
        8 => format!("0{number}"),
        _ => number.to_string(),
    };
    let d = exact_digits(&padded, 9, "9 digits")?;
    let sum = weighted_sum(&d[..8], &[256, 128, 64, 32, 16, 8, 4, 2]);
    verified_if(sum % 11 % 10 == d[8], &padded)
}

/// The DNI control letter for a number, indexed by the number mod 23.
fn dni_letter(value: u64) -> u8 {
    const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    // value % 23 < 23: always in range.
    LETTERS[usize::try_from(value % 23).unwrap_or(0)]
}

/// Spain: 9 characters with 7 digits in the middle. A citizen's DNI (8 digits + letter), a
/// foreigner's NIE (X/Y/Z + 7 digits + letter, X/Y/Z standing for 0/1/2), a K/L/M personal
/// number (letter over the 7 digits), or a company CIF (organisation letter + 7 digits + a
/// Luhn check given as a digit or as the letter of "JABCDEFGHI" — both forms are in use).
pub(super) fn es(number: &str) -> Outcome {
    const EXPECTED: &str = "9 characters: a letter or digit, 7 digits, a check character";
    if number.len() != 9 {
        return Err(Fault::Format(EXPECTED));
    }
    let bytes = number.as_bytes();
    let (first, last) = (bytes[0], bytes[8]);
    let middle = exact_digits(&number[1..8], 7, EXPECTED)?;
    let seven = value_of(&middle);
    match first {
        b'0'..=b'9' => {
            let whole = u64::from(first - b'0') * 10_000_000 + seven;
            verified_if(dni_letter(whole) == last, number)
        }
        b'X' | b'Y' | b'Z' => {
            let whole = u64::from(first - b'X') * 10_000_000 + seven;
            verified_if(dni_letter(whole) == last, number)
        }
        b'K' | b'L' | b'M' => verified_if(dni_letter(seven) == last, number),
        b'A'..=b'H' | b'J' | b'N' | b'P' | b'Q' | b'R' | b'S' | b'U' | b'V' | b'W' => {
            let sum: u32 = middle
                .iter()
                .enumerate()
                .map(|(i, &v)| if i % 2 == 0 { doubled_digit_sum(v) } else { v })
                .sum();
            let check = (10 - sum % 10) % 10;
            // check < 10: both conversions stay in range.
            let digit = b'0' + u8::try_from(check).unwrap_or(0);
            let letter = b"JABCDEFGHI"[check as usize];
            verified_if(last == digit || last == letter, number)
        }
        _ => Err(Fault::Format(EXPECTED)),
    }
}

/// Finland: 8 digits, weights 7,9,10,5,8,4,2,1, sum divisible by 11.
pub(super) fn fi(number: &str) -> Outcome {
    let d = exact_digits(number, 8, "8 digits")?;
    verified_if(
        weighted_sum(&d, &[7, 9, 10, 5, 8, 4, 2, 1]).is_multiple_of(11),
        number,
    )
}

/// The characters a French key may use: digits, then letters without I and O.
const FR_KEY_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// France: a two-character key + the 9-digit SIREN. The SIREN is Luhn-checked (except Monaco's
/// "000…" numbers, which are not SIRENs). An all-digit key is (SIREN·100 + 12) mod 97; a key
/// with a letter uses the newer scheme over the alphabet without I and O.
pub(super) fn fr(number: &str) -> Outcome {
    const EXPECTED: &str = "a 2-character key and 9 digits";
    if number.len() != 11 {
        return Err(Fault::Format(EXPECTED));
    }
    let bytes = number.as_bytes();
    let position = |c: u8| FR_KEY_ALPHABET.iter().position(|&a| a == c);
    let (Some(k0), Some(k1)) = (position(bytes[0]), position(bytes[1])) else {
        return Err(Fault::Format(EXPECTED));
    };
    let siren = exact_digits(&number[2..], 9, EXPECTED)?;
    if &number[2..5] != "000" && !luhn_valid(&siren) {
        return Err(Fault::CheckDigit);
    }
    let siren_value = value_of(&siren);
    if k0 < 10 && k1 < 10 {
        let key = (siren_value * 100 + 12) % 97;
        return verified_if(key == (k0 * 10 + k1) as u64, number);
    }
    // k0, k1 < 34: no overflow; the subtraction cannot underflow because a letter is present.
    let check = if k0 < 10 {
        (k0 * 24 + k1) as u64 - 10
    } else {
        (k0 * 34 + k1) as u64 - 100
    };
    verified_if((siren_value + 1 + check / 11) % 11 == check % 11, number)
}

/// Croatia: the 11-digit OIB, ISO 7064 MOD 11,10.
pub(super) fn hr(number: &str) -> Outcome {
    let d = exact_digits(number, 11, "11 digits")?;
    verified_if(mod_11_10_valid(&d), number)
}

/// Hungary: 8 digits, weights 9,7,3,1 repeating, sum divisible by 10.
pub(super) fn hu(number: &str) -> Outcome {
    let d = exact_digits(number, 8, "8 digits")?;
    verified_if(
        weighted_sum(&d, &[9, 7, 3, 1, 9, 7, 3, 1]).is_multiple_of(10),
        number,
    )
}

/// The Irish check-character alphabet: index 0 is W.
const IE_ALPHABET: &[u8] = b"WABCDEFGHIJKLMNOPQRSTUV";

fn ie_check(seven: &[u32], extra: usize) -> u8 {
    let sum = weighted_sum(seven, &[8, 7, 6, 5, 4, 3, 2]) as usize + 9 * extra;
    IE_ALPHABET[sum % 23]
}

/// Ireland: new style is 7 digits + check letter (+ optional second letter, weighted 9, since
/// 2013); old style is a digit, a letter or + or *, 5 digits and the check letter, checked as
/// if it were "0" + the 5 digits + the first digit.
pub(super) fn ie(number: &str) -> Outcome {
    const EXPECTED: &str =
        "7 digits and 1 or 2 letters, or the old digit-letter-5 digits-letter form";
    let bytes = number.as_bytes();
    if !(8..=9).contains(&bytes.len()) || !bytes[7..].iter().all(|c| IE_ALPHABET.contains(c)) {
        return Err(Fault::Format(EXPECTED));
    }
    let index = |c: u8| IE_ALPHABET.iter().position(|&a| a == c).unwrap_or(0);
    if let Some(seven) = digits(&number[..7]) {
        let extra = bytes.get(8).map_or(0, |&c| index(c));
        return verified_if(ie_check(&seven, extra) == bytes[7], number);
    }
    let old_second = bytes[1].is_ascii_uppercase() || matches!(bytes[1], b'+' | b'*');
    match (digits(&number[..1]), digits(&number[2..7])) {
        (Some(first), Some(five)) if old_second && bytes.len() == 8 => {
            let mut seven = vec![0];
            seven.extend(five);
            seven.extend(first);
            verified_if(ie_check(&seven, 0) == bytes[7], number)
        }
        _ => Err(Fault::Format(EXPECTED)),
    }
}

/// Italy: 11-digit partita IVA, Luhn; the 7-digit company part is never all zeros.
pub(super) fn it(number: &str) -> Outcome {
    let d = exact_digits(number, 11, "11 digits")?;
    if d[..7].iter().all(|&v| v == 0) {
        return Err(Fault::Format("11 digits, the first 7 not all zero"));
    }
    verified_if(luhn_valid(&d), number)
}

/// Lithuania: 9 digits (legal entity, 8th digit 1) or 12 digits (temporary, 11th digit 1);
/// weights 1..9 repeating mod 11, with a second pass shifted by 2 when the first gives 10.
pub(super) fn lt(number: &str) -> Outcome {
    const EXPECTED: &str = "9 digits with 1 as the 8th, or 12 digits with 1 as the 11th";
    let d = digits(number).ok_or(Fault::Format(EXPECTED))?;
    if !matches!(d.len(), 9 | 12) || d[d.len() - 2] != 1 {
        return Err(Fault::Format(EXPECTED));
    }
    let body = &d[..d.len() - 1];
    let pass = |shift: usize| -> u32 {
        body.iter()
            .enumerate()
            // (i + shift) % 9 < 9: the weight fits.
            .map(|(i, &v)| (1 + u32::try_from((i + shift) % 9).unwrap_or(0)) * v)
            .sum::<u32>()
            % 11
    };
    let mut check = pass(0);
    if check == 10 {
        check = pass(2);
    }
    verified_if(check % 10 == d[d.len() - 1], number)
}

/// Luxembourg: 8 digits, the last two are the first six mod 89.
pub(super) fn lu(number: &str) -> Outcome {
    let d = exact_digits(number, 8, "8 digits")?;
    verified_if(value_of(&d[..6]) % 89 == value_of(&d[6..]), number)
}

/// Latvia: 11 digits. Legal entities (first digit above 3) have a weighted mod-11 check; for
/// people the number is the personal code, whose check algorithm is not independently confirmed
/// (and whose post-2017 form carries no birth date), so only the format is checked.
pub(super) fn lv(number: &str) -> Outcome {
    let d = exact_digits(number, 11, "11 digits")?;
    if d[0] <= 3 {
        return format_only(number);
    }
    verified_if(
        weighted_sum(&d, &[9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1]) % 11 == 3,
        number,
    )
}

/// Malta: 8 digits, weights 3,4,6,7,8,9,10,1, sum divisible by 37.
pub(super) fn mt(number: &str) -> Outcome {
    let d = exact_digits(number, 8, "8 digits")?;
    verified_if(
        weighted_sum(&d, &[3, 4, 6, 7, 8, 9, 10, 1]).is_multiple_of(37),
        number,
    )
}

/// Netherlands: 9 digits + "B" + a 2-digit suffix (01–99). Companies have a BSN-style mod-11
/// check; sole traders' numbers since 2020 instead satisfy ISO 7064 mod 97 over "NL" + number
/// (letters as 10–35). Either is accepted. Shorter forms are zero-padded to 9 digits.
pub(super) fn nl(number: &str) -> Outcome {
    const EXPECTED: &str = "9 digits, B and a 2-digit suffix";
    let Some(b_at) = number.len().checked_sub(3) else {
        return Err(Fault::Format(EXPECTED));
    };
    if number.as_bytes()[b_at] != b'B' || b_at == 0 || b_at > 9 {
        return Err(Fault::Format(EXPECTED));
    }
    let suffix = exact_digits(&number[b_at + 1..], 2, EXPECTED)?;
    if suffix == [0, 0] {
        return Err(Fault::Format(EXPECTED));
    }
    let padded = format!("{:0>9}", &number[..b_at]);
    let d = exact_digits(&padded, 9, EXPECTED)?;
    let weighted = weighted_sum(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]);
    let mod_11 = (weighted + 11 * 10 - d[8]).is_multiple_of(11);
    // "NL" = 23 21, "B" = 11 in ISO 7064 letter values.
    let mut values = vec![2, 3, 2, 1];
    values.extend(&d);
    values.extend([1, 1]);
    values.extend(&suffix);
    let mod_97 = decimal_mod(&values, 97) == 1;
    verified_if(
        mod_11 || mod_97,
        &format!("{padded}B{}", &number[b_at + 1..]),
    )
}

/// Poland: 10-digit NIP, weights 6,5,7,2,3,4,5,6,7 mod 11 (a remainder of 10 is never issued).
pub(super) fn pl(number: &str) -> Outcome {
    let d = exact_digits(number, 10, "10 digits")?;
    let check = weighted_sum(&d[..9], &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
    verified_if(check == d[9], number)
}

/// Portugal: 9-digit NIF, weights 9..2, check = 11 − S mod 11 (10 and 11 become 0).
pub(super) fn pt(number: &str) -> Outcome {
    let d = exact_digits(number, 9, "9 digits")?;
    let check = (11 - weighted_sum(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) % 11) % 11 % 10;
    verified_if(check == d[8], number)
}

/// Romania: the CUI, 2 to 10 digits without a leading 0; weights 7,5,3,2,1,7,5,3,2 aligned to
/// the right of the body, check = 10·S mod 11 mod 10.
pub(super) fn ro(number: &str) -> Outcome {
    const EXPECTED: &str = "2 to 10 digits not starting with 0";
    let d = digits(number).ok_or(Fault::Format(EXPECTED))?;
    if !(2..=10).contains(&d.len()) || d[0] == 0 {
        return Err(Fault::Format(EXPECTED));
    }
    let (check, body) = d.split_last().ok_or(Fault::Format(EXPECTED))?;
    const WEIGHTS: [u32; 9] = [7, 5, 3, 2, 1, 7, 5, 3, 2];
    let sum: u32 = body
        .iter()
        .rev()
        .zip(WEIGHTS.iter().rev())
        .map(|(v, w)| v * w)
        .sum();
    verified_if(sum * 10 % 11 % 10 == *check, number)
}

/// Sweden: the 10-digit organisation (or personal) number, Luhn-checked, followed by "01".
pub(super) fn se(number: &str) -> Outcome {
    const EXPECTED: &str = "12 digits ending in 01";
    let d = exact_digits(number, 12, EXPECTED)?;
    if d[10..] != [0, 1] {
        return Err(Fault::Format(EXPECTED));
    }
    verified_if(luhn_valid(&d[..10]), number)
}

/// Slovenia: 8 digits, weights 8..2, check = 11 − S mod 11 (10 becomes 0; 11 is never issued).
pub(super) fn si(number: &str) -> Outcome {
    let d = exact_digits(number, 8, "8 digits")?;
    let check = 11 - weighted_sum(&d[..7], &[8, 7, 6, 5, 4, 3, 2]) % 11;
    verified_if(check % 10 == d[7] && check != 11, number)
}

/// Slovakia: 10 digits divisible by 11 (also true of birth numbers issued since 1985; older
/// ones whose first nine digits leave 10 end in 0).
pub(super) fn sk(number: &str) -> Outcome {
    let d = exact_digits(number, 10, "10 digits")?;
    let old_exception = value_of(&d[..9]) % 11 == 10 && d[9] == 0;
    verified_if(value_of(&d).is_multiple_of(11) || old_exception, number)
}

/// Northern Ireland (XI), on GB's rules: 9 digits (or 12 with a 3-digit branch suffix) with
/// weights 8..2,10,1 whose sum mod 97 is 0 (the original rule) or 42 or 55 (the "modulus 9755"
/// rule of 2010, only for numbers from 100 0000 00 up); or GD/HA + 3 digits for government
/// departments (000–499) and health authorities (500–999), also in their 11-character
/// GD8888/HA8888 form whose last two digits are the 3-digit number mod 97.
pub(super) fn xi(number: &str) -> Outcome {
    const EXPECTED: &str = "9 or 12 digits, or GD/HA and 3 digits";
    if let Some(department) = number
        .strip_prefix("GD")
        .map(|rest| (rest, true))
        .or_else(|| number.strip_prefix("HA").map(|rest| (rest, false)))
    {
        let (rest, government) = department;
        let rest = match rest.len() {
            3 => rest,
            9 => rest.strip_prefix("8888").ok_or(Fault::Format(EXPECTED))?,
            _ => return Err(Fault::Format(EXPECTED)),
        };
        let d = digits(rest).ok_or(Fault::Format(EXPECTED))?;
        let serial = value_of(&d[..3]);
        if government != (serial < 500) {
            return Err(Fault::Format(if government {
                "GD and a number below 500"
            } else {
                "HA and a number from 500"
            }));
        }
        return verified_if(d.len() == 3 || serial % 97 == value_of(&d[3..]), number);
    }
    let d = digits(number).ok_or(Fault::Format(EXPECTED))?;
    if !matches!(d.len(), 9 | 12) {
        return Err(Fault::Format(EXPECTED));
    }
    let sum = weighted_sum(&d[..9], &[8, 7, 6, 5, 4, 3, 2, 10, 1]) % 97;
    let ok = if value_of(&d[..3]) >= 100 {
        matches!(sum, 0 | 42 | 55)
    } else {
        sum == 0
    };
    verified_if(ok, number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn short_forms_are_padded() {
        assert_eq!(be("428759497").unwrap().number, "0428759497");
        assert_eq!(el("94051189").unwrap().number, "094051189");
        assert_eq!(nl("4495445B01").unwrap().number, "004495445B01");
    }

    #[rstest]
    #[case(lv("16117519997"))]
    #[case(lv("32111111111"))]
    #[case(cz("450331451"))]
    fn unverifiable_forms_are_format_only(#[case] outcome: Outcome) {
        assert!(outcome.unwrap().format_only);
    }

    #[rstest]
    #[case(de("013669597"), Fault::Format("9 digits not starting with 0"))]
    #[case(
        it("00000000000"),
        Fault::Format("11 digits, the first 7 not all zero")
    )]
    #[case(
        lt("119511525"),
        Fault::Format("9 digits with 1 as the 8th, or 12 digits with 1 as the 11th")
    )]
    #[case(nl("004495445B00"), Fault::Format("9 digits, B and a 2-digit suffix"))]
    #[case(nl("0044954450B1"), Fault::Format("9 digits, B and a 2-digit suffix"))]
    #[case(se("556188840402"), Fault::Format("12 digits ending in 01"))]
    #[case(ro("0185472"), Fault::Format("2 to 10 digits not starting with 0"))]
    #[case(xi("GD500"), Fault::Format("GD and a number below 500"))]
    #[case(xi("HA499"), Fault::Format("HA and a number from 500"))]
    #[case(fr("IO334175221"), Fault::Format("a 2-character key and 9 digits"))]
    #[case(
        es("I13585625"),
        Fault::Format("9 characters: a letter or digit, 7 digits, a check character")
    )]
    #[case(
        ie("8D79739IA"),
        Fault::Format("7 digits and 1 or 2 letters, or the old digit-letter-5 digits-letter form")
    )]
    fn component_rules(#[case] outcome: Outcome, #[case] fault: Fault) {
        assert_eq!(outcome, Err(fault));
    }
}
