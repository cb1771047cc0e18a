//! Webhook signatures. Anyone can POST to the webhook URL, so the provider signs each delivery
//! with a shared secret: `Silkroute-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "<t>.<body>">`. Signing the timestamp with the body lets the receiver refuse replays of old
//! deliveries; several `v1=` entries let the provider sign with an old and a new secret while
//! the secret is rotated. Comparison is constant-time so that response timing reveals nothing
//! about the expected signature.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The HTTP header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Silkroute-Signature";

/// How far a delivery's timestamp may be from the receiver's clock. Five minutes absorbs clock
/// skew and retry delays yet keeps the window for replaying a captured request short.
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("malformed Silkroute-Signature header: expected t=<unix seconds>,v1=<hex signature>")]
    Malformed,
    #[error("no signature in the Silkroute-Signature header matches the body")]
    Mismatch,
    #[error("the signature is {age_secs} seconds old, older than the tolerance allows")]
    TooOld { age_secs: i64 },
    #[error("the signature's timestamp is further ahead of our clock than the tolerance allows")]
    FromTheFuture,
}

/// The full header value for `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let signature = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(signature))
}

/// Checks `header` against `body` and returns the signed timestamp. The signature is checked
/// before the age, so `TooOld` and `FromTheFuture` are reported only for genuine deliveries.
/// Unknown `key=value` entries (other schemes) are ignored for forward compatibility.
pub fn verify(
    header: &str,
    secret: &[u8],
    body: &[u8],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<i64, SignatureError> {
    let (timestamp, signatures) = parse_header(header)?;
    let expected = mac(secret, timestamp, body);
    let matches = signatures
        .iter()
        .any(|signature| expected.clone().verify_slice(signature).is_ok());
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    let age_secs = now_unix.saturating_sub(timestamp);
    if age_secs > tolerance_secs {
        return Err(SignatureError::TooOld { age_secs });
    }
    if age_secs < tolerance_secs.saturating_neg() {
        return Err(SignatureError::FromTheFuture);
    }
    Ok(timestamp)
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Exactly one `t`, at least one `v1`; anything else unparseable is malformed.
fn parse_header(header: &str) -> Result<(i64, Vec<Vec<u8>>), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for entry in header.split(',') {
        let (key, value) = entry
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" if timestamp.is_none() => {
                let digits = value.strip_prefix('-').unwrap_or(value);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(SignatureError::Malformed);
                }
                timestamp = Some(value.parse().map_err(|_| SignatureError::Malformed)?);
            }
            "t" => return Err(SignatureError::Malformed),
            "v1" => signatures.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            _ => {}
        }
    }
    match timestamp {
        Some(timestamp) if !signatures.is_empty() => Ok((timestamp, signatures)),
        _ => Err(SignatureError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const SECRET: &[u8] = b"whsec_test";
    const BODY: &[u8] = br#"{"a":1}"#;
    const NOW: i64 = 1_700_000_000;

    #[test]
    fn matches_a_known_vector() {
        // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            sign(SECRET, NOW, BODY),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    #[test]
    fn round_trips() {
        let header = sign(SECRET, NOW, BODY);
        assert_eq!(
            verify(&header, SECRET, BODY, NOW, SIGNATURE_TOLERANCE_SECS),
            Ok(NOW)
        );
        assert_eq!(
            verify(&header, SECRET, BODY, NOW + 300, SIGNATURE_TOLERANCE_SECS),
            Ok(NOW)
        );
        assert_eq!(
            verify(&header, SECRET, BODY, NOW - 300, SIGNATURE_TOLERANCE_SECS),
            Ok(NOW)
        );
    }

    #[test]
    fn refuses_altered_bodies_and_wrong_secrets() {
        let header = sign(SECRET, NOW, BODY);
        let tampered = verify(&header, SECRET, br#"{"a":2}"#, NOW, 300);
        assert_eq!(tampered, Err(SignatureError::Mismatch));
        let wrong_secret = verify(&header, b"whsec_other", BODY, NOW, 300);
        assert_eq!(wrong_secret, Err(SignatureError::Mismatch));
        // The timestamp is signed too: moving it breaks the signature.
        let moved = header.replace("t=1700000000", "t=1700000100");
        assert_eq!(
            verify(&moved, SECRET, BODY, NOW, 300),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn refuses_old_and_future_timestamps() {
        let header = sign(SECRET, NOW, BODY);
        assert_eq!(
            verify(&header, SECRET, BODY, NOW + 301, SIGNATURE_TOLERANCE_SECS),
            Err(SignatureError::TooOld { age_secs: 301 })
        );
        assert_eq!(
            verify(&header, SECRET, BODY, NOW - 301, SIGNATURE_TOLERANCE_SECS),
            Err(SignatureError::FromTheFuture)
        );
        assert_eq!(
            verify(&header, SECRET, BODY, i64::MAX, SIGNATURE_TOLERANCE_SECS),
            Err(SignatureError::TooOld {
                age_secs: i64::MAX - NOW
            })
        );
    }

    #[test]
    fn accepts_any_listed_signature_during_rotation() {
        let old_secret = b"whsec_old";
        let new_header = sign(SECRET, NOW, BODY);
        let old_header = sign(old_secret, NOW, BODY);
        let old_v1 = old_header.split_once(',').unwrap().1;
        let both = format!("{new_header},{old_v1}");
        assert_eq!(verify(&both, SECRET, BODY, NOW, 300), Ok(NOW));
        assert_eq!(verify(&both, old_secret, BODY, NOW, 300), Ok(NOW));
        assert_eq!(
            verify(&both, b"whsec_neither", BODY, NOW, 300),
            Err(SignatureError::Mismatch)
        );
        // Spaces after commas and unknown schemes are tolerated.
        let spaced = format!("{}, v0=abc, {old_v1}", new_header.replace(',', ", "));
        assert_eq!(verify(&spaced, old_secret, BODY, NOW, 300), Ok(NOW));
    }

    #[rstest]
    #[case("")]
    #[case("t=1700000000")]
    #[case("v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789")]
    #[case("t=abc,v1=00")]
    #[case("t=,v1=00")]
    #[case("t=+1700000000,v1=00")]
    #[case("t=1.5,v1=00")]
    #[case("t=99999999999999999999,v1=00")]
    #[case("t=1700000000,v1=xyz")]
    #[case("t=1700000000,v1=0")]
    #[case("t=1700000000,t=1700000001,v1=00")]
    #[case("t=1700000000;v1=00")]
    #[case("t=1700000000,garbage")]
    fn refuses_malformed_headers(#[case] header: &str) {
        assert_eq!(
            verify(header, SECRET, BODY, NOW, 300),
            Err(SignatureError::Malformed)
        );
    }
}
