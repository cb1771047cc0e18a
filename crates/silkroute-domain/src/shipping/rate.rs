//! Pricing one parcel on one service (RULES §7.1-7.2): billable weight, zone, weight break or
//! per-kilogram step, then the fuel surcharge as a percentage of the base. Every refusal says
//! which limit was hit so that the checkout can explain why a service is not offered.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use super::parcel::{Parcel, billable_weight_g};
use super::service::{CarrierService, ServiceLevel, Zone};
use crate::country::CountryCode;
use crate::money::{Money, MoneyError, RoundingMode};

/// The size limit a parcel exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SizeLimit {
    LongestSide,
    LengthPlusGirth,
    SumOfSides,
}

impl std::fmt::Display for SizeLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SizeLimit::LongestSide => "longest side",
            SizeLimit::LengthPlusGirth => "length + girth",
            SizeLimit::SumOfSides => "length + width + height",
        })
    }
}

/// Why a service cannot quote a parcel. `NoServiceFits` gathers one reason per service; the API
/// answers it with 422 Unprocessable Entity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("{service_id}: rate card not in force on {date}")]
    NotInForce { service_id: String, date: NaiveDate },
    #[error("{service_id}: no pickup in {origin}")]
    OriginNotServed {
        service_id: String,
        origin: CountryCode,
    },
    #[error("{service_id}: does not deliver from {origin} to {destination}")]
    DestinationNotServed {
        service_id: String,
        origin: CountryCode,
        destination: CountryCode,
    },
    #[error("{service_id}: parcel weighs {weight_g} g, the limit is {max_g} g")]
    TooHeavy {
        service_id: String,
        weight_g: u32,
        max_g: u32,
    },
    #[error("{service_id}: {limit} is {value_mm} mm, the limit is {max_mm} mm")]
    TooLarge {
        service_id: String,
        limit: SizeLimit,
        value_mm: u64,
        max_mm: u32,
    },
    #[error("the parcel weighs nothing; weigh it before asking for a rate")]
    EmptyParcel,
    #[error("quotes are in different currencies ({0}); convert the rate cards first")]
    MixedCurrencies(String),
    #[error("{service_id}: {source}")]
    Money {
        service_id: String,
        source: MoneyError,
    },
    #[error("no service can carry this parcel: {}", describe(.reasons))]
    NoServiceFits { reasons: Vec<RateError> },
}

fn describe(reasons: &[RateError]) -> String {
    if reasons.is_empty() {
        return "no services are offered".into();
    }
    reasons
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A priced offer, in the rate card's currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct RateQuote {
    pub service_id: String,
    pub carrier: String,
    pub level: ServiceLevel,
    pub zone: String,
    pub billable_weight_g: u32,
    pub base: Money,
    pub fuel_surcharge_percent: Decimal,
    pub fuel_surcharge: Money,
    pub total: Money,
    pub transit_days_min: u8,
    pub transit_days_max: u8,
    pub ddp_capable: bool,
    /// Which card priced it: the service's `effective_from` date and source.
    pub rate_card_effective_from: NaiveDate,
    pub source: String,
}

impl RateQuote {
    pub fn transit_days(&self) -> (u8, u8) {
        (self.transit_days_min, self.transit_days_max)
    }
}

