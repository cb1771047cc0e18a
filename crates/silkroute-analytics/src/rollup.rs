//! Rollups: a day's facts summed per dimension, so that a dashboard reads a few hundred day rows
//! instead of every order and event. A day is a calendar day in the scope's time zone (a
//! seller's own; UTC for the platform), fixed when the rollup is written, because "yesterday" in
//! Shanghai and in New York are different sets of orders.
//!
//! Distinct counts (visitors, buyers) cannot be added across days, so besides the additive rows
//! there is one row per visitor and per buyer per day; the store counts a period's distinct
//! people from them exactly (by each person's previous active day: see the store's
//! `rollup_recency`), far smaller than the raw events.
//!
//! A day's rows are always rebuilt whole from its facts (never patched by deltas), so a rebuild
//! and an incremental refresh cannot disagree.

mod calendar;
mod facts;
pub mod industry;
mod rows;

pub use calendar::{day_span, local_day, month_of, week_of};
use facts::proportion;
pub use facts::{ImportedSale, RollupEvent, RollupLine, RollupOrder};
pub use rows::{BuyerRow, DayRollups, KeywordRow, ProductRow, SalesRow, TrafficRow, VisitorRow};

use std::collections::{BTreeMap, HashMap};
use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use silkroute_domain::storefront::EventKind;

/// The scope id under which the platform's own rollups (all sellers, UTC days) are kept.
pub const PLATFORM_SCOPE: &str = "*";

/// Accumulates facts into rollup rows of the local days in `days`; facts on other days are
/// ignored, so callers may pass a wider window. Rows are keyed, so facts may arrive in any number
/// of batches (a rebuild feeds a month at a time) and still give the same rows.
pub struct RollupBuilder {
    zone: Tz,
    settlement: String,
    days: RangeInclusive<NaiveDate>,
    sales: BTreeMap<(NaiveDate, String, String), SalesRow>,
    buyers: BTreeMap<(NaiveDate, String, String, String), BuyerRow>,
    products: BTreeMap<(NaiveDate, String, String), ProductRow>,
    traffic: BTreeMap<(NaiveDate, String, String, String), TrafficRow>,
    visitors: BTreeMap<(NaiveDate, String, String, String, String), bool>,
    keywords: BTreeMap<(NaiveDate, String, String), i64>,
    product_events: HashMap<(NaiveDate, String, String), (i64, i64)>,
}

impl RollupBuilder {
    /// `settlement` labels the money of product rows that have only events (a seller's
    /// currency; empty for the platform, whose product rows with sales carry each seller's own).
    pub fn new(zone: Tz, settlement: &str, days: RangeInclusive<NaiveDate>) -> RollupBuilder {
        RollupBuilder {
            zone,
            settlement: settlement.to_string(),
            days,
            sales: BTreeMap::new(),
            buyers: BTreeMap::new(),
            products: BTreeMap::new(),
            traffic: BTreeMap::new(),
            visitors: BTreeMap::new(),
            keywords: BTreeMap::new(),
            product_events: HashMap::new(),
        }
    }

    fn day_of(&self, at: DateTime<Utc>) -> Option<NaiveDate> {
        let day = local_day(self.zone, at);
        self.days.contains(&day).then_some(day)
    }

