//! Which warehouse ships which units of an order. Where the goods leave from decides whether the
//! parcel is a domestic sale, an intra-EU distance sale or an import (and so who owes the VAT and
//! whether customs is involved, RULES.md §15), what it costs and how long it takes; the same
//! order and stock must always give the same answer, so the rule is pure and deterministic.
//!
//! # Rule
//! Warehouses fall into three tiers relative to the destination, preferred in this order:
//! 1. **Domestic** — stock in the destination country, in free circulation: no import.
//! 2. **Customs union** — stock in another EU member state when the destination is one: an
//!    intra-EU distance sale, no customs.
//! 3. **Cross-border** — everything else, cheapest first, then fastest (the longer transit bound,
//!    then the shorter), then by warehouse id.
//!
//! Bonded warehouses are always cross-border: goods in a bonded zone are outside the customs
//! territory even when the zone is in the destination country, so releasing them is an import
//! (China's 1210 mode, RULES.md §12).
//!
//! A line's *best tier* is the first tier holding any of its product. When one warehouse of that
//! tier has the whole quantity, the line ships from one warehouse; lines are grouped so that the
//! order leaves from as few warehouses as possible (a warehouse already shipping part of the
//! order is preferred, then the one serving the most lines, then the cost order above). Only when
//! no single warehouse of the best tier has the whole line does it split: it takes what the best
//! tier holds and the rest from the next tiers, each time from a warehouse already shipping if
//! possible, else from one that covers the rest, else from the one holding the most.

mod plan;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::{ProductId, WarehouseId};
use silkroute_domain::money::Money;

/// What a warehouse is, as the app stores it (`seller|platform|overseas_3pl|bonded`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarehouseKind {
    /// The seller's own stock room, usually in its home country.
    Seller,
    /// A warehouse the platform runs.
    Platform,
    /// A third-party logistics warehouse abroad holding stock that was already imported.
    #[serde(rename = "overseas_3pl")]
    Overseas3pl,
    /// A bonded zone or warehouse: goods stored there have not been cleared by customs.
    Bonded,
}

/// One order line to allocate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub product_id: ProductId,
    pub quantity: u32,
}

/// A warehouse that could ship the order, as the caller sees it for this destination: the stock
/// it has available now and what shipping a parcel from it to the destination would cost and take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateWarehouse {
    pub warehouse_id: WarehouseId,
    pub kind: WarehouseKind,
    pub country: CountryCode,
    /// Units available (on hand minus reserved) per product.
    pub available: BTreeMap<ProductId, u32>,
    /// Estimated cost of one parcel from here to the destination; all candidates of one call
    /// must quote in the same currency.
    pub shipping_cost: Money,
    pub transit_days: TransitDays,
}

/// Days in transit to the destination, as a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TransitDays {
    pub min: u16,
    pub max: u16,
}

/// How a parcel crosses (or does not cross) a border, which decides the VAT and customs
/// treatment of the sale (RULES.md §15).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentKind {
    /// Within the destination country from stock already imported: a domestic sale, VAT of the
    /// destination declared in its return (the marketplace is the deemed supplier when the seller
    /// is established elsewhere), no duty on the parcel.
    Domestic,
    /// From another EU member state: an intra-EU distance sale, VAT of the arrival member state
    /// declared through the OSS union scheme, no customs.
    IntraUnion,
    /// Across a customs border (or out of a bonded warehouse): duty and import VAT per the
    /// landed-cost rules, a customs declaration on the parcel.
    Import,
}

/// Why a warehouse was chosen for (part of) a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationReason {
    /// Stock in the destination country covers the line.
    Domestic,
    /// Stock elsewhere in the EU customs union covers the line.
    CustomsUnion,
    /// Cross-border, and no cheaper warehouse covers the line (or using another would add a
    /// parcel).
    CrossBorderCheapest,
    /// Cross-border, as cheap as another warehouse that covers the line, and faster.
    CrossBorderFastest,
    /// The rest of a line that no single warehouse of its best tier could ship whole.
    SplitRemaining,
}

/// Units of one line taken from one warehouse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    pub warehouse_id: WarehouseId,
    pub quantity: u32,
    pub reason: AllocationReason,
}

