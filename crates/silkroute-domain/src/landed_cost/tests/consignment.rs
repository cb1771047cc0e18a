//! A quote crosses the API as JSON and a consignment arrives from callers who can get it wrong,
//! so these cases check what holds for every destination: the types round-trip unchanged and
//! invalid input is refused with a specific error instead of a misleading quote.

use super::*;

#[test]
fn quote_and_consignment_round_trip_through_json() {
    let c = cbec("1000.00", 1, Some(dec!(15)));
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["lines"][0]["consumption_tax_rate"], "15");
    assert_eq!(serde_json::from_value::<Consignment>(json).unwrap(), c);
    let q = quote(&c);
    let json = serde_json::to_value(&q).unwrap();
    assert_eq!(json["tax_lines"][0]["collected"], "at_checkout");
    assert_eq!(json["incoterm"], "DDP");
    assert_eq!(serde_json::from_value::<LandedCost>(json).unwrap(), q);
}

#[test]
fn invalid_consignments_are_refused() {
    let mut c = e1_parcel("2026-03-02");
    c.freight = m("10.00", "USD");
    assert!(matches!(
        landed_cost(&c, &rules(), &tariffs(), &no_fx),
        Err(LandedCostError::MixedCurrencies { .. })
    ));
    let mut c = e1_parcel("2026-03-02");
    c.lines.clear();
    assert_eq!(
        landed_cost(&c, &rules(), &tariffs(), &no_fx),
        Err(LandedCostError::NoLines)
    );
    let mut c = e1_parcel("2026-03-02");
    c.destination = CountryCode::parse("AR").unwrap();
    c.lines = vec![line("610910", 1, m("10.00", "ARS"), "x")];
    c.freight = zero("ARS");
    c.insurance = zero("ARS");
    assert!(matches!(
        landed_cost(&c, &rules(), &tariffs(), &no_fx),
        Err(LandedCostError::MissingRule { .. })
    ));
}
