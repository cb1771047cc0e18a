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

            /// The orders placed, captured or refunded in `[$1, $2)` (or only placed).
            fn hit_orders(seller: Option<&SellerId>, placed_only: bool) -> String {
                if placed_only {
                    return format!(
                        "WITH hit AS (SELECT order_id FROM orders \
                         WHERE created_at >= $1 AND created_at < $2{}) ",
                        seller_filter(seller, "seller_id", 3)
                    );
                }
                format!(
                    "WITH hit AS (\
                     SELECT order_id FROM orders WHERE created_at >= $1 AND created_at < $2{} \
                     UNION SELECT o.order_id FROM payments p JOIN orders o \
                       ON o.payment_id = p.payment_id \
                       WHERE p.captured_at >= $1 AND p.captured_at < $2{} \
                     UNION SELECT order_id FROM refunds \
                       WHERE created_at >= $1 AND created_at < $2{}) ",
                    seller_filter(seller, "seller_id", 3),
                    seller_filter(seller, "o.seller_id", 3),
                    seller_filter(seller, "seller_id", 3),
                )
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

            async fn insert_rows(
                tx: &mut ::sqlx::Transaction<'_, Db>,
                scope: &str,
                rows: &DayRollups,
            ) -> StoreResult<()> {
                    macro_rules! insert {
                        ($table:literal, $columns:literal, $count:expr, $rows:expr, |$b:ident, $r:ident| $bind:expr) => {
                            for chunk in $rows.chunks((MAX_VARIABLES / $count).clamp(1, ROWS_PER_INSERT)) {
                                let mut query: QueryBuilder<Db> = QueryBuilder::new(concat!(
                                    "INSERT INTO ", $table, " (scope, day, week, month, ",
                                    $columns, ") "
                                ));
                                query.push_values(chunk, |mut $b, $r| {
                                    $b.push_bind(scope)
                                        .push_bind($r.day)
                                        .push_bind(week_of($r.day))
                                        .push_bind(month_of($r.day));
                                    $bind;
                                });
                                query
                                    .build()
                                    .execute(&mut **tx)
                                    .await
                                    .map_err(backend_error)?;
                            }
                        };
                    }
                    insert!(
                        "rollup_sales",
                        "market, currency, orders_placed, units_placed, refunded_units, \
                         paid_orders, paid_minor, refund_minor",
                        12,
                        rows.sales,
                        |b, r| {
                            b.push_bind(r.market.as_str())
                                .push_bind(r.currency.as_str())
                                .push_bind(r.orders_placed)
                                .push_bind(r.units_placed)
                                .push_bind(r.refunded_units)
                                .push_bind(r.paid_orders)
                                .push_bind(r.paid_minor)
                                .push_bind(r.refund_minor);
                        }
                    );
                    insert!(
                        "rollup_traffic",
                        "market, source, device, visits, page_views, searches, add_to_carts, \
                         checkouts",
                        12,
                        rows.traffic,
                        |b, r| {
                            b.push_bind(r.market.as_str())
                                .push_bind(r.source.as_str())
                                .push_bind(r.device.as_str())
                                .push_bind(r.visits)
                                .push_bind(r.page_views)
                                .push_bind(r.searches)
                                .push_bind(r.add_to_carts)
                                .push_bind(r.checkouts);
                        }
                    );
                    insert!(
                        "rollup_visitors",
                        "visitor_id, market, source, device, carted",
                        9,
                        rows.visitors,
                        |b, r| {
                            b.push_bind(r.visitor_id.as_str())
                                .push_bind(r.market.as_str())
                                .push_bind(r.source.as_str())
                                .push_bind(r.device.as_str())
                                .push_bind(i64::from(r.carted));
                        }
                    );
                    insert!(
                        "rollup_buyers",
                        "buyer_id, market, placed, paid, currency, paid_minor",
                        10,
                        rows.buyers,
                        |b, r| {
                            b.push_bind(r.buyer_id.as_str())
                                .push_bind(r.market.as_str())
                                .push_bind(r.placed)
                                .push_bind(r.paid)
                                .push_bind(r.currency.as_str())
                                .push_bind(r.paid_minor);
                        }
                    );
                    insert!(
                        "rollup_products",
                        "product_id, market, currency, page_views, add_to_carts, units_placed, \
                         refunded_units, paid_units, paid_minor, freight_minor",
                        14,
                        rows.products,
                        |b, r| {
                            b.push_bind(r.product_id.as_str())
                                .push_bind(r.market.as_str())
                                .push_bind(r.currency.as_str())
                                .push_bind(r.page_views)
                                .push_bind(r.add_to_carts)
                                .push_bind(r.units_placed)
                                .push_bind(r.refunded_units)
                                .push_bind(r.paid_units)
                                .push_bind(r.paid_minor)
                                .push_bind(r.freight_minor);
                        }
                    );
                    insert!(
                        "rollup_keywords",
                        "keyword, market, searches",
                        7,
                        rows.keywords,
                        |b, r| {
                            b.push_bind(r.keyword.as_str())
                                .push_bind(r.market.as_str())
                                .push_bind(r.searches);
                        }
                    );
                    insert!(
                        "rollup_categories",
                        "category, market, seller_id, currency, page_views, paid_orders, \
                         paid_units, paid_minor",
                        12,
                        rows.categories,
                        |b, r| {
                            b.push_bind(r.category.as_str())
                                .push_bind(r.market.as_str())
                                .push_bind(r.seller_id.as_str())
                                .push_bind(r.currency.as_str())
                                .push_bind(r.page_views)
                                .push_bind(r.paid_orders)
                                .push_bind(r.paid_units)
                                .push_bind(r.paid_minor);
                        }
                    );
                    insert!(
                        "rollup_category_visitors",
                        "category, market, visitor_id",
                        7,
                        rows.category_visitors,
                        |b, r| {
                            b.push_bind(r.category.as_str())
                                .push_bind(r.market.as_str())
                                .push_bind(r.visitor_id.as_str());
                        }
                    );
                    insert!(
                        "rollup_keyword_searchers",
                        "keyword, market, visitor_id, searches, clicked, purchased",
                        10,
                        rows.searchers,
                        |b, r| {
                            b.push_bind(r.keyword.as_str())
                                .push_bind(r.market.as_str())
                                .push_bind(r.visitor_id.as_str())
                                .push_bind(r.searches)
                                .push_bind(i64::from(r.clicked))
                                .push_bind(i64::from(r.purchased));
                        }
                    );
                Ok(())
            }

            #[async_trait]
            impl AnalyticsStore for $store {
                async fn analytics_watermark(
                    &self,
                    stream: &str,
                ) -> StoreResult<Option<DateTime<Utc>>> {
                    ::sqlx::query_scalar("SELECT at FROM analytics_watermarks WHERE stream = $1")
                        .bind(stream)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend_error)
                }

                async fn claim_rollup_lease(
                    &self,
                    holder: &str,
                    now: DateTime<Utc>,
                    until: DateTime<Utc>,
                ) -> StoreResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend_error)?;
                    ::sqlx::query(
                        "DELETE FROM analytics_leases WHERE name = 'rollups' AND expires_at < $1",
                    )
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                    let claimed = ::sqlx::query(
                        "INSERT INTO analytics_leases (name, holder, expires_at) \
                         VALUES ('rollups', $1, $2) ON CONFLICT (name) DO UPDATE \
                         SET expires_at = excluded.expires_at \
                         WHERE analytics_leases.holder = excluded.holder",
                    )
                    .bind(holder)
                    .bind(until)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?
                    .rows_affected();
                    tx.commit().await.map_err(backend_error)?;
                    Ok(claimed == 1)
                }

                async fn release_rollup_lease(&self, holder: &str) -> StoreResult<()> {
                    ::sqlx::query(
                        "DELETE FROM analytics_leases WHERE name = 'rollups' AND holder = $1",
                    )
                    .bind(holder)
                    .execute(&self.pool)
                    .await
                    .map_err(backend_error)?;
                    Ok(())
                }

                async fn changed_orders(
                    &self,
                    since: DateTime<Utc>,
                ) -> StoreResult<Vec<ChangedOrder>> {
                    let rows = ::sqlx::query(
                        "SELECT o.seller_id, o.created_at, p.captured_at, o.updated_at \
                         FROM orders o JOIN payments p ON p.payment_id = o.payment_id \
                         WHERE o.updated_at > $1",
                    )
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_error)?;
                    rows.iter()
                        .map(|row| {
                            Ok(ChangedOrder {
                                seller_id: row.try_get(0).map_err(backend_error)?,
                                placed_at: row.try_get(1).map_err(backend_error)?,
                                paid_at: row.try_get(2).map_err(backend_error)?,
                                updated_at: row.try_get(3).map_err(backend_error)?,
                            })
                        })
                        .collect()
                }

                async fn changed_events(
                    &self,
                    since: DateTime<Utc>,
                ) -> StoreResult<Vec<ChangedEvent>> {
                    let rows = ::sqlx::query(
                        "SELECT seller_id, at, received_at FROM storefront_events \
                         WHERE received_at > $1",
                    )
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_error)?;
                    rows.iter()
                        .map(|row| {
                            Ok(ChangedEvent {
                                seller_id: row.try_get(0).map_err(backend_error)?,
                                at: row.try_get(1).map_err(backend_error)?,
                                received_at: row.try_get(2).map_err(backend_error)?,
                            })
                        })
                        .collect()
                }

                async fn stream_heads(
                    &self,
                ) -> StoreResult<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
                    let orders: Option<DateTime<Utc>> =
                        ::sqlx::query_scalar("SELECT MAX(updated_at) FROM orders")
                            .fetch_one(&self.pool)
                            .await
                            .map_err(backend_error)?;
                    let events: Option<DateTime<Utc>> =
                        ::sqlx::query_scalar("SELECT MAX(received_at) FROM storefront_events")
                            .fetch_one(&self.pool)
                            .await
                            .map_err(backend_error)?;
                    Ok((orders, events))
                }

                async fn fact_span(
                    &self,
                    seller: Option<&SellerId>,
                ) -> StoreResult<Option<FactSpan>> {
                    let filter = |column: &str, keyword: &str| match seller {
                        Some(_) => format!(" {keyword} {column} = $1"),
                        None => String::new(),
                    };
                    let spans = [
                        format!(
                            "SELECT MIN(created_at), MAX(updated_at) FROM orders{}",
                            filter("seller_id", "WHERE")
                        ),
                        format!(
                            "SELECT MIN(at), MAX(at) FROM storefront_events{}",
                            filter("seller_id", "WHERE")
                        ),
                    ];
                    let mut span: Option<FactSpan> = None;
                    for sql in spans {
                        let mut query = ::sqlx::query(AssertSqlSafe(sql));
                        if let Some(seller) = seller {
                            query = query.bind(seller.as_str());
                        }
                        let row = query.fetch_one(&self.pool).await.map_err(backend_error)?;
                        let first: Option<DateTime<Utc>> = row.try_get(0).map_err(backend_error)?;
                        let last: Option<DateTime<Utc>> = row.try_get(1).map_err(backend_error)?;
                        if let (Some(first), Some(last)) = (first, last) {
                            span = Some(match span {
                                Some(s) => FactSpan {
                                    first: s.first.min(first),
                                    last: s.last.max(last),
                                },
                                None => FactSpan { first, last },
                            });
                        }
                    }
                    Ok(span)
                }

                async fn rollup_orders(
                    &self,
                    seller: Option<&SellerId>,
                    from: DateTime<Utc>,
                    to: DateTime<Utc>,
                    placed_only: bool,
                ) -> StoreResult<Vec<RollupOrder>> {
                    let lines_sql = format!(
                        "{}SELECT o.order_id, o.seller_id, o.buyer_id, o.destination, o.status, \
                         o.created_at, p.captured_at, o.total_minor, o.seller_currency, \
                         o.seller_total_minor, l.product_id, l.quantity, l.line_total_minor, \
                         o.goods_minor, o.shipping_minor \
                         FROM hit JOIN orders o ON o.order_id = hit.order_id \
                         JOIN payments p ON p.payment_id = o.payment_id \
                         JOIN order_lines l ON l.seller_id = o.seller_id \
                           AND l.order_id = o.order_id \
                         ORDER BY o.order_id, l.line_no",
                        hit_orders(seller, placed_only)
                    );
                    let mut query = ::sqlx::query(AssertSqlSafe(lines_sql)).bind(from).bind(to);
                    if let Some(seller) = seller {
                        query = query.bind(seller.as_str());
                    }
                    let rows = query.fetch_all(&self.pool).await.map_err(backend_error)?;
                    let mut orders: Vec<RollupOrder> = Vec::new();
                    for row in &rows {
                        let order_id: String = row.try_get(0).map_err(backend_error)?;
                        let line = RollupLine {
                            product_id: row.try_get(10).map_err(backend_error)?,
                            units: row.try_get(11).map_err(backend_error)?,
                            line_total_minor: row.try_get(12).map_err(backend_error)?,
                        };
                        if let Some(order) = orders.last_mut().filter(|o| o.order_id == order_id)
                        {
                            order.lines.push(line);
                            continue;
                        }
                        let status: String = row.try_get(4).map_err(backend_error)?;
                        let currency: String = row.try_get(8).map_err(backend_error)?;
                        let currency = CurrencyCode::parse(&currency).map_err(corrupt)?;
                        orders.push(RollupOrder {
                            order_id,
                            seller_id: row.try_get(1).map_err(backend_error)?,
                            buyer_id: row.try_get(2).map_err(backend_error)?,
                            market: row.try_get(3).map_err(backend_error)?,
                            placed_at: row.try_get(5).map_err(backend_error)?,
                            paid_at: row.try_get(6).map_err(backend_error)?,
                            total_minor: row.try_get(7).map_err(backend_error)?,
                            seller_total: Money::from_minor(
                                row.try_get(9).map_err(backend_error)?,
                                currency,
                            ),
                            goods_minor: row.try_get(13).map_err(backend_error)?,
                            shipping_minor: row.try_get(14).map_err(backend_error)?,
                            refunds: Vec::new(),
                            given_back: matches!(status.as_str(), "refunded" | "returned"),
                            lines: vec![line],
                        });
                    }
                    let refunds_sql = format!(
                        "{}SELECT r.order_id, r.created_at, r.amount_minor FROM hit \
                         JOIN refunds r ON r.order_id = hit.order_id \
                         ORDER BY r.order_id, r.created_at",
                        hit_orders(seller, placed_only)
                    );
                    let mut query =
                        ::sqlx::query(AssertSqlSafe(refunds_sql)).bind(from).bind(to);
                    if let Some(seller) = seller {
                        query = query.bind(seller.as_str());
                    }
                    let refunds = query.fetch_all(&self.pool).await.map_err(backend_error)?;
                    let index: ::std::collections::HashMap<String, usize> = orders
                        .iter()
                        .enumerate()
                        .map(|(i, o)| (o.order_id.clone(), i))
                        .collect();
                    for row in &refunds {
                        let order_id: String = row.try_get(0).map_err(backend_error)?;
                        if let Some(&i) = index.get(&order_id) {
                            orders[i].refunds.push((
                                row.try_get(1).map_err(backend_error)?,
                                row.try_get(2).map_err(backend_error)?,
                            ));
                        }
                    }
                    Ok(orders)
                }

                async fn rollup_events(
                    &self,
                    seller: Option<&SellerId>,
                    from: DateTime<Utc>,
                    to: DateTime<Utc>,
                ) -> StoreResult<Vec<RollupEvent>> {
                    let sql = format!(
                        "SELECT seller_id, visitor_id, kind, product_id, keyword, market, source, \
                         device, at, session_id FROM storefront_events \
                         WHERE at >= $1 AND at < $2{}",
                        seller_filter(seller, "seller_id", 3)
                    );
                    let mut query = ::sqlx::query(AssertSqlSafe(sql)).bind(from).bind(to);
                    if let Some(seller) = seller {
                        query = query.bind(seller.as_str());
                    }
                    let rows = query.fetch_all(&self.pool).await.map_err(backend_error)?;
                    rows.iter()
                        .map(|row| {
                            let kind: String = row.try_get(2).map_err(backend_error)?;
                            Ok(RollupEvent {
                                seller_id: row.try_get(0).map_err(backend_error)?,
                                visitor_id: row.try_get(1).map_err(backend_error)?,
                                kind: EventKind::parse(&kind)
                                    .ok_or_else(|| corrupt(format!("event kind {kind}")))?,
                                product_id: row.try_get(3).map_err(backend_error)?,
                                keyword: row.try_get(4).map_err(backend_error)?,
                                market: row.try_get(5).map_err(backend_error)?,
                                source: row.try_get(6).map_err(backend_error)?,
                                device: row.try_get(7).map_err(backend_error)?,
                                at: row.try_get(8).map_err(backend_error)?,
                                session_id: row.try_get(9).map_err(backend_error)?,
                            })
                        })
                        .collect()
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
                    insert_rows(&mut tx, scope, rows).await?;
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
                        insert_rows(&mut tx, scope, rows).await?;
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

                async fn product_sums(&self, slice: &RollupSlice) -> StoreResult<Vec<ProductSums>> {
                    let rows = grouped(
                        &self.pool,
                        format!(
                            "SELECT t.product_id, MAX(t.currency), {}, {}, {}, {}, {}, {}, {} \
                             FROM rollup_products t{} GROUP BY t.product_id ORDER BY t.product_id",
                            sum("page_views"),
                            sum("add_to_carts"),
                            sum("units_placed"),
                            sum("refunded_units"),
                            sum("paid_units"),
                            sum("paid_minor"),
                            sum("freight_minor"),
                            slice_filter(slice)
                        ),
                        slice,
                    )
                    .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(ProductSums {
                                product_id: row.try_get(0).map_err(backend_error)?,
                                currency: row.try_get(1).map_err(backend_error)?,
                                page_views: row.try_get(2).map_err(backend_error)?,
                                add_to_carts: row.try_get(3).map_err(backend_error)?,
                                units_placed: row.try_get(4).map_err(backend_error)?,
                                refunded_units: row.try_get(5).map_err(backend_error)?,
                                paid_units: row.try_get(6).map_err(backend_error)?,
                                paid_minor: row.try_get(7).map_err(backend_error)?,
                                freight_minor: row.try_get(8).map_err(backend_error)?,
                            })
                        })
                        .collect()
                }

                async fn product_days(&self, slice: &RollupSlice) -> StoreResult<Vec<ProductDay>> {
                    let rows = grouped(
                        &self.pool,
                        format!(
                            "SELECT t.product_id, t.day, {}, {} FROM rollup_products t{} \
                             GROUP BY t.product_id, t.day ORDER BY t.product_id, t.day",
                            sum("paid_units"),
                            sum("units_placed"),
                            slice_filter(slice)
                        ),
                        slice,
                    )
                    .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(ProductDay {
                                product_id: row.try_get(0).map_err(backend_error)?,
                                day: row.try_get(1).map_err(backend_error)?,
                                paid_units: row.try_get(2).map_err(backend_error)?,
                                units_placed: row.try_get(3).map_err(backend_error)?,
                            })
                        })
                        .collect()
                }

                async fn buyer_days(&self, slice: &RollupSlice) -> StoreResult<Vec<BuyerDay>> {
                    let rows = grouped(
                        &self.pool,
                        format!(
                            "SELECT t.buyer_id, t.day, t.currency, {}, {} FROM rollup_buyers t{} \
                             AND t.paid > 0 GROUP BY t.buyer_id, t.day, t.currency \
                             ORDER BY t.buyer_id, t.day",
                            sum("paid"),
                            sum("paid_minor"),
                            slice_filter(slice)
                        ),
                        slice,
                    )
                    .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(BuyerDay {
                                buyer_id: row.try_get(0).map_err(backend_error)?,
                                day: row.try_get(1).map_err(backend_error)?,
                                currency: row.try_get(2).map_err(backend_error)?,
                                paid_orders: row.try_get(3).map_err(backend_error)?,
                                paid_minor: row.try_get(4).map_err(backend_error)?,
                            })
                        })
                        .collect()
                }

                async fn product_listings(
                    &self,
                    products: &[String],
                ) -> StoreResult<Vec<(String, String, String)>> {
                    let mut listings = Vec::new();
                    for chunk in products.chunks(MAX_VARIABLES.min(10_000)) {
                        let mut query: QueryBuilder<Db> = QueryBuilder::new(
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

                async fn category_counts(
                    &self,
                    slice: &RollupSlice,
                ) -> StoreResult<Vec<CategoryCounts>> {
                    let filter = slice_filter(slice);
                    let rows = grouped(
                        &self.pool,
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
                    let mut counts: ::std::collections::BTreeMap<String, CategoryCounts> =
                        ::std::collections::BTreeMap::new();
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
                    let visitors = grouped(
                        &self.pool,
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

                async fn category_money(
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
                    let rows = grouped(
                        &self.pool,
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

                async fn keyword_counts(
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
                    let rows = bind_slice(::sqlx::query(AssertSqlSafe(sql)), slice)
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

                async fn keyword_markets(
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
                        let rows = bind_slice(::sqlx::query(AssertSqlSafe(sql)), slice)
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

                async fn category_supply(&self) -> StoreResult<Vec<Supply>> {
                    let rows = ::sqlx::query(
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

                async fn keyword_supply(&self, keyword: &str) -> StoreResult<Supply> {
                    let escaped = keyword.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                    let row = ::sqlx::query(
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

                async fn rollup_imported(
                    &self,
                    seller: &SellerId,
                    first: NaiveDate,
                    last: NaiveDate,
                ) -> StoreResult<Vec<ImportedSale>> {
                    let rows = ::sqlx::query(
                        "SELECT buyer_reference, buyer_country, ordered_on, currency, \
                         amount_minor, quantity FROM imported_orders \
                         WHERE seller_id = $1 AND ordered_on >= $2 AND ordered_on <= $3",
                    )
                    .bind(seller.as_str())
                    .bind(first)
                    .bind(last)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_error)?;
                    rows.iter()
                        .map(|row| {
                            Ok(ImportedSale {
                                buyer_reference: row.try_get(0).map_err(backend_error)?,
                                market: row.try_get(1).map_err(backend_error)?,
                                ordered_on: row.try_get(2).map_err(backend_error)?,
                                currency: row.try_get(3).map_err(backend_error)?,
                                amount_minor: row.try_get(4).map_err(backend_error)?,
                                units: row.try_get(5).map_err(backend_error)?,
                            })
                        })
                        .collect()
                }

                async fn imported_span(
                    &self,
                    seller: &SellerId,
                ) -> StoreResult<Option<(NaiveDate, NaiveDate)>> {
                    let row = ::sqlx::query(
                        "SELECT MIN(ordered_on), MAX(ordered_on) FROM imported_orders \
                         WHERE seller_id = $1",
                    )
                    .bind(seller.as_str())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend_error)?;
                    let first: Option<NaiveDate> = row.try_get(0).map_err(backend_error)?;
                    let last: Option<NaiveDate> = row.try_get(1).map_err(backend_error)?;
                    Ok(first.zip(last))
                }
            }
        }
    };
}
