//! Prints how many labels and customs documents a second this machine renders:
//! `cargo run --release -p silkroute-documents --example render_rate [seconds]`.

use std::time::Duration;

use silkroute_documents::bench::render_rate;
use silkroute_documents::sample::cn_to_de_order;
use silkroute_domain::country::CountryCode;
use silkroute_logistics::tracking_number::S10Range;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds: f64 = std::env::args().nth(1).map_or(Ok(3.0), |arg| arg.parse())?;
    let mut range = S10Range::new("RR", CountryCode::parse("CN")?, 12_345_670, 12_345_699)?;
    let order = cn_to_de_order(range.issue()?)?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    for threads in [1, threads] {
        let rate = render_rate(&order, Duration::from_secs_f64(seconds), threads);
        println!(
            "{threads} thread(s): {} documents in {:.2} s = {:.0} documents/s (label, CN 23, invoice in turn; {} bytes each on average)",
            rate.documents,
            rate.elapsed.as_secs_f64(),
            rate.per_second(),
            rate.mean_document_bytes(),
        );
    }
    Ok(())
}
