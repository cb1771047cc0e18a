//! Sellers and buyers for both sqlx backends, written once:
//! the statements are the same in both dialects.

/// Expands to `impl PartyStore for $store` (the store must have a `pool` field).
#[macro_export]
macro_rules! party_store {
    (store: $store:ty, row: $row:ty) => {
        mod party_statements {
        use ::async_trait::async_trait;
        use ::silkroute_domain::ids::{BuyerId, SellerId};
        use ::silkroute_domain::party::{Buyer, Seller};
        use ::silkroute_store::rows::{BuyerRow, SellerRow};
        use ::silkroute_store::{Page, PageRequest, PartyStore, StoreResult};

        use $crate::backend_error;

        const SELLER_COLUMNS: &str = "seller_id, name, country, business_model, settlement_currency, \
                                      commission_bps, time_zone, created_at";

        fn seller_from_row(row: &$row) -> StoreResult<Seller> {
            $crate::seller(row)
        }

        fn buyer_from_row(row: &$row) -> StoreResult<Buyer> {
            $crate::buyer(row)
        }

        #[async_trait]
        impl PartyStore for $store {
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

        }
    };
}
