//! Checkout quotes: what a cart costs a buyer in one destination, before paying — goods at the
//! seller's tier price converted into the buyer's currency, freight from the rate cards, and the
//! duties and import taxes of the landed-cost engine, with who collects them. A quote is computed
//! here from data passed in (products, sellers, rate cards, rules, tariffs, exchange-rate legs)
//! and is then frozen: the order is placed against the stored quote, never against a recomputed
//! one, so the buyer pays exactly what they were shown.
//!
//! # Model
//! * **Groups.** Lines are grouped per seller and place of dispatch: each group is one parcel and
//!   becomes one order. Where the app allocated the seller's stock (`QuoteContext::plan`), each
//!   warehouse used is a group and a line may be split across them (each part priced at the
//!   tier of the whole line); otherwise the seller's lines ship as one parcel from its country.
//!   Duties and taxes are computed per group (per consignment): an `import` group by the
//!   landed-cost engine, a `domestic` or `intra_union` group (stock already in the market) by
//!   `landed_cost::in_market_supply` — the destination's VAT on goods and delivery, no duty.
//! * **Currency.** The buyer pays in the destination's currency of the quote date
//!   (`market::market_currency`, the one the landed-cost engine uses). A product's market price for
//!   the destination is used as is (in that currency) unless a B2B price break is reached; any
//!   other price — and freight from the USD rate cards — is converted with the buyer spread
//!   (`fx::convert_price`), unit by unit, so that unit × quantity is the line total.
//! * **Seller's view.** Each group also states what the seller is owed in its settlement
//!   currency: its own price for the goods (tier applied; market prices converted at the mid
//!   rate) and the freight at the mid rate. Duties and taxes belong to the authorities.
//! * **Incoterm.** DDP by default when the selected carrier can clear on the buyer's behalf; the
//!   buyer may ask for DAP. Seller-collected schemes (IOSS, UK, AU, NO, SG) are always DDP. A
//!   group with excise goods at the border is never DDP (excise is not computed): it goes DAP
//!   with a note, and a buyer asking for DDP is refused with the line and the reason. With DAP
//!   the group estimates what the buyer pays at the door: duty and tax plus the carrier's
//!   clearance fee. Goods a scheme or relief does not cover are listed in `exclusions`.
//! * **Delivery.** Quote date + handling days + the selected service's transit days.

mod build;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::country::CountryCode;
use crate::currency::CurrencyCode;
use crate::ids::{ProductId, SellerId, WarehouseId};
use crate::landed_cost::{ChargeLine, ExcludedGoods, Incoterm, LandedCostError};
use crate::money::Money;
use crate::shipping::{Preference, ServiceLevel};

pub use build::{CartLine, QuoteContext, build_quote};

/// Days between the order and the parcel's handover to the carrier (pick, pack, label).
pub const HANDLING_DAYS: (u8, u8) = (1, 2);
/// How long a quote's prices and exchange rates hold.
pub const QUOTE_VALIDITY_MINUTES: i64 = 30;
/// The most lines one cart may hold.
pub const MAX_LINES: usize = 200;
/// The most units of one line: larger orders are B2B deals done outside checkout.
pub const MAX_QUANTITY: u32 = 100_000;

/// Where the parcel goes. The region matters where tax differs inside a country (Canada).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Destination {
    #[schema(value_type = String, example = "DE")]
    pub country: CountryCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
}

/// A quote line: one product at one quantity, priced both ways.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QuoteLine {
    /// Position in the request's `lines`, so errors and orders can point back to it.
    pub line: usize,
    #[schema(value_type = String)]
    pub product_id: ProductId,
    pub sku: String,
    pub title: String,
    pub hs_code: String,
    pub origin_country: CountryCode,
    pub quantity: u32,
    pub weight_g: u32,
    /// Unit price in the buyer's currency.
    pub unit_price: Money,
    pub line_total: Money,
    /// The seller's own unit price (tier applied) in its price currency.
    pub seller_unit_price: Money,
    /// `market_price`, `tier_price` or `base_price`: which price the line used.
    pub price_source: String,
}

