//! Demand forecast and replenishment per product: daily paid units from the product rollups,
//! forecast with MSTL + AutoETS (`silkroute_analytics::forecast`), checked on the last four
//! weeks against a seasonal-naive baseline, and turned into a reorder plan with the stock on
//! hand.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use silkroute_analytics::forecast::{
    Backtest, ReplenishmentPlan, ReplenishmentPolicy, StockPosition, backtest, forecast_demand,
    plan_from_forecast,
};
use silkroute_analytics::rollup::local_day;
use silkroute_domain::ids::ProductId;
use silkroute_store::RollupSlice;

use super::Resolved;
use crate::{App, AppError, AppResult};

/// Products forecast when none is named: the best sellers.
pub const FORECAST_PRODUCTS: usize = 10;
/// History the model sees (two years allow the yearly season).
pub const HISTORY_DAYS: i64 = 730;
/// History returned for the chart.
pub const CHART_DAYS: usize = 120;
/// Days held out to measure the forecast against the seasonal-naive baseline.
pub const HOLDOUT_DAYS: usize = 28;
/// The longest lead time or review period a plan takes: a year; beyond it a forecast of daily
/// demand says nothing.
pub const MAX_POLICY_DAYS: u32 = 365;
/// Central interval of the forecast band.
pub const BAND_LEVEL: f64 = 0.8;

