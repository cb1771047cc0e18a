//! Everything the bench needs in place before a single checkout is timed. The bench must never
//! write into the user's data, and it must leave nothing behind, so opening and tidying the
//! scratch store lives here next to the seeding that fills it: a marketplace shaped like the
//! real one (cross-border sellers and buyers) so the measured path prices and reserves as it
//! would in production.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use silkroute_app::{
    App, BuyerInput, Principal, Role, SellerInput, StockMoveInput, WarehouseInput,
};
use silkroute_domain::catalog::ProductInput;
use silkroute_store::Store;
use silkroute_store_postgres::{PostgresStore, PostgresStoreExt};

use super::app_error;
use crate::config::redact;

/// Sellers alternate between these: the two origins the marketplace is built around.
const SELLER_COUNTRIES: [&str; 2] = ["CN", "US"];
/// Buyers cycle through these markets; a buyer is only offered products from another country.
const BUYER_COUNTRIES: [&str; 8] = ["DE", "FR", "GB", "US", "AU", "CA", "JP", "NL"];

/// What the bench must tidy away whatever happens.
pub(super) enum Scratch {
    SqliteFile(PathBuf),
    PostgresSchema(PostgresStore, String),
    Kept,
}

impl Scratch {
    pub(super) async fn remove(self) {
        match self {
            Scratch::SqliteFile(path) => remove_sqlite_files(&path),
            Scratch::PostgresSchema(store, schema) => {
                if let Err(error) = store.drop_schema(&schema).await {
                    eprintln!("warning: could not drop schema {schema}: {error}");
                }
            }
            Scratch::Kept => {}
        }
    }
}

fn remove_sqlite_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Opens the store the bench writes to, never the user's data: a temporary SQLite file, a fresh
/// PostgreSQL schema, or an explicitly named SQLite database that must be empty.
pub(super) async fn open_scratch(
    url: Option<&str>,
) -> anyhow::Result<(Arc<dyn Store>, String, Scratch)> {
    let pid = std::process::id();
    match url {
        None => {
            let path = std::env::temp_dir().join(format!("silkroute-bench-{pid}.db"));
            remove_sqlite_files(&path);
            let store = crate::store::open(&format!("sqlite://{}", path.display())).await?;
            let description = format!("temporary {} (deleted afterwards)", path.display());
            Ok((store, description, Scratch::SqliteFile(path)))
        }
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let millis = chrono::Utc::now().timestamp_millis();
            let schema = format!("bench_{pid}_{millis}");
            PostgresStore::create_schema(url, &schema)
                .await
                .with_context(|| format!("cannot create schema {schema} on {}", redact(url)))?;
            let store = PostgresStore::connect(url, Some(&schema))
                .await
                .with_context(|| format!("cannot connect to {}", redact(url)))?;
            let description = format!("{} schema {schema} (dropped afterwards)", redact(url));
            Ok((
                Arc::new(store.clone()),
                description,
                Scratch::PostgresSchema(store, schema),
            ))
        }
        Some(url) => Ok((crate::store::open(url).await?, redact(url), Scratch::Kept)),
    }
}

/// A seeded buyer: what a client connection, or the bare loop's templates, act as.
pub(super) struct Buyer {
    pub(super) principal: Principal,
    pub(super) token: String,
    pub(super) country: &'static str,
    /// Product ids this buyer may order (never from its own country).
    pub(super) eligible: Arc<Vec<String>>,
}

/// Sellers in CN and US with one warehouse each, `products` products spread over them with
/// ample stock, and one buyer (with a token) per client across several markets.
pub(super) async fn seed(
    app: &App,
    clients: usize,
    products: usize,
    stock_per_product: i64,
) -> anyhow::Result<Vec<Buyer>> {
    let (_, admin) = sign_in(app, Role::Admin, None, None, "admin token").await?;
    let seller_count = products.clamp(1, 10);
    let mut sellers = Vec::with_capacity(seller_count);
    for index in 0..seller_count {
        let country = SELLER_COUNTRIES[index % SELLER_COUNTRIES.len()];
        let seller = app
            .create_seller(
                &admin,
                SellerInput {
                    name: Some(format!("Bench seller {index}")),
                    country: Some(country.into()),
                    ..SellerInput::default()
                },
            )
            .await
            .map_err(app_error("seller"))?;
        let (_, principal) = sign_in(
            app,
            Role::Seller,
            Some(seller.id.as_str()),
            None,
            "seller token",
        )
        .await?;
        let warehouse = app
            .create_warehouse(
                &principal,
                WarehouseInput {
                    name: format!("Bench warehouse {index}"),
                    country: country.into(),
                    kind: None,
                    seller_id: None,
                    address: None,
                },
            )
            .await
            .map_err(app_error("warehouse"))?;
        sellers.push((seller, principal, warehouse, country));
    }
    let mut catalog = Vec::with_capacity(products);
    for index in 0..products {
        let (seller, principal, warehouse, country) = &sellers[index % seller_count];
        let input: ProductInput = serde_json::from_value(serde_json::json!({
            "sku": format!("BENCH-{index:05}"),
            "titles": {"en": "Cotton T-Shirt", "de": "Baumwoll-T-Shirt"},
            "category": "apparel.tops",
            "hs_code": "6109.10",
            "origin_country": country,
            "weight_g": 180,
            "dimensions_mm": {"length": 300, "width": 200, "height": 30},
            "base_price": "99.00",
            "unit_cost": "35.50"
        }))?;
        let product = app
            .create_product(principal, Some(seller.id.as_str()), input)
            .await
            .map_err(app_error("product"))?;
        app.move_stock(
            principal,
            StockMoveInput {
                product_id: product.id.as_str().to_string(),
                warehouse_id: warehouse.id.as_str().to_string(),
                kind: "receipt".into(),
                quantity: stock_per_product,
            },
        )
        .await
        .map_err(app_error("stock receipt"))?;
        catalog.push((product.id.as_str().to_string(), *country));
    }
    let mut buyers = Vec::with_capacity(clients);
    for index in 0..clients {
        let country = BUYER_COUNTRIES[index % BUYER_COUNTRIES.len()];
        let eligible: Vec<String> = catalog
            .iter()
            .filter(|(_, origin)| *origin != country)
            .map(|(id, _)| id.clone())
            .collect();
        if eligible.is_empty() {
            bail!("no product ships to {country}: raise --hot-products to 2 or more");
        }
        let buyer = app
            .create_buyer(
                &admin,
                BuyerInput {
                    name: Some(format!("Bench buyer {index}")),
                    country: Some(country.into()),
                    ..BuyerInput::default()
                },
            )
            .await
            .map_err(app_error("buyer"))?;
        let (token, principal) = sign_in(
            app,
            Role::Buyer,
            None,
            Some(buyer.id.as_str()),
            "buyer token",
        )
        .await?;
        buyers.push(Buyer {
            principal,
            token,
            country,
            eligible: Arc::new(eligible),
        });
    }
    Ok(buyers)
}

/// Issues a bench token and signs in with it, so each party is seeded as the API would see it:
/// the token for the HTTP clients, the principal for the calls made in process.
async fn sign_in(
    app: &App,
    role: Role,
    seller_id: Option<&str>,
    buyer_id: Option<&str>,
    what: &str,
) -> anyhow::Result<(String, Principal)> {
    let token = app
        .create_token(role, seller_id, buyer_id, "bench")
        .await
        .map_err(app_error(what))?;
    let principal = app
        .authenticate(&token.token)
        .await
        .map_err(app_error(what))?;
    Ok((token.token, principal))
}
