//! The vocabulary of a dated market rule. Tax rates, thresholds and collection regimes change by
//! law on known dates, so each one is a versioned record with a validity period and a citation
//! rather than a constant; a quote can then name exactly which rule version produced each line.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::country::CountryCode;
use crate::currency::CurrencyCode;
use crate::money::Money;

use super::exclusion::GoodsExclusion;

/// One version of one rule for one country (and optionally one region, e.g. a Canadian
/// province). Rules written for a group of countries (the EU) are expanded into one record per
/// member when the file is read, keeping the shared `id` and `version`, so that every consumer
/// only ever looks rules up by country.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
pub struct MarketRule {
    /// Stable name of the rule across versions, e.g. `vat.de.standard`.
    pub id: String,
    /// Increases with every change of substance; never reused.
    pub version: u32,
    pub country: CountryCode,
    /// Sub-national scope (ISO 3166-2 suffix such as `ON`) where tax differs inside a country.
    #[serde(default)]
    pub region: Option<String>,
    /// The group the rule was written for (`EU`), when it came from a group expansion.
    #[serde(default)]
    pub group: Option<String>,
    /// First day the rule applies (inclusive).
    pub effective_from: NaiveDate,
    /// First day the rule no longer applies (exclusive), if an end is known.
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    /// The law, authority or document the rule was taken from.
    pub source: String,
    /// Absent means "taken from the cited source with no known doubt".
    #[serde(default)]
    pub confidence: Option<Confidence>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub body: RuleBody,
}

impl MarketRule {
    /// Validity is half-open, `[effective_from, effective_to)`, so that one version can end on
    /// exactly the day its successor starts without both being in force.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|end| date < end)
    }

    /// The `kind` tag as written in the rule files.
    pub fn kind(&self) -> &'static str {
        self.body.kind()
    }

    pub fn is_uncertain(&self) -> bool {
        self.confidence == Some(Confidence::Uncertain)
    }
}

/// How sure the rule's author is, mirroring the [V]/[S]/[?] marks of RULES.md, so that a quote can
/// warn when it rests on a fact that still needs checking.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Verified,
    Secondary,
    Uncertain,
}

/// The kind-specific part of a rule. Each kind has its own struct so that code handling, say,
/// de minimis thresholds can take a `&DeMinimis` and cannot be handed a VAT rate by mistake.
/// Unknown fields are rejected, so a misspelt key in a rule file fails loudly instead of silently
/// dropping a condition.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleBody {
    VatStandard(VatStandard),
    VatReduced(VatReduced),
    /// The US has no federal VAT: stated as its own kind rather than a 0 % rate, so that nobody
    /// can mistake "no import VAT" for "no sales tax" (state sales tax exists outside this model).
    NoFederalVat(NoFederalVat),
    DeMinimis(DeMinimis),
    CollectionModel(CollectionModel),
    FlatDuty(FlatDuty),
    DutySurcharge(DutySurcharge),
    CbecLimits(CbecLimits),
    CustomsValueBasis(CustomsValueBasis),
    PersonalUseValuation(PersonalUseValuation),
    Currency(MarketCurrency),
    GoodsExclusion(GoodsExclusion),
}

impl RuleBody {
    pub fn kind(&self) -> &'static str {
        match self {
            RuleBody::VatStandard(_) => "vat_standard",
            RuleBody::VatReduced(_) => "vat_reduced",
            RuleBody::NoFederalVat(_) => "no_federal_vat",
            RuleBody::DeMinimis(_) => "de_minimis",
            RuleBody::CollectionModel(_) => "collection_model",
            RuleBody::FlatDuty(_) => "flat_duty",
            RuleBody::DutySurcharge(_) => "duty_surcharge",
            RuleBody::CbecLimits(_) => "cbec_limits",
            RuleBody::CustomsValueBasis(_) => "customs_value_basis",
            RuleBody::PersonalUseValuation(_) => "personal_use_valuation",
            RuleBody::Currency(_) => "currency",
            RuleBody::GoodsExclusion(_) => "goods_exclusion",
        }
    }
}

/// The standard consumption-tax rate. For a region (a Canadian province) `rate` is the total
/// rate charged there, with `components` giving the federal/provincial split.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VatStandard {
    /// Percent, e.g. `25.5`.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "19")]
    pub rate: Decimal,
    /// What the tax is called locally (VAT, GST, HST, consumption tax…), for invoices.
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<RateComponent>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// One named part of a combined rate (GST 5 + PST 7; JCT 7.8 national + 2.2 local).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateComponent {
    pub name: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "5")]
    pub rate: Decimal,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VatReduced {
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "7")]
    pub rate: Decimal,
    pub name: String,
    /// Plain-language scope; goods classification per reduced rate is not modelled yet.
    pub applies_to: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<RateComponent>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoFederalVat {
    pub notes: String,
}

