//! How amounts, weights and dates read on every document, in one place so the label, the CN 23
//! and the invoice never disagree about "1.250 kg" against "1,25 kg".

use chrono::NaiveDate;
use silkroute_domain::country::CountryCode;
use silkroute_domain::landed_cost::Incoterm;
use silkroute_logistics::postal_declaration::{ContentCategory, TaxIdScheme, TradeParty};

/// Grams as kilograms with three decimals: customs forms ask for kg, posts weigh to the gram.
pub(crate) fn kilograms(grams: u32) -> String {
    format!("{}.{:03} kg", grams / 1000, grams % 1000)
}

/// ISO 8601: the one date form read the same way in Shenzhen and in Berlin.
pub(crate) fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The tick boxes of a CN 22 / CN 23, in the order the UPU forms print them.
pub(crate) const CATEGORIES: [(ContentCategory, &str); 6] = [
    (ContentCategory::Gift, "Gift"),
    (ContentCategory::CommercialSample, "Commercial sample"),
    (ContentCategory::Documents, "Documents"),
    (ContentCategory::ReturnedGoods, "Returned goods"),
    (ContentCategory::SaleOfGoods, "Sale of goods"),
    (ContentCategory::Other, "Other"),
];

/// The sender's certificate printed above the signature on both postal forms.
pub(crate) const POSTAL_CERTIFICATE: &str = "I, the undersigned, certify that the particulars given \
     in this declaration are correct and that this item does not contain any dangerous article \
     or articles prohibited by legislation or by postal or customs regulations.";

/// The country's English short name, in capitals as UPU S42 writes the destination.
pub(crate) fn country_name(country: CountryCode) -> String {
    country.info().name.to_uppercase()
}

/// A party's block: name, street, postcode and town, country, contacts, tax identifiers.
pub(crate) fn party_lines(party: &TradeParty) -> Vec<String> {
    let mut lines = vec![party.name.clone()];
    lines.extend(party.address_lines.iter().cloned());
    lines.push(match &party.postal_code {
        Some(code) => format!("{code} {}", party.city),
        None => party.city.clone(),
    });
    lines.push(country_name(party.country));
    if let Some(phone) = &party.phone {
        lines.push(format!("Tel. {phone}"));
    }
    if let Some(email) = &party.email {
        lines.push(email.clone());
    }
    for tax_id in &party.tax_ids {
        lines.push(format!(
            "{}: {}",
            tax_id_scheme(tax_id.scheme),
            tax_id.number
        ));
    }
    lines
}

pub(crate) fn tax_id_scheme(scheme: TaxIdScheme) -> &'static str {
    match scheme {
        TaxIdScheme::Vat => "VAT",
        TaxIdScheme::Eori => "EORI",
        TaxIdScheme::Ioss => "IOSS",
        TaxIdScheme::UkVat => "UK VAT",
        TaxIdScheme::Voec => "VOEC",
        TaxIdScheme::Abn => "ABN",
        TaxIdScheme::Other => "Tax ID",
    }
}

pub(crate) fn incoterm(incoterm: Incoterm) -> &'static str {
    match incoterm {
        Incoterm::Ddp => "DDP (Delivered Duty Paid)",
        Incoterm::Dap => "DAP (Delivered at Place)",
    }
}
