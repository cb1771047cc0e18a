//! Two years of demo orders, made by the same rules as live checkout: every cart is quoted by
//! the domain (tier prices, rate cards of the day, duties and taxes of the day's rules, the
//! day's ECB rates), then lives a plausible life — paid, shipped, delivered, completed; or
//! cancelled, refunded, returned — with an event for every step. Volumes follow the demand
//! calendar (weekly rhythm, 11.11, Black Friday, Christmas) and buyers come from the markets
//! the demo buyers live in. One seed, one history.

use silkroute_domain::ids::Ulid;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use silkroute_domain::catalog::Product;
use silkroute_domain::checkout::{self, Destination, QuoteContext};
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::{self, PublishedRate};
use silkroute_domain::ids::{OrderId, PaymentId, ProductId, QuoteId, SellerId, WarehouseId};
use silkroute_domain::money::Money;
use silkroute_domain::order::OrderStatus;
use silkroute_domain::party::{Buyer, Seller};
use silkroute_domain::payment::{self as payment_rules, PaymentStatus};
use silkroute_domain::shipping::{CarrierService, Preference};
use silkroute_store::{
    OrderImport, PageRequest, PaymentRecord, ProductFilter, StockLevel, Warehouse,
};

use super::addresses::DemoAddresses;
use super::calendar::demand_weight;
use super::order_life::{Fate, fate, live, pick_cart};
use super::overseas::Overseas;
use super::traffic::{Tracked, Traffic};
use crate::orders::{OrderIds, order_from_group};
use crate::{App, AppError, AppResult};

#[derive(Clone, Debug)]
pub struct DemoOrderOptions {
    pub orders: u32,
    pub days: u32,
    /// Days (ending now) for which storefront traffic is generated around the orders.
    pub traffic_days: u32,
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
    pub storefront_events: u64,
    /// Orders shipped from stock already in the buyer's market (an overseas 3PL).
    pub domestic: u64,
}

/// What the generator thread hands the writer.
enum Batch {
    Orders(OrderImport, u64),
    Events(Vec<Tracked>),
}

/// Events per write transaction (the store cuts them into statements under SQLite's
/// bound-variable limit). Large: a day's events land at scattered times in the time-keyed
/// indexes, so small commits write the same index pages again and again — at 2,700 a commit,
/// the traffic days of a 10 M-line seed wrote about 14 KB to disk per event.
const EVENT_BATCH: usize = 40_000;

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

pub(super) fn ulid_at(rng: &mut StdRng, at: DateTime<Utc>) -> Ulid {
    Ulid::from_parts(at.timestamp_millis().max(0) as u64, rng.random::<u128>())
}

pub(super) fn invalid(error: impl std::fmt::Display) -> AppError {
    AppError::Internal(error.to_string())
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
        if options.traffic_days > options.days {
            return Err(AppError::field(
                "traffic_days",
                "must be at most the days of order history",
            ));
        }
        let sellers = self.all_sellers().await?;
        let buyers = self.all_buyers().await?;
        let products = self.all_products().await?;
        if sellers.is_empty() || buyers.is_empty() || products.is_empty() {
            return Err(AppError::Internal(
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
                    id: WarehouseId::new(ulid_at(&mut rng, seller.created_at)),
                    seller_id: seller.id.clone(),
                    name: format!("{} home warehouse", seller.name),
                    country: seller.country,
                    kind: "seller".into(),
                    address: None,
                    created_at: seller.created_at,
                })
            })
            .collect::<AppResult<_>>()?;
        // Some Chinese sellers also keep stock in German, British and American 3PLs.
        let mut overseas_rng = StdRng::seed_from_u64(options.seed ^ 0x3b1_5eed);
        let (overseas, abroad) = Overseas::open(&mut overseas_rng, &sellers);
        // Warehouses first: order lines point at them.
        self.store.import_stock(&warehouses, &[]).await?;
        self.store.import_stock(&abroad, &[]).await?;

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
        let world = World {
            options: options.clone(),
            now,
            rng,
            sellers,
            buyers,
            products,
            home: warehouses
                .iter()
                .map(|w| (w.seller_id.clone(), w.id.clone()))
                .collect(),
            overseas,
            overseas_rng,
            history,
            rules: self.cached_rules().await?,
            tariffs: crate::landed_cost::tariffs()?,
            services: self.all_carrier_services()?,
            fx_policy: self.config.fx_policy(None, self.config.buyer_spread_bps),
        };
        // Quoting is CPU work and writing is I/O: a thread quotes the next batch while this
        // task writes the last one.
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(2);
        let generator = tokio::task::spawn_blocking(move || world.generate(&sender));
        let target = u64::from(options.orders);
        progress("orders", 0, target);
        while let Some(batch) = receiver.recv().await {
            match batch {
                Batch::Orders(import, done) => {
                    self.store.import_orders(&import).await?;
                    progress("orders", done, target);
                }
                Batch::Events(events) => {
                    self.store.insert_storefront_events(&events, now).await?;
                }
            }
        }
        let (report, levels) = generator
            .await
            .map_err(|e| AppError::Internal(format!("demo generator stopped: {e}")))??;
        self.store.import_stock(&[], &levels).await?;
        self.store.refresh_planner_statistics().await?;
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

/// Everything the generator thread needs, owned: it runs beside the async writer.
struct World {
    options: DemoOrderOptions,
    now: DateTime<Utc>,
    rng: StdRng,
    sellers: Vec<Seller>,
    buyers: Vec<Buyer>,
    products: Vec<Product>,
    home: HashMap<SellerId, WarehouseId>,
    overseas: Overseas,
    /// Overseas and address decisions, apart from the main generator.
    overseas_rng: StdRng,
    history: RateHistory,
    rules: std::sync::Arc<Vec<silkroute_domain::market::MarketRule>>,
    tariffs: &'static silkroute_domain::landed_cost::TariffTable,
    services: Vec<CarrierService>,
    fx_policy: silkroute_domain::fx::FxPolicy,
}

