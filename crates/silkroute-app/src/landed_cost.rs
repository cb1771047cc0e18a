//! A duty-and-tax estimate for a consignment, before any cart exists: what the buyer pays in
//! duties and import taxes, who collects them (checkout or door) and under which dated rule. The
//! checkout issue's quotes will run the same engine per seller group.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Deserialize;
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::PublishedRate;
use silkroute_domain::identifiers::EuVatNumber;
use silkroute_domain::landed_cost::{
    self, Consignment, ConsignmentLine, Incoterm, LandedCost, LandedCostError, TariffTable,
};
use silkroute_domain::market::{ShippingChannel, market_currency};
use silkroute_domain::money::Money;
use silkroute_domain::party::BuyerKind;
use utoipa::ToSchema;

use crate::{App, AppError, AppResult};

static TARIFFS: LazyLock<Result<TariffTable, String>> =
    LazyLock::new(|| landed_cost::embedded_tariffs().map_err(|error| error.to_string()));

/// Currencies in which thresholds are written: their rates are resolved up front because the
/// engine is synchronous and pure.
const THRESHOLD_CURRENCIES: &[&str] = &[
    "EUR", "USD", "GBP", "AUD", "CAD", "JPY", "SGD", "CHF", "NOK", "CNY", "NZD",
];

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LandedCostRequest {
    #[schema(value_type = String, example = "DE")]
    pub destination: CountryCode,
    /// Province or state where tax differs inside the country (e.g. `ON`).
    pub region: Option<String>,
    #[schema(value_type = String, example = "CN")]
    pub origin: CountryCode,
    /// `courier` (default) or `postal`: thresholds differ (Canada).
    #[schema(value_type = Option<String>)]
    pub channel: Option<ShippingChannel>,
    /// `consumer` (default) or `business`.
    pub buyer: Option<BuyerKind>,
    /// A business buyer's EU VAT number; validated offline, never taken on trust.
    pub buyer_vat_id: Option<String>,
    #[schema(value_type = Vec<Object>)]
    pub lines: Vec<ConsignmentLine>,
    /// Amounts may be in a currency retired since (HRK for a date in 2022), never after.
    #[serde(with = "silkroute_domain::money::historical")]
    pub freight: Money,
    #[serde(default, with = "silkroute_domain::money::historical_option")]
    pub insurance: Option<Money>,
    /// The quote date: rules, tariffs and rates of that day (default today).
    #[serde(
        default,
        deserialize_with = "silkroute_domain::day::deserialize_optional"
    )]
    pub date: Option<NaiveDate>,
    /// `DDP` or `DAP` preference; seller-collected schemes are always DDP.
    pub incoterm: Option<Incoterm>,
}

pub(crate) fn tariffs() -> AppResult<&'static TariffTable> {
    TARIFFS
        .as_ref()
        .map_err(|error| AppError::Internal(format!("tariff tables are invalid: {error}")))
}

impl App {
    pub async fn estimate_landed_cost(&self, request: LandedCostRequest) -> AppResult<LandedCost> {
        let buyer = request.buyer.unwrap_or(BuyerKind::Consumer);
        let buyer_has_valid_eu_vat = match request.buyer_vat_id.as_deref() {
            Some(id) if buyer == BuyerKind::Business => EuVatNumber::parse(id)
                .map(|_| true)
                .map_err(|error| AppError::field("buyer_vat_id", error.to_string()))?,
            Some(_) => {
                return Err(AppError::field(
                    "buyer_vat_id",
                    "only business buyers have a VAT id",
                ));
            }
            None => false,
        };
        if request.lines.len() > 500 {
            return Err(AppError::field("lines", "at most 500 lines"));
        }
        let mut errors = silkroute_domain::validation::FieldErrors::new();
        for (index, line) in request.lines.iter().enumerate() {
            errors.check(
                format!("lines[{index}].unit_value.amount"),
                line.unit_value.within_entry_limit(),
            );
        }
        errors.check("freight.amount", request.freight.within_entry_limit());
        if let Some(insurance) = request.insurance {
            errors.check("insurance.amount", insurance.within_entry_limit());
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors.into_vec()));
        }
        let date = request.date.unwrap_or_else(|| self.now().date_naive());
        let currency = request.freight.currency();
        let consignment = Consignment {
            destination: request.destination,
            region: request.region.map(|region| region.trim().to_uppercase()),
            origin: request.origin,
            channel: request.channel.unwrap_or(ShippingChannel::Courier),
            buyer,
            buyer_has_valid_eu_vat,
            lines: request.lines,
            freight: request.freight,
            insurance: request.insurance.unwrap_or_else(|| Money::zero(currency)),
            date,
            incoterm_preference: request.incoterm,
            commercial_import: false,
        };
        let policy = self.config.fx_policy(None, 0);
        let rules = self.store.market_rules().await?;
        let mut wanted: Vec<CurrencyCode> = THRESHOLD_CURRENCIES
            .iter()
            .filter_map(|code| CurrencyCode::parse(code).ok())
            .collect();
        wanted.push(currency);
        // The destination's currency that day (HRK for Croatia before 2023).
        if let Some(local) = market_currency(request.destination, date, &rules) {
            wanted.push(local);
        }
        let mut legs: HashMap<CurrencyCode, PublishedRate> = HashMap::new();
        for code in wanted {
            if legs.contains_key(&code) {
                continue;
            }
            // A currency without a usable rate stays absent; the engine names it if it needs it.
            if let Ok(leg) = self.fx_leg(code, date, &policy).await {
                legs.insert(code, leg);
            }
        }
        landed_cost::landed_cost(&consignment, &rules, tariffs()?, &|code| {
            legs.get(&code).copied()
        })
        .map_err(|error| match error {
            LandedCostError::NoLines => AppError::field("lines", error.to_string()),
            // The engine counts lines from 1 in its message; the field path counts from 0.
            LandedCostError::ZeroQuantity { line } => AppError::field(
                format!("lines[{}].quantity", line.saturating_sub(1)),
                error.to_string(),
            ),
            LandedCostError::CurrencyNotInUse { ref field, .. } => {
                AppError::field(format!("{field}.currency"), error.to_string())
            }
            LandedCostError::DutyPaidUnavailable { .. } => {
                AppError::field("incoterm", error.to_string())
            }
            LandedCostError::NegativeAmount | LandedCostError::MixedCurrencies { .. } => {
                AppError::field("lines", error.to_string())
            }
            other => AppError::Unavailable(other.to_string()),
        })
    }
}
