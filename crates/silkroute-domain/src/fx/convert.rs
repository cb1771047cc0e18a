//! Converting an amount between two currencies through the euro. The result carries everything
//! needed to reproduce it later (both published legs, their dates, the mid and effective rates,
//! the spread and the rate mode), because quotes, payouts and the ledger are audited after rates
//! have moved on.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ECB_SOURCE, FxError, FxPolicy, PublishedRate, RateMode};
use crate::currency::CurrencyCode;
use crate::money::{Money, MoneyError, RoundingMode};

const BASIS_POINTS: u32 = 10_000;

/// One conversion, as stored on quotes, payouts and ledger postings.
#[derive(Serialize, Clone, Debug, PartialEq, ToSchema)]
pub struct Conversion {
    pub from: Money,
    pub to: Money,
    /// Units of `to` per unit of `from` actually applied, spread included, at full precision.
    #[schema(value_type = String, example = "148.0167554")]
    pub rate: Decimal,
    /// The ECB cross rate `to_leg / from_leg` before the spread.
    #[schema(value_type = String, example = "148.7605582")]
    pub mid_rate: Decimal,
    pub spread_bps: u32,
    /// The older of the two legs' publication dates: the conversion is only as fresh as that.
    pub rate_date: NaiveDate,
    /// The EUR→`from` and EUR→`to` legs, in that order.
    pub legs: Vec<PublishedRate>,
    pub mode: RateMode,
    pub source: &'static str,
}

/// Converts `amount` into `to` using the two EUR legs (cross rate `to_leg.per_eur /
/// from_leg.per_eur`) and rounds to the target's minor unit with `rounding`.
///
/// The spread works against the holder of `amount`: the effective rate is
/// `mid × (1 − spread_bps / 10000)`, so whoever hands over `amount` receives fewer units of `to`
/// than at the mid rate (a seller paid out in another currency, a buyer refunded into theirs).
/// When the customer is instead the one who will pay in `to` (a price shown at checkout), this
/// direction would lower the price; such callers should convert with spread 0 and add their
/// margin to the price explicitly. Rounding is the caller's choice because prices, payouts and
/// tax lines follow different rules. Converting into the same currency returns the amount
/// unchanged at rate 1 with no spread.
///
/// `policy` supplies the spread and the rate mode recorded on the result (the legs were resolved
/// under it with [`super::resolve_leg`]).
pub fn convert(
    amount: Money,
    to: CurrencyCode,
    from_leg: &PublishedRate,
    to_leg: &PublishedRate,
    policy: &FxPolicy,
    rounding: RoundingMode,
) -> Result<Conversion, FxError> {
    convert_with_spread(
        amount,
        to,
        from_leg,
        to_leg,
        policy,
        rounding,
        SpreadSide::Holder,
    )
}

/// Converts a seller's price into the currency a buyer will pay in. Here the customer pays in
/// `to`, so the spread raises the rate: `mid × (1 + spread_bps / 10000)`, and the shown price is
/// never below the mid-rate price.
pub fn convert_price(
    amount: Money,
    to: CurrencyCode,
    from_leg: &PublishedRate,
    to_leg: &PublishedRate,
    policy: &FxPolicy,
    rounding: RoundingMode,
) -> Result<Conversion, FxError> {
    convert_with_spread(
        amount,
        to,
        from_leg,
        to_leg,
        policy,
        rounding,
        SpreadSide::Payer,
    )
}

/// Which side of a conversion the customer is on; the spread always works against them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SpreadSide {
    /// The customer hands over `amount` (payouts, refunds): fewer units of `to`.
    Holder,
    /// The customer will pay the converted amount (prices): more units of `to`.
    Payer,
}

