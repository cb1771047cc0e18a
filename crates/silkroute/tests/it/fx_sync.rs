//! `silkroute fx sync` as an operator runs it: the real binary fetching the ECB's files from a
//! local HTTP server this test starts (no internet), on every backend; what it reports, its exit
//! codes, and that a failed fetch or a bad file imports nothing.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, Utc};
use silkroute_store_tests::TestDatabase;

const SAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../silkroute-domain/data/ecb/samples"
);

/// Serves fixed files on 127.0.0.1 until dropped; any other path is a 404.
struct FileServer {
    address: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FileServer {
    fn start(files: HashMap<String, Vec<u8>>) -> FileServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let address = listener.local_addr().expect("address").to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            // Bounded: the test drops the server when done, and it never outlives five minutes.
            let deadline = std::time::Instant::now() + Duration::from_secs(300);
            while !stopping.load(Ordering::Relaxed) && std::time::Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => answer(stream, &files),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FileServer {
            address,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}/{path}", self.address)
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the file server thread");
        }
    }
}

fn answer(mut stream: TcpStream, files: &HashMap<String, Vec<u8>>) {
    stream.set_nonblocking(false).expect("blocking");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    reader.read_line(&mut request_line).expect("request line");
    // The headers, up to the blank line.
    let mut header = String::new();
    while reader.read_line(&mut header).expect("header") > 2 {
        header.clear();
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .trim_start_matches('/');
    let (status, body) = match files.get(path) {
        Some(body) => ("200 OK", body.as_slice()),
        None => ("404 Not Found", b"no such file".as_slice()),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("head");
    stream.write_all(body).expect("body");
}

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

/// The daily file as the ECB writes it, for `day`.
fn daily_file(day: NaiveDate) -> Vec<u8> {
    format!(
        "Date, USD, JPY, CNY, \n{} {} {}, 1.2000, 180.00, 8.2000, \n",
        day.day(),
        day.format("%B"),
        day.year()
    )
    .into_bytes()
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{SAMPLES}/{name}")).expect("sample")
}

fn sync(url: &str, daily: &str, history: &str, json: bool) -> Output {
    let mut args = vec!["fx", "sync", "--daily-url", daily, "--history-url", history];
    if json {
        args.insert(0, "--json");
    }
    silkroute(&args, url)
}

/// Whether a USD rate was published on `day` exactly.
fn has_rate_on(url: &str, day: NaiveDate) -> bool {
    let day = day.to_string();
    let convert = silkroute(
        &[
            "fx", "convert", "100", "EUR", "USD", "--date", &day, "--mode", "strict",
        ],
        url,
    );
    convert.status.code() == Some(0)
}

#[tokio::test]
async fn fx_sync_fetches_imports_and_reports_on_every_backend() {
    let today = Utc::now().date_naive();
    let shipped_newest = NaiveDate::from_ymd_opt(2026, 10, 30).expect("date");
    let server = FileServer::start(HashMap::from([
        ("eurofxref.zip".to_string(), sample("eurofxref.zip")),
        (
            "eurofxref-hist-90d.zip".to_string(),
            sample("eurofxref-hist-90d.zip"),
        ),
        ("today.csv".to_string(), daily_file(today)),
        (
            "garbage.csv".to_string(),
            b"Date,USD,\n2026-10-29,abc,\n".to_vec(),
        ),
        (
            "eurofxref-daily.xml".to_string(),
            b"<?xml version=\"1.0\"?><gesmes:Envelope/>".to_vec(),
        ),
    ]));
    for database in TestDatabase::all().await {
        let url = database.url.clone();
        let migrate = silkroute(&["migrate"], &url);
        assert_eq!(migrate.status.code(), Some(0), "{}", text(&migrate));

        // `fx import` takes the daily file exactly as the ECB publishes it.
        let daily = format!("{SAMPLES}/eurofxref.csv");
        let import = silkroute(&["fx", "import", &daily], &url);
        assert_eq!(import.status.code(), Some(0), "{}", text(&import));
        assert!(
            text(&import).contains("imported 29 rates for 29 currencies, 2026-10-30 to 2026-10-30"),
            "{}",
            text(&import)
        );

        // The ECB's own files of 30 October, zipped as published: the shipped history already
        // holds every day of them.
        let same = sync(
            &url,
            &server.url("eurofxref.zip"),
            &server.url("eurofxref-hist-90d.zip"),
            false,
        );
        assert_eq!(same.status.code(), Some(0), "{}", text(&same));
        assert!(
            text(&same).contains("no new days: the 65 fetched days were all stored already"),
            "{}",
            text(&same)
        );
        assert!(
            text(&same).contains("newest rates: 2026-10-30; "),
            "{}",
            text(&same)
        );

        // A missing file or a bad one: exit 1, the URL or the line named, nothing imported —
        // not even today's rates from the good daily file beside it.
        let missing = sync(
            &url,
            &server.url("today.csv"),
            &server.url("missing.zip"),
            false,
        );
        assert_eq!(missing.status.code(), Some(1), "{}", text(&missing));
        assert!(
            text(&missing).contains("fx sync failed, nothing imported: cannot fetch")
                && text(&missing).contains("/missing.zip")
                && text(&missing).contains("404"),
            "{}",
            text(&missing)
        );
        let garbage = sync(
            &url,
            &server.url("today.csv"),
            &server.url("garbage.csv"),
            false,
        );
        assert_eq!(garbage.status.code(), Some(1), "{}", text(&garbage));
        assert!(
            text(&garbage).contains("garbage.csv: ECB sheet line 2: column USD: 'abc'"),
            "{}",
            text(&garbage)
        );
        let xml = sync(
            &url,
            &server.url("eurofxref-daily.xml"),
            &server.url("eurofxref-hist-90d.zip"),
            false,
        );
        assert_eq!(xml.status.code(), Some(1), "{}", text(&xml));
        assert!(text(&xml).contains("is XML or HTML"), "{}", text(&xml));
        let unreachable = sync(
            &url,
            "http://127.0.0.1:9/eurofxref.zip",
            &server.url("eurofxref-hist-90d.zip"),
            false,
        );
        assert_eq!(unreachable.status.code(), Some(1), "{}", text(&unreachable));
        assert!(!has_rate_on(&url, today), "a failed sync imported rates");

        // A small demo on the shipped rates pins its prices to their newest day.
        let demo = silkroute(
            &[
                "demo",
                "--sellers",
                "2",
                "--products-per-seller",
                "2",
                "--buyers",
                "3",
                "--orders",
                "0",
            ],
            &url,
        );
        assert_eq!(demo.status.code(), Some(0), "{}", text(&demo));
        let stale = (today - shipped_newest).num_days() > 7;
        assert_eq!(
            text(&demo).contains("demo: prices pinned to the ECB rates of 2026-10-30"),
            stale,
            "{}",
            text(&demo)
        );

        // Today's daily file and the 90-day history: one new day, and the pin is lifted.
        let fresh = sync(
            &url,
            &server.url("today.csv"),
            &server.url("eurofxref-hist-90d.zip"),
            true,
        );
        assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh));
        let report: serde_json::Value = serde_json::from_slice(&fresh.stdout).expect("json");
        assert_eq!(report["new_days"], serde_json::json!([today.to_string()]));
        assert_eq!(report["newest"], today.to_string());
        assert_eq!(report["previous_newest"], "2026-10-30");
        assert_eq!(report["days"], 66, "{report}");
        assert_eq!(report["stale"], false);
        assert_eq!(
            report["unpinned"],
            if stale {
                serde_json::json!("2026-10-30")
            } else {
                serde_json::Value::Null
            },
            "{report}"
        );
        assert!(has_rate_on(&url, today));
        let convert = silkroute(
            &[
                "--json",
                "fx",
                "convert",
                "100",
                "EUR",
                "CNY",
                "--date",
                &today.to_string(),
            ],
            &url,
        );
        let value: serde_json::Value = serde_json::from_slice(&convert.stdout).expect("json");
        assert_eq!(value["to"]["amount"], "820.00", "{value}");

        // Again: nothing new, said in words.
        let again = sync(
            &url,
            &server.url("today.csv"),
            &server.url("eurofxref-hist-90d.zip"),
            false,
        );
        assert_eq!(again.status.code(), Some(0), "{}", text(&again));
        assert!(
            text(&again).contains("no new days: the 66 fetched days were all stored already"),
            "{}",
            text(&again)
        );
        database.cleanup().await;
    }
}

