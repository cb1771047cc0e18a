//! The core every import regime shares, kept apart from the regimes so that converting,
//! rounding and valuing a consignment happen in exactly one place: a quote is only traceable if
//! every regime builds on the same customs value and the same rounding rule. See the module
//! documentation of [`crate::landed_cost`] for the model and every simplification.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::tariff::TariffTable;
use super::types::{ChargeLine, Collection, Consignment, Incoterm, LandedCost, LandedCostError};
use crate::currency::CurrencyCode;
use crate::fx::{FxPolicy, PublishedRate, convert};
use crate::market::{
    CollectionModelKind, Comparison, CustomsValueBasis, ExclusionScope, GoodsExclusion, MarketRule,
    PersonalUseValuation, RuleBody, ValuationBasis, market_currency,
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
    context(consignment, rules, tariffs, fx)?.run()
}

/// The checked consignment with the destination's rules in force and its currency: what every
/// computation on it (an import, or a sale from stock already in the market) starts from.
pub(super) fn context<'a>(
    consignment: &'a Consignment,
    rules: &'a [MarketRule],
    tariffs: &'a TariffTable,
    fx: Fx<'a>,
) -> Result<Ctx<'a>, LandedCostError> {
    let source_currency = check_consignment(consignment)?;
    // The destination's currency on the quote date (Croatia's kuna until 2022-12-31).
    let currency = market_currency(consignment.destination, consignment.date, rules).ok_or(
        LandedCostError::NoDestinationCurrency(consignment.destination),
    )?;
    Ok(Ctx {
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
    })
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
    // A retired currency is fine for a day it was in use, and nowhere else.
    let amounts = c
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| (format!("lines[{index}].unit_value"), line.unit_value))
        .chain([
            ("freight".to_string(), c.freight),
            ("insurance".to_string(), c.insurance),
        ]);
    for (field, amount) in amounts {
        amount
            .currency()
            .check_in_use_on(c.date)
            .map_err(|error| LandedCostError::CurrencyNotInUse { field, error })?;
    }
    Ok(currency)
}

pub(super) struct Ctx<'a> {
    pub(super) c: &'a Consignment,
    /// The destination's rules in force on the quote date (country-wide or for its region).
    pub(super) rules: Vec<&'a MarketRule>,
    pub(super) tariffs: &'a TariffTable,
    fx: Fx<'a>,
    pub(super) currency: CurrencyCode,
    source_currency: CurrencyCode,
}

/// Converted amounts of one consignment line.
pub(super) struct Line {
    /// Transaction value (unit value × quantity) in the destination currency.
    pub(super) value: Money,
    /// Value for customs (after a personal-use valuation, plus freight/insurance share on CIF).
    pub(super) customs_value: Money,
}

pub(super) fn pct(rate: Decimal) -> Decimal {
    rate / Decimal::ONE_HUNDRED
}

pub(super) fn money_sum(
    currency: CurrencyCode,
    items: impl IntoIterator<Item = Money>,
) -> Result<Money, MoneyError> {
    items
        .into_iter()
        .try_fold(Money::zero(currency), |total, m| total.checked_add(m))
}

impl<'a> Ctx<'a> {
    pub(super) fn date(&self) -> NaiveDate {
        self.c.date
    }

    pub(super) fn find<T>(
        &self,
        pick: impl Fn(&'a RuleBody) -> Option<&'a T>,
    ) -> Option<(&'a MarketRule, &'a T)> {
        self.rules
            .iter()
            .filter(|rule| rule.region.is_none())
            .find_map(|rule| pick(&rule.body).map(|body| (*rule, body)))
    }

    /// The exclusion rule in force that takes line `index` out of `scope`, if any.
    pub(super) fn exclusion(
        &self,
        index: usize,
        scope: ExclusionScope,
    ) -> Option<(&'a MarketRule, &'a GoodsExclusion)> {
        let hs_code = &self.c.lines.get(index)?.hs_code;
        self.find_all(|body| match body {
            RuleBody::GoodsExclusion(exclusion) => Some(exclusion),
            _ => None,
        })
        .find(|(_, exclusion)| exclusion.excludes_from(scope) && exclusion.covers(hs_code))
    }

    /// Every country-wide rule of one kind in force.
    pub(super) fn find_all<T: 'a>(
        &self,
        pick: impl Fn(&'a RuleBody) -> Option<&'a T>,
    ) -> impl Iterator<Item = (&'a MarketRule, &'a T)> {
        self.rules
            .iter()
            .filter(|rule| rule.region.is_none())
            .filter_map(move |rule| pick(&rule.body).map(|body| (*rule, body)))
    }

    pub(super) fn missing(&self, kind: &'static str) -> LandedCostError {
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

    pub(super) fn to_dest(&self, amount: Money) -> Result<Money, LandedCostError> {
        self.convert(amount, self.currency)
    }

    pub(super) fn round(&self, value: Decimal) -> Result<Money, LandedCostError> {
        Ok(Money::from_decimal(value, self.currency, ROUNDING)?)
    }

    /// Whether `value` is within `threshold`, testing in the threshold's own currency.
    pub(super) fn within(
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
            && !self.c.commercial_import
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
            exclusions: Vec::new(),
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
        // The CBEC channel is retail; stock imported by a business goes through general trade.
        if let (Some(limits), Some((_, model)), false) =
            (cbec, collection, self.c.commercial_import)
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

    pub(super) fn finish(&self, quote: &mut LandedCost) -> Result<(), LandedCostError> {
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
                    || quote
                        .exclusions
                        .iter()
                        .any(|e| e.rule == r.id && e.rule_version == r.version)
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
