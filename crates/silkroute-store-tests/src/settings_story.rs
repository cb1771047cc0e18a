//! The settings story: a named value is absent, written, replaced and removed the same way on
//! every backend (the demo's pinned pricing day lives there).

use chrono::{TimeZone, Utc};
use silkroute_store::Store;

pub async fn run(store: &dyn Store) {
    let at = Utc
        .with_ymd_and_hms(2026, 12, 7, 9, 0, 0)
        .single()
        .expect("time");
    assert_eq!(store.setting("pricing_date").await.expect("read"), None);
    assert!(!store.delete_setting("pricing_date").await.expect("delete"));

    store
        .put_setting("pricing_date", "2026-10-30", at)
        .await
        .expect("write");
    store
        .put_setting("another", "kept", at)
        .await
        .expect("write another");
    assert_eq!(
        store
            .setting("pricing_date")
            .await
            .expect("read")
            .as_deref(),
        Some("2026-10-30")
    );
    // Writing again replaces the value: one row per name.
    store
        .put_setting(
            "pricing_date",
            "2026-11-20",
            at + chrono::Duration::hours(1),
        )
        .await
        .expect("replace");
    assert_eq!(
        store
            .setting("pricing_date")
            .await
            .expect("read")
            .as_deref(),
        Some("2026-11-20")
    );

    assert!(store.delete_setting("pricing_date").await.expect("delete"));
    assert_eq!(store.setting("pricing_date").await.expect("read"), None);
    assert!(
        !store
            .delete_setting("pricing_date")
            .await
            .expect("delete again")
    );
    assert_eq!(
        store.setting("another").await.expect("read").as_deref(),
        Some("kept")
    );
    assert!(store.delete_setting("another").await.expect("tidy up"));
}
