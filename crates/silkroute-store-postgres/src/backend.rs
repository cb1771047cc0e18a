//! What PostgreSQL does its own way: order snapshots as JSON text (PostgreSQL compresses it
//! itself once it is over 2 KB: TOAST), each checkout and quote in its own transaction
//! (PostgreSQL's WAL writer already groups concurrent commits into one flush), FX rates
//! bulk-loaded with `UNNEST` into `NUMERIC`, and `ANALYZE` after bulk loads.

use chrono::NaiveDate;
use silkroute_domain::checkout::OrderSnapshot;
use silkroute_domain::fx::PublishedRate;
use silkroute_store::{CheckoutPlacement, PlacementOutcome, StoreResult, StoredQuote};
use silkroute_store_sqlx::{Backend, backend_error};
use sqlx::migrate::Migrator;
use sqlx::postgres::PgQueryResult;
use sqlx::{PgPool, Postgres};

use crate::PostgresStore;

#[derive(Clone, Copy, Debug, Default)]
pub struct PostgresBackend;

impl Backend for PostgresBackend {
    type Db = Postgres;
    type Snapshot = String;

    const NAME: &'static str = "postgres";
    /// Under the protocol's 65,535 parameters per statement.
    const MAX_VARIABLES: usize = 60_000;
    // The rate is NUMERIC here: read back as its exact decimal text.
    const LATEST_FX_RATE: &'static str = "SELECT currency, rate_date, per_eur::text AS per_eur \
        FROM fx_rates WHERE currency = $1 AND rate_date <= $2 ORDER BY rate_date DESC LIMIT 1";
    const FX_RATES_PUBLISHED: &'static str = "SELECT currency, rate_date, per_eur::text AS per_eur \
        FROM fx_rates WHERE rate_date = \
        (SELECT MAX(rate_date) FROM fx_rates WHERE rate_date <= $1) ORDER BY currency";

    fn migrator() -> &'static Migrator {
        &crate::MIGRATOR
    }

    async fn migrations_table_exists(&self, pool: &PgPool) -> StoreResult<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations')",
        )
        .fetch_one(pool)
        .await
        .map_err(backend_error)
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    fn snapshot_column(snapshot: &OrderSnapshot) -> StoreResult<String> {
        silkroute_store_sqlx::to_json(snapshot)
    }

    async fn commit_quote(&self, pool: &PgPool, quote: &StoredQuote) -> StoreResult<()> {
        let mut tx = pool.begin().await.map_err(backend_error)?;
        PostgresStore::insert_quote_in_transaction(&mut tx, quote).await?;
        tx.commit().await.map_err(backend_error)
    }

    async fn commit_checkout(
        &self,
        pool: &PgPool,
        placement: &CheckoutPlacement,
    ) -> StoreResult<PlacementOutcome> {
        let mut tx = pool.begin().await.map_err(backend_error)?;
        let outcome = PostgresStore::place_in_transaction(&mut tx, placement).await?;
        // A refusal wrote nothing; committing it or not is the same, but say what is meant.
        if matches!(outcome, PlacementOutcome::Placed(_)) {
            tx.commit().await.map_err(backend_error)?;
        } else {
            tx.rollback().await.map_err(backend_error)?;
        }
        Ok(outcome)
    }

    async fn upsert_fx_rates(&self, pool: &PgPool, rates: &[PublishedRate]) -> StoreResult<u64> {
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
        .execute(pool)
        .await
        .map_err(backend_error)?;
        Ok(result.rows_affected())
    }

    async fn refresh_planner_statistics(&self, pool: &PgPool) -> StoreResult<()> {
        // Named, so that only this store's schema is sampled (tests share a database).
        sqlx::query(
            "ANALYZE orders, order_lines, order_events, payments, refunds, order_returns, \
             storefront_events, imported_orders, stock_levels, rollup_sales, rollup_traffic, \
             rollup_visitors, rollup_buyers, rollup_products, rollup_keywords, \
             rollup_categories, rollup_category_visitors, rollup_keyword_searchers, \
             rollup_recency",
        )
        .execute(pool)
        .await
        .map_err(backend_error)?;
        Ok(())
    }
}
