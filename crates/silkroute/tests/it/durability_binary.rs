//! The durability promises against the real binary on both databases, as the issue reproduced
//! them: clients that give up 0–5 ms after `POST /orders` and retry, and a server killed with
//! SIGKILL under load and started again. Every retry ends with its order (201, the same body each
//! time) or a clean 4xx; the orders in the database are exactly the ones the retries returned;
//! after the restart every order is paid (the capture the dead process owed is done by the new
//! one) and the stock reserved is the stock the open orders hold.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use silkroute_store_tests::TestDatabase;

/// A `silkroute serve --demo` process and what it printed.
struct Server {
    child: Child,
    address: String,
    buyer: String,
    buyer_country: String,
}

impl Server {
    fn start(url: &str, config: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_silkroute"))
            .args(["--config", &config.to_string_lossy()])
            .args([
                "--database-url",
                url,
                "serve",
                "--demo",
                "--bind",
                "127.0.0.1:0",
            ])
            .env("SILKROUTE_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let (mut buyer, mut buyer_country) = (None, None);
        for line in lines.by_ref() {
            let line = line.expect("line");
            // "buyer token:  srk_… (buyer buy_…, SE)"
            if let Some(rest) = line.strip_prefix("buyer token:") {
                let mut words = rest.split_whitespace();
                buyer = words.next().map(str::to_string);
                buyer_country = words.last().map(|w| w.trim_end_matches(')').to_string());
            }
            if let Some(url) = line.strip_prefix("Silkroute listening on http://") {
                // Keep reading what it prints: a closed pipe would fail its next line.
                std::thread::spawn(move || lines.for_each(drop));
                return Server {
                    child,
                    address: url.trim().to_string(),
                    buyer: buyer.expect("buyer token"),
                    buyer_country: buyer_country.expect("buyer country"),
                };
            }
        }
        let status = child.wait().expect("wait");
        panic!("serve printed no URL and exited with {status}");
    }

    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("wait");
    }
}

struct Reply {
    status: u16,
    body: Value,
    text: String,
}

/// One HTTP/1.1 request on its own connection; `None` when the server is gone.
fn http(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    key: Option<&str>,
    body: Option<&Value>,
) -> Option<Reply> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    stream
        .write_all(request_text(address, method, path, token, key, body).as_bytes())
        .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, text) = response.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let body = serde_json::from_str(text).unwrap_or(Value::Null);
    Some(Reply {
        status,
        body,
        text: text.to_string(),
    })
}

fn request_text(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    key: Option<&str>,
    body: Option<&Value>,
) -> String {
    let body = body.map(Value::to_string).unwrap_or_default();
    let key = key
        .map(|key| format!("Idempotency-Key: {key}\r\n"))
        .unwrap_or_default();
    format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n{key}\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Sends the order and hangs up `after` later, without reading the answer.
fn abandon(address: &str, token: &str, key: &str, body: &Value, after: Duration) {
    if let Ok(mut stream) = TcpStream::connect(address) {
        let _sent = stream.write_all(
            request_text(
                address,
                "POST",
                "/api/v1/orders",
                token,
                Some(key),
                Some(body),
            )
            .as_bytes(),
        );
        std::thread::sleep(after);
        // Dropping the stream closes the connection: the client is gone.
    }
}

/// Retries an order until it is no longer in progress: the 201 or the clean refusal it ends with.
fn retry_until_settled(address: &str, token: &str, key: &str, body: &Value) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(reply) = http(
            address,
            "POST",
            "/api/v1/orders",
            token,
            Some(key),
            Some(body),
        ) {
            assert!(
                reply.status < 500,
                "a retry answered {}: {}",
                reply.status,
                reply.text
            );
            let in_progress = reply.status == 409
                && reply.body["type"]
                    .as_str()
                    .is_some_and(|t| t.ends_with("idempotency-in-progress"));
            if !in_progress {
                return reply;
            }
        }
        assert!(Instant::now() < deadline, "key {key} stayed in progress");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Quotes one unit of a product the buyer can order; a different product each time round.
fn quote(server: &Server, products: &[String], round: usize) -> Option<String> {
    for offset in 0..products.len() {
        let product = &products[(round + offset) % products.len()];
        let body = json!({"destination": {"country": server.buyer_country}, "lines": [{"product_id": product, "quantity": 1}]});
        let reply = http(
            &server.address,
            "POST",
            "/api/v1/checkout/quotes",
            &server.buyer,
            None,
            Some(&body),
        )?;
        if reply.status == 201 {
            return reply.body["id"].as_str().map(str::to_string);
        }
    }
    None
}

fn catalog(server: &Server) -> Vec<String> {
    let path = format!("/api/v1/catalog?market={}&limit=200", server.buyer_country);
    let reply = http(&server.address, "GET", &path, &server.buyer, None, None).expect("catalog");
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("not a catalog: {}", reply.text))
        .iter()
        .filter_map(|entry| entry["product_id"].as_str().map(str::to_string))
        .collect()
}

