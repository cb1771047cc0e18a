//! `silkroute bench checkout`: the write path that earns money, measured end to end. Clients
//! quote and order over HTTP on loopback against the real router, so the figure includes
//! parsing, auth, pricing, the payment authorisation and the store's transaction. The same row
//! writes are then done by a bare loop straight into the store with nothing else around them:
//! that is the storage limit, and the ratio between the two is what our own code costs. The run
//! ends with the stock audit, because a fast checkout that loses a reservation is worthless.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use serde::Serialize;
use silkroute_app::{
    App, AppConfig, AppError, BuyerInput, DestinationInput, Principal, QuoteLineInput,
    QuoteRequest, Role, SellerInput, StockAudit, StockMoveInput, SystemClock, WarehouseInput,
};
use silkroute_domain::catalog::ProductInput;
use silkroute_domain::ids::{BuyerId, OrderId, PaymentId, QuoteId};
use silkroute_domain::money::Money;
use silkroute_domain::order::OrderStatus;
use silkroute_domain::payment::{self, PaymentStatus};
use silkroute_http::HttpConfig;
use silkroute_store::{
    CheckoutPlacement, NewOrderEvent, OrderLine, OrderRecord, PaymentRecord, PlacementOutcome,
    Store, StoredQuote,
};
use silkroute_store_postgres::PostgresStore;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::Latency;
use super::client::{Client, find};
use crate::commands::UsageError;
use crate::config::redact;

/// Sellers alternate between these: the two origins the marketplace is built around.
const SELLER_COUNTRIES: [&str; 2] = ["CN", "US"];
/// Buyers cycle through these markets; a buyer is only offered products from another country.
const BUYER_COUNTRIES: [&str; 8] = ["DE", "FR", "GB", "US", "AU", "CA", "JP", "NL"];
/// A test card the built-in provider approves without 3-D Secure.
const CARD: &str = "4242424242424242";
/// Checkouts per client before the clock starts: connections, caches, prepared statements.
const WARM_UP_PER_CLIENT: usize = 3;

pub struct CheckoutOptions {
    /// None: a fresh temporary SQLite file, deleted afterwards.
    pub database_url: Option<String>,
    pub app_config: AppConfig,
    pub http_config: HttpConfig,
    pub clients: usize,
    pub orders: usize,
    /// Open loop at this many HTTP requests per second (a checkout is two requests).
    pub rate: Option<f64>,
    pub hot_products: usize,
    pub run_http: bool,
    pub run_bare: bool,
    pub bare_tasks: usize,
    pub idempotency_keys: bool,
}

#[derive(Debug, Serialize)]
pub struct CheckoutReport {
    pub backend: &'static str,
    pub database: String,
    pub clients: usize,
    pub hot_products: usize,
    pub idempotency_keys: bool,
    #[serde(flatten)]
    pub http: Option<HttpRun>,
    pub storage_limit: Option<BareRun>,
    /// HTTP orders/s as a share of the storage limit's (closed loop only: a paced run is capped
    /// by its rate, not by us).
    pub ratio_percent: Option<f64>,
    pub audit: StockAudit,
    /// After setup with the server listening, before any load.
    pub idle_rss_mib: Option<f64>,
    /// The high-water mark of the HTTP run (the bare loop's is reset before it).
    pub peak_rss_mib: Option<f64>,
}

impl CheckoutReport {
    /// Reserved stock must equal what orders hold, product by product.
    pub fn audit_holds(&self) -> bool {
        self.audit.mismatched_products == 0 && self.audit.reserved == self.audit.held_by_orders
    }
}

#[derive(Debug, Serialize)]
pub struct HttpRun {
    /// `closed` (each client sends its next checkout when the last one answered) or `open`
    /// (checkouts start on a fixed schedule whatever the answers do).
    pub mode: &'static str,
    pub rate_requests_per_second: Option<f64>,
    /// Successful checkouts.
    pub orders: usize,
    pub attempted: usize,
    pub out_of_stock: usize,
    pub seconds: f64,
    pub orders_per_second: f64,
    pub requests_per_second: f64,
    pub quote: Latency,
    pub order: Latency,
    /// Quote plus order, from the scheduled start in open loop.
    pub checkout: Latency,
}

