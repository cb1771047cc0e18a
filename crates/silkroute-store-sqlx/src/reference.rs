//! FX rates and market rules: the reads and the market-rule replacement are the same in both
//! dialects; the FX upsert and the rate reads' decimal column are the backend's
//! (`Backend::upsert_fx_rates`, `LATEST_FX_RATE`, `FX_RATES_PUBLISHED`).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::PublishedRate;
use silkroute_domain::market::MarketRule;
use silkroute_store::rows::published_rate;
use silkroute_store::{FxCoverage, ReferenceStore, StoreError, StoreResult};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use crate::{Backend, SqlxStore, backend_error};

fn rate_from_row<R: Row>(row: &R) -> StoreResult<PublishedRate>
where
    for<'r> &'r str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> NaiveDate: Decode<'r, R::Database> + Type<R::Database>,
{
    let currency: String = row.try_get("currency").map_err(backend_error)?;
    let date: NaiveDate = row.try_get("rate_date").map_err(backend_error)?;
    let per_eur: String = row.try_get("per_eur").map_err(backend_error)?;
    published_rate(&currency, date, &per_eur)
}

#[async_trait]
impl<B: Backend> ReferenceStore for SqlxStore<B>
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
    async fn upsert_fx_rates(&self, rates: &[PublishedRate]) -> StoreResult<u64> {
        self.backend.upsert_fx_rates(&self.pool, rates).await
    }

    async fn latest_fx_rate(
        &self,
        currency: CurrencyCode,
        on_or_before: NaiveDate,
    ) -> StoreResult<Option<PublishedRate>> {
        let row = sqlx::query(B::LATEST_FX_RATE)
            .bind(currency.as_str())
            .bind(on_or_before)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(rate_from_row).transpose()
    }

    async fn fx_rates_published(&self, on_or_before: NaiveDate) -> StoreResult<Vec<PublishedRate>> {
        let rows = sqlx::query(B::FX_RATES_PUBLISHED)
            .bind(on_or_before)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(rate_from_row).collect()
    }

    async fn fx_coverage(&self) -> StoreResult<FxCoverage> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS rates, COUNT(DISTINCT currency) AS currencies, \
             MIN(rate_date) AS first_date, MAX(rate_date) AS last_date FROM fx_rates",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(FxCoverage {
            rates: row.try_get("rates").map_err(backend_error)?,
            currencies: row.try_get("currencies").map_err(backend_error)?,
            first_date: row.try_get("first_date").map_err(backend_error)?,
            last_date: row.try_get("last_date").map_err(backend_error)?,
        })
    }

    async fn newest_fx_date(&self) -> StoreResult<Option<NaiveDate>> {
        sqlx::query_scalar("SELECT MAX(rate_date) FROM fx_rates")
            .fetch_one(&self.pool)
            .await
            .map_err(backend_error)
    }

    async fn fx_rate_dates(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<NaiveDate>> {
        sqlx::query_scalar(
            "SELECT DISTINCT rate_date FROM fx_rates WHERE rate_date >= $1 AND rate_date <= $2 \
             ORDER BY rate_date",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)
    }

    async fn replace_market_rules(&self, rules: &[MarketRule]) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        sqlx::query("DELETE FROM market_rules")
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        for rule in rules {
            let body = serde_json::to_string(rule)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?;
            sqlx::query(
                "INSERT INTO market_rules \
                 (rule_id, version, country, kind, effective_from, effective_to, body) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&rule.id)
            .bind(i64::from(rule.version))
            .bind(rule.country.as_str())
            .bind(rule.kind())
            .bind(rule.effective_from)
            .bind(rule.effective_to)
            .bind(body)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(rules.len() as u64)
    }

    async fn market_rules(&self) -> StoreResult<Vec<MarketRule>> {
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM market_rules ORDER BY country, rule_id, version")
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
        bodies
            .iter()
            .map(|body| {
                serde_json::from_str(body)
                    .map_err(|error| StoreError::Corrupt(format!("market rule: {error}")))
            })
            .collect()
    }
}
