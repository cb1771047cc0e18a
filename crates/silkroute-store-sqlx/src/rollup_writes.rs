//! Writing a scope's rollup rows, table by table, in chunks of rows per INSERT, for both sqlx
//! backends.

/// Expands to `mod writes` inside `analytics_store!`'s module (needs its `Db` and helpers).
#[macro_export]
macro_rules! rollup_write_statements {
    () => {
        mod writes {
            use ::silkroute_analytics::rollup::{DayRollups, month_of, week_of};
            use ::silkroute_store::StoreResult;
            use ::sqlx::QueryBuilder;
            use $crate::backend_error;

            use super::{Db, MAX_VARIABLES, ROWS_PER_INSERT};

            pub async fn insert_rows(
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
        }
    };
}
