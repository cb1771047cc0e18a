//! The rows a rollup writes per local day: additive sums per dimension, and one row per
//! visitor and per buyer and day for distinct counts.

use chrono::NaiveDate;

use super::industry;

/// Additive order figures per day × market (× currency for the platform, whose sellers settle
/// in many).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SalesRow {
    pub day: NaiveDate,
    pub market: String,
    pub currency: String,
    pub orders_placed: i64,
    pub units_placed: i64,
    /// Units given back of the orders placed this day (refund rate's numerator).
    pub refunded_units: i64,
    pub paid_orders: i64,
    pub paid_minor: i64,
    pub refund_minor: i64,
}

/// Event counts per day × market × source × device.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrafficRow {
    pub day: NaiveDate,
    pub market: String,
    pub source: String,
    pub device: String,
    pub visits: i64,
    pub page_views: i64,
    pub searches: i64,
    pub add_to_carts: i64,
    pub checkouts: i64,
}

/// One visitor on one day through one market × source × device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorRow {
    pub day: NaiveDate,
    pub visitor_id: String,
    pub market: String,
    pub source: String,
    pub device: String,
    pub carted: bool,
}

/// One buyer on one day in one market: how many orders placed and paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuyerRow {
    pub day: NaiveDate,
    pub buyer_id: String,
    pub market: String,
    pub currency: String,
    pub placed: i64,
    pub paid: i64,
    /// What the buyer paid that day (customer analytics: spend, RFM, CLV).
    pub paid_minor: i64,
}

/// Per product per day × market: its funnel and its sales.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductRow {
    pub day: NaiveDate,
    pub product_id: String,
    pub market: String,
    pub currency: String,
    pub page_views: i64,
    pub add_to_carts: i64,
    pub units_placed: i64,
    pub refunded_units: i64,
    pub paid_units: i64,
    pub paid_minor: i64,
    /// The shipping inside `paid_minor`.
    pub freight_minor: i64,
}

/// Searches per day × keyword × market (for the industry's hot keywords).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeywordRow {
    pub day: NaiveDate,
    pub keyword: String,
    pub market: String,
    pub searches: i64,
}

/// Every rollup row of some days of one scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayRollups {
    pub sales: Vec<SalesRow>,
    pub traffic: Vec<TrafficRow>,
    pub visitors: Vec<VisitorRow>,
    pub buyers: Vec<BuyerRow>,
    pub products: Vec<ProductRow>,
    pub keywords: Vec<KeywordRow>,
    /// Platform scope only (see [`industry`]).
    pub categories: Vec<industry::CategoryRow>,
    pub category_visitors: Vec<industry::CategoryVisitorRow>,
    pub searchers: Vec<industry::SearcherRow>,
}
