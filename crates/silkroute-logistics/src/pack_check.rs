//! Pack verification: the packer scans the barcode of every unit going into the parcel, and the
//! scans must match the shipment's items exactly — no unit of another product, no unit too many,
//! none left out — before the parcel is sealed. Catching a wrong item here costs a rescan;
//! catching it at the buyer's door costs a return across a border.

use silkroute_domain::identifiers::Gtin;

/// So many units of one product the parcel must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackUnit {
    pub sku: String,
    /// The product's GTIN; a product without one cannot be verified by scanning.
    pub gtin: Option<Gtin>,
    pub quantity: i64,
}

/// One refusal: `field` is `scans[i]` for a scan, `scans` for what is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanProblem {
    pub field: String,
    pub message: String,
}

/// Checks `scans` against `expected`; every problem at once, none when they match exactly.
/// GTINs compare as GTIN-14, because scanners report a GTIN-13 with or without its leading zero.
pub fn check_scans(expected: &[PackUnit], scans: &[String]) -> Vec<ScanProblem> {
    let keys: Vec<Option<String>> = expected
        .iter()
        .map(|unit| unit.gtin.as_ref().map(Gtin::to_gtin14))
        .collect();
    let mut counted = vec![0_i64; expected.len()];
    let mut problems = Vec::new();
    for (index, scan) in scans.iter().enumerate() {
        let field = format!("scans[{index}]");
        let gtin = match Gtin::parse(scan.trim()) {
            Ok(gtin) => gtin,
            Err(error) => {
                problems.push(ScanProblem {
                    field,
                    message: format!("not a GTIN: {error}"),
                });
                continue;
            }
        };
        let key = gtin.to_gtin14();
        let Some(at) = keys.iter().position(|k| k.as_deref() == Some(key.as_str())) else {
            problems.push(ScanProblem {
                field,
                message: format!("GTIN {} is not in this parcel", gtin.as_str()),
            });
            continue;
        };
        if counted[at] >= expected[at].quantity {
            problems.push(ScanProblem {
                field,
                message: format!(
                    "one unit too many of SKU {}: the parcel holds {}",
                    expected[at].sku, expected[at].quantity
                ),
            });
            continue;
        }
        counted[at] += 1;
    }
    let missing: Vec<String> = expected
        .iter()
        .zip(&counted)
        .filter(|(unit, count)| **count < unit.quantity)
        .map(|(unit, count)| match &unit.gtin {
            Some(gtin) => format!(
                "{} × SKU {} (GTIN {})",
                unit.quantity - count,
                unit.sku,
                gtin.as_str()
            ),
            None => format!(
                "{} × SKU {} (no GTIN on the product: give it one to pack by scanning)",
                unit.quantity - count,
                unit.sku
            ),
        })
        .collect();
    if !missing.is_empty() {
        problems.push(ScanProblem {
            field: "scans".into(),
            message: format!("still missing: {}", missing.join(", ")),
        });
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEE: &str = "4006381333931";
    const MUG: &str = "5901234123457";

    fn unit(sku: &str, gtin: Option<&str>, quantity: i64) -> PackUnit {
        PackUnit {
            sku: sku.into(),
            gtin: gtin.map(|g| Gtin::parse(g).expect("gtin")),
            quantity,
        }
    }

    fn scans(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    fn fields(problems: &[ScanProblem]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn an_exact_match_in_any_order_passes() {
        let expected = [unit("TEE-1", Some(TEE), 2), unit("MUG-9", Some(MUG), 1)];
        assert!(check_scans(&expected, &scans(&[TEE, MUG, TEE])).is_empty());
    }

    #[test]
    fn a_gtin_14_scan_matches_its_gtin_13() {
        let expected = [unit("TEE-1", Some(TEE), 1)];
        assert!(check_scans(&expected, &scans(&["04006381333931"])).is_empty());
    }

    #[test]
    fn a_wrong_item_is_refused_at_its_scan() {
        let expected = [unit("TEE-1", Some(TEE), 1)];
        let problems = check_scans(&expected, &scans(&[MUG, TEE]));
        assert_eq!(fields(&problems), vec!["scans[0]"]);
        assert!(problems[0].message.contains("not in this parcel"));
    }

    #[test]
    fn one_too_many_is_refused_at_the_extra_scan() {
        let expected = [unit("TEE-1", Some(TEE), 1)];
        let problems = check_scans(&expected, &scans(&[TEE, TEE]));
        assert_eq!(fields(&problems), vec!["scans[1]"]);
    }

    #[test]
    fn a_bad_check_digit_is_not_a_gtin() {
        let expected = [unit("TEE-1", Some(TEE), 1)];
        let problems = check_scans(&expected, &scans(&["4006381333932", TEE]));
        assert_eq!(fields(&problems), vec!["scans[0]"]);
    }

    #[test]
    fn a_partial_scan_names_what_is_missing() {
        let expected = [unit("TEE-1", Some(TEE), 3), unit("CUP-2", None, 1)];
        let problems = check_scans(&expected, &scans(&[TEE]));
        assert_eq!(fields(&problems), vec!["scans"]);
        assert!(
            problems[0].message.contains("2 × SKU TEE-1"),
            "{problems:?}"
        );
        assert!(problems[0].message.contains("CUP-2"), "{problems:?}");
    }
}
