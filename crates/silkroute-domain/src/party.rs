//! The parties of a trade — sellers and buyers — as validated values. Their business model and
//! buyer kind decide later which tax rules apply (B2B reverse charge, C2C thresholds), so they are
//! closed enums rather than free text.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::country::CountryCode;
use crate::currency::CurrencyCode;
use crate::ids::{BuyerId, SellerId};

/// A store on the marketplace. Admin-created: onboarding checks (KYC, tax registrations) happen
/// before a seller exists here.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Seller {
    #[schema(value_type = String, example = "sel_01JD6Z0000000000000000000A")]
    pub id: SellerId,
    pub name: String,
    #[schema(value_type = String, example = "CN")]
    pub country: CountryCode,
    pub business_model: BusinessModel,
    /// The currency the seller is paid out in; its prices are entered in it too.
    #[schema(value_type = String, example = "CNY")]
    pub settlement_currency: CurrencyCode,
    pub commission_bps: u32,
    /// IANA time zone name; reports cut days in the seller's local time.
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Buyer {
    #[schema(value_type = String, example = "buy_01JD6Z0000000000000000000A")]
    pub id: BuyerId,
    pub name: String,
    #[schema(value_type = String, example = "DE")]
    pub country: CountryCode,
    pub kind: BuyerKind,
    /// Business buyers may give a VAT id (validated by the checkout issue).
    pub vat_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// How a seller trades; drives invoicing and tax treatment in later issues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BusinessModel {
    B2c,
    B2b,
    C2c,
    M2c,
}

impl BusinessModel {
    pub fn as_str(&self) -> &'static str {
        match self {
            BusinessModel::B2c => "b2c",
            BusinessModel::B2b => "b2b",
            BusinessModel::C2c => "c2c",
            BusinessModel::M2c => "m2c",
        }
    }

    pub fn parse(value: &str) -> Option<BusinessModel> {
        match value {
            "b2c" => Some(BusinessModel::B2c),
            "b2b" => Some(BusinessModel::B2b),
            "c2c" => Some(BusinessModel::C2c),
            "m2c" => Some(BusinessModel::M2c),
            _ => None,
        }
    }
}

/// A consumer pays destination VAT at checkout; a business may self-account for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BuyerKind {
    Consumer,
    Business,
}

impl BuyerKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            BuyerKind::Consumer => "consumer",
            BuyerKind::Business => "business",
        }
    }

    pub fn parse(value: &str) -> Option<BuyerKind> {
        match value {
            "consumer" => Some(BuyerKind::Consumer),
            "business" => Some(BuyerKind::Business),
            _ => None,
        }
    }
}

/// Commission is held in basis points so that 12.5 % stays exact (1250 bps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CommissionBps(pub u32);

impl CommissionBps {
    /// No marketplace charges more than half of the sale; anything above is a typo.
    pub const MAX: u32 = 5_000;

    pub fn parse(bps: i64) -> Result<CommissionBps, String> {
        if (0..=i64::from(Self::MAX)).contains(&bps) {
            Ok(CommissionBps(bps as u32))
        } else {
            Err(format!(
                "commission must be between 0 and {} basis points",
                Self::MAX
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_models_round_trip_through_their_names() {
        for model in [
            BusinessModel::B2c,
            BusinessModel::B2b,
            BusinessModel::C2c,
            BusinessModel::M2c,
        ] {
            assert_eq!(BusinessModel::parse(model.as_str()), Some(model));
        }
        assert_eq!(BusinessModel::parse("d2c"), None);
    }

    #[test]
    fn commission_outside_zero_to_half_is_rejected() {
        assert!(CommissionBps::parse(-1).is_err());
        assert!(CommissionBps::parse(5_001).is_err());
        assert_eq!(CommissionBps::parse(1_250), Ok(CommissionBps(1_250)));
    }
}
