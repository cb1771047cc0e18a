//! The OpenAPI 3.1 document, generated from the handlers' annotations. Routes are registered only
//! through [`api_router`], so a route cannot exist without being in the document.

use axum::Json;
use axum::extract::State;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::routes::{
    analytics, catalog, checkout, events, landed_cost, orders, parties, payments, reference,
    shipping, stock, system, tokens,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Silkroute API", description = "Cross-border marketplace: catalog, markets, FX, identifiers, landed cost, checkout, orders, payments, stock."),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
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
        .routes(routes!(payments::payment_webhook))
        .routes(routes!(stock::create_warehouse, stock::list_warehouses))
        .routes(routes!(stock::move_stock))
        .routes(routes!(stock::stock_levels))
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
                .tag("system")
                .response(
                    "200",
                    utoipa::openapi::Response::new("OpenAPI 3.1 document"),
                ),
        ),
    );
    document
}

pub async fn serve_openapi(State(_state): State<AppState>) -> Json<utoipa::openapi::OpenApi> {
    Json(openapi_document())
}
