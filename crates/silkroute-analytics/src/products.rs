//! Product analysis: each product's funnel, sales, margin and stock cover over a period, ranked,
//! with a diagnosis of where it loses buyers. Thresholds are relative to the store's own rates,
//! so a diagnosis says "worse than your other products", not "worse than a number we made up".

use rust_decimal::Decimal;
use serde::Serialize;
use silkroute_domain::money::{Money, RoundingMode};

/// One product's sums over the period, money in the seller's settlement currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductPeriod {
    pub page_views: i64,
    pub add_to_carts: i64,
    pub units_placed: i64,
    pub refunded_units: i64,
    pub paid_units: i64,
    /// The product's share of what buyers paid (goods and shipping).
    pub paid_amount: Money,
    /// The shipping part of `paid_amount`, passed on to the carrier.
    pub freight: Money,
    pub unit_cost: Money,
    pub available_stock: i64,
    pub days: i64,
}

/// What a product earned after its costs: paid amount − unit cost × paid units − freight −
/// commission − payment fee. Duties are never the seller's: buyers pay them at checkout (DDP)
/// or at the door (DAP), so none are absorbed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Margin {
    pub revenue: Money,
    pub cost_of_goods: Money,
    pub freight: Money,
    pub commission: Money,
    pub payment_fee: Money,
    pub margin: Money,
    /// Margin ÷ revenue.
    pub margin_rate: Option<Decimal>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Diagnosis {
    /// Nobody saw it.
    NoTraffic,
    /// Seen, rarely carted: price or product page.
    FewCarts,
    /// Carted, rarely paid: shipping or landed cost at checkout.
    CartsNotPaid,
    /// Many given back: quality or description.
    HighRefunds,
    /// Sells faster than its stock lasts.
    LowStock,
    /// Sells with no stock left to sell.
    OutOfStock,
    Healthy,
}

impl Diagnosis {
    pub fn advice(self) -> &'static str {
        match self {
            Diagnosis::NoTraffic => {
                "No views: list it in more markets, add keywords to the title or promote it."
            }
            Diagnosis::FewCarts => {
                "Many views, few carts: check the price against the market and the product page (photos, description)."
            }
            Diagnosis::CartsNotPaid => {
                "Carted but not paid: check shipping cost, delivery time and duties in the landed cost at checkout."
            }
            Diagnosis::HighRefunds => {
                "Refunds well above the store's: check quality, sizing and whether the description matches the goods."
            }
            Diagnosis::LowStock => "Stock lasts less than two weeks at this pace: replenish now.",
            Diagnosis::OutOfStock => "Out of stock while buyers still want it: replenish.",
            Diagnosis::Healthy => "Converts and sells in line with the store.",
        }
    }
}

/// The store's own rates, which a product is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreRates {
    /// Add-to-cart events ÷ product views.
    pub cart_rate: Option<Decimal>,
    /// Paid units ÷ add-to-cart events.
    pub cart_to_paid: Option<Decimal>,
    /// Refunded units ÷ units placed.
    pub refund_rate: Option<Decimal>,
}

/// Below this many views (or carts, or units) a rate says nothing.
pub const MIN_EVIDENCE: i64 = 20;
/// Stock cover under which a selling product is flagged.
pub const LOW_COVER_DAYS: i64 = 14;

fn rate(numerator: i64, denominator: i64) -> Option<Decimal> {
    (denominator > 0).then(|| Decimal::from(numerator) / Decimal::from(denominator))
}

impl ProductPeriod {
    pub fn cart_rate(&self) -> Option<Decimal> {
        rate(self.add_to_carts, self.page_views)
    }

    /// Paid units ÷ product views.
    pub fn conversion(&self) -> Option<Decimal> {
        rate(self.paid_units, self.page_views)
    }

    pub fn refund_rate(&self) -> Option<Decimal> {
        rate(self.refunded_units, self.units_placed)
    }

    /// Paid units per day.
    pub fn velocity(&self) -> Decimal {
        rate(self.paid_units, self.days.max(1)).unwrap_or_default()
    }

    /// Days the available stock lasts at the period's pace; `None` when it does not sell.
    pub fn days_of_cover(&self) -> Option<Decimal> {
        let velocity = self.velocity();
        (!velocity.is_zero())
            .then(|| (Decimal::from(self.available_stock.max(0)) / velocity).round_dp(1))
    }

    pub fn margin(&self, commission_bps: u32, payment_fee_bps: u32) -> Margin {
        let currency = self.paid_amount.currency();
        let share = |bps: u32| {
            self.paid_amount
                .checked_mul_decimal(Decimal::new(i64::from(bps), 4), RoundingMode::HalfEven)
                .unwrap_or(Money::zero(currency))
        };
        let cost_of_goods = Money::from_minor(
            self.unit_cost.minor().saturating_mul(self.paid_units),
            currency,
        );
        let commission = share(commission_bps);
        let payment_fee = share(payment_fee_bps);
        let margin = self
            .paid_amount
            .minor()
            .saturating_sub(cost_of_goods.minor())
            .saturating_sub(self.freight.minor())
            .saturating_sub(commission.minor())
            .saturating_sub(payment_fee.minor());
        Margin {
            revenue: self.paid_amount,
            cost_of_goods,
            freight: self.freight,
            commission,
            payment_fee,
            margin: Money::from_minor(margin, currency),
            margin_rate: rate(margin, self.paid_amount.minor()).map(|r| r.round_dp(4)),
        }
    }

