//! Loading the facts rollups are built from: a window's orders with their lines and refunds, its
//! storefront events, a seller's imported order history, and the span of instants a scope has
//! facts for.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use silkroute_analytics::rollup::{ImportedSale, RollupEvent, RollupLine, RollupOrder};
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::SellerId;
use silkroute_domain::money::Money;
use silkroute_domain::storefront::EventKind;
use silkroute_store::{FactSpan, StoreResult};
use sqlx::{
    AssertSqlSafe, ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type,
};

use crate::rollup_reads::{corrupt, seller_filter};
use crate::{Backend, SqlxStore, backend_error};

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
    pub(crate) async fn load_orders(
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
        let mut query = sqlx::query(AssertSqlSafe(lines_sql)).bind(from).bind(to);
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
            if let Some(order) = orders.last_mut().filter(|o| o.order_id == order_id) {
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
                seller_total: Money::from_minor(row.try_get(9).map_err(backend_error)?, currency),
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
        let mut query = sqlx::query(AssertSqlSafe(refunds_sql)).bind(from).bind(to);
        if let Some(seller) = seller {
            query = query.bind(seller.as_str());
        }
        let refunds = query.fetch_all(&self.pool).await.map_err(backend_error)?;
        let index: HashMap<String, usize> = orders
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

    pub(crate) async fn load_events(
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
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(from).bind(to);
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

    pub(crate) async fn load_imported(
        &self,
        seller: &SellerId,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<Vec<ImportedSale>> {
        let rows = sqlx::query(
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

    pub(crate) async fn imported_days(
        &self,
        seller: &SellerId,
    ) -> StoreResult<Option<(NaiveDate, NaiveDate)>> {
        let row = sqlx::query(
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

    pub(crate) async fn count_window_facts(
        &self,
        seller: Option<&SellerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let filter = seller_filter(seller, "seller_id", 3);
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM orders \
               WHERE created_at >= $1 AND created_at < $2{filter}) \
             + (SELECT COUNT(*) FROM storefront_events \
               WHERE at >= $1 AND at < $2{filter})"
        );
        let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql))
            .bind(from)
            .bind(to);
        if let Some(seller) = seller {
            query = query.bind(seller.as_str());
        }
        let count = query.fetch_one(&self.pool).await.map_err(backend_error)?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    pub(crate) async fn span_of_facts(
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
            let mut query = sqlx::query(AssertSqlSafe(sql));
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
}
