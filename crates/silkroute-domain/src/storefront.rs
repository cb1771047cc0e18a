//! Storefront events: what shoppers do before they buy — visit, view a product, search, add to
//! cart, start checkout — as a web-analytics beacon reports them. They are the denominator of
//! every conversion rate and the source of hot keywords, so each event is checked field by field
//! and a bad one is refused with its reasons while the rest of the batch is kept.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::country::CountryCode;
use crate::ids::ProductId;
use crate::validation::{FieldError, FieldErrors};

/// The most events one beacon request may carry.
pub const MAX_BATCH: usize = 500;
/// How late a beacon may arrive (a phone back online) and how far ahead its clock may run.
pub const MAX_DELAY_DAYS: i64 = 7;
pub const MAX_CLOCK_SKEW_MINUTES: i64 = 5;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(value: &str) -> Option<$name> {
                match value { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

vocabulary!(
    /// What the shopper did.
    EventKind {
        Visit => "visit",
        ProductView => "product_view",
        Search => "search",
        AddToCart => "add_to_cart",
        CheckoutStarted => "checkout_started",
    }
);

vocabulary!(
    /// Where the visit came from (the channel of the landing page).
    TrafficSource {
        OrganicSearch => "organic_search",
        Paid => "paid",
        Direct => "direct",
        External => "external",
        Social => "social",
        Email => "email",
    }
);

vocabulary!(
    Device {
        Mobile => "mobile",
        Desktop => "desktop",
    }
);

/// An event as the beacon sends it: every field optional here, so that each missing or wrong
/// one can be named in the refusal.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct EventInput {
    /// The client's id for the event; a second event with it is a duplicate and ignored.
    pub id: Option<String>,
    pub visitor_id: Option<String>,
    pub session_id: Option<String>,
    pub kind: Option<String>,
    pub product_id: Option<String>,
    pub keyword: Option<String>,
    /// The shopper's market (ISO 3166-1 alpha-2).
    pub market: Option<String>,
    pub source: Option<String>,
    pub device: Option<String>,
    /// RFC 3339.
    pub at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct StorefrontEvent {
    pub id: String,
    pub visitor_id: String,
    pub session_id: String,
    pub kind: EventKind,
    #[schema(value_type = Option<String>)]
    pub product_id: Option<ProductId>,
    /// Normalised: trimmed, lower case, inner whitespace collapsed.
    pub keyword: Option<String>,
    pub market: CountryCode,
    pub source: TrafficSource,
    pub device: Device,
    pub at: DateTime<Utc>,
}

/// Client-made ids (event, visitor, session): 8–64 letters, digits, `-` or `_`.
fn client_id(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<String> {
    match value {
        None => {
            errors.push(field, "required");
            None
        }
        Some(text)
            if (8..=64).contains(&text.len())
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Some(text.to_string())
        }
        Some(_) => {
            errors.push(field, "must be 8–64 letters, digits, '-' or '_'");
            None
        }
    }
}

fn choice<T>(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    all: &[&str],
) -> Option<T> {
    let Some(text) = value else {
        errors.push(field, "required");
        return None;
    };
    let parsed = parse(text);
    if parsed.is_none() {
        errors.push(field, format!("must be one of {}", all.join(", ")));
    }
    parsed
}

/// Trimmed, lower-cased, inner whitespace collapsed: "Phone  Case " and "phone case" are one
/// keyword.
pub fn normalise_keyword(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Checks one event against the rules: ids well-formed, the vocabulary known, a product for
/// product views and carts, a keyword for searches, and a time no older than
/// [`MAX_DELAY_DAYS`] nor later than [`MAX_CLOCK_SKEW_MINUTES`] ahead of `now`.
pub fn parse_event(
    input: &EventInput,
    now: DateTime<Utc>,
) -> Result<StorefrontEvent, Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    let id = client_id(&mut errors, "id", input.id.as_deref());
    let visitor_id = client_id(&mut errors, "visitor_id", input.visitor_id.as_deref());
    let session_id = client_id(&mut errors, "session_id", input.session_id.as_deref());
    let names = |all: &[EventKind]| all.iter().map(|k| k.as_str()).collect::<Vec<_>>();
    let kind = choice(
        &mut errors,
        "kind",
        input.kind.as_deref(),
        EventKind::parse,
        &names(EventKind::ALL),
    );
    let source = choice(
        &mut errors,
        "source",
        input.source.as_deref(),
        TrafficSource::parse,
        &TrafficSource::ALL
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>(),
    );
    let device = choice(
        &mut errors,
        "device",
        input.device.as_deref(),
        Device::parse,
        &Device::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
    );
    let market = match input.market.as_deref() {
        Some(text) => errors.check("market", CountryCode::parse(text)),
        None => {
            errors.push("market", "required");
            None
        }
    };
    let product_id = input
        .product_id
        .as_deref()
        .and_then(|text| errors.check("product_id", ProductId::parse(text)));
    let keyword = input.keyword.as_deref().map(normalise_keyword);
    if let Some(keyword) = &keyword
        && (keyword.is_empty() || keyword.chars().count() > 100)
    {
        errors.push("keyword", "must be 1–100 characters");
    }
    match kind {
        Some(EventKind::ProductView | EventKind::AddToCart) if input.product_id.is_none() => {
            errors.push("product_id", "required for product views and carts");
        }
        Some(EventKind::Search) if input.keyword.is_none() => {
            errors.push("keyword", "required for searches");
        }
        _ => {}
    }
    let at = match input.at.as_deref() {
        Some(text) => match DateTime::parse_from_rfc3339(text) {
            Ok(at) => {
                let at = at.with_timezone(&Utc);
                if at > now + Duration::minutes(MAX_CLOCK_SKEW_MINUTES) {
                    errors.push("at", "is in the future");
                    None
                } else if at < now - Duration::days(MAX_DELAY_DAYS) {
                    errors.push(
                        "at",
                        format!("is more than {MAX_DELAY_DAYS} days old; import history instead"),
                    );
                    None
                } else {
                    Some(at)
                }
            }
            Err(_) => {
                errors.push(
                    "at",
                    "must be an RFC 3339 time such as 2026-10-30T12:00:00Z",
                );
                None
            }
        },
        None => {
            errors.push("at", "required");
            None
        }
    };
    match (id, visitor_id, session_id, kind, market, source, device, at) {
        (
            Some(id),
            Some(visitor_id),
            Some(session_id),
            Some(kind),
            Some(market),
            Some(source),
            Some(device),
            Some(at),
        ) if errors.is_empty() => Ok(StorefrontEvent {
            id,
            visitor_id,
            session_id,
            kind,
            product_id,
            keyword: keyword.filter(|_| kind == EventKind::Search),
            market,
            source,
            device,
            at,
        }),
        _ => Err(errors.into_vec()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, 30, 12, 0, 0).unwrap()
    }

    fn view() -> EventInput {
        EventInput {
            id: Some("evt-000001".into()),
            visitor_id: Some("visitor-0001".into()),
            session_id: Some("session-0001".into()),
            kind: Some("product_view".into()),
            product_id: Some("prd_01JD0000000000000000000001".into()),
            keyword: None,
            market: Some("DE".into()),
            source: Some("organic_search".into()),
            device: Some("mobile".into()),
            at: Some("2026-10-30T11:59:00Z".into()),
        }
    }

    fn fields(result: Result<StorefrontEvent, Vec<FieldError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_product_view_parses() {
        let event = parse_event(&view(), now()).unwrap();
        assert_eq!(event.kind, EventKind::ProductView);
        assert_eq!(event.market.as_str(), "DE");
        assert_eq!(event.keyword, None);
    }

    #[test]
    fn searches_need_a_keyword_and_keep_it_normalised() {
        let mut search = view();
        search.kind = Some("search".into());
        search.product_id = None;
        assert_eq!(fields(parse_event(&search, now())), ["keyword"]);
        search.keyword = Some("  Phone   CASE ".into());
        assert_eq!(
            parse_event(&search, now()).unwrap().keyword.as_deref(),
            Some("phone case")
        );
    }

    #[test]
    fn every_wrong_field_is_named() {
        let bad = EventInput {
            id: Some("x".into()),
            visitor_id: None,
            session_id: Some("has spaces in it".into()),
            kind: Some("purchase".into()),
            product_id: Some("sel_01JD0000000000000000000001".into()),
            keyword: None,
            market: Some("XX".into()),
            source: Some("tv".into()),
            device: Some("watch".into()),
            at: Some("yesterday".into()),
        };
        let mut named = fields(parse_event(&bad, now()));
        named.sort();
        assert_eq!(
            named,
            [
                "at",
                "device",
                "id",
                "kind",
                "market",
                "product_id",
                "session_id",
                "source",
                "visitor_id"
            ]
        );
    }

    #[test]
    fn times_outside_the_window_are_refused() {
        let mut late = view();
        late.at = Some("2026-10-22T12:00:00Z".into());
        assert_eq!(fields(parse_event(&late, now())), ["at"]);
        let mut ahead = view();
        ahead.at = Some("2026-10-30T12:06:00Z".into());
        assert_eq!(fields(parse_event(&ahead, now())), ["at"]);
        let mut view_without_product = view();
        view_without_product.product_id = None;
        assert_eq!(
            fields(parse_event(&view_without_product, now())),
            ["product_id"]
        );
    }
}
