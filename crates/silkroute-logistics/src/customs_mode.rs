//! China Customs files every cross-border e-commerce movement under a supervision mode
//! (RULES.md §12), and the mode decides how the goods clear: per-parcel inventory lists matched
//! against the platform's order, the payment record and the waybill (9610, 1210), a B2B
//! declaration (9710) or an export to an overseas warehouse (9810). The platform has to say which
//! mode applies before it pushes its documents, so the choice is a pure function of the movement.
//!
//! Choices beyond the table in RULES.md, each [S]: a parcel to a consumer *from a bonded
//! warehouse in China* is 1210 both ways (bonded import, and bonded export for goods leaving
//! one); a transfer of stock *into* a Chinese bonded warehouse is declared under 1210 too (the
//! bulk entry); imports for a business buyer, and transfers of stock into China outside a bonded
//! zone, are general trade rather than e-commerce modes, so no mode is returned. 1239 (1210 in
//! cities outside the original pilots) depends on the zone and is not chosen here.

use serde::{Deserialize, Serialize};
use silkroute_domain::country::CountryCode;
use silkroute_domain::hs::HsCode;
use silkroute_domain::money::Money;
use silkroute_domain::party::BuyerKind;

use crate::allocation::WarehouseKind;

/// The cross-border e-commerce supervision modes the platform files under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChinaCustomsMode {
    /// 9610: B2C retail by direct mail, export or import, one inventory list per parcel.
    #[serde(rename = "9610")]
    CrossBorderEcommerce,
    /// 1210: bonded cross-border e-commerce, released from bonded stock per retail order.
    #[serde(rename = "1210")]
    BondedEcommerce,
    /// 9710: B2B direct export to a foreign business buyer.
    #[serde(rename = "9710")]
    B2bDirectExport,
    /// 9810: export of stock to an overseas warehouse, sold from there later.
    #[serde(rename = "9810")]
    ExportToOverseasWarehouse,
}

/// Goods moving from a warehouse in one country to another country.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub from: CountryCode,
    pub from_kind: WarehouseKind,
    pub to: CountryCode,
    pub purpose: MovementPurpose,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "purpose", rename_all = "snake_case")]
pub enum MovementPurpose {
    /// A parcel to the buyer of an order.
    Sale { buyer: BuyerKind },
    /// Stock moved between the seller's warehouses (a head-haul to an overseas warehouse).
    StockTransfer { to_kind: WarehouseKind },
}

/// Which way the goods cross China's border, if they do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    Export,
    Import,
}

/// The order as the platform pushes it: goods, HS codes, quantities, prices and, for imports,
/// the buyer's identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDocument {
    pub order_reference: String,
    pub lines: Vec<OrderDocumentLine>,
    pub total: Money,
    /// Required for imports: customs checks the annual personal quota against it.
    pub buyer: Option<BuyerIdentity>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDocumentLine {
    pub description: String,
    pub hs_code: HsCode,
    pub quantity: u32,
    pub unit_price: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerIdentity {
    pub name: String,
    /// The national identity document number customs matches the payer against.
    pub id_number: String,
}

/// The payment as the payment company pushes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentDocument {
    pub order_reference: String,
    pub payer: String,
    pub amount: Money,
    pub transaction_id: String,
}

/// The waybill as the logistics company pushes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaybillDocument {
    pub order_reference: String,
    pub carrier: String,
    pub tracking_number: String,
    pub consignee: String,
}

/// The three documents customs matches before it releases a 9610 or 1210 parcel (三单对碰).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreeDocuments {
    pub order: OrderDocument,
    pub payment: PaymentDocument,
    pub waybill: WaybillDocument,
}

