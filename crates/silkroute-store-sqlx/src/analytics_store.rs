//! Rollup statements for both sqlx backends, written once: loading a window's facts, replacing a
//! scope's day rows in one transaction, and the grouped sums dashboards read. Sums are cast to
//! BIGINT because PostgreSQL widens `SUM(bigint)` to `numeric`.

/// Expands to `impl AnalyticsStore for $store` (the store must have a `pool` field).
#[macro_export]
macro_rules! analytics_store {
    (store: $store:ty, database: $database:ty, max_variables: $max_variables:expr) => {
        mod analytics_statements {
            use ::async_trait::async_trait;
            use ::chrono::{DateTime, NaiveDate, Utc};
            use ::silkroute_analytics::rollup::{
                DayRollups, ImportedSale, RollupEvent, RollupLine, RollupOrder, month_of, week_of,
            };
            use ::silkroute_domain::currency::CurrencyCode;
            use ::silkroute_domain::ids::SellerId;
            use ::silkroute_domain::money::Money;
            use ::silkroute_domain::storefront::EventKind;
            use ::silkroute_store::{
                AnalyticsStore, BuyerDay, CategoryCounts, ChangedEvent, KeywordCounts, Supply, ChangedOrder, FactSpan, OrderCounts, ProductDay,
                ProductSums, RollupCounts, RollupGroup, RollupMoney, RollupSlice, StoreError,
                StoreResult,
            };
            use ::sqlx::{AssertSqlSafe, QueryBuilder, Row};
            use $crate::backend_error;

            const MAX_VARIABLES: usize = $max_variables;
            /// Rows per INSERT: enough to amortise a statement, few enough that its bound
            /// values stay below the allocator's mmap threshold (a fresh mapping per statement
            /// and its page faults cost more than the statements saved).
            const ROWS_PER_INSERT: usize = 400;
            type Db = $database;

            $crate::rollup_recency_statements!();
            $crate::rollup_fact_statements!();
            $crate::rollup_industry_statements!();
            $crate::rollup_write_statements!();
            $crate::rollup_product_statements!();
            $crate::rollup_stream_statements!();

            fn corrupt(what: impl ::std::fmt::Display) -> StoreError {
                StoreError::Corrupt(what.to_string())
            }

            /// ` AND <column> = $n` when a seller narrows the query.
            fn seller_filter(seller: Option<&SellerId>, column: &str, n: usize) -> String {
                match seller {
                    Some(_) => format!(" AND {column} = ${n}"),
                    None => String::new(),
                }
            }


            /// `WHERE` for a slice on table alias `t`, binding from `$1`.
            fn slice_filter(slice: &RollupSlice) -> String {
                let mut filter =
                    String::from(" WHERE t.scope = $1 AND t.day >= $2 AND t.day <= $3");
                if slice.market.is_some() {
                    filter.push_str(" AND t.market = $4");
                }
                filter
            }

            fn bind_slice<'q>(
                query: ::sqlx::query::Query<'q, Db, <Db as ::sqlx::Database>::Arguments>,
                slice: &'q RollupSlice,
            ) -> ::sqlx::query::Query<'q, Db, <Db as ::sqlx::Database>::Arguments> {
                let query = query.bind(slice.scope.as_str()).bind(slice.first).bind(slice.last);
                match &slice.market {
                    Some(market) => query.bind(market.as_str()),
                    None => query,
                }
            }

            /// The group key's select expression and `GROUP BY` clause.
            fn grouping(group: RollupGroup) -> (String, String) {
                match group.column() {
                    Some(column) => (
                        format!("CAST(t.{column} AS TEXT)"),
                        format!(" GROUP BY t.{column}"),
                    ),
                    None => ("CAST('' AS TEXT)".to_string(), String::new()),
                }
            }

            fn sum(column: &str) -> String {
                format!("CAST(COALESCE(SUM(t.{column}), 0) AS BIGINT)")
            }

            async fn grouped(
                pool: &::sqlx::Pool<Db>,
                sql: String,
                slice: &RollupSlice,
            ) -> StoreResult<Vec<<Db as ::sqlx::Database>::Row>> {
                bind_slice(::sqlx::query(AssertSqlSafe(sql)), slice)
                    .fetch_all(pool)
                    .await
                    .map_err(backend_error)
            }


            #[async_trait]
            impl AnalyticsStore for $store {
                async fn analytics_watermark(
                    &self,
                    stream: &str,
                ) -> StoreResult<Option<DateTime<Utc>>> {
                    streams::analytics_watermark(&self.pool, stream).await
                }

                async fn claim_rollup_lease(
                    &self,
                    holder: &str,
                    now: DateTime<Utc>,
                    until: DateTime<Utc>,
                ) -> StoreResult<bool> {
                    streams::claim_rollup_lease(&self.pool, holder, now, until).await
                }

                async fn release_rollup_lease(&self, holder: &str) -> StoreResult<()> {
                    streams::release_rollup_lease(&self.pool, holder).await
                }

                async fn changed_orders(
                    &self,
                    since: DateTime<Utc>,
                ) -> StoreResult<Vec<ChangedOrder>> {
                    streams::changed_orders(&self.pool, since).await
                }

                async fn changed_events(
                    &self,
                    since: DateTime<Utc>,
                ) -> StoreResult<Vec<ChangedEvent>> {
                    streams::changed_events(&self.pool, since).await
                }

                async fn stream_heads(
                    &self,
                ) -> StoreResult<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
                    streams::stream_heads(&self.pool).await
                }

                async fn fact_span(
                    &self,
                    seller: Option<&SellerId>,
                ) -> StoreResult<Option<FactSpan>> {
                    facts::fact_span(&self.pool, seller).await
                }

                async fn count_facts(
                    &self,
                    seller: Option<&SellerId>,
                    from: DateTime<Utc>,
                    to: DateTime<Utc>,
                ) -> StoreResult<u64> {
                    facts::count_facts(&self.pool, seller, from, to).await
                }

                async fn rollup_orders(
                    &self,
                    seller: Option<&SellerId>,
                    from: DateTime<Utc>,
                    to: DateTime<Utc>,
                    placed_only: bool,
                ) -> StoreResult<Vec<RollupOrder>> {
                    facts::rollup_orders(&self.pool, seller, from, to, placed_only).await
                }

                async fn rollup_events(
                    &self,
                    seller: Option<&SellerId>,
                    from: DateTime<Utc>,
                    to: DateTime<Utc>,
                ) -> StoreResult<Vec<RollupEvent>> {
                    facts::rollup_events(&self.pool, seller, from, to).await
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
                    recency::before_replace(&mut tx, scope, first, last, rows).await?;
                    for table in [
                        "rollup_sales",
                        "rollup_traffic",
                        "rollup_visitors",
                        "rollup_buyers",
                        "rollup_products",
                        "rollup_keywords",
                        "rollup_categories",
                        "rollup_category_visitors",
                        "rollup_keyword_searchers",
                    ] {
                        ::sqlx::query(AssertSqlSafe(format!(
                            "DELETE FROM {table} WHERE scope = $1 AND day >= $2 AND day <= $3"
                        )))
                        .bind(scope)
                        .bind(first)
                        .bind(last)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                    }
                    writes::insert_rows(&mut tx, scope, rows).await?;
                    recency::after_replace(&mut tx, scope, first, last).await?;
                    for (stream, at) in watermarks {
                        ::sqlx::query(
                            "INSERT INTO analytics_watermarks (stream, at) VALUES ($1, $2) \
                             ON CONFLICT (stream) DO UPDATE SET at = excluded.at",
                        )
                        .bind(*stream)
                        .bind(*at)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                    }
                    tx.commit().await.map_err(backend_error)
                }

                async fn insert_rollups(
                    &self,
                    scopes: &[(String, DayRollups)],
                ) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(backend_error)?;
                    for (scope, rows) in scopes {
                        writes::insert_rows(&mut tx, scope, rows).await?;
                    }
                    tx.commit().await.map_err(backend_error)
                }

                async fn rebuild_recency(&self, scope: &str) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(backend_error)?;
                    recency::rebuild(&mut tx, scope).await?;
                    tx.commit().await.map_err(backend_error)
                }

                async fn set_analytics_watermarks(
                    &self,
                    watermarks: &[(&str, DateTime<Utc>)],
                ) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(backend_error)?;
                    for (stream, at) in watermarks {
                        ::sqlx::query(
                            "INSERT INTO analytics_watermarks (stream, at) VALUES ($1, $2) \
                             ON CONFLICT (stream) DO UPDATE SET at = excluded.at",
                        )
                        .bind(*stream)
                        .bind(*at)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                    }
                    tx.commit().await.map_err(backend_error)
                }

                async fn clear_rollups(&self) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(backend_error)?;
                    for table in [
                        "rollup_sales",
                        "rollup_traffic",
                        "rollup_visitors",
                        "rollup_buyers",
                        "rollup_products",
                        "rollup_keywords",
                        "rollup_categories",
                        "rollup_category_visitors",
                        "rollup_keyword_searchers",
                        "rollup_recency",
                        "rollup_touched",
                        "analytics_watermarks",
                    ] {
                        ::sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}")))
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
                    let (key, group_by) = grouping(group);
                    let filter = slice_filter(slice);
                    let mut counts: ::std::collections::BTreeMap<String, RollupCounts> =
                        ::std::collections::BTreeMap::new();
                    let entry = |counts: &mut ::std::collections::BTreeMap<String, RollupCounts>,
                                 key: String| {
                        counts
                            .entry(key.clone())
                            .or_insert_with(|| RollupCounts {
                                key,
                                orders: group.splits_orders().then(OrderCounts::default),
                                ..RollupCounts::default()
                            })
                            .key
                            .clone()
                    };
                    let traffic = grouped(
                        &self.pool,
                        format!(
                            "SELECT {key}, {}, {}, {}, {}, {} FROM rollup_traffic t{filter}{group_by}",
                            sum("visits"),
                            sum("page_views"),
                            sum("searches"),
                            sum("add_to_carts"),
                            sum("checkouts")
                        ),
                        slice,
                    )
                    .await?;
                    for row in &traffic {
                        let key = entry(&mut counts, row.try_get(0).map_err(backend_error)?);
                        if let Some(c) = counts.get_mut(&key) {
                            c.visits = row.try_get(1).map_err(backend_error)?;
                            c.page_views = row.try_get(2).map_err(backend_error)?;
                            c.searches = row.try_get(3).map_err(backend_error)?;
                            c.add_to_carts = row.try_get(4).map_err(backend_error)?;
                            c.checkouts = row.try_get(5).map_err(backend_error)?;
                        }
                    }
                    let people = recency::people(&self.pool, slice, group).await?;
                    for (key, measure, n) in people.iter().flatten() {
                        let key = entry(&mut counts, key.clone());
                        if let Some(c) = counts.get_mut(&key) {
                            match measure.as_str() {
                                "visitor" => c.visitors = *n,
                                "carting" => c.carting_visitors = *n,
                                _ => {}
                            }
                            if let Some(o) = c.orders.as_mut() {
                                match measure.as_str() {
                                    "ordering" => o.ordering_buyers = *n,
                                    "paying" => o.paid_buyers = *n,
                                    _ => {}
                                }
                            }
                        }
                    }
                    // Traffic sources and devices do not split people's recency: a distinct scan.
                    let visitors = if people.is_some() { Vec::new() } else { grouped(
                        &self.pool,
                        format!(
                            "SELECT {key}, COUNT(DISTINCT t.visitor_id), \
                             COUNT(DISTINCT CASE WHEN t.carted = 1 THEN t.visitor_id END) \
                             FROM rollup_visitors t{filter}{group_by}"
                        ),
                        slice,
                    )
                    .await? };
                    for row in &visitors {
                        let key = entry(&mut counts, row.try_get(0).map_err(backend_error)?);
                        if let Some(c) = counts.get_mut(&key) {
                            c.visitors = row.try_get(1).map_err(backend_error)?;
                            c.carting_visitors = row.try_get(2).map_err(backend_error)?;
                        }
                    }
                    if group.splits_orders() {
                        let sales = grouped(
                            &self.pool,
                            format!(
                                "SELECT {key}, {}, {}, {}, {} FROM rollup_sales t{filter}{group_by}",
                                sum("orders_placed"),
                                sum("units_placed"),
                                sum("refunded_units"),
                                sum("paid_orders")
                            ),
                            slice,
                        )
                        .await?;
                        for row in &sales {
                            let key = entry(&mut counts, row.try_get(0).map_err(backend_error)?);
                            if let Some(o) = counts.get_mut(&key).and_then(|c| c.orders.as_mut())
                            {
                                o.orders_placed = row.try_get(1).map_err(backend_error)?;
                                o.units_placed = row.try_get(2).map_err(backend_error)?;
                                o.refunded_units = row.try_get(3).map_err(backend_error)?;
                                o.paid_orders = row.try_get(4).map_err(backend_error)?;
                            }
                        }
                        // Ordering and paid buyers come from the recency counts above:
                        // every grouping that splits orders has them.
                    }
                    // An ungrouped slice always has its one row, even when empty.
                    if group == RollupGroup::None {
                        entry(&mut counts, String::new());
                    }
                    Ok(counts.into_values().collect())
                }

                async fn rollup_money(
                    &self,
                    slice: &RollupSlice,
                    group: RollupGroup,
                ) -> StoreResult<Vec<RollupMoney>> {
                    if !group.splits_orders() {
                        return Ok(Vec::new());
                    }
                    let (key, _) = grouping(group);
                    let group_by = match group.column() {
                        Some(column) => format!(" GROUP BY t.{column}, t.day, t.currency"),
                        None => " GROUP BY t.day, t.currency".to_string(),
                    };
                    let rows = grouped(
                        &self.pool,
                        format!(
                            "SELECT {key}, t.day, t.currency, {}, {} FROM rollup_sales t{}{group_by} \
                             ORDER BY 1, 2, 3",
                            sum("paid_minor"),
                            sum("refund_minor"),
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

                async fn returning_buyers(
                    &self,
                    slice: &RollupSlice,
                    since: NaiveDate,
                ) -> StoreResult<i64> {
                    recency::returning(&self.pool, slice, since).await
                }

                async fn product_sums(
                    &self,
                    slice: &RollupSlice,
                ) -> StoreResult<Vec<ProductSums>> {
                    per_product::product_sums(&self.pool, slice).await
                }

                async fn product_days(
                    &self,
                    slice: &RollupSlice,
                ) -> StoreResult<Vec<ProductDay>> {
                    per_product::product_days(&self.pool, slice).await
                }

                async fn buyer_days(
                    &self,
                    slice: &RollupSlice,
                ) -> StoreResult<Vec<BuyerDay>> {
                    per_product::buyer_days(&self.pool, slice).await
                }

                async fn product_listings(
                    &self,
                    products: &[String],
                ) -> StoreResult<Vec<(String, String, String)>> {
                    industry::product_listings(&self.pool, products).await
                }

                async fn category_counts(
                    &self,
                    slice: &RollupSlice,
                ) -> StoreResult<Vec<CategoryCounts>> {
                    industry::category_counts(&self.pool, slice).await
                }

                async fn category_money(
                    &self,
                    slice: &RollupSlice,
                    by_seller: bool,
                ) -> StoreResult<Vec<RollupMoney>> {
                    industry::category_money(&self.pool, slice, by_seller).await
                }

                async fn keyword_counts(
                    &self,
                    slice: &RollupSlice,
                    limit: i64,
                ) -> StoreResult<Vec<KeywordCounts>> {
                    industry::keyword_counts(&self.pool, slice, limit).await
                }

                async fn keyword_markets(
                    &self,
                    slice: &RollupSlice,
                    keywords: &[String],
                ) -> StoreResult<Vec<(String, String, i64)>> {
                    industry::keyword_markets(&self.pool, slice, keywords).await
                }

                async fn category_supply(
                    &self,
                ) -> StoreResult<Vec<Supply>> {
                    industry::category_supply(&self.pool).await
                }

                async fn keyword_supply(
                    &self,
                    keyword: &str,
                ) -> StoreResult<Supply> {
                    industry::keyword_supply(&self.pool, keyword).await
                }

                async fn rollup_imported(
                    &self,
                    seller: &SellerId,
                    first: NaiveDate,
                    last: NaiveDate,
                ) -> StoreResult<Vec<ImportedSale>> {
                    facts::rollup_imported(&self.pool, seller, first, last).await
                }

                async fn imported_span(
                    &self,
                    seller: &SellerId,
                ) -> StoreResult<Option<(NaiveDate, NaiveDate)>> {
                    facts::imported_span(&self.pool, seller).await
                }
            }
        }
    };
}
