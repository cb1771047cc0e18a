//! The raw facts analytics are computed from, read in keyset pages for `silkroute export facts`,
//! so that anyone can recompute every figure with another tool.

use chrono::{DateTime, NaiveDate, Utc};

/// One order with what its metrics need; money in minor units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderFactRow {
    pub order_id: String,
    pub seller_id: String,
    pub buyer_id: String,
    pub destination: String,
    pub status: String,
    pub placed_at: DateTime<Utc>,
    /// When the payment was captured, if it was.
    pub paid_at: Option<DateTime<Utc>>,
    pub currency: String,
    pub total_minor: i64,
    pub refunded_minor: i64,
    pub seller_currency: String,
    pub seller_total_minor: i64,
    pub units: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventFactRow {
    pub event_id: String,
    pub seller_id: Option<String>,
    pub visitor_id: String,
    pub session_id: String,
    pub kind: String,
    pub product_id: Option<String>,
    pub keyword: Option<String>,
    pub market: String,
    pub source: String,
    pub device: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedFactRow {
    pub seller_id: String,
    pub external_id: String,
    pub buyer_reference: String,
    pub buyer_country: String,
    pub ordered_on: NaiveDate,
    pub currency: String,
    pub amount_minor: i64,
    pub quantity: i64,
    pub sku: Option<String>,
}

/// One refund with what converting it into the seller's currency needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundFactRow {
    pub refund_id: String,
    pub order_id: String,
    pub seller_id: String,
    pub refunded_at: DateTime<Utc>,
    pub amount_minor: i64,
    /// The order's buyer total and seller total: the proportion the refund is converted at.
    pub order_total_minor: i64,
    pub seller_currency: String,
    pub seller_total_minor: i64,
}