/// `fx_sync = true`: the server fetches the rates at start, beside serving, and its readiness
/// shows them arrive.
#[test]
fn serve_with_fx_sync_on_fetches_the_rates_at_start() {
    let today = Utc::now().date_naive();
    let server = FileServer::start(HashMap::from([
        ("today.csv".to_string(), daily_file(today)),
        (
            "eurofxref-hist-90d.zip".to_string(),
            sample("eurofxref-hist-90d.zip"),
        ),
    ]));
    let id = ulid::Ulid::new();
    let path = std::env::temp_dir().join(format!("silkroute-fx-sync-{id}.db"));
    let config = std::env::temp_dir().join(format!("silkroute-fx-sync-{id}.toml"));
    std::fs::write(
        &config,
        format!(
            "fx_sync = true\nfx_daily_url = \"{}\"\nfx_history_url = \"{}\"\n",
            server.url("today.csv"),
            server.url("eurofxref-hist-90d.zip")
        ),
    )
    .expect("config");
    let config_arg = config.to_str().expect("path");
    let (child, address) = crate::serve::start_server(&path, &["--config", config_arg]);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let ready = loop {
        let (status, ready) = crate::serve::http_get(&address, "/readyz", None);
        assert_eq!(status, 200, "{ready}");
        if ready["fx"]["newest"] == today.to_string() || std::time::Instant::now() > deadline {
            break ready;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(ready["fx"]["newest"], today.to_string(), "{ready}");
    assert_eq!(ready["fx"]["stale"], false, "{ready}");
    let stderr = crate::serve::stop_server(child);
    // The start-up message knew the sync was on its way.
    if (today - NaiveDate::from_ymd_opt(2026, 10, 30).expect("date")).num_days() > 7 {
        assert!(
            stderr.contains("fx_sync is on: fetching them now"),
            "{stderr}"
        );
    }
    crate::serve::remove_database_files(&path);
    if let Err(error) = std::fs::remove_file(&config) {
        eprintln!("cannot remove {}: {error}", config.display());
    }
}
