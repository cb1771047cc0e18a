//! Renders the sample CN → DE order and reads the PDFs back with the tools a post office or a
//! customs broker would use: poppler's `pdftoppm` rasterises the label at 150 dpi and zbar must
//! decode the tracking number from the picture; `pdftotext` must find the HS codes, totals and
//! IOSS number in the invoice. Without the tools these tests skip, except under `CI=true`,
//! where they fail: CI installs poppler-utils and zbar-tools (`.ci/run`).

use std::path::{Path, PathBuf};
use std::process::Command;

use silkroute_documents::sample::{SAMPLE_IOSS, SampleOrder, cn_to_de_order};
use silkroute_documents::{cn23_pdf, commercial_invoice_pdf, label_pdf};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::hs::HsCode;
use silkroute_domain::money::Money;
use silkroute_logistics::address::{PostalAddress, validate};
use silkroute_logistics::postal_declaration::{
    CommercialInvoiceBuilder, ContentCategory, DeclarationForm, FormReason, InvoiceLine,
    PostalDeclarationBuilder, PostalItemKind, QuantityUnit, choose_form,
};
use silkroute_logistics::tracking_number::{S10Number, S10Range};

/// Whether `tool` is on the PATH; panics under `CI=true` when it is not, so CI cannot pass by
/// skipping.
fn have(tool: &str) -> bool {
    let found = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is missing: install poppler-utils and zbar-tools (CI=true, so this fails)"
        );
        eprintln!("skipping: {tool} is missing (apt-get install -y poppler-utils zbar-tools)");
    }
    found
}

fn have_all(tools: &[&str]) -> bool {
    tools.iter().all(|tool| have(tool))
}

/// A fresh folder for one test's files, under the target directory (`CARGO_TARGET_TMPDIR`), where
/// they stay for a look after the run.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("silkroute-documents")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn pdf_text(pdf: &Path) -> String {
    run(Command::new("pdftotext").arg("-layout").arg(pdf).arg("-"))
}

/// Rasterises the first page at 150 dpi and returns what zbar decodes from it.
fn decode_barcodes(pdf: &Path) -> Vec<String> {
    let prefix = pdf.with_extension("");
    run(Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&prefix));
    let image = prefix.with_extension("png");
    run(Command::new("zbarimg").args(["--raw", "-q"]).arg(&image))
        .lines()
        .map(str::to_owned)
        .collect()
}

fn page_info(pdf: &Path) -> String {
    run(Command::new("pdfinfo").arg(pdf))
}

/// The first number of a China Post "RR" range, issued as a label would get it.
fn tracking_number() -> S10Number {
    let china = CountryCode::parse("CN").unwrap();
    let mut range = S10Range::new("RR", china, 47_110_000, 47_119_999).unwrap();
    let number = range.issue().unwrap();
    assert!(range.contains(&number));
    number
}

fn order() -> SampleOrder {
    cn_to_de_order(tracking_number()).unwrap()
}

#[test]
fn the_label_barcode_decodes_to_the_tracking_number_at_150_dpi() {
    if !have_all(&["pdftoppm", "zbarimg", "pdftotext", "pdfinfo"]) {
        return;
    }
    let order = order();
    let dir = scratch("label");
    let pdf = dir.join("label.pdf");
    std::fs::write(&pdf, label_pdf(&order.label)).unwrap();

    let tracking = order.label.tracking_number.as_str();
    assert_eq!(tracking, "RR471100008CN");
    assert_eq!(decode_barcodes(&pdf), vec![tracking.to_owned()]);

    let info = page_info(&pdf);
    assert!(info.contains("Pages:           1"), "{info}");
    // 100 × 150 mm.
    assert!(info.contains("283.465 x 425.197 pts"), "{info}");

    let text = pdf_text(&pdf);
    for expected in [
        "RR 471 100 008 CN",
        "China Post Registered",
        "0.380 kg",
        "SR-2024-000123",
        "Anna Schröder",
        "Müllerstraße 12",
        "13353 BERLIN",
        "GERMANY",
        "Shenzhen Silk Garments Co., Ltd.",
        "GUANGDONG SHENG, 518057",
        "CHINA",
        "CN 22",
        "Sale of goods",
        "610910",
        "47.50 EUR",
        "2024-03-15",
        "Li Wei",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the label:\n{text}"
        );
    }
}

