//! Industry intelligence for sellers: what the whole marketplace is browsing and buying, per
//! category and per search keyword, from the platform's industry rollups (UTC days), in euros at
//! each day's ECB rate. Anonymised: a figure built from fewer than [`MIN_SELLERS`] sellers is
//! suppressed, and no other seller's own figure is ever shown — a seller sees only where it
//! stands (its percentile).

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;
use silkroute_analytics::rollup::PLATFORM_SCOPE;
use silkroute_domain::category::all_categories;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::money::Money;
use silkroute_store::{CategoryCounts, RollupGroup, RollupSlice};

use super::{DayRange, RateUsed, Resolved};
use crate::{App, AppResult};

/// The fewest sellers a published industry figure may be built from.
pub const MIN_SELLERS: i64 = 5;
/// Keywords listed, most searched first.
pub const TOP_KEYWORDS: i64 = 50;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CategoryInsight {
    pub category: String,
    pub name: String,
    /// `null` for a top-level category (its parent is the whole marketplace).
    pub parent: Option<String>,
    /// True when fewer than five sellers are behind the figures: they are all left out.
    pub suppressed: bool,
    pub visitor_share: Option<Decimal>,
    pub page_view_share: Option<Decimal>,
    pub paid_amount_share: Option<Decimal>,
    pub paid_order_share: Option<Decimal>,
    /// Active listings (supply), when at least five sellers list in the category.
    pub active_listings: Option<i64>,
    /// Paid amount against the previous period: (now − before) ÷ before.
    pub trend: Option<Decimal>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SellerPosition {
    pub category: String,
    /// The share of the category's sellers whose paid amount is at or below this seller's.
    pub percentile: Decimal,
    pub sellers: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct IndustryCategories {
    pub period: DayRange,
    pub market: Option<String>,
    pub currency: CurrencyCode,
    pub min_sellers: i64,
    pub categories: Vec<CategoryInsight>,
    /// The caller's percentile in its best-selling category (sellers only).
    pub seller_percentile: Option<Decimal>,
    pub seller_positions: Vec<SellerPosition>,
    pub fx_rates_used: Vec<RateUsed>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct KeywordInsight {
    pub keyword: String,
    pub search_volume: i64,
    pub searchers: i64,
    /// Searchers who then viewed a product ÷ searchers.
    pub click_through: Option<Decimal>,
    /// Searchers who then started a checkout ÷ searchers.
    pub purchase_rate: Option<Decimal>,
    /// Listings whose title holds the keyword ÷ searchers; `null` when fewer than five sellers
    /// list such products.
    pub competition_index: Option<Decimal>,
    pub top_countries: Vec<String>,
    /// Search volume against the previous period.
    pub growth: Option<Decimal>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct IndustryKeywords {
    pub period: DayRange,
    pub market: Option<String>,
    pub keywords: Vec<KeywordInsight>,
}

fn share(part: i64, whole: i64) -> Option<Decimal> {
    (whole > 0).then(|| (Decimal::from(part) / Decimal::from(whole)).round_dp(4))
}

fn money_share(part: Option<Money>, whole: Option<Money>) -> Option<Decimal> {
    share(part?.minor(), whole?.minor())
}

fn growth(now: i64, before: i64) -> Option<Decimal> {
    (before > 0).then(|| (Decimal::from(now - before) / Decimal::from(before)).round_dp(4))
}

impl App {
    fn industry_slice(&self, resolved: &Resolved, period: DayRange) -> RollupSlice {
        RollupSlice {
            scope: PLATFORM_SCOPE.to_string(),
            first: period.from,
            last: period.to,
            market: resolved.market.clone(),
        }
    }

    pub async fn industry_categories(&self, resolved: &Resolved) -> AppResult<IndustryCategories> {
        self.refresh_before_read().await?;
        let currency = CurrencyCode::EUR;
        let mut rates = Vec::new();
        let slice = self.industry_slice(resolved, resolved.period);
        let before = self.industry_slice(resolved, resolved.period.previous());
        let counts: HashMap<String, CategoryCounts> = self
            .store
            .category_counts(&slice)
            .await?
            .into_iter()
            .map(|c| (c.category.clone(), c))
            .collect();
        let previous: HashMap<String, CategoryCounts> = self
            .store
            .category_counts(&before)
            .await?
            .into_iter()
            .map(|c| (c.category.clone(), c))
            .collect();
        let paid = self
            .money_in(
                &self.store.category_money(&slice, false).await?,
                currency,
                &mut rates,
            )
            .await?;
        let paid_before = self
            .money_in(
                &self.store.category_money(&before, false).await?,
                currency,
                &mut rates,
            )
            .await?;
        // The whole marketplace: the parent of a top-level category.
        let market_counts = self
            .store
            .rollup_counts(&slice, RollupGroup::None)
            .await?
            .into_iter()
            .next()
            .unwrap_or_default();
        let market_paid = self
            .money_in(
                &self.store.rollup_money(&slice, RollupGroup::None).await?,
                currency,
                &mut rates,
            )
            .await?
            .get("")
            .map(|m| m.paid);
        let market_orders = market_counts.orders.as_ref().map_or(0, |o| o.paid_orders);
        let supply: HashMap<String, (i64, i64)> = self
            .store
            .category_supply()
            .await?
            .into_iter()
            .map(|s| (s.key, (s.listings, s.sellers)))
            .collect();
        // A parent's supply is its children's.
        let mut parent_supply: HashMap<String, (i64, i64)> = HashMap::new();
        for category in all_categories() {
            if let (Some(parent), Some((listings, sellers))) =
                (category.parent, supply.get(category.slug))
            {
                let entry = parent_supply.entry(parent.to_string()).or_default();
                entry.0 += listings;
                entry.1 += sellers;
            }
        }
        let empty = CategoryCounts::default();
        let mut categories = Vec::new();
        for category in all_categories() {
            let own = counts.get(category.slug).unwrap_or(&empty);
            let suppressed = own.sellers < MIN_SELLERS;
            let (parent_visitors, parent_views, parent_orders, parent_paid) = match category.parent
            {
                Some(parent) => {
                    let p = counts.get(parent).unwrap_or(&empty);
                    (
                        p.visitors,
                        p.page_views,
                        p.paid_orders,
                        paid.get(parent).map(|m| m.paid),
                    )
                }
                None => (
                    market_counts.visitors,
                    market_counts.page_views,
                    market_orders,
                    market_paid,
                ),
            };
            let own_paid = paid.get(category.slug).map(|m| m.paid);
            let listed = supply
                .get(category.slug)
                .or_else(|| parent_supply.get(category.slug))
                .copied();
            let trend = previous
                .get(category.slug)
                .filter(|p| p.sellers >= MIN_SELLERS)
                .and_then(|_| {
                    growth(
                        own_paid.map_or(0, |m| m.minor()),
                        paid_before.get(category.slug).map_or(0, |m| m.paid.minor()),
                    )
                });
            categories.push(CategoryInsight {
                category: category.slug.to_string(),
                name: category.name.to_string(),
                parent: category.parent.map(str::to_string),
                suppressed,
                visitor_share: (!suppressed)
                    .then(|| share(own.visitors, parent_visitors))
                    .flatten(),
                page_view_share: (!suppressed)
                    .then(|| share(own.page_views, parent_views))
                    .flatten(),
                paid_amount_share: (!suppressed)
                    .then(|| money_share(own_paid, parent_paid))
                    .flatten(),
                paid_order_share: (!suppressed)
                    .then(|| share(own.paid_orders, parent_orders))
                    .flatten(),
                active_listings: listed
                    .filter(|(_, sellers)| *sellers >= MIN_SELLERS)
                    .map(|(listings, _)| listings),
                trend: if suppressed { None } else { trend },
            });
        }
        let seller_positions = match &resolved.scope.seller_id {
            Some(seller) => {
                let by_seller = self
                    .money_in(
                        &self.store.category_money(&slice, true).await?,
                        currency,
                        &mut rates,
                    )
                    .await?;
                let mut per_category: BTreeMap<&str, Vec<(&str, i64)>> = BTreeMap::new();
                for (key, money) in &by_seller {
                    if let Some((category, seller_id)) = key.split_once('|') {
                        per_category
                            .entry(category)
                            .or_default()
                            .push((seller_id, money.paid.minor()));
                    }
                }
                // The seller's own categories count even where it sold nothing.
                let listed = self.seller_categories(seller).await?;
                for category in &listed {
                    per_category.entry(category.as_str()).or_default();
                }
                let mut positions: Vec<(i64, SellerPosition)> = per_category
                    .into_iter()
                    .filter_map(|(category, sellers)| {
                        let sold = sellers
                            .iter()
                            .find(|(id, _)| *id == seller.as_str())
                            .map(|(_, paid)| *paid);
                        if sold.is_none() && !listed.contains(category) {
                            return None;
                        }
                        let mine = sold.unwrap_or(0);
                        let total = counts.get(category).map_or(0, |c| c.sellers);
                        if total < MIN_SELLERS {
                            return None;
                        }
                        // Sellers with views but no sales sit at zero.
                        let at_or_below = sellers.iter().filter(|(_, paid)| *paid <= mine).count()
                            as i64
                            + (total - sellers.len() as i64).max(0);
                        Some((
                            mine,
                            SellerPosition {
                                category: category.to_string(),
                                percentile: (Decimal::from(at_or_below) / Decimal::from(total))
                                    .round_dp(4),
                                sellers: total,
                            },
                        ))
                    })
                    .collect();
                positions.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.category.cmp(&b.1.category)));
                positions.into_iter().map(|(_, p)| p).collect()
            }
            None => Vec::new(),
        };
        Ok(IndustryCategories {
            period: resolved.period,
            market: resolved.market.clone(),
            currency,
            min_sellers: MIN_SELLERS,
            seller_percentile: seller_positions.first().map(|p| p.percentile),
            seller_positions,
            categories,
            fx_rates_used: rates,
        })
    }

    /// The categories (and their parents) the seller lists products in.
    async fn seller_categories(
        &self,
        seller: &silkroute_domain::ids::SellerId,
    ) -> AppResult<std::collections::BTreeSet<String>> {
        let mut categories = std::collections::BTreeSet::new();
        let filter = silkroute_store::ProductFilter {
            seller_id: Some(seller.clone()),
            category: None,
            active_only: false,
        };
        let mut page = silkroute_store::PageRequest {
            after: None,
            limit: 500,
        };
        loop {
            let products = self.store.list_products(&filter, &page).await?;
            for product in &products.items {
                categories.insert(product.category.clone());
                if let Some(parent) =
                    silkroute_domain::category::category(&product.category).and_then(|c| c.parent)
                {
                    categories.insert(parent.to_string());
                }
            }
            match products.next_cursor {
                Some(cursor) => page.after = Some(cursor),
                None => return Ok(categories),
            }
        }
    }

    pub async fn industry_keywords(&self, resolved: &Resolved) -> AppResult<IndustryKeywords> {
        self.refresh_before_read().await?;
        let slice = self.industry_slice(resolved, resolved.period);
        let before = self.industry_slice(resolved, resolved.period.previous());
        let top = self.store.keyword_counts(&slice, TOP_KEYWORDS).await?;
        let earlier: HashMap<String, i64> = self
            .store
            .keyword_counts(&before, 10_000)
            .await?
            .into_iter()
            .map(|k| (k.keyword, k.searches))
            .collect();
        let names: Vec<String> = top.iter().map(|k| k.keyword.clone()).collect();
        let mut countries: HashMap<String, Vec<String>> = HashMap::new();
        for (keyword, market, _) in self.store.keyword_markets(&slice, &names).await? {
            let list = countries.entry(keyword).or_default();
            if list.len() < 3 {
                list.push(market);
            }
        }
        let mut keywords = Vec::new();
        for counts in top {
            let supply = self.store.keyword_supply(&counts.keyword).await?;
            keywords.push(KeywordInsight {
                search_volume: counts.searches,
                searchers: counts.searchers,
                click_through: share(counts.clickers, counts.searchers),
                purchase_rate: share(counts.purchasers, counts.searchers),
                competition_index: (supply.sellers >= MIN_SELLERS)
                    .then(|| share(supply.listings, counts.searchers))
                    .flatten(),
                top_countries: countries.remove(&counts.keyword).unwrap_or_default(),
                growth: growth(
                    counts.searches,
                    earlier.get(&counts.keyword).copied().unwrap_or(0),
                ),
                keyword: counts.keyword,
            });
        }
        Ok(IndustryKeywords {
            period: resolved.period,
            market: resolved.market.clone(),
            keywords,
        })
    }
}
