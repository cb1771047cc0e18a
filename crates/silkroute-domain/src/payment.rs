//! Payments as pure rules: the statuses a card payment passes through, the scripted outcomes of
//! the sandbox provider's test cards, and the signature that proves a webhook came from the
//! provider. The app talks to the provider and reads the clock; everything here can be checked
//! against fixed inputs, so a payment bug is reproducible from the stored event alone.

mod card;
mod event;
mod signature;
mod status;

pub use card::{CardError, CardNumber, TestCard, TestCardOutcome};
pub use event::{PaymentEvent, PaymentEventKind};
pub use signature::{SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECS, SignatureError, sign, verify};
pub use status::{
    AUTHORIZATION_VALIDITY_DAYS, DeclineReason, PaymentStatus, authorization_expires_at,
};
