//! Canada's de minimis depends on the origin and the channel (the CUSMA courier thresholds
//! override the general CAD 20) and its tax rate on the province, so its cases need their own
//! place to show that the most specific rule wins and that an unknown province falls back safely.

use super::*;

#[rstest]
#[case("CN", "20.00", true)]
#[case("CN", "20.01", false)]
#[case("US", "40.00", true)]
#[case("US", "40.01", false)]
fn ca_courier_thresholds_depend_on_origin(
    #[case] origin: &str,
    #[case] value: &str,
    #[case] free: bool,
) {
    let c = consignment(
        "CA",
        origin,
        "2026-03-02",
        vec![line("950300", 1, m(value, "CAD"), "toy")],
        zero("CAD"),
    );
    let q = quote(&c);
    assert_eq!(q.tax_lines.is_empty(), free, "{q:?}");
    if origin == "CN" && !free {
        // Courier from China: the general CAD 20 threshold, duty lines present (toys 0 %).
        assert_eq!(q.duty_lines[0].rule, "tariff.ca.9503");
    }
}

#[test]
fn unknown_region_falls_back_to_the_federal_rate_with_a_note() {
    let mut c = consignment(
        "CA",
        "CN",
        "2026-03-02",
        vec![line("950300", 1, m("100.00", "CAD"), "toy")],
        zero("CAD"),
    );
    c.region = Some("ZZ".into());
    let q = quote(&c);
    assert_eq!(q.tax_lines[0].rule, "vat.ca.gst");
    assert!(
        q.notes.iter().any(|n| n.contains("region ZZ")),
        "{:?}",
        q.notes
    );
}
