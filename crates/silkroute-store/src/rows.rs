//! Flat row shapes shared by both backends: each backend reads its driver's row into one of these
//! plain structs, and the conversion to and from domain values — with its validation of what
//! comes back from disk — is written once, here.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use silkroute_domain::catalog::{DimensionsMm, MarketPrice, Product, ProductStatus, TierPrice};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::PublishedRate;
use silkroute_domain::hs::HsCode;
use silkroute_domain::identifiers::Gtin;
use silkroute_domain::ids::{BuyerId, ProductId, SellerId, TokenId};
use silkroute_domain::money::Money;
use silkroute_domain::party::{BusinessModel, Buyer, BuyerKind, Seller};

use crate::{StoreError, TokenRecord};

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}

fn number<T: TryFrom<i64>>(what: &str, value: i64) -> Result<T, StoreError> {
    T::try_from(value).map_err(|_| corrupt(what, format!("{value} out of range")))
}

#[derive(Clone, Debug)]
pub struct SellerRow {
    pub seller_id: String,
    pub name: String,
    pub country: String,
    pub business_model: String,
    pub settlement_currency: String,
    pub commission_bps: i64,
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
}

impl SellerRow {
    pub fn from_seller(seller: &Seller) -> SellerRow {
        SellerRow {
            seller_id: seller.id.to_string(),
            name: seller.name.clone(),
            country: seller.country.as_str().to_string(),
            business_model: seller.business_model.as_str().to_string(),
            settlement_currency: seller.settlement_currency.as_str().to_string(),
            commission_bps: i64::from(seller.commission_bps),
            time_zone: seller.time_zone.clone(),
            created_at: seller.created_at,
        }
    }

    pub fn into_seller(self) -> Result<Seller, StoreError> {
        Ok(Seller {
            id: SellerId::parse(&self.seller_id).map_err(|e| corrupt("seller id", e))?,
            name: self.name,
            country: CountryCode::parse(&self.country).map_err(|e| corrupt("seller country", e))?,
            business_model: BusinessModel::parse(&self.business_model)
                .ok_or_else(|| corrupt("business model", &self.business_model))?,
            settlement_currency: CurrencyCode::parse(&self.settlement_currency)
                .map_err(|e| corrupt("settlement currency", e))?,
            commission_bps: number("commission", self.commission_bps)?,
            time_zone: self.time_zone,
            created_at: self.created_at,
        })
    }
}

