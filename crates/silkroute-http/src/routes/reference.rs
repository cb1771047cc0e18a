//! Public reference data: currencies, countries, categories, FX, markets and identifier checks.
//! None of it needs a token: a storefront shows it to anonymous buyers.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use silkroute_domain::category::{Category, all_categories};
use silkroute_domain::country::{Country, all_countries};
use silkroute_domain::currency::{Currency, all_currencies, retired_currencies};
use silkroute_domain::fx::{Conversion, PublishedRate, RateMode};
use silkroute_domain::identifiers::{IdentifierKind, Validation, validate};
use silkroute_domain::market::MarketView;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::problems::{Invalid, Malformed, NotFound, TooLarge};
use crate::problem::{ApiError, ApiResult};
use crate::routes::{Day, ListResponse, NoQuery, day};

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
#[utoipa::path(get, path = "/api/v1/currencies", tag = "reference", security(()), params(NoQuery),
    responses((status = 200, body = ListResponse<CurrencyEntry>), Malformed, TooLarge))]
pub async fn list_currencies(_: ApiQuery<NoQuery>) -> Json<ListResponse<CurrencyEntry>> {
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
#[utoipa::path(get, path = "/api/v1/countries", tag = "reference", security(()), params(NoQuery),
    responses((status = 200, body = ListResponse<CountryEntry>), Malformed, TooLarge))]
pub async fn list_countries(_: ApiQuery<NoQuery>) -> Json<ListResponse<CountryEntry>> {
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
#[utoipa::path(get, path = "/api/v1/categories", tag = "reference", security(()), params(NoQuery),
    responses((status = 200, body = ListResponse<Category>), Malformed, TooLarge))]
pub async fn list_categories(_: ApiQuery<NoQuery>) -> Json<ListResponse<Category>> {
    Json(ListResponse {
        data: all_categories().to_vec(),
        next_cursor: None,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RatesQuery {
    /// The newest publication on or before this day (default today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub date: Option<Day>,
}

/// ECB reference rates (units per EUR) of the newest publication day on or before `date`.
#[utoipa::path(get, path = "/api/v1/fx/rates", tag = "fx", security(()), params(RatesQuery),
    responses((status = 200, body = ListResponse<PublishedRate>), Malformed, TooLarge, Invalid))]
pub async fn list_fx_rates(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<RatesQuery>,
) -> ApiResult<Json<ListResponse<PublishedRate>>> {
    let data = state.app.fx_rates(day(query.date)).await?;
    Ok(Json(ListResponse {
        data,
        next_cursor: None,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConvertQuery {
    /// Decimal amount in `from`, at most that currency's minor digits (`100`, `12.34`).
    #[param(
        required = true,
        pattern = r"^[+-]?[0-9]+(\.[0-9]+)?$",
        example = "100.00"
    )]
    pub amount: Option<String>,
    /// The amount's currency (ISO 4217).
    #[param(required = true, value_type = Option<silkroute_domain::currency::CurrencyCode>)]
    pub from: Option<String>,
    /// The currency wanted (ISO 4217).
    #[param(required = true, value_type = Option<silkroute_domain::currency::CurrencyCode>)]
    pub to: Option<String>,
    /// The day whose rates apply (default today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub date: Option<Day>,
    /// `strict`: only that day's rate; `last_published` (default): the newest on or before it.
    #[param(inline)]
    pub mode: Option<RateMode>,
    /// Spread against the customer in basis points (default 0 = ECB mid rate).
    #[param(minimum = 0, maximum = 1000)]
    pub spread_bps: Option<u32>,
}

/// Convert money through EUR at the ECB reference rate; the answer carries the rate, its date and
/// the mode.
#[utoipa::path(get, path = "/api/v1/fx/convert", tag = "fx", security(()), params(ConvertQuery),
    responses((status = 200, body = Conversion), Malformed, TooLarge, Invalid))]
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
    let conversion = state
        .app
        .convert(
            query.amount.as_deref().unwrap_or_default(),
            query.from.as_deref().unwrap_or_default(),
            query.to.as_deref().unwrap_or_default(),
            day(query.date),
            query.mode,
            query.spread_bps,
        )
        .await?;
    Ok(Json(conversion))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MarketQuery {
    /// The rules in force that day (default today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub date: Option<Day>,
}

/// Every destination market with its profile (curated or generic).
#[utoipa::path(get, path = "/api/v1/markets", tag = "markets", security(()), params(MarketQuery),
    responses((status = 200, body = ListResponse<silkroute_app_market::MarketSummary>), Malformed,
        TooLarge, Invalid))]
pub async fn list_markets(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<MarketQuery>,
) -> ApiResult<Json<ListResponse<silkroute_app_market::MarketSummary>>> {
    let data = state.app.markets(day(query.date)).await?;
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
#[utoipa::path(get, path = "/api/v1/markets/{country}", tag = "markets", security(()),
    params(("country" = String, Path, description = "ISO 3166-1 alpha-2 (or alpha-3) code of the destination"), MarketQuery),
    responses((status = 200, body = MarketView), Malformed, NotFound, TooLarge, Invalid))]
pub async fn get_market(
    State(state): State<AppState>,
    ApiPath(country): ApiPath<String>,
    ApiQuery(query): ApiQuery<MarketQuery>,
) -> ApiResult<Json<MarketView>> {
    Ok(Json(state.app.market(&country, day(query.date)).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ValidateQuery {
    /// The identifier scheme.
    #[param(required = true, inline)]
    pub kind: Option<IdentifierKind>,
    /// The identifier as printed (spaces and dashes as the scheme allows).
    #[param(required = true, max_length = 64)]
    pub value: Option<String>,
}

/// Check an identifier (GTIN, SSCC, UPU S10, ISO 6346, air waybill, IOSS).
#[utoipa::path(get, path = "/api/v1/identifiers/validate", tag = "reference", security(()), params(ValidateQuery),
    responses((status = 200, body = Validation), Malformed, TooLarge, Invalid))]
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
        .ok_or_else(|| ApiError::field("kind", format!("is required: one of {kinds}")))?;
    let value = query
        .value
        .ok_or_else(|| ApiError::field("value", "is required"))?;
    if value.chars().count() > 64 {
        return Err(ApiError::field("value", "must be at most 64 characters"));
    }
    Ok(Json(validate(kind, &value)))
}
