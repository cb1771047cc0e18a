//! Route handlers, one module per resource family.

pub mod analytics;
pub mod catalog;
pub mod checkout;
pub mod events;
pub mod landed_cost;
pub mod orders;
pub mod parties;
pub mod payments;
pub mod reference;
pub mod shipping;
pub mod stock;
pub mod system;
pub mod tokens;

use serde::{Deserialize, Serialize};
use silkroute_app::{Page, PageRequest};
use utoipa::{IntoParams, ToSchema};

use crate::problem::{ApiError, ApiResult};

/// `?limit=&cursor=` of every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// 1–500, default 50.
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub fn page_request(limit: Option<&str>, cursor: Option<String>) -> ApiResult<PageRequest> {
    let limit = match limit {
        None => 50,
        Some(text) => match text.parse::<u32>() {
            Ok(limit) if (1..=500).contains(&limit) => limit,
            _ => return Err(ApiError::field("limit", "must be an integer from 1 to 500")),
        },
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

pub fn parse_date(field: &str, value: Option<&str>) -> ApiResult<Option<chrono::NaiveDate>> {
    value
        .map(|text| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| ApiError::field(field, "must be a date written YYYY-MM-DD"))
        })
        .transpose()
}
