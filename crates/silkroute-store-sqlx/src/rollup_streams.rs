//! The streams rollups follow: the watermarks, what changed after them, the heads a rebuild
//! marks, and the lease that lets one process at a time write rollups.

use chrono::{DateTime, NaiveDate, Utc};
use silkroute_store::{ChangedEvent, ChangedOrder, StoreResult};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::{Backend, BackendConnection, SqlxStore, backend_error};

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
    pub(crate) async fn watermark_of(&self, stream: &str) -> StoreResult<Option<DateTime<Utc>>> {
        sqlx::query_scalar("SELECT at FROM analytics_watermarks WHERE stream = $1")
            .bind(stream)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)
    }

    pub(crate) async fn claim_lease(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        sqlx::query("DELETE FROM analytics_leases WHERE name = 'rollups' AND expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        let claimed = sqlx::query(
            "INSERT INTO analytics_leases (name, holder, expires_at) \
             VALUES ('rollups', $1, $2) ON CONFLICT (name) DO UPDATE \
             SET expires_at = excluded.expires_at \
             WHERE analytics_leases.holder = excluded.holder",
        )
        .bind(holder)
        .bind(until)
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(B::rows_affected(&claimed) == 1)
    }

    pub(crate) async fn release_lease(&self, holder: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM analytics_leases WHERE name = 'rollups' AND holder = $1")
            .bind(holder)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    pub(crate) async fn orders_changed_after(
        &self,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<ChangedOrder>> {
        let rows = sqlx::query(
            "SELECT o.seller_id, o.created_at, p.captured_at, o.updated_at \
             FROM orders o JOIN payments p ON p.payment_id = o.payment_id \
             WHERE o.updated_at > $1",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                Ok(ChangedOrder {
                    seller_id: row.try_get(0).map_err(backend_error)?,
                    placed_at: row.try_get(1).map_err(backend_error)?,
                    paid_at: row.try_get(2).map_err(backend_error)?,
                    updated_at: row.try_get(3).map_err(backend_error)?,
                })
            })
            .collect()
    }

    pub(crate) async fn events_changed_after(
        &self,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<ChangedEvent>> {
        let rows = sqlx::query(
            "SELECT seller_id, at, received_at FROM storefront_events \
             WHERE received_at > $1",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|row| {
                Ok(ChangedEvent {
                    seller_id: row.try_get(0).map_err(backend_error)?,
                    at: row.try_get(1).map_err(backend_error)?,
                    received_at: row.try_get(2).map_err(backend_error)?,
                })
            })
            .collect()
    }

    pub(crate) async fn newest_changes(
        &self,
    ) -> StoreResult<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
        let orders: Option<DateTime<Utc>> =
            sqlx::query_scalar("SELECT MAX(updated_at) FROM orders")
                .fetch_one(&self.pool)
                .await
                .map_err(backend_error)?;
        let events: Option<DateTime<Utc>> =
            sqlx::query_scalar("SELECT MAX(received_at) FROM storefront_events")
                .fetch_one(&self.pool)
                .await
                .map_err(backend_error)?;
        Ok((orders, events))
    }

    /// Moves each stream's watermark, inside the caller's transaction.
    pub(crate) async fn write_watermarks(
        tx: &mut BackendConnection<B>,
        watermarks: &[(&str, DateTime<Utc>)],
    ) -> StoreResult<()> {
        for (stream, at) in watermarks {
            sqlx::query(
                "INSERT INTO analytics_watermarks (stream, at) VALUES ($1, $2) \
                 ON CONFLICT (stream) DO UPDATE SET at = excluded.at",
            )
            .bind(*stream)
            .bind(*at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        Ok(())
    }
}
