//! Placing orders and reading them. A checkout authorises the payment, then consumes the quote,
//! reserves stock and writes one order per seller in a single store transaction; if any of that
//! fails the authorisation is voided and nothing is written. Orders become `paid` only when the
//! provider's capture notification arrives (see `payment_events`).

use serde::{Deserialize, Serialize};
use silkroute_domain::checkout::{QuoteBody, QuoteGroup};
use silkroute_domain::ids::BuyerId;
use silkroute_domain::ids::{OrderId, PaymentId, QuoteId};
use silkroute_domain::landed_cost::Incoterm;
use silkroute_domain::money::Money;
use silkroute_domain::order::OrderStatus;
use silkroute_domain::payment::{self, CardNumber, PaymentStatus};
use silkroute_store::{
    CheckoutPlacement, IdempotencyReceipt, IdempotentResponse, NewOrderEvent, OrderEvent,
    OrderFilter, OrderLine, OrderRecord, OrderScope, Page, PageRequest, PaymentRecord,
    PlacementOutcome, RefundRecord, ReturnRecord, StoredQuote,
};
use utoipa::ToSchema;

use crate::auth::new_ulid;
use crate::payments::{Authorization, AuthorizationOutcome, AuthorizationRequest, PaymentProvider};
use crate::{App, AppError, AppResult, IdempotencyContext, Principal};

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    pub quote_id: String,
    pub payment: PaymentInput,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// `test` is built in.
    pub provider: String,
    pub card_number: String,
}

/// The result of a checkout: the orders (one per seller) and the payment that pays for them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Checkout {
    #[schema(value_type = String)]
    pub quote_id: QuoteId,
    pub payment: PaymentView,
    pub orders: Vec<OrderRecord>,
    /// Set when the cardholder must authenticate (3-D Secure) before the capture.
    pub next_action: Option<String>,
}

/// A payment as buyers and sellers see it: never the full card number.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PaymentView {
    #[schema(value_type = String)]
    pub id: PaymentId,
    pub provider: String,
    pub provider_reference: String,
    pub status: PaymentStatus,
    pub amount: Money,
    pub captured: Money,
    pub refunded: Money,
    pub card_brand: String,
    pub card_last4: String,
    pub authorization_expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<PaymentRecord> for PaymentView {
    fn from(record: PaymentRecord) -> PaymentView {
        PaymentView {
            id: record.id,
            provider: record.provider,
            provider_reference: record.provider_reference,
            status: record.status,
            amount: record.amount,
            captured: record.captured,
            refunded: record.refunded,
            card_brand: record.card_brand,
            card_last4: record.card_last4,
            authorization_expires_at: record.expires_at,
        }
    }
}