#[derive(Debug, Serialize)]
pub struct BareRun {
    pub placements: usize,
    /// Writers in flight.
    pub tasks: usize,
    pub quote_inserts_per_second: f64,
    pub placements_per_second: f64,
    /// Both writes of a checkout (the quote, then its placement) per second: what the HTTP
    /// figure is compared with.
    pub orders_per_second: f64,
    pub seconds: f64,
}

/// What the bench must tidy away whatever happens.
enum Scratch {
    SqliteFile(PathBuf),
    PostgresSchema(PostgresStore, String),
    Kept,
}

impl Scratch {
    async fn remove(self) {
        match self {
            Scratch::SqliteFile(path) => remove_sqlite_files(&path),
            Scratch::PostgresSchema(store, schema) => {
                if let Err(error) = store.drop_schema(&schema).await {
                    eprintln!("warning: could not drop schema {schema}: {error}");
                }
            }
            Scratch::Kept => {}
        }
    }
}

fn remove_sqlite_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn app_error(what: &str) -> impl FnOnce(AppError) -> anyhow::Error + '_ {
    move |error| match &error {
        AppError::Invalid(errors) => anyhow!("{what}: {errors:?}"),
        _ => anyhow!("{what}: {error}"),
    }
}

/// Opens the store the bench writes to, never the user's data: a temporary SQLite file, a fresh
/// PostgreSQL schema, or an explicitly named SQLite database that must be empty.
async fn open_scratch(url: Option<&str>) -> anyhow::Result<(Arc<dyn Store>, String, Scratch)> {
    let pid = std::process::id();
    match url {
        None => {
            let path = std::env::temp_dir().join(format!("silkroute-bench-{pid}.db"));
            remove_sqlite_files(&path);
            let store = crate::store::open(&format!("sqlite://{}", path.display())).await?;
            let description = format!("temporary {} (deleted afterwards)", path.display());
            Ok((store, description, Scratch::SqliteFile(path)))
        }
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let millis = chrono::Utc::now().timestamp_millis();
            let schema = format!("bench_{pid}_{millis}");
            PostgresStore::create_schema(url, &schema)
                .await
                .with_context(|| format!("cannot create schema {schema} on {}", redact(url)))?;
            let store = PostgresStore::connect(url, Some(&schema))
                .await
                .with_context(|| format!("cannot connect to {}", redact(url)))?;
            let description = format!("{} schema {schema} (dropped afterwards)", redact(url));
            Ok((
                Arc::new(store.clone()),
                description,
                Scratch::PostgresSchema(store, schema),
            ))
        }
        Some(url) => Ok((crate::store::open(url).await?, redact(url), Scratch::Kept)),
    }
}

pub async fn checkout(options: CheckoutOptions) -> anyhow::Result<CheckoutReport> {
    let (store, database, scratch) = open_scratch(options.database_url.as_deref()).await?;
    let result = run(&options, store, database, matches!(scratch, Scratch::Kept)).await;
    scratch.remove().await;
    result
}

/// A buyer as one client connection plays it.
struct Seat {
    client: Client,
    token: String,
    country: &'static str,
    /// Product ids this buyer may order (never from its own country).
    eligible: Arc<Vec<String>>,
}

struct Buyer {
    principal: Principal,
    token: String,
    country: &'static str,
    eligible: Arc<Vec<String>>,
}

