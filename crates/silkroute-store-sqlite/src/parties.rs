//! Sellers and buyers on SQLite.

use async_trait::async_trait;
use silkroute_domain::ids::{BuyerId, SellerId};
use silkroute_domain::party::{Buyer, Seller};
use silkroute_store::rows::{BuyerRow, SellerRow};
use silkroute_store::{Page, PageRequest, PartyStore, StoreResult};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::{SqliteStore, backend_error};

const SELLER_COLUMNS: &str = "seller_id, name, country, business_model, settlement_currency, \
                              commission_bps, time_zone, created_at";

fn seller_from_row(row: &SqliteRow) -> StoreResult<Seller> {
    SellerRow {
        seller_id: row.try_get("seller_id").map_err(backend_error)?,
        name: row.try_get("name").map_err(backend_error)?,
        country: row.try_get("country").map_err(backend_error)?,
        business_model: row.try_get("business_model").map_err(backend_error)?,
        settlement_currency: row.try_get("settlement_currency").map_err(backend_error)?,
        commission_bps: row.try_get("commission_bps").map_err(backend_error)?,
        time_zone: row.try_get("time_zone").map_err(backend_error)?,
        created_at: row.try_get("created_at").map_err(backend_error)?,
    }
    .into_seller()
}

fn buyer_from_row(row: &SqliteRow) -> StoreResult<Buyer> {
    BuyerRow {
        buyer_id: row.try_get("buyer_id").map_err(backend_error)?,
        name: row.try_get("name").map_err(backend_error)?,
        country: row.try_get("country").map_err(backend_error)?,
        kind: row.try_get("kind").map_err(backend_error)?,
        vat_id: row.try_get("vat_id").map_err(backend_error)?,
        created_at: row.try_get("created_at").map_err(backend_error)?,
    }
    .into_buyer()
}

#[async_trait]
impl PartyStore for SqliteStore {
    async fn insert_sellers(&self, sellers: &[Seller]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        for seller in sellers {
            let row = SellerRow::from_seller(seller);
            sqlx::query(
                "INSERT INTO sellers (seller_id, name, country, business_model, \
                 settlement_currency, commission_bps, time_zone, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(row.seller_id)
            .bind(row.name)
            .bind(row.country)
            .bind(row.business_model)
            .bind(row.settlement_currency)
            .bind(row.commission_bps)
            .bind(row.time_zone)
            .bind(row.created_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)
    }

    async fn get_seller(&self, id: &SellerId) -> StoreResult<Option<Seller>> {
        let sql = format!("SELECT {SELLER_COLUMNS} FROM sellers WHERE seller_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(seller_from_row).transpose()
    }

    async fn list_sellers(&self, page: &PageRequest) -> StoreResult<Page<Seller>> {
        let sql = format!(
            "SELECT {SELLER_COLUMNS} FROM sellers WHERE seller_id > $1 ORDER BY seller_id LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(page.after.clone().unwrap_or_default())
            .bind(i64::from(page.limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let sellers = rows
            .iter()
            .map(seller_from_row)
            .collect::<StoreResult<_>>()?;
        Ok(Page::from_rows(sellers, page.limit, |seller: &Seller| {
            seller.id.to_string()
        }))
    }

    async fn insert_buyers(&self, buyers: &[Buyer]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        for buyer in buyers {
            let row = BuyerRow::from_buyer(buyer);
            sqlx::query(
                "INSERT INTO buyers (buyer_id, name, country, kind, vat_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(row.buyer_id)
            .bind(row.name)
            .bind(row.country)
            .bind(row.kind)
            .bind(row.vat_id)
            .bind(row.created_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)
    }

    async fn get_buyer(&self, id: &BuyerId) -> StoreResult<Option<Buyer>> {
        let row = sqlx::query(
            "SELECT buyer_id, name, country, kind, vat_id, created_at FROM buyers \
             WHERE buyer_id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.as_ref().map(buyer_from_row).transpose()
    }

    async fn list_buyers(&self, page: &PageRequest) -> StoreResult<Page<Buyer>> {
        let rows = sqlx::query(
            "SELECT buyer_id, name, country, kind, vat_id, created_at FROM buyers \
             WHERE buyer_id > $1 ORDER BY buyer_id LIMIT $2",
        )
        .bind(page.after.clone().unwrap_or_default())
        .bind(i64::from(page.limit) + 1)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let buyers = rows
            .iter()
            .map(buyer_from_row)
            .collect::<StoreResult<_>>()?;
        Ok(Page::from_rows(buyers, page.limit, |buyer: &Buyer| {
            buyer.id.to_string()
        }))
    }
}
