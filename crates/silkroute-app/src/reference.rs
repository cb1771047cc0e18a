//! Reference data use cases: loading the shipped market rules, importing ECB rates, converting
//! money, and showing which rules a market applies on a given day.
//!
//! Retired currencies (the kuna, the lev and the euro's other predecessors) are converted on the
//! days they were in use. Their rates come from the ECB history shipped in the binary, not from
//! the store: the ECB stopped quoting each on the day it was retired, so the shipped sheet holds
//! every rate they will ever have, while the store keeps the rates of the currencies in force
//! (it reads codes back as prices need them).

use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Serialize;
use silkroute_domain::country::{CountryCode, all_countries};
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::{self, Conversion, EcbSheet, FxError, PublishedRate, RateMode};
use silkroute_domain::market::{
    self, MarketProfile, MarketRule, MarketView, embedded_rule_files, parse_rule_file,
    validate_rule_set,
};
use silkroute_domain::money::{Money, RoundingMode};
use silkroute_domain::validation::FieldErrors;
use silkroute_store::FxCoverage;
use utoipa::ToSchema;

use crate::{App, AppError, AppResult};

/// The ECB reference-rate history shipped in the binary, so a fresh install converts offline.
pub const ECB_SNAPSHOT: &str = include_str!("../../silkroute-domain/data/ecb/eurofxref-hist.csv");

/// Rates are written in chunks so that a progress bar can move and no transaction grows huge.
const FX_IMPORT_CHUNK: usize = 5_000;

/// The shipped history's rates of retired currencies, parsed on first use (a conversion of a
/// past day in kuna), sorted as [`EcbSheet::latest_on_or_before`] needs.
static RETIRED_RATES: LazyLock<Result<EcbSheet, String>> = LazyLock::new(|| {
    let mut sheet = fx::parse_ecb_csv(ECB_SNAPSHOT).map_err(|error| error.to_string())?;
    sheet
        .rates
        .retain(|rate| rate.currency.retired_on().is_some());
    sheet.rates.shrink_to_fit();
    Ok(sheet)
});

fn retired_rates() -> AppResult<&'static EcbSheet> {
    RETIRED_RATES
        .as_ref()
        .map_err(|error| AppError::Internal(format!("the shipped ECB history is invalid: {error}")))
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FxImportReport {
    pub rates: u64,
    pub currencies: usize,
    /// Columns that are not ISO 4217 codes the platform knows (ROL, TRL), in sheet order.
    pub skipped_currencies: Vec<String>,
    /// Retired currencies in the sheet (HRK, BGN…): not stored, because their rates are served
    /// from the shipped ECB history, which already holds all of them.
    pub retired_currencies: Vec<String>,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    /// The demo's pinned pricing day, lifted because the import brought fresh rates past it.
    pub unpinned: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleLoadReport {
    pub files: usize,
    pub rules: u64,
}

/// One line of the market list: enough to pick a market and see whether it is curated.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MarketSummary {
    pub country: CountryCode,
    pub name: String,
    pub currency: Option<CurrencyCode>,
    pub profile: MarketProfile,
    /// Standard VAT/GST rate in percent in force on the date, when curated.
    pub vat_standard_rate: Option<String>,
    pub rules_in_force: usize,
}

fn fx_unavailable(error: FxError) -> AppError {
    AppError::Unavailable(error.to_string())
}

impl App {
    /// Replaces the stored rule set with the rules shipped in the binary.
    pub async fn load_market_rules(&self) -> AppResult<RuleLoadReport> {
        let mut rules: Vec<MarketRule> = Vec::new();
        for (file_name, text) in embedded_rule_files() {
            rules.extend(
                parse_rule_file(file_name, text)
                    .map_err(|error| AppError::Internal(error.to_string()))?,
            );
        }
        validate_rule_set(&rules).map_err(|error| AppError::Internal(error.to_string()))?;
        let written = self.store.replace_market_rules(&rules).await?;
        self.cache.forget();
        Ok(RuleLoadReport {
            files: embedded_rule_files().len(),
            rules: written,
        })
    }

    /// Imports an ECB CSV (history or daily file); `progress(done, total)` follows the writes.
    /// Rates fresh enough to price today lift the demo's pin (see `fx_freshness`).
    pub async fn import_fx_csv(
        &self,
        text: &str,
        progress: impl Fn(u64, u64),
    ) -> AppResult<FxImportReport> {
        let sheet =
            fx::parse_ecb_csv(text).map_err(|error| AppError::field("file", error.to_string()))?;
        let (retired, in_force): (Vec<PublishedRate>, Vec<PublishedRate>) = sheet
            .rates
            .into_iter()
            .partition(|rate| rate.currency.retired_on().is_some());
        let total = in_force.len() as u64;
        let mut written = 0u64;
        progress(0, total);
        for chunk in in_force.chunks(FX_IMPORT_CHUNK) {
            written += self.store.upsert_fx_rates(chunk).await?;
            progress(written, total);
        }
        self.cache.forget();
        let unpinned = self.lift_pin_if_fresh().await?;
        let codes = |rates: &[PublishedRate]| {
            let mut codes: Vec<String> = rates
                .iter()
                .map(|rate| rate.currency.as_str().to_string())
                .collect();
            codes.sort_unstable();
            codes.dedup();
            codes
        };
        Ok(FxImportReport {
            rates: written,
            currencies: codes(&in_force).len(),
            skipped_currencies: sheet.skipped_currencies,
            retired_currencies: codes(&retired),
            first_date: sheet.first_date,
            last_date: sheet.last_date,
            unpinned,
        })
    }

