//! Tests of the order state machine: the full legal table, every other combination refused,
//! and random action sequences driven the way the app drives an order.

use super::*;
use proptest::prelude::*;
use rstest::rstest;

use OrderAction as A;
use OrderStatus as S;

/// Every legal (from, action, before) → to. Anything not listed must be illegal.
const LEGAL: &[(S, A, Option<S>, S)] = &[
    (S::PendingPayment, A::CapturePayment, None, S::Paid),
    (S::PendingPayment, A::FailPayment, None, S::Cancelled),
    (S::PendingPayment, A::Cancel, None, S::Cancelled),
    (S::Paid, A::Cancel, None, S::Cancelled),
    (S::Fulfilling, A::Cancel, None, S::Cancelled),
    (S::Paid, A::StartFulfilment, None, S::Fulfilling),
    (S::Paid, A::Ship, None, S::Shipped),
    (S::Fulfilling, A::Ship, None, S::Shipped),
    (S::Shipped, A::Deliver, None, S::Delivered),
    (S::Delivered, A::Complete, None, S::Completed),
    (S::Paid, A::RequestRefund, None, S::RefundRequested),
    (S::Fulfilling, A::RequestRefund, None, S::RefundRequested),
    (S::Shipped, A::RequestRefund, None, S::RefundRequested),
    (S::Delivered, A::RequestRefund, None, S::RefundRequested),
    (S::RefundRequested, A::DeclineRefund, Some(S::Paid), S::Paid),
    (
        S::RefundRequested,
        A::DeclineRefund,
        Some(S::Fulfilling),
        S::Fulfilling,
    ),
    (
        S::RefundRequested,
        A::DeclineRefund,
        Some(S::Shipped),
        S::Shipped,
    ),
    (
        S::RefundRequested,
        A::DeclineRefund,
        Some(S::Delivered),
        S::Delivered,
    ),
    (S::Paid, A::Refund, None, S::Refunded),
    (S::Fulfilling, A::Refund, None, S::Refunded),
    (S::Shipped, A::Refund, None, S::Refunded),
    (S::Delivered, A::Refund, None, S::Refunded),
    (S::RefundRequested, A::Refund, Some(S::Paid), S::Refunded),
    (
        S::RefundRequested,
        A::Refund,
        Some(S::Delivered),
        S::Refunded,
    ),
    (S::RefundRequested, A::Refund, None, S::Refunded),
    (S::Delivered, A::Return, None, S::Returned),
    (S::Completed, A::Return, None, S::Returned),
];

#[test]
fn every_legal_transition_reaches_its_status() {
    for &(from, action, before, to) in LEGAL {
        assert_eq!(
            transition(from, action, before),
            Ok(to),
            "{from} + {action} (before {before:?})"
        );
    }
}

#[test]
fn everything_outside_the_legal_table_is_refused() {
    let befores = std::iter::once(None).chain(OrderStatus::ALL.map(Some));
    for before in befores {
        for from in OrderStatus::ALL {
            for action in OrderAction::ALL {
                // The prior status matters only in refund_requested: a refund is legal
                // whatever it was, a declined request needs one it can go back to.
                let legal = match (from, action) {
                    (S::RefundRequested, A::Refund) => true,
                    (S::RefundRequested, A::DeclineRefund) => matches!(
                        before,
                        Some(S::Paid | S::Fulfilling | S::Shipped | S::Delivered)
                    ),
                    (S::RefundRequested, _) => false,
                    _ => LEGAL.iter().any(|&(f, a, _, _)| f == from && a == action),
                };
                assert_eq!(
                    transition(from, action, before).is_ok(),
                    legal,
                    "{from} + {action} (before {before:?})"
                );
            }
        }
    }
}

