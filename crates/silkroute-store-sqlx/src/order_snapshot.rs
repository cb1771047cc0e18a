//! How an order's snapshot (its landed-cost quote, the legal record of what the buyer was
//! charged and at which rates) is stored. PostgreSQL keeps it as JSON text and compresses it
//! itself (TOAST). SQLite does not compress, and a 2.5 KB snapshot leaves room for one order per
//! 4 KB page, so on SQLite it is LZ4-compressed against a fixed dictionary of typical snapshots:
//! about a fifth of the size, and the orders table shrinks fourfold.
//!
//! A stored snapshot is either JSON text (it starts with `{`: PostgreSQL, and SQLite rows written
//! before compression) or `[1][u32 length, little endian][LZ4 block against dictionary 1]`.
//! Dictionary 1 is frozen: a better one would be format 2, and format 1 read forever.

use silkroute_store::{StoreError, StoreResult};

/// Demo snapshots of every kind of destination rule, concatenated (LZ4 reaches back 64 KB).
const DICTIONARY_V1: &[u8] = include_bytes!("order_snapshot_v1.dict");
const FORMAT_LZ4_V1: u8 = 1;
/// Larger than any snapshot: a corrupt length must not allocate gigabytes.
const MAX_SNAPSHOT_BYTES: usize = 16 * 1024 * 1024;

/// The compressed column value (SQLite).
pub fn compress<T: serde::Serialize>(snapshot: &T) -> StoreResult<Vec<u8>> {
    let json = crate::to_json(snapshot)?;
    let block = lz4_flex::block::compress_prepend_size_with_dict(json.as_bytes(), DICTIONARY_V1);
    let mut stored = Vec::with_capacity(block.len() + 1);
    stored.push(FORMAT_LZ4_V1);
    stored.extend_from_slice(&block);
    Ok(stored)
}

/// A stored snapshot back, in either format.
pub fn decode<T: serde::de::DeserializeOwned>(stored: &[u8]) -> StoreResult<T> {
    let corrupt = |why: String| StoreError::Corrupt(format!("order snapshot: {why}"));
    match stored.first() {
        Some(b'{') => serde_json::from_slice(stored).map_err(|e| corrupt(e.to_string())),
        Some(&FORMAT_LZ4_V1) => {
            let block = &stored[1..];
            let declared = block
                .get(..4)
                .map(|size| u32::from_le_bytes([size[0], size[1], size[2], size[3]]) as usize);
            if declared.is_none_or(|size| size > MAX_SNAPSHOT_BYTES) {
                return Err(corrupt(format!("impossible length {declared:?}")));
            }
            let json = lz4_flex::block::decompress_size_prepended_with_dict(block, DICTIONARY_V1)
                .map_err(|e| corrupt(e.to_string()))?;
            serde_json::from_slice(&json).map_err(|e| corrupt(e.to_string()))
        }
        Some(other) => Err(corrupt(format!("unknown format {other}"))),
        None => Err(corrupt("empty".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One snapshot of the dictionary, as the demo writes them.
    fn demo_snapshot() -> serde_json::Value {
        let text = std::str::from_utf8(DICTIONARY_V1).expect("utf-8");
        let end = text.find("}{").expect("two snapshots") + 1;
        serde_json::from_str(&text[..end]).expect("json")
    }

    #[test]
    fn a_snapshot_comes_back_as_it_went_in_at_a_fraction_of_its_size() {
        let mut snapshot = demo_snapshot();
        // Not a copy of the dictionary: other products, another date.
        snapshot["quote_date"] = "2031-02-03".into();
        snapshot["group"]["lines"][0]["title"] = "Hand-thrown Stoneware Teapot".into();
        let json = crate::to_json(&snapshot).expect("json");
        let stored = compress(&snapshot).expect("compress");
        assert_eq!(
            decode::<serde_json::Value>(&stored).expect("decode"),
            snapshot
        );
        assert!(
            stored.len() * 3 < json.len(),
            "{} of {}",
            stored.len(),
            json.len()
        );
    }

    #[test]
    fn json_text_is_read_as_it_is() {
        let snapshot = serde_json::json!({"group": {"incoterm": "DDP"}});
        let text = crate::to_json(&snapshot).expect("json");
        assert_eq!(
            decode::<serde_json::Value>(text.as_bytes()).expect("decode"),
            snapshot
        );
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let stored = compress(&demo_snapshot()).expect("compress");
        for broken in [
            &b""[..],
            &b"\x02abc"[..],
            &stored[..3],
            &stored[..stored.len() / 2],
            &[FORMAT_LZ4_V1, 0xff, 0xff, 0xff, 0x7f, 0, 0][..],
        ] {
            assert!(decode::<serde_json::Value>(broken).is_err(), "{broken:?}");
        }
        let mut flipped = stored.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x55;
        // A flipped byte either fails to decode or decodes to something else; never panics.
        let _ = decode::<serde_json::Value>(&flipped);
    }
}
