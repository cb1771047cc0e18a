//! The checkout placement, inside the caller's transaction: the quote taken, stock reserved in
//! lock order and given back on refusal, then payment, orders, lines, movements and events. How
//! the transaction is committed is the backend's (`Backend::commit_checkout`): SQLite's group
//! committer runs many placements in one, PostgreSQL one each.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::ids::WarehouseId;
use silkroute_domain::order::OrderStatus;
use silkroute_store::{
    CheckoutPlacement, NewOrderEvent, OrderLine, OrderRecord, PlacementOutcome, StoreError,
    StoreResult, StoredQuote,
};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

use crate::{Backend, BackendConnection, SqlxStore, backend_error, to_json as json};

pub(crate) const ORDER_COLUMNS: &str = "seller_id, order_id, quote_id, buyer_id, payment_id, \
    status, status_before_refund, destination, incoterm, currency, goods_minor, shipping_minor, \
    duties_minor, taxes_minor, total_minor, due_at_door_minor, refunded_minor, seller_currency, \
    seller_total_minor, body, ship_to, created_at, updated_at";

pub(crate) const PAYMENT_COLUMNS: &str = "payment_id, quote_id, buyer_id, provider, \
    provider_reference, status, currency, amount_minor, captured_minor, refunded_minor, \
    card_brand, card_last4, decline_reason, created_at, authorized_at, expires_at, captured_at, \
    updated_at";

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
    /// Stores a quote inside the caller's transaction (the backend commits it).
    pub async fn insert_quote_in_transaction(
        tx: &mut BackendConnection<B>,
        quote: &StoredQuote,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO quotes (quote_id, buyer_id, created_at, expires_at, consumed_at, body, \
             ship_to) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(quote.id.as_str())
        .bind(quote.buyer_id.as_ref().map(|id| id.as_str()))
        .bind(quote.created_at)
        .bind(quote.expires_at)
        .bind(quote.consumed_at)
        .bind(json(&quote.body)?)
        .bind(quote.ship_to.as_ref().map(json).transpose()?)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    /// Takes `quantity` of a product from the warehouse the quote allocated it to, or — for a
    /// line without one — from the warehouse with the most available that has it all; the
    /// warehouse's id, or `None` when that warehouse (or none) can serve the whole quantity.
    async fn reserve(
        tx: &mut BackendConnection<B>,
        seller: &str,
        product: &str,
        warehouse: Option<&str>,
        quantity: i64,
    ) -> StoreResult<Option<String>> {
        if let Some(warehouse) = warehouse {
            return sqlx::query_scalar(
                "UPDATE stock_levels SET reserved = reserved + $4 \
                 WHERE seller_id = $1 AND product_id = $2 AND warehouse_id = $3 \
                 AND on_hand - reserved >= $4 RETURNING warehouse_id",
            )
            .bind(seller)
            .bind(product)
            .bind(warehouse)
            .bind(quantity)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_error);
        }
        sqlx::query_scalar(
            "UPDATE stock_levels SET reserved = reserved + $3 \
             WHERE seller_id = $1 AND product_id = $2 AND on_hand - reserved >= $3 \
             AND warehouse_id = (SELECT warehouse_id FROM stock_levels \
               WHERE seller_id = $1 AND product_id = $2 AND on_hand - reserved >= $3 \
               ORDER BY on_hand - reserved DESC, warehouse_id LIMIT 1) \
             RETURNING warehouse_id",
        )
        .bind(seller)
        .bind(product)
        .bind(quantity)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_error)
    }

    /// Gives back reservations made moments ago in the same transaction (a refused checkout). The
    /// transaction holds SQLite's write lock, so nothing happened in between: this is exact.
    async fn unreserve(
        tx: &mut BackendConnection<B>,
        taken: &[(String, String, String, i64)],
    ) -> StoreResult<()> {
        for (seller, product, warehouse, quantity) in taken {
            sqlx::query(
                "UPDATE stock_levels SET reserved = reserved - $4 \
                 WHERE seller_id = $1 AND product_id = $2 AND warehouse_id = $3",
            )
            .bind(seller)
            .bind(product)
            .bind(warehouse)
            .bind(quantity)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        Ok(())
    }

    /// One checkout inside the caller's transaction. A refusal (quote already used, out of stock)
    /// leaves the transaction exactly as it found it — the quote and the reservations are taken
    /// before anything is inserted and given back on refusal — so the group committer needs no
    /// savepoint per checkout. An `Err` may leave partial writes:
    /// the caller must roll back.
    pub async fn place_in_transaction(
        tx: &mut BackendConnection<B>,
        placement: &CheckoutPlacement,
    ) -> StoreResult<PlacementOutcome> {
        // First, before anything is written: is the request's key still its own? A retry that
        // took the claim over places the order itself. On PostgreSQL this also locks the key's
        // row until the commit, so no takeover can slip in before the response is stored.
        if let Some(receipt) = &placement.receipt {
            let held = sqlx::query(
                "UPDATE idempotency_keys SET lease_until = lease_until \
                 WHERE scope = $1 AND idempotency_key = $2 AND owner = $3 \
                 AND response_status IS NULL",
            )
            .bind(receipt.scope.as_str())
            .bind(receipt.key.as_str())
            .bind(receipt.owner.as_str())
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
            if B::rows_affected(&held) != 1 {
                return Ok(PlacementOutcome::ClaimLost);
            }
        }
        let consumed = sqlx::query(
            "UPDATE quotes SET consumed_at = $2 WHERE quote_id = $1 AND consumed_at IS NULL",
        )
        .bind(placement.quote_id.as_str())
        .bind(placement.at)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        if B::rows_affected(&consumed) != 1 {
            return Ok(PlacementOutcome::QuoteAlreadyUsed);
        }
        let mut taken: Vec<(String, String, String, i64)> = Vec::new();
        let mut warehouses: BTreeMap<(usize, i64), String> = BTreeMap::new();
        // Rows are locked in one global order (seller, product, then the allocated warehouse)
        // so that two checkouts of the same products can never wait on each other in a cycle
        // (PostgreSQL).
        let mut wanted: Vec<(usize, &OrderLine)> = placement
            .orders
            .iter()
            .enumerate()
            .flat_map(|(index, order)| order.lines.iter().map(move |line| (index, line)))
            .collect();
        wanted.sort_by(|a, b| {
            (
                &placement.orders[a.0].seller_id,
                &a.1.product_id,
                &a.1.warehouse_id,
            )
                .cmp(&(
                    &placement.orders[b.0].seller_id,
                    &b.1.product_id,
                    &b.1.warehouse_id,
                ))
        });
        for (index, line) in wanted {
            let order = &placement.orders[index];
            {
                let seller = order.seller_id.as_str();
                let product = line.product_id.as_str();
                let allocated = line.warehouse_id.as_ref().map(|id| id.as_str());
                match Self::reserve(&mut *tx, seller, product, allocated, line.quantity).await? {
                    Some(warehouse) => {
                        taken.push((
                            seller.to_string(),
                            product.to_string(),
                            warehouse.clone(),
                            line.quantity,
                        ));
                        warehouses.insert((index, line.line_no), warehouse);
                    }
                    None => {
                        Self::unreserve(&mut *tx, &taken).await?;
                        sqlx::query("UPDATE quotes SET consumed_at = NULL WHERE quote_id = $1")
                            .bind(placement.quote_id.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(backend_error)?;
                        // What the quoted warehouse has left (any warehouse's, without one):
                        // the buyer re-quotes to get the rest from elsewhere.
                        let available: i64 = sqlx::query_scalar(
                            "SELECT CAST(COALESCE(SUM(on_hand - reserved), 0) AS BIGINT) \
                             FROM stock_levels WHERE seller_id = $1 AND product_id = $2 \
                             AND warehouse_id LIKE $3",
                        )
                        .bind(seller)
                        .bind(product)
                        .bind(allocated.unwrap_or("%"))
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                        return Ok(PlacementOutcome::OutOfStock {
                            product_id: line.product_id.clone(),
                            requested: line.quantity,
                            available,
                        });
                    }
                }
            }
        }
        let payment = &placement.payment;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO payments ({PAYMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11, $12, $13, $14, $15, $16, $17, $18)"
        )))
        .bind(payment.id.as_str())
        .bind(payment.quote_id.as_str())
        .bind(payment.buyer_id.as_str())
        .bind(&payment.provider)
        .bind(&payment.provider_reference)
        .bind(payment.status.as_str())
        .bind(payment.amount.currency().as_str())
        .bind(payment.amount.minor())
        .bind(payment.captured.minor())
        .bind(payment.refunded.minor())
        .bind(&payment.card_brand)
        .bind(&payment.card_last4)
        .bind(payment.decline_reason.as_deref())
        .bind(payment.created_at)
        .bind(payment.authorized_at)
        .bind(payment.expires_at)
        .bind(payment.captured_at)
        .bind(payment.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;

        let mut placed = Vec::with_capacity(placement.orders.len());
        for (index, order) in placement.orders.iter().enumerate() {
            Self::insert_order(&mut *tx, order).await?;
            let mut lines = Vec::with_capacity(order.lines.len());
            for line in &order.lines {
                let warehouse = warehouses
                    .get(&(index, line.line_no))
                    .cloned()
                    .unwrap_or_default();
                sqlx::query(
                    "INSERT INTO order_lines (seller_id, order_id, line_no, product_id, \
                     warehouse_id, sku, quantity, currency, unit_price_minor, line_total_minor) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(order.seller_id.as_str())
                .bind(order.id.as_str())
                .bind(line.line_no)
                .bind(line.product_id.as_str())
                .bind(&warehouse)
                .bind(&line.sku)
                .bind(line.quantity)
                .bind(line.unit_price.currency().as_str())
                .bind(line.unit_price.minor())
                .bind(line.line_total.minor())
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
                Self::insert_movement(
                    &mut *tx,
                    order.seller_id.as_str(),
                    order.id.as_str(),
                    line.line_no,
                    line.product_id.as_str(),
                    &warehouse,
                    "reserve",
                    line.quantity,
                    placement.at,
                )
                .await?;
                let mut line = line.clone();
                line.warehouse_id = Some(
                    WarehouseId::parse(&warehouse)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                );
                lines.push(line);
            }
            Self::insert_event(&mut *tx, order, None, order.status, &placement.event).await?;
            let mut order = order.clone();
            order.lines = lines;
            placed.push(order);
        }
        Self::insert_payment_tasks_in_transaction(&mut *tx, &placement.payment_tasks).await?;
        if let Some(receipt) = &placement.receipt {
            // The response goes with the orders: a retry after a crash finds it.
            let response = (receipt.render)(&placed);
            sqlx::query(
                "UPDATE idempotency_keys SET response_status = $4, response_body = $5 \
                 WHERE scope = $1 AND idempotency_key = $2 AND owner = $3",
            )
            .bind(receipt.scope.as_str())
            .bind(receipt.key.as_str())
            .bind(receipt.owner.as_str())
            .bind(i64::from(response.status))
            .bind(response.body)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        Ok(PlacementOutcome::Placed(placed))
    }

    async fn insert_order(tx: &mut BackendConnection<B>, order: &OrderRecord) -> StoreResult<()> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO orders ({ORDER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)"
        )))
        .bind(order.seller_id.as_str())
        .bind(order.id.as_str())
        .bind(order.quote_id.as_str())
        .bind(order.buyer_id.as_str())
        .bind(order.payment_id.as_str())
        .bind(order.status.as_str())
        .bind(order.status_before_refund.map(|s| s.as_str()))
        .bind(order.destination.as_str())
        .bind(&order.incoterm)
        .bind(order.total.currency().as_str())
        .bind(order.goods.minor())
        .bind(order.shipping.minor())
        .bind(order.duties.minor())
        .bind(order.taxes.minor())
        .bind(order.total.minor())
        .bind(order.due_at_door.minor())
        .bind(order.refunded.minor())
        .bind(order.seller_total.currency().as_str())
        .bind(order.seller_total.minor())
        .bind(B::snapshot_column(&order.snapshot)?)
        .bind(order.ship_to.as_ref().map(json).transpose()?)
        .bind(order.created_at)
        .bind(order.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert_movement(
        tx: &mut BackendConnection<B>,
        seller_id: &str,
        order_id: &str,
        line_no: i64,
        product: &str,
        warehouse: &str,
        kind: &str,
        quantity: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        // An order line is reserved, released, shipped and restocked at most once each (an order
        // is returned at most once), so order, line and kind name the movement.
        sqlx::query(
            "INSERT INTO stock_movements (seller_id, movement_id, product_id, warehouse_id, kind, \
             quantity, order_id, at) VALUES ($1, $2 || ':' || $3 || ':' || $6, \
             $4, $5, $6, $7, $2, $8)",
        )
        .bind(seller_id)
        .bind(order_id)
        .bind(line_no)
        .bind(product)
        .bind(warehouse)
        .bind(kind)
        .bind(quantity)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn insert_event(
        tx: &mut BackendConnection<B>,
        order: &OrderRecord,
        from: Option<OrderStatus>,
        to: OrderStatus,
        event: &NewOrderEvent,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO order_events (seller_id, order_id, seq, from_status, to_status, action, \
             actor, reason, at) VALUES ($1, $2, \
             (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_events \
             WHERE seller_id = $1 AND order_id = $2), $3, $4, $5, $6, $7, $8)",
        )
        .bind(order.seller_id.as_str())
        .bind(order.id.as_str())
        .bind(from.map(|s| s.as_str()))
        .bind(to.as_str())
        .bind(&event.action)
        .bind(&event.actor)
        .bind(event.reason.as_deref())
        .bind(event.at)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        Ok(())
    }
}
