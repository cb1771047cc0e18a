//! Per-SKU daily demand forecasts and the replenishment numbers planners act on.
//!
//! # Method
//!
//! MSTL decomposition (Bandara, Hyndman & Bergmeir 2021: STL run once per seasonal period) with
//! an automatically selected, non-seasonal ETS model (Hyndman et al.'s state-space exponential
//! smoothing; AutoETS picks by AICc among level-only, trend and damped-trend forms) forecasting
//! the seasonally adjusted series, via Grafana's `augurs` crates (`MSTLModel` + `AutoETS`).
//! ETS carries the level and trend, the STL components carry the day-of-week and day-of-year
//! shape, recombined additively. augurs has no seasonal ETS, which is exactly why the seasonality
//! goes through MSTL. Chosen over a home-grown Holt–Winters because both halves are published,
//! widely benchmarked methods with a maintained implementation; it adds about 37 s to a clean
//! debug build of this crate on the 2-core machines (59 s to 96 s, measured), under the budget.
//!
//! Periods: weekly (7) always; yearly (365) only from [`YEARLY_MIN_HISTORY_DAYS`] of history,
//! because STL needs two full cycles to tell a yearly pattern from noise. Leap days are ignored;
//! one day of drift per four years does not matter at daily-sales noise levels.
//!
//! Accuracy is not assumed: [`backtest`] refits on all but the last days and compares with a
//! seasonal-naive forecast (the last week repeated), the baseline any seasonal method must beat.
//!
//! Demand is in units, not money, so plain `f64` is fine here; stock quantities handed to
//! planners come out as whole units from [`replenishment`].

mod evaluation;
mod model;
mod normal;
pub mod replenishment;

use serde::Serialize;

pub use evaluation::{Backtest, backtest};
pub use normal::inverse_normal_cdf;
pub use replenishment::{
    ReplenishmentError, ReplenishmentPlan, ReplenishmentPolicy, StockPosition, plan_from_forecast,
    plan_replenishment,
};

/// Two weekly cycles: STL cannot estimate a weekly shape from less.
pub const MIN_HISTORY_DAYS: usize = 2 * WEEK;
/// Two yearly cycles, for the same reason as [`MIN_HISTORY_DAYS`].
pub const YEARLY_MIN_HISTORY_DAYS: usize = 2 * YEAR;
/// Three years ahead is beyond anything a replenishment decision needs, and bounding it keeps
/// a bad caller value from allocating without limit.
pub const MAX_HORIZON_DAYS: usize = 3 * YEAR;
/// No SKU sells a billion units a day; larger values are corrupt data, and the decomposition
/// runs in `f32`, which would lose whole units well before overflowing.
pub const MAX_DAILY_UNITS: f64 = 1e9;

pub(crate) const WEEK: usize = 7;
pub(crate) const YEAR: usize = 365;

/// How a forecast was produced, so a consumer can tell a modelled forecast from a fallback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ForecastMethod {
    /// MSTL decomposition + AutoETS on the seasonally adjusted series (augurs).
    MstlAutoEts,
    /// The last week repeated, used only when the model could not be fitted or gave non-finite
    /// numbers (`fallback_reason` says why): a plain, defensible forecast beats none.
    SeasonalNaive,
    /// Nothing sold in the whole history: the forecast is zero without fitting anything, because
    /// fitting a model to a flat zero line only produces rounding noise.
    ZeroDemand,
}

impl ForecastMethod {
    pub fn name(self) -> &'static str {
        match self {
            ForecastMethod::MstlAutoEts => "MSTL + AutoETS trend",
            ForecastMethod::SeasonalNaive => "seasonal naive (last week repeated)",
            ForecastMethod::ZeroDemand => "zero demand",
        }
    }
}

/// Daily demand forecast for one SKU, starting the day after the last day of history.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DemandForecast {
    pub history_days: usize,
    pub method: ForecastMethod,
    /// Seasonal periods (in days) the model estimated; empty when none was.
    pub periods: Vec<usize>,
    /// Coverage of each point's `[lower, upper]` before clamping at zero, e.g. 0.8 for 80 %.
    pub level: f64,
    /// Root mean square of the one-step-ahead in-sample errors, in units per day: the `σ` that
    /// safety stock multiplies, since it measures how far actual days land from the forecast.
    pub residual_std_dev: f64,
    /// Why the model was not used, when `method` is a fallback.
    pub fallback_reason: Option<String>,
    pub points: Vec<ForecastPoint>,
}

impl DemandForecast {
    /// The expected units for each forecast day, in order.
    pub fn daily_means(&self) -> Vec<f64> {
        self.points.iter().map(|p| p.mean).collect()
    }
}

