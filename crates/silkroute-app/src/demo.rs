//! The demo marketplace: sellers in the ten big cross-border origins, tens of thousands of
//! products with real HS subheadings, weights, GTINs and prices, and buyers in 40+ countries
//! weighted by the size of their e-commerce markets. Everything comes from one seeded generator,
//! so a seed always yields the same marketplace, ids included.

use silkroute_domain::ids::Ulid;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use silkroute_domain::catalog::{DimensionsMm, MarketPrice, Product, ProductStatus, TierPrice};
use silkroute_domain::category::{Category, all_categories};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx;
use silkroute_domain::hs::{HsCode, HsEntry, subheadings_in_chapter};
use silkroute_domain::identifiers::Gtin;
use silkroute_domain::ids::{BuyerId, ProductId, SellerId};
use silkroute_domain::money::{Money, RoundingMode};
use silkroute_domain::party::{BusinessModel, Buyer, BuyerKind, Seller};

use crate::{App, AppError, AppResult};

mod addresses;
mod calendar;
mod facts;
mod order_life;
mod orders;
mod overseas;
mod traffic;

pub use orders::{DemoOrderOptions, DemoOrderReport};

use facts::{ADJECTIVES, BUYER_MARKETS, NAME_WORDS, ORIGINS, noun_for};

#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub sellers: u32,
    pub products_per_seller: u32,
    pub buyers: u32,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> DemoOptions {
        DemoOptions {
            sellers: 200,
            products_per_seller: 100,
            buyers: 2_000,
            seed: 42,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct DemoReport {
    pub sellers: u32,
    pub products: u32,
    pub buyers: u32,
    pub seller_countries: usize,
    pub buyer_countries: usize,
    pub first_seller_id: Option<String>,
}

fn pick_weighted<'a, T>(rng: &mut StdRng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut ticket = rng.random_range(0..total);
    for item in items {
        let w = weight(item);
        if ticket < w {
            return item;
        }
        ticket -= w;
    }
    &items[items.len() - 1]
}

/// Ids stay sortable by creation order and reproducible: time part from a fixed epoch plus the
/// sequence number, random part from the seeded generator.
fn demo_ulid(rng: &mut StdRng, epoch: DateTime<Utc>, sequence: u64) -> Ulid {
    let millis = (epoch.timestamp_millis() as u64).wrapping_add(sequence);
    Ulid::from_parts(millis, rng.random::<u128>())
}

fn leaf_categories() -> Vec<&'static Category> {
    all_categories()
        .iter()
        .filter(|c| c.parent.is_some())
        .collect()
}

impl App {
    /// The newest day on which every demo currency has a published rate, so that all prices
    /// are converted at rates of one day.
    async fn demo_rate_date(&self) -> AppResult<chrono::NaiveDate> {
        let today = self.now().date_naive();
        let mut newest_common: Option<chrono::NaiveDate> = None;
        for origin in ORIGINS {
            let currency = CurrencyCode::parse(origin.settlement)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            if currency == CurrencyCode::EUR {
                continue;
            }
            let latest = self
                .store
                .latest_fx_rate(currency, today)
                .await?
                .ok_or_else(|| {
                    AppError::Internal(format!(
                        "no {currency} rate loaded: run `silkroute fx import`"
                    ))
                })?;
            newest_common = Some(newest_common.map_or(latest.date, |date| date.min(latest.date)));
        }
        newest_common.ok_or_else(|| AppError::Unavailable("no FX rates loaded".into()))
    }

