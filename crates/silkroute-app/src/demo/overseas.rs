//! Demo stock already in the buyers' markets: every third Chinese seller keeps some of its range
//! in overseas 3PL warehouses in Germany, the United Kingdom and the United States, and a share
//! of the carts bought there ships domestically from it (no duty, that country's VAT, a shorter
//! delivery), as the quote's allocation would choose. Decisions come from a generator of their
//! own, so the rest of the demo stays the same for the same seed.

use std::collections::HashMap;

use rand::Rng;
use rand::rngs::StdRng;
use silkroute_domain::catalog::Product;
use silkroute_domain::checkout::{CartLine, PlannedItem, ShipFromPlan, Supply};
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{ProductId, SellerId, WarehouseId};
use silkroute_domain::party::Seller;
use silkroute_logistics::address::PostalAddress;
use silkroute_store::{StockLevel, Warehouse};

use super::orders::ulid_at;

/// Market, operator, street, city, state and postal code of a 3PL warehouse.
type ThirdParty = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

/// The 3PL warehouses' ship-from addresses (one operator per market).
const WAREHOUSES: [ThirdParty; 3] = [
    (
        "DE",
        "Rhein 3PL GmbH",
        "Am Hafen 4",
        "Duisburg",
        None,
        "47119",
    ),
    (
        "GB",
        "Midlands Fulfilment Ltd",
        "Unit 4, Magna Park",
        "Lutterworth",
        None,
        "LE17 4XN",
    ),
    (
        "US",
        "Inland Empire Logistics Inc.",
        "4000 Logistics Way",
        "Ontario",
        Some("CA"),
        "91761",
    ),
];

/// Share of the carts in a stocked market that ship from the stock there.
const DOMESTIC_SHARE: f64 = 0.6;

#[derive(Default)]
pub(super) struct Overseas {
    by_market: HashMap<(SellerId, CountryCode), WarehouseId>,
}

impl Overseas {
    /// Every third Chinese seller's overseas warehouses.
    pub(super) fn open(rng: &mut StdRng, sellers: &[Seller]) -> (Overseas, Vec<Warehouse>) {
        let mut overseas = Overseas::default();
        let mut warehouses = Vec::new();
        let chinese = sellers.iter().filter(|s| s.country.as_str() == "CN");
        for seller in chinese.step_by(3) {
            for (market, operator, street, city, state, postal_code) in WAREHOUSES {
                let Ok(country) = CountryCode::parse(market) else {
                    continue;
                };
                let id = WarehouseId::new(ulid_at(rng, seller.created_at));
                warehouses.push(Warehouse {
                    id: id.clone(),
                    seller_id: seller.id.clone(),
                    name: format!("{operator} ({city})"),
                    country,
                    kind: "overseas_3pl".into(),
                    address: Some(PostalAddress {
                        recipient: format!("{} c/o {operator}", seller.name),
                        organisation: Some(operator.to_string()),
                        street_lines: vec![street.to_string()],
                        dependent_locality: None,
                        city: Some(city.to_string()),
                        state: state.map(str::to_string),
                        postal_code: Some(postal_code.to_string()),
                        sorting_code: None,
                        country,
                        phone: None,
                        email: None,
                    }),
                    created_at: seller.created_at,
                });
                overseas.by_market.insert((seller.id.clone(), country), id);
            }
        }
        (overseas, warehouses)
    }

    /// The plan for a cart to `market`: each seller stocked there ships its lines from there,
    /// for `DOMESTIC_SHARE` of the carts; the rest ship from home.
    pub(super) fn plan(
        &self,
        rng: &mut StdRng,
        market: CountryCode,
        cart: &[CartLine<'_>],
    ) -> Vec<ShipFromPlan> {
        let stocked: Vec<(&SellerId, &WarehouseId)> = cart
            .iter()
            .filter_map(|line| {
                let seller = &line.product.seller_id;
                Some(seller).zip(self.by_market.get(&(seller.clone(), market)))
            })
            .collect();
        if stocked.is_empty() || !rng.random_bool(DOMESTIC_SHARE) {
            return Vec::new();
        }
        let mut plan: Vec<ShipFromPlan> = Vec::new();
        for (index, line) in cart.iter().enumerate() {
            let Some((seller, warehouse)) = stocked
                .iter()
                .find(|(seller, _)| **seller == line.product.seller_id)
            else {
                continue;
            };
            let item = PlannedItem {
                line: index,
                quantity: line.quantity,
                reason: "domestic".into(),
            };
            match plan.iter_mut().find(|p| &p.seller_id == *seller) {
                Some(parcel) => parcel.items.push(item),
                None => plan.push(ShipFromPlan {
                    seller_id: (*seller).clone(),
                    warehouse_id: (*warehouse).clone(),
                    country: market,
                    supply: Supply::Domestic,
                    items: vec![item],
                }),
            }
        }
        plan
    }

    /// Opening shelves of the overseas warehouses: every product of a stocked seller, with what
    /// open orders hold there reserved on top.
    pub(super) fn levels(
        &self,
        rng: &mut StdRng,
        products: &[Product],
        reserved: &HashMap<(SellerId, ProductId, WarehouseId), i64>,
    ) -> Vec<StockLevel> {
        let mut stocked: Vec<(&(SellerId, CountryCode), &WarehouseId)> =
            self.by_market.iter().collect();
        stocked.sort_by(|a, b| a.1.cmp(b.1));
        let mut levels = Vec::new();
        for ((seller, _), warehouse) in stocked {
            for product in products.iter().filter(|p| &p.seller_id == seller) {
                let held = reserved
                    .get(&(seller.clone(), product.id.clone(), warehouse.clone()))
                    .copied()
                    .unwrap_or(0);
                let on_hand = rng.random_range(10..80) + held;
                levels.push(StockLevel {
                    seller_id: seller.clone(),
                    product_id: product.id.clone(),
                    warehouse_id: warehouse.clone(),
                    on_hand,
                    reserved: held,
                    available: on_hand - held,
                    in_transit: 0,
                });
            }
        }
        levels
    }
}
