//! Payment tasks (`silkroute_store::PaymentTask`): written with the change that calls for them,
//! claimed by one worker at a time for a while, finished or given back with the error.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::ids::PaymentId;
use silkroute_domain::payment::PaymentEventKind;
use silkroute_store::{PaymentTask, PaymentTaskAction, PaymentTaskStore, StoreError, StoreResult};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::{Backend, BackendConnection, SqlxStore, backend_error};

const TASK_COLUMNS: &str = "task_id, provider, provider_reference, payment_id, action, event_id, \
    event_kind, due_at, attempts, last_error, created_at";

impl<B: Backend> SqlxStore<B>
where
    for<'c> &'c mut <B::Db as Database>::Connection: Executor<'c, Database = B::Db>,
    <B::Db as Database>::Arguments: IntoArguments<B::Db>,
    for<'r> &'r str: ColumnIndex<<B::Db as Database>::Row>,
    usize: ColumnIndex<<B::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<&'q str>: Encode<'q, B::Db>,
    for<'q> String: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<String>: Encode<'q, B::Db>,
    for<'q> i64: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<i64>: Encode<'q, B::Db>,
    for<'q> bool: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> NaiveDate: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<NaiveDate>: Encode<'q, B::Db>,
    for<'q> DateTime<Utc>: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, B::Db>,
    for<'q> Vec<u8>: Decode<'q, B::Db> + Type<B::Db>,
{
    /// Writes tasks inside the caller's transaction (a checkout's capture notification).
    pub async fn insert_payment_tasks_in_transaction(
        tx: &mut BackendConnection<B>,
        tasks: &[PaymentTask],
    ) -> StoreResult<()> {
        for task in tasks {
            let (event_id, event_kind) = match &task.action {
                PaymentTaskAction::Notify { event_id, kind } => {
                    (Some(event_id.as_str()), Some(kind.as_str()))
                }
                PaymentTaskAction::Void => (None, None),
            };
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO payment_tasks ({TASK_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            )))
            .bind(task.id.as_str())
            .bind(task.provider.as_str())
            .bind(task.provider_reference.as_str())
            .bind(task.payment_id.as_ref().map(|id| id.as_str()))
            .bind(task.action.as_str())
            .bind(event_id)
            .bind(event_kind)
            .bind(task.due_at)
            .bind(task.attempts)
            .bind(task.last_error.as_deref())
            .bind(task.created_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        Ok(())
    }
}

fn task<R: Row>(row: &R) -> StoreResult<PaymentTask>
where
    for<'r> &'r str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> DateTime<Utc>: Decode<'r, R::Database> + Type<R::Database>,
{
    let text = |column: &str| -> StoreResult<Option<String>> {
        row.try_get(column).map_err(backend_error)
    };
    let corrupt = |what: String| StoreError::Corrupt(format!("payment task: {what}"));
    let id: String = row.try_get("task_id").map_err(backend_error)?;
    let payment_id = text("payment_id")?
        .map(|id| PaymentId::parse(&id).map_err(|e| corrupt(e.to_string())))
        .transpose()?;
    let action: String = row.try_get("action").map_err(backend_error)?;
    let action = match action.as_str() {
        "void" => PaymentTaskAction::Void,
        "notify" => {
            let event_id =
                text("event_id")?.ok_or_else(|| corrupt(format!("{id} has no event")))?;
            let kind = text("event_kind")?
                .as_deref()
                .and_then(PaymentEventKind::parse)
                .ok_or_else(|| corrupt(format!("{id} has no known event kind")))?;
            PaymentTaskAction::Notify { event_id, kind }
        }
        other => return Err(corrupt(format!("{id} has action {other}"))),
    };
    Ok(PaymentTask {
        id,
        provider: row.try_get("provider").map_err(backend_error)?,
        provider_reference: row.try_get("provider_reference").map_err(backend_error)?,
        payment_id,
        action,
        due_at: row.try_get("due_at").map_err(backend_error)?,
        attempts: row.try_get("attempts").map_err(backend_error)?,
        last_error: text("last_error")?,
        created_at: row.try_get("created_at").map_err(backend_error)?,
    })
}

#[async_trait]
impl<B: Backend> PaymentTaskStore for SqlxStore<B>
where
    for<'c> &'c mut <B::Db as Database>::Connection: Executor<'c, Database = B::Db>,
    <B::Db as Database>::Arguments: IntoArguments<B::Db>,
    for<'r> &'r str: ColumnIndex<<B::Db as Database>::Row>,
    usize: ColumnIndex<<B::Db as Database>::Row>,
    for<'q> &'q str: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<&'q str>: Encode<'q, B::Db>,
    for<'q> String: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<String>: Encode<'q, B::Db>,
    for<'q> i64: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<i64>: Encode<'q, B::Db>,
    for<'q> bool: Encode<'q, B::Db> + Type<B::Db>,
    for<'q> NaiveDate: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<NaiveDate>: Encode<'q, B::Db>,
    for<'q> DateTime<Utc>: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, B::Db>,
    for<'q> Vec<u8>: Decode<'q, B::Db> + Type<B::Db>,
{
    async fn insert_payment_tasks(&self, tasks: &[PaymentTask]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        Self::insert_payment_tasks_in_transaction(&mut tx, tasks).await?;
        tx.commit().await.map_err(backend_error)
    }

    async fn claim_payment_tasks(
        &self,
        now: DateTime<Utc>,
        claim_until: DateTime<Utc>,
        limit: i64,
        payment: Option<&PaymentId>,
    ) -> StoreResult<Vec<PaymentTask>> {
        let due: Vec<String> = sqlx::query_scalar(
            "SELECT task_id FROM payment_tasks WHERE done_at IS NULL AND due_at <= $1 \
             AND (claimed_until IS NULL OR claimed_until < $1) \
             AND ($3 IS NULL OR payment_id = $3) ORDER BY due_at, task_id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .bind(payment.map(|id| id.as_str()))
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let mut claimed = Vec::with_capacity(due.len());
        for id in due {
            // Conditional, so that of two workers asking at once only one gets each task.
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE payment_tasks SET claimed_until = $2 WHERE task_id = $1 \
                 AND done_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3) \
                 RETURNING {TASK_COLUMNS}"
            )))
            .bind(&id)
            .bind(claim_until)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
            if let Some(row) = row {
                claimed.push(task(&row)?);
            }
        }
        Ok(claimed)
    }

    async fn finish_payment_task(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "UPDATE payment_tasks SET done_at = $2, claimed_until = NULL WHERE task_id = $1",
        )
        .bind(id)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn postpone_payment_task(
        &self,
        id: &str,
        due_at: DateTime<Utc>,
        error: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE payment_tasks SET due_at = $2, last_error = $3, attempts = attempts + 1, \
             claimed_until = NULL WHERE task_id = $1 AND done_at IS NULL",
        )
        .bind(id)
        .bind(due_at)
        .bind(error)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn open_payment_tasks(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM payment_tasks WHERE done_at IS NULL")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)
    }
}