    /// Builds the demo marketplace; `progress(stage, done, total)` follows each stage.
    pub async fn generate_demo(
        &self,
        options: &DemoOptions,
        progress: impl Fn(&str, u64, u64),
    ) -> AppResult<DemoReport> {
        if options.sellers == 0 || options.sellers > 100_000 {
            return Err(AppError::field("sellers", "must be between 1 and 100000"));
        }
        if options.products_per_seller > 10_000 {
            return Err(AppError::field(
                "products_per_seller",
                "must be at most 10000",
            ));
        }
        let mut rng = StdRng::seed_from_u64(options.seed);
        let epoch = Utc
            .with_ymd_and_hms(2024, 11, 1, 0, 0, 0)
            .single()
            .unwrap_or_else(|| self.now());
        let rate_date = self.demo_rate_date().await?;
        let policy = self.config.fx_policy(None, 0);
        let usd_leg = self.fx_leg(CurrencyCode::USD, rate_date, &policy).await?;
        let categories = leaf_categories();
        let hs_by_category: BTreeMap<&str, Vec<&'static HsEntry>> = categories
            .iter()
            .map(|category| {
                let entries = category
                    .hs_chapters
                    .iter()
                    .flat_map(|chapter| subheadings_in_chapter(chapter))
                    .collect::<Vec<_>>();
                (category.slug, entries)
            })
            .collect();

        let mut sellers = Vec::with_capacity(options.sellers as usize);
        let mut sequence = 0u64;
        for index in 0..options.sellers {
            let origin = pick_weighted(&mut rng, ORIGINS, |origin| origin.weight);
            let country = CountryCode::parse(origin.country)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let currency = CurrencyCode::parse(origin.settlement)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let business_model = match rng.random_range(0..10) {
                0..=5 => BusinessModel::B2c,
                6 | 7 => BusinessModel::B2b,
                8 => BusinessModel::M2c,
                _ => BusinessModel::C2c,
            };
            let city = origin.city[rng.random_range(0..origin.city.len())];
            let word = NAME_WORDS[rng.random_range(0..NAME_WORDS.len())];
            sequence += 1;
            sellers.push(Seller {
                id: SellerId::new(demo_ulid(&mut rng, epoch, sequence)),
                name: format!("{city} {word} Trading {}", index + 1),
                country,
                business_model,
                settlement_currency: currency,
                commission_bps: rng.random_range(5..=12) * 100,
                time_zone: origin.time_zone.to_string(),
                created_at: epoch + Duration::minutes(i64::from(index)),
            });
        }
        self.store.insert_sellers(&sellers).await?;
        progress("sellers", sellers.len() as u64, sellers.len() as u64);

        let total_products = u64::from(options.sellers) * u64::from(options.products_per_seller);
        let mut done = 0u64;
        let mut seller_legs = BTreeMap::new();
        for seller in &sellers {
            let origin = ORIGINS
                .iter()
                .find(|origin| origin.country == seller.country.as_str())
                .unwrap_or(&ORIGINS[0]);
            let currency = seller.settlement_currency;
            let to_leg = match seller_legs.get(&currency) {
                Some(leg) => *leg,
                None => {
                    let leg = self.fx_leg(currency, rate_date, &policy).await?;
                    seller_legs.insert(currency, leg);
                    leg
                }
            };
            let focus: Vec<&Category> = (0..rng.random_range(1..=3))
                .map(|_| categories[rng.random_range(0..categories.len())])
                .collect();
            let mut batch = Vec::with_capacity(options.products_per_seller as usize);
            for number in 0..options.products_per_seller {
                let category = focus[rng.random_range(0..focus.len())];
                let hs_entries = &hs_by_category[category.slug];
                if hs_entries.is_empty() {
                    continue;
                }
                let hs_entry = hs_entries[rng.random_range(0..hs_entries.len())];
                let hs_code =
                    HsCode::parse(hs_entry.code).map_err(|e| AppError::Internal(e.to_string()))?;
                let nouns = noun_for(category);
                let noun = nouns[rng.random_range(0..nouns.len())];
                let adjective = ADJECTIVES[rng.random_range(0..ADJECTIVES.len())];
                let mut titles = BTreeMap::new();
                titles.insert("en".to_string(), format!("{adjective} {noun}"));
                let weight_g = rng.random_range(category.weight_g.0..=category.weight_g.1);
                let side = ((f64::from(weight_g) * 4.0).cbrt() * 10.0).clamp(20.0, 1_200.0) as u32;
                let dimensions_mm = DimensionsMm {
                    length: side + rng.random_range(0..side / 2 + 1),
                    width: side,
                    height: (side / 2).max(10),
                };
                let usd_cents =
                    rng.random_range(category.price_usd_cents.0..=category.price_usd_cents.1);
                // Charm pricing: x.99 in two-decimal currencies, round hundreds in zero-decimal ones.
                let usd =
                    Money::from_minor(i64::from(usd_cents / 100 * 100 + 99), CurrencyCode::USD);
                let converted = fx::convert(
                    usd,
                    currency,
                    &usd_leg,
                    &to_leg,
                    &policy,
                    RoundingMode::HalfEven,
                )
                .map_err(|e| AppError::Internal(e.to_string()))?;
                let base_price = if currency.minor_units() == 0 {
                    Money::from_minor((converted.to.minor() / 100).max(1) * 100, currency)
                } else {
                    converted.to
                };
                let unit_cost = base_price
                    .checked_mul_decimal(
                        rust_decimal::Decimal::new(rng.random_range(35..=65), 2),
                        RoundingMode::HalfEven,
                    )
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let gtin = if rng.random_range(0..10) < 7 {
                    let body = format!(
                        "{}{:09}",
                        origin.gs1_prefix,
                        rng.random_range(0..1_000_000_000u64)
                    );
                    Some(
                        Gtin::with_check_digit(&body)
                            .map_err(|e| AppError::Internal(e.to_string()))?,
                    )
                } else {
                    None
                };
                let (moq, tier_prices) = if seller.business_model == BusinessModel::B2b {
                    let moq = [1, 2, 5, 10][rng.random_range(0..4)];
                    let tiers = [(10u32, 95i64), (50, 88), (200, 80)]
                        .iter()
                        .filter(|(quantity, _)| *quantity >= moq)
                        .map(|(quantity, percent)| TierPrice {
                            min_quantity: *quantity,
                            unit_price: Money::from_minor(
                                (base_price.minor() * percent / 100).max(1),
                                currency,
                            ),
                        })
                        .collect();
                    (moq, tiers)
                } else {
                    (1, Vec::new())
                };
                let market_prices = if rng.random_range(0..10) == 0 {
                    let market = if rng.random_bool(0.5) { "US" } else { "DE" };
                    let market = CountryCode::parse(market)
                        .map_err(|e| AppError::Internal(e.to_string()))?;
                    let market_currency = if market.as_str() == "US" {
                        CurrencyCode::USD
                    } else {
                        CurrencyCode::EUR
                    };
                    let market_leg = self.fx_leg(market_currency, rate_date, &policy).await?;
                    let local = fx::convert(
                        usd,
                        market_currency,
                        &usd_leg,
                        &market_leg,
                        &policy,
                        RoundingMode::HalfEven,
                    )
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                    vec![MarketPrice {
                        market,
                        price: local.to,
                    }]
                } else {
                    Vec::new()
                };
                sequence += 1;
                let created_at = seller.created_at + Duration::hours(i64::from(number) + 1);
                batch.push(Product {
                    id: ProductId::new(demo_ulid(&mut rng, epoch, sequence)),
                    seller_id: seller.id.clone(),
                    sku: format!(
                        "{}-{:05}",
                        &category.slug[..category.slug.find('.').map_or(3, |i| i.min(4))]
                            .to_uppercase(),
                        number + 1
                    ),
                    titles,
                    category: category.slug.to_string(),
                    hs_code,
                    origin_country: seller.country,
                    weight_g,
                    dimensions_mm,
                    gtin,
                    base_price,
                    unit_cost,
                    moq,
                    tier_prices,
                    market_prices,
                    status: ProductStatus::Active,
                    created_at,
                    updated_at: created_at,
                });
            }
            self.store.insert_products(&batch).await?;
            done += batch.len() as u64;
            progress("products", done, total_products);
        }

        let mut buyers = Vec::with_capacity(options.buyers as usize);
        for index in 0..options.buyers {
            let (market, _) = pick_weighted(&mut rng, BUYER_MARKETS, |(_, weight)| *weight);
            let country =
                CountryCode::parse(market).map_err(|e| AppError::Internal(e.to_string()))?;
            let business = rng.random_range(0..20) == 0;
            sequence += 1;
            buyers.push(Buyer {
                id: BuyerId::new(demo_ulid(&mut rng, epoch, sequence)),
                name: format!("Buyer {} ({market})", index + 1),
                country,
                kind: if business {
                    BuyerKind::Business
                } else {
                    BuyerKind::Consumer
                },
                vat_id: None,
                created_at: epoch + Duration::minutes(i64::from(index)),
            });
        }
        for chunk in buyers.chunks(5_000) {
            self.store.insert_buyers(chunk).await?;
        }
        progress("buyers", buyers.len() as u64, buyers.len() as u64);

        let mut seller_countries: Vec<_> = sellers.iter().map(|s| s.country).collect();
        seller_countries.sort();
        seller_countries.dedup();
        let mut buyer_countries: Vec<_> = buyers.iter().map(|b| b.country).collect();
        buyer_countries.sort();
        buyer_countries.dedup();
        Ok(DemoReport {
            sellers: options.sellers,
            products: done as u32,
            buyers: options.buyers,
            seller_countries: seller_countries.len(),
            buyer_countries: buyer_countries.len(),
            first_seller_id: sellers.first().map(|seller| seller.id.to_string()),
        })
    }
}