#[rstest]
#[case(S::PendingPayment, A::Ship, None)]
#[case(S::PendingPayment, A::StartFulfilment, None)]
#[case(S::PendingPayment, A::Refund, None)]
#[case(S::PendingPayment, A::RequestRefund, None)]
#[case(S::Paid, A::CapturePayment, None)]
#[case(S::Paid, A::FailPayment, None)]
#[case(S::Paid, A::Deliver, None)]
#[case(S::Fulfilling, A::StartFulfilment, None)]
#[case(S::Shipped, A::Cancel, None)]
#[case(S::Shipped, A::Return, None)]
#[case(S::Delivered, A::Cancel, None)]
#[case(S::Delivered, A::Ship, None)]
#[case(S::Completed, A::Refund, None)]
#[case(S::Completed, A::RequestRefund, None)]
#[case(S::Cancelled, A::CapturePayment, None)]
#[case(S::Cancelled, A::Refund, None)]
#[case(S::Refunded, A::Refund, None)]
#[case(S::Refunded, A::Return, None)]
#[case(S::Returned, A::Return, None)]
#[case(S::RefundRequested, A::RequestRefund, Some(S::Paid))]
#[case(S::RefundRequested, A::Ship, Some(S::Paid))]
#[case(S::RefundRequested, A::DeclineRefund, None)]
#[case(S::RefundRequested, A::DeclineRefund, Some(S::PendingPayment))]
#[case(S::RefundRequested, A::DeclineRefund, Some(S::RefundRequested))]
#[case(S::Paid, A::DeclineRefund, Some(S::Paid))]
fn illegal_transitions_are_refused(
    #[case] from: OrderStatus,
    #[case] action: OrderAction,
    #[case] before: Option<OrderStatus>,
) {
    assert_eq!(
        transition(from, action, before),
        Err(IllegalTransition { from, action })
    );
}

#[test]
fn refusals_read_as_sentences() {
    let error = |from, action| IllegalTransition { from, action }.to_string();
    assert_eq!(
        error(S::Shipped, A::Cancel),
        "an order that is shipped cannot be cancelled"
    );
    assert_eq!(
        error(S::PendingPayment, A::Ship),
        "an order that is pending payment cannot be shipped"
    );
    assert_eq!(
        error(S::RefundRequested, A::Ship),
        "an order that is awaiting a refund decision cannot be shipped"
    );
    assert!(error(S::RefundRequested, A::DeclineRefund).contains("before it"));
}

#[rstest]
#[case(S::PendingPayment, A::FailPayment, None, StockEffect::Release)]
#[case(S::PendingPayment, A::Cancel, None, StockEffect::Release)]
#[case(S::Paid, A::Cancel, None, StockEffect::Release)]
#[case(S::Fulfilling, A::Cancel, None, StockEffect::Release)]
#[case(S::Paid, A::Ship, None, StockEffect::Ship)]
#[case(S::Fulfilling, A::Ship, None, StockEffect::Ship)]
#[case(S::Paid, A::Refund, None, StockEffect::Release)]
#[case(S::Fulfilling, A::Refund, None, StockEffect::Release)]
#[case(S::Shipped, A::Refund, None, StockEffect::None)]
#[case(S::Delivered, A::Refund, None, StockEffect::None)]
#[case(S::RefundRequested, A::Refund, Some(S::Paid), StockEffect::Release)]
#[case(
    S::RefundRequested,
    A::Refund,
    Some(S::Fulfilling),
    StockEffect::Release
)]
#[case(S::RefundRequested, A::Refund, Some(S::Shipped), StockEffect::None)]
#[case(S::RefundRequested, A::Refund, None, StockEffect::None)]
#[case(S::Delivered, A::Return, None, StockEffect::None)]
#[case(S::Completed, A::Return, None, StockEffect::None)]
#[case(S::PendingPayment, A::CapturePayment, None, StockEffect::None)]
#[case(S::Paid, A::StartFulfilment, None, StockEffect::None)]
#[case(S::Shipped, A::Deliver, None, StockEffect::None)]
#[case(S::Paid, A::RequestRefund, None, StockEffect::None)]
#[case(S::RefundRequested, A::DeclineRefund, Some(S::Paid), StockEffect::None)]
#[case(S::Shipped, A::Cancel, None, StockEffect::None)] // illegal: no effect
#[case(S::Cancelled, A::Ship, None, StockEffect::None)] // illegal: no effect
fn stock_follows_the_goods(
    #[case] from: OrderStatus,
    #[case] action: OrderAction,
    #[case] before: Option<OrderStatus>,
    #[case] effect: StockEffect,
) {
    assert_eq!(stock_effect(from, action, before), effect);
}

