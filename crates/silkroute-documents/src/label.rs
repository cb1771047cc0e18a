//! The 100 × 150 mm shipping label: who it is from and for, the service, weight and order, the
//! S10 tracking number as text and Code 128, and — for letter-post goods worth up to 300 SDR —
//! the CN 22 declaration, which travels on the label itself (RULES.md §6.1). A CN 23 does not
//! fit on a label; the label then says one is attached, and [`crate::cn23_pdf`] prints it.
//!
//! Addresses are printed in their country's Latin layout (`Script::Latin`, the metadata's
//! `lfmt`): the embedded Noto Sans has no CJK glyphs (a CJK face would add ~10 MB to the binary),
//! and a label that crosses a border is read by sorters abroad, which is why UPU S42 asks for
//! Latin script on international items anyway. Text typed in Han, kana or Hangul still prints,
//! as the font's missing-glyph box, so a ship-from address for cross-border labels must be kept
//! in Latin script; a domestic CJK label needs a CJK face first.

use silkroute_logistics::address::{CountryLine, Script, ValidAddress, format_lines};
use silkroute_logistics::postal_declaration::{DeclarationForm, PostalDeclaration};
use silkroute_logistics::tracking_number::S10Number;

use crate::barcode::{self, Code128};
use crate::font::Weight::{Bold, Regular};
use crate::format::{CATEGORIES, POSTAL_CERTIFICATE, date, kilograms};
use crate::page::{Document, LABEL_MM, line_height_mm, wrap};

/// Everything a label prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The warehouse or seller the parcel leaves from.
    pub ship_from: ValidAddress,
    pub ship_to: ValidAddress,
    /// The carrier's product as the sorter knows it ("China Post Registered Small Packet").
    pub service_name: String,
    /// Gross, as weighed.
    pub weight_g: u32,
    /// The order the parcel fulfils, for the buyer and the returns desk.
    pub order_reference: String,
    pub tracking_number: S10Number,
    /// The item's customs declaration, `None` for a domestic item. A CN 22 is printed on the
    /// label; a CN 23 is only announced.
    pub declaration: Option<PostalDeclaration>,
}

const MARGIN: f32 = 4.0;
const INNER_WIDTH: f32 = LABEL_MM.0 - 2.0 * MARGIN;

/// Renders `label` as a one-page 100 × 150 mm PDF.
pub fn label_pdf(label: &Label) -> Vec<u8> {
    let mut document = Document::new(
        format!("Label {}", label.tracking_number.as_str()),
        LABEL_MM,
    );
    document.stroke_rect(1.5, 1.5, LABEL_MM.0 - 3.0, LABEL_MM.1 - 3.0, 0.3);
    sender_and_service(&mut document, label);
    document.rule(MARGIN, 31.0, INNER_WIDTH, 0.3);
    recipient(&mut document, label);
    document.rule(MARGIN, 68.0, INNER_WIDTH, 0.3);
    tracking(&mut document, label);
    document.rule(MARGIN, 101.0, INNER_WIDTH, 0.3);
    match &label.declaration {
        Some(declaration) if declaration.form == DeclarationForm::Cn22 => {
            cn22(&mut document, declaration);
        }
        Some(_) => cn23_notice(&mut document),
        None => {}
    }
    document.finish()
}

fn sender_and_service(document: &mut Document, label: &Label) {
    let destination = label.ship_to.country();
    let sender = format_lines(
        &label.ship_from,
        Script::Latin,
        CountryLine::SentFrom(destination),
    );
    document.text(MARGIN, 7.0, 6.0, Bold, "FROM");
    block(document, MARGIN, 10.5, 56.0, 30.0, 7.0, &sender);

    let column = 64.0;
    let width = LABEL_MM.0 - MARGIN - column;
    document.stroke_rect(column - 1.5, 3.0, width + 1.5, 26.5, 0.3);
    document.text(column, 7.0, 6.0, Bold, "SERVICE");
    let service = wrap(&label.service_name, width - 1.0, 8.0, Bold);
    let mut baseline = 11.0;
    for line in service.iter().take(3) {
        document.text(column, baseline, 8.0, Bold, line);
        baseline += line_height_mm(8.0);
    }
    document.text(column, 22.0, 6.0, Bold, "WEIGHT");
    document.text(column, 26.5, 9.0, Bold, &kilograms(label.weight_g));
}

