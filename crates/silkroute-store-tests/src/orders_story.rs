//! The checkout half of the conformance story: stock moves, checkouts that reserve it, order
//! changes that release or ship it, refunds and payment notifications — each promise of the
//! `StockStore`, `OrderStore` and `OrderImportStore` traits checked the same way on every backend.
//! `StockModel` is also what the property test compares the stores against.

use silkroute_domain::ids::Ulid;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use silkroute_domain::catalog::Product;
use silkroute_domain::checkout::{self, CartLine, Destination, QuoteBody, QuoteContext};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::{FxPolicy, PublishedRate};
use silkroute_domain::ids::{OrderId, PaymentId, QuoteId, RefundId, SellerId, WarehouseId};
use silkroute_domain::landed_cost::embedded_tariffs;
use silkroute_domain::market::embedded_rules;
use silkroute_domain::money::Money;
use silkroute_domain::order::{OrderStatus, StockEffect};
use silkroute_domain::party::{BuyerKind, Seller};
use silkroute_domain::payment::{PaymentEventKind, PaymentStatus};
use silkroute_domain::shipping::{Preference, embedded_services};
use silkroute_store::{
    CheckoutPlacement, IdempotencyClaim, IdempotencyClaimRequest, IdempotencyReceipt,
    IdempotentResponse, NewOrderEvent, OrderChange, OrderFilter, OrderLine, OrderRecord,
    OrderScope, PageRequest, PaymentChange, PaymentChangeOutcome, PaymentRecord, PaymentTask,
    PaymentTaskAction, PlacementOutcome, RefundRecord, StockMove, StockMoveOutcome, Store,
    StoredQuote, Warehouse,
};

use crate::conformance::{buyer, product, seller, test_ulid};
use crate::postal_addresses::ship_from;
pub use crate::postal_addresses::ship_to;

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("time")
        + Duration::minutes(minute)
}

/// A real quote for one product from a Chinese seller to Germany, from the shipped rules.
pub fn quote_body(seller: &Seller, product: &Product) -> QuoteBody {
    let legs = |code: CurrencyCode| {
        let per_eur = match code.as_str() {
            "CNY" => Decimal::new(8, 0),
            "USD" => Decimal::new(125, 2),
            _ => return None,
        };
        Some(PublishedRate {
            currency: code,
            date: NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"),
            per_eur,
        })
    };
    let rules = embedded_rules().expect("rules");
    let tariffs = embedded_tariffs().expect("tariffs");
    let services = embedded_services().expect("services");
    let choices = BTreeMap::new();
    let sellers = [seller.clone()];
    checkout::build_quote(&QuoteContext {
        destination: Destination {
            country: CountryCode::parse("DE").expect("country"),
            region: None,
            postal_code: None,
        },
        buyer: BuyerKind::Consumer,
        buyer_has_valid_eu_vat: false,
        preference: Preference::Cheapest,
        incoterm: None,
        service_choices: &choices,
        date: NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"),
        lines: vec![CartLine {
            product,
            quantity: 1,
        }],
        plan: &[],
        sellers: &sellers,
        services: &services,
        rules: &rules,
        tariffs: &tariffs,
        legs: &legs,
        fx_policy: FxPolicy::default(),
    })
    .expect("quote")
}

/// The fixtures a checkout needs: seller, product, buyer, warehouses and a priced quote.
pub struct Shop {
    pub seller: Seller,
    pub product: Product,
    pub buyer: silkroute_domain::party::Buyer,
    pub warehouses: Vec<WarehouseId>,
    pub body: QuoteBody,
    next: std::sync::atomic::AtomicU64,
}

impl Shop {
    pub async fn open(store: &dyn Store, base: u64) -> Shop {
        let seller = seller(base, "CN", "CNY");
        let product = product(base + 1, &seller, &format!("SKU-{base}"));
        let buyer = buyer(base + 2, "DE");
        store
            .insert_sellers(std::slice::from_ref(&seller))
            .await
            .expect("seller");
        store
            .insert_products(std::slice::from_ref(&product))
            .await
            .expect("product");
        store
            .insert_buyers(std::slice::from_ref(&buyer))
            .await
            .expect("buyer");
        let mut warehouses = Vec::new();
        for n in 0..2 {
            let id = WarehouseId::new(test_ulid(base + 10 + n));
            store
                .insert_warehouse(&Warehouse {
                    id: id.clone(),
                    seller_id: seller.id.clone(),
                    name: format!("W{n}"),
                    country: seller.country,
                    kind: "seller".into(),
                    address: (n == 0).then(|| ship_from(seller.country)),
                    created_at: at(0),
                })
                .await
                .expect("warehouse");
            warehouses.push(id);
        }
        let body = quote_body(&seller, &product);
        Shop {
            seller,
            product,
            buyer,
            warehouses,
            body,
            next: std::sync::atomic::AtomicU64::new(base + 1_000),
        }
    }

