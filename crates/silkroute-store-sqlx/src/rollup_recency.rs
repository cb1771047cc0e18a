//! Distinct visitors and buyers over any period from day rows: the `rollup_recency` table (see
//! its migration) counts each person's active days by the previous day they were active, so a
//! period's distinct people are a sum over its days instead of a distinct scan of every
//! visitor-day in it. Kept exact under replaced days: a refresh takes the touched people's old
//! contributions off before it replaces their days, and puts their new ones on after.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use silkroute_analytics::rollup::DayRollups;
use silkroute_store::{RollupGroup, RollupSlice, StoreResult};
use sqlx::{
    AssertSqlSafe, ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type,
};

use crate::bulk_insert::MultiRowInsert;
use crate::{Backend, BackendConnection, SqlxStore, backend_error};

/// A person's "previous active day" when there is none: before any real day.
fn never() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// One distinct count: its name, the rollup it reads, the person column, which
/// kind of person it is (for `rollup_touched`), when a row counts as active, and
/// whether the rollup has the traffic source and device to count people by.
struct Measure {
    name: &'static str,
    table: &'static str,
    person: &'static str,
    kind: &'static str,
    active: &'static str,
    traffic: bool,
}

/// What a count is split by, kept in the `market` column: all markets (`'*'`), the
/// market, or — for visitors, under the measure name with `@source`/`@device` — the
/// traffic source or the device, whose breakdowns otherwise need a distinct scan
/// of every visitor-day in the period.
#[derive(Clone, Copy)]
enum Split {
    All,
    Market,
    Source,
    Device,
}

impl Split {
    fn column(self) -> &'static str {
        match self {
            Split::All => "'*'",
            Split::Market => "r.market",
            Split::Source => "r.source",
            Split::Device => "r.device",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Split::All | Split::Market => "",
            Split::Source => "@source",
            Split::Device => "@device",
        }
    }

    fn of(measure: &Measure) -> &'static [Split] {
        if measure.traffic {
            &[Split::All, Split::Market, Split::Source, Split::Device]
        } else {
            &[Split::All, Split::Market]
        }
    }
}

const MEASURES: [Measure; 4] = [
    Measure {
        name: "visitor",
        table: "rollup_visitors",
        person: "visitor_id",
        kind: "visitor",
        active: "1 = 1",
        traffic: true,
    },
    Measure {
        name: "carting",
        table: "rollup_visitors",
        person: "visitor_id",
        kind: "visitor",
        active: "r.carted = 1",
        traffic: true,
    },
    Measure {
        name: "ordering",
        table: "rollup_buyers",
        person: "buyer_id",
        kind: "buyer",
        active: "r.placed > 0",
        traffic: false,
    },
    Measure {
        name: "paying",
        table: "rollup_buyers",
        person: "buyer_id",
        kind: "buyer",
        active: "r.paid > 0",
        traffic: false,
    },
];

/// The measure names a dashboard reads, as an SQL list.
const MEASURE_LIST: &str = "('visitor', 'carting', 'ordering', 'paying')";

/// `(day, previous)` counts of a scope's active days, times `$3`: binds `$1` scope,
/// `$2` [`never`], `$3` the sign, and for `touched`, `$4`/`$5` the replaced days —
/// then only the touched people's days from `$4` on that a replacement can change:
/// those in `[$4, $5]` and each one's first after `$5`.
fn contributions(measure: &Measure, split: Split, touched: bool) -> String {
    let market = split.column();
    let (join, range) = if touched {
        (
            format!(
                " JOIN rollup_touched k ON k.kind = '{}' AND k.id = r.{}",
                measure.kind, measure.person
            ),
            "x.day >= $4 AND (x.day <= $5 OR x.previous <= $5)",
        )
    } else {
        (String::new(), "1 = 1")
    };
    format!(
        "SELECT $1, '{name}{suffix}', x.market, x.day, x.week, x.month, x.previous, \
         CAST(COUNT(*) AS BIGINT) * $3 FROM (\
           SELECT a.market, a.day, a.week, a.month, COALESCE(LAG(a.day) OVER \
             (PARTITION BY a.id, a.market ORDER BY a.day), $2) AS previous FROM (\
             SELECT DISTINCT r.{person} AS id, {market} AS market, r.day, r.week, \
               r.month FROM {table} r{join} \
             WHERE r.scope = $1 AND {active}) a) x \
         WHERE {range} \
         GROUP BY x.market, x.day, x.week, x.month, x.previous",
        name = measure.name,
        suffix = split.suffix(),
        person = measure.person,
        table = measure.table,
        active = measure.active,
    )
}

