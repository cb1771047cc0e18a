//! Rollup rows from facts: days, batches and draining.
use chrono::TimeZone;
use silkroute_domain::currency::CurrencyCode;

use silkroute_domain::money::Money;

use super::*;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, day, hour, 0, 0).unwrap()
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, day).unwrap()
}

fn order(id: &str, placed: DateTime<Utc>, paid: Option<DateTime<Utc>>) -> RollupOrder {
    RollupOrder {
        order_id: id.to_string(),
        seller_id: "sel".to_string(),
        buyer_id: format!("buyer-{id}"),
        market: "DE".to_string(),
        placed_at: placed,
        paid_at: paid,
        total_minor: 2_000,
        seller_total: Money::from_minor(15_000, CurrencyCode::parse("CNY").unwrap()),
        goods_minor: 1_500,
        shipping_minor: 500,
        refunds: vec![(at(20, 9), 1_000)],
        given_back: false,
        lines: vec![
            RollupLine {
                product_id: "p1".to_string(),
                units: 2,
                line_total_minor: 1_000,
            },
            RollupLine {
                product_id: "p2".to_string(),
                units: 1,
                line_total_minor: 500,
            },
        ],
    }
}

fn event(visitor: &str, kind: EventKind, when: DateTime<Utc>) -> RollupEvent {
    RollupEvent {
        seller_id: Some("sel".to_string()),
        visitor_id: visitor.to_string(),
        session_id: format!("s-{visitor}"),
        kind,
        product_id: Some("p1".to_string()),
        keyword: None,
        market: "DE".to_string(),
        source: "email".to_string(),
        device: "mobile".to_string(),
        at: when,
    }
}

#[test]
fn days_are_cut_in_the_scope_time_zone() {
    // 20:00 UTC on the 9th is 04:00 on the 10th in Shanghai.
    let shanghai: Tz = "Asia/Shanghai".parse().unwrap();
    assert_eq!(local_day(shanghai, at(9, 20)), date(10));
    assert_eq!(local_day(Tz::UTC, at(9, 20)), date(9));
    let (from, to) = day_span(shanghai, date(10), date(10));
    assert_eq!(from, at(9, 16));
    assert_eq!(to, at(10, 16));
    assert_eq!(week_of(date(15)), date(12));
    assert_eq!(month_of(date(15)), date(1));
}

#[test]
fn an_order_counts_on_its_placed_paid_and_refund_days() {
    let rows = roll_up(
        Tz::UTC,
        "CNY",
        date(1)..=date(31),
        &[order("o1", at(10, 8), Some(at(11, 8)))],
        &[],
    );
    let placed = rows.sales.iter().find(|r| r.day == date(10)).unwrap();
    assert_eq!(
        (
            placed.orders_placed,
            placed.units_placed,
            placed.paid_orders
        ),
        (1, 3, 0)
    );
    let paid = rows.sales.iter().find(|r| r.day == date(11)).unwrap();
    assert_eq!((paid.paid_orders, paid.paid_minor), (1, 15_000));
    // Half the buyer's total refunded: half the seller's amount.
    let refund = rows.sales.iter().find(|r| r.day == date(20)).unwrap();
    assert_eq!(refund.refund_minor, 7_500);
    // Products share the seller's amount by line value, shipping spread alike.
    let p1 = rows
        .products
        .iter()
        .find(|r| r.product_id == "p1" && r.day == date(11))
        .unwrap();
    assert_eq!(
        (p1.paid_units, p1.paid_minor, p1.freight_minor),
        (2, 10_000, 2_500)
    );
}

#[test]
fn facts_in_batches_give_the_rows_of_one_batch() {
    let orders = [
        order("o1", at(10, 8), Some(at(11, 8))),
        order("o2", at(11, 9), Some(at(11, 10))),
    ];
    let events = [
        event("v1", EventKind::ProductView, at(11, 7)),
        event("v1", EventKind::AddToCart, at(11, 8)),
        event("v2", EventKind::ProductView, at(12, 7)),
    ];
    let whole = roll_up(Tz::UTC, "CNY", date(1)..=date(31), &orders, &events);
    let mut builder = RollupBuilder::new(Tz::UTC, "CNY", date(1)..=date(31));
    builder.add_order(&orders[1]);
    builder.add_event(&events[2]);
    builder.add_event(&events[0]);
    builder.add_order(&orders[0]);
    builder.add_event(&events[1]);
    assert_eq!(builder.finish(), whole);
    let carted: Vec<_> = whole.visitors.iter().filter(|v| v.carted).collect();
    assert_eq!(carted.len(), 1);
}

#[test]
fn drained_days_and_the_rest_are_the_whole() {
    let orders = [
        order("o1", at(10, 8), Some(at(11, 8))),
        order("o2", at(12, 9), Some(at(12, 10))),
    ];
    let events = [
        event("v1", EventKind::ProductView, at(11, 7)),
        event("v2", EventKind::AddToCart, at(12, 7)),
    ];
    let whole = roll_up(Tz::UTC, "CNY", date(1)..=date(31), &orders, &events);
    let mut builder = RollupBuilder::new(Tz::UTC, "CNY", date(1)..=date(31));
    builder.add_order(&orders[0]);
    builder.add_event(&events[0]);
    let early = builder.drain_before(date(12));
    assert!(early.sales.iter().all(|r| r.day < date(12)));
    builder.add_order(&orders[1]);
    builder.add_event(&events[1]);
    let late = builder.finish();
    let mut joined = early.clone();
    joined.sales.extend(late.sales);
    joined.visitors.extend(late.visitors);
    joined.buyers.extend(late.buyers);
    joined.products.extend(late.products);
    joined.traffic.extend(late.traffic);
    joined.keywords.extend(late.keywords);
    assert_eq!(joined, whole);
}

#[test]
fn facts_outside_the_days_are_left_out() {
    let rows = roll_up(
        Tz::UTC,
        "CNY",
        date(11)..=date(11),
        &[order("o1", at(10, 8), Some(at(11, 8)))],
        &[event("v1", EventKind::ProductView, at(12, 7))],
    );
    assert!(rows.sales.iter().all(|r| r.day == date(11)));
    assert!(rows.visitors.is_empty());
}
