//! From a demand forecast and a stock position to the numbers a buyer acts on: how long stock
//! lasts, when it runs out, and what to order.
//!
//! The policy is the textbook periodic-review order-up-to system with a reorder point (Silver,
//! Pyke & Thomas, *Inventory and Production Management*, ch. 6–7) under normally distributed
//! daily forecast errors, independent from day to day:
//!
//! - safety stock `SS = z · σ · √L`, with `z = Φ⁻¹(service level)` (cycle service level, the
//!   probability of not running out before a replenishment arrives), `σ` the daily forecast
//!   error and `L` the lead time in days;
//! - reorder point `ROP = D(L) + SS`, `D(n)` being forecast demand over the next `n` days;
//! - order-up-to level `S = D(L + R) + z · σ · √(L + R)` for a review period `R`: an order
//!   placed now has to last until the next review's order arrives, `L + R` days, so its buffer
//!   covers the uncertainty of all those days, not only the lead time (with `R = 0` it is the
//!   reorder-point buffer);
//! - suggested order `max(0, S − (available + on order))`, rounded up to whole case packs.
//!
//! Forecast demand is summed day by day rather than taken as a flat average, so a weekly peak
//! or a seasonal ramp inside the lead time is ordered for.

use serde::Serialize;

use super::DemandForecast;
use super::normal::inverse_normal_cdf;

/// Stock of one SKU in whole units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StockPosition {
    pub on_hand: i64,
    /// Promised to placed orders but not yet shipped.
    pub reserved: i64,
    /// Ordered from suppliers and not yet received.
    pub on_order: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReplenishmentPolicy {
    /// Days from placing a purchase order to the stock being sellable.
    pub lead_time_days: u32,
    /// Days between order decisions; 0 for continuous review.
    pub review_period_days: u32,
    /// Cycle service level in `[0.5, 1)`, e.g. 0.95.
    pub service_level: f64,
    /// Orders are rounded up to a multiple of this; 1 for single units.
    pub case_pack: u32,
}

