//! Rollup storage: the facts a day's rollups are built from, the rollup rows themselves, and the
//! grouped sums dashboards read. What the rows mean is `silkroute_analytics::rollup`'s business.

use chrono::{DateTime, NaiveDate, Utc};

/// Which rows a rollup query reads: one scope (a seller id or the platform's `*`), the local days
/// `[first, last]`, optionally one market.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupSlice {
    pub scope: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub market: Option<String>,
}

/// How a rollup query groups its sums; `None` gives one row for the whole slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RollupGroup {
    None,
    Day,
    Week,
    Month,
    Market,
    Source,
    Device,
}

impl RollupGroup {
    /// The rollup column it groups by.
    pub fn column(self) -> Option<&'static str> {
        match self {
            RollupGroup::None => None,
            RollupGroup::Day => Some("day"),
            RollupGroup::Week => Some("week"),
            RollupGroup::Month => Some("month"),
            RollupGroup::Market => Some("market"),
            RollupGroup::Source => Some("source"),
            RollupGroup::Device => Some("device"),
        }
    }

    /// Orders carry no traffic source or device (a buyer is not tied to a visitor), so order
    /// figures cannot be split by them.
    pub fn splits_orders(self) -> bool {
        !matches!(self, RollupGroup::Source | RollupGroup::Device)
    }
}

/// The counts of one group (`key` is the group's day, market, source or device as text; empty
/// for an ungrouped slice). Order counts are `None` where the grouping cannot split orders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RollupCounts {
    pub key: String,
    pub visitors: i64,
    pub carting_visitors: i64,
    pub visits: i64,
    pub page_views: i64,
    pub searches: i64,
    pub add_to_carts: i64,
    pub checkouts: i64,
    pub orders: Option<OrderCounts>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderCounts {
    pub ordering_buyers: i64,
    pub paid_buyers: i64,
    pub orders_placed: i64,
    pub units_placed: i64,
    pub refunded_units: i64,
    pub paid_orders: i64,
}

/// Money of one group, per day and settlement currency, so that it can be converted at each
/// day's rate when a reporting currency is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupMoney {
    pub key: String,
    pub day: NaiveDate,
    pub currency: String,
    pub paid_minor: i64,
    pub refund_minor: i64,
}

/// An order that changed since a watermark, with the instants whose days it touches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedOrder {
    pub seller_id: String,
    pub placed_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// An event received since a watermark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedEvent {
    pub seller_id: Option<String>,
    pub at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
}

/// The first and last instants a scope has facts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FactSpan {
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

/// Per product sums over a slice (the product table of the seller center).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductSums {
    pub product_id: String,
    pub currency: String,
    pub page_views: i64,
    pub add_to_carts: i64,
    pub units_placed: i64,
    pub refunded_units: i64,
    pub paid_units: i64,
    pub paid_minor: i64,
    pub freight_minor: i64,
}

/// One product's daily paid units (its sparkline and sales velocity).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductDay {
    pub product_id: String,
    pub day: NaiveDate,
    pub paid_units: i64,
    pub units_placed: i64,
}

/// The two streams the refresh job follows.
pub const ORDER_STREAM: &str = "orders";
pub const EVENT_STREAM: &str = "events";

/// One buyer's paid orders on one day (customer analytics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuyerDay {
    pub buyer_id: String,
    pub day: NaiveDate,
    pub currency: String,
    pub paid_orders: i64,
    pub paid_minor: i64,
}

/// A category's sums over a slice of the platform's industry rollups.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CategoryCounts {
    pub category: String,
    /// Sellers with a view or a paid order in the category: what privacy rules count.
    pub sellers: i64,
    pub visitors: i64,
    pub page_views: i64,
    pub paid_orders: i64,
    pub paid_units: i64,
}

/// A keyword's sums over a slice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeywordCounts {
    pub keyword: String,
    pub searches: i64,
    pub searchers: i64,
    /// Searchers who viewed a product after searching (same session).
    pub clickers: i64,
    /// Searchers who started a checkout after searching (same session).
    pub purchasers: i64,
}

/// Active listings (supply) of a category or matching a keyword, and how many sellers list them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Supply {
    pub key: String,
    pub listings: i64,
    pub sellers: i64,
}
