//! Silkroute's use cases: the one API that the HTTP layer, the web pages and the CLI call. It
//! owns the clock and the store handle, checks who may do what, and leaves every trade rule to the
//! domain crate.

pub mod addresses;
pub mod analytics;
pub mod auth;
mod catalog;
mod checkout;
pub mod clock;
mod declarations;
pub mod demo;
mod error;
mod facts;
mod fulfilment;
pub mod fx_freshness;
mod idempotency;
mod landed_cost;
mod order_actions;
mod order_history;
mod orders;
mod parties;
mod payment_events;
mod payment_tasks;
pub mod payments;
mod reference;
mod ship_from;
mod ship_to;
mod shipping;
mod stock;
mod storefront;
mod transfers;

use std::sync::Arc;

use silkroute_domain::fx::{FxPolicy, RateMode};
use silkroute_store::Store;

pub use addresses::{AddressInput, BuyerAddress, CheckedAddress, address_format, check_address};
pub use auth::{Principal, Role};
pub use catalog::{CatalogEntry, CatalogPrice, ProductListQuery};
pub use checkout::{DestinationInput, Quote, QuoteLineInput, QuoteRequest, ServiceChoice};
pub use clock::{Clock, FixedClock, ManualClock, SystemClock};
pub use error::AppError;
pub use facts::{EventFact, ImportedFact, OrderFact, RefundFact};
pub use fulfilment::{
    FulfilmentConfig, ManifestRequest, PackRequest, PickList, ShipmentDocument, ShipmentRequest,
};
pub use fx_freshness::{EcbPublication, FxFreshness, FxSyncReport};
pub use idempotency::IdempotencyContext;
pub use landed_cost::LandedCostRequest;
pub use order_actions::{ActionRequest, RefundRequest, ReturnRequest};
pub use order_history::{HistoryImportReport, RejectedRow};
pub use orders::{
    Checkout, OrderDetail, OrderIds, OrderListQuery, OrderRequest, PaymentInput, PaymentView,
    order_from_group,
};
pub use parties::{BuyerInput, SellerInput};
pub use payment_events::NotificationReceipt;
pub use reference::{ECB_SNAPSHOT, FxImportReport, MarketSummary, RuleLoadReport};
pub use shipping::{ParcelInput, RateRequest};
pub use silkroute_store::{CustomsDeclaration, DeclarationFilter, TransferLine, TransferRecord};
pub use silkroute_store::{
    IdempotencyClaim, IdempotentResponse, OrderEvent, OrderRecord, Page, PageRequest,
    PaymentRecord, RefundRecord, ReturnRecord, RowCounts, StockAudit, StockLevel, StoreError,
    Warehouse,
};
pub use stock::{StockMoveInput, WarehouseInput};
pub use storefront::{EventBatch, EventReceipt, RejectedEvent};
pub use transfers::{
    ReceiptInput, ReceiptLineInput, TransferInput, TransferLineInput, TransferReceiptResponse,
    UnitCostInput,
};

pub type AppResult<T> = Result<T, AppError>;

/// Settings the binary reads from config and hands over once.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// The FX policy for conversions a caller does not qualify (mode, gap limit).
    pub fx_mode: RateMode,
    pub fx_max_gap_days: u32,
    /// Spread over the ECB mid rate on buyer-facing prices, in basis points.
    pub buyer_spread_bps: u32,
    /// The secret the built-in `test` payment provider signs its notifications with.
    pub test_payment_secret: String,
    /// Whether the `test` provider delivers its capture notifications by itself (as a PSP
    /// would); tests turn this off to send them by hand.
    pub deliver_payment_notifications: bool,
    /// What the payment provider keeps of each payment, in basis points (product margins).
    pub payment_fee_bps: u32,
    /// The most orders and storefront events a rollup rebuild loads at once: memory against
    /// the number of loads (a million facts is about 1 GB).
    pub rebuild_facts_per_load: u64,
    /// How long an idempotency key stays with the process running its request: a retry after
    /// that process died waits at most this long before it runs the request afresh (or finds the
    /// response the request stored with its effect). Longer than any request takes.
    pub idempotency_lease_seconds: u32,
    /// The built-in carrier's numbers and the platform's tax registrations on documents.
    pub fulfilment: FulfilmentConfig,
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig {
            fx_mode: RateMode::LastPublished,
            fx_max_gap_days: 7,
            buyer_spread_bps: 150,
            test_payment_secret: "whsec_silkroute_test".to_string(),
            deliver_payment_notifications: true,
            payment_fee_bps: 290,
            rebuild_facts_per_load: 1_000_000,
            idempotency_lease_seconds: 60,
            fulfilment: FulfilmentConfig::default(),
        }
    }
}

