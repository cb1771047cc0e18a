//! Money as an integer count of a currency's minor units. Prices, duties and taxes must add up to
//! the cent on invoices in several currencies, so amounts are never floating point, never mix
//! currencies silently, and every rounding step names its rule.

mod rounding;
mod wire;

use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::currency::CurrencyCode;

pub use rounding::RoundingMode;
pub use wire::{historical, historical_option};

/// An exact amount: `minor` units of `currency` (cents for EUR, yen for JPY, fils for KWD).
/// Fields are private so that the currency's exponent is the only way to read the value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, serde::Serialize, serde::Deserialize)]
#[serde(into = "wire::MoneyWire", try_from = "wire::MoneyWire")]
pub struct Money {
    minor: i64,
    currency: CurrencyCode,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("currency mismatch: {left} and {right} cannot be combined without conversion")]
    CurrencyMismatch {
        left: CurrencyCode,
        right: CurrencyCode,
    },
    #[error("amount out of range")]
    Overflow,
    #[error("too many decimals for {currency}: at most {max} allowed")]
    TooManyDecimals { currency: CurrencyCode, max: u32 },
    #[error("invalid amount '{0}': expected digits with an optional sign and decimal point")]
    InvalidAmount(String),
    #[error("amount too large: at most {0} is accepted")]
    TooLarge(String),
}

/// The largest amount the platform takes from outside, in minor units: a price, a cost, an
/// imported order, an amount to convert (10,000,000,000.00 EUR; 1,000,000,000,000 JPY;
/// 1,000,000,000.000 KWD). It is far above any listing or order, and it keeps sums exact: a
/// quote line (at most 100,000 units) stays below 10^17, and millions of such amounts add up
/// within 64 bits; analytics sums beyond that are checked.
pub const MAX_ENTERED_MINOR: i64 = 1_000_000_000_000;

