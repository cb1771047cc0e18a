//! Australia collects GST at checkout per item up to A$1,000, yet a consignment worth more than
//! that still goes through the border. This case exists because the two thresholds interact and
//! a consignment of cheap items is the easy one to get wrong.

use super::*;

#[test]
fn au_consignment_above_1000_goes_through_the_border_even_with_low_value_items() {
    let c = consignment(
        "AU",
        "CN",
        "2026-03-02",
        vec![line("610910", 2, m("600.00", "AUD"), "T-shirts")],
        m("40.00", "AUD"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    // FOB customs value 1,200; duty 5 % = 60; GST on customs value + duty + transport.
    assert_eq!(q.customs_value, m("1200.00", "AUD"));
    assert_eq!(q.duty_total(), m("60.00", "AUD"));
    assert_eq!(q.tax_lines[0].base, m("1300.00", "AUD"));
    assert_eq!(q.tax_total(), m("130.00", "AUD"));
    assert_eq!(q.due_at_door, m("190.00", "AUD"));
    assert_eq!(q.incoterm, Incoterm::Dap);
}
