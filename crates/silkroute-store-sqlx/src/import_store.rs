//! Bulk order import for both sqlx backends, written once: multi-row INSERTs in one
//! transaction, chunked under the backend's limit of bound parameters per statement.

/// Expands to `impl OrderImportStore for $store` (the store must have a `pool` field).
/// Each backend stores an order's snapshot its own way: `crate::order_snapshot_column` is the
/// calling backend's.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! order_import_store {
    (store: $store:ty, database: $database:ty, max_variables: $max_variables:expr) => {
        mod order_import {
        use ::async_trait::async_trait;
        use ::silkroute_store::{OrderImport, OrderImportStore, StockLevel, StoreResult, Warehouse};
        use ::sqlx::QueryBuilder;
        use $crate::backend_error;

        const MAX_VARIABLES: usize = $max_variables;

        fn rows_per_statement(columns: usize) -> usize {
            (MAX_VARIABLES / columns).max(1)
        }

        #[async_trait]
        impl OrderImportStore for $store {
            async fn import_order_history(
                &self,
                orders: &[::silkroute_domain::order_history::ImportedOrder],
                at: ::chrono::DateTime<::chrono::Utc>,
            ) -> StoreResult<u64> {
                let mut tx = self.pool.begin().await.map_err(backend_error)?;
                let mut inserted = 0;
                for chunk in orders.chunks(rows_per_statement(10)) {
                    let mut query: QueryBuilder<$database> = QueryBuilder::new(
                        "INSERT INTO imported_orders (seller_id, external_id, buyer_reference, \
                         buyer_country, ordered_on, currency, amount_minor, quantity, sku, \
                         imported_at) ",
                    );
                    query.push_values(chunk, |mut row, o| {
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
                    });
                    query.push(" ON CONFLICT (seller_id, external_id) DO NOTHING");
                    inserted += query
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?
                        .rows_affected();
                }
                tx.commit().await.map_err(backend_error)?;
                Ok(inserted)
            }

            async fn imported_order_count(
                &self,
                seller: &::silkroute_domain::ids::SellerId,
            ) -> StoreResult<i64> {
                ::sqlx::query_scalar("SELECT COUNT(*) FROM imported_orders WHERE seller_id = $1")
                    .bind(seller.as_str())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend_error)
            }

            async fn import_orders(&self, import: &OrderImport) -> StoreResult<()> {
                let mut tx = self.pool.begin().await.map_err(backend_error)?;
                for chunk in import.payments.chunks(rows_per_statement(18)) {
                    let mut query: QueryBuilder<$database> = QueryBuilder::new(
                        "INSERT INTO payments (payment_id, quote_id, buyer_id, provider, \
                         provider_reference, status, currency, amount_minor, captured_minor, \
                         refunded_minor, card_brand, card_last4, decline_reason, created_at, \
                         authorized_at, expires_at, captured_at, updated_at) ",
                    );
                    query.push_values(chunk, |mut row, p| {
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
                    });
                    query
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                let mut bodies = Vec::with_capacity(import.orders.len());
                for order in &import.orders {
                    bodies.push(crate::order_snapshot_column(&order.snapshot)?);
                }
                let orders: Vec<_> = import.orders.iter().zip(&bodies).collect();
                for chunk in orders.chunks(rows_per_statement(22)) {
                    let mut query: QueryBuilder<$database> = QueryBuilder::new(
                        "INSERT INTO orders (seller_id, order_id, quote_id, buyer_id, payment_id, status, \
                         status_before_refund, destination, incoterm, currency, goods_minor, \
                         shipping_minor, duties_minor, taxes_minor, total_minor, due_at_door_minor, \
                         refunded_minor, seller_currency, seller_total_minor, body, created_at, \
                         updated_at) ",
                    );
                    query.push_values(chunk, |mut row, (o, body)| {
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
                            .push_bind(body)
                            .push_bind(o.created_at)
                            .push_bind(o.updated_at);
                    });
                    query
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                let lines: Vec<_> = import
                    .orders
                    .iter()
                    .flat_map(|order| order.lines.iter().map(move |line| (order, line)))
                    .collect();
                for chunk in lines.chunks(rows_per_statement(10)) {
                    let mut query: QueryBuilder<$database> = QueryBuilder::new(
                        "INSERT INTO order_lines (seller_id, order_id, line_no, product_id, \
                         warehouse_id, sku, quantity, currency, unit_price_minor, line_total_minor) ",
                    );
                    query.push_values(chunk, |mut row, (o, l)| {
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
                    });
                    query
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                for chunk in import.events.chunks(rows_per_statement(9)) {
                    let mut query: QueryBuilder<$database> = QueryBuilder::new(
                        "INSERT INTO order_events (seller_id, order_id, seq, from_status, to_status, \
                         action, actor, reason, at) ",
                    );
                    query.push_values(chunk, |mut row, (seller, e)| {
                        row.push_bind(seller.as_str())
                            .push_bind(e.order_id.as_str())
                            .push_bind(e.seq)
                            .push_bind(e.from_status.map(|s| s.as_str()))
                            .push_bind(e.to_status.as_str())
                            .push_bind(e.action.as_str())
                            .push_bind(e.actor.as_str())
                            .push_bind(e.reason.as_deref())
                            .push_bind(e.at);
                    });
                    query
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                for chunk in import.refunds.chunks(rows_per_statement(9)) {
                    let mut query: QueryBuilder<$database> = QueryBuilder::new(
                        "INSERT INTO refunds (seller_id, refund_id, order_id, payment_id, currency, \
                         amount_minor, reason, provider_reference, created_at) ",
                    );
                    query.push_values(chunk, |mut row, r| {
                        row.push_bind(r.seller_id.as_str())
                            .push_bind(r.id.as_str())
                            .push_bind(r.order_id.as_str())
                            .push_bind(r.payment_id.as_str())
                            .push_bind(r.amount.currency().as_str())
                            .push_bind(r.amount.minor())
                            .push_bind(r.reason.as_deref())
                            .push_bind(r.provider_reference.as_str())
                            .push_bind(r.created_at);
                    });
                    query
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                for chunk in import.returns.chunks(rows_per_statement(8)) {
                    let mut query: QueryBuilder<$database> = QueryBuilder::new(
                        "INSERT INTO order_returns (seller_id, return_id, order_id, buyer_id, status, \
                         reason, created_at, updated_at) ",
                    );
                    query.push_values(chunk, |mut row, r| {
                        row.push_bind(r.seller_id.as_str())
                            .push_bind(r.id.as_str())
                            .push_bind(r.order_id.as_str())
                            .push_bind(r.buyer_id.as_str())
                            .push_bind(r.status.as_str())
                            .push_bind(r.reason.as_str())
                            .push_bind(r.created_at)
                            .push_bind(r.updated_at);
                    });
                    query
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                tx.commit().await.map_err(backend_error)
            }

            async fn import_stock(
                &self,
                warehouses: &[Warehouse],
                levels: &[StockLevel],
            ) -> StoreResult<()> {
                let mut tx = self.pool.begin().await.map_err(backend_error)?;
                for chunk in warehouses.chunks(rows_per_statement(6)) {
                    let mut query: QueryBuilder<$database> = QueryBuilder::new(
                        "INSERT INTO warehouses (seller_id, warehouse_id, name, country, kind, \
                         created_at) ",
                    );
                    query.push_values(chunk, |mut row, w| {
                        row.push_bind(w.seller_id.as_str())
                            .push_bind(w.id.as_str())
                            .push_bind(w.name.as_str())
                            .push_bind(w.country.as_str())
                            .push_bind(w.kind.as_str())
                            .push_bind(w.created_at);
                    });
                    query
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                for chunk in levels.chunks(rows_per_statement(5)) {
                    let mut query: QueryBuilder<$database> = QueryBuilder::new(
                        "INSERT INTO stock_levels (seller_id, product_id, warehouse_id, on_hand, \
                         reserved) ",
                    );
                    query.push_values(chunk, |mut row, l| {
                        row.push_bind(l.seller_id.as_str())
                            .push_bind(l.product_id.as_str())
                            .push_bind(l.warehouse_id.as_str())
                            .push_bind(l.on_hand)
                            .push_bind(l.reserved);
                    });
                    query
                        .build()
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                tx.commit().await.map_err(backend_error)
            }
        }

        }
    };
}
