//! Keeping the ECB rates fresh, and saying when they are not: importing the files `fx sync`
//! fetched (the daily file and the 90-day history) in one transaction, the day a demo's prices
//! are pinned to while its rates are old, how stale the rates are for `/readyz` and the start-up
//! message, and when the daily sync runs. Fetching itself is the binary's adapter: the app gets
//! the files' text.
//!
//! The pin: a demo seeded from the shipped snapshot has rates older than `fx_max_gap_days`, so
//! buyer prices would be refused; the demo pins them to its newest rate day instead and stores
//! that day (setting `pricing_date`), so a restart without `--demo` keeps pricing. An import
//! that brings rates newer than the pinned day and within the gap limit of today lifts the pin:
//! from then on prices use today's rates, as on any live platform.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Berlin;
use serde::Serialize;
use silkroute_domain::fx::{self, EcbSheet, PublishedRate};
use utoipa::ToSchema;

use crate::{App, AppError, AppResult};

/// The setting holding the pinned pricing day, `YYYY-MM-DD`.
pub const PRICING_DATE_SETTING: &str = "pricing_date";

/// The ECB publishes its reference rates at around 16:00 CET on TARGET business days; the sync
/// runs a quarter of an hour later, Frankfurt time, so that the day's file is out.
pub const DAILY_SYNC_TIME: NaiveTime = match NaiveTime::from_hms_opt(16, 15, 0) {
    Some(time) => time,
    None => panic!("16:15 is a time of day"),
};

/// How fresh the stored rates are, as `/readyz` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FxFreshness {
    /// The newest day with a stored rate.
    pub newest: Option<NaiveDate>,
    /// The newest rates are more than `max_gap_days` old (or there are none): a price at today's
    /// rates is refused until fresh rates are imported, unless prices are pinned.
    pub stale: bool,
    pub max_gap_days: u32,
    /// The day buyer prices are pinned to (a demo on an offline snapshot), if any.
    pub pinned: Option<NaiveDate>,
}

/// One file as fetched: where it came from (for messages) and its CSV text.
#[derive(Clone, Debug)]
pub struct EcbPublication {
    pub source: String,
    pub text: String,
}

/// What `fx sync` changed.
#[derive(Clone, Debug, Serialize)]
pub struct FxSyncReport {
    /// Publication days in the fetched files.
    pub days: usize,
    /// Those not stored before, oldest first.
    pub new_days: Vec<NaiveDate>,
    /// Rates written (new or confirmed), retired currencies left out.
    pub rates: u64,
    pub newest: NaiveDate,
    /// The newest stored day before the sync.
    pub previous_newest: Option<NaiveDate>,
    /// The pinned day this sync lifted, if it did.
    pub unpinned: Option<NaiveDate>,
    /// Why lifting the pin failed after the rates were imported (the next sync or import, or a
    /// server's minute check, lifts it).
    pub unpin_error: Option<String>,
    /// Whether the rates are still older than the gap limit after the sync.
    pub stale: bool,
}

/// Whether rates whose newest day is `newest` are too old to price `today`.
pub fn rates_are_stale(newest: Option<NaiveDate>, today: NaiveDate, max_gap_days: u32) -> bool {
    newest.is_none_or(|newest| (today - newest).num_days() > i64::from(max_gap_days))
}

/// When the daily sync runs next after `now`: [`DAILY_SYNC_TIME`] Frankfurt time on the next
/// weekday (the ECB publishes nothing on weekends).
pub fn next_sync_at(now: DateTime<Utc>) -> DateTime<Utc> {
    let local_today = now.with_timezone(&Berlin).date_naive();
    let mut day = local_today;
    loop {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            // 16:15 exists on every day in Berlin: the clocks change at night.
            let at = Berlin
                .from_local_datetime(&day.and_time(DAILY_SYNC_TIME))
                .earliest()
                .map(|local| local.with_timezone(&Utc));
            if let Some(at) = at
                && at > now
            {
                return at;
            }
        }
        day = day + Days::new(1);
    }
}

