//! Product input as a seller sends it — raw, so that every field error can be reported at its
//! path at once — and its parsing into a [`ProductSpec`] the store can keep. Kept apart from the
//! product itself because listing rules (SKU shape, languages, price breaks, per-market prices)
//! change more often than what a listed product is.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    DimensionsMm, MAX_SIDE_MM, MAX_TIER_PRICES, MAX_WEIGHT_G, MarketPrice, Product, ProductStatus,
    TierPrice,
};
use crate::country::CountryCode;
use crate::currency::CurrencyCode;
use crate::hs::HsCode;
use crate::identifiers::Gtin;
use crate::ids::{ProductId, SellerId};
use crate::money::Money;
use crate::validation::FieldErrors;

/// What a seller sends to list a product; raw so that every field error can be reported.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    pub sku: Option<String>,
    pub titles: Option<BTreeMap<String, String>>,
    pub category: Option<String>,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    /// Grams, 1 to `MAX_WEIGHT_G` (70,000).
    #[schema(minimum = 1, maximum = 70000)]
    pub weight_g: Option<i64>,
    pub dimensions_mm: Option<DimensionsInput>,
    pub gtin: Option<String>,
    /// In the seller's currency: `"12.50"`, or the money shape the API returns.
    pub base_price: Option<PriceInput>,
    pub unit_cost: Option<PriceInput>,
    /// Minimum order quantity, 1 to 1,000,000.
    #[schema(minimum = 1, maximum = 1000000)]
    pub moq: Option<i64>,
    /// At most `MAX_TIER_PRICES` (10) price breaks.
    #[schema(max_items = 10)]
    pub tier_prices: Option<Vec<TierPriceInput>>,
    pub market_prices: Option<Vec<MarketPriceInput>>,
    pub status: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DimensionsInput {
    /// Millimetres, at least 1 (a listing allows up to `MAX_SIDE_MM`, a parcel 10,000).
    #[schema(minimum = 1)]
    pub length: i64,
    #[schema(minimum = 1)]
    pub width: i64,
    #[schema(minimum = 1)]
    pub height: i64,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierPriceInput {
    /// 2 to 1,000,000 units.
    #[schema(minimum = 2, maximum = 1000000)]
    pub min_quantity: i64,
    pub unit_price: PriceInput,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketPriceInput {
    pub market: String,
    /// In the market's currency.
    pub price: PriceInput,
}

/// A price as a seller sends it: the decimal string in the currency the field is kept in
/// (`"12.50"`), or the money shape every response uses (`{"amount": "12.50", "currency": "EUR"}`),
/// so that a price read from the API can be sent back unchanged. Either way it is exact and at
/// most [`crate::money::MAX_ENTERED_MINOR`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum PriceInput {
    Amount(String),
    Money(PriceMoneyInput),
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceMoneyInput {
    pub amount: String,
    pub currency: String,
}

impl PriceInput {
    /// The price in `currency`, the only currency the field may be in.
    pub fn resolve(&self, currency: CurrencyCode) -> Result<Money, String> {
        let amount = match self {
            PriceInput::Amount(amount) => amount,
            PriceInput::Money(money) => {
                if !money
                    .currency
                    .trim()
                    .eq_ignore_ascii_case(currency.as_str())
                {
                    return Err(format!(
                        "must be in {currency}, not {}",
                        money.currency.trim()
                    ));
                }
                &money.amount
            }
        };
        Money::parse_entered(amount, currency).map_err(|error| error.to_string())
    }
}

/// The validated listing: everything of a product except identity and timestamps.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductSpec {
    pub sku: String,
    pub titles: BTreeMap<String, String>,
    pub category: String,
    pub hs_code: HsCode,
    pub origin_country: CountryCode,
    pub weight_g: u32,
    pub dimensions_mm: DimensionsMm,
    pub gtin: Option<Gtin>,
    pub base_price: Money,
    pub unit_cost: Money,
    pub moq: u32,
    pub tier_prices: Vec<TierPrice>,
    pub market_prices: Vec<MarketPrice>,
    pub status: ProductStatus,
}

impl ProductSpec {
    /// Starts from an existing product so that a partial update validates the merged result.
    pub fn of(product: &Product) -> ProductSpec {
        ProductSpec {
            sku: product.sku.clone(),
            titles: product.titles.clone(),
            category: product.category.clone(),
            hs_code: product.hs_code.clone(),
            origin_country: product.origin_country,
            weight_g: product.weight_g,
            dimensions_mm: product.dimensions_mm,
            gtin: product.gtin.clone(),
            base_price: product.base_price,
            unit_cost: product.unit_cost,
            moq: product.moq,
            tier_prices: product.tier_prices.clone(),
            market_prices: product.market_prices.clone(),
            status: product.status,
        }
    }

    pub fn into_product(
        self,
        id: ProductId,
        seller_id: SellerId,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> Product {
        Product {
            id,
            seller_id,
            sku: self.sku,
            titles: self.titles,
            category: self.category,
            hs_code: self.hs_code,
            origin_country: self.origin_country,
            weight_g: self.weight_g,
            dimensions_mm: self.dimensions_mm,
            gtin: self.gtin,
            base_price: self.base_price,
            unit_cost: self.unit_cost,
            moq: self.moq,
            tier_prices: self.tier_prices,
            market_prices: self.market_prices,
            status: self.status,
            created_at,
            updated_at,
        }
    }
}

fn is_valid_sku(sku: &str) -> bool {
    (1..=64).contains(&sku.len())
        && sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
}

fn is_language_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase())
}

