//! Head-haul transfers: a seller moves its own stock from one of its warehouses to another,
//! usually from home to an overseas warehouse, by sea (containers), air (an air waybill) or
//! courier. The transfer is dispatched (`in_transit`) and later received (`received`), when the
//! warehouse counts what arrived against the advance notice. The customs facts follow from the
//! two warehouses: leaving China the stock is exported under mode 9810 (RULES.md §12); entering
//! another customs territory it is a B2B import whose duty — not the import VAT, which a
//! VAT-registered importer deducts (RULES.md §15) — becomes part of the stock's landed unit cost.
//! Pure: the caller passes the landed-cost engine's duty in.

use serde::{Deserialize, Serialize};
use silkroute_domain::country::CountryCode;
use silkroute_domain::identifiers::{IdentifierKind, validate};
use silkroute_domain::money::{Money, MoneyError, RoundingMode};
use silkroute_domain::validation::FieldErrors;
use utoipa::ToSchema;

use crate::allocation::WarehouseKind;
use crate::customs_mode::{ChinaCustomsMode, Movement, MovementPurpose, china_customs_mode};

/// The longest tracking number a courier prints; longer text is not a tracking number.
const MAX_TRACKING_NUMBER: usize = 40;
/// A 40-foot container ship's worth of boxes is far more than one advance notice names.
const MAX_CONTAINERS: usize = 50;

/// How the goods travel, with the references the carrier and customs know them by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Transport {
    /// Sea freight: the ISO 6346 numbers of the containers, normalised (`CSQU3054383`).
    Sea { containers: Vec<String> },
    /// Air freight: the IATA air waybill, normalised (`176-12345675`).
    Air { awb: String },
    /// An express courier's tracking number, as printed.
    Courier { tracking_number: String },
}

/// The transport as a client sends it: every field optional, so that each missing or invalid one
/// is reported at its own path instead of a deserialisation error for the whole object.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransportInput {
    /// `sea`, `air` or `courier`.
    pub mode: String,
    /// Sea: ISO 6346 container numbers (check digit verified).
    pub containers: Option<Vec<String>>,
    /// Air: the 11-digit IATA air waybill (mod-7 check digit verified).
    pub awb: Option<String>,
    /// Courier: the tracking number.
    pub tracking_number: Option<String>,
}

impl Transport {
    /// Validates `input`, naming fields under `at` (`transport.containers[1]`).
    pub fn parse(input: &TransportInput, at: &str, into: &mut FieldErrors) -> Option<Transport> {
        let mut errors = FieldErrors::new();
        let transport = match input.mode.as_str() {
            "sea" => {
                let containers = input.containers.clone().unwrap_or_default();
                if containers.is_empty() || containers.len() > MAX_CONTAINERS {
                    errors.push(
                        format!("{at}.containers"),
                        format!("sea freight names 1–{MAX_CONTAINERS} container numbers"),
                    );
                }
                let mut normalised = Vec::new();
                for (index, number) in containers.iter().enumerate() {
                    let checked = validate(IdentifierKind::Iso6346, number);
                    match (checked.valid, checked.normalized) {
                        (true, Some(number)) if !normalised.contains(&number) => {
                            normalised.push(number);
                        }
                        (true, Some(_)) => errors.push(
                            format!("{at}.containers[{index}]"),
                            "the same container is named twice",
                        ),
                        _ => errors.push(
                            format!("{at}.containers[{index}]"),
                            format!(
                                "not an ISO 6346 container number: {}",
                                checked.reason.unwrap_or_default()
                            ),
                        ),
                    }
                }
                Transport::Sea {
                    containers: normalised,
                }
            }
            "air" => {
                let checked = validate(IdentifierKind::Awb, input.awb.as_deref().unwrap_or(""));
                match (checked.valid, checked.normalized) {
                    (true, Some(awb)) => Transport::Air { awb },
                    _ => {
                        errors.push(
                            format!("{at}.awb"),
                            format!(
                                "not an IATA air waybill number: {}",
                                checked.reason.unwrap_or_default()
                            ),
                        );
                        Transport::Air { awb: String::new() }
                    }
                }
            }
            "courier" => {
                let number = input.tracking_number.as_deref().unwrap_or("").trim();
                let plain = number
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-');
                if number.is_empty() || number.len() > MAX_TRACKING_NUMBER || !plain {
                    errors.push(
                        format!("{at}.tracking_number"),
                        format!("1–{MAX_TRACKING_NUMBER} letters, digits or dashes"),
                    );
                }
                Transport::Courier {
                    tracking_number: number.to_uppercase(),
                }
            }
            _ => {
                into.push(format!("{at}.mode"), "must be sea, air or courier");
                return None;
            }
        };
        // References of another mode are a mistake the client should hear about, not drop.
        let stray = [
            ("containers", input.containers.is_some(), "sea"),
            ("awb", input.awb.is_some(), "air"),
            (
                "tracking_number",
                input.tracking_number.is_some(),
                "courier",
            ),
        ];
        for (field, given, mode) in stray {
            if given && mode != input.mode {
                errors.push(format!("{at}.{field}"), format!("only for mode {mode}"));
            }
        }
        let valid = errors.is_empty();
        for error in errors.into_vec() {
            into.push(error.field, error.message);
        }
        valid.then_some(transport)
    }

