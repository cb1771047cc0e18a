//! Destination markets and their dated tax, duty and de minimis rules. The rules are data (the
//! TOML files under `rules/` at the repository root, embedded in the binary) because they change
//! by law on known dates; this module reads them, refuses contradictory sets, and answers "which
//! rules apply in country X on day D".

mod exclusion;
mod load;
mod rules;
mod validate;
mod view;

#[cfg(test)]
mod data_tests;

pub use exclusion::{ExclusionScope, GoodsExclusion};
pub use load::{RuleError, embedded_rule_files, embedded_rules, parse_rule_file};
pub use rules::{
    CbecLimits, CollectionModel, CollectionModelKind, Comparison, Confidence, CustomsValueBasis,
    DeMinimis, DutySurcharge, FlatDuty, FlatDutyUnit, HsGranularity, MarketCurrency, MarketRule,
    NoFederalVat, PersonalUseValuation, RateComponent, RuleBody, ShippingChannel, TaxScope,
    ThresholdBasis, ValuationBasis, VatReduced, VatStandard,
};
pub use validate::validate_rule_set;
pub use view::{MarketProfile, MarketView, curated_countries, market_currency, market_view};
