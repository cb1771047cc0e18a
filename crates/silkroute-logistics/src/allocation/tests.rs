//! The allocation rule on small hand-made warehouses whose answer can be checked by eye, and
//! its invariants (stock never overdrawn, lines complete, input order irrelevant, domestic stock
//! first) on generated ones.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rstest::rstest;
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::{ProductId, Ulid, WarehouseId};
use silkroute_domain::money::Money;

use super::*;

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("test country")
}

fn warehouse_id(n: u128) -> WarehouseId {
    WarehouseId::new(Ulid::from_parts(0, n))
}

fn product(n: u128) -> ProductId {
    ProductId::new(Ulid::from_parts(0, n))
}

fn line(product_n: u128, quantity: u32) -> OrderLine {
    OrderLine {
        product_id: product(product_n),
        quantity,
    }
}

/// A seller warehouse `n` in `code` with `stock` as (product, units), a USD cost in cents and a
/// transit range.
fn warehouse(
    n: u128,
    code: &str,
    stock: &[(u128, u32)],
    cost_cents: i64,
    transit: (u16, u16),
) -> CandidateWarehouse {
    CandidateWarehouse {
        warehouse_id: warehouse_id(n),
        kind: WarehouseKind::Seller,
        country: country(code),
        available: stock
            .iter()
            .map(|&(p, units)| (product(p), units))
            .collect(),
        shipping_cost: Money::from_minor(cost_cents, CurrencyCode::USD),
        transit_days: TransitDays {
            min: transit.0,
            max: transit.1,
        },
    }
}

fn picks(allocation: &Allocation, line: usize) -> Vec<(WarehouseId, u32, AllocationReason)> {
    allocation.lines[line]
        .picks
        .iter()
        .map(|pick| (pick.warehouse_id.clone(), pick.quantity, pick.reason))
        .collect()
}

#[test]
fn domestic_stock_wins_over_cheaper_imports() {
    let candidates = [
        warehouse(1, "CN", &[(1, 50)], 300, (8, 15)),
        warehouse(2, "DE", &[(1, 5)], 900, (1, 2)),
    ];
    let allocation = allocate(country("DE"), &[line(1, 3)], &candidates).unwrap();
    assert_eq!(
        picks(&allocation, 0),
        vec![(warehouse_id(2), 3, AllocationReason::Domestic)]
    );
    assert_eq!(allocation.parcels.len(), 1);
    assert_eq!(allocation.parcels[0].shipment, ShipmentKind::Domestic);
    assert_eq!(allocation.parcels[0].ship_from, country("DE"));
}

#[test]
fn another_member_state_wins_over_imports_into_the_eu() {
    let candidates = [
        warehouse(1, "CN", &[(1, 50)], 300, (8, 15)),
        warehouse(2, "PL", &[(1, 5)], 700, (2, 4)),
    ];
    let allocation = allocate(country("DE"), &[line(1, 3)], &candidates).unwrap();
    assert_eq!(
        picks(&allocation, 0),
        vec![(warehouse_id(2), 3, AllocationReason::CustomsUnion)]
    );
    assert_eq!(allocation.parcels[0].shipment, ShipmentKind::IntraUnion);
}

#[test]
fn the_customs_union_is_the_eu_only() {
    // Great Britain left the union: stock in France ships to London as an import.
    let candidates = [
        warehouse(1, "CN", &[(1, 50)], 300, (8, 15)),
        warehouse(2, "FR", &[(1, 5)], 700, (2, 4)),
    ];
    let allocation = allocate(country("GB"), &[line(1, 3)], &candidates).unwrap();
    assert_eq!(
        picks(&allocation, 0),
        vec![(warehouse_id(1), 3, AllocationReason::CrossBorderCheapest)]
    );
    assert_eq!(allocation.parcels[0].shipment, ShipmentKind::Import);
}

