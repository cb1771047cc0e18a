//! Customer analytics over paid orders: who is new and who came back, how cohorts retain, RFM
//! segments, and the buy-till-you-die forecasts (BG/NBD for how often, Gamma-Gamma for how
//! much) that turn a buyer's history into an expected future value.
//!
//! Everything here is pure: the caller passes the orders in, nothing is read or written.
//! Amounts come in as integer minor units of one currency (the caller converts first, as for
//! the overview). Counts and sums stay exact; the model forecasts are computed in `f64` and
//! handed back as whole minor units rounded half away from zero, because they are estimates
//! for ranking and planning, never amounts to book.
//!
//! The time unit of the models is the day: a buyer's several orders on one day are one
//! transaction (Fader, Hardie & Lee count "purchase occasions", and a split basket is not a
//! second visit), and their amounts are summed into that transaction's value.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

pub mod bgnbd;
pub mod cohorts;
pub mod gamma_gamma;
mod optimise;
pub mod rfm;

pub use bgnbd::{BgNbdFit, BgNbdParams, bg_nbd_log_likelihood, fit_bg_nbd};
pub use cohorts::{CohortCell, CohortMatrix, CohortRow, MonthBuyers, cohorts, new_vs_returning};
pub use gamma_gamma::{
    CustomerPrediction, GammaGammaFit, fit_gamma_gamma, gamma_gamma_log_likelihood, predict,
    predict_discounted,
};
pub use rfm::{RfmScore, RfmSegment, SegmentSummary, rfm, rfm_segments};

/// One paid order, reduced to what customer analytics needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerOrder {
    pub buyer_id: String,
    /// The day the order was paid, in the seller's reporting time zone.
    pub day: NaiveDate,
    /// Amount paid in minor units of the reporting currency.
    pub amount_minor: i64,
}

/// Why a model could not be fitted or a forecast could not be made. Descriptive reports
/// (cohorts, RFM) never fail: too little data just gives a small or empty result.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CustomersError {
    #[error("calibration window ends ({end}) before it starts ({start})")]
    InvalidWindow { start: NaiveDate, end: NaiveDate },
    #[error("{found} customers is too few to fit the model; at least {required} are needed")]
    TooFewCustomers { found: usize, required: usize },
    #[error(
        "no customer bought again in the calibration window, so repeat behaviour can't be estimated"
    )]
    NoRepeatPurchases,
    #[error("the likelihood could not be evaluated at any starting point")]
    FitFailed,
    #[error("monthly discount rate must be finite and greater than -1, got {0}")]
    InvalidDiscountRate(f64),
}

/// Fewer buyers than this can't pin down a model's three or four parameters; a fit would
/// mostly echo its starting point.
pub const MIN_CUSTOMERS: usize = 20;

/// A buyer's history as the models see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CustomerSummary {
    pub buyer_id: String,
    /// x: repeat transactions, i.e. distinct order days after the first.
    pub frequency: u32,
    /// t_x: days from the first order to the last one (0 without repeats).
    pub recency_days: u32,
    /// T: days from the first order to the end of the calibration window.
    pub tenure_days: u32,
    /// Sum of the repeat transactions' amounts. The first order is left out, as Fader, Hardie
    /// & Lee do for spend: it is often atypical (a welcome offer, a starter kit).
    pub repeat_amount_minor: i64,
}

impl CustomerSummary {
    /// m̄_x, the mean repeat transaction value; `None` without repeat transactions.
    pub fn mean_repeat_amount_minor(&self) -> Option<f64> {
        (self.frequency > 0).then(|| self.repeat_amount_minor as f64 / f64::from(self.frequency))
    }
}

/// The summarised cohort of a calibration window `[start, end]` (both days included).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Calibration {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// One summary per buyer whose first ever order lies in the window, by buyer id.
    pub customers: Vec<CustomerSummary>,
}

