//! Notifications from payment providers, and the lapse of authorisations nobody captured. A
//! notification is trusted only with a valid signature made within the tolerance, and applied
//! at most once (its id is recorded in the same transaction as its effects), so a forged, stale
//! or replayed notification changes nothing.

use serde::Serialize;
use silkroute_domain::ids::PaymentId;
use silkroute_domain::order::{OrderAction, OrderStatus, RefundBook, StockEffect};
use silkroute_domain::payment::{
    self, PaymentEvent, PaymentEventKind, PaymentStatus, SIGNATURE_TOLERANCE_SECS,
};
use silkroute_store::{
    NewOrderEvent, OrderChange, PaymentChange, PaymentChangeOutcome, PaymentRecord, RefundRecord,
};
use utoipa::ToSchema;

use crate::auth::new_ulid;
use crate::{App, AppError, AppResult};

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NotificationReceipt {
    pub received: bool,
    pub event_id: String,
    pub payment_status: PaymentStatus,
}

impl App {
    pub async fn receive_payment_notification(
        &self,
        provider_name: &str,
        signature: Option<&str>,
        body: &[u8],
    ) -> AppResult<NotificationReceipt> {
        let provider = self
            .payments
            .get(provider_name)
            .cloned()
            .ok_or(AppError::NotFound("payment provider"))?;
        let header = signature.ok_or_else(|| {
            AppError::BadSignature(format!(
                "the {} header is missing",
                payment::SIGNATURE_HEADER
            ))
        })?;
        payment::verify(
            header,
            provider.webhook_secret(),
            body,
            self.now().timestamp(),
            SIGNATURE_TOLERANCE_SECS,
        )
        .map_err(|error| AppError::BadSignature(error.to_string()))?;
        let event: PaymentEvent = serde_json::from_slice(body)
            .map_err(|error| AppError::field("body", format!("not a payment event: {error}")))?;
        let payment = self
            .store
            .get_payment(&event.payment_id)
            .await?
            .filter(|p| {
                p.provider == provider.name() && p.provider_reference == event.provider_reference
            })
            .ok_or(AppError::NotFound("payment"))?;
        if event.amount != payment.amount {
            return Err(AppError::field(
                "amount",
                format!(
                    "the notification is for {}, the payment is {}",
                    event.amount, payment.amount
                ),
            ));
        }
        let change = self
            .payment_change(
                &payment,
                event.kind,
                Some((provider.name().to_string(), event.id.clone())),
            )
            .await?;
        match self.store.change_payment(&change).await? {
            PaymentChangeOutcome::Applied => Ok(NotificationReceipt {
                received: true,
                event_id: event.id,
                payment_status: change.status,
            }),
            PaymentChangeOutcome::Duplicate => Err(AppError::Conflict(format!(
                "notification {} was already processed",
                event.id
            ))),
            PaymentChangeOutcome::Stale => Err(AppError::Conflict(format!(
                "the payment is {}; a {} notification does not apply",
                payment.status.as_str(),
                event.kind.as_str()
            ))),
        }
    }