/// An order with what happened to it so far.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: OrderRecord,
    pub payment: PaymentView,
    pub refunds: Vec<RefundRecord>,
    pub returns: Vec<ReturnRecord>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderListQuery {
    pub status: Option<String>,
    /// Destination country.
    pub market: Option<String>,
    /// Created on or after this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// Created before this day.
    pub to: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Who an order belongs to and what it came from (the ids a checkout assigns).
pub struct OrderIds {
    pub order: OrderId,
    pub buyer: silkroute_domain::ids::BuyerId,
    pub quote: QuoteId,
    pub payment: PaymentId,
}

/// A new order (`pending_payment`) for one group of a quote, its amounts frozen from the quote.
pub fn order_from_group(
    ids: OrderIds,
    quote: &QuoteBody,
    group: &QuoteGroup,
    now: chrono::DateTime<chrono::Utc>,
) -> OrderRecord {
    OrderRecord {
        id: ids.order,
        seller_id: group.seller_id.clone(),
        buyer_id: ids.buyer,
        quote_id: ids.quote,
        payment_id: ids.payment,
        status: OrderStatus::PendingPayment,
        status_before_refund: None,
        destination: quote.destination.country,
        incoterm: match group.incoterm {
            Incoterm::Ddp => "DDP",
            Incoterm::Dap => "DAP",
        }
        .to_string(),
        goods: group.goods,
        shipping: group.shipping.selected.amount,
        duties: group.duties,
        taxes: group.taxes,
        total: group.collected_now,
        due_at_door: group.due_at_door,
        refunded: Money::zero(group.goods.currency()),
        seller_total: group.seller_totals.total,
        lines: group
            .lines
            .iter()
            .enumerate()
            .map(|(index, line)| OrderLine {
                line_no: index as i64 + 1,
                product_id: line.product_id.clone(),
                // The allocated warehouse: the placement reserves there and nowhere else, since
                // the quote's taxes and delivery depend on where the parcel leaves from.
                warehouse_id: group.warehouse_id.clone(),
                sku: line.sku.clone(),
                quantity: i64::from(line.quantity),
                unit_price: line.unit_price,
                line_total: line.line_total,
            })
            .collect(),
        snapshot: quote.snapshot(group),
        ship_to: None,
        created_at: now,
        updated_at: now,
    }
}

pub(crate) fn actor(principal: &Principal) -> String {
    match principal {
        Principal::Admin { token_id } => format!("admin:{token_id}"),
        Principal::Seller { seller_id, .. } => format!("seller:{seller_id}"),
        Principal::Buyer { buyer_id, .. } => format!("buyer:{buyer_id}"),
    }
}

pub(crate) fn order_scope(principal: &Principal) -> OrderScope {
    match principal {
        Principal::Admin { .. } => OrderScope::All,
        Principal::Seller { seller_id, .. } => OrderScope::Seller(seller_id.clone()),
        Principal::Buyer { buyer_id, .. } => OrderScope::Buyer(buyer_id.clone()),
    }
}

impl App {
    /// Places the orders of a quote: authorise the card, then consume the quote, reserve the
    /// stock and write the payment, the orders and the payment work that follows (the capture
    /// notification) in one store transaction — with the response, when the request carries an
    /// idempotency key, so that a retry after a dropped connection or a crash finds it. A refused
    /// placement voids the authorisation.
    pub async fn place_order(
        &self,
        principal: &Principal,
        request: OrderRequest,
        idempotency: Option<IdempotencyContext>,
    ) -> AppResult<Checkout> {
        let Principal::Buyer { buyer_id, .. } = principal else {
            return Err(AppError::Forbidden("orders are placed with a buyer token"));
        };
        let (provider, card) = self.payment_method(&request.payment)?;
        let quote = self.quote_to_order(buyer_id, &request.quote_id).await?;
        let now = self.now();
        let payment_id = PaymentId::new(new_ulid(self));
        let amount = quote.body.totals.collected_now;
        let authorization = provider
            .authorize(&AuthorizationRequest {
                payment_id: payment_id.clone(),
                amount,
                card: card.clone(),
            })
            .await
            .map_err(|e| AppError::Provider(e.to_string()))?;
        if let AuthorizationOutcome::Declined(reason) = authorization.outcome {
            return Err(AppError::PaymentDeclined(reason.as_str().to_string()));
        }
        let payment = authorized_payment(
            &payment_id,
            &quote,
            buyer_id,
            &*provider,
            &authorization,
            &card,
            now,
        );
        let next_action = (authorization.outcome == AuthorizationOutcome::RequiresAction)
            .then(|| "three_d_secure".to_string());
        let placement = CheckoutPlacement {
            quote_id: quote.id.clone(),
            at: now,
            payment: payment.clone(),
            orders: self.orders_of_quote(&quote, buyer_id, &payment_id, now),
            event: NewOrderEvent {
                action: "place".into(),
                actor: actor(principal),
                reason: None,
                at: now,
            },
            payment_tasks: self.notification_tasks(
                &payment,
                &authorization.pending_notifications,
                now,
            ),
            receipt: idempotency.map(|context| {
                checkout_receipt(
                    context,
                    self.instance.clone(),
                    &quote.id,
                    &payment,
                    next_action.clone(),
                )
            }),
        };
        let orders = self
            .commit_placement(&*provider, &authorization.reference, &placement)
            .await?;
        self.run_payment_tasks_soon(&payment_id);
        Ok(Checkout {
            quote_id: quote.id,
            next_action,
            payment: payment.into(),
            orders,
        })
    }

    /// The provider and the card a checkout pays with, checked.
    fn payment_method(
        &self,
        input: &PaymentInput,
    ) -> AppResult<(std::sync::Arc<dyn PaymentProvider>, CardNumber)> {
        let provider = self.payments.get(&input.provider).cloned().ok_or_else(|| {
            AppError::field("payment.provider", "unknown payment provider (try 'test')")
        })?;
        let card = CardNumber::parse(&input.card_number)
            .map_err(|e| AppError::field("payment.card_number", e.to_string()))?;
        Ok((provider, card))
    }

    /// The buyer's quote, still unused and unexpired: an anonymous quote is taken by the first
    /// buyer of its kind who orders it.
    async fn quote_to_order(&self, buyer_id: &BuyerId, id: &str) -> AppResult<StoredQuote> {
        let quote_id =
            QuoteId::parse(id).map_err(|e| AppError::field("quote_id", e.to_string()))?;
        let quote = self
            .store
            .get_quote(&quote_id)
            .await?
            .ok_or_else(|| AppError::field("quote_id", "unknown quote"))?;
        match &quote.buyer_id {
            Some(owner) if owner != buyer_id => {
                return Err(AppError::field("quote_id", "unknown quote"));
            }
            Some(_) => {}
            None => {
                let buyer = self
                    .store
                    .get_buyer(buyer_id)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                if buyer.kind != quote.body.buyer_kind {
                    return Err(AppError::field(
                        "quote_id",
                        "the quote was made for another kind of buyer; ask for a new quote \
                         signed in",
                    ));
                }
            }
        }
        if quote.consumed_at.is_some() {
            return Err(AppError::Conflict(
                "this quote was already used for an order".into(),
            ));
        }
        if quote.expires_at <= self.now() {
            return Err(AppError::field(
                "quote_id",
                format!(
                    "the quote expired at {}; ask for a new one",
                    quote.expires_at
                ),
            ));
        }
        Ok(quote)
    }

    /// One new order per seller group of the quote.
    fn orders_of_quote(
        &self,
        quote: &StoredQuote,
        buyer_id: &BuyerId,
        payment_id: &PaymentId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<OrderRecord> {
        quote
            .body
            .groups
            .iter()
            .map(|group| {
                let mut order = order_from_group(
                    OrderIds {
                        order: OrderId::new(new_ulid(self)),
                        buyer: buyer_id.clone(),
                        quote: quote.id.clone(),
                        payment: payment_id.clone(),
                    },
                    &quote.body,
                    group,
                    now,
                );
                order.ship_to = quote.ship_to.clone();
                order
            })
            .collect()
    }

    /// Writes the placement; when it is refused or fails, voids the authorisation (durably, if the
    /// provider cannot be reached now) and says why.
    async fn commit_placement(
        &self,
        provider: &dyn PaymentProvider,
        reference: &str,
        placement: &CheckoutPlacement,
    ) -> AppResult<Vec<OrderRecord>> {
        let refusal = match self.store.place_checkout(placement).await {
            Ok(PlacementOutcome::Placed(orders)) => return Ok(orders),
            Ok(PlacementOutcome::QuoteAlreadyUsed) => {
                AppError::Conflict("this quote was already used for an order".into())
            }
            Ok(PlacementOutcome::OutOfStock {
                product_id,
                requested,
                available,
            }) => AppError::Conflict(format!(
                "out of stock: {product_id} has {available} available, {requested} requested"
            )),
            Ok(PlacementOutcome::ClaimLost) => AppError::Conflict(
                "a retry with this Idempotency-Key took the request over; its answer is the \
                 one that counts"
                    .into(),
            ),
            Err(error) => error.into(),
        };
        self.void_authorization(provider, reference, &placement.payment.id)
            .await;
        Err(refusal)
    }
    pub async fn get_order(&self, principal: &Principal, id: &str) -> AppResult<OrderDetail> {
        let order = self.order_for(principal, id).await?;
        let payment = self
            .store
            .get_payment(&order.payment_id)
            .await?
            .ok_or_else(|| AppError::Internal("the order's payment is missing".into()))?;
        let refunds = self.store.order_refunds(&order.id).await?;
        let returns = self.store.order_returns(&order.id).await?;
        Ok(OrderDetail {
            order,
            payment: payment.into(),
            refunds,
            returns,
        })
    }

    pub(crate) async fn order_for(
        &self,
        principal: &Principal,
        id: &str,
    ) -> AppResult<OrderRecord> {
        let id = OrderId::parse(id).map_err(|_| AppError::NotFound("order"))?;
        self.store
            .get_order(&order_scope(principal), &id)
            .await?
            .ok_or(AppError::NotFound("order"))
    }

    pub async fn order_events(
        &self,
        principal: &Principal,
        id: &str,
    ) -> AppResult<Vec<OrderEvent>> {
        let order = self.order_for(principal, id).await?;
        Ok(self.store.order_events(&order.id).await?)
    }

    pub async fn list_orders(
        &self,
        principal: &Principal,
        query: &OrderListQuery,
    ) -> AppResult<Page<OrderRecord>> {
        let mut errors = silkroute_domain::validation::FieldErrors::new();
        let status = query.status.as_deref().and_then(|status| {
            let parsed = OrderStatus::parse(status);
            if parsed.is_none() {
                errors.push("status", format!("unknown status '{status}'"));
            }
            parsed
        });
        let destination = query.market.as_deref().and_then(|market| {
            errors.check(
                "market",
                silkroute_domain::country::CountryCode::parse(market),
            )
        });
        let mut date = |field: &str, value: Option<&str>| {
            value.and_then(|text| {
                let parsed = silkroute_domain::day::parse_day(text);
                if parsed.is_none() {
                    errors.push(field, "must be a date written YYYY-MM-DD");
                }
                parsed
            })
        };
        let created_from = date("from", query.from.as_deref());
        let created_to = date("to", query.to.as_deref());
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors.into_vec()));
        }
        let page = PageRequest {
            after: query.cursor.clone(),
            limit: query
                .limit
                .unwrap_or(silkroute_store_page_default())
                .clamp(1, 500),
        };
        let filter = OrderFilter {
            status,
            destination,
            created_from,
            created_to,
        };
        Ok(self
            .store
            .list_orders(&order_scope(principal), &filter, &page)
            .await?)
    }
}

