//! Silkroute's document adapter: turns the logistics context's data — a label's addresses and
//! S10 number, a CN 22 / CN 23, a commercial invoice — into PDFs that print and scan. It is an
//! adapter (DESIGN.md §2): the pure crates decide what a document says; this crate only decides
//! where it goes on the page, and owns the PDF, font and barcode dependencies that come with it.

#![forbid(unsafe_code)]

pub mod barcode;
pub mod bench;
pub mod cn23;
pub mod commercial_invoice;
mod flow;
mod font;
mod format;
pub mod label;
pub mod manifest;
mod page;
pub mod sample;

pub use cn23::cn23_pdf;
pub use commercial_invoice::commercial_invoice_pdf;
pub use label::{Label, label_pdf};
pub use manifest::manifest_pdf;
