//! The OpenAPI 3.1 document, generated from the handlers' annotations. Routes are registered only
//! through [`api_router`], so a route cannot exist without being in the document.

pub mod headers;
pub mod problems;

use axum::Json;
use axum::extract::State;
use utoipa::OpenApi;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, ResponseBuilder};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::routes::{
    addresses, analytics, catalog, checkout, events, landed_cost, orders, parties, payments,
    picking, reference, shipments, shipping, stock, system, tokens, transfers,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Silkroute API",
        description = "Cross-border marketplace: catalog, markets, FX, identifiers, landed cost, checkout, buyers' address books, orders, shipments with labels and customs documents, pick lists, pack verification and hand-over manifests, payments, stock, transfers and customs declarations, analytics. Errors are RFC 9457 `application/problem+json`; conventions in docs/API-DESIGN.md.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    servers((url = "/", description = "this server")),
    // Named by parameters, which utoipa does not collect schemas from.
    components(schemas(
        crate::problem::Problem,
        silkroute_domain::country::CountryCode,
        silkroute_domain::currency::CurrencyCode
    )),
    modifiers(&SharedComponents)
)]
struct ApiDoc;

/// The bearer scheme and the problem responses every operation refers to.
struct SharedComponents;

impl utoipa::Modify for SharedComponents {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token `srk_…` (`silkroute token create`, or `POST /api/v1/tokens`). \
                         The seller center's session cookie also reads the GET operations.",
                    ))
                    .build(),
            ),
        );
        for problem in problems::ALL {
            components
                .responses
                .insert(problem.name.to_string(), problem.response().into());
        }
    }
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(system::healthz))
        .routes(routes!(system::readyz))
        .routes(routes!(system::metrics))
        .routes(routes!(reference::list_currencies))
        .routes(routes!(reference::list_countries))
        .routes(routes!(reference::list_categories))
        .routes(routes!(reference::list_fx_rates))
        .routes(routes!(reference::convert))
        .routes(routes!(reference::list_markets))
        .routes(routes!(reference::get_market))
        .routes(routes!(reference::validate_identifier))
        .routes(routes!(parties::create_seller, parties::list_sellers))
        .routes(routes!(parties::get_seller))
        .routes(routes!(parties::create_buyer, parties::list_buyers))
        .routes(routes!(parties::get_buyer))
        .routes(routes!(
            addresses::create_address,
            addresses::list_addresses
        ))
        .routes(routes!(
            addresses::get_address,
            addresses::update_address,
            addresses::delete_address
        ))
        .routes(routes!(addresses::get_address_format))
        .routes(routes!(catalog::create_product, catalog::list_products))
        .routes(routes!(catalog::get_product, catalog::update_product))
        .routes(routes!(catalog::catalog))
        .routes(routes!(landed_cost::estimate_landed_cost))
        .routes(routes!(shipping::list_shipping_services))
        .routes(routes!(shipping::shop_shipping_rates))
        .routes(routes!(tokens::create_token))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(checkout::create_quote))
        .routes(routes!(checkout::get_quote))
        .routes(routes!(orders::place_order, orders::list_orders))
        .routes(routes!(orders::get_order))
        .routes(routes!(orders::order_events))
        .routes(routes!(orders::cancel_order))
        .routes(routes!(orders::fulfil_order))
        .routes(routes!(orders::ship_order))
        .routes(routes!(orders::deliver_order))
        .routes(routes!(orders::complete_order))
        .routes(routes!(orders::request_refund))
        .routes(routes!(orders::decline_refund))
        .routes(routes!(orders::refund_order))
        .routes(routes!(orders::request_return))
        .routes(routes!(orders::return_action))
        .routes(routes!(shipments::create_shipment))
        .routes(routes!(shipments::list_shipments))
        .routes(routes!(shipments::get_shipment))
        .routes(routes!(shipments::cancel_shipment))
        .routes(routes!(shipments::shipment_label))
        .routes(routes!(shipments::shipment_document))
        .routes(routes!(picking::get_pick_list))
        .routes(routes!(picking::get_pick_list_csv))
        .routes(routes!(picking::pack_shipment))
        .routes(routes!(picking::create_manifest))
        .routes(routes!(picking::get_manifest))
        .routes(routes!(payments::payment_webhook))
        .routes(routes!(stock::create_warehouse, stock::list_warehouses))
        .routes(routes!(stock::move_stock))
        .routes(routes!(stock::stock_levels))
        .routes(routes!(
            transfers::create_transfer,
            transfers::list_transfers
        ))
        .routes(routes!(transfers::get_transfer))
        .routes(routes!(transfers::receive_transfer))
        .routes(routes!(transfers::list_declarations))
        .routes(routes!(transfers::declarations_csv))
        .routes(routes!(events::record_events))
        .routes(routes!(analytics::store_overview))
        .routes(routes!(analytics::store_timeseries))
        .routes(routes!(analytics::store_breakdown))
        .routes(routes!(analytics::products))
        .routes(routes!(analytics::customers))
        .routes(routes!(analytics::forecast))
        .routes(routes!(analytics::industry_categories))
        .routes(routes!(analytics::industry_keywords))
}

