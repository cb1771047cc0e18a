//! Shipments (`shipments`) and the built-in carrier's counter (`tracking_serials`). The insert is
//! one transaction whose first statement writes (the order row, to lock it): SQLite then holds
//! its write lock before anything is read, and on PostgreSQL two labels for one order queue on
//! the order's row, so the units-left check inside cannot be raced.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::{BuyerId, OrderId, SellerId, ShipmentId, WarehouseId};
use silkroute_domain::money::Money;
use silkroute_logistics::postal_declaration::DeclarationForm;
use silkroute_logistics::shipment::{
    Shipment, ShipmentItem, ShipmentStatus, completes_order, unshipped,
};
use silkroute_logistics::tracking_number::{S10Number, S10Range};
use silkroute_store::{
    NewShipment, OrderScope, Page, PageRequest, ShipmentFilter, ShipmentInsert, ShipmentStore,
    StoreError, StoreResult,
};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::{Backend, BackendConnection, RecordRow, SqlxStore, backend_error, to_json};

const SHIPMENT_COLUMNS: &str = "seller_id, shipment_id, order_id, buyer_id, warehouse_id, \
     status, carrier, service_id, service_name, tracking_number, parcel, items, ship_from, \
     ship_to, declaration, currency, contents_minor, contents_sdr, created_at, updated_at";

/// The columns a shipment is read from: the written ones and those later steps set.
pub(crate) const SHIPMENT_READ_COLUMNS: &str = "seller_id, shipment_id, order_id, buyer_id, \
     warehouse_id, status, carrier, service_id, service_name, tracking_number, parcel, items, \
     ship_from, ship_to, declaration, currency, contents_minor, contents_sdr, created_at, \
     updated_at, packed_at";

/// The order statuses a label may be made in.
const SHIPPABLE: &str = "('paid', 'fulfilling')";

