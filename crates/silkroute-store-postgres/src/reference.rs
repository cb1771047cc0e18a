//! FX rates and market rules on PostgreSQL.

use async_trait::async_trait;
use chrono::NaiveDate;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::PublishedRate;
use silkroute_domain::market::MarketRule;
use silkroute_store::rows::published_rate;
use silkroute_store::{FxCoverage, ReferenceStore, StoreError, StoreResult};
use sqlx::Row;

use crate::{PostgresStore, backend_error};

fn rate_from_row(row: &sqlx::postgres::PgRow) -> StoreResult<PublishedRate> {
    let currency: String = row.try_get("currency").map_err(backend_error)?;
    let date: NaiveDate = row.try_get("rate_date").map_err(backend_error)?;
    let per_eur: String = row.try_get("per_eur").map_err(backend_error)?;
    published_rate(&currency, date, &per_eur)
}

#[async_trait]
impl ReferenceStore for PostgresStore {
    async fn upsert_fx_rates(&self, rates: &[PublishedRate]) -> StoreResult<u64> {
        // One statement per batch: arrays unnested server-side instead of a round trip per row.
        let currencies: Vec<String> = rates
            .iter()
            .map(|r| r.currency.as_str().to_string())
            .collect();
        let dates: Vec<NaiveDate> = rates.iter().map(|r| r.date).collect();
        let values: Vec<String> = rates.iter().map(|r| r.per_eur.to_string()).collect();
        let result = sqlx::query(
            "INSERT INTO fx_rates (currency, rate_date, per_eur) \
             SELECT * FROM UNNEST($1::text[], $2::date[], $3::text[]::numeric[]) \
             ON CONFLICT (currency, rate_date) DO UPDATE SET per_eur = excluded.per_eur",
        )
        .bind(currencies)
        .bind(dates)
        .bind(values)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(result.rows_affected())
    }

    async fn latest_fx_rate(
        &self,
        currency: CurrencyCode,
        on_or_before: NaiveDate,
    ) -> StoreResult<Option<PublishedRate>> {
        let row = sqlx::query(
            "SELECT currency, rate_date, per_eur::text AS per_eur FROM fx_rates \
             WHERE currency = $1 AND rate_date <= $2 ORDER BY rate_date DESC LIMIT 1",
        )
        .bind(currency.as_str())
        .bind(on_or_before)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(rate_from_row).transpose()
    }

    async fn fx_rates_published(&self, on_or_before: NaiveDate) -> StoreResult<Vec<PublishedRate>> {
        let rows = sqlx::query(
            "SELECT currency, rate_date, per_eur::text AS per_eur FROM fx_rates WHERE rate_date = \
             (SELECT MAX(rate_date) FROM fx_rates WHERE rate_date <= $1) ORDER BY currency",
        )
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
