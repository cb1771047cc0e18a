//! The CN 22 / CN 23 choice at the 300 SDR limit (on the ECB rates of RULES.md §11's check),
//! and the declaration and invoice builders refusing totals that do not add up.

use chrono::NaiveDate;
use proptest::prelude::*;
use rstest::rstest;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::PublishedRate;
use silkroute_domain::hs::HsCode;
use silkroute_domain::landed_cost::Incoterm;
use silkroute_domain::money::Money;

use super::*;
use crate::sdr::{SdrConversion, value_sdr};

fn day(text: &str) -> NaiveDate {
    text.parse().expect("test date")
}

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("test country")
}

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, CurrencyCode::EUR)
}

fn contents_worth(sdr: Decimal) -> SdrConversion {
    SdrConversion {
        amount: eur(0),
        sdr,
        per_sdr: dec!(1.222533),
        eur_per_sdr: dec!(1.222533),
        rates_date: day("2024-03-15"),
        basket_effective_from: day("2022-08-01"),
    }
}

fn ecb_2024_03_15() -> Vec<PublishedRate> {
    [
        ("USD", dec!(1.0892)),
        ("JPY", dec!(162.03)),
        ("GBP", dec!(0.8541)),
        ("CNY", dec!(7.838)),
    ]
    .into_iter()
    .map(|(code, per_eur)| PublishedRate {
        currency: CurrencyCode::parse(code).unwrap(),
        date: day("2024-03-15"),
        per_eur,
    })
    .collect()
}

#[rstest]
#[case(PostalItemKind::LetterPost, dec!(299.99), false, DeclarationForm::Cn22, FormReason::WithinCn22Limit)]
#[case(PostalItemKind::LetterPost, dec!(300), false, DeclarationForm::Cn22, FormReason::WithinCn22Limit)]
#[case(PostalItemKind::LetterPost, dec!(300.000001), false, DeclarationForm::Cn23, FormReason::AboveCn22Limit)]
#[case(PostalItemKind::LetterPost, dec!(12), true, DeclarationForm::Cn23, FormReason::Cn23Required)]
#[case(PostalItemKind::Parcel, dec!(12), false, DeclarationForm::Cn23, FormReason::PostalParcel)]
fn cn22_or_cn23(
    #[case] kind: PostalItemKind,
    #[case] sdr: Decimal,
    #[case] required: bool,
    #[case] form: DeclarationForm,
    #[case] reason: FormReason,
) {
    let choice = choose_form(kind, &contents_worth(sdr), required);
    assert_eq!((choice.form, choice.reason), (form, reason));
    assert_eq!(choice.contents.sdr, sdr);
}

#[rstest]
// 1 SDR = 1.222533 EUR on 2024-03-15: 300 SDR = EUR 366.7599.
#[case(36_675, DeclarationForm::Cn22)]
#[case(36_676, DeclarationForm::Cn23)]
fn the_limit_in_euro_on_a_posting_date(#[case] minor: i64, #[case] form: DeclarationForm) {
    let valuation = value_sdr(day("2024-03-15"), &ecb_2024_03_15()).unwrap();
    let contents = valuation.to_sdr(eur(minor), None).unwrap();
    let choice = choose_form(PostalItemKind::LetterPost, &contents, false);
    assert_eq!(choice.form, form);
    assert_eq!(choice.contents.eur_per_sdr, dec!(1.222533));
}

fn t_shirt(value_minor: i64) -> DeclarationItem {
    DeclarationItem {
        description: "cotton T-shirt, knitted".into(),
        quantity: 2,
        net_weight_g: 300,
        value: eur(value_minor),
        hs_code: Some(HsCode::parse("610910").unwrap()),
        origin_country: Some(country("CN")),
    }
}

fn signature() -> Signature {
    Signature {
        signer: "Li Wei".into(),
        signed_on: day("2024-03-15"),
    }
}

fn party(name: &str, code: &str) -> TradeParty {
    TradeParty {
        name: name.into(),
        address_lines: vec!["1 Example Road".into()],
        postal_code: Some("10115".into()),
        city: "Example".into(),
        country: country(code),
        phone: None,
        email: None,
        tax_ids: vec![],
    }
}

fn cn22() -> PostalDeclarationBuilder {
    let choice = choose_form(PostalItemKind::LetterPost, &contents_worth(dec!(40)), false);
    PostalDeclarationBuilder::new(choice, ContentCategory::SaleOfGoods)
        .item(t_shirt(2_500))
        .item(t_shirt(2_400))
        .signature(signature())
}

