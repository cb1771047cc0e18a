//! Quotes from a ship-from plan: a line split between stock in the destination and stock at
//! home, each part its own parcel with its own taxes, at the tier price of the whole line.

use super::*;

fn planned(warehouse: u32, at: &str, supply: Supply, line: usize, quantity: u32) -> ShipFromPlan {
    ShipFromPlan {
        seller_id: SellerId::parse(CN_SELLER).unwrap(),
        warehouse_id: crate::ids::WarehouseId::parse(&format!(
            "whs_01JD00000000000000000000{warehouse:02}"
        ))
        .unwrap(),
        country: country(at),
        supply,
        items: vec![PlannedItem {
            line,
            quantity,
            reason: "test".into(),
        }],
    }
}

#[test]
fn a_line_split_between_a_domestic_and_a_cross_border_parcel_keeps_its_tier_price() {
    let world = World::new();
    let mut bulk = product(5, CN_SELLER, m("80.00", "CNY"), "691200");
    bulk.tier_prices = vec![TierPrice {
        min_quantity: 10,
        unit_price: m("64.00", "CNY"),
    }];
    let plan = [
        planned(1, "DE", Supply::Domestic, 0, 4),
        planned(2, "CN", Supply::Import, 0, 6),
    ];
    let cart = vec![CartLine {
        product: &bulk,
        quantity: 10,
    }];
    let q = quote_planned(&world, "DE", "2026-03-02", cart, 0, None, &plan).unwrap();
    assert_eq!(q.groups.len(), 2);
    let (domestic, import) = (&q.groups[0], &q.groups[1]);
    // Each part at the tier of the whole line (10 units): 64 CNY = 8 EUR.
    for (group, units) in [(domestic, 4), (import, 6)] {
        assert_eq!(group.lines[0].quantity, units);
        assert_eq!(group.lines[0].unit_price, m("8.00", "EUR"));
        assert_eq!(group.lines[0].price_source, "tier_price");
        assert_eq!(group.allocation[0].quantity, units);
    }
    assert_eq!(domestic.supply, Supply::Domestic);
    assert_eq!(domestic.ship_from, country("DE"));
    assert!(domestic.duty_lines.is_empty());
    assert_eq!(domestic.tax_lines[0].rule, "vat.de.standard");
    assert_eq!(import.supply, Supply::Import);
    assert_eq!(import.ship_from, country("CN"));
    // Shorter delivery from stock in the country.
    assert!(domestic.delivery.latest < import.delivery.latest);
    // The order's totals are the parcels' sums.
    assert_eq!(
        q.totals.collected_now,
        sum(q.groups.iter().map(|g| g.collected_now), "EUR")
    );
}

#[test]
fn a_plan_that_does_not_cover_the_cart_is_refused() {
    let world = World::new();
    let teapot = product(6, CN_SELLER, m("80.00", "CNY"), "691200");
    let cart = vec![CartLine {
        product: &teapot,
        quantity: 3,
    }];
    let short = [planned(1, "DE", Supply::Domestic, 0, 2)];
    assert!(matches!(
        quote_planned(&world, "DE", "2026-03-02", cart, 0, None, &short),
        Err(QuoteError::BadPlan(_))
    ));
}
