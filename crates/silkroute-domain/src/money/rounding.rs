//! Rounding modes named in the platform's own terms, because tax authorities, carriers and
//! payment providers each prescribe a rule and the rule must be visible in quotes and stored rules
//! rather than hidden inside a library's enum.

use rust_decimal::RoundingStrategy;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How an exact amount is brought to the currency's minor unit. "Half" modes only differ on exact
/// ties; the others move every non-representable value in one direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Ties go to the even neighbour ("banker's rounding"): unbiased over many lines, so the
    /// default for sums of converted amounts.
    #[default]
    HalfEven,
    /// Ties go away from zero (commercial rounding, as in Java's `HALF_UP`).
    HalfUp,
    /// Ties go toward zero.
    HalfDown,
    /// Truncate toward zero.
    Down,
    /// Away from zero whenever anything is cut off.
    Up,
    /// Toward negative infinity.
    Floor,
    /// Toward positive infinity.
    Ceiling,
}

impl RoundingMode {
    pub fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfDown => RoundingStrategy::MidpointTowardZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
            RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }
}

impl From<RoundingMode> for RoundingStrategy {
    fn from(mode: RoundingMode) -> Self {
        mode.strategy()
    }
}

#[cfg(test)]
mod tests {
    use super::RoundingMode::{self, *};
    use crate::currency::CurrencyCode;
    use crate::money::Money;
    use rstest::rstest;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn currency(code: &str) -> CurrencyCode {
        CurrencyCode::parse(code).unwrap()
    }

    #[rstest]
    // Two decimals (EUR): an exact tie, positive and negative.
    #[case("EUR", "1.005", HalfEven, "1.00")]
    #[case("EUR", "1.005", HalfUp, "1.01")]
    #[case("EUR", "1.005", HalfDown, "1.00")]
    #[case("EUR", "1.005", Down, "1.00")]
    #[case("EUR", "1.005", Up, "1.01")]
    #[case("EUR", "1.005", Floor, "1.00")]
    #[case("EUR", "1.005", Ceiling, "1.01")]
    #[case("EUR", "-1.005", HalfEven, "-1.00")]
    #[case("EUR", "-1.005", HalfUp, "-1.01")]
    #[case("EUR", "-1.005", HalfDown, "-1.00")]
    #[case("EUR", "-1.005", Down, "-1.00")]
    #[case("EUR", "-1.005", Up, "-1.01")]
    #[case("EUR", "-1.005", Floor, "-1.01")]
    #[case("EUR", "-1.005", Ceiling, "-1.00")]
    // Half-even goes up when the kept digit is odd.
    #[case("EUR", "1.015", HalfEven, "1.02")]
    #[case("EUR", "-1.015", HalfEven, "-1.02")]
    // Not a tie: the half modes agree, the directed ones do not.
    #[case("EUR", "2.346", HalfEven, "2.35")]
    #[case("EUR", "2.346", HalfDown, "2.35")]
    #[case("EUR", "2.346", Down, "2.34")]
    #[case("EUR", "-2.344", HalfUp, "-2.34")]
    #[case("EUR", "-2.344", Up, "-2.35")]
    #[case("EUR", "-2.344", Floor, "-2.35")]
    #[case("EUR", "-2.344", Ceiling, "-2.34")]
    #[case("EUR", "7.1", Up, "7.10")]
    // Zero decimals (JPY).
    #[case("JPY", "2.5", HalfEven, "2")]
    #[case("JPY", "3.5", HalfEven, "4")]
    #[case("JPY", "2.5", HalfUp, "3")]
    #[case("JPY", "2.5", HalfDown, "2")]
    #[case("JPY", "2.5", Down, "2")]
    #[case("JPY", "2.5", Up, "3")]
    #[case("JPY", "2.5", Floor, "2")]
    #[case("JPY", "2.5", Ceiling, "3")]
    #[case("JPY", "-2.5", HalfEven, "-2")]
    #[case("JPY", "-3.5", HalfEven, "-4")]
    #[case("JPY", "-2.5", HalfUp, "-3")]
    #[case("JPY", "-2.5", HalfDown, "-2")]
    #[case("JPY", "-2.5", Down, "-2")]
    #[case("JPY", "-2.5", Up, "-3")]
    #[case("JPY", "-2.5", Floor, "-3")]
    #[case("JPY", "-2.5", Ceiling, "-2")]
    #[case("JPY", "1999.01", Ceiling, "2000")]
    // Three decimals (KWD).
    #[case("KWD", "1.2345", HalfEven, "1.234")]
    #[case("KWD", "1.2345", HalfUp, "1.235")]
    #[case("KWD", "1.2345", HalfDown, "1.234")]
    #[case("KWD", "1.2345", Down, "1.234")]
    #[case("KWD", "1.2345", Up, "1.235")]
    #[case("KWD", "1.2345", Floor, "1.234")]
    #[case("KWD", "1.2345", Ceiling, "1.235")]
    #[case("KWD", "-1.2345", HalfEven, "-1.234")]
    #[case("KWD", "-1.2345", HalfUp, "-1.235")]
    #[case("KWD", "-1.2345", HalfDown, "-1.234")]
    #[case("KWD", "-1.2345", Down, "-1.234")]
    #[case("KWD", "-1.2345", Up, "-1.235")]
    #[case("KWD", "-1.2345", Floor, "-1.235")]
    #[case("KWD", "-1.2345", Ceiling, "-1.234")]
    #[case("KWD", "0.0005", HalfEven, "0.000")]
    #[case("KWD", "0.0015", HalfEven, "0.002")]
    fn from_decimal_rounds_with_the_named_mode(
        #[case] code: &str,
        #[case] value: &str,
        #[case] mode: RoundingMode,
        #[case] expected: &str,
    ) {
        let value = Decimal::from_str(value).unwrap();
        let money = Money::from_decimal(value, currency(code), mode).unwrap();
        assert_eq!(money.amount_string(), expected);
    }

    #[test]
    fn default_is_half_even() {
        assert_eq!(RoundingMode::default(), HalfEven);
    }

    #[rstest]
    #[case(HalfEven, "\"half_even\"")]
    #[case(HalfUp, "\"half_up\"")]
    #[case(HalfDown, "\"half_down\"")]
    #[case(Down, "\"down\"")]
    #[case(Up, "\"up\"")]
    #[case(Floor, "\"floor\"")]
    #[case(Ceiling, "\"ceiling\"")]
    fn serde_names_are_snake_case(#[case] mode: RoundingMode, #[case] json: &str) {
        assert_eq!(serde_json::to_string(&mode).unwrap(), json);
        assert_eq!(serde_json::from_str::<RoundingMode>(json).unwrap(), mode);
    }
}