type Generated = (DemoOrderReport, Vec<StockLevel>);

impl World {
    /// Quotes and lives out every order, sending full batches to the writer; returns the
    /// report and the opening stock levels (open orders' units reserved).
    fn generate(self, sender: &tokio::sync::mpsc::Sender<Batch>) -> AppResult<Generated> {
        let World {
            options,
            now,
            mut rng,
            sellers,
            buyers,
            products,
            home,
            overseas,
            mut overseas_rng,
            history,
            rules,
            tariffs,
            services: all_services,
            fx_policy,
        } = self;
        let by_seller: HashMap<&SellerId, &Seller> = sellers.iter().map(|s| (&s.id, s)).collect();
        let mut catalog: HashMap<&SellerId, Vec<&Product>> = HashMap::new();
        for product in &products {
            catalog.entry(&product.seller_id).or_default().push(product);
        }
        // Traffic has its own generator, so that the orders do not depend on how much of it
        // is made.
        let mut traffic_rng = StdRng::seed_from_u64(options.seed ^ 0x7aff_1c00);
        let traffic_from = now - Duration::days(i64::from(options.traffic_days));
        let mut traffic = Traffic {
            products: &products,
            by_id: products.iter().map(|p| (&p.id, p)).collect(),
            shelves: catalog.clone(),
            buyers: &buyers,
            prefix: format!("demo{}", options.seed),
            sequence: 0,
        };
        let mut events: Vec<Tracked> = Vec::new();

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
        let mut addresses = DemoAddresses::default();
        let mut reserved: HashMap<(SellerId, ProductId, WarehouseId), i64> = HashMap::new();
        let mut carry = 0.0f64;
        let target = u64::from(options.orders);
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
                let plan = overseas.plan(&mut overseas_rng, buyer.country, &cart);
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
                    plan: &plan,
                    sellers: &cart_sellers,
                    services: &services,
                    rules: &rules,
                    tariffs,
                    legs: &|code| legs.get(&code).copied(),
                    fx_policy,
                };
                let Ok(quote) = checkout::build_quote(&ctx) else {
                    report.unquotable_carts += 1;
                    continue;
                };
                report.checkouts += 1;
                let quote_id = QuoteId::new(ulid_at(&mut rng, at));
                let payment_id = PaymentId::new(ulid_at(&mut rng, at));
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
                    let order_id = OrderId::new(ulid_at(&mut rng, at));
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
                        line.warehouse_id = group
                            .warehouse_id
                            .clone()
                            .or_else(|| home.get(&group.seller_id).cloned());
                    }
                    if group.supply == checkout::Supply::Domestic {
                        report.domestic += 1;
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
                    // Orders still to ship or on their way carry the buyer's address (older
                    // ones are history: the demo keeps its size).
                    if matches!(
                        order.status,
                        OrderStatus::Paid
                            | OrderStatus::Fulfilling
                            | OrderStatus::PendingPayment
                            | OrderStatus::Shipped
                    ) {
                        order.ship_to =
                            addresses.ship_to(&mut overseas_rng, buyer.country, &buyer.name);
                    }
                    if matches!(
                        order.status,
                        OrderStatus::Paid | OrderStatus::Fulfilling | OrderStatus::PendingPayment
                    ) {
                        for line in &order.lines {
                            let Some(warehouse) = line.warehouse_id.clone() else {
                                continue;
                            };
                            *reserved
                                .entry((
                                    order.seller_id.clone(),
                                    line.product_id.clone(),
                                    warehouse,
                                ))
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
                    if order.created_at >= traffic_from {
                        traffic.around_order(&mut traffic_rng, &order, buyer, &mut events);
                        if events.len() >= EVENT_BATCH {
                            report.storefront_events += events.len() as u64;
                            let full = std::mem::take(&mut events);
                            if sender.blocking_send(Batch::Events(full)).is_err() {
                                return Ok((report, Vec::new()));
                            }
                        }
                    }
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
                    let full = std::mem::take(&mut import);
                    if sender
                        .blocking_send(Batch::Orders(full, report.orders))
                        .is_err()
                    {
                        // The writer stopped (and reports why).
                        return Ok((report, Vec::new()));
                    }
                }
            }
        }
        if !import.orders.is_empty()
            && sender
                .blocking_send(Batch::Orders(import, report.orders))
                .is_err()
        {
            return Ok((report, Vec::new()));
        }
        report.storefront_events += events.len() as u64;
        if !events.is_empty() && sender.blocking_send(Batch::Events(events)).is_err() {
            return Ok((report, Vec::new()));
        }

        // Stock: what open orders hold is reserved, on top of a believable shelf.
        let mut levels: Vec<StockLevel> = products
            .iter()
            .filter_map(|product| {
                let warehouse = home.get(&product.seller_id)?;
                let held = reserved
                    .get(&(
                        product.seller_id.clone(),
                        product.id.clone(),
                        warehouse.clone(),
                    ))
                    .copied()
                    .unwrap_or(0);
                let on_hand = rng.random_range(20..600) + held;
                Some(StockLevel {
                    seller_id: product.seller_id.clone(),
                    product_id: product.id.clone(),
                    warehouse_id: warehouse.clone(),
                    on_hand,
                    reserved: held,
                    available: on_hand - held,
                    in_transit: 0,
                })
            })
            .collect();
        levels.extend(overseas.levels(&mut overseas_rng, &products, &reserved));
        Ok((report, levels))
    }
}
