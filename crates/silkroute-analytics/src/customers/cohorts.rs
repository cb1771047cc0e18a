//! Acquisition and retention by calendar month: how many buyers each month were new, and how
//! each month's newly acquired buyers keep coming back.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{CustomerOrder, month_of, months_between, next_month};

/// One month's buyers split by whether the month saw their first order ever.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MonthBuyers {
    /// First day of the month.
    pub month: NaiveDate,
    pub new_buyers: usize,
    /// Buyers of the month whose first order was in an earlier month.
    pub returning_buyers: usize,
}

/// New and returning buyers for each month from `from_month`'s through `to_month`'s
/// (any day of a month stands for it), months without buyers included as zeros so the series
/// has no gaps; empty if `to_month` precedes `from_month`.
///
/// "New" is judged against all the orders passed in, including those before `from_month`:
/// pass the full history, or earlier buyers will be miscounted as new.
pub fn new_vs_returning(
    orders: &[CustomerOrder],
    from_month: NaiveDate,
    to_month: NaiveDate,
) -> Vec<MonthBuyers> {
    let (from, to) = (month_of(from_month), month_of(to_month));
    let mut first_month: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    let mut active: BTreeMap<NaiveDate, HashSet<&str>> = BTreeMap::new();
    for order in orders {
        let month = month_of(order.day);
        first_month
            .entry(order.buyer_id.as_str())
            .and_modify(|first| *first = (*first).min(month))
            .or_insert(month);
        if (from..=to).contains(&month) {
            active
                .entry(month)
                .or_default()
                .insert(order.buyer_id.as_str());
        }
    }

    let mut months = Vec::new();
    let mut month = Some(from);
    while let Some(current) = month.filter(|m| *m <= to) {
        let buyers = active.get(&current);
        let new_buyers = buyers.map_or(0, |buyers| {
            buyers
                .iter()
                .filter(|b| first_month.get(*b) == Some(&current))
                .count()
        });
        months.push(MonthBuyers {
            month: current,
            new_buyers,
            returning_buyers: buyers.map_or(0, HashSet::len) - new_buyers,
        });
        month = next_month(current);
    }
    months
}

/// Buyers of a cohort who ordered in its `months_since`-th month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CohortCell {
    /// 0 is the acquisition month itself, so its retention is always 1.
    pub months_since: usize,
    pub active_buyers: usize,
    /// `active_buyers / buyers` as a decimal: exact when the fraction terminates, else to
    /// Decimal's 28 digits (the counts give the exact fraction).
    pub retention: Decimal,
}

/// The buyers whose first order fell in `cohort`'s month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CohortRow {
    /// First day of the acquisition month.
    pub cohort: NaiveDate,
    pub buyers: usize,
    /// One cell per month from 0 up to `max_months` or the `as_of` month, whichever is
    /// first; no cells for months that have not begun.
    pub cells: Vec<CohortCell>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CohortMatrix {
    pub as_of: NaiveDate,
    pub max_months: usize,
    /// Oldest cohort first.
    pub cohorts: Vec<CohortRow>,
}

