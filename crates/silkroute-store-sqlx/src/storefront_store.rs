//! Storefront events for both sqlx backends, written once: one multi-row INSERT per batch that
//! skips event ids already stored, and the product → seller lookup the beacon needs.

/// Expands to `impl StorefrontStore for $store` (the store must have a `pool` field).
#[macro_export]
macro_rules! storefront_store {
    (store: $store:ty, database: $database:ty) => {
        mod storefront_statements {
            use ::async_trait::async_trait;
            use ::silkroute_domain::ids::{ProductId, SellerId};
            use ::silkroute_domain::storefront::StorefrontEvent;
            use ::silkroute_store::{StoreError, StoreResult, StorefrontStore};
            use ::sqlx::{QueryBuilder, Row};
            use $crate::backend_error;

            #[async_trait]
            impl StorefrontStore for $store {
                async fn insert_storefront_events(
                    &self,
                    events: &[(StorefrontEvent, Option<SellerId>)],
                    received_at: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<u64> {
                    if events.is_empty() {
                        return Ok(0);
                    }
                    // A beacon's batch (≤ 500 events × 12 columns) is one statement; the demo's
                    // larger batches are cut under SQLite's limit of bound variables, in one
                    // transaction.
                    let mut tx = self.pool.begin().await.map_err(backend_error)?;
                    let mut inserted = 0;
                    for chunk in events.chunks(2_000) {
                        let mut query: QueryBuilder<$database> = QueryBuilder::new(
                            "INSERT INTO storefront_events (event_id, seller_id, visitor_id, \
                             session_id, kind, product_id, keyword, market, source, device, at, \
                             received_at) ",
                        );
                        query.push_values(chunk, |mut row, (event, seller)| {
                            row.push_bind(event.id.as_str())
                                .push_bind(seller.as_ref().map(|s| s.as_str()))
                                .push_bind(event.visitor_id.as_str())
                                .push_bind(event.session_id.as_str())
                                .push_bind(event.kind.as_str())
                                .push_bind(event.product_id.as_ref().map(|p| p.as_str()))
                                .push_bind(event.keyword.as_deref())
                                .push_bind(event.market.as_str())
                                .push_bind(event.source.as_str())
                                .push_bind(event.device.as_str())
                                .push_bind(event.at)
                                .push_bind(received_at);
                        });
                        query.push(" ON CONFLICT (event_id) DO NOTHING");
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

                async fn product_sellers(
                    &self,
                    products: &[ProductId],
                ) -> StoreResult<Vec<(ProductId, SellerId)>> {
                    if products.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut query: QueryBuilder<$database> = QueryBuilder::new(
                        "SELECT product_id, seller_id FROM products WHERE product_id IN (",
                    );
                    let mut list = query.separated(", ");
                    for product in products {
                        list.push_bind(product.as_str());
                    }
                    query.push(")");
                    let rows = query
                        .build()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend_error)?;
                    rows.iter()
                        .map(|row| {
                            let product: String = row.try_get(0).map_err(backend_error)?;
                            let seller: String = row.try_get(1).map_err(backend_error)?;
                            Ok((
                                ProductId::parse(&product)
                                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                                SellerId::parse(&seller)
                                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                            ))
                        })
                        .collect()
                }
            }
        }
    };
}
