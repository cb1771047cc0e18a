//! The store overview: the KPIs of `docs/METRICS.md` for one period, from the period's facts.
//! Money is summed in one currency (the seller's settlement currency, each order converted at
//! the rate it locked); ratios are exact decimals, rounded only for display by the caller.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::money::Money;
use silkroute_domain::storefront::EventKind;

/// A half-open period `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.to
    }

    /// The period of the same length just before, for comparisons.
    pub fn previous(&self) -> Period {
        let length = self.to - self.from;
        Period {
            from: self.from - length,
            to: self.from,
        }
    }
}

/// One storefront event as the metrics need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventFact {
    pub visitor_id: String,
    pub kind: EventKind,
    pub at: DateTime<Utc>,
}

/// One order as the metrics need it, its money already in the reporting currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderFact {
    pub buyer_id: String,
    pub placed_at: DateTime<Utc>,
    /// When the capture was confirmed; `None` if never paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// Amount paid including shipping (duties and import taxes belong to the authorities).
    pub paid_amount: Money,
    pub units: i64,
    /// Refunds with their day, in the reporting currency.
    pub refunds: Vec<(DateTime<Utc>, Money)>,
    /// Units given back (a full refund or return counts every unit).
    pub refunded_units: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub visitors: i64,
    pub page_views: i64,
    pub ordering_buyers: i64,
    pub orders_placed: i64,
    pub paid_orders: i64,
    pub paid_amount: Money,
    pub paid_buyers: i64,
    /// Paid amount ÷ paid buyers; `None` without paid buyers.
    pub aov: Option<Money>,
    /// Paid buyers ÷ visitors.
    pub payment_conversion: Option<Decimal>,
    /// Ordering buyers ÷ visitors.
    pub browse_to_order_conversion: Option<Decimal>,
    /// Visitors who added to cart ÷ visitors.
    pub add_to_cart_rate: Option<Decimal>,
    pub refund_amount: Money,
    /// Refunded units ÷ units ordered (orders placed in the period).
    pub refund_rate: Option<Decimal>,
    /// Paid in the period and also in the 365 days before it.
    pub returning_buyers: i64,
}

fn ratio(numerator: i64, denominator: i64) -> Option<Decimal> {
    (denominator > 0).then(|| Decimal::from(numerator) / Decimal::from(denominator))
}

/// Money that cannot be summed exactly: facts in another currency, or a sum past `i64`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot sum the period's money in {currency}: {reason}")]
pub struct OverviewError {
    pub currency: CurrencyCode,
    pub reason: String,
}

fn sum<'m>(
    currency: CurrencyCode,
    mut amounts: impl Iterator<Item = &'m Money>,
) -> Result<Money, OverviewError> {
    amounts.try_fold(Money::zero(currency), |total, amount| {
        total.checked_add(*amount).map_err(|error| OverviewError {
            currency,
            reason: error.to_string(),
        })
    })
}

