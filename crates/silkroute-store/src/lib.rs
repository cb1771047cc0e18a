//! The storage boundary. The app talks to persistence only through these traits, so the same
//! use cases run on the embedded SQLite file and on a PostgreSQL server; only the two store crates
//! contain SQL.
//!
//! Which error type where: backends map driver errors into [`StoreError`]; a unique-key clash is
//! [`StoreError::Conflict`] (the app turns it into a 409 or a field error), anything else is
//! [`StoreError::Backend`] with its cause kept for the logs, never for the client.

mod addresses;
pub mod analytics;
mod error;
mod facts;
mod idempotency;
mod orders;
mod page;
mod payment_tasks;
mod picking;
mod records;
pub mod rows;
mod shipments;
mod transfers;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_analytics::rollup::{DayRollups, ImportedSale, RollupEvent, RollupOrder};
use silkroute_domain::catalog::Product;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::PublishedRate;
use silkroute_domain::ids::{
    BuyerId, OrderId, PaymentId, ProductId, QuoteId, ReturnId, SellerId, TokenId,
};
use silkroute_domain::market::MarketRule;
use silkroute_domain::order_history::ImportedOrder;
use silkroute_domain::party::{Buyer, Seller};
use silkroute_domain::storefront::StorefrontEvent;

pub use addresses::{AddressInsert, AddressRecord, AddressStore};
pub use analytics::{
    BuyerDay, CategoryCounts, ChangedEvent, ChangedOrder, EVENT_STREAM, FactSpan, KeywordCounts,
    ORDER_STREAM, OrderCounts, ProductDay, ProductSums, RollupCounts, RollupGroup, RollupMoney,
    RollupSlice, Supply,
};
pub use error::StoreError;
pub use facts::{EventFactRow, ImportedFactRow, OrderFactRow, RefundFactRow};
pub use idempotency::{
    IdempotencyClaim, IdempotencyClaimRequest, IdempotencyReceipt, IdempotentResponse,
};
pub use orders::{
    AvailableStock, CheckoutPlacement, NewOrderEvent, OrderChange, OrderEvent, OrderFilter,
    OrderImport, OrderLine, OrderRecord, OrderScope, PaymentChange, PaymentChangeOutcome,
    PaymentRecord, PlacementOutcome, RefundRecord, ReturnChange, ReturnRecord, StockAudit,
    StockLevel, StockMove, StockMoveOutcome, StoredQuote, Warehouse,
};
pub use page::{Page, PageRequest};
pub use payment_tasks::{PaymentTask, PaymentTaskAction};
pub use picking::{NewHandOver, PickingStore};
pub use records::{FxCoverage, ProductFilter, RowCounts, TokenRecord};
pub use shipments::{NewShipment, ShipmentFilter, ShipmentInsert, ShipmentStore};
pub use transfers::{
    CustomsDeclaration, DeclarationFilter, DispatchOutcome, ReceiveOutcome, TransferDispatch,
    TransferLine, TransferReceipt, TransferRecord, TransferStore,
};

pub type StoreResult<T> = Result<T, StoreError>;