impl App {
    /// The day buyer prices are pinned to in this process, if any.
    pub fn pricing_date(&self) -> Option<NaiveDate> {
        self.pricing_pin.read().ok().and_then(|pin| *pin)
    }

    /// Pins buyer-facing prices to a rate date in this process only (benchmarks); the demo's pin
    /// is stored with [`App::pin_demo_pricing`].
    pub fn set_pricing_date(&self, date: Option<NaiveDate>) {
        if let Ok(mut pin) = self.pricing_pin.write() {
            *pin = date;
        }
        self.cache.forget();
    }

    /// For the demo: when the newest rates are too old to price today, pins prices to their day
    /// and stores the pin, so that every later start (with or without `--demo`) prices the same.
    /// Returns the pinned day.
    pub async fn pin_demo_pricing(&self) -> AppResult<Option<NaiveDate>> {
        let newest = self.store.newest_fx_date().await?;
        let today = self.now().date_naive();
        let Some(newest) =
            newest.filter(|_| rates_are_stale(newest, today, self.config.fx_max_gap_days))
        else {
            return Ok(None);
        };
        self.store
            .put_setting(PRICING_DATE_SETTING, &newest.to_string(), self.now())
            .await?;
        self.set_pricing_date(Some(newest));
        Ok(Some(newest))
    }

    /// Reads the stored pin and applies it in this process (at start, and each minute in a
    /// server, so that an `fx sync` run by another process lifts it here too).
    pub async fn load_pricing_pin(&self) -> AppResult<Option<NaiveDate>> {
        let pinned = self.stored_pin().await?;
        if pinned != self.pricing_date() {
            self.set_pricing_date(pinned);
        }
        Ok(pinned)
    }

