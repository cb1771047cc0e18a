//! Property: however a scope's days are replaced — in any order, overlapping, emptied, written
//! again — the distinct visitors and buyers the store counts from `rollup_recency` for any
//! period, market and grain equal a distinct count over the day rows it holds, and a rebuild of
//! the counts changes nothing. On SQLite and, when configured, PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use silkroute_analytics::rollup::{
    BuyerRow, DayRollups, SalesRow, TrafficRow, VisitorRow, month_of, week_of,
};
use silkroute_store::{RollupGroup, RollupSlice, Store};
use silkroute_store_tests::TestDatabase;

const DAYS: i64 = 40;
const MARKETS: [&str; 2] = ["DE", "FR"];

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
}

fn day(n: i64) -> NaiveDate {
    base() + Duration::days(n)
}

/// A person on a day: (day offset, person, market, flag).
type Person = (i64, u8, usize, bool);

/// One replacement: days `[first, first + len]` get these people (day offset, person, market,
/// flag): visitors with "carted" (and a traffic source and device), buyers with "paid" (every
/// buyer row placed).
#[derive(Clone, Debug)]
struct Replace {
    first: i64,
    len: i64,
    visitors: Vec<(Person, (usize, usize))>,
    buyers: Vec<(i64, u8, usize, bool)>,
}

fn replace() -> impl Strategy<Value = Replace> {
    (0..DAYS, 0..6i64).prop_flat_map(|(first, len)| {
        let len = len.min(DAYS - 1 - first);
        let person = (0..=len, 0..10u8, 0..2usize, any::<bool>());
        let traffic = (0..SOURCES.len(), 0..DEVICES.len());
        (
            Just(first),
            Just(len),
            proptest::collection::vec((person.clone(), traffic), 0..12),
            proptest::collection::vec(person, 0..8),
        )
            .prop_map(|(first, len, visitors, buyers)| Replace {
                first,
                len,
                visitors,
                buyers,
            })
    })
}

const SOURCES: [&str; 2] = ["direct", "paid"];
const DEVICES: [&str; 2] = ["mobile", "desktop"];

/// A visitor's day row: (day, person, market, source, device).
type VisitorKey = (NaiveDate, String, String, String, String);

/// The day rows a scope holds: (day, person, market[, source, device]) → flag.
#[derive(Default)]
struct Model {
    visitors: BTreeMap<VisitorKey, bool>,
    buyers: BTreeMap<(NaiveDate, String, String), bool>,
}

impl Model {
    fn apply(&mut self, r: &Replace) -> DayRollups {
        let (first, last) = (day(r.first), day(r.first + r.len));
        let within = |d: &NaiveDate| *d >= first && *d <= last;
        self.visitors.retain(|(d, ..), _| !within(d));
        self.buyers.retain(|(d, _, _), _| !within(d));
        let mut rows = DayRollups::default();
        for &((offset, person, market, carted), (source, device)) in &r.visitors {
            let key = (
                day(r.first + offset),
                format!("v{person}"),
                MARKETS[market].to_string(),
                SOURCES[source].to_string(),
                DEVICES[device].to_string(),
            );
            if self.visitors.insert(key.clone(), carted).is_none() {
                rows.visitors.push(VisitorRow {
                    day: key.0,
                    visitor_id: key.1,
                    market: key.2,
                    source: key.3,
                    device: key.4,
                    carted,
                });
            } else if let Some(row) = rows.visitors.iter_mut().find(|v| {
                (v.day, &v.visitor_id, &v.market, &v.source, &v.device)
                    == (key.0, &key.1, &key.2, &key.3, &key.4)
            }) {
                row.carted = carted;
            }
        }
        for &(offset, person, market, paid) in &r.buyers {
            let key = (
                day(r.first + offset),
                format!("b{person}"),
                MARKETS[market].to_string(),
            );
            if self.buyers.insert(key.clone(), paid).is_none() {
                rows.buyers.push(BuyerRow {
                    day: key.0,
                    buyer_id: key.1,
                    market: key.2,
                    currency: "EUR".into(),
                    placed: 1,
                    paid: i64::from(paid),
                    paid_minor: if paid { 1_000 } else { 0 },
                });
            } else {
                self.buyers.insert(key.clone(), paid);
                if let Some(row) = rows
                    .buyers
                    .iter_mut()
                    .find(|b| (b.day, &b.buyer_id, &b.market) == (key.0, &key.1, &key.2))
                {
                    row.paid = i64::from(paid);
                    row.paid_minor = if paid { 1_000 } else { 0 };
                }
            }
        }
        // As the rollup builder writes them: a market's people come with its traffic and sales.
        let visited: BTreeSet<(NaiveDate, String, String, String)> = rows
            .visitors
            .iter()
            .map(|v| (v.day, v.market.clone(), v.source.clone(), v.device.clone()))
            .collect();
        rows.traffic = visited
            .into_iter()
            .map(|(day, market, source, device)| TrafficRow {
                day,
                market,
                source,
                device,
                visits: 1,
                ..TrafficRow::default()
            })
            .collect();
        let bought: BTreeSet<(NaiveDate, String)> = rows
            .buyers
            .iter()
            .map(|b| (b.day, b.market.clone()))
            .collect();
        rows.sales = bought
            .into_iter()
            .map(|(day, market)| SalesRow {
                day,
                market,
                currency: "EUR".into(),
                orders_placed: 1,
                ..SalesRow::default()
            })
            .collect();
        rows
    }

