//! The address-book story: a buyer's addresses are inserted, listed, changed and deleted the same
//! way on every backend, the default flag stays on exactly one of them through every write, the
//! limit refuses without writing, and another buyer never sees them.

use chrono::Duration;
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{AddressId, BuyerId};
use silkroute_logistics::address::{PostalAddress, ValidAddress, validate};
use silkroute_store::{AddressInsert, AddressRecord, PageRequest, Store};

use crate::conformance::{at, buyer, test_ulid};

fn berlin(recipient: &str) -> ValidAddress {
    validate(&PostalAddress {
        recipient: recipient.to_string(),
        organisation: None,
        street_lines: vec!["Unter den Linden 1".to_string()],
        dependent_locality: None,
        city: Some("Berlin".to_string()),
        state: None,
        postal_code: Some("10117".to_string()),
        sorting_code: None,
        country: CountryCode::parse("DE").expect("country"),
        phone: None,
        email: None,
    })
    .expect("valid address")
}

fn record(n: u64, buyer_id: &BuyerId, label: &str, is_default: bool) -> AddressRecord {
    AddressRecord {
        id: AddressId::new(test_ulid(n)),
        buyer_id: buyer_id.clone(),
        label: label.to_string(),
        address: berlin(&format!("Recipient {n}")),
        is_default,
        created_at: at(5),
        updated_at: at(5),
    }
}

async fn defaults(store: &dyn Store, buyer_id: &BuyerId) -> Vec<AddressId> {
    let page = store
        .list_addresses(buyer_id, &PageRequest::first(500))
        .await
        .expect("list");
    page.items
        .into_iter()
        .filter(|record| record.is_default)
        .map(|record| record.id)
        .collect()
}

fn inserted(outcome: AddressInsert) -> AddressRecord {
    match outcome {
        AddressInsert::Inserted(record) => *record,
        AddressInsert::LimitReached { limit } => panic!("limit {limit} reached"),
    }
}

pub async fn run(store: &dyn Store) {
    let owner = buyer(7_001, "DE");
    let other = buyer(7_002, "FR");
    store
        .insert_buyers(&[owner.clone(), other.clone()])
        .await
        .expect("buyers");
    assert!(
        store
            .list_addresses(&owner.id, &PageRequest::default())
            .await
            .expect("empty list")
            .items
            .is_empty()
    );

    // The first address is the default even when not asked to be; the second is not.
    let home = inserted(
        store
            .insert_address(&record(7_101, &owner.id, "Home", false), 3)
            .await
            .expect("home"),
    );
    assert!(home.is_default);
    assert_eq!(home.address, berlin("Recipient 7101"));
    let office = inserted(
        store
            .insert_address(&record(7_102, &owner.id, "Office", false), 3)
            .await
            .expect("office"),
    );
    assert!(!office.is_default);
    assert_eq!(defaults(store, &owner.id).await, vec![home.id.clone()]);

    // A new default takes the flag in the same write.
    let parents = inserted(
        store
            .insert_address(&record(7_103, &owner.id, "Parents", true), 3)
            .await
            .expect("parents"),
    );
    assert!(parents.is_default);
    assert_eq!(defaults(store, &owner.id).await, vec![parents.id.clone()]);

    // At the limit nothing is written, the default included.
    assert_eq!(
        store
            .insert_address(&record(7_104, &owner.id, "Too many", true), 3)
            .await
            .expect("limit"),
        AddressInsert::LimitReached { limit: 3 }
    );
    assert_eq!(
        store
            .get_address(&owner.id, &AddressId::new(test_ulid(7_104)))
            .await
            .expect("read"),
        None
    );
    assert_eq!(defaults(store, &owner.id).await, vec![parents.id.clone()]);

    // Keyset pages in creation order.
    let first = store
        .list_addresses(&owner.id, &PageRequest::first(2))
        .await
        .expect("page 1");
    assert_eq!(
        first.items.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![home.id.clone(), office.id.clone()]
    );
    let second = store
        .list_addresses(
            &owner.id,
            &PageRequest {
                after: first.next_cursor.clone(),
                limit: 2,
            },
        )
        .await
        .expect("page 2");
    assert_eq!(second.items, vec![parents.clone()]);
    assert_eq!(second.next_cursor, None);

    // Another buyer sees nothing of it and cannot change or delete it.
    assert_eq!(
        store.get_address(&other.id, &home.id).await.expect("read"),
        None
    );
    let mut foreign = home.clone();
    foreign.buyer_id = other.id.clone();
    foreign.is_default = true;
    assert_eq!(store.update_address(&foreign).await.expect("update"), None);
    assert!(
        !store
            .delete_address(&other.id, &home.id, at(6))
            .await
            .expect("delete")
    );
    assert_eq!(defaults(store, &owner.id).await, vec![parents.id.clone()]);

    // An update changes label and address; `is_default: false` leaves the flag alone, `true`
    // moves it.
    let mut changed = office.clone();
    changed.label = "Work".to_string();
    changed.address = berlin("Someone Else");
    changed.updated_at = at(6);
    let stored = store
        .update_address(&changed)
        .await
        .expect("update")
        .expect("found");
    assert_eq!(stored.label, "Work");
    assert_eq!(stored.address, berlin("Someone Else"));
    assert!(!stored.is_default);
    assert_eq!(stored.created_at, office.created_at);
    assert_eq!(stored.updated_at, at(6));
    let mut keep_flag = parents.clone();
    keep_flag.is_default = false;
    assert!(
        store
            .update_address(&keep_flag)
            .await
            .expect("update")
            .expect("found")
            .is_default
    );
    changed.is_default = true;
    changed.updated_at = at(7);
    assert!(
        store
            .update_address(&changed)
            .await
            .expect("update")
            .expect("found")
            .is_default
    );
    assert_eq!(defaults(store, &owner.id).await, vec![office.id.clone()]);

    // Deleting the default hands the flag to the oldest remaining address.
    assert!(
        store
            .delete_address(&owner.id, &office.id, at(8))
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_address(&owner.id, &office.id, at(8))
            .await
            .expect("delete again")
    );
    assert_eq!(defaults(store, &owner.id).await, vec![home.id.clone()]);
    let promoted = store
        .get_address(&owner.id, &home.id)
        .await
        .expect("read")
        .expect("found");
    assert_eq!(promoted.updated_at, at(8));
    // Deleting one that is not the default leaves the flag where it is.
    assert!(
        store
            .delete_address(&owner.id, &parents.id, at(9))
            .await
            .expect("delete")
    );
    assert_eq!(defaults(store, &owner.id).await, vec![home.id.clone()]);
    assert!(
        store
            .delete_address(&owner.id, &home.id, at(9) + Duration::minutes(1))
            .await
            .expect("delete last")
    );
    assert!(defaults(store, &owner.id).await.is_empty());

    // An address of an unknown buyer breaks the foreign key: a conflict, nothing written.
    let stranger = BuyerId::new(test_ulid(7_003));
    assert!(
        store
            .insert_address(&record(7_105, &stranger, "Nobody", false), 3)
            .await
            .is_err()
    );
}
