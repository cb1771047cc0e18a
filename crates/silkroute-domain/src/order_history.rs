//! Order history a seller brings from another platform, so that its analytics start with its
//! past instead of an empty chart. Only what every platform can export is asked for (one row per
//! order: external id, buyer reference, country, date, currency, amount, quantity, SKU), each
//! field checked so that a bad row is named by its line and the good rows are kept.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::country::CountryCode;
use crate::currency::CurrencyCode;
use crate::ids::SellerId;
use crate::money::Money;
use crate::validation::{FieldError, FieldErrors};

/// The CSV header, in order.
pub const COLUMNS: [&str; 8] = [
    "external_order_id",
    "buyer_reference",
    "buyer_country",
    "order_date",
    "currency",
    "amount",
    "quantity",
    "sku",
];

/// The oldest order date accepted: older history has no FX rates to report it with.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportedOrder {
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    /// The order's id on the platform it came from; importing it again changes nothing.
    pub external_id: String,
    /// How that platform named the buyer (an id or an e-mail hash), for returning-buyer counts.
    pub buyer_reference: String,
    pub buyer_country: CountryCode,
    pub ordered_on: NaiveDate,
    /// What the buyer paid for goods and shipping.
    pub amount: Money,
    pub quantity: u32,
    pub sku: Option<String>,
}

fn text(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> Option<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        errors.push(field, format!("must be 1–{max} characters"));
        None
    } else {
        Some(value.to_string())
    }
}

/// Checks one row (fields in [`COLUMNS`] order) for `seller`; `today` bounds the dates.
pub fn parse_row(
    seller: &SellerId,
    fields: &[&str],
    today: NaiveDate,
) -> Result<ImportedOrder, Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    if fields.len() < COLUMNS.len() - 1 || fields.len() > COLUMNS.len() {
        errors.push(
            "",
            format!(
                "expected {} columns ({}), found {}",
                COLUMNS.len(),
                COLUMNS.join(","),
                fields.len()
            ),
        );
        return Err(errors.into_vec());
    }
    let external_id = text(&mut errors, "external_order_id", fields[0], 64);
    let buyer_reference = text(&mut errors, "buyer_reference", fields[1], 128);
    let buyer_country = errors.check("buyer_country", CountryCode::parse(fields[2].trim()));
    let ordered_on = match NaiveDate::parse_from_str(fields[3].trim(), "%Y-%m-%d") {
        Ok(date) if date > today => {
            errors.push("order_date", "is in the future");
            None
        }
        Ok(date) if date < EARLIEST => {
            errors.push("order_date", format!("is before {EARLIEST}"));
            None
        }
        Ok(date) => Some(date),
        Err(_) => {
            errors.push("order_date", "must be a date written YYYY-MM-DD");
            None
        }
    };
    let currency = errors.check("currency", CurrencyCode::parse(fields[4].trim()));
    let amount = currency.and_then(|currency| {
        errors.check("amount", Money::parse_entered(fields[5].trim(), currency))
    });
    if amount.is_some_and(|amount| amount.is_negative()) {
        errors.push("amount", "must not be negative");
    }
    let quantity = match fields[6].trim().parse::<u32>() {
        Ok(quantity) if (1..=100_000).contains(&quantity) => Some(quantity),
        _ => {
            errors.push("quantity", "must be a whole number from 1 to 100000");
            None
        }
    };
    let sku = match fields.get(7).map(|sku| sku.trim()) {
        Some(sku) if sku.chars().count() > 64 => {
            errors.push("sku", "must be at most 64 characters");
            None
        }
        Some("") | None => None,
        Some(sku) => Some(sku.to_string()),
    };
    match (
        external_id,
        buyer_reference,
        buyer_country,
        ordered_on,
        amount,
        quantity,
    ) {
        (
            Some(external_id),
            Some(buyer_reference),
            Some(buyer_country),
            Some(ordered_on),
            Some(amount),
            Some(quantity),
        ) if errors.is_empty() => Ok(ImportedOrder {
            seller_id: seller.clone(),
            external_id,
            buyer_reference,
            buyer_country,
            ordered_on,
            amount,
            quantity,
            sku,
        }),
        _ => Err(errors.into_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seller() -> SellerId {
        SellerId::parse("sel_01JD0000000000000000000001").unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, 30).unwrap()
    }

    #[test]
    fn a_good_row_parses() {
        let row = [
            "A-1001",
            "cust-77",
            "DE",
            "2025-11-11",
            "EUR",
            "59.90",
            "2",
            "TEE-01",
        ];
        let order = parse_row(&seller(), &row, today()).unwrap();
        assert_eq!(order.amount.minor(), 5_990);
        assert_eq!(order.sku.as_deref(), Some("TEE-01"));
        let without_sku = ["A-1002", "cust-77", "DE", "2025-11-11", "JPY", "1200", "1"];
        assert!(parse_row(&seller(), &without_sku, today()).is_ok());
    }

    #[test]
    fn every_bad_field_is_named() {
        let row = ["", "cust", "XX", "2027-01-01", "EUR", "9.999", "0", ""];
        let mut fields: Vec<String> = parse_row(&seller(), &row, today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "amount",
                "buyer_country",
                "external_order_id",
                "order_date",
                "quantity"
            ]
        );
        let short = ["only", "three", "columns"];
        assert_eq!(parse_row(&seller(), &short, today()).unwrap_err().len(), 1);
    }
}