fn stored_orders(server: &Server) -> BTreeMap<String, String> {
    let mut orders = BTreeMap::new();
    let mut path = "/api/v1/orders?limit=500".to_string();
    loop {
        let reply = http(&server.address, "GET", &path, &server.buyer, None, None).expect("orders");
        assert_eq!(reply.status, 200, "{}", reply.text);
        for order in reply.body["data"].as_array().expect("orders") {
            orders.insert(
                order["id"].as_str().expect("id").to_string(),
                order["status"].as_str().expect("status").to_string(),
            );
        }
        match reply.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/orders?limit=500&cursor={cursor}"),
            None => return orders,
        }
    }
}

fn order_ids(reply: &Reply) -> Vec<String> {
    reply.body["orders"]
        .as_array()
        .map(|orders| {
            orders
                .iter()
                .filter_map(|o| o["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A small demo marketplace and a config with a short idempotency lease (a retry after a kill
/// waits for it to run out).
fn prepare(database: &TestDatabase, name: &str) -> std::path::PathBuf {
    let config = std::env::temp_dir().join(format!("silkroute-{name}-{}.toml", ulid::Ulid::new()));
    std::fs::write(&config, "idempotency_lease_seconds = 2\n").expect("config");
    let seeded = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args([
            "--config",
            &config.to_string_lossy(),
            "--database-url",
            &database.url,
        ])
        .args([
            "demo",
            "--sellers",
            "4",
            "--products-per-seller",
            "6",
            "--buyers",
            "4",
            // A little history, so that the demo seeds its warehouses and stock.
            "--orders",
            "20",
            "--days",
            "30",
            "--traffic-days",
            "0",
        ])
        .output()
        .expect("demo");
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    config
}

#[tokio::test]
async fn orders_abandoned_by_their_clients_are_found_on_the_retry() {
    for database in TestDatabase::all().await {
        let config = prepare(&database, "abandon");
        let server = Server::start(&database.url, &config);
        let products = catalog(&server);
        // The demo buyer's history is not this test's.
        let history: BTreeSet<String> = stored_orders(&server).into_keys().collect();
        let mut returned = BTreeSet::new();
        let mut refused = 0;
        for round in 0..100 {
            let Some(quote_id) = quote(&server, &products, round) else {
                continue;
            };
            let body = json!({"quote_id": quote_id, "payment": {"provider": "test", "card_number": "4242424242424242"}});
            let key = format!("abandoned-{round}");
            abandon(
                &server.address,
                &server.buyer,
                &key,
                &body,
                Duration::from_millis(round as u64 % 6),
            );
            let first = retry_until_settled(&server.address, &server.buyer, &key, &body);
            let second = retry_until_settled(&server.address, &server.buyer, &key, &body);
            assert_eq!(
                first.status, second.status,
                "{} / {}",
                first.text, second.text
            );
            if first.status == 201 {
                assert_eq!(first.body, second.body, "the same answer on every retry");
                returned.extend(order_ids(&first));
            } else {
                refused += 1;
                eprintln!("round {round} refused: {}", first.text);
                assert!(
                    first.body["type"].is_string(),
                    "a clean refusal is problem+json: {}",
                    first.text
                );
            }
        }
        assert!(
            returned.len() >= 50,
            "{} orders placed, {refused} refused",
            returned.len()
        );
        let stored: BTreeSet<String> = stored_orders(&server)
            .into_keys()
            .filter(|id| !history.contains(id))
            .collect();
        assert_eq!(
            stored, returned,
            "orders stored = orders the retries returned"
        );
        server.kill();
        let _ = std::fs::remove_file(&config);
        database.cleanup().await;
    }
}

#[tokio::test]
async fn a_server_killed_under_load_leaves_no_order_unanswered_or_unpaid() {
    for database in TestDatabase::all().await {
        let config = prepare(&database, "kill");
        let server = Server::start(&database.url, &config);
        let products = catalog(&server);
        let history: BTreeSet<String> = stored_orders(&server).into_keys().collect();
        // 100 checkouts from 8 clients at once; the server is killed while they run.
        let (address, buyer) = (server.address.clone(), server.buyer.clone());
        let quotes: Vec<(String, Value)> = (0..100)
            .filter_map(|round| quote(&server, &products, round).map(|id| (format!("killed-{round}"), json!({"quote_id": id, "payment": {"provider": "test", "card_number": "4242424242424242"}}))))
            .collect();
        let answered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut clients = Vec::new();
        for chunk in quotes.chunks(quotes.len().div_ceil(8)) {
            let chunk = chunk.to_vec();
            let (address, buyer, answered) = (address.clone(), buyer.clone(), answered.clone());
            clients.push(std::thread::spawn(move || {
                for (key, body) in chunk {
                    if http(
                        &address,
                        "POST",
                        "/api/v1/orders",
                        &buyer,
                        Some(&key),
                        Some(&body),
                    )
                    .is_some()
                    {
                        answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                }
            }));
        }
        // Killed a third of the way through: orders in flight, captures still owed.
        let deadline = Instant::now() + Duration::from_secs(60);
        while answered.load(std::sync::atomic::Ordering::SeqCst) < quotes.len() / 3
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        server.kill();
        for client in clients {
            client.join().expect("client");
        }

        let server = Server::start(&database.url, &config);
        let mut returned = BTreeSet::new();
        for (key, body) in &quotes {
            let first = retry_until_settled(&server.address, &buyer, key, body);
            let second = retry_until_settled(&server.address, &buyer, key, body);
            assert_eq!(first.status, second.status);
            if first.status == 201 {
                assert_eq!(first.body, second.body);
                returned.extend(order_ids(&first));
            } else {
                assert!(first.body["type"].is_string(), "{}", first.text);
            }
        }
        assert!(!returned.is_empty());
        // Every order reaches `paid`: captures the killed process owed are done by this one.
        let deadline = Instant::now() + Duration::from_secs(30);
        let stored = loop {
            let mut stored = stored_orders(&server);
            stored.retain(|id, _| !history.contains(id));
            if stored.values().all(|status| status == "paid") || Instant::now() > deadline {
                break stored;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        assert_eq!(stored.keys().cloned().collect::<BTreeSet<_>>(), returned);
        let unpaid: Vec<_> = stored
            .iter()
            .filter(|(_, status)| *status != "paid")
            .collect();
        assert!(
            unpaid.is_empty(),
            "orders left unpaid after the restart: {unpaid:?}"
        );
        let audit = database.store.stock_audit().await.expect("audit");
        assert_eq!(audit.reserved, audit.held_by_orders, "{audit:?}");
        assert_eq!(database.store.open_payment_tasks().await.expect("tasks"), 0);
        server.kill();
        let _ = std::fs::remove_file(&config);
        database.cleanup().await;
    }
}
