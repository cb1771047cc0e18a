//! Public reference data: currencies, countries, categories, FX, markets and identifier checks.
//! None of it needs a token: a storefront shows it to anonymous buyers.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use silkroute_domain::category::{Category, all_categories};
use silkroute_domain::country::{Country, all_countries};
use silkroute_domain::currency::{Currency, all_currencies, retired_currencies};
use silkroute_domain::fx::{Conversion, PublishedRate, RateMode};
use silkroute_domain::identifiers::{IdentifierKind, Validation, validate};
use silkroute_domain::market::MarketView;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::extract::ApiQuery;
use crate::problem::{ApiError, ApiResult};
use crate::routes::{ListResponse, parse_date};

#[derive(Debug, Serialize, ToSchema)]
pub struct CurrencyEntry {
    pub code: &'static str,
    pub numeric: u16,
    pub name: &'static str,
    pub minor_units: Option<u8>,
    /// Whether goods can be priced in it today: it has a minor unit and is not retired.
    pub tradeable: bool,
    /// For a retired code, the first day it no longer named legal tender: amounts in it are
    /// accepted for earlier days only (FX history, landed costs of past dates).
    #[schema(value_type = Option<String>, example = "2023-01-01")]
    pub retired_on: Option<chrono::NaiveDate>,
    /// For a retired code, the code that replaced it.
    pub replaced_by: Option<&'static str>,
}

