//! The computation itself. See the module documentation of [`crate::landed_cost`] for the model
//! and every simplification.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::tariff::TariffTable;
use super::types::{ChargeLine, Collection, Consignment, Incoterm, LandedCost, LandedCostError};
use crate::currency::CurrencyCode;
use crate::fx::{FxPolicy, PublishedRate, convert};
use crate::market::{
    CbecLimits, CollectionModel, CollectionModelKind, Comparison, CustomsValueBasis, DeMinimis,
    DutySurcharge, FlatDuty, HsGranularity, MarketRule, PersonalUseValuation, RuleBody, TaxScope,
    ThresholdBasis, ValuationBasis, VatStandard,
};
use crate::money::{Money, MoneyError, RoundingMode};
use crate::party::BuyerKind;

/// Every charge line and converted amount is rounded half-up (ties away from zero) to the
/// destination currency's minor unit, line by line; totals are sums of rounded lines.
const ROUNDING: RoundingMode = RoundingMode::HalfUp;

type Fx<'a> = &'a dyn Fn(CurrencyCode) -> Option<PublishedRate>;

/// Computes duties and taxes for `consignment` on its date from the dated `rules` (any set holding
/// the destination's rules), the `tariffs` and the EUR legs returned by `fx` for the quote date.
pub fn landed_cost(
    consignment: &Consignment,
    rules: &[MarketRule],
    tariffs: &TariffTable,
    fx: &dyn Fn(CurrencyCode) -> Option<PublishedRate>,
) -> Result<LandedCost, LandedCostError> {
    let source_currency = check_consignment(consignment)?;
    let currency = consignment
        .destination
        .info()
        .currency
        .and_then(|code| CurrencyCode::parse(code).ok())
        .ok_or(LandedCostError::NoDestinationCurrency(
            consignment.destination,
        ))?;
    let ctx = Ctx {
        c: consignment,
        rules: rules
            .iter()
            .filter(|rule| {
                rule.country == consignment.destination
                    && rule.in_force_on(consignment.date)
                    && (rule.region.is_none() || rule.region == consignment.region)
            })
            .collect(),
        tariffs,
        fx,
        currency,
        source_currency,
    };
    ctx.run()
}

fn check_consignment(c: &Consignment) -> Result<CurrencyCode, LandedCostError> {
    let first = c.lines.first().ok_or(LandedCostError::NoLines)?;
    let currency = first.unit_value.currency();
    let amounts = c
        .lines
        .iter()
        .map(|line| line.unit_value)
        .chain([c.freight, c.insurance]);
    for amount in amounts {
        if amount.currency() != currency {
            return Err(LandedCostError::MixedCurrencies {
                expected: currency,
                found: amount.currency(),
            });
        }
        if amount.is_negative() {
            return Err(LandedCostError::NegativeAmount);
        }
    }
    for (index, line) in c.lines.iter().enumerate() {
        if line.quantity == 0 {
            return Err(LandedCostError::ZeroQuantity { line: index + 1 });
        }
    }
    Ok(currency)
}

struct Ctx<'a> {
    c: &'a Consignment,
    /// The destination's rules in force on the quote date (country-wide or for its region).
    rules: Vec<&'a MarketRule>,
    tariffs: &'a TariffTable,
    fx: Fx<'a>,
    currency: CurrencyCode,
    source_currency: CurrencyCode,
}

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

/// Converted amounts of one consignment line.
struct Line {
    /// Transaction value (unit value × quantity) in the destination currency.
    value: Money,
    /// Value for customs (after a personal-use valuation, plus freight/insurance share on CIF).
    customs_value: Money,
}

fn pct(rate: Decimal) -> Decimal {
    rate / Decimal::ONE_HUNDRED
}

fn money_sum(
    currency: CurrencyCode,
    items: impl IntoIterator<Item = Money>,
) -> Result<Money, MoneyError> {
    items
        .into_iter()
        .try_fold(Money::zero(currency), |total, m| total.checked_add(m))
}

impl<'a> Ctx<'a> {
    fn date(&self) -> NaiveDate {
        self.c.date
    }

