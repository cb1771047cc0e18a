//! Quotes, orders, payments, refunds and returns as the store traits read them, and the
//! transactions around an order or payment change (the statements are in `order_changes`). A
//! quote and a checkout go to the backend (`Backend::commit_quote`, `commit_checkout`).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::ids::{OrderId, PaymentId, QuoteId, ReturnId};
use silkroute_store::{
    CheckoutPlacement, OrderChange, OrderEvent, OrderFilter, OrderLine, OrderRecord, OrderScope,
    OrderStore, Page, PageRequest, PaymentChange, PaymentChangeOutcome, PaymentRecord,
    PlacementOutcome, RefundRecord, ReturnRecord, StoreError, StoreResult, StoredQuote,
};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::checkout::{ORDER_COLUMNS, PAYMENT_COLUMNS};
use crate::{Backend, SqlxStore, backend_error};

/// A value bound to a dynamically built statement.
enum Bind {
    Text(String),
    Time(DateTime<Utc>),
}

#[async_trait]
impl<B: Backend> OrderStore for SqlxStore<B>
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
    async fn insert_quote(&self, quote: &StoredQuote) -> StoreResult<()> {
        self.backend.commit_quote(&self.pool, quote).await
    }

    async fn get_quote(&self, id: &QuoteId) -> StoreResult<Option<StoredQuote>> {
        let row = sqlx::query(
            "SELECT quote_id, buyer_id, created_at, expires_at, consumed_at, body, ship_to \
             FROM quotes \
             WHERE quote_id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(crate::quote).transpose()
    }

    async fn place_checkout(&self, placement: &CheckoutPlacement) -> StoreResult<PlacementOutcome> {
        self.backend.commit_checkout(&self.pool, placement).await
    }

    async fn get_order(
        &self,
        scope: &OrderScope,
        id: &OrderId,
    ) -> StoreResult<Option<OrderRecord>> {
        let filter = OrderFilter::default();
        let mut orders = self
            .select_orders(scope, &filter, Some(id), None, 1)
            .await?;
        Ok(orders.pop())
    }

    async fn list_orders(
        &self,
        scope: &OrderScope,
        filter: &OrderFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<OrderRecord>> {
        let rows = self
            .select_orders(
                scope,
                filter,
                None,
                page.after.as_deref(),
                i64::from(page.limit) + 1,
            )
            .await?;
        Ok(Page::from_rows(rows, page.limit, |order| {
            order.id.as_str().to_string()
        }))
    }

    async fn order_events(&self, order: &OrderId) -> StoreResult<Vec<OrderEvent>> {
        let rows = sqlx::query(
            "SELECT order_id, seq, from_status, to_status, action, actor, reason, at \
             FROM order_events WHERE order_id = $1 ORDER BY seq",
        )
        .bind(order.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter().map(crate::order_event).collect()
    }

    async fn change_order(&self, change: &OrderChange) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        if Self::apply_change(&mut tx, change).await? {
            tx.commit().await.map_err(backend_error)?;
            Ok(true)
        } else {
            tx.rollback().await.map_err(backend_error)?;
            Ok(false)
        }
    }

    async fn get_payment(&self, id: &PaymentId) -> StoreResult<Option<PaymentRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE payment_id = $1"
        )))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(crate::payment).transpose()
    }

    async fn payment_orders(&self, id: &PaymentId) -> StoreResult<Vec<OrderRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE payment_id = $1 ORDER BY order_id"
        )))
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let mut orders = rows
            .iter()
            .map(crate::order)
            .collect::<StoreResult<Vec<_>>>()?;
        self.attach_lines(&mut orders).await?;
        Ok(orders)
    }

    async fn change_payment(&self, change: &PaymentChange) -> StoreResult<PaymentChangeOutcome> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let outcome = Self::apply_payment(&mut tx, change).await?;
        if outcome == PaymentChangeOutcome::Applied {
            tx.commit().await.map_err(backend_error)?;
        } else {
            tx.rollback().await.map_err(backend_error)?;
        }
        Ok(outcome)
    }

    async fn lapsed_payments(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<PaymentId>> {
        let rows = sqlx::query(
            "SELECT payment_id FROM payments \
             WHERE status IN ('authorized', 'requires_action') AND expires_at < $1 \
             ORDER BY expires_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get(0).map_err(backend_error)?;
                PaymentId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect()
    }

    async fn purge_quotes(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let result = sqlx::query("DELETE FROM quotes WHERE expires_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(B::rows_affected(&result))
    }

    async fn order_refunds(&self, order: &OrderId) -> StoreResult<Vec<RefundRecord>> {
        let rows = sqlx::query(
            "SELECT seller_id, refund_id, order_id, payment_id, currency, amount_minor, reason, \
             provider_reference, created_at FROM refunds WHERE order_id = $1 ORDER BY refund_id",
        )
        .bind(order.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter().map(crate::refund).collect()
    }

    async fn order_returns(&self, order: &OrderId) -> StoreResult<Vec<ReturnRecord>> {
        let rows = sqlx::query(
            "SELECT seller_id, return_id, order_id, buyer_id, status, reason, created_at, \
             updated_at FROM order_returns WHERE order_id = $1 ORDER BY return_id",
        )
        .bind(order.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter().map(crate::order_return).collect()
    }

    async fn get_return(&self, id: &ReturnId) -> StoreResult<Option<ReturnRecord>> {
        let row = sqlx::query(
            "SELECT seller_id, return_id, order_id, buyer_id, status, reason, created_at, \
             updated_at FROM order_returns WHERE return_id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(crate::order_return).transpose()
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
    async fn select_orders(
        &self,
        scope: &OrderScope,
        filter: &OrderFilter,
        id: Option<&OrderId>,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<OrderRecord>> {
        let mut clauses: Vec<String> = Vec::new();
        let mut binds: Vec<Bind> = Vec::new();
        let mut push = |clause: &str, bind: Bind| {
            binds.push(bind);
            clauses.push(clause.replace('?', &format!("${}", binds.len())));
        };
        match scope {
            OrderScope::All => {}
            OrderScope::Seller(seller) => push("seller_id = ?", Bind::Text(seller.to_string())),
            OrderScope::Buyer(buyer) => push("buyer_id = ?", Bind::Text(buyer.to_string())),
        }
        if let Some(id) = id {
            push("order_id = ?", Bind::Text(id.to_string()));
        }
        if let Some(status) = filter.status {
            push("status = ?", Bind::Text(status.as_str().to_string()));
        }
        if let Some(country) = filter.destination {
            push("destination = ?", Bind::Text(country.as_str().to_string()));
        }
        if let Some(from) = filter.created_from {
            push("created_at >= ?", Bind::Time(midnight(from)));
        }
        if let Some(to) = filter.created_to {
            push("created_at < ?", Bind::Time(midnight(to)));
        }
        if let Some(after) = after {
            push("order_id > ?", Bind::Text(after.to_string()));
        }
        let where_clause = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders {where_clause} ORDER BY order_id LIMIT {limit}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for bind in binds {
            query = match bind {
                Bind::Text(text) => query.bind(text),
                Bind::Time(time) => query.bind(time),
            };
        }
        let rows = query.fetch_all(&self.pool).await.map_err(backend_error)?;
        let mut orders = rows
            .iter()
            .map(crate::order)
            .collect::<StoreResult<Vec<_>>>()?;
        self.attach_lines(&mut orders).await?;
        Ok(orders)
    }

    async fn attach_lines(&self, orders: &mut [OrderRecord]) -> StoreResult<()> {
        if orders.is_empty() {
            return Ok(());
        }
        let placeholders: Vec<String> = (1..=orders.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT order_id, line_no, product_id, warehouse_id, sku, quantity, currency, \
             unit_price_minor, line_total_minor FROM order_lines WHERE order_id IN ({}) \
             ORDER BY order_id, line_no",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for order in orders.iter() {
            query = query.bind(order.id.as_str());
        }
        let rows = query.fetch_all(&self.pool).await.map_err(backend_error)?;
        let mut by_order: HashMap<OrderId, Vec<OrderLine>> = HashMap::new();
        for row in &rows {
            let (order_id, line) = crate::order_line(row)?;
            by_order.entry(order_id).or_default().push(line);
        }
        for order in orders {
            order.lines = by_order.remove(&order.id).unwrap_or_default();
        }
        Ok(())
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(chrono::NaiveTime::MIN).and_utc()
}
