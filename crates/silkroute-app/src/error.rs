//! The app's error: what went wrong in the caller's terms. HTTP maps each variant to a status
//! and a problem+json body; the CLI maps it to an exit code. Which is which: the caller's fault
//! (bad input, a state that forbids the action, a rate that does not exist for the day) is a
//! 4xx that says why; a fault of the platform (`Internal`, `Provider`, a failing store) is logged
//! with an error id and answered 5xx with that id and no internals.

use silkroute_domain::validation::FieldError;
use silkroute_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is well-formed but breaks a rule; each error names its field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Unknown, or not the caller's: the two are indistinguishable on purpose.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("authentication required")]
    Unauthenticated,
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The card issuer refused the payment; nothing was written.
    #[error("payment declined: {0}")]
    PaymentDeclined(String),
    /// An inbound notification's signature is missing, wrong or outside the tolerance.
    #[error("signature rejected: {0}")]
    BadSignature(String),
    /// A rate or rule needed to answer does not exist for the date asked.
    #[error("{0}")]
    Unavailable(String),
    /// The platform itself is wrong: stored data that does not read back, a broken invariant,
    /// shipped reference data that does not load.
    #[error("internal fault: {0}")]
    Internal(String),
    /// A provider the request needs (the payment provider) failed or could not be reached.
    #[error("provider failure: {0}")]
    Provider(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }
}
