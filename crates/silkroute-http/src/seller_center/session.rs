//! Seller-center sessions and CSRF tokens. A session is a random 256-bit id in an HttpOnly
//! cookie that maps, in this process's memory, to the API token the seller pasted; every request
//! authenticates that token again, so revoking it ends the session at once. Sessions expire after
//! twelve idle hours and do not survive a restart (signing in again takes one paste).
//!
//! CSRF tokens are HMACs under a per-process key: bound to the session id once signed in, and
//! before that to a random nonce in a separate cookie (the signed double-submit pattern). A login
//! nonce is spent by the first sign-in attempt that carries it, so a captured login form cannot be
//! replayed; only the spent nonces of the last hour are remembered.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "silkroute_session";
/// The cookie that carries the login form's CSRF nonce before a session exists.
pub const LOGIN_NONCE_COOKIE: &str = "silkroute_login_nonce";
/// How long a session may sit unused.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(12 * 60 * 60);
/// How long a login form's nonce lives (its cookie's `Max-Age`), and so how long a spent nonce
/// must be remembered.
pub const LOGIN_NONCE_LIFETIME: Duration = Duration::from_secs(60 * 60);

struct Session {
    /// The API token the seller signed in with; checked again on every request.
    secret: String,
    last_seen: Instant,
}

/// The sessions of this process.
pub struct Sessions {
    sessions: Mutex<HashMap<String, Session>>,
    /// Login nonces already used by a sign-in attempt, with when.
    spent_nonces: Mutex<HashMap<String, Instant>>,
    csrf_key: [u8; 32],
    idle_timeout: Duration,
}

impl Default for Sessions {
    fn default() -> Sessions {
        Sessions::with_idle_timeout(IDLE_TIMEOUT)
    }
}

impl Sessions {
    pub fn with_idle_timeout(idle_timeout: Duration) -> Sessions {
        let mut csrf_key = [0u8; 32];
        rand::rng().fill_bytes(&mut csrf_key);
        Sessions {
            sessions: Mutex::new(HashMap::new()),
            spent_nonces: Mutex::new(HashMap::new()),
            csrf_key,
            idle_timeout,
        }
    }

    /// Starts a session for an already authenticated token and returns its id.
    pub fn create(&self, secret: &str) -> String {
        let id = random_hex();
        let now = Instant::now();
        let mut sessions = self.lock();
        // Sweeping on creation keeps abandoned sessions from piling up without a timer task.
        sessions.retain(|_, session| now.duration_since(session.last_seen) < self.idle_timeout);
        sessions.insert(
            id.clone(),
            Session {
                secret: secret.to_string(),
                last_seen: now,
            },
        );
        id
    }

    /// The token behind a live session, marking it used; `None` when unknown or expired.
    pub fn secret(&self, id: &str) -> Option<String> {
        let now = Instant::now();
        let mut sessions = self.lock();
        let session = sessions.get_mut(id)?;
        if now.duration_since(session.last_seen) >= self.idle_timeout {
            sessions.remove(id);
            return None;
        }
        session.last_seen = now;
        Some(session.secret.clone())
    }

    pub fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    /// The CSRF token for forms bound to `binding` (a session id, or the login nonce).
    pub fn csrf_token(&self, binding: &str) -> String {
        hex::encode(self.csrf_mac(binding).finalize().into_bytes())
    }

