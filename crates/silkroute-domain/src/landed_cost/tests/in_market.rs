//! Sales from stock already in the market (RULES.md §15): no duty, the VAT of the place of
//! arrival on goods and delivery, collected at checkout; the intra-EU reverse charge for a
//! registered business; refused when the warehouse is not in the market.

use super::*;

fn from_stock(dest: &str, origin: &str, supply: InMarketSupply, seller: &str) -> LandedCost {
    let c = consignment(
        dest,
        origin,
        "2026-03-02",
        vec![line("691200", 2, m("40.00", "EUR"), "stoneware teapot")],
        m("5.90", "EUR"),
    );
    in_market_supply(
        &c,
        supply,
        CountryCode::parse(seller).unwrap(),
        &rules(),
        &tariffs(),
        &no_fx,
    )
    .unwrap()
}

#[test]
fn a_domestic_sale_in_germany_charges_19_percent_on_goods_and_delivery_and_no_duty() {
    let q = from_stock("DE", "DE", InMarketSupply::Domestic, "CN");
    assert!(q.duty_lines.is_empty());
    assert_eq!(q.tax_lines.len(), 1);
    let vat = &q.tax_lines[0];
    assert_eq!(vat.rule, "vat.de.standard");
    assert_eq!(vat.base, m("85.90", "EUR"));
    // 85.90 × 19 % = 16.321 → 16.32
    assert_eq!(vat.amount, m("16.32", "EUR"));
    assert_eq!(vat.collected, Collection::AtCheckout);
    assert!(vat.label.contains("deemed supplier"), "{}", vat.label);
    assert_eq!(q.collected_at_checkout, m("16.32", "EUR"));
    assert_eq!(q.due_at_door, zero("EUR"));
    assert_eq!(q.incoterm, Incoterm::Ddp);
    assert_traceable(&q);
}

#[test]
fn an_intra_eu_distance_sale_charges_the_arrival_member_states_rate_under_oss() {
    let q = from_stock("FR", "DE", InMarketSupply::IntraUnion, "CN");
    let vat = &q.tax_lines[0];
    assert_eq!(vat.rule, "vat.fr.standard");
    // 85.90 × 20 % = 17.18
    assert_eq!(vat.amount, m("17.18", "EUR"));
    assert!(vat.label.contains("OSS"), "{}", vat.label);
    assert!(q.duty_lines.is_empty());
    // An EU seller declares its own VAT.
    let own = from_stock("FR", "DE", InMarketSupply::IntraUnion, "PL");
    assert!(own.tax_lines[0].label.contains("the seller"));
}

#[test]
fn a_registered_business_buyer_in_another_member_state_self_accounts() {
    let mut c = consignment(
        "FR",
        "DE",
        "2026-03-02",
        vec![line("691200", 2, m("40.00", "EUR"), "stoneware teapot")],
        m("5.90", "EUR"),
    );
    c.buyer = BuyerKind::Business;
    c.buyer_has_valid_eu_vat = true;
    let q = in_market_supply(
        &c,
        InMarketSupply::IntraUnion,
        CountryCode::parse("CN").unwrap(),
        &rules(),
        &tariffs(),
        &no_fx,
    )
    .unwrap();
    assert!(q.tax_lines.is_empty());
    assert!(q.notes.iter().any(|n| n.contains("reverse charge")));
}

#[rstest]
#[case("DE", "CN", InMarketSupply::Domestic)]
#[case("FR", "FR", InMarketSupply::IntraUnion)]
#[case("GB", "DE", InMarketSupply::IntraUnion)]
fn a_warehouse_outside_the_market_is_refused(
    #[case] dest: &str,
    #[case] origin: &str,
    #[case] supply: InMarketSupply,
) {
    let c = consignment(
        dest,
        origin,
        "2026-03-02",
        vec![line("691200", 1, m("40.00", "EUR"), "teapot")],
        m("5.90", "EUR"),
    );
    let cn = CountryCode::parse("CN").unwrap();
    assert!(matches!(
        in_market_supply(&c, supply, cn, &rules(), &tariffs(), &no_fx),
        Err(LandedCostError::NotInMarket { .. })
    ));
}
