//! Duty is assessed the same way whoever collects it, so its rules live here rather than in any
//! one regime: a de minimis relief may waive it, a flat duty (the EU's EUR 3 from 2026-07-01) may
//! replace the tariff, and otherwise the tariff's ad-valorem rate applies line by line with any
//! surcharge in force (the US Section 122). Keeping these together makes the precedence between
//! them readable in one file.

use std::collections::BTreeMap;

use super::engine::{Ctx, Line, pct};
use super::types::{ChargeLine, Collection, LandedCost, LandedCostError};
use crate::market::{
    CollectionModelKind, DeMinimis, DutySurcharge, FlatDuty, HsGranularity, MarketRule, RuleBody,
    TaxScope, ThresholdBasis,
};
use crate::money::Money;
use crate::party::BuyerKind;

impl<'a> Ctx<'a> {
    /// The de minimis rule that decides `scope` for this shipment: among the rules covering its
    /// origin and channel (and the seller-collected `scheme` it goes under, if any), the most
    /// specific ones (channel, origin or scheme restricted) win — the general Canadian CAD 20
    /// rule only applies where the CUSMA courier rules do not, Norway's "nothing is exempt" only
    /// where the VOEC duty relief does not.
    pub(super) fn de_minimis(
        &self,
        scope: TaxScope,
        scheme: Option<CollectionModelKind>,
    ) -> Vec<(&'a MarketRule, &'a DeMinimis)> {
        // De minimis reliefs are for parcels; a commercial import of stock gets none.
        if self.c.commercial_import {
            return Vec::new();
        }
        let candidates: Vec<(&MarketRule, &DeMinimis)> = self
            .rules
            .iter()
            .filter_map(|rule| match &rule.body {
                RuleBody::DeMinimis(d)
                    if (d.applies_to == scope || d.applies_to == TaxScope::Both)
                        && d.covers_shipment(self.c.origin, self.c.channel)
                        && d.under_scheme.is_none_or(|only| Some(only) == scheme) =>
                {
                    Some((*rule, d))
                }
                _ => None,
            })
            .collect();
        let specificity = |d: &DeMinimis| {
            u8::from(d.channel.is_some())
                + u8::from(!d.origins.is_empty())
                + u8::from(d.under_scheme.is_some())
        };
        let best = candidates.iter().map(|(_, d)| specificity(d)).max();
        candidates
            .into_iter()
            .filter(|(_, d)| Some(specificity(d)) == best)
            .collect()
    }

