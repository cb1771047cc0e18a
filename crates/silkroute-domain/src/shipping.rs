//! Shipping rates (the TMS core): which carrier services can carry a parcel from one country to
//! another, and at what price and speed. Carriers and their rate cards are dated data under
//! `rules/carriers/` (embedded in the binary) because tariffs and fuel surcharges change on known
//! dates; this module is pure — the date is always passed in — so every quote can be re-derived
//! and tested (RULES §7).

mod load;
mod parcel;
mod rate;
mod service;
mod shop;
mod tracking;

#[cfg(test)]
mod tests;

pub use load::{
    CarrierError, embedded_carrier_files, embedded_services, parse_carrier_file,
    validate_service_set,
};
pub use parcel::{Parcel, ParcelLine, billable_weight_g, volumetric_weight_g};
pub use rate::{RateError, RateQuote, SizeLimit, rate};
pub use service::{
    CarrierService, FuelSurcharge, OriginGroup, ServiceLevel, TrackingScheme, Volumetric,
    WeightBreak, Zone,
};
pub use shop::{Preference, ShippingChoice, shop};
pub use tracking::tracking_number;
