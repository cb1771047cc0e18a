//! The app's error: what went wrong in the caller's terms. HTTP maps each variant to a status
//! and a problem+json body; the CLI maps it to an exit code. Store failures keep their cause for
//! the log only.

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
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }
}
