//! One demo order's life after checkout: its fate (most are delivered and completed; a few
//! fail at capture, are cancelled, refunded, partly refunded or returned) walked step by step
//! with an event for each, as far as the order's age allows; and the carts shoppers fill.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use silkroute_domain::catalog::Product;
use silkroute_domain::checkout::CartLine;
use silkroute_domain::ids::{RefundId, ReturnId, SellerId};
use silkroute_domain::money::Money;
use silkroute_domain::order::{OrderStatus, ReturnStatus};
use silkroute_domain::party::Buyer;
use silkroute_store::{OrderEvent, OrderRecord, RefundRecord, ReturnRecord};

use super::orders::ulid_at;
use crate::AppResult;

/// What happens to one order after checkout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fate {
    Normal,
    CaptureFails,
    CancelledAfterPayment,
    RefundedAfterDelivery,
    PartlyRefunded,
    Returned,
}

pub(super) fn fate(rng: &mut StdRng) -> Fate {
    match rng.random_range(0..1000) {
        0..15 => Fate::CaptureFails,
        15..35 => Fate::CancelledAfterPayment,
        35..65 => Fate::RefundedAfterDelivery,
        65..80 => Fate::PartlyRefunded,
        80..105 => Fate::Returned,
        _ => Fate::Normal,
    }
}

/// The events of one order, numbered as the store numbers them.
struct Timeline<'a> {
    order: &'a mut OrderRecord,
    events: Vec<(SellerId, OrderEvent)>,
}

impl Timeline<'_> {
    fn step(&mut self, to: OrderStatus, action: &str, actor: &str, at: DateTime<Utc>) {
        let from = (!self.events.is_empty()).then_some(self.order.status);
        self.events.push((
            self.order.seller_id.clone(),
            OrderEvent {
                order_id: self.order.id.clone(),
                seq: self.events.len() as i64 + 1,
                from_status: from,
                to_status: to,
                action: action.to_string(),
                actor: actor.to_string(),
                reason: None,
                at,
            },
        ));
        self.order.status = to;
        self.order.updated_at = at;
    }
}

/// A cart of one or two sellers' products that ship across a border to `buyer`.
pub(super) fn pick_cart<'p>(
    rng: &mut StdRng,
    buyer: &Buyer,
    products: &'p [Product],
    catalog: &HashMap<&SellerId, Vec<&'p Product>>,
) -> Option<Vec<CartLine<'p>>> {
    let mut cart: Vec<CartLine<'p>> = Vec::new();
    let sellers = if rng.random_range(0..10) == 0 { 2 } else { 1 };
    for _ in 0..sellers {
        let first = (0..10)
            .map(|_| &products[rng.random_range(0..products.len())])
            .find(|p| {
                p.origin_country != buyer.country
                    && !cart.iter().any(|l| l.product.seller_id == p.seller_id)
            })?;
        let quantity = |rng: &mut StdRng, product: &Product| {
            let wanted = match rng.random_range(0..100) {
                0..75 => 1,
                75..93 => 2,
                _ => rng.random_range(3..=5),
            };
            wanted.max(product.moq)
        };
        cart.push(CartLine {
            product: first,
            quantity: quantity(rng, first),
        });
        if rng.random_range(0..4) == 0
            && let Some(shelf) = catalog.get(&first.seller_id)
        {
            let second = shelf[rng.random_range(0..shelf.len())];
            if second.id != first.id {
                cart.push(CartLine {
                    product: second,
                    quantity: quantity(rng, second),
                });
            }
        }
    }
    Some(cart)
}

pub(super) struct Outcome {
    pub(super) events: Vec<(SellerId, OrderEvent)>,
    pub(super) refund: Option<RefundRecord>,
    pub(super) rma: Option<ReturnRecord>,
    pub(super) partial: bool,
}

