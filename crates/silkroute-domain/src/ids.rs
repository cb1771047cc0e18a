//! Prefixed, sortable identifiers (`sel_01JD…`). The prefix tells a person and a log reader what
//! kind of record an id names; parsing checks it so that a product id can never be used where a
//! seller id is expected. Generating ids needs randomness and a clock, so the app makes the
//! [`Ulid`] and the domain only spells it: a new id cannot fail.

use std::fmt;

use serde::{Deserialize, Serialize};
pub use ulid::Ulid;

/// Length of a ULID in Crockford base 32.
const ULID_LEN: usize = 26;

fn is_ulid(body: &str) -> bool {
    body.len() == ULID_LEN
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(&b)))
}

macro_rules! prefixed_id {
    ($name:ident, $prefix:literal, $what:literal) => {
        #[doc = concat!("Identifier of a ", $what, ", written `", $prefix, "_<ULID>`.")]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            pub fn parse(value: &str) -> Result<$name, IdError> {
                match value.strip_prefix(concat!($prefix, "_")) {
                    Some(body) if is_ulid(body) => Ok($name(value.to_string())),
                    _ => Err(IdError {
                        expected: $what,
                        prefix: $prefix,
                        value: value.chars().take(64).collect(),
                    }),
                }
            }

            /// The id of a freshly made ULID (making it is the app's job). Every ULID spells
            /// as 26 Crockford characters, so this cannot fail.
            pub fn new(ulid: Ulid) -> $name {
                $name(format!(concat!($prefix, "_{}"), ulid))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<$name, IdError> {
                $name::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

prefixed_id!(SellerId, "sel", "seller");
prefixed_id!(BuyerId, "buy", "buyer");
prefixed_id!(ProductId, "prd", "product");
prefixed_id!(TokenId, "tok", "token");
prefixed_id!(OrderId, "ord", "order");
prefixed_id!(QuoteId, "qte", "quote");
prefixed_id!(PaymentId, "pay", "payment");
prefixed_id!(RefundId, "ref", "refund");
prefixed_id!(ReturnId, "rma", "return");
prefixed_id!(WarehouseId, "whs", "warehouse");
prefixed_id!(OrderEventId, "oev", "order event");
prefixed_id!(AddressId, "adr", "buyer address");
prefixed_id!(ShipmentId, "shp", "shipment");
prefixed_id!(TransferId, "trf", "transfer");
prefixed_id!(DeclarationId, "dcl", "customs declaration");
prefixed_id!(ManifestId, "mnf", "hand-over manifest");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a {expected} id (expected {prefix}_ followed by a 26-character ULID)")]
pub struct IdError {
    pub expected: &'static str,
    pub prefix: &'static str,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_check_their_prefix() {
        let seller = SellerId::parse("sel_01JD6Z0000000000000000000A").expect("valid");
        assert!(ProductId::parse(seller.as_str()).is_err());
        assert!(SellerId::parse("sel_short").is_err());
        assert!(SellerId::parse("sel_01JD6Z000000000000000000IL").is_err());
    }

    #[test]
    fn a_new_id_parses_back_whatever_its_bits() {
        for (millis, random) in [
            (0, 0),
            (1_733_000_000_000, 0x1234_5678_9abc_def0_1234),
            ((1 << 48) - 1, (1 << 80) - 1),
        ] {
            let id = OrderId::new(Ulid::from_parts(millis, random));
            assert_eq!(OrderId::parse(id.as_str()), Ok(id.clone()));
            assert_eq!(id.as_str().len(), "ord_".len() + ULID_LEN);
        }
        assert_eq!(
            SellerId::new(Ulid::from_parts(0, 10)).as_str(),
            "sel_0000000000000000000000000A"
        );
    }
}
