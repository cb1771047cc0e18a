//! The pick list: what a picker fetches from the shelves of one warehouse for the orders waiting
//! there, batched across orders so each product is walked to once, with the orders each unit
//! serves (for sorting into parcels at the packing bench).

use serde::Serialize;
use silkroute_domain::ids::{OrderId, ProductId};
use utoipa::ToSchema;

/// Units of one order line still to pick: allocated to the warehouse, in no live shipment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickDemand {
    pub order_id: OrderId,
    pub product_id: ProductId,
    pub sku: String,
    pub gtin: Option<String>,
    pub title: String,
    pub quantity: i64,
}

/// How many units of a pick-list row go to one order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct PickOrder {
    #[schema(value_type = String)]
    pub order_id: OrderId,
    pub quantity: i64,
}

/// One stop on the pick path: a product and every unit of it to fetch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct PickRow {
    #[schema(value_type = String)]
    pub product_id: ProductId,
    pub sku: String,
    pub gtin: Option<String>,
    pub title: String,
    /// Units to pick: the sum over `orders`.
    pub quantity: i64,
    /// The orders these units serve, oldest order id first.
    pub orders: Vec<PickOrder>,
}

/// Batches `demand` into one row per product, in pick-path order. There are no bin locations
/// yet, so the path is the SKU order: sellers tend to give neighbouring shelves neighbouring
/// SKUs, and a stable order at least lets a picker learn the walk. Lines of nothing are left out.
pub fn batch(demand: &[PickDemand]) -> Vec<PickRow> {
    let mut rows: Vec<PickRow> = Vec::new();
    for line in demand.iter().filter(|line| line.quantity > 0) {
        let row = match rows
            .iter_mut()
            .find(|row| row.product_id == line.product_id)
        {
            Some(row) => row,
            None => {
                rows.push(PickRow {
                    product_id: line.product_id.clone(),
                    sku: line.sku.clone(),
                    gtin: line.gtin.clone(),
                    title: line.title.clone(),
                    quantity: 0,
                    orders: Vec::new(),
                });
                let last = rows.len() - 1;
                &mut rows[last]
            }
        };
        row.quantity += line.quantity;
        match row.orders.iter_mut().find(|o| o.order_id == line.order_id) {
            Some(order) => order.quantity += line.quantity,
            None => row.orders.push(PickOrder {
                order_id: line.order_id.clone(),
                quantity: line.quantity,
            }),
        }
    }
    for row in &mut rows {
        row.orders
            .sort_by(|a, b| a.order_id.as_str().cmp(b.order_id.as_str()));
    }
    rows.sort_by(|a, b| {
        a.sku
            .cmp(&b.sku)
            .then_with(|| a.product_id.as_str().cmp(b.product_id.as_str()))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand(order: &str, product: &str, sku: &str, quantity: i64) -> PickDemand {
        PickDemand {
            order_id: OrderId::parse(order).expect("order id"),
            product_id: ProductId::parse(product).expect("product id"),
            sku: sku.into(),
            gtin: None,
            title: format!("title of {sku}"),
            quantity,
        }
    }

    const ORDER_A: &str = "ord_01JD0000000000000000000001";
    const ORDER_B: &str = "ord_01JD0000000000000000000002";
    const TEE: &str = "prd_01JD0000000000000000000001";
    const MUG: &str = "prd_01JD0000000000000000000002";

    #[test]
    fn one_row_per_product_summed_across_orders_in_sku_order() {
        let rows = batch(&[
            demand(ORDER_B, TEE, "TEE-1", 2),
            demand(ORDER_A, MUG, "MUG-9", 1),
            demand(ORDER_A, TEE, "TEE-1", 3),
            demand(ORDER_A, TEE, "TEE-1", 1),
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].sku, "MUG-9");
        assert_eq!(rows[1].sku, "TEE-1");
        assert_eq!(rows[1].quantity, 6);
        let orders: Vec<(&str, i64)> = rows[1]
            .orders
            .iter()
            .map(|o| (o.order_id.as_str(), o.quantity))
            .collect();
        assert_eq!(orders, vec![(ORDER_A, 4), (ORDER_B, 2)]);
    }

    #[test]
    fn nothing_to_pick_is_an_empty_list() {
        assert!(batch(&[]).is_empty());
        assert!(batch(&[demand(ORDER_A, TEE, "TEE-1", 0)]).is_empty());
    }
}
