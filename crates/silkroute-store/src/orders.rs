//! What checkout persists: warehouses and stock, frozen quotes, payments, orders with their lines
//! and events, refunds and returns. Each write that touches more than one row is one method here,
//! so that a backend runs it as one transaction — a quote is consumed, stock reserved and the
//! orders written together or not at all.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use silkroute_domain::checkout::{OrderSnapshot, QuoteBody};
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{
    BuyerId, OrderId, PaymentId, ProductId, QuoteId, RefundId, ReturnId, SellerId, WarehouseId,
};
use silkroute_domain::money::Money;
use silkroute_domain::order::{OrderStatus, ReturnStatus, StockEffect};
use silkroute_domain::payment::PaymentStatus;
use silkroute_logistics::address::PostalAddress;
use utoipa::ToSchema;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Warehouse {
    #[schema(value_type = String)]
    pub id: WarehouseId,
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    pub name: String,
    #[schema(value_type = String)]
    pub country: CountryCode,
    /// `seller`, `platform`, `overseas_3pl` or `bonded`.
    pub kind: String,
    /// Where its parcels leave from and returns come back to (validated when it was set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<PostalAddress>,
    pub created_at: DateTime<Utc>,
}

/// Units of a product one warehouse could ship now, with where the warehouse is and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvailableStock {
    pub warehouse_id: WarehouseId,
    pub country: CountryCode,
    /// `seller`, `platform`, `overseas_3pl` or `bonded`.
    pub kind: String,
    pub product_id: ProductId,
    pub available: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct StockLevel {
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    #[schema(value_type = String)]
    pub product_id: ProductId,
    #[schema(value_type = String)]
    pub warehouse_id: WarehouseId,
    pub on_hand: i64,
    pub reserved: i64,
    pub available: i64,
    /// Units dispatched to this warehouse by transfers not yet received (not in `on_hand`).
    pub in_transit: i64,
}

/// A stock change a seller makes by hand: goods received, or a count corrected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockMove {
    pub seller_id: SellerId,
    pub product_id: ProductId,
    pub warehouse_id: WarehouseId,
    /// `receipt` (positive) or `adjust` (either sign).
    pub kind: &'static str,
    pub quantity: i64,
    pub movement_id: String,
    pub at: DateTime<Utc>,
}