/// Reference data every market shares: FX rates and dated market rules (replicated tables under
/// Citus).
#[async_trait]
pub trait ReferenceStore: Send + Sync {
    /// Inserts or replaces rates; returns how many rows were written.
    async fn upsert_fx_rates(&self, rates: &[PublishedRate]) -> StoreResult<u64>;
    /// The newest published rate on or before `date`: the input of both FX modes.
    async fn latest_fx_rate(
        &self,
        currency: CurrencyCode,
        on_or_before: NaiveDate,
    ) -> StoreResult<Option<PublishedRate>>;
    /// Every rate of the newest publication day on or before `date`.
    async fn fx_rates_published(&self, on_or_before: NaiveDate) -> StoreResult<Vec<PublishedRate>>;
    async fn fx_coverage(&self) -> StoreResult<FxCoverage>;
    /// The newest day any rate was published for: what readiness and the stale-rate warning
    /// compare with today (an index lookup, unlike `fx_coverage`'s counts).
    async fn newest_fx_date(&self) -> StoreResult<Option<NaiveDate>>;
    /// The distinct days with at least one stored rate between `from` and `to` inclusive, oldest
    /// first: which days of a fetched publication are new.
    async fn fx_rate_dates(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<NaiveDate>>;
    /// Replaces the whole rule set in one transaction, so a market never sees half a file.
    async fn replace_market_rules(&self, rules: &[MarketRule]) -> StoreResult<u64>;
    async fn market_rules(&self) -> StoreResult<Vec<MarketRule>>;
}

/// Named settings kept with the data rather than in a config file (the demo's pinned pricing
/// day): one text value per name, which the app parses.
#[async_trait]
pub trait SettingStore: Send + Sync {
    async fn setting(&self, name: &str) -> StoreResult<Option<String>>;
    /// Inserts or replaces the value.
    async fn put_setting(&self, name: &str, value: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Removes the setting; false when there was none.
    async fn delete_setting(&self, name: &str) -> StoreResult<bool>;
}

#[async_trait]
pub trait PartyStore: Send + Sync {
    async fn insert_sellers(&self, sellers: &[Seller]) -> StoreResult<()>;
    async fn get_seller(&self, id: &SellerId) -> StoreResult<Option<Seller>>;
    async fn list_sellers(&self, page: &PageRequest) -> StoreResult<Page<Seller>>;
    async fn insert_buyers(&self, buyers: &[Buyer]) -> StoreResult<()>;
    async fn get_buyer(&self, id: &BuyerId) -> StoreResult<Option<Buyer>>;
    async fn list_buyers(&self, page: &PageRequest) -> StoreResult<Page<Buyer>>;
}

/// Products are seller-owned: every read and write that a seller makes names its seller id, and
/// the backends put it in the `WHERE` clause, so a foreign product is simply not found.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Inserts all products or none; a duplicate (seller, sku) is a conflict.
    async fn insert_products(&self, products: &[Product]) -> StoreResult<()>;
    /// Replaces a product's fields; false when the (seller, id) pair does not exist.
    async fn update_product(&self, product: &Product) -> StoreResult<bool>;
    async fn get_product(
        &self,
        seller: Option<&SellerId>,
        id: &ProductId,
    ) -> StoreResult<Option<Product>>;
    async fn list_products(
        &self,
        filter: &ProductFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Product>>;
    /// The seller's products among `ids` (others' and unknown ids are left out), in one read
    /// instead of a lookup each.
    async fn get_products(&self, seller: &SellerId, ids: &[ProductId])
    -> StoreResult<Vec<Product>>;
}

#[async_trait]
pub trait AuthStore: Send + Sync {
    async fn insert_token(&self, token: &TokenRecord) -> StoreResult<()>;
    async fn find_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>>;
    async fn revoke_token(&self, id: &TokenId, at: DateTime<Utc>) -> StoreResult<bool>;
}

/// Remembers responses to POSTs by `Idempotency-Key`, per caller, so a retried request returns
/// the first outcome instead of doing the work twice (see [`IdempotencyClaim`]).
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims the key for the request's owner, takes over a claim whose lease ran out without a
    /// response, or reports what an earlier request with the key did.
    async fn claim_idempotency_key(
        &self,
        request: &IdempotencyClaimRequest,
    ) -> StoreResult<IdempotencyClaim>;
    /// Stores the response, if the claim is still `owner`'s and has none yet (a checkout stores
    /// its own with its effect); whether this call stored it.
    async fn complete_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        owner: &str,
        response: &IdempotentResponse,
    ) -> StoreResult<bool>;
    /// Releases `owner`'s claim of a request that failed unexpectedly, so that a retry may run it.
    async fn release_idempotency_key(&self, scope: &str, key: &str, owner: &str)
    -> StoreResult<()>;
}

