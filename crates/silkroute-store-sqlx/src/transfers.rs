//! Transfers, their lines and customs declarations. Dispatch and receipt are each one
//! transaction whose first statement writes (SQLite takes its write lock, PostgreSQL locks the
//! row), and stock leaves the origin only through the same conditional write as `stock.rs`: never
//! below what orders reserve.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::{DeclarationId, ProductId, SellerId, TransferId, WarehouseId};
use silkroute_domain::money::Money;
use silkroute_logistics::transfer::TransferStatus;
use silkroute_store::{
    CustomsDeclaration, DeclarationFilter, DispatchOutcome, Page, PageRequest, ReceiveOutcome,
    StoreError, StoreResult, TransferDispatch, TransferLine, TransferReceipt, TransferRecord,
    TransferStore,
};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::{Backend, RecordRow, SqlxStore, backend_error, to_json};

const TRANSFER_COLUMNS: &str = "seller_id, transfer_id, from_warehouse_id, to_warehouse_id, \
     from_country, to_country, transport, status, dispatched_at, received_at";
const LINE_COLUMNS: &str = "line_no, product_id, quantity, unit_cost_minor, unit_cost_currency, \
     received, damaged, duty_minor, landed_unit_cost_minor, landed_currency";
const DECLARATION_COLUMNS: &str = "seller_id, declaration_id, mode, direction, reference_kind, \
     reference_id, origin_country, destination_country, declared_value_minor, currency, \
     duty_minor, import_vat_minor, hs_lines, order_reference, payment_reference, \
     waybill_reference, created_at";

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}

fn money(minor: i64, currency: &str) -> StoreResult<Money> {
    let currency = CurrencyCode::parse(currency).map_err(|e| corrupt("currency", e))?;
    Ok(Money::from_minor(minor, currency))
}

