//! Head-haul transfers between a seller's warehouses and the customs declarations they cause.
//! Dispatch and receipt are each one method, so that a backend runs each as one transaction: the
//! stock leaves the origin, the transfer is written and the export declared together, or none of
//! it; the count, the stock arriving, its landed cost and the import declaration likewise.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{DeclarationId, ProductId, SellerId, TransferId, WarehouseId};
use silkroute_domain::money::Money;
use silkroute_logistics::transfer::{TransferStatus, Transport};
use utoipa::ToSchema;

use crate::{Page, PageRequest, StoreResult};

/// One product line of a transfer: what was announced and, once received, what was counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct TransferLine {
    #[schema(value_type = String)]
    pub product_id: ProductId,
    /// Units dispatched (the advance notice).
    pub quantity: i64,
    /// What one unit cost the seller (the declared value).
    #[schema(value_type = Object)]
    pub unit_cost: Money,
    /// Good units counted into stock at the destination.
    pub received: Option<i64>,
    /// Units that arrived unsellable.
    pub damaged: Option<i64>,
    /// The line's share of the import duty, allocated by value (destination currency).
    #[schema(value_type = Option<Object>)]
    pub duty: Option<Money>,
    /// Unit cost plus duty per declared unit, in the destination's currency: what the stock
    /// received from this line cost, landed.
    #[schema(value_type = Option<Object>)]
    pub landed_unit_cost: Option<Money>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct TransferRecord {
    #[schema(value_type = String)]
    pub id: TransferId,
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    #[schema(value_type = String)]
    pub from_warehouse_id: WarehouseId,
    #[schema(value_type = String)]
    pub to_warehouse_id: WarehouseId,
    #[schema(value_type = String)]
    pub from_country: CountryCode,
    #[schema(value_type = String)]
    pub to_country: CountryCode,
    pub transport: Transport,
    pub status: TransferStatus,
    pub lines: Vec<TransferLine>,
    pub dispatched_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
}

/// A declaration to customs, kept for the seller and its broker; one row per declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct CustomsDeclaration {
    #[schema(value_type = String)]
    pub id: DeclarationId,
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    /// China's supervision mode (`9610`, `9710`, `9810`, `1210`); none for another country's
    /// import.
    pub mode: Option<String>,
    /// `export` or `import`.
    pub direction: String,
    /// `transfer` or `shipment`.
    pub reference_kind: String,
    pub reference_id: String,
    #[schema(value_type = String)]
    pub origin_country: CountryCode,
    #[schema(value_type = String)]
    pub destination_country: CountryCode,
    /// The goods' value as declared (an import: the customs value in the importing country's
    /// currency).
    #[schema(value_type = Object)]
    pub declared_value: Money,
    /// Import duty assessed (imports only), in the declared value's currency.
    #[schema(value_type = Option<Object>)]
    pub duty: Option<Money>,
    /// Import VAT assessed (imports only); deductible by a VAT-registered importer.
    #[schema(value_type = Option<Object>)]
    pub import_vat: Option<Money>,
    /// One entry per HS line: `{"hs_code", "description", "quantity", "value"}`.
    #[schema(value_type = Vec<Object>)]
    pub hs_lines: serde_json::Value,
    /// The three documents (RULES.md §12): the order or contract, the payment (none for a
    /// seller's own stock: nothing was sold), and the waybill, AWB or container numbers.
    pub order_reference: String,
    pub payment_reference: Option<String>,
    pub waybill_reference: String,
    pub created_at: DateTime<Utc>,
}

/// Everything a dispatch writes, in one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferDispatch {
    pub transfer: TransferRecord,
    /// One `transfer_out` movement id per line, in line order.
    pub movement_ids: Vec<String>,
    /// The export declaration, when the goods leave China.
    pub declaration: Option<CustomsDeclaration>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DispatchOutcome {
    Dispatched,
    /// The origin holds no level of the line's product.
    NoStock {
        line: usize,
    },
    /// Taking the line's quantity would leave less on hand than orders reserve.
    Insufficient {
        line: usize,
        on_hand: i64,
        reserved: i64,
    },
}

/// What a receipt writes, in one transaction; `lines` are the transfer's, counted and costed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferReceipt {
    pub seller_id: SellerId,
    pub transfer_id: TransferId,
    pub to_warehouse_id: WarehouseId,
    pub lines: Vec<TransferLine>,
    /// One `transfer_in` movement id per line, in line order (unused for a line with no good
    /// units).
    pub movement_ids: Vec<String>,
    pub declaration: Option<CustomsDeclaration>,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReceiveOutcome {
    Received,
    /// Unknown, not the seller's, or already received.
    NotInTransit,
}

/// Which declarations to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeclarationFilter {
    /// `None`: every seller's (admin).
    pub seller: Option<SellerId>,
    pub mode: Option<String>,
    /// Created at or after.
    pub from: Option<DateTime<Utc>>,
    /// Created before.
    pub to: Option<DateTime<Utc>>,
}

/// Transfers are seller-owned: reads name the seller (or `None` for an admin), and another
/// seller's transfer is simply not found.
#[async_trait]
pub trait TransferStore: Send + Sync {
    async fn dispatch_transfer(&self, dispatch: &TransferDispatch) -> StoreResult<DispatchOutcome>;
    async fn receive_transfer(&self, receipt: &TransferReceipt) -> StoreResult<ReceiveOutcome>;
    async fn get_transfer(
        &self,
        seller: Option<&SellerId>,
        id: &TransferId,
    ) -> StoreResult<Option<TransferRecord>>;
    /// Newest id last (keyset on the id).
    async fn list_transfers(
        &self,
        seller: Option<&SellerId>,
        page: &PageRequest,
    ) -> StoreResult<Page<TransferRecord>>;
    async fn list_declarations(
        &self,
        filter: &DeclarationFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<CustomsDeclaration>>;
}
