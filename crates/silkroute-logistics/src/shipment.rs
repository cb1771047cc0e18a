//! A shipment: units of one order leaving one warehouse in one parcel with one carrier service,
//! under one tracking number (RULES.md §9, karrio's `ShipmentRequest`/`ShipmentDetails`). This
//! module holds what a shipment is and the rules around it — which units are still to ship, the
//! parcel's limits, which customs declaration the parcel needs (none inside one customs
//! territory, CN 22 up to 300 SDR, CN 23 above) and the life of its status; the carriers that
//! issue its label are in [`carrier`]. Documents are made from this data on request, so the
//! record is the single source: nothing printed is stored apart from it.

pub mod carrier;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{BuyerId, OrderId, SellerId, ShipmentId, WarehouseId};
use silkroute_domain::money::Money;
use utoipa::ToSchema;

use crate::address::PostalAddress;
use crate::postal_declaration::{DeclarationForm, FormChoice, PostalItemKind, choose_form};
use crate::sdr::SdrConversion;
use crate::tracking_number::S10Number;

/// The heaviest parcel the built-in services take (the UPU's letter-post limit is 2 kg and its
/// parcel limit 30 kg; our services are priced up to 30 kg).
pub const MAX_PARCEL_WEIGHT_G: u32 = 30_000;

/// The longest side a parcel may have, in millimetres.
pub const MAX_PARCEL_SIDE_MM: u32 = 1_500;

/// Where a shipment is in its life. A label can be voided only while the parcel is still with
/// us: once the carrier has it, the way back is a return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentStatus {
    /// Labelled, waiting for the carrier.
    Created,
    /// The carrier has the parcel.
    HandedOver,
    /// The label was voided before hand-over; its units may ship again.
    Cancelled,
}

/// What may happen to a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShipmentAction {
    HandOver,
    Cancel,
}

/// So many units of one order line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct ShipmentItem {
    /// The order line's number (`lines[].line_no` of the order).
    pub line_no: i64,
    pub quantity: i64,
}

/// The parcel as weighed and measured. Dimensions are optional: the test carrier prices and
/// labels by weight only, and a seller who has not measured should not have to make them up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct ParcelSpec {
    /// Gross: goods and packing.
    pub weight_g: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_mm: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width_mm: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_mm: Option<u32>,
}

/// A shipment as stored.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Shipment {
    #[schema(value_type = String)]
    pub id: ShipmentId,
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    #[schema(value_type = String)]
    pub order_id: OrderId,
    #[schema(value_type = String)]
    pub buyer_id: BuyerId,
    /// Where the parcel leaves from.
    #[schema(value_type = String)]
    pub warehouse_id: WarehouseId,
    pub status: ShipmentStatus,
    pub carrier: String,
    pub service_id: String,
    /// The carrier's product as printed on the label.
    pub service_name: String,
    #[schema(value_type = String, example = "RR000000015CN")]
    pub tracking_number: S10Number,
    pub parcel: ParcelSpec,
    pub items: Vec<ShipmentItem>,
    /// The warehouse's address when the label was made (also the return address).
    #[schema(value_type = Object)]
    pub ship_from: PostalAddress,
    #[schema(value_type = Object)]
    pub ship_to: PostalAddress,
    /// `cn22`, `cn23`, or absent when the parcel crosses no customs border.
    #[schema(value_type = Option<String>)]
    pub declaration: Option<DeclarationForm>,
    /// The items' value at the order's prices, in the order's currency.
    #[schema(value_type = Object)]
    pub contents_value: Money,
    /// That value in SDR on the day the label was made, when a declaration was needed.
    #[schema(value_type = Option<String>)]
    #[serde(with = "rust_decimal::serde::str_option")]
    pub contents_sdr: Option<Decimal>,
    /// When the packer's scans matched the items (`POST /shipments/{id}/pack`); absent until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why a shipment cannot be made or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShipmentError {
    #[error("a shipment that is {from} cannot be {action}")]
    Transition {
        from: &'static str,
        action: &'static str,
    },
}

/// A problem with one requested item (`index` in the request) or with the item list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemProblem {
    /// The item's index, or `None` for the list as a whole.
    pub index: Option<usize>,
    /// `line_no` or `quantity` for an item's field.
    pub field: &'static str,
    pub message: String,
}

/// Why a parcel's measurements are refused: the field and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParcelProblem {
    pub field: &'static str,
    pub message: String,
}

impl ShipmentStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ShipmentStatus::Created => "created",
            ShipmentStatus::HandedOver => "handed_over",
            ShipmentStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<ShipmentStatus> {
        match value {
            "created" => Some(ShipmentStatus::Created),
            "handed_over" => Some(ShipmentStatus::HandedOver),
            "cancelled" => Some(ShipmentStatus::Cancelled),
            _ => None,
        }
    }
}

impl ShipmentAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            ShipmentAction::HandOver => "handed over",
            ShipmentAction::Cancel => "cancelled",
        }
    }
}

