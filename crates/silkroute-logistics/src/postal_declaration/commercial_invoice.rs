//! The commercial invoice (or pro forma, when nothing is sold) that customs values a courier
//! shipment on, with every field RULES.md §6.2 lists. Customs refuses an invoice whose lines do
//! not add up to its total, so the builder checks that before anything is printed or sent.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::hs::HsCode;
use silkroute_domain::identifiers::{self, IdentifierKind};
use silkroute_domain::landed_cost::Incoterm;
use silkroute_domain::money::Money;

use super::{DeclarationError, Signature, same_currency};

/// The document's title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    Commercial,
    /// For shipments without a sale (gifts, samples, repairs, returns).
    ProForma,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportReason {
    Sale,
    Gift,
    Sample,
    Repair,
    Return,
    Other,
}

/// Tax identifiers a party may show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxIdScheme {
    Vat,
    /// EU/UK Economic Operators Registration and Identification.
    Eori,
    Ioss,
    UkVat,
    Voec,
    /// Australian Business Number.
    Abn,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxId {
    pub scheme: TaxIdScheme,
    pub number: String,
}

/// The schemes under which the platform collects import VAT at checkout and prints its number on
/// the parcel, so the border does not charge the buyer a second time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectedTaxScheme {
    /// EU Import One-Stop Shop.
    Ioss,
    /// UK VAT on goods of at most GBP 135 sold through a marketplace.
    UkVat,
    /// Norway's VAT on e-commerce.
    Voec,
}

/// The platform's registration under which it collected the tax on this shipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectedTax {
    pub scheme: CollectedTaxScheme,
    pub number: String,
}

/// An exporter, importer or importer of record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeParty {
    pub name: String,
    pub address_lines: Vec<String>,
    pub postal_code: Option<String>,
    pub city: String,
    pub country: CountryCode,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub tax_ids: Vec<TaxId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityUnit {
    Piece,
    Pair,
    Set,
    Kilogram,
    Litre,
    Metre,
}

/// One invoice line. HS code and origin are required here, unlike on a CN 22: every courier
/// import is classified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// Precise: what it is, its material and its use.
    pub description: String,
    pub sku: Option<String>,
    pub hs_code: HsCode,
    pub origin_country: CountryCode,
    pub quantity: u32,
    pub unit: QuantityUnit,
    pub unit_value: Money,
    /// `unit_value × quantity`, as stated on the invoice.
    pub line_total: Money,
    pub net_weight_g: u32,
    pub gross_weight_g: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageKind {
    Box,
    Envelope,
    Bag,
    Crate,
    Pallet,
}

/// `count` packages of one kind, with their shipping marks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Packages {
    pub count: u32,
    pub kind: PackageKind,
    pub marks: Option<String>,
}

/// Charges stated apart from the goods, because customs adds or leaves them out of the customs
/// value depending on the destination (CIF or FOB).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceCharges {
    pub freight: Money,
    pub insurance: Money,
    pub other: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommercialInvoice {
    pub kind: InvoiceKind,
    pub number: String,
    /// The ship date.
    pub date: NaiveDate,
    pub exporter: TradeParty,
    /// The consignee.
    pub importer: TradeParty,
    /// Only when someone other than the consignee is the importer of record.
    pub importer_of_record: Option<TradeParty>,
    pub export_country: CountryCode,
    pub destination_country: CountryCode,
    pub reason: ExportReason,
    pub incoterm: Incoterm,
    /// The Incoterm's named place, e.g. the consignee's town under DAP.
    pub incoterm_place: String,
    pub currency: CurrencyCode,
    pub lines: Vec<InvoiceLine>,
    pub packages: Vec<Packages>,
    pub charges: InvoiceCharges,
    /// Lines plus charges.
    pub total_value: Money,
    pub payment_terms: Option<String>,
    /// Air waybill or tracking number.
    pub tracking_number: Option<String>,
    pub collected_tax: Option<CollectedTax>,
    pub declaration_statement: String,
    pub signature: Signature,
}

