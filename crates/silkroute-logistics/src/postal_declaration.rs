//! The customs paperwork that travels with an item crossing a border (RULES.md §6): which postal
//! declaration it needs — CN 22 for letter-post items worth up to 300 SDR, CN 23 above that, for
//! postal parcels and whenever the service or destination asks for it — and the data of that
//! declaration and of a commercial invoice. The same data feeds the printed form and the
//! electronic advance data customs now demands (ITMATT, ICS2), so it is kept here as plain
//! structs whose builders refuse totals that do not add up; rendering a PDF is an adapter's job.

mod commercial_invoice;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::hs::HsCode;
use silkroute_domain::money::Money;

use crate::sdr::SdrConversion;
use crate::tracking_number::S10Number;

pub use commercial_invoice::{
    CollectedTax, CollectedTaxScheme, CommercialInvoice, CommercialInvoiceBuilder, ExportReason,
    InvoiceCharges, InvoiceKind, InvoiceLine, PackageKind, Packages, QuantityUnit, TaxId,
    TaxIdScheme, TradeParty,
};

/// The most a CN 22 item may contain, in SDR (inclusive: "up to 300 SDR").
pub const CN22_MAX_SDR: Decimal = Decimal::from_parts(300, 0, 0, false, 0);

/// The two UPU customs declarations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclarationForm {
    Cn22,
    Cn23,
}

/// What the post carries the item as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostalItemKind {
    /// A small packet or other letter-post item with goods.
    LetterPost,
    /// A postal parcel: always CN 23 (it replaced the CP 72 parcel declaration).
    Parcel,
}

/// Why a form was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormReason {
    /// Letter post worth up to 300 SDR.
    WithinCn22Limit,
    /// Worth more than 300 SDR.
    AboveCn22Limit,
    /// Postal parcels always carry a CN 23.
    PostalParcel,
    /// The service, the destination or the sender asks for a CN 23.
    Cn23Required,
}

/// The form an item needs, with the SDR value and rate it was decided on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FormChoice {
    pub form: DeclarationForm,
    pub reason: FormReason,
    pub contents: SdrConversion,
}

/// The box ticked on the form; also karrio's `content_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentCategory {
    Gift,
    Documents,
    CommercialSample,
    ReturnedGoods,
    SaleOfGoods,
    /// Needs an explanation on the form.
    Other,
}

/// One line of a CN 22 / CN 23.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationItem {
    /// Detailed: what it is and what it is made of ("cotton T-shirt", not "clothes").
    pub description: String,
    pub quantity: u32,
    pub net_weight_g: u32,
    pub value: Money,
    /// Six digits at least; required for commercial items.
    pub hs_code: Option<HsCode>,
    /// Required for commercial items.
    pub origin_country: Option<CountryCode>,
}

/// Names and addresses on a CN 23 (a CN 22 carries none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationParties {
    pub sender: TradeParty,
    pub addressee: TradeParty,
    /// The importer's tax, VAT or importer code.
    pub importer_reference: Option<String>,
    pub importer_phone: Option<String>,
    pub importer_email: Option<String>,
}

/// The sender's certificate that the item holds nothing dangerous or prohibited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub signer: String,
    pub signed_on: NaiveDate,
}

/// A complete CN 22 or CN 23.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PostalDeclaration {
    pub form: DeclarationForm,
    pub reason: FormReason,
    pub category: ContentCategory,
    /// Required with [`ContentCategory::Other`].
    pub category_explanation: Option<String>,
    pub items: Vec<DeclarationItem>,
    /// Gross: the items and their packing.
    pub total_weight_g: u32,
    /// The sum of the items' values.
    pub total_value: Money,
    /// The value in SDR the form was chosen on, with its rate.
    pub contents: SdrConversion,
    /// CN 23: postage and fees.
    pub postal_charges: Option<Money>,
    /// CN 23 only.
    pub parties: Option<DeclarationParties>,
    pub item_id: Option<S10Number>,
    pub licence_numbers: Vec<String>,
    pub certificate_numbers: Vec<String>,
    pub invoice_number: Option<String>,
    /// E.g. goods subject to quarantine or other inspection.
    pub comments: Option<String>,
    pub office_of_posting: Option<String>,
    pub signature: Signature,
}

