//! `AnalyticsStore`: the transactions that replace or clear rollups, and the reads, each in the
//! module of its concept — `rollup_streams` (watermarks, changes, the lease), `rollup_facts`
//! (loading a window's facts), `rollup_writes` (rollup rows), `rollup_recency` (distinct people
//! per period), `rollup_reads` (grouped counts and money), `rollup_products` and
//! `rollup_industry`. Sums are cast to BIGINT because PostgreSQL widens `SUM(bigint)` to
//! `numeric`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_analytics::rollup::{DayRollups, ImportedSale, RollupEvent, RollupOrder};
use silkroute_domain::ids::SellerId;
use silkroute_store::{
    AnalyticsStore, BuyerDay, CategoryCounts, ChangedEvent, ChangedOrder, FactSpan, KeywordCounts,
    ProductDay, ProductSums, RollupCounts, RollupGroup, RollupMoney, RollupSlice, StoreResult,
    Supply,
};
use sqlx::{AssertSqlSafe, ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

use crate::{Backend, SqlxStore, backend_error};

/// The day rollups a scope's days are replaced in.
const DAY_ROLLUP_TABLES: [&str; 9] = [
    "rollup_sales",
    "rollup_traffic",
    "rollup_visitors",
    "rollup_buyers",
    "rollup_products",
    "rollup_keywords",
    "rollup_categories",
    "rollup_category_visitors",
    "rollup_keyword_searchers",
];

#[async_trait]
impl<B: Backend> AnalyticsStore for SqlxStore<B>
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
    async fn analytics_watermark(&self, stream: &str) -> StoreResult<Option<DateTime<Utc>>> {
        self.watermark_of(stream).await
    }

    async fn claim_rollup_lease(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.claim_lease(holder, now, until).await
    }

    async fn release_rollup_lease(&self, holder: &str) -> StoreResult<()> {
        self.release_lease(holder).await
    }

    async fn changed_orders(&self, since: DateTime<Utc>) -> StoreResult<Vec<ChangedOrder>> {
        self.orders_changed_after(since).await
    }

    async fn changed_events(&self, since: DateTime<Utc>) -> StoreResult<Vec<ChangedEvent>> {
        self.events_changed_after(since).await
    }

    async fn stream_heads(&self) -> StoreResult<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
        self.newest_changes().await
    }

    async fn fact_span(&self, seller: Option<&SellerId>) -> StoreResult<Option<FactSpan>> {
        self.span_of_facts(seller).await
    }

    async fn count_facts(
        &self,
        seller: Option<&SellerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.count_window_facts(seller, from, to).await
    }

    async fn rollup_orders(
        &self,
        seller: Option<&SellerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        placed_only: bool,
    ) -> StoreResult<Vec<RollupOrder>> {
        self.load_orders(seller, from, to, placed_only).await
    }

    async fn rollup_events(
        &self,
        seller: Option<&SellerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<RollupEvent>> {
        self.load_events(seller, from, to).await
    }

    async fn rollup_imported(
        &self,
        seller: &SellerId,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<Vec<ImportedSale>> {
        self.load_imported(seller, first, last).await
    }

    async fn imported_span(
        &self,
        seller: &SellerId,
    ) -> StoreResult<Option<(NaiveDate, NaiveDate)>> {
        self.imported_days(seller).await
    }

    async fn replace_rollups(
        &self,
        scope: &str,
        first: NaiveDate,
        last: NaiveDate,
        rows: &DayRollups,
        watermarks: &[(&str, DateTime<Utc>)],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        Self::before_replace(&mut tx, scope, first, last, rows).await?;
        for table in DAY_ROLLUP_TABLES {
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE scope = $1 AND day >= $2 AND day <= $3"
            )))
            .bind(scope)
            .bind(first)
            .bind(last)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        Self::insert_day_rollups(&mut tx, scope, rows).await?;
        Self::after_replace(&mut tx, scope, first, last).await?;
        Self::write_watermarks(&mut tx, watermarks).await?;
        tx.commit().await.map_err(backend_error)
    }

    async fn insert_rollups(&self, scopes: &[(String, DayRollups)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        for (scope, rows) in scopes {
            Self::insert_day_rollups(&mut tx, scope, rows).await?;
        }
        tx.commit().await.map_err(backend_error)
    }

    async fn rebuild_recency(&self, scope: &str) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        Self::recount_recency(&mut tx, scope).await?;
        tx.commit().await.map_err(backend_error)
    }

    async fn set_analytics_watermarks(
        &self,
        watermarks: &[(&str, DateTime<Utc>)],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        Self::write_watermarks(&mut tx, watermarks).await?;
        tx.commit().await.map_err(backend_error)
    }

    async fn clear_rollups(&self) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let bookkeeping = ["rollup_recency", "rollup_touched", "analytics_watermarks"];
        for table in DAY_ROLLUP_TABLES.into_iter().chain(bookkeeping) {
            sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)
    }

    async fn rollup_counts(
        &self,
        slice: &RollupSlice,
        group: RollupGroup,
    ) -> StoreResult<Vec<RollupCounts>> {
        self.sum_rollup_counts(slice, group).await
    }

    async fn rollup_money(
        &self,
        slice: &RollupSlice,
        group: RollupGroup,
    ) -> StoreResult<Vec<RollupMoney>> {
        self.sum_rollup_money(slice, group).await
    }

    async fn returning_buyers(&self, slice: &RollupSlice, since: NaiveDate) -> StoreResult<i64> {
        self.returning_paying_buyers(slice, since).await
    }

    async fn product_sums(&self, slice: &RollupSlice) -> StoreResult<Vec<ProductSums>> {
        self.sum_products(slice).await
    }

    async fn product_days(&self, slice: &RollupSlice) -> StoreResult<Vec<ProductDay>> {
        self.days_per_product(slice).await
    }

    async fn buyer_days(&self, slice: &RollupSlice) -> StoreResult<Vec<BuyerDay>> {
        self.paid_days_per_buyer(slice).await
    }

    async fn product_listings(
        &self,
        products: &[String],
    ) -> StoreResult<Vec<(String, String, String)>> {
        self.listings_of(products).await
    }

    async fn category_counts(&self, slice: &RollupSlice) -> StoreResult<Vec<CategoryCounts>> {
        self.sum_categories(slice).await
    }

    async fn category_money(
        &self,
        slice: &RollupSlice,
        by_seller: bool,
    ) -> StoreResult<Vec<RollupMoney>> {
        self.money_per_category(slice, by_seller).await
    }

    async fn keyword_counts(
        &self,
        slice: &RollupSlice,
        limit: i64,
    ) -> StoreResult<Vec<KeywordCounts>> {
        self.sum_keywords(slice, limit).await
    }

    async fn keyword_markets(
        &self,
        slice: &RollupSlice,
        keywords: &[String],
    ) -> StoreResult<Vec<(String, String, i64)>> {
        self.markets_per_keyword(slice, keywords).await
    }

    async fn category_supply(&self) -> StoreResult<Vec<Supply>> {
        self.supply_per_category().await
    }

    async fn keyword_supply(&self, keyword: &str) -> StoreResult<Supply> {
        self.supply_of_keyword(keyword).await
    }
}
