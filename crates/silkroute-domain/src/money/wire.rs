//! The JSON shape of [`Money`]: `{"amount": "12.34", "currency": "EUR"}`. The amount is a string
//! because JSON numbers are read as binary floats by most clients, which cannot hold 0.10 exactly;
//! it carries exactly the currency's decimals so that the text is also a statement of precision.

use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, SchemaType, Type};

use super::{Money, MoneyError};
use crate::currency::CurrencyCode;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MoneyWire {
    amount: String,
    currency: CurrencyCode,
}

impl From<Money> for MoneyWire {
    fn from(money: Money) -> Self {
        MoneyWire {
            amount: money.amount_string(),
            currency: money.currency,
        }
    }
}

impl TryFrom<MoneyWire> for Money {
    type Error = MoneyError;

    fn try_from(wire: MoneyWire) -> Result<Self, Self::Error> {
        Money::parse_exact(&wire.amount, wire.currency)
    }
}

impl utoipa::PartialSchema for Money {
    fn schema() -> RefOr<Schema> {
        let amount = ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .description(Some(
                "Decimal amount as a string with exactly the currency's minor-unit digits \
                 (\"12.34\" EUR, \"1000\" JPY, \"1.000\" KWD); on input fewer digits are accepted, \
                 more are rejected.",
            ))
            .pattern(Some(r"^[+-]?[0-9]+(\.[0-9]+)?$"))
            .examples([serde_json::json!("12.34")]);
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Object))
            .description(Some(
                "An exact amount of money in one ISO 4217 currency, never a float.",
            ))
            .property("amount", amount)
            .required("amount")
            .property(
                "currency",
                <CurrencyCode as utoipa::PartialSchema>::schema(),
            )
            .required("currency")
            // Read with `deny_unknown_fields`: a client is told so up front.
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .examples([serde_json::json!({"amount": "12.34", "currency": "EUR"})])
            .into()
    }
}

impl utoipa::ToSchema for Money {}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(1234, CurrencyCode::EUR, r#"{"amount":"12.34","currency":"EUR"}"#)]
    #[case(1000, CurrencyCode::JPY, r#"{"amount":"1000","currency":"JPY"}"#)]
    #[case(-1, CurrencyCode::USD, r#"{"amount":"-0.01","currency":"USD"}"#)]
    fn serializes_with_exact_digits(
        #[case] minor: i64,
        #[case] currency: CurrencyCode,
        #[case] json: &str,
    ) {
        let money = Money::from_minor(minor, currency);
        assert_eq!(serde_json::to_string(&money).unwrap(), json);
        assert_eq!(serde_json::from_str::<Money>(json).unwrap(), money);
    }

    #[test]
    fn kwd_has_three_digits() {
        let kwd = CurrencyCode::parse("KWD").unwrap();
        let json = serde_json::to_string(&Money::from_minor(1000, kwd)).unwrap();
        assert_eq!(json, r#"{"amount":"1.000","currency":"KWD"}"#);
    }

    #[rstest]
    #[case(r#"{"amount":"12.3","currency":"eur"}"#, 1230)]
    #[case(r#"{"currency":"EUR","amount":"7"}"#, 700)]
    fn accepts_fewer_digits(#[case] json: &str, #[case] minor: i64) {
        assert_eq!(
            serde_json::from_str::<Money>(json).unwrap(),
            Money::from_minor(minor, CurrencyCode::EUR)
        );
    }

    #[rstest]
    #[case(r#"{"amount":"12.345","currency":"EUR"}"#, "too many decimals")]
    #[case(r#"{"amount":"1000.5","currency":"JPY"}"#, "too many decimals")]
    #[case(r#"{"amount":12.34,"currency":"EUR"}"#, "invalid type")]
    #[case(r#"{"amount":"12.34","currency":"XAU"}"#, "no minor unit")]
    #[case(r#"{"amount":"12.34","currency":"ABC"}"#, "unknown ISO 4217")]
    #[case(r#"{"amount":"abc","currency":"EUR"}"#, "invalid amount")]
    #[case(r#"{"amount":"1"}"#, "missing field")]
    #[case(r#"{"amount":"1","currency":"EUR","extra":1}"#, "unknown field")]
    fn rejects(#[case] json: &str, #[case] message: &str) {
        let error = serde_json::from_str::<Money>(json).unwrap_err().to_string();
        assert!(error.contains(message), "{error}");
    }

    #[test]
    fn schema_describes_the_object() {
        let schema = serde_json::to_value(<Money as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["properties"]["amount"]["type"], "string");
        assert_eq!(schema["properties"]["currency"]["type"], "string");
        assert_eq!(
            schema["required"],
            serde_json::json!(["amount", "currency"])
        );
        assert_eq!(<Money as utoipa::ToSchema>::name(), "Money");
    }
}
