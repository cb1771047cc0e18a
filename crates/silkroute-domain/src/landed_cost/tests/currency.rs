//! A quote is in the destination's currency of the quote day: Croatia counted in kuna until
//! 2022-12-31 and Bulgaria in lev until 2025-12-31. Amounts may be given in such a retired
//! currency for a day it was in use, never after.

use super::*;
use crate::currency::CurrencyError;

fn historic(code: &str) -> CurrencyCode {
    CurrencyCode::parse_historical(code).unwrap()
}

/// The ECB rates of the days used below (HRK 7.5365 on 2022-12-30; BGN fixed at 1.9558).
fn legs(currency: CurrencyCode) -> Option<PublishedRate> {
    let (date, per_eur) = match currency.as_str() {
        "HRK" => ("2022-12-30", dec!(7.5365)),
        "BGN" => ("2025-12-31", dec!(1.9558)),
        _ => return None,
    };
    Some(PublishedRate {
        currency,
        date: date.parse().unwrap(),
        per_eur,
    })
}

fn parcel(dest: &str, on: &str, unit: Money) -> Consignment {
    let freight = Money::zero(unit.currency());
    consignment(
        dest,
        "CN",
        on,
        vec![line("610910", 1, unit, "T-shirt")],
        freight,
    )
}

#[rstest]
#[case::kuna_on_the_last_day("HR", "2022-12-31", "HRK", "753.65", "188.41")]
#[case::euro_from_the_changeover("HR", "2023-01-01", "EUR", "100.00", "25.00")]
#[case::lev_on_the_last_day("BG", "2025-12-31", "BGN", "195.58", "39.12")]
#[case::euro_in_bulgaria("BG", "2026-01-01", "EUR", "100.00", "20.00")]
fn the_quote_is_in_the_destinations_currency_of_the_day(
    #[case] dest: &str,
    #[case] on: &str,
    #[case] currency: &str,
    #[case] goods: &str,
    #[case] vat: &str,
) {
    let c = parcel(dest, on, m("100.00", "EUR"));
    let q = landed_cost(&c, &rules(), &tariffs(), &legs).unwrap();
    assert_traceable(&q);
    assert_eq!(q.currency, historic(currency));
    // EUR 100 at the day's rate; IOSS VAT (HR 25 %, BG 20 %) at checkout in that currency.
    assert_eq!(
        q.goods,
        Money::parse_exact(goods, historic(currency)).unwrap()
    );
    assert_eq!(q.incoterm, Incoterm::Ddp);
    assert_eq!(
        q.tax_total(),
        Money::parse_exact(vat, historic(currency)).unwrap()
    );
}

#[test]
fn a_price_in_kuna_is_quoted_on_a_day_the_kuna_was_in_use() {
    // HRK 753.65 = EUR 100.00 at 7.5365: within IOSS and the duty relief, tested in euros.
    let c = parcel(
        "HR",
        "2022-12-31",
        Money::parse_exact("753.65", historic("HRK")).unwrap(),
    );
    let q = landed_cost(&c, &rules(), &tariffs(), &legs).unwrap();
    assert_eq!(q.currency, historic("HRK"));
    assert_eq!(q.incoterm, Incoterm::Ddp);
    assert!(q.duty_lines.is_empty());
    assert_eq!(
        q.goods,
        Money::parse_exact("753.65", historic("HRK")).unwrap()
    );
}

#[rstest]
#[case::kuna_after_the_changeover("HR", "2023-01-01", "HRK", "2023-01-01")]
#[case::kuna_priced_parcel_to_germany("DE", "2024-05-02", "HRK", "2023-01-01")]
#[case::lev_in_2026("BG", "2026-01-01", "BGN", "2026-01-01")]
fn a_retired_currency_after_its_last_day_is_refused_with_the_day(
    #[case] dest: &str,
    #[case] on: &str,
    #[case] currency: &str,
    #[case] retired_on: &str,
) {
    let c = parcel(
        dest,
        on,
        Money::parse_exact("10.00", historic(currency)).unwrap(),
    );
    let error = landed_cost(&c, &rules(), &tariffs(), &legs).unwrap_err();
    assert_eq!(
        error,
        LandedCostError::CurrencyNotInUse {
            field: "lines[0].unit_value".into(),
            error: CurrencyError::Retired {
                code: currency.into(),
                retired_on: retired_on.parse().unwrap(),
                replaced_by: "EUR",
            },
        }
    );
    assert!(
        error.to_string().starts_with(&format!(
            "lines[0].unit_value: ISO 4217 code '{currency}' was retired on {retired_on}"
        )),
        "{error}"
    );
}