    fn find<T>(
        &self,
        pick: impl Fn(&'a RuleBody) -> Option<&'a T>,
    ) -> Option<(&'a MarketRule, &'a T)> {
        self.rules
            .iter()
            .filter(|rule| rule.region.is_none())
            .find_map(|rule| pick(&rule.body).map(|body| (*rule, body)))
    }

    fn missing(&self, kind: &'static str) -> LandedCostError {
        LandedCostError::MissingRule {
            kind,
            country: self.c.destination,
            date: self.date(),
        }
    }

    fn leg(&self, currency: CurrencyCode) -> Result<PublishedRate, LandedCostError> {
        if let Some(rate) = (self.fx)(currency) {
            return Ok(rate);
        }
        if currency.as_str() == "EUR" {
            return Ok(PublishedRate {
                currency,
                date: self.date(),
                per_eur: Decimal::ONE,
            });
        }
        Err(LandedCostError::NoRate {
            currency,
            date: self.date(),
        })
    }

    /// Converts at the quote-date ECB mid rate (spread 0), rounding half-up.
    fn convert(&self, amount: Money, to: CurrencyCode) -> Result<Money, LandedCostError> {
        if amount.currency() == to {
            return Ok(amount);
        }
        let from_leg = self.leg(amount.currency())?;
        let to_leg = self.leg(to)?;
        let policy = FxPolicy {
            spread_bps: 0,
            ..FxPolicy::default()
        };
        Ok(convert(amount, to, &from_leg, &to_leg, &policy, ROUNDING)?.to)
    }

    fn to_dest(&self, amount: Money) -> Result<Money, LandedCostError> {
        self.convert(amount, self.currency)
    }

    fn round(&self, value: Decimal) -> Result<Money, LandedCostError> {
        Ok(Money::from_decimal(value, self.currency, ROUNDING)?)
    }

    /// Whether `value` is within `threshold`, testing in the threshold's own currency.
    fn within(
        &self,
        value: Money,
        threshold: Money,
        comparison: Comparison,
    ) -> Result<bool, LandedCostError> {
        let value = self.convert(value, threshold.currency())?;
        Ok(comparison.within(value.to_decimal(), threshold.to_decimal()))
    }

    fn line_value_source(&self, index: usize) -> Result<Money, LandedCostError> {
        let line = &self.c.lines[index];
        let minor = line
            .unit_value
            .minor()
            .checked_mul(i64::from(line.quantity))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::from_minor(minor, self.source_currency))
    }

    fn run(&self) -> Result<LandedCost, LandedCostError> {
        let mut notes = Vec::new();
        let (basis_rule, basis) = self
            .find(|body| match body {
                RuleBody::CustomsValueBasis(b) => Some(b),
                _ => None,
            })
            .ok_or_else(|| self.missing("customs_value_basis"))?;
        let CustomsValueBasis { basis, .. } = basis;
        let basis = *basis;

        // Intrinsic value in the consignment's own currency, for threshold tests.
        let mut intrinsic = Money::zero(self.source_currency);
        let mut values = Vec::new();
        for index in 0..self.c.lines.len() {
            let value = self.line_value_source(index)?;
            intrinsic = intrinsic.checked_add(value)?;
            values.push(self.to_dest(value)?);
        }
        let goods = money_sum(self.currency, values.iter().copied())?;
        let freight = self.to_dest(self.c.freight)?;
        let insurance = self.to_dest(self.c.insurance)?;
        let transport = freight.checked_add(insurance)?;

        // Japan: personal-use imports are valued at a share of the overseas retail price.
        let personal_use = self.find(|body| match body {
            RuleBody::PersonalUseValuation(p) => Some(p),
            _ => None,
        });
        let mut valued = values.clone();
        if let Some((rule, PersonalUseValuation { percent, .. })) = personal_use
            && self.c.buyer == BuyerKind::Consumer
        {
            for v in &mut valued {
                *v = self.round(v.to_decimal() * pct(*percent))?;
            }
            notes.push(format!(
                "personal-use import valued at {percent} % of the retail price ({} v{})",
                rule.id, rule.version
            ));
        }
        let shares = match basis {
            ValuationBasis::Cif => allocate(transport, &valued)?,
            ValuationBasis::Fob => vec![Money::zero(self.currency); valued.len()],
        };
        let lines: Vec<Line> = values
            .iter()
            .zip(&valued)
            .zip(&shares)
            .map(|((value, valued), share)| {
                Ok(Line {
                    value: *value,
                    customs_value: valued.checked_add(*share)?,
                })
            })
            .collect::<Result<_, MoneyError>>()?;
        let customs_value = money_sum(self.currency, lines.iter().map(|l| l.customs_value))?;
        notes.push(format!(
            "customs value on a {} basis ({} v{})",
            match basis {
                ValuationBasis::Cif => "CIF",
                ValuationBasis::Fob => "FOB",
            },
            basis_rule.id,
            basis_rule.version
        ));

        let mut quote = LandedCost {
            currency: self.currency,
            goods,
            freight,
            insurance,
            customs_value,
            customs_value_basis: basis,
            duty_lines: Vec::new(),
            tax_lines: Vec::new(),
            collected_at_checkout: Money::zero(self.currency),
            due_at_door: Money::zero(self.currency),
            incoterm: Incoterm::Dap,
            notes,
        };

        if let Some(region) = &self.c.region
            && !self.rules.iter().any(|rule| rule.region.is_some())
        {
            quote.notes.push(format!(
                "no rule for region {region} of {}: country-wide rules used",
                self.c.destination
            ));
        }
        let cbec = self.find(|body| match body {
            RuleBody::CbecLimits(l) => Some(l),
            _ => None,
        });
        let collection = self.find(|body| match body {
            RuleBody::CollectionModel(m) => Some(m),
            _ => None,
        });
        if let (Some(limits), Some((_, model))) = (cbec, collection)
            && model.model == CollectionModelKind::Cbec
        {
            self.cbec(&mut quote, &lines, limits)?;
        } else {
            // Thresholds are tested on the intrinsic value of the goods (transport excluded);
            // where a personal-use valuation exists (Japan) on the taxable (customs) value.
            let threshold_value = if personal_use.is_some() {
                customs_value
            } else {
                intrinsic
            };
            self.general(&mut quote, &lines, collection, threshold_value, intrinsic)?;
        }
        self.finish(&mut quote)?;
        Ok(quote)
    }