#[rstest]
// Cheapest wins, whatever the speed.
#[case((500, (3, 5)), (400, (9, 14)), 2, AllocationReason::CrossBorderCheapest)]
// Same price: the shorter delivery promise wins.
#[case((400, (3, 5)), (400, (2, 9)), 1, AllocationReason::CrossBorderFastest)]
// Same price and promise: the shorter lower bound wins.
#[case((400, (4, 9)), (400, (2, 9)), 2, AllocationReason::CrossBorderFastest)]
// Same price and speed: the smaller warehouse id, and cheapest is still true.
#[case((400, (2, 9)), (400, (2, 9)), 1, AllocationReason::CrossBorderCheapest)]
fn cross_border_is_cheapest_then_fastest_then_by_id(
    #[case] first: (i64, (u16, u16)),
    #[case] second: (i64, (u16, u16)),
    #[case] expected_warehouse: u128,
    #[case] reason: AllocationReason,
) {
    // Given in reverse id order to show that input order does not matter.
    let candidates = [
        warehouse(2, "CN", &[(1, 10)], second.0, second.1),
        warehouse(1, "US", &[(1, 10)], first.0, first.1),
    ];
    let allocation = allocate(country("BR"), &[line(1, 2)], &candidates).unwrap();
    assert_eq!(
        picks(&allocation, 0),
        vec![(warehouse_id(expected_warehouse), 2, reason)]
    );
}

#[test]
fn an_order_ships_from_as_few_warehouses_as_the_tier_allows() {
    // Warehouse 1 is cheaper but only has product 1; warehouse 2 has both, so one parcel.
    let candidates = [
        warehouse(1, "CN", &[(1, 10)], 300, (8, 15)),
        warehouse(2, "CN", &[(1, 10), (2, 10)], 500, (8, 15)),
    ];
    let allocation = allocate(country("US"), &[line(1, 1), line(2, 1)], &candidates).unwrap();
    assert_eq!(allocation.parcels.len(), 1);
    assert_eq!(allocation.parcels[0].warehouse_id, warehouse_id(2));
    assert_eq!(allocation.parcels[0].items.len(), 2);
}

#[test]
fn a_split_draws_first_on_a_warehouse_already_shipping() {
    // Line 0 only fits warehouse 3, which then also gives what it has of line 1 before the
    // larger warehouse 2 and the cheaper warehouse 1 are asked.
    let candidates = [
        warehouse(1, "DE", &[(1, 6)], 100, (1, 2)),
        warehouse(2, "DE", &[(1, 7)], 200, (1, 2)),
        warehouse(3, "DE", &[(1, 6), (2, 1)], 400, (1, 2)),
    ];
    let allocation = allocate(country("DE"), &[line(2, 1), line(1, 10)], &candidates).unwrap();
    assert_eq!(
        picks(&allocation, 1),
        vec![
            (warehouse_id(3), 6, AllocationReason::Domestic),
            (warehouse_id(1), 4, AllocationReason::SplitRemaining),
        ]
    );
    assert_eq!(allocation.parcels.len(), 2);
}

#[test]
fn a_line_splits_only_when_no_warehouse_of_its_best_tier_has_it_all() {
    let candidates = [
        warehouse(1, "DE", &[(1, 4)], 500, (1, 2)),
        warehouse(2, "FR", &[(1, 10)], 600, (2, 3)),
        warehouse(3, "CN", &[(1, 100)], 300, (8, 15)),
    ];
    let allocation = allocate(country("DE"), &[line(1, 10)], &candidates).unwrap();
    assert_eq!(
        picks(&allocation, 0),
        vec![
            (warehouse_id(1), 4, AllocationReason::Domestic),
            (warehouse_id(2), 6, AllocationReason::SplitRemaining),
        ]
    );
    let kinds: Vec<ShipmentKind> = allocation.parcels.iter().map(|p| p.shipment).collect();
    assert_eq!(
        kinds,
        vec![ShipmentKind::Domestic, ShipmentKind::IntraUnion]
    );
}

