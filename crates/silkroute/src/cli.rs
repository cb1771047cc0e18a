//! The command line: subcommands are the process roles and the operator's tools.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "silkroute",
    version,
    about = "Cross-border e-commerce marketplace in one binary"
)]
pub struct Cli {
    /// Database URL: sqlite://FILE (embedded default) or postgres://…
    #[arg(long, global = true, env = "SILKROUTE_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Optional TOML configuration file (see `silkroute config example`).
    #[arg(long, global = true, env = "SILKROUTE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API.
    Serve(ServeArgs),
    /// Apply pending database migrations and load the shipped reference data.
    Migrate,
    /// Fill the database with a deterministic demo marketplace.
    Demo(DemoArgs),
    /// Foreign exchange rates.
    Fx {
        #[command(subcommand)]
        command: FxCommand,
    },
    /// Write data out for other tools.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Bring data from elsewhere.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Analytics rollups.
    Analytics {
        #[command(subcommand)]
        command: AnalyticsCommand,
    },
    /// Store and platform reports (docs/METRICS.md), as text, --json or --csv.
    Report(ReportArgs),
    /// Show a destination market's tax, duty and de minimis rules in force on a day.
    Market {
        /// ISO 3166-1 alpha-2 country code.
        country: String,
        /// YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Check an identifier: gtin, sscc, s10, iso6346, awb, ioss, eu_vat.
    Validate { kind: String, value: String },
    /// Postal addresses.
    Address {
        #[command(subcommand)]
        command: AddressCommand,
    },
    /// Shipments: label an order, print its label and customs documents.
    Shipment {
        #[command(subcommand)]
        command: ShipmentCommand,
    },
    /// Hand-over manifests: a warehouse's labelled parcels handed to the carrier.
    Manifest {
        #[command(subcommand)]
        command: ManifestCommand,
    },
    /// Head-haul transfers between warehouses.
    Transfer {
        #[command(subcommand)]
        command: TransferCommand,
    },
    /// Customs declarations (for a customs broker).
    Customs {
        #[command(subcommand)]
        command: CustomsCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Measure performance against the configured database (seeded with the demo if empty).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (printed).
    #[arg(long, env = "SILKROUTE_BIND")]
    pub bind: Option<SocketAddr>,
    /// Seed the demo marketplace when the database has no sellers yet.
    #[arg(long)]
    pub demo: bool,
    /// Orders of history the demo seeds (as `demo --orders`): fewer for a quicker first start.
    #[arg(long, default_value_t = 20_000, requires = "demo")]
    pub demo_orders: u32,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 200)]
    pub sellers: u32,
    #[arg(long, default_value_t = 100)]
    pub products_per_seller: u32,
    #[arg(long, default_value_t = 2_000)]
    pub buyers: u32,
    /// Orders of history, priced by the rules of their day (0 for none).
    #[arg(long, default_value_t = 20_000)]
    pub orders: u32,
    /// Days of history, ending yesterday.
    #[arg(long, default_value_t = 730)]
    pub days: u32,
    /// Days (ending now) with storefront traffic around the orders: visits, searches, views,
    /// carts.
    #[arg(long, default_value_t = 90)]
    pub traffic_days: u32,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The raw facts behind every metric (docs/METRICS.md): orders.csv, storefront_events.csv
    /// and imported_orders.csv in --out, so the numbers can be recomputed with another tool.
    Facts {
        /// Only `csv` for now.
        #[arg(long, default_value = "csv")]
        format: String,
        /// The folder to write into (created if missing).
        #[arg(long, default_value = "facts")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AnalyticsCommand {
    /// Throw the rollups away and build them again from every order and event.
    Rebuild,
    /// Bring the rollups up to date with what changed since the last refresh.
    Refresh,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// overview, timeseries, breakdown, products, customers, forecast, industry or keywords.
    pub report: String,
    /// A seller id (sel_…); without it, the platform.
    #[arg(long)]
    pub seller: Option<String>,
    /// First day, YYYY-MM-DD (default: 29 days before --to).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day, inclusive (default: today in the store's time zone).
    #[arg(long)]
    pub to: Option<String>,
    /// Only this market.
    #[arg(long)]
    pub market: Option<String>,
    /// Money in this currency instead of the settlement currency.
    #[arg(long)]
    pub currency: Option<String>,
    /// timeseries: which KPI.
    #[arg(long)]
    pub metric: Option<String>,
    /// timeseries: day, week or month.
    #[arg(long)]
    pub grain: Option<String>,
    /// breakdown: market, source, device, product or category.
    #[arg(long)]
    pub by: Option<String>,
    /// Write CSV instead of a table.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A seller's order history from another platform, as CSV with the header
    /// external_order_id,buyer_reference,buyer_country,order_date,currency,amount,quantity,sku
    /// (sku optional). Rows imported before are skipped; bad rows are reported by line (exit 2)
    /// and the good ones kept.
    Orders {
        file: PathBuf,
        /// The seller the history belongs to (sel_…).
        #[arg(long)]
        seller: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum FxCommand {
    /// Import an ECB reference-rate CSV (eurofxref-hist.csv, eurofxref-hist-90d.csv or the daily
    /// eurofxref.csv).
    Import { file: PathBuf },
    /// Fetch the ECB's daily file and 90-day history and import them in one transaction
    /// (exit 1 when a fetch or a file fails, with nothing imported).
    Sync {
        /// The daily file (default: `fx_daily_url` in the config, the ECB's eurofxref.zip).
        #[arg(long)]
        daily_url: Option<String>,
        /// The 90-day history (default: `fx_history_url`, the ECB's eurofxref-hist-90d.zip).
        #[arg(long)]
        history_url: Option<String>,
    },
    /// Convert an amount, e.g. `fx convert 100 USD JPY --date 2024-03-15`.
    Convert {
        amount: String,
        from: String,
        to: String,
        #[arg(long)]
        date: Option<String>,
        /// strict or last_published
        #[arg(long)]
        mode: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AddressCommand {
    /// Check an address against its country's rules (required fields, postal-code pattern,
    /// known state) and print its label lines; exit 2 with every field problem.
    Check(AddressCheckArgs),
}

/// The fields of a postal address, as `PostalAddress` names them.
#[derive(Debug, Args)]
pub struct AddressCheckArgs {
    /// ISO 3166-1 alpha-2 country code of the address.
    #[arg(long)]
    pub country: String,
    /// The person the parcel is handed to.
    #[arg(long, default_value = "")]
    pub recipient: String,
    #[arg(long)]
    pub organisation: Option<String>,
    /// A street line (street and number, building, flat); repeat for up to three.
    #[arg(long)]
    pub street: Vec<String>,
    /// District or neighbourhood below the city, where the country uses one.
    #[arg(long)]
    pub dependent_locality: Option<String>,
    #[arg(long)]
    pub city: Option<String>,
    /// State, province or prefecture: its key, ISO 3166-2 code or name.
    #[arg(long)]
    pub state: Option<String>,
    #[arg(long)]
    pub postal_code: Option<String>,
    #[arg(long)]
    pub sorting_code: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TransferCommand {
    /// Every seller's transfers (or one seller's), oldest first.
    List {
        /// Only this seller's (`sel_…`).
        #[arg(long)]
        seller: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CustomsCommand {
    /// Write declarations as CSV (a header row, one row per declaration).
    Declarations {
        /// China's supervision mode: 9610, 9710, 9810 or 1210.
        #[arg(long)]
        mode: Option<String>,
        /// Declared on or after this day, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// Declared on or before this day, YYYY-MM-DD.
        #[arg(long)]
        to: Option<String>,
        /// Only this seller's (`sel_…`).
        #[arg(long)]
        seller: Option<String>,
        /// The CSV file to write; standard output when absent.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; the secret is printed once.
    Create {
        #[arg(long)]
        role: String,
        #[arg(long)]
        seller: Option<String>,
        #[arg(long)]
        buyer: Option<String>,
        #[arg(long, default_value = "")]
        label: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ManifestCommand {
    /// Hand every labelled parcel of a warehouse over (as the operator) and print the manifest id.
    Create {
        #[arg(long)]
        warehouse: String,
        /// Only this carrier's parcels (default: every carrier's).
        #[arg(long)]
        carrier: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ShipmentCommand {
    /// Label an order's unshipped units (as the operator) and print the shipment.
    Create {
        #[arg(long)]
        order: String,
        /// A carrier service id (default: the one chosen at checkout).
        #[arg(long)]
        service: Option<String>,
    },
    /// Write a shipment's 100 × 150 mm label as PDF.
    Label {
        shipment: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a shipment's customs document as PDF: `cn23` or `commercial_invoice`.
    Document {
        shipment: String,
        kind: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented example configuration file.
    Example,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Catalog page latency over HTTP on loopback (p50/p90/p99).
    Catalog {
        #[arg(long, default_value_t = 2_000)]
        requests: usize,
        #[arg(long, default_value_t = 50)]
        page_size: u32,
        #[arg(long, default_value = "DE")]
        market: String,
    },
    /// Checkout throughput over HTTP on loopback (quote + order, orders/s, p50/p99) against the
    /// storage limit, then the stock audit. Uses a temporary SQLite file unless --database-url
    /// names PostgreSQL (a fresh schema, dropped afterwards) or an empty SQLite database.
    Checkout(BenchCheckoutArgs),
    /// Shipping labels, CN 23s and commercial invoices rendered per second (a CN seller's
    /// parcel to a DE buyer, each document a real PDF), on one thread and on --threads.
    Documents {
        /// How long each measurement runs.
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Render threads for the second measurement (default: every core).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Allocation of a backlog of orders to warehouses (home, overseas 3PLs, a fulfilment
    /// centre) against the shrinking stock, one order after another: orders per second.
    Allocation {
        /// Orders in the backlog.
        #[arg(long, default_value_t = 10_000)]
        orders: usize,
        /// Seed of the generated backlog (the same seed, the same backlog).
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Store analytics at scale: seeds the demo up to --order-lines order lines when the
    /// database has no sellers, then times a full rollup rebuild, the facts export, and the
    /// store overview (seller, platform, 365 days) and time series latency (p50/p95/p99).
    Analytics(BenchAnalyticsArgs),
}

#[derive(Debug, Args)]
pub struct BenchAnalyticsArgs {
    /// Order lines the database should hold (rows of `order_lines`); an empty database is
    /// seeded up to about this many, one with sellers must already hold them.
    #[arg(long, default_value_t = 10_000_000)]
    pub order_lines: u64,
    /// Requests measured per query kind (after a short warm-up).
    #[arg(long, default_value_t = 200)]
    pub queries: usize,
    /// Demo sellers to seed (an empty database only).
    #[arg(long, default_value_t = 200)]
    pub sellers: u32,
    /// Demo products per seller (an empty database only).
    #[arg(long, default_value_t = 100)]
    pub products_per_seller: u32,
    /// Demo buyers (an empty database only).
    #[arg(long, default_value_t = 2_000)]
    pub buyers: u32,
    /// Days of order history to seed, ending yesterday.
    #[arg(long, default_value_t = 730)]
    pub days: u32,
    /// Days (ending now) of storefront traffic to seed: modest, so that a large seed finishes.
    #[arg(long, default_value_t = 30)]
    pub traffic_days: u32,
    /// Seeds the demo data and the choice of sellers queried.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Skip the facts export (it writes every fact to a temporary folder, then deletes it).
    #[arg(long)]
    pub skip_export: bool,
    /// Skip the rollup rebuild: the rollups are taken as they are (after an earlier run).
    #[arg(long)]
    pub skip_rebuild: bool,
    /// Skip timing the first overview after the rebuild, which on a freshly seeded database
    /// re-reads every seeded storefront event (minutes at tens of millions).
    #[arg(long)]
    pub skip_first_overview: bool,
}

#[derive(Debug, Args)]
pub struct BenchCheckoutArgs {
    /// Concurrent clients, each a keep-alive connection and a buyer of its own.
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Checkouts to measure (after a short warm-up).
    #[arg(long, default_value_t = 5_000)]
    pub orders: usize,
    /// Open loop: HTTP requests per second on a fixed schedule (a checkout is two requests);
    /// latency counts from the scheduled start. Without it each client goes as fast as answered.
    #[arg(long)]
    pub rate: Option<f64>,
    /// Products the checkouts spread over: fewer means more contention on the same stock rows.
    #[arg(long, default_value_t = 50)]
    pub hot_products: usize,
    /// Send an Idempotency-Key with every order, as a careful storefront does.
    #[arg(long)]
    pub idempotency_keys: bool,
    /// Writers in flight in the bare loop (default: the larger of 64 and --clients): the limit
    /// is the most the store absorbs, not what a few callers happen to offer it.
    #[arg(long)]
    pub bare_tasks: Option<usize>,
    /// Only the storage limit (the bare write loop), no HTTP.
    #[arg(long, conflicts_with = "skip_bare")]
    pub bare_only: bool,
    /// Only the HTTP run, no storage limit.
    #[arg(long)]
    pub skip_bare: bool,
}
