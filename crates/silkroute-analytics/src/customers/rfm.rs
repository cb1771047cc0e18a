//! RFM: recency, frequency and monetary value scored 1–5 against the rest of the customer
//! base, and the named segments marketing acts on.
//!
//! Scores are relative (quintiles), so they say "better than most of this store's buyers",
//! not "good" in any absolute sense; a segment's meaning shifts as the base changes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{CustomerOrder, purchase_days};

/// The common 11-segment RFM map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RfmSegment {
    Champions,
    Loyal,
    PotentialLoyalist,
    NewCustomers,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CannotLoseThem,
    Hibernating,
    Lost,
}

impl RfmSegment {
    /// Every segment, from most to least valuable to keep, the order reports list them in.
    pub const ALL: [RfmSegment; 11] = [
        RfmSegment::Champions,
        RfmSegment::Loyal,
        RfmSegment::PotentialLoyalist,
        RfmSegment::NewCustomers,
        RfmSegment::Promising,
        RfmSegment::NeedAttention,
        RfmSegment::AboutToSleep,
        RfmSegment::AtRisk,
        RfmSegment::CannotLoseThem,
        RfmSegment::Hibernating,
        RfmSegment::Lost,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RfmSegment::Champions => "Champions",
            RfmSegment::Loyal => "Loyal",
            RfmSegment::PotentialLoyalist => "Potential loyalist",
            RfmSegment::NewCustomers => "New customers",
            RfmSegment::Promising => "Promising",
            RfmSegment::NeedAttention => "Need attention",
            RfmSegment::AboutToSleep => "About to sleep",
            RfmSegment::AtRisk => "At risk",
            RfmSegment::CannotLoseThem => "Cannot lose them",
            RfmSegment::Hibernating => "Hibernating",
            RfmSegment::Lost => "Lost",
        }
    }

    /// The segment of a recency score R and a combined frequency-monetary score FM, both
    /// 1–5 (out-of-range scores are clamped). The grid is the widely used R × F segment map
    /// with FM in place of F, and its bottom-left corner split into Hibernating (R 2) and
    /// Lost (R 1):
    ///
    /// ```text
    ///        FM:  1              2              3              4           5
    /// R 5    New customers  Potential loy. Potential loy. Champions   Champions
    /// R 4    Promising      Potential loy. Potential loy. Loyal       Loyal
    /// R 3    About to sleep About to sleep Need attention Loyal       Loyal
    /// R 2    Hibernating    Hibernating    At risk        At risk     Cannot lose them
    /// R 1    Lost           Lost           At risk        At risk     Cannot lose them
    /// ```
    pub fn from_scores(recency: u8, frequency_monetary: u8) -> RfmSegment {
        match (recency.clamp(1, 5), frequency_monetary.clamp(1, 5)) {
            (5, 1) => RfmSegment::NewCustomers,
            (4, 1) => RfmSegment::Promising,
            (4..=5, 2..=3) => RfmSegment::PotentialLoyalist,
            (5, 4..=5) => RfmSegment::Champions,
            (3..=4, 4..=5) => RfmSegment::Loyal,
            (3, 3) => RfmSegment::NeedAttention,
            (3, 1..=2) => RfmSegment::AboutToSleep,
            (1..=2, 5) => RfmSegment::CannotLoseThem,
            (1..=2, 3..=4) => RfmSegment::AtRisk,
            (2, 1..=2) => RfmSegment::Hibernating,
            // (1, 1..=2), and nothing else after the clamps.
            _ => RfmSegment::Lost,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RfmScore {
    pub buyer_id: String,
    /// Days from the last order to `as_of`.
    pub recency_days: i64,
    /// Distinct order days, so a basket split into several orders counts once.
    pub frequency: u32,
    /// Sum of all orders, minor units.
    pub monetary_minor: i64,
    pub recency_score: u8,
    pub frequency_score: u8,
    pub monetary_score: u8,
    /// The segment from R and FM = (F + M) / 2 rounded half up (a buyer between two FM
    /// bands gets the benefit of the doubt).
    pub segment: RfmSegment,
}

/// Scores every buyer with an order on or before `as_of` (later orders are ignored, so a
/// past date gives the RFM picture as it was then). Sorted by buyer id.
///
/// Each dimension is ranked from worst to best (longest silence, fewest order days, least
/// spend first), ties broken by buyer id so equal values get a reproducible order, and the
/// score is the quintile of the rank's midpoint: ⌊(rank + ½) · 5 / n⌋ + 1. Equal values can
/// thus straddle two quintiles, as with SQL's NTILE; the midpoint puts a lone buyer in the
/// middle (3) rather than at an arbitrary end.
pub fn rfm(orders: &[CustomerOrder], as_of: NaiveDate) -> Vec<RfmScore> {
    let mut scores: Vec<RfmScore> = purchase_days(orders.iter().filter(|o| o.day <= as_of))
        .into_iter()
        .filter_map(|(buyer_id, days)| {
            let (&last, _) = days.last_key_value()?;
            Some(RfmScore {
                buyer_id: buyer_id.to_owned(),
                recency_days: (as_of - last).num_days(),
                frequency: u32::try_from(days.len()).unwrap_or(u32::MAX),
                monetary_minor: days.values().fold(0i64, |sum, a| sum.saturating_add(*a)),
                recency_score: 0,
                frequency_score: 0,
                monetary_score: 0,
                segment: RfmSegment::Lost,
            })
        })
        .collect();

    let n = scores.len();
    let mut ranked: Vec<usize> = (0..n).collect();
    // Recency: larger is worse, so it sorts first.
    ranked.sort_by(|&i, &j| {
        let (x, y) = (&scores[i], &scores[j]);
        y.recency_days
            .cmp(&x.recency_days)
            .then_with(|| x.buyer_id.cmp(&y.buyer_id))
    });
    for (rank, &i) in ranked.iter().enumerate() {
        scores[i].recency_score = quintile(rank, n);
    }
    ranked.sort_by(|&i, &j| {
        let (x, y) = (&scores[i], &scores[j]);
        x.frequency
            .cmp(&y.frequency)
            .then_with(|| x.buyer_id.cmp(&y.buyer_id))
    });
    for (rank, &i) in ranked.iter().enumerate() {
        scores[i].frequency_score = quintile(rank, n);
    }
    ranked.sort_by(|&i, &j| {
        let (x, y) = (&scores[i], &scores[j]);
        x.monetary_minor
            .cmp(&y.monetary_minor)
            .then_with(|| x.buyer_id.cmp(&y.buyer_id))
    });
    for (rank, &i) in ranked.iter().enumerate() {
        scores[i].monetary_score = quintile(rank, n);
    }
    for score in &mut scores {
        let fm = (score.frequency_score + score.monetary_score).div_ceil(2);
        score.segment = RfmSegment::from_scores(score.recency_score, fm);
    }
    scores
}

/// 1–5 for the 0-based `rank` (0 = worst) among `n`.
fn quintile(rank: usize, n: usize) -> u8 {
    let (rank, n) = (rank as u128, n.max(1) as u128);
    let score = (2 * rank + 1) * 5 / (2 * n) + 1;
    u8::try_from(score.min(5)).unwrap_or(5)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SegmentSummary {
    pub segment: RfmSegment,
    pub buyers: usize,
    /// Share of all scored buyers, as an exact decimal (to Decimal's 28 digits when the
    /// fraction doesn't terminate).
    pub share: Decimal,
    /// The segment's buyers' total spend, minor units.
    pub monetary_minor: i64,
}

/// Buyers and spend per segment, all eleven segments in [`RfmSegment::ALL`] order (empty ones
/// included, so reports keep a stable shape); empty when there are no scores.
pub fn rfm_segments(scores: &[RfmScore]) -> Vec<SegmentSummary> {
    if scores.is_empty() {
        return Vec::new();
    }
    let mut totals: BTreeMap<RfmSegment, (usize, i64)> = BTreeMap::new();
    for score in scores {
        let (buyers, monetary) = totals.entry(score.segment).or_insert((0, 0));
        *buyers += 1;
        *monetary = monetary.saturating_add(score.monetary_minor);
    }
    let all = Decimal::from(scores.len());
    RfmSegment::ALL
        .iter()
        .map(|&segment| {
            let (buyers, monetary_minor) = totals.get(&segment).copied().unwrap_or((0, 0));
            SegmentSummary {
                segment,
                buyers,
                share: Decimal::from(buyers)
                    .checked_div(all)
                    .unwrap_or(Decimal::ZERO),
                monetary_minor,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, d).unwrap()
    }

    fn order(buyer: &str, on: NaiveDate, amount_minor: i64) -> CustomerOrder {
        CustomerOrder {
            buyer_id: buyer.into(),
            day: on,
            amount_minor,
        }
    }

    #[test]
    fn the_grid_is_the_documented_one() {
        use RfmSegment::*;
        let grid = [
            [
                NewCustomers,
                PotentialLoyalist,
                PotentialLoyalist,
                Champions,
                Champions,
            ],
            [
                Promising,
                PotentialLoyalist,
                PotentialLoyalist,
                Loyal,
                Loyal,
            ],
            [AboutToSleep, AboutToSleep, NeedAttention, Loyal, Loyal],
            [Hibernating, Hibernating, AtRisk, AtRisk, CannotLoseThem],
            [Lost, Lost, AtRisk, AtRisk, CannotLoseThem],
        ];
        for (row, r) in grid.iter().zip((1..=5u8).rev()) {
            for (&segment, fm) in row.iter().zip(1..=5u8) {
                assert_eq!(RfmSegment::from_scores(r, fm), segment, "R {r} FM {fm}");
            }
        }
        assert_eq!(RfmSegment::from_scores(0, 9), RfmSegment::CannotLoseThem);
    }

    #[test]
    fn quintiles_use_the_rank_midpoint() {
        let scores = |n: usize| (0..n).map(|rank| quintile(rank, n)).collect::<Vec<_>>();
        assert_eq!(scores(1), [3]);
        assert_eq!(scores(2), [2, 4]);
        assert_eq!(scores(5), [1, 2, 3, 4, 5]);
        assert_eq!(scores(10), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(scores(7), [1, 2, 2, 3, 4, 4, 5]);
    }

    fn five_buyers() -> Vec<CustomerOrder> {
        vec![
            order("a", day(2, 1), 10_000),
            order("a", day(3, 1), 10_000),
            order("a", day(3, 20), 10_000),
            order("a", day(3, 30), 10_000),
            order("a", day(4, 2), 99_999), // after as_of: ignored
            order("b", day(3, 25), 500),
            order("c", day(3, 11), 1_000),
            order("d", day(1, 20), 10_000),
            order("d", day(1, 31), 6_000),
            order("d", day(1, 31), 4_000), // same day: one order day
            order("e", day(1, 1), 10_000),
            order("e", day(1, 5), 10_000),
            order("e", day(1, 11), 10_000),
        ]
    }

    #[test]
    fn scores_and_segments_of_a_small_base() {
        let scores = rfm(&five_buyers(), day(3, 31));
        let got: Vec<_> = scores
            .iter()
            .map(|s| {
                (
                    s.buyer_id.as_str(),
                    s.recency_days,
                    s.frequency,
                    s.monetary_minor,
                    [s.recency_score, s.frequency_score, s.monetary_score],
                    s.segment,
                )
            })
            .collect();
        use RfmSegment::*;
        assert_eq!(
            got,
            [
                ("a", 1, 4, 40_000, [5, 5, 5], Champions),
                // b and c tie on frequency; b sorts first by id so ranks lower.
                ("b", 6, 1, 500, [4, 1, 1], Promising),
                ("c", 20, 1, 1_000, [3, 2, 2], AboutToSleep),
                ("d", 60, 2, 20_000, [2, 3, 3], AtRisk),
                ("e", 80, 3, 30_000, [1, 4, 4], AtRisk),
            ]
        );

        let segments = rfm_segments(&scores);
        assert_eq!(segments.len(), RfmSegment::ALL.len());
        let find = |segment| segments.iter().find(|s| s.segment == segment).unwrap();
        assert_eq!(
            *find(AtRisk),
            SegmentSummary {
                segment: AtRisk,
                buyers: 2,
                share: Decimal::new(4, 1),
                monetary_minor: 50_000
            }
        );
        assert_eq!(find(Champions).monetary_minor, 40_000);
        assert_eq!(find(Lost).buyers, 0);
        assert_eq!(find(Lost).share, Decimal::ZERO);
        assert_eq!(segments.iter().map(|s| s.buyers).sum::<usize>(), 5);
        assert_eq!(
            segments.iter().map(|s| s.share).sum::<Decimal>(),
            Decimal::ONE
        );
    }

    #[test]
    fn nothing_in_nothing_out() {
        assert!(rfm(&[], day(3, 31)).is_empty());
        // Only e had ordered by 1 January.
        assert_eq!(rfm(&five_buyers(), day(1, 1)).len(), 1);
        assert!(rfm_segments(&[]).is_empty());
    }
}