/// One forecast day. Bounds come from the trend model's analytic error variance, with the
/// seasonal shape taken as known, so they are somewhat optimistic far ahead.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ForecastPoint {
    /// 1 is the first day after the history, so `day_offset` days from the last observed day.
    pub day_offset: usize,
    /// Expected units; never negative, since demand cannot be.
    pub mean: f64,
    /// Lower bound of the central `level` interval, clamped at zero.
    pub lower: f64,
    pub upper: f64,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ForecastError {
    #[error("need at least {minimum} days of history, got {got}")]
    TooShort { got: usize, minimum: usize },
    #[error(
        "day {index} of the history is {value}: daily demand must be a finite number of units \
         from 0 to {MAX_DAILY_UNITS}"
    )]
    InvalidValue { index: usize, value: f64 },
    #[error("interval level must be strictly between 0 and 1 (e.g. 0.8), got {0}")]
    InvalidLevel(f64),
    #[error("horizon of {got} days is over the maximum of {max}")]
    HorizonTooLong { got: usize, max: usize },
    #[error("the holdout must be at least one day")]
    EmptyHoldout,
}

/// Forecasts `horizon` days of demand from `history` (units sold per day, oldest first, one
/// entry per calendar day with zeros for days without sales, the last entry being the most
/// recent complete day). `level` is the coverage of the interval, e.g. 0.8.
///
/// The returned numbers are all finite, means and lower bounds are never negative, and
/// `lower <= mean <= upper`.
pub fn forecast_demand(
    history: &[f64],
    horizon: usize,
    level: f64,
) -> Result<DemandForecast, ForecastError> {
    validate(history, horizon, level)?;
    let fitted = model::fit_and_predict(history, horizon, level);
    let points = (0..horizon)
        .map(|i| {
            let mean = finite_or_zero(fitted.mean.get(i).copied()).max(0.0);
            let lower = finite_or_zero(fitted.lower.get(i).copied()).clamp(0.0, mean);
            let upper = finite_or_zero(fitted.upper.get(i).copied()).max(mean);
            ForecastPoint {
                day_offset: i + 1,
                mean,
                lower,
                upper,
            }
        })
        .collect();
    Ok(DemandForecast {
        history_days: history.len(),
        method: fitted.method,
        periods: fitted.periods,
        level,
        residual_std_dev: finite_or_zero(Some(fitted.residual_std_dev)).max(0.0),
        fallback_reason: fitted.fallback_reason,
        points,
    })
}

/// The seasonal periods a history of `days` days can support.
pub fn periods_for(days: usize) -> Vec<usize> {
    if days >= YEARLY_MIN_HISTORY_DAYS {
        vec![WEEK, YEAR]
    } else {
        vec![WEEK]
    }
}

fn validate(history: &[f64], horizon: usize, level: f64) -> Result<(), ForecastError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(ForecastError::InvalidLevel(level));
    }
    if horizon > MAX_HORIZON_DAYS {
        return Err(ForecastError::HorizonTooLong {
            got: horizon,
            max: MAX_HORIZON_DAYS,
        });
    }
    if history.len() < MIN_HISTORY_DAYS {
        return Err(ForecastError::TooShort {
            got: history.len(),
            minimum: MIN_HISTORY_DAYS,
        });
    }
    validate_history(history)
}

fn validate_history(history: &[f64]) -> Result<(), ForecastError> {
    match history
        .iter()
        .position(|v| !(v.is_finite() && (0.0..=MAX_DAILY_UNITS).contains(v)))
    {
        Some(index) => Err(ForecastError::InvalidValue {
            index,
            value: history[index],
        }),
        None => Ok(()),
    }
}

fn finite_or_zero(value: Option<f64>) -> f64 {
    value.filter(|v| v.is_finite()).unwrap_or(0.0)
}

#[cfg(test)]
pub(crate) mod test_series {
    /// A deterministic generator, so test series (and the backtest figures they print) are
    /// the same on every run and machine.
    pub(crate) struct Lcg(pub u64);

