//! The IMF's Special Drawing Right valued from the ECB reference rates (RULES.md §11). Postal and
//! transport law states its limits in SDR — CN 22 up to 300 SDR, Montreal 26 SDR/kg, CMR 8.33
//! SDR/kg — so a customs form or a liability claim needs the SDR on the posting or loss date, and
//! whoever checks it later needs the rate that was used. One SDR is a basket of fixed currency
//! amounts, reset at each five-year review, so the basket is dated data
//! (`data/sdr-baskets.json`): valued in EUR it is
//! `EUR amount + Σ amount / ECB rate` over the other currencies, and needs no other source.
//! The 2016-10-01 start of the older basket (the review that added the renminbi) is from the
//! IMF's announcement [S].

use std::sync::LazyLock;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::{ECB_SOURCE, PublishedRate};
use silkroute_domain::money::{Money, MoneyError, RoundingMode};

/// Decimals of the EUR value of one SDR, as the IMF quotes currencies per SDR (six significant
/// digits and a little more). The rounded figure is the one shown and the one every conversion
/// uses, so that anyone can redo a conversion from what is printed.
pub const EUR_PER_SDR_DECIMALS: u32 = 6;

/// Decimals of an amount in SDR: a millionth of an SDR is far below any limit's precision.
pub const SDR_AMOUNT_DECIMALS: u32 = 6;

/// The currency amounts that made up one SDR from `effective_from` (inclusive) to
/// `effective_to` (exclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SdrBasket {
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub amounts: Vec<BasketAmount>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketAmount {
    pub currency: CurrencyCode,
    pub amount: Decimal,
}

/// One SDR in EUR on `date`, with the basket and the ECB rates it was valued from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SdrValuation {
    pub date: NaiveDate,
    pub basket_effective_from: NaiveDate,
    /// EUR per 1 SDR, rounded to [`EUR_PER_SDR_DECIMALS`].
    pub eur_per_sdr: Decimal,
    /// The oldest ECB rate used: the valuation is only as fresh as that.
    pub rates_date: NaiveDate,
    /// The EUR→currency legs of the basket's other currencies, in basket order.
    pub legs: Vec<PublishedRate>,
    pub source: &'static str,
}

/// An amount expressed in SDR, with the rate that was used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SdrConversion {
    pub amount: Money,
    /// The amount in SDR, rounded half-even to [`SDR_AMOUNT_DECIMALS`].
    pub sdr: Decimal,
    /// Units of the amount's currency per 1 SDR: ECB rate × EUR per SDR, exact.
    pub per_sdr: Decimal,
    pub eur_per_sdr: Decimal,
    /// The older of the valuation's rates and the amount's own leg.
    pub rates_date: NaiveDate,
    pub basket_effective_from: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdrError {
    #[error("no SDR basket is known for {0} (the first starts 2016-10-01)")]
    NoBasket(NaiveDate),
    #[error("valuing the SDR on {date} needs the ECB {currency} rate")]
    MissingRate {
        currency: CurrencyCode,
        date: NaiveDate,
    },
    #[error("the {currency} rate given for {date} was published later, on {published}")]
    RateFromTheFuture {
        currency: CurrencyCode,
        date: NaiveDate,
        published: NaiveDate,
    },
    #[error("the {currency} rate of {published} is {per_eur}, but a rate must be positive")]
    InvalidRate {
        currency: CurrencyCode,
        published: NaiveDate,
        per_eur: Decimal,
    },
    #[error("a {found} rate was given to convert an amount in {expected}")]
    LegMismatch {
        expected: CurrencyCode,
        found: CurrencyCode,
    },
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// Every basket, oldest first.
pub fn sdr_baskets() -> &'static [SdrBasket] {
    &BASKETS
}

/// The basket in force on `date`.
pub fn sdr_basket_on(date: NaiveDate) -> Result<&'static SdrBasket, SdrError> {
    BASKETS
        .iter()
        .find(|basket| {
            basket.effective_from <= date && basket.effective_to.is_none_or(|end| date < end)
        })
        .ok_or(SdrError::NoBasket(date))
}

