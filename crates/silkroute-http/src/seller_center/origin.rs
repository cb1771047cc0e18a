//! Where a form post came from. The CSRF token already ties a form to its session, and SameSite
//! cookies keep other sites' posts from carrying the session; checking `Origin` as well refuses a
//! cross-site post even when one of those fails (an old browser, a leaked token page). Browsers
//! send `Origin` on every form post; a client that sends neither `Origin` nor `Sec-Fetch-Site`
//! is not a browser acting for a victim, and still needs the CSRF token.

use axum::http::{HeaderMap, header};

/// Whether a state-changing form post comes from the seller center's own origin: the configured
/// public origin when there is one, else the origin the request itself was addressed to (`Host`).
pub fn from_own_origin(public_origin: Option<&str>, headers: &HeaderMap) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let origin = origin.trim_end_matches('/');
        return match public_origin {
            Some(expected) => origin.eq_ignore_ascii_case(expected.trim_end_matches('/')),
            None => {
                let authority = origin.split_once("://").map(|(_, rest)| rest);
                let host = headers
                    .get(header::HOST)
                    .and_then(|value| value.to_str().ok());
                matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
            }
        };
    }
    match headers
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok())
    {
        Some(site) => site == "same-origin" || site == "none",
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    type Case = (
        &'static str,
        Option<&'static str>,
        &'static [(&'static str, &'static str)],
        bool,
    );

    const CASES: &[Case] = &[
        (
            "same host",
            None,
            &[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080"),
            ],
            true,
        ),
        (
            "other site",
            None,
            &[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:8080"),
            ],
            false,
        ),
        (
            "other port",
            None,
            &[
                ("origin", "http://127.0.0.1:9999"),
                ("host", "127.0.0.1:8080"),
            ],
            false,
        ),
        (
            "opaque origin",
            None,
            &[("origin", "null"), ("host", "127.0.0.1:8080")],
            false,
        ),
        (
            "public url",
            Some("https://market.example"),
            &[
                ("origin", "https://market.example"),
                ("host", "10.0.0.5:8080"),
            ],
            true,
        ),
        (
            "not the public url",
            Some("https://market.example"),
            &[
                ("origin", "http://10.0.0.5:8080"),
                ("host", "10.0.0.5:8080"),
            ],
            false,
        ),
        (
            "fetch metadata: cross-site",
            None,
            &[("sec-fetch-site", "cross-site")],
            false,
        ),
        (
            "fetch metadata: same origin",
            None,
            &[("sec-fetch-site", "same-origin")],
            true,
        ),
        ("not a browser", None, &[], true),
    ];

    #[test]
    fn form_posts_are_accepted_only_from_the_own_origin() {
        for (name, public_origin, pairs, accepted) in CASES {
            let mut headers = HeaderMap::new();
            for (header, value) in *pairs {
                headers.insert(*header, HeaderValue::from_static(value));
            }
            assert_eq!(
                from_own_origin(*public_origin, &headers),
                *accepted,
                "{name}"
            );
        }
    }
}
