//! What the two sqlx backends share besides the trait: decoding a row into a domain record,
//! mapping driver errors, and the statements both dialects accept alike. Both backends select the
//! same column names, so one generic decoder per record serves SQLite and PostgreSQL; shared
//! statements are macros (`order_store!`, `stock_store!`, `order_import_store!`) that each
//! backend expands with its own types, so a change to an order statement is made once.

mod analytics_store;
mod auth_store;
mod catalog_store;
mod fact_store;
mod import_store;
pub mod order_snapshot;
mod order_store;
mod order_writes;
mod orders;
mod party_store;
mod rollup_facts;
mod rollup_industry;
mod rollup_products;
mod rollup_recency;
mod rollup_streams;
mod rollup_writes;
mod stock_store;
mod storefront_store;

use chrono::{DateTime, Utc};
pub use orders::{
    order, order_event, order_line, order_return, payment, quote, refund, stock_level, to_json,
    warehouse,
};
use silkroute_domain::catalog::Product;
use silkroute_domain::party::{Buyer, Seller};
use silkroute_store::rows::{BuyerRow, ProductRow, SellerRow, TokenRow};
use silkroute_store::{StoreError, StoreResult, TokenRecord};
use sqlx::{ColumnIndex, Database, Decode, Row, Type};
pub use stock_store::STOCK_AUDIT_SQL;

/// A unique-key clash is a conflict the app can explain; anything else keeps its cause for the log.
pub fn backend_error(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(database_error) = &error
        && database_error.is_unique_violation()
    {
        return StoreError::Conflict(database_error.message().to_string());
    }
    // PostgreSQL aborts one side of a deadlock or serialisation failure; a retry may succeed.
    if let sqlx::Error::Database(database_error) = &error
        && matches!(database_error.code().as_deref(), Some("40P01" | "40001"))
    {
        return StoreError::Conflict("a concurrent change got there first; retry".to_string());
    }
    StoreError::Backend(Box::new(error))
}

/// The column types every record uses, decodable from the backend's rows.
pub trait RecordRow: Row
where
    for<'a> &'a str: ColumnIndex<Self>,
{
    fn text(&self, column: &str) -> StoreResult<String>;
    fn optional_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn integer(&self, column: &str) -> StoreResult<i64>;
    fn time(&self, column: &str) -> StoreResult<DateTime<Utc>>;
    fn optional_time(&self, column: &str) -> StoreResult<Option<DateTime<Utc>>>;
    /// A column's bytes whatever its declared type (a text column holding text or a blob).
    fn bytes(&self, column: &str) -> StoreResult<Vec<u8>>;
}

impl<R> RecordRow for R
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> DateTime<Utc>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
    R::Database: Database,
{
    fn text(&self, column: &str) -> StoreResult<String> {
        self.try_get(column).map_err(backend_error)
    }

    fn optional_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.try_get(column).map_err(backend_error)
    }

    fn integer(&self, column: &str) -> StoreResult<i64> {
        self.try_get(column).map_err(backend_error)
    }

    fn time(&self, column: &str) -> StoreResult<DateTime<Utc>> {
        self.try_get(column).map_err(backend_error)
    }

    fn optional_time(&self, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
        self.try_get(column).map_err(backend_error)
    }

    fn bytes(&self, column: &str) -> StoreResult<Vec<u8>> {
        self.try_get_unchecked(column).map_err(backend_error)
    }
}

pub fn seller<R: RecordRow>(row: &R) -> StoreResult<Seller>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    SellerRow {
        seller_id: row.text("seller_id")?,
        name: row.text("name")?,
        country: row.text("country")?,
        business_model: row.text("business_model")?,
        settlement_currency: row.text("settlement_currency")?,
        commission_bps: row.integer("commission_bps")?,
        time_zone: row.text("time_zone")?,
        created_at: row.time("created_at")?,
    }
    .into_seller()
}

pub fn buyer<R: RecordRow>(row: &R) -> StoreResult<Buyer>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    BuyerRow {
        buyer_id: row.text("buyer_id")?,
        name: row.text("name")?,
        country: row.text("country")?,
        kind: row.text("kind")?,
        vat_id: row.optional_text("vat_id")?,
        created_at: row.time("created_at")?,
    }
    .into_buyer()
}

pub fn product<R: RecordRow>(row: &R) -> StoreResult<Product>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    ProductRow {
        seller_id: row.text("seller_id")?,
        product_id: row.text("product_id")?,
        sku: row.text("sku")?,
        titles: row.text("titles")?,
        category: row.text("category")?,
        hs_code: row.text("hs_code")?,
        origin_country: row.text("origin_country")?,
        weight_g: row.integer("weight_g")?,
        length_mm: row.integer("length_mm")?,
        width_mm: row.integer("width_mm")?,
        height_mm: row.integer("height_mm")?,
        gtin: row.optional_text("gtin")?,
        currency: row.text("currency")?,
        base_price_minor: row.integer("base_price_minor")?,
        unit_cost_minor: row.integer("unit_cost_minor")?,
        moq: row.integer("moq")?,
        tier_prices: row.text("tier_prices")?,
        market_prices: row.text("market_prices")?,
        status: row.text("status")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    }
    .into_product()
}

pub fn token<R: RecordRow>(row: &R) -> StoreResult<TokenRecord>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    TokenRow {
        token_id: row.text("token_id")?,
        token_hash: row.text("token_hash")?,
        role: row.text("role")?,
        seller_id: row.optional_text("seller_id")?,
        buyer_id: row.optional_text("buyer_id")?,
        label: row.text("label")?,
        created_at: row.time("created_at")?,
        revoked_at: row.optional_time("revoked_at")?,
    }
    .into_token()
}
