//! Above a seller-collected threshold, or where no such scheme exists, customs assesses the tax
//! at the border on the customs value plus duty. The country-specific departures from that base
//! (Canada's GST on the value for duty, Switzerland's tax-amount de minimis) are kept here so that
//! every exception to the border computation can be read in one place.

use crate::landed_cost::engine::{Ctx, pct};
use crate::landed_cost::types::{ChargeLine, Collection, LandedCost, LandedCostError};
use crate::market::{MarketRule, TaxScope, ThresholdBasis, ValuationBasis, VatStandard};
use crate::money::Money;

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn border_tax(
        &self,
        quote: &mut LandedCost,
        vat_rule: &MarketRule,
        vat: &VatStandard,
        duty: Money,
        threshold_value: Money,
        collected: Collection,
        notes: &mut Vec<String>,
    ) -> Result<(), LandedCostError> {
        if let Some(rule) = self.relief(TaxScope::Tax, threshold_value, None, notes)? {
            notes.push(format!(
                "no import tax: within the tax de minimis ({} v{})",
                rule.id, rule.version
            ));
            return Ok(());
        }
        // Import VAT/GST base: CIF value + duty. Canada's GST follows the value for duty (FOB).
        let cif = if self.c.destination.as_str() == "CA" {
            quote.customs_value
        } else {
            match quote.customs_value_basis {
                ValuationBasis::Cif => quote.customs_value,
                ValuationBasis::Fob => quote
                    .customs_value
                    .checked_add(quote.freight)?
                    .checked_add(quote.insurance)?,
            }
        };
        let base = cif.checked_add(duty)?;
        let amount = self.round(base.to_decimal() * pct(vat.rate))?;
        // Switzerland: tax not collected when the amount itself is at most CHF 5.
        for (rule, d) in self.de_minimis(TaxScope::Tax, None) {
            if d.basis == ThresholdBasis::TaxAmount
                && self.within(amount, d.threshold, d.comparison)?
            {
                notes.push(format!(
                    "import {} of {amount} not collected: at most {} ({} v{})",
                    vat.name, d.threshold, rule.id, rule.version
                ));
                return Ok(());
            }
        }
        quote.tax_lines.push(ChargeLine {
            rule: vat_rule.id.clone(),
            rule_version: vat_rule.version,
            label: format!("import {} {} % on customs value + duty", vat.name, vat.rate),
            base,
            rate: Some(vat.rate),
            amount,
            collected,
        });
        Ok(())
    }
}