/// Values one SDR in EUR on `date` from `rates`, which must hold an ECB rate published on or
/// before `date` for each of the basket's currencies other than EUR (resolve them with
/// `fx::resolve_leg` under the platform's policy). Other rates in `rates` are ignored.
pub fn value_sdr(date: NaiveDate, rates: &[PublishedRate]) -> Result<SdrValuation, SdrError> {
    let basket = sdr_basket_on(date)?;
    let mut eur_per_sdr = Decimal::ZERO;
    let mut legs = Vec::new();
    for part in &basket.amounts {
        if part.currency == CurrencyCode::EUR {
            eur_per_sdr += part.amount;
            continue;
        }
        let leg = rates
            .iter()
            .find(|rate| rate.currency == part.currency)
            .ok_or(SdrError::MissingRate {
                currency: part.currency,
                date,
            })?;
        check_leg(leg, date)?;
        eur_per_sdr += part.amount / leg.per_eur;
        legs.push(*leg);
    }
    let rates_date = legs.iter().map(|leg| leg.date).min().unwrap_or(date);
    Ok(SdrValuation {
        date,
        basket_effective_from: basket.effective_from,
        eur_per_sdr: eur_per_sdr
            .round_dp_with_strategy(EUR_PER_SDR_DECIMALS, RoundingStrategy::MidpointNearestEven),
        rates_date,
        legs,
        source: ECB_SOURCE,
    })
}

impl SdrValuation {
    /// Units of `currency` per 1 SDR. EUR and the basket's currencies need no `leg`; any other
    /// currency needs its ECB rate published on or before the valuation date.
    pub fn per_sdr(
        &self,
        currency: CurrencyCode,
        leg: Option<&PublishedRate>,
    ) -> Result<Decimal, SdrError> {
        Ok(self.leg_for(currency, leg)?.per_eur * self.eur_per_sdr)
    }

    /// Expresses `amount` in SDR (see [`SdrValuation::per_sdr`] for `leg`).
    pub fn to_sdr(
        &self,
        amount: Money,
        leg: Option<&PublishedRate>,
    ) -> Result<SdrConversion, SdrError> {
        let leg = self.leg_for(amount.currency(), leg)?;
        let per_sdr = leg.per_eur * self.eur_per_sdr;
        let sdr = amount
            .to_decimal()
            .checked_div(per_sdr)
            .ok_or(MoneyError::Overflow)?
            .round_dp_with_strategy(SDR_AMOUNT_DECIMALS, RoundingStrategy::MidpointNearestEven);
        Ok(SdrConversion {
            amount,
            sdr,
            per_sdr,
            eur_per_sdr: self.eur_per_sdr,
            rates_date: self.rates_date.min(leg.date),
            basket_effective_from: self.basket_effective_from,
        })
    }

    /// `sdr` SDR in `currency` (a liability limit, an indemnity), rounded to its minor unit.
    pub fn from_sdr(
        &self,
        sdr: Decimal,
        currency: CurrencyCode,
        leg: Option<&PublishedRate>,
        rounding: RoundingMode,
    ) -> Result<Money, SdrError> {
        let per_sdr = self.per_sdr(currency, leg)?;
        let value = sdr.checked_mul(per_sdr).ok_or(MoneyError::Overflow)?;
        Ok(Money::from_decimal(value, currency, rounding)?)
    }

    fn leg_for(
        &self,
        currency: CurrencyCode,
        leg: Option<&PublishedRate>,
    ) -> Result<PublishedRate, SdrError> {
        if currency == CurrencyCode::EUR {
            return Ok(PublishedRate {
                currency,
                date: self.date,
                per_eur: Decimal::ONE,
            });
        }
        if let Some(basket_leg) = self.legs.iter().find(|l| l.currency == currency) {
            return Ok(*basket_leg);
        }
        let leg = leg.ok_or(SdrError::MissingRate {
            currency,
            date: self.date,
        })?;
        if leg.currency != currency {
            return Err(SdrError::LegMismatch {
                expected: currency,
                found: leg.currency,
            });
        }
        check_leg(leg, self.date)?;
        Ok(*leg)
    }
}

fn check_leg(leg: &PublishedRate, date: NaiveDate) -> Result<(), SdrError> {
    if leg.date > date {
        return Err(SdrError::RateFromTheFuture {
            currency: leg.currency,
            date,
            published: leg.date,
        });
    }
    if leg.per_eur <= Decimal::ZERO {
        return Err(SdrError::InvalidRate {
            currency: leg.currency,
            published: leg.date,
            per_eur: leg.per_eur,
        });
    }
    Ok(())
}

