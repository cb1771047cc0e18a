//! The industry view's reads: listings of products, category and keyword sums across sellers from
//! the platform's industry rollups, and supply (active listings).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use silkroute_store::{
    CategoryCounts, KeywordCounts, RollupMoney, RollupSlice, StoreResult, Supply,
};
use sqlx::{
    AssertSqlSafe, ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, QueryBuilder,
    Row, Type,
};

use crate::rollup_reads::{slice_filter, sum};
use crate::{Backend, SqlxStore, backend_error};

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
    pub(crate) async fn listings_of(
        &self,
        products: &[String],
    ) -> StoreResult<Vec<(String, String, String)>> {
        let mut listings = Vec::new();
        for chunk in products.chunks(B::MAX_VARIABLES.min(10_000)) {
            let mut query: QueryBuilder<B::Db> = QueryBuilder::new(
                "SELECT product_id, seller_id, category FROM products \
                 WHERE product_id IN (",
            );
            let mut list = query.separated(", ");
            for product in chunk {
                list.push_bind(product.as_str());
            }
            query.push(")");
            let rows = query
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
            for row in &rows {
                listings.push((
                    row.try_get(0).map_err(backend_error)?,
                    row.try_get(1).map_err(backend_error)?,
                    row.try_get(2).map_err(backend_error)?,
                ));
            }
        }
        Ok(listings)
    }

    pub(crate) async fn sum_categories(
        &self,
        slice: &RollupSlice,
    ) -> StoreResult<Vec<CategoryCounts>> {
        let filter = slice_filter(slice);
        let rows = self
            .grouped(
                format!(
                    "SELECT t.category, COUNT(DISTINCT t.seller_id), {}, {}, {} \
                     FROM rollup_categories t{filter} GROUP BY t.category",
                    sum("page_views"),
                    sum("paid_orders"),
                    sum("paid_units")
                ),
                slice,
            )
            .await?;
        let mut counts: BTreeMap<String, CategoryCounts> = BTreeMap::new();
        for row in &rows {
            let category: String = row.try_get(0).map_err(backend_error)?;
            counts.insert(
                category.clone(),
                CategoryCounts {
                    category,
                    sellers: row.try_get(1).map_err(backend_error)?,
                    visitors: 0,
                    page_views: row.try_get(2).map_err(backend_error)?,
                    paid_orders: row.try_get(3).map_err(backend_error)?,
                    paid_units: row.try_get(4).map_err(backend_error)?,
                },
            );
        }
        let visitors = self
            .grouped(
                format!(
                    "SELECT t.category, COUNT(DISTINCT t.visitor_id) \
                     FROM rollup_category_visitors t{filter} GROUP BY t.category"
                ),
                slice,
            )
            .await?;
        for row in &visitors {
            let category: String = row.try_get(0).map_err(backend_error)?;
            let count: i64 = row.try_get(1).map_err(backend_error)?;
            counts
                .entry(category.clone())
                .or_insert_with(|| CategoryCounts {
                    category,
                    ..CategoryCounts::default()
                })
                .visitors = count;
        }
        Ok(counts.into_values().collect())
    }

    pub(crate) async fn money_per_category(
        &self,
        slice: &RollupSlice,
        by_seller: bool,
    ) -> StoreResult<Vec<RollupMoney>> {
        let key = if by_seller {
            "t.category || '|' || t.seller_id"
        } else {
            "t.category"
        };
        let group = if by_seller {
            "t.category, t.seller_id"
        } else {
            "t.category"
        };
        let rows = self
            .grouped(
                format!(
                    "SELECT {key}, t.day, t.currency, {}, CAST(0 AS BIGINT) \
                     FROM rollup_categories t{} AND t.paid_orders > 0 \
                     GROUP BY {group}, t.day, t.currency ORDER BY 1, 2, 3",
                    sum("paid_minor"),
                    slice_filter(slice)
                ),
                slice,
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(RollupMoney {
                    key: row.try_get(0).map_err(backend_error)?,
                    day: row.try_get(1).map_err(backend_error)?,
                    currency: row.try_get(2).map_err(backend_error)?,
                    paid_minor: row.try_get(3).map_err(backend_error)?,
                    refund_minor: row.try_get(4).map_err(backend_error)?,
                })
            })
            .collect()
    }

    pub(crate) async fn sum_keywords(
        &self,
        slice: &RollupSlice,
        limit: i64,
    ) -> StoreResult<Vec<KeywordCounts>> {
        let n = if slice.market.is_some() { 5 } else { 4 };
        let sql = format!(
            "SELECT t.keyword, {}, COUNT(DISTINCT t.visitor_id), \
             COUNT(DISTINCT CASE WHEN t.clicked = 1 THEN t.visitor_id END), \
             COUNT(DISTINCT CASE WHEN t.purchased = 1 THEN t.visitor_id END) \
             FROM rollup_keyword_searchers t{} GROUP BY t.keyword \
             ORDER BY 2 DESC, 1 LIMIT ${n}",
            sum("searches"),
            slice_filter(slice)
        );
        let rows = Self::bind_slice(sqlx::query(AssertSqlSafe(sql)), slice)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                Ok(KeywordCounts {
                    keyword: row.try_get(0).map_err(backend_error)?,
                    searches: row.try_get(1).map_err(backend_error)?,
                    searchers: row.try_get(2).map_err(backend_error)?,
                    clickers: row.try_get(3).map_err(backend_error)?,
                    purchasers: row.try_get(4).map_err(backend_error)?,
                })
            })
            .collect()
    }

    pub(crate) async fn markets_per_keyword(
        &self,
        slice: &RollupSlice,
        keywords: &[String],
    ) -> StoreResult<Vec<(String, String, i64)>> {
        let mut found = Vec::new();
        for keyword in keywords {
            let n = if slice.market.is_some() { 5 } else { 4 };
            let sql = format!(
                "SELECT t.market, {} FROM rollup_keyword_searchers t{} \
                 AND t.keyword = ${n} GROUP BY t.market ORDER BY 2 DESC, 1",
                sum("searches"),
                slice_filter(slice)
            );
            let rows = Self::bind_slice(sqlx::query(AssertSqlSafe(sql)), slice)
                .bind(keyword.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
            for row in &rows {
                found.push((
                    keyword.clone(),
                    row.try_get(0).map_err(backend_error)?,
                    row.try_get(1).map_err(backend_error)?,
                ));
            }
        }
        Ok(found)
    }

    pub(crate) async fn supply_per_category(&self) -> StoreResult<Vec<Supply>> {
        let rows = sqlx::query(
            "SELECT category, COUNT(*), COUNT(DISTINCT seller_id) FROM products \
             WHERE status = 'active' GROUP BY category ORDER BY category",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                Ok(Supply {
                    key: row.try_get(0).map_err(backend_error)?,
                    listings: row.try_get(1).map_err(backend_error)?,
                    sellers: row.try_get(2).map_err(backend_error)?,
                })
            })
            .collect()
    }

    pub(crate) async fn supply_of_keyword(&self, keyword: &str) -> StoreResult<Supply> {
        let escaped = keyword
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let row = sqlx::query(
            "SELECT COUNT(*), COUNT(DISTINCT seller_id) FROM products \
             WHERE status = 'active' \
             AND LOWER(CAST(titles AS TEXT)) LIKE $1 ESCAPE '\\'",
        )
        .bind(format!("%{escaped}%"))
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(Supply {
            key: keyword.to_string(),
            listings: row.try_get(0).map_err(backend_error)?,
            sellers: row.try_get(1).map_err(backend_error)?,
        })
    }
}
