//! Checkout quotes: load what a cart depends on (products, sellers, the day's rules, tariffs,
//! rate cards and exchange rates), let the domain price it, and store the result frozen with an
//! id and an expiry. Orders are placed against the stored quote only.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use silkroute_domain::checkout::{
    self, CartLine, Destination, QUOTE_VALIDITY_MINUTES, QuoteBody, QuoteContext, QuoteError,
};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::{self, PublishedRate};
use silkroute_domain::identifiers::EuVatNumber;
use silkroute_domain::ids::{BuyerId, ProductId, QuoteId, SellerId};
use silkroute_domain::landed_cost::Incoterm;
use silkroute_domain::market::MarketRule;
use silkroute_domain::party::{BuyerKind, Seller};
use silkroute_domain::shipping::Preference;
use silkroute_domain::validation::FieldErrors;
use silkroute_logistics::address::PostalAddress;
use silkroute_store::StoredQuote;
use utoipa::ToSchema;

use crate::auth::new_ulid;
use crate::ship_from::PlanRequest;
use crate::ship_to::ShipToRequest;
use crate::{App, AppError, AppResult, Principal};

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    pub destination: DestinationInput,
    /// 1 to `checkout::MAX_LINES` (200) lines.
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Vec<QuoteLineInput>,
    /// `cheapest`, `fastest` or `best_value` (default).
    pub preference: Option<Preference>,
    /// `DDP` or `DAP`; default DDP where the carrier can clear for the buyer.
    pub incoterm: Option<Incoterm>,
    /// A shipping service per seller instead of the preference's pick.
    pub shipping: Option<Vec<ServiceChoice>>,
    /// Admin only: quote for this buyer. A buyer token always quotes for itself.
    pub buyer_id: Option<String>,
    /// The full address the parcels go to, in the destination country; checked against its
    /// rules. The orders placed from the quote ship there.
    pub ship_to: Option<PostalAddress>,
    /// Instead of `ship_to`: an address from the buyer's address book (`adr_…`).
    pub address_id: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DestinationInput {
    pub country: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteLineInput {
    pub product_id: String,
    /// 1 to `checkout::MAX_QUANTITY` (100,000) units.
    #[schema(minimum = 1, maximum = 100000)]
    pub quantity: i64,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceChoice {
    pub seller_id: String,
    pub service_id: String,
}

/// A stored quote as the API returns it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Quote {
    #[schema(value_type = String, example = "qte_01JD…")]
    pub id: QuoteId,
    #[schema(value_type = Option<String>)]
    pub buyer_id: Option<BuyerId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Set once an order was placed from it: a quote pays for one checkout only.
    pub consumed_at: Option<DateTime<Utc>>,
    /// Where the parcels go, normalised (personal data: shown to the quote's buyer and admins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<PostalAddress>,
    #[serde(flatten)]
    pub body: QuoteBody,
}

impl From<StoredQuote> for Quote {
    fn from(quote: StoredQuote) -> Quote {
        Quote {
            id: quote.id,
            buyer_id: quote.buyer_id,
            created_at: quote.created_at,
            expires_at: quote.expires_at,
            consumed_at: quote.consumed_at,
            ship_to: quote.ship_to,
            body: quote.body,
        }
    }
}

pub(crate) type ReportingRates =
    HashMap<(CurrencyCode, NaiveDate), (Option<PublishedRate>, Option<std::time::Instant>)>;

type LegsByDay = Option<(NaiveDate, Arc<HashMap<CurrencyCode, PublishedRate>>)>;

/// Reference data that changes rarely, kept in memory between quotes.
#[derive(Default)]
pub(crate) struct ReferenceCache {
    rules: std::sync::Mutex<Option<Arc<Vec<MarketRule>>>>,
    legs: std::sync::Mutex<LegsByDay>,
    /// The last ECB rate on or before a (currency, day) a report used, and until when it may
    /// be reused (`None`: for good).
    pub(crate) reporting_rates: std::sync::Mutex<ReportingRates>,
}

impl ReferenceCache {
    pub(crate) fn forget(&self) {
        if let Ok(mut rules) = self.rules.lock() {
            *rules = None;
        }
        if let Ok(mut legs) = self.legs.lock() {
            *legs = None;
        }
        if let Ok(mut rates) = self.reporting_rates.lock() {
            rates.clear();
        }
    }
}

fn quote_error(error: QuoteError) -> AppError {
    let line = |line: usize, field: &str| format!("lines[{line}].{field}");
    match &error {
        QuoteError::NoLines | QuoteError::TooManyLines => {
            AppError::field("lines", error.to_string())
        }
        QuoteError::BadQuantity { line: index } | QuoteError::BelowMoq { line: index, .. } => {
            AppError::field(line(*index, "quantity"), error.to_string())
        }
        QuoteError::NotOnSale { line: index } | QuoteError::DuplicateProduct { line: index } => {
            AppError::field(line(*index, "product_id"), error.to_string())
        }
        QuoteError::NoCurrency(_)
        | QuoteError::Domestic(_)
        | QuoteError::UnsupportedDestination { .. } => {
            AppError::field("destination.country", error.to_string())
        }
        QuoteError::NoShipping { .. } | QuoteError::UnknownService { .. } => {
            AppError::field("shipping", error.to_string())
        }
        QuoteError::NoDdpService { .. } | QuoteError::NotDeliverableDutyPaid(_) => {
            AppError::field("incoterm", error.to_string())
        }
        QuoteError::NoRate { .. } => AppError::Unavailable(error.to_string()),
        QuoteError::BadPlan(_) => AppError::Internal(error.to_string()),
        QuoteError::LandedCost(_) | QuoteError::Overflow | QuoteError::TooLarge { .. } => {
            AppError::field("lines", error.to_string())
        }
    }
}

impl App {
    pub(crate) async fn cached_rules(&self) -> AppResult<Arc<Vec<MarketRule>>> {
        if let Some(rules) = self.cache.rules.lock().ok().and_then(|r| r.clone()) {
            return Ok(rules);
        }
        let rules = Arc::new(self.store.market_rules().await?);
        if let Ok(mut slot) = self.cache.rules.lock() {
            *slot = Some(rules.clone());
        }
        Ok(rules)
    }

    /// Every EUR leg usable on `date` under the configured policy.
    async fn cached_legs(
        &self,
        date: NaiveDate,
    ) -> AppResult<Arc<HashMap<CurrencyCode, PublishedRate>>> {
        if let Some((cached_date, legs)) = self.cache.legs.lock().ok().and_then(|l| l.clone())
            && cached_date == date
        {
            return Ok(legs);
        }
        let policy = self.config.fx_policy(None, 0);
        let mut legs = HashMap::new();
        for rate in self.store.fx_rates_published(date).await? {
            if let Ok(leg) = fx::resolve_leg(rate.currency, date, Some(rate), &policy) {
                legs.insert(rate.currency, leg);
            }
        }
        let legs = Arc::new(legs);
        if let Ok(mut slot) = self.cache.legs.lock() {
            *slot = Some((date, legs.clone()));
        }
        Ok(legs)
    }

    pub async fn create_quote(
        &self,
        principal: Option<&Principal>,
        request: QuoteRequest,
    ) -> AppResult<Quote> {
        let buyer_id = match (principal, request.buyer_id.as_deref()) {
            (Some(Principal::Buyer { buyer_id, .. }), None) => Some(buyer_id.clone()),
            (Some(Principal::Buyer { buyer_id, .. }), Some(asked))
                if buyer_id.as_str() == asked =>
            {
                Some(buyer_id.clone())
            }
            (Some(Principal::Admin { .. }), Some(asked)) => Some(
                BuyerId::parse(asked).map_err(|e| AppError::field("buyer_id", e.to_string()))?,
            ),
            (_, Some(_)) => {
                return Err(AppError::Forbidden(
                    "only an admin may quote for another buyer",
                ));
            }
            (_, None) => None,
        };
        let buyer = match &buyer_id {
            Some(id) => Some(
                self.store
                    .get_buyer(id)
                    .await?
                    .ok_or_else(|| AppError::field("buyer_id", "unknown buyer"))?,
            ),
            None => None,
        };
        let (buyer_kind, buyer_has_valid_eu_vat) = match &buyer {
            Some(buyer) => (
                buyer.kind,
                buyer.kind == BuyerKind::Business
                    && buyer
                        .vat_id
                        .as_deref()
                        .is_some_and(|id| EuVatNumber::parse(id).is_ok()),
            ),
            None => (BuyerKind::Consumer, false),
        };

        let mut errors = FieldErrors::new();
        let country = errors.check(
            "destination.country",
            CountryCode::parse(&request.destination.country),
        );
        let region = request
            .destination
            .region
            .as_deref()
            .map(|region| region.trim().to_uppercase());
        if let Some(region) = &region
            && (region.is_empty()
                || region.len() > 3
                || !region.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            errors.push(
                "destination.region",
                "must be an ISO 3166-2 subdivision code such as ON",
            );
        }
        let ship_to = self
            .ship_to(
                ShipToRequest {
                    address: request.ship_to.as_ref(),
                    address_id: request.address_id.as_deref(),
                    buyer: buyer_id.as_ref(),
                },
                country,
                &mut errors,
            )
            .await?;
        // Without a postal code of its own, the destination takes the address's.
        let postal_code = request
            .destination
            .postal_code
            .as_deref()
            .or_else(|| ship_to.as_ref().and_then(|a| a.postal_code.as_deref()))
            .map(|code| code.trim().to_uppercase());
        if let Some(code) = &postal_code
            && (code.is_empty()
                || code.len() > 10
                || !code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-'))
        {
            errors.push(
                "destination.postal_code",
                "must be 1–10 letters, digits, spaces or hyphens",
            );
        }
        if request.lines.is_empty() {
            errors.push("lines", "the cart is empty");
        }
        if request.lines.len() > checkout::MAX_LINES {
            errors.push("lines", format!("at most {} lines", checkout::MAX_LINES));
        }
        let mut product_ids = Vec::with_capacity(request.lines.len());
        let mut quantities = Vec::with_capacity(request.lines.len());
        for (index, line) in request.lines.iter().enumerate() {
            product_ids.push(errors.check(
                format!("lines[{index}].product_id"),
                ProductId::parse(&line.product_id),
            ));
            if !(1..=i64::from(checkout::MAX_QUANTITY)).contains(&line.quantity) {
                errors.push(
                    format!("lines[{index}].quantity"),
                    format!("must be between 1 and {}", checkout::MAX_QUANTITY),
                );
            }
            quantities.push(u32::try_from(line.quantity).unwrap_or(0));
        }
        let mut service_choices = BTreeMap::new();
        for (index, choice) in request.shipping.iter().flatten().enumerate() {
            if let Some(seller) = errors.check(
                format!("shipping[{index}].seller_id"),
                SellerId::parse(&choice.seller_id),
            ) {
                service_choices.insert(seller, choice.service_id.clone());
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors.into_vec()));
        }
        let country = country.ok_or_else(|| AppError::field("destination.country", "required"))?;

        let mut products = Vec::with_capacity(product_ids.len());
        for (index, id) in product_ids.into_iter().enumerate() {
            let Some(id) = id else { continue };
            match self.store.get_product(None, &id).await? {
                Some(product) => products.push(product),
                None => errors.push(format!("lines[{index}].product_id"), "unknown product"),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors.into_vec()));
        }
        let mut sellers: Vec<Seller> = Vec::new();
        for product in &products {
            if sellers.iter().any(|seller| seller.id == product.seller_id) {
                continue;
            }
            let seller = self
                .store
                .get_seller(&product.seller_id)
                .await?
                .ok_or_else(|| AppError::Internal("a product's seller is missing".into()))?;
            sellers.push(seller);
        }

        let now = self.now();
        let today = now.date_naive();
        let rate_date = self.pricing_date().unwrap_or(today);
        let rules = self.cached_rules().await?;
        let legs = self.cached_legs(rate_date).await?;
        let services = self.shipping_services(Some(today))?;
        let preference = request.preference.unwrap_or_default();
        let plan = self
            .ship_from_plan(&PlanRequest {
                destination: country,
                date: today,
                preference,
                services: &services,
                sellers: &sellers,
                lines: products.iter().zip(quantities.iter().copied()).collect(),
            })
            .await?;
        // The context borrows a non-Send closure: build and drop it between awaits.
        let body = {
            let ctx = QuoteContext {
                destination: Destination {
                    country,
                    region,
                    postal_code,
                },
                buyer: buyer_kind,
                buyer_has_valid_eu_vat,
                preference,
                incoterm: request.incoterm,
                service_choices: &service_choices,
                date: today,
                lines: products
                    .iter()
                    .zip(&quantities)
                    .map(|(product, quantity)| CartLine {
                        product,
                        quantity: *quantity,
                    })
                    .collect(),
                plan: &plan,
                sellers: &sellers,
                services: &services,
                rules: &rules,
                tariffs: crate::landed_cost::tariffs()?,
                legs: &|code| legs.get(&code).copied(),
                fx_policy: self.config.fx_policy(None, self.config.buyer_spread_bps),
            };
            checkout::build_quote(&ctx).map_err(quote_error)?
        };
        let stored = StoredQuote {
            id: QuoteId::new(new_ulid(self)),
            buyer_id,
            created_at: now,
            expires_at: now + Duration::minutes(QUOTE_VALIDITY_MINUTES),
            consumed_at: None,
            body,
            ship_to,
        };
        self.store.insert_quote(&stored).await?;
        Ok(stored.into())
    }

    /// Forgets quotes that expired more than a day ago: no order can be placed from them, and
    /// every order keeps its own snapshot. Returns how many were deleted.
    pub async fn purge_expired_quotes(&self) -> AppResult<u64> {
        Ok(self
            .store
            .purge_quotes(self.now() - Duration::days(1))
            .await?)
    }

    /// A quote is readable by its buyer, by an admin, and — while anonymous — by whoever holds
    /// its id (the storefront session that asked for it).
    pub async fn get_quote(&self, principal: Option<&Principal>, id: &str) -> AppResult<Quote> {
        let id = QuoteId::parse(id).map_err(|_| AppError::NotFound("quote"))?;
        let quote = self
            .store
            .get_quote(&id)
            .await?
            .ok_or(AppError::NotFound("quote"))?;
        let allowed = match (&quote.buyer_id, principal) {
            (_, Some(Principal::Admin { .. })) => true,
            (None, _) => true,
            (Some(owner), Some(Principal::Buyer { buyer_id, .. })) => owner == buyer_id,
            _ => false,
        };
        if !allowed {
            return Err(AppError::NotFound("quote"));
        }
        Ok(quote.into())
    }
}
