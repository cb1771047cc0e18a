//! Pick demand, packing and manifests (`manifests`). The hand-over is one transaction whose
//! first statement is the `UPDATE … RETURNING` of the parcels: on PostgreSQL two hand-overs of
//! one warehouse queue on those rows and the second finds them no longer `created`, so a parcel
//! is never on two manifests.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::ids::{ManifestId, OrderId, ProductId, SellerId, ShipmentId, WarehouseId};
use silkroute_logistics::manifest::Manifest;
use silkroute_logistics::pick_list::PickDemand;
use silkroute_logistics::shipment::{Shipment, ShipmentItem, unshipped};
use silkroute_store::{NewHandOver, OrderScope, PickingStore, StoreError, StoreResult};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

use crate::shipments::{SHIPMENT_READ_COLUMNS, shipment_row};
use crate::{Backend, RecordRow, SqlxStore, backend_error, to_json};

/// The order statuses whose units wait at the warehouse (as for labelling).
const WAITING: &str = "('paid', 'fulfilling')";

#[async_trait]
impl<B: Backend> PickingStore for SqlxStore<B>
where
    for<'c> &'c mut <B::Db as Database>::Connection: Executor<'c, Database = B::Db>,
    <B::Db as Database>::Arguments: IntoArguments<B::Db>,
    for<'r> &'r str: ColumnIndex<<B::Db as Database>::Row>,
    usize: ColumnIndex<<B::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<&'q str>: Encode<'q, B::Db>,
    for<'q> String: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<String>: Encode<'q, B::Db>,
    for<'q> i64: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<i64>: Encode<'q, B::Db>,
    for<'q> bool: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> NaiveDate: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<NaiveDate>: Encode<'q, B::Db>,
    for<'q> DateTime<Utc>: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, B::Db>,
    for<'q> Vec<u8>: Decode<'q, B::Db> + Type<B::Db>,
{
    async fn warehouse_seller(&self, warehouse: &WarehouseId) -> StoreResult<Option<SellerId>> {
        let seller: Option<String> =
            sqlx::query_scalar("SELECT seller_id FROM warehouses WHERE warehouse_id = $1")
                .bind(warehouse.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_error)?;
        seller
            .map(|id| SellerId::parse(&id).map_err(|e| corrupt("warehouses.seller_id", e)))
            .transpose()
    }

    async fn pick_demand(
        &self,
        seller: &SellerId,
        warehouse: &WarehouseId,
    ) -> StoreResult<Vec<PickDemand>> {
        // Two reads, not one snapshot: a label made between them only makes the list show units
        // already labelled, which the picker then finds in a shipment; nothing is written here.
        let lines = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT l.order_id, l.line_no, l.product_id, l.sku, l.quantity, p.gtin, p.titles \
             FROM order_lines l \
             JOIN orders o ON o.seller_id = l.seller_id AND o.order_id = l.order_id \
             JOIN products p ON p.product_id = l.product_id \
             WHERE l.seller_id = $1 AND l.warehouse_id = $2 AND o.status IN {WAITING} \
             ORDER BY l.order_id, l.line_no"
        )))
        .bind(seller.as_str())
        .bind(warehouse.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let shipped_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT s.order_id, s.items FROM shipments s \
             JOIN orders o ON o.seller_id = s.seller_id AND o.order_id = s.order_id \
             WHERE s.seller_id = $1 AND s.status <> 'cancelled' AND o.status IN {WAITING}"
        )))
        .bind(seller.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let mut shipped: HashMap<String, Vec<ShipmentItem>> = HashMap::new();
        for row in &shipped_rows {
            let items: Vec<ShipmentItem> = serde_json::from_str(&row.text("items")?)
                .map_err(|e| corrupt("shipments.items", e))?;
            shipped
                .entry(row.text("order_id")?)
                .or_default()
                .extend(items);
        }
        let mut demand = Vec::new();
        for row in &lines {
            let order_id = row.text("order_id")?;
            let line = ShipmentItem {
                line_no: row.integer("line_no")?,
                quantity: row.integer("quantity")?,
            };
            let shipped_items = shipped.get(&order_id).map(Vec::as_slice).unwrap_or(&[]);
            let Some(left) = unshipped(&[line], shipped_items).pop() else {
                continue;
            };
            let sku = row.text("sku")?;
            demand.push(PickDemand {
                order_id: OrderId::parse(&order_id).map_err(|e| corrupt("order_lines", e))?,
                product_id: ProductId::parse(&row.text("product_id")?)
                    .map_err(|e| corrupt("order_lines.product_id", e))?,
                title: title(&row.text("titles")?).unwrap_or_else(|| sku.clone()),
                sku,
                gtin: row.optional_text("gtin")?,
                quantity: left.quantity,
            });
        }
        Ok(demand)
    }

    async fn mark_packed(
        &self,
        seller: &SellerId,
        id: &ShipmentId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Shipment>> {
        let sql = format!(
            "UPDATE shipments SET packed_at = $3, updated_at = $3 \
             WHERE seller_id = $1 AND shipment_id = $2 AND status = 'created' \
             RETURNING {SHIPMENT_READ_COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(seller.as_str())
            .bind(id.as_str())
            .bind(at)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(shipment_row).transpose()
    }

    async fn hand_over(&self, hand_over: &NewHandOver) -> StoreResult<Option<Manifest>> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let carrier_clause = if hand_over.carrier.is_some() {
            " AND carrier = $4"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE shipments SET status = 'handed_over', updated_at = $3 \
             WHERE seller_id = $1 AND warehouse_id = $2 AND status = 'created'{carrier_clause} \
             RETURNING shipment_id"
        );
        let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql))
            .bind(hand_over.seller_id.as_str())
            .bind(hand_over.warehouse_id.as_str())
            .bind(hand_over.at);
        if let Some(carrier) = &hand_over.carrier {
            query = query.bind(carrier.as_str());
        }
        let ids = query.fetch_all(&mut *tx).await.map_err(backend_error)?;
        if ids.is_empty() {
            tx.rollback().await.map_err(backend_error)?;
            return Ok(None);
        }
        let mut shipment_ids = ids
            .iter()
            .map(|id| ShipmentId::parse(id).map_err(|e| corrupt("shipments.shipment_id", e)))
            .collect::<StoreResult<Vec<_>>>()?;
        shipment_ids.sort();
        let manifest = Manifest {
            id: hand_over.id.clone(),
            seller_id: hand_over.seller_id.clone(),
            warehouse_id: hand_over.warehouse_id.clone(),
            carrier: hand_over.carrier.clone(),
            created_at: hand_over.at,
            shipment_ids,
        };
        sqlx::query(
            "INSERT INTO manifests (seller_id, manifest_id, warehouse_id, carrier, shipment_ids, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(manifest.seller_id.as_str())
        .bind(manifest.id.as_str())
        .bind(manifest.warehouse_id.as_str())
        .bind(manifest.carrier.as_deref())
        .bind(to_json(&manifest.shipment_ids)?)
        .bind(manifest.created_at)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(Some(manifest))
    }

    async fn get_manifest(
        &self,
        scope: &OrderScope,
        id: &ManifestId,
    ) -> StoreResult<Option<Manifest>> {
        let seller = match scope {
            OrderScope::All => None,
            OrderScope::Seller(seller) => Some(seller.as_str()),
            // Manifests are the warehouse's papers; a buyer follows the parcel instead.
            OrderScope::Buyer(_) => return Ok(None),
        };
        let row = sqlx::query(
            "SELECT seller_id, manifest_id, warehouse_id, carrier, shipment_ids, created_at \
             FROM manifests WHERE manifest_id = $1 AND ($2 IS NULL OR seller_id = $2)",
        )
        .bind(id.as_str())
        .bind(seller)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Manifest {
            id: ManifestId::parse(&row.text("manifest_id")?)
                .map_err(|e| corrupt("manifests.manifest_id", e))?,
            seller_id: SellerId::parse(&row.text("seller_id")?)
                .map_err(|e| corrupt("manifests.seller_id", e))?,
            warehouse_id: WarehouseId::parse(&row.text("warehouse_id")?)
                .map_err(|e| corrupt("manifests.warehouse_id", e))?,
            carrier: row.optional_text("carrier")?,
            created_at: row.time("created_at")?,
            shipment_ids: serde_json::from_str(&row.text("shipment_ids")?)
                .map_err(|e| corrupt("manifests.shipment_ids", e))?,
        }))
    }
}

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}

/// The product's English title, else its first, from the stored `{"en": "…", …}` map.
fn title(titles: &str) -> Option<String> {
    let titles: serde_json::Map<String, serde_json::Value> = serde_json::from_str(titles).ok()?;
    titles
        .get("en")
        .or_else(|| titles.values().next())
        .and_then(|value| value.as_str())
        .map(str::to_owned)
}