/// A value below which duty and/or tax is not collected (or, for a zero threshold, the explicit
/// statement that nothing is exempt).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeMinimis {
    pub applies_to: TaxScope,
    pub threshold: Money,
    #[serde(default)]
    pub comparison: Comparison,
    pub basis: ThresholdBasis,
    /// Who collects what is due (at or above the threshold, or instead of the border).
    pub collector: String,
    /// Only for this transport channel, when the law distinguishes courier from post.
    #[serde(default)]
    pub channel: Option<ShippingChannel>,
    /// Only for shipments sent from these countries (place of direct shipment).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<CountryCode>,
    /// Not for shipments from these countries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_origins: Vec<CountryCode>,
    /// Only for consignments the seller collects under this scheme (Norway's duty relief for
    /// goods sold through VOEC); absent for a relief that applies whoever collects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub under_scheme: Option<CollectionModelKind>,
    #[serde(default)]
    pub notes: Option<String>,
}

impl DeMinimis {
    /// Whether a shipment from `origin` by `channel` falls under this rule at all (not whether
    /// its value is below the threshold).
    pub fn covers_shipment(&self, origin: CountryCode, channel: ShippingChannel) -> bool {
        self.channel.is_none_or(|only| only == channel)
            && (self.origins.is_empty() || self.origins.contains(&origin))
            && !self.excluded_origins.contains(&origin)
    }
}

/// Which charges a de minimis threshold relieves.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxScope {
    Duty,
    Tax,
    Both,
}

/// Laws say "not exceeding" (≤) or "less than" (<); one cent decides the regime, so the rule
/// states which.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    #[default]
    AtMost,
    Below,
}

impl Comparison {
    /// Whether `value` is within a threshold of `limit` under this comparison.
    pub fn within(self, value: Decimal, limit: Decimal) -> bool {
        match self {
            Comparison::AtMost => value <= limit,
            Comparison::Below => value < limit,
        }
    }
}

/// What the threshold is measured on.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdBasis {
    Consignment,
    Item,
    /// The tax that would be due (Switzerland: not collected when ≤ CHF 5).
    TaxAmount,
    Transaction,
    Annual,
    /// US Section 321: per person per day.
    DailyPerPerson,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShippingChannel {
    Courier,
    Postal,
}

/// Who collects import VAT/GST on low-value goods, and up to which value that regime applies.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionModel {
    pub model: CollectionModelKind,
    /// Upper value for the regime (e.g. EUR 150 for IOSS); absent when the regime has none.
    #[serde(default)]
    pub threshold: Option<Money>,
    #[serde(default)]
    pub comparison: Comparison,
    #[serde(default)]
    pub basis: Option<ThresholdBasis>,
    /// Yearly sales into the country above which a foreign seller must register.
    #[serde(default)]
    pub seller_registration_threshold: Option<Money>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CollectionModelKind {
    /// EU Import One-Stop Shop: seller/marketplace charges destination VAT at checkout.
    Ioss,
    /// Seller or marketplace charges domestic VAT at the point of sale (UK, CH, JP from 2028).
    PointOfSale,
    /// Norway's VAT on e-commerce scheme.
    Voec,
    /// Singapore's Overseas Vendor Registration.
    Ovr,
    /// Australia's GST on low-value goods (also New Zealand's equivalent).
    GstLvg,
    /// China's cross-border e-commerce retail import: the platform withholds.
    Cbec,
    /// Customs assesses and the carrier or broker collects from the consignee.
    Border,
    None,
}

/// A fixed duty per unit instead of an ad-valorem rate (EU interim EUR 3 per tariff sub-heading).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlatDuty {
    pub amount: Money,
    pub per: FlatDutyUnit,
    /// How finely "distinct sub-heading" is counted; the EU text does not say, so it is data.
    #[serde(default)]
    pub granularity: Option<HsGranularity>,
    /// Applies only to consignments whose intrinsic value is within this limit, compared by
    /// `comparison` (the EU's small parcels: at most EUR 150, like the IOSS threshold).
    #[serde(default)]
    pub consignment_value_limit: Option<Money>,
    #[serde(default)]
    pub comparison: Comparison,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlatDutyUnit {
    DistinctSubheading,
    Item,
    Consignment,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HsGranularity {
    Hs6,
    Hs8,
    Hs10,
}

/// An extra ad-valorem duty on top of the ordinary tariff (US Section 122).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DutySurcharge {
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "10")]
    pub rate: Decimal,
    pub applies_to: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_origins: Vec<CountryCode>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// China's per-person CBEC retail import limits and the reduced tax factor within them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CbecLimits {
    pub per_transaction: Money,
    pub annual: Money,
    /// Tariff within the limits, percent (0).
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "0")]
    pub tariff_rate_within_limits: Decimal,
    /// Share of statutory import VAT and consumption tax levied within the limits, percent (70).
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "70")]
    pub tax_factor_percent: Decimal,
    #[serde(default)]
    pub notes: Option<String>,
}

