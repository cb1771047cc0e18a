//! Labelling units of a paid order: what is left to ship, the warehouse they leave from, the
//! parcel, the declaration its border and value call for, a number from the carrier, and the
//! write — shipment, tracking counter and, for the last units, the order's move to `shipped` —
//! in one store transaction, retried when a concurrent label got there first.

use silkroute_domain::fx::PublishedRate;
use silkroute_domain::ids::ShipmentId;
use silkroute_domain::money::Money;
use silkroute_domain::order::{OrderAction, OrderStatus};
use silkroute_domain::validation::FieldError;
use silkroute_logistics::address::ValidAddress;
use silkroute_logistics::sdr::{SdrConversion, value_sdr};
use silkroute_logistics::shipment::carrier::{
    Carrier, CarrierError, CarrierShipmentRequest, TEST_CARRIER, TestCarrier,
};
use silkroute_logistics::shipment::{
    ParcelSpec, Shipment, ShipmentItem, ShipmentStatus, check_items, check_parcel,
    crosses_customs_border, declaration_for, unshipped,
};
use silkroute_logistics::tracking_number::S10Range;
use silkroute_store::{NewShipment, OrderRecord, ShipmentInsert, Warehouse};

use super::ShipmentRequest;
use crate::auth::new_ulid;
use crate::{App, AppError, AppResult, Principal};

/// How often a label is tried again when a concurrent one took its number or units first.
const ATTEMPTS: usize = 5;

/// What the checks decided, ready to number and write.
struct Plan {
    order: OrderRecord,
    items: Vec<ShipmentItem>,
    warehouse: Warehouse,
    ship_from: ValidAddress,
    ship_to: ValidAddress,
    parcel: ParcelSpec,
    service_id: String,
    service_name: String,
    contents_value: Money,
    contents: Option<SdrConversion>,
}

impl App {
    /// Labels units of an order (its seller or an admin): 201 with the shipment. When the
    /// shipment holds the order's last unshipped units, the order is `shipped` with it.
    pub async fn create_shipment(
        &self,
        principal: &Principal,
        order_id: &str,
        request: ShipmentRequest,
    ) -> AppResult<Shipment> {
        if matches!(principal, Principal::Buyer { .. }) {
            return Err(AppError::Forbidden(
                "shipments are made by the order's seller",
            ));
        }
        for _ in 0..ATTEMPTS {
            let order = self.order_for(principal, order_id).await?;
            let plan = self.plan_shipment(order, &request).await?;
            // Whatever got there first (a number, the units, the order's status), planning
            // again from what is stored now either labels or says why not.
            if let Ok(shipment) = self.write_shipment(principal, plan).await? {
                return Ok(shipment);
            }
        }
        Err(AppError::Conflict(
            "other labels for this order or carrier kept getting there first; try again".into(),
        ))
    }

