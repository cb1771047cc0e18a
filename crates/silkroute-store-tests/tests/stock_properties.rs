//! Property: whatever sequence of receipts, adjustments, checkouts, cancellations and shipments
//! hits a product, the store never lets available stock go below zero, allocates exactly as the
//! model says, and keeps reserved stock equal to what open orders hold. Runs on SQLite (the
//! conformance story covers PostgreSQL's behaviour of the same statements).

use proptest::prelude::*;
use silkroute_domain::order::{OrderStatus, StockEffect};
use silkroute_store::{OrderRecord, PlacementOutcome, StockMoveOutcome};
use silkroute_store_tests::TestDatabase;
use silkroute_store_tests::orders_story::{Shop, StockModel};

#[derive(Clone, Debug)]
enum Op {
    Receive { warehouse: usize, quantity: i64 },
    Adjust { warehouse: usize, delta: i64 },
    Place { quantity: i64 },
    Cancel { pick: usize },
    Ship { pick: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..2usize, 1..6i64).prop_map(|(warehouse, quantity)| Op::Receive {
            warehouse,
            quantity
        }),
        (0..2usize, prop_oneof![-4..0i64, 1..4i64])
            .prop_map(|(warehouse, delta)| Op::Adjust { warehouse, delta }),
        (1..5i64).prop_map(|quantity| Op::Place { quantity }),
        (0..8usize).prop_map(|pick| Op::Cancel { pick }),
        (0..8usize).prop_map(|pick| Op::Ship { pick }),
    ]
}

async fn check(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let database = TestDatabase::sqlite().await;
    let store = database.store.as_ref();
    let shop = Shop::open(store, 100).await;
    let mut model = StockModel::default();
    let mut exists = [false; 2];
    let mut open: Vec<(OrderRecord, usize, i64)> = Vec::new();
    for op in ops {
        match op {
            Op::Receive {
                warehouse,
                quantity,
            } => {
                let outcome = store
                    .move_stock(&shop.stock_move(warehouse, "receipt", quantity))
                    .await
                    .expect("move");
                prop_assert!(matches!(outcome, StockMoveOutcome::Moved(_)), "{outcome:?}");
                model.on_hand[warehouse] += quantity;
                exists[warehouse] = true;
            }
            Op::Adjust { warehouse, delta } => {
                let outcome = store
                    .move_stock(&shop.stock_move(warehouse, "adjust", delta))
                    .await
                    .expect("move");
                let fits = model.on_hand[warehouse] + delta >= model.reserved[warehouse];
                let allowed = if exists[warehouse] { fits } else { delta >= 0 };
                prop_assert_eq!(matches!(outcome, StockMoveOutcome::Moved(_)), allowed);
                if allowed {
                    model.on_hand[warehouse] += delta;
                    exists[warehouse] = true;
                }
            }
            Op::Place { quantity } => {
                let placement = shop.checkout(store, quantity).await;
                let outcome = store.place_checkout(&placement).await.expect("place");
                // The warehouse with the most available units that has them all, first on ties.
                let expected = (0..2)
                    .filter(|w| model.available(*w) >= quantity)
                    .max_by_key(|w| (model.available(*w), std::cmp::Reverse(*w)));
                match (outcome, expected) {
                    (PlacementOutcome::Placed(orders), Some(warehouse)) => {
                        prop_assert_eq!(
                            orders[0].lines[0].warehouse_id.as_ref(),
                            Some(&shop.warehouses[warehouse])
                        );
                        model.reserved[warehouse] += quantity;
                        open.push((orders[0].clone(), warehouse, quantity));
                    }
                    (PlacementOutcome::OutOfStock { .. }, None) => {}
                    (outcome, expected) => {
                        prop_assert!(false, "store {outcome:?}, model {expected:?}");
                    }
                }
            }
            Op::Cancel { pick } | Op::Ship { pick } if !open.is_empty() => {
                let (order, warehouse, quantity) = open.remove(pick % open.len());
                let ship = matches!(op, Op::Ship { .. });
                let change = if ship {
                    shop.change(&order, OrderStatus::Shipped, StockEffect::Ship, "ship")
                } else {
                    shop.change(
                        &order,
                        OrderStatus::Cancelled,
                        StockEffect::Release,
                        "cancel",
                    )
                };
                prop_assert!(store.change_order(&change).await.expect("change"));
                model.reserved[warehouse] -= quantity;
                if ship {
                    model.on_hand[warehouse] -= quantity;
                }
            }
            Op::Cancel { .. } | Op::Ship { .. } => {}
        }
        let levels = store
            .stock_levels(&shop.seller.id, Some(&shop.product.id))
            .await
            .expect("levels");
        for (index, warehouse) in shop.warehouses.iter().enumerate() {
            let level = levels.iter().find(|l| &l.warehouse_id == warehouse);
            let (on_hand, reserved) = level.map_or((0, 0), |l| (l.on_hand, l.reserved));
            prop_assert_eq!(
                (on_hand, reserved),
                (model.on_hand[index], model.reserved[index])
            );
            prop_assert!(on_hand - reserved >= 0);
        }
        let audit = store.stock_audit().await.expect("audit");
        prop_assert_eq!(audit.mismatched_products, 0);
    }
    database.cleanup().await;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn stock_is_never_oversold_and_always_accounted_for(ops in proptest::collection::vec(op(), 1..30)) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(check(ops))?;
    }
}