const COLUMNS: &str =
    "INSERT INTO rollup_recency (scope, measure, market, day, week, month, previous, people) ";

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
    /// Adds (`sign` 1) or takes off (−1) the touched people's contributions.
    async fn shift(
        tx: &mut BackendConnection<B>,
        scope: &str,
        first: NaiveDate,
        last: NaiveDate,
        sign: i64,
    ) -> StoreResult<()> {
        for measure in &MEASURES {
            for split in Split::of(measure) {
                let sql = format!(
                    "{COLUMNS}{} ON CONFLICT (scope, measure, market, day, previous) \
                     DO UPDATE SET people = rollup_recency.people + excluded.people",
                    contributions(measure, *split, true)
                );
                sqlx::query(AssertSqlSafe(sql))
                    .bind(scope)
                    .bind(never())
                    .bind(sign)
                    .bind(first)
                    .bind(last)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
            }
        }
        Ok(())
    }

    /// Before a scope's days `[first, last]` are replaced by `rows`: marks the people
    /// in the old and the new rows as touched and takes their contributions off.
    pub(crate) async fn before_replace(
        tx: &mut BackendConnection<B>,
        scope: &str,
        first: NaiveDate,
        last: NaiveDate,
        rows: &DayRollups,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM rollup_touched")
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        for (kind, table, person) in [
            ("visitor", "rollup_visitors", "visitor_id"),
            ("buyer", "rollup_buyers", "buyer_id"),
        ] {
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO rollup_touched (kind, id) SELECT DISTINCT '{kind}', \
                 {person} FROM {table} WHERE scope = $1 AND day >= $2 AND day <= $3 \
                 ON CONFLICT DO NOTHING"
            )))
            .bind(scope)
            .bind(first)
            .bind(last)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        let mut people: BTreeSet<(&str, &str)> = BTreeSet::new();
        people.extend(
            rows.visitors
                .iter()
                .map(|r| ("visitor", r.visitor_id.as_str())),
        );
        people.extend(rows.buyers.iter().map(|r| ("buyer", r.buyer_id.as_str())));
        let people: Vec<(&str, &str)> = people.into_iter().collect();
        let touched = MultiRowInsert {
            head: "INSERT INTO rollup_touched (kind, id) ",
            columns: 2,
            max_rows: 400,
            tail: " ON CONFLICT DO NOTHING",
        };
        Self::insert_rows_in_chunks(tx, &touched, &people, |mut b, (kind, id)| {
            b.push_bind(*kind).push_bind(*id);
        })
        .await?;
        Self::shift(tx, scope, first, last, -1).await
    }

    /// After the replacement: the touched people's new contributions.
    pub(crate) async fn after_replace(
        tx: &mut BackendConnection<B>,
        scope: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<()> {
        Self::shift(tx, scope, first, last, 1).await?;
        sqlx::query("DELETE FROM rollup_touched")
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    /// A scope's counts from all its day rows, after a rebuild wrote them.
    pub(crate) async fn recount_recency(
        tx: &mut BackendConnection<B>,
        scope: &str,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM rollup_recency WHERE scope = $1")
            .bind(scope)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        for measure in &MEASURES {
            for split in Split::of(measure) {
                let sql = format!("{COLUMNS}{}", contributions(measure, *split, false));
                sqlx::query(AssertSqlSafe(sql))
                    .bind(scope)
                    .bind(never())
                    .bind(1_i64)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
            }
        }
        Ok(())
    }

    /// Distinct people per group and measure: `(key, measure, people)`. Groups by
    /// day, week, month or market, or none; a bucket cut by the period starts at its
    /// first day; by traffic source or device, visitors only. `None` for what the table
    /// cannot answer: a source or device breakdown within one market.
    pub(crate) async fn distinct_people(
        &self,
        slice: &RollupSlice,
        group: RollupGroup,
    ) -> StoreResult<Option<Vec<(String, String, i64)>>> {
        let clipped =
            |column: &str| format!("CASE WHEN t.{column} < $2 THEN $2 ELSE t.{column} END");
        let measures = match group {
            RollupGroup::Source | RollupGroup::Device if slice.market.is_some() => {
                return Ok(None);
            }
            RollupGroup::Source => "('visitor@source', 'carting@source')",
            RollupGroup::Device => "('visitor@device', 'carting@device')",
            _ => MEASURE_LIST,
        };
        let (key, start, group_by) = match group {
            RollupGroup::None => ("CAST('' AS TEXT)".to_string(), "$2".to_string(), ""),
            RollupGroup::Day => (
                "CAST(t.day AS TEXT)".to_string(),
                "t.day".to_string(),
                ", t.day",
            ),
            RollupGroup::Week => (
                "CAST(t.week AS TEXT)".to_string(),
                clipped("week"),
                ", t.week",
            ),
            RollupGroup::Month => (
                "CAST(t.month AS TEXT)".to_string(),
                clipped("month"),
                ", t.month",
            ),
            RollupGroup::Market | RollupGroup::Source | RollupGroup::Device => {
                ("t.market".to_string(), "$2".to_string(), ", t.market")
            }
        };
        let market = match (group, &slice.market) {
            (_, Some(_)) => "t.market = $4".to_string(),
            (RollupGroup::Source | RollupGroup::Device, None) => "1 = 1".to_string(),
            (RollupGroup::Market, None) => "t.market IN (\
                SELECT market FROM rollup_traffic WHERE scope = $1 AND day >= $2 \
                  AND day <= $3 \
                UNION SELECT market FROM rollup_sales WHERE scope = $1 AND day >= $2 \
                  AND day <= $3)"
                .to_string(),
            (_, None) => "t.market = '*'".to_string(),
        };
        let sql = format!(
            "SELECT {key}, t.measure, CAST(SUM(t.people) AS BIGINT) FROM rollup_recency t \
             WHERE t.scope = $1 AND t.measure IN {measures} AND {market} \
             AND t.day >= $2 AND t.day <= $3 AND t.previous < {start} \
             GROUP BY t.measure{group_by}"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(slice.scope.as_str())
            .bind(slice.first)
            .bind(slice.last);
        if let Some(market) = &slice.market {
            query = query.bind(market.as_str());
        }
        let rows = query.fetch_all(&self.pool).await.map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                let measure: String = row.try_get(1).map_err(backend_error)?;
                let measure = match measure.split_once('@') {
                    Some((name, _)) => name.to_string(),
                    None => measure,
                };
                Ok((
                    row.try_get(0).map_err(backend_error)?,
                    measure,
                    row.try_get(2).map_err(backend_error)?,
                ))
            })
            .collect::<StoreResult<Vec<_>>>()
            .map(Some)
    }

    /// Buyers who paid in the slice and also in `[since, first)`.
    pub(crate) async fn returning_paying_buyers(
        &self,
        slice: &RollupSlice,
        since: NaiveDate,
    ) -> StoreResult<i64> {
        let market = if slice.market.is_some() { "$5" } else { "'*'" };
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(t.people), 0) AS BIGINT) FROM rollup_recency t \
             WHERE t.scope = $1 AND t.measure = 'paying' AND t.market = {market} \
             AND t.day >= $2 AND t.day <= $3 AND t.previous >= $4 AND t.previous < $2"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(slice.scope.as_str())
            .bind(slice.first)
            .bind(slice.last)
            .bind(since);
        if let Some(market) = &slice.market {
            query = query.bind(market.as_str());
        }
        query
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)?
            .try_get(0)
            .map_err(backend_error)
    }
}