#[derive(Clone, Debug)]
pub struct BuyerRow {
    pub buyer_id: String,
    pub name: String,
    pub country: String,
    pub kind: String,
    pub vat_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl BuyerRow {
    pub fn from_buyer(buyer: &Buyer) -> BuyerRow {
        BuyerRow {
            buyer_id: buyer.id.to_string(),
            name: buyer.name.clone(),
            country: buyer.country.as_str().to_string(),
            kind: buyer.kind.as_str().to_string(),
            vat_id: buyer.vat_id.clone(),
            created_at: buyer.created_at,
        }
    }

    pub fn into_buyer(self) -> Result<Buyer, StoreError> {
        Ok(Buyer {
            id: BuyerId::parse(&self.buyer_id).map_err(|e| corrupt("buyer id", e))?,
            name: self.name,
            country: CountryCode::parse(&self.country).map_err(|e| corrupt("buyer country", e))?,
            kind: BuyerKind::parse(&self.kind).ok_or_else(|| corrupt("buyer kind", &self.kind))?,
            vat_id: self.vat_id,
            created_at: self.created_at,
        })
    }
}

#[derive(Clone, Debug)]
pub struct ProductRow {
    pub seller_id: String,
    pub product_id: String,
    pub sku: String,
    pub titles: String,
    pub category: String,
    pub hs_code: String,
    pub origin_country: String,
    pub weight_g: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub gtin: Option<String>,
    pub currency: String,
    pub base_price_minor: i64,
    pub unit_cost_minor: i64,
    pub moq: i64,
    pub tier_prices: String,
    pub market_prices: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProductRow {
    pub fn from_product(product: &Product) -> Result<ProductRow, StoreError> {
        let json =
            |what: &str, value: &dyn erased::Json| value.to_json().map_err(|e| corrupt(what, e));
        Ok(ProductRow {
            seller_id: product.seller_id.to_string(),
            product_id: product.id.to_string(),
            sku: product.sku.clone(),
            titles: json("titles", &product.titles)?,
            category: product.category.clone(),
            hs_code: product.hs_code.as_str().to_string(),
            origin_country: product.origin_country.as_str().to_string(),
            weight_g: i64::from(product.weight_g),
            length_mm: i64::from(product.dimensions_mm.length),
            width_mm: i64::from(product.dimensions_mm.width),
            height_mm: i64::from(product.dimensions_mm.height),
            gtin: product.gtin.as_ref().map(|gtin| gtin.as_str().to_string()),
            currency: product.base_price.currency().as_str().to_string(),
            base_price_minor: product.base_price.minor(),
            unit_cost_minor: product.unit_cost.minor(),
            moq: i64::from(product.moq),
            tier_prices: json("tier prices", &product.tier_prices)?,
            market_prices: json("market prices", &product.market_prices)?,
            status: product.status.as_str().to_string(),
            created_at: product.created_at,
            updated_at: product.updated_at,
        })
    }

    pub fn into_product(self) -> Result<Product, StoreError> {
        let currency =
            CurrencyCode::parse(&self.currency).map_err(|e| corrupt("product currency", e))?;
        let tier_prices: Vec<TierPrice> =
            serde_json::from_str(&self.tier_prices).map_err(|e| corrupt("tier prices", e))?;
        let market_prices: Vec<MarketPrice> =
            serde_json::from_str(&self.market_prices).map_err(|e| corrupt("market prices", e))?;
        Ok(Product {
            id: ProductId::parse(&self.product_id).map_err(|e| corrupt("product id", e))?,
            seller_id: SellerId::parse(&self.seller_id).map_err(|e| corrupt("seller id", e))?,
            sku: self.sku,
            titles: serde_json::from_str(&self.titles).map_err(|e| corrupt("titles", e))?,
            category: self.category,
            hs_code: HsCode::parse(&self.hs_code).map_err(|e| corrupt("hs code", e))?,
            origin_country: CountryCode::parse(&self.origin_country)
                .map_err(|e| corrupt("origin", e))?,
            weight_g: number("weight", self.weight_g)?,
            dimensions_mm: DimensionsMm {
                length: number("length", self.length_mm)?,
                width: number("width", self.width_mm)?,
                height: number("height", self.height_mm)?,
            },
            gtin: self
                .gtin
                .map(|gtin| Gtin::parse(&gtin).map_err(|e| corrupt("gtin", e)))
                .transpose()?,
            base_price: Money::from_minor(self.base_price_minor, currency),
            unit_cost: Money::from_minor(self.unit_cost_minor, currency),
            moq: number("moq", self.moq)?,
            tier_prices,
            market_prices,
            status: ProductStatus::parse(&self.status)
                .ok_or_else(|| corrupt("product status", &self.status))?,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Lets one closure serialise the different JSON-column values of a product.
mod erased {
    pub trait Json {
        fn to_json(&self) -> Result<String, serde_json::Error>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Result<String, serde_json::Error> {
            serde_json::to_string(self)
        }
    }
}

#[derive(Clone, Debug)]
pub struct TokenRow {
    pub token_id: String,
    pub token_hash: String,
    pub role: String,
    pub seller_id: Option<String>,
    pub buyer_id: Option<String>,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    pub fn from_token(token: &TokenRecord) -> TokenRow {
        TokenRow {
            token_id: token.id.to_string(),
            token_hash: token.token_hash.clone(),
            role: token.role.clone(),
            seller_id: token.seller_id.as_ref().map(ToString::to_string),
            buyer_id: token.buyer_id.as_ref().map(ToString::to_string),
            label: token.label.clone(),
            created_at: token.created_at,
            revoked_at: token.revoked_at,
        }
    }

    pub fn into_token(self) -> Result<TokenRecord, StoreError> {
        Ok(TokenRecord {
            id: TokenId::parse(&self.token_id).map_err(|e| corrupt("token id", e))?,
            token_hash: self.token_hash,
            role: self.role,
            seller_id: self
                .seller_id
                .map(|id| SellerId::parse(&id).map_err(|e| corrupt("token seller", e)))
                .transpose()?,
            buyer_id: self
                .buyer_id
                .map(|id| BuyerId::parse(&id).map_err(|e| corrupt("token buyer", e)))
                .transpose()?,
            label: self.label,
            created_at: self.created_at,
            revoked_at: self.revoked_at,
        })
    }
}

/// Rates are kept as decimal text on SQLite and NUMERIC on PostgreSQL; both read back as text.
pub fn published_rate(
    currency: &str,
    date: NaiveDate,
    per_eur: &str,
) -> Result<PublishedRate, StoreError> {
    Ok(PublishedRate {
        currency: CurrencyCode::parse(currency).map_err(|e| corrupt("fx currency", e))?,
        date,
        per_eur: per_eur
            .parse::<Decimal>()
            .map_err(|e| corrupt("fx rate", e))?
            .normalize(),
    })
}
