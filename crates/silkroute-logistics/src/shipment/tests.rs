//! The shipment rules as tables: status moves, units left, parcel limits, the declaration by
//! border and value, and the test carrier numbering from its range until it is used up.

use chrono::NaiveDate;
use rstest::rstest;
use rust_decimal_macros::dec;
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::money::Money;

use super::carrier::{Carrier, CarrierError, CarrierShipmentRequest, TestCarrier};
use super::*;
use crate::address::{PostalAddress, ValidAddress};
use crate::tracking_number::S10Range;

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("country")
}

fn item(line_no: i64, quantity: i64) -> ShipmentItem {
    ShipmentItem { line_no, quantity }
}

#[rstest]
#[case(
    ShipmentStatus::Created,
    ShipmentAction::HandOver,
    Some(ShipmentStatus::HandedOver)
)]
#[case(
    ShipmentStatus::Created,
    ShipmentAction::Cancel,
    Some(ShipmentStatus::Cancelled)
)]
#[case(ShipmentStatus::HandedOver, ShipmentAction::Cancel, None)]
#[case(ShipmentStatus::HandedOver, ShipmentAction::HandOver, None)]
#[case(ShipmentStatus::Cancelled, ShipmentAction::Cancel, None)]
#[case(ShipmentStatus::Cancelled, ShipmentAction::HandOver, None)]
fn cancel_only_before_hand_over(
    #[case] from: ShipmentStatus,
    #[case] action: ShipmentAction,
    #[case] to: Option<ShipmentStatus>,
) {
    assert_eq!(transition(from, action).ok(), to);
    assert_eq!(ShipmentStatus::parse(from.as_str()), Some(from));
}

#[test]
fn what_is_left_to_ship_counts_live_shipments() {
    let ordered = [item(2, 1), item(1, 3)];
    assert_eq!(unshipped(&ordered, &[]), vec![item(1, 3), item(2, 1)]);
    assert_eq!(
        unshipped(&ordered, &[item(1, 2), item(2, 1)]),
        vec![item(1, 1)]
    );
    assert!(unshipped(&ordered, &[item(1, 3), item(2, 1)]).is_empty());
}

#[test]
fn requested_items_are_checked_against_what_is_left() {
    let left = [item(1, 2), item(2, 1)];
    assert!(check_items(&[item(1, 2)], &left).is_empty());
    let problems = check_items(&[item(1, 3), item(9, 1), item(2, 0), item(1, 1)], &left);
    let found: Vec<(Option<usize>, &str)> = problems.iter().map(|p| (p.index, p.field)).collect();
    assert_eq!(
        found,
        vec![
            (Some(0), "quantity"),
            (Some(1), "line_no"),
            (Some(2), "quantity"),
            (Some(3), "line_no")
        ]
    );
    assert_eq!(check_items(&[], &[])[0].field, "items");
}

#[test]
fn an_order_is_complete_when_nothing_is_left() {
    let left = [item(1, 2), item(2, 1)];
    assert!(completes_order(&left, &[item(1, 2), item(2, 1)]));
    assert!(!completes_order(&left, &[item(1, 2)]));
}

#[rstest]
#[case(500, None, None, None, &[])]
#[case(0, None, None, None, &["weight_g"])]
#[case(30_001, None, None, None, &["weight_g"])]
#[case(500, Some(300), None, None, &["width_mm", "height_mm"])]
#[case(500, Some(300), Some(0), Some(1_501), &["width_mm", "height_mm"])]
fn parcels_have_limits(
    #[case] weight_g: u32,
    #[case] length_mm: Option<u32>,
    #[case] width_mm: Option<u32>,
    #[case] height_mm: Option<u32>,
    #[case] fields: &[&str],
) {
    let parcel = ParcelSpec {
        weight_g,
        length_mm,
        width_mm,
        height_mm,
    };
    let found: Vec<&str> = check_parcel(&parcel).iter().map(|p| p.field).collect();
    assert_eq!(found, fields);
}

fn contents(sdr: rust_decimal::Decimal) -> SdrConversion {
    SdrConversion {
        amount: Money::from_minor(1, CurrencyCode::EUR),
        sdr,
        per_sdr: dec!(1.2),
        eur_per_sdr: dec!(1.2),
        rates_date: NaiveDate::from_ymd_opt(2026, 10, 30).expect("date"),
        basket_effective_from: NaiveDate::from_ymd_opt(2022, 8, 1).expect("date"),
    }
}

#[rstest]
#[case("CN", "DE", dec!(300), Some(DeclarationForm::Cn22))]
#[case("CN", "DE", dec!(300.000001), Some(DeclarationForm::Cn23))]
#[case("US", "GB", dec!(12), Some(DeclarationForm::Cn22))]
#[case("DE", "FR", dec!(5000), None)]
#[case("DE", "DE", dec!(5000), None)]
#[case("DE", "CH", dec!(10), Some(DeclarationForm::Cn22))]
fn the_declaration_follows_the_border_and_the_value(
    #[case] from: &str,
    #[case] to: &str,
    #[case] sdr: rust_decimal::Decimal,
    #[case] form: Option<DeclarationForm>,
) {
    let chosen = declaration_for(country(from), country(to), &contents(sdr));
    assert_eq!(chosen.map(|choice| choice.form), form);
}

fn address(recipient: &str, code: &str, city: &str, postal_code: &str) -> ValidAddress {
    let address = PostalAddress {
        recipient: recipient.into(),
        organisation: None,
        street_lines: vec!["1 Test Road".into()],
        dependent_locality: None,
        city: Some(city.into()),
        state: None,
        postal_code: Some(postal_code.into()),
        sorting_code: None,
        country: country(code),
        phone: None,
        email: None,
    };
    ValidAddress::try_from(address).expect("valid")
}

#[test]
fn the_test_carrier_numbers_from_its_range_until_it_is_used_up() {
    let from = address("Li Wei", "DE", "Berlin", "10115");
    let to = address("Anna", "DE", "Köln", "51147");
    let parcel = ParcelSpec {
        weight_g: 400,
        length_mm: None,
        width_mm: None,
        height_mm: None,
    };
    let request = CarrierShipmentRequest {
        service_id: "test.economy",
        ship_from: &from,
        ship_to: &to,
        parcel: &parcel,
        reference: "ord_x",
    };
    let range = S10Range::resume("RR", country("CN"), 1, 3, Some(2)).expect("range");
    let mut carrier = TestCarrier::new(range);
    let first = carrier.create_shipment(&request).expect("label");
    assert_eq!(first.tracking_number.as_str(), "RR000000028CN");
    assert_eq!(carrier.range().next_serial(), Some(3));
    carrier.create_shipment(&request).expect("label");
    assert!(matches!(
        carrier.create_shipment(&request),
        Err(CarrierError::Numbers(_))
    ));
    assert!(S10Range::resume("RR", country("CN"), 1, 3, Some(4)).is_err());
}