/// The payment record of a fresh authorisation.
fn authorized_payment(
    payment_id: &PaymentId,
    quote: &StoredQuote,
    buyer_id: &BuyerId,
    provider: &dyn PaymentProvider,
    authorization: &Authorization,
    card: &CardNumber,
    now: chrono::DateTime<chrono::Utc>,
) -> PaymentRecord {
    let amount = quote.body.totals.collected_now;
    let authorized = authorization.outcome == AuthorizationOutcome::Authorized;
    PaymentRecord {
        id: payment_id.clone(),
        quote_id: quote.id.clone(),
        buyer_id: buyer_id.clone(),
        provider: provider.name().to_string(),
        provider_reference: authorization.reference.clone(),
        status: authorization.outcome.status(),
        amount,
        captured: Money::zero(amount.currency()),
        refunded: Money::zero(amount.currency()),
        card_brand: card.brand().to_string(),
        card_last4: card.last4(),
        decline_reason: None,
        created_at: now,
        authorized_at: authorized.then_some(now),
        expires_at: Some(payment::authorization_expires_at(now)),
        captured_at: None,
        updated_at: now,
    }
}

/// How the store writes a checkout's response with its orders: the same JSON the handler sends,
/// with the orders as placed (their warehouses).
fn checkout_receipt(
    context: IdempotencyContext,
    owner: String,
    quote_id: &QuoteId,
    payment: &PaymentRecord,
    next_action: Option<String>,
) -> IdempotencyReceipt {
    let quote_id = quote_id.clone();
    let payment = PaymentView::from(payment.clone());
    IdempotencyReceipt {
        scope: context.scope,
        key: context.key,
        owner,
        render: std::sync::Arc::new(move |orders: &[OrderRecord]| {
            let checkout = Checkout {
                quote_id: quote_id.clone(),
                payment: payment.clone(),
                orders: orders.to_vec(),
                next_action: next_action.clone(),
            };
            IdempotentResponse {
                status: 201,
                body: serde_json::to_string(&checkout).unwrap_or_default(),
            }
        }),
    }
}

fn silkroute_store_page_default() -> u32 {
    PageRequest::default().limit
}
