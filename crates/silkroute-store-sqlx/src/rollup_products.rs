//! The product table's and customer analysis's reads, for both sqlx backends: a period's sums
//! per product, each product's paid units per day, and each buyer's paid days.

/// Expands to `mod per_product` inside `analytics_store!`'s module (needs its `Db` and helpers).
#[macro_export]
macro_rules! rollup_product_statements {
    () => {
        mod per_product {
            use ::silkroute_store::{BuyerDay, ProductDay, ProductSums, RollupSlice, StoreResult};
            use ::sqlx::{AssertSqlSafe, Row};
            use $crate::backend_error;

            use super::{Db, bind_slice, grouped, slice_filter, sum};

            pub async fn product_sums(
                pool: &::sqlx::Pool<Db>,
                slice: &RollupSlice,
            ) -> StoreResult<Vec<ProductSums>> {
                let rows = grouped(
                    pool,
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

            pub async fn product_days(
                pool: &::sqlx::Pool<Db>,
                slice: &RollupSlice,
            ) -> StoreResult<Vec<ProductDay>> {
                let rows = grouped(
                    pool,
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

            pub async fn buyer_days(
                pool: &::sqlx::Pool<Db>,
                slice: &RollupSlice,
            ) -> StoreResult<Vec<BuyerDay>> {
                let rows = grouped(
                    pool,
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
        }
    };
}
