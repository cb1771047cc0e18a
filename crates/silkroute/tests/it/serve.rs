//! The README's first command as a user runs it: the real binary serving the demo on a port it
//! prints, answering with demo data and the tokens it printed, and stopping cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

pub(crate) fn http_get(address: &str, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let auth = token
        .map(|token| format!("Authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: test\r\n{auth}Connection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, body) = response.split_once("\r\n\r\n").expect("http response");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status");
    (
        status,
        serde_json::from_str(body).unwrap_or(serde_json::Value::String(body.to_string())),
    )
}

#[test]
fn serve_demo_answers_on_the_printed_url() {
    let path = std::env::temp_dir().join(format!("silkroute-serve-{}.db", ulid::Ulid::new()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        // A smaller history than the default 20,000 orders: this test is about serving.
        .args(["--demo-orders", "2000"])
        .env(
            "SILKROUTE_DATABASE_URL",
            format!("sqlite://{}", path.display()),
        )
        .env("SILKROUTE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let (mut address, mut seller_token) = (None, None);
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(token) = line.strip_prefix("seller token: ") {
            seller_token = token.split_whitespace().next().map(str::to_string);
        }
        if let Some(url) = line.strip_prefix("Silkroute listening on http://") {
            address = Some(url.trim().to_string());
            break;
        }
    }
    let address = address.expect("printed URL");
    let seller_token = seller_token.expect("printed seller token");

    let (status, _) = http_get(&address, "/healthz", None);
    assert_eq!(status, 200);
    let (status, catalog) = http_get(&address, "/api/v1/catalog?market=DE&limit=5", None);
    assert_eq!(status, 200, "{catalog}");
    assert_eq!(catalog["data"].as_array().map(Vec::len), Some(5));
    assert_eq!(catalog["data"][0]["price"]["amount"]["currency"], "EUR");
    let (status, own) = http_get(&address, "/api/v1/products?limit=500", Some(&seller_token));
    assert_eq!(status, 200, "{own}");
    assert_eq!(
        own["data"].as_array().map(Vec::len),
        Some(100),
        "the demo seller lists 100 products"
    );
    // The demo was seeded by a child process: the server that stays up is small.
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).expect("status");
    let rss_kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .expect("VmRSS");
    assert!(
        rss_kib < 100 * 1024,
        "the serving process holds {rss_kib} KiB after seeding"
    );

    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(terminated.success());
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Starts `silkroute serve` with `args` on the SQLite file and waits for its URL.
pub(crate) fn start_server(path: &std::path::Path, args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .env(
            "SILKROUTE_DATABASE_URL",
            format!("sqlite://{}", path.display()),
        )
        .env("SILKROUTE_LOG", "warn")
        .env_remove("SILKROUTE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("Silkroute listening on http://")
                .map(|url| url.trim().to_string())
        })
        .expect("printed URL");
    // Keep reading: a closed pipe would fail the server's next line of output.
    std::thread::spawn(move || lines.for_each(drop));
    (child, address)
}

/// Stops the server with SIGTERM and returns what it wrote on stderr.
pub(crate) fn stop_server(mut child: std::process::Child) -> String {
    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(terminated.success());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
    stderr
}

#[test]
fn a_demo_database_keeps_pricing_when_restarted_without_demo() {
    let path = std::env::temp_dir().join(format!("silkroute-restart-{}.db", ulid::Ulid::new()));
    let today = chrono::Utc::now().date_naive();
    let shipped_newest = chrono::NaiveDate::from_ymd_opt(2026, 10, 30).expect("date");
    let stale = (today - shipped_newest).num_days() > 7;

    let (demo, address) = start_server(&path, &["--demo", "--demo-orders", "200"]);
    let (status, catalog) = http_get(&address, "/api/v1/catalog?market=US&limit=3", None);
    assert_eq!(status, 200, "{catalog}");
    stop_server(demo);

    // The same file, plain `serve`: the demo's pinned day was stored with it.
    let (plain, address) = start_server(&path, &[]);
    let (status, catalog) = http_get(&address, "/api/v1/catalog?market=US&limit=3", None);
    assert_eq!(status, 200, "{catalog}");
    let (status, ready) = http_get(&address, "/readyz", None);
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["fx"]["newest"], "2026-10-30");
    assert_eq!(ready["fx"]["stale"], stale);
    if stale {
        assert_eq!(catalog["data"][0]["price"]["rate_date"], "2026-10-30");
        assert_eq!(ready["fx"]["pinned"], "2026-10-30");
    }
    let stderr = stop_server(plain);
    assert_eq!(
        stderr.contains(
            "note: prices use the ECB rates of 2026-10-30, the day this demo is pinned to"
        ),
        stale,
        "{stderr}"
    );

    // A database without the demo's pin and with stale rates: serving says what to run.
    let bare = std::env::temp_dir().join(format!("silkroute-bare-{}.db", ulid::Ulid::new()));
    let (server, address) = start_server(&bare, &[]);
    let (status, ready) = http_get(&address, "/readyz", None);
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["fx"]["pinned"], serde_json::Value::Null);
    let stderr = stop_server(server);
    let run = format!(
        "run:  silkroute --database-url sqlite://{} fx sync",
        bare.display()
    );
    assert_eq!(stderr.contains(&run), stale, "{stderr}");
    assert_eq!(
        stderr.contains("fx import eurofxref.csv"),
        stale,
        "{stderr}"
    );

    remove_database_files(&path);
    remove_database_files(&bare);
}

/// Removes a test's SQLite file and its WAL companions (absent ones are fine).
pub(crate) fn remove_database_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        if let Err(error) = std::fs::remove_file(&file)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            eprintln!("cannot remove {file}: {error}");
        }
    }
}
