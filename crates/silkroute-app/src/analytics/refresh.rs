//! Keeping rollups current. The refresh job follows two streams — orders by their last update,
//! events by their receipt — and rebuilds every (scope, local day) a change touched, whole, from
//! the facts; `silkroute analytics rebuild` does the same for every day there is. Both end in
//! the same rows because both call `silkroute_analytics::rollup::roll_up`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use silkroute_analytics::rollup::industry::{IndustryBuilder, Listing};
use silkroute_analytics::rollup::{
    DayRollups, RollupBuilder, RollupEvent, RollupOrder, day_span, local_day,
};
use silkroute_domain::ids::SellerId;
use silkroute_store::{EVENT_STREAM, ORDER_STREAM};

use super::unsettled::Unsettled;
use super::{Scope, seller_zone};
use crate::{App, AppResult};

/// A write's timestamp is taken before its transaction commits, so a slow commit can land behind
/// a watermark already read; re-reading this far back catches it (a day rebuilt twice is the
/// same day).
const LATE_COMMIT_MARGIN_SECONDS: i64 = 5;
/// How long a refresh or a rebuild step may hold the rollups before another process may take
/// them over (a crashed holder blocks no one longer).
const LEASE_SECONDS: i64 = 600;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RefreshReport {
    /// (scope, day) pairs rebuilt.
    pub days_rebuilt: usize,
    pub orders_seen: usize,
    pub events_seen: usize,
    /// Whether the refresh found no rollups yet and rebuilt everything.
    pub full_rebuild: bool,
    /// Another process was writing the rollups: nothing done now, the next refresh catches up.
    pub skipped: bool,
}

pub(super) fn row_count(rows: &DayRollups) -> usize {
    rows.categories.len()
        + rows.category_visitors.len()
        + rows.searchers.len()
        + rows.sales.len()
        + rows.traffic.len()
        + rows.visitors.len()
        + rows.buyers.len()
        + rows.products.len()
        + rows.keywords.len()
}

pub(super) fn settlement(scope: &Scope) -> String {
    scope
        .settlement
        .map(|c| c.as_str().to_string())
        .unwrap_or_default()
}

/// Contiguous runs of days, so that each run is one load and one replace.
fn runs(days: &BTreeSet<NaiveDate>) -> Vec<(NaiveDate, NaiveDate)> {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &day in days {
        match runs.last_mut() {
            Some((_, last)) if *last + Duration::days(1) == day => *last = day,
            _ => runs.push((day, day)),
        }
    }
    runs
}

impl App {
    /// Brings the rollups up to date with every change since the last refresh (all of them when
    /// there are no rollups yet). One refresh runs at a time.
    pub async fn refresh_analytics(&self) -> AppResult<RefreshReport> {
        let mut unsettled = self.analytics_lock.lock().await;
        // Most reads find nothing new: look first, without writing (the lease is a write).
        let order_mark = self.store.analytics_watermark(ORDER_STREAM).await?;
        let event_mark = self.store.analytics_watermark(EVENT_STREAM).await?;
        if let (Some(orders), Some(events)) = (order_mark, event_mark) {
            let found = Unsettled::of(
                order_mark,
                &self.store.changed_orders(orders).await?,
                event_mark,
                &self.store.changed_events(events).await?,
            );
            if found.is_empty() {
                return Ok(RefreshReport::default());
            }
            if unsettled.as_ref() == Some(&found) {
                // Nothing new. Once what was read is past the margin, move the marks over it,
                // so that no later refresh (of this process or another) reads it again.
                let settled = self.settled_before();
                if found.last().is_some_and(|last| last < settled)
                    && self.claim_rollup_lease().await?
                {
                    let marks: Vec<(&str, DateTime<Utc>)> = [
                        (ORDER_STREAM, found.orders_last),
                        (EVENT_STREAM, found.events_last),
                    ]
                    .into_iter()
                    .filter_map(|(stream, at)| at.map(|at| (stream, at)))
                    .collect();
                    let moved = self.store.set_analytics_watermarks(&marks).await;
                    self.store.release_rollup_lease(&self.instance).await?;
                    moved?;
                    *unsettled = None;
                }
                return Ok(RefreshReport::default());
            }
        }
        if !self.claim_rollup_lease().await? {
            return Ok(RefreshReport {
                skipped: true,
                ..RefreshReport::default()
            });
        }
        let result = self.refresh_locked().await;
        self.store.release_rollup_lease(&self.instance).await?;
        let (report, left) = result?;
        *unsettled = left;
        Ok(report)
    }

    /// Analytics reads are served from the rollups as they are, from now on: a refresh job
    /// (`serve`'s) keeps them current, and each answer's `as_of` shows how current.
    pub fn leave_analytics_refresh_to_a_job(&mut self) {
        self.analytics_reads_refresh = false;
    }