    impl Lcg {
        pub(crate) fn uniform(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Weekly shape peaking on day 6 (index % 7) and bottoming on day 2.
    pub(crate) const WEEKLY: [f64; 7] = [0.0, -3.0, -4.0, -2.0, 1.0, 6.0, 8.0];

    /// Whole units per day: trend + weekly shape + optional yearly wave + uniform noise.
    pub(crate) fn synthetic(days: usize, seed: u64, yearly_amplitude: f64, noise: f64) -> Vec<f64> {
        let mut rng = Lcg(seed);
        (0..days)
            .map(|t| {
                let trend = 20.0 + 0.01 * t as f64;
                let yearly =
                    yearly_amplitude * (2.0 * std::f64::consts::PI * t as f64 / 365.0).sin();
                let noise = (rng.uniform() - 0.5) * 2.0 * noise;
                (trend + WEEKLY[t % 7] + yearly + noise).max(0.0).round()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_series::{Lcg, synthetic};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forecast_follows_the_weekly_shape() {
        let history = synthetic(400, 42, 0.0, 2.0);
        let forecast = forecast_demand(&history, 28, 0.8).expect("valid history");
        assert_eq!(forecast.method, ForecastMethod::MstlAutoEts);
        assert_eq!(forecast.periods, vec![7]);
        assert_eq!(forecast.points.len(), 28);
        // Day offset d falls on weekday (400 + d - 1) % 7 of the generator.
        let weekday = |p: &ForecastPoint| (400 + p.day_offset - 1) % 7;
        let mean_on = |day: usize| {
            let days: Vec<f64> = forecast
                .points
                .iter()
                .filter(|p| weekday(p) == day)
                .map(|p| p.mean)
                .collect();
            days.iter().sum::<f64>() / days.len() as f64
        };
        // Peak (+8) and trough (-4) are 12 units apart in the generator.
        assert!(
            mean_on(6) > mean_on(2) + 8.0,
            "{} vs {}",
            mean_on(6),
            mean_on(2)
        );
        for p in &forecast.points {
            assert!(p.lower <= p.mean && p.mean <= p.upper, "{p:?}");
        }
        assert!(forecast.residual_std_dev > 0.5 && forecast.residual_std_dev < 3.0);
    }

    #[test]
    fn yearly_seasonality_needs_two_years() {
        let short = forecast_demand(&synthetic(729, 1, 5.0, 2.0), 7, 0.8).expect("valid");
        assert_eq!(short.periods, vec![7]);
        let long = forecast_demand(&synthetic(730, 1, 5.0, 2.0), 7, 0.8).expect("valid");
        assert_eq!(long.periods, vec![7, 365]);
        assert_eq!(long.method, ForecastMethod::MstlAutoEts);
    }

    #[test]
    fn all_zero_history_forecasts_zero() {
        let forecast = forecast_demand(&[0.0; 60], 14, 0.95).expect("valid");
        assert_eq!(forecast.method, ForecastMethod::ZeroDemand);
        assert_eq!(forecast.residual_std_dev, 0.0);
        assert!(
            forecast
                .points
                .iter()
                .all(|p| p.mean == 0.0 && p.lower == 0.0 && p.upper == 0.0)
        );
    }

    #[test]
    fn intermittent_demand_stays_non_negative() {
        let mut rng = Lcg(7);
        let history: Vec<f64> = (0..200)
            .map(|_| if rng.uniform() < 0.1 { 1.0 } else { 0.0 })
            .collect();
        let forecast = forecast_demand(&history, 30, 0.9).expect("valid");
        let total: f64 = forecast.daily_means().iter().sum();
        // About one sale in ten days: roughly three units over thirty days.
        assert!((0.5..8.0).contains(&total), "total {total}");
        assert!(forecast.points.iter().all(|p| p.lower >= 0.0));
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        assert_eq!(
            forecast_demand(&[1.0; 13], 7, 0.8),
            Err(ForecastError::TooShort {
                got: 13,
                minimum: 14
            })
        );
        assert_eq!(
            forecast_demand(&[], 7, 0.8),
            Err(ForecastError::TooShort {
                got: 0,
                minimum: 14
            })
        );
        let mut history = vec![1.0; 20];
        history[5] = -1.0;
        assert!(matches!(
            forecast_demand(&history, 7, 0.8),
            Err(ForecastError::InvalidValue { index: 5, .. })
        ));
        history[5] = f64::NAN;
        assert!(matches!(
            forecast_demand(&history, 7, 0.8),
            Err(ForecastError::InvalidValue { index: 5, .. })
        ));
        history[5] = 1.0;
        assert!(matches!(
            forecast_demand(&history, 7, 1.0),
            Err(ForecastError::InvalidLevel(_))
        ));
        assert!(matches!(
            forecast_demand(&history, 7, f64::NAN),
            Err(ForecastError::InvalidLevel(_))
        ));
        assert!(matches!(
            forecast_demand(&history, usize::MAX, 0.8),
            Err(ForecastError::HorizonTooLong { .. })
        ));
        let empty = forecast_demand(&history, 0, 0.8).expect("valid");
        assert!(empty.points.is_empty());
    }

    #[test]
    fn extreme_but_valid_values_stay_finite() {
        let mut history = vec![0.0; 100];
        history[99] = MAX_DAILY_UNITS;
        let forecast = forecast_demand(&history, 14, 0.8).expect("valid");
        assert!(forecast.points.iter().all(|p| p.upper.is_finite()));
        let flat = forecast_demand(&[MAX_DAILY_UNITS; 30], 14, 0.8).expect("valid");
        assert!(flat.points.iter().all(|p| p.mean.is_finite()));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn forecasts_are_finite_and_non_negative(
            history in prop::collection::vec(
                prop_oneof![3 => Just(0.0), 2 => 0.0..50.0f64, 1 => 0.0..5_000.0f64],
                0..300,
            ),
            horizon in 0usize..60,
        ) {
            match forecast_demand(&history, horizon, 0.8) {
                Err(ForecastError::TooShort { .. }) => prop_assert!(history.len() < 14),
                Err(other) => prop_assert!(false, "unexpected error {other}"),
                Ok(forecast) => {
                    prop_assert_eq!(forecast.points.len(), horizon);
                    prop_assert!(forecast.residual_std_dev.is_finite());
                    for p in &forecast.points {
                        prop_assert!(p.mean.is_finite() && p.lower.is_finite() && p.upper.is_finite());
                        prop_assert!(0.0 <= p.lower && p.lower <= p.mean && p.mean <= p.upper);
                    }
                }
            }
        }
    }
}
