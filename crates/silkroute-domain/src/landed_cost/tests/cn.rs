//! China's CBEC channel changes character above the CNY 5,000 per-transaction limit: a single
//! item falls back to general trade, anything else is refused. These cases guard that boundary,
//! which the worked examples (all within the limit) do not reach.

use super::*;

#[test]
fn cbec_over_5000_single_item_pays_full_general_trade_rates() {
    let q = quote(&cbec("6000.00", 1, None));
    assert_traceable(&q);
    // tariff.cn.3304 1 % → 60.00; VAT 13 % × 6060.00 = 787.80
    assert_eq!(q.duty_lines[0].rule, "tariff.cn.3304");
    assert_eq!(q.duty_total(), m("60.00", "CNY"));
    assert_eq!(q.tax_lines[0].rate, Some(dec!(13)));
    assert_eq!(q.tax_total(), m("787.80", "CNY"));
    assert_eq!(q.collected_at_checkout, m("847.80", "CNY"));
}

#[test]
fn cbec_over_5000_with_several_items_is_refused() {
    let err = landed_cost(&cbec("2600.00", 2, None), &rules(), &tariffs(), &no_fx).unwrap_err();
    assert!(
        matches!(err, LandedCostError::CbecLimitExceeded { ref rule, version: 2, .. } if rule == "cbec.cn.limits"),
        "{err}"
    );
    // At exactly CNY 5,000 the limit still holds.
    assert_eq!(
        quote(&cbec("2500.00", 2, None)).tax_total(),
        m("455.00", "CNY")
    );
}
