//! The warehouse floor between a paid order and the carrier's van: the pick list (what to fetch,
//! batched across orders), pack verification (the scans must match the parcel's items), and the
//! hand-over manifest under which the carrier takes the labelled parcels. The warehouse's seller
//! and admins do all of it; anyone else gets a 404, as if the warehouse did not exist.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use silkroute_domain::ids::{ManifestId, ProductId, SellerId, WarehouseId};
use silkroute_domain::validation::FieldError;
use silkroute_logistics::manifest::{Manifest, ManifestParcel, ManifestSheet, csv_row};
use silkroute_logistics::pack_check::{PackUnit, check_scans};
use silkroute_logistics::pick_list::{PickRow, batch};
use silkroute_logistics::shipment::{Shipment, ShipmentStatus};
use silkroute_store::{NewHandOver, OrderScope, Warehouse};
use utoipa::ToSchema;

use crate::auth::new_ulid;
use crate::orders::order_scope;
use crate::{App, AppError, AppResult, Principal};

/// The units waiting at one warehouse, one row per product in pick-path order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PickList {
    #[schema(value_type = String)]
    pub warehouse_id: WarehouseId,
    pub generated_at: DateTime<Utc>,
    /// Every unit on the list.
    pub total_units: i64,
    pub rows: Vec<PickRow>,
}

/// `POST /shipments/{id}/pack`: the barcodes scanned off the units put in the parcel.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackRequest {
    /// One GTIN per unit, in the order scanned.
    pub scans: Vec<String>,
}

/// `POST /warehouses/{id}/manifests`: whose parcels the collecting carrier takes.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestRequest {
    /// Only this carrier's parcels (`carrier` of the shipments); every carrier's when omitted.
    pub carrier: Option<String>,
}

impl PickList {
    /// The list as CSV, one row per product; `orders` reads `ord_…:2;ord_…:1`.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from("sku,gtin,title,quantity,orders\r\n");
        for row in &self.rows {
            let orders: Vec<String> = row
                .orders
                .iter()
                .map(|order| format!("{}:{}", order.order_id, order.quantity))
                .collect();
            csv.push_str(&csv_row(&[
                row.sku.clone(),
                row.gtin.clone().unwrap_or_default(),
                row.title.clone(),
                row.quantity.to_string(),
                orders.join(";"),
            ]));
        }
        csv
    }
}

impl App {
    pub async fn pick_list(
        &self,
        principal: &Principal,
        warehouse_id: &str,
    ) -> AppResult<PickList> {
        let warehouse = self.own_warehouse(principal, warehouse_id).await?;
        let demand = self
            .store
            .pick_demand(&warehouse.seller_id, &warehouse.id)
            .await?;
        let rows = batch(&demand);
        Ok(PickList {
            warehouse_id: warehouse.id,
            generated_at: self.now(),
            total_units: rows.iter().map(|row| row.quantity).sum(),
            rows,
        })
    }

    /// Records the parcel as packed when the scans match its items exactly; else a 422 at the
    /// scan that does not belong (`scans[i]`) or naming what is still missing (`scans`), with
    /// nothing written.
    pub async fn pack_shipment(
        &self,
        principal: &Principal,
        id: &str,
        request: PackRequest,
    ) -> AppResult<Shipment> {
        let shipment = self.get_shipment(principal, id).await?;
        if matches!(principal, Principal::Buyer { .. }) {
            return Err(AppError::Forbidden("packing is the seller's"));
        }
        if shipment.status != ShipmentStatus::Created {
            return Err(AppError::Conflict(format!(
                "shipment {} is {}: only a parcel still with us is packed",
                shipment.id,
                shipment.status.as_str()
            )));
        }
        let expected = self.pack_units(&shipment).await?;
        let problems = check_scans(&expected, &request.scans);
        if !problems.is_empty() {
            return Err(AppError::Invalid(
                problems
                    .into_iter()
                    .map(|problem| FieldError::new(problem.field, problem.message))
                    .collect(),
            ));
        }
        self.store
            .mark_packed(&shipment.seller_id, &shipment.id, self.now())
            .await?
            .ok_or_else(|| {
                AppError::Conflict(
                    "the shipment changed meanwhile (handed over or voided); reload it".into(),
                )
            })
    }

    /// Hands every labelled parcel of the warehouse (of one carrier, when named) to the carrier
    /// under one manifest. Parcels not verified by a packing scan go too: the scan is a check
    /// the seller may skip, and the manifest marks them. Nothing to hand over is a 409.
    pub async fn create_manifest(
        &self,
        principal: &Principal,
        warehouse_id: &str,
        request: ManifestRequest,
    ) -> AppResult<Manifest> {
        let warehouse = self.own_warehouse(principal, warehouse_id).await?;
        let carrier = match request.carrier.as_deref().map(str::trim) {
            None => None,
            Some("") => return Err(AppError::field("carrier", "must not be empty")),
            Some(carrier) => Some(carrier.to_owned()),
        };
        let hand_over = NewHandOver {
            id: ManifestId::new(new_ulid(self)),
            seller_id: warehouse.seller_id.clone(),
            warehouse_id: warehouse.id.clone(),
            carrier: carrier.clone(),
            at: self.now(),
        };
        self.store.hand_over(&hand_over).await?.ok_or_else(|| {
            AppError::Conflict(match carrier {
                Some(carrier) => format!(
                    "warehouse {} has no labelled parcel of carrier {carrier} waiting",
                    warehouse.id
                ),
                None => format!("warehouse {} has no labelled parcel waiting", warehouse.id),
            })
        })
    }

