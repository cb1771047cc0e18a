//! The seller center's static files, embedded in the binary so that a single file deploys the
//! whole site and no page ever loads anything from another origin. Each file is fingerprinted:
//! pages link `?v=<hash>`, and a request naming the current hash may be cached for a year.

use std::sync::LazyLock;

use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    path: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $content_type:expr) => {
        Asset {
            path: $path,
            content_type: $content_type,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $path)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

static ASSETS: &[Asset] = &[
    asset!("seller/common.js", JS),
    asset!("seller/overview.js", JS),
    asset!("seller/products.js", JS),
    asset!("seller/industry.js", JS),
    asset!("seller/customers.js", JS),
    asset!("seller/forecast.js", JS),
    asset!("seller/seller.css", CSS),
    asset!("vendor/uplot/uPlot.iife.min.js", JS),
    asset!("vendor/uplot/uPlot.min.css", CSS),
    asset!("vendor/uplot/LICENSE", TEXT),
];

/// Each asset's fingerprint: the first 16 hex digits of its SHA-256.
static FINGERPRINTS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| hex::encode(&Sha256::digest(asset.bytes)[..8]))
        .collect()
});

fn find(path: &str) -> Option<(&'static Asset, &'static str)> {
    ASSETS
        .iter()
        .zip(FINGERPRINTS.iter())
        .find(|(asset, _)| asset.path == path)
        .map(|(asset, fingerprint)| (asset, fingerprint.as_str()))
}

/// The URL a page links for an asset, with its fingerprint.
pub fn url(path: &str) -> String {
    let (_, fingerprint) = find(path).unwrap_or_else(|| panic!("no asset {path}"));
    format!("/seller/assets/{path}?v={fingerprint}")
}

/// `GET /seller/assets/{*path}`.
pub async fn get_asset(
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some((asset, fingerprint)) = find(&path) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "no such asset",
        )
            .into_response();
    };
    let etag = format!("\"{fingerprint}\"");
    let pinned = query
        .as_deref()
        .is_some_and(|query| query == format!("v={fingerprint}"));
    // A fingerprinted URL never changes content; a bare one is revalidated after an hour.
    let cache_control = if pinned {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            )],
            asset.bytes,
        )
            .into_response()
    };
    let response_headers = response.headers_mut();
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response_headers.insert(header::ETAG, value);
    }
    response_headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_type_by_its_extension() {
        for asset in ASSETS {
            let expected = if asset.path.ends_with(".js") {
                JS
            } else if asset.path.ends_with(".css") {
                CSS
            } else {
                TEXT
            };
            assert_eq!(asset.content_type, expected, "{}", asset.path);
            assert!(!asset.bytes.is_empty(), "{}", asset.path);
        }
        assert!(url("seller/common.js").starts_with("/seller/assets/seller/common.js?v="));
    }
}
