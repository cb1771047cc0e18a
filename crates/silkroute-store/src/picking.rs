//! Picking, packing and hand-over at a warehouse: the units waiting to be picked, a parcel's
//! verified packing, and the manifest under which a carrier takes the parcels. Seller-owned like
//! shipments: every call names the seller and the backends put it in the `WHERE` clause.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use silkroute_domain::ids::{ManifestId, SellerId, ShipmentId, WarehouseId};
use silkroute_logistics::manifest::Manifest;
use silkroute_logistics::pick_list::PickDemand;
use silkroute_logistics::shipment::Shipment;

use crate::{OrderScope, StoreResult};

/// A hand-over to record: which parcels (a carrier's, or all) and the manifest's id and time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewHandOver {
    pub id: ManifestId,
    pub seller_id: SellerId,
    pub warehouse_id: WarehouseId,
    pub carrier: Option<String>,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait PickingStore: Send + Sync {
    /// The seller a warehouse belongs to, or `None` for an unknown warehouse.
    async fn warehouse_seller(&self, warehouse: &WarehouseId) -> StoreResult<Option<SellerId>>;
    /// Per order line: the units allocated to `warehouse` of the seller's `paid` or
    /// `fulfilling` orders that no live (not cancelled) shipment holds yet.
    async fn pick_demand(
        &self,
        seller: &SellerId,
        warehouse: &WarehouseId,
    ) -> StoreResult<Vec<PickDemand>>;
    /// Records that a `created` shipment was packed and verified at `at`; the shipment as stored
    /// after, or `None` when there is no such shipment in that state.
    async fn mark_packed(
        &self,
        seller: &SellerId,
        id: &ShipmentId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Shipment>>;
    /// In one transaction: every `created` shipment of the warehouse (of the carrier, when
    /// named) becomes `handed_over` and the manifest naming them is stored. `None`, with nothing
    /// written, when there was no parcel to hand over.
    async fn hand_over(&self, hand_over: &NewHandOver) -> StoreResult<Option<Manifest>>;
    async fn get_manifest(
        &self,
        scope: &OrderScope,
        id: &ManifestId,
    ) -> StoreResult<Option<Manifest>>;
}
