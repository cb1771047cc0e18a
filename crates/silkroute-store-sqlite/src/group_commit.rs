//! Group commit for checkout writes. SQLite has one writer and, with `synchronous=FULL`, every
//! commit waits for an fsync (~3 ms here): one checkout per transaction caps the platform at a few
//! hundred orders a second. Instead one task takes every checkout and quote waiting at that
//! moment, runs them in one transaction (a refused checkout writes nothing, so it never touches
//! another's; an unexpected failure sends the whole batch back to run one by one), commits them
//! together with one fsync, and only then answers each caller — an acknowledged order is as
//! durable as before, only cheaper.

use silkroute_store::{CheckoutPlacement, PlacementOutcome, StoreError, StoreResult, StoredQuote};
use silkroute_store_sqlx::backend_error;
use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use crate::SqliteStore;

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

async fn commit_batch(pool: &SqlitePool, batch: &mut Vec<Job>) {
    let jobs: Vec<Job> = std::mem::take(batch);
    let results = match run_together(pool, &jobs).await {
        Ok(results) => results,
        // Something failed unexpectedly inside the shared transaction, which is now rolled
        // back: run each job alone so that one failure costs no other caller its checkout.
        Err(_) => {
            let mut results = Vec::with_capacity(jobs.len());
            for job in &jobs {
                results.push(run_alone(pool, job).await);
            }
            results
        }
    };
    for (job, result) in jobs.into_iter().zip(results) {
        match (job, result) {
            (Job::Place(_, reply), Answer::Place(result)) => {
                let _ = reply.send(result);
            }
            (Job::Quote(_, reply), Answer::Quote(result)) => {
                let _ = reply.send(result);
            }
            (Job::Place(_, reply), Answer::Quote(_)) => {
                let _ = reply.send(Err(failed("mismatched answer")));
            }
            (Job::Quote(_, reply), Answer::Place(_)) => {
                let _ = reply.send(Err(failed("mismatched answer")));
            }
        }
    }
}

enum Answer {
    Place(StoreResult<PlacementOutcome>),
    Quote(StoreResult<()>),
}

fn failed(message: &str) -> StoreError {
    StoreError::Backend(Box::new(std::io::Error::other(format!(
        "group commit failed: {message}"
    ))))
}

/// Every job in one transaction and one commit. A refused checkout writes nothing (see
/// `SqlxStore::place_in_transaction`) and a failed quote INSERT is undone by SQLite itself, so
/// neither needs a savepoint; any other failure abandons the batch (`Err`) for `run_alone`.
async fn run_together(pool: &SqlitePool, jobs: &[Job]) -> Result<Vec<Answer>, StoreError> {
    let mut tx = pool.begin().await.map_err(backend_error)?;
    let mut answers = Vec::with_capacity(jobs.len());
    for job in jobs {
        match job {
            Job::Quote(quote, _) => {
                answers.push(Answer::Quote(
                    SqliteStore::insert_quote_in_transaction(&mut tx, quote).await,
                ));
            }
            Job::Place(placement, _) => {
                let outcome = SqliteStore::place_in_transaction(&mut tx, placement).await?;
                answers.push(Answer::Place(Ok(outcome)));
            }
        }
    }
    tx.commit().await.map_err(backend_error)?;
    Ok(answers)
}

async fn run_alone(pool: &SqlitePool, job: &Job) -> Answer {
    match job {
        Job::Quote(quote, _) => {
            let result = async {
                let mut tx = pool.begin().await.map_err(backend_error)?;
                SqliteStore::insert_quote_in_transaction(&mut tx, quote).await?;
                tx.commit().await.map_err(backend_error)
            }
            .await;
            Answer::Quote(result)
        }
        Job::Place(placement, _) => {
            let result = async {
                let mut tx = pool.begin().await.map_err(backend_error)?;
                let outcome = SqliteStore::place_in_transaction(&mut tx, placement).await?;
                tx.commit().await.map_err(backend_error)?;
                Ok(outcome)
            }
            .await;
            Answer::Place(result)
        }
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
