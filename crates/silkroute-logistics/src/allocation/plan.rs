//! The allocation rule itself, over warehouses sorted by id so that the caller's order of
//! candidates cannot change the outcome. Stock is tracked per warehouse as it is taken.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashSet};

use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::ProductId;

use super::{
    Allocation, AllocationError, AllocationReason, CandidateWarehouse, LineAllocation, OrderLine,
    ParcelGroup, ParcelGroupItem, Pick, ShipmentKind,
};

const TIERS: [ShipmentKind; 3] = [
    ShipmentKind::Domestic,
    ShipmentKind::IntraUnion,
    ShipmentKind::Import,
];

pub(super) fn check_input(
    lines: &[OrderLine],
    candidates: &[CandidateWarehouse],
) -> Result<(), AllocationError> {
    if lines.is_empty() {
        return Err(AllocationError::NoLines);
    }
    if let Some(line) = lines.iter().position(|line| line.quantity == 0) {
        return Err(AllocationError::ZeroQuantity { line });
    }
    let mut seen = HashSet::new();
    for candidate in candidates {
        if !seen.insert(&candidate.warehouse_id) {
            return Err(AllocationError::DuplicateWarehouse(
                candidate.warehouse_id.clone(),
            ));
        }
        if candidate.transit_days.min > candidate.transit_days.max {
            return Err(AllocationError::TransitDaysReversed {
                warehouse_id: candidate.warehouse_id.clone(),
                min: candidate.transit_days.min,
                max: candidate.transit_days.max,
            });
        }
    }
    // Compared against the smallest id's currency so that the error does not depend on order.
    if let Some(first) = candidates
        .iter()
        .min_by(|a, b| a.warehouse_id.cmp(&b.warehouse_id))
    {
        let expected = first.shipping_cost.currency();
        if let Some(other) = candidates
            .iter()
            .find(|c| c.shipping_cost.currency() != expected)
        {
            return Err(AllocationError::MixedCostCurrencies {
                expected,
                found: other.shipping_cost.currency(),
            });
        }
    }
    Ok(())
}

/// Refuses the order at the first line (in order) whose product runs out, counting the lines
/// before it that ask for the same product. Once this passes, every line can be served whatever
/// order the planner serves them in: each takes exactly its quantity of a product whose total
/// stock covers all lines.
pub(super) fn check_stock_suffices(
    lines: &[OrderLine],
    candidates: &[CandidateWarehouse],
) -> Result<(), AllocationError> {
    let mut demanded: BTreeMap<&ProductId, u64> = BTreeMap::new();
    for (index, line) in lines.iter().enumerate() {
        let total: u64 = candidates
            .iter()
            .map(|c| u64::from(c.available_of(&line.product_id)))
            .sum();
        let before = demanded.entry(&line.product_id).or_insert(0);
        let available = total.saturating_sub(*before);
        let ordered = u64::from(line.quantity);
        if ordered > available {
            return Err(AllocationError::InsufficientStock {
                line: index,
                product_id: line.product_id.clone(),
                ordered: line.quantity,
                available,
                shortfall: ordered - available,
            });
        }
        *before += ordered;
    }
    Ok(())
}

pub(super) fn plan(
    destination: CountryCode,
    lines: &[OrderLine],
    candidates: &[CandidateWarehouse],
) -> Allocation {
    let mut planner = Planner::new(destination, lines, candidates);
    for tier in TIERS {
        planner.serve_whole_lines(tier);
        planner.split_lines(tier);
    }
    planner.finish()
}

/// One pick before it is turned into ids: warehouse index, units, why.
type RawPick = (usize, u32, AllocationReason);

struct Planner<'a> {
    destination: CountryCode,
    lines: &'a [OrderLine],
    /// Sorted by warehouse id.
    warehouses: Vec<&'a CandidateWarehouse>,
    tier: Vec<ShipmentKind>,
    /// Position in the preference order (tier, cost, transit, id); lower is better.
    rank: Vec<usize>,
    remaining: Vec<BTreeMap<ProductId, u32>>,
    /// Warehouses already shipping part of the order: using them again adds no parcel.
    open: Vec<bool>,
    picks: Vec<Option<Vec<RawPick>>>,
}