    fn id(&self) -> Ulid {
        test_ulid(self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }

    pub fn stock_move(&self, warehouse: usize, kind: &'static str, quantity: i64) -> StockMove {
        StockMove {
            seller_id: self.seller.id.clone(),
            product_id: self.product.id.clone(),
            warehouse_id: self.warehouses[warehouse].clone(),
            kind,
            quantity,
            movement_id: format!("mov_{}", self.id()),
            at: at(1),
        }
    }

    /// A stored quote and the placement of one order for `quantity` units against it.
    pub async fn checkout(&self, store: &dyn Store, quantity: i64) -> CheckoutPlacement {
        let quote_id = QuoteId::new(self.id());
        store
            .insert_quote(&StoredQuote {
                id: quote_id.clone(),
                buyer_id: Some(self.buyer.id.clone()),
                created_at: at(2),
                expires_at: at(32),
                consumed_at: None,
                body: self.body.clone(),
                ship_to: Some(ship_to()),
            })
            .await
            .expect("quote");
        let payment_id = PaymentId::new(self.id());
        let group = &self.body.groups[0];
        let total = group.collected_now;
        let zero = Money::zero(total.currency());
        CheckoutPlacement {
            quote_id: quote_id.clone(),
            at: at(3),
            payment: PaymentRecord {
                id: payment_id.clone(),
                quote_id: quote_id.clone(),
                buyer_id: self.buyer.id.clone(),
                provider: "test".into(),
                provider_reference: format!("tpi_{}", self.id()),
                status: PaymentStatus::Authorized,
                amount: total,
                captured: zero,
                refunded: zero,
                card_brand: "visa".into(),
                card_last4: "4242".into(),
                decline_reason: None,
                created_at: at(3),
                authorized_at: Some(at(3)),
                expires_at: Some(at(3) + Duration::days(7)),
                captured_at: None,
                updated_at: at(3),
            },
            orders: vec![OrderRecord {
                id: OrderId::new(self.id()),
                seller_id: self.seller.id.clone(),
                buyer_id: self.buyer.id.clone(),
                quote_id,
                payment_id,
                status: OrderStatus::PendingPayment,
                status_before_refund: None,
                destination: self.body.destination.country,
                incoterm: "DDP".into(),
                goods: group.goods,
                shipping: group.shipping.selected.amount,
                duties: group.duties,
                taxes: group.taxes,
                total,
                due_at_door: group.due_at_door,
                refunded: zero,
                seller_total: group.seller_totals.total,
                lines: vec![OrderLine {
                    line_no: 1,
                    product_id: self.product.id.clone(),
                    warehouse_id: None,
                    sku: self.product.sku.clone(),
                    quantity,
                    unit_price: group.lines[0].unit_price,
                    line_total: group.lines[0].line_total,
                }],
                snapshot: self.body.snapshot(group),
                ship_to: Some(ship_to()),
                created_at: at(3),
                updated_at: at(3),
            }],
            event: NewOrderEvent {
                action: "place".into(),
                actor: "buyer:test".into(),
                reason: None,
                at: at(3),
            },
            payment_tasks: Vec::new(),
            receipt: None,
        }
    }

    pub fn change(
        &self,
        order: &OrderRecord,
        to: OrderStatus,
        stock: StockEffect,
        action: &str,
    ) -> OrderChange {
        OrderChange {
            seller_id: order.seller_id.clone(),
            order_id: order.id.clone(),
            expected: order.status,
            to,
            status_before_refund: None,
            event: NewOrderEvent {
                action: action.into(),
                actor: "seller:test".into(),
                reason: None,
                at: at(10),
            },
            stock,
            refund: None,
            new_return: None,
            return_change: None,
        }
    }

    /// (on hand, reserved) summed over the warehouses.
    pub async fn stock(&self, store: &dyn Store) -> (i64, i64) {
        let levels = store
            .stock_levels(&self.seller.id, Some(&self.product.id))
            .await
            .expect("levels");
        for level in &levels {
            assert!(
                level.reserved >= 0 && level.reserved <= level.on_hand,
                "{level:?}"
            );
        }
        (
            levels.iter().map(|l| l.on_hand).sum(),
            levels.iter().map(|l| l.reserved).sum(),
        )
    }
}

pub async fn run(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let shop = Shop::open(store, 9_000).await;

    // Stock moves: receipts add, adjustments may not cut into reservations, strangers are out.
    let moved = store
        .move_stock(&shop.stock_move(0, "receipt", 5))
        .await
        .expect("move");
    assert!(matches!(moved, StockMoveOutcome::Moved(ref l) if l.on_hand == 5 && l.available == 5));
    store
        .move_stock(&shop.stock_move(1, "receipt", 3))
        .await
        .expect("move");
    let mut foreign = shop.stock_move(0, "receipt", 1);
    foreign.seller_id = SellerId::new(test_ulid(8_999));
    assert_eq!(
        store.move_stock(&foreign).await.expect("move"),
        StockMoveOutcome::NotFound
    );
    assert_eq!(shop.stock(store).await, (8, 0));

    // A checkout takes its units from one warehouse that has them all.
    let first = shop.checkout(store, 4).await;
    let PlacementOutcome::Placed(orders) = store.place_checkout(&first).await.expect("place")
    else {
        panic!("not placed");
    };
    assert_eq!(
        orders[0].lines[0].warehouse_id.as_ref(),
        Some(&shop.warehouses[0])
    );
    assert_eq!(shop.stock(store).await, (8, 4));
    assert_eq!(
        store.place_checkout(&first).await.expect("again"),
        PlacementOutcome::QuoteAlreadyUsed
    );
    // Four more units exist in total, but no warehouse has four available.
    let too_many = shop.checkout(store, 4).await;
    assert!(matches!(
        store.place_checkout(&too_many).await.expect("place"),
        PlacementOutcome::OutOfStock {
            requested: 4,
            available: 4,
            ..
        }
    ));
    assert!(
        store
            .get_payment(&too_many.payment.id)
            .await
            .expect("get")
            .is_none()
    );
    let adjust = store
        .move_stock(&shop.stock_move(0, "adjust", -2))
        .await
        .expect("move");
    assert_eq!(
        adjust,
        StockMoveOutcome::Insufficient {
            on_hand: 5,
            reserved: 4
        }
    );

    // Reads are scoped.
    let order = &orders[0];
    let as_buyer = OrderScope::Buyer(shop.buyer.id.clone());
    let stranger = OrderScope::Seller(SellerId::new(test_ulid(8_998)));
    let read = store
        .get_order(&as_buyer, &order.id)
        .await
        .expect("get")
        .expect("the buyer reads its order");
    // The ship-to address comes back whole, and so do the quote's and the warehouse's.
    assert_eq!(read.ship_to, Some(ship_to()));
    let quote = store
        .get_quote(&order.quote_id)
        .await
        .expect("get quote")
        .expect("quote");
    assert_eq!(quote.ship_to, Some(ship_to()));
    let warehouses = store.list_warehouses(&shop.seller.id).await.expect("list");
    assert_eq!(
        warehouses
            .iter()
            .map(|w| w.address.as_ref().map(|a| a.city.clone()))
            .collect::<Vec<_>>(),
        vec![Some(Some("Shanghai".to_string())), None]
    );
    assert!(
        store
            .get_order(&stranger, &order.id)
            .await
            .expect("get")
            .is_none()
    );
    let page = store
        .list_orders(&stranger, &OrderFilter::default(), &PageRequest::first(10))
        .await
        .expect("list");
    assert!(page.items.is_empty());

    // The capture notification pays the order, once.
    let capture = PaymentChange {
        payment_id: first.payment.id.clone(),
        notification: Some(("test".into(), "evt_1".into())),
        expected: vec![PaymentStatus::Authorized],
        status: PaymentStatus::Captured,
        captured: Some(first.payment.amount),
        decline_reason: None,
        at: at(5),
        orders: vec![shop.change(
            order,
            OrderStatus::Paid,
            StockEffect::None,
            "capture_payment",
        )],
    };
    assert_eq!(
        store.change_payment(&capture).await.expect("capture"),
        PaymentChangeOutcome::Applied
    );
    assert_eq!(
        store.change_payment(&capture).await.expect("replay"),
        PaymentChangeOutcome::Duplicate
    );
    let paid = store
        .get_order(&OrderScope::All, &order.id)
        .await
        .expect("get")
        .expect("order");
    assert_eq!(paid.status, OrderStatus::Paid);

    // A stale change does nothing; a refund moves money and releases stock with the status.
    let stale = shop.change(
        order,
        OrderStatus::Cancelled,
        StockEffect::Release,
        "cancel",
    );
    assert!(!store.change_order(&stale).await.expect("stale"));
    let mut refund = shop.change(&paid, OrderStatus::Refunded, StockEffect::Release, "refund");
    refund.refund = Some(RefundRecord {
        id: RefundId::new(shop.id()),
        seller_id: paid.seller_id.clone(),
        order_id: paid.id.clone(),
        payment_id: paid.payment_id.clone(),
        amount: paid.total,
        reason: None,
        provider_reference: "re_1".into(),
        created_at: at(11),
    });
    assert!(store.change_order(&refund).await.expect("refund"));
    assert_eq!(shop.stock(store).await, (8, 0));
    let payment = store
        .get_payment(&paid.payment_id)
        .await
        .expect("get")
        .expect("payment");
    assert_eq!(payment.status, PaymentStatus::Refunded);
    assert_eq!(payment.refunded, paid.total);
    let events = store.order_events(&paid.id).await.expect("events");
    let trail: Vec<OrderStatus> = events.iter().map(|e| e.to_status).collect();
    assert_eq!(
        trail,
        [
            OrderStatus::PendingPayment,
            OrderStatus::Paid,
            OrderStatus::Refunded
        ]
    );
    let audit = store.stock_audit().await.expect("audit");
    assert_eq!(audit.mismatched_products, 0, "{audit:?}");
    placement_keeps_its_response(store).await;
}

/// A placement under an idempotency key stores its response (rendered from the placed orders)
/// and its payment tasks with the orders, and writes nothing when the key is no longer its own.
async fn placement_keeps_its_response(store: &dyn Store) {
    let shop = Shop::open(store, 9_500).await;
    store
        .move_stock(&shop.stock_move(0, "receipt", 5))
        .await
        .expect("move");
    let request = |owner: &str| IdempotencyClaimRequest {
        scope: "buyer".into(),
        key: "k-place".into(),
        request_hash: "h".into(),
        owner: owner.into(),
        now: at(3),
        lease_until: at(4),
    };
    assert_eq!(
        store
            .claim_idempotency_key(&request("p1"))
            .await
            .expect("claim"),
        IdempotencyClaim::Claimed
    );
    let receipt = |owner: &str| IdempotencyReceipt {
        scope: "buyer".into(),
        key: "k-place".into(),
        owner: owner.into(),
        render: Arc::new(|orders: &[OrderRecord]| IdempotentResponse {
            status: 201,
            body: format!(
                "{}@{}",
                orders[0].id,
                orders[0].lines[0]
                    .warehouse_id
                    .as_ref()
                    .map_or("none", |w| w.as_str())
            ),
        }),
    };
    let mut stolen = shop.checkout(store, 2).await;
    stolen.receipt = Some(receipt("p2"));
    assert_eq!(
        store.place_checkout(&stolen).await.expect("place"),
        PlacementOutcome::ClaimLost
    );
    assert_eq!(shop.stock(store).await, (5, 0), "nothing reserved");
    assert!(
        store
            .get_payment(&stolen.payment.id)
            .await
            .expect("get")
            .is_none()
    );
    let open_before = store.open_payment_tasks().await.expect("open");
    let mut placement = stolen.clone();
    placement.receipt = Some(receipt("p1"));
    placement.payment_tasks = vec![PaymentTask {
        id: format!("ptk_{}", placement.payment.id),
        provider: "test".into(),
        provider_reference: placement.payment.provider_reference.clone(),
        payment_id: Some(placement.payment.id.clone()),
        action: PaymentTaskAction::Notify {
            event_id: "evt_place".into(),
            kind: PaymentEventKind::Captured,
        },
        due_at: at(3),
        attempts: 0,
        last_error: None,
        created_at: at(3),
    }];
    let PlacementOutcome::Placed(orders) = store.place_checkout(&placement).await.expect("place")
    else {
        panic!("not placed");
    };
    assert_eq!(
        store.open_payment_tasks().await.expect("open"),
        open_before + 1
    );
    let expected = format!("{}@{}", orders[0].id, shop.warehouses[0]);
    assert_eq!(
        store
            .claim_idempotency_key(&request("p3"))
            .await
            .expect("claim"),
        IdempotencyClaim::Replay(IdempotentResponse {
            status: 201,
            body: expected,
        })
    );
}

/// What the stock of one product must be after a sequence of operations.
#[derive(Clone, Debug, Default)]
pub struct StockModel {
    pub on_hand: [i64; 2],
    pub reserved: [i64; 2],
}

impl StockModel {
    pub fn available(&self, warehouse: usize) -> i64 {
        self.on_hand[warehouse] - self.reserved[warehouse]
    }
}
