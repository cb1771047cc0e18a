//! The grouped sums dashboards read from the rollups — counts and money per group of a slice —
//! and the slice filter every rollup read shares.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::ids::SellerId;
use silkroute_store::{
    OrderCounts, RollupCounts, RollupGroup, RollupMoney, RollupSlice, StoreError, StoreResult,
};
use sqlx::query::Query;
use sqlx::{
    AssertSqlSafe, ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type,
};

use crate::{Backend, SqlxStore, backend_error};

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// ` AND <column> = $n` when a seller narrows the query.
pub(crate) fn seller_filter(seller: Option<&SellerId>, column: &str, n: usize) -> String {
    match seller {
        Some(_) => format!(" AND {column} = ${n}"),
        None => String::new(),
    }
}

/// `WHERE` for a slice on table alias `t`, binding from `$1`.
pub(crate) fn slice_filter(slice: &RollupSlice) -> String {
    let mut filter = String::from(" WHERE t.scope = $1 AND t.day >= $2 AND t.day <= $3");
    if slice.market.is_some() {
        filter.push_str(" AND t.market = $4");
    }
    filter
}

/// The group key's select expression and `GROUP BY` clause.
pub(crate) fn grouping(group: RollupGroup) -> (String, String) {
    match group.column() {
        Some(column) => (
            format!("CAST(t.{column} AS TEXT)"),
            format!(" GROUP BY t.{column}"),
        ),
        None => ("CAST('' AS TEXT)".to_string(), String::new()),
    }
}

pub(crate) fn sum(column: &str) -> String {
    format!("CAST(COALESCE(SUM(t.{column}), 0) AS BIGINT)")
}

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
    pub(crate) fn bind_slice<'q>(
        query: Query<'q, B::Db, <B::Db as Database>::Arguments>,
        slice: &'q RollupSlice,
    ) -> Query<'q, B::Db, <B::Db as Database>::Arguments> {
        let query = query
            .bind(slice.scope.as_str())
            .bind(slice.first)
            .bind(slice.last);
        match &slice.market {
            Some(market) => query.bind(market.as_str()),
            None => query,
        }
    }

    pub(crate) async fn grouped(
        &self,
        sql: String,
        slice: &RollupSlice,
    ) -> StoreResult<Vec<<B::Db as Database>::Row>> {
        Self::bind_slice(sqlx::query(AssertSqlSafe(sql)), slice)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)
    }

    pub(crate) async fn sum_rollup_counts(
        &self,
        slice: &RollupSlice,
        group: RollupGroup,
    ) -> StoreResult<Vec<RollupCounts>> {
        let (key, group_by) = grouping(group);
        let filter = slice_filter(slice);
        let mut counts: BTreeMap<String, RollupCounts> = BTreeMap::new();
        let entry = |counts: &mut BTreeMap<String, RollupCounts>, key: String| {
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
        let traffic = self
            .grouped(
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
        let people = self.distinct_people(slice, group).await?;
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
        let visitors = if people.is_some() {
            Vec::new()
        } else {
            self.grouped(
                format!(
                    "SELECT {key}, COUNT(DISTINCT t.visitor_id), \
                     COUNT(DISTINCT CASE WHEN t.carted = 1 THEN t.visitor_id END) \
                     FROM rollup_visitors t{filter}{group_by}"
                ),
                slice,
            )
            .await?
        };
        for row in &visitors {
            let key = entry(&mut counts, row.try_get(0).map_err(backend_error)?);
            if let Some(c) = counts.get_mut(&key) {
                c.visitors = row.try_get(1).map_err(backend_error)?;
                c.carting_visitors = row.try_get(2).map_err(backend_error)?;
            }
        }
        if group.splits_orders() {
            let sales = self
                .grouped(
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
                if let Some(o) = counts.get_mut(&key).and_then(|c| c.orders.as_mut()) {
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

    pub(crate) async fn sum_rollup_money(
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
        let rows = self
            .grouped(
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
}