#[async_trait]
impl<B: Backend> ShipmentStore for SqlxStore<B>
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
    async fn tracking_range(
        &self,
        service_indicator: &str,
        country: CountryCode,
    ) -> StoreResult<Option<S10Range>> {
        let row = sqlx::query(
            "SELECT first_serial, last_serial, next_serial FROM tracking_serials \
             WHERE service_indicator = $1 AND country = $2",
        )
        .bind(service_indicator)
        .bind(country.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        let Some(row) = row else { return Ok(None) };
        let serial = |column: &str| -> StoreResult<u32> {
            u32::try_from(row.integer(column)?)
                .map_err(|_| StoreError::Corrupt(format!("tracking_serials.{column}")))
        };
        let (first, last, next) = (
            serial("first_serial")?,
            serial("last_serial")?,
            serial("next_serial")?,
        );
        let next = (next <= last).then_some(next);
        S10Range::resume(service_indicator, country, first, last, next)
            .map(Some)
            .map_err(|error| StoreError::Corrupt(format!("tracking_serials: {error}")))
    }

    async fn insert_shipment(&self, new: &NewShipment) -> StoreResult<ShipmentInsert> {
        let shipment = &new.shipment;
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let locked = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE orders SET updated_at = updated_at \
             WHERE seller_id = $1 AND order_id = $2 AND status IN {SHIPPABLE}"
        )))
        .bind(shipment.seller_id.as_str())
        .bind(shipment.order_id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        if B::rows_affected(&locked) != 1 {
            tx.rollback().await.map_err(backend_error)?;
            return Ok(ShipmentInsert::OrderNotShippable);
        }
        if !Self::advance_range(&mut tx, new).await? {
            tx.rollback().await.map_err(backend_error)?;
            return Ok(ShipmentInsert::RangeMoved);
        }
        let left = Self::units_left(&mut tx, &shipment.seller_id, &shipment.order_id).await?;
        let fits = shipment.items.iter().all(|item| {
            left.iter()
                .any(|line| line.line_no == item.line_no && line.quantity >= item.quantity)
        });
        if !fits {
            tx.rollback().await.map_err(backend_error)?;
            return Ok(ShipmentInsert::UnitsTaken);
        }
        let sql = format!(
            "INSERT INTO shipments ({SHIPMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(shipment.seller_id.as_str())
            .bind(shipment.id.as_str())
            .bind(shipment.order_id.as_str())
            .bind(shipment.buyer_id.as_str())
            .bind(shipment.warehouse_id.as_str())
            .bind(shipment.status.as_str())
            .bind(shipment.carrier.as_str())
            .bind(shipment.service_id.as_str())
            .bind(shipment.service_name.as_str())
            .bind(shipment.tracking_number.as_str())
            .bind(to_json(&shipment.parcel)?)
            .bind(to_json(&shipment.items)?)
            .bind(to_json(&shipment.ship_from)?)
            .bind(to_json(&shipment.ship_to)?)
            .bind(shipment.declaration.map(form_text))
            .bind(shipment.contents_value.currency().as_str())
            .bind(shipment.contents_value.minor())
            .bind(shipment.contents_sdr.map(|sdr| sdr.to_string()))
            .bind(shipment.created_at)
            .bind(shipment.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        let order_shipped = completes_order(&left, &shipment.items);
        if order_shipped && !Self::apply_change(&mut tx, &new.ship_order).await? {
            tx.rollback().await.map_err(backend_error)?;
            return Ok(ShipmentInsert::OrderNotShippable);
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(ShipmentInsert::Inserted { order_shipped })
    }

    async fn get_shipment(
        &self,
        scope: &OrderScope,
        id: &ShipmentId,
    ) -> StoreResult<Option<Shipment>> {
        let filter = ShipmentFilter::default();
        let mut found = self.select(scope, &filter, Some(id), None, 1).await?;
        Ok(found.pop())
    }

    async fn list_shipments(
        &self,
        scope: &OrderScope,
        filter: &ShipmentFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Shipment>> {
        let rows = self
            .select(
                scope,
                filter,
                None,
                page.after.as_deref(),
                i64::from(page.limit) + 1,
            )
            .await?;
        Ok(Page::from_rows(rows, page.limit, |shipment| {
            shipment.id.to_string()
        }))
    }

    async fn order_shipments(
        &self,
        seller: &SellerId,
        order: &OrderId,
    ) -> StoreResult<Vec<Shipment>> {
        let filter = ShipmentFilter {
            order_id: Some(order.clone()),
            status: None,
        };
        let scope = OrderScope::Seller(seller.clone());
        self.select(&scope, &filter, None, None, 10_000).await
    }

    async fn cancel_shipment(
        &self,
        seller: &SellerId,
        id: &ShipmentId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Shipment>> {
        // One statement: the shipment must still be `created` and its order not shipped, so a
        // cancel cannot slip between another label shipping the order and its commit.
        let sql = format!(
            "UPDATE shipments SET status = 'cancelled', updated_at = $3 \
             WHERE seller_id = $1 AND shipment_id = $2 AND status = 'created' \
             AND EXISTS (SELECT 1 FROM orders o WHERE o.seller_id = shipments.seller_id \
                         AND o.order_id = shipments.order_id AND o.status IN {SHIPPABLE}) \
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
}

impl<B: Backend> SqlxStore<B>
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
    /// Moves the stored counter from `range_before` to `range_after`; false when it was not
    /// where the number was issued from.
    async fn advance_range(tx: &mut BackendConnection<B>, new: &NewShipment) -> StoreResult<bool> {
        let after = &new.range_after;
        let next_after = stored_next(after);
        let result = match &new.range_before {
            None => sqlx::query(
                "INSERT INTO tracking_serials (service_indicator, country, first_serial, \
                 last_serial, next_serial, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (service_indicator, country) DO NOTHING",
            )
            .bind(after.service_indicator())
            .bind(after.country().as_str())
            .bind(i64::from(after.first_serial()))
            .bind(i64::from(after.last_serial()))
            .bind(next_after)
            .bind(new.shipment.created_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?,
            Some(before) => sqlx::query(
                "UPDATE tracking_serials SET next_serial = $3, updated_at = $4 \
                 WHERE service_indicator = $1 AND country = $2 AND next_serial = $5",
            )
            .bind(after.service_indicator())
            .bind(after.country().as_str())
            .bind(next_after)
            .bind(new.shipment.created_at)
            .bind(stored_next(before))
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?,
        };
        Ok(B::rows_affected(&result) == 1)
    }

    /// The order's units no live shipment holds, inside the caller's transaction.
    async fn units_left(
        tx: &mut BackendConnection<B>,
        seller: &SellerId,
        order: &OrderId,
    ) -> StoreResult<Vec<ShipmentItem>> {
        let lines = sqlx::query(
            "SELECT line_no, quantity FROM order_lines WHERE seller_id = $1 AND order_id = $2",
        )
        .bind(seller.as_str())
        .bind(order.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_error)?;
        let ordered = lines
            .iter()
            .map(|row| {
                Ok(ShipmentItem {
                    line_no: row.try_get(0).map_err(backend_error)?,
                    quantity: row.try_get(1).map_err(backend_error)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let shipped: Vec<String> = sqlx::query_scalar(
            "SELECT items FROM shipments WHERE seller_id = $1 AND order_id = $2 \
             AND status <> 'cancelled'",
        )
        .bind(seller.as_str())
        .bind(order.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_error)?;
        let mut shipped_items = Vec::new();
        for items in shipped {
            let items: Vec<ShipmentItem> = serde_json::from_str(&items)
                .map_err(|error| StoreError::Corrupt(format!("shipments.items: {error}")))?;
            shipped_items.extend(items);
        }
        Ok(unshipped(&ordered, &shipped_items))
    }

    async fn select(
        &self,
        scope: &OrderScope,
        filter: &ShipmentFilter,
        id: Option<&ShipmentId>,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<Shipment>> {
        let mut clauses: Vec<String> = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        let mut push = |clause: &str, bind: String| {
            binds.push(bind);
            clauses.push(clause.replace('?', &format!("${}", binds.len())));
        };
        match scope {
            OrderScope::All => {}
            OrderScope::Seller(seller) => push("seller_id = ?", seller.to_string()),
            OrderScope::Buyer(buyer) => push("buyer_id = ?", buyer.to_string()),
        }
        if let Some(id) = id {
            push("shipment_id = ?", id.to_string());
        }
        if let Some(order) = &filter.order_id {
            push("order_id = ?", order.to_string());
        }
        if let Some(status) = filter.status {
            push("status = ?", status.as_str().to_string());
        }
        if let Some(after) = after {
            push("shipment_id > ?", after.to_string());
        }
        let where_clause = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!(
            "SELECT {SHIPMENT_READ_COLUMNS} FROM shipments {where_clause} \
             ORDER BY shipment_id LIMIT {limit}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for bind in binds {
            query = query.bind(bind);
        }
        let rows = query.fetch_all(&self.pool).await.map_err(backend_error)?;
        rows.iter().map(shipment_row).collect()
    }
}

/// The stored form of a range's next serial: one past the last once used up.
fn stored_next(range: &S10Range) -> i64 {
    i64::from(
        range
            .next_serial()
            .unwrap_or_else(|| range.last_serial().saturating_add(1)),
    )
}

fn form_text(form: DeclarationForm) -> &'static str {
    match form {
        DeclarationForm::Cn22 => "cn22",
        DeclarationForm::Cn23 => "cn23",
    }
}

pub(crate) fn shipment_row<R: RecordRow>(row: &R) -> StoreResult<Shipment>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt(format!("shipments.{what}: {detail}"))
    }
    fn json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> StoreResult<T> {
        serde_json::from_str(text).map_err(|error| corrupt(what, error))
    }
    let status = row.text("status")?;
    let declaration = match row.optional_text("declaration")?.as_deref() {
        None => None,
        Some("cn22") => Some(DeclarationForm::Cn22),
        Some("cn23") => Some(DeclarationForm::Cn23),
        Some(other) => return Err(corrupt("declaration", other)),
    };
    let currency =
        CurrencyCode::parse(&row.text("currency")?).map_err(|error| corrupt("currency", error))?;
    let contents_sdr = row
        .optional_text("contents_sdr")?
        .map(|text| {
            text.parse::<Decimal>()
                .map_err(|e| corrupt("contents_sdr", e))
        })
        .transpose()?;
    Ok(Shipment {
        id: ShipmentId::parse(&row.text("shipment_id")?).map_err(|e| corrupt("shipment_id", e))?,
        seller_id: SellerId::parse(&row.text("seller_id")?).map_err(|e| corrupt("seller_id", e))?,
        order_id: OrderId::parse(&row.text("order_id")?).map_err(|e| corrupt("order_id", e))?,
        buyer_id: BuyerId::parse(&row.text("buyer_id")?).map_err(|e| corrupt("buyer_id", e))?,
        warehouse_id: WarehouseId::parse(&row.text("warehouse_id")?)
            .map_err(|e| corrupt("warehouse_id", e))?,
        status: ShipmentStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        carrier: row.text("carrier")?,
        service_id: row.text("service_id")?,
        service_name: row.text("service_name")?,
        tracking_number: S10Number::parse(&row.text("tracking_number")?)
            .map_err(|e| corrupt("tracking_number", e))?,
        parcel: json("parcel", &row.text("parcel")?)?,
        items: json("items", &row.text("items")?)?,
        ship_from: json("ship_from", &row.text("ship_from")?)?,
        ship_to: json("ship_to", &row.text("ship_to")?)?,
        declaration,
        contents_value: Money::from_minor(row.integer("contents_minor")?, currency),
        contents_sdr,
        packed_at: row.optional_time("packed_at")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}
