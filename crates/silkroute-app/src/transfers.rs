//! Head-haul transfers as a seller runs them: dispatch stock from one warehouse to another (the
//! export declared under 9810 when it leaves China), see it in transit, receive it (the count
//! against the advance notice, the import's duty from the landed-cost engine added to the landed
//! unit cost), and list the customs declarations for a broker.

use serde::{Deserialize, Serialize};
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::{DeclarationId, ProductId, TransferId, WarehouseId};
use silkroute_domain::money::Money;
use silkroute_domain::validation::FieldErrors;
use silkroute_logistics::allocation::WarehouseKind;
use silkroute_logistics::transfer::{
    Discrepancy, LineCount, TransferStatus, Transport, TransportInput, allocate_by_value,
    customs_facts, discrepancies, landed_unit_cost,
};
use silkroute_store::{
    CustomsDeclaration, DispatchOutcome, Page, PageRequest, ReceiveOutcome, TransferDispatch,
    TransferLine, TransferReceipt, TransferRecord, Warehouse,
};
use utoipa::ToSchema;

use crate::auth::new_ulid;
use crate::{App, AppError, AppResult, Principal};

mod import;

const MAX_LINES: usize = 200;
const MAX_UNITS: i64 = 10_000_000;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    /// Admin only: whose stock moves.
    pub seller_id: Option<String>,
    pub from_warehouse_id: String,
    pub to_warehouse_id: String,
    pub transport: TransportInput,
    pub lines: Vec<TransferLineInput>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferLineInput {
    pub product_id: String,
    #[schema(minimum = 1, maximum = 10000000)]
    pub quantity: i64,
    /// What one unit cost (the declared value); the product's unit cost when absent.
    pub unit_cost: Option<UnitCostInput>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitCostInput {
    /// A decimal string with the currency's minor digits, e.g. `"10.00"`.
    pub amount: String,
    pub currency: String,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptInput {
    /// One count per line of the transfer.
    pub lines: Vec<ReceiptLineInput>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLineInput {
    pub product_id: String,
    /// Good units put into stock.
    #[schema(minimum = 0)]
    pub received: i64,
    /// Units that arrived unsellable (not put into stock).
    #[serde(default)]
    #[schema(minimum = 0)]
    pub damaged: i64,
}

/// The received transfer, what differed from the advance notice and the import's charges.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TransferReceiptResponse {
    pub transfer: TransferRecord,
    pub discrepancies: Vec<Discrepancy>,
    /// The import duty in total (added to the landed unit costs), if the goods were imported.
    #[schema(value_type = Option<Object>)]
    pub duty: Option<Money>,
    /// The import VAT (deductible by a VAT-registered importer, so not in the landed cost).
    #[schema(value_type = Option<Object>)]
    pub import_vat: Option<Money>,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
    AppError::field(field, message)
}

fn kind(warehouse: &Warehouse) -> WarehouseKind {
    WarehouseKind::parse(&warehouse.kind).unwrap_or(WarehouseKind::Seller)
}

impl App {
    /// Who may see transfers: a seller its own, an admin everyone's.
    pub(crate) fn transfer_scope(
        &self,
        principal: &Principal,
    ) -> AppResult<Option<silkroute_domain::ids::SellerId>> {
        match principal {
            Principal::Seller { seller_id, .. } => Ok(Some(seller_id.clone())),
            Principal::Admin { .. } => Ok(None),
            Principal::Buyer { .. } => Err(AppError::Forbidden("buyers hold no stock")),
        }
    }

    pub async fn create_transfer(
        &self,
        principal: &Principal,
        input: TransferInput,
    ) -> AppResult<TransferRecord> {
        let seller_id = self.stock_owner(principal, input.seller_id.as_deref())?;
        let mut errors = FieldErrors::new();
        let from_id = errors.check(
            "from_warehouse_id",
            WarehouseId::parse(&input.from_warehouse_id),
        );
        let to_id = errors.check(
            "to_warehouse_id",
            WarehouseId::parse(&input.to_warehouse_id),
        );
        let transport = Transport::parse(&input.transport, "transport", &mut errors);
        if input.lines.is_empty() || input.lines.len() > MAX_LINES {
            errors.push("lines", format!("1–{MAX_LINES} lines"));
        }
        let warehouses = self.store.list_warehouses(&seller_id).await?;
        let find = |id: &Option<WarehouseId>| {
            id.as_ref()
                .and_then(|id| warehouses.iter().find(|w| &w.id == id))
        };
        let (from, to) = (find(&from_id), find(&to_id));
        if from_id.is_some() && from.is_none() {
            errors.push("from_warehouse_id", "no such warehouse of yours");
        }
        if to_id.is_some() && to.is_none() {
            errors.push("to_warehouse_id", "no such warehouse of yours");
        }
        if from_id.is_some() && from_id == to_id {
            errors.push("to_warehouse_id", "must differ from the origin warehouse");
        }
        let mut ids = Vec::new();
        for (index, line) in input.lines.iter().enumerate() {
            let id = errors.check(
                format!("lines[{index}].product_id"),
                ProductId::parse(&line.product_id),
            );
            if id.as_ref().is_some_and(|id| ids.contains(id)) {
                errors.push(
                    format!("lines[{index}].product_id"),
                    "named on another line",
                );
            }
            ids.extend(id);
            if !(1..=MAX_UNITS).contains(&line.quantity) {
                errors.push(format!("lines[{index}].quantity"), "1–10,000,000 units");
            }
        }
        let products = self.store.get_products(&seller_id, &ids).await?;
        let levels = match from {
            Some(from) => self
                .store
                .stock_levels(&seller_id, None)
                .await?
                .into_iter()
                .filter(|level| level.warehouse_id == from.id)
                .collect(),
            None => Vec::new(),
        };
        let mut lines = Vec::new();
        for (index, line) in input.lines.iter().enumerate() {
            let Some(product) = products.iter().find(|p| p.id.as_str() == line.product_id) else {
                if ProductId::parse(&line.product_id).is_ok() {
                    errors.push(
                        format!("lines[{index}].product_id"),
                        "no such product of yours",
                    );
                }
                continue;
            };
            let unit_cost = match &line.unit_cost {
                None => Some(product.unit_cost),
                Some(cost) => CurrencyCode::parse(&cost.currency)
                    .map_err(|e| {
                        errors.push(format!("lines[{index}].unit_cost.currency"), e.to_string())
                    })
                    .ok()
                    .and_then(|currency| {
                        errors.check(
                            format!("lines[{index}].unit_cost.amount"),
                            Money::parse_entered(&cost.amount, currency)
                                .and_then(Money::within_entry_limit),
                        )
                    }),
            };
            // One declaration carries one currency, and so does the landed-cost engine's input.
            if let (Some(cost), Some(first)) =
                (unit_cost, lines.first().map(|l: &TransferLine| l.unit_cost))
                && cost.currency() != first.currency()
            {
                errors.push(
                    format!("lines[{index}].unit_cost.currency"),
                    "all lines share one currency",
                );
            }
            if from.is_some() {
                let available = levels
                    .iter()
                    .find(|level| level.product_id == product.id)
                    .map_or(0, |level| level.available);
                if line.quantity > available {
                    errors.push(
                        format!("lines[{index}].quantity"),
                        format!("only {available} available at the origin warehouse"),
                    );
                }
            }
            if let Some(unit_cost) = unit_cost {
                lines.push(TransferLine {
                    product_id: product.id.clone(),
                    quantity: line.quantity,
                    unit_cost,
                    received: None,
                    damaged: None,
                    duty: None,
                    landed_unit_cost: None,
                });
            }
        }
        let (Some(from), Some(to), Some(transport), true) =
            (from, to, transport, errors.is_empty())
        else {
            return Err(AppError::Invalid(errors.into_vec()));
        };
        let now = self.now();
        let transfer = TransferRecord {
            id: TransferId::new(new_ulid(self)),
            seller_id: seller_id.clone(),
            from_warehouse_id: from.id.clone(),
            to_warehouse_id: to.id.clone(),
            from_country: from.country,
            to_country: to.country,
            transport,
            status: TransferStatus::InTransit,
            lines,
            dispatched_at: now,
            received_at: None,
        };
        let facts = customs_facts(from.country, kind(from), to.country, kind(to));
        let declaration = match facts.export_mode {
            None => None,
            Some(mode) => {
                let mut hs_lines = Vec::new();
                let mut value = Money::zero(transfer.lines[0].unit_cost.currency());
                for line in &transfer.lines {
                    let product = products.iter().find(|p| p.id == line.product_id);
                    let line_value = Money::from_minor(
                        line.unit_cost
                            .minor()
                            .checked_mul(line.quantity)
                            .ok_or_else(|| invalid("lines", "value too large"))?,
                        line.unit_cost.currency(),
                    );
                    value = value
                        .checked_add(line_value)
                        .map_err(|e| invalid("lines", e.to_string()))?;
                    hs_lines.push(serde_json::json!({
                        "product_id": line.product_id,
                        "hs_code": product.map(|p| p.hs_code.as_str().to_string()),
                        "description": product.map(|p| p.sku.clone()),
                        "quantity": line.quantity,
                        "value": line_value,
                    }));
                }
                Some(CustomsDeclaration {
                    id: DeclarationId::new(new_ulid(self)),
                    seller_id: seller_id.clone(),
                    mode: Some(mode.code().to_string()),
                    direction: "export".into(),
                    reference_kind: "transfer".into(),
                    reference_id: transfer.id.to_string(),
                    origin_country: from.country,
                    destination_country: to.country,
                    declared_value: value,
                    duty: None,
                    import_vat: None,
                    hs_lines: serde_json::Value::Array(hs_lines),
                    order_reference: transfer.id.to_string(),
                    payment_reference: None,
                    waybill_reference: transfer.transport.waybill_reference(),
                    created_at: now,
                })
            }
        };
        let dispatch = TransferDispatch {
            movement_ids: transfer
                .lines
                .iter()
                .map(|_| format!("mov_{}", new_ulid(self)))
                .collect(),
            transfer,
            declaration,
        };
        match self.store.dispatch_transfer(&dispatch).await? {
            DispatchOutcome::Dispatched => Ok(dispatch.transfer),
            DispatchOutcome::NoStock { line } | DispatchOutcome::Insufficient { line, .. } => {
                Err(invalid(
                    format!("lines[{line}].quantity"),
                    "more than is available at the origin warehouse",
                ))
            }
        }
    }

    pub async fn get_transfer(&self, principal: &Principal, id: &str) -> AppResult<TransferRecord> {
        let scope = self.transfer_scope(principal)?;
        let id = TransferId::parse(id).map_err(|_| AppError::NotFound("transfer"))?;
        self.store
            .get_transfer(scope.as_ref(), &id)
            .await?
            .ok_or(AppError::NotFound("transfer"))
    }

    pub async fn list_transfers(
        &self,
        principal: &Principal,
        page: &PageRequest,
    ) -> AppResult<Page<TransferRecord>> {
        let scope = self.transfer_scope(principal)?;
        Ok(self.store.list_transfers(scope.as_ref(), page).await?)
    }

    pub async fn receive_transfer(
        &self,
        principal: &Principal,
        id: &str,
        input: ReceiptInput,
    ) -> AppResult<TransferReceiptResponse> {
        let mut transfer = self.get_transfer(principal, id).await?;
        if transfer.status != TransferStatus::InTransit {
            return Err(AppError::Conflict(
                "the transfer was received already".into(),
            ));
        }
        let mut errors = FieldErrors::new();
        let mut counts = vec![None; transfer.lines.len()];
        for (index, line) in input.lines.iter().enumerate() {
            let at = transfer
                .lines
                .iter()
                .position(|l| l.product_id.as_str() == line.product_id);
            match at {
                None => errors.push(
                    format!("lines[{index}].product_id"),
                    "not a line of this transfer",
                ),
                Some(at) if counts[at].is_some() => errors.push(
                    format!("lines[{index}].product_id"),
                    "counted on another line",
                ),
                Some(at) => counts[at] = Some((line.received, line.damaged)),
            }
            for (field, value) in [("received", line.received), ("damaged", line.damaged)] {
                if !(0..=MAX_UNITS).contains(&value) {
                    errors.push(format!("lines[{index}].{field}"), "0–10,000,000 units");
                }
            }
        }
        if counts.iter().any(Option::is_none) {
            errors.push("lines", "count every line of the transfer");
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors.into_vec()));
        }
        let counted: Vec<LineCount> = transfer
            .lines
            .iter()
            .zip(&counts)
            .map(|(line, count)| {
                let (received, damaged) = count.unwrap_or((0, 0));
                LineCount {
                    announced: line.quantity,
                    received,
                    damaged,
                }
            })
            .collect();
        let found = discrepancies(&counted);
        let warehouses = self.store.list_warehouses(&transfer.seller_id).await?;
        let kind_of = |id: &WarehouseId| warehouses.iter().find(|w| &w.id == id).map(kind);
        let facts = customs_facts(
            transfer.from_country,
            kind_of(&transfer.from_warehouse_id).unwrap_or(WarehouseKind::Seller),
            transfer.to_country,
            kind_of(&transfer.to_warehouse_id).unwrap_or(WarehouseKind::Overseas3pl),
        );
        let now = self.now();
        let assessed = if facts.import {
            Some(self.assess_import(&transfer).await?)
        } else {
            None
        };
        let weights: Vec<Money> = transfer
            .lines
            .iter()
            .map(|l| {
                Money::from_minor(
                    l.unit_cost.minor().saturating_mul(l.quantity),
                    l.unit_cost.currency(),
                )
            })
            .collect();
        let (duty, import_vat) = match &assessed {
            Some((quote, _)) => {
                let vat = quote
                    .tax_lines
                    .iter()
                    .try_fold(Money::zero(quote.currency), |t, l| t.checked_add(l.amount));
                (
                    Some(quote.duty_total()),
                    Some(vat.map_err(|e| AppError::Internal(e.to_string()))?),
                )
            }
            None => (None, None),
        };
        let shares = match duty {
            Some(duty) => {
                allocate_by_value(duty, &weights).map_err(|e| AppError::Internal(e.to_string()))?
            }
            None => Vec::new(),
        };
        for (index, line) in transfer.lines.iter_mut().enumerate() {
            line.received = Some(counted[index].received);
            line.damaged = Some(counted[index].damaged);
            match (&assessed, shares.get(index)) {
                (Some((quote, legs)), Some(share)) => {
                    let unit = self.in_currency(line.unit_cost, quote.currency, legs)?;
                    line.duty = Some(*share);
                    line.landed_unit_cost = Some(
                        landed_unit_cost(unit, *share, line.quantity)
                            .map_err(|e| AppError::Internal(e.to_string()))?,
                    );
                }
                _ => line.landed_unit_cost = Some(line.unit_cost),
            }
        }
        let declaration = assessed.as_ref().map(|(quote, _)| CustomsDeclaration {
            id: DeclarationId::new(new_ulid(self)),
            seller_id: transfer.seller_id.clone(),
            mode: None,
            direction: "import".into(),
            reference_kind: "transfer".into(),
            reference_id: transfer.id.to_string(),
            origin_country: transfer.from_country,
            destination_country: transfer.to_country,
            declared_value: quote.customs_value,
            duty,
            import_vat,
            hs_lines: serde_json::json!(quote.duty_lines),
            order_reference: transfer.id.to_string(),
            payment_reference: None,
            waybill_reference: transfer.transport.waybill_reference(),
            created_at: now,
        });
        let receipt = TransferReceipt {
            seller_id: transfer.seller_id.clone(),
            transfer_id: transfer.id.clone(),
            to_warehouse_id: transfer.to_warehouse_id.clone(),
            lines: transfer.lines.clone(),
            movement_ids: transfer
                .lines
                .iter()
                .map(|_| format!("mov_{}", new_ulid(self)))
                .collect(),
            declaration,
            at: now,
        };
        match self.store.receive_transfer(&receipt).await? {
            ReceiveOutcome::Received => {}
            ReceiveOutcome::NotInTransit => {
                return Err(AppError::Conflict(
                    "the transfer was received already".into(),
                ));
            }
        }
        transfer.status = TransferStatus::Received;
        transfer.received_at = Some(now);
        Ok(TransferReceiptResponse {
            transfer,
            discrepancies: found,
            duty,
            import_vat,
        })
    }
}
