//! Black-box tests through the HTTP API and the CLI, on SQLite and (when configured) PostgreSQL.
//! One test binary keeps link time low.

mod analytics_refresh;
mod api_addresses;
mod api_allocation;
mod api_analytics;
mod api_catalog;
mod api_checkout;
mod api_concurrency;
mod api_conventions;
mod api_edge;
mod api_events;
mod api_fx_freshness;
mod api_insights;
mod api_landed_cost;
mod api_openapi;
mod api_orders;
mod api_picking;
mod api_reference;
mod api_ship_to;
mod api_shipments;
mod api_shipping;
mod api_transfers;
mod bench;
mod cli;
mod demo;
mod durability;
mod durability_binary;
mod fx_sync;
mod readme;
mod seller_center;
mod serve;
mod support;
mod tenants;
mod tidy;