/// The replenishment settings a request may change.
#[derive(Clone, Debug, Default)]
pub struct ForecastRequest {
    pub product_id: Option<String>,
    pub horizon_days: Option<u32>,
    pub lead_time_days: Option<u32>,
    pub review_period_days: Option<u32>,
    pub service_level: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DayUnits {
    pub day: NaiveDate,
    pub units: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ForecastDay {
    pub day: NaiveDate,
    pub mean: f64,
    pub lower: f64,
    pub upper: f64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StockNow {
    pub on_hand: i64,
    pub reserved: i64,
    pub available: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProductForecast {
    pub product_id: String,
    pub title: String,
    pub sku: String,
    pub method: Option<String>,
    pub periods: Vec<usize>,
    pub history: Vec<DayUnits>,
    pub forecast: Vec<ForecastDay>,
    pub backtest: Option<Backtest>,
    pub stock: StockNow,
    pub replenishment: Option<ReplenishmentPlan>,
    /// The day the available stock runs out at the forecast pace.
    pub stockout_date: Option<NaiveDate>,
    /// Why there is no forecast (too little history, …).
    pub error: Option<String>,
}

/// Mean absolute errors over every product that could be backtested.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct BacktestSummary {
    pub products: usize,
    pub holdout_days: usize,
    pub model_mae: Option<f64>,
    pub seasonal_naive_mae: Option<f64>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ForecastReport {
    pub scope: &'static str,
    pub seller_id: Option<String>,
    /// The last complete day of history (yesterday in the store's time zone).
    pub history_until: NaiveDate,
    pub horizon_days: u32,
    pub level: f64,
    pub policy: ReplenishmentPolicy,
    pub method: &'static str,
    pub backtest_summary: BacktestSummary,
    pub products: Vec<ProductForecast>,
}

impl App {
    pub async fn demand_forecast(
        &self,
        resolved: &Resolved,
        request: &ForecastRequest,
    ) -> AppResult<ForecastReport> {
        let horizon_days = request.horizon_days.unwrap_or(28);
        if !(1..=365).contains(&horizon_days) {
            return Err(AppError::field("horizon_days", "must be between 1 and 365"));
        }
        let service_level = match request.service_level.as_deref() {
            None => 0.95,
            Some(text) => match text.parse::<f64>() {
                Ok(level) if (0.5..1.0).contains(&level) => level,
                _ => {
                    return Err(AppError::field(
                        "service_level",
                        "must be a number from 0.5 up to (not including) 1, e.g. 0.95",
                    ));
                }
            },
        };
        let lead_time_days = request.lead_time_days.unwrap_or(14);
        if lead_time_days > MAX_POLICY_DAYS {
            return Err(AppError::field(
                "lead_time_days",
                format!("must be between 0 and {MAX_POLICY_DAYS}"),
            ));
        }
        let review_period_days = request.review_period_days.unwrap_or(7);
        if review_period_days > MAX_POLICY_DAYS {
            return Err(AppError::field(
                "review_period_days",
                format!("must be between 0 and {MAX_POLICY_DAYS}"),
            ));
        }
        let policy = ReplenishmentPolicy::new(lead_time_days, review_period_days, service_level);
        let wanted = match request.product_id.as_deref().filter(|p| !p.is_empty()) {
            Some(text) => {
                let id = ProductId::parse(text).map_err(|_| AppError::NotFound("product"))?;
                self.store
                    .get_product(resolved.scope.seller_id.as_ref(), &id)
                    .await?
                    .ok_or(AppError::NotFound("product"))?;
                Some(text.to_string())
            }
            None => None,
        };
        self.refresh_before_read().await?;
        let until = local_day(resolved.scope.zone, self.now()) - Duration::days(1);
        let slice = RollupSlice {
            scope: resolved.scope.id.clone(),
            first: until - Duration::days(HISTORY_DAYS - 1),
            last: until,
            market: resolved.market.clone(),
        };
        let mut daily: HashMap<String, BTreeMap<NaiveDate, i64>> = HashMap::new();
        for day in self.store.product_days(&slice).await? {
            if wanted.as_ref().is_none_or(|w| w == &day.product_id) {
                *daily
                    .entry(day.product_id)
                    .or_default()
                    .entry(day.day)
                    .or_default() += day.paid_units;
            }
        }
        let mut chosen: Vec<(String, i64)> = daily
            .iter()
            .map(|(product, days)| (product.clone(), days.values().sum()))
            .collect();
        chosen.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        chosen.truncate(FORECAST_PRODUCTS);
        if let Some(wanted) = &wanted
            && chosen.is_empty()
        {
            chosen.push((wanted.clone(), 0));
        }
        let mut products = Vec::new();
        let mut summary = BacktestSummary {
            holdout_days: HOLDOUT_DAYS,
            ..BacktestSummary::default()
        };
        let (mut model_error, mut naive_error) = (0.0, 0.0);
        for (product_id, _) in chosen {
            let Ok(id) = ProductId::parse(&product_id) else {
                continue;
            };
            let Some(product) = self
                .store
                .get_product(resolved.scope.seller_id.as_ref(), &id)
                .await?
            else {
                continue;
            };
            let by_day = daily.remove(&product_id).unwrap_or_default();
            // From the first sale (or the window's start) to yesterday, zeros for quiet days.
            let first = by_day
                .keys()
                .next()
                .copied()
                .unwrap_or(until)
                .max(slice.first);
            let history: Vec<DayUnits> = (0..=(until - first).num_days())
                .map(|offset| {
                    let day = first + Duration::days(offset);
                    DayUnits {
                        day,
                        units: by_day.get(&day).copied().unwrap_or(0),
                    }
                })
                .collect();
            let series: Vec<f64> = history.iter().map(|d| d.units as f64).collect();
            let mut stock = StockNow {
                on_hand: 0,
                reserved: 0,
                available: 0,
            };
            for level in self
                .store
                .stock_levels(&product.seller_id, Some(&id))
                .await?
            {
                stock.on_hand += level.on_hand;
                stock.reserved += level.reserved;
                stock.available += level.available;
            }
            let mut entry = ProductForecast {
                product_id: product_id.clone(),
                title: product
                    .titles
                    .get("en")
                    .or_else(|| product.titles.values().next())
                    .cloned()
                    .unwrap_or_default(),
                sku: product.sku.clone(),
                method: None,
                periods: Vec::new(),
                history: Vec::new(),
                forecast: Vec::new(),
                backtest: None,
                stock,
                replenishment: None,
                stockout_date: None,
                error: None,
            };
            match forecast_demand(&series, horizon_days as usize, BAND_LEVEL) {
                Ok(forecast) => {
                    entry.method = Some(forecast.method.name().to_string());
                    entry.periods = forecast.periods.clone();
                    entry.forecast = forecast
                        .points
                        .iter()
                        .map(|p| ForecastDay {
                            day: until + Duration::days(p.day_offset as i64),
                            mean: p.mean,
                            lower: p.lower,
                            upper: p.upper,
                        })
                        .collect();
                    let position = StockPosition {
                        on_hand: entry.stock.on_hand,
                        reserved: entry.stock.reserved,
                        on_order: 0,
                    };
                    match plan_from_forecast(&position, &policy, &forecast) {
                        Ok(plan) => {
                            entry.stockout_date = plan
                                .stockout_day
                                .map(|offset| until + Duration::days(offset as i64));
                            entry.replenishment = Some(plan);
                        }
                        Err(error) => entry.error = Some(error.to_string()),
                    }
                }
                Err(error) => entry.error = Some(error.to_string()),
            }
            if series.len() >= HOLDOUT_DAYS + 2 * 14
                && let Ok(check) = backtest(&series, HOLDOUT_DAYS)
            {
                summary.products += 1;
                model_error += check.model_mae;
                naive_error += check.seasonal_naive_mae;
                entry.backtest = Some(check);
            }
            let skip = history.len().saturating_sub(CHART_DAYS);
            entry.history = history.into_iter().skip(skip).collect();
            products.push(entry);
        }
        if summary.products > 0 {
            summary.model_mae = Some(model_error / summary.products as f64);
            summary.seasonal_naive_mae = Some(naive_error / summary.products as f64);
        }
        Ok(ForecastReport {
            scope: resolved.scope.kind(),
            seller_id: resolved
                .scope
                .seller_id
                .as_ref()
                .map(|s| s.as_str().to_string()),
            history_until: until,
            horizon_days,
            level: BAND_LEVEL,
            policy,
            method: "MSTL (weekly; yearly from two years of history) with an AutoETS trend",
            backtest_summary: summary,
            products,
        })
    }
}
