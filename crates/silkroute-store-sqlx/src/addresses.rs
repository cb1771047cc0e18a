//! The buyers' address book (`buyer_addresses`). Each write that moves the default flag is one
//! transaction whose first statement writes, so SQLite takes its write lock before anything is
//! read and PostgreSQL's partial unique index turns a lost race into a conflict, never two
//! defaults.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::ids::{AddressId, BuyerId};
use silkroute_logistics::address::ValidAddress;
use silkroute_store::{
    AddressInsert, AddressRecord, AddressStore, Page, PageRequest, StoreError, StoreResult,
};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

use crate::{Backend, RecordRow, SqlxStore, backend_error, to_json};

const ADDRESS_COLUMNS: &str =
    "address_id, buyer_id, label, address, is_default, created_at, updated_at";

#[async_trait]
impl<B: Backend> AddressStore for SqlxStore<B>
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
    for<'q> bool: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> NaiveDate: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<NaiveDate>: Encode<'q, B::Db>,
    for<'q> DateTime<Utc>: Encode<'q, B::Db> + Decode<'q, B::Db> + Type<B::Db>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, B::Db>,
    for<'q> Vec<u8>: Decode<'q, B::Db> + Type<B::Db>,
{
    async fn insert_address(
        &self,
        record: &AddressRecord,
        limit: u32,
    ) -> StoreResult<AddressInsert> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        if record.is_default {
            clear_default(&mut *tx, &record.buyer_id, None, record.updated_at).await?;
        }
        // One statement checks the limit, decides whether this is the buyer's first address (which
        // is the default whatever was asked) and inserts; the count is read under the write lock
        // on SQLite. On PostgreSQL two concurrent inserts may both pass the count at the limit's
        // edge: the limit is a courtesy against runaway clients, not an invariant.
        let sql = format!(
            "INSERT INTO buyer_addresses ({ADDRESS_COLUMNS}) \
             SELECT $1, $2, $3, $4, \
                    CASE WHEN $5 OR NOT EXISTS \
                         (SELECT 1 FROM buyer_addresses WHERE buyer_id = $2) \
                    THEN TRUE ELSE FALSE END, $6, $7 \
             WHERE (SELECT COUNT(*) FROM buyer_addresses WHERE buyer_id = $2) < $8 \
             RETURNING {ADDRESS_COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(record.id.as_str())
            .bind(record.buyer_id.as_str())
            .bind(record.label.as_str())
            .bind(to_json(&record.address)?)
            .bind(record.is_default)
            .bind(record.created_at)
            .bind(record.updated_at)
            .bind(i64::from(limit))
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_error)?;
        let Some(row) = row else {
            tx.rollback().await.map_err(backend_error)?;
            return Ok(AddressInsert::LimitReached { limit });
        };
        let stored = address_record(&row)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(AddressInsert::Inserted(Box::new(stored)))
    }

    async fn get_address(
        &self,
        buyer: &BuyerId,
        id: &AddressId,
    ) -> StoreResult<Option<AddressRecord>> {
        let sql = format!(
            "SELECT {ADDRESS_COLUMNS} FROM buyer_addresses WHERE buyer_id = $1 AND address_id = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(buyer.as_str())
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(address_record).transpose()
    }

    async fn list_addresses(
        &self,
        buyer: &BuyerId,
        page: &PageRequest,
    ) -> StoreResult<Page<AddressRecord>> {
        let sql = format!(
            "SELECT {ADDRESS_COLUMNS} FROM buyer_addresses \
             WHERE buyer_id = $1 AND address_id > $2 ORDER BY address_id LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(buyer.as_str())
            .bind(page.after.clone().unwrap_or_default())
            .bind(i64::from(page.limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let records = rows
            .iter()
            .map(address_record)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(records, page.limit, |record| {
            record.id.to_string()
        }))
    }

    async fn update_address(&self, record: &AddressRecord) -> StoreResult<Option<AddressRecord>> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        if record.is_default {
            clear_default(
                &mut *tx,
                &record.buyer_id,
                Some(&record.id),
                record.updated_at,
            )
            .await?;
        }
        let sql = format!(
            "UPDATE buyer_addresses SET label = $3, address = $4, updated_at = $5, \
             is_default = CASE WHEN $6 THEN TRUE ELSE is_default END \
             WHERE buyer_id = $1 AND address_id = $2 RETURNING {ADDRESS_COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(record.buyer_id.as_str())
            .bind(record.id.as_str())
            .bind(record.label.as_str())
            .bind(to_json(&record.address)?)
            .bind(record.updated_at)
            .bind(record.is_default)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_error)?;
        let Some(row) = row else {
            // Unknown or another buyer's: the flag cleared above must not stay cleared.
            tx.rollback().await.map_err(backend_error)?;
            return Ok(None);
        };
        let stored = address_record(&row)?;
        tx.commit().await.map_err(backend_error)?;
        Ok(Some(stored))
    }

    async fn delete_address(
        &self,
        buyer: &BuyerId,
        id: &AddressId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        let was_default: Option<bool> = sqlx::query_scalar(
            "DELETE FROM buyer_addresses WHERE buyer_id = $1 AND address_id = $2 \
             RETURNING is_default",
        )
        .bind(buyer.as_str())
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_error)?;
        let Some(was_default) = was_default else {
            tx.rollback().await.map_err(backend_error)?;
            return Ok(false);
        };
        if was_default {
            // The oldest remaining address inherits the flag, so a buyer with addresses always
            // has a default to offer at checkout.
            sqlx::query(
                "UPDATE buyer_addresses SET is_default = TRUE, updated_at = $2 \
                 WHERE address_id = (SELECT MIN(address_id) FROM buyer_addresses \
                                     WHERE buyer_id = $1)",
            )
            .bind(buyer.as_str())
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(true)
    }
}

/// Takes the default flag from the buyer's addresses (but `keep`), inside the caller's
/// transaction.
async fn clear_default<'c, E, Db>(
    executor: E,
    buyer: &BuyerId,
    keep: Option<&AddressId>,
    at: DateTime<Utc>,
) -> StoreResult<()>
where
    E: Executor<'c, Database = Db>,
    Db: Database,
    for<'q> <Db as Database>::Arguments: IntoArguments<Db>,
    for<'q> &'q str: Encode<'q, Db> + Type<Db>,
    for<'q> DateTime<Utc>: Encode<'q, Db> + Type<Db>,
{
    sqlx::query(
        "UPDATE buyer_addresses SET is_default = FALSE, updated_at = $3 \
         WHERE buyer_id = $1 AND is_default AND address_id <> $2",
    )
    .bind(buyer.as_str())
    .bind(keep.map(AddressId::as_str).unwrap_or_default())
    .bind(at)
    .execute(executor)
    .await
    .map_err(backend_error)?;
    Ok(())
}

fn address_record<R: RecordRow>(row: &R) -> StoreResult<AddressRecord>
where
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
{
    let corrupt = |what: &str, detail: String| StoreError::Corrupt(format!("{what}: {detail}"));
    let id = row.text("address_id")?;
    let buyer_id = row.text("buyer_id")?;
    let address_json = row.text("address")?;
    // Reading validates again (`ValidAddress` deserialises through `validate`): what the store
    // returns is proof, not a promise. An address that the embedded rules no longer accept is
    // reported as corrupt rather than handed out as valid.
    let address: ValidAddress = serde_json::from_str(&address_json)
        .map_err(|error| corrupt("buyer_addresses.address", error.to_string()))?;
    Ok(AddressRecord {
        id: AddressId::parse(&id).map_err(|error| corrupt("address_id", error.to_string()))?,
        buyer_id: BuyerId::parse(&buyer_id)
            .map_err(|error| corrupt("buyer_id", error.to_string()))?,
        label: row.text("label")?,
        address,
        is_default: row.try_get("is_default").map_err(backend_error)?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}
