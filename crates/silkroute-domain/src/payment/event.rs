//! The body of a payment webhook. The provider tells us asynchronously what became of a payment
//! (captured, 3-D Secure passed, refund sent); this is the shape both the sandbox provider and
//! the receiving endpoint agree on. Unknown fields are ignored so that the provider can add
//! fields without breaking delivery; unknown event types are refused so that nothing is
//! silently dropped.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::PaymentId;
use crate::money::Money;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PaymentEvent {
    /// The provider's event id. Deliveries are retried, so the receiver records it to process
    /// each event once.
    #[schema(example = "evt_01JD6Z0000000000000000000A")]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: PaymentEventKind,
    #[schema(value_type = String, example = "pay_01JD6Z0000000000000000000A")]
    pub payment_id: PaymentId,
    /// The provider's own id for the charge or refund, kept for reconciliation and support.
    pub provider_reference: String,
    pub amount: Money,
    /// When the provider created the event, in Unix seconds (the provider's clock, not ours).
    pub created: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum PaymentEventKind {
    #[serde(rename = "payment.captured")]
    Captured,
    #[serde(rename = "payment.capture_failed")]
    CaptureFailed,
    #[serde(rename = "payment.authentication_succeeded")]
    AuthenticationSucceeded,
    #[serde(rename = "payment.authentication_failed")]
    AuthenticationFailed,
    #[serde(rename = "refund.succeeded")]
    RefundSucceeded,
}

impl PaymentEventKind {
    pub const ALL: [PaymentEventKind; 5] = [
        PaymentEventKind::Captured,
        PaymentEventKind::CaptureFailed,
        PaymentEventKind::AuthenticationSucceeded,
        PaymentEventKind::AuthenticationFailed,
        PaymentEventKind::RefundSucceeded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentEventKind::Captured => "payment.captured",
            PaymentEventKind::CaptureFailed => "payment.capture_failed",
            PaymentEventKind::AuthenticationSucceeded => "payment.authentication_succeeded",
            PaymentEventKind::AuthenticationFailed => "payment.authentication_failed",
            PaymentEventKind::RefundSucceeded => "refund.succeeded",
        }
    }

    pub fn parse(value: &str) -> Option<PaymentEventKind> {
        PaymentEventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

impl fmt::Display for PaymentEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::currency::CurrencyCode;

    const BODY: &str = r#"{"id":"evt_01JD6Z0000000000000000000A","type":"payment.captured","payment_id":"pay_01JD6Z0000000000000000000B","provider_reference":"ch_123","amount":{"amount":"12.34","currency":"EUR"},"created":1700000000}"#;

    #[test]
    fn reads_and_writes_the_wire_shape() {
        let event: PaymentEvent = serde_json::from_str(BODY).unwrap();
        assert_eq!(event.kind, PaymentEventKind::Captured);
        assert_eq!(event.payment_id.as_str(), "pay_01JD6Z0000000000000000000B");
        assert_eq!(event.amount, Money::from_minor(1234, CurrencyCode::EUR));
        assert_eq!(event.created, 1_700_000_000);
        assert_eq!(serde_json::to_string(&event).unwrap(), BODY);
    }

    #[test]
    fn ignores_new_fields_but_refuses_unknown_types_and_ids() {
        let extra = BODY.replace(r#""created""#, r#""livemode":false,"created""#);
        assert!(serde_json::from_str::<PaymentEvent>(&extra).is_ok());
        let unknown_type = BODY.replace("payment.captured", "payment.disputed");
        assert!(serde_json::from_str::<PaymentEvent>(&unknown_type).is_err());
        let order_id = BODY.replace("pay_01JD", "ord_01JD");
        assert!(serde_json::from_str::<PaymentEvent>(&order_id).is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for kind in PaymentEventKind::ALL {
            assert_eq!(PaymentEventKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{kind}\""));
        }
    }
}
