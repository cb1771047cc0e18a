//! `silkroute export facts`: the raw facts behind every metric (orders, storefront events,
//! imported history), one row each, in the units `docs/METRICS.md` uses, so that anyone can
//! recompute the numbers with another tool. Money is a decimal string in the seller's
//! settlement currency; a refund is converted at the order's own locked proportion.

use rust_decimal::Decimal;
use serde::Serialize;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::money::{Money, RoundingMode};

use crate::{App, AppError, AppResult};

#[derive(Clone, Debug, Serialize)]
pub struct OrderFact {
    pub order_id: String,
    pub seller_id: String,
    pub buyer_id: String,
    pub destination: String,
    pub status: String,
    pub placed_at: String,
    /// Empty when never captured.
    pub paid_at: String,
    pub currency: String,
    /// Goods and shipping, as METRICS.md's `paid_amount` counts them.
    pub paid_amount: String,
    pub refunded_amount: String,
    pub units: i64,
    pub refunded_units: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct EventFact {
    pub event_id: String,
    pub seller_id: String,
    pub visitor_id: String,
    pub session_id: String,
    pub kind: String,
    pub product_id: String,
    pub keyword: String,
    pub market: String,
    pub source: String,
    pub device: String,
    pub at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ImportedFact {
    pub seller_id: String,
    pub external_order_id: String,
    pub buyer_reference: String,
    pub buyer_country: String,
    pub order_date: String,
    pub currency: String,
    pub amount: String,
    pub quantity: i64,
    pub sku: String,
}

/// A refund in the seller's settlement currency: its share of what the buyer paid, applied to
/// the seller's amount (the order's locked proportion), banker's rounding.
#[derive(Clone, Debug, Serialize)]
pub struct RefundFact {
    pub refund_id: String,
    pub order_id: String,
    pub seller_id: String,
    pub refunded_at: String,
    pub currency: String,
    pub amount: String,
}

fn money(minor: i64, currency: &str) -> AppResult<Money> {
    let currency = CurrencyCode::parse(currency)
        .map_err(|e| AppError::Internal(format!("stored currency: {e}")))?;
    Ok(Money::from_minor(minor, currency))
}

impl App {
    /// A page of order facts after `after` (an order id; `""` starts); empty at the end.
    pub async fn order_facts(&self, after: &str, limit: i64) -> AppResult<Vec<OrderFact>> {
        let rows = self.store.order_facts(after, limit).await?;
        rows.into_iter()
            .map(|row| {
                let paid = money(row.seller_total_minor, &row.seller_currency)?;
                // The refund in the seller's currency, in the proportion the order was paid.
                let refunded = if row.total_minor > 0 && row.refunded_minor > 0 {
                    paid.checked_mul_decimal(
                        Decimal::from(row.refunded_minor) / Decimal::from(row.total_minor),
                        RoundingMode::HalfEven,
                    )
                    .map_err(|e| AppError::Internal(e.to_string()))?
                } else {
                    Money::zero(paid.currency())
                };
                let given_back = matches!(row.status.as_str(), "refunded" | "returned");
                Ok(OrderFact {
                    order_id: row.order_id,
                    seller_id: row.seller_id,
                    buyer_id: row.buyer_id,
                    destination: row.destination,
                    status: row.status,
                    placed_at: row.placed_at.to_rfc3339(),
                    paid_at: row.paid_at.map(|at| at.to_rfc3339()).unwrap_or_default(),
                    currency: row.seller_currency,
                    paid_amount: paid.amount_string(),
                    refunded_amount: refunded.amount_string(),
                    units: row.units,
                    refunded_units: if given_back { row.units } else { 0 },
                })
            })
            .collect()
    }

    pub async fn event_facts(&self, after: &str, limit: i64) -> AppResult<Vec<EventFact>> {
        Ok(self
            .store
            .event_facts(after, limit)
            .await?
            .into_iter()
            .map(|row| EventFact {
                event_id: row.event_id,
                seller_id: row.seller_id.unwrap_or_default(),
                visitor_id: row.visitor_id,
                session_id: row.session_id,
                kind: row.kind,
                product_id: row.product_id.unwrap_or_default(),
                keyword: row.keyword.unwrap_or_default(),
                market: row.market,
                source: row.source,
                device: row.device,
                at: row.at.to_rfc3339(),
            })
            .collect())
    }

    /// Keyed by `seller_id/external_order_id`.
    pub async fn imported_facts(&self, after: &str, limit: i64) -> AppResult<Vec<ImportedFact>> {
        self.store
            .imported_facts(after, limit)
            .await?
            .into_iter()
            .map(|row| {
                Ok(ImportedFact {
                    amount: money(row.amount_minor, &row.currency)?.amount_string(),
                    seller_id: row.seller_id,
                    external_order_id: row.external_id,
                    buyer_reference: row.buyer_reference,
                    buyer_country: row.buyer_country,
                    order_date: row.ordered_on.to_string(),
                    currency: row.currency,
                    quantity: row.quantity,
                    sku: row.sku.unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Keyed by refund id.
    pub async fn refund_facts(&self, after: &str, limit: i64) -> AppResult<Vec<RefundFact>> {
        self.store
            .refund_facts(after, limit)
            .await?
            .into_iter()
            .map(|row| {
                let seller = money(row.seller_total_minor, &row.seller_currency)?;
                let amount = if row.order_total_minor > 0 {
                    seller
                        .checked_mul_decimal(
                            Decimal::from(row.amount_minor) / Decimal::from(row.order_total_minor),
                            RoundingMode::HalfEven,
                        )
                        .map_err(|e| AppError::Internal(e.to_string()))?
                } else {
                    Money::zero(seller.currency())
                };
                Ok(RefundFact {
                    refund_id: row.refund_id,
                    order_id: row.order_id,
                    seller_id: row.seller_id,
                    refunded_at: row.refunded_at.to_rfc3339(),
                    currency: row.seller_currency,
                    amount: amount.amount_string(),
                })
            })
            .collect()
    }
}
