//! Warehouses and stock levels, as a seller manages them: receive goods, correct a count, see
//! what is on hand, reserved and available per warehouse. Orders reserve and release stock on
//! their own (see the store's checkout transaction).

use serde::Deserialize;
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{ProductId, SellerId, WarehouseId};
use silkroute_logistics::address::{PostalAddress, validate};
use silkroute_store::{StockAudit, StockLevel, StockMove, StockMoveOutcome, Warehouse};
use utoipa::ToSchema;

use crate::auth::new_ulid;
use crate::{App, AppError, AppResult, Principal};

const WAREHOUSE_KINDS: &[&str] = &["seller", "platform", "overseas_3pl", "bonded"];

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarehouseInput {
    pub name: String,
    pub country: String,
    /// `seller` (default), `platform`, `overseas_3pl` or `bonded`.
    pub kind: Option<String>,
    /// Admin only: the seller the warehouse belongs to.
    pub seller_id: Option<String>,
    /// Where parcels leave from and returns come back to, in `country`; checked against the
    /// country's address rules. A warehouse without one cannot print labels.
    pub address: Option<PostalAddress>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockMoveInput {
    pub product_id: String,
    pub warehouse_id: String,
    /// `receipt` (goods in, positive) or `adjust` (a count correction, either sign).
    pub kind: String,
    /// Units, not zero; at most 10,000,000 either way.
    #[schema(minimum = -10000000, maximum = 10000000)]
    pub quantity: i64,
}

impl App {
    /// The seller a caller manages stock for: its own, or the one an admin names.
    pub(crate) fn stock_owner(
        &self,
        principal: &Principal,
        seller_id: Option<&str>,
    ) -> AppResult<SellerId> {
        match (principal, seller_id) {
            (Principal::Seller { seller_id: own, .. }, None) => Ok(own.clone()),
            (Principal::Seller { seller_id: own, .. }, Some(asked)) if own.as_str() == asked => {
                Ok(own.clone())
            }
            (Principal::Admin { .. }, Some(asked)) => {
                SellerId::parse(asked).map_err(|e| AppError::field("seller_id", e.to_string()))
            }
            (Principal::Admin { .. }, None) => Err(AppError::field(
                "seller_id",
                "an admin must name the seller",
            )),
            (Principal::Seller { .. }, Some(_)) => Err(AppError::NotFound("seller")),
            (Principal::Buyer { .. }, _) => Err(AppError::Forbidden("buyers hold no stock")),
        }
    }

    pub async fn create_warehouse(
        &self,
        principal: &Principal,
        input: WarehouseInput,
    ) -> AppResult<Warehouse> {
        let seller_id = self.stock_owner(principal, input.seller_id.as_deref())?;
        let mut errors = silkroute_domain::validation::FieldErrors::new();
        let name = input.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 120 {
            errors.push("name", "must be 1–120 characters");
        }
        let country = errors.check("country", CountryCode::parse(&input.country));
        let kind = input.kind.unwrap_or_else(|| "seller".into());
        if !WAREHOUSE_KINDS.contains(&kind.as_str()) {
            errors.push(
                "kind",
                format!("must be one of {}", WAREHOUSE_KINDS.join(", ")),
            );
        }
        let address = match &input.address {
            None => None,
            Some(address) => match validate(address) {
                Err(problems) => {
                    for problem in problems.into_field_errors("address") {
                        errors.push(problem.field, problem.message);
                    }
                    None
                }
                Ok(valid) if Some(valid.country()) != country => {
                    errors.push("address.country", "must be the warehouse's country");
                    None
                }
                Ok(valid) => Some(valid.into_address()),
            },
        };
        let (Some(country), true) = (country, errors.is_empty()) else {
            return Err(AppError::Invalid(errors.into_vec()));
        };
        if self.store.get_seller(&seller_id).await?.is_none() {
            return Err(AppError::field("seller_id", "unknown seller"));
        }
        let warehouse = Warehouse {
            id: WarehouseId::new(new_ulid(self)),
            seller_id,
            name,
            country,
            kind,
            address,
            created_at: self.now(),
        };
        self.store.insert_warehouse(&warehouse).await?;
        Ok(warehouse)
    }

    pub async fn list_warehouses(
        &self,
        principal: &Principal,
        seller_id: Option<&str>,
    ) -> AppResult<Vec<Warehouse>> {
        let seller = self.stock_owner(principal, seller_id)?;
        Ok(self.store.list_warehouses(&seller).await?)
    }

    pub async fn move_stock(
        &self,
        principal: &Principal,
        input: StockMoveInput,
    ) -> AppResult<StockLevel> {
        let seller_id = self.stock_owner(principal, None)?;
        let mut errors = silkroute_domain::validation::FieldErrors::new();
        let product_id = errors.check("product_id", ProductId::parse(&input.product_id));
        let warehouse_id = errors.check("warehouse_id", WarehouseId::parse(&input.warehouse_id));
        let kind: &'static str = match input.kind.as_str() {
            "receipt" => "receipt",
            "adjust" => "adjust",
            _ => {
                errors.push("kind", "must be receipt or adjust");
                "receipt"
            }
        };
        if kind == "receipt" && input.quantity <= 0 {
            errors.push("quantity", "a receipt must be positive");
        }
        // `unsigned_abs`: the magnitude of i64::MIN does not fit an i64.
        if input.quantity == 0 || input.quantity.unsigned_abs() > 10_000_000 {
            errors.push("quantity", "must be non-zero and at most 10,000,000 units");
        }
        let (Some(product_id), Some(warehouse_id), true) =
            (product_id, warehouse_id, errors.is_empty())
        else {
            return Err(AppError::Invalid(errors.into_vec()));
        };
        let movement = StockMove {
            seller_id,
            product_id,
            warehouse_id,
            kind,
            quantity: input.quantity,
            movement_id: format!("mov_{}", new_ulid(self)),
            at: self.now(),
        };
        match self.store.move_stock(&movement).await? {
            StockMoveOutcome::Moved(level) => Ok(level),
            StockMoveOutcome::NotFound => Err(AppError::field(
                "product_id",
                "no such product in that warehouse of yours",
            )),
            StockMoveOutcome::Insufficient { on_hand, reserved } => {
                Err(AppError::Conflict(format!(
                    "on hand {on_hand}, reserved {reserved}: the adjustment would leave less than \
                 what orders hold"
                )))
            }
        }
    }

    pub async fn stock_levels(
        &self,
        principal: &Principal,
        seller_id: Option<&str>,
        product_id: Option<&str>,
    ) -> AppResult<Vec<StockLevel>> {
        let seller = self.stock_owner(principal, seller_id)?;
        let product = product_id
            .map(|id| {
                ProductId::parse(id).map_err(|e| AppError::field("product_id", e.to_string()))
            })
            .transpose()?;
        Ok(self.store.stock_levels(&seller, product.as_ref()).await?)
    }

    /// Platform-wide check that reserved stock equals what open orders hold (admin).
    pub async fn stock_audit(&self) -> AppResult<StockAudit> {
        Ok(self.store.stock_audit().await?)
    }
}