/// Collects a declaration's data and checks it when built.
#[derive(Clone, Debug)]
pub struct PostalDeclarationBuilder {
    choice: FormChoice,
    category: ContentCategory,
    category_explanation: Option<String>,
    items: Vec<DeclarationItem>,
    total_weight_g: Option<u32>,
    total_value: Option<Money>,
    postal_charges: Option<Money>,
    parties: Option<DeclarationParties>,
    item_id: Option<S10Number>,
    licence_numbers: Vec<String>,
    certificate_numbers: Vec<String>,
    invoice_number: Option<String>,
    comments: Option<String>,
    office_of_posting: Option<String>,
    signature: Option<Signature>,
}

/// Why a declaration or invoice cannot be built; item and line numbers are 0-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeclarationError {
    #[error("a declaration needs at least one item")]
    NoItems,
    #[error("{0} is missing")]
    Missing(&'static str),
    #[error("item {item}: {problem}")]
    Item { item: usize, problem: String },
    #[error("the declared total value {declared} is not the sum of the items, {sum}")]
    TotalValue { declared: Money, sum: Money },
    #[error("the declared total weight {declared_g} g is below the items' net weight, {net_g} g")]
    TotalWeight { declared_g: u32, net_g: u64 },
    #[error("amounts in {found} where the document is in {expected}")]
    Currency {
        expected: CurrencyCode,
        found: CurrencyCode,
    },
    #[error("a CN 23 needs the sender's and the addressee's names and addresses")]
    Cn23Parties,
    #[error("the category 'other' needs an explanation")]
    OtherUnexplained,
    #[error("the sum does not fit in an amount")]
    Overflow,
    #[error("{scheme} number '{number}' is not valid: {reason}")]
    TaxNumber {
        scheme: &'static str,
        number: String,
        reason: String,
    },
}

/// Chooses CN 22 or CN 23 for an item of `kind` whose contents are worth `contents` (converted
/// at the posting date); `cn23_required` when the service, the destination or the sender asks
/// for a CN 23 whatever the value.
pub fn choose_form(
    kind: PostalItemKind,
    contents: &SdrConversion,
    cn23_required: bool,
) -> FormChoice {
    let (form, reason) = if kind == PostalItemKind::Parcel {
        (DeclarationForm::Cn23, FormReason::PostalParcel)
    } else if cn23_required {
        (DeclarationForm::Cn23, FormReason::Cn23Required)
    } else if contents.sdr > CN22_MAX_SDR {
        (DeclarationForm::Cn23, FormReason::AboveCn22Limit)
    } else {
        (DeclarationForm::Cn22, FormReason::WithinCn22Limit)
    };
    FormChoice {
        form,
        reason,
        contents: contents.clone(),
    }
}

impl ContentCategory {
    /// Commercial items must give each line's HS code and country of origin.
    pub fn is_commercial(&self) -> bool {
        matches!(
            self,
            ContentCategory::SaleOfGoods
                | ContentCategory::CommercialSample
                | ContentCategory::ReturnedGoods
        )
    }
}

impl PostalDeclarationBuilder {
    pub fn new(choice: FormChoice, category: ContentCategory) -> PostalDeclarationBuilder {
        PostalDeclarationBuilder {
            choice,
            category,
            category_explanation: None,
            items: Vec::new(),
            total_weight_g: None,
            total_value: None,
            postal_charges: None,
            parties: None,
            item_id: None,
            licence_numbers: Vec::new(),
            certificate_numbers: Vec::new(),
            invoice_number: None,
            comments: None,
            office_of_posting: None,
            signature: None,
        }
    }

    pub fn item(mut self, item: DeclarationItem) -> Self {
        self.items.push(item);
        self
    }

    /// The totals as the sender states them; [`Self::build`] checks them against the items.
    pub fn totals(mut self, total_weight_g: u32, total_value: Money) -> Self {
        self.total_weight_g = Some(total_weight_g);
        self.total_value = Some(total_value);
        self
    }

    pub fn category_explanation(mut self, explanation: impl Into<String>) -> Self {
        self.category_explanation = Some(explanation.into());
        self
    }

    pub fn postal_charges(mut self, charges: Money) -> Self {
        self.postal_charges = Some(charges);
        self
    }

    pub fn parties(mut self, parties: DeclarationParties) -> Self {
        self.parties = Some(parties);
        self
    }

