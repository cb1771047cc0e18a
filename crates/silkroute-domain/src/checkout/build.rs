//! Building a quote: validate the cart, group it per seller, price goods and freight in the
//! buyer's currency, run the landed-cost engine per group and add everything up. Every amount is
//! computed once here and only summed afterwards, so the totals always equal their parts.

use std::collections::{BTreeMap, HashSet};

use chrono::{Days, NaiveDate};

use super::{
    AllocationNote, DeliveryRange, Destination, DoorFee, GroupShipping, HANDLING_DAYS, MAX_LINES,
    MAX_QUANTITY, QuoteBody, QuoteError, QuoteGroup, QuoteLine, QuoteTotals, SellerTotals,
    ShipFromPlan, ShippingOption, Supply,
};
use crate::catalog::{Product, ProductStatus, unit_price_for};
use crate::currency::CurrencyCode;
use crate::fx::{FxPolicy, PublishedRate};
use crate::ids::SellerId;
use crate::landed_cost::{
    self, Consignment, ConsignmentLine, InMarketSupply, Incoterm, LandedCostError, TariffTable,
};
use crate::market::{MarketRule, ShippingChannel, market_currency};
use crate::money::{MAX_ENTERED_MINOR, Money};
use crate::party::{BuyerKind, Seller};
use crate::shipping::{self, CarrierService, Parcel, ParcelLine, Preference, RateError};

mod conversions;
mod parcels;

use conversions::{Fx, leg};
use parcels::{GroupLine, ParcelPlan, parcels_of};

/// One cart line as the app found it in the catalog.
#[derive(Clone, Copy, Debug)]
pub struct CartLine<'a> {
    pub product: &'a Product,
    pub quantity: u32,
}

/// Everything a quote depends on; the app loads it, the domain only computes.
pub struct QuoteContext<'a> {
    pub destination: Destination,
    pub buyer: BuyerKind,
    /// A business buyer whose EU VAT number the app validated.
    pub buyer_has_valid_eu_vat: bool,
    pub preference: Preference,
    pub incoterm: Option<Incoterm>,
    /// A shipping service the buyer picked for a seller's group, instead of the preference.
    pub service_choices: &'a BTreeMap<SellerId, String>,
    pub date: NaiveDate,
    pub lines: Vec<CartLine<'a>>,
    /// Where sellers' stock ships from, per planned parcel; a seller without an entry ships
    /// everything in one parcel from its own country.
    pub plan: &'a [ShipFromPlan],
    pub sellers: &'a [Seller],
    pub services: &'a [CarrierService],
    pub rules: &'a [MarketRule],
    pub tariffs: &'a TariffTable,
    pub legs: &'a dyn Fn(CurrencyCode) -> Option<PublishedRate>,
    /// The buyer-facing policy: its spread is added to every converted price.
    pub fx_policy: FxPolicy,
}