#[test]
fn a_split_takes_the_largest_holding_first_to_keep_parcels_few() {
    let candidates = [
        warehouse(1, "US", &[(1, 2)], 100, (2, 4)),
        warehouse(2, "US", &[(1, 3)], 100, (2, 4)),
        warehouse(3, "US", &[(1, 6)], 900, (2, 4)),
    ];
    let allocation = allocate(country("US"), &[line(1, 9)], &candidates).unwrap();
    assert_eq!(
        picks(&allocation, 0),
        vec![
            (warehouse_id(3), 6, AllocationReason::Domestic),
            (warehouse_id(2), 3, AllocationReason::SplitRemaining),
        ]
    );
}

#[test]
fn bonded_stock_in_the_destination_is_still_an_import() {
    let mut bonded = warehouse(1, "CN", &[(1, 10)], 200, (2, 3));
    bonded.kind = WarehouseKind::Bonded;
    let allocation = allocate(country("CN"), &[line(1, 1)], &[bonded]).unwrap();
    assert_eq!(allocation.parcels[0].shipment, ShipmentKind::Import);
    assert_eq!(allocation.parcels[0].warehouse_kind, WarehouseKind::Bonded);
    assert_eq!(
        allocation.lines[0].picks[0].reason,
        AllocationReason::CrossBorderCheapest
    );
}

#[test]
fn insufficient_stock_names_the_line_and_the_shortfall() {
    let candidates = [
        warehouse(1, "DE", &[(1, 4)], 500, (1, 2)),
        warehouse(2, "CN", &[(1, 3), (2, 9)], 300, (8, 15)),
    ];
    // Line 0 takes 5 of the 7 units of product 1; line 2 wants 4 more.
    let error = allocate(
        country("DE"),
        &[line(1, 5), line(2, 1), line(1, 4)],
        &candidates,
    )
    .unwrap_err();
    assert_eq!(
        error,
        AllocationError::InsufficientStock {
            line: 2,
            product_id: product(1),
            ordered: 4,
            available: 2,
            shortfall: 2,
        }
    );
    assert!(error.to_string().starts_with("line 2: 4 × prd_"));
    assert!(
        error
            .to_string()
            .ends_with("2 available in all warehouses after the lines before it: 2 short")
    );
}

#[test]
fn lines_of_the_same_product_share_the_stock() {
    let candidates = [
        warehouse(1, "DE", &[(1, 4)], 500, (1, 2)),
        warehouse(2, "CN", &[(1, 3)], 300, (8, 15)),
    ];
    let allocation = allocate(country("DE"), &[line(1, 4), line(1, 3)], &candidates).unwrap();
    assert_eq!(picks(&allocation, 0)[0].0, warehouse_id(1));
    assert_eq!(
        picks(&allocation, 1),
        vec![(warehouse_id(2), 3, AllocationReason::CrossBorderCheapest)]
    );
}

#[rstest]
#[case(&[], AllocationError::NoLines)]
#[case(&[(1, 1), (2, 0)], AllocationError::ZeroQuantity { line: 1 })]
fn malformed_orders_are_refused(#[case] lines: &[(u128, u32)], #[case] error: AllocationError) {
    let lines: Vec<OrderLine> = lines.iter().map(|&(p, q)| line(p, q)).collect();
    let candidates = [warehouse(1, "DE", &[(1, 4)], 500, (1, 2))];
    assert_eq!(allocate(country("DE"), &lines, &candidates), Err(error));
}

