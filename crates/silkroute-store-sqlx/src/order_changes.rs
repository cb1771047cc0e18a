//! Order and payment changes inside the caller's transaction: the order's new status with its
//! event, stock effect, refund and return; a payment notification applied once per id, with the
//! order changes it brings.

use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::order::StockEffect;
use silkroute_store::{OrderChange, PaymentChange, PaymentChangeOutcome, StoreError, StoreResult};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::{Backend, BackendConnection, SqlxStore, backend_error};

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
    /// Applies one order change inside the caller's transaction; false when the order or the
    /// return was no longer in its expected status (the caller rolls back).
    pub(crate) async fn apply_change(
        tx: &mut BackendConnection<B>,
        change: &OrderChange,
    ) -> StoreResult<bool> {
        let refund = change.refund.as_ref().map_or(0, |r| r.amount.minor());
        // One conditional write: the status the change was decided on, and room for the refund
        // (two partial refunds decided at once cannot both pass).
        let updated = sqlx::query(
            "UPDATE orders SET status = $3, status_before_refund = $4, updated_at = $5, \
             refunded_minor = refunded_minor + $6 \
             WHERE seller_id = $1 AND order_id = $2 AND status = $7 \
             AND refunded_minor + $6 <= total_minor",
        )
        .bind(change.seller_id.as_str())
        .bind(change.order_id.as_str())
        .bind(change.to.as_str())
        .bind(change.status_before_refund.map(|s| s.as_str()))
        .bind(change.event.at)
        .bind(refund)
        .bind(change.expected.as_str())
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        if B::rows_affected(&updated) != 1 {
            return Ok(false);
        }
        if let Some(rma) = &change.return_change {
            let moved = sqlx::query(
                "UPDATE order_returns SET status = $3, updated_at = $4 \
                 WHERE seller_id = $1 AND return_id = $2 AND status = $5",
            )
            .bind(change.seller_id.as_str())
            .bind(rma.return_id.as_str())
            .bind(rma.to.as_str())
            .bind(change.event.at)
            .bind(rma.expected.as_str())
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
            if B::rows_affected(&moved) != 1 {
                return Ok(false);
            }
        }
        if let Some(rma) = &change.new_return {
            sqlx::query(
                "INSERT INTO order_returns (seller_id, return_id, order_id, buyer_id, status, \
                 reason, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(rma.seller_id.as_str())
            .bind(rma.id.as_str())
            .bind(rma.order_id.as_str())
            .bind(rma.buyer_id.as_str())
            .bind(rma.status.as_str())
            .bind(&rma.reason)
            .bind(rma.created_at)
            .bind(rma.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        if let Some(refund) = &change.refund {
            sqlx::query(
                "INSERT INTO refunds (seller_id, refund_id, order_id, payment_id, currency, \
                 amount_minor, reason, provider_reference, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(refund.seller_id.as_str())
            .bind(refund.id.as_str())
            .bind(refund.order_id.as_str())
            .bind(refund.payment_id.as_str())
            .bind(refund.amount.currency().as_str())
            .bind(refund.amount.minor())
            .bind(refund.reason.as_deref())
            .bind(&refund.provider_reference)
            .bind(refund.created_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
            let paid = sqlx::query(
                "UPDATE payments SET refunded_minor = refunded_minor + $2, updated_at = $3, \
                 status = CASE WHEN refunded_minor + $2 = captured_minor THEN 'refunded' \
                               ELSE 'partially_refunded' END \
                 WHERE payment_id = $1 AND refunded_minor + $2 <= captured_minor",
            )
            .bind(refund.payment_id.as_str())
            .bind(refund.amount.minor())
            .bind(refund.created_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
            if B::rows_affected(&paid) != 1 {
                return Ok(false);
            }
        }
        if change.stock != StockEffect::None {
            let rows = sqlx::query(
                "SELECT line_no, product_id, warehouse_id, quantity FROM order_lines \
                 WHERE seller_id = $1 AND order_id = $2 ORDER BY line_no",
            )
            .bind(change.seller_id.as_str())
            .bind(change.order_id.as_str())
            .fetch_all(&mut *tx)
            .await
            .map_err(backend_error)?;
            let (sql, kind) = match change.stock {
                StockEffect::Release => (
                    "UPDATE stock_levels SET reserved = reserved - $4 \
                     WHERE seller_id = $1 AND product_id = $2 AND warehouse_id = $3 \
                     AND reserved >= $4",
                    "release",
                ),
                StockEffect::Ship => (
                    "UPDATE stock_levels SET reserved = reserved - $4, on_hand = on_hand - $4 \
                     WHERE seller_id = $1 AND product_id = $2 AND warehouse_id = $3 \
                     AND reserved >= $4",
                    "ship",
                ),
                StockEffect::Restock | StockEffect::None => (
                    "UPDATE stock_levels SET on_hand = on_hand + $4 \
                     WHERE seller_id = $1 AND product_id = $2 AND warehouse_id = $3",
                    "restock",
                ),
            };
            for row in rows {
                let line_no: i64 = row.try_get(0).map_err(backend_error)?;
                let product: String = row.try_get(1).map_err(backend_error)?;
                let warehouse: Option<String> = row.try_get(2).map_err(backend_error)?;
                let quantity: i64 = row.try_get(3).map_err(backend_error)?;
                let Some(warehouse) = warehouse else { continue };
                let moved = sqlx::query(sql)
                    .bind(change.seller_id.as_str())
                    .bind(&product)
                    .bind(&warehouse)
                    .bind(quantity)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                if B::rows_affected(&moved) != 1 {
                    return Err(StoreError::Corrupt(format!(
                        "stock for {product} in {warehouse} does not hold order {}'s reservation",
                        change.order_id
                    )));
                }
                Self::insert_movement(
                    &mut *tx,
                    change.seller_id.as_str(),
                    change.order_id.as_str(),
                    line_no,
                    &product,
                    &warehouse,
                    kind,
                    quantity,
                    change.event.at,
                )
                .await?;
            }
        }
        sqlx::query(
            "INSERT INTO order_events (seller_id, order_id, seq, from_status, to_status, action, \
             actor, reason, at) VALUES ($1, $2, \
             (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_events \
             WHERE seller_id = $1 AND order_id = $2), $3, $4, $5, $6, $7, $8)",
        )
        .bind(change.seller_id.as_str())
        .bind(change.order_id.as_str())
        .bind(change.expected.as_str())
        .bind(change.to.as_str())
        .bind(&change.event.action)
        .bind(&change.event.actor)
        .bind(change.event.reason.as_deref())
        .bind(change.event.at)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        Ok(true)
    }

    pub(crate) async fn apply_payment(
        tx: &mut BackendConnection<B>,
        change: &PaymentChange,
    ) -> StoreResult<PaymentChangeOutcome> {
        if let Some((provider, event_id)) = &change.notification {
            let inserted = sqlx::query(
                "INSERT INTO payment_notifications (provider, event_id, payment_id, received_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (provider, event_id) DO NOTHING",
            )
            .bind(provider)
            .bind(event_id)
            .bind(change.payment_id.as_str())
            .bind(change.at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
            if B::rows_affected(&inserted) != 1 {
                return Ok(PaymentChangeOutcome::Duplicate);
            }
        }
        let placeholders: Vec<String> = (0..change.expected.len())
            .map(|i| format!("${}", i + 5))
            .collect();
        let sql = format!(
            "UPDATE payments SET status = $2, \
             captured_minor = CASE WHEN $3 IS NULL THEN captured_minor ELSE $3 END, \
             captured_at = CASE WHEN $3 IS NULL THEN captured_at ELSE $4 END, \
             decline_reason = COALESCE(decline_reason, ${}), updated_at = $4 \
             WHERE payment_id = $1 AND status IN ({})",
            change.expected.len() + 5,
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(change.payment_id.as_str())
            .bind(change.status.as_str())
            .bind(change.captured.map(|m| m.minor()))
            .bind(change.at);
        for status in &change.expected {
            query = query.bind(status.as_str());
        }
        let updated = query
            .bind(change.decline_reason.as_deref())
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        if B::rows_affected(&updated) != 1 {
            return Ok(PaymentChangeOutcome::Stale);
        }
        for order in &change.orders {
            if !Self::apply_change(&mut *tx, order).await? {
                return Ok(PaymentChangeOutcome::Stale);
            }
        }
        Ok(PaymentChangeOutcome::Applied)
    }
}