#[test]
fn the_invoice_shows_hs_codes_totals_incoterm_and_the_ioss_number() {
    if !have_all(&["pdftotext", "pdfinfo"]) {
        return;
    }
    let order = order();
    let dir = scratch("invoice");
    let pdf = dir.join("invoice.pdf");
    std::fs::write(&pdf, commercial_invoice_pdf(&order.invoice)).unwrap();
    assert!(page_info(&pdf).contains("Page size:       595.276 x 841.89 pts (A4)"));

    let text = pdf_text(&pdf);
    for expected in [
        "COMMERCIAL INVOICE",
        "INV-2024-0042",
        "610910",
        "620140",
        "Men's down jacket",
        "DJ-BLK-L",
        "801.99",
        "849.49 EUR",
        "23.50 EUR",
        "4.25 EUR",
        "877.24 EUR",
        "DDP (Delivered Duty Paid), Berlin",
        "Sale",
        "IOSS number",
        SAMPLE_IOSS,
        "RR471100008CN",
        "CHINA",
        "GERMANY",
        "1 × box",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the invoice:\n{text}"
        );
    }
}

#[test]
fn a_consignment_above_300_sdr_gets_a_cn23() {
    if !have_all(&["pdftoppm", "zbarimg", "pdftotext"]) {
        return;
    }
    let order = order();
    assert_eq!(order.cn23.form, DeclarationForm::Cn23);
    assert_eq!(order.cn23.reason, FormReason::AboveCn22Limit);
    assert!(order.cn23.contents.sdr > rust_decimal::Decimal::from(300));
    let dir = scratch("cn23");
    let pdf = dir.join("cn23.pdf");
    std::fs::write(&pdf, cn23_pdf(&order.cn23)).unwrap();

    assert_eq!(decode_barcodes(&pdf), vec!["RR471100008CN".to_owned()]);
    let text = pdf_text(&pdf);
    for expected in [
        "CUSTOMS DECLARATION CN 23",
        "contents above 300 SDR",
        "694.860589 SDR",
        "610910",
        "620140",
        "849.49 EUR",
        "1.480 kg",
        "23.50 EUR",
        "IOSS IM2760000742",
        "Shenzhen International Mail Processing Centre",
        "INV-2024-0042",
        "Anna Schröder",
        "Sale of goods",
        "Li Wei",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the CN 23:\n{text}"
        );
    }
    // The label of a CN 23 item announces the form instead of printing a CN 22.
    let mut label = order.label.clone();
    label.declaration = Some(order.cn23.clone());
    let label_pdf_path = dir.join("label.pdf");
    std::fs::write(&label_pdf_path, label_pdf(&label)).unwrap();
    let label_text = pdf_text(&label_pdf_path);
    assert!(label_text.contains("CN 23 ATTACHED"), "{label_text}");
    assert!(!label_text.contains("CN 22"), "{label_text}");
}

