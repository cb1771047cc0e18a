//! The 4xx answers an operation documents, each an RFC 9457 `application/problem+json` response
//! defined once under `components/responses` and named by the handlers' `responses(…)`: a
//! handler lists the problems it can give (`Malformed`, `Unauthenticated`, …) next to its
//! success, so the document says what a client must handle, operation by operation.

use std::collections::BTreeMap;

use utoipa::IntoResponses;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

use crate::problem::PROBLEM_JSON;

/// One documented problem: its status, its name under `components/responses`, and when it
/// happens.
pub struct ProblemResponse {
    pub status: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

impl ProblemResponse {
    /// The response itself, as `components/responses` holds it.
    pub fn response(&self) -> Response {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build();
        let mut response = ResponseBuilder::new()
            .description(self.description)
            .content(PROBLEM_JSON, content);
        if self.status == "429" {
            let seconds = ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::Integer))
                .minimum(Some(1))
                .build();
            response = response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(Schema::Object(seconds))
                    .description(Some("Seconds until the next request is let through."))
                    .build(),
            );
        }
        response.build()
    }

    fn reference(&self) -> BTreeMap<String, RefOr<Response>> {
        let reference = Ref::new(format!("#/components/responses/{}", self.name));
        BTreeMap::from([(self.status.to_string(), RefOr::Ref(reference))])
    }
}

pub const MALFORMED: ProblemResponse = ProblemResponse {
    status: "400",
    name: "Malformed",
    description: "Malformed request: JSON that does not parse or has bytes after the value, a \
                  query parameter the operation does not take, a path segment that is not \
                  UTF-8, an `Idempotency-Key` that is not 1–255 visible ASCII characters, or a \
                  payment notification whose signature does not verify.",
};
pub const PAYMENT_DECLINED: ProblemResponse = ProblemResponse {
    status: "402",
    name: "PaymentDeclined",
    description: "The card was declined; nothing was charged or ordered.",
};
pub const UNAUTHENTICATED: ProblemResponse = ProblemResponse {
    status: "401",
    name: "Unauthenticated",
    description: "No token, or a token that is unknown or revoked (`Authorization: Bearer …`).",
};
pub const FORBIDDEN: ProblemResponse = ProblemResponse {
    status: "403",
    name: "Forbidden",
    description: "The token's role may never use this operation (another tenant's record is a \
                  404 instead).",
};
pub const NOT_FOUND: ProblemResponse = ProblemResponse {
    status: "404",
    name: "NotFound",
    description: "No such record, or one the caller may not see.",
};
pub const CONFLICT: ProblemResponse = ProblemResponse {
    status: "409",
    name: "Conflict",
    description: "The record's state does not allow it (the status names both), a notification \
                  already processed, or a request with the same `Idempotency-Key` still running.",
};
pub const TOO_LARGE: ProblemResponse = ProblemResponse {
    status: "413",
    name: "TooLarge",
    description: "The body is over the limit (1 MiB by default), on every route.",
};
pub const NOT_JSON: ProblemResponse = ProblemResponse {
    status: "415",
    name: "NotJson",
    description: "The body is not sent as `Content-Type: application/json`.",
};
pub const INVALID: ProblemResponse = ProblemResponse {
    status: "422",
    name: "Invalid",
    description: "Well-formed but invalid: `errors[]` names each failing field by its path \
                  (`lines[0].quantity`, a query parameter, a path id) — a value of the wrong \
                  type or out of range, NUL or a Unicode bidi control in any string, an unknown \
                  code, a rule or rate not available for the date, or an `Idempotency-Key` \
                  reused with another request.",
};
pub const RATE_LIMITED: ProblemResponse = ProblemResponse {
    status: "429",
    name: "RateLimited",
    description: "Too many requests from this client address; retry after `Retry-After` \
                  seconds.",
};

/// Every problem response, for `components/responses`.
pub const ALL: [&ProblemResponse; 10] = [
    &MALFORMED,
    &UNAUTHENTICATED,
    &PAYMENT_DECLINED,
    &FORBIDDEN,
    &NOT_FOUND,
    &CONFLICT,
    &TOO_LARGE,
    &NOT_JSON,
    &INVALID,
    &RATE_LIMITED,
];

/// 400, see [`MALFORMED`].
pub struct Malformed;

impl IntoResponses for Malformed {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        MALFORMED.reference()
    }
}

/// 401, see [`UNAUTHENTICATED`].
pub struct Unauthenticated;

impl IntoResponses for Unauthenticated {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        UNAUTHENTICATED.reference()
    }
}

/// 402, see [`PAYMENT_DECLINED`].
pub struct PaymentDeclined;

impl IntoResponses for PaymentDeclined {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        PAYMENT_DECLINED.reference()
    }
}

/// 403, see [`FORBIDDEN`].
pub struct Forbidden;

impl IntoResponses for Forbidden {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        FORBIDDEN.reference()
    }
}

/// 404, see [`NOT_FOUND`].
pub struct NotFound;

impl IntoResponses for NotFound {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        NOT_FOUND.reference()
    }
}

/// 409, see [`CONFLICT`].
pub struct Conflict;

impl IntoResponses for Conflict {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        CONFLICT.reference()
    }
}

/// 413, see [`TOO_LARGE`].
pub struct TooLarge;

impl IntoResponses for TooLarge {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        TOO_LARGE.reference()
    }
}

/// 415, see [`NOT_JSON`].
pub struct NotJson;

impl IntoResponses for NotJson {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        NOT_JSON.reference()
    }
}

/// 422, see [`INVALID`].
pub struct Invalid;

impl IntoResponses for Invalid {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        INVALID.reference()
    }
}

/// 429, see [`RATE_LIMITED`].
pub struct RateLimited;

impl IntoResponses for RateLimited {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        RATE_LIMITED.reference()
    }
}
