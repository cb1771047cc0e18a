//! The facts a rollup is built from, as the store loads them: orders with their lines and
//! refunds, imported sales, and storefront events.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use silkroute_domain::money::{Money, RoundingMode};
use silkroute_domain::storefront::EventKind;

/// One order line as rollups need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupLine {
    pub product_id: String,
    pub units: i64,
    /// The line total in the order's (buyer) currency, minor units.
    pub line_total_minor: i64,
}

/// One order with its payment and refunds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupOrder {
    pub order_id: String,
    pub seller_id: String,
    pub buyer_id: String,
    /// Destination country: the order's market.
    pub market: String,
    pub placed_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    /// What the buyer paid, in the buyer's currency (minor units): the denominator of the
    /// proportion a refund takes from the seller's amount.
    pub total_minor: i64,
    /// Goods and shipping in the seller's settlement currency at the locked rate.
    pub seller_total: Money,
    /// The buyer-currency goods and shipping, whose proportion splits `seller_total`.
    pub goods_minor: i64,
    pub shipping_minor: i64,
    /// Refunds with their time, in the buyer's currency (minor units).
    pub refunds: Vec<(DateTime<Utc>, i64)>,
    /// Refunded in full or returned: every unit counts as given back.
    pub given_back: bool,
    pub lines: Vec<RollupLine>,
}

impl RollupOrder {
    pub fn units(&self) -> i64 {
        self.lines.iter().map(|line| line.units).sum()
    }

    /// A refund in the seller's currency: the share of the buyer's total it gave back, applied
    /// to the seller's amount (the order's locked proportion), banker's rounding.
    pub fn refund_in_seller_currency(&self, refund_minor: i64) -> Money {
        proportion(self.seller_total, refund_minor, self.total_minor)
    }

    /// The shipping part of the seller's amount (passed on to the carrier).
    pub fn freight(&self) -> Money {
        proportion(
            self.seller_total,
            self.shipping_minor,
            self.goods_minor.saturating_add(self.shipping_minor),
        )
    }

    /// Each line's share of the seller's amount (shipping spread by line value), so that the
    /// products' paid amounts add up to the store's.
    pub fn line_shares(&self) -> Vec<Money> {
        let lines_total: i64 = self.lines.iter().map(|line| line.line_total_minor).sum();
        self.lines
            .iter()
            .map(|line| proportion(self.seller_total, line.line_total_minor, lines_total))
            .collect()
    }
}

pub(super) fn proportion(amount: Money, part: i64, whole: i64) -> Money {
    if whole <= 0 || part == 0 {
        return Money::zero(amount.currency());
    }
    amount
        .checked_mul_decimal(
            Decimal::from(part) / Decimal::from(whole),
            RoundingMode::HalfEven,
        )
        .unwrap_or_else(|_| Money::zero(amount.currency()))
}

/// An order a seller brought from another platform (`silkroute import orders`): placed and
/// paid on its order date, in its own currency, by a buyer known only by that platform's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedSale {
    pub buyer_reference: String,
    pub market: String,
    pub ordered_on: NaiveDate,
    pub currency: String,
    pub amount_minor: i64,
    pub units: i64,
}

impl ImportedSale {
    /// Imported buyers are kept apart from the platform's own (`imported:` + their name there).
    pub fn buyer_id(&self) -> String {
        format!("imported:{}", self.buyer_reference)
    }
}

/// One storefront event as rollups need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupEvent {
    pub seller_id: Option<String>,
    pub visitor_id: String,
    pub session_id: String,
    pub kind: EventKind,
    pub product_id: Option<String>,
    pub keyword: Option<String>,
    pub market: String,
    pub source: String,
    pub device: String,
    pub at: DateTime<Utc>,
}