    /// Distinct people per group key: (visitors, carting, ordering, paying); buyers are not
    /// split by traffic source or device (orders do not carry them).
    fn counts(&self, slice: &RollupSlice, group: RollupGroup) -> BTreeMap<String, [i64; 4]> {
        let key = |d: NaiveDate, market: &str, traffic: Option<(&str, &str)>| -> String {
            match (group, traffic) {
                (RollupGroup::None, _) => String::new(),
                (RollupGroup::Day, _) => d.to_string(),
                (RollupGroup::Week, _) => week_of(d).to_string(),
                (RollupGroup::Month, _) => month_of(d).to_string(),
                (RollupGroup::Market, _) => market.to_string(),
                (RollupGroup::Source, Some((source, _))) => source.to_string(),
                (RollupGroup::Device, Some((_, device))) => device.to_string(),
                (RollupGroup::Source | RollupGroup::Device, None) => String::new(),
            }
        };
        let mut sets: BTreeMap<String, [BTreeSet<String>; 4]> = BTreeMap::new();
        let keep = |d: &NaiveDate, m: &str| {
            *d >= slice.first && *d <= slice.last && slice.market.as_deref().is_none_or(|x| x == m)
        };
        for ((d, person, market, source, device), &carted) in &self.visitors {
            if keep(d, market) {
                let sets = sets
                    .entry(key(*d, market, Some((source, device))))
                    .or_default();
                sets[0].insert(person.clone());
                if carted {
                    sets[1].insert(person.clone());
                }
            }
        }
        for ((d, person, market), &paid) in &self.buyers {
            if keep(d, market) && group.splits_orders() {
                let sets = sets.entry(key(*d, market, None)).or_default();
                sets[2].insert(person.clone());
                if paid {
                    sets[3].insert(person.clone());
                }
            }
        }
        sets.into_iter()
            .map(|(k, s)| (k, s.map(|s| s.len() as i64)))
            .filter(|(_, n)| n.iter().any(|n| *n > 0))
            .collect()
    }

    fn returning(&self, slice: &RollupSlice, since: NaiveDate) -> i64 {
        let paid = |from: NaiveDate, to: NaiveDate| -> BTreeSet<&String> {
            self.buyers
                .iter()
                .filter(|((d, _, m), paid)| {
                    **paid
                        && *d >= from
                        && *d <= to
                        && slice.market.as_deref().is_none_or(|x| x == m)
                })
                .map(|((_, b, _), _)| b)
                .collect()
        };
        let before = paid(since, slice.first - Duration::days(1));
        paid(slice.first, slice.last).intersection(&before).count() as i64
    }
}

async fn stored(
    store: &dyn Store,
    slice: &RollupSlice,
    group: RollupGroup,
) -> BTreeMap<String, [i64; 4]> {
    store
        .rollup_counts(slice, group)
        .await
        .expect("counts")
        .into_iter()
        .map(|c| {
            let orders = c.orders.unwrap_or_default();
            (
                c.key,
                [
                    c.visitors,
                    c.carting_visitors,
                    orders.ordering_buyers,
                    orders.paid_buyers,
                ],
            )
        })
        .filter(|(_, n)| n.iter().any(|n| *n > 0))
        .collect()
}

/// Every period of a few lengths, every grain, all markets and each one.
async fn agree(store: &dyn Store, scope: &str, model: &Model) -> Result<(), TestCaseError> {
    for first in (0..DAYS).step_by(3) {
        for len in [0, 2, 9, 30] {
            let last = (first + len).min(DAYS - 1);
            for market in [None, Some("DE".to_string())] {
                let slice = RollupSlice {
                    scope: scope.to_string(),
                    first: day(first),
                    last: day(last),
                    market,
                };
                for group in [
                    RollupGroup::None,
                    RollupGroup::Day,
                    RollupGroup::Week,
                    RollupGroup::Month,
                    RollupGroup::Market,
                    RollupGroup::Source,
                    RollupGroup::Device,
                ] {
                    prop_assert_eq!(
                        stored(store, &slice, group).await,
                        model.counts(&slice, group),
                        "{:?} by {:?}",
                        slice,
                        group
                    );
                }
                let since = slice.first - Duration::days(7);
                prop_assert_eq!(
                    store
                        .returning_buyers(&slice, since)
                        .await
                        .expect("returning"),
                    model.returning(&slice, since),
                    "returning {:?} since {}",
                    slice,
                    since
                );
            }
        }
    }
    Ok(())
}

async fn check(
    store: &dyn Store,
    scope: &str,
    replaces: Vec<Replace>,
) -> Result<(), TestCaseError> {
    let mut model = Model::default();
    for r in &replaces {
        let rows = model.apply(r);
        store
            .replace_rollups(scope, day(r.first), day(r.first + r.len), &rows, &[])
            .await
            .expect("replace");
    }
    agree(store, scope, &model).await?;
    store.rebuild_recency(scope).await.expect("rebuild");
    agree(store, scope, &model).await
}

fn run(runtime: &tokio::runtime::Runtime, database: TestDatabase, cases: u32) {
    let case = std::sync::atomic::AtomicU32::new(0);
    proptest!(ProptestConfig { cases, ..ProptestConfig::default() },
    |(replaces in proptest::collection::vec(replace(), 1..10))| {
        // Each case its own scope: scopes never see each other's rows.
        let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let scope = format!("case{n}");
        runtime.block_on(check(database.store.as_ref(), &scope, replaces))?;
    });
    runtime.block_on(database.cleanup());
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn sqlite_counts_distinct_people_from_recency() {
    let runtime = runtime();
    let database = runtime.block_on(TestDatabase::sqlite());
    run(&runtime, database, 32);
}

#[test]
fn postgres_counts_distinct_people_from_recency() {
    let runtime = runtime();
    let Some(database) = runtime.block_on(TestDatabase::postgres()) else {
        return;
    };
    run(&runtime, database, 12);
}
