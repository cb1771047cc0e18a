//! Goods a market's simplified schemes and reliefs leave out. A scheme like IOSS or VOEC is a
//! promise that the seller settles the import tax at checkout; for some goods the law withholds
//! that promise (excise goods, foodstuffs), and a relief like the EU's EUR 150 duty waiver never
//! covered alcohol or tobacco. The exclusions are data, per market and per scheme, so that a
//! quote can say which rule sent the goods to the border and why.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::hs::HsCode;

/// Goods that a market's simplified schemes and reliefs do not cover: excise goods are outside
/// the EU's IOSS and its EUR 150 duty relief, foodstuffs and excise goods outside Norway's VOEC.
/// Such goods are cleared at the border like any larger consignment, and every quote that moves
/// them there says why, quoting `reason`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoodsExclusion {
    /// What the goods are, in the words a buyer would use ("excise goods (alcohol and tobacco)").
    pub goods: String,
    /// HS chapters (2 digits), headings (4) or finer codes the exclusion covers, by prefix.
    pub hs: Vec<String>,
    /// Which schemes and reliefs the goods are excluded from.
    pub excluded_from: Vec<ExclusionScope>,
    /// Customs also levies excise on these goods. Quotes do not compute excise, so such goods
    /// cannot be sold delivered duty paid (DDP): the excise is only known at the border.
    #[serde(default)]
    pub excise: bool,
    /// Why the goods are excluded, as the API states it to the buyer.
    pub reason: String,
    #[serde(default)]
    pub notes: Option<String>,
}

impl GoodsExclusion {
    /// Whether the exclusion covers goods classified under `hs_code` (by HS prefix).
    pub fn covers(&self, hs_code: &HsCode) -> bool {
        self.hs
            .iter()
            .any(|prefix| hs_code.as_str().starts_with(prefix.as_str()))
    }

    pub fn excludes_from(&self, scope: ExclusionScope) -> bool {
        self.excluded_from.contains(&scope)
    }
}

/// The schemes and reliefs a [`GoodsExclusion`] can take goods out of.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionScope {
    /// A seller-collected VAT/GST scheme (IOSS, VOEC, …): the tax is collected at the border.
    SellerCollection,
    /// A de minimis duty relief (the EU's EUR 150): the tariff duty is due.
    DutyRelief,
    /// A flat duty replacing the tariff (the EU's EUR 3 per sub-heading): the tariff duty is due.
    FlatDuty,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("220421", true)]
    #[case("240220", true)]
    #[case("330300", true)]
    #[case("330410", false)]
    #[case("610910", false)]
    #[case("020110", false)]
    fn an_exclusion_covers_goods_by_hs_prefix(#[case] hs: &str, #[case] covered: bool) {
        let exclusion = GoodsExclusion {
            goods: "alcohol, tobacco and perfume".into(),
            hs: vec!["22".into(), "24".into(), "3303".into()],
            excluded_from: vec![ExclusionScope::DutyRelief],
            excise: false,
            reason: "test".into(),
            notes: None,
        };
        assert_eq!(exclusion.covers(&HsCode::parse(hs).unwrap()), covered);
        assert!(exclusion.excludes_from(ExclusionScope::DutyRelief));
        assert!(!exclusion.excludes_from(ExclusionScope::SellerCollection));
    }
}