/// Summarises the buyers acquired in `[start, end]` for the BG/NBD and Gamma-Gamma models.
/// A buyer is observed from the first order, so the calibration window is a cohort: buyers
/// whose first order (among all the orders passed in) predates `start` are left out rather
/// than treated as new, because the models condition on seeing every repeat order since the
/// first; orders after `end` are left for holdout checks.
pub fn summarise(
    orders: &[CustomerOrder],
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Calibration, CustomersError> {
    if end < start {
        return Err(CustomersError::InvalidWindow { start, end });
    }
    let days_between =
        |from: NaiveDate, to: NaiveDate| u32::try_from((to - from).num_days()).unwrap_or(u32::MAX);
    let customers = purchase_days(orders.iter().filter(|o| o.day <= end))
        .into_iter()
        .filter_map(|(buyer_id, days)| {
            let (&first, _) = days.first_key_value()?;
            let (&last, _) = days.last_key_value()?;
            (first >= start).then(|| CustomerSummary {
                buyer_id: buyer_id.to_owned(),
                frequency: u32::try_from(days.len() - 1).unwrap_or(u32::MAX),
                recency_days: days_between(first, last),
                tenure_days: days_between(first, end),
                repeat_amount_minor: days
                    .values()
                    .skip(1)
                    .fold(0i64, |sum, amount| sum.saturating_add(*amount)),
            })
        })
        .collect();
    Ok(Calibration {
        start,
        end,
        customers,
    })
}

/// The first day of the month `day` falls in: the key every monthly report groups by.
pub(crate) fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// Months from `from` to `to` counted on the calendar (not in 30-day blocks), so that a
/// cohort's "month 1" is the next calendar month whatever day the first order fell on.
pub(crate) fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let index = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    index(to) - index(from)
}

pub(crate) fn next_month(month: NaiveDate) -> Option<NaiveDate> {
    month.checked_add_months(Months::new(1))
}

/// One transaction per buyer-day, with the day's orders summed; per buyer, days ascending.
/// `BTreeMap` keeps every report's output ordered by buyer id without a separate sort.
pub(crate) fn purchase_days<'a>(
    orders: impl IntoIterator<Item = &'a CustomerOrder>,
) -> BTreeMap<&'a str, BTreeMap<NaiveDate, i64>> {
    let mut by_buyer: BTreeMap<&str, BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    for order in orders {
        let day_total = by_buyer
            .entry(order.buyer_id.as_str())
            .or_default()
            .entry(order.day)
            .or_insert(0);
        *day_total = day_total.saturating_add(order.amount_minor);
    }
    by_buyer
}

/// Turns a forecast into whole minor units, rounded half away from zero (`f64::round`).
/// `None` when the model gives no number (a non-finite value); the `as` cast saturates, so
/// an absurdly large forecast clamps rather than wraps.
pub(crate) fn forecast_minor(value: f64) -> Option<i64> {
    value.is_finite().then(|| value.round() as i64)
}

/// Fixtures and samplers for the tests. rand 0.9's core has no distributions, and pulling in
/// `rand_distr` for tests alone isn't worth a dependency.
#[cfg(test)]
pub(crate) mod test_support {
    use chrono::{Days, NaiveDate};
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::CustomerOrder;
    use super::bgnbd::BgNbdParams;

    pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub fn order(buyer: &str, on: NaiveDate, amount_minor: i64) -> CustomerOrder {
        CustomerOrder {
            buyer_id: buyer.into(),
            day: on,
            amount_minor,
        }
    }

    pub fn uniform_open(rng: &mut impl Rng) -> f64 {
        // (0, 1], so that its logarithm is finite.
        1.0 - rng.random::<f64>()
    }

    pub fn exponential(rng: &mut impl Rng, rate: f64) -> f64 {
        -uniform_open(rng).ln() / rate
    }

    /// Box–Muller; one of the pair is thrown away, simplicity over speed.
    pub fn standard_normal(rng: &mut impl Rng) -> f64 {
        let (u, v) = (uniform_open(rng), rng.random::<f64>());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Gamma(shape, rate) by Marsaglia & Tsang (2000); shapes below 1 are boosted by one and
    /// scaled back by U^(1/shape).
    pub fn gamma(rng: &mut impl Rng, shape: f64, rate: f64) -> f64 {
        if shape < 1.0 {
            let boosted = gamma(rng, shape + 1.0, rate);
            return boosted * uniform_open(rng).powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = standard_normal(rng);
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            if uniform_open(rng).ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v / rate;
            }
        }
    }

    pub fn beta(rng: &mut impl Rng, a: f64, b: f64) -> f64 {
        let x = gamma(rng, a, 1.0);
        let y = gamma(rng, b, 1.0);
        x / (x + y)
    }

