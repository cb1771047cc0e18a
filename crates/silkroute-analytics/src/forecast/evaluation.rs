//! Holdout evaluation: how wrong the shipped forecast would have been on days we already know,
//! next to the seasonal-naive baseline, so "the model helps" is a measured claim per SKU.

use serde::Serialize;

use super::model::seasonal_naive_points;
use super::{
    ForecastError, ForecastMethod, MIN_HISTORY_DAYS, WEEK, forecast_demand, validate_history,
};

/// Errors of the model and of the seasonal-naive baseline over the same held-out days.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Backtest {
    pub training_days: usize,
    pub holdout_days: usize,
    pub method: ForecastMethod,
    pub periods: Vec<usize>,
    /// Mean absolute error, in units per day.
    pub model_mae: f64,
    pub model_rmse: f64,
    pub seasonal_naive_mae: f64,
    pub seasonal_naive_rmse: f64,
    /// MAE scaled by the in-sample MAE of the weekly seasonal-naive forecast (Hyndman & Koehler
    /// 2006), comparable across SKUs of very different volume; below 1 beats that in-sample
    /// baseline. `None` when the training data repeats exactly week on week (scale zero).
    pub model_mase: Option<f64>,
    pub seasonal_naive_mase: Option<f64>,
}

impl Backtest {
    pub fn beats_seasonal_naive(&self) -> bool {
        self.model_mae < self.seasonal_naive_mae
    }
}

/// Fits on all but the last `holdout` days of `history`, forecasts those days, and scores the
/// forecast (as [`forecast_demand`] would return it, clamped at zero) and the seasonal-naive
/// baseline against what actually sold.
pub fn backtest(history: &[f64], holdout: usize) -> Result<Backtest, ForecastError> {
    if holdout == 0 {
        return Err(ForecastError::EmptyHoldout);
    }
    let minimum = MIN_HISTORY_DAYS.saturating_add(holdout);
    if history.len() < minimum {
        return Err(ForecastError::TooShort {
            got: history.len(),
            minimum,
        });
    }
    validate_history(history)?;
    let (training, actual) = history.split_at(history.len() - holdout);
    let forecast = forecast_demand(training, holdout, 0.8)?;
    let model = forecast.daily_means();
    let naive = seasonal_naive_points(training, holdout);
    let scale = in_sample_seasonal_naive_mae(training);
    let model_mae = mae(&model, actual);
    let seasonal_naive_mae = mae(&naive, actual);
    Ok(Backtest {
        training_days: training.len(),
        holdout_days: holdout,
        method: forecast.method,
        periods: forecast.periods,
        model_mae,
        model_rmse: rmse(&model, actual),
        seasonal_naive_mae,
        seasonal_naive_rmse: rmse(&naive, actual),
        model_mase: scale.map(|s| model_mae / s),
        seasonal_naive_mase: scale.map(|s| seasonal_naive_mae / s),
    })
}

fn mae(forecast: &[f64], actual: &[f64]) -> f64 {
    mean(forecast.iter().zip(actual).map(|(f, a)| (f - a).abs()))
}

fn rmse(forecast: &[f64], actual: &[f64]) -> f64 {
    mean(forecast.iter().zip(actual).map(|(f, a)| (f - a).powi(2))).sqrt()
}

fn in_sample_seasonal_naive_mae(training: &[f64]) -> Option<f64> {
    let scale = mean(
        training
            .iter()
            .skip(WEEK)
            .zip(training)
            .map(|(now, week_before)| (now - week_before).abs()),
    );
    (scale > 0.0 && scale.is_finite()).then_some(scale)
}

/// Zero for an empty iterator, so the metrics never divide by zero.
fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    if count == 0 { 0.0 } else { sum / count as f64 }
}

#[cfg(test)]
mod tests {
    use super::super::test_series::synthetic;
    use super::*;

    #[test]
    fn beats_seasonal_naive_on_weekly_series() {
        for seed in [42, 7, 2024] {
            let history = synthetic(400, seed, 0.0, 3.0);
            let result = backtest(&history, 28).expect("valid history");
            eprintln!("weekly, seed {seed}: {result:?}");
            assert_eq!(result.method, ForecastMethod::MstlAutoEts);
            assert_eq!(result.periods, vec![7]);
            assert!(result.beats_seasonal_naive(), "{result:?}");
            assert!(result.model_rmse < result.seasonal_naive_rmse, "{result:?}");
            assert!(result.model_mase.is_some_and(|m| m < 1.0), "{result:?}");
        }
    }

    #[test]
    fn uses_yearly_seasonality_and_beats_seasonal_naive_with_three_years() {
        let history = synthetic(1100, 3, 6.0, 3.0);
        let result = backtest(&history, 28).expect("valid history");
        eprintln!("weekly + yearly: {result:?}");
        assert_eq!(result.periods, vec![7, 365]);
        assert!(result.beats_seasonal_naive(), "{result:?}");
    }

    #[test]
    fn hand_computed_metrics() {
        let forecast = [1.0, 2.0, 3.0, 4.0];
        let actual = [2.0, 2.0, 1.0, 4.0];
        // |errors| = 1, 0, 2, 0 → MAE 0.75; squares 1, 0, 4, 0 → RMSE √1.25.
        assert!((mae(&forecast, &actual) - 0.75).abs() < 1e-12);
        assert!((rmse(&forecast, &actual) - 1.25f64.sqrt()).abs() < 1e-12);
        assert_eq!(mae(&[], &[]), 0.0);
    }

    #[test]
    fn rejects_what_cannot_be_scored() {
        assert_eq!(backtest(&[1.0; 40], 0), Err(ForecastError::EmptyHoldout));
        assert_eq!(
            backtest(&[1.0; 40], 28),
            Err(ForecastError::TooShort {
                got: 40,
                minimum: 42
            })
        );
        assert!(backtest(&[1.0; 40], usize::MAX).is_err());
    }

    #[test]
    fn flat_and_zero_series_do_not_divide_by_zero() {
        let flat = backtest(&[5.0; 60], 14).expect("valid");
        assert_eq!(flat.model_mase, None);
        assert!(flat.model_mae.is_finite() && flat.seasonal_naive_mae == 0.0);
        let zero = backtest(&[0.0; 60], 14).expect("valid");
        assert_eq!(zero.method, ForecastMethod::ZeroDemand);
        assert_eq!(zero.model_mae, 0.0);
    }
}
