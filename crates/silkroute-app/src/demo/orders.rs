//! Two years of demo orders, made by the same rules as live checkout: every cart is quoted by
//! the domain (tier prices, rate cards of the day, duties and taxes of the day's rules, the
//! day's ECB rates), then lives a plausible life — paid, shipped, delivered, completed; or
//! cancelled, refunded, returned — with an event for every step. Volumes follow the demand
//! calendar (weekly rhythm, 11.11, Black Friday, Christmas) and buyers come from the markets
//! the demo buyers live in. One seed, one history.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use silkroute_domain::catalog::Product;
use silkroute_domain::checkout::{self, CartLine, Destination, QuoteContext};
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::{self, PublishedRate};
use silkroute_domain::ids::{
    OrderId, PaymentId, QuoteId, RefundId, ReturnId, SellerId, WarehouseId,
};
use silkroute_domain::money::Money;
use silkroute_domain::order::{OrderStatus, ReturnStatus};
use silkroute_domain::party::{Buyer, Seller};
use silkroute_domain::payment::{self as payment_rules, PaymentStatus};
use silkroute_domain::shipping::{CarrierService, Preference};
use silkroute_store::{
    OrderEvent, OrderImport, OrderRecord, PageRequest, PaymentRecord, ProductFilter, RefundRecord,
    ReturnRecord, StockLevel, Warehouse,
};

use super::calendar::demand_weight;
use crate::orders::{OrderIds, order_from_group};
use crate::{App, AppError, AppResult};

#[derive(Clone, Debug)]
pub struct DemoOrderOptions {
    pub orders: u32,
    pub days: u32,
    pub seed: u64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DemoOrderReport {
    pub orders: u64,
    pub checkouts: u64,
    /// Carts the rules refused (no service for the parcel, a missing rate): skipped, as a real
    /// checkout would have refused them.
    pub unquotable_carts: u64,
    pub completed: u64,
    pub open: u64,
    pub cancelled: u64,
    pub refunded: u64,
    pub partially_refunded: u64,
    pub returned: u64,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
}

/// Orders written per import transaction.
const BATCH: usize = 5_000;

/// ECB publication days, to price each day's carts at that day's rates.
struct RateHistory {
    days: BTreeMap<NaiveDate, HashMap<CurrencyCode, PublishedRate>>,
}

impl RateHistory {
    fn legs_on(&self, date: NaiveDate) -> Option<&HashMap<CurrencyCode, PublishedRate>> {
        self.days.range(..=date).next_back().map(|(_, legs)| legs)
    }
}

fn ulid_at(rng: &mut StdRng, at: DateTime<Utc>) -> String {
    let millis = at.timestamp_millis().max(0) as u128;
    let random: u128 = rng.random::<u128>() & ((1u128 << 80) - 1);
    ulid::Ulid((millis << 80) | random).to_string()
}

fn invalid(error: impl std::fmt::Display) -> AppError {
    AppError::Unavailable(error.to_string())
}

/// What happens to one order after checkout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Normal,
    CaptureFails,
    CancelledAfterPayment,
    RefundedAfterDelivery,
    PartlyRefunded,
    Returned,
}

fn fate(rng: &mut StdRng) -> Fate {
    match rng.random_range(0..1000) {
        0..15 => Fate::CaptureFails,
        15..35 => Fate::CancelledAfterPayment,
        35..65 => Fate::RefundedAfterDelivery,
        65..80 => Fate::PartlyRefunded,
        80..105 => Fate::Returned,
        _ => Fate::Normal,
    }
}

/// The events of one order, numbered as the store numbers them.
struct Timeline<'a> {
    order: &'a mut OrderRecord,
    events: Vec<(SellerId, OrderEvent)>,
}

impl Timeline<'_> {
    fn step(&mut self, to: OrderStatus, action: &str, actor: &str, at: DateTime<Utc>) {
        let from = (!self.events.is_empty()).then_some(self.order.status);
        self.events.push((
            self.order.seller_id.clone(),
            OrderEvent {
                order_id: self.order.id.clone(),
                seq: self.events.len() as i64 + 1,
                from_status: from,
                to_status: to,
                action: action.to_string(),
                actor: actor.to_string(),
                reason: None,
                at,
            },
        ));
        self.order.status = to;
        self.order.updated_at = at;
    }
}

