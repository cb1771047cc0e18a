//! The CN 23 customs declaration on A4: the form a postal item needs above 300 SDR, for postal
//! parcels, or when the service or destination asks for it (RULES.md §6.1). It carries what a
//! CN 22 does plus the parties, the importer's references, licences, certificates, the invoice,
//! postal charges and the office of posting; the SDR value the form was chosen on is printed
//! with its rate, so a customs officer can see why it is a CN 23.

use silkroute_logistics::postal_declaration::{FormReason, PostalDeclaration};

use crate::barcode::{self, Code128};
use crate::flow::{Align, Column, Flow};
use crate::font::Weight::{Bold, Regular};
use crate::format::{CATEGORIES, POSTAL_CERTIFICATE, date, kilograms, party_lines};
use crate::page::{A4_MM, Document, text_width_mm};

/// Renders `declaration` as an A4 CN 23 (more pages when the items do not fit on one).
pub fn cn23_pdf(declaration: &PostalDeclaration) -> Vec<u8> {
    let title = match &declaration.item_id {
        Some(item_id) => format!("CN 23 {}", item_id.as_str()),
        None => "CN 23".to_owned(),
    };
    let mut flow = Flow::new(Document::new(title, A4_MM));
    header(&mut flow, declaration);
    parties(&mut flow, declaration);
    items(&mut flow, declaration);
    category(&mut flow, declaration);
    references(&mut flow, declaration);
    flow.heading("Certificate");
    flow.paragraph(8.0, Regular, POSTAL_CERTIFICATE);
    flow.signature(
        "Date and sender's signature",
        &date(declaration.signature.signed_on),
        &declaration.signature.signer,
    );
    flow.finish()
}

fn header(flow: &mut Flow, declaration: &PostalDeclaration) {
    let top = flow.y;
    flow.line(16.0, Bold, "CUSTOMS DECLARATION  CN 23");
    flow.line(8.0, Regular, "May be opened officially");
    if let Some(item_id) = &declaration.item_id {
        // The item's S10 number as on its label, so the form and the item can be matched.
        let right = flow.left() + flow.width();
        if let Ok(code) = Code128::encode(item_id.as_str()) {
            barcode::draw(
                &mut flow.document,
                &code,
                right - 75.0,
                top,
                75.0,
                12.0,
                0.45,
            );
        }
        let spaced = item_id.spaced();
        flow.document
            .text_right(right - 10.0, top + 16.5, 10.0, Bold, &spaced);
    }
    flow.y = flow.y.max(top + 19.0);
    let contents = &declaration.contents;
    let reason = match declaration.reason {
        FormReason::WithinCn22Limit => "contents up to 300 SDR, CN 23 at the sender's choice",
        FormReason::AboveCn22Limit => "contents above 300 SDR",
        FormReason::PostalParcel => "postal parcel",
        FormReason::Cn23Required => "required by the service or the destination",
    };
    flow.paragraph(
        8.0,
        Regular,
        &format!(
            "CN 23: {reason}. Contents {} = {} SDR at {} {} per SDR (ECB rates of {}, SDR basket of {}).",
            contents.amount.format(),
            contents.sdr,
            contents.per_sdr.round_dp(6),
            contents.amount.currency(),
            date(contents.rates_date),
            date(contents.basket_effective_from),
        ),
    );
}

fn parties(flow: &mut Flow, declaration: &PostalDeclaration) {
    let Some(parties) = &declaration.parties else {
        return;
    };
    flow.gap(2.0);
    flow.two_blocks(
        ("FROM (SENDER)", &party_lines(&parties.sender)),
        ("TO (ADDRESSEE)", &party_lines(&parties.addressee)),
    );
    let importer = [
        (
            "Importer's reference (tax / VAT / importer code)",
            &parties.importer_reference,
        ),
        ("Importer's telephone", &parties.importer_phone),
        ("Importer's e-mail", &parties.importer_email),
    ];
    for (label, value) in importer {
        if let Some(value) = value {
            flow.field(label, value);
        }
    }
}

fn items(flow: &mut Flow, declaration: &PostalDeclaration) {
    let currency = declaration.total_value.currency();
    flow.heading("Contents");
    let columns = [
        Column {
            title: "Detailed description of contents",
            width_mm: 66.0,
            align: Align::Left,
        },
        Column {
            title: "Quantity",
            width_mm: 16.0,
            align: Align::Right,
        },
        Column {
            title: "Net weight",
            width_mm: 20.0,
            align: Align::Right,
        },
        Column {
            title: "Value",
            width_mm: 24.0,
            align: Align::Right,
        },
        Column {
            title: "Currency",
            width_mm: 16.0,
            align: Align::Left,
        },
        Column {
            title: "HS tariff number",
            width_mm: 22.0,
            align: Align::Left,
        },
        Column {
            title: "Country of origin",
            width_mm: 16.0,
            align: Align::Left,
        },
    ];
    let rows: Vec<Vec<String>> = declaration
        .items
        .iter()
        .map(|item| {
            vec![
                item.description.clone(),
                item.quantity.to_string(),
                kilograms(item.net_weight_g),
                item.value.amount_string(),
                item.value.currency().to_string(),
                item.hs_code
                    .as_ref()
                    .map(|code| code.as_str().to_owned())
                    .unwrap_or_default(),
                item.origin_country
                    .map(|country| country.to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    flow.table(&columns, &rows);
    flow.total(
        "Total gross weight",
        &kilograms(declaration.total_weight_g),
        Bold,
    );
    flow.total("Total value", &declaration.total_value.format(), Bold);
    let charges = declaration
        .postal_charges
        .map_or_else(|| format!("— {currency}"), |charges| charges.format());
    flow.total("Postal charges / fees", &charges, Regular);
}

fn category(flow: &mut Flow, declaration: &PostalDeclaration) {
    flow.heading("Category of item");
    flow.ensure(6.0);
    let baseline = flow.y + 3.5;
    let mut x = flow.left();
    for (category, name) in CATEGORIES {
        flow.document
            .check_box(x, baseline, 8.0, declaration.category == category, name);
        x += text_width_mm(name, 8.0, Regular) + 10.0;
    }
    flow.gap(5.5);
    if let Some(explanation) = &declaration.category_explanation {
        flow.field("Explanation", explanation);
    }
}

fn references(flow: &mut Flow, declaration: &PostalDeclaration) {
    flow.heading("Documents and remarks");
    let joined = |numbers: &[String]| {
        if numbers.is_empty() {
            "none".to_owned()
        } else {
            numbers.join(", ")
        }
    };
    flow.field("Licence numbers", &joined(&declaration.licence_numbers));
    flow.field(
        "Certificate numbers",
        &joined(&declaration.certificate_numbers),
    );
    flow.field(
        "Invoice number",
        declaration.invoice_number.as_deref().unwrap_or("none"),
    );
    flow.field(
        "Comments (e.g. goods subject to quarantine)",
        declaration.comments.as_deref().unwrap_or("none"),
    );
    flow.field(
        "Office of posting",
        declaration.office_of_posting.as_deref().unwrap_or(""),
    );
}
