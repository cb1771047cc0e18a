//! Listing products and showing them to buyers. Sellers manage only their own products; the
//! public catalog prices every listing in the buyer's market currency — the seller's own price for
//! that market when set, otherwise the base price converted at today's rate plus the platform
//! spread — and shows the rate used.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use silkroute_domain::catalog::{self, Product, ProductInput, ProductSpec};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::{self, PublishedRate};
use silkroute_domain::ids::{ProductId, SellerId};
use silkroute_domain::money::{Money, RoundingMode};
use silkroute_store::{Page, PageRequest, ProductFilter};
use utoipa::ToSchema;

use crate::auth::new_ulid;
use crate::{App, AppError, AppResult, Principal};

#[derive(Clone, Debug, Default)]
pub struct ProductListQuery {
    pub category: Option<String>,
    /// Admin only: restrict to one seller.
    pub seller_id: Option<String>,
}

/// How a catalog price came about.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CatalogPrice {
    pub amount: Money,
    /// `market_price` (set by the seller for this market) or `converted`.
    pub source: &'static str,
    /// Effective rate from the seller's currency, spread included; absent for market prices.
    #[schema(value_type = Option<String>)]
    pub rate: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub mid_rate: Option<Decimal>,
    pub rate_date: Option<NaiveDate>,
    pub spread_bps: Option<u32>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CatalogEntry {
    #[schema(value_type = String)]
    pub product_id: ProductId,
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    pub sku: String,
    pub title: String,
    pub category: String,
    pub hs_code: String,
    pub origin_country: CountryCode,
    pub weight_g: u32,
    pub gtin: Option<String>,
    pub moq: u32,
    pub price: CatalogPrice,
    pub base_price: Money,
}

fn market_currency(country: CountryCode) -> Option<CurrencyCode> {
    country
        .info()
        .currency
        .and_then(|code| CurrencyCode::parse(code).ok())
}

impl App {
    /// Resolves whose products a caller acts on: its own for a seller, the named one for an admin.
    fn acting_seller(&self, principal: &Principal, seller_id: Option<&str>) -> AppResult<SellerId> {
        match (principal, seller_id) {
            (Principal::Seller { seller_id: own, .. }, None) => Ok(own.clone()),
            (Principal::Seller { seller_id: own, .. }, Some(asked)) if own.as_str() == asked => {
                Ok(own.clone())
            }
            (Principal::Seller { .. }, Some(_)) => Err(AppError::NotFound("seller")),
            (Principal::Admin { .. }, Some(asked)) => SellerId::parse(asked)
                .map_err(|error| AppError::field("seller_id", error.to_string())),
            (Principal::Admin { .. }, None) => Err(AppError::field(
                "seller_id",
                "an admin must name the seller the product belongs to",
            )),
            (Principal::Buyer { .. }, _) => {
                Err(AppError::Forbidden("buyers cannot manage listings"))
            }
        }
    }

    pub async fn create_product(
        &self,
        principal: &Principal,
        seller_id: Option<&str>,
        input: ProductInput,
    ) -> AppResult<Product> {
        let seller_id = self.acting_seller(principal, seller_id)?;
        let seller = self
            .store
            .get_seller(&seller_id)
            .await?
            .ok_or(AppError::NotFound("seller"))?;
        let spec = catalog::parse_product(input, seller.settlement_currency, market_currency, None)
            .map_err(AppError::Invalid)?;
        let id = ProductId::new(new_ulid(self));
        let now = self.now();
        let product = spec.into_product(id, seller_id, now, now);
        match self
            .store
            .insert_products(std::slice::from_ref(&product))
            .await
        {
            Ok(()) => Ok(product),
            Err(silkroute_store::StoreError::Conflict(_)) => Err(AppError::field(
                "sku",
                format!("the seller already lists SKU {}", product.sku),
            )),
            Err(error) => Err(error.into()),
        }
    }

    pub async fn update_product(
        &self,
        principal: &Principal,
        id: &str,
        input: ProductInput,
    ) -> AppResult<Product> {
        let existing = self.get_product(principal, id).await?;
        let seller = self
            .store
            .get_seller(&existing.seller_id)
            .await?
            .ok_or(AppError::NotFound("seller"))?;
        let spec = catalog::parse_product(
            input,
            seller.settlement_currency,
            market_currency,
            Some(ProductSpec::of(&existing)),
        )
        .map_err(AppError::Invalid)?;
        let product = spec.into_product(
            existing.id.clone(),
            existing.seller_id.clone(),
            existing.created_at,
            self.now(),
        );
        match self.store.update_product(&product).await {
            Ok(true) => Ok(product),
            Ok(false) => Err(AppError::NotFound("product")),
            Err(silkroute_store::StoreError::Conflict(_)) => Err(AppError::field(
                "sku",
                format!("the seller already lists SKU {}", product.sku),
            )),
            Err(error) => Err(error.into()),
        }
    }

