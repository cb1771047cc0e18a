//! Who collects the duties and taxes — the seller at checkout or the carrier at the door —
//! decides how a quote is built, so the regimes are split by that question rather than by
//! country: the rule files already carry each country's thresholds and rates, so a module per
//! country would repeat the same code. This module holds what the seller-collected and border
//! regimes share — the decision between them, the incoterm that follows from it and the order in
//! which duty and tax are computed — so that the order is written once. China's CBEC channel
//! shares none of it and is dispatched directly from the core.

mod border;
mod cbec;
mod seller_collected;

use super::engine::{Ctx, Line};
use super::types::{Collection, ExcludedGoods, Incoterm, LandedCost, LandedCostError};
use crate::market::{
    CollectionModel, CollectionModelKind, ExclusionScope, MarketRule, RuleBody, TaxScope,
    VatStandard,
};
use crate::money::Money;

/// Who collects the tax, decided by the collection model and its threshold.
#[derive(Clone, Copy)]
enum Regime<'a> {
    /// A seller-collected scheme (IOSS, UK point of sale, VOEC, OVR, AU GST on low-value goods).
    Checkout(&'a MarketRule),
    /// EU ≤ EUR 150 to a business with a valid VAT number: no VAT charged by the seller.
    ReverseCharge(&'a MarketRule),
    /// Customs assesses; the consignee pays at the door unless the seller chose DDP.
    Border,
}

impl Regime<'_> {
    /// The seller-collected scheme the consignment goes under, for reliefs tied to one (goods
    /// sold through VOEC carry no duty).
    fn scheme(&self) -> Option<CollectionModelKind> {
        match self {
            Regime::Checkout(rule) => match &rule.body {
                RuleBody::CollectionModel(model) => Some(model.model),
                _ => None,
            },
            Regime::ReverseCharge(_) | Regime::Border => None,
        }
    }
}

impl<'a> Ctx<'a> {
    /// Every regime but CBEC: decides who collects, then adds the duty lines and the tax lines.
    pub(in crate::landed_cost) fn general(
        &self,
        quote: &mut LandedCost,
        lines: &[Line],
        collection: Option<(&'a MarketRule, &'a CollectionModel)>,
        threshold_value: Money,
        intrinsic: Money,
    ) -> Result<(), LandedCostError> {
        let mut notes = Vec::new();
        let regime = self.regime(
            collection,
            threshold_value,
            &mut quote.exclusions,
            &mut notes,
        )?;
        let preference = self.c.incoterm_preference;
        if let Regime::Border = regime
            && preference == Some(Incoterm::Ddp)
        {
            self.refuse_duty_paid_excise()?;
        }
        let border_collection = if preference == Some(Incoterm::Ddp) {
            Collection::AtCheckout
        } else {
            Collection::AtDoor
        };
        let (duty_collection, incoterm) = match regime {
            Regime::Checkout(rule) => {
                if preference == Some(Incoterm::Dap) {
                    notes.push(format!(
                        "DAP requested, but under {} v{} the seller collects the tax at checkout",
                        rule.id, rule.version
                    ));
                }
                (Collection::AtCheckout, Incoterm::Ddp)
            }
            Regime::ReverseCharge(_) | Regime::Border => {
                (border_collection, preference.unwrap_or(Incoterm::Dap))
            }
        };
        quote.incoterm = incoterm;

        // --- duty -----------------------------------------------------------------------------
        self.duty(
            quote,
            lines,
            regime.scheme(),
            threshold_value,
            intrinsic,
            duty_collection,
            &mut notes,
        )?;
        let duty = quote.duty_total();

        // --- tax ------------------------------------------------------------------------------
        let vat = self.vat_rule()?;
        match (regime, vat) {
            (_, None) => notes.push(
                "no federal VAT/GST on imports (state/local sales tax is outside this quote)"
                    .into(),
            ),
            (Regime::ReverseCharge(rule), Some(_)) => notes.push(format!(
                "business buyer with a valid EU VAT number: no VAT charged at checkout; the buyer self-accounts for import VAT (reverse charge / postponed accounting) — {} v{}",
                rule.id, rule.version
            )),
            (Regime::Checkout(rule), Some((vat_rule, vat))) => {
                self.checkout_tax(quote, rule, vat_rule, vat, duty, &mut notes)?;
            }
            (Regime::Border, Some((vat_rule, vat))) => {
                self.border_tax(quote, vat_rule, vat, duty, threshold_value, border_collection, &mut notes)?;
            }
        }
        quote.notes.append(&mut notes);
        Ok(())
    }