/// The monthly retention matrix of every cohort acquired by `as_of`, counting orders up to
/// and including `as_of` (so the `as_of` month is partial, and its cells will grow). Months
/// are calendar months: a buyer acquired on the 31st is in month 1 the next day.
pub fn cohorts(orders: &[CustomerOrder], as_of: NaiveDate, max_months: usize) -> CohortMatrix {
    let mut months_by_buyer: BTreeMap<&str, BTreeSet<NaiveDate>> = BTreeMap::new();
    for order in orders.iter().filter(|o| o.day <= as_of) {
        months_by_buyer
            .entry(order.buyer_id.as_str())
            .or_default()
            .insert(month_of(order.day));
    }

    let last_month = month_of(as_of);
    // cohort month -> (cohort size, active buyers per months_since).
    let mut rows: BTreeMap<NaiveDate, (usize, Vec<usize>)> = BTreeMap::new();
    for months in months_by_buyer.values() {
        let Some(&cohort) = months.first() else {
            continue;
        };
        let observed = usize::try_from(months_between(cohort, last_month)).unwrap_or(0);
        let width = observed.min(max_months).saturating_add(1);
        let (size, active) = rows.entry(cohort).or_insert_with(|| (0, vec![0; width]));
        *size += 1;
        for &month in months {
            let since = usize::try_from(months_between(cohort, month)).unwrap_or(usize::MAX);
            if let Some(count) = active.get_mut(since) {
                *count += 1;
            }
        }
    }

    let cohorts = rows
        .into_iter()
        .map(|(cohort, (buyers, active))| CohortRow {
            cohort,
            buyers,
            cells: active
                .into_iter()
                .enumerate()
                .map(|(months_since, active_buyers)| CohortCell {
                    months_since,
                    active_buyers,
                    retention: Decimal::from(active_buyers)
                        .checked_div(Decimal::from(buyers))
                        .unwrap_or(Decimal::ZERO),
                })
                .collect(),
        })
        .collect();
    CohortMatrix {
        as_of,
        max_months,
        cohorts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn history() -> Vec<CustomerOrder> {
        [
            ("a", day(2024, 1, 15)),
            ("a", day(2024, 2, 3)),
            ("a", day(2024, 4, 10)),
            ("b", day(2024, 1, 31)),
            ("b", day(2024, 2, 1)),
            ("c", day(2024, 2, 10)),
            ("c", day(2024, 2, 20)),
            ("c", day(2024, 3, 1)),
            ("d", day(2023, 12, 5)),
            ("d", day(2024, 2, 14)),
            ("e", day(2024, 4, 1)),
        ]
        .into_iter()
        .map(|(buyer, on)| CustomerOrder {
            buyer_id: buyer.into(),
            day: on,
            amount_minor: 100,
        })
        .collect()
    }

    #[test]
    fn splits_each_month_into_new_and_returning() {
        let months = new_vs_returning(&history(), day(2024, 1, 20), day(2024, 5, 5));
        let got: Vec<_> = months
            .iter()
            .map(|m| (m.month, m.new_buyers, m.returning_buyers))
            .collect();
        assert_eq!(
            got,
            [
                (day(2024, 1, 1), 2, 0),
                // d was new in December, before the range: returning, not new.
                (day(2024, 2, 1), 1, 3),
                (day(2024, 3, 1), 0, 1),
                (day(2024, 4, 1), 1, 1),
                (day(2024, 5, 1), 0, 0),
            ]
        );
        assert!(new_vs_returning(&history(), day(2024, 3, 1), day(2024, 2, 1)).is_empty());
        assert_eq!(
            new_vs_returning(&[], day(2024, 3, 1), day(2024, 3, 9)).len(),
            1
        );
    }

    /// (cohort, buyers, [(active buyers, retention)]) per row.
    type Row = (NaiveDate, usize, Vec<(usize, Decimal)>);

    fn rows(matrix: &CohortMatrix) -> Vec<Row> {
        matrix
            .cohorts
            .iter()
            .map(|row| {
                let cells = row
                    .cells
                    .iter()
                    .map(|c| (c.active_buyers, c.retention))
                    .collect();
                (row.cohort, row.buyers, cells)
            })
            .collect()
    }

    #[test]
    fn retention_matrix_by_calendar_month() {
        let matrix = cohorts(&history(), day(2024, 3, 31), 2);
        let (one, half, zero) = (Decimal::ONE, Decimal::new(5, 1), Decimal::ZERO);
        assert_eq!(
            rows(&matrix),
            [
                (day(2023, 12, 1), 1, vec![(1, one), (0, zero), (1, one)]),
                // b's 31 January and 1 February are months 0 and 1.
                (day(2024, 1, 1), 2, vec![(2, one), (2, one), (0, zero)]),
                // Only March has begun after February: no cell for April yet.
                (day(2024, 2, 1), 1, vec![(1, one), (1, one)]),
            ]
        );
        assert_eq!(matrix.cohorts[1].cells[2].months_since, 2);

        // A later as_of brings in e's cohort and a's April order, capped at max_months.
        let later = cohorts(&history(), day(2024, 4, 30), 3);
        let january = &later.cohorts[1];
        assert_eq!(january.cells.len(), 4);
        assert_eq!(
            (january.cells[3].active_buyers, january.cells[3].retention),
            (1, half)
        );
        assert_eq!(
            later.cohorts.last().map(|r| r.cohort),
            Some(day(2024, 4, 1))
        );
        assert_eq!(later.cohorts[0].cells.len(), 4);

        assert!(cohorts(&[], day(2024, 3, 31), 12).cohorts.is_empty());
        let only_month_zero = cohorts(&history(), day(2024, 3, 31), 0);
        assert!(only_month_zero.cohorts.iter().all(|r| r.cells.len() == 1));
    }
}
