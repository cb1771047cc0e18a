//! The shipments story: labels for a paid order take tracking numbers from a counter that only
//! moves from where the number was issued, units cannot be labelled twice, a duplicate tracking
//! number writes nothing, and the label holding the last units ships the order — stock out of
//! on-hand — in the same transaction. Reads keep the tenant wall; a shipped order's labels stay.

use chrono::{DateTime, Duration, TimeZone, Utc};
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{ManifestId, SellerId, ShipmentId};
use silkroute_domain::money::Money;
use silkroute_domain::order::{OrderStatus, StockEffect};
use silkroute_logistics::shipment::{ParcelSpec, Shipment, ShipmentItem, ShipmentStatus};
use silkroute_logistics::tracking_number::S10Range;
use silkroute_store::{
    NewHandOver, NewShipment, OrderRecord, OrderScope, PageRequest, PlacementOutcome,
    ShipmentFilter, ShipmentInsert, Store, StoreError,
};

use crate::conformance::test_ulid;
use crate::orders_story::{Shop, ship_to};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 30, 12, 0, 0)
        .single()
        .expect("time")
        + Duration::minutes(minute)
}

fn shipment(order: &OrderRecord, n: u64, range: &mut S10Range, quantity: i64) -> Shipment {
    let ship_from = order.ship_to.clone().map(|mut address| {
        address.city = Some("Shanghai".into());
        address
    });
    Shipment {
        id: ShipmentId::new(test_ulid(n)),
        seller_id: order.seller_id.clone(),
        order_id: order.id.clone(),
        buyer_id: order.buyer_id.clone(),
        warehouse_id: order.lines[0]
            .warehouse_id
            .clone()
            .expect("reserved in a warehouse"),
        status: ShipmentStatus::Created,
        carrier: "test".into(),
        service_id: "postal.economy".into(),
        service_name: "Silkroute Post Economy".into(),
        tracking_number: range.issue().expect("a number"),
        parcel: ParcelSpec {
            weight_g: 400,
            length_mm: Some(300),
            width_mm: Some(200),
            height_mm: Some(30),
        },
        items: vec![ShipmentItem {
            line_no: 1,
            quantity,
        }],
        ship_from: ship_from.unwrap_or_else(ship_to),
        ship_to: ship_to(),
        declaration: None,
        contents_value: Money::from_minor(1_234 * quantity, order.goods.currency()),
        contents_sdr: None,
        packed_at: None,
        created_at: at(n as i64 % 100),
        updated_at: at(n as i64 % 100),
    }
}

