//! Decoders for the party, catalog and token records, and the column reader they share. Both
//! backends select the same column names, so one generic decoder per record serves SQLite and
//! PostgreSQL; what comes back is parsed into domain types, never trusted.

use chrono::{DateTime, Utc};
use silkroute_domain::catalog::Product;
use silkroute_domain::party::{Buyer, Seller};
use silkroute_store::rows::{BuyerRow, ProductRow, SellerRow, TokenRow};
use silkroute_store::{StoreResult, TokenRecord};
use sqlx::{ColumnIndex, Database, Decode, Row, Type};

use crate::backend_error;

/// The column types every record uses, decodable from the backend's rows.
pub trait RecordRow: Row
where
    for<'a> &'a str: ColumnIndex<Self>,
{
    fn text(&self, column: &str) -> StoreResult<String>;
    fn optional_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn integer(&self, column: &str) -> StoreResult<i64>;
    fn optional_integer(&self, column: &str) -> StoreResult<Option<i64>>;
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

    fn optional_integer(&self, column: &str) -> StoreResult<Option<i64>> {
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
