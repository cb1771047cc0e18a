//! Idempotency keys as the store keeps them. A key is claimed by one running request — its owner
//! (a server process) — for a lease; the response is stored once, in the same transaction as the
//! request's effect where the store writes that effect itself (a checkout placement). A claim
//! whose owner died is taken over when its lease has run out, so a retry after a crash either
//! finds the stored response or runs afresh, never a permanent "in progress".

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::OrderRecord;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotentResponse {
    pub status: u16,
    pub body: String,
}

/// A request asking for a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyClaimRequest {
    /// Whose key it is (the caller's bearer token, hashed).
    pub scope: String,
    pub key: String,
    /// The request's method, path and body, hashed: the same key with another request is refused.
    pub request_hash: String,
    /// The server process running the request.
    pub owner: String,
    pub now: DateTime<Utc>,
    /// Until when the claim is the owner's alone; after it, an unfinished claim may be taken over.
    pub lease_until: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// The key is this request's: run it, then store its response.
    Claimed,
    /// The same request ran before: return its response.
    Replay(IdempotentResponse),
    /// The key was used for a different request.
    Mismatch,
    /// The first request with this key is still running (its owner's lease has not run out).
    InProgress,
}

/// Renders a request's response from what its write produced.
pub type RenderResponse = dyn Fn(&[OrderRecord]) -> IdempotentResponse + Send + Sync;

/// Stores a request's response in the same transaction as its effect: the write succeeds only
/// while the claim is still the owner's, and a retry then finds the response even if the server
/// died before it could answer.
#[derive(Clone)]
pub struct IdempotencyReceipt {
    pub scope: String,
    pub key: String,
    pub owner: String,
    /// The response, from what the write produced (the placed orders, with their warehouses).
    pub render: Arc<RenderResponse>,
}

impl fmt::Debug for IdempotencyReceipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdempotencyReceipt")
            .field("scope", &self.scope)
            .field("key", &self.key)
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

impl PartialEq for IdempotencyReceipt {
    fn eq(&self, other: &IdempotencyReceipt) -> bool {
        (&self.scope, &self.key, &self.owner) == (&other.scope, &other.key, &other.owner)
    }
}
