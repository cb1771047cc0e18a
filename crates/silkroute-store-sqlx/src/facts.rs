//! The raw facts for `export facts`, read in keyset pages.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_store::{
    EventFactRow, FactStore, ImportedFactRow, OrderFactRow, RefundFactRow, StoreResult,
};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::{Backend, SqlxStore, backend_error};

#[async_trait]
impl<B: Backend> FactStore for SqlxStore<B>
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
    async fn order_facts(&self, after: &str, limit: i64) -> StoreResult<Vec<OrderFactRow>> {
        let rows = sqlx::query(
            "SELECT o.order_id, o.seller_id, o.buyer_id, o.destination, o.status, \
             o.created_at, p.captured_at, o.currency, o.total_minor, \
             o.refunded_minor, o.seller_currency, o.seller_total_minor, \
             CAST((SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l \
               WHERE l.seller_id = o.seller_id AND l.order_id = o.order_id) \
               AS BIGINT) AS units \
             FROM orders o JOIN payments p ON p.payment_id = o.payment_id \
             WHERE o.order_id > $1 ORDER BY o.order_id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                Ok(OrderFactRow {
                    order_id: row.try_get(0).map_err(backend_error)?,
                    seller_id: row.try_get(1).map_err(backend_error)?,
                    buyer_id: row.try_get(2).map_err(backend_error)?,
                    destination: row.try_get(3).map_err(backend_error)?,
                    status: row.try_get(4).map_err(backend_error)?,
                    placed_at: row.try_get(5).map_err(backend_error)?,
                    paid_at: row.try_get(6).map_err(backend_error)?,
                    currency: row.try_get(7).map_err(backend_error)?,
                    total_minor: row.try_get(8).map_err(backend_error)?,
                    refunded_minor: row.try_get(9).map_err(backend_error)?,
                    seller_currency: row.try_get(10).map_err(backend_error)?,
                    seller_total_minor: row.try_get(11).map_err(backend_error)?,
                    units: row.try_get(12).map_err(backend_error)?,
                })
            })
            .collect()
    }

    async fn event_facts(&self, after: &str, limit: i64) -> StoreResult<Vec<EventFactRow>> {
        let rows = sqlx::query(
            "SELECT event_id, seller_id, visitor_id, session_id, kind, product_id, \
             keyword, market, source, device, at FROM storefront_events \
             WHERE event_id > $1 ORDER BY event_id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                Ok(EventFactRow {
                    event_id: row.try_get(0).map_err(backend_error)?,
                    seller_id: row.try_get(1).map_err(backend_error)?,
                    visitor_id: row.try_get(2).map_err(backend_error)?,
                    session_id: row.try_get(3).map_err(backend_error)?,
                    kind: row.try_get(4).map_err(backend_error)?,
                    product_id: row.try_get(5).map_err(backend_error)?,
                    keyword: row.try_get(6).map_err(backend_error)?,
                    market: row.try_get(7).map_err(backend_error)?,
                    source: row.try_get(8).map_err(backend_error)?,
                    device: row.try_get(9).map_err(backend_error)?,
                    at: row.try_get(10).map_err(backend_error)?,
                })
            })
            .collect()
    }

    async fn imported_facts(&self, after: &str, limit: i64) -> StoreResult<Vec<ImportedFactRow>> {
        // Seller ids hold no '/': the cursor's first one ends the seller. Compared as
        // a pair, the page is a range of the key; compared as one concatenated
        // string, every page was a scan and a sort of the whole table.
        let (seller, external) = after.split_once('/').unwrap_or((after, ""));
        let rows = sqlx::query(
            "SELECT seller_id, external_id, buyer_reference, buyer_country, \
             ordered_on, currency, amount_minor, quantity, sku FROM imported_orders \
             WHERE (seller_id, external_id) > ($1, $2) \
             ORDER BY seller_id, external_id LIMIT $3",
        )
        .bind(seller)
        .bind(external)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                Ok(ImportedFactRow {
                    seller_id: row.try_get(0).map_err(backend_error)?,
                    external_id: row.try_get(1).map_err(backend_error)?,
                    buyer_reference: row.try_get(2).map_err(backend_error)?,
                    buyer_country: row.try_get(3).map_err(backend_error)?,
                    ordered_on: row.try_get(4).map_err(backend_error)?,
                    currency: row.try_get(5).map_err(backend_error)?,
                    amount_minor: row.try_get(6).map_err(backend_error)?,
                    quantity: row.try_get(7).map_err(backend_error)?,
                    sku: row.try_get(8).map_err(backend_error)?,
                })
            })
            .collect()
    }

    async fn refund_facts(&self, after: &str, limit: i64) -> StoreResult<Vec<RefundFactRow>> {
        let rows = sqlx::query(
            "SELECT r.refund_id, r.order_id, r.seller_id, r.created_at, \
             r.amount_minor, o.total_minor, o.seller_currency, o.seller_total_minor \
             FROM refunds r JOIN orders o ON o.order_id = r.order_id \
             WHERE r.refund_id > $1 ORDER BY r.refund_id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                Ok(RefundFactRow {
                    refund_id: row.try_get(0).map_err(backend_error)?,
                    order_id: row.try_get(1).map_err(backend_error)?,
                    seller_id: row.try_get(2).map_err(backend_error)?,
                    refunded_at: row.try_get(3).map_err(backend_error)?,
                    amount_minor: row.try_get(4).map_err(backend_error)?,
                    order_total_minor: row.try_get(5).map_err(backend_error)?,
                    seller_currency: row.try_get(6).map_err(backend_error)?,
                    seller_total_minor: row.try_get(7).map_err(backend_error)?,
                })
            })
            .collect()
    }
}
