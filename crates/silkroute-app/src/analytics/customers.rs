//! Customer analytics for one seller: new and returning buyers by month, the monthly cohort
//! retention matrix, RFM segments, and BG/NBD with Gamma-Gamma for who will buy again and what
//! they are worth — fitted on the seller's paid order days, read from the buyer rollups.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use silkroute_analytics::customers::{
    BgNbdFit, CohortMatrix, CustomerOrder, CustomerPrediction, GammaGammaFit, MonthBuyers,
    SegmentSummary, cohorts, fit_bg_nbd, fit_gamma_gamma, new_vs_returning, predict, rfm,
    rfm_segments, summarise,
};
use silkroute_domain::currency::CurrencyCode;
use silkroute_store::{RollupMoney, RollupSlice};

use super::{DayRange, MAX_PERIOD_DAYS, Resolved};
use crate::{App, AppError, AppResult};

/// Joins a buyer id and a day into one money key (neither contains it).
const KEY_SEPARATOR: char = '\u{1f}';

/// Buyers listed with their forecasts (the most valuable first).
pub const TOP_CUSTOMERS: usize = 20;
/// Months of cohorts shown.
pub const COHORT_MONTHS: usize = 12;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CustomerAnalysis {
    pub seller_id: String,
    pub currency: CurrencyCode,
    pub period: DayRange,
    /// All paid history up to the period's end that the models were fitted on.
    pub calibration: DayRange,
    pub buyers: usize,
    pub new_vs_returning: Vec<MonthBuyers>,
    pub cohorts: CohortMatrix,
    pub rfm_segments: Vec<SegmentSummary>,
    /// `null` with `bg_nbd_error` when the history cannot support a fit.
    pub bg_nbd: Option<BgNbdFit>,
    pub bg_nbd_error: Option<String>,
    pub gamma_gamma: Option<GammaGammaFit>,
    pub gamma_gamma_error: Option<String>,
    pub horizon_days: u32,
    pub top_customers: Vec<CustomerPrediction>,
    /// Conversions of imported history in other currencies.
    pub fx_rates_used: Vec<super::RateUsed>,
}

fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

impl App {
    pub async fn customer_analysis(
        &self,
        resolved: &Resolved,
        horizon_days: Option<u32>,
    ) -> AppResult<CustomerAnalysis> {
        let Some(seller_id) = resolved.scope.seller_id.clone() else {
            return Err(AppError::field(
                "seller",
                "customer analysis is per seller: name one (admins may name any)",
            ));
        };
        let currency = resolved
            .scope
            .settlement
            .ok_or(AppError::NotFound("seller"))?;
        let horizon_days = horizon_days.unwrap_or(90);
        if !(1..=730).contains(&horizon_days) {
            return Err(AppError::field("horizon_days", "must be between 1 and 730"));
        }
        self.refresh_before_read().await?;
        let end = resolved.period.to;
        let slice = RollupSlice {
            scope: resolved.scope.id.clone(),
            first: end - Duration::days(MAX_PERIOD_DAYS),
            last: end,
            market: resolved.market.clone(),
        };
        // Imported history may be in other currencies: each buyer-day is converted into the
        // settlement currency at that day's ECB rate.
        let days: Vec<RollupMoney> = self
            .store
            .buyer_days(&slice)
            .await?
            .into_iter()
            .map(|day| RollupMoney {
                key: format!("{}{KEY_SEPARATOR}{}", day.buyer_id, day.day),
                day: day.day,
                currency: day.currency,
                paid_minor: day.paid_minor,
                refund_minor: 0,
            })
            .collect();
        let mut rates = Vec::new();
        let orders: Vec<CustomerOrder> = self
            .money_in(&days, currency, &mut rates)
            .await?
            .into_iter()
            .filter_map(|(key, money)| {
                let (buyer, day) = key.split_once(KEY_SEPARATOR)?;
                Some(CustomerOrder {
                    buyer_id: buyer.to_string(),
                    day: day.parse().ok()?,
                    amount_minor: money.paid.minor(),
                })
            })
            .collect();
        let start = orders.iter().map(|o| o.day).min().unwrap_or(end);
        let scores = rfm(&orders, end);
        let (bg_nbd, gamma_gamma, top_customers, errors) = match summarise(&orders, start, end) {
            Ok(calibration) => {
                let bg = fit_bg_nbd(&calibration);
                let gg = fit_gamma_gamma(&calibration.customers);
                let top = match &bg {
                    Ok(bg) => {
                        let mut all =
                            predict(bg, gg.as_ref().ok(), &calibration.customers, horizon_days);
                        all.truncate(TOP_CUSTOMERS);
                        all
                    }
                    Err(_) => Vec::new(),
                };
                let errors = (
                    bg.as_ref().err().map(|e| e.to_string()),
                    gg.as_ref().err().map(|e| e.to_string()),
                );
                (bg.ok(), gg.ok(), top, errors)
            }
            Err(error) => (None, None, Vec::new(), (Some(error.to_string()), None)),
        };
        Ok(CustomerAnalysis {
            seller_id: seller_id.as_str().to_string(),
            currency,
            period: resolved.period,
            calibration: DayRange {
                from: start,
                to: end,
            },
            buyers: scores.len(),
            new_vs_returning: new_vs_returning(
                &orders,
                month_start(resolved.period.from),
                month_start(end),
            ),
            cohorts: cohorts(&orders, end, COHORT_MONTHS),
            rfm_segments: rfm_segments(&scores),
            bg_nbd,
            bg_nbd_error: errors.0,
            gamma_gamma,
            gamma_gamma_error: errors.1,
            horizon_days,
            top_customers,
            fx_rates_used: rates,
        })
    }
}