fn recipient(document: &mut Document, label: &Label) {
    let origin = label.ship_from.country();
    let lines = format_lines(&label.ship_to, Script::Latin, CountryLine::SentFrom(origin));
    document.text(MARGIN, 36.0, 6.0, Bold, "TO");
    // The recipient is what the sorter reads: larger and bold, the name first.
    let mut baseline = 41.5;
    for line in lines
        .iter()
        .flat_map(|line| wrap(line, INNER_WIDTH, 11.0, Bold))
    {
        if baseline > 66.5 {
            break;
        }
        document.text(MARGIN, baseline, 11.0, Bold, &line);
        baseline += line_height_mm(11.0);
    }
}

fn tracking(document: &mut Document, label: &Label) {
    document.text(MARGIN, 73.0, 7.0, Regular, "Order");
    document.text(MARGIN + 9.0, 73.0, 7.0, Bold, &label.order_reference);
    // An S10 number is 13 characters of A-Z and 0-9, always encodable; the match only keeps
    // the barcode module free of a panic.
    if let Ok(code) = Code128::encode(label.tracking_number.as_str()) {
        barcode::draw(document, &code, MARGIN, 76.0, INNER_WIDTH, 16.0, 0.5);
    }
    let spaced = label.tracking_number.spaced();
    let width = crate::page::text_width_mm(&spaced, 11.0, Bold);
    document.text((LABEL_MM.0 - width) / 2.0, 97.5, 11.0, Bold, &spaced);
}