#[test]
fn names_round_trip() {
    for status in OrderStatus::ALL {
        assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(json, format!("\"{}\"", status.as_str()));
    }
    for action in OrderAction::ALL {
        assert_eq!(OrderAction::parse(action.as_str()), Some(action));
        let json = serde_json::to_string(&action).unwrap();
        assert_eq!(json, format!("\"{}\"", action.as_str()));
    }
    assert_eq!(OrderStatus::parse("Paid"), None);
    assert_eq!(OrderAction::parse("ship_it"), None);
}

#[test]
fn terminal_statuses() {
    let terminal: Vec<_> = OrderStatus::ALL
        .into_iter()
        .filter(|s| s.is_terminal())
        .collect();
    assert_eq!(
        terminal,
        [S::Completed, S::Cancelled, S::Refunded, S::Returned]
    );
}

fn any_status() -> impl Strategy<Value = OrderStatus> {
    proptest::sample::select(OrderStatus::ALL.to_vec())
}

fn any_action() -> impl Strategy<Value = OrderAction> {
    proptest::sample::select(OrderAction::ALL.to_vec())
}

proptest! {
    /// Drives an order the way the app does — remembering the status before a refund
    /// request — and checks that it stays in the known statuses and that a closed order
    /// (other than completed, which can still be returned) accepts nothing.
    #[test]
    fn random_action_sequences_stay_within_the_machine(
        actions in proptest::collection::vec(any_action(), 0..40),
        probe_before in proptest::option::of(any_status()),
    ) {
        let mut status = OrderStatus::PendingPayment;
        let mut before_refund_request = None;
        // Placing the order reserved its goods; exactly one release or shipment may follow.
        let mut reserved = true;
        for action in actions {
            let closed = status.is_terminal() && status != OrderStatus::Completed;
            match transition(status, action, before_refund_request) {
                Ok(next) => {
                    prop_assert!(!closed, "{status} accepted {action}");
                    match stock_effect(status, action, before_refund_request) {
                        StockEffect::Release | StockEffect::Ship => {
                            prop_assert!(reserved, "{status} + {action} moved stock twice");
                            reserved = false;
                        }
                        StockEffect::Restock => prop_assert!(false, "only an RMA restocks"),
                        StockEffect::None => {}
                    }
                    prop_assert!(OrderStatus::ALL.contains(&next));
                    before_refund_request =
                        (next == OrderStatus::RefundRequested).then_some(status);
                    status = next;
                }
                Err(error) => prop_assert_eq!(error, IllegalTransition { from: status, action }),
            }
            if status.is_terminal() && status != OrderStatus::Completed {
                for action in OrderAction::ALL {
                    prop_assert!(transition(status, action, probe_before).is_err());
                    prop_assert_eq!(stock_effect(status, action, probe_before), StockEffect::None);
                }
            }
            // No reservation outlives the goods leaving or the sale ending.
            let goods_status = if status == OrderStatus::RefundRequested {
                before_refund_request
            } else {
                Some(status)
            };
            prop_assert_eq!(reserved, matches!(
            goods_status,
            Some(OrderStatus::PendingPayment | OrderStatus::Paid | OrderStatus::Fulfilling)
        ));
            prop_assert_eq!(
                before_refund_request.is_some(),
                status == OrderStatus::RefundRequested
            );
        }
    }
}
