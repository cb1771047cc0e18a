//! The catalog: products as a seller lists them once and sells them everywhere. A product carries
//! what customs needs (HS code, origin, weight, value) next to what buyers see (titles, prices),
//! because a cross-border listing that lacks either cannot be quoted or shipped.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::country::CountryCode;
use crate::hs::HsCode;
use crate::identifiers::Gtin;
use crate::ids::{ProductId, SellerId};
use crate::money::Money;

mod input;

pub use input::{
    DimensionsInput, MarketPriceInput, PriceInput, PriceMoneyInput, ProductInput, ProductSpec,
    TierPriceInput, parse_product,
};

/// Parcels above 70 kg or 3 m leave the small-parcel network; we refuse them as listings.
pub const MAX_WEIGHT_G: i64 = 70_000;
pub const MAX_SIDE_MM: i64 = 3_000;
pub const MAX_TIER_PRICES: usize = 10;

/// Length × width × height in millimetres, as carriers rate volumetric weight from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DimensionsMm {
    pub length: u32,
    pub width: u32,
    pub height: u32,
}

/// A B2B price break: from `min_quantity` units on, each unit costs `unit_price`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TierPrice {
    pub min_quantity: u32,
    pub unit_price: Money,
}

/// A price the seller set for one destination market, in that market's currency, overriding
/// the converted base price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MarketPrice {
    pub market: CountryCode,
    pub price: Money,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Active,
    Archived,
}

impl ProductStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ProductStatus::Active => "active",
            ProductStatus::Archived => "archived",
        }
    }

    pub fn parse(value: &str) -> Option<ProductStatus> {
        match value {
            "active" => Some(ProductStatus::Active),
            "archived" => Some(ProductStatus::Archived),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Product {
    #[schema(value_type = String, example = "prd_01JD6Z0000000000000000000A")]
    pub id: ProductId,
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    pub sku: String,
    /// Titles keyed by ISO 639-1 language code.
    pub titles: BTreeMap<String, String>,
    pub category: String,
    #[schema(value_type = String, example = "610910")]
    pub hs_code: HsCode,
    #[schema(value_type = String, example = "CN")]
    pub origin_country: CountryCode,
    pub weight_g: u32,
    pub dimensions_mm: DimensionsMm,
    #[schema(value_type = Option<String>)]
    pub gtin: Option<Gtin>,
    /// In the seller's settlement currency.
    pub base_price: Money,
    pub unit_cost: Money,
    /// Minimum order quantity (1 for retail listings).
    pub moq: u32,
    pub tier_prices: Vec<TierPrice>,
    pub market_prices: Vec<MarketPrice>,
    pub status: ProductStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The unit price for a quantity: the deepest price break reached, else the base price.
pub fn unit_price_for(product: &Product, quantity: u32) -> Money {
    product
        .tier_prices
        .iter()
        .rev()
        .find(|tier| quantity >= tier.min_quantity)
        .map(|tier| tier.unit_price)
        .unwrap_or(product.base_price)
}