    async fn plan_shipment(
        &self,
        order: OrderRecord,
        request: &ShipmentRequest,
    ) -> AppResult<Plan> {
        let mut errors = Vec::new();
        if !matches!(order.status, OrderStatus::Paid | OrderStatus::Fulfilling) {
            errors.push(FieldError::new(
                "order_id",
                format!(
                    "the order is {}; only paid orders and orders being fulfilled ship",
                    order.status.as_str()
                ),
            ));
        }
        let ship_to = match order.ship_to.clone().map(ValidAddress::try_from) {
            Some(Ok(address)) => Some(address),
            Some(Err(_)) | None => {
                errors.push(FieldError::new(
                    "ship_to",
                    "the order has no valid ship-to address (it was placed without one)",
                ));
                None
            }
        };
        let shipped: Vec<ShipmentItem> = self
            .store
            .order_shipments(&order.seller_id, &order.id)
            .await?
            .into_iter()
            .filter(|shipment| shipment.status != ShipmentStatus::Cancelled)
            .flat_map(|shipment| shipment.items)
            .collect();
        let ordered: Vec<ShipmentItem> = order
            .lines
            .iter()
            .map(|line| ShipmentItem {
                line_no: line.line_no,
                quantity: line.quantity,
            })
            .collect();
        let left = unshipped(&ordered, &shipped);
        let items = request.items.clone().unwrap_or_else(|| left.clone());
        for problem in check_items(&items, &left) {
            let field = match problem.index {
                Some(index) => format!("items[{index}].{}", problem.field),
                None => "items".to_string(),
            };
            errors.push(FieldError::new(field, problem.message));
        }
        let warehouse = self
            .ship_from_warehouse(&order, &items, &mut errors)
            .await?;
        let ship_from = warehouse.as_ref().and_then(|warehouse| {
            match warehouse.address.clone().map(ValidAddress::try_from) {
                Some(Ok(address)) => Some(address),
                _ => {
                    errors.push(FieldError::new(
                        "ship_from",
                        format!(
                            "warehouse {} has no valid address to ship from; set one first",
                            warehouse.id
                        ),
                    ));
                    None
                }
            }
        });
        let (service_id, service_name) = self.shipment_service(&order, request, &mut errors)?;
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let goods = goods_of(&order, &items)?;
        let parcel = request.parcel.unwrap_or(ParcelSpec {
            weight_g: goods.net_weight_g,
            length_mm: None,
            width_mm: None,
            height_mm: None,
        });
        let mut parcel_errors: Vec<FieldError> = check_parcel(&parcel)
            .into_iter()
            .map(|problem| FieldError::new(format!("parcel.{}", problem.field), problem.message))
            .collect();
        if parcel.weight_g < goods.net_weight_g {
            parcel_errors.push(FieldError::new(
                "parcel.weight_g",
                format!(
                    "the goods alone weigh {} g: a parcel cannot weigh less",
                    goods.net_weight_g
                ),
            ));
        }
        if !parcel_errors.is_empty() {
            return Err(AppError::Invalid(parcel_errors));
        }
        let (Some(warehouse), Some(ship_from), Some(ship_to)) = (warehouse, ship_from, ship_to)
        else {
            return Err(AppError::Internal(
                "a checked shipment lost an address".into(),
            ));
        };
        let contents = if crosses_customs_border(ship_from.country(), ship_to.country()) {
            Some(self.in_sdr(goods.value).await?)
        } else {
            None
        };
        Ok(Plan {
            order,
            items,
            warehouse,
            ship_from,
            ship_to,
            parcel,
            service_id,
            service_name,
            contents_value: goods.value,
            contents,
        })
    }

