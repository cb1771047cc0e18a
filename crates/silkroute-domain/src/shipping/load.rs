//! Reading carrier rate cards from `rules/carriers/*.toml`. Cards are typed by people from
//! carrier PDFs, so unknown keys are refused (a typo must not silently drop a limit) and every
//! check names the file and the service so the author can go straight to the mistake.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::service::{
    CarrierService, FuelSurcharge, OriginGroup, ServiceLevel, TrackingScheme, Volumetric,
    WeightBreak, Zone,
};
use super::tracking::tracking_number;
use crate::country::CountryCode;
use crate::currency::CurrencyCode;
use crate::identifiers::{IdentifierKind, validate};
use crate::money::Money;

/// Why a carrier file or set of services was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarrierError {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{file}: service {id}: {message}")]
    Service {
        file: String,
        id: String,
        message: String,
    },
    #[error("service {id} has two rate cards in force on {date}")]
    Overlap { id: String, date: NaiveDate },
}

const EMBEDDED_CARRIER_FILES: [(&str, &str); 4] = [
    (
        "postal.toml",
        include_str!("../../../../rules/carriers/postal.toml"),
    ),
    (
        "express.toml",
        include_str!("../../../../rules/carriers/express.toml"),
    ),
    (
        "line-haul.toml",
        include_str!("../../../../rules/carriers/line-haul.toml"),
    ),
    (
        "local.toml",
        include_str!("../../../../rules/carriers/local.toml"),
    ),
];

/// The carrier files shipped with the binary, as `(file name, TOML text)`.
pub fn embedded_carrier_files() -> &'static [(&'static str, &'static str)] {
    &EMBEDDED_CARRIER_FILES
}

/// Every embedded service, parsed and validated as a set; the shipped data is tested to pass.
pub fn embedded_services() -> Result<Vec<CarrierService>, CarrierError> {
    let mut services = Vec::new();
    for (file, text) in embedded_carrier_files() {
        services.extend(parse_carrier_file(file, text)?);
    }
    validate_service_set(&services)?;
    Ok(services)
}