#[async_trait]
impl<B: Backend> TransferStore for SqlxStore<B>
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
    async fn dispatch_transfer(&self, dispatch: &TransferDispatch) -> StoreResult<DispatchOutcome> {
        let transfer = &dispatch.transfer;
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        sqlx::query(
            "INSERT INTO transfers (seller_id, transfer_id, from_warehouse_id, to_warehouse_id, \
             from_country, to_country, transport_mode, transport, status, dispatched_at, \
             received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)",
        )
        .bind(transfer.seller_id.as_str())
        .bind(transfer.id.as_str())
        .bind(transfer.from_warehouse_id.as_str())
        .bind(transfer.to_warehouse_id.as_str())
        .bind(transfer.from_country.as_str())
        .bind(transfer.to_country.as_str())
        .bind(transfer.transport.mode())
        .bind(to_json(&transfer.transport)?)
        .bind(transfer.status.as_str())
        .bind(transfer.dispatched_at)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        for (index, line) in transfer.lines.iter().enumerate() {
            // The level must exist and keep what orders reserve: the conditional write refuses.
            let taken = sqlx::query(
                "UPDATE stock_levels SET on_hand = on_hand - $4 \
                 WHERE seller_id = $1 AND product_id = $2 AND warehouse_id = $3 \
                 AND on_hand - $4 >= reserved RETURNING on_hand",
            )
            .bind(transfer.seller_id.as_str())
            .bind(line.product_id.as_str())
            .bind(transfer.from_warehouse_id.as_str())
            .bind(line.quantity)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_error)?;
            if taken.is_none() {
                let current = sqlx::query(
                    "SELECT on_hand, reserved FROM stock_levels \
                     WHERE seller_id = $1 AND product_id = $2 AND warehouse_id = $3",
                )
                .bind(transfer.seller_id.as_str())
                .bind(line.product_id.as_str())
                .bind(transfer.from_warehouse_id.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend_error)?;
                tx.rollback().await.map_err(backend_error)?;
                return Ok(match current {
                    Some(row) => DispatchOutcome::Insufficient {
                        line: index,
                        on_hand: row.try_get(0).map_err(backend_error)?,
                        reserved: row.try_get(1).map_err(backend_error)?,
                    },
                    None => DispatchOutcome::NoStock { line: index },
                });
            }
            insert_line(&mut *tx, transfer, index, line).await?;
            let movement_id = dispatch
                .movement_ids
                .get(index)
                .ok_or_else(|| corrupt("movement_ids", "one per line"))?;
            insert_movement(
                &mut *tx,
                &transfer.seller_id,
                movement_id,
                &line.product_id,
                &transfer.from_warehouse_id,
                ("transfer_out", -line.quantity),
                transfer.dispatched_at,
            )
            .await?;
        }
        if let Some(declaration) = &dispatch.declaration {
            insert_declaration(&mut *tx, declaration).await?;
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(DispatchOutcome::Dispatched)
    }

    async fn receive_transfer(&self, receipt: &TransferReceipt) -> StoreResult<ReceiveOutcome> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        // Closing the transfer first makes a second receipt (or a race) find nothing in transit.
        let closed = sqlx::query(
            "UPDATE transfers SET status = 'received', received_at = $3 \
             WHERE seller_id = $1 AND transfer_id = $2 AND status = 'in_transit' \
             RETURNING transfer_id",
        )
        .bind(receipt.seller_id.as_str())
        .bind(receipt.transfer_id.as_str())
        .bind(receipt.at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_error)?;
        if closed.is_none() {
            tx.rollback().await.map_err(backend_error)?;
            return Ok(ReceiveOutcome::NotInTransit);
        }
        for (index, line) in receipt.lines.iter().enumerate() {
            let line_no = i64::try_from(index).map_err(|e| corrupt("line_no", e))?;
            sqlx::query(
                "UPDATE transfer_lines SET received = $4, damaged = $5, duty_minor = $6, \
                 landed_unit_cost_minor = $7, landed_currency = $8 \
                 WHERE seller_id = $1 AND transfer_id = $2 AND line_no = $3",
            )
            .bind(receipt.seller_id.as_str())
            .bind(receipt.transfer_id.as_str())
            .bind(line_no)
            .bind(line.received)
            .bind(line.damaged)
            .bind(line.duty.map(|duty| duty.minor()))
            .bind(line.landed_unit_cost.map(|cost| cost.minor()))
            .bind(
                line.landed_unit_cost
                    .map(|cost| cost.currency().as_str().to_string()),
            )
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
            let good = line.received.unwrap_or(0);
            if good <= 0 {
                continue;
            }
            // A receipt opens the level at the destination if there is none yet.
            sqlx::query(
                "INSERT INTO stock_levels (seller_id, product_id, warehouse_id, on_hand, reserved) \
                 VALUES ($1, $2, $3, $4, 0) \
                 ON CONFLICT (seller_id, product_id, warehouse_id) DO UPDATE \
                 SET on_hand = stock_levels.on_hand + $4",
            )
            .bind(receipt.seller_id.as_str())
            .bind(line.product_id.as_str())
            .bind(receipt.to_warehouse_id.as_str())
            .bind(good)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
            let movement_id = receipt
                .movement_ids
                .get(index)
                .ok_or_else(|| corrupt("movement_ids", "one per line"))?;
            insert_movement(
                &mut *tx,
                &receipt.seller_id,
                movement_id,
                &line.product_id,
                &receipt.to_warehouse_id,
                ("transfer_in", good),
                receipt.at,
            )
            .await?;
        }
        if let Some(declaration) = &receipt.declaration {
            insert_declaration(&mut *tx, declaration).await?;
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(ReceiveOutcome::Received)
    }

    async fn get_transfer(
        &self,
        seller: Option<&SellerId>,
        id: &TransferId,
    ) -> StoreResult<Option<TransferRecord>> {
        let sql = format!(
            "SELECT {TRANSFER_COLUMNS} FROM transfers \
             WHERE transfer_id = $1 AND ($2 IS NULL OR seller_id = $2)"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.as_str())
            .bind(seller.map(SellerId::as_str))
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut transfer = transfer_record(&row)?;
        transfer.lines = self.transfer_lines(&transfer).await?;
        Ok(Some(transfer))
    }

    async fn list_transfers(
        &self,
        seller: Option<&SellerId>,
        page: &PageRequest,
    ) -> StoreResult<Page<TransferRecord>> {
        let sql = format!(
            "SELECT {TRANSFER_COLUMNS} FROM transfers \
             WHERE ($1 IS NULL OR seller_id = $1) AND transfer_id > $2 \
             ORDER BY transfer_id LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(seller.map(SellerId::as_str))
            .bind(page.after.clone().unwrap_or_default())
            .bind(i64::from(page.limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let mut transfers = Vec::new();
        for row in &rows {
            let mut transfer = transfer_record(row)?;
            transfer.lines = self.transfer_lines(&transfer).await?;
            transfers.push(transfer);
        }
        Ok(Page::from_rows(transfers, page.limit, |t| t.id.to_string()))
    }

    async fn list_declarations(
        &self,
        filter: &DeclarationFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<CustomsDeclaration>> {
        let sql = format!(
            "SELECT {DECLARATION_COLUMNS} FROM customs_declarations \
             WHERE ($1 IS NULL OR seller_id = $1) AND ($2 IS NULL OR mode = $2) \
             AND ($3 IS NULL OR created_at >= $3) AND ($4 IS NULL OR created_at < $4) \
             AND declaration_id > $5 ORDER BY declaration_id LIMIT $6"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(filter.seller.as_ref().map(SellerId::as_str))
            .bind(filter.mode.as_deref())
            .bind(filter.from)
            .bind(filter.to)
            .bind(page.after.clone().unwrap_or_default())
            .bind(i64::from(page.limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let declarations = rows
            .iter()
            .map(declaration)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(declarations, page.limit, |d| {
            d.id.to_string()
        }))
    }
}

impl<B: Backend> SqlxStore<B>
where
    for<'c> &'c mut <B::Db as Database>::Connection: Executor<'c, Database = B::Db>,
    <B::Db as Database>::Arguments: IntoArguments<B::Db>,
    for<'r> &'r str: ColumnIndex<<B::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> String: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> i64: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> DateTime<Utc>: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Vec<u8>: Decode<'q, B::Db> + Type<B::Db>,
{
    async fn transfer_lines(&self, transfer: &TransferRecord) -> StoreResult<Vec<TransferLine>> {
        let sql = format!(
            "SELECT {LINE_COLUMNS} FROM transfer_lines \
             WHERE seller_id = $1 AND transfer_id = $2 ORDER BY line_no"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(transfer.seller_id.as_str())
            .bind(transfer.id.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(transfer_line).collect()
    }
}

async fn insert_line<'c, DB: Database, E: Executor<'c, Database = DB>>(
    executor: E,
    transfer: &TransferRecord,
    index: usize,
    line: &TransferLine,
) -> StoreResult<()>
where
    <DB as Database>::Arguments: IntoArguments<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
{
    let line_no = i64::try_from(index).map_err(|e| corrupt("line_no", e))?;
    sqlx::query(
        "INSERT INTO transfer_lines (seller_id, transfer_id, line_no, product_id, quantity, \
         unit_cost_minor, unit_cost_currency) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(transfer.seller_id.as_str())
    .bind(transfer.id.as_str())
    .bind(line_no)
    .bind(line.product_id.as_str())
    .bind(line.quantity)
    .bind(line.unit_cost.minor())
    .bind(line.unit_cost.currency().as_str())
    .execute(executor)
    .await
    .map_err(backend_error)?;
    Ok(())
}

async fn insert_movement<'c, DB: Database, E: Executor<'c, Database = DB>>(
    executor: E,
    seller: &SellerId,
    movement_id: &str,
    product: &ProductId,
    warehouse: &WarehouseId,
    (kind, quantity): (&str, i64),
    at: DateTime<Utc>,
) -> StoreResult<()>
where
    <DB as Database>::Arguments: IntoArguments<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
{
    sqlx::query(
        "INSERT INTO stock_movements (seller_id, movement_id, product_id, warehouse_id, kind, \
         quantity, order_id, at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)",
    )
    .bind(seller.as_str())
    .bind(movement_id)
    .bind(product.as_str())
    .bind(warehouse.as_str())
    .bind(kind)
    .bind(quantity)
    .bind(at)
    .execute(executor)
    .await
    .map_err(backend_error)?;
    Ok(())
}

async fn insert_declaration<'c, DB: Database, E: Executor<'c, Database = DB>>(
    executor: E,
    declaration: &CustomsDeclaration,
) -> StoreResult<()>
where
    <DB as Database>::Arguments: IntoArguments<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
{
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO customs_declarations ({DECLARATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, \
         $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    )))
    .bind(declaration.seller_id.as_str())
    .bind(declaration.id.as_str())
    .bind(declaration.mode.as_deref())
    .bind(declaration.direction.as_str())
    .bind(declaration.reference_kind.as_str())
    .bind(declaration.reference_id.as_str())
    .bind(declaration.origin_country.as_str())
    .bind(declaration.destination_country.as_str())
    .bind(declaration.declared_value.minor())
    .bind(declaration.declared_value.currency().as_str())
    .bind(declaration.duty.map(|duty| duty.minor()))
    .bind(declaration.import_vat.map(|vat| vat.minor()))
    .bind(to_json(&declaration.hs_lines)?)
    .bind(declaration.order_reference.as_str())
    .bind(declaration.payment_reference.as_deref())
    .bind(declaration.waybill_reference.as_str())
    .bind(declaration.created_at)
    .execute(executor)
    .await
    .map_err(backend_error)?;
    Ok(())
}

fn transfer_record<R: RecordRow>(row: &R) -> StoreResult<TransferRecord>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    let country = |column: &str| -> StoreResult<CountryCode> {
        CountryCode::parse(&row.text(column)?).map_err(|e| corrupt(column, e))
    };
    let status = row.text("status")?;
    Ok(TransferRecord {
        id: TransferId::parse(&row.text("transfer_id")?).map_err(|e| corrupt("transfer_id", e))?,
        seller_id: SellerId::parse(&row.text("seller_id")?).map_err(|e| corrupt("seller_id", e))?,
        from_warehouse_id: WarehouseId::parse(&row.text("from_warehouse_id")?)
            .map_err(|e| corrupt("from_warehouse_id", e))?,
        to_warehouse_id: WarehouseId::parse(&row.text("to_warehouse_id")?)
            .map_err(|e| corrupt("to_warehouse_id", e))?,
        from_country: country("from_country")?,
        to_country: country("to_country")?,
        transport: serde_json::from_str(&row.text("transport")?)
            .map_err(|e| corrupt("transport", e))?,
        status: TransferStatus::parse(&status).ok_or_else(|| corrupt("status", status))?,
        lines: Vec::new(),
        dispatched_at: row.time("dispatched_at")?,
        received_at: row.optional_time("received_at")?,
    })
}

fn transfer_line<R: RecordRow>(row: &R) -> StoreResult<TransferLine>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    let landed_currency = row.optional_text("landed_currency")?;
    let in_landed = |minor: Option<i64>| -> StoreResult<Option<Money>> {
        match (minor, &landed_currency) {
            (Some(minor), Some(currency)) => money(minor, currency).map(Some),
            _ => Ok(None),
        }
    };
    Ok(TransferLine {
        product_id: ProductId::parse(&row.text("product_id")?)
            .map_err(|e| corrupt("product_id", e))?,
        quantity: row.integer("quantity")?,
        unit_cost: money(
            row.integer("unit_cost_minor")?,
            &row.text("unit_cost_currency")?,
        )?,
        received: row.optional_integer("received")?,
        damaged: row.optional_integer("damaged")?,
        duty: in_landed(row.optional_integer("duty_minor")?)?,
        landed_unit_cost: in_landed(row.optional_integer("landed_unit_cost_minor")?)?,
    })
}

fn declaration<R: RecordRow>(row: &R) -> StoreResult<CustomsDeclaration>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    let currency = row.text("currency")?;
    let in_currency = |minor: Option<i64>| minor.map(|m| money(m, &currency)).transpose();
    let country = |column: &str| -> StoreResult<CountryCode> {
        CountryCode::parse(&row.text(column)?).map_err(|e| corrupt(column, e))
    };
    Ok(CustomsDeclaration {
        id: DeclarationId::parse(&row.text("declaration_id")?)
            .map_err(|e| corrupt("declaration_id", e))?,
        seller_id: SellerId::parse(&row.text("seller_id")?).map_err(|e| corrupt("seller_id", e))?,
        mode: row.optional_text("mode")?,
        direction: row.text("direction")?,
        reference_kind: row.text("reference_kind")?,
        reference_id: row.text("reference_id")?,
        origin_country: country("origin_country")?,
        destination_country: country("destination_country")?,
        declared_value: money(row.integer("declared_value_minor")?, &currency)?,
        duty: in_currency(row.optional_integer("duty_minor")?)?,
        import_vat: in_currency(row.optional_integer("import_vat_minor")?)?,
        hs_lines: serde_json::from_str(&row.text("hs_lines")?)
            .map_err(|e| corrupt("hs_lines", e))?,
        order_reference: row.text("order_reference")?,
        payment_reference: row.optional_text("payment_reference")?,
        waybill_reference: row.text("waybill_reference")?,
        created_at: row.time("created_at")?,
    })
}
