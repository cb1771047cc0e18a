//! Carrier services as dated data. Rate cards change by contract on known dates (a new tariff
//! year, a weekly fuel index), so a service is described in a TOML file under `rules/carriers/`
//! and read here; this file holds the model, and the loader refuses any card that could price a
//! parcel ambiguously or inconsistently.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::country::CountryCode;
use crate::currency::CurrencyCode;
use crate::money::Money;

/// How fast and how the parcel travels; the checkout shows it and `shop` sorts on price and
/// transit, not on this label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevel {
    Economy,
    Standard,
    Express,
    LineHaul,
}

/// How tracking numbers for the service are formed: postal operators use UPU S10 numbers, which
/// customs and destination posts can read; integrators use their own prefix and digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum TrackingScheme {
    /// Two-letter S10 service indicator, e.g. "LX" (tracked letter post) or "CP" (parcels).
    S10 { service_indicator: String },
    /// Carrier-specific prefix followed by a zero-padded ten-digit serial.
    Carrier { prefix: String },
}

/// Volumetric pricing: couriers charge for the space a light, bulky parcel takes in an aircraft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Volumetric {
    /// cm³ per kg (5000 for express integrators, 6000 for IATA cargo / line-haul).
    pub divisor_cm3_per_kg: u32,
}

/// One weight break: a parcel of at most `up_to_g` grams (inclusive) costs `price`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct WeightBreak {
    pub up_to_g: u32,
    pub price: Money,
}

/// A destination zone: which countries it covers and what it costs and takes to reach them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Zone {
    pub name: String,
    /// Countries named explicitly. Empty for the rest-of-world zone.
    pub countries: Vec<CountryCode>,
    /// Catches every destination not named by another zone of the origin group (other than the
    /// origin itself and the group's `not_served` list). At most one per group.
    pub rest_of_world: bool,
    pub transit_days_min: u8,
    pub transit_days_max: u8,
    /// Ascending by weight, prices non-decreasing.
    pub breaks: Vec<WeightBreak>,
    /// Price of each started kilogram beyond the last break; `None` when the last break already
    /// reaches the service's maximum weight.
    pub per_additional_kg: Option<Money>,
}

/// Origins that share one zone chart (carriers publish a chart per origin or origin region).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct OriginGroup {
    pub origins: Vec<CountryCode>,
    /// Destinations the carrier refuses from these origins (sanctions, no partner, Antarctica).
    pub not_served: Vec<CountryCode>,
    pub zones: Vec<Zone>,
}

/// A fuel surcharge percentage in force from `from` until the next entry (carriers re-set it
/// weekly or monthly from a published fuel index; we store the result, never compute it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FuelSurcharge {
    pub from: NaiveDate,
    /// Percent of the base rate, e.g. 18.5.
    pub percent: Decimal,
}

/// A carrier's service as priced on one rate card, valid from `effective_from` (inclusive) to
/// `effective_to` (exclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct CarrierService {
    pub id: String,
    pub carrier: String,
    pub level: ServiceLevel,
    pub currency: CurrencyCode,
    /// `None` for postal services, which rate on actual weight.
    pub volumetric: Option<Volumetric>,
    /// Billable weight is rounded up to a multiple of this many grams (e.g. 500 for express).
    pub round_up_to_g: u32,
    /// Ascending by date; the first entry starts no later than `effective_from`.
    pub fuel_surcharge: Vec<FuelSurcharge>,
    pub max_weight_g: u32,
    pub max_longest_side_mm: u32,
    /// Length + 2 × (width + height), the courier limit.
    pub max_length_plus_girth_mm: Option<u32>,
    /// Length + width + height, the UPU small-packet limit.
    pub max_sum_of_sides_mm: Option<u32>,
    pub ddp_capable: bool,
    /// What the carrier bills the consignee for clearing a DAP import on their behalf (the
    /// "advancement" or handling fee), on top of the duty and tax it advanced.
    pub clearance_fee: Option<Money>,
    pub tracking: TrackingScheme,
    pub origin_groups: Vec<OriginGroup>,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// Where the rates come from (rate card name and edition).
    pub source: String,
}

impl CarrierService {
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|end| date < end)
    }

    /// The fuel surcharge percentage on `date`: the last entry starting on or before it.
    pub fn fuel_percent_on(&self, date: NaiveDate) -> Decimal {
        self.fuel_surcharge
            .iter()
            .rev()
            .find(|f| f.from <= date)
            .map_or(Decimal::ZERO, |f| f.percent)
    }

    /// Origin group serving pickups in `origin`.
    pub fn origin_group(&self, origin: CountryCode) -> Option<&OriginGroup> {
        self.origin_groups
            .iter()
            .find(|g| g.origins.contains(&origin))
    }

    /// Every origin the service picks up in.
    pub fn origins(&self) -> impl Iterator<Item = CountryCode> + '_ {
        self.origin_groups
            .iter()
            .flat_map(|g| g.origins.iter().copied())
    }
}

impl OriginGroup {
    /// The zone a parcel from `origin` to `destination` is priced in, if the group delivers
    /// there. The origin country itself is a destination only for a zone of that country alone.
    pub fn zone_for(&self, origin: CountryCode, destination: CountryCode) -> Option<&Zone> {
        if self.not_served.contains(&destination) {
            return None;
        }
        let listed = self
            .zones
            .iter()
            .find(|z| z.countries.contains(&destination));
        // A domestic parcel only in a zone of the origin's country alone (the local card): an
        // international card's regional zone lists its origins too, and neither it nor a
        // rest-of-world zone prices a move inside one country.
        if origin == destination {
            return listed.filter(|zone| zone.countries == [origin]);
        }
        listed.or_else(|| self.zones.iter().find(|z| z.rest_of_world))
    }
}
