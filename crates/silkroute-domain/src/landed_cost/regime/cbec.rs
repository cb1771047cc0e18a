//! China's cross-border e-commerce (CBEC) retail import channel follows none of the other
//! regimes: a per-transaction limit on the customs value, a reduced tariff, a tax-inclusive
//! consumption tax and VAT at a fraction of the full rate, all withheld at checkout. It gets its
//! own module because none of its arithmetic is shared with the other regimes.

use rust_decimal::Decimal;

use crate::landed_cost::engine::{Ctx, Line, pct};
use crate::landed_cost::types::{ChargeLine, Collection, Incoterm, LandedCost, LandedCostError};
use crate::market::{CbecLimits, Comparison, MarketRule};

impl<'a> Ctx<'a> {
    /// China cross-border e-commerce retail import.
    pub(in crate::landed_cost) fn cbec(
        &self,
        quote: &mut LandedCost,
        lines: &[Line],
        (limits_rule, limits): (&'a MarketRule, &'a CbecLimits),
    ) -> Result<(), LandedCostError> {
        let (vat_rule, vat) = self
            .vat_rule()?
            .ok_or_else(|| self.missing("vat_standard"))?;
        quote.incoterm = Incoterm::Ddp;
        let within = self.within(
            quote.customs_value,
            limits.per_transaction,
            Comparison::AtMost,
        )?;
        let single_item = self.c.lines.len() == 1 && self.c.lines[0].quantity == 1;
        let factor = if within {
            pct(limits.tax_factor_percent)
        } else if single_item {
            quote.notes.push(format!(
                "CBEC: single item above the per-transaction limit {} ({} v{}): full general-trade duty, VAT and consumption tax; counts toward the annual limit",
                limits.per_transaction, limits_rule.id, limits_rule.version
            ));
            Decimal::ONE
        } else {
            return Err(LandedCostError::CbecLimitExceeded {
                value: quote.customs_value,
                limit: limits.per_transaction,
                rule: limits_rule.id.clone(),
                version: limits_rule.version,
            });
        };
        quote.notes.push(format!(
            "CBEC: the annual limit of {} per person is not checked (needs the buyer's history)",
            limits.annual
        ));
        if within {
            if !limits.tariff_rate_within_limits.is_zero() {
                for (line, _) in lines.iter().zip(&self.c.lines) {
                    quote.duty_lines.push(ChargeLine {
                        rule: limits_rule.id.clone(),
                        rule_version: limits_rule.version,
                        label: format!("CBEC tariff {} %", limits.tariff_rate_within_limits),
                        base: line.customs_value,
                        rate: Some(limits.tariff_rate_within_limits),
                        amount: self.round(
                            line.customs_value.to_decimal() * pct(limits.tariff_rate_within_limits),
                        )?,
                        collected: Collection::AtCheckout,
                    });
                }
            }
        } else {
            let all: Vec<usize> = (0..lines.len()).collect();
            self.ad_valorem(quote, lines, &all, Collection::AtCheckout, false)?;
        }
        // Per line: duty as computed above (one duty line per consignment line, in order).
        let duties: Vec<Decimal> = if quote.duty_lines.len() == lines.len() {
            quote
                .duty_lines
                .iter()
                .map(|l| l.amount.to_decimal())
                .collect()
        } else {
            vec![Decimal::ZERO; lines.len()]
        };
        let scope = if within { "CBEC" } else { "general trade" };
        for ((line, input), duty) in lines.iter().zip(&self.c.lines).zip(duties) {
            let dutiable = line.customs_value.to_decimal() + duty;
            let ct_rate = pct(input.consumption_tax_rate.unwrap_or(Decimal::ZERO));
            let ct_full = if ct_rate.is_zero() {
                Decimal::ZERO
            } else {
                // Tax-inclusive consumption tax: ct = (CIF + duty) / (1 − rate) × rate.
                let ct_base = dutiable / (Decimal::ONE - ct_rate);
                quote.tax_lines.push(ChargeLine {
                    rule: limits_rule.id.clone(),
                    rule_version: limits_rule.version,
                    label: format!(
                        "consumption tax {} % × {} ({scope}) on {}, tax-inclusive base",
                        ct_rate * Decimal::ONE_HUNDRED,
                        factor,
                        input.hs_code
                    ),
                    base: self.round(ct_base)?,
                    rate: Some((ct_rate * factor * Decimal::ONE_HUNDRED).normalize()),
                    amount: self.round(ct_base * ct_rate * factor)?,
                    collected: Collection::AtCheckout,
                });
                ct_base * ct_rate
            };
            let vat_base = dutiable + ct_full;
            quote.tax_lines.push(ChargeLine {
                rule: vat_rule.id.clone(),
                rule_version: vat_rule.version,
                label: format!(
                    "import VAT {} % × {} ({scope}, {} v{}) on {}",
                    vat.rate, factor, limits_rule.id, limits_rule.version, input.hs_code
                ),
                base: self.round(vat_base)?,
                rate: Some((vat.rate * factor).normalize()),
                amount: self.round(vat_base * pct(vat.rate) * factor)?,
                collected: Collection::AtCheckout,
            });
        }
        Ok(())
    }
}