    /// What an analytics read does first: refresh, unless a job does that.
    pub(crate) async fn refresh_before_read(&self) -> AppResult<()> {
        if self.analytics_reads_refresh {
            self.refresh_analytics().await?;
        }
        Ok(())
    }

    /// The instant before which writes have surely committed: marks never pass it. Whole
    /// microseconds, as PostgreSQL stores them, so that a mark read back is the mark written
    /// (a refresh that finds its own marks again knows there is nothing new).
    pub(super) fn settled_before(&self) -> DateTime<Utc> {
        (self.now() - Duration::seconds(LATE_COMMIT_MARGIN_SECONDS)).trunc_subsecs(6)
    }

    /// Takes or extends this process's lease on writing rollups.
    pub(super) async fn claim_rollup_lease(&self) -> AppResult<bool> {
        let now = self.now();
        Ok(self
            .store
            .claim_rollup_lease(&self.instance, now, now + Duration::seconds(LEASE_SECONDS))
            .await?)
    }

    /// The refresh, and what it leaves unsettled behind its new marks (`None` after a full
    /// rebuild: unknown, so the next read looks again).
    async fn refresh_locked(&self) -> AppResult<(RefreshReport, Option<Unsettled>)> {
        let order_mark = self.store.analytics_watermark(ORDER_STREAM).await?;
        let event_mark = self.store.analytics_watermark(EVENT_STREAM).await?;
        if order_mark.is_none() && event_mark.is_none() {
            let rebuilt = self.rebuild_locked(&mut |_, _| {}).await?;
            let report = RefreshReport {
                days_rebuilt: rebuilt.days,
                full_rebuild: true,
                ..RefreshReport::default()
            };
            return Ok((report, None));
        }
        // Changes after the mark are read; the mark never passes `now - margin`, so a
        // write whose timestamp was taken before a slow commit is still read once it lands,
        // and the newest changes are read again only until the margin has passed.
        let settled = self.settled_before();
        let since = |mark: Option<DateTime<Utc>>| mark.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let orders = self.store.changed_orders(since(order_mark)).await?;
        let events = self.store.changed_events(since(event_mark)).await?;

        // Instants touched, per seller (None: the platform, which sees everything).
        let mut touched: BTreeMap<Option<String>, BTreeSet<DateTime<Utc>>> = BTreeMap::new();
        for order in &orders {
            let instants = [Some(order.placed_at), order.paid_at, Some(order.updated_at)];
            for key in [Some(order.seller_id.clone()), None] {
                touched
                    .entry(key)
                    .or_default()
                    .extend(instants.iter().flatten().copied());
            }
        }
        for event in &events {
            touched.entry(None).or_default().insert(event.at);
            if let Some(seller) = &event.seller_id {
                touched
                    .entry(Some(seller.clone()))
                    .or_default()
                    .insert(event.at);
            }
        }
        let mut days_rebuilt = 0;
        for (seller, instants) in touched {
            let scope = match seller {
                Some(id) => match self.rollup_scope(&id).await? {
                    Some(scope) => scope,
                    None => continue,
                },
                None => Scope::platform(),
            };
            let days: BTreeSet<NaiveDate> = instants
                .into_iter()
                .map(|at| local_day(scope.zone, at))
                .collect();
            for (first, last) in runs(&days) {
                self.rebuild_days(&scope, first, last).await?;
                days_rebuilt += (last - first).num_days() as usize + 1;
            }
        }
        let advance = |seen: Option<DateTime<Utc>>, mark: Option<DateTime<Utc>>| {
            let next = seen.map(|seen| seen.min(settled));
            match (mark, next) {
                (Some(mark), Some(next)) => Some(mark.max(next)),
                (mark, next) => mark.or(next),
            }
        };
        let order_next = advance(orders.iter().map(|o| o.updated_at).max(), order_mark);
        let event_next = advance(events.iter().map(|e| e.received_at).max(), event_mark);
        let marks: Vec<(&str, DateTime<Utc>)> = [
            (ORDER_STREAM, order_next.filter(|_| !orders.is_empty())),
            (EVENT_STREAM, event_next.filter(|_| !events.is_empty())),
        ]
        .into_iter()
        .filter_map(|(stream, at)| at.map(|at| (stream, at)))
        .collect();
        if !marks.is_empty() {
            self.store.set_analytics_watermarks(&marks).await?;
        }
        // What was read and lies behind the new marks is read again until the margin passes.
        let left = Unsettled::of(
            order_next,
            &orders
                .iter()
                .filter(|o| order_next.is_none_or(|mark| o.updated_at > mark))
                .cloned()
                .collect::<Vec<_>>(),
            event_next,
            &events
                .iter()
                .filter(|e| event_next.is_none_or(|mark| e.received_at > mark))
                .cloned()
                .collect::<Vec<_>>(),
        );
        let report = RefreshReport {
            days_rebuilt,
            orders_seen: orders.len(),
            events_seen: events.len(),
            full_rebuild: false,
            skipped: false,
        };
        Ok((report, Some(left)))
    }

