//! The engine's inputs and outputs. Everything is plain data (serialisable) so that a quote can be
//! stored next to the order and re-read during an audit.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::currency::{CurrencyCode, CurrencyError};
use crate::fx::FxError;
use crate::hs::HsCode;
use crate::market::{ExclusionScope, ShippingChannel, ValuationBasis};
use crate::money::{Money, MoneyError};
use crate::party::BuyerKind;

/// One parcel (or one order shipped as one consignment) to one destination. All amounts must be
/// in one currency (the seller's price currency); the engine converts them into the
/// destination's currency.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Consignment {
    pub destination: CountryCode,
    /// Sub-national tax region (ISO 3166-2 suffix, e.g. `ON` for a Canadian province).
    #[serde(default)]
    pub region: Option<String>,
    /// Place of direct shipment (Canada's thresholds depend on it, not on the goods' origin).
    pub origin: CountryCode,
    pub channel: ShippingChannel,
    pub buyer: BuyerKind,
    /// EU only: a business buyer whose VAT number was validated (VIES) self-accounts for VAT.
    #[serde(default)]
    pub buyer_has_valid_eu_vat: bool,
    pub lines: Vec<ConsignmentLine>,
    /// International freight charged to the buyer (shown separately on the invoice).
    #[serde(with = "crate::money::historical")]
    pub freight: Money,
    #[serde(with = "crate::money::historical")]
    pub insurance: Money,
    /// Quote date: decides which rule versions, tariff entries and thresholds apply.
    pub date: NaiveDate,
    #[serde(default)]
    pub incoterm_preference: Option<Incoterm>,
    /// A business importing stock (a head-haul into an overseas warehouse), not a parcel sold to
    /// a buyer: no de minimis relief, no low-value scheme (IOSS and its kin), no flat duty and no
    /// CBEC retail channel apply — duty and import VAT are assessed in full at the border
    /// (RULES.md §15). Set it with `buyer: Business`.
    #[serde(default)]
    pub commercial_import: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ConsignmentLine {
    pub hs_code: HsCode,
    pub quantity: u32,
    /// Price of one unit (the overseas retail price for a consumer sale). A retired currency is
    /// read (a quote for a day when it was in use); the engine checks it against the date.
    #[serde(with = "crate::money::historical")]
    pub unit_value: Money,
    /// China only: statutory consumption-tax rate in percent (e.g. 15 for high-end cosmetics).
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub consumption_tax_rate: Option<Decimal>,
    pub description: String,
}

/// The two delivery terms used in parcel e-commerce (RULES.md §3): with DDP the seller collects
/// duties and taxes at checkout; with DAP the consignee pays them to the carrier at the door.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Incoterm {
    #[serde(alias = "ddp")]
    Ddp,
    #[serde(alias = "dap", alias = "DDU", alias = "ddu")]
    Dap,
}

/// Where a charge is paid.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    AtCheckout,
    AtDoor,
}

/// One duty or tax amount, naming the rule version (or tariff entry) it came from and the base it
/// was computed on.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct ChargeLine {
    /// Rule id (`vat.de.standard`) or tariff entry id (`tariff.eu.6109`).
    pub rule: String,
    pub rule_version: u32,
    pub label: String,
    pub base: Money,
    /// Percent actually applied to `base` (None for flat amounts).
    #[serde(default, with = "rust_decimal::serde::str_option")]
    #[schema(value_type = Option<String>)]
    pub rate: Option<Decimal>,
    pub amount: Money,
    pub collected: Collection,
}

/// A quote of duties and taxes, all in the destination currency.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct LandedCost {
    pub currency: CurrencyCode,
    /// Transaction value of the goods, converted.
    pub goods: Money,
    pub freight: Money,
    pub insurance: Money,
    pub customs_value: Money,
    pub customs_value_basis: ValuationBasis,
    pub duty_lines: Vec<ChargeLine>,
    pub tax_lines: Vec<ChargeLine>,
    pub collected_at_checkout: Money,
    pub due_at_door: Money,
    pub incoterm: Incoterm,
    /// Goods a scheme or relief of the destination does not cover, and what that changed (why
    /// the consignment is collected at the border, or why a line pays the tariff).
    #[serde(default)]
    pub exclusions: Vec<ExcludedGoods>,
    pub notes: Vec<String>,
}

