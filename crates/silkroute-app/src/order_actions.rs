//! What buyers, sellers and admins do to an order after checkout: cancel, fulfil, ship, deliver,
//! complete, refund (fully or in part), and returns (RMA). The domain decides whether an action
//! is legal and what it does to stock; each change is written with its event, stock movements
//! and refund in one store transaction, and only if the order did not change meanwhile.

use serde::Deserialize;
use silkroute_domain::ids::{RefundId, ReturnId};
use silkroute_domain::money::Money;
use silkroute_domain::order::{
    self, OrderAction, OrderStatus, RefundBook, RefundOutcome, ReturnAction, ReturnStatus,
    StockEffect,
};
use silkroute_domain::payment::PaymentStatus;
use silkroute_store::{
    NewOrderEvent, OrderChange, OrderRecord, RefundRecord, ReturnChange, ReturnRecord,
};
use utoipa::ToSchema;

use crate::auth::new_ulid;
use crate::orders::{OrderDetail, actor};
use crate::{App, AppError, AppResult, Principal};

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    /// Omit for a full refund of what is left.
    pub amount: Option<Money>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    pub reason: String,
}

/// Which side of the order an action belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Buyer,
    Seller,
}

fn allowed(principal: &Principal, sides: &[Side]) -> bool {
    match principal {
        Principal::Admin { .. } => true,
        Principal::Seller { .. } => sides.contains(&Side::Seller),
        Principal::Buyer { .. } => sides.contains(&Side::Buyer),
    }
}

fn reason(text: Option<String>) -> AppResult<Option<String>> {
    match text.map(|t| t.trim().to_string()) {
        Some(t) if t.chars().count() > 500 => {
            Err(AppError::field("reason", "at most 500 characters"))
        }
        Some(t) if t.is_empty() => Ok(None),
        other => Ok(other),
    }
}

impl App {
    pub(crate) fn change(
        &self,
        principal: &Principal,
        order: &OrderRecord,
        action: OrderAction,
        why: Option<String>,
    ) -> AppResult<OrderChange> {
        let to = order::transition(order.status, action, order.status_before_refund)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        let status_before_refund = match action {
            OrderAction::RequestRefund => Some(order.status),
            _ if to == OrderStatus::RefundRequested => order.status_before_refund,
            _ => None,
        };
        Ok(OrderChange {
            seller_id: order.seller_id.clone(),
            order_id: order.id.clone(),
            expected: order.status,
            to,
            status_before_refund,
            event: NewOrderEvent {
                action: action.as_str().to_string(),
                actor: actor(principal),
                reason: why,
                at: self.now(),
            },
            stock: order::stock_effect(order.status, action, order.status_before_refund),
            refund: None,
            new_return: None,
            return_change: None,
        })
    }

    /// A change that leaves the status as it is (a partial refund, a return's progress) but
    /// still writes its event.
    fn note(
        &self,
        principal: &Principal,
        order: &OrderRecord,
        action: impl Into<String>,
        why: Option<String>,
    ) -> OrderChange {
        OrderChange {
            seller_id: order.seller_id.clone(),
            order_id: order.id.clone(),
            expected: order.status,
            to: order.status,
            status_before_refund: order.status_before_refund,
            event: NewOrderEvent {
                action: action.into(),
                actor: actor(principal),
                reason: why,
                at: self.now(),
            },
            stock: StockEffect::None,
            refund: None,
            new_return: None,
            return_change: None,
        }
    }

    async fn commit_change(
        &self,
        principal: &Principal,
        change: OrderChange,
    ) -> AppResult<OrderDetail> {
        if !self.store.change_order(&change).await? {
            return Err(AppError::Conflict(
                "the order changed meanwhile; reload it and try again".into(),
            ));
        }
        self.get_order(principal, change.order_id.as_str()).await
    }