#[test]
fn a_cn22_whose_totals_add_up() {
    let declaration = cn22()
        .totals(700, eur(4_900))
        .item_id(crate::tracking_number::S10Number::parse("UA000000031GB").unwrap())
        .build()
        .unwrap();
    assert_eq!(declaration.form, DeclarationForm::Cn22);
    assert_eq!(declaration.total_value, eur(4_900));
    assert_eq!(declaration.items.len(), 2);
    let json = serde_json::to_value(&declaration).unwrap();
    assert_eq!(json["form"], "cn22");
    assert_eq!(json["category"], "sale_of_goods");
    assert_eq!(json["item_id"], "UA000000031GB");
}

#[test]
fn declaration_totals_must_match_the_items() {
    assert_eq!(
        cn22().totals(700, eur(5_000)).build().unwrap_err(),
        DeclarationError::TotalValue {
            declared: eur(5_000),
            sum: eur(4_900)
        }
    );
    assert_eq!(
        cn22().totals(599, eur(4_900)).build().unwrap_err(),
        DeclarationError::TotalWeight {
            declared_g: 599,
            net_g: 600
        }
    );
    assert_eq!(
        cn22()
            .totals(700, Money::from_minor(4_900, CurrencyCode::USD))
            .build()
            .unwrap_err(),
        DeclarationError::Currency {
            expected: CurrencyCode::USD,
            found: CurrencyCode::EUR
        }
    );
}

#[test]
fn declaration_checks_say_what_is_missing() {
    let choice = choose_form(PostalItemKind::LetterPost, &contents_worth(dec!(40)), false);
    let mut no_hs = t_shirt(4_900);
    no_hs.hs_code = None;
    let error = PostalDeclarationBuilder::new(choice.clone(), ContentCategory::SaleOfGoods)
        .item(no_hs.clone())
        .totals(700, eur(4_900))
        .signature(signature())
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "item 0: commercial items need an HS code"
    );
    // A gift needs neither HS code nor origin.
    assert!(
        PostalDeclarationBuilder::new(choice.clone(), ContentCategory::Gift)
            .item(no_hs.clone())
            .totals(700, eur(4_900))
            .signature(signature())
            .build()
            .is_ok()
    );
    assert_eq!(
        PostalDeclarationBuilder::new(choice.clone(), ContentCategory::Other)
            .item(no_hs.clone())
            .totals(700, eur(4_900))
            .signature(signature())
            .build()
            .unwrap_err(),
        DeclarationError::OtherUnexplained
    );
    assert_eq!(
        PostalDeclarationBuilder::new(choice.clone(), ContentCategory::Gift)
            .totals(700, eur(0))
            .signature(signature())
            .build()
            .unwrap_err(),
        DeclarationError::NoItems
    );
    assert_eq!(
        PostalDeclarationBuilder::new(choice, ContentCategory::Gift)
            .item(no_hs)
            .totals(700, eur(4_900))
            .build()
            .unwrap_err(),
        DeclarationError::Missing("the sender's signature")
    );
}

#[test]
fn a_cn23_names_sender_and_addressee() {
    let choice = choose_form(PostalItemKind::Parcel, &contents_worth(dec!(40)), false);
    let builder = PostalDeclarationBuilder::new(choice, ContentCategory::SaleOfGoods)
        .item(t_shirt(4_900))
        .totals(400, eur(4_900))
        .postal_charges(eur(1_250))
        .signature(signature());
    assert_eq!(
        builder.clone().build().unwrap_err(),
        DeclarationError::Cn23Parties
    );
    let declaration = builder
        .parties(DeclarationParties {
            sender: party("Shenzhen Sender Ltd", "CN"),
            addressee: party("Anna Schmidt", "DE"),
            importer_reference: Some("DE136695976".into()),
            importer_phone: None,
            importer_email: Some("anna@example.com".into()),
        })
        .invoice_number("INV-2024-0042")
        .licence_number("L-1")
        .certificate_number("C-1")
        .comments("no quarantine goods")
        .office_of_posting("Shenzhen IMPC")
        .build()
        .unwrap();
    assert_eq!(declaration.form, DeclarationForm::Cn23);
    assert_eq!(declaration.reason, FormReason::PostalParcel);
    assert_eq!(declaration.postal_charges, Some(eur(1_250)));
}

