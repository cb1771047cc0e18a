//! Norway's VOEC: a registered seller charges the 25 % VAT at checkout on items below NOK 3,000,
//! and such goods carry no customs duty. Foodstuffs and excise goods are outside the scheme and
//! are cleared at the border, and the quote says why. Amounts are in NOK, so no exchange rate
//! is involved.

use super::*;
use crate::landed_cost::types::ExcludedGoods;
use crate::market::ExclusionScope;

fn voec_parcel(on: &str, lines: Vec<ConsignmentLine>) -> Consignment {
    consignment("NO", "CN", on, lines, m("100.00", "NOK"))
}

/// (rule, version, collected) of every duty line, to compare in one assertion.
fn duties(q: &LandedCost) -> Vec<(&str, u32, Money, Collection)> {
    q.duty_lines
        .iter()
        .map(|l| (l.rule.as_str(), l.rule_version, l.amount, l.collected))
        .collect()
}

#[rstest]
#[case::e12_clothing_2024("2024-03-01", "610910", "2000.00")]
#[case::clothing_2026("2026-03-02", "620342", "2999.99")]
#[case::shoes("2026-03-02", "640399", "1500.00")]
fn goods_below_nok_3000_sold_through_voec_carry_no_duty(
    #[case] on: &str,
    #[case] hs: &str,
    #[case] unit: &str,
) {
    let q = quote(&voec_parcel(on, vec![line(hs, 1, m(unit, "NOK"), "goods")]));
    assert_traceable(&q);
    assert_eq!(q.incoterm, Incoterm::Ddp);
    assert!(q.duty_lines.is_empty(), "{:?}", q.duty_lines);
    assert!(
        q.notes
            .iter()
            .any(|n| n.contains("no duty") && n.contains("de_minimis.no.voec_duty v1")),
        "{:?}",
        q.notes
    );
    // RULES.md E12: 25 % of goods + shipping, collected by the seller.
    let base = m(unit, "NOK").checked_add(m("100.00", "NOK")).unwrap();
    assert_eq!(q.tax_lines.len(), 1);
    assert_eq!(q.tax_lines[0].base, base);
    assert_eq!(q.tax_lines[0].collected, Collection::AtCheckout);
    assert_eq!(q.collected_at_checkout, q.tax_total());
    assert_eq!(q.due_at_door, zero("NOK"));
    assert!(q.exclusions.is_empty());
}

#[test]
fn e12_is_exactly_nok_525_at_checkout_and_nothing_else() {
    let q = quote(&voec_parcel(
        "2026-03-02",
        vec![line("610910", 1, m("2000.00", "NOK"), "cotton T-shirt")],
    ));
    assert_eq!(q.collected_at_checkout, m("525.00", "NOK"));
    assert_eq!(q.duty_total(), zero("NOK"));
}

#[rstest]
#[case::an_item_of_nok_3000(vec![line("610910", 1, m("3000.00", "NOK"), "coat")], "331.70")]
#[case::one_dear_item_takes_the_parcel_out(
    vec![
        line("610910", 1, m("500.00", "NOK"), "T-shirt"),
        line("620342", 1, m("3500.00", "NOK"), "suit trousers"),
    ],
    "438.70"
)]
fn outside_voec_clothing_pays_its_tariff_at_the_door(
    #[case] lines: Vec<ConsignmentLine>,
    #[case] duty: &str,
) {
    let q = quote(&voec_parcel("2026-03-02", lines));
    assert_traceable(&q);
    assert_eq!(q.incoterm, Incoterm::Dap);
    // 10.7 % of the CIF value (freight allocated pro rata), at the door.
    assert_eq!(q.duty_total(), m(duty, "NOK"));
    assert!(
        q.duty_lines
            .iter()
            .all(|l| l.rule.starts_with("tariff.no") && l.collected == Collection::AtDoor)
    );
    assert_eq!(q.collected_at_checkout, zero("NOK"));
}

#[rstest]
#[case::coffee("090121", "exclusion.no.voec_food", "foodstuffs")]
#[case::chocolate("180690", "exclusion.no.voec_food", "foodstuffs")]
#[case::cigars("240210", "exclusion.no.voec_excise", "excise goods")]
fn foodstuffs_and_excise_goods_go_to_the_border_with_a_reason(
    #[case] hs: &str,
    #[case] rule: &str,
    #[case] goods: &str,
) {
    let q = quote(&voec_parcel(
        "2026-03-02",
        vec![
            line("610910", 1, m("400.00", "NOK"), "T-shirt"),
            line(hs, 2, m("150.00", "NOK"), "goods"),
        ],
    ));
    assert_traceable(&q);
    assert_eq!(q.incoterm, Incoterm::Dap);
    assert_eq!(q.collected_at_checkout, zero("NOK"));
    let excluded: Vec<&ExcludedGoods> = q.exclusions.iter().collect();
    assert_eq!(excluded.len(), 1, "{excluded:?}");
    assert_eq!(
        (
            excluded[0].line,
            excluded[0].hs_code.as_str(),
            excluded[0].excluded_from,
            excluded[0].rule.as_str(),
            excluded[0].rule_version,
            excluded[0].instead_of.as_str(),
        ),
        (
            1,
            hs,
            ExclusionScope::SellerCollection,
            rule,
            1,
            "collection.no.voec v1"
        )
    );
    assert!(excluded[0].goods.starts_with(goods), "{excluded:?}");
    assert!(excluded[0].reason.contains("cannot be sold through VOEC"));
    assert!(
        q.notes
            .iter()
            .any(|n| n.contains(&format!("(HS {hs}) — ")) && n.contains(rule)),
        "{:?}",
        q.notes
    );
    // At the border the T-shirt loses the VOEC duty relief too: 10.7 % on its CIF value.
    let shirt_duty = &q.duty_lines[0];
    assert_eq!(shirt_duty.rate, Some(dec!(10.7)));
    assert_eq!(shirt_duty.collected, Collection::AtDoor);
    // Import VAT at the door on everything.
    assert_eq!(q.tax_lines.len(), 1);
    assert_eq!(q.tax_lines[0].collected, Collection::AtDoor);
}

#[test]
fn excise_goods_cannot_be_quoted_duty_paid() {
    let mut c = voec_parcel(
        "2026-03-02",
        vec![
            line("610910", 1, m("400.00", "NOK"), "T-shirt"),
            line("220421", 1, m("250.00", "NOK"), "wine"),
        ],
    );
    c.incoterm_preference = Some(Incoterm::Ddp);
    let error = landed_cost(&c, &rules(), &tariffs(), &no_fx).unwrap_err();
    assert!(
        matches!(
            &error,
            LandedCostError::DutyPaidUnavailable { line: 1, rule, .. } if rule == "exclusion.no.voec_excise"
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().starts_with("lines[1] (HS 220421): "),
        "{error}"
    );
    // Foodstuffs carry no excise: DDP moves the border charges to checkout.
    c.lines[1] = line("090121", 1, m("250.00", "NOK"), "coffee");
    let q = landed_cost(&c, &rules(), &tariffs(), &no_fx).unwrap();
    assert_eq!(q.incoterm, Incoterm::Ddp);
    assert_eq!(q.due_at_door, zero("NOK"));
    assert!(duties(&q).iter().all(|d| d.3 == Collection::AtCheckout));
}
