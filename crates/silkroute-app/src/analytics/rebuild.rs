//! Building every rollup again from the facts (`silkroute analytics rebuild`, and a refresh
//! that finds none): one pass over the history in windows of at most
//! `AppConfig::rebuild_facts_per_load` facts, each window's facts feeding the platform's builder
//! and their seller's, so that memory stays bounded at any size of history and every fact is
//! read once, in the order it was stored.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use silkroute_analytics::rollup::industry::IndustryBuilder;
use silkroute_analytics::rollup::{DayRollups, RollupBuilder, day_span, local_day};
use silkroute_store::{EVENT_STREAM, ORDER_STREAM, PageRequest};

use super::refresh::{row_count, settlement};
use super::{Scope, seller_zone};
use crate::{App, AppError, AppResult};

/// Days per load of the platform's facts in a rebuild, at most.
const REBUILD_WINDOW_DAYS: i64 = 31;
/// Rows gathered before a rebuild writes them, in one transaction.
const REBUILD_ROWS_PER_WRITE: usize = 250_000;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RebuildReport {
    /// Scopes that got rows (the platform and every seller with facts).
    pub scopes: usize,
    /// Days from the first fact to the last (UTC).
    pub days: usize,
    pub rows: usize,
}

/// A scope's builder during a rebuild, and the rows it has written so far.
struct ScopeBuild {
    scope: Scope,
    builder: RollupBuilder,
    rows: usize,
}

/// Rollup rows gathered for writing: few, large transactions (a commit's fsync per small
/// seller would dominate).
#[derive(Default)]
struct Pending {
    rows: Vec<(String, DayRollups)>,
    count: usize,
}

impl Pending {
    /// Adds a scope's finished rows, writing all gathered once there are enough; returns how
    /// many rows it added.
    async fn add(&mut self, app: &App, scope: &str, rows: DayRollups) -> AppResult<usize> {
        let added = row_count(&rows);
        self.count += added;
        self.rows.push((scope.to_string(), rows));
        if self.count >= REBUILD_ROWS_PER_WRITE {
            self.write(app).await?;
        }
        Ok(added)
    }

    async fn write(&mut self, app: &App) -> AppResult<()> {
        app.store.insert_rollups(&self.rows).await?;
        self.rows.clear();
        self.count = 0;
        Ok(())
    }
}

