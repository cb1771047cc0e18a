//! How amounts, weights and dates read on every document, in one place so the label, the CN 23
//! and the invoice never disagree about "1.250 kg" against "1,25 kg".

use chrono::NaiveDate;
use silkroute_logistics::postal_declaration::ContentCategory;

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