async fn run(
    options: &CheckoutOptions,
    store: Arc<dyn Store>,
    database: String,
    must_be_empty: bool,
) -> anyhow::Result<CheckoutReport> {
    let mut app = App::new(
        store.clone(),
        Arc::new(SystemClock),
        options.app_config.clone(),
    );
    app.prepare().await.map_err(app_error("prepare"))?;
    if must_be_empty
        && app
            .row_counts()
            .await
            .map_err(app_error("row counts"))?
            .sellers
            > 0
    {
        return Err(UsageError(format!(
            "{database} already has sellers: bench checkout writes sellers, products and orders, \
             so point it at an empty database (or leave --database-url out for a temporary file)"
        ))
        .into());
    }
    // The snapshot's newest rates may be older than the gap limit: price at that day.
    app.set_pricing_date(
        app.fx_coverage()
            .await
            .map_err(app_error("fx coverage"))?
            .last_date,
    );
    // Every checkout reserves one unit; the bare loop doubles that. A hot product may take all.
    let demand = (options.orders + options.clients * WARM_UP_PER_CLIENT) * 2;
    let per_product = i64::try_from(demand)
        .unwrap_or(i64::MAX)
        .clamp(1_000_000, 10_000_000);
    let buyers = seed(&app, options.clients, options.hot_products, per_product).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let router = silkroute_http::router(app.clone(), options.http_config.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let idle_rss_mib = proc_status_mib("VmRSS:");

    // The store slows as its tables grow, so the bare loop goes first: the HTTP run then works on
    // the larger database and the ratio errs against us, never for us.
    let storage_limit = if options.run_bare {
        Some(bare_loop(&app, &store, &buyers, options.orders, options.bare_tasks).await?)
    } else {
        None
    };
    // Forget the bare loop's high-water mark (Linux), so the peak below is the HTTP run's.
    let _ = std::fs::write("/proc/self/clear_refs", "5");

    let mut http = None;
    if options.run_http {
        let mut seats = Vec::with_capacity(buyers.len());
        for buyer in &buyers {
            seats.push(Seat {
                client: Client::connect(address).await?,
                token: buyer.token.clone(),
                country: buyer.country,
                eligible: buyer.eligible.clone(),
            });
        }
        let keys = options.idempotency_keys;
        let warm_up = options.clients * WARM_UP_PER_CLIENT;
        let (seats, _) = closed_loop(seats, 0, warm_up, keys).await?;
        let started = Instant::now();
        let (samples, seconds) = match options.rate {
            None => {
                let (_, samples) = closed_loop(seats, warm_up, options.orders, keys).await?;
                (samples, started.elapsed().as_secs_f64())
            }
            Some(rate) => open_loop(seats, warm_up, options.orders, rate, keys).await?,
        };
        http = Some(summarise(samples, seconds, options.rate));
    }
    let peak_rss_mib = proc_status_mib("VmHWM:");
    server.abort();

    let ratio_percent = match (&http, &storage_limit) {
        (Some(http), Some(bare)) if http.mode == "closed" && bare.orders_per_second > 0.0 => {
            Some(http.orders_per_second / bare.orders_per_second * 100.0)
        }
        _ => None,
    };
    let audit = app.stock_audit().await.map_err(app_error("stock audit"))?;
    Ok(CheckoutReport {
        backend: app.backend(),
        database,
        clients: options.clients,
        hot_products: options.hot_products,
        idempotency_keys: options.idempotency_keys,
        http,
        storage_limit,
        ratio_percent,
        audit,
        idle_rss_mib,
        peak_rss_mib,
    })
}

/// Sellers in CN and US with one warehouse each, `products` products spread over them with
/// ample stock, and one buyer (with a token) per client across several markets.
async fn seed(
    app: &App,
    clients: usize,
    products: usize,
    stock_per_product: i64,
) -> anyhow::Result<Vec<Buyer>> {
    let admin_token = app
        .create_token(Role::Admin, None, None, "bench")
        .await
        .map_err(app_error("admin token"))?;
    let admin = app
        .authenticate(&admin_token.token)
        .await
        .map_err(app_error("admin token"))?;
    let seller_count = products.clamp(1, 10);
    let mut sellers = Vec::with_capacity(seller_count);
    for index in 0..seller_count {
        let country = SELLER_COUNTRIES[index % SELLER_COUNTRIES.len()];
        let seller = app
            .create_seller(
                &admin,
                SellerInput {
                    name: Some(format!("Bench seller {index}")),
                    country: Some(country.into()),
                    ..SellerInput::default()
                },
            )
            .await
            .map_err(app_error("seller"))?;
        let token = app
            .create_token(Role::Seller, Some(seller.id.as_str()), None, "bench")
            .await
            .map_err(app_error("seller token"))?;
        let principal = app
            .authenticate(&token.token)
            .await
            .map_err(app_error("seller token"))?;
        let warehouse = app
            .create_warehouse(
                &principal,
                WarehouseInput {
                    name: format!("Bench warehouse {index}"),
                    country: country.into(),
                    kind: None,
                    seller_id: None,
                },
            )
            .await
            .map_err(app_error("warehouse"))?;
        sellers.push((seller, principal, warehouse, country));
    }
    let mut catalog = Vec::with_capacity(products);
    for index in 0..products {
        let (seller, principal, warehouse, country) = &sellers[index % seller_count];
        let input: ProductInput = serde_json::from_value(serde_json::json!({
            "sku": format!("BENCH-{index:05}"),
            "titles": {"en": "Cotton T-Shirt", "de": "Baumwoll-T-Shirt"},
            "category": "apparel.tops",
            "hs_code": "6109.10",
            "origin_country": country,
            "weight_g": 180,
            "dimensions_mm": {"length": 300, "width": 200, "height": 30},
            "base_price": "99.00",
            "unit_cost": "35.50"
        }))?;
        let product = app
            .create_product(principal, Some(seller.id.as_str()), input)
            .await
            .map_err(app_error("product"))?;
        app.move_stock(
            principal,
            StockMoveInput {
                product_id: product.id.as_str().to_string(),
                warehouse_id: warehouse.id.as_str().to_string(),
                kind: "receipt".into(),
                quantity: stock_per_product,
            },
        )
        .await
        .map_err(app_error("stock receipt"))?;
        catalog.push((product.id.as_str().to_string(), *country));
    }
    let mut buyers = Vec::with_capacity(clients);
    for index in 0..clients {
        let country = BUYER_COUNTRIES[index % BUYER_COUNTRIES.len()];
        let eligible: Vec<String> = catalog
            .iter()
            .filter(|(_, origin)| *origin != country)
            .map(|(id, _)| id.clone())
            .collect();
        if eligible.is_empty() {
            bail!("no product ships to {country}: raise --hot-products to 2 or more");
        }
        let buyer = app
            .create_buyer(
                &admin,
                BuyerInput {
                    name: Some(format!("Bench buyer {index}")),
                    country: Some(country.into()),
                    ..BuyerInput::default()
                },
            )
            .await
            .map_err(app_error("buyer"))?;
        let token = app
            .create_token(Role::Buyer, None, Some(buyer.id.as_str()), "bench")
            .await
            .map_err(app_error("buyer token"))?;
        let principal = app
            .authenticate(&token.token)
            .await
            .map_err(app_error("buyer token"))?;
        buyers.push(Buyer {
            principal,
            token: token.token,
            country,
            eligible: Arc::new(eligible),
        });
    }
    Ok(buyers)
}

/// One checkout's timings; `placed` is false when the order was refused for lack of stock.
struct Sample {
    quote: Duration,
    order: Duration,
    checkout: Duration,
    placed: bool,
}

/// Quote, then order, as a storefront does. `scheduled` is when the checkout was due to start:
/// in open loop a late start is the server's fault and counts.
async fn one_checkout(
    seat: &mut Seat,
    number: usize,
    scheduled: Instant,
    idempotency_key: bool,
) -> anyhow::Result<Sample> {
    let product = &seat.eligible[number % seat.eligible.len()];
    let body = format!(
        r#"{{"destination":{{"country":"{}"}},"lines":[{{"product_id":"{product}","quantity":1}}]}}"#,
        seat.country
    );
    let (status, reply) = seat
        .client
        .post("/api/v1/checkout/quotes", &seat.token, &body, "")
        .await?;
    let quoted = Instant::now();
    if status != 201 {
        bail!(
            "quote answered {status}: {}",
            String::from_utf8_lossy(&reply)
        );
    }
    let quote_id = quote_id(&reply).context("quote reply without an id")?;
    let body = format!(
        r#"{{"quote_id":"{quote_id}","payment":{{"provider":"test","card_number":"{CARD}"}}}}"#
    );
    let headers = if idempotency_key {
        format!("Idempotency-Key: bench-{}-{number}\r\n", std::process::id())
    } else {
        String::new()
    };
    let (status, reply) = seat
        .client
        .post("/api/v1/orders", &seat.token, &body, &headers)
        .await?;
    let done = Instant::now();
    let placed = match status {
        201 => true,
        409 => false,
        _ => bail!(
            "order answered {status}: {}",
            String::from_utf8_lossy(&reply)
        ),
    };
    Ok(Sample {
        quote: quoted.saturating_duration_since(scheduled),
        order: done - quoted,
        checkout: done.saturating_duration_since(scheduled),
        placed,
    })
}

/// The quote's id is its first field: find it without parsing the whole priced quote, which
/// would spend the cores the server is being measured on.
fn quote_id(reply: &[u8]) -> Option<&str> {
    let start = find(reply, br#""id":""#)? + 6;
    let length = reply[start..].iter().position(|b| *b == b'"')?;
    let id = std::str::from_utf8(&reply[start..start + length]).ok()?;
    id.starts_with("qte_").then_some(id)
}

/// Each client sends its next checkout as soon as the last one answered, until `count`
/// checkouts (numbered from `first`) are done.
async fn closed_loop(
    seats: Vec<Seat>,
    first: usize,
    count: usize,
    idempotency_keys: bool,
) -> anyhow::Result<(Vec<Seat>, Vec<Sample>)> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = JoinSet::new();
    for mut seat in seats {
        let next = next.clone();
        tasks.spawn(async move {
            let mut samples = Vec::new();
            loop {
                let number = next.fetch_add(1, Ordering::Relaxed);
                if number >= count {
                    break;
                }
                let sample =
                    one_checkout(&mut seat, first + number, Instant::now(), idempotency_keys)
                        .await?;
                samples.push(sample);
            }
            anyhow::Ok((seat, samples))
        });
    }
    let mut seats = Vec::new();
    let mut samples = Vec::with_capacity(count);
    while let Some(joined) = tasks.join_next().await {
        let (seat, mut mine) = joined??;
        seats.push(seat);
        samples.append(&mut mine);
    }
    Ok((seats, samples))
}

/// Starts a checkout every `2 / rate` seconds (two requests each) whatever the server does, on
/// the clients' connections (a checkout waits for a free one, and that wait counts). Latency is
/// measured from the scheduled start, so a stall is not hidden by the load backing off.
async fn open_loop(
    seats: Vec<Seat>,
    first: usize,
    count: usize,
    rate: f64,
    idempotency_keys: bool,
) -> anyhow::Result<(Vec<Sample>, f64)> {
    let interval = Duration::from_secs_f64(2.0 / rate);
    let free = Arc::new(Semaphore::new(seats.len()));
    let pool = Arc::new(Mutex::new(seats));
    let mut tasks = JoinSet::new();
    let started = Instant::now();
    for number in 0..count {
        let scheduled = started + interval.mul_f64(number as f64);
        tokio::time::sleep_until(scheduled.into()).await;
        let free = free.clone();
        let pool = pool.clone();
        tasks.spawn(async move {
            let _permit = free.acquire_owned().await?;
            let mut seat = pool
                .lock()
                .map_err(|_| anyhow!("seat pool poisoned"))?
                .pop()
                .context("no free seat")?;
            let sample = one_checkout(&mut seat, first + number, scheduled, idempotency_keys).await;
            pool.lock()
                .map_err(|_| anyhow!("seat pool poisoned"))?
                .push(seat);
            sample
        });
    }
    let mut samples = Vec::with_capacity(count);
    while let Some(joined) = tasks.join_next().await {
        samples.push(joined??);
    }
    Ok((samples, started.elapsed().as_secs_f64()))
}

fn summarise(samples: Vec<Sample>, seconds: f64, rate: Option<f64>) -> HttpRun {
    let attempted = samples.len();
    let orders = samples.iter().filter(|sample| sample.placed).count();
    let quote = Latency::of(samples.iter().map(|sample| sample.quote).collect());
    let order = Latency::of(samples.iter().map(|sample| sample.order).collect());
    let checkout = Latency::of(samples.iter().map(|sample| sample.checkout).collect());
    let seconds = seconds.max(f64::EPSILON);
    HttpRun {
        mode: if rate.is_some() { "open" } else { "closed" },
        rate_requests_per_second: rate,
        orders,
        attempted,
        out_of_stock: attempted - orders,
        seconds,
        orders_per_second: orders as f64 / seconds,
        requests_per_second: (attempted * 2) as f64 / seconds,
        quote,
        order,
        checkout,
    }
}

/// The storage limit: the rows of `count` checkouts — a quote, then its payment, orders, lines,
/// events and stock reservation — written straight into the store by `concurrency` writers, with
/// no check, pricing or serialisation of our own around them. Real quotes (one per product) are the templates, so rows are as
/// wide as the HTTP run's.
async fn bare_loop(
    app: &App,
    store: &Arc<dyn Store>,
    buyers: &[Buyer],
    count: usize,
    concurrency: usize,
) -> anyhow::Result<BareRun> {
    let mut templates = Vec::new();
    let mut covered = std::collections::HashSet::new();
    for buyer in buyers {
        for product in buyer.eligible.iter() {
            if !covered.insert(product.clone()) {
                continue;
            }
            let quote = app
                .create_quote(
                    Some(&buyer.principal),
                    QuoteRequest {
                        destination: DestinationInput {
                            country: buyer.country.into(),
                            region: None,
                            postal_code: None,
                        },
                        lines: vec![QuoteLineInput {
                            product_id: product.clone(),
                            quantity: 1,
                        }],
                        preference: None,
                        incoterm: None,
                        shipping: None,
                        buyer_id: None,
                    },
                )
                .await
                .map_err(app_error("template quote"))?;
            let Principal::Buyer { buyer_id, .. } = &buyer.principal else {
                bail!("a buyer seat without a buyer principal");
            };
            templates.push((quote.body, buyer_id.clone()));
        }
    }
    let now = app.now();
    let templates = Arc::new(templates);
    // Ids only: the rows are built by the writer that stores them (a clone and a few ids, some
    // microseconds against a store write's hundreds) so that thousands of wide quotes are never
    // held at once and the HTTP run's memory peak stays its own.
    let ids = (0..count)
        .map(|_| QuoteId::from_ulid(&ulid(now)))
        .collect::<Result<Vec<_>, _>>()?;
    let ids = Arc::new(ids);
    let stored = {
        let templates = templates.clone();
        let ids = ids.clone();
        move |index: usize| {
            let (body, buyer_id) = &templates[index % templates.len()];
            StoredQuote {
                id: ids[index].clone(),
                buyer_id: Some(buyer_id.clone()),
                created_at: now,
                expires_at: now + chrono::Duration::minutes(30),
                consumed_at: None,
                body: body.clone(),
            }
        }
    };

    let started = Instant::now();
    concurrently(concurrency, count, {
        let store = store.clone();
        let stored = stored.clone();
        move |index| {
            let store = store.clone();
            let quote = stored(index);
            async move {
                store.insert_quote(&quote).await?;
                anyhow::Ok(())
            }
        }
    })
    .await?;
    let quotes_seconds = started.elapsed().as_secs_f64().max(f64::EPSILON);

    let started = Instant::now();
    concurrently(concurrency, count, {
        let store = store.clone();
        move |index| {
            let store = store.clone();
            let quote = stored(index);
            let buyer_id = &templates[index % templates.len()].1;
            let placement = placement(&quote, buyer_id, now);
            async move {
                match store.place_checkout(&placement?).await? {
                    PlacementOutcome::Placed(_) => Ok(()),
                    other => Err(anyhow!("bare placement refused: {other:?}")),
                }
            }
        }
    })
    .await?;
    let placements_seconds = started.elapsed().as_secs_f64().max(f64::EPSILON);
    let seconds = quotes_seconds + placements_seconds;
    Ok(BareRun {
        placements: count,
        tasks: concurrency,
        quote_inserts_per_second: count as f64 / quotes_seconds,
        placements_per_second: count as f64 / placements_seconds,
        orders_per_second: count as f64 / seconds,
        seconds,
    })
}

/// Runs `work(0..count)` on `concurrency` tasks that each take the next index when done.
async fn concurrently<F, Fut>(concurrency: usize, count: usize, work: F) -> anyhow::Result<()>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..concurrency {
        let next = next.clone();
        let work = work.clone();
        tasks.spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= count {
                    return anyhow::Ok(());
                }
                work(index).await?;
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined??;
    }
    Ok(())
}

