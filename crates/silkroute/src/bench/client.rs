//! A minimal keep-alive HTTP/1.1 client for the benches: it shares the cores with the server
//! under test, so it does no more than frame requests and read `Content-Length` bodies.

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Client {
    stream: TcpStream,
    buffer: Vec<u8>,
    request: Vec<u8>,
}

impl Client {
    pub async fn connect(address: std::net::SocketAddr) -> anyhow::Result<Client> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Client {
            stream,
            buffer: Vec::with_capacity(64 * 1024),
            request: Vec::with_capacity(1024),
        })
    }

    pub async fn get(&mut self, path: &str) -> anyhow::Result<(u16, Vec<u8>)> {
        self.request.clear();
        self.request.extend_from_slice(
            format!("GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: keep-alive\r\n\r\n")
                .as_bytes(),
        );
        self.exchange().await
    }

    /// A JSON POST as a signed-in client sends it; `extra_headers` are complete lines.
    pub async fn post(
        &mut self,
        path: &str,
        bearer_token: &str,
        json_body: &str,
        extra_headers: &str,
    ) -> anyhow::Result<(u16, Vec<u8>)> {
        self.request.clear();
        self.request.extend_from_slice(
            format!(
                "POST {path} HTTP/1.1\r\nHost: bench\r\nConnection: keep-alive\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\
                 Authorization: Bearer {bearer_token}\r\n{extra_headers}\r\n",
                json_body.len()
            )
            .as_bytes(),
        );
        self.request.extend_from_slice(json_body.as_bytes());
        self.exchange().await
    }

    /// Writes the prepared request in one go (one segment on loopback) and reads one response.
    async fn exchange(&mut self) -> anyhow::Result<(u16, Vec<u8>)> {
        self.stream.write_all(&self.request).await?;
        loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buffer[..end]).into_owned();
                let status: u16 = head
                    .split_whitespace()
                    .nth(1)
                    .and_then(|code| code.parse().ok())
                    .context("bad status line")?;
                let length: usize = head
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse().ok())?
                    })
                    .context("response without content-length")?;
                let total = end + 4 + length;
                while self.buffer.len() < total {
                    self.fill().await?;
                }
                let body = self.buffer[end + 4..total].to_vec();
                self.buffer.drain(..total);
                return Ok((status, body));
            }
            self.fill().await?;
        }
    }

    async fn fill(&mut self) -> anyhow::Result<()> {
        let mut chunk = [0u8; 64 * 1024];
        let read = self.stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("server closed the connection");
        }
        self.buffer.extend_from_slice(&chunk[..read]);
        Ok(())
    }
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
