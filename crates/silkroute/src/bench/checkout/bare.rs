//! The storage limit: the same rows a checkout writes, put straight into the store with none of
//! our own code around them. It exists so the HTTP figure has a ceiling to be judged against;
//! without it a slow checkout cannot be told apart from a slow database.

use silkroute_domain::ids::Ulid;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{anyhow, bail};
use silkroute_app::{
    App, DestinationInput, OrderIds, Principal, QuoteLineInput, QuoteRequest, order_from_group,
};
use silkroute_domain::ids::{BuyerId, OrderId, PaymentId, QuoteId};
use silkroute_domain::money::Money;
use silkroute_domain::payment::{self, PaymentStatus};
use silkroute_store::{
    CheckoutPlacement, NewOrderEvent, PaymentRecord, PlacementOutcome, Store, StoredQuote,
};
use tokio::task::JoinSet;

use super::setup::Buyer;
use super::{BareRun, CARD, app_error};

/// The storage limit: the rows of `count` checkouts — a quote, then its payment, orders, lines,
/// events and stock reservation — written straight into the store by `concurrency` writers, with
/// no check, pricing or serialisation of our own around them. Real quotes (one per product) are
/// the templates, so rows are as wide as the HTTP run's.
pub(super) async fn bare_loop(
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
                        ship_to: None,
                        address_id: None,
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
        .map(|_| QuoteId::new(ulid(now)))
        .collect::<Vec<_>>();
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
                ship_to: None,
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
        id: PaymentId::new(payment_ulid),
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
        orders.push(order_from_group(
            OrderIds {
                order: OrderId::new(ulid(now)),
                buyer: buyer_id.clone(),
                quote: quote.id.clone(),
                payment: payment.id.clone(),
            },
            &quote.body,
            group,
            now,
        ));
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
        payment_tasks: Vec::new(),
        receipt: None,
    })
}

/// A ULID string (48-bit milliseconds, 80 random bits) in Crockford base32, as the app's ids use.
fn ulid(now: chrono::DateTime<chrono::Utc>) -> Ulid {
    Ulid::from_parts(now.timestamp_millis().max(0) as u64, rand::random::<u128>())
}