/// One consignment line taken out of a scheme or relief by a `goods_exclusion` rule: the stated
/// reason for a border collection (excise goods outside IOSS) or a tariff duty (alcohol outside
/// the EUR 150 duty relief).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct ExcludedGoods {
    /// Index of the line in the consignment (0-based, like `lines[0]` in a request).
    pub line: usize,
    pub hs_code: String,
    /// What the goods are, as the exclusion rule names them.
    pub goods: String,
    pub excluded_from: ExclusionScope,
    /// The scheme or relief the goods would otherwise have had (`collection.eu.ioss v1`).
    pub instead_of: String,
    /// The exclusion rule and version.
    pub rule: String,
    pub rule_version: u32,
    pub reason: String,
}

impl LandedCost {
    pub fn duty_total(&self) -> Money {
        sum(self.currency, &self.duty_lines)
    }

    pub fn tax_total(&self) -> Money {
        sum(self.currency, &self.tax_lines)
    }
}

fn sum(currency: CurrencyCode, lines: &[ChargeLine]) -> Money {
    Money::from_minor(lines.iter().map(|l| l.amount.minor()).sum(), currency)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LandedCostError {
    #[error("the consignment has no lines")]
    NoLines,
    #[error("line {line}: quantity must be at least 1")]
    ZeroQuantity { line: usize },
    /// An amount in a currency that was not in use on the quote date (the kuna after 2022).
    #[error("{field}: {error}")]
    CurrencyNotInUse {
        /// Path of the amount in the consignment (`lines[0].unit_value`, `freight`).
        field: String,
        error: CurrencyError,
    },
    #[error(
        "lines[{line}] (HS {hs_code}): {goods} cannot be delivered duty paid (DDP) — {reason}; excise is not known before customs assesses it, so it cannot be collected at checkout: ask for DAP ({rule} v{rule_version})"
    )]
    DutyPaidUnavailable {
        /// Index of the line in the consignment (0-based).
        line: usize,
        hs_code: String,
        goods: String,
        reason: String,
        rule: String,
        rule_version: u32,
    },
    #[error("negative amount in the consignment")]
    NegativeAmount,
    /// A sale from stock in the market whose warehouse is not in that market.
    #[error("goods in {origin} are not in {destination}'s market: the parcel is an import")]
    NotInMarket {
        origin: CountryCode,
        destination: CountryCode,
    },
    #[error("all consignment amounts must be in one currency: found {expected} and {found}")]
    MixedCurrencies {
        expected: CurrencyCode,
        found: CurrencyCode,
    },
    #[error("{0} has no currency")]
    NoDestinationCurrency(CountryCode),
    #[error("no curated {kind} rule for {country} in force on {date}: cannot quote")]
    MissingRule {
        kind: &'static str,
        country: CountryCode,
        date: NaiveDate,
    },
    #[error("no tariff schedule for {destination} in force on {date}")]
    NoTariff {
        destination: CountryCode,
        date: NaiveDate,
    },
    #[error("no {currency} exchange rate available for {date}")]
    NoRate {
        currency: CurrencyCode,
        date: NaiveDate,
    },
    #[error(
        "CBEC: transaction value {value} exceeds the per-transaction limit {limit} ({rule} v{version}) and the order is not a single item: it must go through general trade"
    )]
    CbecLimitExceeded {
        value: Money,
        limit: Money,
        rule: String,
        version: u32,
    },
    #[error(transparent)]
    Fx(#[from] FxError),
    #[error(transparent)]
    Money(#[from] MoneyError),
}
