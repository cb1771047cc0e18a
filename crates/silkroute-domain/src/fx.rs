//! Foreign exchange from the ECB euro reference rates. Buyers, sellers and the ledger all work in
//! different currencies, so every conversion must be reproducible later: it names the published
//! rates (legs through EUR), their dates, how a missing day was handled and the platform spread.

mod convert;
mod ecb;
mod resolve;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::currency::CurrencyCode;
use crate::money::MoneyError;

pub use convert::{Conversion, convert, convert_price};
pub use ecb::{EcbSheet, parse_ecb_csv};
pub use resolve::resolve_leg;

/// Attribution required by the ECB's reuse terms, and the name shown on every conversion.
pub const ECB_SOURCE: &str = "ECB euro foreign exchange reference rates";

/// One ECB reference rate: how many units of `currency` one euro bought on `date`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
pub struct PublishedRate {
    pub currency: CurrencyCode,
    pub date: NaiveDate,
    /// Units of `currency` per 1 EUR, exactly as published (decimal string in JSON).
    #[schema(value_type = String, example = "1.0892")]
    pub per_eur: Decimal,
}

/// What to do when the ECB published nothing on the requested day (weekends, TARGET holidays,
/// suspended currencies).
#[derive(Serialize, Deserialize, Default, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RateMode {
    /// Only a rate published on that very day will do (audits, reconciliations against a
    /// statement dated on a business day).
    Strict,
    /// Use the newest rate published on or before the day, up to `FxPolicy::max_gap_days` old:
    /// the ECB's own advice for non-business days, and what checkout needs on a Sunday.
    #[default]
    LastPublished,
}

/// How the platform resolves and prices conversions; configured once, recorded on each quote.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
pub struct FxPolicy {
    pub mode: RateMode,
    /// Oldest acceptable rate in `LastPublished` mode, in calendar days. Seven covers a long
    /// holiday weekend (Easter is four days) but refuses a currency the ECB stopped quoting.
    pub max_gap_days: u32,
    /// Platform margin in basis points (1/100 of a percent), 0 = mid rate.
    pub spread_bps: u32,
}

impl Default for FxPolicy {
    fn default() -> Self {
        FxPolicy {
            mode: RateMode::LastPublished,
            max_gap_days: 7,
            spread_bps: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FxError {
    #[error("no {currency} rate published on or before {date}")]
    NoRate {
        currency: CurrencyCode,
        date: NaiveDate,
    },
    #[error(
        "no {currency} rate published on {date} (strict mode; last published {last_published})"
    )]
    NoRateOnDate {
        currency: CurrencyCode,
        date: NaiveDate,
        last_published: NaiveDate,
    },
    #[error(
        "no {currency} rate within {max_gap_days} days before {requested} (last published {last_published})"
    )]
    StaleRate {
        currency: CurrencyCode,
        requested: NaiveDate,
        last_published: NaiveDate,
        gap_days: i64,
        max_gap_days: u32,
    },
    #[error("the {currency} rate given for {requested} was published later, on {published}")]
    RateFromTheFuture {
        currency: CurrencyCode,
        requested: NaiveDate,
        published: NaiveDate,
    },
    #[error("a {found} rate was given where a {expected} rate is needed")]
    LegMismatch {
        expected: CurrencyCode,
        found: CurrencyCode,
    },
    #[error("the {currency} rate of {date} is {per_eur}, but a rate must be positive")]
    InvalidRate {
        currency: CurrencyCode,
        date: NaiveDate,
        per_eur: Decimal,
    },
    #[error(
        "a spread of {spread_bps} basis points would leave nothing to convert (must be below 10000)"
    )]
    InvalidSpread { spread_bps: u32 },
    #[error("ECB sheet line {line}: {message}")]
    Csv { line: usize, message: String },
    #[error(transparent)]
    Money(#[from] MoneyError),
}