    /// The one warehouse the items leave from.
    async fn ship_from_warehouse(
        &self,
        order: &OrderRecord,
        items: &[ShipmentItem],
        errors: &mut Vec<FieldError>,
    ) -> AppResult<Option<Warehouse>> {
        let mut ids: Vec<_> = order
            .lines
            .iter()
            .filter(|line| items.iter().any(|item| item.line_no == line.line_no))
            .map(|line| line.warehouse_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        let id = match ids.as_slice() {
            [] => return Ok(None),
            [Some(id)] => id.clone(),
            [None] => {
                errors.push(FieldError::new(
                    "items",
                    "these lines hold no stock in a warehouse to ship from",
                ));
                return Ok(None);
            }
            _ => {
                errors.push(FieldError::new(
                    "items",
                    "these lines leave from different warehouses: label each warehouse's lines \
                     in a shipment of its own",
                ));
                return Ok(None);
            }
        };
        let warehouse = self
            .store
            .list_warehouses(&order.seller_id)
            .await?
            .into_iter()
            .find(|warehouse| warehouse.id == id)
            .ok_or_else(|| AppError::Internal(format!("order line warehouse {id} is missing")))?;
        Ok(Some(warehouse))
    }

    /// The service: the one chosen at checkout, or another in force today.
    fn shipment_service(
        &self,
        order: &OrderRecord,
        request: &ShipmentRequest,
        errors: &mut Vec<FieldError>,
    ) -> AppResult<(String, String)> {
        let selected = &order.snapshot.group.shipping.selected;
        let wanted = request
            .service_id
            .as_deref()
            .map(str::trim)
            .unwrap_or(&selected.service_id);
        let name = |carrier: &str, level: &dyn std::fmt::Debug| format!("{carrier} {level:?}");
        if wanted == selected.service_id {
            return Ok((wanted.to_string(), name(&selected.carrier, &selected.level)));
        }
        match self
            .shipping_services(None)?
            .into_iter()
            .find(|service| service.id == wanted)
        {
            Some(service) => Ok((service.id.clone(), name(&service.carrier, &service.level))),
            None => {
                errors.push(FieldError::new(
                    "service_id",
                    format!("no carrier service '{wanted}' is in force today"),
                ));
                Ok((String::new(), String::new()))
            }
        }
    }

    /// Values `amount` in SDR on today's ECB rates (RULES.md §11).
    pub(super) async fn in_sdr(&self, amount: Money) -> AppResult<SdrConversion> {
        let today = self.now().date_naive();
        let rates: Vec<PublishedRate> = self.store.fx_rates_published(today).await?;
        sdr_on(today, &rates, amount)
    }

    async fn write_shipment(
        &self,
        principal: &Principal,
        plan: Plan,
    ) -> AppResult<Result<Shipment, ShipmentInsert>> {
        let config = &self.config().fulfilment;
        let origin = plan.ship_from.country();
        let stored = self
            .store
            .tracking_range(&config.test_carrier_service_indicator, origin)
            .await?;
        let range = match &stored {
            Some(range) => range.clone(),
            None => S10Range::new(
                &config.test_carrier_service_indicator,
                origin,
                config.test_carrier_first_serial,
                config.test_carrier_last_serial,
            )
            .map_err(|error| AppError::Internal(format!("the test carrier's range: {error}")))?,
        };
        let mut carrier = TestCarrier::new(range);
        let label = carrier
            .create_shipment(&CarrierShipmentRequest {
                service_id: &plan.service_id,
                ship_from: &plan.ship_from,
                ship_to: &plan.ship_to,
                parcel: &plan.parcel,
                reference: plan.order.id.as_str(),
            })
            .map_err(|error| match error {
                CarrierError::Numbers(error) => AppError::Unavailable(error.to_string()),
                other => AppError::Provider(other.to_string()),
            })?;
        let declaration = plan.contents.as_ref().and_then(|contents| {
            declaration_for(origin, plan.ship_to.country(), contents).map(|choice| choice.form)
        });
        let now = self.now();
        let shipment = Shipment {
            id: ShipmentId::new(new_ulid(self)),
            seller_id: plan.order.seller_id.clone(),
            order_id: plan.order.id.clone(),
            buyer_id: plan.order.buyer_id.clone(),
            warehouse_id: plan.warehouse.id.clone(),
            status: ShipmentStatus::Created,
            carrier: TEST_CARRIER.to_string(),
            service_id: plan.service_id,
            service_name: if plan.service_name.is_empty() {
                label.service_name
            } else {
                plan.service_name
            },
            tracking_number: label.tracking_number,
            parcel: plan.parcel,
            items: plan.items,
            ship_from: plan.ship_from.into_address(),
            ship_to: plan.ship_to.into_address(),
            declaration,
            contents_value: plan.contents_value,
            contents_sdr: plan.contents.as_ref().map(|contents| contents.sdr),
            packed_at: None,
            created_at: now,
            updated_at: now,
        };
        let ship_order = self.change(principal, &plan.order, OrderAction::Ship, None)?;
        let new = NewShipment {
            shipment,
            range_before: stored,
            range_after: carrier.range().clone(),
            ship_order,
        };
        match self.store.insert_shipment(&new).await? {
            ShipmentInsert::Inserted { .. } => Ok(Ok(new.shipment)),
            other => Ok(Err(other)),
        }
    }
}

/// `amount` in SDR on `date`, from the ECB rates published on or before it.
pub(super) fn sdr_on(
    date: chrono::NaiveDate,
    rates: &[PublishedRate],
    amount: Money,
) -> AppResult<SdrConversion> {
    let unavailable = |error: silkroute_logistics::sdr::SdrError| {
        AppError::Unavailable(format!(
            "the SDR value for the customs declaration: {error}"
        ))
    };
    let valuation = value_sdr(date, rates).map_err(unavailable)?;
    let leg = rates.iter().find(|rate| rate.currency == amount.currency());
    valuation.to_sdr(amount, leg).map_err(unavailable)
}

/// The weight and value of the items at the order's prices.
pub(super) struct Goods {
    pub net_weight_g: u32,
    pub value: Money,
}

/// Sums the items' snapshot lines (order line `n` is the snapshot's line `n - 1`).
pub(super) fn goods_of(order: &OrderRecord, items: &[ShipmentItem]) -> AppResult<Goods> {
    let currency = order.goods.currency();
    let mut weight: u64 = 0;
    let mut minor: i64 = 0;
    for item in items {
        let line = usize::try_from(item.line_no - 1)
            .ok()
            .and_then(|index| order.snapshot.group.lines.get(index))
            .ok_or_else(|| {
                AppError::Internal(format!("order line {} has no snapshot", item.line_no))
            })?;
        let quantity = u64::try_from(item.quantity).unwrap_or(0);
        weight += u64::from(line.weight_g) * quantity;
        minor = line
            .unit_price
            .minor()
            .checked_mul(item.quantity)
            .and_then(|value| minor.checked_add(value))
            .ok_or_else(|| AppError::field("items", "the items' value does not fit an amount"))?;
    }
    Ok(Goods {
        net_weight_g: u32::try_from(weight).unwrap_or(u32::MAX),
        value: Money::from_minor(minor, currency),
    })
}