impl App {
    /// Generates `orders` orders over the `days` days before now; `progress(stage, done,
    /// total)` follows the work. Needs the demo marketplace (sellers, products, buyers).
    pub async fn generate_demo_orders(
        &self,
        options: &DemoOrderOptions,
        progress: impl Fn(&str, u64, u64),
    ) -> AppResult<DemoOrderReport> {
        if options.orders > 10_000_000 {
            return Err(AppError::field("orders", "must be at most 10000000"));
        }
        if !(1..=3_650).contains(&options.days) {
            return Err(AppError::field("days", "must be between 1 and 3650"));
        }
        let sellers = self.all_sellers().await?;
        let buyers = self.all_buyers().await?;
        let products = self.all_products().await?;
        if sellers.is_empty() || buyers.is_empty() || products.is_empty() {
            return Err(AppError::Unavailable(
                "demo orders need sellers, products and buyers: run the demo marketplace first"
                    .into(),
            ));
        }
        let mut rng = StdRng::seed_from_u64(options.seed ^ 0x0dde_5eed);
        let now = self.now();

        // One home warehouse per seller.
        let warehouses: Vec<Warehouse> = sellers
            .iter()
            .map(|seller| {
                Ok(Warehouse {
                    id: WarehouseId::from_ulid(&ulid_at(&mut rng, seller.created_at))
                        .map_err(invalid)?,
                    seller_id: seller.id.clone(),
                    name: format!("{} home warehouse", seller.name),
                    country: seller.country,
                    kind: "seller".into(),
                    created_at: seller.created_at,
                })
            })
            .collect::<AppResult<_>>()?;
        // Warehouses first: order lines point at them.
        self.store.import_stock(&warehouses, &[]).await?;
        let home: HashMap<&SellerId, &WarehouseId> =
            warehouses.iter().map(|w| (&w.seller_id, &w.id)).collect();

        let sheet = fx::parse_ecb_csv(crate::ECB_SNAPSHOT).map_err(invalid)?;
        let mut history = RateHistory {
            days: BTreeMap::new(),
        };
        for rate in sheet.rates {
            history
                .days
                .entry(rate.date)
                .or_default()
                .insert(rate.currency, rate);
        }
        let rules = self.cached_rules().await?;
        let tariffs = crate::landed_cost::tariffs()?;
        let all_services = self.all_carrier_services()?;
        let by_seller: HashMap<&SellerId, &Seller> = sellers.iter().map(|s| (&s.id, s)).collect();
        let mut catalog: HashMap<&SellerId, Vec<&Product>> = HashMap::new();
        for product in &products {
            catalog.entry(&product.seller_id).or_default().push(product);
        }

        // Orders per day, by the demand calendar.
        let last_day = now.date_naive() - Duration::days(1);
        let first_day = last_day - Duration::days(i64::from(options.days) - 1);
        let days: Vec<NaiveDate> = first_day.iter_days().take(options.days as usize).collect();
        let weights: Vec<f64> = days
            .iter()
            .map(|day| demand_weight(*day, (last_day - *day).num_days() as f64 / 365.0))
            .collect();
        let total_weight: f64 = weights.iter().sum();
        let mut report = DemoOrderReport {
            first_day: Some(first_day),
            last_day: Some(last_day),
            ..DemoOrderReport::default()
        };
        let mut import = OrderImport::default();
        let mut reserved: HashMap<(SellerId, silkroute_domain::ids::ProductId), i64> =
            HashMap::new();
        let mut carry = 0.0f64;
        let target = u64::from(options.orders);
        progress("orders", 0, target);
        for (day, weight) in days.iter().zip(&weights) {
            carry += f64::from(options.orders) * weight / total_weight;
            let today = carry.floor() as u64;
            carry -= today as f64;
            let Some(legs) = history.legs_on(*day) else {
                continue;
            };
            let services: Vec<CarrierService> = all_services
                .iter()
                .filter(|s| s.in_force_on(*day))
                .cloned()
                .collect();
            let wanted = report.orders + today;
            // A refused cart is tried again with another pick, as a shopper would.
            let mut attempts = 0;
            while report.orders < wanted.min(target) && attempts < 4 * today + 10 {
                attempts += 1;
                let at = day
                    .and_hms_opt(rng.random_range(0..24), rng.random_range(0..60), 0)
                    .unwrap_or_default()
                    .and_utc();
                let buyer = &buyers[rng.random_range(0..buyers.len())];
                let Some(cart) = pick_cart(&mut rng, buyer, &products, &catalog) else {
                    report.unquotable_carts += 1;
                    continue;
                };
                let cart_sellers: Vec<Seller> = cart
                    .iter()
                    .filter_map(|line| by_seller.get(&line.product.seller_id))
                    .map(|seller| (*seller).clone())
                    .collect();
                let no_choices = BTreeMap::new();
                let ctx = QuoteContext {
                    destination: Destination {
                        country: buyer.country,
                        region: None,
                        postal_code: None,
                    },
                    buyer: buyer.kind,
                    buyer_has_valid_eu_vat: false,
                    preference: match rng.random_range(0..20) {
                        0..10 => Preference::Cheapest,
                        10..17 => Preference::BestValue,
                        _ => Preference::Fastest,
                    },
                    incoterm: None,
                    service_choices: &no_choices,
                    date: *day,
                    lines: cart,
                    sellers: &cart_sellers,
                    services: &services,
                    rules: &rules,
                    tariffs,
                    legs: &|code| legs.get(&code).copied(),
                    fx_policy: self.config.fx_policy(None, self.config.buyer_spread_bps),
                };
                let Ok(quote) = checkout::build_quote(&ctx) else {
                    report.unquotable_carts += 1;
                    continue;
                };
                report.checkouts += 1;
                let quote_id = QuoteId::from_ulid(&ulid_at(&mut rng, at)).map_err(invalid)?;
                let payment_id = PaymentId::from_ulid(&ulid_at(&mut rng, at)).map_err(invalid)?;
                let capture_fails = fate(&mut rng) == Fate::CaptureFails;
                let mut payment = PaymentRecord {
                    id: payment_id.clone(),
                    quote_id: quote_id.clone(),
                    buyer_id: buyer.id.clone(),
                    provider: "test".into(),
                    provider_reference: format!("tpi_{}", &payment_id.as_str()[4..]),
                    status: PaymentStatus::Captured,
                    amount: quote.totals.collected_now,
                    captured: quote.totals.collected_now,
                    refunded: Money::zero(quote.totals.currency),
                    card_brand: ["visa", "mastercard", "amex"][rng.random_range(0..3)].into(),
                    card_last4: format!("{:04}", rng.random_range(0..10_000)),
                    decline_reason: None,
                    created_at: at,
                    authorized_at: Some(at),
                    expires_at: Some(payment_rules::authorization_expires_at(at)),
                    captured_at: Some(at + Duration::minutes(2)),
                    updated_at: at + Duration::minutes(2),
                };
                if capture_fails {
                    payment.status = PaymentStatus::Declined;
                    payment.captured = Money::zero(quote.totals.currency);
                    payment.captured_at = None;
                    payment.decline_reason = Some("capture_failed".into());
                }
                for group in &quote.groups {
                    let order_id = OrderId::from_ulid(&ulid_at(&mut rng, at)).map_err(invalid)?;
                    let mut order = order_from_group(
                        OrderIds {
                            order: order_id,
                            buyer: buyer.id.clone(),
                            quote: quote_id.clone(),
                            payment: payment_id.clone(),
                        },
                        &quote,
                        group,
                        at,
                    );
                    for line in &mut order.lines {
                        line.warehouse_id = home.get(&group.seller_id).map(|w| (*w).clone());
                    }
                    let transit = i64::from(group.shipping.selected.transit_days_max);
                    let order_fate = if capture_fails {
                        Fate::CaptureFails
                    } else {
                        match fate(&mut rng) {
                            Fate::CaptureFails => Fate::Normal,
                            other => other,
                        }
                    };
                    let outcome = live(&mut rng, &mut order, order_fate, now, transit)?;
                    if matches!(
                        order.status,
                        OrderStatus::Paid | OrderStatus::Fulfilling | OrderStatus::PendingPayment
                    ) {
                        for line in &order.lines {
                            *reserved
                                .entry((order.seller_id.clone(), line.product_id.clone()))
                                .or_default() += line.quantity;
                        }
                    }
                    match order.status {
                        OrderStatus::Completed | OrderStatus::Delivered => report.completed += 1,
                        OrderStatus::Cancelled => report.cancelled += 1,
                        OrderStatus::Refunded => report.refunded += 1,
                        OrderStatus::Returned => report.returned += 1,
                        _ => report.open += 1,
                    }
                    if outcome.partial {
                        report.partially_refunded += 1;
                    }
                    if let Some(refund) = outcome.refund {
                        payment.refunded = payment
                            .refunded
                            .checked_add(refund.amount)
                            .map_err(invalid)?;
                        import.refunds.push(refund);
                    }
                    import.returns.extend(outcome.rma);
                    import.events.extend(outcome.events);
                    import.orders.push(order);
                    report.orders += 1;
                }
                if payment.refunded.minor() > 0 {
                    payment.status = if payment.refunded == payment.captured {
                        PaymentStatus::Refunded
                    } else {
                        PaymentStatus::PartiallyRefunded
                    };
                }
                import.payments.push(payment);
                if import.orders.len() >= BATCH {
                    self.store.import_orders(&import).await?;
                    import = OrderImport::default();
                    progress("orders", report.orders, target);
                }
            }
        }
        if !import.orders.is_empty() {
            self.store.import_orders(&import).await?;
        }
        progress("orders", report.orders, target);

        // Stock: what open orders hold is reserved, on top of a believable shelf.
        let levels: Vec<StockLevel> = products
            .iter()
            .filter_map(|product| {
                let warehouse = home.get(&product.seller_id)?;
                let held = reserved
                    .get(&(product.seller_id.clone(), product.id.clone()))
                    .copied()
                    .unwrap_or(0);
                let on_hand = rng.random_range(20..600) + held;
                Some(StockLevel {
                    seller_id: product.seller_id.clone(),
                    product_id: product.id.clone(),
                    warehouse_id: (*warehouse).clone(),
                    on_hand,
                    reserved: held,
                    available: on_hand - held,
                })
            })
            .collect();
        self.store.import_stock(&[], &levels).await?;
        progress("stock", levels.len() as u64, levels.len() as u64);
        Ok(report)
    }

