//! Named settings (`settings` table): one text value per name, written and read the same way in
//! both dialects.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_store::{SettingStore, StoreResult};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

use crate::{Backend, SqlxStore, backend_error};

#[async_trait]
impl<B: Backend> SettingStore for SqlxStore<B>
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
    async fn setting(&self, name: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn put_setting(&self, name: &str, value: &str, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, \
             updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(value)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }

    async fn delete_setting(&self, name: &str) -> StoreResult<bool> {
        let result = sqlx::query("DELETE FROM settings WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(B::rows_affected(&result) > 0)
    }
}
