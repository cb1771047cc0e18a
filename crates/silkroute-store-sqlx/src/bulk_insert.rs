//! Multi-row INSERTs cut into statements under the backend's limit of bound values: the one
//! chunking loop behind bulk order import, storefront event batches, rollup rows and the
//! recency bookkeeping, so that each of them only says its table, its columns and how a row binds.

use chrono::{DateTime, NaiveDate, Utc};
use silkroute_store::StoreResult;
use sqlx::query_builder::Separated;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, QueryBuilder, Type};

use crate::{Backend, BackendConnection, SqlxStore, backend_error};

/// One multi-row INSERT statement, without its rows.
pub(crate) struct MultiRowInsert<'s> {
    /// Up to `VALUES`: `INSERT INTO table (column, …) `.
    pub head: &'s str,
    /// Bound values per row.
    pub columns: usize,
    /// The most rows one statement carries whatever the backend allows (`usize::MAX`: as many
    /// as it allows).
    pub max_rows: usize,
    /// After the rows: an `ON CONFLICT …` clause, or nothing.
    pub tail: &'s str,
}

impl MultiRowInsert<'_> {
    fn rows_per_statement(&self, max_variables: usize) -> usize {
        (max_variables / self.columns).clamp(1, self.max_rows.max(1))
    }
}

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
    /// Inserts `rows` inside the caller's transaction, `bind` pushing each row's values in the
    /// statement's column order; the rows the database reports inserted.
    pub(crate) async fn insert_rows_in_chunks<T: Sync>(
        tx: &mut BackendConnection<B>,
        statement: &MultiRowInsert<'_>,
        rows: &[T],
        mut bind: impl FnMut(Separated<'_, B::Db, &'static str>, &T) + Send,
    ) -> StoreResult<u64> {
        let mut inserted = 0;
        for chunk in rows.chunks(statement.rows_per_statement(B::MAX_VARIABLES)) {
            let mut query: QueryBuilder<B::Db> = QueryBuilder::new(statement.head);
            query.push_values(chunk, &mut bind);
            if !statement.tail.is_empty() {
                query.push(statement.tail);
            }
            let result = query
                .build()
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
            inserted += B::rows_affected(&result);
        }
        Ok(inserted)
    }
}
