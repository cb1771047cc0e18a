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
use super::types::{Collection, Incoterm, LandedCost, LandedCostError};
use crate::market::{CollectionModel, MarketRule, RuleBody, TaxScope, VatStandard};
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
        let regime = self.regime(collection, threshold_value, &mut notes)?;
        let preference = self.c.incoterm_preference;
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
        let flat = self.find(|body| match body {
            RuleBody::FlatDuty(f) => Some(f),
            _ => None,
        });
        if let Some(rule) = self.relief(TaxScope::Duty, threshold_value, &mut notes)? {
            notes.push(format!(
                "no duty: within the duty de minimis ({} v{})",
                rule.id, rule.version
            ));
        } else if let Some((rule, flat)) = flat
            && self.flat_duty_applies(flat, intrinsic)?
        {
            self.flat_duty(quote, lines, rule, flat, duty_collection)?;
        } else {
            self.ad_valorem(quote, lines, duty_collection, true)?;
        }
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
