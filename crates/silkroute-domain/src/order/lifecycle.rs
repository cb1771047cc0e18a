//! The order state machine. Every status change goes through [`transition`] so that a webhook, an
//! admin click and a worker retry cannot move an order along a path the business never agreed
//! to, and [`stock_effect`] says which stock movement must be recorded with the change so that
//! inventory and orders cannot drift apart.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an order stands. Stored and sent as the snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    Fulfilling,
    Shipped,
    Delivered,
    Completed,
    Cancelled,
    RefundRequested,
    Refunded,
    Returned,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 10] = [
        OrderStatus::PendingPayment,
        OrderStatus::Paid,
        OrderStatus::Fulfilling,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
        OrderStatus::RefundRequested,
        OrderStatus::Refunded,
        OrderStatus::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Fulfilling => "fulfilling",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::RefundRequested => "refund_requested",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Returned => "returned",
        }
    }

    pub fn parse(value: &str) -> Option<OrderStatus> {
        OrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }

    /// True once the sale is closed: no payment, fulfilment or refund step applies any more.
    /// `completed` counts as terminal because the sale is settled (seller payouts and reports
    /// treat it as final), yet it still accepts [`OrderAction::Return`]: the buyer's statutory
    /// return window outlives delivery confirmation. `cancelled`, `refunded` and `returned`
    /// accept no action at all.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            OrderStatus::Completed
                | OrderStatus::Cancelled
                | OrderStatus::Refunded
                | OrderStatus::Returned
        )
    }

    /// The statuses a buyer may ask for a refund from: money has been captured and the order is
    /// not already closed. A declined request returns the order to exactly one of these.
    fn accepts_refund_request(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid
                | OrderStatus::Fulfilling
                | OrderStatus::Shipped
                | OrderStatus::Delivered
        )
    }

    /// Before shipping, the order's goods are still reserved in the warehouse.
    fn holds_reservation(self) -> bool {
        matches!(
            self,
            OrderStatus::PendingPayment | OrderStatus::Paid | OrderStatus::Fulfilling
        )
    }

    /// Words for error messages ("pending payment", not "pending_payment").
    fn label(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending payment",
            OrderStatus::RefundRequested => "awaiting a refund decision",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that happens to an order: a payment notification, a warehouse scan, a buyer or
/// admin decision. Actions, not target statuses, are what callers ask for, so that the rules
/// decide the target (a declined refund request goes back to wherever the order was).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderAction {
    /// The provider confirmed the capture: `pending_payment` → `paid`.
    CapturePayment,
    /// The payment was declined or its authorisation expired: `pending_payment` → `cancelled`.
    FailPayment,
    /// Buyer or admin cancels before anything ships: `pending_payment`, `paid` or `fulfilling` →
    /// `cancelled`. Captured money must then be refunded by the caller.
    Cancel,
    /// The warehouse starts picking: `paid` → `fulfilling`.
    StartFulfilment,
    /// The parcel left the warehouse: `paid` or `fulfilling` → `shipped`.
    Ship,
    /// The carrier reported delivery: `shipped` → `delivered`.
    Deliver,
    /// The buyer confirmed or the acceptance period ran out: `delivered` → `completed`.
    Complete,
    /// The buyer asks for their money back: `paid`, `fulfilling`, `shipped` or `delivered` →
    /// `refund_requested`. The caller must keep the status it came from (see [`transition`]).
    RequestRefund,
    /// The refund request is turned down: `refund_requested` → the status before the request.
    DeclineRefund,
    /// The whole captured amount went back to the buyer: `paid`, `fulfilling`, `shipped`,
    /// `delivered` or `refund_requested` → `refunded`. Partial refunds leave the status alone
    /// (see [`super::RefundBook`]).
    Refund,
    /// A return (RMA) was refunded: `delivered` or `completed` → `returned`.
    Return,
}

impl OrderAction {
    pub const ALL: [OrderAction; 11] = [
        OrderAction::CapturePayment,
        OrderAction::FailPayment,
        OrderAction::Cancel,
        OrderAction::StartFulfilment,
        OrderAction::Ship,
        OrderAction::Deliver,
        OrderAction::Complete,
        OrderAction::RequestRefund,
        OrderAction::DeclineRefund,
        OrderAction::Refund,
        OrderAction::Return,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::CapturePayment => "capture_payment",
            OrderAction::FailPayment => "fail_payment",
            OrderAction::Cancel => "cancel",
            OrderAction::StartFulfilment => "start_fulfilment",
            OrderAction::Ship => "ship",
            OrderAction::Deliver => "deliver",
            OrderAction::Complete => "complete",
            OrderAction::RequestRefund => "request_refund",
            OrderAction::DeclineRefund => "decline_refund",
            OrderAction::Refund => "refund",
            OrderAction::Return => "return",
        }
    }

    pub fn parse(value: &str) -> Option<OrderAction> {
        OrderAction::ALL
            .into_iter()
            .find(|action| action.as_str() == value)
    }

    /// The end of "an order that is shipped cannot …".
    fn refusal(self) -> &'static str {
        match self {
            OrderAction::CapturePayment => "have its payment captured",
            OrderAction::FailPayment => "have its payment fail",
            OrderAction::Cancel => "be cancelled",
            OrderAction::StartFulfilment => "start fulfilment",
            OrderAction::Ship => "be shipped",
            OrderAction::Deliver => "be delivered",
            OrderAction::Complete => "be completed",
            OrderAction::RequestRefund => "have a refund requested",
            OrderAction::DeclineRefund => "have a refund declined",
            OrderAction::Refund => "be refunded",
            OrderAction::Return => "be returned",
        }
    }
}