/// The status after `action`, or why it is not allowed.
pub fn transition(
    from: ShipmentStatus,
    action: ShipmentAction,
) -> Result<ShipmentStatus, ShipmentError> {
    match (from, action) {
        (ShipmentStatus::Created, ShipmentAction::HandOver) => Ok(ShipmentStatus::HandedOver),
        (ShipmentStatus::Created, ShipmentAction::Cancel) => Ok(ShipmentStatus::Cancelled),
        _ => Err(ShipmentError::Transition {
            from: from.as_str(),
            action: action.as_str(),
        }),
    }
}

/// The units of each order line that no live (not cancelled) shipment holds yet, in line order;
/// lines with nothing left are left out. `ordered` is the order's lines, `shipped` the items of
/// its live shipments.
pub fn unshipped(ordered: &[ShipmentItem], shipped: &[ShipmentItem]) -> Vec<ShipmentItem> {
    let mut left: Vec<ShipmentItem> = ordered
        .iter()
        .map(|line| ShipmentItem {
            line_no: line.line_no,
            quantity: line.quantity
                - shipped
                    .iter()
                    .filter(|item| item.line_no == line.line_no)
                    .map(|item| item.quantity)
                    .sum::<i64>(),
        })
        .filter(|line| line.quantity > 0)
        .collect();
    left.sort_by_key(|line| line.line_no);
    left
}

/// Checks the requested items against what is left to ship: every line known and named once,
/// every quantity at least 1 and at most what is left. All problems are reported at once.
pub fn check_items(requested: &[ShipmentItem], left: &[ShipmentItem]) -> Vec<ItemProblem> {
    let mut problems = Vec::new();
    if requested.is_empty() {
        problems.push(ItemProblem {
            index: None,
            field: "items",
            message: "nothing is left to ship on this order".into(),
        });
    }
    for (index, item) in requested.iter().enumerate() {
        let problem = |field: &'static str, message: String| ItemProblem {
            index: Some(index),
            field,
            message,
        };
        if requested[..index].iter().any(|o| o.line_no == item.line_no) {
            problems.push(problem("line_no", "names a line already named".into()));
            continue;
        }
        if item.quantity < 1 {
            problems.push(problem("quantity", "must be at least 1".into()));
            continue;
        }
        match left.iter().find(|line| line.line_no == item.line_no) {
            None => problems.push(problem(
                "line_no",
                format!(
                    "line {} is not on the order or has no units left to ship",
                    item.line_no
                ),
            )),
            Some(line) if item.quantity > line.quantity => problems.push(problem(
                "quantity",
                format!(
                    "only {} unit(s) of line {} are left to ship",
                    line.quantity, line.line_no
                ),
            )),
            Some(_) => {}
        }
    }
    problems
}

/// Whether shipping `items` leaves nothing of `left`: the order is then shipped.
pub fn completes_order(left: &[ShipmentItem], items: &[ShipmentItem]) -> bool {
    left.iter().all(|line| {
        items
            .iter()
            .filter(|item| item.line_no == line.line_no)
            .map(|item| item.quantity)
            .sum::<i64>()
            >= line.quantity
    })
}

/// Checks a parcel's weight and sides; all problems at once.
pub fn check_parcel(parcel: &ParcelSpec) -> Vec<ParcelProblem> {
    let mut problems = Vec::new();
    if parcel.weight_g == 0 || parcel.weight_g > MAX_PARCEL_WEIGHT_G {
        problems.push(ParcelProblem {
            field: "weight_g",
            message: format!("must be 1 to {MAX_PARCEL_WEIGHT_G} g"),
        });
    }
    let sides = [
        ("length_mm", parcel.length_mm),
        ("width_mm", parcel.width_mm),
        ("height_mm", parcel.height_mm),
    ];
    let given = sides.iter().filter(|(_, side)| side.is_some()).count();
    for (field, side) in sides {
        match side {
            Some(mm) if mm == 0 || mm > MAX_PARCEL_SIDE_MM => problems.push(ParcelProblem {
                field,
                message: format!("must be 1 to {MAX_PARCEL_SIDE_MM} mm"),
            }),
            None if given > 0 => problems.push(ParcelProblem {
                field,
                message: "give all three sides or none".into(),
            }),
            _ => {}
        }
    }
    problems
}

/// Whether goods from `from` to `to` pass a customs border: not within one country, and not
/// between two EU members (one customs union, no declaration).
pub fn crosses_customs_border(from: CountryCode, to: CountryCode) -> bool {
    from != to && !(from.is_eu_member() && to.is_eu_member())
}

/// The declaration a parcel from `from` to `to` needs, chosen on its contents' SDR value:
/// `None` when it crosses no customs border. Our parcels travel as letter-post items (small
/// packets) so the value decides between CN 22 and CN 23.
pub fn declaration_for(
    from: CountryCode,
    to: CountryCode,
    contents: &SdrConversion,
) -> Option<FormChoice> {
    crosses_customs_border(from, to)
        .then(|| choose_form(PostalItemKind::LetterPost, contents, false))
}

#[cfg(test)]
mod tests;