/// One priced shipping service for a group, in the buyer's currency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ShippingOption {
    pub service_id: String,
    pub carrier: String,
    pub level: ServiceLevel,
    pub transit_days_min: u8,
    pub transit_days_max: u8,
    pub ddp_capable: bool,
    pub billable_weight_g: u32,
    /// The price in the buyer's currency.
    pub amount: Money,
    /// The rate card's own price (fuel surcharge included).
    pub rate_card_amount: Money,
    /// The carrier's fee for clearing a DAP import, in the buyer's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearance_fee: Option<Money>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupShipping {
    pub selected: ShippingOption,
    pub options: Vec<ShippingOption>,
}

/// A door charge that is not a duty or tax: the carrier's clearance fee under DAP.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DoorFee {
    pub label: String,
    pub amount: Money,
}

/// What the seller of a group is owed, in its settlement currency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SellerTotals {
    pub currency: CurrencyCode,
    pub goods: Money,
    pub shipping: Money,
    pub total: Money,
}

/// How a group's parcel reaches the buyer, which decides its taxes (RULES.md §15).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Supply {
    /// Across a customs border: duty and import taxes per the landed-cost rules.
    #[default]
    Import,
    /// From stock already imported into the destination country: its VAT, no duty.
    Domestic,
    /// From stock in another EU member state: the destination's VAT under OSS, no customs.
    IntraUnion,
}

/// Where part of a seller's cart leaves from, as the app's allocation of the seller's stock
/// decided it (`silkroute_logistics::allocation`): one planned parcel, one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShipFromPlan {
    pub seller_id: SellerId,
    pub warehouse_id: WarehouseId,
    pub country: CountryCode,
    pub supply: Supply,
    pub items: Vec<PlannedItem>,
}

/// Units of one cart line in a planned parcel, and why they ship from there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedItem {
    /// Index in the request's `lines`.
    pub line: usize,
    pub quantity: u32,
    /// The allocation's reason (`domestic`, `customs_union`, `cross_border_cheapest`, …).
    pub reason: String,
}

/// Why (part of) a line ships from the group's warehouse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AllocationNote {
    /// Index in the request's `lines`.
    pub line: usize,
    #[schema(value_type = String)]
    pub product_id: ProductId,
    pub quantity: u32,
    pub reason: String,
}

/// The lines of one seller leaving from one place: one parcel, one future order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QuoteGroup {
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    /// Where the parcel leaves from: the allocated warehouse's country, or the seller's.
    pub ship_from: CountryCode,
    /// The warehouse the parcel leaves from, when the seller's stock was allocated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub warehouse_id: Option<WarehouseId>,
    /// `import`, `domestic` or `intra_union`: how the parcel reaches the buyer.
    #[serde(default)]
    pub supply: Supply,
    /// Why each line (or part of one) ships from here; empty without an allocation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allocation: Vec<AllocationNote>,
    pub lines: Vec<QuoteLine>,
    pub goods: Money,
    pub shipping: GroupShipping,
    pub incoterm: Incoterm,
    pub duty_lines: Vec<ChargeLine>,
    pub tax_lines: Vec<ChargeLine>,
    pub door_fees: Vec<DoorFee>,
    /// Goods + shipping + duties and taxes collected at checkout: what the buyer pays now.
    pub collected_now: Money,
    /// Duties, taxes and fees the buyer pays the carrier on delivery (DAP), an estimate.
    pub due_at_door: Money,
    pub duties: Money,
    pub taxes: Money,
    pub seller_totals: SellerTotals,
    pub delivery: DeliveryRange,
    /// Goods of the group that a scheme or relief of the destination does not cover (excise
    /// goods outside IOSS), with the reason; `line` is the index in the request's `lines`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub exclusions: Vec<ExcludedGoods>,
    /// The engine's explanations (which threshold applied, reverse charge, …).
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryRange {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

/// A rate the quote locked: every conversion it made used exactly this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FxLock {
    pub from: CurrencyCode,
    pub to: CurrencyCode,
    /// Units of `to` per unit of `from`, spread included.
    #[schema(value_type = String)]
    pub rate: Decimal,
    #[schema(value_type = String)]
    pub mid_rate: Decimal,
    pub spread_bps: u32,
    pub rate_date: NaiveDate,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QuoteTotals {
    pub currency: CurrencyCode,
    pub goods: Money,
    pub shipping: Money,
    pub duties: Money,
    pub taxes: Money,
    pub collected_now: Money,
    pub due_at_door: Money,
    pub delivery: DeliveryRange,
}

/// The computed quote, before the app gives it an id and an expiry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QuoteBody {
    pub date: NaiveDate,
    pub destination: Destination,
    pub buyer_kind: crate::party::BuyerKind,
    pub preference: Preference,
    /// DDP when every group is DDP; DAP when the buyer pays something at the door.
    pub incoterm: Incoterm,
    pub groups: Vec<QuoteGroup>,
    pub totals: QuoteTotals,
    pub fx: Vec<FxLock>,
}