/// Whether freight and insurance to the border are part of the customs value.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomsValueBasis {
    pub basis: ValuationBasis,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValuationBasis {
    /// Cost, insurance and freight to the border are included.
    Cif,
    /// Free on board: international freight and insurance are excluded.
    Fob,
}

/// Japan values goods imported for personal use at a share of the overseas retail price.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonalUseValuation {
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String, example = "60")]
    pub percent: Decimal,
    #[serde(default)]
    pub notes: Option<String>,
}

/// The money a market counts in, dated: Croatia counted in kuna until 2022-12-31 and in euro
/// from 2023-01-01. A market without such a rule uses the currency of the country table, which
/// is the one in force today.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketCurrency {
    /// May be a retired code: the rule's dates say when it applied (checked when the file is read).
    #[serde(deserialize_with = "crate::currency::deserialize_historical")]
    #[schema(value_type = String, example = "HRK")]
    pub currency: CurrencyCode,
    #[serde(default)]
    pub notes: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use rust_decimal_macros::dec;

    fn rule(from: &str, to: Option<&str>) -> MarketRule {
        MarketRule {
            id: "vat.de.standard".into(),
            version: 1,
            country: CountryCode::parse("DE").unwrap(),
            region: None,
            group: None,
            effective_from: from.parse().unwrap(),
            effective_to: to.map(|t| t.parse().unwrap()),
            source: "test".into(),
            confidence: None,
            body: RuleBody::VatStandard(VatStandard {
                rate: dec!(19),
                name: "VAT".into(),
                components: vec![],
                notes: None,
            }),
        }
    }

    #[rstest]
    #[case("2020-12-31", false)]
    #[case("2021-01-01", true)]
    #[case("2023-06-30", true)]
    #[case("2023-07-01", false)]
    fn validity_is_half_open(#[case] date: &str, #[case] expected: bool) {
        let rule = rule("2021-01-01", Some("2023-07-01"));
        assert_eq!(rule.in_force_on(date.parse().unwrap()), expected);
    }

    #[test]
    fn open_ended_rule_stays_in_force() {
        let rule = rule("2021-01-01", None);
        assert!(rule.in_force_on(NaiveDate::from_ymd_opt(2099, 1, 1).unwrap()));
        assert_eq!(rule.kind(), "vat_standard");
    }

    #[rstest]
    #[case(Comparison::AtMost, dec!(150.00), true)]
    #[case(Comparison::Below, dec!(150.00), false)]
    #[case(Comparison::Below, dec!(149.99), true)]
    #[case(Comparison::AtMost, dec!(150.01), false)]
    fn comparison_decides_the_boundary(
        #[case] comparison: Comparison,
        #[case] value: Decimal,
        #[case] expected: bool,
    ) {
        assert_eq!(comparison.within(value, dec!(150)), expected);
    }

    #[test]
    fn json_has_kind_tag_and_string_rates() {
        let json = serde_json::to_value(rule("2021-01-01", None)).unwrap();
        assert_eq!(json["kind"], "vat_standard");
        assert_eq!(json["rate"], "19");
        assert_eq!(json["country"], "DE");
        assert_eq!(json["effective_from"], "2021-01-01");
        let back: MarketRule = serde_json::from_value(json).unwrap();
        assert_eq!(back, rule("2021-01-01", None));
    }

    #[test]
    fn unknown_body_field_is_rejected() {
        let mut json = serde_json::to_value(rule("2021-01-01", None)).unwrap();
        json["rat"] = serde_json::json!("19");
        assert!(serde_json::from_value::<MarketRule>(json).is_err());
    }

    #[rstest]
    #[case("US", ShippingChannel::Courier, true)]
    #[case("US", ShippingChannel::Postal, false)]
    #[case("CN", ShippingChannel::Courier, false)]
    fn de_minimis_scope_by_origin_and_channel(
        #[case] origin: &str,
        #[case] channel: ShippingChannel,
        #[case] expected: bool,
    ) {
        let rule = DeMinimis {
            applies_to: TaxScope::Duty,
            threshold: Money::from_minor(
                15000,
                crate::currency::CurrencyCode::parse("CAD").unwrap(),
            ),
            comparison: Comparison::AtMost,
            basis: ThresholdBasis::Consignment,
            collector: "CBSA".into(),
            channel: Some(ShippingChannel::Courier),
            origins: vec![
                CountryCode::parse("US").unwrap(),
                CountryCode::parse("MX").unwrap(),
            ],
            excluded_origins: vec![],
            under_scheme: None,
            notes: None,
        };
        let origin = CountryCode::parse(origin).unwrap();
        assert_eq!(rule.covers_shipment(origin, channel), expected);
    }
}
