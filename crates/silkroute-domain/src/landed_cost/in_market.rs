//! A sale from stock already in the buyer's market (RULES.md §15): the goods were imported
//! earlier, in bulk, by the seller or its importer of record, who paid the duty then (it is in
//! the stock's landed cost). The parcel crosses no customs border, so there is no duty, no
//! import VAT and no de-minimis test: the sale carries the VAT of the place the goods arrive,
//! charged at checkout on goods and delivery like any sale in that market.
//!
//! * **Domestic** — the warehouse is in the destination country: that country's VAT/GST at its
//!   standard rate (regional where the country has one), declared in its return. Where the
//!   seller is established elsewhere the marketplace is the deemed supplier (EU art. 14a(2) VAT
//!   Directive; UK online-marketplace rules); other markets follow their platform rules, which
//!   are charged at the standard rate and marked uncertain.
//! * **Intra-union** — the warehouse is in another EU member state: an intra-EU distance sale,
//!   the arrival member state's VAT declared through the OSS union scheme; a business buyer with
//!   a validated VAT number self-accounts (an exempt intra-Community supply, no VAT charged).

use serde::{Deserialize, Serialize};

use super::engine::{context, money_sum, pct};
use super::tariff::TariffTable;
use super::types::{ChargeLine, Collection, Consignment, Incoterm, LandedCost, LandedCostError};
use crate::country::CountryCode;
use crate::currency::CurrencyCode;
use crate::fx::PublishedRate;
use crate::market::{MarketRule, ValuationBasis};
use crate::money::{Money, MoneyError};
use crate::party::BuyerKind;

/// How a parcel from stock in the market reaches the buyer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InMarketSupply {
    /// From a warehouse in the destination country.
    Domestic,
    /// From a warehouse in another EU member state to a buyer in the EU.
    IntraUnion,
}

/// The VAT of a sale from stock in the market; `seller_country` is where the seller is
/// established (it decides who declares the VAT, not how much it is). The consignment's
/// `origin` is the warehouse's country.
pub fn in_market_supply(
    consignment: &Consignment,
    supply: InMarketSupply,
    seller_country: CountryCode,
    rules: &[MarketRule],
    tariffs: &TariffTable,
    fx: &dyn Fn(CurrencyCode) -> Option<PublishedRate>,
) -> Result<LandedCost, LandedCostError> {
    let (origin, destination) = (consignment.origin, consignment.destination);
    let in_market = match supply {
        InMarketSupply::Domestic => origin == destination,
        InMarketSupply::IntraUnion => {
            origin != destination && origin.is_eu_member() && destination.is_eu_member()
        }
    };
    if !in_market {
        return Err(LandedCostError::NotInMarket {
            origin,
            destination,
        });
    }
    let ctx = context(consignment, rules, tariffs, fx)?;
    let mut values = Vec::with_capacity(consignment.lines.len());
    for line in &consignment.lines {
        let minor = line
            .unit_value
            .minor()
            .checked_mul(i64::from(line.quantity))
            .ok_or(MoneyError::Overflow)?;
        values.push(ctx.to_dest(Money::from_minor(minor, line.unit_value.currency()))?);
    }
    let goods = money_sum(ctx.currency, values)?;
    let freight = ctx.to_dest(consignment.freight)?;
    let insurance = ctx.to_dest(consignment.insurance)?;
    let zero = Money::zero(ctx.currency);
    let mut quote = LandedCost {
        currency: ctx.currency,
        goods,
        freight,
        insurance,
        // Nothing is declared to customs: the goods were cleared when the stock came in.
        customs_value: zero,
        customs_value_basis: ValuationBasis::Fob,
        duty_lines: Vec::new(),
        tax_lines: Vec::new(),
        collected_at_checkout: zero,
        due_at_door: zero,
        incoterm: Incoterm::Ddp,
        exclusions: Vec::new(),
        notes: vec![match supply {
            InMarketSupply::Domestic => format!(
                "domestic sale from stock already imported into {destination}: no customs, no \
                 duty on the parcel (paid when the stock was imported)"
            ),
            InMarketSupply::IntraUnion => format!(
                "intra-EU distance sale from stock in {origin}: no customs, VAT of {destination}"
            ),
        }],
    };
    let who = if seller_country == destination
        || (seller_country.is_eu_member() && destination.is_eu_member())
    {
        "the seller"
    } else {
        "the marketplace as deemed supplier"
    };
    if supply == InMarketSupply::IntraUnion
        && consignment.buyer == BuyerKind::Business
        && consignment.buyer_has_valid_eu_vat
    {
        quote.notes.push(format!(
            "exempt intra-Community supply to a VAT-registered business: the buyer accounts for \
             {destination} VAT (reverse charge)"
        ));
    } else if let Some((rule, vat)) = ctx.vat_rule()? {
        let base = goods.checked_add(freight)?.checked_add(insurance)?;
        let how = match supply {
            InMarketSupply::Domestic => format!("on a domestic sale, charged by {who}"),
            InMarketSupply::IntraUnion => {
                format!("of the arrival member state, declared under the OSS union scheme by {who}")
            }
        };
        quote.tax_lines.push(ChargeLine {
            rule: rule.id.clone(),
            rule_version: rule.version,
            label: format!("{} {} % {how}", vat.name, vat.rate),
            base,
            rate: Some(vat.rate),
            amount: ctx.round(base.to_decimal() * pct(vat.rate))?,
            collected: Collection::AtCheckout,
        });
        let settled_rules = destination.is_eu_member() || destination.as_str() == "GB";
        if !settled_rules && who != "the seller" {
            quote.notes.push(format!(
                "uncertain: {destination}'s platform rules for domestic sales by sellers \
                 established abroad; its standard rate is charged (RULES.md §15)"
            ));
        }
    } else {
        quote.notes.push(format!(
            "{destination} has no federal VAT: sub-national sales taxes are not computed"
        ));
    }
    ctx.finish(&mut quote)?;
    Ok(quote)
}