impl ReplenishmentPolicy {
    /// A policy ordering single units.
    pub fn new(lead_time_days: u32, review_period_days: u32, service_level: f64) -> Self {
        Self {
            lead_time_days,
            review_period_days,
            service_level,
            case_pack: 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReplenishmentPlan {
    /// On hand minus reserved; negative when reservations wait for stock.
    pub available: i64,
    /// Available plus on order: what reorder decisions compare against.
    pub inventory_position: i64,
    /// Available stock divided by mean forecast daily demand over the forecast given; `None`
    /// when no demand is forecast, since stock then lasts indefinitely.
    pub days_of_cover: Option<f64>,
    /// First forecast day (1 = tomorrow) on which cumulative forecast demand exceeds available
    /// stock; `Some(0)` when available is already negative; `None` if that does not happen
    /// within the forecast. Stock on order is not counted, as its arrival day is not known.
    pub stockout_day: Option<usize>,
    /// `z = Φ⁻¹(service level)`.
    pub service_factor: f64,
    /// Expected units sold during the lead time.
    pub lead_time_demand: f64,
    /// `z · σ · √L`, rounded up.
    pub safety_stock: i64,
    /// `D(L) + z · σ · √L`, rounded up once (not the sum of two rounded parts).
    pub reorder_point: i64,
    /// `z · σ · √(L + R)`, rounded up: the buffer inside the order-up-to level.
    pub review_safety_stock: i64,
    /// `D(L + R) + z · σ · √(L + R)`, rounded up.
    pub order_up_to_level: i64,
    /// The inventory position is at or below the reorder point: order now, do not wait for the
    /// next review.
    pub reorder_now: bool,
    /// What an order placed today should be, in units, a multiple of the case pack.
    pub suggested_order_qty: i64,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ReplenishmentError {
    #[error(
        "service level must be at least 0.5 and below 1 (e.g. 0.95), got {0}; below 0.5 plans \
         for running out more often than not"
    )]
    InvalidServiceLevel(f64),
    #[error("case pack must be at least 1 unit")]
    InvalidCasePack,
    #[error("{field} must not be negative, got {value}")]
    NegativeStock { field: &'static str, value: i64 },
    #[error("the forecast covers {got} days but lead time plus review period needs {needed}")]
    DemandTooShort { needed: usize, got: usize },
    #[error("forecast demand for day {day} is {value}: must be a finite number of units >= 0")]
    InvalidDemand { day: usize, value: f64 },
    #[error("daily demand standard deviation must be finite and >= 0, got {0}")]
    InvalidStdDev(f64),
}

/// Plans replenishment from a [`DemandForecast`]: its daily means as demand and its in-sample
/// error as `σ`.
pub fn plan_from_forecast(
    stock: &StockPosition,
    policy: &ReplenishmentPolicy,
    forecast: &DemandForecast,
) -> Result<ReplenishmentPlan, ReplenishmentError> {
    plan_replenishment(
        stock,
        policy,
        &forecast.daily_means(),
        forecast.residual_std_dev,
    )
}

/// Plans replenishment for one SKU. `daily_demand[0]` is tomorrow's expected demand and must
/// cover at least lead time plus review period; `daily_std_dev` is the standard deviation of a
/// single day's forecast error, in units.
pub fn plan_replenishment(
    stock: &StockPosition,
    policy: &ReplenishmentPolicy,
    daily_demand: &[f64],
    daily_std_dev: f64,
) -> Result<ReplenishmentPlan, ReplenishmentError> {
    validate(stock, policy, daily_demand, daily_std_dev)?;
    let lead = policy.lead_time_days as usize;
    let protection = lead.saturating_add(policy.review_period_days as usize);

    let available = stock.on_hand.saturating_sub(stock.reserved);
    let inventory_position = available.saturating_add(stock.on_order);

    let z = inverse_normal_cdf(policy.service_level);
    let lead_time_demand: f64 = daily_demand[..lead].iter().sum();
    let protection_demand: f64 = daily_demand[..protection].iter().sum();
    let safety = z * daily_std_dev * (lead as f64).sqrt();
    let review_safety = z * daily_std_dev * (protection as f64).sqrt();

    let reorder_point = whole_units(lead_time_demand + safety);
    let order_up_to_level = whole_units(protection_demand + review_safety);
    let shortfall = order_up_to_level.saturating_sub(inventory_position).max(0);
    let suggested_order_qty = round_up_to_pack(shortfall, i64::from(policy.case_pack));

    Ok(ReplenishmentPlan {
        available,
        inventory_position,
        days_of_cover: days_of_cover(available, daily_demand),
        stockout_day: stockout_day(available, daily_demand),
        service_factor: z,
        lead_time_demand,
        safety_stock: whole_units(safety),
        reorder_point,
        review_safety_stock: whole_units(review_safety),
        order_up_to_level,
        reorder_now: inventory_position <= reorder_point && suggested_order_qty > 0,
        suggested_order_qty,
    })
}

fn validate(
    stock: &StockPosition,
    policy: &ReplenishmentPolicy,
    daily_demand: &[f64],
    daily_std_dev: f64,
) -> Result<(), ReplenishmentError> {
    if !(0.5..1.0).contains(&policy.service_level) {
        return Err(ReplenishmentError::InvalidServiceLevel(
            policy.service_level,
        ));
    }
    if policy.case_pack == 0 {
        return Err(ReplenishmentError::InvalidCasePack);
    }
    for (field, value) in [
        ("on hand", stock.on_hand),
        ("reserved", stock.reserved),
        ("on order", stock.on_order),
    ] {
        if value < 0 {
            return Err(ReplenishmentError::NegativeStock { field, value });
        }
    }
    let needed =
        (policy.lead_time_days as usize).saturating_add(policy.review_period_days as usize);
    if daily_demand.len() < needed {
        return Err(ReplenishmentError::DemandTooShort {
            needed,
            got: daily_demand.len(),
        });
    }
    if let Some(i) = daily_demand
        .iter()
        .position(|d| !(d.is_finite() && *d >= 0.0))
    {
        return Err(ReplenishmentError::InvalidDemand {
            day: i + 1,
            value: daily_demand[i],
        });
    }
    if !(daily_std_dev.is_finite() && daily_std_dev >= 0.0) {
        return Err(ReplenishmentError::InvalidStdDev(daily_std_dev));
    }
    Ok(())
}

fn days_of_cover(available: i64, daily_demand: &[f64]) -> Option<f64> {
    let mean = daily_demand.iter().sum::<f64>() / daily_demand.len() as f64;
    (mean > 0.0 && mean.is_finite()).then(|| available.max(0) as f64 / mean)
}

fn stockout_day(available: i64, daily_demand: &[f64]) -> Option<usize> {
    if available < 0 {
        return Some(0);
    }
    let available = available as f64;
    let mut cumulative = 0.0;
    daily_demand
        .iter()
        .position(|d| {
            cumulative += d;
            cumulative > available + ROUNDING_SLACK
        })
        .map(|i| i + 1)
}

/// Sums of fractional forecasts land a hair above whole numbers (0.1 · 30 is
/// 3.0000000000000004); without slack those would round up a whole extra unit.
const ROUNDING_SLACK: f64 = 1e-9;

/// Rounds up to whole units, never below zero; saturates rather than wrapping for absurd sizes
/// (`as` casts from `f64` saturate).
fn whole_units(units: f64) -> i64 {
    (units - ROUNDING_SLACK).ceil().max(0.0) as i64
}

fn round_up_to_pack(units: i64, pack: i64) -> i64 {
    if pack <= 1 || units <= 0 {
        return units.max(0);
    }
    let packs = units / pack + i64::from(units % pack != 0);
    packs.saturating_mul(pack)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const Z95: f64 = 1.644_853_626_951_472_2;

    #[test]
    fn worked_example_periodic_review_with_case_pack() {
        // On hand 120, reserved 20 → available 100; 30 on order → position 130.
        // Demand 10/day, σ = 4/day, L = 9, R = 7, 95 % (z = 1.644854), packs of 12.
        // Cover 100 / 10 = 10 days; cumulative demand first exceeds 100 on day 11 (110).
        // SS = 1.644854 · 4 · √9 = 19.74 → 20; ROP = ⌈90 + 19.74⌉ = 110; 130 > 110: no rush.
        // Review SS = 1.644854 · 4 · √16 = 26.32 → 27; S = ⌈160 + 26.32⌉ = 187.
        // Order 187 − 130 = 57 → 5 packs of 12 = 60.
        let stock = StockPosition {
            on_hand: 120,
            reserved: 20,
            on_order: 30,
        };
        let policy = ReplenishmentPolicy {
            case_pack: 12,
            ..ReplenishmentPolicy::new(9, 7, 0.95)
        };
        let plan = plan_replenishment(&stock, &policy, &[10.0; 30], 4.0).expect("valid");
        assert_eq!(plan.available, 100);
        assert_eq!(plan.inventory_position, 130);
        assert_eq!(plan.days_of_cover, Some(10.0));
        assert_eq!(plan.stockout_day, Some(11));
        assert!((plan.service_factor - Z95).abs() < 1e-12);
        assert_eq!(plan.lead_time_demand, 90.0);
        assert_eq!(plan.safety_stock, 20);
        assert_eq!(plan.reorder_point, 110);
        assert_eq!(plan.review_safety_stock, 27);
        assert_eq!(plan.order_up_to_level, 187);
        assert!(!plan.reorder_now);
        assert_eq!(plan.suggested_order_qty, 60);
    }

    #[test]
    fn worked_example_continuous_review_below_reorder_point() {
        // 30 available, nothing on order. Demand 6/day, σ = 5, L = 4, R = 0, 99 % (z = 2.326348).
        // Cover 30 / 6 = 5 days; cumulative 6, 12, …, 36 first exceeds 30 on day 6.
        // SS = 2.326348 · 5 · 2 = 23.26 → 24; ROP = S = ⌈24 + 23.26⌉ = 48; order 48 − 30 = 18.
        let stock = StockPosition {
            on_hand: 30,
            ..StockPosition::default()
        };
        let policy = ReplenishmentPolicy::new(4, 0, 0.99);
        let plan = plan_replenishment(&stock, &policy, &[6.0; 10], 5.0).expect("valid");
        assert_eq!(plan.days_of_cover, Some(5.0));
        assert_eq!(plan.stockout_day, Some(6));
        assert_eq!(plan.safety_stock, 24);
        assert_eq!(plan.reorder_point, 48);
        assert_eq!(plan.order_up_to_level, 48);
        assert!(plan.reorder_now);
        assert_eq!(plan.suggested_order_qty, 18);
    }

    #[test]
    fn uneven_demand_is_summed_day_by_day() {
        // Weekend peaks inside the lead time: D(3) = 2 + 9 + 9 = 20, σ = 0 → ROP 20.
        // Available 19: day 1 leaves 17, day 2 leaves 8, day 3 needs 9 > 8 → stock-out day 3.
        let stock = StockPosition {
            on_hand: 19,
            ..StockPosition::default()
        };
        let demand = [2.0, 9.0, 9.0, 2.0, 2.0, 2.0, 2.0];
        let plan = plan_replenishment(&stock, &ReplenishmentPolicy::new(3, 0, 0.9), &demand, 0.0)
            .expect("valid");
        assert_eq!(plan.reorder_point, 20);
        assert_eq!(plan.stockout_day, Some(3));
        // Mean demand 28 / 7 = 4/day → 19 / 4 = 4.75 days.
        assert_eq!(plan.days_of_cover, Some(4.75));
        assert_eq!(plan.suggested_order_qty, 1);
    }

    #[test]
    fn zero_demand_never_runs_out_and_orders_nothing() {
        let stock = StockPosition {
            on_hand: 10,
            ..StockPosition::default()
        };
        let plan = plan_replenishment(
            &stock,
            &ReplenishmentPolicy::new(5, 7, 0.95),
            &[0.0; 14],
            0.0,
        )
        .expect("valid");
        assert_eq!(plan.days_of_cover, None);
        assert_eq!(plan.stockout_day, None);
        assert_eq!(plan.safety_stock, 0);
        assert_eq!(plan.reorder_point, 0);
        assert_eq!(plan.suggested_order_qty, 0);
        assert!(!plan.reorder_now);
        let empty = plan_replenishment(
            &StockPosition::default(),
            &ReplenishmentPolicy::new(0, 0, 0.95),
            &[],
            0.0,
        )
        .expect("valid");
        assert_eq!((empty.days_of_cover, empty.stockout_day), (None, None));
        assert!(!empty.reorder_now);
    }

    #[test]
    fn reservations_beyond_stock_are_already_out() {
        // Available 5 − 8 = −3. L = 2, R = 1, demand 2/day, σ = 0: ROP 4, S 6, order 6 + 3 = 9.
        let stock = StockPosition {
            on_hand: 5,
            reserved: 8,
            on_order: 0,
        };
        let plan = plan_replenishment(
            &stock,
            &ReplenishmentPolicy::new(2, 1, 0.95),
            &[2.0; 5],
            0.0,
        )
        .expect("valid");
        assert_eq!(plan.available, -3);
        assert_eq!(plan.stockout_day, Some(0));
        assert_eq!(plan.days_of_cover, Some(0.0));
        assert_eq!(plan.reorder_point, 4);
        assert_eq!(plan.order_up_to_level, 6);
        assert_eq!(plan.suggested_order_qty, 9);
        assert!(plan.reorder_now);
    }

    #[test]
    fn fractional_sums_do_not_round_up_an_extra_unit() {
        // 0.1 · 30 sums to 3.0000000000000004 in f64; the reorder point is still 3.
        let plan = plan_replenishment(
            &StockPosition::default(),
            &ReplenishmentPolicy::new(30, 0, 0.5),
            &[0.1; 30],
            1.0,
        )
        .expect("valid");
        assert_eq!(plan.service_factor, 0.0);
        assert_eq!(plan.reorder_point, 3);
    }

    #[test]
    fn invalid_inputs_are_typed_errors() {
        let stock = StockPosition::default();
        let demand = [1.0; 10];
        let plan = |policy: ReplenishmentPolicy, demand: &[f64], sd: f64| {
            plan_replenishment(&stock, &policy, demand, sd)
        };
        for level in [0.4, 1.0, 95.0, f64::NAN] {
            assert!(matches!(
                plan(ReplenishmentPolicy::new(1, 1, level), &demand, 1.0),
                Err(ReplenishmentError::InvalidServiceLevel(_))
            ));
        }
        let no_pack = ReplenishmentPolicy {
            case_pack: 0,
            ..ReplenishmentPolicy::new(1, 1, 0.95)
        };
        assert_eq!(
            plan(no_pack, &demand, 1.0),
            Err(ReplenishmentError::InvalidCasePack)
        );
        assert_eq!(
            plan(ReplenishmentPolicy::new(7, 7, 0.95), &demand, 1.0),
            Err(ReplenishmentError::DemandTooShort {
                needed: 14,
                got: 10
            })
        );
        assert!(matches!(
            plan(ReplenishmentPolicy::new(1, 1, 0.95), &[1.0, f64::NAN], 1.0),
            Err(ReplenishmentError::InvalidDemand { day: 2, .. })
        ));
        assert!(matches!(
            plan(ReplenishmentPolicy::new(1, 1, 0.95), &demand, -1.0),
            Err(ReplenishmentError::InvalidStdDev(_))
        ));
        let negative = StockPosition {
            on_order: -1,
            ..StockPosition::default()
        };
        assert_eq!(
            plan_replenishment(
                &negative,
                &ReplenishmentPolicy::new(1, 1, 0.95),
                &demand,
                1.0
            ),
            Err(ReplenishmentError::NegativeStock {
                field: "on order",
                value: -1
            })
        );
    }

    #[test]
    fn plans_from_a_forecast() {
        let history = super::super::test_series::synthetic(120, 5, 0.0, 2.0);
        let forecast = super::super::forecast_demand(&history, 21, 0.8).expect("valid");
        let stock = StockPosition {
            on_hand: 150,
            reserved: 10,
            on_order: 0,
        };
        let plan = plan_from_forecast(&stock, &ReplenishmentPolicy::new(7, 7, 0.95), &forecast)
            .expect("valid");
        // About 21 units a day against 140 available: roughly a week of cover.
        let cover = plan.days_of_cover.expect("demand is forecast");
        assert!((5.0..9.0).contains(&cover), "cover {cover}");
        assert!(plan.stockout_day.is_some_and(|d| (5..=9).contains(&d)));
        assert!(plan.reorder_point > plan.safety_stock && plan.safety_stock > 0);
        assert!(plan.reorder_now);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics_and_orders_whole_packs(
            on_hand in 0i64..10_000,
            reserved in 0i64..10_000,
            on_order in 0i64..10_000,
            lead in 0u32..60,
            review in 0u32..30,
            service_level in 0.5f64..0.9999,
            case_pack in 1u32..50,
            demand in prop::collection::vec(0.0f64..500.0, 90),
            sd in 0.0f64..200.0,
        ) {
            let stock = StockPosition { on_hand, reserved, on_order };
            let policy = ReplenishmentPolicy { lead_time_days: lead, review_period_days: review, service_level, case_pack };
            let plan = plan_replenishment(&stock, &policy, &demand, sd).expect("valid inputs");
            prop_assert!(plan.safety_stock >= 0 && plan.reorder_point >= plan.safety_stock);
            prop_assert!(plan.order_up_to_level >= plan.reorder_point);
            prop_assert!(plan.suggested_order_qty >= 0);
            prop_assert_eq!(plan.suggested_order_qty % i64::from(case_pack), 0);
            prop_assert!(plan.inventory_position + plan.suggested_order_qty >= plan.order_up_to_level);
        }
    }
}