fn convert_with_spread(
    amount: Money,
    to: CurrencyCode,
    from_leg: &PublishedRate,
    to_leg: &PublishedRate,
    policy: &FxPolicy,
    rounding: RoundingMode,
    side: SpreadSide,
) -> Result<Conversion, FxError> {
    check_leg(from_leg, amount.currency())?;
    check_leg(to_leg, to)?;
    if policy.spread_bps >= BASIS_POINTS {
        return Err(FxError::InvalidSpread {
            spread_bps: policy.spread_bps,
        });
    }
    let conversion =
        |converted: Money, mid_rate: Decimal, rate: Decimal, spread_bps: u32| Conversion {
            from: amount,
            to: converted,
            rate,
            mid_rate,
            spread_bps,
            rate_date: from_leg.date.min(to_leg.date),
            legs: vec![*from_leg, *to_leg],
            mode: policy.mode,
            source: ECB_SOURCE,
        };
    if amount.currency() == to {
        return Ok(conversion(amount, Decimal::ONE, Decimal::ONE, 0));
    }

    let overflow = || FxError::Money(MoneyError::Overflow);
    let mid_rate = to_leg
        .per_eur
        .checked_div(from_leg.per_eur)
        .ok_or_else(overflow)?
        .normalize();
    let kept_share = match side {
        SpreadSide::Holder => Decimal::from(BASIS_POINTS - policy.spread_bps),
        SpreadSide::Payer => Decimal::from(BASIS_POINTS + policy.spread_bps),
    } / Decimal::from(BASIS_POINTS);
    let rate = mid_rate
        .checked_mul(kept_share)
        .ok_or_else(overflow)?
        .normalize();
    let exact = amount.to_decimal().checked_mul(rate).ok_or_else(overflow)?;
    let converted = Money::from_decimal(exact, to, rounding)?;
    Ok(conversion(converted, mid_rate, rate, policy.spread_bps))
}

#[cfg(test)]
mod price_tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn a_price_spread_raises_the_price_a_payout_spread_lowers_the_payout() {
        let day: NaiveDate = "2024-03-15".parse().unwrap();
        let usd = PublishedRate {
            currency: CurrencyCode::USD,
            date: day,
            per_eur: dec!(1.0892),
        };
        let eur = PublishedRate {
            currency: CurrencyCode::EUR,
            date: day,
            per_eur: Decimal::ONE,
        };
        let policy = FxPolicy {
            spread_bps: 150,
            ..FxPolicy::default()
        };
        let amount = Money::from_minor(10_000, CurrencyCode::EUR);
        let mid = convert(
            amount,
            CurrencyCode::USD,
            &eur,
            &usd,
            &FxPolicy::default(),
            RoundingMode::HalfEven,
        )
        .unwrap();
        let price = convert_price(
            amount,
            CurrencyCode::USD,
            &eur,
            &usd,
            &policy,
            RoundingMode::HalfEven,
        )
        .unwrap();
        let payout = convert(
            amount,
            CurrencyCode::USD,
            &eur,
            &usd,
            &policy,
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(mid.to.minor(), 10_892);
        assert_eq!(price.to.minor(), 11_055);
        assert_eq!(payout.to.minor(), 10_729);
        assert_eq!(price.mid_rate, mid.rate);
    }
}