    /// Rebuilds the scope's days `[first, last]` from their facts; returns the rows written.
    async fn rebuild_days(
        &self,
        scope: &Scope,
        first: NaiveDate,
        last: NaiveDate,
    ) -> AppResult<usize> {
        let rows = self.roll_up_days(scope, first, last).await?;
        self.store
            .replace_rollups(&scope.id, first, last, &rows, &[])
            .await?;
        Ok(row_count(&rows))
    }

    /// The rollup rows of the scope's days `[first, last]`, from their facts.
    async fn roll_up_days(
        &self,
        scope: &Scope,
        first: NaiveDate,
        last: NaiveDate,
    ) -> AppResult<DayRollups> {
        let (from, to) = day_span(scope.zone, first, last);
        let orders = self
            .store
            .rollup_orders(scope.seller_id.as_ref(), from, to, false)
            .await?;
        let mut events = self
            .store
            .rollup_events(scope.seller_id.as_ref(), from, to)
            .await?;
        // A search is followed by the views after it: events go in in time order.
        events.sort_by_key(|event| event.at);
        let mut builder = RollupBuilder::new(scope.zone, &settlement(scope), first..=last);
        for order in &orders {
            builder.add_order(order);
        }
        for event in &events {
            builder.add_event(event);
        }
        if let Some(seller) = &scope.seller_id {
            for sale in self.store.rollup_imported(seller, first, last).await? {
                builder.add_imported(&sale);
            }
        }
        let mut rows = builder.finish();
        if scope.seller_id.is_none() {
            let mut industry = IndustryBuilder::new(Tz::UTC, first..=last);
            self.add_industry_facts(&mut industry, &orders, &events)
                .await?;
            (rows.categories, rows.category_visitors, rows.searchers) = industry.finish();
        }
        Ok(rows)
    }

    /// Feeds the platform's industry builder, first looking up the listings of the products
    /// involved that it does not know yet.
    pub(super) async fn add_industry_facts(
        &self,
        industry: &mut IndustryBuilder,
        orders: &[RollupOrder],
        events: &[RollupEvent],
    ) -> AppResult<()> {
        let mut missing: BTreeSet<String> = BTreeSet::new();
        for order in orders {
            missing.extend(order.lines.iter().map(|l| l.product_id.clone()));
        }
        missing.extend(events.iter().filter_map(|e| e.product_id.clone()));
        missing.retain(|product| !industry.knows(product));
        let missing: Vec<String> = missing.into_iter().collect();
        for (product, seller, category) in self.store.product_listings(&missing).await? {
            let parent = silkroute_domain::category::category(&category)
                .and_then(|c| c.parent)
                .map(str::to_string);
            industry.add_listing(
                product,
                Listing {
                    seller_id: seller,
                    category,
                    parent,
                },
            );
        }
        for order in orders {
            industry.add_order(order);
        }
        for event in events {
            industry.add_event(event);
        }
        Ok(())
    }

    /// Rebuilds a seller's days `[first, last]` (after its order history was imported).
    pub(crate) async fn rebuild_seller_days(
        &self,
        seller: &SellerId,
        first: NaiveDate,
        last: NaiveDate,
    ) -> AppResult<()> {
        let _single = self.analytics_lock.lock().await;
        if let Some(scope) = self.rollup_scope(seller.as_str()).await? {
            self.rebuild_days(&scope, first, last).await?;
        }
        Ok(())
    }

    async fn rollup_scope(&self, seller: &str) -> AppResult<Option<Scope>> {
        let Ok(id) = SellerId::parse(seller) else {
            return Ok(None);
        };
        Ok(self.store.get_seller(&id).await?.map(|seller| Scope {
            id: seller.id.as_str().to_string(),
            zone: seller_zone(&seller.time_zone),
            settlement: Some(seller.settlement_currency),
            seller_id: Some(seller.id),
        }))
    }
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;
    use silkroute_analytics::rollup::PLATFORM_SCOPE;

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
    }

    #[test]
    fn days_group_into_contiguous_runs() {
        let days: BTreeSet<NaiveDate> = [day(1), day(2), day(3), day(7), day(9), day(10)].into();
        assert_eq!(
            runs(&days),
            vec![(day(1), day(3)), (day(7), day(7)), (day(9), day(10))]
        );
        assert!(runs(&BTreeSet::new()).is_empty());
    }

    #[test]
    fn platform_scope_is_utc() {
        assert_eq!(Scope::platform().id, PLATFORM_SCOPE);
        assert_eq!(Scope::platform().zone, Tz::UTC);
    }
}