impl AppConfig {
    pub fn fx_policy(&self, mode: Option<RateMode>, spread_bps: u32) -> FxPolicy {
        FxPolicy {
            mode: mode.unwrap_or(self.fx_mode),
            max_gap_days: self.fx_max_gap_days,
            spread_bps,
        }
    }
}

#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: AppConfig,
    payments: payments::PaymentProviders,
    cache: Arc<checkout::ReferenceCache>,
    /// One rollup refresh or rebuild at a time in this process; the store's lease (held under
    /// `instance`) extends that to every process on the database. Holds what the last
    /// refresh read behind its marks, so that reading it again is known to be nothing new.
    analytics_lock: Arc<tokio::sync::Mutex<Option<analytics::Unsettled>>>,
    /// This process among all that share the database: it holds leases (rollups, idempotency
    /// keys, payment tasks) under this name.
    instance: String,
    /// The day buyer-facing prices are pinned to instead of today's — a demo or an offline
    /// install whose newest rates are older than the gap limit (see `fx_freshness`). Shared by
    /// every clone, so a sync lifting it reaches the router's. Every price still shows the rate
    /// date it used, so nothing is silently stale.
    pricing_pin: Arc<std::sync::RwLock<Option<chrono::NaiveDate>>>,
    /// The newest rate day the last `follow_fx_changes` saw: a change means another process
    /// imported rates, and the caches are forgotten.
    newest_seen: Arc<std::sync::Mutex<Option<chrono::NaiveDate>>>,
    /// Whether analytics reads bring the rollups up to date first (a one-shot CLI, tests); a
    /// server leaves that to its refresh job, so that no read waits for a day's rebuild.
    analytics_reads_refresh: bool,
}

impl App {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: AppConfig) -> App {
        let test_provider = payments::TestProvider::new(&config.test_payment_secret);
        App {
            store,
            clock,
            config,
            payments: payments::PaymentProviders::new(vec![Arc::new(test_provider)]),
            cache: Arc::new(checkout::ReferenceCache::default()),
            analytics_lock: Arc::new(tokio::sync::Mutex::new(None)),
            instance: format!("{}-{}", std::process::id(), ulid::Ulid::new()),
            pricing_pin: Arc::new(std::sync::RwLock::new(None)),
            newest_seen: Arc::new(std::sync::Mutex::new(None)),
            analytics_reads_refresh: true,
        }
    }

    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Applies migrations, then makes sure the shipped reference data (market rules, the FX
    /// snapshot) is in the database: what `serve` and `migrate` do before anything else.
    pub async fn prepare(&self) -> AppResult<Vec<String>> {
        let applied = self.store.migrate().await?;
        self.load_market_rules().await?;
        if self.store.fx_coverage().await?.rates == 0 {
            self.import_fx_csv(reference::ECB_SNAPSHOT, |_, _| {})
                .await?;
        }
        Ok(applied)
    }

    pub async fn ready(&self) -> AppResult<()> {
        Ok(self.store.ping().await?)
    }

    pub async fn row_counts(&self) -> AppResult<RowCounts> {
        Ok(self.store.row_counts().await?)
    }

    /// Rows of `order_lines`: a full count, for benchmarks and audits rather than requests.
    pub async fn order_line_count(&self) -> AppResult<i64> {
        Ok(self.store.order_line_count().await?)
    }
}