/// What an order keeps of its quote, frozen: the group it was placed from and the rates locked.
/// An audit re-reads these, never the live rules or rates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderSnapshot {
    pub quote_date: NaiveDate,
    pub buyer_kind: crate::party::BuyerKind,
    pub group: QuoteGroup,
    pub fx: Vec<FxLock>,
}

impl QuoteBody {
    /// The snapshot of one group, with only the rates that group's amounts used and only the
    /// selected shipping service.
    pub fn snapshot(&self, group: &QuoteGroup) -> OrderSnapshot {
        let buyer = self.totals.currency;
        let seller = group.seller_totals.currency;
        let sources: Vec<CurrencyCode> = group
            .lines
            .iter()
            .map(|line| line.seller_unit_price.currency())
            .chain(std::iter::once(
                group.shipping.selected.rate_card_amount.currency(),
            ))
            .collect();
        // The order keeps the service it ships with; the alternatives were the quote's business.
        let mut group = group.clone();
        group.shipping.options.clear();
        OrderSnapshot {
            quote_date: self.date,
            buyer_kind: self.buyer_kind,
            group,
            fx: self
                .fx
                .iter()
                .filter(|lock| {
                    (sources.contains(&lock.from) && (lock.to == buyer || lock.to == seller))
                        || (lock.from == buyer && lock.to == seller)
                })
                .cloned()
                .collect(),
        }
    }
}

/// Why a cart cannot be quoted. `line` is the index in the request's `lines`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuoteError {
    #[error("the cart is empty")]
    NoLines,
    #[error("at most {MAX_LINES} lines")]
    TooManyLines,
    #[error("quantity must be between 1 and {MAX_QUANTITY}")]
    BadQuantity { line: usize },
    #[error("the product is not on sale")]
    NotOnSale { line: usize },
    #[error("the minimum order quantity is {moq}")]
    BelowMoq { line: usize, moq: u32 },
    #[error("the product appears twice; put the whole quantity on one line")]
    DuplicateProduct { line: usize },
    #[error("{0} has no tradeable currency")]
    NoCurrency(CountryCode),
    #[error("the seller ships from {0}: domestic orders are not offered")]
    Domestic(CountryCode),
    #[error("no exchange rate for {currency} on {date}")]
    NoRate {
        currency: CurrencyCode,
        date: NaiveDate,
    },
    #[error("no shipping service can carry this seller's parcel: {reasons}")]
    NoShipping { seller: SellerId, reasons: String },
    #[error("unknown shipping service '{service}' for this seller's parcel")]
    UnknownService { seller: SellerId, service: String },
    #[error("DDP asked for, but no DDP-capable service can carry this seller's parcel")]
    NoDdpService { seller: SellerId },
    #[error("destination {country} is not supported: {reason}")]
    UnsupportedDestination {
        country: CountryCode,
        reason: String,
    },
    /// The buyer asked for DDP, but a line holds goods whose excise is only assessed at the
    /// border (the error names the line by its index in the request).
    #[error("{0}")]
    NotDeliverableDutyPaid(LandedCostError),
    #[error("landed cost: {0}")]
    LandedCost(LandedCostError),
    #[error("amount overflow")]
    Overflow,
    /// The app's ship-from plan does not match the cart (a bug, never the buyer's doing).
    #[error("ship-from plan: {0}")]
    BadPlan(String),
    /// The order would cost more than any amount the platform takes (see
    /// [`crate::money::MAX_ENTERED_MINOR`]).
    #[error("the order's total is above the largest the platform accepts ({max})")]
    TooLarge { max: crate::money::Money },
}
