//! Warehouses and stock levels. A level changes only in the same transaction as the movement
//! that explains it, and only through a conditional write, so the CHECKs on the table are a
//! second wall, never the first.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{ProductId, SellerId, WarehouseId};
use silkroute_store::{
    AvailableStock, StockAudit, StockLevel, StockMove, StockMoveOutcome, StockStore, StoreResult,
    Warehouse,
};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::{Backend, SqlxStore, backend_error};

/// Reserved stock per product against what open orders hold (see `StockStore::stock_audit`).
const STOCK_AUDIT_SQL: &str = "WITH levels AS (\
       SELECT seller_id, product_id, SUM(reserved) AS reserved FROM stock_levels \
       GROUP BY seller_id, product_id), \
     held AS (\
       SELECT l.seller_id, l.product_id, SUM(l.quantity) AS held FROM order_lines l \
       JOIN orders o ON o.seller_id = l.seller_id AND o.order_id = l.order_id \
       WHERE o.status IN ('pending_payment', 'paid', 'fulfilling') \
          OR (o.status = 'refund_requested' AND o.status_before_refund IN ('paid', 'fulfilling')) \
       GROUP BY l.seller_id, l.product_id) \
     SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(levels.reserved), 0) AS BIGINT), \
       CAST(COALESCE(SUM(COALESCE(held.held, 0)), 0) AS BIGINT), \
       CAST(COALESCE(SUM(CASE WHEN levels.reserved <> COALESCE(held.held, 0) THEN 1 ELSE 0 END), \
       0) AS BIGINT) \
     FROM levels LEFT JOIN held \
       ON held.seller_id = levels.seller_id AND held.product_id = levels.product_id";

