//! Silkroute's domain: the trade's value types and rules, kept pure so that every rule can be
//! tested without a database, a clock or a network. Time is always passed in.

pub mod catalog;
pub mod category;
pub mod checkout;
pub mod country;
pub mod currency;
pub mod day;
pub mod fx;
pub mod hs;
pub mod identifiers;
pub mod ids;
pub mod landed_cost;
pub mod market;
pub mod money;
pub mod order;
pub mod order_history;
pub mod party;
pub mod payment;
pub mod shipping;
pub mod storefront;
pub mod validation;