/// The document as served at `/api/v1/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, mut document) = api_router().split_for_parts();
    document.paths.paths.insert(
        "/api/v1/openapi.json".to_string(),
        utoipa::openapi::path::PathItem::new(
            utoipa::openapi::HttpMethod::Get,
            utoipa::openapi::path::OperationBuilder::new()
                .summary(Some("This document"))
                .operation_id(Some("openapi_document"))
                .description(Some(
                    "The OpenAPI 3.1 document of this API, generated from the handlers.",
                ))
                .tag("system")
                .security(utoipa::openapi::security::SecurityRequirement::default())
                .response("200", openapi_response())
                .response(
                    problems::TOO_LARGE.status,
                    utoipa::openapi::Ref::new(format!(
                        "#/components/responses/{}",
                        problems::TOO_LARGE.name
                    )),
                ),
        ),
    );
    drop_unreached_schemas(&mut document);
    document
}

/// utoipa registers a generic's argument (`Category` of `ListResponse<Category>`) beside the
/// generic, which inlines it; a schema no operation reaches is noise to a reader and a lint
/// warning, so it is left out.
fn drop_unreached_schemas(document: &mut utoipa::openapi::OpenApi) {
    const PREFIX: &str = "#/components/schemas/";
    fn references(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(fields) => {
                for (key, item) in fields {
                    match (key.as_str(), item.as_str()) {
                        ("$ref", Some(target)) => {
                            if let Some(name) = target.strip_prefix(PREFIX) {
                                out.push(name.to_string());
                            }
                        }
                        _ => references(item, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|item| references(item, out)),
            _ => {}
        }
    }
    let Some(components) = document.components.as_mut() else {
        return;
    };
    let mut pending = Vec::new();
    references(
        &serde_json::to_value(&document.paths).unwrap_or_default(),
        &mut pending,
    );
    references(
        &serde_json::to_value(&components.responses).unwrap_or_default(),
        &mut pending,
    );
    let mut reached = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone())
            && let Some(schema) = components.schemas.get(&name)
        {
            references(
                &serde_json::to_value(schema).unwrap_or_default(),
                &mut pending,
            );
        }
    }
    components.schemas.retain(|name, _| reached.contains(name));
}

/// An OpenAPI document: an object with at least `openapi`, `info` and `paths`.
fn openapi_response() -> utoipa::openapi::Response {
    let object = || ObjectBuilder::new().schema_type(SchemaType::Type(Type::Object));
    let schema = object()
        .property(
            "openapi",
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .pattern(Some("^3\\.1\\.")),
        )
        .required("openapi")
        .property("info", object())
        .required("info")
        .property("paths", object())
        .required("paths")
        .property("components", object());
    ResponseBuilder::new()
        .description("OpenAPI 3.1 document")
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(schema)).build(),
        )
        .build()
}

pub async fn serve_openapi(State(_state): State<AppState>) -> Json<utoipa::openapi::OpenApi> {
    Json(openapi_document())
}