/// The rows `App::place_order` hands the store for this quote, built without any of its checks.
fn placement(
    quote: &StoredQuote,
    buyer_id: &BuyerId,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<CheckoutPlacement> {
    let payment_ulid = ulid(now);
    let amount = quote.body.totals.collected_now;
    let payment = PaymentRecord {
        id: PaymentId::from_ulid(&payment_ulid)?,
        quote_id: quote.id.clone(),
        buyer_id: buyer_id.clone(),
        provider: "test".into(),
        provider_reference: format!("tpi_{payment_ulid}"),
        status: PaymentStatus::Authorized,
        amount,
        captured: Money::zero(amount.currency()),
        refunded: Money::zero(amount.currency()),
        card_brand: "visa".into(),
        card_last4: CARD[CARD.len() - 4..].to_string(),
        decline_reason: None,
        created_at: now,
        authorized_at: Some(now),
        expires_at: Some(payment::authorization_expires_at(now)),
        captured_at: None,
        updated_at: now,
    };
    let mut orders = Vec::with_capacity(quote.body.groups.len());
    for group in &quote.body.groups {
        let currency = group.goods.currency();
        orders.push(OrderRecord {
            id: OrderId::from_ulid(&ulid(now))?,
            seller_id: group.seller_id.clone(),
            buyer_id: buyer_id.clone(),
            quote_id: quote.id.clone(),
            payment_id: payment.id.clone(),
            status: OrderStatus::PendingPayment,
            status_before_refund: None,
            destination: quote.body.destination.country,
            incoterm: format!("{:?}", group.incoterm).to_uppercase(),
            goods: group.goods,
            shipping: group.shipping.selected.amount,
            duties: group.duties,
            taxes: group.taxes,
            total: group.collected_now,
            due_at_door: group.due_at_door,
            refunded: Money::zero(currency),
            seller_total: group.seller_totals.total,
            lines: group
                .lines
                .iter()
                .enumerate()
                .map(|(index, line)| OrderLine {
                    line_no: index as i64 + 1,
                    product_id: line.product_id.clone(),
                    warehouse_id: None,
                    sku: line.sku.clone(),
                    quantity: i64::from(line.quantity),
                    unit_price: line.unit_price,
                    line_total: line.line_total,
                })
                .collect(),
            snapshot: quote.body.snapshot(group),
            created_at: now,
            updated_at: now,
        });
    }
    Ok(CheckoutPlacement {
        quote_id: quote.id.clone(),
        at: now,
        payment,
        orders,
        event: NewOrderEvent {
            action: "place".into(),
            actor: format!("buyer:{buyer_id}"),
            reason: None,
            at: now,
        },
    })
}

/// A ULID string (48-bit milliseconds, 80 random bits) in Crockford base32, as the app's ids use.
fn ulid(now: chrono::DateTime<chrono::Utc>) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let millis = u128::from(now.timestamp_millis().max(0) as u64);
    let value = (millis << 80) | (rand::random::<u128>() & ((1u128 << 80) - 1));
    (0..26u32)
        .rev()
        .map(|digit| ALPHABET[((value >> (digit * 5)) & 31) as usize] as char)
        .collect()
}

/// A `/proc/self/status` memory line (`VmRSS:`, `VmHWM:`) in MiB; None off Linux.
fn proc_status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix(field))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}