    pub async fn get_manifest(&self, principal: &Principal, id: &str) -> AppResult<Manifest> {
        let id = ManifestId::parse(id).map_err(|_| AppError::NotFound("manifest"))?;
        self.store
            .get_manifest(&order_scope(principal), &id)
            .await?
            .ok_or(AppError::NotFound("manifest"))
    }

    /// The manifest with its warehouse and parcels, as printed (PDF) and exported (CSV).
    pub async fn manifest_sheet(
        &self,
        principal: &Principal,
        id: &str,
    ) -> AppResult<ManifestSheet> {
        let manifest = self.get_manifest(principal, id).await?;
        let warehouse = self
            .warehouse_of(&manifest.seller_id, &manifest.warehouse_id)
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!("manifest {}'s warehouse is missing", manifest.id))
            })?;
        let scope = OrderScope::Seller(manifest.seller_id.clone());
        let mut parcels = Vec::with_capacity(manifest.shipment_ids.len());
        for shipment_id in &manifest.shipment_ids {
            let shipment = self
                .store
                .get_shipment(&scope, shipment_id)
                .await?
                .ok_or_else(|| {
                    AppError::Internal(format!("manifest shipment {shipment_id} is missing"))
                })?;
            parcels.push(ManifestParcel::of(&shipment));
        }
        Ok(ManifestSheet {
            manifest,
            warehouse_name: warehouse.name,
            warehouse_address: warehouse.address,
            parcels,
        })
    }

    pub async fn manifest_pdf(&self, principal: &Principal, id: &str) -> AppResult<Vec<u8>> {
        let sheet = self.manifest_sheet(principal, id).await?;
        Ok(silkroute_documents::manifest_pdf(&sheet))
    }

    /// The warehouse, for its seller or an admin; a 404 for anyone else.
    pub async fn own_warehouse(&self, principal: &Principal, id: &str) -> AppResult<Warehouse> {
        let id = WarehouseId::parse(id).map_err(|_| AppError::NotFound("warehouse"))?;
        let seller = self
            .store
            .warehouse_seller(&id)
            .await?
            .ok_or(AppError::NotFound("warehouse"))?;
        let allowed = match principal {
            Principal::Admin { .. } => true,
            Principal::Seller { seller_id, .. } => *seller_id == seller,
            Principal::Buyer { .. } => false,
        };
        if !allowed {
            return Err(AppError::NotFound("warehouse"));
        }
        self.warehouse_of(&seller, &id)
            .await?
            .ok_or(AppError::NotFound("warehouse"))
    }

    async fn warehouse_of(
        &self,
        seller: &SellerId,
        id: &WarehouseId,
    ) -> AppResult<Option<Warehouse>> {
        Ok(self
            .store
            .list_warehouses(seller)
            .await?
            .into_iter()
            .find(|warehouse| warehouse.id == *id))
    }

    /// What the parcel must hold, per product: its items' units with the products' GTINs.
    async fn pack_units(&self, shipment: &Shipment) -> AppResult<Vec<PackUnit>> {
        let order = self
            .store
            .get_order(
                &OrderScope::Seller(shipment.seller_id.clone()),
                &shipment.order_id,
            )
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!("shipment {}'s order is missing", shipment.id))
            })?;
        let mut units: Vec<(ProductId, PackUnit)> = Vec::new();
        for item in &shipment.items {
            let line = order
                .lines
                .iter()
                .find(|line| line.line_no == item.line_no)
                .ok_or_else(|| {
                    AppError::Internal(format!("order line {} is missing", item.line_no))
                })?;
            match units.iter_mut().find(|(id, _)| *id == line.product_id) {
                Some((_, unit)) => unit.quantity += item.quantity,
                None => units.push((
                    line.product_id.clone(),
                    PackUnit {
                        sku: line.sku.clone(),
                        gtin: None,
                        quantity: item.quantity,
                    },
                )),
            }
        }
        let ids: Vec<ProductId> = units.iter().map(|(id, _)| id.clone()).collect();
        let products = self.store.get_products(&shipment.seller_id, &ids).await?;
        Ok(units
            .into_iter()
            .map(|(id, mut unit)| {
                unit.gtin = products
                    .iter()
                    .find(|product| product.id == id)
                    .and_then(|product| product.gtin.clone());
                unit
            })
            .collect())
    }
}