    async fn all_sellers(&self) -> AppResult<Vec<Seller>> {
        let mut all = Vec::new();
        let mut page = PageRequest::first(500);
        loop {
            let batch = self.store.list_sellers(&page).await?;
            all.extend(batch.items);
            match batch.next_cursor {
                Some(cursor) => page.after = Some(cursor),
                None => return Ok(all),
            }
        }
    }

    async fn all_buyers(&self) -> AppResult<Vec<Buyer>> {
        let mut all = Vec::new();
        let mut page = PageRequest::first(500);
        loop {
            let batch = self.store.list_buyers(&page).await?;
            all.extend(batch.items);
            match batch.next_cursor {
                Some(cursor) => page.after = Some(cursor),
                None => return Ok(all),
            }
        }
    }

    async fn all_products(&self) -> AppResult<Vec<Product>> {
        let filter = ProductFilter {
            seller_id: None,
            category: None,
            active_only: true,
        };
        let mut all = Vec::new();
        let mut page = PageRequest::first(500);
        loop {
            let batch = self.store.list_products(&filter, &page).await?;
            all.extend(batch.items);
            match batch.next_cursor {
                Some(cursor) => page.after = Some(cursor),
                None => return Ok(all),
            }
        }
    }
}

/// A cart of one or two sellers' products that ship across a border to `buyer`.
fn pick_cart<'p>(
    rng: &mut StdRng,
    buyer: &Buyer,
    products: &'p [Product],
    catalog: &HashMap<&SellerId, Vec<&'p Product>>,
) -> Option<Vec<CartLine<'p>>> {
    let mut cart: Vec<CartLine<'p>> = Vec::new();
    let sellers = if rng.random_range(0..10) == 0 { 2 } else { 1 };
    for _ in 0..sellers {
        let first = (0..10)
            .map(|_| &products[rng.random_range(0..products.len())])
            .find(|p| {
                p.origin_country != buyer.country
                    && !cart.iter().any(|l| l.product.seller_id == p.seller_id)
            })?;
        let quantity = |rng: &mut StdRng, product: &Product| {
            let wanted = match rng.random_range(0..100) {
                0..75 => 1,
                75..93 => 2,
                _ => rng.random_range(3..=5),
            };
            wanted.max(product.moq)
        };
        cart.push(CartLine {
            product: first,
            quantity: quantity(rng, first),
        });
        if rng.random_range(0..4) == 0
            && let Some(shelf) = catalog.get(&first.seller_id)
        {
            let second = shelf[rng.random_range(0..shelf.len())];
            if second.id != first.id {
                cart.push(CartLine {
                    product: second,
                    quantity: quantity(rng, second),
                });
            }
        }
    }
    Some(cart)
}

