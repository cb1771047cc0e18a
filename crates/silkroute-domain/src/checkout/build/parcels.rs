//! A seller's parcels: one per warehouse the app's allocation planned, or one from the
//! seller's country when there is no plan. A split line keeps its whole quantity for the tier
//! price and ships its parts from different places.

use std::collections::BTreeMap;

use super::super::{QuoteError, ShipFromPlan, Supply};
use super::{CartLine, QuoteContext};
use crate::country::CountryCode;
use crate::ids::WarehouseId;
use crate::party::Seller;

/// A cart line in one parcel: the whole line (`cart.quantity`, which decides the tier price) and
/// the units of it this parcel carries (`part`).
#[derive(Clone, Copy)]
pub(super) struct GroupLine<'a> {
    pub(super) index: usize,
    pub(super) cart: CartLine<'a>,
    pub(super) part: u32,
    pub(super) reason: Option<&'a str>,
}

/// One planned parcel of a seller: where it leaves from and what it carries.
pub(super) struct ParcelPlan<'a> {
    pub(super) ship_from: CountryCode,
    pub(super) warehouse_id: Option<WarehouseId>,
    pub(super) supply: Supply,
    pub(super) lines: Vec<GroupLine<'a>>,
}

/// The seller's parcels: as planned, or all its lines in one parcel from its own country. A plan
/// must cover each of the seller's lines exactly, and nothing else.
pub(super) fn parcels_of<'a>(
    ctx: &'a QuoteContext<'a>,
    seller: &Seller,
    lines: &[GroupLine<'a>],
) -> Result<Vec<ParcelPlan<'a>>, QuoteError> {
    let planned: Vec<&ShipFromPlan> = ctx
        .plan
        .iter()
        .filter(|plan| plan.seller_id == seller.id)
        .collect();
    if planned.is_empty() {
        return Ok(vec![ParcelPlan {
            ship_from: seller.country,
            warehouse_id: None,
            supply: Supply::Import,
            lines: lines.to_vec(),
        }]);
    }
    let mut covered: BTreeMap<usize, u32> = BTreeMap::new();
    let mut parcels = Vec::with_capacity(planned.len());
    for plan in planned {
        let mut parcel_lines = Vec::with_capacity(plan.items.len());
        for item in &plan.items {
            let line = lines
                .iter()
                .find(|line| line.index == item.line)
                .ok_or_else(|| {
                    QuoteError::BadPlan(format!("line {} is not the seller's", item.line))
                })?;
            *covered.entry(item.line).or_default() += item.quantity;
            parcel_lines.push(GroupLine {
                part: item.quantity,
                reason: Some(item.reason.as_str()),
                ..*line
            });
        }
        parcels.push(ParcelPlan {
            ship_from: plan.country,
            warehouse_id: Some(plan.warehouse_id.clone()),
            supply: plan.supply,
            lines: parcel_lines,
        });
    }
    for line in lines {
        if covered.get(&line.index) != Some(&line.cart.quantity) {
            return Err(QuoteError::BadPlan(format!(
                "line {} is planned for {} of {} units",
                line.index,
                covered.get(&line.index).copied().unwrap_or(0),
                line.cart.quantity
            )));
        }
    }
    Ok(parcels)
}

