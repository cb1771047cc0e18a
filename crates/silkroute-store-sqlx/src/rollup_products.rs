//! The product table's and customer analysis's reads: a period's sums per product, each
//! product's paid units per day, and each buyer's paid days.

use chrono::{DateTime, NaiveDate, Utc};
use silkroute_store::{BuyerDay, ProductDay, ProductSums, RollupSlice, StoreResult};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

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
    pub(crate) async fn sum_products(&self, slice: &RollupSlice) -> StoreResult<Vec<ProductSums>> {
        let rows = self
            .grouped(
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

    pub(crate) async fn days_per_product(
        &self,
        slice: &RollupSlice,
    ) -> StoreResult<Vec<ProductDay>> {
        let rows = self
            .grouped(
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

    pub(crate) async fn paid_days_per_buyer(
        &self,
        slice: &RollupSlice,
    ) -> StoreResult<Vec<BuyerDay>> {
        let rows = self
            .grouped(
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
