//! Configuration, loaded once: defaults, then an optional TOML file, then `SILKROUTE_…`
//! environment variables and flags. Each crate receives its own small config from here.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://silkroute.db";

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    pub fx_max_gap_days: u32,
    /// Whether `serve` fetches the ECB's rates at start and every weekday at 16:15 Frankfurt
    /// time (`fx sync`).
    pub fx_sync: bool,
    /// Where `fx sync` fetches the daily file and the 90-day history (zipped or plain CSV).
    pub fx_daily_url: String,
    pub fx_history_url: String,
    pub buyer_spread_bps: u32,
    /// What the payment provider keeps of each payment (product margins), basis points.
    pub payment_fee_bps: u32,
    pub body_limit_bytes: usize,
    pub request_timeout_seconds: u64,
    /// The signing secret of the built-in `test` payment provider's notifications.
    pub test_payment_secret: String,
    /// Behind a reverse proxy: the header carrying the client's address (rate limits).
    pub client_address_header: Option<String>,
    /// The most orders and storefront events an analytics rebuild holds in memory at once.
    pub analytics_rebuild_facts_per_load: u64,
    /// How long an idempotency key stays with the server running its request; a retry after that
    /// server died runs afresh (or finds the stored response) once it is over.
    pub idempotency_lease_seconds: u32,
    /// The URL buyers and sellers reach the platform at (`https://market.example`): seller-center
    /// forms are accepted only from its origin, and https makes every cookie `Secure`.
    pub public_url: Option<String>,
    /// Forces `Secure` cookies on (or off) whatever the public URL says.
    pub secure_cookies: Option<bool>,
    /// Serve `/metrics` on this address instead of the API's (e.g. a private interface).
    pub metrics_bind: Option<SocketAddr>,
    /// When set, `/metrics` answers only `Authorization: Bearer <metrics_token>`.
    pub metrics_token: Option<String>,
    /// The S10 service indicator and serial range the built-in `test` carrier numbers from.
    pub test_carrier_service_indicator: String,
    pub test_carrier_first_serial: u32,
    pub test_carrier_last_serial: u32,
    /// The platform's registrations printed on customs documents when it collected the import
    /// VAT at checkout: EU IOSS, UK VAT, Norway VOEC.
    pub platform_ioss_number: Option<String>,
    pub platform_uk_vat_number: Option<String>,
    pub platform_voec_number: Option<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            database_url: DEFAULT_DATABASE_URL.to_string(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            fx_max_gap_days: 7,
            fx_sync: false,
            fx_daily_url: crate::ecb_fetch::ECB_DAILY_URL.to_string(),
            fx_history_url: crate::ecb_fetch::ECB_HISTORY_URL.to_string(),
            buyer_spread_bps: 150,
            payment_fee_bps: 290,
            body_limit_bytes: 1024 * 1024,
            request_timeout_seconds: 30,
            test_payment_secret: "whsec_silkroute_test".to_string(),
            client_address_header: None,
            analytics_rebuild_facts_per_load: 1_000_000,
            idempotency_lease_seconds: 60,
            public_url: None,
            secure_cookies: None,
            metrics_bind: None,
            metrics_token: None,
            test_carrier_service_indicator: "RR".to_string(),
            test_carrier_first_serial: 1,
            test_carrier_last_serial: 99_999_999,
            platform_ioss_number: None,
            platform_uk_vat_number: None,
            platform_voec_number: None,
        }
    }
}

impl Config {
    /// The public URL's origin (`scheme://host[:port]`), checked to be an http(s) URL.
    pub fn public_origin(&self) -> anyhow::Result<Option<String>> {
        let Some(url) = &self.public_url else {
            return Ok(None);
        };
        let (scheme, rest) = url
            .split_once("://")
            .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
            .with_context(|| format!("public_url {url:?} must start with http:// or https://"))?;
        let authority = rest.split('/').next().unwrap_or_default();
        anyhow::ensure!(
            !authority.is_empty() && !authority.contains('@'),
            "public_url {url:?} must name a host (and no credentials)"
        );
        Ok(Some(format!(
            "{scheme}://{}",
            authority.to_ascii_lowercase()
        )))
    }

    /// Whether every cookie is `Secure`: as configured, else when the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| {
            self.public_url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://"))
        })
    }
}