pub async fn run(store: &dyn Store) {
    let shop = Shop::open(store, 11_000).await;
    store
        .move_stock(&shop.stock_move(0, "receipt", 10))
        .await
        .expect("stock");
    let placement = shop.checkout(store, 3).await;
    let PlacementOutcome::Placed(orders) = store.place_checkout(&placement).await.expect("place")
    else {
        panic!("not placed");
    };
    let paid = shop.change(&orders[0], OrderStatus::Paid, StockEffect::None, "capture");
    assert!(store.change_order(&paid).await.expect("pay"));
    let order = store
        .get_order(&OrderScope::All, &orders[0].id)
        .await
        .expect("read")
        .expect("order");
    let cn = CountryCode::parse("CN").expect("CN");
    assert_eq!(store.tracking_range("RR", cn).await.expect("range"), None);
    let ship_order = shop.change(&order, OrderStatus::Shipped, StockEffect::Ship, "ship");

    // The first label creates the counter.
    let fresh = S10Range::new("RR", cn, 1, 9).expect("range");
    let mut range = fresh.clone();
    let first = shipment(&order, 11_100, &mut range, 1);
    let new = |shipment: Shipment, before: Option<S10Range>, after: &S10Range| NewShipment {
        shipment,
        range_before: before,
        range_after: after.clone(),
        ship_order: ship_order.clone(),
    };
    let outcome = store
        .insert_shipment(&new(first.clone(), None, &range))
        .await
        .expect("insert");
    assert_eq!(
        outcome,
        ShipmentInsert::Inserted {
            order_shipped: false
        }
    );
    let stored = store
        .tracking_range("RR", cn)
        .await
        .expect("range")
        .expect("counter");
    assert_eq!(stored.next_serial(), Some(2));

    // A label numbered from a stale counter writes nothing.
    let mut stale = fresh.clone();
    let late = shipment(&order, 11_101, &mut stale, 1);
    let outcome = store
        .insert_shipment(&new(late, None, &stale))
        .await
        .expect("insert");
    assert_eq!(outcome, ShipmentInsert::RangeMoved);

    // A tracking number already on a parcel is a conflict, and the counter stays.
    let mut again = stored.clone();
    again.issue().expect("a number");
    let mut twin = shipment(&order, 11_102, &mut stored.clone(), 1);
    twin.tracking_number = first.tracking_number.clone();
    let clash = store
        .insert_shipment(&new(twin, Some(stored.clone()), &again))
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    assert_eq!(
        store.tracking_range("RR", cn).await.expect("range"),
        Some(stored.clone())
    );

    // Units already labelled cannot be labelled again.
    let mut range = stored.clone();
    let too_many = shipment(&order, 11_103, &mut range, 3);
    let outcome = store
        .insert_shipment(&new(too_many, Some(stored.clone()), &range))
        .await
        .expect("insert");
    assert_eq!(outcome, ShipmentInsert::UnitsTaken);

    // The last units ship the order and take the stock out.
    let (on_hand, reserved) = shop.stock(store).await;
    let mut range = stored.clone();
    let last = shipment(&order, 11_104, &mut range, 2);
    let outcome = store
        .insert_shipment(&new(last.clone(), Some(stored.clone()), &range))
        .await
        .expect("insert");
    assert_eq!(
        outcome,
        ShipmentInsert::Inserted {
            order_shipped: true
        }
    );
    let shipped = store
        .get_order(&OrderScope::All, &order.id)
        .await
        .expect("read")
        .expect("order");
    assert_eq!(shipped.status, OrderStatus::Shipped);
    assert_eq!(shop.stock(store).await, (on_hand - 3, reserved - 3));
    let mut range_after = range.clone();
    let after_shipping = shipment(&order, 11_105, &mut range_after, 1);
    let outcome = store
        .insert_shipment(&new(after_shipping, Some(range.clone()), &range_after))
        .await
        .expect("insert");
    assert_eq!(outcome, ShipmentInsert::OrderNotShippable);

    // Reads: the seller's, the buyer's, an admin's; another seller's scope finds nothing.
    let seller = OrderScope::Seller(order.seller_id.clone());
    assert_eq!(
        store.get_shipment(&seller, &first.id).await.expect("get"),
        Some(first.clone())
    );
    let buyer = OrderScope::Buyer(order.buyer_id.clone());
    assert!(
        store
            .get_shipment(&buyer, &last.id)
            .await
            .expect("get")
            .is_some()
    );
    let stranger = OrderScope::Seller(SellerId::new(test_ulid(11_199)));
    assert_eq!(
        store.get_shipment(&stranger, &first.id).await.expect("get"),
        None
    );
    let filter = ShipmentFilter {
        order_id: Some(order.id.clone()),
        status: Some(ShipmentStatus::Created),
    };
    let page = store
        .list_shipments(&OrderScope::All, &filter, &PageRequest::first(1))
        .await
        .expect("list");
    assert_eq!(page.items, vec![first.clone()]);
    let next = PageRequest {
        after: page.next_cursor.clone(),
        limit: 1,
    };
    let page = store
        .list_shipments(&seller, &filter, &next)
        .await
        .expect("list");
    assert_eq!(page.items, vec![last.clone()]);
    assert_eq!(page.next_cursor, None);
    let theirs = store
        .list_shipments(
            &stranger,
            &ShipmentFilter::default(),
            &PageRequest::default(),
        )
        .await
        .expect("list");
    assert!(theirs.items.is_empty());
    let all = store
        .order_shipments(&order.seller_id, &order.id)
        .await
        .expect("all");
    assert_eq!(all.len(), 2);

    // A shipped order's labels are not voided here.
    let voided = store
        .cancel_shipment(&order.seller_id, &first.id, at(50))
        .await
        .expect("cancel");
    assert_eq!(voided, None);

    hand_over(store, &order.seller_id, &first, &last, &stranger).await;
}

/// Packing and the hand-over of the two labelled parcels: a packed parcel records when; a
/// hand-over of a carrier with nothing waiting writes nothing; the next takes both parcels under
/// one manifest, which only its seller reads; nothing is left for a second.
async fn hand_over(
    store: &dyn Store,
    seller: &SellerId,
    first: &Shipment,
    last: &Shipment,
    stranger: &OrderScope,
) {
    let warehouse = &first.warehouse_id;
    assert!(
        store
            .pick_demand(seller, warehouse)
            .await
            .expect("demand")
            .is_empty(),
        "a shipped order waits for no picking"
    );
    let packed = store
        .mark_packed(seller, &first.id, at(60))
        .await
        .expect("pack")
        .expect("packed");
    assert_eq!(packed.packed_at, Some(at(60)));
    let new = |n: u64, carrier: Option<&str>| NewHandOver {
        id: ManifestId::new(test_ulid(n)),
        seller_id: seller.clone(),
        warehouse_id: warehouse.clone(),
        carrier: carrier.map(str::to_owned),
        at: at(70),
    };
    let nobody = store
        .hand_over(&new(11_300, Some("nobody")))
        .await
        .expect("hand over");
    assert_eq!(nobody, None);
    let manifest = store
        .hand_over(&new(11_301, None))
        .await
        .expect("hand over")
        .expect("a manifest");
    let mut both = vec![first.id.clone(), last.id.clone()];
    both.sort();
    assert_eq!(manifest.shipment_ids, both);
    assert_eq!(manifest.created_at, at(70));
    let own = OrderScope::Seller(seller.clone());
    let read = store.get_manifest(&own, &manifest.id).await.expect("read");
    assert_eq!(read, Some(manifest.clone()));
    let theirs = store
        .get_manifest(stranger, &manifest.id)
        .await
        .expect("read");
    assert_eq!(theirs, None);
    let handed = store
        .get_shipment(&own, &last.id)
        .await
        .expect("read")
        .expect("shipment");
    assert_eq!(handed.status, ShipmentStatus::HandedOver);
    let again = store
        .hand_over(&new(11_302, None))
        .await
        .expect("hand over");
    assert_eq!(again, None);
    let late = store
        .mark_packed(seller, &last.id, at(80))
        .await
        .expect("pack");
    assert_eq!(late, None, "a parcel with the carrier is not packed again");
}
