//! The import side of a transfer: the landed-cost engine run on the transfer's declared goods as
//! a commercial import (a business importing stock, so no parcel relief applies), and the
//! conversion of a unit cost into the importing country's currency at the same mid rate the
//! engine uses, so that a landed unit cost adds like to like.

use std::collections::HashMap;

use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::{self, PublishedRate};
use silkroute_domain::ids::ProductId;
use silkroute_domain::landed_cost::{self, Consignment, ConsignmentLine, LandedCost};
use silkroute_domain::market::ShippingChannel;
use silkroute_domain::money::{Money, RoundingMode};
use silkroute_domain::party::BuyerKind;
use silkroute_store::TransferRecord;

use crate::{App, AppError, AppResult};

impl App {
    /// The import of the transfer's declared goods as a business, with no parcel reliefs.
    pub(super) async fn assess_import(
        &self,
        transfer: &TransferRecord,
    ) -> AppResult<(LandedCost, HashMap<CurrencyCode, PublishedRate>)> {
        let ids: Vec<ProductId> = transfer
            .lines
            .iter()
            .map(|l| l.product_id.clone())
            .collect();
        let products = self.store.get_products(&transfer.seller_id, &ids).await?;
        let mut lines = Vec::new();
        for line in &transfer.lines {
            let product = products
                .iter()
                .find(|p| p.id == line.product_id)
                .ok_or_else(|| AppError::Internal("a transfer's product is missing".into()))?;
            lines.push(ConsignmentLine {
                hs_code: product.hs_code.clone(),
                quantity: u32::try_from(line.quantity)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                unit_value: line.unit_cost,
                consumption_tax_rate: None,
                description: product.sku.clone(),
            });
        }
        let currency = transfer.lines[0].unit_cost.currency();
        let date = self.now().date_naive();
        let consignment = Consignment {
            destination: transfer.to_country,
            region: None,
            origin: transfer.from_country,
            channel: ShippingChannel::Courier,
            buyer: BuyerKind::Business,
            buyer_has_valid_eu_vat: false,
            lines,
            // The head-haul freight is not recorded on the transfer yet: the customs value is
            // the goods' alone.
            freight: Money::zero(currency),
            insurance: Money::zero(currency),
            date,
            incoterm_preference: None,
            commercial_import: true,
        };
        let rules = self.cached_rules().await?;
        let policy = self.config.fx_policy(None, 0);
        let mut legs = HashMap::new();
        let destination =
            silkroute_domain::market::market_currency(transfer.to_country, date, &rules);
        for code in [Some(currency), destination, CurrencyCode::parse("EUR").ok()]
            .into_iter()
            .flatten()
        {
            if let Ok(leg) = self.fx_leg(code, date, &policy).await {
                legs.insert(code, leg);
            }
        }
        let quote = landed_cost::landed_cost(
            &consignment,
            &rules,
            crate::landed_cost::tariffs()?,
            &|code| legs.get(&code).copied(),
        )
        .map_err(|error| {
            AppError::Unavailable(format!("the import cannot be assessed: {error}"))
        })?;
        Ok((quote, legs))
    }

    /// `amount` at the ECB mid rate of the legs (spread 0, half-up), as the engine converts.
    pub(super) fn in_currency(
        &self,
        amount: Money,
        to: CurrencyCode,
        legs: &HashMap<CurrencyCode, PublishedRate>,
    ) -> AppResult<Money> {
        if amount.currency() == to {
            return Ok(amount);
        }
        let leg = |code: CurrencyCode| {
            legs.get(&code)
                .copied()
                .ok_or_else(|| AppError::Unavailable(format!("no rate for {code}")))
        };
        let policy = fx::FxPolicy {
            spread_bps: 0,
            ..fx::FxPolicy::default()
        };
        fx::convert(
            amount,
            to,
            &leg(amount.currency())?,
            &leg(to)?,
            &policy,
            RoundingMode::HalfUp,
        )
        .map(|conversion| conversion.to)
        .map_err(|e| AppError::Unavailable(e.to_string()))
    }
}