/// The KPIs for `period`. `orders` must include the 365 days before the period (for returning
/// buyers); events outside the period are ignored. All money must be in `currency`.
pub fn overview(
    period: Period,
    currency: CurrencyCode,
    events: &[EventFact],
    orders: &[OrderFact],
) -> Result<Overview, OverviewError> {
    let in_period: Vec<&EventFact> = events.iter().filter(|e| period.contains(e.at)).collect();
    let visitors: HashSet<&str> = in_period.iter().map(|e| e.visitor_id.as_str()).collect();
    let carting: HashSet<&str> = in_period
        .iter()
        .filter(|e| e.kind == EventKind::AddToCart)
        .map(|e| e.visitor_id.as_str())
        .collect();
    let page_views = in_period
        .iter()
        .filter(|e| e.kind == EventKind::ProductView)
        .count() as i64;

    let placed: Vec<&OrderFact> = orders
        .iter()
        .filter(|o| period.contains(o.placed_at))
        .collect();
    let ordering_buyers: HashSet<&str> = placed.iter().map(|o| o.buyer_id.as_str()).collect();
    let paid: Vec<&OrderFact> = orders
        .iter()
        .filter(|o| o.paid_at.is_some_and(|at| period.contains(at)))
        .collect();
    let paid_buyers: HashSet<&str> = paid.iter().map(|o| o.buyer_id.as_str()).collect();
    let paid_amount = sum(currency, paid.iter().map(|o| &o.paid_amount))?;
    let refund_amount = sum(
        currency,
        orders
            .iter()
            .flat_map(|o| o.refunds.iter())
            .filter(|(at, _)| period.contains(*at))
            .map(|(_, amount)| amount),
    )?;
    let units: i64 = placed.iter().map(|o| o.units).sum();
    let refunded_units: i64 = placed.iter().map(|o| o.refunded_units).sum();
    let year_before = Period {
        from: period.from - Duration::days(365),
        to: period.from,
    };
    let paid_before: HashSet<&str> = orders
        .iter()
        .filter(|o| o.paid_at.is_some_and(|at| year_before.contains(at)))
        .map(|o| o.buyer_id.as_str())
        .collect();
    Ok(kpis(&PeriodTotals {
        visitors: visitors.len() as i64,
        page_views,
        carting_visitors: carting.len() as i64,
        ordering_buyers: ordering_buyers.len() as i64,
        orders_placed: placed.len() as i64,
        paid_orders: paid.len() as i64,
        paid_amount,
        paid_buyers: paid_buyers.len() as i64,
        refund_amount,
        units_placed: units,
        refunded_units,
        returning_buyers: paid_buyers.intersection(&paid_before).count() as i64,
    }))
}

/// A period's counts and sums, however they were gathered (from rollups by the store, or from
/// raw facts above): the inputs every KPI is derived from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodTotals {
    pub visitors: i64,
    pub page_views: i64,
    /// Visitors with an `add_to_cart` event.
    pub carting_visitors: i64,
    pub ordering_buyers: i64,
    pub orders_placed: i64,
    pub paid_orders: i64,
    pub paid_amount: Money,
    pub paid_buyers: i64,
    pub refund_amount: Money,
    /// Units of the orders placed in the period, and how many of them were given back.
    pub units_placed: i64,
    pub refunded_units: i64,
    pub returning_buyers: i64,
}