    /// Rows gathered so far (roughly: what `finish` will return).
    pub fn len(&self) -> usize {
        self.sales.len()
            + self.buyers.len()
            + self.products.len()
            + self.traffic.len()
            + self.visitors.len()
            + self.keywords.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn add_order(&mut self, order: &RollupOrder) {
        let (sales, buyers, products) = (&mut self.sales, &mut self.buyers, &mut self.products);
        let currency = order.seller_total.currency().as_str().to_string();
        let sales_key = |day: NaiveDate| (day, order.market.clone(), currency.clone());
        let placed_day = {
            let day = local_day(self.zone, order.placed_at);
            self.days.contains(&day).then_some(day)
        };
        let paid_day = order.paid_at.and_then(|at| {
            let day = local_day(self.zone, at);
            self.days.contains(&day).then_some(day)
        });
        let units = order.units();
        if let Some(day) = placed_day {
            let row = sales
                .entry(sales_key(day))
                .or_insert_with(|| empty_sales(day, &order.market, &currency));
            row.orders_placed += 1;
            row.units_placed += units;
            if order.given_back {
                row.refunded_units += units;
            }
        }
        if let Some(day) = paid_day {
            let row = sales
                .entry(sales_key(day))
                .or_insert_with(|| empty_sales(day, &order.market, &currency));
            row.paid_orders += 1;
            // Money sums saturate rather than wrap: an order is at most 10^12 minor units (the
            // platform's largest amount), so a day's sum cannot reach 64 bits in practice, and
            // if it ever did the figure would stop at the limit instead of turning negative.
            // Sums over many days are checked in the store (an out-of-range sum is a clear 422).
            row.paid_minor = row.paid_minor.saturating_add(order.seller_total.minor());
        }
        for (at, refund_minor) in &order.refunds {
            if let Some(day) = Some(local_day(self.zone, *at)).filter(|d| self.days.contains(d)) {
                let row = sales
                    .entry(sales_key(day))
                    .or_insert_with(|| empty_sales(day, &order.market, &currency));
                row.refund_minor = row
                    .refund_minor
                    .saturating_add(order.refund_in_seller_currency(*refund_minor).minor());
            }
        }
        let paid_minor = order.seller_total.minor();
        for (day, placed, paid, amount) in [(placed_day, 1, 0, 0), (paid_day, 0, 1, paid_minor)] {
            if let Some(day) = day {
                let row = buyers
                    .entry((
                        day,
                        order.buyer_id.clone(),
                        order.market.clone(),
                        currency.clone(),
                    ))
                    .or_insert_with(|| BuyerRow {
                        day,
                        buyer_id: order.buyer_id.clone(),
                        market: order.market.clone(),
                        currency: currency.clone(),
                        placed: 0,
                        paid: 0,
                        paid_minor: 0,
                    });
                row.placed += placed;
                row.paid += paid;
                row.paid_minor = row.paid_minor.saturating_add(amount);
            }
        }
        let shares = order.line_shares();
        let freight = order.freight();
        let lines_total: i64 = order.lines.iter().map(|l| l.line_total_minor).sum();
        for (line, share) in order.lines.iter().zip(shares) {
            if let Some(day) = placed_day {
                let row = product_row(products, day, line, order, &currency);
                row.units_placed += line.units;
                if order.given_back {
                    row.refunded_units += line.units;
                }
            }
            if let Some(day) = paid_day {
                let row = product_row(products, day, line, order, &currency);
                row.paid_units += line.units;
                row.paid_minor = row.paid_minor.saturating_add(share.minor());
                row.freight_minor +=
                    proportion(freight, line.line_total_minor, lines_total).minor();
            }
        }
    }

    /// An imported order counts as placed and paid on its order date (a calendar day already).
    pub fn add_imported(&mut self, sale: &ImportedSale) {
        let day = sale.ordered_on;
        if !self.days.contains(&day) {
            return;
        }
        let row = self
            .sales
            .entry((day, sale.market.clone(), sale.currency.clone()))
            .or_insert_with(|| empty_sales(day, &sale.market, &sale.currency));
        row.orders_placed += 1;
        row.units_placed += sale.units;
        row.paid_orders += 1;
        row.paid_minor = row.paid_minor.saturating_add(sale.amount_minor);
        let buyer = sale.buyer_id();
        let row = self
            .buyers
            .entry((
                day,
                buyer.clone(),
                sale.market.clone(),
                sale.currency.clone(),
            ))
            .or_insert_with(|| BuyerRow {
                day,
                buyer_id: buyer,
                market: sale.market.clone(),
                currency: sale.currency.clone(),
                placed: 0,
                paid: 0,
                paid_minor: 0,
            });
        row.placed += 1;
        row.paid += 1;
        row.paid_minor = row.paid_minor.saturating_add(sale.amount_minor);
    }

    pub fn add_event(&mut self, event: &RollupEvent) {
        let Some(day) = self.day_of(event.at) else {
            return;
        };
        let (traffic, visitors, keywords, product_events) = (
            &mut self.traffic,
            &mut self.visitors,
            &mut self.keywords,
            &mut self.product_events,
        );
        let row = traffic
            .entry((
                day,
                event.market.clone(),
                event.source.clone(),
                event.device.clone(),
            ))
            .or_insert_with(|| TrafficRow {
                day,
                market: event.market.clone(),
                source: event.source.clone(),
                device: event.device.clone(),
                ..TrafficRow::default()
            });
        match event.kind {
            EventKind::Visit => row.visits += 1,
            EventKind::ProductView => row.page_views += 1,
            EventKind::Search => row.searches += 1,
            EventKind::AddToCart => row.add_to_carts += 1,
            EventKind::CheckoutStarted => row.checkouts += 1,
        }
        let carted = visitors
            .entry((
                day,
                event.visitor_id.clone(),
                event.market.clone(),
                event.source.clone(),
                event.device.clone(),
            ))
            .or_insert(false);
        *carted |= event.kind == EventKind::AddToCart;
        if let (EventKind::Search, Some(keyword)) = (event.kind, &event.keyword) {
            *keywords
                .entry((day, keyword.clone(), event.market.clone()))
                .or_insert(0) += 1;
        }
        if let Some(product) = &event.product_id {
            let counts = product_events
                .entry((day, product.clone(), event.market.clone()))
                .or_insert((0, 0));
            match event.kind {
                EventKind::ProductView => counts.0 += 1,
                EventKind::AddToCart => counts.1 += 1,
                _ => {}
            }
        }
    }

    /// Takes out the rows of days before `cutoff`, final once every fact placed or happening
    /// before it has been added (later facts only touch their own day or later ones), so that a
    /// long rebuild holds about a window of rows, not years.
    pub fn drain_before(&mut self, cutoff: NaiveDate) -> DayRollups {
        fn early<K: Ord, V>(map: &mut BTreeMap<K, V>, at: K) -> BTreeMap<K, V> {
            let later = map.split_off(&at);
            std::mem::replace(map, later)
        }
        let e = String::new;
        RollupBuilder {
            zone: self.zone,
            settlement: self.settlement.clone(),
            days: self.days.clone(),
            sales: early(&mut self.sales, (cutoff, e(), e())),
            buyers: early(&mut self.buyers, (cutoff, e(), e(), e())),
            products: early(&mut self.products, (cutoff, e(), e())),
            traffic: early(&mut self.traffic, (cutoff, e(), e(), e())),
            visitors: early(&mut self.visitors, (cutoff, e(), e(), e(), e())),
            keywords: early(&mut self.keywords, (cutoff, e(), e())),
            product_events: self
                .product_events
                .extract_if(|(day, _, _), _| *day < cutoff)
                .collect(),
        }
        .finish()
    }

    /// The rows, sorted, so equal facts give equal rows.
    pub fn finish(self) -> DayRollups {
        let RollupBuilder {
            settlement,
            sales,
            buyers,
            mut products,
            traffic,
            visitors,
            keywords,
            product_events,
            ..
        } = self;
        for ((day, product_id, market), (views, carts)) in product_events {
            if views == 0 && carts == 0 {
                continue;
            }
            let row = products
                .entry((day, product_id.clone(), market.clone()))
                .or_insert_with(|| ProductRow {
                    day,
                    product_id,
                    market,
                    currency: settlement.clone(),
                    ..ProductRow::default()
                });
            row.page_views += views;
            row.add_to_carts += carts;
        }

        DayRollups {
            sales: sales.into_values().collect(),
            traffic: traffic.into_values().collect(),
            visitors: visitors
                .into_iter()
                .map(
                    |((day, visitor_id, market, source, device), carted)| VisitorRow {
                        day,
                        visitor_id,
                        market,
                        source,
                        device,
                        carted,
                    },
                )
                .collect(),
            buyers: buyers.into_values().collect(),
            products: products.into_values().collect(),
            keywords: keywords
                .into_iter()
                .map(|((day, keyword, market), searches)| KeywordRow {
                    day,
                    keyword,
                    market,
                    searches,
                })
                .collect(),
            ..DayRollups::default()
        }
    }
}

/// The rows of `days` (local to `zone`) from the facts given, in one go.
pub fn roll_up(
    zone: Tz,
    settlement: &str,
    days: RangeInclusive<NaiveDate>,
    orders: &[RollupOrder],
    events: &[RollupEvent],
) -> DayRollups {
    let mut builder = RollupBuilder::new(zone, settlement, days);
    for order in orders {
        builder.add_order(order);
    }
    for event in events {
        builder.add_event(event);
    }
    builder.finish()
}

fn empty_sales(day: NaiveDate, market: &str, currency: &str) -> SalesRow {
    SalesRow {
        day,
        market: market.to_string(),
        currency: currency.to_string(),
        ..SalesRow::default()
    }
}

fn product_row<'r>(
    products: &'r mut BTreeMap<(NaiveDate, String, String), ProductRow>,
    day: NaiveDate,
    line: &RollupLine,
    order: &RollupOrder,
    currency: &str,
) -> &'r mut ProductRow {
    products
        .entry((day, line.product_id.clone(), order.market.clone()))
        .or_insert_with(|| ProductRow {
            day,
            product_id: line.product_id.clone(),
            market: order.market.clone(),
            currency: currency.to_string(),
            ..ProductRow::default()
        })
}

#[cfg(test)]
mod tests;
