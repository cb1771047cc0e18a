//! The CLI as an operator uses it: the real binary, real files, exit codes.

use std::process::{Command, Output};

use silkroute_store_tests::TestDatabase;

fn silkroute(args: &[&str], database_url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(args)
        .env("SILKROUTE_DATABASE_URL", database_url)
        .env_remove("SILKROUTE_CONFIG")
        .output()
        .expect("run silkroute")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn validate_reports_and_exits_by_outcome() {
    let url = "sqlite::memory:";
    let ok = silkroute(&["validate", "gtin", "4006381333931"], url);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("valid gtin 4006381333931"));
    let bad = silkroute(&["validate", "s10", "RR123456784CN"], url);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad).contains("invalid s10"));
    let json = silkroute(&["--json", "validate", "iso6346", "CSQU3054383"], url);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(value["valid"], true);
    let vat = silkroute(&["validate", "eu_vat", "FR40303265045"], url);
    assert_eq!(vat.status.code(), Some(0), "{}", text(&vat));
    let unknown = silkroute(&["validate", "isbn", "1"], url);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown).contains("unknown identifier kind"));
    let usage = silkroute(&["validate"], url);
    assert_eq!(usage.status.code(), Some(2));
}

#[tokio::test]
async fn migrate_import_convert_token_and_demo_on_every_backend() {
    for database in TestDatabase::all().await {
        let url = database.url.clone();
        let migrate = silkroute(&["migrate"], &url);
        assert_eq!(migrate.status.code(), Some(0), "{}", text(&migrate));
        let again = silkroute(&["migrate"], &url);
        assert!(text(&again).contains("up to date"), "{}", text(&again));

        // Markets as of a day.
        let finland = silkroute(&["--json", "market", "FI", "--date", "2024-09-01"], &url);
        assert_eq!(finland.status.code(), Some(0), "{}", text(&finland));
        let view: serde_json::Value = serde_json::from_slice(&finland.stdout).expect("json");
        assert_eq!(view["vat_standard"]["rate"], "25.5");
        let human = silkroute(&["market", "CA", "--date", "2026-01-01"], &url);
        assert!(
            text(&human).contains("Canada (CA) on 2026-01-01: curated market"),
            "{}",
            text(&human)
        );
        let unknown = silkroute(&["market", "ZZ"], &url);
        assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));

        // Import a daily ECB file as published (newest first, trailing commas, N/A).
        let dir = std::env::temp_dir().join(format!("silkroute-cli-{}", ulid::Ulid::new()));
        std::fs::create_dir_all(&dir).expect("dir");
        let daily = dir.join("eurofxref.csv");
        std::fs::write(
            &daily,
            "Date,USD,JPY,BGN,ISK,\n2026-11-20,1.1500,180.00,N/A,140.1,\n2026-11-19,1.1450,179.50,N/A,N/A,\n",
        )
        .expect("write");
        let import = silkroute(&["fx", "import", daily.to_str().expect("path")], &url);
        assert_eq!(import.status.code(), Some(0), "{}", text(&import));
        assert!(
            text(&import).contains("imported 5 rates"),
            "{}",
            text(&import)
        );
        let convert = silkroute(
            &[
                "--json",
                "fx",
                "convert",
                "100",
                "EUR",
                "USD",
                "--date",
                "2026-11-22",
            ],
            &url,
        );
        assert_eq!(convert.status.code(), Some(0), "{}", text(&convert));
        let value: serde_json::Value = serde_json::from_slice(&convert.stdout).expect("json");
        assert_eq!(value["to"]["amount"], "115.00");
        assert_eq!(value["rate_date"], "2026-11-20");
        let strict = silkroute(
            &[
                "fx",
                "convert",
                "100",
                "EUR",
                "USD",
                "--date",
                "2026-11-22",
                "--mode",
                "strict",
            ],
            &url,
        );
        assert_eq!(strict.status.code(), Some(2), "{}", text(&strict));
        // Retired currencies convert on the days they were in use, from the shipped history.
        let kuna = silkroute(
            &[
                "--json",
                "fx",
                "convert",
                "100",
                "HRK",
                "EUR",
                "--date",
                "2020-06-01",
            ],
            &url,
        );
        assert_eq!(kuna.status.code(), Some(0), "{}", text(&kuna));
        let value: serde_json::Value = serde_json::from_slice(&kuna.stdout).expect("json");
        assert_eq!(value["to"]["amount"], "13.18", "{value}");
        assert_eq!(value["rate_date"], "2020-06-01");
        let retired = silkroute(
            &["fx", "convert", "100", "HRK", "EUR", "--date", "2023-06-01"],
            &url,
        );
        assert_eq!(retired.status.code(), Some(2), "{}", text(&retired));
        assert!(
            text(&retired).contains("from: ISO 4217 code 'HRK' was retired on 2023-01-01"),
            "{}",
            text(&retired)
        );
        let missing = silkroute(&["fx", "import", "/nonexistent.csv"], &url);
        assert_eq!(missing.status.code(), Some(2));
        let garbage = dir.join("garbage.csv");
        std::fs::write(&garbage, "Date,USD,\n2026-11-20,abc,\n").expect("write");
        let rejected = silkroute(&["fx", "import", garbage.to_str().expect("path")], &url);
        assert_eq!(rejected.status.code(), Some(2), "{}", text(&rejected));

        // Tokens.
        let admin = silkroute(&["token", "create", "--role", "admin"], &url);
        assert_eq!(admin.status.code(), Some(0), "{}", text(&admin));
        assert!(String::from_utf8_lossy(&admin.stdout).starts_with("srk_"));
        let orphan = silkroute(&["token", "create", "--role", "seller"], &url);
        assert_eq!(orphan.status.code(), Some(2), "{}", text(&orphan));
        let wrong_role = silkroute(&["token", "create", "--role", "king"], &url);
        assert_eq!(wrong_role.status.code(), Some(2));

        // A small demo, deterministic per seed.
        let demo = silkroute(
            &[
                "--json",
                "demo",
                "--sellers",
                "12",
                "--products-per-seller",
                "5",
                "--buyers",
                "300",
                "--orders",
                "400",
                "--days",
                "90",
                "--seed",
                "7",
            ],
            &url,
        );
        assert_eq!(demo.status.code(), Some(0), "{}", text(&demo));
        let report: serde_json::Value = serde_json::from_slice(&demo.stdout).expect("json");
        assert_eq!(report["marketplace"]["sellers"], 12);
        assert_eq!(report["marketplace"]["products"], 60);
        assert!(
            report["marketplace"]["buyer_countries"]
                .as_u64()
                .unwrap_or_default()
                >= 30,
            "{report}"
        );
        assert!(
            report["orders"]["orders"].as_u64().unwrap_or_default() >= 400,
            "{report}"
        );

        // Every fact behind the metrics, out as CSV, one row each.
        let out = dir.join("facts");
        let export = silkroute(
            &["--json", "export", "facts", "--out", &out.to_string_lossy()],
            &url,
        );
        assert_eq!(export.status.code(), Some(0), "{}", text(&export));
        let written: serde_json::Value = serde_json::from_slice(&export.stdout).expect("json");
        assert_eq!(written["orders"], report["orders"]["orders"]);
        assert_eq!(
            written["storefront_events"],
            report["orders"]["storefront_events"]
        );
        let orders = std::fs::read_to_string(out.join("orders.csv")).expect("orders.csv");
        let mut lines = orders.lines();
        assert_eq!(
            lines.next(),
            Some(
                "order_id,seller_id,buyer_id,destination,status,placed_at,paid_at,currency,\
                 paid_amount,refunded_amount,units,refunded_units"
            )
        );
        assert_eq!(
            lines.count() as u64,
            report["orders"]["orders"].as_u64().unwrap_or_default()
        );
        // Rollups rebuilt from the facts, and the reports read from them.
        let rebuild = silkroute(&["--json", "analytics", "rebuild"], &url);
        assert_eq!(rebuild.status.code(), Some(0), "{}", text(&rebuild));
        let rebuilt: serde_json::Value = serde_json::from_slice(&rebuild.stdout).expect("json");
        assert_eq!(
            rebuilt["scopes"], 13,
            "twelve sellers and the platform: {rebuilt}"
        );
        let overview = silkroute(&["--json", "report", "overview"], &url);
        assert_eq!(overview.status.code(), Some(0), "{}", text(&overview));
        let platform: serde_json::Value = serde_json::from_slice(&overview.stdout).expect("json");
        assert_eq!(platform["scope"], "platform");
        assert!(
            platform["paid_orders"].as_i64().unwrap_or_default() > 0,
            "{platform}"
        );
        let csv = silkroute(&["report", "overview", "--csv"], &url);
        let csv = String::from_utf8_lossy(&csv.stdout).to_string();
        assert!(csv.starts_with("metric,value,previous,change\n"), "{csv}");
        assert!(csv.contains("\npaid_orders,"), "{csv}");
        let seller = platform_seller(&url);
        for report in ["products", "customers", "forecast", "keywords", "industry"] {
            let table = silkroute(&["report", report, "--seller", &seller], &url);
            assert_eq!(table.status.code(), Some(0), "{report}: {}", text(&table));
        }
        let unknown = silkroute(&["report", "weather"], &url);
        assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
        let backwards = silkroute(
            &[
                "report",
                "overview",
                "--from",
                "2026-10-02",
                "--to",
                "2026-10-01",
            ],
            &url,
        );
        assert_eq!(backwards.status.code(), Some(2), "{}", text(&backwards));
        assert!(text(&backwards).contains("from"), "{}", text(&backwards));

        let bad_format = silkroute(&["export", "facts", "--format", "xlsx"], &url);
        assert_eq!(bad_format.status.code(), Some(2), "{}", text(&bad_format));
        let _ = std::fs::remove_dir_all(&dir);
        database.cleanup().await;
    }
}

