//! Writes the sample order's documents to a folder, to look at them: `cargo run -p
//! silkroute-documents --example write_samples -- /tmp/documents`.

use std::path::PathBuf;

use silkroute_domain::country::CountryCode;
use silkroute_logistics::tracking_number::S10Range;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "documents".into()),
    );
    std::fs::create_dir_all(&folder)?;
    let mut range = S10Range::new("RR", CountryCode::parse("CN")?, 12_345_670, 12_345_699)?;
    let order = silkroute_documents::sample::cn_to_de_order(range.issue()?)?;
    std::fs::write(
        folder.join("label.pdf"),
        silkroute_documents::label_pdf(&order.label),
    )?;
    std::fs::write(
        folder.join("cn23.pdf"),
        silkroute_documents::cn23_pdf(&order.cn23),
    )?;
    std::fs::write(
        folder.join("commercial_invoice.pdf"),
        silkroute_documents::commercial_invoice_pdf(&order.invoice),
    )?;
    println!("wrote {}", folder.display());
    Ok(())
}