#[test]
fn malformed_candidates_are_refused() {
    let base = warehouse(1, "DE", &[(1, 4)], 500, (1, 2));
    let duplicate = [base.clone(), base.clone()];
    assert_eq!(
        allocate(country("DE"), &[line(1, 1)], &duplicate),
        Err(AllocationError::DuplicateWarehouse(warehouse_id(1)))
    );
    let mut euro = warehouse(2, "FR", &[(1, 4)], 500, (1, 2));
    euro.shipping_cost = Money::from_minor(500, CurrencyCode::EUR);
    assert_eq!(
        allocate(country("DE"), &[line(1, 1)], &[euro, base.clone()]),
        Err(AllocationError::MixedCostCurrencies {
            expected: CurrencyCode::USD,
            found: CurrencyCode::EUR,
        })
    );
    let backwards = warehouse(3, "DE", &[(1, 4)], 500, (5, 2));
    assert!(matches!(
        allocate(country("DE"), &[line(1, 1)], &[backwards]),
        Err(AllocationError::TransitDaysReversed { min: 5, max: 2, .. })
    ));
}

#[rstest]
#[case("DE", WarehouseKind::Seller, "DE", ShipmentKind::Domestic)]
#[case("DE", WarehouseKind::Overseas3pl, "DE", ShipmentKind::Domestic)]
#[case("FR", WarehouseKind::Platform, "DE", ShipmentKind::IntraUnion)]
#[case("FR", WarehouseKind::Seller, "GB", ShipmentKind::Import)]
#[case("GB", WarehouseKind::Seller, "FR", ShipmentKind::Import)]
#[case("CN", WarehouseKind::Seller, "US", ShipmentKind::Import)]
#[case("CN", WarehouseKind::Bonded, "CN", ShipmentKind::Import)]
#[case("NL", WarehouseKind::Bonded, "DE", ShipmentKind::Import)]
fn shipment_kinds(
    #[case] from: &str,
    #[case] kind: WarehouseKind,
    #[case] to: &str,
    #[case] expected: ShipmentKind,
) {
    let shipment = ShipmentKind::between(country(from), kind, country(to));
    assert_eq!(shipment, expected);
    assert_eq!(
        shipment.needs_customs_declaration(),
        expected == ShipmentKind::Import
    );
}

#[test]
fn warehouse_kinds_use_the_app_names() {
    for name in ["seller", "platform", "overseas_3pl", "bonded"] {
        let kind = WarehouseKind::parse(name).expect(name);
        assert_eq!(kind.as_str(), name);
        assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{name}\""));
    }
    assert_eq!(WarehouseKind::parse("3pl"), None);
}

const PRODUCTS: u128 = 4;

fn any_candidate(n: u128) -> impl Strategy<Value = CandidateWarehouse> {
    (
        prop::sample::select(vec!["DE", "FR", "PL", "GB", "US", "CN"]),
        prop::sample::select(vec![
            WarehouseKind::Seller,
            WarehouseKind::Platform,
            WarehouseKind::Overseas3pl,
            WarehouseKind::Bonded,
        ]),
        prop::collection::vec(0_u32..12, PRODUCTS as usize),
        0_i64..3,
        1_u16..4,
        0_u16..3,
    )
        .prop_map(move |(code, kind, stock, cost, min, extra)| {
            let stock: Vec<(u128, u32)> = stock
                .into_iter()
                .enumerate()
                .map(|(p, units)| (p as u128, units))
                .collect();
            // Few distinct costs and transits, so that ties are common.
            let mut candidate = warehouse(n, code, &stock, cost * 100, (min, min + extra));
            candidate.kind = kind;
            candidate
        })
}

fn any_candidates() -> impl Strategy<Value = Vec<CandidateWarehouse>> {
    (1_usize..6).prop_flat_map(|count| {
        (0..count)
            .map(|n| any_candidate(n as u128 + 1))
            .collect::<Vec<_>>()
    })
}

fn any_lines() -> impl Strategy<Value = Vec<OrderLine>> {
    prop::collection::vec((0..PRODUCTS, 1_u32..15), 1..5)
        .prop_map(|lines| lines.into_iter().map(|(p, q)| line(p, q)).collect())
}

fn any_destination() -> impl Strategy<Value = CountryCode> {
    prop::sample::select(vec!["DE", "FR", "GB", "US", "CN"]).prop_map(country)
}