/// Walks an order from checkout as far as its age and fate allow.
pub(super) fn live(
    rng: &mut StdRng,
    order: &mut OrderRecord,
    fate: Fate,
    now: DateTime<Utc>,
    transit_days: i64,
) -> AppResult<Outcome> {
    let placed = order.created_at;
    let seller_actor = format!("seller:{}", order.seller_id);
    let buyer_actor = format!("buyer:{}", order.buyer_id);
    let mut refund_amount: Option<(Money, DateTime<Utc>, &str)> = None;
    let mut rma = None;
    let mut partial = false;
    let mut line = Timeline {
        order,
        events: Vec::new(),
    };
    line.step(OrderStatus::PendingPayment, "place", &buyer_actor, placed);
    let paid_at = placed + Duration::minutes(2);
    if fate == Fate::CaptureFails {
        line.step(
            OrderStatus::Cancelled,
            "fail_payment",
            "provider:test",
            paid_at,
        );
        return Ok(Outcome {
            events: line.events,
            refund: None,
            rma: None,
            partial: false,
        });
    }
    let steps = [
        (
            OrderStatus::Paid,
            "capture_payment",
            "provider:test".to_string(),
            paid_at,
        ),
        (
            OrderStatus::Fulfilling,
            "start_fulfilment",
            seller_actor.clone(),
            placed + Duration::hours(rng.random_range(4..30)),
        ),
        (
            OrderStatus::Shipped,
            "ship",
            seller_actor.clone(),
            placed + Duration::hours(rng.random_range(30..60)),
        ),
    ];
    for (index, (to, action, actor, at)) in steps.iter().enumerate() {
        if *at > now {
            break;
        }
        if index == 1 && fate == Fate::CancelledAfterPayment {
            let at = paid_at + Duration::hours(rng.random_range(1..12));
            if at <= now {
                line.step(OrderStatus::Cancelled, "cancel", &buyer_actor, at);
                refund_amount = Some((line.order.total, at, "cancelled by the buyer"));
            }
            break;
        }
        line.step(*to, action, actor, *at);
    }
    if line.order.status == OrderStatus::Shipped {
        let shipped_at = line.order.updated_at;
        let delivered_at =
            shipped_at + Duration::days(rng.random_range(transit_days / 2..=transit_days.max(1)));
        if delivered_at <= now {
            line.step(
                OrderStatus::Delivered,
                "deliver",
                &seller_actor,
                delivered_at,
            );
            let later = delivered_at + Duration::days(rng.random_range(2..10));
            if later <= now {
                match fate {
                    Fate::RefundedAfterDelivery => {
                        line.step(
                            OrderStatus::RefundRequested,
                            "request_refund",
                            &buyer_actor,
                            later,
                        );
                        line.order.status_before_refund = Some(OrderStatus::Delivered);
                        let at = later + Duration::days(1);
                        if at <= now {
                            line.step(OrderStatus::Refunded, "refund", &seller_actor, at);
                            refund_amount = Some((line.order.total, at, "item not as described"));
                        }
                    }
                    Fate::Returned => {
                        let return_id = ReturnId::new(ulid_at(rng, later));
                        let done = later + Duration::days(12);
                        let finished = done <= now;
                        if finished {
                            line.step(OrderStatus::Returned, "return", &seller_actor, done);
                            refund_amount = Some((line.order.total, done, "returned"));
                        }
                        rma = Some(ReturnRecord {
                            id: return_id,
                            seller_id: line.order.seller_id.clone(),
                            order_id: line.order.id.clone(),
                            buyer_id: line.order.buyer_id.clone(),
                            status: if finished {
                                ReturnStatus::Refunded
                            } else {
                                ReturnStatus::Approved
                            },
                            reason: ["wrong size", "changed my mind", "damaged in transit"]
                                [rng.random_range(0..3)]
                            .to_string(),
                            created_at: later,
                            updated_at: if finished { done } else { later },
                        });
                    }
                    _ => {
                        line.step(OrderStatus::Completed, "complete", "system", later);
                        if fate == Fate::PartlyRefunded {
                            let part = Money::from_minor(
                                (line.order.goods.minor() / 5).max(1),
                                line.order.goods.currency(),
                            );
                            refund_amount = Some((part, later, "partial refund: late delivery"));
                            partial = true;
                        }
                    }
                }
            }
        }
    }
    let order = line.order;
    let events = line.events;
    let refund = match refund_amount {
        Some((amount, at, reason)) if amount.minor() > 0 => {
            order.refunded = amount;
            Some(RefundRecord {
                id: RefundId::new(ulid_at(rng, at)),
                seller_id: order.seller_id.clone(),
                order_id: order.id.clone(),
                payment_id: order.payment_id.clone(),
                amount,
                reason: Some(reason.to_string()),
                provider_reference: format!("tpi_{}_re1", &order.payment_id.as_str()[4..]),
                created_at: at,
            })
        }
        _ => None,
    };
    Ok(Outcome {
        events,
        refund,
        rma,
        partial,
    })
}
