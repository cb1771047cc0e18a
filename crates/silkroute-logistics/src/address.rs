//! Postal addresses in the shape every country's post expects. Quotes, orders, the address book,
//! warehouses and labels all hold a [`ValidAddress`]: a [`PostalAddress`] that passed the
//! destination country's rules (required fields, postal-code pattern, known state) and was
//! normalised once, so nothing downstream re-checks or re-spells it. The rules are Google's
//! address metadata (libaddressinput), embedded from `data/address/all.json` (BSD-3-Clause).

mod format;
mod metadata;
mod validation;

use serde::{Deserialize, Serialize};
use silkroute_domain::country::CountryCode;

pub use format::{CountryLine, Script, format_lines};
pub use metadata::{AddressField, CountryFormat, StateLabel, StateOption, country_format};
pub use validation::{
    AddressError, AddressErrorCode, AddressErrors, MAX_EMAIL_CHARS, MAX_FIELD_CHARS,
    MAX_PHONE_CHARS, MAX_POSTAL_CODE_CHARS, MAX_STREET_LINES, validate,
};

/// An address as a buyer, seller or warehouse typed it: any text, checked by [`validate`]. Field
/// names follow the metadata's elements (`%N` recipient, `%O` organisation, `%A` street lines,
/// `%D` dependent locality, `%C` city, `%S` state, `%Z` postal code, `%X` sorting code).
/// Unknown keys are refused: a `postcode` typed for `postal_code` would otherwise vanish and the
/// caller be told the postal code is missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PostalAddress {
    /// The person the parcel is handed to; required everywhere.
    #[serde(default)]
    pub recipient: String,
    #[serde(default)]
    pub organisation: Option<String>,
    /// One to three lines: street and number, building, floor, flat.
    #[serde(default)]
    pub street_lines: Vec<String>,
    /// The district, neighbourhood or townland below the city, where the country uses one.
    #[serde(default)]
    pub dependent_locality: Option<String>,
    /// The city or post town.
    #[serde(default)]
    pub city: Option<String>,
    /// State, province, prefecture or county: its key, ISO 3166-2 code or name; stored as the
    /// key (`CA`, `東京都`, `Co. Cork`) once validated.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    /// The CEDEX or sorting code some countries print after the city.
    #[serde(default)]
    pub sorting_code: Option<String>,
    pub country: CountryCode,
    /// For the carrier to call before delivery; carriers ask for it on most services abroad.
    #[serde(default)]
    pub phone: Option<String>,
    /// For the carrier's delivery notices.
    #[serde(default)]
    pub email: Option<String>,
}

/// An address that passed its country's rules, normalised: blanks trimmed and collapsed, empty
/// fields `None`, the state as its key, the postal code in capitals with the country's spacing.
/// Only [`validate`] makes one (deserialising validates again), so holding one is the proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PostalAddress", into = "PostalAddress")]
pub struct ValidAddress(PostalAddress);

impl ValidAddress {
    pub fn address(&self) -> &PostalAddress {
        &self.0
    }

    pub fn into_address(self) -> PostalAddress {
        self.0
    }

    pub fn country(&self) -> CountryCode {
        self.0.country
    }
}

impl TryFrom<PostalAddress> for ValidAddress {
    type Error = AddressErrors;

    fn try_from(address: PostalAddress) -> Result<Self, Self::Error> {
        validate(&address)
    }
}

impl From<ValidAddress> for PostalAddress {
    fn from(valid: ValidAddress) -> Self {
        valid.0
    }
}

#[cfg(test)]
mod tests;