/// Computes the quote for `ctx`; see the module documentation for the rules.
pub fn build_quote(ctx: &QuoteContext<'_>) -> Result<QuoteBody, QuoteError> {
    validate_cart(ctx)?;
    let country = ctx.destination.country;
    // The destination's currency on the quote date, as the landed-cost engine sees it.
    let currency =
        market_currency(country, ctx.date, ctx.rules).ok_or(QuoteError::NoCurrency(country))?;
    let mut fx = Fx {
        ctx,
        locks: Vec::new(),
    };

    // Sellers in order of first appearance, each with its lines.
    let mut order: Vec<SellerId> = Vec::new();
    let mut by_seller: BTreeMap<SellerId, Vec<GroupLine<'_>>> = BTreeMap::new();
    for (index, line) in ctx.lines.iter().enumerate() {
        let seller = &line.product.seller_id;
        if !by_seller.contains_key(seller) {
            order.push(seller.clone());
        }
        by_seller
            .entry(seller.clone())
            .or_default()
            .push(GroupLine {
                index,
                cart: *line,
                part: line.quantity,
                reason: None,
            });
    }

    let mut groups = Vec::new();
    for seller_id in order {
        let seller = ctx
            .sellers
            .iter()
            .find(|seller| seller.id == seller_id)
            .ok_or_else(|| QuoteError::UnsupportedDestination {
                country,
                reason: format!("seller {seller_id} is unknown"),
            })?;
        for parcel in parcels_of(ctx, seller, &by_seller[&seller_id])? {
            groups.push(build_group(&mut fx, currency, seller, &parcel)?);
        }
    }

    let zero = Money::zero(currency);
    let mut totals = QuoteTotals {
        currency,
        goods: zero,
        shipping: zero,
        duties: zero,
        taxes: zero,
        collected_now: zero,
        due_at_door: zero,
        delivery: groups[0].delivery,
    };
    for group in &groups {
        totals.goods = add(totals.goods, group.goods)?;
        totals.shipping = add(totals.shipping, group.shipping.selected.amount)?;
        totals.duties = add(totals.duties, group.duties)?;
        totals.taxes = add(totals.taxes, group.taxes)?;
        totals.collected_now = add(totals.collected_now, group.collected_now)?;
        totals.due_at_door = add(totals.due_at_door, group.due_at_door)?;
        totals.delivery.earliest = totals.delivery.earliest.max(group.delivery.earliest);
        totals.delivery.latest = totals.delivery.latest.max(group.delivery.latest);
    }
    // Every amount the platform adds up later (analytics, settlement) stays far inside 64 bits.
    if totals.collected_now.minor() > MAX_ENTERED_MINOR {
        return Err(QuoteError::TooLarge {
            max: Money::from_minor(MAX_ENTERED_MINOR, currency),
        });
    }
    let incoterm = if groups.iter().all(|group| group.incoterm == Incoterm::Ddp) {
        Incoterm::Ddp
    } else {
        Incoterm::Dap
    };
    Ok(QuoteBody {
        date: ctx.date,
        destination: ctx.destination.clone(),
        buyer_kind: ctx.buyer,
        preference: ctx.preference,
        incoterm,
        groups,
        totals,
        fx: fx.locks,
    })
}

fn validate_cart(ctx: &QuoteContext<'_>) -> Result<(), QuoteError> {
    if ctx.lines.is_empty() {
        return Err(QuoteError::NoLines);
    }
    if ctx.lines.len() > MAX_LINES {
        return Err(QuoteError::TooManyLines);
    }
    let mut seen = HashSet::new();
    for (line, cart) in ctx.lines.iter().enumerate() {
        if cart.quantity == 0 || cart.quantity > MAX_QUANTITY {
            return Err(QuoteError::BadQuantity { line });
        }
        if cart.product.status != ProductStatus::Active {
            return Err(QuoteError::NotOnSale { line });
        }
        if cart.quantity < cart.product.moq {
            return Err(QuoteError::BelowMoq {
                line,
                moq: cart.product.moq,
            });
        }
        if !seen.insert(&cart.product.id) {
            return Err(QuoteError::DuplicateProduct { line });
        }
    }
    Ok(())
}