impl Money {
    pub fn from_minor(minor: i64, currency: CurrencyCode) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: CurrencyCode) -> Money {
        Money::from_minor(0, currency)
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> CurrencyCode {
        self.currency
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }

    pub fn is_negative(&self) -> bool {
        self.minor < 0
    }

    /// The exact value, with the scale set to the currency's minor units (12.30, not 12.3), so
    /// that printing it always shows the currency's precision.
    pub fn to_decimal(&self) -> Decimal {
        Decimal::new(self.minor, self.currency.minor_units())
    }

    /// Brings an exact value (e.g. a converted price or a tax) to the currency's minor unit.
    pub fn from_decimal(
        value: Decimal,
        currency: CurrencyCode,
        mode: RoundingMode,
    ) -> Result<Money, MoneyError> {
        let scale = currency.minor_units();
        let rounded = value.round_dp_with_strategy(scale, mode.strategy());
        let minor = rounded
            .checked_mul(Decimal::from(10_i64.pow(scale)))
            .and_then(|units| units.to_i64())
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::from_minor(minor, currency))
    }

    /// Reads an amount typed by a person or sent by a partner without any rounding: more decimals
    /// than the currency has is an error rather than a silent change of price. Accepts an
    /// optional sign, digits, and an optional point followed by at least one digit; no grouping
    /// separators or exponents.
    pub fn parse_exact(amount: &str, currency: CurrencyCode) -> Result<Money, MoneyError> {
        let invalid = || MoneyError::InvalidAmount(amount.to_string());
        let trimmed = amount.trim();
        let (negative, unsigned) = match trimmed.as_bytes().first() {
            Some(b'-') => (true, &trimmed[1..]),
            Some(b'+') => (false, &trimmed[1..]),
            _ => (false, trimmed),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (unsigned, None),
        };
        let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
            return Err(invalid());
        }
        let fraction = fraction.unwrap_or("");
        let max = currency.minor_units();
        if fraction.len() > max as usize {
            return Err(MoneyError::TooManyDecimals { currency, max });
        }
        let padding = max as usize - fraction.len();
        let digits = whole
            .bytes()
            .chain(fraction.bytes())
            .chain(std::iter::repeat_n(b'0', padding));
        // Accumulate toward the sign of the result so that i64::MIN is reachable.
        let mut minor: i64 = 0;
        for digit in digits {
            let digit = i64::from(digit - b'0');
            minor = minor
                .checked_mul(10)
                .and_then(|m| {
                    if negative {
                        m.checked_sub(digit)
                    } else {
                        m.checked_add(digit)
                    }
                })
                .ok_or(MoneyError::Overflow)?;
        }
        Ok(Money::from_minor(minor, currency))
    }

    /// [`Money::parse_exact`] for an amount entered from outside (API, CSV import): also refused
    /// beyond [`MAX_ENTERED_MINOR`] either way.
    pub fn parse_entered(amount: &str, currency: CurrencyCode) -> Result<Money, MoneyError> {
        match Money::parse_exact(amount, currency) {
            Ok(money) => money.within_entry_limit(),
            // Beyond 64 bits is beyond the limit too: say so in the same words.
            Err(MoneyError::Overflow) => Money::from_minor(i64::MAX, currency).within_entry_limit(),
            Err(error) => Err(error),
        }
    }

    /// The amount itself, or [`MoneyError::TooLarge`] beyond [`MAX_ENTERED_MINOR`] either way.
    pub fn within_entry_limit(self) -> Result<Money, MoneyError> {
        if self.minor.unsigned_abs() > MAX_ENTERED_MINOR.unsigned_abs() {
            return Err(MoneyError::TooLarge(
                Money::from_minor(MAX_ENTERED_MINOR, self.currency).amount_string(),
            ));
        }
        Ok(self)
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_sub(other.minor)
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        self.minor
            .checked_neg()
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    /// Scales by a rate (tax, duty, discount, quantity), rounding once at the end.
    pub fn checked_mul_decimal(
        self,
        factor: Decimal,
        mode: RoundingMode,
    ) -> Result<Money, MoneyError> {
        let product = self
            .to_decimal()
            .checked_mul(factor)
            .ok_or(MoneyError::Overflow)?;
        Money::from_decimal(product, self.currency, mode)
    }

    /// Machine form with exactly the currency's decimals: "12.30" EUR, "1000" JPY, "1.000" KWD.
    pub fn amount_string(&self) -> String {
        let (whole, fraction) = self.split_parts();
        let sign = if self.minor < 0 { "-" } else { "" };
        match fraction {
            Some(fraction) => format!("{sign}{whole}.{fraction}"),
            None => format!("{sign}{whole}"),
        }
    }

    /// Human form with thousands separators and the code after the amount: "1,234.50 EUR",
    /// "1,000 JPY", "-0.500 KWD". Locale-specific symbols are a presentation concern elsewhere.
    pub fn format(&self) -> String {
        let (whole, fraction) = self.split_parts();
        let digits = whole.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        let sign = if self.minor < 0 { "-" } else { "" };
        match fraction {
            Some(fraction) => format!("{sign}{grouped}.{fraction} {}", self.currency),
            None => format!("{sign}{grouped} {}", self.currency),
        }
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// Absolute whole units and the zero-padded fraction digits (`None` for 0-decimal currencies).
    fn split_parts(&self) -> (u64, Option<String>) {
        let scale = self.currency.minor_units();
        let magnitude = self.minor.unsigned_abs();
        if scale == 0 {
            return (magnitude, None);
        }
        let divisor = 10_u64.pow(scale);
        let fraction = format!("{:0width$}", magnitude % divisor, width = scale as usize);
        (magnitude / divisor, Some(fraction))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_string(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::currency::all_currencies;
    use proptest::prelude::*;
    use rstest::rstest;
    use rust_decimal_macros::dec;

    fn currency(code: &str) -> CurrencyCode {
        CurrencyCode::parse(code).unwrap()
    }

    #[rstest]
    #[case(1234, "EUR", "12.34", "12.34 EUR", "12.34 EUR")]
    #[case(1230, "EUR", "12.30", "12.30 EUR", "12.30 EUR")]
    #[case(5, "EUR", "0.05", "0.05 EUR", "0.05 EUR")]
    #[case(-5, "EUR", "-0.05", "-0.05 EUR", "-0.05 EUR")]
    #[case(0, "EUR", "0.00", "0.00 EUR", "0.00 EUR")]
    #[case(123456789, "EUR", "1234567.89", "1,234,567.89 EUR", "1234567.89 EUR")]
    #[case(1000, "JPY", "1000", "1,000 JPY", "1000 JPY")]
    #[case(-1000000, "JPY", "-1000000", "-1,000,000 JPY", "-1000000 JPY")]
    #[case(999, "JPY", "999", "999 JPY", "999 JPY")]
    #[case(1000, "KWD", "1.000", "1.000 KWD", "1.000 KWD")]
    #[case(-500, "KWD", "-0.500", "-0.500 KWD", "-0.500 KWD")]
    #[case(12345, "CLF", "1.2345", "1.2345 CLF", "1.2345 CLF")]
    #[case(
        i64::MIN,
        "EUR",
        "-92233720368547758.08",
        "-92,233,720,368,547,758.08 EUR",
        "-92233720368547758.08 EUR"
    )]
    fn renders(
        #[case] minor: i64,
        #[case] code: &str,
        #[case] amount: &str,
        #[case] human: &str,
        #[case] display: &str,
    ) {
        let money = Money::from_minor(minor, currency(code));
        assert_eq!(money.amount_string(), amount);
        assert_eq!(money.format(), human);
        assert_eq!(money.to_string(), display);
    }

    #[rstest]
    #[case("12.34", "EUR", 1234)]
    #[case("12.3", "EUR", 1230)]
    #[case("12", "EUR", 1200)]
    #[case(" 12.30 ", "EUR", 1230)]
    #[case("+1.5", "EUR", 150)]
    #[case("-0.01", "EUR", -1)]
    #[case("-0", "EUR", 0)]
    #[case("007.50", "EUR", 750)]
    #[case("1000", "JPY", 1000)]
    #[case("1.000", "KWD", 1000)]
    #[case("1.5", "KWD", 1500)]
    #[case("92233720368547758.07", "EUR", i64::MAX)]
    #[case("-92233720368547758.08", "EUR", i64::MIN)]
    fn parse_exact_accepts(#[case] input: &str, #[case] code: &str, #[case] minor: i64) {
        assert_eq!(
            Money::parse_exact(input, currency(code)),
            Ok(Money::from_minor(minor, currency(code)))
        );
    }

    #[rstest]
    #[case("12.345", "EUR", MoneyError::TooManyDecimals { currency: CurrencyCode::EUR, max: 2 })]
    #[case("12.340", "EUR", MoneyError::TooManyDecimals { currency: CurrencyCode::EUR, max: 2 })]
    #[case("1000.0", "JPY", MoneyError::TooManyDecimals { currency: CurrencyCode::JPY, max: 0 })]
    #[case("abc", "EUR", MoneyError::InvalidAmount("abc".into()))]
    #[case("", "EUR", MoneyError::InvalidAmount("".into()))]
    #[case("-", "EUR", MoneyError::InvalidAmount("-".into()))]
    #[case("12.", "EUR", MoneyError::InvalidAmount("12.".into()))]
    #[case(".5", "EUR", MoneyError::InvalidAmount(".5".into()))]
    #[case("1,000.00", "EUR", MoneyError::InvalidAmount("1,000.00".into()))]
    #[case("1e3", "EUR", MoneyError::InvalidAmount("1e3".into()))]
    #[case("--1", "EUR", MoneyError::InvalidAmount("--1".into()))]
    #[case("1.2.3", "EUR", MoneyError::InvalidAmount("1.2.3".into()))]
    #[case("١٢", "EUR", MoneyError::InvalidAmount("١٢".into()))]
    #[case("92233720368547758.08", "EUR", MoneyError::Overflow)]
    #[case("99999999999999999999999", "JPY", MoneyError::Overflow)]
    fn parse_exact_rejects(#[case] input: &str, #[case] code: &str, #[case] error: MoneyError) {
        assert_eq!(Money::parse_exact(input, currency(code)), Err(error));
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies_and_overflow() {
        let eur = Money::from_minor(100, CurrencyCode::EUR);
        let usd = Money::from_minor(100, CurrencyCode::USD);
        let mismatch = MoneyError::CurrencyMismatch {
            left: CurrencyCode::EUR,
            right: CurrencyCode::USD,
        };
        assert_eq!(eur.checked_add(usd), Err(mismatch.clone()));
        assert_eq!(eur.checked_sub(usd), Err(mismatch.clone()));
        assert_eq!(
            mismatch.to_string(),
            "currency mismatch: EUR and USD cannot be combined without conversion"
        );
        let max = Money::from_minor(i64::MAX, CurrencyCode::EUR);
        let min = Money::from_minor(i64::MIN, CurrencyCode::EUR);
        assert_eq!(max.checked_add(eur), Err(MoneyError::Overflow));
        assert_eq!(min.checked_sub(eur), Err(MoneyError::Overflow));
        assert_eq!(min.checked_neg(), Err(MoneyError::Overflow));
        assert_eq!(
            eur.checked_add(eur),
            Ok(Money::from_minor(200, CurrencyCode::EUR))
        );
        assert_eq!(eur.checked_sub(eur), Ok(Money::zero(CurrencyCode::EUR)));
        assert!(Money::zero(CurrencyCode::EUR).is_zero());
        assert!(Money::from_minor(-1, CurrencyCode::EUR).is_negative());
    }

    #[rstest]
    #[case(1999, "EUR", dec!(0.19), RoundingMode::HalfEven, 380)] // 3.7981 -> 3.80
    #[case(1000, "EUR", dec!(0.075), RoundingMode::HalfEven, 75)]
    #[case(1050, "EUR", dec!(0.1), RoundingMode::HalfEven, 105)]
    #[case(1250, "EUR", dec!(0.1), RoundingMode::HalfEven, 125)]
    #[case(125, "EUR", dec!(0.1), RoundingMode::HalfEven, 12)] // 0.125 -> 0.12
    #[case(125, "EUR", dec!(0.1), RoundingMode::HalfUp, 13)]
    #[case(-125, "EUR", dec!(0.1), RoundingMode::Floor, -13)]
    #[case(333, "JPY", dec!(1.5), RoundingMode::Down, 499)]
    #[case(1000, "KWD", dec!(0.0005), RoundingMode::Up, 1)]
    #[case(100, "EUR", dec!(3), RoundingMode::HalfEven, 300)]
    fn multiplies_by_a_rate(
        #[case] minor: i64,
        #[case] code: &str,
        #[case] factor: Decimal,
        #[case] mode: RoundingMode,
        #[case] expected: i64,
    ) {
        let money = Money::from_minor(minor, currency(code));
        assert_eq!(
            money.checked_mul_decimal(factor, mode),
            Ok(Money::from_minor(expected, currency(code)))
        );
    }

    #[test]
    fn multiplication_and_conversion_report_overflow() {
        let big = Money::from_minor(i64::MAX, CurrencyCode::JPY);
        assert_eq!(
            big.checked_mul_decimal(dec!(2), RoundingMode::HalfEven),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::from_decimal(Decimal::MAX, CurrencyCode::EUR, RoundingMode::HalfEven),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::from_decimal(Decimal::MIN, CurrencyCode::JPY, RoundingMode::Floor),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn to_decimal_keeps_the_currency_scale() {
        let eur = Money::from_minor(1230, CurrencyCode::EUR).to_decimal();
        assert_eq!(eur, dec!(12.30));
        assert_eq!(eur.scale(), 2);
        assert_eq!(eur.to_string(), "12.30");
        let jpy = Money::from_minor(1000, CurrencyCode::JPY).to_decimal();
        assert_eq!(jpy.scale(), 0);
        assert_eq!(
            Money::from_minor(1, currency("KWD")).to_decimal(),
            dec!(0.001)
        );
    }

    fn tradeable() -> impl Strategy<Value = CurrencyCode> {
        let codes: Vec<CurrencyCode> = all_currencies()
            .iter()
            .filter_map(|c| CurrencyCode::parse(c.code).ok())
            .collect();
        proptest::sample::select(codes)
    }

    #[test]
    fn entered_amounts_are_bounded() {
        let eur = CurrencyCode::EUR;
        assert_eq!(
            Money::parse_entered("10000000000.00", eur).map(|m| m.minor()),
            Ok(MAX_ENTERED_MINOR)
        );
        assert_eq!(
            Money::parse_entered("-10000000000.00", eur).map(|m| m.minor()),
            Ok(-MAX_ENTERED_MINOR)
        );
        assert_eq!(
            Money::parse_entered("10000000000.01", eur),
            Err(MoneyError::TooLarge("10000000000.00".into()))
        );
        assert_eq!(
            Money::parse_entered("92233720368547758.07", eur),
            Err(MoneyError::TooLarge("10000000000.00".into()))
        );
        assert_eq!(
            Money::parse_entered("922337203685477580.70", eur),
            Err(MoneyError::TooLarge("10000000000.00".into()))
        );
    }

    proptest! {
        #[test]
        fn amount_string_round_trips(minor in any::<i64>(), currency in tradeable()) {
            let money = Money::from_minor(minor, currency);
            prop_assert_eq!(Money::parse_exact(&money.amount_string(), currency), Ok(money));
        }

        #[test]
        fn add_then_sub_is_identity(
            a in -(1_i64 << 62)..(1_i64 << 62),
            b in -(1_i64 << 62)..(1_i64 << 62),
            currency in tradeable(),
        ) {
            let left = Money::from_minor(a, currency);
            let right = Money::from_minor(b, currency);
            let sum = left.checked_add(right).unwrap();
            prop_assert_eq!(sum.checked_sub(right), Ok(left));
        }

        #[test]
        fn decimal_round_trip_is_identity(
            minor in any::<i64>(),
            currency in tradeable(),
            mode_index in 0_usize..7,
        ) {
            let modes = [
                RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::HalfDown,
                RoundingMode::Down, RoundingMode::Up, RoundingMode::Floor, RoundingMode::Ceiling,
            ];
            let money = Money::from_minor(minor, currency);
            prop_assert_eq!(Money::from_decimal(money.to_decimal(), currency, modes[mode_index]), Ok(money));
        }

        #[test]
        fn rounding_moves_less_than_one_minor_unit(
            units in -1_000_000_000_i64..1_000_000_000,
            extra in 0_u32..10_000,
            mode_index in 0_usize..7,
        ) {
            let modes = [
                RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::HalfDown,
                RoundingMode::Down, RoundingMode::Up, RoundingMode::Floor, RoundingMode::Ceiling,
            ];
            // A value with four extra decimals beyond EUR's two.
            let exact = Decimal::new(units, 2) + Decimal::new(i64::from(extra), 6);
            let rounded = Money::from_decimal(exact, CurrencyCode::EUR, modes[mode_index]).unwrap();
            prop_assert!((rounded.to_decimal() - exact).abs() < Decimal::new(1, 2));
        }

        #[test]
        fn serde_round_trips(minor in any::<i64>(), currency in tradeable()) {
            let money = Money::from_minor(minor, currency);
            let json = serde_json::to_string(&money).unwrap();
            prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), money);
        }
    }
}
