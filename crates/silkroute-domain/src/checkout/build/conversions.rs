//! The currency conversions a quote makes, recorded once per currency pair and spread: every
//! price the buyer sees and every amount a seller is owed can then be traced to the ECB rate,
//! its date and the spread that produced it (`fx_locks` of the quote).

use crate::checkout::{FxLock, QuoteError};
use crate::currency::CurrencyCode;
use crate::fx::{self, ECB_SOURCE, FxPolicy, PublishedRate};
use crate::money::{Money, RoundingMode};

use super::QuoteContext;

/// The EUR leg of a currency; the euro itself is 1 by definition of the ECB table.
pub(super) fn leg(ctx: &QuoteContext<'_>, code: CurrencyCode) -> Option<PublishedRate> {
    if code.as_str() == "EUR" {
        return Some(PublishedRate {
            currency: code,
            date: ctx.date,
            per_eur: rust_decimal::Decimal::ONE,
        });
    }
    (ctx.legs)(code)
}

/// Conversions made while building, recorded once per currency pair and spread.
pub(super) struct Fx<'c, 'a> {
    pub(super) ctx: &'c QuoteContext<'a>,
    pub(super) locks: Vec<FxLock>,
}

impl Fx<'_, '_> {
    /// A buyer-facing price: the spread raises it.
    pub(super) fn price(&mut self, amount: Money, to: CurrencyCode) -> Result<Money, QuoteError> {
        self.convert(amount, to, self.ctx.fx_policy)
    }

    /// What a seller is owed: the mid rate.
    pub(super) fn mid(&mut self, amount: Money, to: CurrencyCode) -> Result<Money, QuoteError> {
        let policy = FxPolicy {
            spread_bps: 0,
            ..self.ctx.fx_policy
        };
        self.convert(amount, to, policy)
    }

    fn convert(
        &mut self,
        amount: Money,
        to: CurrencyCode,
        policy: FxPolicy,
    ) -> Result<Money, QuoteError> {
        let from = amount.currency();
        if from == to {
            return Ok(amount);
        }
        let date = self.ctx.date;
        let from_leg = leg(self.ctx, from).ok_or(QuoteError::NoRate {
            currency: from,
            date,
        })?;
        let to_leg = leg(self.ctx, to).ok_or(QuoteError::NoRate { currency: to, date })?;
        let conversion = fx::convert_price(
            amount,
            to,
            &from_leg,
            &to_leg,
            &policy,
            RoundingMode::HalfEven,
        )
        .map_err(|_| QuoteError::NoRate { currency: to, date })?;
        let known = self
            .locks
            .iter()
            .any(|lock| lock.from == from && lock.to == to && lock.spread_bps == policy.spread_bps);
        if !known {
            self.locks.push(FxLock {
                from,
                to,
                rate: conversion.rate,
                mid_rate: conversion.mid_rate,
                spread_bps: policy.spread_bps,
                rate_date: conversion.rate_date,
                source: ECB_SOURCE.to_string(),
            });
        }
        Ok(conversion.to)
    }
}