impl fmt::Display for OrderAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action the order's status does not allow. It is a conflict with the order's current state
/// (HTTP 409), not a malformed request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct IllegalTransition {
    pub from: OrderStatus,
    pub action: OrderAction,
}

impl fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == OrderStatus::RefundRequested && self.action == OrderAction::DeclineRefund {
            // The only way this pair fails is a missing or impossible prior status, which is a
            // bookkeeping fault rather than the buyer's or admin's mistake; say so.
            return f.write_str(
                "a refund request cannot be declined without the status the order had before it \
                 (paid, fulfilling, shipped or delivered)",
            );
        }
        write!(
            f,
            "an order that is {} cannot {}",
            self.from.label(),
            self.action.refusal()
        )
    }
}

/// The status `action` moves an order to, or why it may not.
///
/// `before_refund_request` is the status the order had when [`OrderAction::RequestRefund`] was
/// applied; the caller stores it alongside the order because `refund_requested` alone does not
/// say where a declined request should return to (or whether the goods already left). It is read
/// only when `from` is `refund_requested`: [`OrderAction::DeclineRefund`] is illegal unless it is
/// one of `paid`, `fulfilling`, `shipped`, `delivered`. Pass `None` in every other status.
pub fn transition(
    from: OrderStatus,
    action: OrderAction,
    before_refund_request: Option<OrderStatus>,
) -> Result<OrderStatus, IllegalTransition> {
    use OrderAction as A;
    use OrderStatus as S;
    let to = match (from, action) {
        (S::PendingPayment, A::CapturePayment) => Some(S::Paid),
        (S::PendingPayment, A::FailPayment) => Some(S::Cancelled),
        (S::PendingPayment | S::Paid | S::Fulfilling, A::Cancel) => Some(S::Cancelled),
        (S::Paid, A::StartFulfilment) => Some(S::Fulfilling),
        (S::Paid | S::Fulfilling, A::Ship) => Some(S::Shipped),
        (S::Shipped, A::Deliver) => Some(S::Delivered),
        (S::Delivered, A::Complete) => Some(S::Completed),
        (status, A::RequestRefund) if status.accepts_refund_request() => Some(S::RefundRequested),
        (S::RefundRequested, A::DeclineRefund) => {
            before_refund_request.filter(|before| before.accepts_refund_request())
        }
        (S::Paid | S::Fulfilling | S::Shipped | S::Delivered | S::RefundRequested, A::Refund) => {
            Some(S::Refunded)
        }
        (S::Delivered | S::Completed, A::Return) => Some(S::Returned),
        _ => None,
    };
    to.ok_or(IllegalTransition { from, action })
}

/// The stock movement that must be recorded together with a status change.
///
/// Stock is reserved when the order is placed, so every way out before shipping gives the
/// reservation back, and shipping turns it into goods gone from the shelf.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StockEffect {
    /// Nothing moves.
    None,
    /// The reserved quantity becomes available again (cancelled or refunded before shipping).
    Release,
    /// The reserved quantity leaves on-hand stock (the parcel left the warehouse).
    Ship,
    /// Returned goods are back on hand. Only an RMA's receipt does this (see
    /// [`super::ReturnAction::stock_effect`]): a refund or a return decision alone moves nothing
    /// until the goods are in the warehouse.
    Restock,
}

/// What `action` does to stock when applied to an order in `from`; `before_refund_request` as
/// for [`transition`]. Call it only for transitions that [`transition`] allowed: illegal ones
/// have no effect.
///
/// A refund of a `refund_requested` order releases the reservation only if the request was made
/// before shipping. When the prior status is unknown the goods are assumed gone, because
/// releasing a reservation that already shipped would count the goods twice.
pub fn stock_effect(
    from: OrderStatus,
    action: OrderAction,
    before_refund_request: Option<OrderStatus>,
) -> StockEffect {
    if transition(from, action, before_refund_request).is_err() {
        return StockEffect::None;
    }
    match action {
        OrderAction::FailPayment | OrderAction::Cancel => StockEffect::Release,
        OrderAction::Ship => StockEffect::Ship,
        OrderAction::Refund => {
            let status_with_goods = match from {
                OrderStatus::RefundRequested => before_refund_request,
                other => Some(other),
            };
            if status_with_goods.is_some_and(OrderStatus::holds_reservation) {
                StockEffect::Release
            } else {
                StockEffect::None
            }
        }
        OrderAction::CapturePayment
        | OrderAction::StartFulfilment
        | OrderAction::Deliver
        | OrderAction::Complete
        | OrderAction::RequestRefund
        | OrderAction::DeclineRefund
        | OrderAction::Return => StockEffect::None,
    }
}