/// Validates a listing in the seller's currency. With `base` given, absent fields keep the
/// base's values (PATCH); without it, required fields must be present (POST).
pub fn parse_product(
    input: ProductInput,
    seller_currency: CurrencyCode,
    market_currency: impl Fn(CountryCode) -> Option<CurrencyCode>,
    base: Option<ProductSpec>,
) -> Result<ProductSpec, Vec<crate::validation::FieldError>> {
    let mut errors = FieldErrors::new();
    let required = |errors: &mut FieldErrors, field: &str| {
        errors.push(field, "is required");
    };

    let sku = match (input.sku, &base) {
        (Some(sku), _) => {
            let sku = sku.trim().to_string();
            if is_valid_sku(&sku) {
                Some(sku)
            } else {
                errors.push("sku", "must be 1–64 characters of letters, digits, - _ . /");
                None
            }
        }
        (None, Some(base)) => Some(base.sku.clone()),
        (None, None) => {
            required(&mut errors, "sku");
            None
        }
    };

    let titles = match (input.titles, &base) {
        (Some(titles), _) => {
            let mut clean = BTreeMap::new();
            if titles.is_empty() {
                errors.push("titles", "needs at least one language");
            }
            for (language, title) in titles {
                let title = title.trim().to_string();
                if !is_language_code(&language) {
                    errors.push(
                        format!("titles.{language}"),
                        "language must be a lower-case ISO 639-1 code such as \"en\"",
                    );
                } else if title.is_empty() || title.chars().count() > 200 {
                    errors.push(format!("titles.{language}"), "must be 1–200 characters");
                } else {
                    clean.insert(language, title);
                }
            }
            Some(clean)
        }
        (None, Some(base)) => Some(base.titles.clone()),
        (None, None) => {
            required(&mut errors, "titles");
            None
        }
    };

    let category = match (input.category, &base) {
        (Some(category), _) => {
            if crate::category::is_leaf(&category) {
                Some(category)
            } else {
                errors.push(
                    "category",
                    format!("'{category}' is not a leaf category of the platform taxonomy"),
                );
                None
            }
        }
        (None, Some(base)) => Some(base.category.clone()),
        (None, None) => {
            required(&mut errors, "category");
            None
        }
    };

    let hs_code = match (input.hs_code, &base) {
        (Some(code), _) => errors.check("hs_code", HsCode::parse(&code)),
        (None, Some(base)) => Some(base.hs_code.clone()),
        (None, None) => {
            required(&mut errors, "hs_code");
            None
        }
    };

    let origin_country = match (input.origin_country, &base) {
        (Some(code), _) => errors.check("origin_country", CountryCode::parse(&code)),
        (None, Some(base)) => Some(base.origin_country),
        (None, None) => {
            required(&mut errors, "origin_country");
            None
        }
    };

    let weight_g = match (input.weight_g, &base) {
        (Some(weight), _) if (1..=MAX_WEIGHT_G).contains(&weight) => Some(weight as u32),
        (Some(_), _) => {
            errors.push(
                "weight_g",
                format!("must be between 1 and {MAX_WEIGHT_G} grams"),
            );
            None
        }
        (None, Some(base)) => Some(base.weight_g),
        (None, None) => {
            required(&mut errors, "weight_g");
            None
        }
    };

    let dimensions_mm = match (input.dimensions_mm, &base) {
        (Some(dimensions), _) => {
            let mut side = |name: &str, value: i64| {
                if (1..=MAX_SIDE_MM).contains(&value) {
                    Some(value as u32)
                } else {
                    errors.push(
                        format!("dimensions_mm.{name}"),
                        format!("must be between 1 and {MAX_SIDE_MM} mm"),
                    );
                    None
                }
            };
            let length = side("length", dimensions.length);
            let width = side("width", dimensions.width);
            let height = side("height", dimensions.height);
            match (length, width, height) {
                (Some(length), Some(width), Some(height)) => Some(DimensionsMm {
                    length,
                    width,
                    height,
                }),
                _ => None,
            }
        }
        (None, Some(base)) => Some(base.dimensions_mm),
        (None, None) => {
            required(&mut errors, "dimensions_mm");
            None
        }
    };

    let gtin = match (input.gtin, &base) {
        (Some(gtin), _) if gtin.trim().is_empty() => Some(None),
        (Some(gtin), _) => errors.check("gtin", Gtin::parse(&gtin)).map(Some),
        (None, Some(base)) => Some(base.gtin.clone()),
        (None, None) => Some(None),
    };

    let base_price = match (input.base_price, &base) {
        (Some(price), _) => match price.resolve(seller_currency) {
            Ok(money) if money.minor() > 0 => Some(money),
            Ok(_) => {
                errors.push("base_price", "must be greater than zero");
                None
            }
            Err(error) => {
                errors.push("base_price", error.to_string());
                None
            }
        },
        (None, Some(base)) => Some(base.base_price),
        (None, None) => {
            required(&mut errors, "base_price");
            None
        }
    };

    let unit_cost = match (input.unit_cost, &base) {
        (Some(cost), _) => match cost.resolve(seller_currency) {
            Ok(money) if money.minor() >= 0 => Some(money),
            Ok(_) => {
                errors.push("unit_cost", "must not be negative");
                None
            }
            Err(error) => {
                errors.push("unit_cost", error.to_string());
                None
            }
        },
        (None, Some(base)) => Some(base.unit_cost),
        (None, None) => Some(Money::zero(seller_currency)),
    };

    let moq = match (input.moq, &base) {
        (Some(moq), _) if (1..=1_000_000).contains(&moq) => Some(moq as u32),
        (Some(_), _) => {
            errors.push("moq", "must be between 1 and 1000000");
            None
        }
        (None, Some(base)) => Some(base.moq),
        (None, None) => Some(1),
    };

    let tier_prices = match (input.tier_prices, &base) {
        (Some(tiers), _) => Some(parse_tiers(tiers, seller_currency, &mut errors)),
        (None, Some(base)) => Some(base.tier_prices.clone()),
        (None, None) => Some(Vec::new()),
    };
    if let (Some(tiers), Some(moq)) = (&tier_prices, moq)
        && let Some(first) = tiers.first()
        && first.min_quantity < moq
    {
        errors.push(
            "tier_prices[0].min_quantity",
            format!("must not be below the minimum order quantity {moq}"),
        );
    }

    let market_prices = match (input.market_prices, &base) {
        (Some(prices), _) => Some(parse_market_prices(prices, &market_currency, &mut errors)),
        (None, Some(base)) => Some(base.market_prices.clone()),
        (None, None) => Some(Vec::new()),
    };

    let status = match (input.status, &base) {
        (Some(status), _) => {
            let parsed = ProductStatus::parse(&status);
            if parsed.is_none() {
                errors.push("status", "must be \"active\" or \"archived\"");
            }
            parsed
        }
        (None, Some(base)) => Some(base.status),
        (None, None) => Some(ProductStatus::Active),
    };

    let spec = (|| {
        Some(ProductSpec {
            sku: sku?,
            titles: titles?,
            category: category?,
            hs_code: hs_code?,
            origin_country: origin_country?,
            weight_g: weight_g?,
            dimensions_mm: dimensions_mm?,
            gtin: gtin?,
            base_price: base_price?,
            unit_cost: unit_cost?,
            moq: moq?,
            tier_prices: tier_prices?,
            market_prices: market_prices?,
            status: status?,
        })
    })();
    errors.finish(spec)
}

