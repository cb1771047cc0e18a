//! Where a quote's goods leave from: each seller's stock is allocated across its warehouses
//! (`silkroute_logistics::allocation`: stock in the destination first, then elsewhere in the EU
//! customs union, then the cheapest or fastest cross-border source, splitting a line only when
//! no single warehouse of its best tier has it all), and every warehouse the allocation uses
//! becomes one parcel of the quote with its own shipping, taxes and delivery range. The shipping
//! estimate that ranks cross-border sources is the preference's pick of the rate cards for the
//! seller's whole cart from that warehouse.
//!
//! A seller whose stock cannot cover its lines gets no plan: its lines are quoted as one parcel
//! from its own country, and the placement then refuses the order as out of stock, as before.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use silkroute_domain::catalog::Product;
use silkroute_domain::checkout::{PlannedItem, ShipFromPlan, Supply};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::money::Money;
use silkroute_domain::party::Seller;
use silkroute_domain::shipping::{self, CarrierService, Parcel, ParcelLine, Preference};
use silkroute_logistics::allocation::{
    self, AllocationReason, CandidateWarehouse, OrderLine, ShipmentKind, TransitDays, WarehouseKind,
};

use crate::{App, AppResult};

/// What the planner needs of the quote request.
pub(crate) struct PlanRequest<'a> {
    pub destination: CountryCode,
    pub date: NaiveDate,
    pub preference: Preference,
    pub services: &'a [CarrierService],
    pub sellers: &'a [Seller],
    /// The cart: products and quantities, in request order.
    pub lines: Vec<(&'a Product, u32)>,
}

impl App {
    /// The ship-from plan of every seller whose stock covers its lines (see the module docs).
    pub(crate) async fn ship_from_plan(
        &self,
        request: &PlanRequest<'_>,
    ) -> AppResult<Vec<ShipFromPlan>> {
        let mut plan = Vec::new();
        for seller in request.sellers {
            // A seller's home market is not offered (the quote refuses it); nothing to plan.
            if seller.country == request.destination {
                continue;
            }
            let lines: Vec<(usize, &Product, u32)> = request
                .lines
                .iter()
                .enumerate()
                .filter(|(_, (product, _))| product.seller_id == seller.id)
                .map(|(index, (product, quantity))| (index, *product, *quantity))
                .collect();
            let products: Vec<_> = lines.iter().map(|(_, p, _)| p.id.clone()).collect();
            let stock = self.store.available_stock(&seller.id, &products).await?;
            let candidates = candidates(request, &lines, stock);
            let order_lines: Vec<OrderLine> = lines
                .iter()
                .map(|(_, product, quantity)| OrderLine {
                    product_id: product.id.clone(),
                    quantity: *quantity,
                })
                .collect();
            let Ok(allocation) =
                allocation::allocate(request.destination, &order_lines, &candidates)
            else {
                continue;
            };
            // Nearest first: the buyer reads the domestic parcel before the import.
            let mut parcels: Vec<_> = allocation.parcels.iter().collect();
            parcels.sort_by_key(|parcel| (parcel.shipment, parcel.warehouse_id.clone()));
            for parcel in parcels {
                let items = parcel
                    .items
                    .iter()
                    .map(|item| {
                        let reason = allocation.lines[item.line]
                            .picks
                            .iter()
                            .find(|pick| pick.warehouse_id == parcel.warehouse_id)
                            .map_or(AllocationReason::SplitRemaining, |pick| pick.reason);
                        PlannedItem {
                            line: lines[item.line].0,
                            quantity: item.quantity,
                            reason: reason_name(reason).to_string(),
                        }
                    })
                    .collect();
                plan.push(ShipFromPlan {
                    seller_id: seller.id.clone(),
                    warehouse_id: parcel.warehouse_id.clone(),
                    country: parcel.ship_from,
                    supply: match parcel.shipment {
                        ShipmentKind::Domestic => Supply::Domestic,
                        ShipmentKind::IntraUnion => Supply::IntraUnion,
                        ShipmentKind::Import => Supply::Import,
                    },
                    items,
                });
            }
        }
        Ok(plan)
    }
}

/// The seller's warehouses holding any of its lines, each with what a parcel of the seller's
/// whole cart from there would cost and take; a warehouse no service can ship from is left out.
/// A seller with stock in one warehouse only has nothing to rank: it is not rated here (the
/// quote rates its parcel anyway), which keeps the common case at one query per seller.
fn candidates(
    request: &PlanRequest<'_>,
    lines: &[(usize, &Product, u32)],
    stock: Vec<silkroute_store::AvailableStock>,
) -> Vec<CandidateWarehouse> {
    if let Some(first) = stock.first()
        && stock
            .iter()
            .all(|row| row.warehouse_id == first.warehouse_id)
    {
        let Some(kind) = WarehouseKind::parse(&first.kind) else {
            return Vec::new();
        };
        let (warehouse_id, country) = (first.warehouse_id.clone(), first.country);
        return vec![CandidateWarehouse {
            warehouse_id,
            kind,
            country,
            available: stock
                .into_iter()
                .map(|row| {
                    let available = u32::try_from(row.available).unwrap_or(u32::MAX);
                    (row.product_id, available)
                })
                .collect(),
            // Unranked: the only candidate.
            shipping_cost: Money::zero(CurrencyCode::USD),
            transit_days: TransitDays { min: 0, max: 0 },
        }];
    }
    let mut by_warehouse: BTreeMap<_, CandidateWarehouse> = BTreeMap::new();
    let parcel = Parcel::from_lines(
        &lines
            .iter()
            .map(|(_, product, quantity)| ParcelLine {
                weight_g: product.weight_g,
                dimensions_mm: product.dimensions_mm,
                quantity: *quantity,
            })
            .collect::<Vec<_>>(),
    );
    let mut unshippable = Vec::new();
    for row in stock {
        if unshippable.contains(&row.warehouse_id) {
            continue;
        }
        let available = u32::try_from(row.available).unwrap_or(u32::MAX);
        if let Some(candidate) = by_warehouse.get_mut(&row.warehouse_id) {
            candidate.available.insert(row.product_id, available);
            continue;
        }
        let Some(kind) = WarehouseKind::parse(&row.kind) else {
            continue;
        };
        let choice = shipping::shop(
            request.services,
            row.country,
            request.destination,
            &parcel,
            request.date,
            request.preference,
        );
        let Ok(choice) = choice else {
            unshippable.push(row.warehouse_id);
            continue;
        };
        by_warehouse.insert(
            row.warehouse_id.clone(),
            CandidateWarehouse {
                warehouse_id: row.warehouse_id,
                kind,
                country: row.country,
                available: BTreeMap::from([(row.product_id, available)]),
                shipping_cost: choice.selected.total,
                transit_days: TransitDays {
                    min: u16::from(choice.selected.transit_days_min),
                    max: u16::from(choice.selected.transit_days_max),
                },
            },
        );
    }
    by_warehouse.into_values().collect()
}

fn reason_name(reason: AllocationReason) -> &'static str {
    match reason {
        AllocationReason::Domestic => "domestic",
        AllocationReason::CustomsUnion => "customs_union",
        AllocationReason::CrossBorderCheapest => "cross_border_cheapest",
        AllocationReason::CrossBorderFastest => "cross_border_fastest",
        AllocationReason::SplitRemaining => "split_remaining",
    }
}
