//! Shipments and the built-in carrier's tracking-number counter. Shipments are seller-owned: a
//! seller's reads and writes name the seller and the backends put it in the `WHERE` clause, so
//! another seller's shipment is simply not found. Labelling the last units of an order also
//! ships the order, in the same transaction as the shipment insert.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{OrderId, SellerId, ShipmentId};
use silkroute_logistics::shipment::{Shipment, ShipmentStatus};
use silkroute_logistics::tracking_number::S10Range;

use crate::{OrderChange, OrderScope, Page, PageRequest, StoreResult};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShipmentFilter {
    pub order_id: Option<OrderId>,
    pub status: Option<ShipmentStatus>,
}

/// A shipment to write, with the tracking range it took its number from.
#[derive(Clone, Debug)]
pub struct NewShipment {
    pub shipment: Shipment,
    /// The range as read before issuing (`None`: no counter stored yet for its indicator and
    /// country). The write goes through only if the stored counter is still there.
    pub range_before: Option<S10Range>,
    /// The range after issuing the shipment's number.
    pub range_after: S10Range,
    /// The `ship` change of the order, applied when this shipment leaves no unit of the order
    /// unshipped.
    pub ship_order: OrderChange,
}

/// What [`ShipmentStore::insert_shipment`] did; only `Inserted` wrote anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShipmentInsert {
    /// Written; `order_shipped` when the order moved to `shipped` with it.
    Inserted { order_shipped: bool },
    /// Another label took a number from the range meanwhile: issue again from the stored range.
    RangeMoved,
    /// The order is not (or no longer) paid or being fulfilled.
    OrderNotShippable,
    /// Another shipment took some of these units meanwhile.
    UnitsTaken,
}

#[async_trait]
pub trait ShipmentStore: Send + Sync {
    /// The built-in carrier's stored range for a service indicator and issuing country.
    async fn tracking_range(
        &self,
        service_indicator: &str,
        country: CountryCode,
    ) -> StoreResult<Option<S10Range>>;
    /// In one transaction: checks the order is still `paid` or `fulfilling` and its units are
    /// still free, advances the tracking range from `range_before`, writes the shipment and,
    /// when no unit is left unshipped, applies `ship_order`.
    async fn insert_shipment(&self, new: &NewShipment) -> StoreResult<ShipmentInsert>;
    async fn get_shipment(
        &self,
        scope: &OrderScope,
        id: &ShipmentId,
    ) -> StoreResult<Option<Shipment>>;
    /// In creation order (keyset on the id, which sorts by creation).
    async fn list_shipments(
        &self,
        scope: &OrderScope,
        filter: &ShipmentFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Shipment>>;
    /// Every shipment of an order, cancelled ones included, in creation order.
    async fn order_shipments(
        &self,
        seller: &SellerId,
        order: &OrderId,
    ) -> StoreResult<Vec<Shipment>>;
    /// Voids a `created` shipment whose order is not shipped yet; the shipment as stored after,
    /// or `None` when there is no such shipment in that state.
    async fn cancel_shipment(
        &self,
        seller: &SellerId,
        id: &ShipmentId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Shipment>>;
}
