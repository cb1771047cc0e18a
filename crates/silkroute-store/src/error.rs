//! The one error type of every store method.

/// Driver errors are boxed so that the trait crate names no driver.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A write broke a constraint (a unique key, a foreign key, a check) or lost a race the
    /// database settled (a deadlock, a serialisation failure): the caller's request conflicts with
    /// what is stored, and a retry may succeed.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// A sum left the 64-bit range the database adds up in (`SUM` over very large figures).
    #[error("a figure is out of range: {0}")]
    OutOfRange(String),
    /// The database cannot be reached or has no connection free in time.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}
