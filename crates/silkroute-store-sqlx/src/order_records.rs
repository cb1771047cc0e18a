//! Decoders for the checkout records (warehouses, stock, quotes, payments, orders, events,
//! refunds, returns). What comes back from disk is parsed into domain types and refused as
//! corrupt when it does not parse, never trusted.

use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::{
    BuyerId, OrderId, PaymentId, ProductId, QuoteId, RefundId, ReturnId, SellerId, WarehouseId,
};
use silkroute_domain::money::Money;
use silkroute_domain::order::{OrderStatus, ReturnStatus};
use silkroute_domain::payment::PaymentStatus;
use silkroute_logistics::address::PostalAddress;
use silkroute_store::{
    OrderEvent, OrderLine, OrderRecord, PaymentRecord, RefundRecord, ReturnRecord, StockLevel,
    StoreError, StoreResult, StoredQuote, Warehouse,
};
use sqlx::ColumnIndex;

use crate::RecordRow;

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}

fn parsed<T, E: std::fmt::Display>(
    what: &str,
    value: String,
    parse: impl Fn(&str) -> Result<T, E>,
) -> StoreResult<T> {
    parse(&value).map_err(|error| corrupt(what, error))
}

fn status<T>(what: &str, value: String, parse: impl Fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(&value).ok_or_else(|| corrupt(what, format!("unknown status '{value}'")))
}

fn currency(value: String) -> StoreResult<CurrencyCode> {
    parsed("currency", value, CurrencyCode::parse)
}

/// A nullable JSON column holding a `PostalAddress`, read as stored (not validated again: an
/// order's address is a record of what was accepted then).
fn address_column<R: RecordRow>(row: &R, column: &str) -> StoreResult<Option<PostalAddress>>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    row.optional_text(column)?
        .map(|json| serde_json::from_str(&json).map_err(|e| corrupt(column, e)))
        .transpose()
}

pub fn warehouse<R: RecordRow>(row: &R) -> StoreResult<Warehouse>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    Ok(Warehouse {
        id: parsed(
            "warehouse_id",
            row.text("warehouse_id")?,
            WarehouseId::parse,
        )?,
        seller_id: parsed("seller_id", row.text("seller_id")?, SellerId::parse)?,
        name: row.text("name")?,
        country: parsed("country", row.text("country")?, CountryCode::parse)?,
        kind: row.text("kind")?,
        address: address_column(row, "address")?,
        created_at: row.time("created_at")?,
    })
}

pub fn stock_level<R: RecordRow>(row: &R) -> StoreResult<StockLevel>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    let on_hand = row.integer("on_hand")?;
    let reserved = row.integer("reserved")?;
    Ok(StockLevel {
        seller_id: parsed("seller_id", row.text("seller_id")?, SellerId::parse)?,
        product_id: parsed("product_id", row.text("product_id")?, ProductId::parse)?,
        warehouse_id: parsed(
            "warehouse_id",
            row.text("warehouse_id")?,
            WarehouseId::parse,
        )?,
        on_hand,
        reserved,
        available: on_hand - reserved,
        in_transit: 0,
    })
}

pub fn quote<R: RecordRow>(row: &R) -> StoreResult<StoredQuote>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    Ok(StoredQuote {
        id: parsed("quote_id", row.text("quote_id")?, QuoteId::parse)?,
        buyer_id: row
            .optional_text("buyer_id")?
            .map(|id| parsed("buyer_id", id, BuyerId::parse))
            .transpose()?,
        created_at: row.time("created_at")?,
        expires_at: row.time("expires_at")?,
        consumed_at: row.optional_time("consumed_at")?,
        body: serde_json::from_str(&row.text("body")?).map_err(|e| corrupt("quote body", e))?,
        ship_to: address_column(row, "ship_to")?,
    })
}

pub fn payment<R: RecordRow>(row: &R) -> StoreResult<PaymentRecord>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    let currency = currency(row.text("currency")?)?;
    Ok(PaymentRecord {
        id: parsed("payment_id", row.text("payment_id")?, PaymentId::parse)?,
        quote_id: parsed("quote_id", row.text("quote_id")?, QuoteId::parse)?,
        buyer_id: parsed("buyer_id", row.text("buyer_id")?, BuyerId::parse)?,
        provider: row.text("provider")?,
        provider_reference: row.text("provider_reference")?,
        status: status("payment status", row.text("status")?, PaymentStatus::parse)?,
        amount: Money::from_minor(row.integer("amount_minor")?, currency),
        captured: Money::from_minor(row.integer("captured_minor")?, currency),
        refunded: Money::from_minor(row.integer("refunded_minor")?, currency),
        card_brand: row.text("card_brand")?,
        card_last4: row.text("card_last4")?,
        decline_reason: row.optional_text("decline_reason")?,
        created_at: row.time("created_at")?,
        authorized_at: row.optional_time("authorized_at")?,
        expires_at: row.optional_time("expires_at")?,
        captured_at: row.optional_time("captured_at")?,
        updated_at: row.time("updated_at")?,
    })
}

