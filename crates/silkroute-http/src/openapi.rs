//! The OpenAPI 3.1 document, generated from the handlers' annotations. Routes are registered only
//! through [`api_router`], so a route cannot exist without being in the document.

use axum::Json;
use axum::extract::State;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::routes::{catalog, landed_cost, parties, reference, shipping, system, tokens};

#[derive(OpenApi)]
#[openapi(
    info(title = "Silkroute API", description = "Cross-border marketplace: catalog, markets, FX, identifiers."),
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