/// Why the three documents would not match at customs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThreeDocumentMismatch {
    #[error("the {document} names order {found}, the order is {expected}")]
    OrderReference {
        document: &'static str,
        expected: String,
        found: String,
    },
    #[error("the order total {total} is not the sum of its lines, {sum}")]
    OrderTotal { total: Money, sum: Money },
    #[error("the payment of {paid} does not match the order total {total}")]
    Amount { paid: Money, total: Money },
    #[error("an import order needs the buyer's name and identity number")]
    BuyerIdentity,
    #[error("the payer {payer} is not the buyer {buyer}")]
    Payer { payer: String, buyer: String },
}

/// The mode China Customs files `movement` under, or `None` when China is not involved or the
/// movement is not cross-border e-commerce (see the module documentation).
pub fn china_customs_mode(movement: &Movement) -> Option<ChinaCustomsMode> {
    use ChinaCustomsMode::*;
    let china = CountryCode::parse("CN").ok()?;
    let from_china = movement.from == china;
    let to_china = movement.to == china;
    let from_bonded = movement.from_kind == WarehouseKind::Bonded;
    match movement.purpose {
        MovementPurpose::Sale { buyer } => match (from_china, to_china, buyer) {
            (true, false, BuyerKind::Consumer) if from_bonded => Some(BondedEcommerce),
            (true, false, BuyerKind::Consumer) => Some(CrossBorderEcommerce),
            (true, false, BuyerKind::Business) => Some(B2bDirectExport),
            (true, true, BuyerKind::Consumer) if from_bonded => Some(BondedEcommerce),
            (false, true, BuyerKind::Consumer) => Some(CrossBorderEcommerce),
            _ => None,
        },
        MovementPurpose::StockTransfer { to_kind } => {
            let into_bonded = to_china && to_kind == WarehouseKind::Bonded;
            if from_china && !to_china {
                Some(ExportToOverseasWarehouse)
            } else if into_bonded && !(from_china && from_bonded) {
                Some(BondedEcommerce)
            } else {
                None
            }
        }
    }
}

impl ChinaCustomsMode {
    /// The four-digit code on the declaration.
    pub fn code(&self) -> &'static str {
        match self {
            ChinaCustomsMode::CrossBorderEcommerce => "9610",
            ChinaCustomsMode::BondedEcommerce => "1210",
            ChinaCustomsMode::B2bDirectExport => "9710",
            ChinaCustomsMode::ExportToOverseasWarehouse => "9810",
        }
    }

    /// Whether customs clears each parcel against the three documents.
    pub fn needs_three_documents(&self) -> bool {
        matches!(
            self,
            ChinaCustomsMode::CrossBorderEcommerce | ChinaCustomsMode::BondedEcommerce
        )
    }
}

impl Movement {
    /// Export when the goods leave China (or a Chinese bonded zone for abroad), import when they
    /// enter China's customs territory (from abroad, or released from a bonded zone).
    pub fn flow(&self) -> Option<Flow> {
        let china = CountryCode::parse("CN").ok()?;
        match (self.from == china, self.to == china) {
            (true, false) => Some(Flow::Export),
            (false, true) => Some(Flow::Import),
            (true, true) if self.from_kind == WarehouseKind::Bonded => Some(Flow::Import),
            _ => None,
        }
    }
}