#[derive(Deserialize)]
struct BasketFile {
    baskets: Vec<SdrBasket>,
}

/// Checked by the tests below; a broken file fails every test run, never a server.
static BASKETS: LazyLock<Vec<SdrBasket>> = LazyLock::new(|| {
    serde_json::from_str::<BasketFile>(include_str!("../data/sdr-baskets.json"))
        .map(|file| file.baskets)
        .unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;
    use rust_decimal_macros::dec;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("test date")
    }

    fn rate(code: &str, date: &str, per_eur: Decimal) -> PublishedRate {
        PublishedRate {
            currency: CurrencyCode::parse(code).expect("test currency"),
            date: day(date),
            per_eur,
        }
    }

    /// ECB 2024-03-15 (RULES.md §11's check, and `shared/data/ecb/eurofxref-hist.csv`).
    fn ecb_2024_03_15() -> Vec<PublishedRate> {
        vec![
            rate("USD", "2024-03-15", dec!(1.0892)),
            rate("JPY", "2024-03-15", dec!(162.03)),
            rate("GBP", "2024-03-15", dec!(0.8541)),
            rate("CNY", "2024-03-15", dec!(7.838)),
            rate("CHF", "2024-03-15", dec!(0.9626)),
        ]
    }

    #[test]
    fn the_embedded_baskets_read_and_follow_each_other() {
        let baskets = sdr_baskets();
        assert_eq!(baskets.len(), 2);
        for pair in baskets.windows(2) {
            assert_eq!(pair[0].effective_to, Some(pair[1].effective_from));
        }
        for basket in baskets {
            let currencies: Vec<&str> =
                basket.amounts.iter().map(|a| a.currency.as_str()).collect();
            assert_eq!(currencies, ["USD", "EUR", "CNY", "JPY", "GBP"]);
        }
        assert_eq!(baskets.last().unwrap().effective_to, None);
    }

    #[rstest]
    #[case("2022-07-31", "2016-10-01", dec!(0.38671))]
    #[case("2022-08-01", "2022-08-01", dec!(0.37379))]
    #[case("2026-05-04", "2022-08-01", dec!(0.37379))]
    fn the_basket_in_force_on_a_day(
        #[case] date: &str,
        #[case] from: &str,
        #[case] eur_amount: Decimal,
    ) {
        let basket = sdr_basket_on(day(date)).unwrap();
        assert_eq!(basket.effective_from, day(from));
        assert_eq!(basket.amounts[1].amount, eur_amount);
    }

    #[test]
    fn no_basket_before_the_renminbi_joined() {
        assert_eq!(
            sdr_basket_on(day("2016-09-30")),
            Err(SdrError::NoBasket(day("2016-09-30")))
        );
    }

    // RULES.md §11: ECB 2024-03-15 → 1 SDR = 1.22253 EUR = 1.33158 USD.
    #[test]
    fn rules_worked_check() {
        let valuation = value_sdr(day("2024-03-15"), &ecb_2024_03_15()).unwrap();
        assert_eq!(valuation.eur_per_sdr, dec!(1.222533));
        assert_eq!(valuation.eur_per_sdr.round_dp(5), dec!(1.22253));
        assert_eq!(valuation.basket_effective_from, day("2022-08-01"));
        assert_eq!(valuation.rates_date, day("2024-03-15"));
        assert_eq!(valuation.legs.len(), 4);
        let usd = valuation.per_sdr(CurrencyCode::USD, None).unwrap();
        assert_eq!(usd, dec!(1.3315829436));
        assert_eq!(usd.round_dp(5), dec!(1.33158));
    }

    #[test]
    fn an_amount_in_sdr_shows_the_rate_used() {
        let valuation = value_sdr(day("2024-03-15"), &ecb_2024_03_15()).unwrap();
        let parcel = Money::from_minor(36_675, CurrencyCode::EUR);
        let conversion = valuation.to_sdr(parcel, None).unwrap();
        assert_eq!(conversion.per_sdr, dec!(1.222533));
        // 366.75 / 1.222533 = 299.9919017…
        assert_eq!(conversion.sdr, dec!(299.991902));
        assert_eq!(conversion.rates_date, day("2024-03-15"));

        // A currency outside the basket brings its own leg; an older leg ages the conversion.
        let chf = rate("CHF", "2024-03-14", dec!(0.9626));
        let price = Money::from_minor(10_000, CurrencyCode::parse("CHF").unwrap());
        let conversion = valuation.to_sdr(price, Some(&chf)).unwrap();
        assert_eq!(conversion.per_sdr, dec!(0.9626) * dec!(1.222533));
        assert_eq!(conversion.rates_date, day("2024-03-14"));
        assert_eq!(
            valuation.to_sdr(price, None),
            Err(SdrError::MissingRate {
                currency: CurrencyCode::parse("CHF").unwrap(),
                date: day("2024-03-15"),
            })
        );
        assert_eq!(
            valuation.to_sdr(price, Some(&rate("USD", "2024-03-15", dec!(1.0892)))),
            Err(SdrError::LegMismatch {
                expected: CurrencyCode::parse("CHF").unwrap(),
                found: CurrencyCode::USD,
            })
        );
    }

    #[test]
    fn liability_limits_in_a_currency() {
        let valuation = value_sdr(day("2024-03-15"), &ecb_2024_03_15()).unwrap();
        // Montreal: 26 SDR per kg.
        let limit = valuation
            .from_sdr(dec!(26), CurrencyCode::USD, None, RoundingMode::HalfEven)
            .unwrap();
        assert_eq!(limit, Money::from_minor(3_462, CurrencyCode::USD));
    }

    #[test]
    fn the_older_basket_values_older_days() {
        let rates = vec![
            rate("USD", "2021-06-01", dec!(1.2225)),
            rate("JPY", "2021-06-01", dec!(134.05)),
            rate("GBP", "2021-06-01", dec!(0.86280)),
            rate("CNY", "2021-06-01", dec!(7.7845)),
        ];
        let valuation = value_sdr(day("2021-06-01"), &rates).unwrap();
        assert_eq!(valuation.basket_effective_from, day("2016-10-01"));
        let expected = dec!(0.38671)
            + dec!(0.58252) / dec!(1.2225)
            + dec!(1.0174) / dec!(7.7845)
            + dec!(11.900) / dec!(134.05)
            + dec!(0.085946) / dec!(0.86280);
        assert_eq!(valuation.eur_per_sdr, expected.round_dp(6));
    }

    #[test]
    fn a_weekend_valuation_uses_fridays_rates_and_says_so() {
        let valuation = value_sdr(day("2024-03-17"), &ecb_2024_03_15()).unwrap();
        assert_eq!(valuation.date, day("2024-03-17"));
        assert_eq!(valuation.rates_date, day("2024-03-15"));
    }

    #[test]
    fn bad_rates_are_refused() {
        let mut rates = ecb_2024_03_15();
        rates.retain(|r| r.currency != CurrencyCode::JPY);
        assert_eq!(
            value_sdr(day("2024-03-15"), &rates),
            Err(SdrError::MissingRate {
                currency: CurrencyCode::JPY,
                date: day("2024-03-15"),
            })
        );
        assert!(matches!(
            value_sdr(day("2024-03-14"), &ecb_2024_03_15()),
            Err(SdrError::RateFromTheFuture { .. })
        ));
        let mut zero = ecb_2024_03_15();
        zero[0].per_eur = Decimal::ZERO;
        assert!(matches!(
            value_sdr(day("2024-03-15"), &zero),
            Err(SdrError::InvalidRate { .. })
        ));
    }

    proptest! {
        #[test]
        fn eur_to_sdr_and_back_is_within_a_cent(minor in 0_i64..100_000_000_000) {
            let valuation = value_sdr(day("2024-03-15"), &ecb_2024_03_15()).unwrap();
            let amount = Money::from_minor(minor, CurrencyCode::EUR);
            let conversion = valuation.to_sdr(amount, None).unwrap();
            let back = valuation
                .from_sdr(conversion.sdr, CurrencyCode::EUR, None, RoundingMode::HalfEven)
                .unwrap();
            prop_assert!((back.minor() - minor).abs() <= 1);
        }
    }
}
