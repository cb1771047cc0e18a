//! Onboarding sellers and buyers. Only the platform operator creates sellers (after its checks);
//! a seller may read its own record and nobody else's.

use serde::Deserialize;
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::{BuyerId, SellerId};
use silkroute_domain::party::{BusinessModel, Buyer, BuyerKind, CommissionBps, Seller};
use silkroute_domain::validation::FieldErrors;
use silkroute_store::{Page, PageRequest};
use utoipa::ToSchema;

use crate::auth::new_ulid;
use crate::{App, AppError, AppResult, Principal};

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SellerInput {
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 country the seller ships from and is registered in.
    pub country: Option<String>,
    /// `b2c`, `b2b`, `c2c` or `m2c`.
    pub business_model: Option<String>,
    /// ISO 4217 code the seller is paid in; defaults to its country's currency.
    pub settlement_currency: Option<String>,
    /// Platform commission in basis points (1250 = 12.5 %).
    pub commission_bps: Option<i64>,
    /// IANA time zone for reports; defaults to UTC.
    pub time_zone: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerInput {
    pub name: Option<String>,
    pub country: Option<String>,
    /// `consumer` or `business`.
    pub kind: Option<String>,
    pub vat_id: Option<String>,
}

fn parse_name(errors: &mut FieldErrors, name: Option<String>) -> Option<String> {
    match name.map(|name| name.trim().to_string()) {
        Some(name) if (1..=200).contains(&name.chars().count()) => Some(name),
        Some(_) => {
            errors.push("name", "must be 1–200 characters");
            None
        }
        None => {
            errors.push("name", "is required");
            None
        }
    }
}

fn parse_country(errors: &mut FieldErrors, country: Option<String>) -> Option<CountryCode> {
    match country {
        Some(code) => errors.check("country", CountryCode::parse(&code)),
        None => {
            errors.push("country", "is required");
            None
        }
    }
}

/// Parses an optional closed-set field: absent takes the default, unknown is a field error.
fn parse_choice<T>(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    default: T,
    expected: &str,
) -> Option<T> {
    match value {
        Some(text) => {
            let parsed = parse(text);
            if parsed.is_none() {
                errors.push(field, format!("must be one of {expected}"));
            }
            parsed
        }
        None => Some(default),
    }
}

/// An IANA zone name chrono-tz knows: analytics cut a seller's days in it.
fn is_time_zone_name(zone: &str) -> bool {
    zone.parse::<chrono_tz::Tz>().is_ok()
}

impl App {
    pub fn parse_seller(&self, input: SellerInput) -> AppResult<Seller> {
        let mut errors = FieldErrors::new();
        let name = parse_name(&mut errors, input.name);
        let country = parse_country(&mut errors, input.country);
        let business_model = parse_choice(
            &mut errors,
            "business_model",
            input.business_model.as_deref(),
            BusinessModel::parse,
            BusinessModel::B2c,
            "b2c, b2b, c2c, m2c",
        );
        let settlement_currency = match (input.settlement_currency, country) {
            (Some(code), _) => errors.check("settlement_currency", CurrencyCode::parse(&code)),
            (None, Some(country)) => match country.info().currency.map(CurrencyCode::parse) {
                Some(Ok(currency)) => Some(currency),
                _ => {
                    errors.push(
                        "settlement_currency",
                        format!("{country} has no tradeable currency: name one"),
                    );
                    None
                }
            },
            (None, None) => None,
        };
        let commission = errors.check(
            "commission_bps",
            CommissionBps::parse(input.commission_bps.unwrap_or(800)),
        );
        let time_zone = input.time_zone.unwrap_or_else(|| "UTC".to_string());
        if !is_time_zone_name(&time_zone) {
            errors.push(
                "time_zone",
                "must be an IANA time zone name such as Asia/Shanghai",
            );
        }
        let seller = (|| {
            Some(Seller {
                id: SellerId::new(new_ulid(self)),
                name: name?,
                country: country?,
                business_model: business_model?,
                settlement_currency: settlement_currency?,
                commission_bps: commission?.0,
                time_zone,
                created_at: self.now(),
            })
        })();
        errors.finish(seller).map_err(AppError::Invalid)
    }

    pub async fn create_seller(
        &self,
        principal: &Principal,
        input: SellerInput,
    ) -> AppResult<Seller> {
        principal.require_admin()?;
        let seller = self.parse_seller(input)?;
        self.store
            .insert_sellers(std::slice::from_ref(&seller))
            .await?;
        Ok(seller)
    }

    pub async fn get_seller(&self, principal: &Principal, id: &str) -> AppResult<Seller> {
        let id = SellerId::parse(id).map_err(|_| AppError::NotFound("seller"))?;
        match principal.seller_scope() {
            Ok(None) => {}
            Ok(Some(own)) if *own == id => {}
            _ => return Err(AppError::NotFound("seller")),
        }
        self.store
            .get_seller(&id)
            .await?
            .ok_or(AppError::NotFound("seller"))
    }

    pub async fn list_sellers(
        &self,
        principal: &Principal,
        page: &PageRequest,
    ) -> AppResult<Page<Seller>> {
        principal.require_admin()?;
        Ok(self.store.list_sellers(page).await?)
    }

    pub fn parse_buyer(&self, input: BuyerInput) -> AppResult<Buyer> {
        let mut errors = FieldErrors::new();
        let name = parse_name(&mut errors, input.name);
        let country = parse_country(&mut errors, input.country);
        let kind = parse_choice(
            &mut errors,
            "kind",
            input.kind.as_deref(),
            BuyerKind::parse,
            BuyerKind::Consumer,
            "consumer, business",
        );
        let vat_id = input
            .vat_id
            .map(|id| id.trim().to_uppercase())
            .filter(|id| !id.is_empty());
        if vat_id.is_some() && kind == Some(BuyerKind::Consumer) {
            errors.push("vat_id", "only business buyers have a VAT id");
        }
        if vat_id
            .as_ref()
            .is_some_and(|id| id.len() > 20 || !id.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            errors.push("vat_id", "must be up to 20 letters and digits");
        }
        let buyer = (|| {
            Some(Buyer {
                id: BuyerId::new(new_ulid(self)),
                name: name?,
                country: country?,
                kind: kind?,
                vat_id,
                created_at: self.now(),
            })
        })();
        errors.finish(buyer).map_err(AppError::Invalid)
    }

    pub async fn create_buyer(&self, principal: &Principal, input: BuyerInput) -> AppResult<Buyer> {
        principal.require_admin()?;
        let buyer = self.parse_buyer(input)?;
        self.store
            .insert_buyers(std::slice::from_ref(&buyer))
            .await?;
        Ok(buyer)
    }

    pub async fn get_buyer(&self, principal: &Principal, id: &str) -> AppResult<Buyer> {
        let id = BuyerId::parse(id).map_err(|_| AppError::NotFound("buyer"))?;
        match principal {
            Principal::Admin { .. } => {}
            Principal::Buyer { buyer_id, .. } if *buyer_id == id => {}
            _ => return Err(AppError::NotFound("buyer")),
        }
        self.store
            .get_buyer(&id)
            .await?
            .ok_or(AppError::NotFound("buyer"))
    }

    pub async fn list_buyers(
        &self,
        principal: &Principal,
        page: &PageRequest,
    ) -> AppResult<Page<Buyer>> {
        principal.require_admin()?;
        Ok(self.store.list_buyers(page).await?)
    }
}