    /// The first problem that explains lost sales, in funnel order.
    pub fn diagnose(&self, store: &StoreRates) -> Diagnosis {
        let worse_than_half = |own: Option<Decimal>, store: Option<Decimal>| match (own, store) {
            (Some(own), Some(store)) => own < store / Decimal::TWO,
            _ => false,
        };
        if self.page_views == 0 && self.paid_units == 0 {
            return Diagnosis::NoTraffic;
        }
        if self.page_views >= MIN_EVIDENCE && worse_than_half(self.cart_rate(), store.cart_rate) {
            return Diagnosis::FewCarts;
        }
        if self.add_to_carts >= MIN_EVIDENCE
            && worse_than_half(rate(self.paid_units, self.add_to_carts), store.cart_to_paid)
        {
            return Diagnosis::CartsNotPaid;
        }
        if self.units_placed >= MIN_EVIDENCE
            && let (Some(own), Some(store)) = (self.refund_rate(), store.refund_rate)
            && own > store * Decimal::TWO
            && own > Decimal::new(5, 2)
        {
            return Diagnosis::HighRefunds;
        }
        if self.paid_units > 0 {
            if self.available_stock <= 0 {
                return Diagnosis::OutOfStock;
            }
            if self
                .days_of_cover()
                .is_some_and(|cover| cover < Decimal::from(LOW_COVER_DAYS))
            {
                return Diagnosis::LowStock;
            }
        }
        Diagnosis::Healthy
    }
}

#[cfg(test)]
mod tests {
    use silkroute_domain::currency::CurrencyCode;

    use super::*;

    fn cny(minor: i64) -> Money {
        Money::from_minor(minor, CurrencyCode::parse("CNY").unwrap())
    }

    fn product() -> ProductPeriod {
        ProductPeriod {
            page_views: 400,
            add_to_carts: 40,
            units_placed: 30,
            refunded_units: 1,
            paid_units: 28,
            paid_amount: cny(280_000),
            freight: cny(28_000),
            unit_cost: cny(4_000),
            available_stock: 500,
            days: 28,
        }
    }

    const STORE: StoreRates = StoreRates {
        cart_rate: Some(Decimal::from_parts(8, 0, 0, false, 2)),
        cart_to_paid: Some(Decimal::from_parts(60, 0, 0, false, 2)),
        refund_rate: Some(Decimal::from_parts(3, 0, 0, false, 2)),
    };

    #[test]
    fn margin_takes_every_cost_off_the_paid_amount() {
        // 2,800.00 paid; 28 × 40.00 cost = 1,120.00; freight 280.00; commission 8 % = 224.00;
        // payment fee 2.9 % = 81.20 → margin 1,094.80 (39.1 %).
        let margin = product().margin(800, 290);
        assert_eq!(margin.cost_of_goods, cny(112_000));
        assert_eq!(margin.commission, cny(22_400));
        assert_eq!(margin.payment_fee, cny(8_120));
        assert_eq!(margin.margin, cny(109_480));
        assert_eq!(margin.margin_rate, Some(Decimal::new(3910, 4)));
    }

    #[test]
    fn velocity_and_cover_follow_the_period() {
        let p = product();
        assert_eq!(p.velocity(), Decimal::ONE);
        assert_eq!(p.days_of_cover(), Some(Decimal::from(500)));
        let idle = ProductPeriod {
            paid_units: 0,
            ..product()
        };
        assert_eq!(idle.days_of_cover(), None);
    }

    #[test]
    fn diagnosis_follows_the_funnel() {
        assert_eq!(product().diagnose(&STORE), Diagnosis::Healthy);
        let unseen = ProductPeriod {
            page_views: 0,
            add_to_carts: 0,
            units_placed: 0,
            refunded_units: 0,
            paid_units: 0,
            ..product()
        };
        assert_eq!(unseen.diagnose(&STORE), Diagnosis::NoTraffic);
        let browsed = ProductPeriod {
            add_to_carts: 8,
            ..product()
        };
        assert_eq!(browsed.diagnose(&STORE), Diagnosis::FewCarts);
        let abandoned = ProductPeriod {
            add_to_carts: 40,
            paid_units: 5,
            ..product()
        };
        assert_eq!(abandoned.diagnose(&STORE), Diagnosis::CartsNotPaid);
        let returned = ProductPeriod {
            refunded_units: 6,
            ..product()
        };
        assert_eq!(returned.diagnose(&STORE), Diagnosis::HighRefunds);
        let short = ProductPeriod {
            available_stock: 10,
            ..product()
        };
        assert_eq!(short.diagnose(&STORE), Diagnosis::LowStock);
        let empty = ProductPeriod {
            available_stock: 0,
            ..product()
        };
        assert_eq!(empty.diagnose(&STORE), Diagnosis::OutOfStock);
    }
}
