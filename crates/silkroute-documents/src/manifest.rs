//! The hand-over manifest on A4: where the parcels leave from, the carrier and the day, one row
//! per parcel (tracking number, order, destination, weight), the totals, and the lines the
//! driver and the warehouse sign — the moment liability for the parcels passes to the carrier.

use silkroute_logistics::address::PostalAddress;
use silkroute_logistics::manifest::ManifestSheet;

use crate::flow::{Align, Column, Flow};
use crate::font::Weight::{Bold, Regular};
use crate::format::{country_name, date, kilograms};
use crate::page::{A4_MM, Document};

/// Renders `sheet` on A4 (more pages when its parcels do not fit on one).
pub fn manifest_pdf(sheet: &ManifestSheet) -> Vec<u8> {
    let manifest = &sheet.manifest;
    let mut flow = Flow::new(Document::new(
        format!("Hand-over manifest {}", manifest.id),
        A4_MM,
    ));
    flow.line(16.0, Bold, "HAND-OVER MANIFEST");
    flow.gap(1.0);
    flow.field("Manifest", manifest.id.as_str());
    flow.field("Date", &date(manifest.created_at.date_naive()));
    flow.field(
        "Time (UTC)",
        &manifest.created_at.format("%H:%M").to_string(),
    );
    let carrier = manifest
        .carrier
        .clone()
        .unwrap_or_else(|| "all carriers".to_owned());
    flow.field("Carrier", &carrier);
    flow.gap(2.0);
    flow.two_blocks(
        (
            "DISPATCHED FROM",
            &warehouse_lines(&sheet.warehouse_name, sheet.warehouse_address.as_ref()),
        ),
        (
            "COLLECTED BY",
            &[carrier, format!("{} parcel(s)", sheet.parcels.len())],
        ),
    );
    parcels(&mut flow, sheet);
    flow.total("Parcels", &sheet.parcels.len().to_string(), Regular);
    let total_weight = u32::try_from(sheet.total_weight_g()).unwrap_or(u32::MAX);
    flow.total("Total gross weight", &kilograms(total_weight), Bold);
    flow.gap(2.0);
    flow.paragraph(
        8.5,
        Regular,
        "Received the parcels listed above in apparent good order. Parcels marked \"no\" under \
         Verified were handed over without a packing scan.",
    );
    let day = date(manifest.created_at.date_naive());
    flow.signature("Date, name and signature of the carrier's driver", &day, "");
    flow.signature("Date, name and signature for the warehouse", &day, "");
    flow.finish()
}

fn parcels(flow: &mut Flow, sheet: &ManifestSheet) {
    flow.heading("Parcels");
    let columns = [
        Column {
            title: "#",
            width_mm: 8.0,
            align: Align::Right,
        },
        Column {
            title: "Tracking number",
            width_mm: 34.0,
            align: Align::Left,
        },
        Column {
            title: "Carrier",
            width_mm: 18.0,
            align: Align::Left,
        },
        Column {
            title: "Order",
            width_mm: 64.0,
            align: Align::Left,
        },
        Column {
            title: "To",
            width_mm: 16.0,
            align: Align::Left,
        },
        Column {
            title: "Weight",
            width_mm: 22.0,
            align: Align::Right,
        },
        Column {
            title: "Verified",
            width_mm: 18.0,
            align: Align::Left,
        },
    ];
    let rows: Vec<Vec<String>> = sheet
        .parcels
        .iter()
        .enumerate()
        .map(|(index, parcel)| {
            vec![
                (index + 1).to_string(),
                parcel.tracking_number.clone(),
                parcel.carrier.clone(),
                parcel.order_id.clone(),
                parcel.destination.to_string(),
                kilograms(parcel.weight_g),
                if parcel.packed { "yes" } else { "no" }.to_owned(),
            ]
        })
        .collect();
    flow.table(&columns, &rows);
}

/// The warehouse's name over its address, or the name alone when it has none on file.
fn warehouse_lines(name: &str, address: Option<&PostalAddress>) -> Vec<String> {
    let mut lines = vec![name.to_owned()];
    let Some(address) = address else {
        return lines;
    };
    lines.extend(address.organisation.clone());
    lines.push(address.recipient.clone());
    lines.extend(address.street_lines.iter().cloned());
    let town = [address.postal_code.as_deref(), address.city.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !town.is_empty() {
        lines.push(town);
    }
    lines.push(country_name(address.country));
    lines.retain(|line| !line.is_empty());
    lines
}