    /// The refund record for `amount` of an order's captured payment, after asking the provider.
    async fn refund_record(
        &self,
        order: &OrderRecord,
        amount: Money,
        why: Option<String>,
    ) -> AppResult<RefundRecord> {
        let payment = self
            .store
            .get_payment(&order.payment_id)
            .await?
            .ok_or_else(|| AppError::Internal("the order's payment is missing".into()))?;
        if !matches!(
            payment.status,
            PaymentStatus::Captured | PaymentStatus::PartiallyRefunded
        ) {
            return Err(AppError::Conflict(format!(
                "the payment is {}; only captured money can be refunded",
                payment.status.as_str()
            )));
        }
        let provider = self
            .payments
            .get(&payment.provider)
            .cloned()
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "payment provider {} is not configured",
                    payment.provider
                ))
            })?;
        let id = RefundId::new(new_ulid(self));
        let reference = provider
            .refund(&payment.provider_reference, amount, &id)
            .await
            .map_err(|e| AppError::Provider(e.to_string()))?;
        Ok(RefundRecord {
            id,
            seller_id: order.seller_id.clone(),
            order_id: order.id.clone(),
            payment_id: order.payment_id.clone(),
            amount,
            reason: why,
            provider_reference: reference,
            created_at: self.now(),
        })
    }

    /// Applies a simple lifecycle action (no money moves).
    pub async fn order_action(
        &self,
        principal: &Principal,
        id: &str,
        action: OrderAction,
        request: ActionRequest,
    ) -> AppResult<OrderDetail> {
        let sides: &[Side] = match action {
            OrderAction::StartFulfilment | OrderAction::Ship | OrderAction::Deliver => {
                &[Side::Seller]
            }
            OrderAction::Complete => &[Side::Buyer, Side::Seller],
            OrderAction::RequestRefund => &[Side::Buyer],
            OrderAction::DeclineRefund => &[Side::Seller],
            OrderAction::Cancel => &[Side::Buyer, Side::Seller],
            _ => &[],
        };
        if !allowed(principal, sides) {
            return Err(AppError::Forbidden(
                "this action belongs to the other side of the order",
            ));
        }
        let why = reason(request.reason)?;
        let order = self.order_for(principal, id).await?;
        if action == OrderAction::Cancel {
            return self.cancel(principal, order, why).await;
        }
        let change = self.change(principal, &order, action, why)?;
        self.commit_change(principal, change).await
    }

    /// Cancelling a paid order refunds it in full in the same change; an unpaid one just
    /// releases its stock (the capture, if it still comes, is refunded then).
    async fn cancel(
        &self,
        principal: &Principal,
        order: OrderRecord,
        why: Option<String>,
    ) -> AppResult<OrderDetail> {
        if matches!(principal, Principal::Buyer { .. })
            && !matches!(
                order.status,
                OrderStatus::PendingPayment | OrderStatus::Paid
            )
        {
            return Err(AppError::Conflict(format!(
                "an order that is {} can no longer be cancelled by the buyer; ask for a refund",
                order.status.as_str()
            )));
        }
        let mut change = self.change(principal, &order, OrderAction::Cancel, why.clone())?;
        if order.status != OrderStatus::PendingPayment {
            let book = RefundBook::new(order.total, order.refunded)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let left = book.refundable();
            if left.minor() > 0 {
                change.refund = Some(self.refund_record(&order, left, why).await?);
            }
        }
        self.commit_change(principal, change).await
    }

    /// Refunds all that is left (the order becomes `refunded`) or a part (it keeps its status).
    pub async fn refund_order(
        &self,
        principal: &Principal,
        id: &str,
        request: RefundRequest,
    ) -> AppResult<OrderDetail> {
        if !allowed(principal, &[Side::Seller]) {
            return Err(AppError::Forbidden(
                "refunds are issued by the seller or an admin",
            ));
        }
        let why = reason(request.reason)?;
        let order = self.order_for(principal, id).await?;
        // Legal at all? (A refunded or shipped-and-completed order is a conflict, not bad input.)
        let full = self.change(principal, &order, OrderAction::Refund, why.clone())?;
        let mut book = RefundBook::new(order.total, order.refunded)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let amount = request.amount.unwrap_or_else(|| book.refundable());
        let outcome = book
            .apply(amount)
            .map_err(|e| AppError::field("amount", e.to_string()))?;
        let mut change = match outcome {
            RefundOutcome::Full => full,
            // A partial refund is legal wherever a full one is; the status stays.
            RefundOutcome::Partial => self.note(principal, &order, "partial_refund", why.clone()),
        };
        change.refund = Some(self.refund_record(&order, amount, why).await?);
        self.commit_change(principal, change).await
    }

    /// The buyer asks to send goods back; the seller then approves, receives and refunds.
    pub async fn request_return(
        &self,
        principal: &Principal,
        id: &str,
        request: ReturnRequest,
    ) -> AppResult<OrderDetail> {
        if !allowed(principal, &[Side::Buyer]) {
            return Err(AppError::Forbidden("returns are requested by the buyer"));
        }
        let why = request.reason.trim().to_string();
        if why.is_empty() || why.chars().count() > 500 {
            return Err(AppError::field("reason", "must be 1–500 characters"));
        }
        let order = self.order_for(principal, id).await?;
        if !order::can_request_return(order.status) {
            return Err(AppError::Conflict(format!(
                "an order that is {} cannot be returned; returns start once it is delivered",
                order.status.as_str()
            )));
        }
        let open = self
            .store
            .order_returns(&order.id)
            .await?
            .into_iter()
            .any(|rma| !matches!(rma.status, ReturnStatus::Rejected | ReturnStatus::Refunded));
        if open {
            return Err(AppError::Conflict(
                "this order already has an open return".into(),
            ));
        }
        let now = self.now();
        let rma = ReturnRecord {
            id: ReturnId::new(new_ulid(self)),
            seller_id: order.seller_id.clone(),
            order_id: order.id.clone(),
            buyer_id: order.buyer_id.clone(),
            status: ReturnStatus::Requested,
            reason: why.clone(),
            created_at: now,
            updated_at: now,
        };
        let change = OrderChange {
            new_return: Some(rma),
            ..self.note(principal, &order, "return_requested", Some(why))
        };
        self.commit_change(principal, change).await
    }

    /// Moves a return along `requested → approved → received → refunded` (or `rejected`).
    /// Receiving restocks the goods; refunding returns the money left and marks the order
    /// `returned`.
    pub async fn return_action(
        &self,
        principal: &Principal,
        return_id: &str,
        action: ReturnAction,
        request: ActionRequest,
    ) -> AppResult<OrderDetail> {
        if !allowed(principal, &[Side::Seller]) {
            return Err(AppError::Forbidden(
                "returns are handled by the seller or an admin",
            ));
        }
        let why = reason(request.reason)?;
        let id = ReturnId::parse(return_id).map_err(|_| AppError::NotFound("return"))?;
        let rma = self
            .store
            .get_return(&id)
            .await?
            .ok_or(AppError::NotFound("return"))?;
        // The order lookup is scoped: a foreign seller's return is not found.
        let order = self.order_for(principal, rma.order_id.as_str()).await?;
        let to = order::return_transition(rma.status, action)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        let mut change = if action == ReturnAction::Refund {
            self.change(principal, &order, OrderAction::Return, why.clone())?
        } else {
            OrderChange {
                stock: action.stock_effect(),
                ..self.note(
                    principal,
                    &order,
                    format!("return_{}", action.as_str()),
                    why.clone(),
                )
            }
        };
        change.return_change = Some(ReturnChange {
            return_id: rma.id.clone(),
            expected: rma.status,
            to,
        });
        if action == ReturnAction::Refund {
            let book = RefundBook::new(order.total, order.refunded)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let left = book.refundable();
            if left.minor() > 0 {
                change.refund = Some(self.refund_record(&order, left, why).await?);
            }
        }
        self.commit_change(principal, change).await
    }
}
