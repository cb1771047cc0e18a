//! Reference data use cases: loading the shipped market rules, importing ECB rates, converting
//! money, and showing which rules a market applies on a given day.

use chrono::NaiveDate;
use serde::Serialize;
use silkroute_domain::country::{CountryCode, all_countries};
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::{self, Conversion, FxError, PublishedRate, RateMode};
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

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FxImportReport {
    pub rates: u64,
    pub currencies: usize,
    pub skipped_currencies: Vec<String>,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
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
                    .map_err(|error| AppError::Unavailable(error.to_string()))?,
            );
        }
        validate_rule_set(&rules).map_err(|error| AppError::Unavailable(error.to_string()))?;
        let written = self.store.replace_market_rules(&rules).await?;
        self.cache.forget();
        Ok(RuleLoadReport {
            files: embedded_rule_files().len(),
            rules: written,
        })
    }

    /// Imports an ECB CSV (history or daily file); `progress(done, total)` follows the writes.
    pub async fn import_fx_csv(
        &self,
        text: &str,
        progress: impl Fn(u64, u64),
    ) -> AppResult<FxImportReport> {
        let sheet =
            fx::parse_ecb_csv(text).map_err(|error| AppError::field("file", error.to_string()))?;
        let total = sheet.rates.len() as u64;
        let mut written = 0u64;
        progress(0, total);
        for chunk in sheet.rates.chunks(FX_IMPORT_CHUNK) {
            written += self.store.upsert_fx_rates(chunk).await?;
            progress(written, total);
        }
        self.cache.forget();
        let mut currencies: Vec<&str> = sheet
            .rates
            .iter()
            .map(|rate| rate.currency.as_str())
            .collect();
        currencies.sort_unstable();
        currencies.dedup();
        Ok(FxImportReport {
            rates: written,
            currencies: currencies.len(),
            skipped_currencies: sheet.skipped_currencies,
            first_date: sheet.first_date,
            last_date: sheet.last_date,
        })
    }

    pub async fn fx_coverage(&self) -> AppResult<FxCoverage> {
        Ok(self.store.fx_coverage().await?)
    }

    pub async fn fx_rates(&self, date: Option<NaiveDate>) -> AppResult<Vec<PublishedRate>> {
        let date = date.unwrap_or_else(|| self.now().date_naive());
        Ok(self.store.fx_rates_published(date).await?)
    }

    pub(crate) async fn fx_leg(
        &self,
        currency: CurrencyCode,
        date: NaiveDate,
        policy: &fx::FxPolicy,
    ) -> AppResult<PublishedRate> {
        let latest = if currency == CurrencyCode::EUR {
            None
        } else {
            self.store.latest_fx_rate(currency, date).await?
        };
        fx::resolve_leg(currency, date, latest, policy).map_err(fx_unavailable)
    }

    /// Converts an amount given as text, as the API and CLI receive it.
    pub async fn convert(
        &self,
        amount: &str,
        from: &str,
        to: &str,
        date: Option<NaiveDate>,
        mode: Option<RateMode>,
        spread_bps: Option<u32>,
    ) -> AppResult<Conversion> {
        let mut errors = FieldErrors::new();
        let from = errors.check("from", CurrencyCode::parse(from));
        let to = errors.check("to", CurrencyCode::parse(to));
        let amount = from.and_then(|from| errors.check("amount", Money::parse_exact(amount, from)));
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
        let date = date.unwrap_or_else(|| self.now().date_naive());
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