    /// Whether `token` is the CSRF token for `binding`, compared in constant time.
    pub fn csrf_valid(&self, binding: &str, token: &str) -> bool {
        if binding.is_empty() {
            return false;
        }
        match hex::decode(token) {
            Ok(bytes) => self.csrf_mac(binding).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }

    /// Marks a login nonce as used; false when it was used before (a replayed login form).
    pub fn spend_login_nonce(&self, nonce: &str) -> bool {
        let now = Instant::now();
        let mut spent = self
            .spent_nonces
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A nonce older than its cookie cannot come back, so it need not be remembered.
        spent.retain(|_, at| now.duration_since(*at) < LOGIN_NONCE_LIFETIME);
        spent.insert(nonce.to_string(), now).is_none()
    }

    fn csrf_mac(&self, binding: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.csrf_key).expect("any key length");
        mac.update(b"silkroute seller center csrf\0");
        mac.update(binding.as_bytes());
        mac
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding the lock cannot leave the map half-written: recover it.
        self.sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// 256 random bits as 64 hex digits.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The session id a request carries, if any.
pub fn session_id(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, SESSION_COOKIE)
}

/// The token behind the session cookie of a GET or HEAD request: lets the seller center's
/// scripts read the analytics API without holding the token. Other methods never authenticate
/// by cookie, so a forged cross-site form cannot change anything.
pub fn read_only_session_secret(parts: &Parts, sessions: &Sessions) -> Option<String> {
    if parts.method != axum::http::Method::GET && parts.method != axum::http::Method::HEAD {
        return None;
    }
    sessions.secret(session_id(&parts.headers)?)
}

/// Whether cookies must be marked `Secure`: always when the deployment says so (its public URL
/// is https, or `secure_cookies` is set), else when this request reached us over HTTPS (directly,
/// or as a proxy reports it), so that plain-HTTP local use keeps working.
pub fn secure_cookies(always: bool, headers: &HeaderMap, uri: &axum::http::Uri) -> bool {
    always || is_https(headers, uri)
}

fn is_https(headers: &HeaderMap, uri: &axum::http::Uri) -> bool {
    uri.scheme_str() == Some("https")
        || headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, `Secure` over HTTPS; `None` clears it.
pub fn set_cookie(name: &str, value: Option<&str>, path: &str, secure: bool) -> HeaderValue {
    set_cookie_for(name, value, path, secure, None)
}

/// [`set_cookie`] with a lifetime (`Max-Age`), for cookies that must not outlive what they carry.
pub fn set_cookie_for(
    name: &str,
    value: Option<&str>,
    path: &str,
    secure: bool,
    max_age: Option<Duration>,
) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = match (value, max_age) {
        (Some(value), Some(max_age)) => format!(
            "{name}={value}; Path={path}; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
            max_age.as_secs()
        ),
        (Some(value), None) => {
            format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict{secure}")
        }
        (None, _) => format!("{name}=; Path={path}; Max-Age=0; HttpOnly; SameSite=Strict{secure}"),
    };
    HeaderValue::from_str(&text).expect("cookie values are hex")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_live_until_ended_or_idle() {
        let sessions = Sessions::default();
        let id = sessions.create("srk_secret");
        assert_eq!(id.len(), 64);
        assert_eq!(sessions.secret(&id).as_deref(), Some("srk_secret"));
        assert_eq!(sessions.secret("nope"), None);
        sessions.end(&id);
        assert_eq!(sessions.secret(&id), None);

        let short = Sessions::with_idle_timeout(Duration::ZERO);
        let id = short.create("srk_secret");
        assert_eq!(short.secret(&id), None, "expired at once");
    }

    #[test]
    fn csrf_tokens_are_bound_to_their_binding_and_key() {
        let sessions = Sessions::default();
        let token = sessions.csrf_token("session-a");
        assert!(sessions.csrf_valid("session-a", &token));
        assert!(!sessions.csrf_valid("session-b", &token));
        assert!(!sessions.csrf_valid("session-a", "zz"));
        assert!(!sessions.csrf_valid("", &sessions.csrf_token("")));
        let other_process = Sessions::default();
        assert!(!other_process.csrf_valid("session-a", &token));
    }

    #[test]
    fn a_login_nonce_is_spent_once() {
        let sessions = Sessions::default();
        assert!(sessions.spend_login_nonce("n1"));
        assert!(!sessions.spend_login_nonce("n1"), "a replay is refused");
        assert!(sessions.spend_login_nonce("n2"));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; silkroute_session=abc"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(session_id(&headers), Some("abc"));
        assert_eq!(cookie(&headers, "b"), Some("2"));
        assert_eq!(cookie(&headers, "c"), None);
        let set = set_cookie(SESSION_COOKIE, Some("abc"), "/", false);
        assert_eq!(
            set.to_str().unwrap(),
            "silkroute_session=abc; Path=/; HttpOnly; SameSite=Strict"
        );
        assert!(
            set_cookie(SESSION_COOKIE, None, "/", true)
                .to_str()
                .unwrap()
                .ends_with("Max-Age=0; HttpOnly; SameSite=Strict; Secure")
        );
    }
}