/// The CN 22 as the UPU form lays it out: categories, one row per item, totals, certificate.
fn cn22(document: &mut Document, declaration: &PostalDeclaration) {
    let currency = declaration.total_value.currency();
    document.text(MARGIN, 105.0, 8.0, Bold, "CUSTOMS DECLARATION  CN 22");
    document.text_right(
        LABEL_MM.0 - MARGIN,
        105.0,
        5.5,
        Regular,
        "May be opened officially",
    );
    for (index, (category, name)) in CATEGORIES.iter().enumerate() {
        let x = MARGIN + (index % 3) as f32 * 31.0;
        let baseline = 109.0 + (index / 3) as f32 * 3.3;
        document.check_box(x, baseline, 6.0, declaration.category == *category, name);
    }
    let mut baseline = 115.8;
    if let Some(explanation) = &declaration.category_explanation {
        document.text(
            MARGIN,
            baseline,
            5.5,
            Regular,
            &format!("Explanation: {explanation}"),
        );
        baseline += 2.6;
    }

    let columns = Cn22Columns::new();
    let header = 5.5;
    document.text(
        columns.description,
        baseline,
        header,
        Bold,
        "Detailed description of contents",
    );
    document.text_right(columns.quantity, baseline, header, Bold, "Qty");
    document.text_right(columns.weight, baseline, header, Bold, "Weight");
    document.text_right(
        columns.value,
        baseline,
        header,
        Bold,
        &format!("Value {currency}"),
    );
    document.text(columns.hs_code, baseline, header, Bold, "HS code");
    document.text(columns.origin, baseline, header, Bold, "Origin");
    document.rule(MARGIN, baseline + 0.8, INNER_WIDTH, 0.15);
    baseline += 3.0;

    // A label has room for four rows; the rest are summed into one, as posts accept, and
    // listed in full on the invoice that goes with a commercial item.
    const ROOM: usize = 4;
    let shown = if declaration.items.len() > ROOM {
        ROOM - 1
    } else {
        ROOM
    };
    let size = 6.0;
    for item in declaration.items.iter().take(shown) {
        let description = wrap(
            &item.description,
            columns.quantity - 7.0 - columns.description,
            size,
            Regular,
        );
        let first = description.first().map_or("", String::as_str);
        document.text(columns.description, baseline, size, Regular, first);
        document.text_right(
            columns.quantity,
            baseline,
            size,
            Regular,
            &item.quantity.to_string(),
        );
        document.text_right(
            columns.weight,
            baseline,
            size,
            Regular,
            &kilograms(item.net_weight_g),
        );
        document.text_right(
            columns.value,
            baseline,
            size,
            Regular,
            &item.value.amount_string(),
        );
        if let Some(hs_code) = &item.hs_code {
            document.text(columns.hs_code, baseline, size, Regular, hs_code.as_str());
        }
        if let Some(origin) = item.origin_country {
            document.text(columns.origin, baseline, size, Regular, origin.as_str());
        }
        baseline += 2.8;
    }
    if declaration.items.len() > shown {
        let rest = &declaration.items[shown..];
        let weight: u32 = rest.iter().map(|item| item.net_weight_g).sum();
        document.text(
            columns.description,
            baseline,
            size,
            Regular,
            &format!("{} more items, see invoice", rest.len()),
        );
        document.text_right(columns.weight, baseline, size, Regular, &kilograms(weight));
        baseline += 2.8;
    }
    document.rule(MARGIN, baseline - 2.0, INNER_WIDTH, 0.15);
    baseline += 0.6;
    document.text(
        columns.description,
        baseline,
        6.5,
        Bold,
        "Total gross weight",
    );
    document.text_right(
        columns.weight,
        baseline,
        6.5,
        Bold,
        &kilograms(declaration.total_weight_g),
    );
    document.text_right(
        columns.value,
        baseline,
        6.5,
        Bold,
        &declaration.total_value.format(),
    );

    baseline += 3.0;
    for line in wrap(POSTAL_CERTIFICATE, INNER_WIDTH, 5.0, Regular) {
        document.text(MARGIN, baseline, 5.0, Regular, &line);
        baseline += line_height_mm(5.0);
    }
    let signature = &declaration.signature;
    let signed = format!(
        "Date and sender's signature:  {}   {}",
        date(signature.signed_on),
        signature.signer
    );
    document.text(MARGIN, 145.5, 6.5, Regular, &signed);
    document.rule(MARGIN + 33.0, 146.3, INNER_WIDTH - 33.0, 0.15);
}

fn cn23_notice(document: &mut Document) {
    document.text(
        MARGIN,
        107.0,
        9.0,
        Bold,
        "CUSTOMS DECLARATION CN 23 ATTACHED",
    );
    document.text(
        MARGIN,
        112.0,
        7.0,
        Regular,
        "See the CN 23 in the document envelope on this item.",
    );
}

/// Column positions of the CN 22 table: left edges for text, right edges for numbers.
struct Cn22Columns {
    description: f32,
    quantity: f32,
    weight: f32,
    value: f32,
    hs_code: f32,
    origin: f32,
}

impl Cn22Columns {
    fn new() -> Cn22Columns {
        Cn22Columns {
            description: MARGIN,
            quantity: 50.0,
            weight: 63.0,
            value: 76.0,
            hs_code: 78.0,
            origin: 89.5,
        }
    }
}

/// Writes `lines` wrapped to `width_mm`, stopping before `bottom_mm`.
fn block(
    document: &mut Document,
    x_mm: f32,
    top_baseline_mm: f32,
    width_mm: f32,
    bottom_mm: f32,
    size: f32,
    lines: &[String],
) {
    let mut baseline = top_baseline_mm;
    for line in lines
        .iter()
        .flat_map(|line| wrap(line, width_mm, size, Regular))
    {
        if baseline > bottom_mm {
            break;
        }
        document.text(x_mm, baseline, size, Regular, &line);
        baseline += line_height_mm(size);
    }
}
