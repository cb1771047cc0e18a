//! Local days and their grains: the calendar day of an instant in a time zone, the instants of
//! a run of days, and the week and month a day belongs to.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

/// The local calendar day of an instant.
pub fn local_day(zone: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// The instants `[start, end)` of local `days` `[first, last]` (midnight to midnight; a day
/// with a DST change is 23 or 25 hours long).
pub fn day_span(zone: Tz, first: NaiveDate, last: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        local_midnight(zone, first),
        local_midnight(zone, last + Duration::days(1)),
    )
}

fn local_midnight(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    // Midnight can fall in a DST gap (e.g. America/Santiago): take the day's first instant.
    let mut at = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..4 {
        if let Some(local) = zone.from_local_datetime(&at).earliest() {
            return local.with_timezone(&Utc);
        }
        at += Duration::minutes(30);
    }
    at.and_utc()
}

/// Monday of the day's ISO week.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// First day of the day's month.
pub fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}
