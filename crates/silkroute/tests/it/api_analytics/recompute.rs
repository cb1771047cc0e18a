//! The independent recomputation the analytics tests check the API against: the exported facts
//! read back, and the KPIs of METRICS.md computed from them with code written apart from the
//! rollups.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

use crate::support::TestApp;

/// The exported facts, read back as typed rows.
pub(super) struct Facts {
    pub(super) orders: Vec<silkroute_app::OrderFact>,
    pub(super) events: Vec<silkroute_app::EventFact>,
    pub(super) refunds: Vec<silkroute_app::RefundFact>,
}

pub(super) async fn export(app: &TestApp) -> Facts {
    let mut facts = Facts {
        orders: Vec::new(),
        events: Vec::new(),
        refunds: Vec::new(),
    };
    let mut after = String::new();
    loop {
        let page = app.app.order_facts(&after, 1000).await.expect("orders");
        let Some(last) = page.last() else { break };
        after = last.order_id.clone();
        facts.orders.extend(page);
    }
    after.clear();
    loop {
        let page = app.app.event_facts(&after, 5000).await.expect("events");
        let Some(last) = page.last() else { break };
        after = last.event_id.clone();
        facts.events.extend(page);
    }
    after.clear();
    loop {
        let page = app.app.refund_facts(&after, 1000).await.expect("refunds");
        let Some(last) = page.last() else { break };
        after = last.refund_id.clone();
        facts.refunds.extend(page);
    }
    facts
}

pub(super) fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("rfc3339")
        .with_timezone(&Utc)
}

pub(super) fn amount(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

/// The KPIs of METRICS.md for `seller` (or the platform) over local days `[from, to]`,
/// recomputed from raw facts. Platform money is not recomputed (it needs FX per day).
pub(super) fn recompute(
    facts: &Facts,
    seller: Option<&str>,
    zone: Tz,
    from: NaiveDate,
    to: NaiveDate,
) -> Value {
    let day = |at: DateTime<Utc>| at.with_timezone(&zone).date_naive();
    let within = |at: DateTime<Utc>| (from..=to).contains(&day(at));
    let mine = |id: &str| seller.is_none_or(|s| s == id);
    let events: Vec<_> = facts
        .events
        .iter()
        .filter(|e| mine(&e.seller_id) && within(instant(&e.at)))
        .collect();
    let visitors: HashSet<&str> = events.iter().map(|e| e.visitor_id.as_str()).collect();
    let carting: HashSet<&str> = events
        .iter()
        .filter(|e| e.kind == "add_to_cart")
        .map(|e| e.visitor_id.as_str())
        .collect();
    let page_views = events.iter().filter(|e| e.kind == "product_view").count();
    let orders: Vec<_> = facts.orders.iter().filter(|o| mine(&o.seller_id)).collect();
    let placed: Vec<_> = orders
        .iter()
        .filter(|o| within(instant(&o.placed_at)))
        .collect();
    let paid_in = |first: NaiveDate, last: NaiveDate| -> Vec<&&silkroute_app::OrderFact> {
        orders
            .iter()
            .filter(|o| !o.paid_at.is_empty() && (first..=last).contains(&day(instant(&o.paid_at))))
            .collect()
    };
    let paid = paid_in(from, to);
    let paid_buyers: HashSet<&str> = paid.iter().map(|o| o.buyer_id.as_str()).collect();
    let before: HashSet<&str> = paid_in(from - Duration::days(365), from - Duration::days(1))
        .iter()
        .map(|o| o.buyer_id.as_str())
        .collect();
    let paid_amount: Decimal = paid.iter().map(|o| amount(&o.paid_amount)).sum();
    let refund_amount: Decimal = facts
        .refunds
        .iter()
        .filter(|r| mine(&r.seller_id) && within(instant(&r.refunded_at)))
        .map(|r| amount(&r.amount))
        .sum();
    let units: i64 = placed.iter().map(|o| o.units).sum();
    let refunded_units: i64 = placed.iter().map(|o| o.refunded_units).sum();
    let ratio = |n: usize, d: usize| (d > 0).then(|| Decimal::from(n) / Decimal::from(d));
    let mut kpis = json!({
        "visitors": visitors.len(),
        "page_views": page_views,
        "carting_visitors": carting.len(),
        "ordering_buyers": placed.iter().map(|o| o.buyer_id.as_str()).collect::<HashSet<_>>().len(),
        "orders_placed": placed.len(),
        "paid_orders": paid.len(),
        "paid_buyers": paid_buyers.len(),
        "returning_buyers": paid_buyers.intersection(&before).count(),
        "payment_conversion": ratio(paid_buyers.len(), visitors.len()),
        "add_to_cart_rate": ratio(carting.len(), visitors.len()),
        "refund_rate": ratio(refunded_units as usize, units as usize),
    });
    if seller.is_some() {
        let aov = (!paid_buyers.is_empty()).then(|| {
            (paid_amount / Decimal::from(paid_buyers.len()))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        });
        kpis["paid_amount"] = json!(paid_amount);
        kpis["refund_amount"] = json!(refund_amount);
        kpis["aov"] = json!(aov);
    }
    kpis
}

/// Compares the API's figures with the recomputed ones, numerically (`"0.10"` = `"0.1"`).
pub(super) fn assert_matches(api: &Value, expected: &Value, context: &str) {
    for (metric, want) in expected.as_object().expect("object") {
        let got = &api[metric];
        let number = |v: &Value| -> Option<Decimal> {
            match v {
                Value::Number(n) => n.as_i64().map(Decimal::from),
                Value::String(s) => s.parse().ok(),
                Value::Object(o) => o.get("amount")?.as_str()?.parse().ok(),
                _ => None,
            }
        };
        assert_eq!(
            number(got).map(|d| d.normalize()),
            number(want).map(|d| d.normalize()),
            "{context}: {metric}: api {got} vs facts {want}"
        );
    }
}
