//! How many documents a second this machine renders, for `silkroute bench documents` and the
//! `render_rate` example: labels, CN 23s and invoices in turn, on every core, for a fixed time.
//! Rendering is CPU-bound and shares nothing between documents, so threads scale it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::sample::SampleOrder;
use crate::{cn23_pdf, commercial_invoice_pdf, label_pdf};

/// What a run rendered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RenderRate {
    /// Labels, CN 23s and invoices, each counted as one document.
    pub documents: u64,
    pub bytes: u64,
    pub elapsed: Duration,
    pub threads: usize,
}

impl RenderRate {
    pub fn per_second(&self) -> f64 {
        self.documents as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    pub fn mean_document_bytes(&self) -> u64 {
        self.bytes / self.documents.max(1)
    }
}

/// Renders `order`'s label, CN 23 and invoice over and over on `threads` threads (at least one)
/// for about `duration`.
pub fn render_rate(order: &SampleOrder, duration: Duration, threads: usize) -> RenderRate {
    let threads = threads.max(1);
    let documents = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while started.elapsed() < duration {
                    let rendered = [
                        label_pdf(&order.label).len(),
                        cn23_pdf(&order.cn23).len(),
                        commercial_invoice_pdf(&order.invoice).len(),
                    ];
                    let size: usize = rendered.iter().sum();
                    documents.fetch_add(rendered.len() as u64, Ordering::Relaxed);
                    bytes.fetch_add(size as u64, Ordering::Relaxed);
                }
            });
        }
    });
    RenderRate {
        documents: documents.into_inner(),
        bytes: bytes.into_inner(),
        elapsed: started.elapsed(),
        threads,
    }
}
