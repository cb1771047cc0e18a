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
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 200)]
    pub sellers: u32,
    #[arg(long, default_value_t = 100)]
    pub products_per_seller: u32,
    #[arg(long, default_value_t = 2_000)]
    pub buyers: u32,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum FxCommand {
    /// Import an ECB reference-rate CSV (eurofxref-hist.csv or the daily file).
    Import { file: PathBuf },
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
}
