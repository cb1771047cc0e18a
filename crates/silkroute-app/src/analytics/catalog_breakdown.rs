//! The store breakdown by product or by category: the product rollups of the period summed per
//! product, or per the category the product is listed in. Product rollups are period sums in
//! the seller's settlement currency, so these breakdowns are a seller's, in that currency.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use silkroute_domain::money::Money;
use silkroute_store::ProductSums;

use super::Resolved;
use super::store_view::{BreakdownRow, StoreBreakdown};
use crate::{App, AppError, AppResult};

fn rate(numerator: i64, denominator: i64) -> Option<Decimal> {
    (denominator > 0).then(|| Decimal::from(numerator) / Decimal::from(denominator))
}

/// One product's or category's sums.
#[derive(Default)]
struct Sums {
    label: Option<String>,
    page_views: i64,
    add_to_carts: i64,
    units_placed: i64,
    refunded_units: i64,
    paid_units: i64,
    paid_minor: i64,
}

impl Sums {
    fn add(&mut self, sum: &ProductSums) {
        self.page_views += sum.page_views;
        self.add_to_carts += sum.add_to_carts;
        self.units_placed += sum.units_placed;
        self.refunded_units += sum.refunded_units;
        self.paid_units += sum.paid_units;
        self.paid_minor += sum.paid_minor;
    }
}

impl App {
    /// `by` is `product` or `category`.
    pub(super) async fn catalog_breakdown(
        &self,
        resolved: &Resolved,
        by: &'static str,
    ) -> AppResult<StoreBreakdown> {
        let Some(settlement) = resolved.scope.settlement else {
            return Err(AppError::field(
                "seller",
                "breakdowns by product or category are per seller: name one (admins may name any)",
            ));
        };
        if resolved.currency != settlement {
            return Err(AppError::field(
                "currency",
                format!(
                    "breakdowns by product or category are in the seller's settlement currency \
                     ({settlement})"
                ),
            ));
        }
        self.refresh_before_read().await?;
        let slice = resolved.slice(resolved.period);
        let sums = self.store.product_sums(&slice).await?;
        let ids: Vec<String> = sums.iter().map(|s| s.product_id.clone()).collect();
        let categories: BTreeMap<String, String> = self
            .store
            .product_listings(&ids)
            .await?
            .into_iter()
            .map(|(product, _, category)| (product, category))
            .collect();
        let mut groups: BTreeMap<String, Sums> = BTreeMap::new();
        for sum in &sums {
            let key = match by {
                "category" => categories.get(&sum.product_id).cloned().unwrap_or_default(),
                _ => sum.product_id.clone(),
            };
            groups.entry(key).or_default().add(sum);
        }
        for (key, group) in groups.iter_mut() {
            group.label = match by {
                "category" => silkroute_domain::category::category(key).map(|c| c.name.to_string()),
                _ => self.product_title(resolved, key).await?,
            };
        }
        let rows: Vec<BreakdownRow> = groups
            .into_iter()
            .map(|(key, g)| BreakdownRow {
                key,
                label: g.label,
                visitors: None,
                page_views: g.page_views,
                add_to_carts: g.add_to_carts,
                carting_visitors: None,
                add_to_cart_rate: rate(g.add_to_carts, g.page_views),
                ordering_buyers: None,
                paid_orders: None,
                paid_buyers: None,
                units_placed: Some(g.units_placed),
                paid_units: Some(g.paid_units),
                paid_amount: Some(Money::from_minor(g.paid_minor, settlement)),
                payment_conversion: None,
                refund_rate: rate(g.refunded_units, g.units_placed),
            })
            .collect();
        Ok(StoreBreakdown::sorted(
            resolved,
            by,
            settlement,
            rows,
            Vec::new(),
        ))
    }

    /// The product's English title (or any), if it is still the seller's.
    async fn product_title(&self, resolved: &Resolved, product: &str) -> AppResult<Option<String>> {
        let Ok(id) = silkroute_domain::ids::ProductId::parse(product) else {
            return Ok(None);
        };
        Ok(self
            .store
            .get_product(resolved.scope.seller_id.as_ref(), &id)
            .await?
            .and_then(|p| {
                p.titles
                    .get("en")
                    .or_else(|| p.titles.values().next())
                    .cloned()
            }))
    }
}