    /// A product the caller may manage; another seller's product is "not found", never
    /// "forbidden", so that ids do not leak.
    pub async fn get_product(&self, principal: &Principal, id: &str) -> AppResult<Product> {
        let scope = principal
            .seller_scope()
            .map_err(|_| AppError::NotFound("product"))?;
        let id = ProductId::parse(id).map_err(|_| AppError::NotFound("product"))?;
        self.store
            .get_product(scope, &id)
            .await?
            .ok_or(AppError::NotFound("product"))
    }

    pub async fn list_products(
        &self,
        principal: &Principal,
        query: &ProductListQuery,
        page: &PageRequest,
    ) -> AppResult<Page<Product>> {
        let seller_id = match principal.seller_scope()? {
            Some(own) => {
                if query
                    .seller_id
                    .as_deref()
                    .is_some_and(|asked| asked != own.as_str())
                {
                    return Err(AppError::NotFound("seller"));
                }
                Some(own.clone())
            }
            None => query
                .seller_id
                .as_deref()
                .map(|id| {
                    SellerId::parse(id).map_err(|e| AppError::field("seller_id", e.to_string()))
                })
                .transpose()?,
        };
        let filter = ProductFilter {
            seller_id,
            category: query.category.clone(),
            active_only: false,
        };
        Ok(self.store.list_products(&filter, page).await?)
    }

    /// The public catalog for one destination market.
    pub async fn catalog(
        &self,
        market: &str,
        category: Option<String>,
        language: Option<&str>,
        page: &PageRequest,
    ) -> AppResult<Page<CatalogEntry>> {
        let country =
            CountryCode::parse(market).map_err(|e| AppError::field("market", e.to_string()))?;
        let currency = market_currency(country).ok_or_else(|| {
            AppError::field("market", format!("{country} has no tradeable currency"))
        })?;
        if let Some(category) = &category
            && silkroute_domain::category::category(category).is_none()
        {
            return Err(AppError::field(
                "category",
                format!("unknown category '{category}'"),
            ));
        }
        let filter = ProductFilter {
            seller_id: None,
            category,
            active_only: true,
        };
        let products = self.store.list_products(&filter, page).await?;
        let date = self
            .pricing_date()
            .unwrap_or_else(|| self.now().date_naive());
        let spread_bps = self.config.buyer_spread_bps;
        let policy = self.config.fx_policy(None, spread_bps);
        let to_leg = self.fx_leg(currency, date, &policy).await?;
        let mut legs: HashMap<CurrencyCode, PublishedRate> = HashMap::new();
        let mut entries = Vec::with_capacity(products.items.len());
        for product in products.items {
            let price = match product
                .market_prices
                .iter()
                .find(|price| price.market == country)
            {
                Some(market_price) => CatalogPrice {
                    amount: market_price.price,
                    source: "market_price",
                    rate: None,
                    mid_rate: None,
                    rate_date: None,
                    spread_bps: None,
                },
                None => {
                    let from = product.base_price.currency();
                    let from_leg = match legs.get(&from) {
                        Some(leg) => *leg,
                        None => {
                            let leg = self.fx_leg(from, date, &policy).await?;
                            legs.insert(from, leg);
                            leg
                        }
                    };
                    let conversion = fx::convert_price(
                        product.base_price,
                        currency,
                        &from_leg,
                        &to_leg,
                        &policy,
                        RoundingMode::HalfEven,
                    )
                    .map_err(|error| AppError::Unavailable(error.to_string()))?;
                    CatalogPrice {
                        amount: conversion.to,
                        source: "converted",
                        rate: Some(conversion.rate),
                        mid_rate: Some(conversion.mid_rate),
                        rate_date: Some(conversion.rate_date),
                        spread_bps: Some(spread_bps),
                    }
                }
            };
            let title = language
                .and_then(|language| product.titles.get(language))
                .or_else(|| product.titles.get("en"))
                .or_else(|| product.titles.values().next())
                .cloned()
                .unwrap_or_default();
            entries.push(CatalogEntry {
                product_id: product.id,
                seller_id: product.seller_id,
                sku: product.sku,
                title,
                category: product.category,
                hs_code: product.hs_code.as_str().to_string(),
                origin_country: product.origin_country,
                weight_g: product.weight_g,
                gtin: product.gtin.map(|gtin| gtin.as_str().to_string()),
                moq: product.moq,
                price,
                base_price: product.base_price,
            });
        }
        Ok(Page {
            items: entries,
            next_cursor: products.next_cursor,
        })
    }
}
