//! The transfer story: a dispatch takes stock from the origin, writes the transfer and its export
//! declaration together, or — asked for more than is free — writes nothing; the units show in
//! transit at the destination; a receipt closes the transfer once, opens the destination's level
//! and records the counts, landed costs and the import declaration; another seller sees none of
//! it.

use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::ids::{DeclarationId, SellerId, TransferId, WarehouseId};
use silkroute_domain::money::Money;
use silkroute_logistics::transfer::{TransferStatus, Transport};
use silkroute_store::{
    CustomsDeclaration, DeclarationFilter, DispatchOutcome, PageRequest, ReceiveOutcome,
    StockMoveOutcome, Store, TransferDispatch, TransferLine, TransferReceipt, TransferRecord,
    Warehouse,
};

use crate::conformance::{at, seller, test_ulid};
use crate::orders_story::Shop;

fn money(minor: i64, currency: &str) -> Money {
    Money::from_minor(minor, CurrencyCode::parse(currency).expect("currency"))
}

fn declaration(n: u64, seller_id: &SellerId, mode: Option<&str>, day: u32) -> CustomsDeclaration {
    CustomsDeclaration {
        id: DeclarationId::new(test_ulid(n)),
        seller_id: seller_id.clone(),
        mode: mode.map(str::to_string),
        direction: if mode.is_some() { "export" } else { "import" }.into(),
        reference_kind: "transfer".into(),
        reference_id: "trf_x".into(),
        origin_country: CountryCode::parse("CN").expect("country"),
        destination_country: CountryCode::parse("DE").expect("country"),
        // One currency per declaration: an import's is the importing country's.
        declared_value: money(100_000, if mode.is_some() { "CNY" } else { "EUR" }),
        duty: mode.is_none().then(|| money(1_200, "EUR")),
        import_vat: mode.is_none().then(|| money(2_128, "EUR")),
        hs_lines: serde_json::json!([{"hs_code": "610910", "quantity": 100}]),
        order_reference: "trf_x".into(),
        payment_reference: None,
        waybill_reference: "CSQU3054383".into(),
        created_at: at(day),
    }
}