#[test]
fn config_example_parses_and_bad_urls_are_usage_errors() {
    let example = silkroute(&["config", "example"], "sqlite::memory:");
    assert_eq!(example.status.code(), Some(0));
    let path = std::env::temp_dir().join(format!("silkroute-{}.toml", ulid::Ulid::new()));
    std::fs::write(&path, &example.stdout).expect("write");
    let with_config = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args([
            "--config",
            path.to_str().expect("path"),
            "validate",
            "gtin",
            "96385074",
        ])
        .output()
        .expect("run");
    assert_eq!(with_config.status.code(), Some(0), "{}", text(&with_config));
    let _ = std::fs::remove_file(&path);
    let bad_url = silkroute(&["migrate"], "mysql://nope");
    assert_eq!(bad_url.status.code(), Some(2), "{}", text(&bad_url));
}

#[tokio::test]
async fn a_seller_brings_its_order_history_once_with_bad_rows_named() {
    for database in TestDatabase::all().await {
        let app = crate::support::TestApp::on(database).await;
        let url = app.database.as_ref().expect("database").url.clone();
        let (seller_id, _) = app.seller("Moving Shop", "GB").await;
        let dir = std::env::temp_dir().join(format!("silkroute-import-{}", ulid::Ulid::new()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("history.csv");
        std::fs::write(
            &file,
            "external_order_id,buyer_reference,buyer_country,order_date,currency,amount,quantity,sku\n\
             A-1,cust-1,DE,2025-11-11,EUR,59.90,2,TEE-01\n\
             A-2,cust-2,US,2025-11-28,USD,120.00,1,\n\
             A-3,cust-1,DE,2026-01-05,EUR,19.90,1,MUG-02\n\
             A-4,cust-3,ZZ,2026-02-01,EUR,10.00,1,\n\
             A-5,cust-3,FR,2026-02-01,EUR,10.001,0,\n\
             A-6,cust-4,FR,2026-02-01,EUR,92233720368547758.07,1,\n",
        )
        .expect("write");
        let path = file.to_string_lossy().to_string();
        let first = silkroute(
            &["--json", "import", "orders", &path, "--seller", &seller_id],
            &url,
        );
        assert_eq!(first.status.code(), Some(2), "{}", text(&first));
        let report: serde_json::Value = serde_json::from_slice(&first.stdout).expect("json");
        assert_eq!(report["rows"], 6);
        assert_eq!(report["imported"], 3);
        let lines: Vec<u64> = report["rejected"]
            .as_array()
            .expect("rejected")
            .iter()
            .map(|r| r["line"].as_u64().expect("line"))
            .collect();
        assert_eq!(lines, [5, 6, 7]);
        assert!(report["rejected"][1].to_string().contains("quantity"));
        assert!(
            report["rejected"][2]
                .to_string()
                .contains("at most 10000000000.00"),
            "{}",
            report["rejected"][2]
        );
        // Again: nothing new, the good rows are recognised.
        let again = silkroute(&["import", "orders", &path, "--seller", &seller_id], &url);
        assert!(
            text(&again).contains("0 imported, 3 already there"),
            "{}",
            text(&again)
        );
        assert_eq!(
            app.app
                .imported_order_count(&seller_id)
                .await
                .expect("count"),
            3
        );
        // The history is in the seller's analytics at once: placed and paid on its order days,
        // converted into the seller's currency at each day's ECB rate.
        let overview = app
            .get(
                &format!(
                    "/api/v1/analytics/store/overview?seller={seller_id}&from=2025-11-01&to=2026-01-31"
                ),
                Some(&app.admin),
            )
            .await;
        assert_eq!(overview.status, 200, "{}", overview.body);
        assert_eq!(overview.body["orders_placed"], 3, "{}", overview.body);
        assert_eq!(overview.body["paid_orders"], 3);
        assert_eq!(overview.body["paid_buyers"], 2);
        assert_eq!(overview.body["returning_buyers"], 0);
        let converted: Vec<&str> = overview.body["fx_rates_used"]
            .as_array()
            .expect("rates")
            .iter()
            .map(|r| r["from"].as_str().unwrap_or_default())
            .collect();
        assert!(
            converted.contains(&"EUR") && converted.contains(&"USD"),
            "{converted:?}"
        );
        let customers = app
            .get(
                &format!("/api/v1/analytics/customers?seller={seller_id}&to=2026-01-31"),
                Some(&app.admin),
            )
            .await;
        assert_eq!(customers.status, 200, "{}", customers.body);
        assert_eq!(customers.body["buyers"], 2, "{}", customers.body);
        // An unknown seller or a wrong header is bad usage.
        let stranger = silkroute(
            &[
                "import",
                "orders",
                &path,
                "--seller",
                "sel_01JD0000000000000000000000",
            ],
            &url,
        );
        assert_eq!(stranger.status.code(), Some(2), "{}", text(&stranger));
        std::fs::write(&file, "id,amount\n1,2\n").expect("write");
        let header = silkroute(&["import", "orders", &path, "--seller", &seller_id], &url);
        assert_eq!(header.status.code(), Some(2), "{}", text(&header));
        assert!(text(&header).contains("header"), "{}", text(&header));
        let _ = std::fs::remove_dir_all(&dir);
        app.finish().await;
    }
}

/// The first seller of a demo database, through the CLI's orders export.
fn platform_seller(url: &str) -> String {
    let dir = std::env::temp_dir().join(format!("silkroute-seller-{}", ulid::Ulid::new()));
    let export = silkroute(&["export", "facts", "--out", &dir.to_string_lossy()], url);
    assert_eq!(export.status.code(), Some(0), "{}", text(&export));
    let orders = std::fs::read_to_string(dir.join("orders.csv")).expect("orders.csv");
    let _ = std::fs::remove_dir_all(&dir);
    orders
        .lines()
        .nth(1)
        .and_then(|line| line.split(',').nth(1))
        .expect("a seller")
        .to_string()
}

#[test]
fn address_check_prints_the_label_or_every_field_problem() {
    let url = "sqlite::memory:";
    let berlin = silkroute(
        &[
            "address",
            "check",
            "--country",
            "DE",
            "--postal-code",
            "10117",
            "--city",
            "Berlin",
            "--street",
            "Unter den Linden 1",
            "--recipient",
            "Erika Mustermann",
        ],
        url,
    );
    assert_eq!(berlin.status.code(), Some(0), "{}", text(&berlin));
    let printed = String::from_utf8_lossy(&berlin.stdout).into_owned();
    assert!(printed.contains("valid DE address"), "{printed}");
    assert!(printed.contains("  Erika Mustermann\n"), "{printed}");
    assert!(printed.contains("  Unter den Linden 1\n"), "{printed}");
    assert!(printed.contains("10117"), "{printed}");
    assert!(printed.contains("GERMANY"), "{printed}");

    let tokyo = silkroute(
        &[
            "--json",
            "address",
            "check",
            "--country",
            "JP",
            "--state",
            "Tokyo",
            "--city",
            "渋谷区",
            "--postal-code",
            "150-0001",
            "--street",
            "神宮前1-2-3",
            "--recipient",
            "山田太郎",
        ],
        url,
    );
    assert_eq!(tokyo.status.code(), Some(0), "{}", text(&tokyo));
    let value: serde_json::Value = serde_json::from_slice(&tokyo.stdout).expect("json");
    assert_eq!(value["address"]["state"], "東京都");
    assert_eq!(value["local_lines"][0], "〒150-0001");

    // A bad postal code and a missing state (and recipient): exit 2, every field named.
    let bad = silkroute(
        &[
            "address",
            "check",
            "--country",
            "US",
            "--city",
            "Cupertino",
            "--postal-code",
            "9501",
            "--street",
            "1 Infinite Loop",
        ],
        url,
    );
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    let errors = String::from_utf8_lossy(&bad.stderr).into_owned();
    for field in ["recipient:", "state:", "postal_code:"] {
        assert!(errors.contains(field), "{field} in {errors}");
    }
    assert!(bad.stdout.is_empty());

    let nowhere = silkroute(&["address", "check", "--country", "XX"], url);
    assert_eq!(nowhere.status.code(), Some(2), "{}", text(&nowhere));
    assert!(text(&nowhere).contains("country:"), "{}", text(&nowhere));
}
