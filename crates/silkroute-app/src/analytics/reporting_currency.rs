//! Rollup money in the currency a report is read in. A seller's own rollups are already in its
//! settlement currency at each order's locked rate and are summed as they are. Anything else (the
//! platform's many currencies, or a seller asking for another currency) is converted per day at
//! that day's ECB reference rate, mid, no spread, and every rate used is listed in the answer.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::{FxPolicy, PublishedRate, RateMode, convert, resolve_leg};
use silkroute_domain::money::{Money, MoneyError, RoundingMode};
use silkroute_store::RollupMoney;

use crate::{App, AppError, AppResult};

/// A reporting rate may be older than a checkout's (a report on a day the ECB has not yet
/// published for is still worth reading), but it always says which day's rate it was.
const REPORTING_MAX_GAP_DAYS: u32 = 3650;

/// One conversion a report made: a day's sum in `from` turned into `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RateUsed {
    pub day: NaiveDate,
    pub from: CurrencyCode,
    pub to: CurrencyCode,
    /// Units of `to` per unit of `from` (ECB cross rate, mid).
    pub rate: rust_decimal::Decimal,
    /// The ECB publication the rate comes from.
    pub rate_date: NaiveDate,
}

/// Paid and refunded amounts of one group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupMoney {
    pub paid: Money,
    pub refunded: Money,
}

/// Days after which a day's last-published rate is taken as final: the ECB publishes every
/// TARGET business day and never revises, so only a feed that was not imported for this long
/// could still add a rate (an import in this process forgets the cache anyway).
const SETTLED_RATE_DAYS: i64 = 7;
/// How long a rate that may still change (a recent day the ECB has not published for yet) is
/// reused: a rate imported by another process reaches reports within this.
const UNSETTLED_RATE_REUSE: std::time::Duration = std::time::Duration::from_secs(60);

impl App {
    /// The last ECB rate published on or before `day`, from memory where it was looked up
    /// before: a platform report converts each day's sum per currency, hundreds of lookups per
    /// overview otherwise. A rate published that very day, or a day over a week old, is final.
    async fn reporting_rate(
        &self,
        currency: CurrencyCode,
        day: NaiveDate,
    ) -> AppResult<Option<PublishedRate>> {
        let now = std::time::Instant::now();
        if let Some((rate, _)) = self.cache.reporting_rates.lock().ok().and_then(|rates| {
            rates
                .get(&(currency, day))
                .filter(|(_, until)| until.is_none_or(|until| now < until))
                .cloned()
        }) {
            return Ok(rate);
        }
        let latest = self.store.latest_fx_rate(currency, day).await?;
        let settled = self.now().date_naive() - chrono::Duration::days(SETTLED_RATE_DAYS);
        let last = latest.as_ref().is_some_and(|r| r.date == day) || day < settled;
        let until = (!last).then(|| now + UNSETTLED_RATE_REUSE);
        if let Ok(mut rates) = self.cache.reporting_rates.lock() {
            rates.insert((currency, day), (latest, until));
        }
        Ok(latest)
    }

    /// Sums `rows` per group key in `target`, converting where a row is in another currency.
    pub(super) async fn money_in(
        &self,
        rows: &[RollupMoney],
        target: CurrencyCode,
        rates: &mut Vec<RateUsed>,
    ) -> AppResult<BTreeMap<String, GroupMoney>> {
        let policy = FxPolicy {
            mode: RateMode::LastPublished,
            max_gap_days: REPORTING_MAX_GAP_DAYS,
            spread_bps: 0,
        };
        let mut legs = HashMap::new();
        let mut sums: BTreeMap<String, GroupMoney> = BTreeMap::new();
        // A rate missing for a day is the request's to change (another currency, another period).
        let unavailable = |e: &dyn std::fmt::Display| AppError::Unavailable(e.to_string());
        let too_large = |_: MoneyError| {
            AppError::Unavailable(
                "the period's figures are too large to add up exactly; ask for a shorter period"
                    .into(),
            )
        };
        for row in rows {
            let currency = CurrencyCode::parse(&row.currency).map_err(|e| {
                AppError::Internal(format!("a rollup row's currency does not read back: {e}"))
            })?;
            let entry = sums.entry(row.key.clone()).or_insert(GroupMoney {
                paid: Money::zero(target),
                refunded: Money::zero(target),
            });
            let (paid, refunded) = if currency == target {
                (
                    Money::from_minor(row.paid_minor, target),
                    Money::from_minor(row.refund_minor, target),
                )
            } else {
                let mut leg = async |currency: CurrencyCode| -> AppResult<_> {
                    if let Some(leg) = legs.get(&(currency, row.day)) {
                        return Ok(*leg);
                    }
                    let latest = self.reporting_rate(currency, row.day).await?;
                    let leg = resolve_leg(currency, row.day, latest, &policy)
                        .map_err(|e| unavailable(&e))?;
                    legs.insert((currency, row.day), leg);
                    Ok(leg)
                };
                let from_leg = leg(currency).await?;
                let to_leg = leg(target).await?;
                let paid = convert(
                    Money::from_minor(row.paid_minor, currency),
                    target,
                    &from_leg,
                    &to_leg,
                    &policy,
                    RoundingMode::HalfEven,
                )
                .map_err(|e| unavailable(&e))?;
                let refunded = convert(
                    Money::from_minor(row.refund_minor, currency),
                    target,
                    &from_leg,
                    &to_leg,
                    &policy,
                    RoundingMode::HalfEven,
                )
                .map_err(|e| unavailable(&e))?;
                let used = RateUsed {
                    day: row.day,
                    from: currency,
                    to: target,
                    rate: paid.rate,
                    rate_date: paid.rate_date,
                };
                if !rates.contains(&used) {
                    rates.push(used);
                }
                (paid.to, refunded.to)
            };
            entry.paid = entry.paid.checked_add(paid).map_err(too_large)?;
            entry.refunded = entry.refunded.checked_add(refunded).map_err(too_large)?;
        }
        Ok(sums)
    }
}
