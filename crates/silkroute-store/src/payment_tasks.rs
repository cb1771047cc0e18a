//! Payment work that must happen after a write and must survive a crash: delivering a provider's
//! notification (the built-in test provider's capture confirmation, its 3-D Secure result) and
//! voiding an authorisation that will never be captured. A task is written in the same
//! transaction as what calls for it — the checkout that authorised the card — and done by a worker
//! that claims due tasks for a while, so a process that dies half-way leaves the task to the
//! next claim instead of an order stuck in `pending_payment` with its stock reserved.

use chrono::{DateTime, Utc};
use silkroute_domain::ids::PaymentId;
use silkroute_domain::payment::PaymentEventKind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentTask {
    /// `ptk_` and a ULID.
    pub id: String,
    /// The provider the work is for (`test`).
    pub provider: String,
    /// The provider's id of the authorisation.
    pub provider_reference: String,
    /// The payment, when it was written (a void after a refused checkout has none).
    pub payment_id: Option<PaymentId>,
    pub action: PaymentTaskAction,
    /// Not before this time.
    pub due_at: DateTime<Utc>,
    /// Failed attempts so far.
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentTaskAction {
    /// Deliver the provider's notification with this event id (fixed when the task is written, so
    /// a delivery repeated after a crash is recognised as the same event).
    Notify {
        event_id: String,
        kind: PaymentEventKind,
    },
    /// Release the authorisation.
    Void,
}

impl PaymentTaskAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentTaskAction::Notify { .. } => "notify",
            PaymentTaskAction::Void => "void",
        }
    }
}