    /// What a notification of `kind` does to the payment and its orders.
    async fn payment_change(
        &self,
        payment: &PaymentRecord,
        kind: PaymentEventKind,
        notification: Option<(String, String)>,
    ) -> AppResult<PaymentChange> {
        use PaymentStatus as P;
        let now = self.now();
        let (expected, status, captured, decline, action) = match kind {
            PaymentEventKind::Captured => (
                vec![P::Authorized, P::RequiresAction],
                P::Captured,
                Some(payment.amount),
                None,
                Some(OrderAction::CapturePayment),
            ),
            PaymentEventKind::CaptureFailed => (
                vec![P::Authorized, P::RequiresAction],
                P::Declined,
                None,
                Some("capture_failed".to_string()),
                Some(OrderAction::FailPayment),
            ),
            PaymentEventKind::AuthenticationFailed => (
                vec![P::RequiresAction],
                P::Declined,
                None,
                Some("authentication_failed".to_string()),
                Some(OrderAction::FailPayment),
            ),
            PaymentEventKind::AuthenticationSucceeded => {
                (vec![P::RequiresAction], P::Authorized, None, None, None)
            }
            PaymentEventKind::RefundSucceeded => (
                vec![P::Refunded, P::PartiallyRefunded],
                payment.status,
                None,
                None,
                None,
            ),
        };
        let actor = format!("provider:{}", payment.provider);
        let mut orders = Vec::new();
        if let Some(action) = action {
            for order in self.store.payment_orders(&payment.id).await? {
                let event = NewOrderEvent {
                    action: action.as_str().to_string(),
                    actor: actor.clone(),
                    reason: decline.clone(),
                    at: now,
                };
                if order.status == OrderStatus::PendingPayment {
                    let to = silkroute_domain::order::transition(order.status, action, None)
                        .map_err(|e| AppError::Conflict(e.to_string()))?;
                    orders.push(OrderChange {
                        seller_id: order.seller_id.clone(),
                        order_id: order.id.clone(),
                        expected: order.status,
                        to,
                        status_before_refund: None,
                        event,
                        stock: silkroute_domain::order::stock_effect(order.status, action, None),
                        refund: None,
                        new_return: None,
                        return_change: None,
                    });
                } else if action == OrderAction::CapturePayment
                    && order.status == OrderStatus::Cancelled
                {
                    // Cancelled while the capture was on its way: the money goes straight back.
                    let left = RefundBook::new(order.total, order.refunded)
                        .map_err(|e| AppError::Internal(e.to_string()))?
                        .refundable();
                    if left.minor() > 0 {
                        orders.push(OrderChange {
                            seller_id: order.seller_id.clone(),
                            order_id: order.id.clone(),
                            expected: order.status,
                            to: order.status,
                            status_before_refund: None,
                            event: NewOrderEvent {
                                action: "refund_after_capture".into(),
                                ..event
                            },
                            stock: StockEffect::None,
                            refund: Some(RefundRecord {
                                id: silkroute_domain::ids::RefundId::new(new_ulid(self)),
                                seller_id: order.seller_id.clone(),
                                order_id: order.id.clone(),
                                payment_id: payment.id.clone(),
                                amount: left,
                                reason: Some("order cancelled before capture".into()),
                                provider_reference: format!("{}_void", payment.provider_reference),
                                created_at: now,
                            }),
                            new_return: None,
                            return_change: None,
                        });
                    }
                }
            }
        }
        Ok(PaymentChange {
            payment_id: payment.id.clone(),
            notification,
            expected,
            status,
            captured,
            decline_reason: decline,
            at: now,
            orders,
        })
    }

    /// Expires authorisations older than their validity: their orders are cancelled and their
    /// stock released. Returns how many payments lapsed.
    pub async fn expire_lapsed_authorizations(&self) -> AppResult<usize> {
        let now = self.now();
        let mut expired = 0;
        for id in self.store.lapsed_payments(now, 500).await? {
            let Some(payment) = self.store.get_payment(&id).await? else {
                continue;
            };
            let mut change = self
                .payment_change(&payment, PaymentEventKind::CaptureFailed, None)
                .await?;
            change.status = PaymentStatus::Expired;
            change.decline_reason = Some("authorization_expired".into());
            for order in &mut change.orders {
                order.event.actor = "system".into();
                order.event.reason = Some("the payment authorisation expired".into());
            }
            if self.store.change_payment(&change).await? == PaymentChangeOutcome::Applied {
                expired += 1;
            }
        }
        Ok(expired)
    }

    /// The payment for an id, for the test tooling that signs notifications.
    pub async fn payment(&self, id: &PaymentId) -> AppResult<PaymentRecord> {
        self.store
            .get_payment(id)
            .await?
            .ok_or(AppError::NotFound("payment"))
    }
}
