//! Bulk order import: whole histories (the demo) and order history from other platforms, written
//! as multi-row INSERTs in one transaction, cut under the backend's limit of bound values.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::ids::SellerId;
use silkroute_domain::order_history::ImportedOrder;
use silkroute_store::{OrderImport, OrderImportStore, StockLevel, StoreResult, Warehouse};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

use crate::bulk_insert::MultiRowInsert;
use crate::{Backend, SqlxStore, backend_error};

/// As many rows per statement as the backend's bound values allow.
fn insert_into(head: &str, columns: usize) -> MultiRowInsert<'_> {
    MultiRowInsert {
        head,
        columns,
        max_rows: usize::MAX,
        tail: "",
    }
}

#[async_trait]
impl<B: Backend> OrderImportStore for SqlxStore<B>
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
    async fn import_order_history(
        &self,
        orders: &[ImportedOrder],
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let statement = MultiRowInsert {
            tail: " ON CONFLICT (seller_id, external_id) DO NOTHING",
            ..insert_into(
                "INSERT INTO imported_orders (seller_id, external_id, buyer_reference, \
                 buyer_country, ordered_on, currency, amount_minor, quantity, sku, imported_at) ",
                10,
            )
        };
        let inserted = Self::insert_rows_in_chunks(&mut tx, &statement, orders, |mut row, o| {
            row.push_bind(o.seller_id.as_str())
                .push_bind(o.external_id.as_str())
                .push_bind(o.buyer_reference.as_str())
                .push_bind(o.buyer_country.as_str())
                .push_bind(o.ordered_on)
                .push_bind(o.amount.currency().as_str())
                .push_bind(o.amount.minor())
                .push_bind(i64::from(o.quantity))
                .push_bind(o.sku.as_deref())
                .push_bind(at);
        })
        .await?;
        tx.commit().await.map_err(backend_error)?;
        Ok(inserted)
    }

    async fn imported_order_count(&self, seller: &SellerId) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM imported_orders WHERE seller_id = $1")
            .bind(seller.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn import_orders(&self, import: &OrderImport) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let payments = insert_into(
            "INSERT INTO payments (payment_id, quote_id, buyer_id, provider, provider_reference, \
             status, currency, amount_minor, captured_minor, refunded_minor, card_brand, \
             card_last4, decline_reason, created_at, authorized_at, expires_at, captured_at, \
             updated_at) ",
            18,
        );
        Self::insert_rows_in_chunks(&mut tx, &payments, &import.payments, |mut row, p| {
            row.push_bind(p.id.as_str())
                .push_bind(p.quote_id.as_str())
                .push_bind(p.buyer_id.as_str())
                .push_bind(p.provider.as_str())
                .push_bind(p.provider_reference.as_str())
                .push_bind(p.status.as_str())
                .push_bind(p.amount.currency().as_str())
                .push_bind(p.amount.minor())
                .push_bind(p.captured.minor())
                .push_bind(p.refunded.minor())
                .push_bind(p.card_brand.as_str())
                .push_bind(p.card_last4.as_str())
                .push_bind(p.decline_reason.as_deref())
                .push_bind(p.created_at)
                .push_bind(p.authorized_at)
                .push_bind(p.expires_at)
                .push_bind(p.captured_at)
                .push_bind(p.updated_at);
        })
        .await?;
        let mut bodies = Vec::with_capacity(import.orders.len());
        let mut ship_tos = Vec::with_capacity(import.orders.len());
        for order in &import.orders {
            bodies.push(B::snapshot_column(&order.snapshot)?);
            ship_tos.push(order.ship_to.as_ref().map(crate::to_json).transpose()?);
        }
        let orders: Vec<_> = import
            .orders
            .iter()
            .zip(bodies.iter().zip(&ship_tos))
            .collect();
        let order_rows = insert_into(
            "INSERT INTO orders (seller_id, order_id, quote_id, buyer_id, payment_id, status, \
             status_before_refund, destination, incoterm, currency, goods_minor, shipping_minor, \
             duties_minor, taxes_minor, total_minor, due_at_door_minor, refunded_minor, \
             seller_currency, seller_total_minor, body, ship_to, created_at, updated_at) ",
            23,
        );
        Self::insert_rows_in_chunks(
            &mut tx,
            &order_rows,
            &orders,
            |mut row, (o, (body, ship_to))| {
                row.push_bind(o.seller_id.as_str())
                    .push_bind(o.id.as_str())
                    .push_bind(o.quote_id.as_str())
                    .push_bind(o.buyer_id.as_str())
                    .push_bind(o.payment_id.as_str())
                    .push_bind(o.status.as_str())
                    .push_bind(o.status_before_refund.map(|s| s.as_str()))
                    .push_bind(o.destination.as_str())
                    .push_bind(o.incoterm.as_str())
                    .push_bind(o.total.currency().as_str())
                    .push_bind(o.goods.minor())
                    .push_bind(o.shipping.minor())
                    .push_bind(o.duties.minor())
                    .push_bind(o.taxes.minor())
                    .push_bind(o.total.minor())
                    .push_bind(o.due_at_door.minor())
                    .push_bind(o.refunded.minor())
                    .push_bind(o.seller_total.currency().as_str())
                    .push_bind(o.seller_total.minor())
                    .push_bind(*body)
                    .push_bind(ship_to.as_deref())
                    .push_bind(o.created_at)
                    .push_bind(o.updated_at);
            },
        )
        .await?;
        let lines: Vec<_> = import
            .orders
            .iter()
            .flat_map(|order| order.lines.iter().map(move |line| (order, line)))
            .collect();
        let line_rows = insert_into(
            "INSERT INTO order_lines (seller_id, order_id, line_no, product_id, warehouse_id, \
             sku, quantity, currency, unit_price_minor, line_total_minor) ",
            10,
        );
        Self::insert_rows_in_chunks(&mut tx, &line_rows, &lines, |mut row, (o, l)| {
            row.push_bind(o.seller_id.as_str())
                .push_bind(o.id.as_str())
                .push_bind(l.line_no)
                .push_bind(l.product_id.as_str())
                .push_bind(l.warehouse_id.as_ref().map(|w| w.as_str()))
                .push_bind(l.sku.as_str())
                .push_bind(l.quantity)
                .push_bind(l.unit_price.currency().as_str())
                .push_bind(l.unit_price.minor())
                .push_bind(l.line_total.minor());
        })
        .await?;
        let events = insert_into(
            "INSERT INTO order_events (seller_id, order_id, seq, from_status, to_status, action, \
             actor, reason, at) ",
            9,
        );
        Self::insert_rows_in_chunks(&mut tx, &events, &import.events, |mut row, (seller, e)| {
            row.push_bind(seller.as_str())
                .push_bind(e.order_id.as_str())
                .push_bind(e.seq)
                .push_bind(e.from_status.map(|s| s.as_str()))
                .push_bind(e.to_status.as_str())
                .push_bind(e.action.as_str())
                .push_bind(e.actor.as_str())
                .push_bind(e.reason.as_deref())
                .push_bind(e.at);
        })
        .await?;
        let refunds = insert_into(
            "INSERT INTO refunds (seller_id, refund_id, order_id, payment_id, currency, \
             amount_minor, reason, provider_reference, created_at) ",
            9,
        );
        Self::insert_rows_in_chunks(&mut tx, &refunds, &import.refunds, |mut row, r| {
            row.push_bind(r.seller_id.as_str())
                .push_bind(r.id.as_str())
                .push_bind(r.order_id.as_str())
                .push_bind(r.payment_id.as_str())
                .push_bind(r.amount.currency().as_str())
                .push_bind(r.amount.minor())
                .push_bind(r.reason.as_deref())
                .push_bind(r.provider_reference.as_str())
                .push_bind(r.created_at);
        })
        .await?;
        let returns = insert_into(
            "INSERT INTO order_returns (seller_id, return_id, order_id, buyer_id, status, reason, \
             created_at, updated_at) ",
            8,
        );
        Self::insert_rows_in_chunks(&mut tx, &returns, &import.returns, |mut row, r| {
            row.push_bind(r.seller_id.as_str())
                .push_bind(r.id.as_str())
                .push_bind(r.order_id.as_str())
                .push_bind(r.buyer_id.as_str())
                .push_bind(r.status.as_str())
                .push_bind(r.reason.as_str())
                .push_bind(r.created_at)
                .push_bind(r.updated_at);
        })
        .await?;
        tx.commit().await.map_err(backend_error)
    }

    async fn import_stock(
        &self,
        warehouses: &[Warehouse],
        levels: &[StockLevel],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let warehouse_rows = insert_into(
            "INSERT INTO warehouses (seller_id, warehouse_id, name, country, kind, address, \
             created_at) ",
            7,
        );
        let addresses = warehouses
            .iter()
            .map(|w| w.address.as_ref().map(crate::to_json).transpose())
            .collect::<StoreResult<Vec<_>>>()?;
        let rows: Vec<_> = warehouses.iter().zip(&addresses).collect();
        Self::insert_rows_in_chunks(&mut tx, &warehouse_rows, &rows, |mut row, (w, address)| {
            row.push_bind(w.seller_id.as_str())
                .push_bind(w.id.as_str())
                .push_bind(w.name.as_str())
                .push_bind(w.country.as_str())
                .push_bind(w.kind.as_str())
                .push_bind(address.as_deref())
                .push_bind(w.created_at);
        })
        .await?;
        let level_rows = insert_into(
            "INSERT INTO stock_levels (seller_id, product_id, warehouse_id, on_hand, reserved) ",
            5,
        );
        Self::insert_rows_in_chunks(&mut tx, &level_rows, levels, |mut row, l| {
            row.push_bind(l.seller_id.as_str())
                .push_bind(l.product_id.as_str())
                .push_bind(l.warehouse_id.as_str())
                .push_bind(l.on_hand)
                .push_bind(l.reserved);
        })
        .await?;
        tx.commit().await.map_err(backend_error)
    }
}
