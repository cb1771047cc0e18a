//! Shipping rates for a parcel between two countries: the carrier services shipped as data,
//! priced and ordered by the caller's preference. Checkout will call the same code per seller
//! group; on its own it answers "what would it cost to send this?" like a carrier-rates API.

use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Deserialize;
use silkroute_domain::catalog::{DimensionsInput, DimensionsMm};
use silkroute_domain::country::CountryCode;
use silkroute_domain::shipping::{
    self, CarrierService, Parcel, Preference, RateError, ShippingChoice,
};
use silkroute_domain::validation::{FieldError, FieldErrors};
use utoipa::ToSchema;

use crate::{App, AppError, AppResult};

/// The embedded rate cards, parsed and validated once.
static SERVICES: LazyLock<Result<Vec<CarrierService>, String>> =
    LazyLock::new(|| shipping::embedded_services().map_err(|error| error.to_string()));

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    pub origin: String,
    pub destination: String,
    /// YYYY-MM-DD: which rate cards and fuel surcharges apply (default today).
    pub date: Option<String>,
    /// `cheapest`, `fastest` or `best_value` (default).
    pub preference: Option<Preference>,
    pub parcel: ParcelInput,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParcelInput {
    /// Grams, 1 to 1,000,000.
    #[schema(minimum = 1, maximum = 1000000)]
    pub weight_g: i64,
    pub dimensions_mm: DimensionsInput,
}

fn services() -> AppResult<&'static [CarrierService]> {
    SERVICES
        .as_deref()
        .map_err(|error| AppError::Internal(format!("carrier rate cards are invalid: {error}")))
}

impl App {
    /// The carrier services whose rate cards are in force on `date`.
    pub fn shipping_services(&self, date: Option<NaiveDate>) -> AppResult<Vec<CarrierService>> {
        let date = date.unwrap_or_else(|| self.now().date_naive());
        Ok(services()?
            .iter()
            .filter(|service| service.in_force_on(date))
            .cloned()
            .collect())
    }

    /// Every edition of every rate card, for pricing history.
    pub(crate) fn all_carrier_services(&self) -> AppResult<Vec<CarrierService>> {
        Ok(services()?.to_vec())
    }

    pub fn shop_shipping(&self, request: RateRequest) -> AppResult<ShippingChoice> {
        let mut errors = FieldErrors::new();
        let origin = errors.check("origin", CountryCode::parse(&request.origin));
        let destination = errors.check("destination", CountryCode::parse(&request.destination));
        let date = match request.date.as_deref() {
            Some(text) => match silkroute_domain::day::parse_day(text) {
                Some(date) => Some(date),
                None => {
                    errors.push("date", "must be a date written YYYY-MM-DD");
                    None
                }
            },
            None => Some(self.now().date_naive()),
        };
        let weight = request.parcel.weight_g;
        if !(1..=1_000_000).contains(&weight) {
            errors.push("parcel.weight_g", "must be between 1 and 1000000 grams");
        }
        let dims = &request.parcel.dimensions_mm;
        for (name, value) in [
            ("length", dims.length),
            ("width", dims.width),
            ("height", dims.height),
        ] {
            if !(1..=10_000).contains(&value) {
                errors.push(
                    format!("parcel.dimensions_mm.{name}"),
                    "must be between 1 and 10000 mm",
                );
            }
        }
        if origin.is_some() && origin == destination {
            errors.push(
                "destination",
                "must differ from the origin: domestic shipping is not offered",
            );
        }
        let (Some(origin), Some(destination), Some(date)) = (origin, destination, date) else {
            return Err(AppError::Invalid(errors.into_vec()));
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors.into_vec()));
        }
        let parcel = Parcel::new(
            weight as u32,
            DimensionsMm {
                length: dims.length as u32,
                width: dims.width as u32,
                height: dims.height as u32,
            },
        );
        let preference = request.preference.unwrap_or_default();
        shipping::shop(services()?, origin, destination, &parcel, date, preference).map_err(
            |error| match error {
                RateError::NoServiceFits { reasons } => AppError::Invalid(
                    reasons
                        .iter()
                        .map(|reason| FieldError::new("parcel", reason.to_string()))
                        .collect(),
                ),
                other => AppError::field("parcel", other.to_string()),
            },
        )
    }
}