    pub async fn fx_coverage(&self) -> AppResult<FxCoverage> {
        Ok(self.store.fx_coverage().await?)
    }

    /// The newest publication on or before `date`, with the retired currencies the ECB still
    /// quoted that day (the kuna in 2020).
    pub async fn fx_rates(&self, date: Option<NaiveDate>) -> AppResult<Vec<PublishedRate>> {
        let date = date.unwrap_or_else(|| self.now().date_naive());
        let mut rates = self.store.fx_rates_published(date).await?;
        if let Some(published) = rates.first().map(|rate| rate.date) {
            let retired = retired_rates()?;
            for currency in silkroute_domain::currency::retired_currencies() {
                let Ok(code) = CurrencyCode::parse_historical(currency.code) else {
                    continue;
                };
                if let Some(rate) = retired.latest_on_or_before(code, published)
                    && rate.date == published
                {
                    rates.push(rate);
                }
            }
            rates.sort_by_key(|rate| rate.currency);
        }
        Ok(rates)
    }

    pub(crate) async fn fx_leg(
        &self,
        currency: CurrencyCode,
        date: NaiveDate,
        policy: &fx::FxPolicy,
    ) -> AppResult<PublishedRate> {
        let latest = if currency == CurrencyCode::EUR {
            None
        } else if currency.retired_on().is_some() {
            retired_rates()?.latest_on_or_before(currency, date)
        } else {
            self.store.latest_fx_rate(currency, date).await?
        };
        fx::resolve_leg(currency, date, latest, policy).map_err(fx_unavailable)
    }

    /// Converts an amount given as text, as the API and CLI receive it. A retired currency
    /// converts on the days it was in use (HRK until 2022-12-31) and is refused after, naming the
    /// day it was retired.
    pub async fn convert(
        &self,
        amount: &str,
        from: &str,
        to: &str,
        date: Option<NaiveDate>,
        mode: Option<RateMode>,
        spread_bps: Option<u32>,
    ) -> AppResult<Conversion> {
        let date = date.unwrap_or_else(|| self.now().date_naive());
        let mut errors = FieldErrors::new();
        let from = errors.check("from", CurrencyCode::parse_on(from, date));
        let to = errors.check("to", CurrencyCode::parse_on(to, date));
        let amount =
            from.and_then(|from| errors.check("amount", Money::parse_entered(amount, from)));
        let spread_bps = spread_bps.unwrap_or(0);
        if spread_bps > 1_000 {
            errors.push("spread_bps", "must be at most 1000 (10 %)");
        }
        let (Some(amount), Some(to)) = (amount, to) else {
            return Err(AppError::Invalid(errors.into_vec()));
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors.into_vec()));
        }
        let policy = self.config.fx_policy(mode, spread_bps);
        let from_leg = self.fx_leg(amount.currency(), date, &policy).await?;
        let to_leg = self.fx_leg(to, date, &policy).await?;
        fx::convert(
            amount,
            to,
            &from_leg,
            &to_leg,
            &policy,
            RoundingMode::HalfEven,
        )
        .map_err(fx_unavailable)
    }

    pub async fn market(&self, country: &str, date: Option<NaiveDate>) -> AppResult<MarketView> {
        let country = CountryCode::parse(country).map_err(|_| AppError::NotFound("market"))?;
        let date = date.unwrap_or_else(|| self.now().date_naive());
        let rules = self.store.market_rules().await?;
        Ok(market::market_view(country, date, &rules))
    }

    pub async fn markets(&self, date: Option<NaiveDate>) -> AppResult<Vec<MarketSummary>> {
        let date = date.unwrap_or_else(|| self.now().date_naive());
        let rules = self.store.market_rules().await?;
        let mut summaries = Vec::new();
        for country in all_countries() {
            let Ok(code) = CountryCode::parse(country.alpha2) else {
                continue;
            };
            let view = market::market_view(code, date, &rules);
            let vat_standard_rate = view.vat_standard.as_ref().and_then(|rule| {
                serde_json::to_value(rule).ok().and_then(|value| {
                    value
                        .get("rate")
                        .and_then(|rate| rate.as_str().map(str::to_string))
                })
            });
            summaries.push(MarketSummary {
                country: code,
                name: view.name.clone(),
                currency: view.currency,
                profile: view.profile,
                vat_standard_rate,
                rules_in_force: view.rules.len(),
            });
        }
        Ok(summaries)
    }
}
