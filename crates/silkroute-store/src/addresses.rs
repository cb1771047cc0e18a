//! The buyers' address book: saved postal addresses a buyer picks at checkout. Each record holds a
//! [`ValidAddress`], so what the store hands back already passed its country's rules; at most one
//! address per buyer is the default, which the backends keep true inside each write's transaction
//! (and a partial unique index backs it).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use silkroute_domain::ids::{AddressId, BuyerId};
use silkroute_logistics::address::ValidAddress;

use crate::{Page, PageRequest, StoreResult};

/// One saved address of one buyer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressRecord {
    pub id: AddressId,
    pub buyer_id: BuyerId,
    /// What the buyer calls it ("Home", "Office").
    pub label: String,
    pub address: ValidAddress,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What [`AddressStore::insert_address`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddressInsert {
    /// Stored as given, except that a buyer's first address is the default whatever was asked.
    Inserted(Box<AddressRecord>),
    /// The buyer already has `limit` addresses; nothing was written.
    LimitReached { limit: u32 },
}

/// Addresses are buyer-owned: every read and write names the buyer, and the backends put it in
/// the `WHERE` clause, so another buyer's address is simply not found.
#[async_trait]
pub trait AddressStore: Send + Sync {
    /// Inserts the address unless the buyer has `limit` already. The buyer's first address
    /// becomes the default; a default one takes the flag from the buyer's previous default in
    /// the same transaction.
    async fn insert_address(
        &self,
        record: &AddressRecord,
        limit: u32,
    ) -> StoreResult<AddressInsert>;
    async fn get_address(
        &self,
        buyer: &BuyerId,
        id: &AddressId,
    ) -> StoreResult<Option<AddressRecord>>;
    /// The buyer's addresses in creation order (keyset on the id).
    async fn list_addresses(
        &self,
        buyer: &BuyerId,
        page: &PageRequest,
    ) -> StoreResult<Page<AddressRecord>>;
    /// Replaces the label, address and `updated_at` of the (buyer, id) record; when
    /// `record.is_default`, it also becomes the buyer's default (the previous one losing the flag
    /// in the same transaction). A `false` never takes the flag away: a buyer with addresses
    /// always has a default, so the default moves only by naming another. The record as stored,
    /// or `None` when the (buyer, id) pair does not exist.
    async fn update_address(&self, record: &AddressRecord) -> StoreResult<Option<AddressRecord>>;
    /// Deletes the (buyer, id) record; when it was the default, the buyer's oldest remaining
    /// address becomes the default in the same transaction. False when there was none.
    async fn delete_address(
        &self,
        buyer: &BuyerId,
        id: &AddressId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
