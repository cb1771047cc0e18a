//! The JSON shape of [`Money`]: `{"amount": "12.34", "currency": "EUR"}`. The amount is a string
//! because JSON numbers are read as binary floats by most clients, which cannot hold 0.10 exactly;
//! it carries exactly the currency's decimals so that the text is also a statement of precision.
//!
//! The shape refuses a retired currency (prices are made today); [`historical`] is the same shape
//! for fields that describe a past day, where the kuna or the lev may appear and the caller checks
//! the code against that day.

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

/// The wire shape with a retired code allowed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoricalMoneyWire {
    amount: String,
    #[serde(deserialize_with = "crate::currency::deserialize_historical")]
    currency: CurrencyCode,
}

/// `#[serde(with = "money::historical")]` for a [`Money`] field that may be in a retired currency
/// (a landed cost for a day when Croatia still used the kuna). The caller checks the code against
/// the day the amount belongs to ([`CurrencyCode::check_in_use_on`]).
pub mod historical {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{HistoricalMoneyWire, Money};

    pub fn serialize<S: Serializer>(money: &Money, serializer: S) -> Result<S::Ok, S::Error> {
        money.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        let wire = HistoricalMoneyWire::deserialize(deserializer)?;
        Money::parse_exact(&wire.amount, wire.currency).map_err(serde::de::Error::custom)
    }
}

/// [`historical`] for an optional field (`#[serde(default, with = "money::historical_option")]`).
pub mod historical_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{HistoricalMoneyWire, Money};

    pub fn serialize<S: Serializer>(
        money: &Option<Money>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        money.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Money>, D::Error> {
        match Option::<HistoricalMoneyWire>::deserialize(deserializer)? {
            Some(wire) => Money::parse_exact(&wire.amount, wire.currency)
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
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

    #[derive(Debug, serde::Deserialize)]
    struct PastAmounts {
        #[serde(with = "historical")]
        paid: Money,
        #[serde(default, with = "historical_option")]
        fee: Option<Money>,
    }

    #[test]
    fn a_retired_currency_is_refused_unless_the_field_holds_history() {
        let kuna = r#"{"amount":"100.00","currency":"HRK"}"#;
        let error = serde_json::from_str::<Money>(kuna).unwrap_err().to_string();
        assert!(error.contains("retired on 2023-01-01"), "{error}");
        let past: PastAmounts = serde_json::from_str(&format!(r#"{{"paid": {kuna}}}"#)).unwrap();
        assert_eq!(past.paid.minor(), 10_000);
        assert_eq!(past.paid.currency().as_str(), "HRK");
        assert_eq!(past.fee, None);
        let past: PastAmounts = serde_json::from_str(
            r#"{"paid": {"amount":"1","currency":"BGN"}, "fee": {"amount":"0.5","currency":"bgn"}}"#,
        )
        .unwrap();
        assert_eq!(past.fee.map(|fee| fee.minor()), Some(50));
        assert_eq!(
            serde_json::to_string(&past.paid).unwrap(),
            r#"{"amount":"1.00","currency":"BGN"}"#
        );
        for bad in [
            r#"{"paid": {"amount":"1.001","currency":"HRK"}}"#,
            r#"{"paid": {"amount":"1","currency":"ABC"}}"#,
            r#"{"paid": {"amount":"1","currency":"HRK","x":1}}"#,
        ] {
            assert!(serde_json::from_str::<PastAmounts>(bad).is_err(), "{bad}");
        }
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