fn invoice_line(quantity: u32, unit_minor: i64, total_minor: i64) -> InvoiceLine {
    InvoiceLine {
        description: "cotton T-shirt, knitted, for wear".into(),
        sku: Some("TS-RED-M".into()),
        hs_code: HsCode::parse("6109.10").unwrap(),
        origin_country: country("CN"),
        quantity,
        unit: QuantityUnit::Piece,
        unit_value: eur(unit_minor),
        line_total: eur(total_minor),
        net_weight_g: 150 * quantity,
        gross_weight_g: 170 * quantity,
    }
}

fn invoice() -> CommercialInvoiceBuilder {
    CommercialInvoiceBuilder::new(
        InvoiceKind::Commercial,
        "INV-2024-0042",
        day("2024-03-15"),
        CurrencyCode::EUR,
    )
    .exporter(party("Shenzhen Sender Ltd", "CN"))
    .importer(party("Anna Schmidt", "DE"))
    .route(country("CN"), country("DE"))
    .reason(ExportReason::Sale)
    .incoterm(Incoterm::Ddp, "Berlin")
    .line(invoice_line(3, 1_250, 3_750))
    .line(invoice_line(1, 999, 999))
    .packages(Packages {
        count: 1,
        kind: PackageKind::Box,
        marks: Some("SR-1/1".into()),
    })
    .charges(InvoiceCharges {
        freight: eur(800),
        insurance: eur(50),
        other: eur(0),
    })
    .collected_tax(CollectedTax {
        scheme: CollectedTaxScheme::Ioss,
        number: "IM2760000742".into(),
    })
    .declaration(
        "I declare that the information is true and correct.",
        signature(),
    )
}

#[test]
fn an_invoice_total_is_its_lines_and_charges() {
    let built = invoice().total_value(eur(5_599)).build().unwrap();
    assert_eq!(built.total_value, eur(5_599));
    assert_eq!(built.incoterm, Incoterm::Ddp);
    assert_eq!(built.incoterm_place, "Berlin");
    let json = serde_json::to_value(&built).unwrap();
    assert_eq!(json["lines"][0]["hs_code"], "610910");
    assert_eq!(json["collected_tax"]["scheme"], "ioss");
    assert_eq!(json["reason"], "sale");
}

#[test]
fn invoice_checks() {
    assert_eq!(
        invoice().total_value(eur(4_749)).build().unwrap_err(),
        DeclarationError::TotalValue {
            declared: eur(4_749),
            sum: eur(5_599)
        }
    );
    let error = invoice()
        .line(invoice_line(2, 500, 1_100))
        .total_value(eur(6_699))
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "item 2: the line total 11.00 EUR is not 2 × 5.00 EUR = 10.00 EUR"
    );
    let error = invoice()
        .collected_tax(CollectedTax {
            scheme: CollectedTaxScheme::Ioss,
            number: "IM8400000742".into(),
        })
        .total_value(eur(5_599))
        .build()
        .unwrap_err();
    assert!(matches!(
        error,
        DeclarationError::TaxNumber { scheme: "IOSS", .. }
    ));
    let no_incoterm = CommercialInvoiceBuilder::new(
        InvoiceKind::ProForma,
        "PF-1",
        day("2024-03-15"),
        CurrencyCode::EUR,
    )
    .exporter(party("Shenzhen Sender Ltd", "CN"))
    .importer(party("Anna Schmidt", "DE"))
    .route(country("CN"), country("DE"))
    .reason(ExportReason::Gift)
    .build();
    assert_eq!(
        no_incoterm.unwrap_err(),
        DeclarationError::Missing("the Incoterm")
    );
}

proptest! {
    #[test]
    fn a_declaration_builds_exactly_when_its_total_is_the_sum(
        values in prop::collection::vec(0_i64..100_000, 1..8),
        offset in -3_i64..3,
    ) {
        let sum: i64 = values.iter().sum();
        let choice = choose_form(PostalItemKind::LetterPost, &contents_worth(dec!(10)), false);
        let mut builder = PostalDeclarationBuilder::new(choice, ContentCategory::Gift)
            .signature(signature())
            .totals(300 * u32::try_from(values.len()).unwrap(), eur(sum + offset));
        for value in &values {
            builder = builder.item(t_shirt(*value));
        }
        let built = builder.build();
        prop_assert_eq!(built.is_ok(), offset == 0);
    }
}
