//! The platform's category taxonomy. Categories are what buyers browse and what industry
//! analytics compare sellers within; each names the HS chapters its goods usually fall in and the
//! typical weight and price band, which the demo generator uses to make believable listings.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub struct Category {
    pub slug: &'static str,
    pub name: &'static str,
    pub parent: Option<&'static str>,
    /// HS chapters (2 digits) that goods of this category are usually classified in.
    pub hs_chapters: &'static [&'static str],
    /// Typical shipping weight band in grams: `[lightest, heaviest]`.
    #[schema(value_type = Vec<u32>, min_items = 2, max_items = 2)]
    pub weight_g: (u32, u32),
    /// Typical retail price band in US cents, converted to the seller's currency by the demo:
    /// `[lowest, highest]`.
    #[schema(value_type = Vec<u32>, min_items = 2, max_items = 2)]
    pub price_usd_cents: (u32, u32),
}

const fn leaf(
    slug: &'static str,
    name: &'static str,
    parent: &'static str,
    hs_chapters: &'static [&'static str],
    weight_g: (u32, u32),
    price_usd_cents: (u32, u32),
) -> Category {
    Category {
        slug,
        name,
        parent: Some(parent),
        hs_chapters,
        weight_g,
        price_usd_cents,
    }
}

const fn root(slug: &'static str, name: &'static str) -> Category {
    Category {
        slug,
        name,
        parent: None,
        hs_chapters: &[],
        weight_g: (0, 0),
        price_usd_cents: (0, 0),
    }
}

static CATEGORIES: &[Category] = &[
    root("apparel", "Apparel & Accessories"),
    leaf(
        "apparel.tops",
        "Tops & T-shirts",
        "apparel",
        &["61", "62"],
        (120, 450),
        (600, 4_500),
    ),
    leaf(
        "apparel.dresses",
        "Dresses",
        "apparel",
        &["61", "62"],
        (200, 700),
        (1_500, 9_000),
    ),
    leaf(
        "apparel.shoes",
        "Shoes",
        "apparel",
        &["64"],
        (400, 1_400),
        (2_000, 15_000),
    ),
    leaf(
        "apparel.bags",
        "Bags & Luggage",
        "apparel",
        &["42"],
        (300, 3_000),
        (1_500, 25_000),
    ),
    leaf(
        "apparel.jewelry",
        "Jewelry & Watches",
        "apparel",
        &["71", "91"],
        (20, 300),
        (500, 40_000),
    ),
    root("electronics", "Consumer Electronics"),
    leaf(
        "electronics.phone_accessories",
        "Phone Accessories",
        "electronics",
        &["85", "39"],
        (30, 400),
        (300, 5_000),
    ),
    leaf(
        "electronics.audio",
        "Audio & Headphones",
        "electronics",
        &["85"],
        (80, 1_500),
        (1_500, 30_000),
    ),
    leaf(
        "electronics.computers",
        "Computer Accessories",
        "electronics",
        &["84", "85"],
        (100, 2_500),
        (1_000, 25_000),
    ),
    leaf(
        "electronics.cameras",
        "Cameras & Drones",
        "electronics",
        &["85", "88", "90"],
        (200, 3_000),
        (5_000, 120_000),
    ),
    root("home", "Home & Garden"),
    leaf(
        "home.kitchen",
        "Kitchen & Dining",
        "home",
        &["73", "69", "70", "39"],
        (200, 4_000),
        (800, 12_000),
    ),
    leaf(
        "home.decor",
        "Home Decor",
        "home",
        &["94", "63", "70"],
        (150, 5_000),
        (700, 15_000),
    ),
    leaf(
        "home.tools",
        "Tools & Hardware",
        "home",
        &["82", "84", "73"],
        (200, 6_000),
        (900, 20_000),
    ),
    leaf(
        "home.garden",
        "Garden & Outdoor",
        "home",
        &["94", "84", "39"],
        (300, 8_000),
        (1_000, 18_000),
    ),
    root("beauty", "Beauty & Health"),
    leaf(
        "beauty.skincare",
        "Skincare",
        "beauty",
        &["33"],
        (50, 600),
        (600, 9_000),
    ),
    leaf(
        "beauty.makeup",
        "Makeup",
        "beauty",
        &["33"],
        (20, 300),
        (400, 6_000),
    ),
    leaf(
        "beauty.hair",
        "Hair Care & Tools",
        "beauty",
        &["33", "85"],
        (100, 1_200),
        (800, 12_000),
    ),
    root("toys", "Toys & Hobbies"),
    leaf(
        "toys.kids",
        "Toys & Games",
        "toys",
        &["95"],
        (100, 2_500),
        (500, 8_000),
    ),
    leaf(
        "toys.sports",
        "Sports & Outdoors",
        "toys",
        &["95", "63", "61"],
        (150, 6_000),
        (1_000, 20_000),
    ),
    root("food", "Food & Beverages"),
    leaf(
        "food.tea_coffee",
        "Tea & Coffee",
        "food",
        &["09", "21"],
        (100, 1_200),
        (500, 6_000),
    ),
    leaf(
        "food.snacks",
        "Snacks & Confectionery",
        "food",
        &["17", "18", "19", "20"],
        (100, 1_500),
        (300, 3_000),
    ),
];

pub fn all_categories() -> &'static [Category] {
    CATEGORIES
}

pub fn category(slug: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|category| category.slug == slug)
}

/// Listings go into leaf categories only, so that category shares add up.
pub fn is_leaf(slug: &str) -> bool {
    category(slug).is_some_and(|category| category.parent.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_has_an_existing_root_and_real_hs_chapters() {
        for category in all_categories().iter().filter(|c| c.parent.is_some()) {
            let parent = super::category(category.parent.unwrap()).expect("parent exists");
            assert!(parent.parent.is_none());
            assert!(!category.hs_chapters.is_empty());
            assert!(category.weight_g.0 < category.weight_g.1);
            assert!(category.price_usd_cents.0 < category.price_usd_cents.1);
        }
    }
}
