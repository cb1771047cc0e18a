//! Products. Every seller-scoped statement carries `seller_id` in its `WHERE` clause; the
//! listing puts only the filters in use into the text, because a catch-all `($2 IS NULL OR …)`
//! makes PostgreSQL's generic plan scan and sort the table instead of walking the id index.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use silkroute_domain::catalog::Product;
use silkroute_domain::ids::{ProductId, SellerId};
use silkroute_store::rows::ProductRow;
use silkroute_store::{CatalogStore, Page, PageRequest, ProductFilter, StoreResult};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, QueryBuilder, Type};

use crate::{Backend, SqlxStore, backend_error};

const PRODUCT_COLUMNS: &str = "seller_id, product_id, sku, titles, category, hs_code, \
    origin_country, weight_g, length_mm, width_mm, height_mm, gtin, currency, base_price_minor, \
    unit_cost_minor, moq, tier_prices, market_prices, status, created_at, updated_at";

#[async_trait]
impl<B: Backend> CatalogStore for SqlxStore<B>
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
    async fn insert_products(&self, products: &[Product]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend_error)?;
        for product in products {
            let row = ProductRow::from_product(product)?;
            sqlx::query(
                "INSERT INTO products (seller_id, product_id, sku, titles, category, hs_code, \
                 origin_country, weight_g, length_mm, width_mm, height_mm, gtin, currency, \
                 base_price_minor, unit_cost_minor, moq, tier_prices, market_prices, status, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
                 $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
            )
            .bind(row.seller_id)
            .bind(row.product_id)
            .bind(row.sku)
            .bind(row.titles)
            .bind(row.category)
            .bind(row.hs_code)
            .bind(row.origin_country)
            .bind(row.weight_g)
            .bind(row.length_mm)
            .bind(row.width_mm)
            .bind(row.height_mm)
            .bind(row.gtin)
            .bind(row.currency)
            .bind(row.base_price_minor)
            .bind(row.unit_cost_minor)
            .bind(row.moq)
            .bind(row.tier_prices)
            .bind(row.market_prices)
            .bind(row.status)
            .bind(row.created_at)
            .bind(row.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        tx.commit().await.map_err(backend_error)
    }

    async fn update_product(&self, product: &Product) -> StoreResult<bool> {
        let row = ProductRow::from_product(product)?;
        let result = sqlx::query(
            "UPDATE products SET sku = $3, titles = $4, category = $5, hs_code = $6, \
             origin_country = $7, weight_g = $8, length_mm = $9, width_mm = $10, \
             height_mm = $11, gtin = $12, currency = $13, base_price_minor = $14, \
             unit_cost_minor = $15, moq = $16, tier_prices = $17, market_prices = $18, \
             status = $19, updated_at = $20 WHERE seller_id = $1 AND product_id = $2",
        )
        .bind(row.seller_id)
        .bind(row.product_id)
        .bind(row.sku)
        .bind(row.titles)
        .bind(row.category)
        .bind(row.hs_code)
        .bind(row.origin_country)
        .bind(row.weight_g)
        .bind(row.length_mm)
        .bind(row.width_mm)
        .bind(row.height_mm)
        .bind(row.gtin)
        .bind(row.currency)
        .bind(row.base_price_minor)
        .bind(row.unit_cost_minor)
        .bind(row.moq)
        .bind(row.tier_prices)
        .bind(row.market_prices)
        .bind(row.status)
        .bind(row.updated_at)
        .execute(&self.pool)
        .await
        .map_err(backend_error)?;
        Ok(B::rows_affected(&result) == 1)
    }

    async fn get_product(
        &self,
        seller: Option<&SellerId>,
        id: &ProductId,
    ) -> StoreResult<Option<Product>> {
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE product_id = $1 \
             AND (CAST($2 AS TEXT) IS NULL OR seller_id = $2)"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.as_str())
            .bind(seller.map(|seller| seller.as_str()))
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(crate::product).transpose()
    }

    async fn get_products(
        &self,
        seller: &SellerId,
        ids: &[ProductId],
    ) -> StoreResult<Vec<Product>> {
        let mut products = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut query: QueryBuilder<B::Db> = QueryBuilder::new(format!(
                "SELECT {PRODUCT_COLUMNS} FROM products WHERE seller_id = "
            ));
            query.push_bind(seller.as_str());
            query.push(" AND product_id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(id.as_str());
            }
            list.push_unseparated(") ORDER BY product_id");
            let rows = query
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
            for row in &rows {
                products.push(crate::product(row)?);
            }
        }
        Ok(products)
    }

    async fn list_products(
        &self,
        filter: &ProductFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Product>> {
        // Only the filters in use (see the module comment).
        let mut conditions = String::from("product_id > $1");
        if filter.seller_id.is_some() {
            conditions.push_str(" AND seller_id = $2");
        } else {
            conditions.push_str(" AND CAST($2 AS TEXT) IS NULL");
        }
        if filter.category.is_some() {
            conditions.push_str(" AND category = $3");
        } else {
            conditions.push_str(" AND CAST($3 AS TEXT) IS NULL");
        }
        if filter.active_only {
            conditions.push_str(" AND status = 'active' AND $4");
        } else {
            conditions.push_str(" AND NOT $4");
        }
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE {conditions} \
             ORDER BY product_id LIMIT $5"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(page.after.clone().unwrap_or_default())
            .bind(filter.seller_id.as_ref().map(|seller| seller.as_str()))
            .bind(filter.category.as_deref())
            .bind(filter.active_only)
            .bind(i64::from(page.limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        let products = rows
            .iter()
            .map(crate::product)
            .collect::<StoreResult<_>>()?;
        Ok(Page::from_rows(
            products,
            page.limit,
            |product: &Product| product.id.to_string(),
        ))
    }
}
