//! Choosing among services for one parcel: quote every service, drop those that cannot carry it,
//! and order the rest by what the buyer asked for. When none fits, the error lists each
//! service's reason, because "no shipping available" alone leaves the seller guessing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::parcel::Parcel;
use super::rate::{RateError, RateQuote, rate};
use super::service::CarrierService;
use crate::country::CountryCode;

/// How the options are ordered and which one is selected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Preference {
    /// Lowest total; ties by shorter worst-case transit.
    Cheapest,
    /// Shortest worst-case (max) transit days, then shortest best case, then lowest total.
    Fastest,
    /// Lowest score = total × (1 + 5 % × max transit days): each day of worst-case transit
    /// counts as 5 % of the price, so a 3-day $30 courier (score 34.50) beats a 20-day $20
    /// post (score 40.00), but a 3-day $40 courier (46.00) does not.
    #[default]
    BestValue,
}

/// The selected quote (the first of `options`) and every quote, ordered by the preference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ShippingChoice {
    pub selected: RateQuote,
    pub options: Vec<RateQuote>,
}

/// Quotes every service and orders the quotes by `preference`. Services that cannot carry the
/// parcel are left out; if none can, `RateError::NoServiceFits` carries each service's reason.
/// All quotes must share one currency (the rate cards are compared as written; convert cards
/// beforehand), otherwise `RateError::MixedCurrencies`. An empty parcel is refused outright.
pub fn shop(
    services: &[CarrierService],
    origin: CountryCode,
    destination: CountryCode,
    parcel: &Parcel,
    date: NaiveDate,
    preference: Preference,
) -> Result<ShippingChoice, RateError> {
    if parcel.weight_g == 0 {
        return Err(RateError::EmptyParcel);
    }
    let mut options = Vec::new();
    let mut reasons = Vec::new();
    for service in services {
        match rate(service, origin, destination, parcel, date) {
            Ok(quote) => options.push(quote),
            Err(reason) => reasons.push(reason),
        }
    }
    if let Some(first) = options.first() {
        let currency = first.total.currency();
        if options.iter().any(|q| q.total.currency() != currency) {
            let mut codes: Vec<String> = options
                .iter()
                .map(|q| q.total.currency().to_string())
                .collect();
            codes.sort();
            codes.dedup();
            return Err(RateError::MixedCurrencies(codes.join(", ")));
        }
    }
    options.sort_by(|a, b| {
        let key = |q: &RateQuote| match preference {
            Preference::Cheapest => (
                i128::from(q.total.minor()),
                i128::from(q.transit_days_max),
                i128::from(q.transit_days_min),
            ),
            Preference::Fastest => (
                i128::from(q.transit_days_max),
                i128::from(q.transit_days_min),
                i128::from(q.total.minor()),
            ),
            Preference::BestValue => (
                value_score(q),
                i128::from(q.total.minor()),
                i128::from(q.transit_days_max),
            ),
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.service_id.cmp(&b.service_id))
    });
    match options.first() {
        Some(selected) => Ok(ShippingChoice {
            selected: selected.clone(),
            options,
        }),
        None => Err(RateError::NoServiceFits { reasons }),
    }
}

/// total × (100 + 5 × max days), in minor units × 100: integer, so exact.
fn value_score(quote: &RateQuote) -> i128 {
    i128::from(quote.total.minor()) * (100 + 5 * i128::from(quote.transit_days_max))
}
