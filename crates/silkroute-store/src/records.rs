//! Records that exist only because of storage concerns (tokens, filters, counts);
//! the trade's own nouns live in the domain crate.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use silkroute_domain::ids::{BuyerId, SellerId, TokenId};

#[derive(Clone, Debug, PartialEq)]
pub struct TokenRecord {
    pub id: TokenId,
    /// SHA-256 of the secret: the secret itself is shown once and never stored.
    pub token_hash: String,
    pub role: String,
    pub seller_id: Option<SellerId>,
    pub buyer_id: Option<BuyerId>,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductFilter {
    pub seller_id: Option<SellerId>,
    pub category: Option<String>,
    /// Catalog listings show active products only; a seller's own list shows all.
    pub active_only: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FxCoverage {
    pub rates: i64,
    pub currencies: i64,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    pub sellers: i64,
    pub buyers: i64,
    pub products: i64,
    pub fx_rates: i64,
    pub market_rules: i64,
    pub orders: i64,
    pub storefront_events: i64,
}
