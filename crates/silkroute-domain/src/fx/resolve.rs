//! Choosing the published rate for one leg of a conversion. The rule for days without a rate is a
//! policy decision (strict vs. last published, and how old is too old), kept here in one place so
//! that checkout, payouts and reports cannot each invent their own.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{FxError, FxPolicy, PublishedRate, RateMode};
use crate::currency::CurrencyCode;

/// Resolves the EUR→`currency` leg for `date` from `latest`, the newest rate the store has on or
/// before `date`. EUR needs no published rate: its leg is 1 on the requested date.
pub fn resolve_leg(
    currency: CurrencyCode,
    date: NaiveDate,
    latest: Option<PublishedRate>,
    policy: &FxPolicy,
) -> Result<PublishedRate, FxError> {
    if currency == CurrencyCode::EUR {
        return Ok(PublishedRate {
            currency,
            date,
            per_eur: Decimal::ONE,
        });
    }
    let latest = latest.ok_or(FxError::NoRate { currency, date })?;
    if latest.currency != currency {
        return Err(FxError::LegMismatch {
            expected: currency,
            found: latest.currency,
        });
    }
    if latest.date > date {
        return Err(FxError::RateFromTheFuture {
            currency,
            requested: date,
            published: latest.date,
        });
    }
    if latest.per_eur <= Decimal::ZERO {
        return Err(FxError::InvalidRate {
            currency,
            date: latest.date,
            per_eur: latest.per_eur,
        });
    }
    let gap_days = (date - latest.date).num_days();
    match policy.mode {
        RateMode::Strict if gap_days != 0 => Err(FxError::NoRateOnDate {
            currency,
            date,
            last_published: latest.date,
        }),
        RateMode::LastPublished if gap_days > i64::from(policy.max_gap_days) => {
            Err(FxError::StaleRate {
                currency,
                requested: date,
                last_published: latest.date,
                gap_days,
                max_gap_days: policy.max_gap_days,
            })
        }
        RateMode::Strict | RateMode::LastPublished => Ok(latest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fx::{EcbSheet, parse_ecb_csv};
    use rstest::rstest;
    use rust_decimal_macros::dec;
    use std::sync::OnceLock;

    fn history() -> &'static EcbSheet {
        static SHEET: OnceLock<EcbSheet> = OnceLock::new();
        SHEET.get_or_init(|| {
            parse_ecb_csv(include_str!("../../data/ecb/eurofxref-hist.csv")).unwrap()
        })
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn policy(mode: RateMode) -> FxPolicy {
        FxPolicy {
            mode,
            ..FxPolicy::default()
        }
    }

    fn resolve(code: &str, day: &str, mode: RateMode) -> Result<PublishedRate, FxError> {
        let currency = CurrencyCode::parse(code).unwrap();
        let day = date(day);
        resolve_leg(
            currency,
            day,
            history().latest_on_or_before(currency, day),
            &policy(mode),
        )
    }

    #[rstest]
    #[case::friday("2024-03-15", "2024-03-15")]
    #[case::saturday_uses_friday("2024-03-16", "2024-03-15")]
    #[case::sunday_uses_friday("2024-03-17", "2024-03-15")]
    #[case::good_friday_uses_thursday("2024-03-29", "2024-03-28")]
    fn last_published_bridges_weekends_and_holidays(#[case] day: &str, #[case] published: &str) {
        let leg = resolve("USD", day, RateMode::LastPublished).unwrap();
        assert_eq!(leg.date, date(published));
    }

    #[test]
    fn strict_fails_on_a_weekend() {
        let error = resolve("USD", "2024-03-16", RateMode::Strict).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no USD rate published on 2024-03-16 (strict mode; last published 2024-03-15)"
        );
        assert_eq!(
            resolve("USD", "2024-03-15", RateMode::Strict)
                .unwrap()
                .per_eur,
            dec!(1.0892)
        );
    }

    #[test]
    fn isk_in_2012_is_stale() {
        let error = resolve("ISK", "2012-05-04", RateMode::LastPublished).unwrap_err();
        assert_eq!(
            error,
            FxError::StaleRate {
                currency: CurrencyCode::parse("ISK").unwrap(),
                requested: date("2012-05-04"),
                last_published: date("2008-12-09"),
                gap_days: 1242,
                max_gap_days: 7,
            }
        );
        assert_eq!(
            error.to_string(),
            "no ISK rate within 7 days before 2012-05-04 (last published 2008-12-09)"
        );
    }

    #[test]
    fn gap_limit_is_inclusive() {
        let friday = PublishedRate {
            currency: CurrencyCode::USD,
            date: date("2024-03-15"),
            per_eur: dec!(1.0892),
        };
        let on = |day: &str| {
            resolve_leg(
                CurrencyCode::USD,
                date(day),
                Some(friday),
                &FxPolicy::default(),
            )
        };
        assert!(on("2024-03-22").is_ok());
        assert!(matches!(
            on("2024-03-23"),
            Err(FxError::StaleRate { gap_days: 8, .. })
        ));
    }

    #[test]
    fn eur_needs_no_rate() {
        let leg = resolve_leg(
            CurrencyCode::EUR,
            date("2024-03-16"),
            None,
            &policy(RateMode::Strict),
        )
        .unwrap();
        assert_eq!((leg.per_eur, leg.date), (Decimal::ONE, date("2024-03-16")));
    }

    #[test]
    fn missing_mismatched_and_future_rates_are_refused() {
        let day = date("2024-03-15");
        let gbp = PublishedRate {
            currency: CurrencyCode::GBP,
            date: day,
            per_eur: dec!(0.85),
        };
        let policy = FxPolicy::default();
        assert_eq!(
            resolve_leg(CurrencyCode::USD, day, None, &policy)
                .unwrap_err()
                .to_string(),
            "no USD rate published on or before 2024-03-15"
        );
        assert!(matches!(
            resolve_leg(CurrencyCode::USD, day, Some(gbp), &policy),
            Err(FxError::LegMismatch { .. })
        ));
        let yesterday = date("2024-03-14");
        assert!(matches!(
            resolve_leg(CurrencyCode::GBP, yesterday, Some(gbp), &policy),
            Err(FxError::RateFromTheFuture { .. })
        ));
        let zero = PublishedRate {
            per_eur: Decimal::ZERO,
            ..gbp
        };
        assert!(matches!(
            resolve_leg(CurrencyCode::GBP, day, Some(zero), &policy),
            Err(FxError::InvalidRate { .. })
        ));
    }
}
