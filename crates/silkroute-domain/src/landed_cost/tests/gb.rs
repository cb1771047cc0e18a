//! The UK's point-of-sale VAT stops at GBP 135; above it duty and import VAT are due at the door.
//! This case keeps the other side of the threshold covered, which worked example E4 does not.

use super::*;

#[test]
fn gb_above_135_pays_duty_and_import_vat_at_the_door() {
    let c = consignment(
        "GB",
        "CN",
        "2026-03-02",
        vec![line("610910", 10, m("20.00", "GBP"), "T-shirts")],
        m("10.00", "GBP"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    // CIF 210; duty 12 % = 25.20; VAT 20 % × 235.20 = 47.04.
    assert_eq!(q.duty_total(), m("25.20", "GBP"));
    assert_eq!(q.tax_total(), m("47.04", "GBP"));
    assert_eq!(q.due_at_door, m("72.24", "GBP"));
}