/// Collects an invoice's data; [`CommercialInvoiceBuilder::build`] checks it.
#[derive(Clone, Debug)]
pub struct CommercialInvoiceBuilder {
    kind: InvoiceKind,
    number: String,
    date: NaiveDate,
    currency: CurrencyCode,
    exporter: Option<TradeParty>,
    importer: Option<TradeParty>,
    importer_of_record: Option<TradeParty>,
    route: Option<(CountryCode, CountryCode)>,
    reason: Option<ExportReason>,
    incoterm: Option<(Incoterm, String)>,
    lines: Vec<InvoiceLine>,
    packages: Vec<Packages>,
    charges: Option<InvoiceCharges>,
    total_value: Option<Money>,
    payment_terms: Option<String>,
    tracking_number: Option<String>,
    collected_tax: Option<CollectedTax>,
    declaration: Option<(String, Signature)>,
}

impl CommercialInvoiceBuilder {
    pub fn new(
        kind: InvoiceKind,
        number: impl Into<String>,
        date: NaiveDate,
        currency: CurrencyCode,
    ) -> CommercialInvoiceBuilder {
        CommercialInvoiceBuilder {
            kind,
            number: number.into(),
            date,
            currency,
            exporter: None,
            importer: None,
            importer_of_record: None,
            route: None,
            reason: None,
            incoterm: None,
            lines: Vec::new(),
            packages: Vec::new(),
            charges: None,
            total_value: None,
            payment_terms: None,
            tracking_number: None,
            collected_tax: None,
            declaration: None,
        }
    }

    pub fn exporter(mut self, party: TradeParty) -> Self {
        self.exporter = Some(party);
        self
    }

    pub fn importer(mut self, party: TradeParty) -> Self {
        self.importer = Some(party);
        self
    }

    pub fn importer_of_record(mut self, party: TradeParty) -> Self {
        self.importer_of_record = Some(party);
        self
    }

    pub fn route(mut self, export_country: CountryCode, destination: CountryCode) -> Self {
        self.route = Some((export_country, destination));
        self
    }

    pub fn reason(mut self, reason: ExportReason) -> Self {
        self.reason = Some(reason);
        self
    }

    pub fn incoterm(mut self, incoterm: Incoterm, named_place: impl Into<String>) -> Self {
        self.incoterm = Some((incoterm, named_place.into()));
        self
    }

    pub fn line(mut self, line: InvoiceLine) -> Self {
        self.lines.push(line);
        self
    }

    pub fn packages(mut self, packages: Packages) -> Self {
        self.packages.push(packages);
        self
    }

    pub fn charges(mut self, charges: InvoiceCharges) -> Self {
        self.charges = Some(charges);
        self
    }

    /// The total as stated; [`Self::build`] checks it against the lines and charges.
    pub fn total_value(mut self, total: Money) -> Self {
        self.total_value = Some(total);
        self
    }

    pub fn payment_terms(mut self, terms: impl Into<String>) -> Self {
        self.payment_terms = Some(terms.into());
        self
    }

    pub fn tracking_number(mut self, number: impl Into<String>) -> Self {
        self.tracking_number = Some(number.into());
        self
    }

    pub fn collected_tax(mut self, collected: CollectedTax) -> Self {
        self.collected_tax = Some(collected);
        self
    }

    pub fn declaration(mut self, statement: impl Into<String>, signature: Signature) -> Self {
        self.declaration = Some((statement.into(), signature));
        self
    }

