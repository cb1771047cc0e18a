//! The streams rollups follow, for both sqlx backends: the watermarks, what changed after them,
//! the heads a rebuild marks, and the lease that lets one process at a time write rollups.

/// Expands to `mod streams` inside `analytics_store!`'s module (needs its `Db`).
#[macro_export]
macro_rules! rollup_stream_statements {
    () => {
        mod streams {
            use ::chrono::{DateTime, Utc};
            use ::silkroute_store::{ChangedEvent, ChangedOrder, StoreResult};
            use ::sqlx::Row;
            use $crate::backend_error;

            use super::Db;

            pub async fn analytics_watermark(
                pool: &::sqlx::Pool<Db>,
                stream: &str,
            ) -> StoreResult<Option<DateTime<Utc>>> {
                ::sqlx::query_scalar("SELECT at FROM analytics_watermarks WHERE stream = $1")
                    .bind(stream)
                    .fetch_optional(pool)
                    .await
                    .map_err(backend_error)
            }

            pub async fn claim_rollup_lease(
                pool: &::sqlx::Pool<Db>,
                holder: &str,
                now: DateTime<Utc>,
                until: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let mut tx = pool.begin().await.map_err(backend_error)?;
                ::sqlx::query(
                    "DELETE FROM analytics_leases WHERE name = 'rollups' AND expires_at < $1",
                )
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
                let claimed = ::sqlx::query(
                    "INSERT INTO analytics_leases (name, holder, expires_at) \
                     VALUES ('rollups', $1, $2) ON CONFLICT (name) DO UPDATE \
                     SET expires_at = excluded.expires_at \
                     WHERE analytics_leases.holder = excluded.holder",
                )
                .bind(holder)
                .bind(until)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?
                .rows_affected();
                tx.commit().await.map_err(backend_error)?;
                Ok(claimed == 1)
            }

            pub async fn release_rollup_lease(
                pool: &::sqlx::Pool<Db>,
                holder: &str,
            ) -> StoreResult<()> {
                ::sqlx::query(
                    "DELETE FROM analytics_leases WHERE name = 'rollups' AND holder = $1",
                )
                .bind(holder)
                .execute(pool)
                .await
                .map_err(backend_error)?;
                Ok(())
            }

            pub async fn changed_orders(
                pool: &::sqlx::Pool<Db>,
                since: DateTime<Utc>,
            ) -> StoreResult<Vec<ChangedOrder>> {
                let rows = ::sqlx::query(
                    "SELECT o.seller_id, o.created_at, p.captured_at, o.updated_at \
                     FROM orders o JOIN payments p ON p.payment_id = o.payment_id \
                     WHERE o.updated_at > $1",
                )
                .bind(since)
                .fetch_all(pool)
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

            pub async fn changed_events(
                pool: &::sqlx::Pool<Db>,
                since: DateTime<Utc>,
            ) -> StoreResult<Vec<ChangedEvent>> {
                let rows = ::sqlx::query(
                    "SELECT seller_id, at, received_at FROM storefront_events \
                     WHERE received_at > $1",
                )
                .bind(since)
                .fetch_all(pool)
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

            pub async fn stream_heads(
                pool: &::sqlx::Pool<Db>,
            ) -> StoreResult<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
                let orders: Option<DateTime<Utc>> =
                    ::sqlx::query_scalar("SELECT MAX(updated_at) FROM orders")
                        .fetch_one(pool)
                        .await
                        .map_err(backend_error)?;
                let events: Option<DateTime<Utc>> =
                    ::sqlx::query_scalar("SELECT MAX(received_at) FROM storefront_events")
                        .fetch_one(pool)
                        .await
                        .map_err(backend_error)?;
                Ok((orders, events))
            }
        }
    };
}