    /// The value-based de minimis relief for `scope`, if the consignment is within it.
    pub(super) fn relief(
        &self,
        scope: TaxScope,
        threshold_value: Money,
        scheme: Option<CollectionModelKind>,
        notes: &mut Vec<String>,
    ) -> Result<Option<&'a MarketRule>, LandedCostError> {
        for (rule, d) in self.de_minimis(scope, scheme) {
            let within = match d.basis {
                ThresholdBasis::Consignment
                | ThresholdBasis::Transaction
                | ThresholdBasis::DailyPerPerson => {
                    self.within(threshold_value, d.threshold, d.comparison)?
                }
                ThresholdBasis::Item => {
                    let mut all = true;
                    for line in &self.c.lines {
                        all &= self.within(line.unit_value, d.threshold, d.comparison)?;
                    }
                    all
                }
                ThresholdBasis::TaxAmount => false,
                ThresholdBasis::Annual => {
                    notes.push(format!(
                        "{} v{} is an annual limit and is not checked",
                        rule.id, rule.version
                    ));
                    false
                }
            };
            if within {
                return Ok(Some(rule));
            }
        }
        Ok(None)
    }

    pub(super) fn flat_duty_applies(
        &self,
        flat: &FlatDuty,
        intrinsic: Money,
    ) -> Result<bool, LandedCostError> {
        if self.c.buyer != BuyerKind::Consumer || self.c.commercial_import {
            return Ok(false);
        }
        match flat.consignment_value_limit {
            Some(limit) => self.within(intrinsic, limit, flat.comparison),
            None => Ok(true),
        }
    }

    /// The flat duty on the lines at `indices` (the others are relieved or pay the tariff).
    pub(super) fn flat_duty(
        &self,
        quote: &mut LandedCost,
        lines: &[Line],
        indices: &[usize],
        rule: &MarketRule,
        flat: &FlatDuty,
        collected: Collection,
    ) -> Result<(), LandedCostError> {
        let amount = self.to_dest(flat.amount)?;
        let digits = match flat.granularity.unwrap_or(HsGranularity::Hs6) {
            HsGranularity::Hs6 => 6,
            HsGranularity::Hs8 => 8,
            HsGranularity::Hs10 => 10,
        };
        let chosen = || {
            indices
                .iter()
                .map(|&index| (&lines[index], &self.c.lines[index]))
        };
        if indices.is_empty() {
            return Ok(());
        }
        let mut groups: BTreeMap<&str, Money> = BTreeMap::new();
        for (line, input) in chosen() {
            let code = input.hs_code.as_str();
            let key = &code[..digits.min(code.len())];
            let entry = groups.entry(key).or_insert(Money::zero(self.currency));
            *entry = entry.checked_add(line.value)?;
        }
        let units: Vec<(String, Money)> = match flat.per {
            crate::market::FlatDutyUnit::DistinctSubheading => groups
                .into_iter()
                .map(|(key, base)| (format!("sub-heading {key}"), base))
                .collect(),
            crate::market::FlatDutyUnit::Consignment => {
                let goods = chosen().try_fold(Money::zero(self.currency), |total, (line, _)| {
                    total.checked_add(line.value)
                })?;
                vec![("consignment".to_string(), goods)]
            }
            crate::market::FlatDutyUnit::Item => {
                let mut units = Vec::new();
                for (line, input) in chosen() {
                    for _ in 0..input.quantity {
                        units.push((format!("item {}", input.hs_code), line.value));
                    }
                }
                units
            }
        };
        for (what, base) in units {
            quote.duty_lines.push(ChargeLine {
                rule: rule.id.clone(),
                rule_version: rule.version,
                label: format!("flat duty {} per unit: {what}", flat.amount),
                base,
                rate: None,
                amount,
                collected,
            });
        }
        Ok(())
    }

    /// Ad-valorem MFN duty from the tariff on the lines at `indices`, plus any surcharge in
    /// force.
    pub(super) fn ad_valorem(
        &self,
        quote: &mut LandedCost,
        lines: &[Line],
        indices: &[usize],
        collected: Collection,
        with_surcharges: bool,
    ) -> Result<(), LandedCostError> {
        let surcharges: Vec<(&MarketRule, &DutySurcharge)> = if with_surcharges {
            self.rules
                .iter()
                .filter_map(|rule| match &rule.body {
                    RuleBody::DutySurcharge(s) if !s.excluded_origins.contains(&self.c.origin) => {
                        Some((*rule, s))
                    }
                    _ => None,
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut uncertain = Vec::new();
        for &index in indices {
            let (line, input) = (&lines[index], &self.c.lines[index]);
            let hit = self
                .tariffs
                .lookup(self.c.destination, &input.hs_code, self.date())
                .ok_or(LandedCostError::NoTariff {
                    destination: self.c.destination,
                    date: self.date(),
                })?;
            if hit.uncertain {
                uncertain.push(hit.rule.clone());
            }
            quote.duty_lines.push(ChargeLine {
                rule: hit.rule.clone(),
                rule_version: hit.version,
                label: format!(
                    "duty {} % on {} ({})",
                    hit.rate, input.hs_code, input.description
                ),
                base: line.customs_value,
                rate: Some(hit.rate),
                amount: self.round(line.customs_value.to_decimal() * pct(hit.rate))?,
                collected,
            });
            for (rule, surcharge) in &surcharges {
                quote.duty_lines.push(ChargeLine {
                    rule: rule.id.clone(),
                    rule_version: rule.version,
                    label: format!("duty surcharge {} % on {}", surcharge.rate, input.hs_code),
                    base: line.customs_value,
                    rate: Some(surcharge.rate),
                    amount: self.round(line.customs_value.to_decimal() * pct(surcharge.rate))?,
                    collected,
                });
            }
        }
        if !uncertain.is_empty() {
            uncertain.dedup();
            quote.notes.push(format!(
                "approximate tariff rates used ({}): re-check the national tariff line",
                uncertain.join(", ")
            ));
        }
        Ok(())
    }
}