    fn finish(&self, quote: &mut LandedCost) -> Result<(), LandedCostError> {
        let all = quote.duty_lines.iter().chain(&quote.tax_lines);
        let (checkout, door): (Vec<&ChargeLine>, Vec<&ChargeLine>) =
            all.partition(|l| l.collected == Collection::AtCheckout);
        quote.collected_at_checkout = money_sum(self.currency, checkout.iter().map(|l| l.amount))?;
        quote.due_at_door = money_sum(self.currency, door.iter().map(|l| l.amount))?;
        let uncertain: Vec<String> = self
            .rules
            .iter()
            .filter(|r| r.is_uncertain())
            .filter(|r| {
                quote
                    .duty_lines
                    .iter()
                    .chain(&quote.tax_lines)
                    .any(|l| l.rule == r.id && l.rule_version == r.version)
            })
            .map(|r| format!("{} v{}", r.id, r.version))
            .collect();
        if !uncertain.is_empty() {
            quote.notes.push(format!(
                "rules marked uncertain were used ({}): re-check before relying on them",
                uncertain.join(", ")
            ));
        }
        Ok(())
    }

    /// The de minimis rule that decides `scope` for this shipment: among the rules covering its
    /// origin and channel, the most specific ones (channel and/or origin restricted) win — the
    /// general Canadian CAD 20 rule only applies where the CUSMA courier rules do not.
    fn de_minimis(&self, scope: TaxScope) -> Vec<(&'a MarketRule, &'a DeMinimis)> {
        let candidates: Vec<(&MarketRule, &DeMinimis)> = self
            .rules
            .iter()
            .filter_map(|rule| match &rule.body {
                RuleBody::DeMinimis(d)
                    if (d.applies_to == scope || d.applies_to == TaxScope::Both)
                        && d.covers_shipment(self.c.origin, self.c.channel) =>
                {
                    Some((*rule, d))
                }
                _ => None,
            })
            .collect();
        let specificity =
            |d: &DeMinimis| u8::from(d.channel.is_some()) + u8::from(!d.origins.is_empty());
        let best = candidates.iter().map(|(_, d)| specificity(d)).max();
        candidates
            .into_iter()
            .filter(|(_, d)| Some(specificity(d)) == best)
            .collect()
    }

