//! The HTTP side of the bench, kept apart from setup and the storage limit because it is the
//! figure users compare against and the part most easily skewed by the load generator itself:
//! a closed loop shows throughput, an open loop shows latency the server cannot hide by making
//! the clients wait, and both must spend as little CPU as possible on the client side.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::setup::Buyer;
use super::{CARD, CheckoutOptions, HttpRun, WARM_UP_PER_CLIENT};
use crate::bench::Latency;
use crate::bench::client::{Client, find};

/// A buyer as one client connection plays it.
struct Seat {
    client: Client,
    token: String,
    country: &'static str,
    /// Product ids this buyer may order (never from its own country).
    eligible: Arc<Vec<String>>,
}

/// The HTTP run: one connection per buyer, a warm-up that is not counted, then `orders`
/// checkouts in closed loop or, with a rate, in open loop.
pub(super) async fn http_run(
    address: SocketAddr,
    buyers: &[Buyer],
    options: &CheckoutOptions,
) -> anyhow::Result<HttpRun> {
    let mut seats = Vec::with_capacity(buyers.len());
    for buyer in buyers {
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
    Ok(summarise(samples, seconds, options.rate))
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