    pub fn item_id(mut self, item_id: S10Number) -> Self {
        self.item_id = Some(item_id);
        self
    }

    pub fn licence_number(mut self, number: impl Into<String>) -> Self {
        self.licence_numbers.push(number.into());
        self
    }

    pub fn certificate_number(mut self, number: impl Into<String>) -> Self {
        self.certificate_numbers.push(number.into());
        self
    }

    pub fn invoice_number(mut self, number: impl Into<String>) -> Self {
        self.invoice_number = Some(number.into());
        self
    }

    pub fn comments(mut self, comments: impl Into<String>) -> Self {
        self.comments = Some(comments.into());
        self
    }

    pub fn office_of_posting(mut self, office: impl Into<String>) -> Self {
        self.office_of_posting = Some(office.into());
        self
    }

    pub fn signature(mut self, signature: Signature) -> Self {
        self.signature = Some(signature);
        self
    }

    pub fn build(self) -> Result<PostalDeclaration, DeclarationError> {
        if self.items.is_empty() {
            return Err(DeclarationError::NoItems);
        }
        let total_value = self
            .total_value
            .ok_or(DeclarationError::Missing("the total value"))?;
        let total_weight_g = self
            .total_weight_g
            .ok_or(DeclarationError::Missing("the total weight"))?;
        let signature = self
            .signature
            .ok_or(DeclarationError::Missing("the sender's signature"))?;
        if self.category == ContentCategory::Other
            && self
                .category_explanation
                .as_deref()
                .is_none_or(|text| text.trim().is_empty())
        {
            return Err(DeclarationError::OtherUnexplained);
        }
        if self.choice.form == DeclarationForm::Cn23 && self.parties.is_none() {
            return Err(DeclarationError::Cn23Parties);
        }
        let currency = total_value.currency();
        let mut sum = Money::zero(currency);
        let mut net_g: u64 = 0;
        for (index, item) in self.items.iter().enumerate() {
            check_item(index, item, self.category)?;
            same_currency(currency, item.value)?;
            sum = sum
                .checked_add(item.value)
                .map_err(|_| DeclarationError::Overflow)?;
            net_g += u64::from(item.net_weight_g);
        }
        if let Some(charges) = self.postal_charges {
            same_currency(currency, charges)?;
        }
        if sum != total_value {
            return Err(DeclarationError::TotalValue {
                declared: total_value,
                sum,
            });
        }
        if u64::from(total_weight_g) < net_g {
            return Err(DeclarationError::TotalWeight {
                declared_g: total_weight_g,
                net_g,
            });
        }
        Ok(PostalDeclaration {
            form: self.choice.form,
            reason: self.choice.reason,
            category: self.category,
            category_explanation: self.category_explanation,
            items: self.items,
            total_weight_g,
            total_value,
            contents: self.choice.contents,
            postal_charges: self.postal_charges,
            parties: self.parties,
            item_id: self.item_id,
            licence_numbers: self.licence_numbers,
            certificate_numbers: self.certificate_numbers,
            invoice_number: self.invoice_number,
            comments: self.comments,
            office_of_posting: self.office_of_posting,
            signature,
        })
    }
}

fn check_item(
    index: usize,
    item: &DeclarationItem,
    category: ContentCategory,
) -> Result<(), DeclarationError> {
    let problem = |problem: &str| DeclarationError::Item {
        item: index,
        problem: problem.to_string(),
    };
    if item.description.trim().is_empty() {
        return Err(problem("the description is empty"));
    }
    if item.quantity == 0 {
        return Err(problem("the quantity must be at least 1"));
    }
    if item.value.is_negative() {
        return Err(problem("the value cannot be negative"));
    }
    if category.is_commercial() && item.hs_code.is_none() {
        return Err(problem("commercial items need an HS code"));
    }
    if category.is_commercial() && item.origin_country.is_none() {
        return Err(problem("commercial items need a country of origin"));
    }
    Ok(())
}

pub(crate) fn same_currency(expected: CurrencyCode, amount: Money) -> Result<(), DeclarationError> {
    if amount.currency() == expected {
        Ok(())
    } else {
        Err(DeclarationError::Currency {
            expected,
            found: amount.currency(),
        })
    }
}

#[cfg(test)]
mod tests;
