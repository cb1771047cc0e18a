//! A realistic order to render when there is no database at hand: a Shenzhen seller ships
//! T-shirts and a jacket to a buyer in Berlin, under the platform's IOSS number. The benchmark
//! (`silkroute bench documents`), the example and the tests render it; every value goes through
//! the logistics builders, so a sample that stops adding up fails here, not on a printer.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::PublishedRate;
use silkroute_domain::hs::HsCode;
use silkroute_domain::landed_cost::Incoterm;
use silkroute_domain::money::Money;
use silkroute_logistics::address::{PostalAddress, ValidAddress, validate};
use silkroute_logistics::postal_declaration::{
    CollectedTax, CollectedTaxScheme, CommercialInvoice, CommercialInvoiceBuilder, ContentCategory,
    DeclarationItem, DeclarationParties, ExportReason, InvoiceCharges, InvoiceKind, InvoiceLine,
    PackageKind, Packages, PostalDeclaration, PostalDeclarationBuilder, PostalItemKind,
    QuantityUnit, Signature, TaxId, TaxIdScheme, TradeParty, choose_form,
};
use silkroute_logistics::sdr::value_sdr;
use silkroute_logistics::tracking_number::S10Number;

use crate::label::Label;

/// The documents of one CN → DE order.
#[derive(Clone, Debug)]
pub struct SampleOrder {
    /// Two T-shirts, EUR 47.50: a CN 22 on the label.
    pub label: Label,
    /// The T-shirts and a down jacket, EUR 849.49 (≈ 695 SDR): a CN 23.
    pub cn23: PostalDeclaration,
    /// The commercial invoice for the CN 23 consignment, with the platform's IOSS number.
    pub invoice: CommercialInvoice,
}

/// Why the sample could not be built: a builder refused it (a bug in the sample).
#[derive(Debug, thiserror::Error)]
#[error("the sample order does not build: {0}")]
pub struct SampleError(String);

fn fail(error: impl std::fmt::Display) -> SampleError {
    SampleError(error.to_string())
}

/// The platform's IOSS number printed on the sample documents.
pub const SAMPLE_IOSS: &str = "IM2760000742";