proptest! {
    #[test]
    fn never_more_than_available_and_every_line_complete(
        destination in any_destination(),
        lines in any_lines(),
        candidates in any_candidates(),
    ) {
        let Ok(allocation) = allocate(destination, &lines, &candidates) else {
            return Ok(());
        };
        let mut taken: BTreeMap<(WarehouseId, ProductId), u64> = BTreeMap::new();
        for (line, allocated) in lines.iter().zip(&allocation.lines) {
            let sum: u32 = allocated.picks.iter().map(|p| p.quantity).sum();
            prop_assert_eq!(sum, line.quantity);
            prop_assert!(allocated.picks.iter().all(|p| p.quantity > 0));
            for pick in &allocated.picks {
                *taken
                    .entry((pick.warehouse_id.clone(), line.product_id.clone()))
                    .or_default() += u64::from(pick.quantity);
            }
        }
        for ((warehouse_id, product_id), units) in taken {
            let candidate = candidates.iter().find(|c| c.warehouse_id == warehouse_id).unwrap();
            prop_assert!(units <= u64::from(candidate.available_of(&product_id)));
        }
        let grouped: u32 = allocation
            .parcels
            .iter()
            .flat_map(|group| group.items.iter().map(|item| item.quantity))
            .sum();
        prop_assert_eq!(grouped, lines.iter().map(|l| l.quantity).sum::<u32>());
    }

    #[test]
    fn refused_exactly_when_some_product_runs_out(
        destination in any_destination(),
        lines in any_lines(),
        candidates in any_candidates(),
    ) {
        let mut short = false;
        for p in 0..PRODUCTS {
            let demand: u64 = lines
                .iter()
                .filter(|l| l.product_id == product(p))
                .map(|l| u64::from(l.quantity))
                .sum();
            let supply: u64 = candidates.iter().map(|c| u64::from(c.available_of(&product(p)))).sum();
            short |= demand > supply;
        }
        let outcome = allocate(destination, &lines, &candidates);
        prop_assert_eq!(outcome.is_err(), short);
        if let Err(error) = outcome {
            let is_insufficient_stock = matches!(error, AllocationError::InsufficientStock { .. });
            prop_assert!(is_insufficient_stock);
        }
    }

    #[test]
    fn the_order_of_candidates_does_not_matter(
        destination in any_destination(),
        lines in any_lines(),
        (candidates, shuffled) in any_candidates()
            .prop_flat_map(|c| (Just(c.clone()), Just(c).prop_shuffle())),
    ) {
        prop_assert_eq!(
            allocate(destination, &lines, &candidates),
            allocate(destination, &lines, &shuffled)
        );
    }

    #[test]
    fn domestic_stock_is_chosen_whenever_it_covers_the_line(
        destination in any_destination(),
        products in prop::sample::subsequence((0..PRODUCTS).collect::<Vec<_>>(), 1..4),
        quantities in prop::collection::vec(1_u32..15, 4),
        candidates in any_candidates(),
    ) {
        // One line per product, so no line competes with another for the same stock.
        let lines: Vec<OrderLine> =
            products.iter().zip(&quantities).map(|(&p, &q)| line(p, q)).collect();
        let Ok(allocation) = allocate(destination, &lines, &candidates) else {
            return Ok(());
        };
        for (line, allocated) in lines.iter().zip(&allocation.lines) {
            let covered_at_home = candidates.iter().any(|c| {
                ShipmentKind::between(c.country, c.kind, destination) == ShipmentKind::Domestic
                    && c.available_of(&line.product_id) >= line.quantity
            });
            if covered_at_home {
                prop_assert_eq!(allocated.picks.len(), 1);
                prop_assert_eq!(allocated.picks[0].reason, AllocationReason::Domestic);
                let group = allocation.parcel_from(&allocated.picks[0].warehouse_id).unwrap();
                prop_assert_eq!(group.ship_from, destination);
                prop_assert_eq!(group.shipment, ShipmentKind::Domestic);
            }
        }
    }
}