impl<'a> Planner<'a> {
    fn new(
        destination: CountryCode,
        lines: &'a [OrderLine],
        candidates: &'a [CandidateWarehouse],
    ) -> Planner<'a> {
        let mut warehouses: Vec<&CandidateWarehouse> = candidates.iter().collect();
        warehouses.sort_by(|a, b| a.warehouse_id.cmp(&b.warehouse_id));
        let tier: Vec<ShipmentKind> = warehouses
            .iter()
            .map(|w| ShipmentKind::between(w.country, w.kind, destination))
            .collect();
        let mut order: Vec<usize> = (0..warehouses.len()).collect();
        order.sort_by_key(|&index| {
            let w = warehouses[index];
            (
                tier[index],
                w.shipping_cost.minor(),
                speed(w),
                // Indices follow the id order, so this is the id tie-break.
                index,
            )
        });
        let mut rank = vec![0; warehouses.len()];
        for (position, index) in order.into_iter().enumerate() {
            rank[index] = position;
        }
        Planner {
            destination,
            lines,
            remaining: warehouses.iter().map(|w| w.available.clone()).collect(),
            open: vec![false; warehouses.len()],
            picks: vec![None; lines.len()],
            warehouses,
            tier,
            rank,
        }
    }

    fn stock(&self, warehouse: usize, product: &ProductId) -> u32 {
        self.remaining[warehouse].get(product).copied().unwrap_or(0)
    }

    fn take(&mut self, warehouse: usize, product: &ProductId, quantity: u32) {
        if let Some(units) = self.remaining[warehouse].get_mut(product) {
            *units = units.saturating_sub(quantity);
        }
        self.open[warehouse] = true;
    }

    /// The first tier still holding any of the line's product.
    fn best_tier(&self, line: usize) -> Option<ShipmentKind> {
        let product = &self.lines[line].product_id;
        (0..self.warehouses.len())
            .filter(|&w| self.stock(w, product) > 0)
            .map(|w| self.tier[w])
            .min()
    }

    fn covers(&self, warehouse: usize, line: usize) -> bool {
        let line = &self.lines[line];
        self.stock(warehouse, &line.product_id) >= line.quantity
    }

    fn in_tier(&self, tier: ShipmentKind) -> impl Iterator<Item = usize> + '_ {
        (0..self.warehouses.len()).filter(move |&w| self.tier[w] == tier)
    }

    /// Serves every line whose best tier is `tier` and that one warehouse of the tier can ship
    /// whole, as a greedy set cover: an open warehouse first, then the one serving the most of
    /// these lines, then the preference order.
    fn serve_whole_lines(&mut self, tier: ShipmentKind) {
        loop {
            let eligible: Vec<usize> = (0..self.lines.len())
                .filter(|&line| self.picks[line].is_none())
                .filter(|&line| self.best_tier(line) == Some(tier))
                .filter(|&line| self.in_tier(tier).any(|w| self.covers(w, line)))
                .collect();
            if eligible.is_empty() {
                return;
            }
            let chosen = self
                .in_tier(tier)
                .map(|w| {
                    let served = eligible.iter().filter(|&&l| self.covers(w, l)).count();
                    (w, served)
                })
                .filter(|&(_, served)| served > 0)
                .min_by_key(|&(w, served)| (!self.open[w], Reverse(served), self.rank[w]))
                .map(|(w, _)| w);
            let Some(warehouse) = chosen else {
                return;
            };
            for line in eligible {
                if !self.covers(warehouse, line) {
                    // An earlier line of the same product took the stock; a later round or the
                    // split serves this one.
                    continue;
                }
                let reason = self.whole_line_reason(warehouse, line);
                let OrderLine {
                    product_id,
                    quantity,
                } = &self.lines[line];
                self.take(warehouse, product_id, *quantity);
                self.picks[line] = Some(vec![(warehouse, *quantity, reason)]);
            }
        }
    }

    /// Why `warehouse` serves all of `line`, judged before its stock is taken.
    fn whole_line_reason(&self, warehouse: usize, line: usize) -> AllocationReason {
        match self.tier[warehouse] {
            ShipmentKind::Domestic => AllocationReason::Domestic,
            ShipmentKind::IntraUnion => AllocationReason::CustomsUnion,
            ShipmentKind::Import => {
                let chosen = self.warehouses[warehouse];
                let beat_a_rival_on_speed = self
                    .in_tier(ShipmentKind::Import)
                    .filter(|&other| other != warehouse && self.covers(other, line))
                    .map(|other| self.warehouses[other])
                    .any(|other| {
                        other.shipping_cost == chosen.shipping_cost && speed(chosen) < speed(other)
                    });
                if beat_a_rival_on_speed {
                    AllocationReason::CrossBorderFastest
                } else {
                    AllocationReason::CrossBorderCheapest
                }
            }
        }
    }

    /// Splits each remaining line whose best tier is `tier` across warehouses, best tier first.
    fn split_lines(&mut self, tier: ShipmentKind) {
        for line in 0..self.lines.len() {
            if self.picks[line].is_none() && self.best_tier(line) == Some(tier) {
                self.split(line);
            }
        }
    }

    fn split(&mut self, line: usize) {
        let product = self.lines[line].product_id.clone();
        let mut need = self.lines[line].quantity;
        let mut picks: Vec<RawPick> = Vec::new();
        while need > 0 {
            let Some(tier) = self.best_tier(line) else {
                // Unreachable after `check_stock_suffices`; stop rather than loop.
                break;
            };
            let chosen = self
                .in_tier(tier)
                .filter(|&w| self.stock(w, &product) > 0)
                .min_by_key(|&w| {
                    let held = self.stock(w, &product);
                    let covers = held >= need;
                    (
                        !self.open[w],
                        !covers,
                        Reverse(if covers { 0 } else { held }),
                        self.rank[w],
                    )
                });
            let Some(warehouse) = chosen else {
                break;
            };
            let quantity = need.min(self.stock(warehouse, &product));
            let reason = if picks.is_empty() {
                tier_reason(tier)
            } else {
                AllocationReason::SplitRemaining
            };
            self.take(warehouse, &product, quantity);
            picks.push((warehouse, quantity, reason));
            need -= quantity;
        }
        self.picks[line] = Some(picks);
    }

    fn finish(self) -> Allocation {
        let mut items: BTreeMap<usize, Vec<ParcelGroupItem>> = BTreeMap::new();
        let mut lines = Vec::with_capacity(self.lines.len());
        for (index, (line, picks)) in self.lines.iter().zip(self.picks).enumerate() {
            let picks = picks.unwrap_or_default();
            for &(warehouse, quantity, _) in &picks {
                items.entry(warehouse).or_default().push(ParcelGroupItem {
                    line: index,
                    product_id: line.product_id.clone(),
                    quantity,
                });
            }
            lines.push(LineAllocation {
                line: index,
                product_id: line.product_id.clone(),
                quantity: line.quantity,
                picks: picks
                    .into_iter()
                    .map(|(warehouse, quantity, reason)| Pick {
                        warehouse_id: self.warehouses[warehouse].warehouse_id.clone(),
                        quantity,
                        reason,
                    })
                    .collect(),
            });
        }
        // Warehouse indices follow the id order, so the groups come out sorted by id.
        let parcels = items
            .into_iter()
            .map(|(warehouse, items)| {
                let w = self.warehouses[warehouse];
                ParcelGroup {
                    warehouse_id: w.warehouse_id.clone(),
                    ship_from: w.country,
                    warehouse_kind: w.kind,
                    shipment: self.tier[warehouse],
                    shipping_cost: w.shipping_cost,
                    transit_days: w.transit_days,
                    items,
                }
            })
            .collect();
        Allocation {
            destination: self.destination,
            lines,
            parcels,
        }
    }
}

/// The delivery promise (the longer bound) decides "faster"; the shorter bound breaks its ties.
fn speed(warehouse: &CandidateWarehouse) -> (u16, u16) {
    (warehouse.transit_days.max, warehouse.transit_days.min)
}

fn tier_reason(tier: ShipmentKind) -> AllocationReason {
    match tier {
        ShipmentKind::Domestic => AllocationReason::Domestic,
        ShipmentKind::IntraUnion => AllocationReason::CustomsUnion,
        ShipmentKind::Import => AllocationReason::CrossBorderCheapest,
    }
}