    pub fn mode(&self) -> &'static str {
        match self {
            Transport::Sea { .. } => "sea",
            Transport::Air { .. } => "air",
            Transport::Courier { .. } => "courier",
        }
    }

    /// What the waybill document of a declaration names: the containers, the AWB or the
    /// tracking number.
    pub fn waybill_reference(&self) -> String {
        match self {
            Transport::Sea { containers } => containers.join(" "),
            Transport::Air { awb } => awb.clone(),
            Transport::Courier { tracking_number } => tracking_number.clone(),
        }
    }
}

/// Where a transfer stands: dispatched goods are in transit until the destination counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransferStatus {
    InTransit,
    Received,
}

impl TransferStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            TransferStatus::InTransit => "in_transit",
            TransferStatus::Received => "received",
        }
    }

    pub fn parse(text: &str) -> Option<TransferStatus> {
        match text {
            "in_transit" => Some(TransferStatus::InTransit),
            "received" => Some(TransferStatus::Received),
            _ => None,
        }
    }
}

/// What the destination counted for one line of the advance notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCount {
    /// Units announced (dispatched).
    pub announced: i64,
    /// Good units received into stock.
    pub received: i64,
    /// Units that arrived unsellable.
    pub damaged: i64,
}

/// A difference between the advance notice and the count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscrepancyKind {
    /// Fewer units arrived (good or damaged) than were announced.
    Short,
    /// More units arrived than were announced.
    Over,
    /// Units arrived but cannot be sold.
    Damaged,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Discrepancy {
    /// The line's position in the transfer, from 0.
    pub line: usize,
    pub kind: DiscrepancyKind,
    pub quantity: i64,
}

/// The differences between what was announced and what arrived, line by line: damaged units
/// arrived (they count against a shortage), and what is missing beyond them is short.
pub fn discrepancies(counts: &[LineCount]) -> Vec<Discrepancy> {
    let mut found = Vec::new();
    for (line, count) in counts.iter().enumerate() {
        let arrived = count.received.saturating_add(count.damaged);
        if arrived < count.announced {
            found.push(Discrepancy {
                line,
                kind: DiscrepancyKind::Short,
                quantity: count.announced - arrived,
            });
        }
        if arrived > count.announced {
            found.push(Discrepancy {
                line,
                kind: DiscrepancyKind::Over,
                quantity: arrived - count.announced,
            });
        }
        if count.damaged > 0 {
            found.push(Discrepancy {
                line,
                kind: DiscrepancyKind::Damaged,
                quantity: count.damaged,
            });
        }
    }
    found
}

/// The customs formalities a transfer between two warehouses calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomsFacts {
    /// The Chinese export mode when the goods leave China (9810 for an overseas warehouse).
    pub export_mode: Option<ChinaCustomsMode>,
    /// Whether the goods enter another customs territory (a B2B import with duty and VAT).
    pub import: bool,
}

/// The EU is one customs territory: a transfer from Poland to Germany clears nothing.
fn same_customs_territory(from: CountryCode, to: CountryCode) -> bool {
    from == to || (from.is_eu_member() && to.is_eu_member())
}