impl ThreeDocuments {
    /// Checks what customs matches: one order reference on all three, the order's lines adding
    /// up to its total, the payment equal to the total and, for imports, the buyer named and
    /// paying.
    pub fn check(&self, flow: Flow) -> Result<(), ThreeDocumentMismatch> {
        let expected = &self.order.order_reference;
        for (document, found) in [
            ("payment", &self.payment.order_reference),
            ("waybill", &self.waybill.order_reference),
        ] {
            if found != expected {
                return Err(ThreeDocumentMismatch::OrderReference {
                    document,
                    expected: expected.clone(),
                    found: found.clone(),
                });
            }
        }
        let total = self.order.total;
        let sum = self
            .order
            .lines
            .iter()
            .try_fold(Money::zero(total.currency()), |sum, line| {
                let minor = line
                    .unit_price
                    .minor()
                    .checked_mul(i64::from(line.quantity))?;
                sum.checked_add(Money::from_minor(minor, line.unit_price.currency()))
                    .ok()
            });
        if sum != Some(total) {
            return Err(ThreeDocumentMismatch::OrderTotal {
                total,
                sum: sum.unwrap_or(Money::zero(total.currency())),
            });
        }
        if self.payment.amount != total {
            return Err(ThreeDocumentMismatch::Amount {
                paid: self.payment.amount,
                total,
            });
        }
        if flow == Flow::Import {
            let buyer = self
                .order
                .buyer
                .as_ref()
                .filter(|b| !b.name.trim().is_empty() && !b.id_number.trim().is_empty())
                .ok_or(ThreeDocumentMismatch::BuyerIdentity)?;
            if self.payment.payer != buyer.name {
                return Err(ThreeDocumentMismatch::Payer {
                    payer: self.payment.payer.clone(),
                    buyer: buyer.name.clone(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use silkroute_domain::currency::CurrencyCode;

    use ChinaCustomsMode::*;
    use WarehouseKind::*;

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).expect("test country")
    }

    fn sale(from: &str, kind: WarehouseKind, to: &str, buyer: BuyerKind) -> Movement {
        Movement {
            from: country(from),
            from_kind: kind,
            to: country(to),
            purpose: MovementPurpose::Sale { buyer },
        }
    }

    fn transfer(from: &str, kind: WarehouseKind, to: &str, to_kind: WarehouseKind) -> Movement {
        Movement {
            from: country(from),
            from_kind: kind,
            to: country(to),
            purpose: MovementPurpose::StockTransfer { to_kind },
        }
    }

    #[rstest]
    // RULES.md §12: a parcel from CN to a consumer abroad.
    #[case(
        sale("CN", Seller, "DE", BuyerKind::Consumer),
        Some(CrossBorderEcommerce)
    )]
    #[case(
        sale("CN", Platform, "US", BuyerKind::Consumer),
        Some(CrossBorderEcommerce)
    )]
    // To a business buyer, shipped direct.
    #[case(sale("CN", Seller, "DE", BuyerKind::Business), Some(B2bDirectExport))]
    // Head-haul of stock to an overseas warehouse.
    #[case(
        transfer("CN", Seller, "US", Overseas3pl),
        Some(ExportToOverseasWarehouse)
    )]
    #[case(
        transfer("CN", Platform, "DE", Platform),
        Some(ExportToOverseasWarehouse)
    )]
    // Imports for CN consumers: from bonded stock, or by direct mail.
    #[case(sale("CN", Bonded, "CN", BuyerKind::Consumer), Some(BondedEcommerce))]
    #[case(
        sale("JP", Seller, "CN", BuyerKind::Consumer),
        Some(CrossBorderEcommerce)
    )]
    // Bulk entry into bonded stock.
    #[case(transfer("KR", Seller, "CN", Bonded), Some(BondedEcommerce))]
    // Bonded export.
    #[case(sale("CN", Bonded, "SG", BuyerKind::Consumer), Some(BondedEcommerce))]
    // Not cross-border e-commerce in China's eyes.
    #[case(sale("CN", Seller, "CN", BuyerKind::Consumer), None)]
    #[case(sale("JP", Seller, "CN", BuyerKind::Business), None)]
    #[case(sale("CN", Bonded, "CN", BuyerKind::Business), None)]
    #[case(transfer("KR", Seller, "CN", Seller), None)]
    #[case(transfer("CN", Seller, "CN", Platform), None)]
    // China not involved.
    #[case(sale("US", Overseas3pl, "US", BuyerKind::Consumer), None)]
    #[case(sale("DE", Seller, "FR", BuyerKind::Consumer), None)]
    #[case(transfer("VN", Seller, "US", Overseas3pl), None)]
    fn modes(#[case] movement: Movement, #[case] mode: Option<ChinaCustomsMode>) {
        assert_eq!(china_customs_mode(&movement), mode);
    }

    #[test]
    fn modes_carry_their_codes() {
        for (mode, code) in [
            (CrossBorderEcommerce, "9610"),
            (BondedEcommerce, "1210"),
            (B2bDirectExport, "9710"),
            (ExportToOverseasWarehouse, "9810"),
        ] {
            assert_eq!(mode.code(), code);
            assert_eq!(serde_json::to_string(&mode).unwrap(), format!("\"{code}\""));
        }
        assert!(CrossBorderEcommerce.needs_three_documents());
        assert!(!ExportToOverseasWarehouse.needs_three_documents());
    }

    #[rstest]
    #[case(sale("CN", Seller, "DE", BuyerKind::Consumer), Some(Flow::Export))]
    #[case(sale("JP", Seller, "CN", BuyerKind::Consumer), Some(Flow::Import))]
    #[case(sale("CN", Bonded, "CN", BuyerKind::Consumer), Some(Flow::Import))]
    #[case(sale("CN", Seller, "CN", BuyerKind::Consumer), None)]
    fn flows(#[case] movement: Movement, #[case] flow: Option<Flow>) {
        assert_eq!(movement.flow(), flow);
    }

    fn cny(minor: i64) -> Money {
        Money::from_minor(minor, CurrencyCode::CNY)
    }

    fn documents() -> ThreeDocuments {
        ThreeDocuments {
            order: OrderDocument {
                order_reference: "ord_1".into(),
                lines: vec![OrderDocumentLine {
                    description: "face cream, 50 ml".into(),
                    hs_code: HsCode::parse("330499").unwrap(),
                    quantity: 2,
                    unit_price: cny(19_900),
                }],
                total: cny(39_800),
                buyer: Some(BuyerIdentity {
                    name: "Wang Fang".into(),
                    id_number: "110101199003074477".into(),
                }),
            },
            payment: PaymentDocument {
                order_reference: "ord_1".into(),
                payer: "Wang Fang".into(),
                amount: cny(39_800),
                transaction_id: "pay_42".into(),
            },
            waybill: WaybillDocument {
                order_reference: "ord_1".into(),
                carrier: "SF Express".into(),
                tracking_number: "SF1234567890".into(),
                consignee: "Wang Fang".into(),
            },
        }
    }

    #[test]
    fn matching_documents_pass() {
        assert_eq!(documents().check(Flow::Import), Ok(()));
        let mut export = documents();
        export.order.buyer = None;
        assert_eq!(export.check(Flow::Export), Ok(()));
        assert_eq!(
            export.check(Flow::Import),
            Err(ThreeDocumentMismatch::BuyerIdentity)
        );
    }

    #[test]
    fn mismatches_are_named() {
        let mut wrong_reference = documents();
        wrong_reference.waybill.order_reference = "ord_2".into();
        assert_eq!(
            wrong_reference.check(Flow::Import).unwrap_err().to_string(),
            "the waybill names order ord_2, the order is ord_1"
        );
        let mut underpaid = documents();
        underpaid.payment.amount = cny(39_700);
        assert!(matches!(
            underpaid.check(Flow::Import),
            Err(ThreeDocumentMismatch::Amount { .. })
        ));
        let mut bad_total = documents();
        bad_total.order.total = cny(40_000);
        bad_total.payment.amount = cny(40_000);
        assert!(matches!(
            bad_total.check(Flow::Import),
            Err(ThreeDocumentMismatch::OrderTotal { .. })
        ));
        let mut other_payer = documents();
        other_payer.payment.payer = "Li Na".into();
        assert!(matches!(
            other_payer.check(Flow::Import),
            Err(ThreeDocumentMismatch::Payer { .. })
        ));
        assert_eq!(other_payer.check(Flow::Export), Ok(()));
    }
}
