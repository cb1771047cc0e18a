//! Writing a scope's rollup rows, table by table, in multi-row INSERTs: every table leads with the
//! scope and the local day with its week and month, then its own columns.

use chrono::{DateTime, NaiveDate, Utc};
use silkroute_analytics::rollup::{DayRollups, month_of, week_of};
use silkroute_store::StoreResult;
use sqlx::query_builder::Separated;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

use crate::bulk_insert::MultiRowInsert;
use crate::{Backend, BackendConnection, SqlxStore};

/// Rows per INSERT: enough to amortise a statement, few enough that its bound values stay below
/// the allocator's mmap threshold (a fresh mapping per statement and its page faults cost more
/// than the statements saved).
const ROWS_PER_INSERT: usize = 400;

/// The INSERT into a rollup table; `columns` counts the four leading day columns.
fn rollup_insert(head: &str, columns: usize) -> MultiRowInsert<'_> {
    MultiRowInsert {
        head,
        columns,
        max_rows: ROWS_PER_INSERT,
        tail: "",
    }
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
    /// Inserts every row of `rows` under `scope`, inside the caller's transaction.
    pub(crate) async fn insert_day_rollups(
        tx: &mut BackendConnection<B>,
        scope: &str,
        rows: &DayRollups,
    ) -> StoreResult<()> {
        let sales = rollup_insert(
            "INSERT INTO rollup_sales (scope, day, week, month, market, currency, orders_placed, \
             units_placed, refunded_units, paid_orders, paid_minor, refund_minor) ",
            12,
        );
        Self::insert_rows_in_chunks(tx, &sales, &rows.sales, |mut b, r| {
            Self::push_day(&mut b, scope, r.day);
            b.push_bind(r.market.as_str())
                .push_bind(r.currency.as_str())
                .push_bind(r.orders_placed)
                .push_bind(r.units_placed)
                .push_bind(r.refunded_units)
                .push_bind(r.paid_orders)
                .push_bind(r.paid_minor)
                .push_bind(r.refund_minor);
        })
        .await?;
        let traffic = rollup_insert(
            "INSERT INTO rollup_traffic (scope, day, week, month, market, source, device, visits, \
             page_views, searches, add_to_carts, checkouts) ",
            12,
        );
        Self::insert_rows_in_chunks(tx, &traffic, &rows.traffic, |mut b, r| {
            Self::push_day(&mut b, scope, r.day);
            b.push_bind(r.market.as_str())
                .push_bind(r.source.as_str())
                .push_bind(r.device.as_str())
                .push_bind(r.visits)
                .push_bind(r.page_views)
                .push_bind(r.searches)
                .push_bind(r.add_to_carts)
                .push_bind(r.checkouts);
        })
        .await?;
        let visitors = rollup_insert(
            "INSERT INTO rollup_visitors (scope, day, week, month, visitor_id, market, source, \
             device, carted) ",
            9,
        );
        Self::insert_rows_in_chunks(tx, &visitors, &rows.visitors, |mut b, r| {
            Self::push_day(&mut b, scope, r.day);
            b.push_bind(r.visitor_id.as_str())
                .push_bind(r.market.as_str())
                .push_bind(r.source.as_str())
                .push_bind(r.device.as_str())
                .push_bind(i64::from(r.carted));
        })
        .await?;
        let buyers = rollup_insert(
            "INSERT INTO rollup_buyers (scope, day, week, month, buyer_id, market, placed, paid, \
             currency, paid_minor) ",
            10,
        );
        Self::insert_rows_in_chunks(tx, &buyers, &rows.buyers, |mut b, r| {
            Self::push_day(&mut b, scope, r.day);
            b.push_bind(r.buyer_id.as_str())
                .push_bind(r.market.as_str())
                .push_bind(r.placed)
                .push_bind(r.paid)
                .push_bind(r.currency.as_str())
                .push_bind(r.paid_minor);
        })
        .await?;
        let products = rollup_insert(
            "INSERT INTO rollup_products (scope, day, week, month, product_id, market, currency, \
             page_views, add_to_carts, units_placed, refunded_units, paid_units, paid_minor, \
             freight_minor) ",
            14,
        );
        Self::insert_rows_in_chunks(tx, &products, &rows.products, |mut b, r| {
            Self::push_day(&mut b, scope, r.day);
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
        })
        .await?;
        let keywords = rollup_insert(
            "INSERT INTO rollup_keywords (scope, day, week, month, keyword, market, searches) ",
            7,
        );
        Self::insert_rows_in_chunks(tx, &keywords, &rows.keywords, |mut b, r| {
            Self::push_day(&mut b, scope, r.day);
            b.push_bind(r.keyword.as_str())
                .push_bind(r.market.as_str())
                .push_bind(r.searches);
        })
        .await?;
        let categories = rollup_insert(
            "INSERT INTO rollup_categories (scope, day, week, month, category, market, seller_id, \
             currency, page_views, paid_orders, paid_units, paid_minor) ",
            12,
        );
        Self::insert_rows_in_chunks(tx, &categories, &rows.categories, |mut b, r| {
            Self::push_day(&mut b, scope, r.day);
            b.push_bind(r.category.as_str())
                .push_bind(r.market.as_str())
                .push_bind(r.seller_id.as_str())
                .push_bind(r.currency.as_str())
                .push_bind(r.page_views)
                .push_bind(r.paid_orders)
                .push_bind(r.paid_units)
                .push_bind(r.paid_minor);
        })
        .await?;
        let category_visitors = rollup_insert(
            "INSERT INTO rollup_category_visitors (scope, day, week, month, category, market, \
             visitor_id) ",
            7,
        );
        Self::insert_rows_in_chunks(
            tx,
            &category_visitors,
            &rows.category_visitors,
            |mut b, r| {
                Self::push_day(&mut b, scope, r.day);
                b.push_bind(r.category.as_str())
                    .push_bind(r.market.as_str())
                    .push_bind(r.visitor_id.as_str());
            },
        )
        .await?;
        let searchers = rollup_insert(
            "INSERT INTO rollup_keyword_searchers (scope, day, week, month, keyword, market, \
             visitor_id, searches, clicked, purchased) ",
            10,
        );
        Self::insert_rows_in_chunks(tx, &searchers, &rows.searchers, |mut b, r| {
            Self::push_day(&mut b, scope, r.day);
            b.push_bind(r.keyword.as_str())
                .push_bind(r.market.as_str())
                .push_bind(r.visitor_id.as_str())
                .push_bind(r.searches)
                .push_bind(i64::from(r.clicked))
                .push_bind(i64::from(r.purchased));
        })
        .await?;
        Ok(())
    }

    /// The four columns every rollup row leads with.
    fn push_day(row: &mut Separated<'_, B::Db, &'static str>, scope: &str, day: NaiveDate) {
        row.push_bind(scope)
            .push_bind(day)
            .push_bind(week_of(day))
            .push_bind(month_of(day));
    }
}
