//! Route handlers, one module per resource family.

pub mod addresses;
pub mod analytics;
pub mod catalog;
pub mod checkout;
pub mod events;
pub mod landed_cost;
pub mod orders;
pub mod parties;
pub mod payments;
pub mod picking;
pub mod reference;
pub mod shipments;
pub mod shipping;
pub mod stock;
pub mod system;
pub mod tokens;
pub mod transfers;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use silkroute_app::{Page, PageRequest};
use utoipa::{IntoParams, ToSchema};

use crate::problem::{ApiError, ApiResult};

/// `?limit=&cursor=` of every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The query of an operation that takes no parameters: any parameter is a 400.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

pub fn page_request(limit: Option<u32>, cursor: Option<String>) -> ApiResult<PageRequest> {
    let limit = match limit {
        None => 50,
        Some(limit) if (1..=500).contains(&limit) => limit,
        Some(_) => return Err(ApiError::field("limit", "must be an integer from 1 to 500")),
    };
    Ok(PageRequest {
        after: cursor.filter(|cursor| !cursor.is_empty()),
        limit,
    })
}

/// The list envelope: `{"data": [...], "next_cursor": "…" | null}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> From<Page<T>> for ListResponse<T> {
    fn from(page: Page<T>) -> ListResponse<T> {
        ListResponse {
            data: page.items,
            next_cursor: page.next_cursor,
        }
    }
}

/// A day in a query, `YYYY-MM-DD`; anything else fails with that in the message. Document it
/// with `#[param(value_type = Option<chrono::NaiveDate>)]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day(pub NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        silkroute_domain::day::parse_day(&text)
            .map(Day)
            .ok_or_else(|| serde::de::Error::custom("must be a date written YYYY-MM-DD"))
    }
}

/// The day of an optional `Day` parameter.
pub fn day(value: Option<Day>) -> Option<NaiveDate> {
    value.map(|Day(day)| day)
}
