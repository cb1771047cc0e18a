//! Carriers as karrio models them (RULES.md §9): a shipment request goes in, a label with its
//! tracking number comes out, and a label not yet handed over can be voided. Real carriers sit
//! behind HTTP APIs, so their adapters live outside this pure crate and implement this trait
//! around their calls; the built-in `test` carrier issues UPU S10 numbers from an allotted range
//! the way a designated operator would. Its counter is the caller's to keep durable: the app
//! loads the range from the database, lets the carrier issue, and stores the advanced range in
//! the same transaction as the shipment, so a number is issued once even across processes.

use crate::address::ValidAddress;
use crate::shipment::ParcelSpec;
use crate::tracking_number::{S10Number, S10Range, TrackingNumberError};

/// The built-in carrier's name, as service ids and shipments name it.
pub const TEST_CARRIER: &str = "test";

/// What a carrier needs to label a parcel (karrio's `ShipmentRequest`, trimmed to what we send).
#[derive(Clone, Debug)]
pub struct CarrierShipmentRequest<'a> {
    pub service_id: &'a str,
    pub ship_from: &'a ValidAddress,
    pub ship_to: &'a ValidAddress,
    pub parcel: &'a ParcelSpec,
    /// Our reference printed on the label (the order id).
    pub reference: &'a str,
}

/// What the carrier answers (karrio's `ShipmentDetails`): the number the parcel travels under
/// and the product name its sorters know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarrierLabel {
    pub tracking_number: S10Number,
    pub service_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarrierError {
    /// The carrier has no number left to give (the operator must allot a new range).
    #[error(transparent)]
    Numbers(#[from] TrackingNumberError),
    #[error("the carrier does not offer service '{0}'")]
    UnknownService(String),
    #[error("the carrier refused: {0}")]
    Refused(String),
}

/// A carrier's label API.
pub trait Carrier {
    fn name(&self) -> &str;
    fn create_shipment(
        &mut self,
        request: &CarrierShipmentRequest<'_>,
    ) -> Result<CarrierLabel, CarrierError>;
    /// Voids a label that was not handed over.
    fn cancel_shipment(&mut self, tracking_number: &S10Number) -> Result<(), CarrierError>;
}

/// The built-in carrier: labels every service, numbering from an S10 range.
#[derive(Clone, Debug)]
pub struct TestCarrier {
    range: S10Range,
}

impl TestCarrier {
    pub fn new(range: S10Range) -> TestCarrier {
        TestCarrier { range }
    }

    /// The range after the numbers issued so far: what the caller stores.
    pub fn range(&self) -> &S10Range {
        &self.range
    }
}

impl Carrier for TestCarrier {
    fn name(&self) -> &str {
        TEST_CARRIER
    }

    fn create_shipment(
        &mut self,
        request: &CarrierShipmentRequest<'_>,
    ) -> Result<CarrierLabel, CarrierError> {
        if request.service_id.trim().is_empty() {
            return Err(CarrierError::UnknownService(request.service_id.to_string()));
        }
        let tracking_number = self.range.issue()?;
        Ok(CarrierLabel {
            tracking_number,
            service_name: format!("Silkroute test carrier · {}", request.service_id),
        })
    }

    fn cancel_shipment(&mut self, _tracking_number: &S10Number) -> Result<(), CarrierError> {
        // The number stays spent: S10 numbers must not be reused within a year, and a voided
        // label may still be lying on a packing table.
        Ok(())
    }
}
