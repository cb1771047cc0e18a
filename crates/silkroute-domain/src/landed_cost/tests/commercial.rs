//! A business importing its own stock (a head-haul into an overseas warehouse) gets no parcel
//! relief: the same goods that enter duty free and under IOSS as a parcel pay the full tariff and
//! import VAT at the border as a commercial import (RULES.md §15).

use super::*;

/// Eight T-shirts at EUR 15.00 (EUR 120.00), no freight: within the EU's EUR 150 duty de minimis
/// and IOSS threshold as a parcel before 2026-07-01.
fn tees() -> Consignment {
    consignment(
        "DE",
        "CN",
        "2026-03-02",
        vec![line("610910", 8, m("15.00", "EUR"), "cotton T-shirt")],
        zero("EUR"),
    )
}

#[test]
fn as_a_parcel_the_goods_are_relieved_of_duty_and_taxed_under_ioss() {
    let mut parcel = tees();
    parcel.buyer = BuyerKind::Business;
    let q = quote(&parcel);
    assert!(q.duty_total().is_zero(), "{q:?}");
    assert_eq!(q.collected_at_checkout, m("22.80", "EUR"));
}

#[test]
fn as_a_commercial_import_the_full_duty_and_import_vat_are_due_at_the_border() {
    let mut stock = tees();
    stock.buyer = BuyerKind::Business;
    stock.commercial_import = true;
    let q = quote(&stock);
    assert_traceable(&q);
    // 12 % of EUR 120.00 (EU tariff 6109), then 19 % German import VAT on 120.00 + 14.40.
    assert_eq!(q.duty_total(), m("14.40", "EUR"));
    assert_eq!(q.tax_lines.len(), 1);
    assert_eq!(q.tax_lines[0].amount, m("25.54", "EUR"));
    assert_eq!(q.tax_lines[0].collected, Collection::AtDoor);
    assert!(q.collected_at_checkout.is_zero());
    assert!(
        q.notes.iter().any(|n| n.contains("commercial import")),
        "{:?}",
        q.notes
    );
}

#[test]
fn a_commercial_import_is_read_as_false_when_absent() {
    let json = serde_json::to_value(tees()).expect("json");
    let mut object = json.as_object().cloned().expect("object");
    object.remove("commercial_import");
    let read: Consignment = serde_json::from_value(object.into()).expect("read");
    assert!(!read.commercial_import);
}
