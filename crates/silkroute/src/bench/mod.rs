//! `silkroute bench …`: reproducible measurements against the real router on loopback, so that a
//! figure includes routing, JSON, pricing and the database exactly as a client sees them.

mod allocation;
mod analytics;
mod catalog;
mod checkout;
mod client;

use std::time::Duration;

use serde::Serialize;

pub use allocation::allocation_backlog;
pub use analytics::{AnalyticsOptions, analytics, print_analytics};
pub use catalog::catalog;
pub use checkout::{CheckoutOptions, checkout};

/// Milliseconds at a fraction of a sorted sample: nearest rank, so p99 of 100 is the 99th.
fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index].as_secs_f64() * 1_000.0
}

/// A latency distribution in milliseconds.
#[derive(Debug, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    fn of(mut samples: Vec<Duration>) -> Latency {
        samples.sort();
        Latency {
            p50_ms: percentile(&samples, 0.50),
            p99_ms: percentile(&samples, 0.99),
            max_ms: percentile(&samples, 1.0),
        }
    }
}
