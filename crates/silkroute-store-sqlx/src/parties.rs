//! Sellers and buyers: the statements are the same in both dialects.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::ids::{BuyerId, SellerId};
use silkroute_domain::party::{Buyer, Seller};
use silkroute_store::rows::{BuyerRow, SellerRow};
use silkroute_store::{Page, PageRequest, PartyStore, StoreResult};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

use crate::{Backend, SqlxStore, backend_error};

const SELLER_COLUMNS: &str = "seller_id, name, country, business_model, settlement_currency, \
                              commission_bps, time_zone, created_at";

#[async_trait]
impl<B: Backend> PartyStore for SqlxStore<B>
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
        row.as_ref().map(crate::seller).transpose()
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
        let sellers = rows.iter().map(crate::seller).collect::<StoreResult<_>>()?;
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
        row.as_ref().map(crate::buyer).transpose()
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
        let buyers = rows.iter().map(crate::buyer).collect::<StoreResult<_>>()?;
        Ok(Page::from_rows(buyers, page.limit, |buyer: &Buyer| {
            buyer.id.to_string()
        }))
    }
}