    pub fn build(self) -> Result<CommercialInvoice, DeclarationError> {
        use DeclarationError::Missing;
        if self.number.trim().is_empty() {
            return Err(Missing("the invoice number"));
        }
        let exporter = self.exporter.ok_or(Missing("the exporter"))?;
        let importer = self.importer.ok_or(Missing("the importer"))?;
        let (export_country, destination_country) = self
            .route
            .ok_or(Missing("the countries of export and destination"))?;
        let reason = self.reason.ok_or(Missing("the reason for export"))?;
        let (incoterm, incoterm_place) = self.incoterm.ok_or(Missing("the Incoterm"))?;
        if incoterm_place.trim().is_empty() {
            return Err(Missing("the Incoterm's named place"));
        }
        let (declaration_statement, signature) = self
            .declaration
            .ok_or(Missing("the declaration and signature"))?;
        if self.packages.is_empty() {
            return Err(Missing("the number and type of packages"));
        }
        if self.lines.is_empty() {
            return Err(DeclarationError::NoItems);
        }
        let currency = self.currency;
        let charges = self.charges.unwrap_or(InvoiceCharges {
            freight: Money::zero(currency),
            insurance: Money::zero(currency),
            other: Money::zero(currency),
        });
        let mut sum = Money::zero(currency);
        for (index, line) in self.lines.iter().enumerate() {
            check_line(index, line, currency)?;
            sum = add(sum, line.line_total)?;
        }
        for charge in [charges.freight, charges.insurance, charges.other] {
            same_currency(currency, charge)?;
            sum = add(sum, charge)?;
        }
        let total_value = self.total_value.ok_or(Missing("the total value"))?;
        same_currency(currency, total_value)?;
        if total_value != sum {
            return Err(DeclarationError::TotalValue {
                declared: total_value,
                sum,
            });
        }
        if let Some(collected) = &self.collected_tax {
            check_collected_tax(collected)?;
        }
        Ok(CommercialInvoice {
            kind: self.kind,
            number: self.number,
            date: self.date,
            exporter,
            importer,
            importer_of_record: self.importer_of_record,
            export_country,
            destination_country,
            reason,
            incoterm,
            incoterm_place,
            currency,
            lines: self.lines,
            packages: self.packages,
            charges,
            total_value,
            payment_terms: self.payment_terms,
            tracking_number: self.tracking_number,
            collected_tax: self.collected_tax,
            declaration_statement,
            signature,
        })
    }
}

fn add(sum: Money, amount: Money) -> Result<Money, DeclarationError> {
    sum.checked_add(amount)
        .map_err(|_| DeclarationError::Overflow)
}

fn check_line(
    index: usize,
    line: &InvoiceLine,
    currency: CurrencyCode,
) -> Result<(), DeclarationError> {
    let problem = |problem: String| DeclarationError::Item {
        item: index,
        problem,
    };
    if line.description.trim().is_empty() {
        return Err(problem("the description is empty".into()));
    }
    if line.quantity == 0 {
        return Err(problem("the quantity must be at least 1".into()));
    }
    same_currency(currency, line.unit_value)?;
    same_currency(currency, line.line_total)?;
    let expected = line
        .unit_value
        .minor()
        .checked_mul(i64::from(line.quantity))
        .map(|minor| Money::from_minor(minor, currency))
        .ok_or(DeclarationError::Overflow)?;
    if expected != line.line_total {
        return Err(problem(format!(
            "the line total {} is not {} × {} = {}",
            line.line_total, line.quantity, line.unit_value, expected
        )));
    }
    if line.gross_weight_g < line.net_weight_g {
        return Err(problem(format!(
            "the gross weight {} g is below the net weight {} g",
            line.gross_weight_g, line.net_weight_g
        )));
    }
    Ok(())
}

/// IOSS numbers have a published format the domain checks; UK VAT and VOEC numbers are checked
/// for presence only.
fn check_collected_tax(collected: &CollectedTax) -> Result<(), DeclarationError> {
    let (scheme, reason) = match collected.scheme {
        CollectedTaxScheme::Ioss => {
            let validation = identifiers::validate(IdentifierKind::Ioss, &collected.number);
            ("IOSS", validation.reason)
        }
        CollectedTaxScheme::UkVat => ("UK VAT", empty_reason(&collected.number)),
        CollectedTaxScheme::Voec => ("VOEC", empty_reason(&collected.number)),
    };
    match reason {
        Some(reason) => Err(DeclarationError::TaxNumber {
            scheme,
            number: collected.number.clone(),
            reason,
        }),
        None => Ok(()),
    }
}

fn empty_reason(number: &str) -> Option<String> {
    number.trim().is_empty().then(|| "empty value".to_string())
}