/// The database URL may carry a password: never print it.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact(&self.database_url))
            .field("bind", &self.bind)
            .field("fx_max_gap_days", &self.fx_max_gap_days)
            .field("fx_sync", &self.fx_sync)
            .field("buyer_spread_bps", &self.buyer_spread_bps)
            .field("public_url", &self.public_url)
            .field("metrics_bind", &self.metrics_bind)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// Hides the password part of `scheme://user:password@host`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub fn load(file: Option<&Path>, database_url: Option<String>) -> anyhow::Result<Config> {
    let mut config = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read config file {}", path.display()))?;
            toml::from_str(&text)
                .with_context(|| format!("invalid config file {}", path.display()))?
        }
        None => Config::default(),
    };
    if let Some(url) = database_url {
        config.database_url = url;
    }
    Ok(config)
}

pub const EXAMPLE: &str = r#"# silkroute.toml — every key is optional; shown with its default.
# Environment variables override the file: SILKROUTE_DATABASE_URL, SILKROUTE_BIND.

# sqlite://FILE (embedded, default) or postgres://user:password@host/db
database_url = "sqlite://silkroute.db"
bind = "127.0.0.1:8080"

# last_published FX mode: a rate older than this many days is an error, never a stale price.
fx_max_gap_days = 7
# Keep the ECB rates fresh: `serve` runs `silkroute fx sync` at start and every weekday at 16:15
# Frankfurt time (the ECB publishes at about 16:00 CET), logging what it imported or why it
# failed, without holding up any request. `fx sync` by hand works whatever this says.
fx_sync = false
# Where `fx sync` fetches the ECB's daily file and its 90-day history (zipped CSV as the ECB
# publishes them, or plain CSV from a mirror).
fx_daily_url = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref.zip"
fx_history_url = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.zip"
# Spread over the ECB mid rate on buyer-facing catalog prices, in basis points.
buyer_spread_bps = 150
# What the payment provider keeps of each payment, in basis points: product margins deduct it.
payment_fee_bps = 290

body_limit_bytes = 1048576
request_timeout_seconds = 30

# The built-in `test` payment provider signs its notifications (HMAC-SHA256) with this secret.
test_payment_secret = "whsec_silkroute_test"

# Behind a reverse proxy that overwrites it, the header with the client's address, used to rate
# limit the public storefront beacon per shopper instead of per proxy.
# client_address_header = "x-forwarded-for"

# The most orders and storefront events `silkroute analytics rebuild` loads at once (memory
# grows with it; fewer means more, smaller loads).
analytics_rebuild_facts_per_load = 1000000

# A request sent with an Idempotency-Key belongs to the server running it for this long: if that
# server dies, a retry with the same key waits at most this long, then finds the stored response
# (an order is stored with its response) or runs the request afresh. Longer than any request.
idempotency_lease_seconds = 60

# The URL people reach the platform at. Seller-center forms are accepted only from its origin
# (unset: from the origin the request was addressed to), and an https URL marks every cookie
# Secure (`secure_cookies` overrides that either way).
# public_url = "https://market.example"
# secure_cookies = true

# /metrics: on a listener of its own (then the API's /metrics is 404), and/or only with
# `Authorization: Bearer <metrics_token>`.
# metrics_bind = "127.0.0.1:9090"
# metrics_token = "a-long-random-string"

# The built-in `test` carrier numbers labels with UPU S10 ids from this range, counting per
# issuing (ship-from) country in the database: RR = registered letter post.
test_carrier_service_indicator = "RR"
test_carrier_first_serial = 1
test_carrier_last_serial = 99999999

# The platform's registrations, printed on commercial invoices and CN 23s when it collected the
# import VAT at checkout (EU IOSS, UK VAT at the point of sale, Norway VOEC).
# platform_ioss_number = "IM2760000742"
# platform_uk_vat_number = "GB123456789"
# platform_voec_number = "VOEC2012345"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// `config example` shows each key with its default: the FX sync keys must not drift.
    #[test]
    fn the_example_shows_the_fx_defaults() {
        let example: Config = toml::from_str(EXAMPLE).expect("the example parses");
        let defaults = Config::default();
        assert!(!example.fx_sync);
        assert_eq!(example.fx_sync, defaults.fx_sync);
        assert_eq!(example.fx_daily_url, defaults.fx_daily_url);
        assert_eq!(example.fx_history_url, defaults.fx_history_url);
        assert_eq!(example.fx_max_gap_days, defaults.fx_max_gap_days);
    }
}
