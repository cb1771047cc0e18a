//! When people buy across borders: a weekly rhythm (Sunday and Monday evenings are the busiest),
//! growth over the years, and the peaks every marketplace plans for — Singles' Day (11.11),
//! Black Friday to Cyber Monday, and the weeks before Christmas, with a lull over Christmas
//! itself. The demo spreads its orders over days by these weights.

use chrono::{Datelike, NaiveDate, Weekday};

/// Relative order volume on `date`; `years_before_end` lets the trend grow towards the end.
pub(super) fn demand_weight(date: NaiveDate, years_before_end: f64) -> f64 {
    let weekly = match date.weekday() {
        Weekday::Mon => 1.08,
        Weekday::Tue => 1.0,
        Weekday::Wed => 0.98,
        Weekday::Thu => 0.96,
        Weekday::Fri => 0.92,
        Weekday::Sat => 0.9,
        Weekday::Sun => 1.12,
    };
    // Cross-border e-commerce grew ~25 % a year in the markets the demo sells to.
    let trend = 1.0 / (1.0 + 0.25 * years_before_end);
    weekly * trend * peak(date)
}

fn peak(date: NaiveDate) -> f64 {
    let (month, day) = (date.month(), date.day());
    let black_friday = black_friday(date.year());
    let cyber_monday = black_friday + chrono::Duration::days(3);
    match (month, day) {
        (11, 11) => 4.5,
        (11, 10) | (11, 12) => 1.8,
        (12, 24..=26) => 0.6,
        (12, 1..=20) => 1.4,
        _ if date == black_friday => 3.2,
        _ if date == cyber_monday => 2.6,
        _ if date > black_friday && date < cyber_monday => 1.8,
        // Pre-11.11 browsing and cart building.
        (11, 1..=9) => 1.2,
        _ => 1.0,
    }
}

/// The day after the fourth Thursday of November.
fn black_friday(year: i32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, 11, 1).unwrap_or_default();
    let offset = (7 + Weekday::Thu.num_days_from_monday() as i64
        - first.weekday().num_days_from_monday() as i64)
        % 7;
    first + chrono::Duration::days(offset + 21 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn black_friday_is_the_day_after_thanksgiving() {
        assert_eq!(black_friday(2024), day("2024-11-29"));
        assert_eq!(black_friday(2025), day("2025-11-28"));
        assert_eq!(black_friday(2026), day("2026-11-27"));
    }

    #[test]
    fn the_peaks_outweigh_an_ordinary_day() {
        let ordinary = demand_weight(day("2025-10-15"), 0.0);
        assert!(demand_weight(day("2025-11-11"), 0.0) > 4.0 * ordinary);
        assert!(demand_weight(day("2025-11-28"), 0.0) > 2.5 * ordinary);
        assert!(demand_weight(day("2025-12-10"), 0.0) > ordinary);
        assert!(demand_weight(day("2025-12-25"), 0.0) < ordinary);
        // Sunday beats Saturday.
        assert!(demand_weight(day("2025-10-19"), 0.0) > demand_weight(day("2025-10-18"), 0.0));
        // Growth: the same day a year earlier sold less.
        assert!(demand_weight(day("2025-10-15"), 1.0) < ordinary);
    }
}
