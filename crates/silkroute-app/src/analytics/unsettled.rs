//! What a refresh leaves behind its marks. The marks stay a margin behind now, so the newest
//! changes are read again by the next refresh; remembering what they were tells that refresh
//! there is nothing new.

use chrono::{DateTime, Utc};
use silkroute_store::{ChangedEvent, ChangedOrder};

/// The changes a refresh read that lie after its marks (the marks stay a margin behind now),
/// fingerprinted: how many and the sum of their timestamps. Orders only ever move their
/// `updated_at` forward and events never change, so any new or changed row alters it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsettled {
    order_mark: Option<DateTime<Utc>>,
    event_mark: Option<DateTime<Utc>>,
    orders: (usize, i128),
    events: (usize, i128),
    pub(super) orders_last: Option<DateTime<Utc>>,
    pub(super) events_last: Option<DateTime<Utc>>,
}

impl Unsettled {
    pub(super) fn of(
        order_mark: Option<DateTime<Utc>>,
        orders: &[ChangedOrder],
        event_mark: Option<DateTime<Utc>>,
        events: &[ChangedEvent],
    ) -> Unsettled {
        fn print(times: impl Iterator<Item = DateTime<Utc>>) -> (usize, i128) {
            times.fold((0, 0), |(n, sum), at| {
                (n + 1, sum + i128::from(at.timestamp_micros()))
            })
        }
        Unsettled {
            order_mark,
            event_mark,
            orders: print(orders.iter().map(|o| o.updated_at)),
            events: print(events.iter().map(|e| e.received_at)),
            orders_last: orders.iter().map(|o| o.updated_at).max(),
            events_last: events.iter().map(|e| e.received_at).max(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.orders.0 == 0 && self.events.0 == 0
    }

    /// The newest change read.
    pub(super) fn last(&self) -> Option<DateTime<Utc>> {
        self.orders_last.max(self.events_last)
    }
}