/// ISO 4217 currencies in force (178), with their minor units, then the retired codes the
/// platform still reads history in (the kuna, the lev and the euro's other predecessors), each
/// with the day it was retired.
#[utoipa::path(get, path = "/api/v1/currencies", tag = "reference", responses((status = 200, body = ListResponse<CurrencyEntry>)))]
pub async fn list_currencies() -> Json<ListResponse<CurrencyEntry>> {
    let data = all_currencies()
        .iter()
        .chain(retired_currencies())
        .map(|currency: &Currency| CurrencyEntry {
            code: currency.code,
            numeric: currency.numeric,
            name: currency.name,
            minor_units: currency.minor_units,
            tradeable: currency.minor_units.is_some() && currency.retired_on.is_none(),
            retired_on: currency.retired_on,
            replaced_by: currency.replaced_by,
        })
        .collect();
    Json(ListResponse {
        data,
        next_cursor: None,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountryEntry {
    pub alpha2: &'static str,
    pub alpha3: &'static str,
    pub numeric: u16,
    pub name: &'static str,
    pub currency: Option<&'static str>,
}

/// ISO 3166-1 countries (249).
#[utoipa::path(get, path = "/api/v1/countries", tag = "reference", responses((status = 200, body = ListResponse<CountryEntry>)))]
pub async fn list_countries() -> Json<ListResponse<CountryEntry>> {
    let data = all_countries()
        .iter()
        .map(|country: &Country| CountryEntry {
            alpha2: country.alpha2,
            alpha3: country.alpha3,
            numeric: country.numeric,
            name: country.name,
            currency: country.currency,
        })
        .collect();
    Json(ListResponse {
        data,
        next_cursor: None,
    })
}

/// The platform's category taxonomy.
#[utoipa::path(get, path = "/api/v1/categories", tag = "reference", responses((status = 200, body = ListResponse<Category>)))]
pub async fn list_categories() -> Json<ListResponse<Category>> {
    Json(ListResponse {
        data: all_categories().to_vec(),
        next_cursor: None,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RatesQuery {
    /// YYYY-MM-DD; the newest publication on or before it (default today).
    pub date: Option<String>,
}

/// ECB reference rates (units per EUR) of the newest publication day on or before `date`.
#[utoipa::path(get, path = "/api/v1/fx/rates", tag = "fx", params(RatesQuery), responses((status = 200, body = ListResponse<PublishedRate>)))]
pub async fn list_fx_rates(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<RatesQuery>,
) -> ApiResult<Json<ListResponse<PublishedRate>>> {
    let date = parse_date("date", query.date.as_deref())?;
    let data = state.app.fx_rates(date).await?;
    Ok(Json(ListResponse {
        data,
        next_cursor: None,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConvertQuery {
    /// Decimal amount in `from`, at most that currency's minor digits.
    pub amount: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// YYYY-MM-DD (default today).
    pub date: Option<String>,
    /// `strict` or `last_published` (default).
    pub mode: Option<String>,
    /// Spread against the customer in basis points (default 0 = ECB mid rate).
    pub spread_bps: Option<String>,
}

/// Convert money through EUR at the ECB reference rate; the answer carries the rate, its date and
/// the mode.
#[utoipa::path(get, path = "/api/v1/fx/convert", tag = "fx", params(ConvertQuery),
    responses((status = 200, body = Conversion), (status = 422, body = crate::problem::Problem)))]
pub async fn convert(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ConvertQuery>,
) -> ApiResult<Json<Conversion>> {
    let mut missing = Vec::new();
    for (field, value) in [
        ("amount", &query.amount),
        ("from", &query.from),
        ("to", &query.to),
    ] {
        if value.is_none() {
            missing.push(silkroute_domain::validation::FieldError::new(
                field,
                "is required",
            ));
        }
    }
    if !missing.is_empty() {
        return Err(ApiError::invalid(missing));
    }
    let date = parse_date("date", query.date.as_deref())?;
    let mode = match query.mode.as_deref() {
        None => None,
        Some("strict") => Some(RateMode::Strict),
        Some("last_published") => Some(RateMode::LastPublished),
        Some(_) => return Err(ApiError::field("mode", "must be strict or last_published")),
    };
    let spread_bps = query
        .spread_bps
        .as_deref()
        .map(|text| {
            text.parse::<u32>().map_err(|_| {
                ApiError::field("spread_bps", "must be a whole number of basis points")
            })
        })
        .transpose()?;
    let conversion = state
        .app
        .convert(
            query.amount.as_deref().unwrap_or_default(),
            query.from.as_deref().unwrap_or_default(),
            query.to.as_deref().unwrap_or_default(),
            date,
            mode,
            spread_bps,
        )
        .await?;
    Ok(Json(conversion))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MarketQuery {
    /// YYYY-MM-DD: the rules in force that day (default today).
    pub date: Option<String>,
}

/// Every destination market with its profile (curated or generic).
#[utoipa::path(get, path = "/api/v1/markets", tag = "markets", params(MarketQuery),
    responses((status = 200, body = ListResponse<silkroute_app_market::MarketSummary>)))]
pub async fn list_markets(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<MarketQuery>,
) -> ApiResult<Json<ListResponse<silkroute_app_market::MarketSummary>>> {
    let date = parse_date("date", query.date.as_deref())?;
    let data = state.app.markets(date).await?;
    Ok(Json(ListResponse {
        data,
        next_cursor: None,
    }))
}

/// Re-exported under a local name so the OpenAPI schema path stays short.
pub mod silkroute_app_market {
    pub use silkroute_app::MarketSummary;
}

/// One market's tax, duty and de minimis rules in force on a date.
#[utoipa::path(get, path = "/api/v1/markets/{country}", tag = "markets",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-2"), MarketQuery),
    responses((status = 200, body = MarketView), (status = 404, body = crate::problem::Problem)))]
pub async fn get_market(
    State(state): State<AppState>,
    Path(country): Path<String>,
    ApiQuery(query): ApiQuery<MarketQuery>,
) -> ApiResult<Json<MarketView>> {
    let date = parse_date("date", query.date.as_deref())?;
    Ok(Json(state.app.market(&country, date).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ValidateQuery {
    /// gtin, sscc, s10, iso6346, awb, ioss, eu_vat
    pub kind: Option<String>,
    pub value: Option<String>,
}

/// Check an identifier (GTIN, SSCC, UPU S10, ISO 6346, air waybill, IOSS).
#[utoipa::path(get, path = "/api/v1/identifiers/validate", tag = "reference", params(ValidateQuery),
    responses((status = 200, body = Validation), (status = 422, body = crate::problem::Problem)))]
pub async fn validate_identifier(
    ApiQuery(query): ApiQuery<ValidateQuery>,
) -> ApiResult<Json<Validation>> {
    let kinds = IdentifierKind::all()
        .iter()
        .map(|kind| kind.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let kind = query
        .kind
        .as_deref()
        .ok_or_else(|| ApiError::field("kind", format!("is required: one of {kinds}")))?;
    let kind = IdentifierKind::parse(kind)
        .ok_or_else(|| ApiError::field("kind", format!("must be one of {kinds}")))?;
    let value = query
        .value
        .ok_or_else(|| ApiError::field("value", "is required"))?;
    if value.len() > 64 {
        return Err(ApiError::field("value", "must be at most 64 characters"));
    }
    Ok(Json(validate(kind, &value)))
}