impl App {
    /// Throws every rollup away and builds them again from the facts: after a change to how
    /// rollups are made, a seller's new time zone, or to prove the incremental path right.
    /// `progress(scopes_done, scopes_total)`.
    pub async fn rebuild_analytics(
        &self,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> AppResult<RebuildReport> {
        let mut unsettled = self.analytics_lock.lock().await;
        *unsettled = None;
        if !self.claim_rollup_lease().await? {
            return Err(AppError::Conflict(
                "another process is writing the analytics rollups; try again when it is done"
                    .into(),
            ));
        }
        let result = self.rebuild_locked(progress).await;
        self.store.release_rollup_lease(&self.instance).await?;
        result
    }

    pub(super) async fn rebuild_locked(
        &self,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> AppResult<RebuildReport> {
        // Read the heads first, and hold the marks a margin behind now: whatever changes
        // during the rebuild, or commits late, is refreshed after it.
        let (order_head, event_head) = self.store.stream_heads().await?;
        let settled = self.settled_before();
        let heads = (
            order_head.map(|at| at.min(settled)),
            event_head.map(|at| at.min(settled)),
        );
        self.store.clear_rollups().await?;
        let scopes = self.rollup_scopes().await?;
        let span = self.store.fact_span(None).await?;
        let mut imported = Vec::new();
        for scope in &scopes {
            if let Some(seller) = &scope.seller_id
                && let Some(days) = self.store.imported_span(seller).await?
            {
                imported.push((seller.clone(), days));
            }
        }
        let fact_days = span.map(|s| (local_day(Tz::UTC, s.first), local_day(Tz::UTC, s.last)));
        let Some((first_day, last_day)) = fact_days
            .into_iter()
            .chain(imported.iter().map(|(_, days)| *days))
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
        else {
            self.finish_rebuild(&scopes, &mut Pending::default(), heads)
                .await?;
            return Ok(RebuildReport::default());
        };
        // Every builder takes the whole span, a day wider either side for the sellers' own
        // time zones: the range only filters, and every fact lies inside it.
        let days = (first_day - Duration::days(1))..=(last_day + Duration::days(1));
        let mut builds: Vec<ScopeBuild> = scopes
            .iter()
            .map(|scope| ScopeBuild {
                builder: RollupBuilder::new(scope.zone, &settlement(scope), days.clone()),
                scope: scope.clone(),
                rows: 0,
            })
            .collect();
        let by_seller: HashMap<String, usize> = builds
            .iter()
            .enumerate()
            .filter_map(|(i, build)| Some((build.scope.seller_id.as_ref()?.to_string(), i)))
            .collect();
        for (seller, (first, last)) in &imported {
            let sales = self.store.rollup_imported(seller, *first, *last).await?;
            if let Some(&i) = by_seller.get(seller.as_str()) {
                for sale in &sales {
                    builds[i].builder.add_imported(sale);
                }
            }
        }
        let mut industry = IndustryBuilder::new(Tz::UTC, days.clone());
        let mut pending = Pending::default();
        let total_days = (last_day - first_day).num_days() as usize + 1;
        let mut report = RebuildReport {
            days: total_days,
            ..RebuildReport::default()
        };
        // One pass over the history, a month at a time (less when a month holds more facts
        // than a load may: the window halves until it fits or is a day, and grows back after):
        // each window's facts go to the platform and to their seller. A pass per seller would
        // read the tables once per seller, at random, where this reads them once, in order.
        let (start, end) = match fact_days {
            Some((first, last)) => day_span(Tz::UTC, first, last),
            None => (Default::default(), Default::default()),
        };
        let facts_per_load = self.config.rebuild_facts_per_load.max(1);
        let ceiling = Duration::days(REBUILD_WINDOW_DAYS);
        let (mut from, mut window) = (start, ceiling);
        while from < end {
            progress(
                ((from - start).num_days() as usize).min(total_days),
                total_days,
            );
            // Keep the lease while the rebuild runs (a window takes far less than its term).
            if !self.claim_rollup_lease().await? {
                return Err(AppError::Conflict(
                    "lost the lease on the analytics rollups during a rebuild".into(),
                ));
            }
            let mut to = (from + window).min(end);
            while to - from > Duration::days(1)
                && self.store.count_facts(None, from, to).await? > facts_per_load
            {
                window = ((to - from) / 2).max(Duration::days(1));
                to = from + window;
            }
            let orders = self.store.rollup_orders(None, from, to, true).await?;
            let mut events = self.store.rollup_events(None, from, to).await?;
            // A search is followed by the views after it: events go in in time order.
            events.sort_by_key(|event| event.at);
            for order in &orders {
                builds[0].builder.add_order(order);
                if let Some(&i) = by_seller.get(&order.seller_id) {
                    builds[i].builder.add_order(order);
                }
            }
            for event in &events {
                builds[0].builder.add_event(event);
                if let Some(&i) = event.seller_id.as_ref().and_then(|s| by_seller.get(s)) {
                    builds[i].builder.add_event(event);
                }
            }
            self.add_industry_facts(&mut industry, &orders, &events)
                .await?;
            drop((orders, events));
            from = to;
            window = (window * 2).min(ceiling);
            if from < end {
                // The day before the window's end stays open too: a session that crosses
                // midnight there (a search, then a view) is whole when its day is written,
                // wherever the window happened to end.
                for build in &mut builds {
                    let cutoff = local_day(build.scope.zone, from - Duration::days(1));
                    let mut rows = build.builder.drain_before(cutoff);
                    if build.scope.seller_id.is_none() {
                        (rows.categories, rows.category_visitors) = industry.drain_before(cutoff);
                    }
                    build.rows += pending.add(self, &build.scope.id, rows).await?;
                }
            }
        }
        // The industry rows belong to the platform's scope, the first.
        let mut industry = Some(industry);
        for build in builds {
            let mut rows = build.builder.finish();
            if build.scope.seller_id.is_none()
                && let Some(industry) = industry.take()
            {
                (rows.categories, rows.category_visitors, rows.searchers) = industry.finish();
            }
            let rows = build.rows + pending.add(self, &build.scope.id, rows).await?;
            report.rows += rows;
            report.scopes += usize::from(rows > 0);
        }
        self.finish_rebuild(&scopes, &mut pending, heads).await?;
        progress(total_days, total_days);
        Ok(report)
    }
    /// Writes the rows still gathered and the recency rows, refreshes the planner's
    /// statistics, and marks the streams as read up to the heads taken before the rebuild.
    async fn finish_rebuild(
        &self,
        scopes: &[Scope],
        pending: &mut Pending,
        (order_head, event_head): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    ) -> AppResult<()> {
        pending.write(self).await?;
        for scope in scopes {
            self.store.rebuild_recency(&scope.id).await?;
        }
        // Every rollup row is new: plans made on the statistics of none would scan them.
        self.store.refresh_planner_statistics().await?;
        let marks: Vec<(&str, DateTime<Utc>)> =
            [(ORDER_STREAM, order_head), (EVENT_STREAM, event_head)]
                .into_iter()
                .filter_map(|(stream, head)| head.map(|at| (stream, at)))
                .collect();
        // With no facts at all, mark the streams as read from now, so that the next refresh
        // does not rebuild again.
        let marks = if marks.is_empty() {
            vec![(ORDER_STREAM, self.now()), (EVENT_STREAM, self.now())]
        } else {
            marks
        };
        self.store.set_analytics_watermarks(&marks).await?;
        Ok(())
    }

    /// The platform, then every seller.
    async fn rollup_scopes(&self) -> AppResult<Vec<Scope>> {
        let mut scopes = vec![Scope::platform()];
        let mut page = PageRequest {
            after: None,
            limit: 500,
        };
        loop {
            let sellers = self.store.list_sellers(&page).await?;
            for seller in &sellers.items {
                scopes.push(Scope {
                    id: seller.id.as_str().to_string(),
                    zone: seller_zone(&seller.time_zone),
                    settlement: Some(seller.settlement_currency),
                    seller_id: Some(seller.id.clone()),
                });
            }
            match sellers.next_cursor {
                Some(cursor) => page.after = Some(cursor),
                None => return Ok(scopes),
            }
        }
    }
}