    /// The value-based de minimis relief for `scope`, if the consignment is within it.
    fn relief(
        &self,
        scope: TaxScope,
        threshold_value: Money,
        notes: &mut Vec<String>,
    ) -> Result<Option<&'a MarketRule>, LandedCostError> {
        for (rule, d) in self.de_minimis(scope) {
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

    fn regime(
        &self,
        collection: Option<(&'a MarketRule, &'a CollectionModel)>,
        threshold_value: Money,
        notes: &mut Vec<String>,
    ) -> Result<Regime<'a>, LandedCostError> {
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
            for (border_rule, d) in self.de_minimis(TaxScope::Tax) {
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
        if model.model == CollectionModelKind::Ioss
            && self.c.buyer == BuyerKind::Business
            && self.c.buyer_has_valid_eu_vat
        {
            return Ok(Regime::ReverseCharge(rule));
        }
        Ok(Regime::Checkout(rule))
    }

    fn general(
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
                // Seller-collected VAT is charged on the full consideration incl. delivery.
                let base = quote.goods.checked_add(quote.freight)?.checked_add(quote.insurance)?;
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
            }
            (Regime::Border, Some((vat_rule, vat))) => {
                self.border_tax(quote, vat_rule, vat, duty, threshold_value, border_collection, &mut notes)?;
            }
        }
        quote.notes.append(&mut notes);
        Ok(())
    }

    fn flat_duty_applies(
        &self,
        flat: &FlatDuty,
        intrinsic: Money,
    ) -> Result<bool, LandedCostError> {
        if self.c.buyer != BuyerKind::Consumer {
            return Ok(false);
        }
        match flat.consignment_value_below {
            Some(limit) => self.within(intrinsic, limit, Comparison::Below),
            None => Ok(true),
        }
    }

    fn flat_duty(
        &self,
        quote: &mut LandedCost,
        lines: &[Line],
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
        let mut groups: BTreeMap<&str, Money> = BTreeMap::new();
        for (line, input) in lines.iter().zip(&self.c.lines) {
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
                vec![("consignment".to_string(), quote.goods)]
            }
            crate::market::FlatDutyUnit::Item => {
                let mut units = Vec::new();
                for (line, input) in lines.iter().zip(&self.c.lines) {
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

    /// Ad-valorem MFN duty per line from the tariff, plus any surcharge in force.
    fn ad_valorem(
        &self,
        quote: &mut LandedCost,
        lines: &[Line],
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
        for (line, input) in lines.iter().zip(&self.c.lines) {
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

    /// The standard rate for the consignment's region if one exists, else the country-wide one;
    /// `None` where the country states it has no federal VAT.
    #[allow(clippy::type_complexity)]
    fn vat_rule(&self) -> Result<Option<(&'a MarketRule, &'a VatStandard)>, LandedCostError> {
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

    #[allow(clippy::too_many_arguments)]
    fn border_tax(
        &self,
        quote: &mut LandedCost,
        vat_rule: &MarketRule,
        vat: &VatStandard,
        duty: Money,
        threshold_value: Money,
        collected: Collection,
        notes: &mut Vec<String>,
    ) -> Result<(), LandedCostError> {
        if let Some(rule) = self.relief(TaxScope::Tax, threshold_value, notes)? {
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
        for (rule, d) in self.de_minimis(TaxScope::Tax) {
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

    /// China cross-border e-commerce retail import.
    fn cbec(
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
            self.ad_valorem(quote, lines, Collection::AtCheckout, false)?;
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

/// Splits `total` over `weights` pro rata, in whole minor units, giving the remainder to the
/// largest fractional shares so that the parts add up exactly.
fn allocate(total: Money, weights: &[Money]) -> Result<Vec<Money>, MoneyError> {
    let currency = total.currency();
    let sum: i128 = weights.iter().map(|w| i128::from(w.minor())).sum();
    if sum == 0 {
        // Nothing to weigh by: everything on the first line.
        let mut parts = vec![Money::zero(currency); weights.len()];
        if let Some(first) = parts.first_mut() {
            *first = total;
        }
        return Ok(parts);
    }
    let t = i128::from(total.minor());
    let mut parts: Vec<(usize, i128, i128)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let product = t * i128::from(w.minor());
            (i, product / sum, product % sum)
        })
        .collect();
    let mut left = t - parts.iter().map(|p| p.1).sum::<i128>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|a, b| parts[*b].2.cmp(&parts[*a].2).then(a.cmp(b)));
    for index in order {
        if left <= 0 {
            break;
        }
        parts[index].1 += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .map(|(_, minor, _)| {
            i64::try_from(minor)
                .map(|m| Money::from_minor(m, currency))
                .map_err(|_| MoneyError::Overflow)
        })
        .collect()
}