/// Prices `parcel` from `origin` to `destination` on `service` as of `date`.
///
/// Checks, in order: the card is in force, the parcel has weight, the origin and destination
/// are served, the actual weight and the size are within the service's limits, the billable
/// weight is within the limit. Then base = the first break whose `up_to_g` is at or above the
/// billable weight (breaks are inclusive: exactly 500 g is priced at the 500 g break), or beyond
/// the last break the last price plus `per_additional_kg` for each started kilogram; fuel =
/// base × percent, rounded half-up to the minor unit; total = base + fuel.
pub fn rate(
    service: &CarrierService,
    origin: CountryCode,
    destination: CountryCode,
    parcel: &Parcel,
    date: NaiveDate,
) -> Result<RateQuote, RateError> {
    let service_id = || service.id.clone();
    if !service.in_force_on(date) {
        return Err(RateError::NotInForce {
            service_id: service_id(),
            date,
        });
    }
    if parcel.weight_g == 0 {
        return Err(RateError::EmptyParcel);
    }
    let group = service
        .origin_group(origin)
        .ok_or_else(|| RateError::OriginNotServed {
            service_id: service_id(),
            origin,
        })?;
    let zone =
        group
            .zone_for(origin, destination)
            .ok_or_else(|| RateError::DestinationNotServed {
                service_id: service_id(),
                origin,
                destination,
            })?;
    check_size(service, parcel)?;
    let billable = billable_weight_g(
        parcel.weight_g,
        parcel.dimensions_mm,
        service.volumetric.map(|v| v.divisor_cm3_per_kg),
        service.round_up_to_g,
    );
    let heaviest = parcel.weight_g.max(billable);
    if heaviest > service.max_weight_g {
        return Err(RateError::TooHeavy {
            service_id: service_id(),
            weight_g: heaviest,
            max_g: service.max_weight_g,
        });
    }
    let money_error = |source| RateError::Money {
        service_id: service_id(),
        source,
    };
    let base = zone_price(zone, billable, service).map_err(money_error)?;
    let fuel_surcharge_percent = service.fuel_percent_on(date);
    let fuel_surcharge = base
        .checked_mul_decimal(
            fuel_surcharge_percent / Decimal::ONE_HUNDRED,
            RoundingMode::HalfUp,
        )
        .map_err(money_error)?;
    let total = base.checked_add(fuel_surcharge).map_err(money_error)?;
    Ok(RateQuote {
        service_id: service_id(),
        carrier: service.carrier.clone(),
        level: service.level,
        zone: zone.name.clone(),
        billable_weight_g: billable,
        base,
        fuel_surcharge_percent,
        fuel_surcharge,
        total,
        transit_days_min: zone.transit_days_min,
        transit_days_max: zone.transit_days_max,
        ddp_capable: service.ddp_capable,
        rate_card_effective_from: service.effective_from,
        source: service.source.clone(),
    })
}

fn check_size(service: &CarrierService, parcel: &Parcel) -> Result<(), RateError> {
    let limits = [
        (
            SizeLimit::LongestSide,
            u64::from(parcel.longest_side_mm()),
            Some(service.max_longest_side_mm),
        ),
        (
            SizeLimit::LengthPlusGirth,
            parcel.length_plus_girth_mm(),
            service.max_length_plus_girth_mm,
        ),
        (
            SizeLimit::SumOfSides,
            parcel.sum_of_sides_mm(),
            service.max_sum_of_sides_mm,
        ),
    ];
    for (limit, value_mm, max) in limits {
        if let Some(max_mm) = max
            && value_mm > u64::from(max_mm)
        {
            return Err(RateError::TooLarge {
                service_id: service.id.clone(),
                limit,
                value_mm,
                max_mm,
            });
        }
    }
    Ok(())
}

/// The base price of `billable_g` grams in `zone`.
fn zone_price(zone: &Zone, billable_g: u32, service: &CarrierService) -> Result<Money, MoneyError> {
    if let Some(band) = zone.breaks.iter().find(|b| billable_g <= b.up_to_g) {
        return Ok(band.price);
    }
    let Some(last) = zone.breaks.last() else {
        return Ok(Money::zero(service.currency));
    };
    let Some(step) = zone.per_additional_kg else {
        // The loader refuses this (the last break must reach max_weight_g); price at the last
        // break rather than panic if a hand-built service slips through.
        return Ok(last.price);
    };
    let extra_kg = (billable_g - last.up_to_g).div_ceil(1000);
    let extra = step.checked_mul_decimal(Decimal::from(extra_kg), RoundingMode::HalfUp)?;
    last.price.checked_add(extra)
}