fn check_leg(leg: &PublishedRate, expected: CurrencyCode) -> Result<(), FxError> {
    if leg.currency != expected {
        return Err(FxError::LegMismatch {
            expected,
            found: leg.currency,
        });
    }
    if leg.per_eur <= Decimal::ZERO {
        return Err(FxError::InvalidRate {
            currency: leg.currency,
            date: leg.date,
            per_eur: leg.per_eur,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;
    use rust_decimal_macros::dec;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn leg(currency: CurrencyCode, per_eur: Decimal) -> PublishedRate {
        PublishedRate {
            currency,
            date: date("2024-03-15"),
            per_eur,
        }
    }

    fn eur() -> PublishedRate {
        leg(CurrencyCode::EUR, Decimal::ONE)
    }

    fn with_spread(spread_bps: u32) -> FxPolicy {
        FxPolicy {
            spread_bps,
            ..FxPolicy::default()
        }
    }

    /// ECB 2024-03-15: USD 1.0892, JPY 162.03 per EUR; cross 162.03 / 1.0892 = 148.76055…
    #[test]
    fn usd_to_jpy_cross_rate_on_2024_03_15() {
        let usd = leg(CurrencyCode::USD, dec!(1.0892));
        let jpy = leg(CurrencyCode::JPY, dec!(162.03));
        let hundred_dollars = Money::from_minor(10_000, CurrencyCode::USD);
        let conversion = convert(
            hundred_dollars,
            CurrencyCode::JPY,
            &usd,
            &jpy,
            &FxPolicy::default(),
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert!(
            conversion
                .mid_rate
                .to_string()
                .starts_with("148.760558207858979")
        );
        assert_eq!(conversion.rate, conversion.mid_rate);
        assert_eq!(conversion.to, Money::from_minor(14_876, CurrencyCode::JPY));
        assert_eq!(conversion.rate_date, date("2024-03-15"));
        assert_eq!(conversion.legs, vec![usd, jpy]);
        assert_eq!(
            conversion.source,
            "ECB euro foreign exchange reference rates"
        );

        let json = serde_json::to_value(&conversion).unwrap();
        assert_eq!(
            json["to"],
            serde_json::json!({"amount": "14876", "currency": "JPY"})
        );
        assert_eq!(json["legs"][1]["per_eur"], "162.03");
        assert_eq!(json["mode"], "last_published");
        assert!(
            json["rate"]
                .as_str()
                .unwrap()
                .starts_with("148.76055820785")
        );
    }

    #[rstest]
    #[case(0, 10_000, 10_892)]
    #[case(100, 10_000, 10_783)] // 1 % spread: 108.92 × 0.99 = 107.8308
    #[case(250, 10_000, 10_620)] // 2.5 %: 108.92 × 0.975 = 106.197
    fn spread_reduces_what_the_holder_receives(
        #[case] spread_bps: u32,
        #[case] eur_minor: i64,
        #[case] usd_minor: i64,
    ) {
        let usd = leg(CurrencyCode::USD, dec!(1.0892));
        let conversion = convert(
            Money::from_minor(eur_minor, CurrencyCode::EUR),
            CurrencyCode::USD,
            &eur(),
            &usd,
            &with_spread(spread_bps),
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(
            conversion.to,
            Money::from_minor(usd_minor, CurrencyCode::USD)
        );
        assert_eq!(conversion.mid_rate, dec!(1.0892));
        assert_eq!(conversion.spread_bps, spread_bps);
    }

    #[test]
    fn same_currency_is_identity_without_spread() {
        let amount = Money::from_minor(1234, CurrencyCode::EUR);
        let conversion = convert(
            amount,
            CurrencyCode::EUR,
            &eur(),
            &eur(),
            &with_spread(300),
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(conversion.to, amount);
        assert_eq!((conversion.rate, conversion.spread_bps), (Decimal::ONE, 0));
    }

    #[test]
    fn rate_date_is_the_older_leg() {
        let usd = PublishedRate {
            date: date("2024-03-14"),
            ..leg(CurrencyCode::USD, dec!(1.0925))
        };
        let conversion = convert(
            Money::from_minor(100, CurrencyCode::EUR),
            CurrencyCode::USD,
            &eur(),
            &usd,
            &FxPolicy::default(),
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(conversion.rate_date, date("2024-03-14"));
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        let usd = leg(CurrencyCode::USD, dec!(1.0892));
        let one_euro = Money::from_minor(100, CurrencyCode::EUR);
        let run = |from_leg: &PublishedRate, to_leg: &PublishedRate, spread: u32| {
            convert(
                one_euro,
                CurrencyCode::USD,
                from_leg,
                to_leg,
                &with_spread(spread),
                RoundingMode::HalfEven,
            )
        };
        assert!(matches!(
            run(&usd, &usd, 0),
            Err(FxError::LegMismatch { .. })
        ));
        assert!(matches!(
            run(&eur(), &eur(), 0),
            Err(FxError::LegMismatch { .. })
        ));
        let zero = leg(CurrencyCode::USD, Decimal::ZERO);
        assert!(matches!(
            run(&eur(), &zero, 0),
            Err(FxError::InvalidRate { .. })
        ));
        assert!(matches!(
            run(&eur(), &usd, 10_000),
            Err(FxError::InvalidSpread { .. })
        ));
        let huge = convert(
            Money::from_minor(i64::MAX, CurrencyCode::JPY),
            CurrencyCode::EUR,
            &leg(CurrencyCode::JPY, dec!(0.0001)),
            &eur(),
            &FxPolicy::default(),
            RoundingMode::HalfEven,
        );
        assert_eq!(huge.unwrap_err(), FxError::Money(MoneyError::Overflow));
    }

    fn currencies() -> impl Strategy<Value = CurrencyCode> {
        prop::sample::select(vec![
            "EUR", "USD", "JPY", "GBP", "CHF", "KRW", "IDR", "BHD", "ISK",
        ])
        .prop_map(|code| CurrencyCode::parse(code).unwrap())
    }

    /// Realistic per-EUR rates from 0.3 (BHD, KWD-like) to 25 000 (IDR-like), four to six
    /// significant decimals as the ECB publishes them.
    fn per_eur() -> impl Strategy<Value = Decimal> {
        (3_000u64..=250_000_000u64).prop_map(|units| Decimal::new(units as i64, 4))
    }

    fn leg_for(currency: CurrencyCode, rate: Decimal) -> PublishedRate {
        let per_eur = if currency == CurrencyCode::EUR {
            Decimal::ONE
        } else {
            rate
        };
        leg(currency, per_eur)
    }

    fn unit(currency: CurrencyCode) -> Decimal {
        Decimal::new(1, currency.minor_units())
    }

    proptest! {
        #[test]
        fn round_trip_at_mid_recovers_the_amount_within_rounding(
            minor in 0i64..1_000_000_000_000,
            from in currencies(),
            to in currencies(),
            from_rate in per_eur(),
            to_rate in per_eur(),
        ) {
            let (from_leg, to_leg) = (leg_for(from, from_rate), leg_for(to, to_rate));
            let amount = Money::from_minor(minor, from);
            let policy = FxPolicy::default();
            let there = convert(amount, to, &from_leg, &to_leg, &policy, RoundingMode::HalfEven).unwrap();
            let back = convert(there.to, from, &to_leg, &from_leg, &policy, RoundingMode::HalfEven).unwrap();
            // Rounding in `to` loses at most half a unit of `to`, worth unit_to / rate in `from`;
            // rounding back loses at most half a unit of `from`.
            let rate = there.mid_rate;
            let tolerance = unit(from) / dec!(2) + unit(to) / dec!(2) / rate + dec!(0.000000001);
            let error = (back.to.to_decimal() - amount.to_decimal()).abs();
            prop_assert!(error <= tolerance, "{amount} -> {} -> {}: error {error} > {tolerance}", there.to, back.to);
        }

        #[test]
        fn spread_never_favours_the_customer(
            minor in 0i64..1_000_000_000_000,
            from in currencies(),
            to in currencies(),
            from_rate in per_eur(),
            to_rate in per_eur(),
            spread_bps in 0u32..2_000,
            rounding in prop::sample::select(vec![RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::Down, RoundingMode::Up]),
        ) {
            let (from_leg, to_leg) = (leg_for(from, from_rate), leg_for(to, to_rate));
            let amount = Money::from_minor(minor, from);
            let mid = convert(amount, to, &from_leg, &to_leg, &FxPolicy::default(), rounding).unwrap();
            let spread = convert(amount, to, &from_leg, &to_leg, &with_spread(spread_bps), rounding).unwrap();
            prop_assert!(spread.to.minor() <= mid.to.minor());
            prop_assert!(spread.rate <= spread.mid_rate);
        }
    }
}
