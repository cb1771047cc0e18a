//! Fulfilment: labelling an order's units for a carrier (a shipment), voiding a label before
//! hand-over, and the documents that travel with the parcel — the 100 × 150 mm label with its
//! CN 22, the CN 23 and the commercial invoice — rendered on request from the shipment, its
//! order and the FX rates of its day, so nothing printed is stored apart from its data.
//!
//! Who may do what: the order's seller and admins label, void and print; the order's buyer
//! reads its shipments (to follow them) but prints nothing; anyone else gets a 404.

mod create;
mod documents;
mod picking;

pub use picking::{ManifestRequest, PackRequest, PickList};

use serde::Deserialize;
use silkroute_domain::ids::{OrderId, ShipmentId};
use silkroute_logistics::shipment::{ParcelSpec, Shipment, ShipmentItem, ShipmentStatus};
use silkroute_store::{Page, PageRequest, ShipmentFilter};
use utoipa::ToSchema;

use crate::orders::order_scope;
use crate::{App, AppError, AppResult, Principal};

/// How the built-in carrier numbers parcels and which registrations the platform prints on
/// customs documents when it collected the import VAT at checkout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FulfilmentConfig {
    /// The S10 service indicator of the built-in carrier's numbers (`RR` registered letter post,
    /// `LX` tracked letter post, `UA` goods under customs control…).
    pub test_carrier_service_indicator: String,
    /// The serial range the operator allotted; each issuing country counts on its own.
    pub test_carrier_first_serial: u32,
    pub test_carrier_last_serial: u32,
    /// The platform's EU IOSS number (`IM…`), printed when it collected VAT under IOSS.
    pub platform_ioss_number: Option<String>,
    /// The platform's UK VAT number, printed when it collected UK VAT at the point of sale.
    pub platform_uk_vat_number: Option<String>,
    /// The platform's Norwegian VOEC number.
    pub platform_voec_number: Option<String>,
}

impl Default for FulfilmentConfig {
    fn default() -> FulfilmentConfig {
        FulfilmentConfig {
            test_carrier_service_indicator: "RR".into(),
            test_carrier_first_serial: 1,
            test_carrier_last_serial: 99_999_999,
            platform_ioss_number: None,
            platform_uk_vat_number: None,
            platform_voec_number: None,
        }
    }
}

/// `POST /orders/{id}/shipments`: every field optional.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentRequest {
    /// Which units go in the parcel; all units not yet in a shipment when omitted. They must
    /// all leave from one warehouse.
    pub items: Option<Vec<ShipmentItem>>,
    /// As weighed; the goods' weight when omitted.
    pub parcel: Option<ParcelSpec>,
    /// A carrier service id; the one chosen at checkout when omitted.
    pub service_id: Option<String>,
}

/// The printable documents besides the label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShipmentDocument {
    Cn23,
    CommercialInvoice,
}

impl ShipmentDocument {
    pub fn parse(kind: &str) -> Option<ShipmentDocument> {
        match kind {
            "cn23" => Some(ShipmentDocument::Cn23),
            "commercial_invoice" => Some(ShipmentDocument::CommercialInvoice),
            _ => None,
        }
    }
}

impl App {
    /// Shipments the caller may see: a seller's own, a buyer's orders', all for an admin.
    pub async fn list_shipments(
        &self,
        principal: &Principal,
        order_id: Option<&str>,
        status: Option<&str>,
        page: &PageRequest,
    ) -> AppResult<Page<Shipment>> {
        let filter = ShipmentFilter {
            order_id: order_id
                .map(|id| {
                    OrderId::parse(id).map_err(|e| AppError::field("order_id", e.to_string()))
                })
                .transpose()?,
            status: status
                .map(|s| {
                    ShipmentStatus::parse(s).ok_or_else(|| {
                        AppError::field("status", "one of created, handed_over, cancelled")
                    })
                })
                .transpose()?,
        };
        Ok(self
            .store
            .list_shipments(&order_scope(principal), &filter, page)
            .await?)
    }

    pub async fn get_shipment(&self, principal: &Principal, id: &str) -> AppResult<Shipment> {
        let id = ShipmentId::parse(id).map_err(|_| AppError::NotFound("shipment"))?;
        self.store
            .get_shipment(&order_scope(principal), &id)
            .await?
            .ok_or(AppError::NotFound("shipment"))
    }

    /// Voids a label not yet handed over, while its order is not shipped: its units may then
    /// ship again. The number stays spent.
    pub async fn cancel_shipment(&self, principal: &Principal, id: &str) -> AppResult<Shipment> {
        let shipment = self.get_shipment(principal, id).await?;
        if matches!(principal, Principal::Buyer { .. }) {
            return Err(AppError::Forbidden("labels belong to the order's seller"));
        }
        silkroute_logistics::shipment::transition(
            shipment.status,
            silkroute_logistics::shipment::ShipmentAction::Cancel,
        )
        .map_err(|error| AppError::Conflict(error.to_string()))?;
        self.store
            .cancel_shipment(&shipment.seller_id, &shipment.id, self.now())
            .await?
            .ok_or_else(|| {
                AppError::Conflict(
                    "the order is shipped (or the shipment changed meanwhile): a label of a \
                     shipped order is no longer voided here; reload it"
                        .into(),
                )
            })
    }
}