fn parse_tiers(
    tiers: Vec<TierPriceInput>,
    currency: CurrencyCode,
    errors: &mut FieldErrors,
) -> Vec<TierPrice> {
    if tiers.len() > MAX_TIER_PRICES {
        errors.push(
            "tier_prices",
            format!("at most {MAX_TIER_PRICES} price breaks"),
        );
    }
    let mut parsed: Vec<TierPrice> = Vec::new();
    for (index, tier) in tiers.into_iter().enumerate() {
        let field = format!("tier_prices[{index}]");
        if !(2..=1_000_000).contains(&tier.min_quantity) {
            errors.push(
                format!("{field}.min_quantity"),
                "must be between 2 and 1000000",
            );
            continue;
        }
        let Some(unit_price) = errors.check(
            format!("{field}.unit_price"),
            tier.unit_price.resolve(currency),
        ) else {
            continue;
        };
        if unit_price.minor() <= 0 {
            errors.push(format!("{field}.unit_price"), "must be greater than zero");
            continue;
        }
        if let Some(previous) = parsed.last() {
            if tier.min_quantity as u32 <= previous.min_quantity {
                errors.push(
                    format!("{field}.min_quantity"),
                    "price breaks must be in ascending order of quantity",
                );
                continue;
            }
            if unit_price.minor() > previous.unit_price.minor() {
                errors.push(
                    format!("{field}.unit_price"),
                    "a larger quantity must not cost more per unit",
                );
                continue;
            }
        }
        parsed.push(TierPrice {
            min_quantity: tier.min_quantity as u32,
            unit_price,
        });
    }
    parsed
}

fn parse_market_prices(
    prices: Vec<MarketPriceInput>,
    market_currency: &impl Fn(CountryCode) -> Option<CurrencyCode>,
    errors: &mut FieldErrors,
) -> Vec<MarketPrice> {
    let mut parsed: Vec<MarketPrice> = Vec::new();
    for (index, price) in prices.into_iter().enumerate() {
        let field = format!("market_prices[{index}]");
        let Some(market) =
            errors.check(format!("{field}.market"), CountryCode::parse(&price.market))
        else {
            continue;
        };
        if parsed.iter().any(|existing| existing.market == market) {
            errors.push(
                format!("{field}.market"),
                format!("{market} is listed twice"),
            );
            continue;
        }
        let Some(currency) = market_currency(market) else {
            errors.push(
                format!("{field}.market"),
                format!("{market} has no tradeable currency"),
            );
            continue;
        };
        let Some(amount) = errors.check(format!("{field}.price"), price.price.resolve(currency))
        else {
            continue;
        };
        if amount.minor() <= 0 {
            errors.push(format!("{field}.price"), "must be greater than zero");
            continue;
        }
        parsed.push(MarketPrice {
            market,
            price: amount,
        });
    }
    parsed
}