/// The KPIs of `docs/METRICS.md` from a period's totals.
pub fn kpis(totals: &PeriodTotals) -> Overview {
    let currency = totals.paid_amount.currency();
    let aov = (totals.paid_buyers > 0).then(|| {
        Money::from_minor(
            (Decimal::from(totals.paid_amount.minor()) / Decimal::from(totals.paid_buyers))
                .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                .try_into()
                .unwrap_or(0),
            currency,
        )
    });
    Overview {
        visitors: totals.visitors,
        page_views: totals.page_views,
        ordering_buyers: totals.ordering_buyers,
        orders_placed: totals.orders_placed,
        paid_orders: totals.paid_orders,
        paid_amount: totals.paid_amount,
        paid_buyers: totals.paid_buyers,
        aov,
        payment_conversion: ratio(totals.paid_buyers, totals.visitors),
        browse_to_order_conversion: ratio(totals.ordering_buyers, totals.visitors),
        add_to_cart_rate: ratio(totals.carting_visitors, totals.visitors),
        refund_amount: totals.refund_amount,
        refund_rate: ratio(totals.refunded_units, totals.units_placed),
        returning_buyers: totals.returning_buyers,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, d, 12, 0, 0).unwrap()
    }

    fn eur() -> CurrencyCode {
        CurrencyCode::parse("EUR").unwrap()
    }

    fn event(visitor: &str, kind: EventKind, at: DateTime<Utc>) -> EventFact {
        EventFact {
            visitor_id: visitor.into(),
            kind,
            at,
        }
    }

    fn order(buyer: &str, placed: u32, paid: Option<u32>, cents: i64, units: i64) -> OrderFact {
        OrderFact {
            buyer_id: buyer.into(),
            placed_at: day(placed),
            paid_at: paid.map(day),
            paid_amount: Money::from_minor(cents, eur()),
            units,
            refunds: Vec::new(),
            refunded_units: 0,
        }
    }

    fn october_week() -> Period {
        Period {
            from: day(10),
            to: day(17),
        }
    }

    #[test]
    fn the_overview_follows_the_definitions() {
        let events = vec![
            event("v1", EventKind::Visit, day(10)),
            event("v1", EventKind::ProductView, day(10)),
            event("v1", EventKind::AddToCart, day(10)),
            event("v2", EventKind::ProductView, day(11)),
            event("v2", EventKind::ProductView, day(11)),
            event("v3", EventKind::Visit, day(12)),
            event("v4", EventKind::Visit, day(20)), // outside
        ];
        let mut refunded = order("b2", 12, Some(12), 2_000, 2);
        refunded.refunds = vec![(day(14), Money::from_minor(1_000, eur()))];
        refunded.refunded_units = 1;
        let orders = vec![
            order("b1", 9, Some(10), 5_000, 1), // placed before, paid in: counts as paid
            order("b1", 11, Some(11), 3_000, 1),
            refunded,
            order("b3", 15, None, 9_000, 1),   // placed, never paid
            order("b1", 1, Some(1), 1_000, 1), // a year's history for returning buyers
        ];
        let kpis = overview(october_week(), eur(), &events, &orders).unwrap();
        assert_eq!(kpis.visitors, 3);
        assert_eq!(kpis.page_views, 3);
        assert_eq!(kpis.orders_placed, 3);
        assert_eq!(kpis.ordering_buyers, 3);
        assert_eq!(kpis.paid_orders, 3);
        assert_eq!(kpis.paid_amount, Money::from_minor(10_000, eur()));
        assert_eq!(kpis.paid_buyers, 2);
        assert_eq!(kpis.aov, Some(Money::from_minor(5_000, eur())));
        assert_eq!(
            kpis.payment_conversion,
            Some(Decimal::new(2, 0) / Decimal::new(3, 0))
        );
        assert_eq!(kpis.browse_to_order_conversion, Some(Decimal::ONE));
        assert_eq!(
            kpis.add_to_cart_rate,
            Some(Decimal::ONE / Decimal::new(3, 0))
        );
        assert_eq!(kpis.refund_amount, Money::from_minor(1_000, eur()));
        assert_eq!(
            kpis.refund_rate,
            Some(Decimal::new(1, 0) / Decimal::new(4, 0))
        );
        assert_eq!(kpis.returning_buyers, 1);
    }

    #[test]
    fn an_empty_period_has_no_ratios() {
        let kpis = overview(october_week(), eur(), &[], &[]).unwrap();
        assert_eq!(kpis.visitors, 0);
        assert_eq!(kpis.aov, None);
        assert_eq!(kpis.payment_conversion, None);
        assert_eq!(kpis.refund_rate, None);
        assert!(kpis.paid_amount.is_zero());
    }

    #[test]
    fn money_in_another_currency_is_an_error_not_a_wrong_sum() {
        let mut foreign = order("b1", 11, Some(11), 3_000, 1);
        foreign.paid_amount = Money::from_minor(3_000, CurrencyCode::parse("USD").unwrap());
        assert!(overview(october_week(), eur(), &[], &[foreign]).is_err());
    }

    #[test]
    fn the_previous_period_is_as_long_and_adjacent() {
        let previous = october_week().previous();
        assert_eq!(previous.to, october_week().from);
        assert_eq!(previous.to - previous.from, Duration::days(7));
    }

    proptest! {
        /// Splitting a period in two never loses or doubles paid money or paid orders.
        #[test]
        fn paid_money_adds_up_across_periods(
            orders in proptest::collection::vec((1u32..28, 0i64..100_000), 0..40),
            cut in 2u32..27,
        ) {
            let facts: Vec<OrderFact> = orders
                .iter()
                .map(|(d, cents)| order("b", *d, Some(*d), *cents, 1))
                .collect();
            let whole = Period { from: day(1), to: day(28) };
            let first = Period { from: day(1), to: day(cut) };
            let second = Period { from: day(cut), to: day(28) };
            let a = overview(first, eur(), &[], &facts).unwrap();
            let b = overview(second, eur(), &[], &facts).unwrap();
            let all = overview(whole, eur(), &[], &facts).unwrap();
            prop_assert_eq!(a.paid_orders + b.paid_orders, all.paid_orders);
            prop_assert_eq!(
                a.paid_amount.checked_add(b.paid_amount).unwrap(),
                all.paid_amount
            );
            if let Some(rate) = all.payment_conversion {
                prop_assert!(rate >= Decimal::ZERO);
            }
        }
    }
}