/// Why a stock move was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StockMoveOutcome {
    Moved(StockLevel),
    /// The warehouse is not the seller's, or the product is not.
    NotFound,
    /// The move would take on-hand stock below what is reserved or below zero.
    Insufficient {
        on_hand: i64,
        reserved: i64,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredQuote {
    pub id: QuoteId,
    pub buyer_id: Option<BuyerId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub consumed_at: Option<DateTime<Utc>>,
    pub body: QuoteBody,
    /// The buyer's full address (validated when the quote was made); personal data.
    pub ship_to: Option<PostalAddress>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct PaymentRecord {
    #[schema(value_type = String)]
    pub id: PaymentId,
    #[schema(value_type = String)]
    pub quote_id: QuoteId,
    #[schema(value_type = String)]
    pub buyer_id: BuyerId,
    pub provider: String,
    pub provider_reference: String,
    #[schema(value_type = String)]
    pub status: PaymentStatus,
    #[schema(value_type = Object)]
    pub amount: Money,
    #[schema(value_type = Object)]
    pub captured: Money,
    #[schema(value_type = Object)]
    pub refunded: Money,
    pub card_brand: String,
    pub card_last4: String,
    pub decline_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub authorized_at: Option<DateTime<Utc>>,
    /// When an uncaptured authorisation lapses.
    pub expires_at: Option<DateTime<Utc>>,
    pub captured_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct OrderLine {
    pub line_no: i64,
    #[schema(value_type = String)]
    pub product_id: ProductId,
    /// Where the units are reserved; set when the order is placed.
    #[schema(value_type = Option<String>)]
    pub warehouse_id: Option<WarehouseId>,
    pub sku: String,
    pub quantity: i64,
    #[schema(value_type = Object)]
    pub unit_price: Money,
    #[schema(value_type = Object)]
    pub line_total: Money,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct OrderRecord {
    #[schema(value_type = String)]
    pub id: OrderId,
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    #[schema(value_type = String)]
    pub buyer_id: BuyerId,
    #[schema(value_type = String)]
    pub quote_id: QuoteId,
    #[schema(value_type = String)]
    pub payment_id: PaymentId,
    #[schema(value_type = String)]
    pub status: OrderStatus,
    /// Where a declined refund request returns to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub status_before_refund: Option<OrderStatus>,
    #[schema(value_type = String)]
    pub destination: CountryCode,
    pub incoterm: String,
    #[schema(value_type = Object)]
    pub goods: Money,
    #[schema(value_type = Object)]
    pub shipping: Money,
    #[schema(value_type = Object)]
    pub duties: Money,
    #[schema(value_type = Object)]
    pub taxes: Money,
    /// What the buyer paid for this order at checkout.
    #[schema(value_type = Object)]
    pub total: Money,
    #[schema(value_type = Object)]
    pub due_at_door: Money,
    #[schema(value_type = Object)]
    pub refunded: Money,
    /// What the seller is owed, in its settlement currency.
    #[schema(value_type = Object)]
    pub seller_total: Money,
    pub lines: Vec<OrderLine>,
    /// The quote group the order was placed from, frozen: duty and tax lines with their rules,
    /// shipping, the exchange rates used.
    #[schema(value_type = Object)]
    pub snapshot: OrderSnapshot,
    /// Where the parcel goes, from the quote: personal data, shown only to the buyer, the order's
    /// seller and admins, and never part of exports or analytics. Kept as it was validated then:
    /// a later change of a country's address rules does not rewrite history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<PostalAddress>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct OrderEvent {
    #[schema(value_type = String)]
    pub order_id: OrderId,
    pub seq: i64,
    #[schema(value_type = Option<String>)]
    pub from_status: Option<OrderStatus>,
    #[schema(value_type = String)]
    pub to_status: OrderStatus,
    pub action: String,
    /// `buyer:buy_…`, `seller:sel_…`, `admin:tok_…`, `provider:test`, `system`.
    pub actor: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// An event about to be appended; the store numbers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrderEvent {
    pub action: String,
    pub actor: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// A checkout: the quote it consumes, its payment and one order per seller.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckoutPlacement {
    pub quote_id: QuoteId,
    pub at: DateTime<Utc>,
    pub payment: PaymentRecord,
    /// Lines without warehouses: the store allocates them.
    pub orders: Vec<OrderRecord>,
    pub event: NewOrderEvent,
    /// Payment work the placement calls for (the capture notification to deliver), written with
    /// it.
    pub payment_tasks: Vec<crate::PaymentTask>,
    /// The request's idempotency key, whose response is stored with the orders.
    pub receipt: Option<crate::IdempotencyReceipt>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PlacementOutcome {
    Placed(Vec<OrderRecord>),
    QuoteAlreadyUsed,
    OutOfStock {
        product_id: ProductId,
        requested: i64,
        available: i64,
    },
    /// The request's idempotency claim was taken over by a retry (this request outlived its
    /// lease): nothing was written, the retry places the order.
    ClaimLost,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct RefundRecord {
    #[schema(value_type = String)]
    pub id: RefundId,
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    #[schema(value_type = String)]
    pub order_id: OrderId,
    #[schema(value_type = String)]
    pub payment_id: PaymentId,
    #[schema(value_type = Object)]
    pub amount: Money,
    pub reason: Option<String>,
    pub provider_reference: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReturnRecord {
    #[schema(value_type = String)]
    pub id: ReturnId,
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    #[schema(value_type = String)]
    pub order_id: OrderId,
    #[schema(value_type = String)]
    pub buyer_id: BuyerId,
    #[schema(value_type = String)]
    pub status: ReturnStatus,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One order's status change with everything that must happen with it, atomically. Applied
/// only if the order is still in `expected` (and the return, if any, in its expected status):
/// a concurrent change makes it a no-op that the caller reports as a conflict.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderChange {
    pub seller_id: SellerId,
    pub order_id: OrderId,
    pub expected: OrderStatus,
    pub to: OrderStatus,
    pub status_before_refund: Option<OrderStatus>,
    pub event: NewOrderEvent,
    pub stock: StockEffect,
    pub refund: Option<RefundRecord>,
    pub new_return: Option<ReturnRecord>,
    pub return_change: Option<ReturnChange>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnChange {
    pub return_id: ReturnId,
    pub expected: ReturnStatus,
    pub to: ReturnStatus,
}

/// A payment's new state after a provider notification, with the order changes it causes.
#[derive(Clone, Debug, PartialEq)]
pub struct PaymentChange {
    pub payment_id: PaymentId,
    /// The provider's notification id; a second notification with it changes nothing.
    pub notification: Option<(String, String)>,
    pub expected: Vec<PaymentStatus>,
    pub status: PaymentStatus,
    pub captured: Option<Money>,
    pub decline_reason: Option<String>,
    pub at: DateTime<Utc>,
    pub orders: Vec<OrderChange>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentChangeOutcome {
    Applied,
    /// The notification id was processed before.
    Duplicate,
    /// The payment is no longer in an expected status (or an order changed meanwhile).
    Stale,
}

/// Who is asking: the store puts it in every `WHERE` clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderScope {
    All,
    Seller(SellerId),
    Buyer(BuyerId),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub destination: Option<CountryCode>,
    pub created_from: Option<NaiveDate>,
    /// Exclusive.
    pub created_to: Option<NaiveDate>,
}

/// Reserved stock compared with what open orders hold, per product: they must be equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StockAudit {
    pub products: i64,
    pub reserved: i64,
    pub held_by_orders: i64,
    pub mismatched_products: i64,
}

/// Orders recorded elsewhere (the demo's history, a migration from another platform) written in
/// bulk with their payments, events, refunds and returns: one transaction per call.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderImport {
    pub payments: Vec<PaymentRecord>,
    /// Lines carry the warehouse they shipped (or are reserved) from.
    pub orders: Vec<OrderRecord>,
    pub events: Vec<(SellerId, OrderEvent)>,
    pub refunds: Vec<RefundRecord>,
    pub returns: Vec<ReturnRecord>,
}
