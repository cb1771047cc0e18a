//! Group commit for checkout writes. SQLite has one writer and, with `synchronous=FULL`, every
//! commit waits for an fsync (~3 ms here): one checkout per transaction caps the platform at a few
//! hundred orders a second. Instead one task takes every checkout and quote waiting at that
//! moment, runs each inside its own SAVEPOINT (so one checkout's refusal or failure never touches
//! another's), commits them together with one fsync, and only then answers each caller — an
//! acknowledged order is as durable as before, only cheaper.

use silkroute_store::{CheckoutPlacement, PlacementOutcome, StoreError, StoreResult, StoredQuote};
use sqlx::{Acquire, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::backend_error;

/// The most writes one commit carries: enough to amortise the fsync, few enough that the first
/// caller in a batch does not wait long for the last.
const MAX_BATCH: usize = 64;

pub(crate) enum Job {
    Place(
        Box<CheckoutPlacement>,
        oneshot::Sender<StoreResult<PlacementOutcome>>,
    ),
    Quote(Box<StoredQuote>, oneshot::Sender<StoreResult<()>>),
}

/// Starts the committer on the current runtime; it stops when the last sender is dropped.
pub(crate) fn start(pool: SqlitePool) -> mpsc::Sender<Job> {
    let (sender, mut receiver) = mpsc::channel::<Job>(4 * MAX_BATCH);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while let Some(first) = receiver.recv().await {
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            commit_batch(&pool, &mut batch).await;
        }
    });
    sender
}

/// The answer a job will get once the batch's commit is known.
enum Pending {
    Place(
        oneshot::Sender<StoreResult<PlacementOutcome>>,
        StoreResult<PlacementOutcome>,
    ),
    Quote(oneshot::Sender<StoreResult<()>>, StoreResult<()>),
}

async fn commit_batch(pool: &SqlitePool, batch: &mut Vec<Job>) {
    let mut pending = Vec::with_capacity(batch.len());
    let committed = run_batch(pool, batch, &mut pending).await;
    for answer in pending {
        match answer {
            Pending::Place(reply, result) => {
                let _ = reply.send(match &committed {
                    Ok(()) => result,
                    Err(message) => Err(failed(message)),
                });
            }
            Pending::Quote(reply, result) => {
                let _ = reply.send(match &committed {
                    Ok(()) => result,
                    Err(message) => Err(failed(message)),
                });
            }
        }
    }
}

fn failed(message: &str) -> StoreError {
    StoreError::Backend(Box::new(std::io::Error::other(format!(
        "group commit failed: {message}"
    ))))
}

/// Runs every job of the batch in one transaction; `Err` when the transaction itself failed
/// (then no job's effect is durable, whatever its own result said).
async fn run_batch(
    pool: &SqlitePool,
    batch: &mut Vec<Job>,
    pending: &mut Vec<Pending>,
) -> Result<(), String> {
    let mut tx = match pool.begin().await {
        Ok(tx) => tx,
        Err(error) => {
            for job in batch.drain(..) {
                pending.push(refused(job, &error.to_string()));
            }
            return Err(error.to_string());
        }
    };
    for job in batch.drain(..) {
        let mut savepoint = match tx.begin().await {
            Ok(savepoint) => savepoint,
            Err(error) => {
                pending.push(refused(job, &error.to_string()));
                continue;
            }
        };
        match job {
            Job::Place(placement, reply) => {
                let result = crate::orders::place(&mut savepoint, &placement).await;
                let keep = matches!(result, Ok(PlacementOutcome::Placed(_)));
                let result = finish(savepoint, keep).await.and(result);
                pending.push(Pending::Place(reply, result));
            }
            Job::Quote(quote, reply) => {
                let result = crate::orders::insert_quote(&mut savepoint, &quote).await;
                let keep = result.is_ok();
                let result = finish(savepoint, keep).await.and(result);
                pending.push(Pending::Quote(reply, result));
            }
        }
    }
    tx.commit().await.map_err(|error| error.to_string())
}

async fn finish(savepoint: sqlx::Transaction<'_, sqlx::Sqlite>, keep: bool) -> StoreResult<()> {
    if keep {
        savepoint.commit().await.map_err(backend_error)
    } else {
        savepoint.rollback().await.map_err(backend_error)
    }
}

fn refused(job: Job, message: &str) -> Pending {
    match job {
        Job::Place(_, reply) => Pending::Place(reply, Err(failed(message))),
        Job::Quote(_, reply) => Pending::Quote(reply, Err(failed(message))),
    }
}

/// Sends a job and waits for its answer; a stopped committer is a backend failure.
pub(crate) async fn submit<T>(
    sender: &mpsc::Sender<Job>,
    job: impl FnOnce(oneshot::Sender<StoreResult<T>>) -> Job,
) -> StoreResult<T> {
    let (reply, answer) = oneshot::channel();
    sender
        .send(job(reply))
        .await
        .map_err(|_| failed("the committer stopped"))?;
    answer
        .await
        .map_err(|_| failed("the committer dropped the job"))?
}