#[test]
fn a_long_invoice_continues_on_more_pages() {
    if !have_all(&["pdftotext", "pdfinfo"]) {
        return;
    }
    let order = order();
    let eur = |minor| Money::from_minor(minor, CurrencyCode::EUR);
    let mut builder = CommercialInvoiceBuilder::new(
        order.invoice.kind,
        "INV-2024-0043",
        order.invoice.date,
        CurrencyCode::EUR,
    )
    .exporter(order.invoice.exporter.clone())
    .importer(order.invoice.importer.clone())
    .route(
        order.invoice.export_country,
        order.invoice.destination_country,
    )
    .reason(order.invoice.reason)
    .incoterm(order.invoice.incoterm, "Berlin")
    .packages(order.invoice.packages[0].clone())
    .declaration("True and correct.", order.invoice.signature.clone());
    for line in 0..60 {
        builder = builder.line(InvoiceLine {
            description: format!("Silk scarf, hand-rolled edges, pattern {line}"),
            sku: Some(format!("SC-{line:03}")),
            hs_code: HsCode::parse("621410").unwrap(),
            origin_country: order.invoice.export_country,
            quantity: 1,
            unit: QuantityUnit::Piece,
            unit_value: eur(1_000),
            line_total: eur(1_000),
            net_weight_g: 40,
            gross_weight_g: 50,
        });
    }
    let invoice = builder.total_value(eur(60_000)).build().unwrap();
    let dir = scratch("long-invoice");
    let pdf = dir.join("invoice.pdf");
    std::fs::write(&pdf, commercial_invoice_pdf(&invoice)).unwrap();
    let info = page_info(&pdf);
    assert!(!info.contains("Pages:           1\n"), "{info}");
    let text = pdf_text(&pdf);
    assert!(text.contains("SC-059"), "{text}");
    assert!(text.contains("600.00 EUR"), "{text}");
    // The table header is repeated on the second page.
    assert!(text.matches("Description (SKU)").count() >= 2, "{text}");
}

#[test]
fn rendering_is_deterministic_and_small() {
    let order = order();
    let label = label_pdf(&order.label);
    assert!(label.starts_with(b"%PDF-"));
    assert_eq!(label, label_pdf(&order.label));
    // Subset fonts: a label is a few tens of kilobytes, not the 400 KB of two full faces.
    assert!(label.len() < 40_000, "{} bytes", label.len());
    assert!(commercial_invoice_pdf(&order.invoice).len() < 40_000);
}

#[test]
fn a_cn22_with_more_items_than_the_label_holds_sums_the_rest() {
    if !have_all(&["pdftotext"]) {
        return;
    }
    let order = order();
    let cn22 = order.label.declaration.clone().unwrap();
    let item = cn22.items[0].clone();
    let mut builder = PostalDeclarationBuilder::new(
        choose_form(PostalItemKind::LetterPost, &cn22.contents, false),
        ContentCategory::Gift,
    )
    .signature(cn22.signature.clone())
    .totals(
        2_000,
        Money::from_minor(6 * item.value.minor(), CurrencyCode::EUR),
    );
    for _ in 0..6 {
        builder = builder.item(item.clone());
    }
    let mut label = order.label.clone();
    label.declaration = Some(builder.build().unwrap());
    let dir = scratch("many-items");
    let pdf = dir.join("label.pdf");
    std::fs::write(&pdf, label_pdf(&label)).unwrap();
    let text = pdf_text(&pdf);
    // Three rows shown, the other three summed: 3 × 0.300 kg.
    assert!(text.contains("3 more items, see invoice"), "{text}");
    assert!(text.contains("0.900 kg"), "{text}");
    assert!(text.contains("285.00 EUR"), "{text}");
}

#[test]
fn a_domestic_label_with_a_cjk_address_renders_without_a_declaration() {
    let china = CountryCode::parse("CN").unwrap();
    let address = |recipient: &str, street: &str| {
        validate(&PostalAddress {
            recipient: recipient.into(),
            organisation: None,
            street_lines: vec![street.into()],
            dependent_locality: None,
            city: Some("广州市".into()),
            state: Some("广东省".into()),
            postal_code: Some("510620".into()),
            sorting_code: None,
            country: china,
            phone: None,
            email: None,
        })
        .unwrap()
    };
    let mut label = order().label;
    label.ship_from = address("李伟", "天河路385号");
    label.ship_to = address("王芳", "体育西路1号");
    label.declaration = None;
    let pdf = label_pdf(&label);
    assert!(pdf.starts_with(b"%PDF-"));
    if !have_all(&["pdftoppm", "zbarimg", "pdftotext"]) {
        return;
    }
    let dir = scratch("domestic");
    let path = dir.join("label.pdf");
    std::fs::write(&path, &pdf).unwrap();
    assert_eq!(decode_barcodes(&path), vec!["RR471100008CN".to_owned()]);
    let text = pdf_text(&path);
    assert!(!text.contains("CUSTOMS DECLARATION"), "{text}");
    // A domestic item's address has no country line.
    assert!(!text.contains("CHINA"), "{text}");
}