struct Outcome {
    events: Vec<(SellerId, OrderEvent)>,
    refund: Option<RefundRecord>,
    rma: Option<ReturnRecord>,
    partial: bool,
}

/// Walks an order from checkout as far as its age and fate allow.
fn live(
    rng: &mut StdRng,
    order: &mut OrderRecord,
    fate: Fate,
    now: DateTime<Utc>,
    transit_days: i64,
) -> AppResult<Outcome> {
    let placed = order.created_at;
    let seller_actor = format!("seller:{}", order.seller_id);
    let buyer_actor = format!("buyer:{}", order.buyer_id);
    let mut refund_amount: Option<(Money, DateTime<Utc>, &str)> = None;
    let mut rma = None;
    let mut partial = false;
    let mut line = Timeline {
        order,
        events: Vec::new(),
    };
    line.step(OrderStatus::PendingPayment, "place", &buyer_actor, placed);
    let paid_at = placed + Duration::minutes(2);
    if fate == Fate::CaptureFails {
        line.step(
            OrderStatus::Cancelled,
            "fail_payment",
            "provider:test",
            paid_at,
        );
        return Ok(Outcome {
            events: line.events,
            refund: None,
            rma: None,
            partial: false,
        });
    }
    let steps = [
        (
            OrderStatus::Paid,
            "capture_payment",
            "provider:test".to_string(),
            paid_at,
        ),
        (
            OrderStatus::Fulfilling,
            "start_fulfilment",
            seller_actor.clone(),
            placed + Duration::hours(rng.random_range(4..30)),
        ),
        (
            OrderStatus::Shipped,
            "ship",
            seller_actor.clone(),
            placed + Duration::hours(rng.random_range(30..60)),
        ),
    ];
    for (index, (to, action, actor, at)) in steps.iter().enumerate() {
        if *at > now {
            break;
        }
        if index == 1 && fate == Fate::CancelledAfterPayment {
            let at = paid_at + Duration::hours(rng.random_range(1..12));
            if at <= now {
                line.step(OrderStatus::Cancelled, "cancel", &buyer_actor, at);
                refund_amount = Some((line.order.total, at, "cancelled by the buyer"));
            }
            break;
        }
        line.step(*to, action, actor, *at);
    }
    if line.order.status == OrderStatus::Shipped {
        let shipped_at = line.order.updated_at;
        let delivered_at =
            shipped_at + Duration::days(rng.random_range(transit_days / 2..=transit_days.max(1)));
        if delivered_at <= now {
            line.step(
                OrderStatus::Delivered,
                "deliver",
                &seller_actor,
                delivered_at,
            );
            let later = delivered_at + Duration::days(rng.random_range(2..10));
            if later <= now {
                match fate {
                    Fate::RefundedAfterDelivery => {
                        line.step(
                            OrderStatus::RefundRequested,
                            "request_refund",
                            &buyer_actor,
                            later,
                        );
                        line.order.status_before_refund = Some(OrderStatus::Delivered);
                        let at = later + Duration::days(1);
                        if at <= now {
                            line.step(OrderStatus::Refunded, "refund", &seller_actor, at);
                            refund_amount = Some((line.order.total, at, "item not as described"));
                        }
                    }
                    Fate::Returned => {
                        let return_id =
                            ReturnId::from_ulid(&ulid_at(rng, later)).map_err(invalid)?;
                        let done = later + Duration::days(12);
                        let finished = done <= now;
                        if finished {
                            line.step(OrderStatus::Returned, "return", &seller_actor, done);
                            refund_amount = Some((line.order.total, done, "returned"));
                        }
                        rma = Some(ReturnRecord {
                            id: return_id,
                            seller_id: line.order.seller_id.clone(),
                            order_id: line.order.id.clone(),
                            buyer_id: line.order.buyer_id.clone(),
                            status: if finished {
                                ReturnStatus::Refunded
                            } else {
                                ReturnStatus::Approved
                            },
                            reason: ["wrong size", "changed my mind", "damaged in transit"]
                                [rng.random_range(0..3)]
                            .to_string(),
                            created_at: later,
                            updated_at: if finished { done } else { later },
                        });
                    }
                    _ => {
                        line.step(OrderStatus::Completed, "complete", "system", later);
                        if fate == Fate::PartlyRefunded {
                            let part = Money::from_minor(
                                (line.order.goods.minor() / 5).max(1),
                                line.order.goods.currency(),
                            );
                            refund_amount = Some((part, later, "partial refund: late delivery"));
                            partial = true;
                        }
                    }
                }
            }
        }
    }
    let order = line.order;
    let events = line.events;
    let refund = match refund_amount {
        Some((amount, at, reason)) if amount.minor() > 0 => {
            order.refunded = amount;
            Some(RefundRecord {
                id: RefundId::from_ulid(&ulid_at(rng, at)).map_err(invalid)?,
                seller_id: order.seller_id.clone(),
                order_id: order.id.clone(),
                payment_id: order.payment_id.clone(),
                amount,
                reason: Some(reason.to_string()),
                provider_reference: format!("tpi_{}_re1", &order.payment_id.as_str()[4..]),
                created_at: at,
            })
        }
        _ => None,
    };
    Ok(Outcome {
        events,
        refund,
        rma,
        partial,
    })
}