pub fn customs_facts(
    from: CountryCode,
    from_kind: WarehouseKind,
    to: CountryCode,
    to_kind: WarehouseKind,
) -> CustomsFacts {
    let movement = Movement {
        from,
        from_kind,
        to,
        purpose: MovementPurpose::StockTransfer { to_kind },
    };
    let export_mode = china_customs_mode(&movement).filter(|mode| {
        // Only exports are declared at dispatch; a transfer into a Chinese bonded zone (1210)
        // is the bulk entry at arrival, which this slice does not declare.
        *mode == ChinaCustomsMode::ExportToOverseasWarehouse
    });
    // Goods put into a bonded warehouse are not imported yet: duty is due when they leave it.
    let import = !same_customs_territory(from, to) && to_kind != WarehouseKind::Bonded;
    CustomsFacts {
        export_mode,
        import,
    }
}

/// Splits `total` over `weights` pro rata in whole minor units (largest remainder first, ties
/// to the earlier line), so the parts add up to the total exactly.
pub fn allocate_by_value(total: Money, weights: &[Money]) -> Result<Vec<Money>, MoneyError> {
    let currency = total.currency();
    let sum: i128 = weights.iter().map(|w| i128::from(w.minor())).sum();
    let whole = i128::from(total.minor());
    if sum <= 0 {
        let mut parts = vec![Money::zero(currency); weights.len()];
        if let Some(first) = parts.first_mut() {
            *first = total;
        }
        return Ok(parts);
    }
    let mut parts: Vec<(i128, i128)> = weights
        .iter()
        .map(|w| {
            let product = whole * i128::from(w.minor());
            (product / sum, product % sum)
        })
        .collect();
    let mut left = whole - parts.iter().map(|p| p.0).sum::<i128>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|a, b| parts[*b].1.cmp(&parts[*a].1).then(a.cmp(b)));
    for index in order {
        if left <= 0 {
            break;
        }
        parts[index].0 += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .map(|(minor, _)| {
            i64::try_from(minor)
                .map(|m| Money::from_minor(m, currency))
                .map_err(|_| MoneyError::Overflow)
        })
        .collect()
}

