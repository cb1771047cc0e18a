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

/// `bench analytics` is how the analytics figures of the issue are measured: at a tiny scale it
/// must seed an empty database, rebuild, export and time every query kind.
#[test]
fn bench_analytics_seeds_rebuilds_exports_and_times_the_overview() {
    let path = std::env::temp_dir().join(format!(
        "silkroute-bench-analytics-{}.db",
        ulid::Ulid::new()
    ));
    let url = format!("sqlite://{}", path.display());
    let output = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args([
            "--json",
            "bench",
            "analytics",
            "--order-lines",
            "3000",
            "--queries",
            "20",
            "--sellers",
            "10",
            "--products-per-seller",
            "20",
            "--buyers",
            "100",
        ])
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
    let positive = |pointer: &str| {
        report
            .pointer(pointer)
            .and_then(|v| v.as_f64())
            .is_some_and(|v| v > 0.0)
    };
    assert_eq!(report["backend"], "sqlite", "{report}");
    // About 3,000 order lines: the seed aims at the number from the measured lines per order.
    let lines = report["order_lines"].as_u64().expect("order_lines");
    assert!((2_400..=3_600).contains(&lines), "{report}");
    assert!(
        report["orders"].as_i64().is_some_and(|n| n > 2_000),
        "{report}"
    );
    assert!(positive("/storefront_events"), "{report}");
    assert!(positive("/seed/seconds"), "{report}");
    assert!(positive("/rebuild/seconds"), "{report}");
    assert!(positive("/rebuild/rows"), "{report}");
    assert!(positive("/export/seconds"), "{report}");
    assert_eq!(report["export"]["orders"], report["orders"], "{report}");
    assert!(positive("/database_bytes"), "{report}");
    assert!(positive("/platform_paid_orders_30d"), "{report}");
    for kind in [
        "overview_seller_30d",
        "overview_platform_30d",
        "overview_seller_365d",
        "series_seller_30d",
        "sources_seller_30d",
        "sources_platform_30d",
        "products_seller_30d",
    ] {
        assert_eq!(report[kind]["requests"], 20, "{kind}: {report}");
        for figure in ["p50_ms", "p95_ms", "p99_ms", "max_ms"] {
            assert!(positive(&format!("/{kind}/{figure}")), "{kind}: {report}");
        }
        assert!(
            report[kind]["p50_ms"].as_f64() <= report[kind]["p99_ms"].as_f64(),
            "{kind}: {report}"
        );
    }
}

/// `bench documents` is how the label rendering target (100 documents/s) is checked: a short run
/// through the real binary must render real documents on one thread and on two.
#[test]
fn bench_documents_renders_on_one_and_on_several_threads() {
    let output = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args([
            "--json",
            "bench",
            "documents",
            "--seconds",
            "0.3",
            "--threads",
            "2",
        ])
        .env_remove("SILKROUTE_CONFIG")
        .output()
        .expect("run silkroute");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let runs = report["documents"].as_array().expect("runs");
    assert_eq!(runs.len(), 2, "{report}");
    for (run, threads) in runs.iter().zip([1, 2]) {
        assert_eq!(run["threads"], threads, "{report}");
        // Whole triples: a label, a CN 23 and an invoice each time round.
        let documents = run["documents"].as_u64().expect("documents");
        assert!(documents >= 3 && documents % 3 == 0, "{report}");
        assert!(run["documents_per_second"].as_f64().expect("rate") > 0.0);
        assert!(run["mean_document_bytes"].as_u64().expect("bytes") > 1_000);
    }
    let refused = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(["bench", "documents", "--threads", "0"])
        .env_remove("SILKROUTE_CONFIG")
        .output()
        .expect("run silkroute");
    assert_eq!(refused.status.code(), Some(2));
}

/// `bench allocation` is how the backlog target (10,000 orders in under a second) is checked: a
/// small backlog through the real binary must allocate every order it can, ship some of them
/// from stock in the buyer's market and be the same for the same seed.
#[test]
fn bench_allocation_allocates_a_backlog_the_same_way_for_the_same_seed() {
    let run = |seed: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_silkroute"))
            .args([
                "--json",
                "bench",
                "allocation",
                "--orders",
                "2000",
                "--seed",
                seed,
            ])
            .env_remove("SILKROUTE_CONFIG")
            .output()
            .expect("run silkroute");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        report["allocation"].clone()
    };
    let first = run("7");
    let count = |key: &str| first[key].as_u64().unwrap_or_default();
    assert_eq!(count("orders"), 2000, "{first}");
    assert_eq!(count("allocated") + count("unallocated"), 2000, "{first}");
    assert!(count("allocated") > 1_500, "{first}");
    assert!(count("parcels") >= count("allocated"), "{first}");
    assert_eq!(
        count("domestic_parcels") + count("intra_union_parcels") + count("import_parcels"),
        count("parcels")
    );
    assert!(count("domestic_parcels") > 0 && count("intra_union_parcels") > 0, "{first}");
    let again = run("7");
    for key in ["allocated", "parcels", "domestic_parcels", "split_lines"] {
        assert_eq!(first[key], again[key], "{key}");
    }
    let refused = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(["bench", "allocation", "--orders", "0"])
        .env_remove("SILKROUTE_CONFIG")
        .output()
        .expect("run silkroute");
    assert_eq!(refused.status.code(), Some(2));
}
