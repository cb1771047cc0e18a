//! The UK's point-of-sale VAT stops at GBP 135; above it duty and import VAT are due at the door.
//! This case keeps the other side of the threshold covered, which worked example E4 does not.

use super::*;
use crate::market::ExclusionScope;

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

/// Excise goods are outside both halves of the GBP 135 regime: no point-of-sale VAT (the parcel
/// goes to the border with a stated reason) and no duty relief for the excise line, while the
/// other goods of a low-value consignment keep their relief.
#[test]
fn gb_excise_goods_leave_the_135_regime_with_a_reason() {
    let c = consignment(
        "GB",
        "CN",
        "2026-03-02",
        vec![
            line("610910", 1, m("40.00", "GBP"), "T-shirt"),
            line("220830", 1, m("30.00", "GBP"), "whisky"),
        ],
        m("5.00", "GBP"),
    );
    let q = quote(&c);
    assert_traceable(&q);
    assert_eq!(q.incoterm, Incoterm::Dap);
    assert_eq!(q.collected_at_checkout, zero("GBP"));
    let scopes: Vec<(usize, ExclusionScope, &str, &str)> = q
        .exclusions
        .iter()
        .map(|e| {
            (
                e.line,
                e.excluded_from,
                e.rule.as_str(),
                e.instead_of.as_str(),
            )
        })
        .collect();
    assert!(
        scopes.contains(&(
            1,
            ExclusionScope::SellerCollection,
            "exclusion.gb.low_value_excise",
            "collection.gb.point_of_sale v1"
        )),
        "{scopes:?}"
    );
    assert!(
        scopes.contains(&(
            1,
            ExclusionScope::DutyRelief,
            "exclusion.gb.low_value_excise",
            "de_minimis.gb.duty v1"
        )),
        "{scopes:?}"
    );
    assert!(q.exclusions.iter().all(|e| e.line == 1));
    // Only the whisky pays duty, at the door; the T-shirt stays within the duty de minimis.
    assert_eq!(q.duty_lines.len(), 1, "{:?}", q.duty_lines);
    assert!(
        q.duty_lines[0].rule.starts_with("tariff.gb"),
        "{:?}",
        q.duty_lines
    );
    assert_eq!(q.duty_lines[0].collected, Collection::AtDoor);
    // Import VAT at the door on the whole parcel.
    assert!(
        q.tax_lines
            .iter()
            .all(|t| t.collected == Collection::AtDoor)
    );
    assert_ne!(q.due_at_door, zero("GBP"));
}

#[test]
fn gb_excise_goods_cannot_be_quoted_duty_paid() {
    let mut c = consignment(
        "GB",
        "CN",
        "2026-03-02",
        vec![
            line("610910", 1, m("40.00", "GBP"), "T-shirt"),
            line("240220", 1, m("30.00", "GBP"), "cigarettes"),
        ],
        m("5.00", "GBP"),
    );
    c.incoterm_preference = Some(Incoterm::Ddp);
    let error = landed_cost(&c, &rules(), &tariffs(), &no_fx).unwrap_err();
    assert!(
        matches!(
            &error,
            LandedCostError::DutyPaidUnavailable { line: 1, rule, .. } if rule == "exclusion.gb.low_value_excise"
        ),
        "{error:?}"
    );
}
