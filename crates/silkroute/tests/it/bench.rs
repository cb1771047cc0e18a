//! `bench checkout` is how throughput claims are checked, so it must itself keep working: a tiny
//! run through the real binary must place every order, count them right and pass the stock audit.

use std::process::Command;

#[test]
fn bench_checkout_places_every_order_and_passes_the_audit() {
    let path = std::env::temp_dir().join(format!("silkroute-bench-test-{}.db", ulid::Ulid::new()));
    let url = format!("sqlite://{}", path.display());
    let output = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args([
            "--json",
            "bench",
            "checkout",
            "--clients",
            "4",
            "--orders",
            "40",
            "--hot-products",
            "5",
        ])
        .env("SILKROUTE_DATABASE_URL", &url)
        .env_remove("SILKROUTE_CONFIG")
        .output()
        .expect("run silkroute");
    // A named SQLite database that already holds a marketplace is refused, not written to.
    let again = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(["bench", "checkout", "--clients", "1", "--orders", "1"])
        .env("SILKROUTE_DATABASE_URL", &url)
        .env_remove("SILKROUTE_CONFIG")
        .output()
        .expect("run silkroute");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(0), "{text}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json report");
    assert_eq!(report["backend"], "sqlite", "{report}");
    assert_eq!(report["orders"], 40, "{report}");
    assert_eq!(report["out_of_stock"], 0, "{report}");
    assert!(
        report["orders_per_second"]
            .as_f64()
            .is_some_and(|v| v > 0.0),
        "{report}"
    );
    assert!(
        report["checkout"]["p99_ms"]
            .as_f64()
            .is_some_and(|v| v > 0.0),
        "{report}"
    );
    assert_eq!(report["storage_limit"]["placements"], 40, "{report}");
    assert_eq!(report["audit"]["mismatched_products"], 0, "{report}");
    assert_eq!(
        report["audit"]["reserved"], report["audit"]["held_by_orders"],
        "{report}"
    );
    // 40 measured, 12 warm-up (3 per client) and 40 bare checkouts, one unit each.
    assert_eq!(report["audit"]["reserved"], 92, "{report}");

    assert_eq!(
        again.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has sellers"));
}
