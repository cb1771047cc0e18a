//! Analytics for sellers and the platform, pure like the domain: metric definitions computed
//! from facts passed in. Storage keeps the facts (and, later, rollups of them); this crate is
//! the one place that says what "visitors" or "payment conversion" means, so the API, the CLI
//! reports and an independent recomputation from exported facts all agree. Definitions:
//! `docs/METRICS.md`.

pub mod customers;
pub mod forecast;
pub mod overview;
pub mod products;
pub mod rollup;
