//! The commercial invoice (or pro forma) on A4, with every field of RULES.md §6.2: customs
//! values a courier shipment on it, and a missing Incoterm, HS code or origin stops it at the
//! border. Where the platform collected the import VAT (IOSS, UK VAT, VOEC) its number is
//! printed prominently, because that number is what keeps the buyer from paying the VAT again.

use silkroute_domain::money::Money;
use silkroute_logistics::postal_declaration::{
    CollectedTaxScheme, CommercialInvoice, ExportReason, InvoiceKind, PackageKind, QuantityUnit,
};

use crate::flow::{Align, Column, Flow};
use crate::font::Weight::{Bold, Regular};
use crate::format::{country_name, date, incoterm, kilograms, party_lines};
use crate::page::{A4_MM, Document};

/// Renders `invoice` on A4 (more pages when its lines do not fit on one).
pub fn commercial_invoice_pdf(invoice: &CommercialInvoice) -> Vec<u8> {
    let title = match invoice.kind {
        InvoiceKind::Commercial => "COMMERCIAL INVOICE",
        InvoiceKind::ProForma => "PRO FORMA INVOICE",
    };
    let mut flow = Flow::new(Document::new(format!("{title} {}", invoice.number), A4_MM));
    flow.line(16.0, Bold, title);
    flow.gap(1.0);
    flow.field("Invoice number", &invoice.number);
    flow.field("Invoice date (ship date)", &date(invoice.date));
    if let Some(tracking) = &invoice.tracking_number {
        flow.field("Air waybill / tracking number", tracking);
    }
    flow.gap(2.0);
    flow.two_blocks(
        ("EXPORTER / SELLER", &party_lines(&invoice.exporter)),
        ("IMPORTER / CONSIGNEE", &party_lines(&invoice.importer)),
    );
    if let Some(importer_of_record) = &invoice.importer_of_record {
        flow.two_blocks(
            ("IMPORTER OF RECORD", &party_lines(importer_of_record)),
            ("", &[]),
        );
    }
    shipment(&mut flow, invoice);
    lines(&mut flow, invoice);
    totals(&mut flow, invoice);
    flow.heading("Declaration");
    flow.paragraph(8.5, Regular, &invoice.declaration_statement);
    flow.signature(
        "Date, name and signature of the exporter",
        &date(invoice.signature.signed_on),
        &invoice.signature.signer,
    );
    flow.finish()
}

fn shipment(flow: &mut Flow, invoice: &CommercialInvoice) {
    flow.heading("Shipment");
    flow.field("Country of export", &country_name(invoice.export_country));
    flow.field(
        "Country of destination",
        &country_name(invoice.destination_country),
    );
    flow.field("Reason for export", export_reason(invoice.reason));
    flow.field(
        "Incoterm® 2020",
        &format!("{}, {}", incoterm(invoice.incoterm), invoice.incoterm_place),
    );
    flow.field("Currency", invoice.currency.as_str());
    if let Some(terms) = &invoice.payment_terms {
        flow.field("Payment terms", terms);
    }
    for packages in &invoice.packages {
        let marks = packages
            .marks
            .as_deref()
            .map_or_else(String::new, |marks| format!(", marks: {marks}"));
        flow.field(
            "Packages",
            &format!(
                "{} × {}{marks}",
                packages.count,
                package_kind(packages.kind)
            ),
        );
    }
    if let Some(collected) = &invoice.collected_tax {
        let (label, meaning) = match collected.scheme {
            CollectedTaxScheme::Ioss => ("IOSS number", "EU import VAT collected at sale"),
            CollectedTaxScheme::UkVat => ("UK VAT number", "UK VAT collected at sale"),
            CollectedTaxScheme::Voec => ("VOEC number", "Norwegian VAT collected at sale"),
        };
        flow.ensure(6.0);
        flow.field(label, &format!("{}  ({meaning})", collected.number));
    }
}

fn lines(flow: &mut Flow, invoice: &CommercialInvoice) {
    flow.heading("Goods");
    let columns = [
        Column {
            title: "HS code",
            width_mm: 17.0,
            align: Align::Left,
        },
        Column {
            title: "Description (SKU)",
            width_mm: 51.0,
            align: Align::Left,
        },
        Column {
            title: "Origin",
            width_mm: 12.0,
            align: Align::Left,
        },
        Column {
            title: "Quantity",
            width_mm: 18.0,
            align: Align::Right,
        },
        Column {
            title: "Unit value",
            width_mm: 20.0,
            align: Align::Right,
        },
        Column {
            title: "Total",
            width_mm: 22.0,
            align: Align::Right,
        },
        Column {
            title: "Currency",
            width_mm: 15.0,
            align: Align::Left,
        },
        Column {
            title: "Net / gross weight",
            width_mm: 25.0,
            align: Align::Right,
        },
    ];
    let rows: Vec<Vec<String>> = invoice
        .lines
        .iter()
        .map(|line| {
            let description = match &line.sku {
                Some(sku) => format!("{} ({sku})", line.description),
                None => line.description.clone(),
            };
            vec![
                line.hs_code.as_str().to_owned(),
                description,
                line.origin_country.to_string(),
                format!("{} {}", line.quantity, unit(line.unit)),
                line.unit_value.amount_string(),
                line.line_total.amount_string(),
                line.line_total.currency().to_string(),
                format!(
                    "{} / {}",
                    kilograms(line.net_weight_g).trim_end_matches(" kg"),
                    kilograms(line.gross_weight_g)
                ),
            ]
        })
        .collect();
    flow.table(&columns, &rows);
}

fn totals(flow: &mut Flow, invoice: &CommercialInvoice) {
    let goods = invoice
        .lines
        .iter()
        .map(|line| line.line_total.minor())
        .sum::<i64>();
    let net: u32 = invoice.lines.iter().map(|line| line.net_weight_g).sum();
    let gross: u32 = invoice.lines.iter().map(|line| line.gross_weight_g).sum();
    flow.total(
        "Total net / gross weight",
        &format!("{} / {}", kilograms(net), kilograms(gross)),
        Regular,
    );
    flow.total(
        "Goods",
        &Money::from_minor(goods, invoice.currency).format(),
        Regular,
    );
    flow.total("Freight", &invoice.charges.freight.format(), Regular);
    flow.total("Insurance", &invoice.charges.insurance.format(), Regular);
    flow.total("Other charges", &invoice.charges.other.format(), Regular);
    flow.total("Total invoice value", &invoice.total_value.format(), Bold);
}

fn export_reason(reason: ExportReason) -> &'static str {
    match reason {
        ExportReason::Sale => "Sale",
        ExportReason::Gift => "Gift",
        ExportReason::Sample => "Commercial sample",
        ExportReason::Repair => "Repair",
        ExportReason::Return => "Return",
        ExportReason::Other => "Other",
    }
}

fn unit(unit: QuantityUnit) -> &'static str {
    match unit {
        QuantityUnit::Piece => "pcs",
        QuantityUnit::Pair => "pairs",
        QuantityUnit::Set => "sets",
        QuantityUnit::Kilogram => "kg",
        QuantityUnit::Litre => "l",
        QuantityUnit::Metre => "m",
    }
}

fn package_kind(kind: PackageKind) -> &'static str {
    match kind {
        PackageKind::Box => "box",
        PackageKind::Envelope => "envelope",
        PackageKind::Bag => "bag",
        PackageKind::Crate => "crate",
        PackageKind::Pallet => "pallet",
    }
}