/// Payment work done after the write that calls for it, durably (see [`PaymentTask`]).
#[async_trait]
pub trait PaymentTaskStore: Send + Sync {
    async fn insert_payment_tasks(&self, tasks: &[PaymentTask]) -> StoreResult<()>;
    /// Claims up to `limit` tasks due at `now` that nobody holds (of one payment, if given) until
    /// `claim_until`; each is returned to one claimer only.
    async fn claim_payment_tasks(
        &self,
        now: DateTime<Utc>,
        claim_until: DateTime<Utc>,
        limit: i64,
        payment: Option<&PaymentId>,
    ) -> StoreResult<Vec<PaymentTask>>;
    async fn finish_payment_task(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Counts a failed attempt and gives the task back, due again at `due_at`.
    async fn postpone_payment_task(
        &self,
        id: &str,
        due_at: DateTime<Utc>,
        error: &str,
    ) -> StoreResult<()>;
    /// Tasks not done yet.
    async fn open_payment_tasks(&self) -> StoreResult<i64>;
}

/// Warehouses and stock levels. Levels change only through movements, in the same transaction.
#[async_trait]
pub trait StockStore: Send + Sync {
    async fn insert_warehouse(&self, warehouse: &Warehouse) -> StoreResult<()>;
    async fn list_warehouses(&self, seller: &SellerId) -> StoreResult<Vec<Warehouse>>;
    /// Applies a receipt or adjustment and logs the movement.
    async fn move_stock(&self, movement: &StockMove) -> StoreResult<StockMoveOutcome>;
    async fn stock_levels(
        &self,
        seller: &SellerId,
        product: Option<&ProductId>,
    ) -> StoreResult<Vec<StockLevel>>;
    /// Reserved stock against the quantities open orders hold, platform-wide.
    async fn stock_audit(&self) -> StoreResult<StockAudit>;
    /// What each of the seller's warehouses could ship of `products` now (on hand minus
    /// reserved, only where some is): the input of a quote's allocation.
    async fn available_stock(
        &self,
        seller: &SellerId,
        products: &[ProductId],
    ) -> StoreResult<Vec<AvailableStock>>;
}

/// Quotes, orders, payments, refunds and returns.
#[async_trait]
pub trait OrderStore: Send + Sync {
    async fn insert_quote(&self, quote: &StoredQuote) -> StoreResult<()>;
    async fn get_quote(&self, id: &QuoteId) -> StoreResult<Option<StoredQuote>>;
    /// Consumes the quote, reserves every line's stock, writes the payment, the orders, their
    /// lines and first events: all or nothing.
    async fn place_checkout(&self, placement: &CheckoutPlacement) -> StoreResult<PlacementOutcome>;
    async fn get_order(&self, scope: &OrderScope, id: &OrderId)
    -> StoreResult<Option<OrderRecord>>;
    async fn list_orders(
        &self,
        scope: &OrderScope,
        filter: &OrderFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<OrderRecord>>;
    async fn order_events(&self, order: &OrderId) -> StoreResult<Vec<OrderEvent>>;
    /// False when the order (or return) was no longer in the expected status.
    async fn change_order(&self, change: &OrderChange) -> StoreResult<bool>;
    async fn get_payment(&self, id: &PaymentId) -> StoreResult<Option<PaymentRecord>>;
    async fn payment_orders(&self, id: &PaymentId) -> StoreResult<Vec<OrderRecord>>;
    async fn change_payment(&self, change: &PaymentChange) -> StoreResult<PaymentChangeOutcome>;
    /// Authorised or pending payments whose authorisation lapsed before `now`.
    async fn lapsed_payments(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<PaymentId>>;
    /// Deletes quotes that expired before `before` (their orders keep a snapshot); returns how
    /// many.
    async fn purge_quotes(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    async fn order_refunds(&self, order: &OrderId) -> StoreResult<Vec<RefundRecord>>;
    async fn order_returns(&self, order: &OrderId) -> StoreResult<Vec<ReturnRecord>>;
    async fn get_return(&self, id: &ReturnId) -> StoreResult<Option<ReturnRecord>>;
}

/// The raw facts behind analytics, in pages ordered by their key (`after` is the last key of
/// the previous page; `""` starts).
#[async_trait]
pub trait FactStore: Send + Sync {
    async fn order_facts(&self, after: &str, limit: i64) -> StoreResult<Vec<OrderFactRow>>;
    async fn event_facts(&self, after: &str, limit: i64) -> StoreResult<Vec<EventFactRow>>;
    /// Keyed by `seller_id/external_id`.
    async fn imported_facts(&self, after: &str, limit: i64) -> StoreResult<Vec<ImportedFactRow>>;
    /// Refunds after `after` (a refund id; `""` starts).
    async fn refund_facts(&self, after: &str, limit: i64) -> StoreResult<Vec<RefundFactRow>>;
}

/// The analytics beacon's events.
#[async_trait]
pub trait StorefrontStore: Send + Sync {
    /// Writes the events not seen before (by event id); returns how many were new.
    /// `received_at` is when the beacon delivered them: the refresh job's watermark (an event's
    /// own time may be days old).
    async fn insert_storefront_events(
        &self,
        events: &[(StorefrontEvent, Option<SellerId>)],
        received_at: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// The sellers of the products that exist among `products`.
    async fn product_sellers(
        &self,
        products: &[ProductId],
    ) -> StoreResult<Vec<(ProductId, SellerId)>>;
}

/// Bulk writes for history that did not go through checkout here.
#[async_trait]
pub trait OrderImportStore: Send + Sync {
    /// Writes the external orders not imported before (by seller and external id); returns how
    /// many were new.
    async fn import_order_history(
        &self,
        orders: &[ImportedOrder],
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
    async fn imported_order_count(&self, seller: &SellerId) -> StoreResult<i64>;
    async fn import_orders(&self, import: &OrderImport) -> StoreResult<()>;
    /// Warehouses and their opening stock levels (reserved included), in one transaction.
    async fn import_stock(
        &self,
        warehouses: &[Warehouse],
        levels: &[StockLevel],
    ) -> StoreResult<()>;
}

/// Rollups for analytics: the facts of some days, their rollup rows, and grouped sums.
#[async_trait]
pub trait AnalyticsStore: Send + Sync {
    async fn analytics_watermark(&self, stream: &str) -> StoreResult<Option<DateTime<Utc>>>;
    /// Takes (or extends) the lease on writing rollups until `until`, unless another holder's
    /// lease is still running at `now`; returns whether `holder` has it.
    async fn claim_rollup_lease(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn release_rollup_lease(&self, holder: &str) -> StoreResult<()>;
    /// Orders updated after `since` (placement, capture, refund, any status change).
    async fn changed_orders(&self, since: DateTime<Utc>) -> StoreResult<Vec<ChangedOrder>>;
    /// Events received after `since`.
    async fn changed_events(&self, since: DateTime<Utc>) -> StoreResult<Vec<ChangedEvent>>;
    /// The newest order update and event receipt: where a rebuild sets the watermarks.
    async fn stream_heads(&self) -> StoreResult<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)>;
    /// When `seller`'s facts (or the platform's, for `None`) begin and end.
    async fn fact_span(&self, seller: Option<&SellerId>) -> StoreResult<Option<FactSpan>>;
    /// Orders placed and storefront events in `[from, to)`: how much a rebuild would hold in
    /// memory if it loaded them at once.
    async fn count_facts(
        &self,
        seller: Option<&SellerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Orders placed, paid or refunded in `[from, to)` (only placed, with `placed_only`: a
    /// rebuild reads each order once), with their lines and all their refunds.
    async fn rollup_orders(
        &self,
        seller: Option<&SellerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        placed_only: bool,
    ) -> StoreResult<Vec<RollupOrder>>;
    /// Events in `[from, to)` (a seller's: those attributed to its products).
    async fn rollup_events(
        &self,
        seller: Option<&SellerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<RollupEvent>>;
    /// A seller's imported order history on days `[first, last]`.
    async fn rollup_imported(
        &self,
        seller: &SellerId,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<Vec<ImportedSale>>;
    /// The first and last day of a seller's imported history.
    async fn imported_span(&self, seller: &SellerId)
    -> StoreResult<Option<(NaiveDate, NaiveDate)>>;
    /// Replaces the scope's rows of days `[first, last]` with `rows` and, in the same
    /// transaction, advances the given watermarks.
    async fn replace_rollups(
        &self,
        scope: &str,
        first: NaiveDate,
        last: NaiveDate,
        rows: &DayRollups,
        watermarks: &[(&str, DateTime<Utc>)],
    ) -> StoreResult<()>;
    /// Adds rows for scopes whose days hold none yet (a rebuild after `clear_rollups`), in one
    /// transaction.
    async fn insert_rollups(&self, scopes: &[(String, DayRollups)]) -> StoreResult<()>;
    /// Recounts a scope's distinct people per active day (`rollup_recency`) from its visitor and
    /// buyer rows: the last step of a rebuild, once every one of the scope's days is written.
    async fn rebuild_recency(&self, scope: &str) -> StoreResult<()>;
    async fn set_analytics_watermarks(
        &self,
        watermarks: &[(&str, DateTime<Utc>)],
    ) -> StoreResult<()>;
    /// Deletes every rollup row and watermark (before a full rebuild).
    async fn clear_rollups(&self) -> StoreResult<()>;
    async fn rollup_counts(
        &self,
        slice: &RollupSlice,
        group: RollupGroup,
    ) -> StoreResult<Vec<RollupCounts>>;
    async fn rollup_money(
        &self,
        slice: &RollupSlice,
        group: RollupGroup,
    ) -> StoreResult<Vec<RollupMoney>>;
    /// Paid buyers of the slice who also paid on a day in `[since, slice.first)`.
    async fn returning_buyers(&self, slice: &RollupSlice, since: NaiveDate) -> StoreResult<i64>;
    async fn product_sums(&self, slice: &RollupSlice) -> StoreResult<Vec<ProductSums>>;
    async fn product_days(&self, slice: &RollupSlice) -> StoreResult<Vec<ProductDay>>;
    /// Per category (leaf and parent) of the platform's industry rollups.
    async fn category_counts(&self, slice: &RollupSlice) -> StoreResult<Vec<CategoryCounts>>;
    /// Paid money per category (key `category`) or per category and seller (key
    /// `category|seller`), by day and currency.
    async fn category_money(
        &self,
        slice: &RollupSlice,
        by_seller: bool,
    ) -> StoreResult<Vec<RollupMoney>>;
    /// The most searched keywords, most searches first.
    async fn keyword_counts(
        &self,
        slice: &RollupSlice,
        limit: i64,
    ) -> StoreResult<Vec<KeywordCounts>>;
    /// Searches per keyword and market, for the given keywords.
    async fn keyword_markets(
        &self,
        slice: &RollupSlice,
        keywords: &[String],
    ) -> StoreResult<Vec<(String, String, i64)>>;
    /// Active listings per category.
    async fn category_supply(&self) -> StoreResult<Vec<Supply>>;
    /// Active listings whose titles contain the (lower-case) keyword.
    async fn keyword_supply(&self, keyword: &str) -> StoreResult<Supply>;
    /// (product, seller, category) of the products among `products` that exist.
    async fn product_listings(
        &self,
        products: &[String],
    ) -> StoreResult<Vec<(String, String, String)>>;
    /// Days on which a buyer paid, with what (for RFM, cohorts and lifetime value).
    async fn buyer_days(&self, slice: &RollupSlice) -> StoreResult<Vec<BuyerDay>>;
}

#[async_trait]
pub trait Store:
    ReferenceStore
    + SettingStore
    + PartyStore
    + AddressStore
    + CatalogStore
    + AuthStore
    + IdempotencyStore
    + PaymentTaskStore
    + StockStore
    + TransferStore
    + OrderStore
    + ShipmentStore
    + PickingStore
    + OrderImportStore
    + StorefrontStore
    + FactStore
    + AnalyticsStore
    + Send
    + Sync
{
    fn backend(&self) -> &'static str;
    /// Applies pending forward-only migrations; returns the names applied now.
    async fn migrate(&self) -> StoreResult<Vec<String>>;
    async fn ping(&self) -> StoreResult<()>;
    async fn row_counts(&self) -> StoreResult<RowCounts>;
    /// Rows of `order_lines`, counted exactly: a scan of the table (about 40 s at 10 M rows on
    /// SQLite), which is why `row_counts` leaves it out.
    async fn order_line_count(&self) -> StoreResult<i64>;
    /// After a bulk load (demo, order history import, rollup rebuild): brings the query
    /// planner's statistics up to date where the backend needs them. PostgreSQL without them
    /// (autovacuum off, or not yet run) plans the refresh's stream reads as full scans.
    async fn refresh_planner_statistics(&self) -> StoreResult<()>;
}