/// One seller's parcel: its goods priced, its parcel rated, its duties and taxes estimated, and
/// what the buyer pays now and at the door.
fn build_group(
    fx: &mut Fx<'_, '_>,
    currency: CurrencyCode,
    seller: &Seller,
    parcel: &ParcelPlan<'_>,
) -> Result<QuoteGroup, QuoteError> {
    let ctx = fx.ctx;
    // The platform is for cross-border trade: a seller's home market is not offered, even from
    // stock; stock in another market is (RULES.md §15).
    if seller.country == ctx.destination.country {
        return Err(QuoteError::Domestic(seller.country));
    }
    let lines = &parcel.lines;
    let settlement = seller.settlement_currency;
    let goods = price_goods(fx, currency, settlement, lines)?;
    let options = shipping_options(fx, currency, seller, parcel)?;
    let selected = select_service(ctx, seller, &options)?;
    let (landed, dap_notes) = estimate_duties_and_taxes(
        ctx,
        currency,
        seller,
        parcel,
        goods.consignment_lines,
        selected,
    )?;
    let mut door_fees = Vec::new();
    let mut due_at_door = landed.due_at_door;
    if due_at_door.minor() > 0
        && let Some(fee) = selected.clearance_fee
    {
        door_fees.push(DoorFee {
            label: format!("{} clearance fee", selected.carrier),
            amount: fee,
        });
        due_at_door = add(due_at_door, fee)?;
    }
    let duties = landed.duty_total();
    let taxes = landed.tax_total();
    let collected_now = add(
        add(goods.total, selected.amount)?,
        landed.collected_at_checkout,
    )?;
    let seller_shipping = fx.mid(selected.rate_card_amount, settlement)?;
    let delivery = DeliveryRange {
        earliest: plus_days(ctx.date, HANDLING_DAYS.0 + selected.transit_days_min),
        latest: plus_days(ctx.date, HANDLING_DAYS.1 + selected.transit_days_max),
    };
    // The request line behind a line of this group's consignment.
    let request_line = |group_line: usize| lines.get(group_line).map_or(group_line, |l| l.index);
    Ok(QuoteGroup {
        seller_id: seller.id.clone(),
        ship_from: parcel.ship_from,
        warehouse_id: parcel.warehouse_id.clone(),
        supply: parcel.supply,
        allocation: lines
            .iter()
            .filter_map(|line| {
                line.reason.map(|reason| AllocationNote {
                    line: line.index,
                    product_id: line.cart.product.id.clone(),
                    quantity: line.part,
                    reason: reason.to_string(),
                })
            })
            .collect(),
        lines: goods.quote_lines,
        goods: goods.total,
        shipping: GroupShipping {
            selected: selected.clone(),
            options: options.clone(),
        },
        incoterm: landed.incoterm,
        duty_lines: landed.duty_lines,
        tax_lines: landed.tax_lines,
        door_fees,
        collected_now,
        due_at_door,
        duties,
        taxes,
        seller_totals: SellerTotals {
            currency: settlement,
            goods: goods.owed_to_seller,
            shipping: seller_shipping,
            total: add(goods.owed_to_seller, seller_shipping)?,
        },
        delivery,
        exclusions: landed
            .exclusions
            .into_iter()
            .map(|mut excluded| {
                excluded.line = request_line(excluded.line);
                excluded
            })
            .collect(),
        notes: landed.notes.into_iter().chain(dap_notes).collect(),
    })
}

/// A group's goods in the buyer's currency (the seller's market price, or its base or tier
/// price converted with the spread) and what the seller is owed for them at the mid rate.
struct PricedGoods {
    quote_lines: Vec<QuoteLine>,
    total: Money,
    owed_to_seller: Money,
    consignment_lines: Vec<ConsignmentLine>,
}

