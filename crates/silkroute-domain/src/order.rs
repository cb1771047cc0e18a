//! The order lifecycle as pure rules: which step may follow which, what each step does to stock,
//! how much of a payment may still be refunded, and how a return (RMA) moves. The app, the HTTP
//! layer and the worker all change orders; keeping the rules here means they cannot disagree,
//! and every rule is tested without a database or a payment provider.

mod lifecycle;
mod refund;
mod rma;

#[cfg(test)]
mod tests;

pub use lifecycle::{
    IllegalTransition, OrderAction, OrderStatus, StockEffect, stock_effect, transition,
};
pub use refund::{RefundBook, RefundError, RefundOutcome};
pub use rma::{
    IllegalReturnTransition, ReturnAction, ReturnStatus, can_request_return, return_transition,
};