/// The landed cost of one unit: its cost plus its share of the line's duty, spread over the
/// units declared (the duty was assessed on all of them, shortages included), rounded half-up.
pub fn landed_unit_cost(
    unit_cost: Money,
    line_duty: Money,
    declared_units: i64,
) -> Result<Money, MoneyError> {
    if declared_units <= 0 {
        return Ok(unit_cost);
    }
    let per_unit = Money::from_decimal(
        line_duty.to_decimal() / rust_decimal::Decimal::from(declared_units),
        line_duty.currency(),
        RoundingMode::HalfUp,
    )?;
    unit_cost.checked_add(per_unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use silkroute_domain::currency::CurrencyCode;

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).expect("country")
    }

    fn eur(minor: i64) -> Money {
        Money::from_minor(minor, CurrencyCode::parse("EUR").expect("currency"))
    }

    fn sea(containers: &[&str]) -> TransportInput {
        TransportInput {
            mode: "sea".into(),
            containers: Some(containers.iter().map(|c| c.to_string()).collect()),
            ..TransportInput::default()
        }
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn sea_freight_names_valid_containers_normalised() {
        let mut errors = FieldErrors::new();
        let transport = Transport::parse(&sea(&["CSQU 305438 3", "MSKU9070323"]), "t", &mut errors);
        assert!(errors.is_empty());
        let transport = transport.expect("valid");
        assert_eq!(transport.waybill_reference(), "CSQU3054383 MSKU9070323");
        assert_eq!(transport.mode(), "sea");
    }

    #[rstest]
    #[case(sea(&["CSQU3054383", "CSQU3054384"]), "transport.containers[1]")]
    #[case(sea(&["CSQU3054383", "CSQU3054383"]), "transport.containers[1]")]
    #[case(sea(&[]), "transport.containers")]
    #[case(TransportInput { mode: "air".into(), awb: Some("176-12345676".into()), ..TransportInput::default() }, "transport.awb")]
    #[case(TransportInput { mode: "air".into(), ..TransportInput::default() }, "transport.awb")]
    #[case(TransportInput { mode: "courier".into(), tracking_number: Some(" ".into()), ..TransportInput::default() }, "transport.tracking_number")]
    #[case(TransportInput { mode: "rail".into(), ..TransportInput::default() }, "transport.mode")]
    #[case(TransportInput { mode: "air".into(), awb: Some("176-12345675".into()), containers: Some(vec![]), ..TransportInput::default() }, "transport.containers")]
    fn invalid_references_are_named_at_their_path(
        #[case] input: TransportInput,
        #[case] field: &str,
    ) {
        let mut errors = FieldErrors::new();
        assert_eq!(Transport::parse(&input, "transport", &mut errors), None);
        assert!(fields(errors).contains(&field.to_string()));
    }

    #[test]
    fn an_air_waybill_passes_its_mod_7_check() {
        let mut errors = FieldErrors::new();
        let input = TransportInput {
            mode: "air".into(),
            awb: Some("17612345675".into()),
            ..TransportInput::default()
        };
        assert_eq!(
            Transport::parse(&input, "transport", &mut errors),
            Some(Transport::Air {
                awb: "176-12345675".into()
            })
        );
    }

    #[rstest]
    #[case(100, 97, 2, vec![(DiscrepancyKind::Short, 1), (DiscrepancyKind::Damaged, 2)])]
    #[case(100, 100, 0, vec![])]
    #[case(10, 12, 0, vec![(DiscrepancyKind::Over, 2)])]
    #[case(10, 9, 3, vec![(DiscrepancyKind::Over, 2), (DiscrepancyKind::Damaged, 3)])]
    #[case(10, 0, 0, vec![(DiscrepancyKind::Short, 10)])]
    fn a_count_yields_its_discrepancies(
        #[case] announced: i64,
        #[case] received: i64,
        #[case] damaged: i64,
        #[case] expected: Vec<(DiscrepancyKind, i64)>,
    ) {
        let found = discrepancies(&[LineCount {
            announced,
            received,
            damaged,
        }]);
        let found: Vec<_> = found.iter().map(|d| (d.kind, d.quantity)).collect();
        assert_eq!(found, expected);
    }

    #[rstest]
    #[case(
        "CN",
        WarehouseKind::Seller,
        "DE",
        WarehouseKind::Overseas3pl,
        Some(ChinaCustomsMode::ExportToOverseasWarehouse),
        true
    )]
    #[case(
        "CN",
        WarehouseKind::Seller,
        "CN",
        WarehouseKind::Platform,
        None,
        false
    )]
    #[case(
        "PL",
        WarehouseKind::Overseas3pl,
        "DE",
        WarehouseKind::Overseas3pl,
        None,
        false
    )]
    #[case(
        "US",
        WarehouseKind::Seller,
        "GB",
        WarehouseKind::Overseas3pl,
        None,
        true
    )]
    #[case(
        "CN",
        WarehouseKind::Seller,
        "NL",
        WarehouseKind::Bonded,
        Some(ChinaCustomsMode::ExportToOverseasWarehouse),
        false
    )]
    fn the_warehouses_decide_the_customs_formalities(
        #[case] from: &str,
        #[case] from_kind: WarehouseKind,
        #[case] to: &str,
        #[case] to_kind: WarehouseKind,
        #[case] export_mode: Option<ChinaCustomsMode>,
        #[case] import: bool,
    ) {
        let facts = customs_facts(country(from), from_kind, country(to), to_kind);
        assert_eq!(facts.export_mode, export_mode);
        assert_eq!(facts.import, import);
    }

    #[test]
    fn duty_is_allocated_by_value_and_adds_up() {
        let parts = allocate_by_value(eur(1_001), &[eur(100_000), eur(50_000), eur(50_000)])
            .expect("allocate");
        assert_eq!(parts, vec![eur(501), eur(250), eur(250)]);
        let parts = allocate_by_value(eur(7), &[eur(0), eur(0)]).expect("allocate");
        assert_eq!(parts, vec![eur(7), eur(0)]);
    }

    #[test]
    fn the_landed_unit_cost_adds_the_duty_per_declared_unit() {
        // 100 units at EUR 10.00, 12 % duty = EUR 120.00 → EUR 1.20 a unit.
        assert_eq!(
            landed_unit_cost(eur(1_000), eur(12_000), 100).expect("cost"),
            eur(1_120)
        );
        // EUR 1.00 over 3 units: 0.333… rounds to 0.33.
        assert_eq!(
            landed_unit_cost(eur(500), eur(100), 3).expect("cost"),
            eur(533)
        );
        assert_eq!(
            landed_unit_cost(eur(500), eur(100), 0).expect("cost"),
            eur(500)
        );
    }
}