fn price_goods(
    fx: &mut Fx<'_, '_>,
    currency: CurrencyCode,
    settlement: CurrencyCode,
    lines: &[GroupLine<'_>],
) -> Result<PricedGoods, QuoteError> {
    let country = fx.ctx.destination.country;
    let mut priced = PricedGoods {
        quote_lines: Vec::with_capacity(lines.len()),
        total: Money::zero(currency),
        owed_to_seller: Money::zero(settlement),
        consignment_lines: Vec::with_capacity(lines.len()),
    };
    for line in lines {
        let (index, cart, part) = (&line.index, line.cart, line.part);
        let product = cart.product;
        // The whole line decides the tier, even when it ships in parts.
        let seller_unit = unit_price_for(product, cart.quantity);
        let tier_reached = product
            .tier_prices
            .iter()
            .any(|tier| cart.quantity >= tier.min_quantity);
        let market_price = product
            .market_prices
            .iter()
            .find(|price| price.market == country && price.price.currency() == currency)
            .filter(|_| !tier_reached);
        let (unit_price, source) = match market_price {
            Some(price) => (price.price, "market_price"),
            None => (
                fx.price(seller_unit, currency)?,
                if tier_reached {
                    "tier_price"
                } else {
                    "base_price"
                },
            ),
        };
        let line_total = times(unit_price, part)?;
        priced.total = add(priced.total, line_total)?;
        let owed = match market_price {
            Some(_) => fx.mid(line_total, settlement)?,
            None => fx.mid(times(seller_unit, part)?, settlement)?,
        };
        priced.owed_to_seller = add(priced.owed_to_seller, owed)?;
        let title = product
            .titles
            .get("en")
            .or_else(|| product.titles.values().next())
            .cloned()
            .unwrap_or_default();
        priced.consignment_lines.push(ConsignmentLine {
            hs_code: product.hs_code.clone(),
            quantity: part,
            unit_value: unit_price,
            consumption_tax_rate: None,
            description: title.clone(),
        });
        priced.quote_lines.push(QuoteLine {
            line: *index,
            product_id: product.id.clone(),
            sku: product.sku.clone(),
            title,
            hs_code: product.hs_code.as_str().to_string(),
            origin_country: product.origin_country,
            quantity: part,
            weight_g: product.weight_g,
            unit_price,
            line_total,
            seller_unit_price: seller_unit,
            price_source: source.to_string(),
        });
    }
    Ok(priced)
}

/// Every carrier service that can take the group's parcel, priced in the buyer's currency.
fn shipping_options(
    fx: &mut Fx<'_, '_>,
    currency: CurrencyCode,
    seller: &Seller,
    planned: &ParcelPlan<'_>,
) -> Result<Vec<ShippingOption>, QuoteError> {
    let ctx = fx.ctx;
    let parcel_lines: Vec<ParcelLine> = planned
        .lines
        .iter()
        .map(|line| ParcelLine {
            weight_g: line.cart.product.weight_g,
            dimensions_mm: line.cart.product.dimensions_mm,
            quantity: line.part,
        })
        .collect();
    let parcel = Parcel::from_lines(&parcel_lines);
    let choice = shipping::shop(
        ctx.services,
        planned.ship_from,
        ctx.destination.country,
        &parcel,
        ctx.date,
        ctx.preference,
    )
    .map_err(|error| QuoteError::NoShipping {
        seller: seller.id.clone(),
        reasons: match error {
            RateError::NoServiceFits { reasons } => reasons
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        },
    })?;
    let mut options = Vec::with_capacity(choice.options.len());
    for rate in &choice.options {
        let service = ctx
            .services
            .iter()
            .find(|service| service.id == rate.service_id);
        let clearance_fee = match service.and_then(|service| service.clearance_fee) {
            Some(fee) => Some(fx.price(fee, currency)?),
            None => None,
        };
        options.push(ShippingOption {
            service_id: rate.service_id.clone(),
            carrier: rate.carrier.clone(),
            level: rate.level,
            transit_days_min: rate.transit_days_min,
            transit_days_max: rate.transit_days_max,
            ddp_capable: rate.ddp_capable,
            billable_weight_g: rate.billable_weight_g,
            amount: fx.price(rate.total, currency)?,
            rate_card_amount: rate.total,
            clearance_fee,
        });
    }
    Ok(options)
}

/// The landed-cost engine on the group's consignment with the selected service. Excise goods
/// cannot go duty paid: unless the buyer asked for DDP (a refusal naming the line), the group
/// goes DAP with a note saying why.
fn estimate_duties_and_taxes(
    ctx: &QuoteContext<'_>,
    currency: CurrencyCode,
    seller: &Seller,
    parcel: &ParcelPlan<'_>,
    consignment_lines: Vec<ConsignmentLine>,
    selected: &ShippingOption,
) -> Result<(landed_cost::LandedCost, Vec<String>), QuoteError> {
    let lines = &parcel.lines;
    let country = ctx.destination.country;
    let incoterm_preference = ctx.incoterm.or(Some(if selected.ddp_capable {
        Incoterm::Ddp
    } else {
        Incoterm::Dap
    }));
    let mut consignment = Consignment {
        destination: country,
        region: ctx.destination.region.clone(),
        origin: parcel.ship_from,
        channel: if selected.level == shipping::ServiceLevel::Economy {
            ShippingChannel::Postal
        } else {
            ShippingChannel::Courier
        },
        buyer: ctx.buyer,
        buyer_has_valid_eu_vat: ctx.buyer_has_valid_eu_vat,
        lines: consignment_lines,
        freight: selected.amount,
        insurance: Money::zero(currency),
        date: ctx.date,
        incoterm_preference,
        commercial_import: false,
    };
    let estimate = |consignment: &Consignment| {
        let legs = |code| leg(ctx, code);
        match parcel.supply {
            Supply::Import => landed_cost::landed_cost(consignment, ctx.rules, ctx.tariffs, &legs),
            Supply::Domestic | Supply::IntraUnion => landed_cost::in_market_supply(
                consignment,
                if parcel.supply == Supply::Domestic {
                    InMarketSupply::Domestic
                } else {
                    InMarketSupply::IntraUnion
                },
                seller.country,
                ctx.rules,
                ctx.tariffs,
                &legs,
            ),
        }
    };
    let request_line = |group_line: usize| lines.get(group_line).map_or(group_line, |l| l.index);
    let mut dap_notes = Vec::new();
    let landed = match estimate(&consignment) {
        Err(LandedCostError::DutyPaidUnavailable {
            line,
            hs_code,
            goods,
            reason,
            rule,
            rule_version,
        }) => {
            let line = request_line(line);
            if ctx.incoterm == Some(Incoterm::Ddp) {
                return Err(QuoteError::NotDeliverableDutyPaid(
                    LandedCostError::DutyPaidUnavailable {
                        line,
                        hs_code,
                        goods,
                        reason,
                        rule,
                        rule_version,
                    },
                ));
            }
            dap_notes.push(format!(
                "delivered at place (DAP): {goods} in lines[{line}] cannot be delivered duty paid — {reason}; excise is not known before customs assesses it ({rule} v{rule_version})"
            ));
            consignment.incoterm_preference = Some(Incoterm::Dap);
            estimate(&consignment)
        }
        other => other,
    }
    .map_err(|error| match error {
        LandedCostError::MissingRule { .. } | LandedCostError::NoTariff { .. } => {
            QuoteError::UnsupportedDestination {
                country,
                reason: error.to_string(),
            }
        }
        LandedCostError::NoRate { currency, date } => QuoteError::NoRate { currency, date },
        other => QuoteError::LandedCost(other),
    })?;
    if landed.currency != currency {
        return Err(QuoteError::LandedCost(LandedCostError::MixedCurrencies {
            expected: currency,
            found: landed.currency,
        }));
    }
    Ok((landed, dap_notes))
}

fn select_service<'o>(
    ctx: &QuoteContext<'_>,
    seller: &Seller,
    options: &'o [ShippingOption],
) -> Result<&'o ShippingOption, QuoteError> {
    let wants_ddp = ctx.incoterm == Some(Incoterm::Ddp);
    if let Some(service) = ctx.service_choices.get(&seller.id) {
        let option = options
            .iter()
            .find(|option| &option.service_id == service)
            .ok_or_else(|| QuoteError::UnknownService {
                seller: seller.id.clone(),
                service: service.clone(),
            })?;
        if wants_ddp && !option.ddp_capable {
            return Err(QuoteError::NoDdpService {
                seller: seller.id.clone(),
            });
        }
        return Ok(option);
    }
    options
        .iter()
        .find(|option| !wants_ddp || option.ddp_capable)
        .ok_or_else(|| QuoteError::NoDdpService {
            seller: seller.id.clone(),
        })
}

fn plus_days(date: NaiveDate, days: u8) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(date)
}

fn add(a: Money, b: Money) -> Result<Money, QuoteError> {
    a.checked_add(b).map_err(|_| QuoteError::Overflow)
}

fn times(unit: Money, quantity: u32) -> Result<Money, QuoteError> {
    unit.minor()
        .checked_mul(i64::from(quantity))
        .map(|minor| Money::from_minor(minor, unit.currency()))
        .ok_or(QuoteError::Overflow)
}
