//! What the marketplace knows about a payment at any moment, and why it failed when it did. The
//! names are stored and shown to buyers and support staff, so they are closed enums with fixed
//! snake_case spellings rather than the provider's free-text codes.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Card schemes let an issuer drop an uncaptured authorisation after about a week (Visa and
/// Mastercard hold periods for card-not-present sales are 7 days), so an authorisation older
/// than this must be treated as gone and the payment as expired.
pub const AUTHORIZATION_VALIDITY_DAYS: i64 = 7;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The buyer must complete 3-D Secure before the issuer decides.
    RequiresAction,
    /// The issuer holds the funds; the money moves only at capture.
    Authorized,
    Captured,
    Declined,
    /// The authorisation or the 3-D Secure challenge lapsed before it was used.
    Expired,
    Refunded,
    PartiallyRefunded,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 7] = [
        PaymentStatus::RequiresAction,
        PaymentStatus::Authorized,
        PaymentStatus::Captured,
        PaymentStatus::Declined,
        PaymentStatus::Expired,
        PaymentStatus::Refunded,
        PaymentStatus::PartiallyRefunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::RequiresAction => "requires_action",
            PaymentStatus::Authorized => "authorized",
            PaymentStatus::Captured => "captured",
            PaymentStatus::Declined => "declined",
            PaymentStatus::Expired => "expired",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::PartiallyRefunded => "partially_refunded",
        }
    }

    pub fn parse(value: &str) -> Option<PaymentStatus> {
        PaymentStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a payment was refused. Deliberately coarse: issuers' detailed codes (stolen card, fraud
/// suspicion) must not be shown to the person at the checkout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    CardDeclined,
    InsufficientFunds,
    ExpiredCard,
    AuthenticationFailed,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 4] = [
        DeclineReason::CardDeclined,
        DeclineReason::InsufficientFunds,
        DeclineReason::ExpiredCard,
        DeclineReason::AuthenticationFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeclineReason::CardDeclined => "card_declined",
            DeclineReason::InsufficientFunds => "insufficient_funds",
            DeclineReason::ExpiredCard => "expired_card",
            DeclineReason::AuthenticationFailed => "authentication_failed",
        }
    }

    pub fn parse(value: &str) -> Option<DeclineReason> {
        DeclineReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == value)
    }
}

impl fmt::Display for DeclineReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The moment after which an authorisation made at `authorized_at` can no longer be captured.
pub fn authorization_expires_at(authorized_at: DateTime<Utc>) -> DateTime<Utc> {
    authorized_at + TimeDelta::days(AUTHORIZATION_VALIDITY_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn names_round_trip() {
        for status in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{status}\""));
        }
        for reason in DeclineReason::ALL {
            assert_eq!(DeclineReason::parse(reason.as_str()), Some(reason));
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{reason}\""));
        }
        assert_eq!(PaymentStatus::parse("settled"), None);
        assert_eq!(DeclineReason::parse("fraud"), None);
    }

    #[test]
    fn authorisations_last_a_week() {
        let authorized_at = Utc.with_ymd_and_hms(2026, 2, 25, 13, 30, 0).unwrap();
        assert_eq!(
            authorization_expires_at(authorized_at),
            Utc.with_ymd_and_hms(2026, 3, 4, 13, 30, 0).unwrap()
        );
    }
}