    /// Draws buyers from the BG/NBD story itself, acquired over the window's first 90 days,
    /// each order on the day its continuous time falls in.
    pub fn simulate_bg_nbd(
        truth: BgNbdParams,
        buyers: usize,
        start: NaiveDate,
        end: NaiveDate,
        seed: u64,
    ) -> Vec<CustomerOrder> {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut orders = Vec::new();
        for i in 0..buyers {
            let buyer = format!("b{i:05}");
            let birth = start + Days::new(rng.random_range(0..90));
            let exposure = (end - birth).num_days() as f64;
            let rate = gamma(&mut rng, truth.r, truth.alpha);
            let dropout = beta(&mut rng, truth.a, truth.b);
            orders.push(order(&buyer, birth, 1_000));
            let mut t = 0.0;
            loop {
                t += exponential(&mut rng, rate);
                if t.is_nan() || t > exposure {
                    break;
                }
                orders.push(order(&buyer, birth + Days::new(t as u64), 1_000));
                if rng.random::<f64>() < dropout {
                    break;
                }
            }
        }
        orders
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{day, order};
    use super::*;

    #[test]
    fn months_are_counted_on_the_calendar() {
        assert_eq!(months_between(day(2024, 1, 31), day(2024, 2, 1)), 1);
        assert_eq!(months_between(day(2023, 12, 1), day(2025, 1, 31)), 13);
        assert_eq!(month_of(day(2024, 2, 29)), day(2024, 2, 1));
    }

    #[test]
    fn same_day_orders_are_one_transaction() {
        let orders = [
            CustomerOrder {
                buyer_id: "b".into(),
                day: day(2024, 1, 1),
                amount_minor: 100,
            },
            CustomerOrder {
                buyer_id: "b".into(),
                day: day(2024, 1, 1),
                amount_minor: 250,
            },
            CustomerOrder {
                buyer_id: "a".into(),
                day: day(2024, 1, 2),
                amount_minor: 5,
            },
        ];
        let days = purchase_days(&orders);
        assert_eq!(days.keys().copied().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(days["b"].len(), 1);
        assert_eq!(days["b"][&day(2024, 1, 1)], 350);
    }

    #[test]
    fn samplers_have_the_right_moments() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let n = 20_000;
        for (shape, rate) in [(0.25, 40.0), (3.0, 2.0)] {
            let draws: Vec<f64> = (0..n)
                .map(|_| test_support::gamma(&mut rng, shape, rate))
                .collect();
            let mean = draws.iter().sum::<f64>() / f64::from(n);
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / f64::from(n);
            assert!((mean / (shape / rate) - 1.0).abs() < 0.05, "mean {mean}");
            assert!(
                (var / (shape / rate / rate) - 1.0).abs() < 0.15,
                "var {var}"
            );
        }
        let mean = (0..n)
            .map(|_| test_support::beta(&mut rng, 0.8, 2.5))
            .sum::<f64>()
            / f64::from(n);
        assert!((mean - 0.8 / 3.3).abs() < 0.01, "beta mean {mean}");
    }

    #[test]
    fn summaries_follow_the_cohort_window() {
        let orders = [
            order("old", day(2023, 12, 30), 900),
            order("old", day(2024, 1, 5), 900),
            order("a", day(2024, 1, 1), 1000),
            order("a", day(2024, 1, 1), 500),
            order("a", day(2024, 1, 11), 300),
            order("a", day(2024, 1, 11), 200),
            order("a", day(2024, 1, 21), 700),
            order("a", day(2024, 2, 15), 9999),
            order("b", day(2024, 1, 31), 400),
        ];
        let calibration = summarise(&orders, day(2024, 1, 1), day(2024, 1, 31)).unwrap();
        assert_eq!(
            calibration.customers,
            vec![
                CustomerSummary {
                    buyer_id: "a".into(),
                    frequency: 2,
                    recency_days: 20,
                    tenure_days: 30,
                    repeat_amount_minor: 1200,
                },
                CustomerSummary {
                    buyer_id: "b".into(),
                    frequency: 0,
                    recency_days: 0,
                    tenure_days: 0,
                    repeat_amount_minor: 0,
                },
            ]
        );
        assert_eq!(
            calibration.customers[0].mean_repeat_amount_minor(),
            Some(600.0)
        );
        assert_eq!(calibration.customers[1].mean_repeat_amount_minor(), None);
        assert!(matches!(
            summarise(&orders, day(2024, 2, 1), day(2024, 1, 1)),
            Err(CustomersError::InvalidWindow { .. })
        ));
    }

    #[test]
    fn forecasts_round_half_away_from_zero() {
        assert_eq!(forecast_minor(2.5), Some(3));
        assert_eq!(forecast_minor(-2.5), Some(-3));
        assert_eq!(forecast_minor(2.4999), Some(2));
        assert_eq!(forecast_minor(f64::NAN), None);
        assert_eq!(forecast_minor(1e300), Some(i64::MAX));
    }
}