/// An order without its lines (they come from `order_lines`).
pub fn order<R: RecordRow>(row: &R) -> StoreResult<OrderRecord>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    let money_in = currency(row.text("currency")?)?;
    let seller_currency = currency(row.text("seller_currency")?)?;
    let amount = |column: &str| -> StoreResult<Money> {
        Ok(Money::from_minor(row.integer(column)?, money_in))
    };
    Ok(OrderRecord {
        id: parsed("order_id", row.text("order_id")?, OrderId::parse)?,
        seller_id: parsed("seller_id", row.text("seller_id")?, SellerId::parse)?,
        buyer_id: parsed("buyer_id", row.text("buyer_id")?, BuyerId::parse)?,
        quote_id: parsed("quote_id", row.text("quote_id")?, QuoteId::parse)?,
        payment_id: parsed("payment_id", row.text("payment_id")?, PaymentId::parse)?,
        status: status("order status", row.text("status")?, OrderStatus::parse)?,
        status_before_refund: row
            .optional_text("status_before_refund")?
            .map(|value| status("order status", value, OrderStatus::parse))
            .transpose()?,
        destination: parsed("destination", row.text("destination")?, CountryCode::parse)?,
        incoterm: row.text("incoterm")?,
        goods: amount("goods_minor")?,
        shipping: amount("shipping_minor")?,
        duties: amount("duties_minor")?,
        taxes: amount("taxes_minor")?,
        total: amount("total_minor")?,
        due_at_door: amount("due_at_door_minor")?,
        refunded: amount("refunded_minor")?,
        seller_total: Money::from_minor(row.integer("seller_total_minor")?, seller_currency),
        lines: Vec::new(),
        snapshot: crate::order_snapshot::decode(&row.bytes("body")?)?,
        ship_to: address_column(row, "ship_to")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

/// A line with the id of the order it belongs to.
pub fn order_line<R: RecordRow>(row: &R) -> StoreResult<(OrderId, OrderLine)>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    let currency = currency(row.text("currency")?)?;
    Ok((
        parsed("order_id", row.text("order_id")?, OrderId::parse)?,
        OrderLine {
            line_no: row.integer("line_no")?,
            product_id: parsed("product_id", row.text("product_id")?, ProductId::parse)?,
            warehouse_id: row
                .optional_text("warehouse_id")?
                .map(|id| parsed("warehouse_id", id, WarehouseId::parse))
                .transpose()?,
            sku: row.text("sku")?,
            quantity: row.integer("quantity")?,
            unit_price: Money::from_minor(row.integer("unit_price_minor")?, currency),
            line_total: Money::from_minor(row.integer("line_total_minor")?, currency),
        },
    ))
}

pub fn order_event<R: RecordRow>(row: &R) -> StoreResult<OrderEvent>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    Ok(OrderEvent {
        order_id: parsed("order_id", row.text("order_id")?, OrderId::parse)?,
        seq: row.integer("seq")?,
        from_status: row
            .optional_text("from_status")?
            .map(|value| status("order status", value, OrderStatus::parse))
            .transpose()?,
        to_status: status("order status", row.text("to_status")?, OrderStatus::parse)?,
        action: row.text("action")?,
        actor: row.text("actor")?,
        reason: row.optional_text("reason")?,
        at: row.time("at")?,
    })
}

pub fn refund<R: RecordRow>(row: &R) -> StoreResult<RefundRecord>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    let currency = currency(row.text("currency")?)?;
    Ok(RefundRecord {
        id: parsed("refund_id", row.text("refund_id")?, RefundId::parse)?,
        seller_id: parsed("seller_id", row.text("seller_id")?, SellerId::parse)?,
        order_id: parsed("order_id", row.text("order_id")?, OrderId::parse)?,
        payment_id: parsed("payment_id", row.text("payment_id")?, PaymentId::parse)?,
        amount: Money::from_minor(row.integer("amount_minor")?, currency),
        reason: row.optional_text("reason")?,
        provider_reference: row.text("provider_reference")?,
        created_at: row.time("created_at")?,
    })
}

pub fn order_return<R: RecordRow>(row: &R) -> StoreResult<ReturnRecord>
where
    for<'a> &'a str: ColumnIndex<R>,
{
    Ok(ReturnRecord {
        id: parsed("return_id", row.text("return_id")?, ReturnId::parse)?,
        seller_id: parsed("seller_id", row.text("seller_id")?, SellerId::parse)?,
        order_id: parsed("order_id", row.text("order_id")?, OrderId::parse)?,
        buyer_id: parsed("buyer_id", row.text("buyer_id")?, BuyerId::parse)?,
        status: status("return status", row.text("status")?, ReturnStatus::parse)?,
        reason: row.text("reason")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

/// JSON text for a document column (a frozen quote or quote group).
pub fn to_json(value: &impl serde::Serialize) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|error| StoreError::Backend(Box::new(error)))
}
