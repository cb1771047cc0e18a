//! Fitting: the augurs MSTL + AutoETS model, with the two cases it should not be asked to handle
//! (no sales at all, or a fit that fails or goes non-finite) answered without it.

use augurs_core::{Fit, Forecast, Predict};
use augurs_ets::AutoETS;
use augurs_mstl::MSTLModel;

use super::normal::inverse_normal_cdf;
use super::{ForecastMethod, WEEK, periods_for};

/// Raw model output, before the caller clamps it into a [`super::DemandForecast`].
pub(super) struct Fitted {
    pub method: ForecastMethod,
    pub periods: Vec<usize>,
    pub mean: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    pub residual_std_dev: f64,
    pub fallback_reason: Option<String>,
}

/// `history` is already validated: at least two weeks of finite, non-negative values.
pub(super) fn fit_and_predict(history: &[f64], horizon: usize, level: f64) -> Fitted {
    if history.iter().all(|&v| v == 0.0) {
        return Fitted {
            method: ForecastMethod::ZeroDemand,
            periods: Vec::new(),
            mean: vec![0.0; horizon],
            lower: vec![0.0; horizon],
            upper: vec![0.0; horizon],
            residual_std_dev: 0.0,
            fallback_reason: None,
        };
    }
    let periods = periods_for(history.len());
    match mstl_ets(history, &periods, horizon, level) {
        Ok(fitted) => fitted,
        Err(reason) => {
            let mut fallback = seasonal_naive(history, horizon, level);
            fallback.fallback_reason = Some(reason);
            fallback
        }
    }
}

fn mstl_ets(
    history: &[f64],
    periods: &[usize],
    horizon: usize,
    level: f64,
) -> Result<Fitted, String> {
    // Only the non-seasonal AutoETS search: seasonality is MSTL's job, and augurs' seasonal
    // ETS prediction intervals are partly unimplemented (they would panic).
    let model = MSTLModel::new(periods.to_vec(), AutoETS::non_seasonal().into_trend_model());
    let fit = model.fit(history).map_err(|e| e.to_string())?;
    let out_of_sample = fit.predict(horizon, level).map_err(|e| e.to_string())?;
    let in_sample = fit.predict_in_sample(None).map_err(|e| e.to_string())?;
    let (mean, lower, upper) = split(out_of_sample, horizon)?;
    let residual_std_dev = rms(history
        .iter()
        .zip(&in_sample.point)
        .map(|(actual, fitted)| actual - fitted))
    .ok_or("the model's in-sample fit is not finite")?;
    Ok(Fitted {
        method: ForecastMethod::MstlAutoEts,
        periods: periods.to_vec(),
        mean,
        lower,
        upper,
        residual_std_dev,
        fallback_reason: None,
    })
}

type Bands = (Vec<f64>, Vec<f64>, Vec<f64>);

fn split(forecast: Forecast, horizon: usize) -> Result<Bands, String> {
    let Forecast { point, intervals } = forecast;
    let intervals = intervals.ok_or("the model returned no prediction interval")?;
    let complete = point.len() == horizon
        && intervals.lower.len() == horizon
        && intervals.upper.len() == horizon;
    if !complete {
        return Err("the model returned the wrong number of days".to_owned());
    }
    let all_finite = point
        .iter()
        .chain(&intervals.lower)
        .chain(&intervals.upper)
        .all(|v| v.is_finite());
    if !all_finite {
        return Err("the model's forecast is not finite".to_owned());
    }
    Ok((point, intervals.lower, intervals.upper))
}

/// The last week repeated. Its interval follows Hyndman & Athanasopoulos (FPP3 §5.5): the
/// standard deviation of week-on-week changes, widened by the square root of the number of
/// weeks ahead, since each further week adds another unknown change.
pub(super) fn seasonal_naive(history: &[f64], horizon: usize, level: f64) -> Fitted {
    let mean = seasonal_naive_points(history, horizon);
    let sigma = rms(history
        .iter()
        .skip(WEEK)
        .zip(history)
        .map(|(now, week_before)| now - week_before))
    .unwrap_or(0.0);
    let z = inverse_normal_cdf(0.5 + level / 2.0);
    let z = if z.is_finite() { z } else { 0.0 };
    let (lower, upper) = mean
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let weeks_ahead = (i / WEEK + 1) as f64;
            let half_width = z * sigma * weeks_ahead.sqrt();
            (m - half_width, m + half_width)
        })
        .unzip();
    Fitted {
        method: ForecastMethod::SeasonalNaive,
        periods: vec![WEEK],
        mean,
        lower,
        upper,
        residual_std_dev: sigma,
        fallback_reason: None,
    }
}

/// Each day gets the value seen on the same weekday in the last observed week; empty if the
/// history is shorter than a week.
pub(super) fn seasonal_naive_points(history: &[f64], horizon: usize) -> Vec<f64> {
    let Some(last_week) = history
        .len()
        .checked_sub(WEEK)
        .map(|start| &history[start..])
    else {
        return Vec::new();
    };
    (0..horizon).map(|i| last_week[i % WEEK]).collect()
}

/// Root mean square of the finite values; `None` if there are none or the result overflows.
fn rms(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values
        .filter(|v| v.is_finite())
        .fold((0.0, 0usize), |(sum, count), v| (sum + v * v, count + 1));
    let rms = (sum / count as f64).sqrt();
    (count > 0 && rms.is_finite()).then_some(rms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasonal_naive_repeats_the_last_week() {
        let history: Vec<f64> = (0..14).map(f64::from).collect();
        let fitted = seasonal_naive(&history, 9, 0.8);
        assert_eq!(
            fitted.mean,
            vec![7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 7.0, 8.0]
        );
        // Every week-on-week change is exactly 7, so σ = 7.
        assert!((fitted.residual_std_dev - 7.0).abs() < 1e-12);
        // Week two is √2 wider than week one.
        let width = |i: usize| fitted.upper[i] - fitted.lower[i];
        assert!((width(7) / width(0) - 2f64.sqrt()).abs() < 1e-12);
        assert!(seasonal_naive_points(&history[..6], 3).is_empty());
    }

    #[test]
    fn rms_ignores_non_finite_and_rejects_empty() {
        assert_eq!(
            rms([3.0, f64::NAN, -4.0].into_iter()),
            Some((12.5f64).sqrt())
        );
        assert_eq!(rms(std::iter::empty()), None);
    }
}