/// Refuses two cards for the same service id in force on the same day: the quote must not
/// depend on file order.
pub fn validate_service_set(services: &[CarrierService]) -> Result<(), CarrierError> {
    for (i, a) in services.iter().enumerate() {
        for b in &services[i + 1..] {
            if a.id != b.id {
                continue;
            }
            let start = a.effective_from.max(b.effective_from);
            if a.in_force_on(start) && b.in_force_on(start) {
                return Err(CarrierError::Overlap {
                    id: a.id.clone(),
                    date: start,
                });
            }
        }
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    service: Vec<ServiceDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceDoc {
    id: String,
    carrier: String,
    level: ServiceLevel,
    currency: CurrencyCode,
    #[serde(default)]
    volumetric_divisor: Option<u32>,
    #[serde(default = "one")]
    round_up_to_g: u32,
    #[serde(default)]
    fuel_surcharge: Vec<FuelDoc>,
    max_weight_g: u32,
    max_longest_side_mm: u32,
    #[serde(default)]
    max_length_plus_girth_mm: Option<u32>,
    #[serde(default)]
    max_sum_of_sides_mm: Option<u32>,
    ddp_capable: bool,
    /// Decimal amount in `currency`; absent when the carrier charges none.
    #[serde(default)]
    clearance_fee: Option<String>,
    tracking_scheme: String,
    tracking_prefix: String,
    effective_from: NaiveDate,
    #[serde(default)]
    effective_to: Option<NaiveDate>,
    source: String,
    origin_group: Vec<OriginGroupDoc>,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FuelDoc {
    from: NaiveDate,
    percent: Decimal,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OriginGroupDoc {
    origins: Vec<CountryCode>,
    #[serde(default)]
    not_served: Vec<CountryCode>,
    zone: Vec<ZoneDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ZoneDoc {
    name: String,
    #[serde(default)]
    countries: Vec<CountryCode>,
    #[serde(default)]
    rest_of_world: bool,
    transit_days: [u8; 2],
    breaks: Vec<BreakDoc>,
    #[serde(default)]
    per_additional_kg: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BreakDoc {
    up_to_g: u32,
    price: String,
}

/// Reads one carrier file (`[[service]]` tables) and checks each service on its own.
pub fn parse_carrier_file(file: &str, text: &str) -> Result<Vec<CarrierService>, CarrierError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: FileDoc = toml::from_str(text).map_err(|e| CarrierError::File {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    if doc.service.is_empty() {
        return Err(CarrierError::File {
            file: file.to_string(),
            message: "no [[service]] tables".into(),
        });
    }
    doc.service
        .into_iter()
        .map(|service| {
            let id = service.id.clone();
            build_service(service).map_err(|message| CarrierError::Service {
                file: file.to_string(),
                id,
                message,
            })
        })
        .collect()
}

fn build_service(doc: ServiceDoc) -> Result<CarrierService, String> {
    if doc.id.trim().is_empty() || doc.carrier.trim().is_empty() || doc.source.trim().is_empty() {
        return Err("id, carrier and source must not be empty".into());
    }
    if let Some(end) = doc.effective_to
        && end <= doc.effective_from
    {
        return Err(format!(
            "effective_to {end} is not after effective_from {}",
            doc.effective_from
        ));
    }
    if doc.round_up_to_g == 0 {
        return Err("round_up_to_g must be at least 1".into());
    }
    if doc.volumetric_divisor == Some(0) {
        return Err("volumetric_divisor must be positive".into());
    }
    if doc.max_weight_g == 0 || doc.max_longest_side_mm == 0 {
        return Err("max_weight_g and max_longest_side_mm must be positive".into());
    }
    let fuel_surcharge = build_fuel(&doc)?;
    let clearance_fee = match doc.clearance_fee.as_deref() {
        Some(text) => {
            let fee = Money::parse_exact(text, doc.currency)
                .map_err(|error| format!("clearance_fee: {error}"))?;
            if fee.is_negative() {
                return Err("clearance_fee must not be negative".into());
            }
            Some(fee)
        }
        None => None,
    };
    let tracking = build_tracking(&doc.tracking_scheme, &doc.tracking_prefix)?;
    if doc.origin_group.is_empty() {
        return Err("no [[service.origin_group]]".into());
    }
    let mut seen_origins = BTreeSet::new();
    let mut origin_groups = Vec::new();
    for group in doc.origin_group {
        for origin in &group.origins {
            if !seen_origins.insert(*origin) {
                return Err(format!("origin {origin} is in two origin groups"));
            }
        }
        origin_groups.push(build_group(group, doc.currency, doc.max_weight_g)?);
    }
    Ok(CarrierService {
        id: doc.id,
        carrier: doc.carrier,
        level: doc.level,
        currency: doc.currency,
        volumetric: doc
            .volumetric_divisor
            .map(|divisor_cm3_per_kg| Volumetric { divisor_cm3_per_kg }),
        round_up_to_g: doc.round_up_to_g,
        fuel_surcharge,
        max_weight_g: doc.max_weight_g,
        max_longest_side_mm: doc.max_longest_side_mm,
        max_length_plus_girth_mm: doc.max_length_plus_girth_mm,
        max_sum_of_sides_mm: doc.max_sum_of_sides_mm,
        ddp_capable: doc.ddp_capable,
        clearance_fee,
        tracking,
        origin_groups,
        effective_from: doc.effective_from,
        effective_to: doc.effective_to,
        source: doc.source,
    })
}

fn build_fuel(doc: &ServiceDoc) -> Result<Vec<FuelSurcharge>, String> {
    let fuel: Vec<FuelSurcharge> = doc
        .fuel_surcharge
        .iter()
        .map(|f| FuelSurcharge {
            from: f.from,
            percent: f.percent,
        })
        .collect();
    if fuel.windows(2).any(|w| w[0].from >= w[1].from) {
        return Err("fuel_surcharge entries must be in ascending date order".into());
    }
    if let Some(first) = fuel.first()
        && first.from > doc.effective_from
    {
        return Err("the first fuel_surcharge must start no later than effective_from".into());
    }
    if fuel
        .iter()
        .any(|f| f.percent < Decimal::ZERO || f.percent > Decimal::ONE_HUNDRED)
    {
        return Err("fuel_surcharge percent must be between 0 and 100".into());
    }
    Ok(fuel)
}

fn build_tracking(scheme: &str, prefix: &str) -> Result<TrackingScheme, String> {
    let tracking = match scheme {
        "s10" => TrackingScheme::S10 {
            service_indicator: prefix.to_string(),
        },
        "carrier" => {
            let ok = (1..=6).contains(&prefix.len())
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !ok {
                return Err(format!(
                    "carrier tracking_prefix '{prefix}' must be 1-6 upper-case letters or digits"
                ));
            }
            TrackingScheme::Carrier {
                prefix: prefix.to_string(),
            }
        }
        other => return Err(format!("tracking_scheme '{other}' is not s10 or carrier")),
    };
    if let (TrackingScheme::S10 { .. }, Ok(sample_country)) = (&tracking, CountryCode::parse("DE"))
    {
        // A sample number must pass the S10 validator, which refuses reserved indicators.
        let sample = tracking_number(&tracking, 1, sample_country);
        let check = validate(IdentifierKind::S10, &sample);
        if !check.valid {
            return Err(format!(
                "S10 service indicator '{prefix}' is not usable: {}",
                check.reason.unwrap_or_default()
            ));
        }
    }
    Ok(tracking)
}

fn build_group(
    doc: OriginGroupDoc,
    currency: CurrencyCode,
    max_weight_g: u32,
) -> Result<OriginGroup, String> {
    if doc.origins.is_empty() || doc.zone.is_empty() {
        return Err("an origin group needs origins and at least one zone".into());
    }
    let mut names = BTreeSet::new();
    let mut covered = BTreeSet::new();
    let mut rest_of_world = 0;
    let mut zones = Vec::new();
    for zone in doc.zone {
        if !names.insert(zone.name.clone()) {
            return Err(format!("zone '{}' is defined twice", zone.name));
        }
        if zone.rest_of_world {
            rest_of_world += 1;
            if !zone.countries.is_empty() {
                return Err(format!(
                    "zone '{}': a rest_of_world zone lists no countries",
                    zone.name
                ));
            }
        } else if zone.countries.is_empty() {
            return Err(format!("zone '{}' lists no countries", zone.name));
        }
        for country in &zone.countries {
            if !covered.insert(*country) {
                return Err(format!(
                    "{country} is in two zones for origins {:?}",
                    doc.origins
                ));
            }
            if doc.not_served.contains(country) {
                return Err(format!(
                    "{country} is both in zone '{}' and not_served",
                    zone.name
                ));
            }
        }
        zones.push(build_zone(zone, currency, max_weight_g).map_err(|m| format!("zone {m}"))?);
    }
    if rest_of_world > 1 {
        return Err("more than one rest_of_world zone in an origin group".into());
    }
    Ok(OriginGroup {
        origins: doc.origins,
        not_served: doc.not_served,
        zones,
    })
}

fn build_zone(doc: ZoneDoc, currency: CurrencyCode, max_weight_g: u32) -> Result<Zone, String> {
    let name = doc.name;
    let err = |message: String| format!("'{name}': {message}");
    let [transit_days_min, transit_days_max] = doc.transit_days;
    if transit_days_min == 0 || transit_days_min > transit_days_max {
        return Err(err(format!(
            "transit_days {transit_days_min}-{transit_days_max} is not a range of whole days"
        )));
    }
    let price = |text: &str| {
        Money::parse_exact(text, currency)
            .map_err(|e| err(e.to_string()))
            .and_then(|money| {
                if money.is_negative() {
                    Err(err(format!("price {text} is negative")))
                } else {
                    Ok(money)
                }
            })
    };
    let mut breaks = Vec::new();
    for b in &doc.breaks {
        breaks.push(WeightBreak {
            up_to_g: b.up_to_g,
            price: price(&b.price)?,
        });
    }
    let Some(last) = breaks.last() else {
        return Err(err("no weight breaks".into()));
    };
    if breaks.first().is_some_and(|b| b.up_to_g == 0) {
        return Err(err("a weight break must be above 0 g".into()));
    }
    if breaks.windows(2).any(|w| w[0].up_to_g >= w[1].up_to_g) {
        return Err(err("weight breaks must be strictly ascending".into()));
    }
    if breaks
        .windows(2)
        .any(|w| w[0].price.minor() > w[1].price.minor())
    {
        return Err(err("prices must not decrease with weight".into()));
    }
    let per_additional_kg = doc.per_additional_kg.as_deref().map(price).transpose()?;
    if per_additional_kg.is_none() && last.up_to_g < max_weight_g {
        return Err(err(format!(
            "the last break ({} g) is below max_weight_g ({max_weight_g} g) and there is no \
             per_additional_kg",
            last.up_to_g
        )));
    }
    Ok(Zone {
        name: name.clone(),
        countries: doc.countries,
        rest_of_world: doc.rest_of_world,
        transit_days_min,
        transit_days_max,
        breaks,
        per_additional_kg,
    })
}