/// Builds the sample order, the label carrying `tracking_number`.
pub fn cn_to_de_order(tracking_number: S10Number) -> Result<SampleOrder, SampleError> {
    let posted = NaiveDate::from_ymd_opt(2024, 3, 15).ok_or_else(|| fail("bad date"))?;
    let cn = CountryCode::parse("CN").map_err(fail)?;
    let de = CountryCode::parse("DE").map_err(fail)?;
    let hs_t_shirt = HsCode::parse("610910").map_err(fail)?;
    let hs_jacket = HsCode::parse("620140").map_err(fail)?;
    let signature = Signature {
        signer: "Li Wei".into(),
        signed_on: posted,
    };
    // ECB reference rates of 2024-03-15, the check of RULES.md §11: 1 SDR = 1.22253 EUR.
    let rates: Vec<PublishedRate> = [
        ("USD", 10892, 4),
        ("JPY", 16203, 2),
        ("GBP", 8541, 4),
        ("CNY", 7838, 3),
    ]
    .into_iter()
    .map(|(code, mantissa, scale)| {
        Ok(PublishedRate {
            currency: CurrencyCode::parse(code).map_err(fail)?,
            date: posted,
            per_eur: Decimal::new(mantissa, scale),
        })
    })
    .collect::<Result<_, SampleError>>()?;
    let valuation = value_sdr(posted, &rates).map_err(fail)?;
    let eur = |minor: i64| Money::from_minor(minor, CurrencyCode::EUR);

    let t_shirts = DeclarationItem {
        description: "Men's T-shirt, knitted cotton".into(),
        quantity: 2,
        net_weight_g: 300,
        value: eur(4_750),
        hs_code: Some(hs_t_shirt.clone()),
        origin_country: Some(cn),
    };
    let small_packet = valuation.to_sdr(eur(4_750), None).map_err(fail)?;
    let cn22 = PostalDeclarationBuilder::new(
        choose_form(PostalItemKind::LetterPost, &small_packet, false),
        ContentCategory::SaleOfGoods,
    )
    .item(t_shirts.clone())
    .totals(380, eur(4_750))
    .item_id(tracking_number.clone())
    .signature(signature.clone())
    .build()
    .map_err(fail)?;

    let ship_from = address(PostalAddress {
        organisation: Some("Shenzhen Silk Garments Co., Ltd.".into()),
        street_lines: vec!["Building 7, 1068 Keyuan Rd, Nanshan".into()],
        city: Some("Shenzhen".into()),
        state: Some("Guangdong Sheng".into()),
        postal_code: Some("518057".into()),
        phone: Some("+86 755 8888 1234".into()),
        ..blank("Li Wei", cn)
    })?;
    let ship_to = address(PostalAddress {
        street_lines: vec!["Müllerstraße 12".into(), "3. OG links".into()],
        city: Some("Berlin".into()),
        postal_code: Some("13353".into()),
        email: Some("anna.schroeder@example.de".into()),
        ..blank("Anna Schröder", de)
    })?;
    let label = Label {
        ship_from,
        ship_to,
        service_name: "China Post Registered Small Packet".into(),
        weight_g: cn22.total_weight_g,
        order_reference: "SR-2024-000123".into(),
        tracking_number: tracking_number.clone(),
        declaration: Some(cn22),
    };

    let exporter = TradeParty {
        name: "Shenzhen Silk Garments Co., Ltd.".into(),
        address_lines: vec!["Building 7, 1068 Keyuan Rd, Nanshan".into()],
        postal_code: Some("518057".into()),
        city: "Shenzhen".into(),
        country: cn,
        phone: Some("+86 755 8888 1234".into()),
        email: Some("export@silk-garments.example.cn".into()),
        tax_ids: vec![TaxId {
            scheme: TaxIdScheme::Other,
            number: "USCC 91440300MA5F0XXX1K".into(),
        }],
    };
    let importer = TradeParty {
        name: "Anna Schröder".into(),
        address_lines: vec!["Müllerstraße 12".into(), "3. OG links".into()],
        postal_code: Some("13353".into()),
        city: "Berlin".into(),
        country: de,
        phone: Some("+49 30 1234567".into()),
        email: Some("anna.schroeder@example.de".into()),
        tax_ids: vec![],
    };
    let jacket = DeclarationItem {
        description: "Men's down jacket, polyamide shell, duck down filling".into(),
        quantity: 1,
        net_weight_g: 950,
        value: eur(80_199),
        hs_code: Some(hs_jacket.clone()),
        origin_country: Some(cn),
    };
    let parcel_value = valuation.to_sdr(eur(84_949), None).map_err(fail)?;
    let cn23 = PostalDeclarationBuilder::new(
        choose_form(PostalItemKind::LetterPost, &parcel_value, false),
        ContentCategory::SaleOfGoods,
    )
    .item(t_shirts)
    .item(jacket)
    .totals(1_480, eur(84_949))
    .postal_charges(eur(2_350))
    .parties(DeclarationParties {
        sender: exporter.clone(),
        addressee: importer.clone(),
        importer_reference: Some(format!("IOSS {SAMPLE_IOSS}")),
        importer_phone: importer.phone.clone(),
        importer_email: importer.email.clone(),
    })
    .item_id(tracking_number.clone())
    .invoice_number("INV-2024-0042")
    .office_of_posting("Shenzhen International Mail Processing Centre")
    .signature(signature.clone())
    .build()
    .map_err(fail)?;

    let invoice = CommercialInvoiceBuilder::new(
        InvoiceKind::Commercial,
        "INV-2024-0042",
        posted,
        CurrencyCode::EUR,
    )
    .exporter(exporter)
    .importer(importer)
    .route(cn, de)
    .reason(ExportReason::Sale)
    .incoterm(Incoterm::Ddp, "Berlin")
    .line(InvoiceLine {
        description: "Men's T-shirt, knitted cotton, for wear".into(),
        sku: Some("TS-NAVY-M".into()),
        hs_code: hs_t_shirt,
        origin_country: cn,
        quantity: 2,
        unit: QuantityUnit::Piece,
        unit_value: eur(2_375),
        line_total: eur(4_750),
        net_weight_g: 300,
        gross_weight_g: 340,
    })
    .line(InvoiceLine {
        description: "Men's down jacket, polyamide shell, duck down filling".into(),
        sku: Some("DJ-BLK-L".into()),
        hs_code: hs_jacket,
        origin_country: cn,
        quantity: 1,
        unit: QuantityUnit::Piece,
        unit_value: eur(80_199),
        line_total: eur(80_199),
        net_weight_g: 950,
        gross_weight_g: 1_100,
    })
    .packages(Packages {
        count: 1,
        kind: PackageKind::Box,
        marks: Some("SR-2024-000123 1/1".into()),
    })
    .charges(InvoiceCharges {
        freight: eur(2_350),
        insurance: eur(425),
        other: eur(0),
    })
    .total_value(eur(87_724))
    .payment_terms("Paid at checkout")
    .tracking_number(tracking_number.as_str())
    .collected_tax(CollectedTax {
        scheme: CollectedTaxScheme::Ioss,
        number: SAMPLE_IOSS.into(),
    })
    .declaration(
        "I declare that the information on this invoice is true and correct and that the \
         goods originate in the country stated.",
        signature,
    )
    .build()
    .map_err(fail)?;

    Ok(SampleOrder {
        label,
        cn23,
        invoice,
    })
}

fn blank(recipient: &str, country: CountryCode) -> PostalAddress {
    PostalAddress {
        recipient: recipient.into(),
        organisation: None,
        street_lines: Vec::new(),
        dependent_locality: None,
        city: None,
        state: None,
        postal_code: None,
        sorting_code: None,
        country,
        phone: None,
        email: None,
    }
}

fn address(address: PostalAddress) -> Result<ValidAddress, SampleError> {
    validate(&address).map_err(|errors| fail(format!("{errors:?}")))
}
