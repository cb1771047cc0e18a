//! Building every rollup again from the facts (`silkroute analytics rebuild`, and a refresh
//! that finds none): scope by scope, each scope's facts loaded in windows no larger than
//! `AppConfig::rebuild_facts_per_load`, so that memory stays bounded at any size of history.

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
    pub scopes: usize,
    pub days: usize,
    pub rows: usize,
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
        self.store
            .release_rollup_lease(&self.analytics_holder)
            .await?;
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
        let (order_head, event_head) = (
            order_head.map(|at| at.min(settled)),
            event_head.map(|at| at.min(settled)),
        );
        self.store.clear_rollups().await?;
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
                None => break,
            }
        }
        let facts_per_load = self.config.rebuild_facts_per_load.max(1);
        let mut report = RebuildReport::default();
        let total = scopes.len();
        let mut pending = Pending::default();
        for (done, scope) in scopes.iter().enumerate() {
            progress(done, total);
            // Keep the lease while the rebuild runs (a scope takes far less than its term).
            if !self.claim_rollup_lease().await? {
                return Err(AppError::Conflict(
                    "lost the lease on the analytics rollups during a rebuild".into(),
                ));
            }
            let span = self.store.fact_span(scope.seller_id.as_ref()).await?;
            let imported = match &scope.seller_id {
                Some(seller) => self.store.imported_span(seller).await?,
                None => None,
            };
            let days = span
                .map(|s| {
                    (
                        local_day(scope.zone, s.first),
                        local_day(scope.zone, s.last),
                    )
                })
                .into_iter()
                .chain(imported)
                .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
            let Some((first_day, last_day)) = days else {
                continue;
            };
            report.scopes += 1;
            report.days += (last_day - first_day).num_days() as usize + 1;
            // Each fact is read once — orders by when they were placed, events by when they
            // happened — a month at a time, into one builder whose rows merge across months.
            let mut builder =
                RollupBuilder::new(scope.zone, &settlement(scope), first_day..=last_day);
            let mut industry = IndustryBuilder::new(Tz::UTC, first_day..=last_day);
            if let Some(seller) = &scope.seller_id {
                for sale in self
                    .store
                    .rollup_imported(seller, first_day, last_day)
                    .await?
                {
                    builder.add_imported(&sale);
                }
            }
            let (mut from, end) = day_span(scope.zone, first_day, last_day);
            // A seller's whole history is one load and the platform's a month, unless that
            // holds more facts than a load may: then the window halves until it fits (or is a
            // day), and grows again after. Finished days are written as it goes.
            let ceiling = if scope.seller_id.is_some() {
                end - from
            } else {
                Duration::days(REBUILD_WINDOW_DAYS)
            };
            let mut window = ceiling;
            while from < end {
                let seller = scope.seller_id.as_ref();
                let mut to = (from + window).min(end);
                while to - from > Duration::days(1)
                    && self.store.count_facts(seller, from, to).await? > facts_per_load
                {
                    window = ((to - from) / 2).max(Duration::days(1));
                    to = from + window;
                }
                let orders = self.store.rollup_orders(seller, from, to, true).await?;
                let mut events = self.store.rollup_events(seller, from, to).await?;
                // A search is followed by the views after it: events go in in time order.
                events.sort_by_key(|event| event.at);
                for order in &orders {
                    builder.add_order(order);
                }
                for event in &events {
                    builder.add_event(event);
                }
                if seller.is_none() {
                    self.add_industry_facts(&mut industry, &orders, &events)
                        .await?;
                }
                from = to;
                window = (window * 2).min(ceiling);
                if from < end {
                    // The day before the window's end stays open too: a session that crosses
                    // midnight there (a search, then a view) is whole when its day is written,
                    // wherever the window happened to end.
                    let cutoff = local_day(scope.zone, from - Duration::days(1));
                    let mut rows = builder.drain_before(cutoff);
                    (rows.categories, rows.category_visitors) = industry.drain_before(cutoff);
                    report.rows += pending.add(self, &scope.id, rows).await?;
                }
            }
            let mut rows = builder.finish();
            if scope.seller_id.is_none() {
                (rows.categories, rows.category_visitors, rows.searchers) = industry.finish();
            }
            report.rows += pending.add(self, &scope.id, rows).await?;
        }
        pending.write(self).await?;
        for scope in &scopes {
            self.store.rebuild_recency(&scope.id).await?;
        }
        // Every rollup row is new: plans made on the statistics of none would scan them.
        self.store.refresh_planner_statistics().await?;
        progress(total, total);
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
        Ok(report)
    }
}
