//! Storefront events: one multi-row INSERT per batch that skips event ids already stored, and the
//! product → seller lookup the beacon needs.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::ids::{ProductId, SellerId};
use silkroute_domain::storefront::StorefrontEvent;
use silkroute_store::{StoreError, StoreResult, StorefrontStore};
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, QueryBuilder, Row, Type,
};

use crate::bulk_insert::MultiRowInsert;
use crate::{Backend, SqlxStore, backend_error};

#[async_trait]
impl<B: Backend> StorefrontStore for SqlxStore<B>
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
    async fn insert_storefront_events(
        &self,
        events: &[(StorefrontEvent, Option<SellerId>)],
        received_at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        if events.is_empty() {
            return Ok(0);
        }
        // A beacon's batch (≤ 500 events × 12 columns) is one statement; the demo's larger
        // batches are cut under the backend's limit of bound variables, in one transaction.
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let statement = MultiRowInsert {
            head: "INSERT INTO storefront_events (event_id, seller_id, visitor_id, session_id, \
                   kind, product_id, keyword, market, source, device, at, received_at) ",
            columns: 12,
            max_rows: 2_000,
            tail: " ON CONFLICT (event_id) DO NOTHING",
        };
        let inserted =
            Self::insert_rows_in_chunks(&mut tx, &statement, events, |mut row, (event, seller)| {
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
            })
            .await?;
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
        let mut query: QueryBuilder<B::Db> =
            QueryBuilder::new("SELECT product_id, seller_id FROM products WHERE product_id IN (");
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
                    ProductId::parse(&product).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    SellerId::parse(&seller).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                ))
            })
            .collect()
    }
}