    /// Duty line by line: a line within a duty relief pays nothing, else a flat duty in force
    /// replaces its tariff, else the tariff applies — unless a `goods_exclusion` rule takes the
    /// line out of the relief or the flat duty (alcohol and tobacco keep the EU tariff), which
    /// the quote then states.
    #[allow(clippy::too_many_arguments)]
    fn duty(
        &self,
        quote: &mut LandedCost,
        lines: &[Line],
        scheme: Option<CollectionModelKind>,
        threshold_value: Money,
        intrinsic: Money,
        collected: Collection,
        notes: &mut Vec<String>,
    ) -> Result<(), LandedCostError> {
        let relief = self.relief(TaxScope::Duty, threshold_value, scheme, notes)?;
        let flat = match self.find(|body| match body {
            RuleBody::FlatDuty(f) => Some(f),
            _ => None,
        }) {
            Some((rule, flat)) if self.flat_duty_applies(flat, intrinsic)? => Some((rule, flat)),
            _ => None,
        };
        let (mut relieved, mut flat_lines, mut tariff_lines) = (Vec::new(), Vec::new(), Vec::new());
        for index in 0..lines.len() {
            if let Some(rule) = relief {
                if !self.excluded(
                    index,
                    ExclusionScope::DutyRelief,
                    rule,
                    &mut quote.exclusions,
                ) {
                    relieved.push(index);
                    continue;
                }
            } else if let Some((rule, _)) = flat
                && !self.excluded(index, ExclusionScope::FlatDuty, rule, &mut quote.exclusions)
            {
                flat_lines.push(index);
                continue;
            }
            tariff_lines.push(index);
        }
        if let Some(rule) = relief
            && !relieved.is_empty()
        {
            notes.push(format!(
                "no duty: within the duty de minimis ({} v{})",
                rule.id, rule.version
            ));
        }
        if let Some((rule, flat)) = flat {
            self.flat_duty(quote, lines, &flat_lines, rule, flat, collected)?;
        }
        self.ad_valorem(quote, lines, &tariff_lines, collected, true)
    }

    /// Whether a `goods_exclusion` rule takes line `index` out of `scope`; if so the exclusion is
    /// recorded with the scheme or relief (`instead_of`) it cost the line.
    pub(super) fn excluded(
        &self,
        index: usize,
        scope: ExclusionScope,
        instead_of: &MarketRule,
        exclusions: &mut Vec<ExcludedGoods>,
    ) -> bool {
        let Some((rule, exclusion)) = self.exclusion(index, scope) else {
            return false;
        };
        exclusions.push(ExcludedGoods {
            line: index,
            hs_code: self.c.lines[index].hs_code.as_str().to_string(),
            goods: exclusion.goods.clone(),
            excluded_from: scope,
            instead_of: format!("{} v{}", instead_of.id, instead_of.version),
            rule: rule.id.clone(),
            rule_version: rule.version,
            reason: exclusion.reason.clone(),
        });
        true
    }

    /// Excise is only assessed at the border and quotes do not compute it, so goods an
    /// exclusion marks as excise goods cannot be quoted delivered duty paid.
    fn refuse_duty_paid_excise(&self) -> Result<(), LandedCostError> {
        for (index, line) in self.c.lines.iter().enumerate() {
            let excise = self
                .find_all(|body| match body {
                    RuleBody::GoodsExclusion(exclusion) => Some(exclusion),
                    _ => None,
                })
                .find(|(_, exclusion)| exclusion.excise && exclusion.covers(&line.hs_code));
            if let Some((rule, exclusion)) = excise {
                return Err(LandedCostError::DutyPaidUnavailable {
                    line: index,
                    hs_code: line.hs_code.as_str().to_string(),
                    goods: exclusion.goods.clone(),
                    reason: exclusion.reason.clone(),
                    rule: rule.id.clone(),
                    rule_version: rule.version,
                });
            }
        }
        Ok(())
    }

    /// The standard rate for the consignment's region if one exists, else the country-wide one;
    /// `None` where the country states it has no federal VAT.
    #[allow(clippy::type_complexity)]
    pub(super) fn vat_rule(
        &self,
    ) -> Result<Option<(&'a MarketRule, &'a VatStandard)>, LandedCostError> {
        let standard = |regional: bool| {
            self.rules.iter().find_map(|rule| match &rule.body {
                RuleBody::VatStandard(v) if rule.region.is_some() == regional => Some((*rule, v)),
                _ => None,
            })
        };
        if let Some(found) = standard(true) {
            return Ok(Some(found));
        }
        if let Some(found) = standard(false) {
            return Ok(Some(found));
        }
        if self
            .rules
            .iter()
            .any(|rule| matches!(rule.body, RuleBody::NoFederalVat(_)))
        {
            return Ok(None);
        }
        Err(self.missing("vat_standard"))
    }
}
