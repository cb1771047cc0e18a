//! Several destinations make the foreign seller collect import VAT/GST at checkout for low-value
//! goods (EU IOSS, UK point of sale, Norway's VOEC, Singapore's OVR, Australia's GST on
//! low-value goods). They differ only in their thresholds, so one module decides whether such a
//! scheme applies and charges the tax on the full consideration; the reverse charge for EU
//! business buyers lives here too because it is the same threshold test with a different outcome.

use super::Regime;
use crate::landed_cost::engine::{Ctx, pct};
use crate::landed_cost::types::{
    ChargeLine, Collection, ExcludedGoods, LandedCost, LandedCostError,
};
use crate::market::{
    CollectionModel, CollectionModelKind, ExclusionScope, MarketRule, TaxScope, ThresholdBasis,
    VatStandard,
};
use crate::money::Money;
use crate::party::BuyerKind;

impl<'a> Ctx<'a> {
    /// Whether a seller-collected scheme applies (or its reverse charge); otherwise the border.
    /// Goods the scheme does not cover (excise goods under IOSS, foodstuffs under VOEC) send the
    /// whole consignment to the border, and `exclusions` says which and why.
    pub(super) fn regime(
        &self,
        collection: Option<(&'a MarketRule, &'a CollectionModel)>,
        threshold_value: Money,
        exclusions: &mut Vec<ExcludedGoods>,
        notes: &mut Vec<String>,
    ) -> Result<Regime<'a>, LandedCostError> {
        if self.c.commercial_import {
            notes.push(
                "commercial import of stock: no low-value scheme; duties and taxes assessed at the border"
                    .into(),
            );
            return Ok(Regime::Border);
        }
        let Some((rule, model)) = collection else {
            notes.push("no collection model rule: duties and taxes assessed at the border".into());
            return Ok(Regime::Border);
        };
        let seller_collected = matches!(
            model.model,
            CollectionModelKind::Ioss
                | CollectionModelKind::PointOfSale
                | CollectionModelKind::Voec
                | CollectionModelKind::Ovr
                | CollectionModelKind::GstLvg
        );
        if !seller_collected {
            return Ok(Regime::Border);
        }
        let Some(threshold) = model.threshold else {
            notes.push(format!(
                "{} v{} depends on the seller's registration, which is not modelled: tax assessed at the border",
                rule.id, rule.version
            ));
            return Ok(Regime::Border);
        };
        let within = if model.basis == Some(ThresholdBasis::Item) {
            let mut all = true;
            for line in &self.c.lines {
                all &= self.within(line.unit_value, threshold, model.comparison)?;
            }
            all
        } else {
            self.within(threshold_value, threshold, model.comparison)?
        };
        if !within {
            notes.push(format!(
                "above the {threshold} threshold of {} v{}: duties and taxes assessed at the border",
                rule.id, rule.version
            ));
            return Ok(Regime::Border);
        }
        if model.basis == Some(ThresholdBasis::Item) {
            // Items within a per-item scheme (AU GST on low-value goods) still go through the
            // border when the consignment exceeds a positive border tax threshold (AUD 1,000).
            for (border_rule, d) in self.de_minimis(TaxScope::Tax, None) {
                let consignment_level = matches!(
                    d.basis,
                    ThresholdBasis::Consignment | ThresholdBasis::Transaction
                );
                if consignment_level
                    && d.threshold.minor() > 0
                    && !self.within(threshold_value, d.threshold, d.comparison)?
                {
                    notes.push(format!(
                        "consignment above the border threshold {} of {} v{}: duties and taxes assessed at the border, not under {} v{}",
                        d.threshold, border_rule.id, border_rule.version, rule.id, rule.version
                    ));
                    return Ok(Regime::Border);
                }
            }
        }
        let before = exclusions.len();
        for index in 0..self.c.lines.len() {
            self.excluded(index, ExclusionScope::SellerCollection, rule, exclusions);
        }
        if let Some(first) = exclusions.get(before) {
            // The note names the goods by HS code: a checkout renumbers lines per parcel, while
            // `exclusions` keeps the line index.
            notes.push(format!(
                "{} (HS {}) — {} ({} v{}): duties and taxes assessed at the border, not under {} v{}",
                first.goods,
                first.hs_code,
                first.reason,
                first.rule,
                first.rule_version,
                rule.id,
                rule.version
            ));
            return Ok(Regime::Border);
        }
        if model.model == CollectionModelKind::Ioss
            && self.c.buyer == BuyerKind::Business
            && self.c.buyer_has_valid_eu_vat
        {
            return Ok(Regime::ReverseCharge(rule));
        }
        Ok(Regime::Checkout(rule))
    }

    /// Seller-collected VAT/GST at checkout, charged on the full consideration.
    pub(super) fn checkout_tax(
        &self,
        quote: &mut LandedCost,
        rule: &MarketRule,
        vat_rule: &MarketRule,
        vat: &VatStandard,
        duty: Money,
        notes: &mut Vec<String>,
    ) -> Result<(), LandedCostError> {
        // Seller-collected VAT is charged on the full consideration incl. delivery.
        let base = quote
            .goods
            .checked_add(quote.freight)?
            .checked_add(quote.insurance)?;
        let amount = self.round(base.to_decimal() * pct(vat.rate))?;
        quote.tax_lines.push(ChargeLine {
            rule: vat_rule.id.clone(),
            rule_version: vat_rule.version,
            label: format!(
                "{} {} % collected by the seller under {} v{}",
                vat.name, vat.rate, rule.id, rule.version
            ),
            base,
            rate: Some(vat.rate),
            amount,
            collected: Collection::AtCheckout,
        });
        if !duty.is_zero() {
            notes.push(
                        "duty collected at checkout is not added to the VAT base (RULES.md §4.3 E2: VAT as without the EUR 3 duty; uncertain)"
                            .into(),
                    );
        }
        Ok(())
    }
}