#[async_trait]
impl<B: Backend> StockStore for SqlxStore<B>
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
    for<'q> bool: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> NaiveDate: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<NaiveDate>: Encode<'q, B::Db>,
    for<'q> DateTime<Utc>: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, B::Db>,
    for<'q> Vec<u8>: Decode<'q, B::Db> + Type<B::Db>,
{
    async fn insert_warehouse(&self, warehouse: &Warehouse) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO warehouses (seller_id, warehouse_id, name, country, kind, address, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(warehouse.seller_id.as_str())
        .bind(warehouse.id.as_str())
        .bind(&warehouse.name)
        .bind(warehouse.country.as_str())
        .bind(&warehouse.kind)
        .bind(warehouse.address.as_ref().map(crate::to_json).transpose()?)
        .bind(warehouse.created_at)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn list_warehouses(&self, seller: &SellerId) -> StoreResult<Vec<Warehouse>> {
        let rows = sqlx::query(
            "SELECT seller_id, warehouse_id, name, country, kind, address, created_at \
             FROM warehouses \
             WHERE seller_id = $1 ORDER BY warehouse_id",
        )
        .bind(seller.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter().map(crate::warehouse).collect()
    }

    async fn move_stock(&self, movement: &StockMove) -> StoreResult<StockMoveOutcome> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        // The write comes first: SQLite takes its write lock, PostgreSQL locks the level row,
        // before anything is read.
        // A receipt may open a level; a negative adjustment only changes an existing one and
        // never below what is reserved.
        let sql = if movement.quantity >= 0 {
            "INSERT INTO stock_levels (seller_id, product_id, warehouse_id, on_hand, reserved) \
             SELECT p.seller_id, p.product_id, w.warehouse_id, $4, 0 \
             FROM products p JOIN warehouses w ON w.seller_id = p.seller_id \
             WHERE p.seller_id = $1 AND p.product_id = $2 AND w.warehouse_id = $3 \
             ON CONFLICT (seller_id, product_id, warehouse_id) DO UPDATE \
             SET on_hand = stock_levels.on_hand + $4 \
             RETURNING seller_id, product_id, warehouse_id, on_hand, reserved"
        } else {
            "UPDATE stock_levels SET on_hand = on_hand + $4 \
             WHERE seller_id = $1 AND product_id = $2 AND warehouse_id = $3 \
             AND on_hand + $4 >= reserved \
             RETURNING seller_id, product_id, warehouse_id, on_hand, reserved"
        };
        let row = sqlx::query(sql)
            .bind(movement.seller_id.as_str())
            .bind(movement.product_id.as_str())
            .bind(movement.warehouse_id.as_str())
            .bind(movement.quantity)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_error)?;
        let Some(row) = row else {
            let current = sqlx::query(
                "SELECT on_hand, reserved FROM stock_levels \
                 WHERE seller_id = $1 AND product_id = $2 AND warehouse_id = $3",
            )
            .bind(movement.seller_id.as_str())
            .bind(movement.product_id.as_str())
            .bind(movement.warehouse_id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_error)?;
            tx.rollback().await.map_err(backend_error)?;
            return Ok(match current {
                Some(row) => StockMoveOutcome::Insufficient {
                    on_hand: row.try_get(0).map_err(backend_error)?,
                    reserved: row.try_get(1).map_err(backend_error)?,
                },
                None => StockMoveOutcome::NotFound,
            });
        };
        let level = crate::stock_level(&row)?;
        sqlx::query(
            "INSERT INTO stock_movements (seller_id, movement_id, product_id, warehouse_id, kind, \
             quantity, order_id, at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)",
        )
        .bind(movement.seller_id.as_str())
        .bind(&movement.movement_id)
        .bind(movement.product_id.as_str())
        .bind(movement.warehouse_id.as_str())
        .bind(movement.kind)
        .bind(movement.quantity)
        .bind(movement.at)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(StockMoveOutcome::Moved(level))
    }

    async fn stock_levels(
        &self,
        seller: &SellerId,
        product: Option<&ProductId>,
    ) -> StoreResult<Vec<StockLevel>> {
        // Units on their way to a warehouse belong to it before they arrive: the lines of
        // transfers still in transit are added as `in_transit`, with a row of their own where the
        // destination holds no level yet.
        let rows = sqlx::query(
            "SELECT seller_id, product_id, warehouse_id, CAST(SUM(on_hand) AS BIGINT) AS on_hand, \
             CAST(SUM(reserved) AS BIGINT) AS reserved, \
             CAST(SUM(in_transit) AS BIGINT) AS in_transit FROM (\
               SELECT seller_id, product_id, warehouse_id, on_hand, reserved, \
                 CAST(0 AS BIGINT) AS in_transit FROM stock_levels \
               WHERE seller_id = $1 AND ($2 IS NULL OR product_id = $2) \
               UNION ALL \
               SELECT t.seller_id, l.product_id, t.to_warehouse_id, CAST(0 AS BIGINT), \
                 CAST(0 AS BIGINT), l.quantity FROM transfers t \
               JOIN transfer_lines l \
                 ON l.seller_id = t.seller_id AND l.transfer_id = t.transfer_id \
               WHERE t.seller_id = $1 AND t.status = 'in_transit' \
                 AND ($2 IS NULL OR l.product_id = $2)) AS levels \
             GROUP BY seller_id, product_id, warehouse_id \
             ORDER BY product_id, warehouse_id LIMIT 5000",
        )
        .bind(seller.as_str())
        .bind(product.map(ProductId::as_str))
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                let mut level = crate::stock_level(row)?;
                level.in_transit = row.try_get("in_transit").map_err(backend_error)?;
                Ok(level)
            })
            .collect()
    }

    async fn available_stock(
        &self,
        seller: &SellerId,
        products: &[ProductId],
    ) -> StoreResult<Vec<AvailableStock>> {
        if products.is_empty() {
            return Ok(Vec::new());
        }
        // One placeholder per product ($2, $3, …): a cart holds at most 200 lines.
        let placeholders: Vec<String> = (2..products.len() + 2).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT w.warehouse_id, w.country, w.kind, l.product_id, l.on_hand - l.reserved \
             FROM stock_levels l JOIN warehouses w ON w.warehouse_id = l.warehouse_id \
             WHERE l.seller_id = $1 AND l.on_hand > l.reserved AND l.product_id IN ({}) \
             ORDER BY w.warehouse_id, l.product_id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(seller.as_str());
        for product in products {
            query = query.bind(product.as_str());
        }
        let rows = query.fetch_all(&self.pool).await.map_err(backend_error)?;
        let corrupt = |what: &str, detail: String| {
            silkroute_store::StoreError::Corrupt(format!("stock: {what}: {detail}"))
        };
        rows.iter()
            .map(|row| {
                let text = |index: usize| -> StoreResult<String> {
                    row.try_get::<String, _>(index).map_err(backend_error)
                };
                Ok(AvailableStock {
                    warehouse_id: WarehouseId::parse(&text(0)?)
                        .map_err(|e| corrupt("warehouse_id", e.to_string()))?,
                    country: CountryCode::parse(&text(1)?)
                        .map_err(|e| corrupt("country", e.to_string()))?,
                    kind: text(2)?,
                    product_id: ProductId::parse(&text(3)?)
                        .map_err(|e| corrupt("product_id", e.to_string()))?,
                    available: row.try_get::<i64, _>(4).map_err(backend_error)?,
                })
            })
            .collect()
    }

    async fn stock_audit(&self) -> StoreResult<StockAudit> {
        let row = sqlx::query(STOCK_AUDIT_SQL)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(StockAudit {
            products: row.try_get(0).map_err(backend_error)?,
            reserved: row.try_get(1).map_err(backend_error)?,
            held_by_orders: row.try_get(2).map_err(backend_error)?,
            mismatched_products: row.try_get(3).map_err(backend_error)?,
        })
    }
}
