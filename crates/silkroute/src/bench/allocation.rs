//! `silkroute bench allocation`: how fast a backlog of orders is allocated to warehouses. One
//! seller with a home warehouse in China and stock in a German, a British and an American 3PL
//! and a Polish fulfilment centre; orders to ten markets of one to four lines, allocated one
//! after another against the shrinking stock as a fulfilment run would. Each order's candidates
//! are built from the live stock and a shipping estimate per warehouse and destination taken
//! from the real rate cards, so the figure is the whole per-order work, not the rule alone.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{ProductId, Ulid, WarehouseId};
use silkroute_domain::money::Money;
use silkroute_domain::catalog::DimensionsMm;
use silkroute_domain::shipping::{self, Parcel, Preference, embedded_services};
use silkroute_logistics::allocation::{
    self, CandidateWarehouse, OrderLine, ShipmentKind, TransitDays, WarehouseKind,
};

const DESTINATIONS: [&str; 10] = ["DE", "FR", "IT", "ES", "NL", "PL", "GB", "US", "CA", "AU"];
const PRODUCTS: usize = 1_000;

/// What one backlog run did and how long it took.
#[derive(Debug, Serialize)]
pub struct AllocationRun {
    pub orders: usize,
    pub lines: usize,
    pub allocated: usize,
    /// Orders the stock left could not cover (back-orders).
    pub unallocated: usize,
    pub parcels: usize,
    pub domestic_parcels: usize,
    pub intra_union_parcels: usize,
    pub import_parcels: usize,
    pub split_lines: usize,
    pub seconds: f64,
    pub orders_per_second: f64,
}

struct Warehouse {
    id: WarehouseId,
    kind: WarehouseKind,
    country: CountryCode,
    stock: Vec<u32>,
}

/// Allocates `orders` generated from `seed`; the same seed gives the same backlog and result.
pub fn allocation_backlog(orders: usize, seed: u64) -> anyhow::Result<AllocationRun> {
    let mut rng = StdRng::seed_from_u64(seed);
    let products: Vec<ProductId> = (0..PRODUCTS)
        .map(|n| ProductId::new(Ulid::from_parts(1_700_000_000_000, n as u128)))
        .collect();
    let places = [
        (WarehouseKind::Seller, "CN", 200, 1.0),
        (WarehouseKind::Overseas3pl, "DE", 20, 0.4),
        (WarehouseKind::Overseas3pl, "GB", 15, 0.3),
        (WarehouseKind::Overseas3pl, "US", 20, 0.3),
        (WarehouseKind::Platform, "PL", 10, 0.2),
    ];
    let mut warehouses = Vec::new();
    for (n, (kind, country, units, share)) in places.into_iter().enumerate() {
        let stock = (0..PRODUCTS)
            .map(|_| if rng.random_bool(share) { units } else { 0 })
            .collect();
        warehouses.push(Warehouse {
            id: WarehouseId::new(Ulid::from_parts(1_700_000_000_000, 10_000 + n as u128)),
            kind,
            country: CountryCode::parse(country)?,
            stock,
        });
    }
    let costs = shipping_estimates(&warehouses)?;
    let backlog: Vec<(CountryCode, Vec<(usize, u32)>)> = (0..orders)
        .map(|_| {
            let destination = DESTINATIONS[rng.random_range(0..DESTINATIONS.len())];
            let mut lines: Vec<(usize, u32)> = Vec::new();
            for _ in 0..rng.random_range(1..=4) {
                let product = rng.random_range(0..PRODUCTS);
                if lines.iter().all(|(p, _)| *p != product) {
                    lines.push((product, rng.random_range(1..=3)));
                }
            }
            Ok((CountryCode::parse(destination)?, lines))
        })
        .collect::<anyhow::Result<_>>()?;

    let mut run = AllocationRun {
        orders,
        lines: backlog.iter().map(|(_, lines)| lines.len()).sum(),
        allocated: 0,
        unallocated: 0,
        parcels: 0,
        domestic_parcels: 0,
        intra_union_parcels: 0,
        import_parcels: 0,
        split_lines: 0,
        seconds: 0.0,
        orders_per_second: 0.0,
    };
    let started = Instant::now();
    for (destination, lines) in &backlog {
        let order: Vec<OrderLine> = lines
            .iter()
            .map(|(product, quantity)| OrderLine {
                product_id: products[*product].clone(),
                quantity: *quantity,
            })
            .collect();
        let candidates: Vec<CandidateWarehouse> = warehouses
            .iter()
            .enumerate()
            .filter_map(|(w, warehouse)| {
                let (cost, transit) = costs.get(&(w, *destination))?;
                Some(CandidateWarehouse {
                    warehouse_id: warehouse.id.clone(),
                    kind: warehouse.kind,
                    country: warehouse.country,
                    available: lines
                        .iter()
                        .filter(|(product, _)| warehouse.stock[*product] > 0)
                        .map(|(product, _)| {
                            (products[*product].clone(), warehouse.stock[*product])
                        })
                        .collect(),
                    shipping_cost: *cost,
                    transit_days: *transit,
                })
            })
            .collect();
        let Ok(allocated) = allocation::allocate(*destination, &order, &candidates) else {
            run.unallocated += 1;
            continue;
        };
        run.allocated += 1;
        for (line, allocation) in lines.iter().zip(&allocated.lines) {
            run.split_lines += usize::from(allocation.picks.len() > 1);
            for pick in &allocation.picks {
                if let Some(warehouse) = warehouses.iter_mut().find(|w| w.id == pick.warehouse_id)
                {
                    warehouse.stock[line.0] -= pick.quantity;
                }
            }
        }
        for parcel in &allocated.parcels {
            run.parcels += 1;
            match parcel.shipment {
                ShipmentKind::Domestic => run.domestic_parcels += 1,
                ShipmentKind::IntraUnion => run.intra_union_parcels += 1,
                ShipmentKind::Import => run.import_parcels += 1,
            }
        }
    }
    let elapsed = started.elapsed().max(Duration::from_nanos(1));
    run.seconds = elapsed.as_secs_f64();
    run.orders_per_second = orders as f64 / run.seconds;
    Ok(run)
}

/// The best-value service's price and transit for a 1 kg parcel from each warehouse to each
/// destination, from the shipped rate cards (what the quote's estimate does per cart).
fn shipping_estimates(
    warehouses: &[Warehouse],
) -> anyhow::Result<BTreeMap<(usize, CountryCode), (Money, TransitDays)>> {
    let services = embedded_services()?;
    let date = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default();
    let parcel = Parcel::new(
        1_000,
        DimensionsMm {
            length: 300,
            width: 200,
            height: 150,
        },
    );
    let mut costs = BTreeMap::new();
    for (w, warehouse) in warehouses.iter().enumerate() {
        for destination in DESTINATIONS {
            let destination = CountryCode::parse(destination)?;
            let choice = shipping::shop(
                &services,
                warehouse.country,
                destination,
                &parcel,
                date,
                Preference::BestValue,
            );
            if let Ok(choice) = choice {
                let transit = TransitDays {
                    min: u16::from(choice.selected.transit_days_min),
                    max: u16::from(choice.selected.transit_days_max),
                };
                costs.insert((w, destination), (choice.selected.total, transit));
            }
        }
    }
    Ok(costs)
}