/// Where one order line ships from; the picks' quantities add up to the line's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAllocation {
    /// Position of the line in the order.
    pub line: usize,
    pub product_id: ProductId,
    pub quantity: u32,
    pub picks: Vec<Pick>,
}

/// Everything one warehouse ships for the order: one parcel group (the packer may still need
/// several boxes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelGroup {
    pub warehouse_id: WarehouseId,
    pub ship_from: CountryCode,
    pub warehouse_kind: WarehouseKind,
    pub shipment: ShipmentKind,
    pub shipping_cost: Money,
    pub transit_days: TransitDays,
    pub items: Vec<ParcelGroupItem>,
}

/// Units of one order line in a parcel group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelGroupItem {
    pub line: usize,
    pub product_id: ProductId,
    pub quantity: u32,
}

/// The outcome: per line (in order) the picks, per warehouse (by id) the parcel group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub destination: CountryCode,
    pub lines: Vec<LineAllocation>,
    pub parcels: Vec<ParcelGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("the order has no lines")]
    NoLines,
    #[error("line {line}: quantity must be at least 1")]
    ZeroQuantity { line: usize },
    #[error("warehouse {0} is listed twice")]
    DuplicateWarehouse(WarehouseId),
    #[error(
        "shipping cost estimates are in {expected} and {found}; convert them to one currency first"
    )]
    MixedCostCurrencies {
        expected: CurrencyCode,
        found: CurrencyCode,
    },
    #[error("warehouse {warehouse_id}: transit days {min}-{max} run backwards")]
    TransitDaysReversed {
        warehouse_id: WarehouseId,
        min: u16,
        max: u16,
    },
    #[error(
        "line {line}: {ordered} × {product_id} ordered, {available} available in all warehouses \
         after the lines before it: {shortfall} short"
    )]
    InsufficientStock {
        line: usize,
        product_id: ProductId,
        ordered: u32,
        available: u64,
        shortfall: u64,
    },
}

/// Allocates `lines` for a parcel to `destination` from `candidates` by the rule in the module
/// documentation. The order of `candidates` does not matter; the order of `lines` does only
/// where two lines compete for the same stock (the earlier line is served first).
pub fn allocate(
    destination: CountryCode,
    lines: &[OrderLine],
    candidates: &[CandidateWarehouse],
) -> Result<Allocation, AllocationError> {
    plan::check_input(lines, candidates)?;
    plan::check_stock_suffices(lines, candidates)?;
    Ok(plan::plan(destination, lines, candidates))
}

impl WarehouseKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            WarehouseKind::Seller => "seller",
            WarehouseKind::Platform => "platform",
            WarehouseKind::Overseas3pl => "overseas_3pl",
            WarehouseKind::Bonded => "bonded",
        }
    }

    /// Reads the name the app stores.
    pub fn parse(name: &str) -> Option<WarehouseKind> {
        [
            WarehouseKind::Seller,
            WarehouseKind::Platform,
            WarehouseKind::Overseas3pl,
            WarehouseKind::Bonded,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for WarehouseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ShipmentKind {
    /// How a parcel from a `kind` warehouse in `ship_from` to `destination` crosses borders.
    pub fn between(
        ship_from: CountryCode,
        kind: WarehouseKind,
        destination: CountryCode,
    ) -> ShipmentKind {
        if kind == WarehouseKind::Bonded {
            ShipmentKind::Import
        } else if ship_from == destination {
            ShipmentKind::Domestic
        } else if ship_from.is_eu_member() && destination.is_eu_member() {
            ShipmentKind::IntraUnion
        } else {
            ShipmentKind::Import
        }
    }

    /// Whether the parcel needs a customs declaration (CN 22/CN 23 or a commercial invoice).
    pub fn needs_customs_declaration(&self) -> bool {
        *self == ShipmentKind::Import
    }
}

impl CandidateWarehouse {
    /// Units of `product` this warehouse has available.
    pub fn available_of(&self, product: &ProductId) -> u32 {
        self.available.get(product).copied().unwrap_or(0)
    }
}

impl Allocation {
    /// The parcel group shipping from `warehouse_id`, if any.
    pub fn parcel_from(&self, warehouse_id: &WarehouseId) -> Option<&ParcelGroup> {
        self.parcels
            .iter()
            .find(|group| &group.warehouse_id == warehouse_id)
    }
}