    async fn stored_pin(&self) -> AppResult<Option<NaiveDate>> {
        let Some(text) = self.store.setting(PRICING_DATE_SETTING).await? else {
            return Ok(None);
        };
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                AppError::Unavailable(format!(
                    "the stored setting {PRICING_DATE_SETTING} is '{text}', not a YYYY-MM-DD date"
                ))
            })
    }

    /// After an import: lifts the stored pin when the rates now reach past it and are fresh.
    /// Returns the day it lifted.
    pub(crate) async fn lift_pin_if_fresh(&self) -> AppResult<Option<NaiveDate>> {
        let Some(pinned) = self.stored_pin().await? else {
            return Ok(None);
        };
        let newest = self.store.newest_fx_date().await?;
        let today = self.now().date_naive();
        if newest <= Some(pinned) || rates_are_stale(newest, today, self.config.fx_max_gap_days) {
            return Ok(None);
        }
        self.store.delete_setting(PRICING_DATE_SETTING).await?;
        self.set_pricing_date(None);
        Ok(Some(pinned))
    }

    /// How fresh the stored rates are today.
    pub async fn fx_freshness(&self) -> AppResult<FxFreshness> {
        let newest = self.store.newest_fx_date().await?;
        let max_gap_days = self.config.fx_max_gap_days;
        Ok(FxFreshness {
            newest,
            stale: rates_are_stale(newest, self.now().date_naive(), max_gap_days),
            max_gap_days,
            pinned: self.pricing_date(),
        })
    }

    /// Imports what `fx sync` fetched, newest publication first (the daily file, then the
    /// history): every file is parsed before anything is written, and the rates are written in
    /// one transaction, so a bad file or a failed write leaves the stored rates as they were.
    pub async fn sync_fx(&self, publications: &[EcbPublication]) -> AppResult<FxSyncReport> {
        let mut merged: Option<EcbSheet> = None;
        for publication in publications {
            let sheet = fx::parse_ecb_csv(&publication.text)
                .map_err(|error| AppError::field(publication.source.clone(), error.to_string()))?;
            merged = Some(match merged {
                None => sheet,
                Some(newer) => newer.merge(sheet),
            });
        }
        let sheet = merged.ok_or_else(|| AppError::field("publications", "nothing was fetched"))?;
        let previous_newest = self.store.newest_fx_date().await?;
        let stored: BTreeSet<NaiveDate> = self
            .store
            .fx_rate_dates(sheet.first_date, sheet.last_date)
            .await?
            .into_iter()
            .collect();
        let days = sheet.dates();
        let new_days: Vec<NaiveDate> = days
            .iter()
            .filter(|day| !stored.contains(day))
            .copied()
            .collect();
        // Retired currencies are served from the shipped history (see `reference`).
        let in_force: Vec<PublishedRate> = sheet
            .rates
            .into_iter()
            .filter(|rate| rate.currency.retired_on().is_none())
            .collect();
        let rates = self.store.upsert_fx_rates(&in_force).await?;
        self.cache.forget();
        // The rates are in: a failure from here on must not read as "nothing imported".
        let (unpinned, unpin_error) = match self.lift_pin_if_fresh().await {
            Ok(day) => (day, None),
            Err(error) => (None, Some(error.to_string())),
        };
        let newest = previous_newest.map_or(sheet.last_date, |day| day.max(sheet.last_date));
        Ok(FxSyncReport {
            days: days.len(),
            new_days,
            rates,
            newest,
            previous_newest,
            unpinned,
            unpin_error,
            stale: rates_are_stale(
                Some(newest),
                self.now().date_naive(),
                self.config.fx_max_gap_days,
            ),
        })
    }

    /// A server's minute check: rates imported by another process (`fx sync`, `fx import`)
    /// reach this one's caches, a pin stored or lifted elsewhere applies here, and a pin that
    /// fresh rates have overtaken is lifted (should the import's own attempt have failed).
    pub async fn follow_fx_changes(&self) -> AppResult<()> {
        let newest = self.store.newest_fx_date().await?;
        let changed = self
            .newest_seen
            .lock()
            .map(|mut seen| std::mem::replace(&mut *seen, newest) != newest)
            .unwrap_or(true);
        if changed {
            self.cache.forget();
            self.lift_pin_if_fresh().await?;
        }
        self.load_pricing_pin().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[rstest]
    // Winter (CET, UTC+1): 16:15 in Frankfurt is 15:15 UTC.
    #[case::winter_morning("2026-12-07T08:00:00Z", "2026-12-07T15:15:00Z")]
    #[case::winter_just_after("2026-12-07T15:15:01Z", "2026-12-08T15:15:00Z")]
    // Friday afternoon: the next run is Monday's.
    #[case::friday_evening("2026-12-11T18:00:00Z", "2026-12-14T15:15:00Z")]
    #[case::sunday("2026-12-13T12:00:00Z", "2026-12-14T15:15:00Z")]
    // Summer (CEST, UTC+2): 14:15 UTC.
    #[case::summer("2026-07-01T10:00:00Z", "2026-07-01T14:15:00Z")]
    // The night of the spring change (Sunday 29 March 2026) and the Monday after.
    #[case::spring_change("2026-03-27T16:00:00Z", "2026-03-30T14:15:00Z")]
    #[case::autumn_change("2026-10-23T20:00:00Z", "2026-10-26T15:15:00Z")]
    // 23:30 UTC on Monday is already Tuesday in Frankfurt.
    #[case::late_utc_is_tomorrow_there("2026-12-07T23:30:00Z", "2026-12-08T15:15:00Z")]
    fn the_daily_sync_runs_after_the_ecb_publishes(#[case] now: &str, #[case] expected: &str) {
        assert_eq!(next_sync_at(utc(now)), utc(expected));
    }

    #[rstest]
    #[case::same_day("2026-10-30", "2026-10-30", false)]
    #[case::at_the_limit("2026-10-30", "2026-11-06", false)]
    #[case::one_past("2026-10-30", "2026-11-07", true)]
    fn rates_go_stale_past_the_gap_limit(
        #[case] newest: &str,
        #[case] today: &str,
        #[case] stale: bool,
    ) {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date");
        assert_eq!(rates_are_stale(Some(day(newest)), day(today), 7), stale);
        assert!(rates_are_stale(None, day(today), 7));
    }
}
