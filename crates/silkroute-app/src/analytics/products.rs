//! The product table of the seller center: per product its funnel, sales, margin, pace, stock
//! cover, rank and diagnosis, with a daily sparkline — from rollups, the catalog and stock.

use std::collections::{BTreeMap, HashMap};

use chrono::Duration;
use rust_decimal::Decimal;
use serde::Serialize;
use silkroute_analytics::products::{Diagnosis, Margin, ProductPeriod, StoreRates};
use silkroute_domain::catalog::Product;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::{ProductId, SellerId};
use silkroute_domain::money::Money;
use silkroute_store::ProductSums;

use super::{DayRange, Resolved};
use crate::{App, AppError, AppResult};

/// At most this many products in the table (the best sellers first).
pub const MAX_PRODUCTS: usize = 200;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProductRow {
    pub product_id: String,
    pub title: String,
    pub sku: String,
    pub category: String,
    pub page_views: i64,
    pub add_to_carts: i64,
    /// Add-to-cart events ÷ product views.
    pub add_to_cart_rate: Option<Decimal>,
    /// Paid units ÷ product views.
    pub conversion: Option<Decimal>,
    pub units_placed: i64,
    pub paid_units: i64,
    pub paid_amount: Money,
    pub refund_rate: Option<Decimal>,
    pub margin: Money,
    pub margin_detail: Margin,
    /// Paid units per day over the period.
    pub velocity: Decimal,
    pub available_stock: i64,
    /// Days the available stock lasts at that pace; `null` when it does not sell.
    pub days_of_cover: Option<Decimal>,
    /// 1 = the most paid amount.
    pub rank: usize,
    pub diagnosis: Diagnosis,
    pub diagnosis_text: &'static str,
    /// Paid units per day, oldest first.
    pub sparkline: Vec<i64>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProductAnalysis {
    pub seller_id: String,
    pub currency: CurrencyCode,
    pub period: DayRange,
    pub payment_fee_bps: u32,
    pub commission_bps: u32,
    pub products: Vec<ProductRow>,
}

fn rate(numerator: i64, denominator: i64) -> Option<Decimal> {
    (denominator > 0).then(|| Decimal::from(numerator) / Decimal::from(denominator))
}

impl App {
    /// One seller's products (an admin names the seller: margins are a seller's business).
    pub async fn product_analysis(&self, resolved: &Resolved) -> AppResult<ProductAnalysis> {
        let Some(seller_id) = resolved.scope.seller_id.clone() else {
            return Err(AppError::field(
                "seller",
                "product analysis is per seller: name one (admins may name any)",
            ));
        };
        let currency = resolved
            .scope
            .settlement
            .ok_or(AppError::NotFound("seller"))?;
        let seller = self
            .store
            .get_seller(&seller_id)
            .await?
            .ok_or(AppError::NotFound("seller"))?;
        self.refresh_before_read().await?;
        let slice = resolved.slice(resolved.period);
        let sums = self.store.product_sums(&slice).await?;
        let mut daily: HashMap<String, BTreeMap<chrono::NaiveDate, i64>> = HashMap::new();
        for day in self.store.product_days(&slice).await? {
            daily
                .entry(day.product_id)
                .or_default()
                .insert(day.day, day.paid_units);
        }
        let available = self.available_stock(&seller_id).await?;
        let catalog = self.products_of(&seller_id, &sums).await?;
        let store_rates = store_rates(&sums);
        let days = resolved.period.days();
        let mut rows = Vec::new();
        for sum in sums.iter() {
            let Some(product) = catalog.get(&sum.product_id) else {
                continue;
            };
            // Rollup money is in the settlement currency; unit cost is priced in it too.
            let money = |minor: i64| Money::from_minor(minor, currency);
            let unit_cost = if product.unit_cost.currency() == currency {
                product.unit_cost
            } else {
                money(0)
            };
            let period = ProductPeriod {
                page_views: sum.page_views,
                add_to_carts: sum.add_to_carts,
                units_placed: sum.units_placed,
                refunded_units: sum.refunded_units,
                paid_units: sum.paid_units,
                paid_amount: money(sum.paid_minor),
                freight: money(sum.freight_minor),
                unit_cost,
                available_stock: available.get(&sum.product_id).copied().unwrap_or(0),
                days,
            };
            let margin = period.margin(seller.commission_bps, self.config.payment_fee_bps);
            let diagnosis = period.diagnose(&store_rates);
            let by_day = daily.get(&sum.product_id);
            let sparkline = (0..days)
                .map(|offset| {
                    let day = resolved.period.from + Duration::days(offset);
                    by_day.and_then(|d| d.get(&day)).copied().unwrap_or(0)
                })
                .collect();
            let title = product
                .titles
                .get("en")
                .or_else(|| product.titles.values().next())
                .cloned()
                .unwrap_or_default();
            rows.push(ProductRow {
                product_id: sum.product_id.clone(),
                title,
                sku: product.sku.clone(),
                category: product.category.clone(),
                page_views: period.page_views,
                add_to_carts: period.add_to_carts,
                add_to_cart_rate: period.cart_rate(),
                conversion: period.conversion(),
                units_placed: period.units_placed,
                paid_units: period.paid_units,
                paid_amount: period.paid_amount,
                refund_rate: period.refund_rate(),
                margin: margin.margin,
                margin_detail: margin,
                velocity: period.velocity().round_dp(3),
                available_stock: period.available_stock,
                days_of_cover: period.days_of_cover(),
                rank: 0,
                diagnosis,
                diagnosis_text: diagnosis.advice(),
                sparkline,
            });
        }
        rows.sort_by(|a, b| {
            b.paid_amount
                .minor()
                .cmp(&a.paid_amount.minor())
                .then(b.page_views.cmp(&a.page_views))
                .then(a.product_id.cmp(&b.product_id))
        });
        rows.truncate(MAX_PRODUCTS);
        for (index, row) in rows.iter_mut().enumerate() {
            row.rank = index + 1;
        }
        Ok(ProductAnalysis {
            seller_id: seller_id.as_str().to_string(),
            currency,
            period: resolved.period,
            payment_fee_bps: self.config.payment_fee_bps,
            commission_bps: seller.commission_bps,
            products: rows,
        })
    }

    /// The seller's products that have figures, in one read.
    async fn products_of(
        &self,
        seller: &SellerId,
        sums: &[ProductSums],
    ) -> AppResult<HashMap<String, Product>> {
        let ids: Vec<ProductId> = sums
            .iter()
            .filter_map(|sum| ProductId::parse(&sum.product_id).ok())
            .collect();
        Ok(self
            .store
            .get_products(seller, &ids)
            .await?
            .into_iter()
            .map(|product| (product.id.as_str().to_string(), product))
            .collect())
    }

    /// Available units per product, summed over the seller's warehouses.
    pub(super) async fn available_stock(
        &self,
        seller: &SellerId,
    ) -> AppResult<HashMap<String, i64>> {
        let mut available: HashMap<String, i64> = HashMap::new();
        for level in self.store.stock_levels(seller, None).await? {
            *available
                .entry(level.product_id.as_str().to_string())
                .or_default() += level.available;
        }
        Ok(available)
    }
}

/// The store's own funnel rates over all its products.
fn store_rates(sums: &[ProductSums]) -> StoreRates {
    let total = |f: fn(&ProductSums) -> i64| sums.iter().map(f).sum::<i64>();
    StoreRates {
        cart_rate: rate(total(|s| s.add_to_carts), total(|s| s.page_views)),
        cart_to_paid: rate(total(|s| s.paid_units), total(|s| s.add_to_carts)),
        refund_rate: rate(total(|s| s.refunded_units), total(|s| s.units_placed)),
    }
}
