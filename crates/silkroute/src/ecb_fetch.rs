//! Fetching the ECB's published rate files for `fx sync` and the server's daily sync: an adapter
//! at the edge, so the app and the domain only ever see the CSV text. The ECB publishes the daily
//! file and the 90-day history as zipped CSVs (and as XML); the zipped CSVs are taken because
//! they are the very files `fx import` reads by hand, parsed by the same parser with the same
//! messages, and unzipping needs one small crate where XML would need a second parser. A URL
//! that serves the plain CSV works too (a mirror, a test server).

use std::io::{Cursor, Read};
use std::time::Duration;

use anyhow::{Context, bail};
use silkroute_app::EcbPublication;

/// The ECB's daily file: the newest business day's rates, `Date, USD, …` / `30 October 2026, …`.
pub const ECB_DAILY_URL: &str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref.zip";
/// The ECB's history of the last 90 days, laid out like `eurofxref-hist.csv`.
pub const ECB_HISTORY_URL: &str =
    "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.zip";

/// The 90-day file is about 20 KB unzipped and the full history 2 MB: anything past this is not
/// an ECB rate file, and is refused before it fills memory.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// A whole fetch (connect, redirects, body) may take this long.
const FETCH_TIMEOUT: Duration = Duration::from_secs(60);

/// Fetches the daily file, then the history, on a blocking thread (the client is synchronous);
/// returns them newest publication first, as `App::sync_fx` takes them.
pub async fn fetch_publications(
    daily_url: &str,
    history_url: &str,
) -> anyhow::Result<Vec<EcbPublication>> {
    let urls = [daily_url.to_string(), history_url.to_string()];
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(FETCH_TIMEOUT))
            .build()
            .into();
        urls.iter()
            .map(|url| {
                let bytes = fetch(&agent, url)?;
                Ok(EcbPublication {
                    source: url.clone(),
                    text: publication_text(url, &bytes)?,
                })
            })
            .collect()
    })
    .await
    .context("the fetching thread failed")?
}

fn fetch(agent: &ureq::Agent, url: &str) -> anyhow::Result<Vec<u8>> {
    let mut response = agent
        .get(url)
        .call()
        .with_context(|| format!("cannot fetch {url}"))?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_FILE_BYTES)
        .read_to_vec()
        .with_context(|| format!("cannot read {url}"))
}

/// The CSV inside a fetched file: the one `.csv` entry of a zip archive, or the text itself.
pub fn publication_text(source: &str, bytes: &[u8]) -> anyhow::Result<String> {
    if bytes.starts_with(b"PK\x03\x04") {
        return unzip_csv(source, bytes);
    }
    if bytes.trim_ascii_start().starts_with(b"<") {
        bail!(
            "{source} is XML or HTML, not the ECB's CSV: use the .zip or .csv file \
             (eurofxref.zip, eurofxref-hist-90d.zip)"
        );
    }
    String::from_utf8(bytes.to_vec()).with_context(|| format!("{source} is not UTF-8 text"))
}

fn unzip_csv(source: &str, bytes: &[u8]) -> anyhow::Result<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .with_context(|| format!("{source} is not a readable zip archive"))?;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .with_context(|| format!("{source}: cannot read entry {index}"))?;
        let name = entry
            .name()
            .with_context(|| format!("{source}: entry {index} has no readable name"))?
            .into_owned();
        if !entry.is_file() || !name.to_ascii_lowercase().ends_with(".csv") {
            continue;
        }
        if entry.size() > MAX_FILE_BYTES {
            bail!(
                "{source}: {name} unzips to {} bytes, more than an ECB rate file",
                entry.size()
            );
        }
        let mut text = String::new();
        (&mut entry)
            .take(MAX_FILE_BYTES)
            .read_to_string(&mut text)
            .with_context(|| format!("{source}: cannot unzip {name} as UTF-8 text"))?;
        return Ok(text);
    }
    bail!("{source}: the zip archive holds no .csv file")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAILY_ZIP: &[u8] =
        include_bytes!("../../silkroute-domain/data/ecb/samples/eurofxref.zip");
    const DAILY_CSV: &str = include_str!("../../silkroute-domain/data/ecb/samples/eurofxref.csv");
    const HISTORY_ZIP: &[u8] =
        include_bytes!("../../silkroute-domain/data/ecb/samples/eurofxref-hist-90d.zip");
    const HISTORY_CSV: &str =
        include_str!("../../silkroute-domain/data/ecb/samples/eurofxref-hist-90d.csv");

    #[test]
    fn the_zipped_files_unzip_to_their_csv() {
        assert_eq!(publication_text("daily", DAILY_ZIP).unwrap(), DAILY_CSV);
        assert_eq!(publication_text("90d", HISTORY_ZIP).unwrap(), HISTORY_CSV);
    }

    #[test]
    fn a_plain_csv_is_taken_as_it_is() {
        assert_eq!(
            publication_text("daily", DAILY_CSV.as_bytes()).unwrap(),
            DAILY_CSV
        );
    }

    #[test]
    fn what_is_not_a_rate_file_says_why() {
        let xml = publication_text("x.xml", b"<?xml version=\"1.0\"?><gesmes:Envelope/>");
        assert!(
            format!("{:#}", xml.unwrap_err()).contains("x.xml is XML or HTML"),
            "XML is refused by name"
        );
        let broken = publication_text("cut.zip", &DAILY_ZIP[..40]);
        assert!(
            format!("{:#}", broken.unwrap_err()).contains("cut.zip is not a readable zip archive")
        );
        let binary = publication_text("x.bin", &[0xff, 0xfe, 0x00]);
        assert!(format!("{:#}", binary.unwrap_err()).contains("x.bin is not UTF-8 text"));
    }
}
