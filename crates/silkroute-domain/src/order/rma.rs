//! Returns (RMAs): a buyer sends goods back after delivery. The return has its own small
//! lifecycle because the money moves only after the goods are inspected in the warehouse, and
//! the stock comes back only when the parcel is received — not when the return is approved.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{OrderStatus, StockEffect};

/// Where a return stands. Stored and sent as the snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    Requested,
    Approved,
    Rejected,
    Received,
    Refunded,
}

impl ReturnStatus {
    pub const ALL: [ReturnStatus; 5] = [
        ReturnStatus::Requested,
        ReturnStatus::Approved,
        ReturnStatus::Rejected,
        ReturnStatus::Received,
        ReturnStatus::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "requested",
            ReturnStatus::Approved => "approved",
            ReturnStatus::Rejected => "rejected",
            ReturnStatus::Received => "received",
            ReturnStatus::Refunded => "refunded",
        }
    }

    pub fn parse(value: &str) -> Option<ReturnStatus> {
        ReturnStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

impl fmt::Display for ReturnStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decision or event on a return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnAction {
    /// The seller or an admin accepts the request: `requested` → `approved`.
    Approve,
    /// The request is turned down: `requested` → `rejected`.
    Reject,
    /// The parcel arrived at the warehouse: `approved` → `received`.
    Receive,
    /// The buyer was paid back: `received` → `refunded`. The app then applies
    /// [`super::OrderAction::Return`] to the order.
    Refund,
}

impl ReturnAction {
    pub const ALL: [ReturnAction; 4] = [
        ReturnAction::Approve,
        ReturnAction::Reject,
        ReturnAction::Receive,
        ReturnAction::Refund,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReturnAction::Approve => "approve",
            ReturnAction::Reject => "reject",
            ReturnAction::Receive => "receive",
            ReturnAction::Refund => "refund",
        }
    }

    pub fn parse(value: &str) -> Option<ReturnAction> {
        ReturnAction::ALL
            .into_iter()
            .find(|action| action.as_str() == value)
    }

    /// Receiving the parcel is the one moment returned goods are back on the shelf.
    pub fn stock_effect(self) -> StockEffect {
        match self {
            ReturnAction::Receive => StockEffect::Restock,
            ReturnAction::Approve | ReturnAction::Reject | ReturnAction::Refund => {
                StockEffect::None
            }
        }
    }

    fn refusal(self) -> &'static str {
        match self {
            ReturnAction::Approve => "be approved",
            ReturnAction::Reject => "be rejected",
            ReturnAction::Receive => "be received",
            ReturnAction::Refund => "be refunded",
        }
    }
}

impl fmt::Display for ReturnAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action the return's status does not allow (a conflict, HTTP 409).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a return that is {from} cannot {}", .action.refusal())]
pub struct IllegalReturnTransition {
    pub from: ReturnStatus,
    pub action: ReturnAction,
}

/// The status `action` moves a return to, or why it may not.
pub fn return_transition(
    from: ReturnStatus,
    action: ReturnAction,
) -> Result<ReturnStatus, IllegalReturnTransition> {
    match (from, action) {
        (ReturnStatus::Requested, ReturnAction::Approve) => Ok(ReturnStatus::Approved),
        (ReturnStatus::Requested, ReturnAction::Reject) => Ok(ReturnStatus::Rejected),
        (ReturnStatus::Approved, ReturnAction::Receive) => Ok(ReturnStatus::Received),
        (ReturnStatus::Received, ReturnAction::Refund) => Ok(ReturnStatus::Refunded),
        _ => Err(IllegalReturnTransition { from, action }),
    }
}

/// Goods can only come back once the buyer has them: after delivery, including after the order
/// was completed (the return window outlives completion).
pub fn can_request_return(order_status: OrderStatus) -> bool {
    matches!(
        order_status,
        OrderStatus::Delivered | OrderStatus::Completed
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    use ReturnAction as A;
    use ReturnStatus as S;

    const LEGAL: [(S, A, S); 4] = [
        (S::Requested, A::Approve, S::Approved),
        (S::Requested, A::Reject, S::Rejected),
        (S::Approved, A::Receive, S::Received),
        (S::Received, A::Refund, S::Refunded),
    ];

    #[test]
    fn legal_steps_and_nothing_else() {
        for from in ReturnStatus::ALL {
            for action in ReturnAction::ALL {
                let expected = LEGAL
                    .iter()
                    .find(|&&(f, a, _)| f == from && a == action)
                    .map(|&(_, _, to)| to)
                    .ok_or(IllegalReturnTransition { from, action });
                assert_eq!(
                    return_transition(from, action),
                    expected,
                    "{from} + {action}"
                );
            }
        }
    }

    #[rstest]
    #[case(S::Requested, A::Receive)]
    #[case(S::Requested, A::Refund)]
    #[case(S::Approved, A::Refund)]
    #[case(S::Approved, A::Approve)]
    #[case(S::Rejected, A::Approve)]
    #[case(S::Rejected, A::Receive)]
    #[case(S::Received, A::Reject)]
    #[case(S::Refunded, A::Refund)]
    fn illegal_steps(#[case] from: ReturnStatus, #[case] action: ReturnAction) {
        assert_eq!(
            return_transition(from, action),
            Err(IllegalReturnTransition { from, action })
        );
    }

    #[test]
    fn refusal_reads_as_a_sentence() {
        let error = IllegalReturnTransition {
            from: S::Requested,
            action: A::Refund,
        };
        assert_eq!(
            error.to_string(),
            "a return that is requested cannot be refunded"
        );
    }

    #[test]
    fn only_receipt_restocks() {
        let restocking: Vec<_> = ReturnAction::ALL
            .into_iter()
            .filter(|a| a.stock_effect() == StockEffect::Restock)
            .collect();
        assert_eq!(restocking, [A::Receive]);
    }

    #[test]
    fn returns_need_the_goods_delivered() {
        let allowed: Vec<_> = OrderStatus::ALL
            .into_iter()
            .filter(|&s| can_request_return(s))
            .collect();
        assert_eq!(allowed, [OrderStatus::Delivered, OrderStatus::Completed]);
    }

    #[test]
    fn names_round_trip() {
        for status in ReturnStatus::ALL {
            assert_eq!(ReturnStatus::parse(status.as_str()), Some(status));
        }
        for action in ReturnAction::ALL {
            assert_eq!(ReturnAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(ReturnStatus::parse("shipped"), None);
    }
}
