//! The README's first command as a user runs it: the real binary serving the demo on a port it
//! prints, answering with demo data and the tokens it printed, and stopping cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

fn http_get(address: &str, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
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