pub async fn run(store: &dyn Store) {
    let shop = Shop::open(store, 8_000).await;
    let origin = shop.warehouses[0].clone();
    let overseas = WarehouseId::new(test_ulid(8_050));
    store
        .insert_warehouse(&Warehouse {
            id: overseas.clone(),
            seller_id: shop.seller.id.clone(),
            name: "Duisburg 3PL".into(),
            country: CountryCode::parse("DE").expect("country"),
            kind: "overseas_3pl".into(),
            address: None,
            created_at: at(1),
        })
        .await
        .expect("warehouse");
    let received = store
        .move_stock(&shop.stock_move(0, "receipt", 100))
        .await
        .expect("receipt");
    assert!(matches!(received, StockMoveOutcome::Moved(_)));

    let line = TransferLine {
        product_id: shop.product.id.clone(),
        quantity: 60,
        unit_cost: money(1_000, "EUR"),
        received: None,
        damaged: None,
        duty: None,
        landed_unit_cost: None,
    };
    let transfer = |n: u64, quantity: i64| TransferRecord {
        id: TransferId::new(test_ulid(n)),
        seller_id: shop.seller.id.clone(),
        from_warehouse_id: origin.clone(),
        to_warehouse_id: overseas.clone(),
        from_country: shop.seller.country,
        to_country: CountryCode::parse("DE").expect("country"),
        transport: Transport::Sea {
            containers: vec!["CSQU3054383".into()],
        },
        status: TransferStatus::InTransit,
        lines: vec![TransferLine {
            quantity,
            ..line.clone()
        }],
        dispatched_at: at(3),
        received_at: None,
    };

    // More than is on hand: refused, and nothing of it written.
    let too_much = TransferDispatch {
        transfer: transfer(8_100, 101),
        movement_ids: vec!["mov_8100".into()],
        declaration: Some(declaration(8_101, &shop.seller.id, Some("9810"), 3)),
    };
    assert_eq!(
        store.dispatch_transfer(&too_much).await.expect("dispatch"),
        DispatchOutcome::Insufficient {
            line: 0,
            on_hand: 100,
            reserved: 0
        }
    );
    let seller_scope = Some(&shop.seller.id);
    assert!(
        store
            .get_transfer(seller_scope, &too_much.transfer.id)
            .await
            .expect("get")
            .is_none()
    );
    let filter = DeclarationFilter {
        seller: Some(shop.seller.id.clone()),
        ..DeclarationFilter::default()
    };
    let none = store
        .list_declarations(&filter, &PageRequest::default())
        .await
        .expect("declarations");
    assert!(none.items.is_empty());

    let dispatch = TransferDispatch {
        transfer: transfer(8_200, 60),
        movement_ids: vec!["mov_8200".into()],
        declaration: Some(declaration(8_201, &shop.seller.id, Some("9810"), 3)),
    };
    assert_eq!(
        store.dispatch_transfer(&dispatch).await.expect("dispatch"),
        DispatchOutcome::Dispatched
    );
    let stored = store
        .get_transfer(seller_scope, &dispatch.transfer.id)
        .await
        .expect("get")
        .expect("transfer");
    assert_eq!(stored, dispatch.transfer);
    let levels = store
        .stock_levels(&shop.seller.id, Some(&shop.product.id))
        .await
        .expect("levels");
    let at_origin = levels
        .iter()
        .find(|l| l.warehouse_id == origin)
        .expect("origin");
    assert_eq!((at_origin.on_hand, at_origin.in_transit), (40, 0));
    let on_the_way = levels
        .iter()
        .find(|l| l.warehouse_id == overseas)
        .expect("transit");
    assert_eq!((on_the_way.on_hand, on_the_way.in_transit), (0, 60));

    // Another seller sees neither the transfer nor its declarations.
    let stranger = seller(8_300, "CN", "CNY");
    store
        .insert_sellers(std::slice::from_ref(&stranger))
        .await
        .expect("stranger");
    assert!(
        store
            .get_transfer(Some(&stranger.id), &dispatch.transfer.id)
            .await
            .expect("get")
            .is_none()
    );
    let theirs = DeclarationFilter {
        seller: Some(stranger.id.clone()),
        ..DeclarationFilter::default()
    };
    let page = store
        .list_declarations(&theirs, &PageRequest::default())
        .await
        .expect("declarations");
    assert!(page.items.is_empty());

    let mut counted = dispatch.transfer.lines.clone();
    counted[0].received = Some(57);
    counted[0].damaged = Some(2);
    counted[0].duty = Some(money(7_200, "EUR"));
    counted[0].landed_unit_cost = Some(money(1_120, "EUR"));
    let receipt = TransferReceipt {
        seller_id: shop.seller.id.clone(),
        transfer_id: dispatch.transfer.id.clone(),
        to_warehouse_id: overseas.clone(),
        lines: counted.clone(),
        movement_ids: vec!["mov_8202".into()],
        declaration: Some(declaration(8_203, &shop.seller.id, None, 5)),
        at: at(5),
    };
    assert_eq!(
        store.receive_transfer(&receipt).await.expect("receive"),
        ReceiveOutcome::Received
    );
    assert_eq!(
        store.receive_transfer(&receipt).await.expect("again"),
        ReceiveOutcome::NotInTransit
    );
    let closed = store
        .get_transfer(None, &dispatch.transfer.id)
        .await
        .expect("get")
        .expect("transfer");
    assert_eq!(closed.status, TransferStatus::Received);
    assert_eq!(closed.received_at, Some(at(5)));
    assert_eq!(closed.lines, counted);
    let levels = store
        .stock_levels(&shop.seller.id, Some(&shop.product.id))
        .await
        .expect("levels");
    let arrived = levels
        .iter()
        .find(|l| l.warehouse_id == overseas)
        .expect("arrived");
    assert_eq!((arrived.on_hand, arrived.in_transit), (57, 0));

    // Declarations: filtered by mode and by time, paged by id.
    let all = store
        .list_declarations(&filter, &PageRequest::first(1))
        .await
        .expect("declarations");
    assert_eq!(all.items.len(), 1);
    assert_eq!(
        all.items[0],
        declaration(8_201, &shop.seller.id, Some("9810"), 3)
    );
    let rest = store
        .list_declarations(
            &filter,
            &PageRequest {
                after: all.next_cursor.clone(),
                limit: 10,
            },
        )
        .await
        .expect("declarations");
    assert_eq!(
        rest.items,
        vec![declaration(8_203, &shop.seller.id, None, 5)]
    );
    let exports = DeclarationFilter {
        mode: Some("9810".into()),
        ..filter.clone()
    };
    let page = store
        .list_declarations(&exports, &PageRequest::default())
        .await
        .expect("declarations");
    assert_eq!(page.items.len(), 1);
    let later = DeclarationFilter {
        from: Some(at(4)),
        to: Some(at(6)),
        ..filter.clone()
    };
    let page = store
        .list_declarations(&later, &PageRequest::default())
        .await
        .expect("declarations");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].direction, "import");
    let transfers = store
        .list_transfers(seller_scope, &PageRequest::default())
        .await
        .expect("list");
    assert_eq!(transfers.items.len(), 1);
}
