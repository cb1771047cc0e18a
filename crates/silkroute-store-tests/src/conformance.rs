//! The conformance story: every store method, driven the same way on each backend, with the
//! results compared to what the trait promises.

use silkroute_domain::ids::Ulid;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use silkroute_domain::catalog::{DimensionsMm, MarketPrice, Product, ProductStatus, TierPrice};
use silkroute_domain::country::CountryCode;
use silkroute_domain::currency::CurrencyCode;
use silkroute_domain::fx::PublishedRate;
use silkroute_domain::hs::HsCode;
use silkroute_domain::identifiers::Gtin;
use silkroute_domain::ids::{BuyerId, ProductId, SellerId, TokenId};
use silkroute_domain::market::{embedded_rule_files, parse_rule_file};
use silkroute_domain::money::Money;
use silkroute_domain::order_history::ImportedOrder;
use silkroute_domain::party::{BusinessModel, Buyer, BuyerKind, Seller};
use silkroute_store::{PageRequest, ProductFilter, Store, StoreError, TokenRecord};

pub(crate) fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0)
        .single()
        .expect("valid time")
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid date")
}

/// Deterministic ids: a counter as the ULID's bits, so ids sort in the order they were made.
pub fn test_ulid(n: u64) -> Ulid {
    Ulid::from_parts(0, u128::from(n))
}

pub fn seller(n: u64, country: &str, currency: &str) -> Seller {
    Seller {
        id: SellerId::new(test_ulid(n)),
        name: format!("Seller {n}"),
        country: CountryCode::parse(country).expect("country"),
        business_model: BusinessModel::B2c,
        settlement_currency: CurrencyCode::parse(currency).expect("currency"),
        commission_bps: 800,
        time_zone: "Asia/Shanghai".to_string(),
        created_at: at(1),
    }
}

pub fn buyer(n: u64, country: &str) -> Buyer {
    Buyer {
        id: BuyerId::new(test_ulid(n)),
        name: format!("Buyer {n}"),
        country: CountryCode::parse(country).expect("country"),
        kind: BuyerKind::Consumer,
        vat_id: None,
        created_at: at(1),
    }
}

pub fn product(n: u64, seller: &Seller, sku: &str) -> Product {
    let currency = seller.settlement_currency;
    let mut titles = BTreeMap::new();
    titles.insert("en".to_string(), format!("Cotton T-Shirt {n}"));
    titles.insert("de".to_string(), format!("Baumwoll-T-Shirt {n}"));
    Product {
        id: ProductId::new(test_ulid(n)),
        seller_id: seller.id.clone(),
        sku: sku.to_string(),
        titles,
        category: "apparel.tops".to_string(),
        hs_code: HsCode::parse("6109.10").expect("hs"),
        origin_country: seller.country,
        weight_g: 180,
        dimensions_mm: DimensionsMm {
            length: 300,
            width: 200,
            height: 30,
        },
        gtin: Some(Gtin::parse("4006381333931").expect("gtin")),
        base_price: Money::from_minor(1_999, currency),
        unit_cost: Money::from_minor(800, currency),
        moq: 1,
        tier_prices: vec![TierPrice {
            min_quantity: 10,
            unit_price: Money::from_minor(1_799, currency),
        }],
        market_prices: vec![MarketPrice {
            market: CountryCode::parse("DE").expect("country"),
            price: Money::from_minor(2_499, CurrencyCode::EUR),
        }],
        status: ProductStatus::Active,
        created_at: at(2),
        updated_at: at(2),
    }
}

pub async fn run(store: Arc<dyn Store>) {
    migrations_are_idempotent(&*store).await;
    fx_rates(&*store).await;
    crate::settings_story::run(&*store).await;
    market_rules(&*store).await;
    parties(&*store).await;
    crate::addresses_story::run(&*store).await;
    imported_history(&*store).await;
    catalog(&*store).await;
    tokens(&*store).await;
    crate::durable_requests_story::run(&*store).await;
    crate::orders_story::run(store.clone()).await;
    crate::shipments_story::run(&*store).await;
    crate::transfers_story::run(&*store).await;
}

async fn migrations_are_idempotent(store: &dyn Store) {
    assert!(store.migrate().await.expect("migrate again").is_empty());
    store.ping().await.expect("ping");
}

async fn fx_rates(store: &dyn Store) {
    let usd = CurrencyCode::USD;
    let jpy = CurrencyCode::JPY;
    assert_eq!(store.newest_fx_date().await.expect("newest"), None);
    let rates = vec![
        PublishedRate {
            currency: usd,
            date: date("2024-03-14"),
            per_eur: "1.0925".parse().expect("d"),
        },
        PublishedRate {
            currency: usd,
            date: date("2024-03-15"),
            per_eur: "1.0890".parse().expect("d"),
        },
        PublishedRate {
            currency: jpy,
            date: date("2024-03-15"),
            per_eur: "161.69".parse().expect("d"),
        },
    ];
    assert_eq!(store.upsert_fx_rates(&rates).await.expect("upsert"), 3);
    // Re-importing the same day replaces, never duplicates.
    let corrected = vec![PublishedRate {
        currency: usd,
        date: date("2024-03-15"),
        per_eur: "1.0891".parse().expect("d"),
    }];
    store
        .upsert_fx_rates(&corrected)
        .await
        .expect("upsert again");

    let saturday = store
        .latest_fx_rate(usd, date("2024-03-16"))
        .await
        .expect("latest");
    let saturday = saturday.expect("a rate on or before Saturday");
    assert_eq!(saturday.date, date("2024-03-15"));
    assert_eq!(saturday.per_eur, "1.0891".parse::<Decimal>().expect("d"));
    assert!(
        store
            .latest_fx_rate(usd, date("2024-03-13"))
            .await
            .expect("latest")
            .is_none()
    );

    let published = store
        .fx_rates_published(date("2024-03-17"))
        .await
        .expect("published");
    assert_eq!(published.len(), 2);
    assert!(published.iter().all(|rate| rate.date == date("2024-03-15")));

    let coverage = store.fx_coverage().await.expect("coverage");
    assert_eq!(coverage.rates, 3);
    assert_eq!(coverage.currencies, 2);
    assert_eq!(coverage.first_date, Some(date("2024-03-14")));
    assert_eq!(coverage.last_date, Some(date("2024-03-15")));
    assert_eq!(
        store.newest_fx_date().await.expect("newest"),
        Some(date("2024-03-15"))
    );
    // Each day once, whatever the number of currencies, and only those inside the range.
    assert_eq!(
        store
            .fx_rate_dates(date("2024-03-01"), date("2024-03-31"))
            .await
            .expect("dates"),
        [date("2024-03-14"), date("2024-03-15")]
    );
    assert_eq!(
        store
            .fx_rate_dates(date("2024-03-15"), date("2024-03-20"))
            .await
            .expect("dates"),
        [date("2024-03-15")]
    );
    assert!(
        store
            .fx_rate_dates(date("2024-03-16"), date("2024-03-20"))
            .await
            .expect("dates")
            .is_empty()
    );
}

async fn market_rules(store: &dyn Store) {
    let mut rules = Vec::new();
    for (name, text) in embedded_rule_files() {
        rules.extend(parse_rule_file(name, text).expect("shipped rules parse"));
    }
    let written = store.replace_market_rules(&rules).await.expect("replace");
    assert_eq!(written as usize, rules.len());
    // Replacing twice leaves one copy.
    store
        .replace_market_rules(&rules)
        .await
        .expect("replace again");
    let mut stored = store.market_rules().await.expect("read");
    let mut expected = rules.clone();
    let key = |rule: &silkroute_domain::market::MarketRule| (rule.id.clone(), rule.version);
    stored.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(stored, expected);
}

/// Imported history is written once per external id, and the facts export pages through it by
/// seller and external id whatever characters the ids hold (a '/' too, the cursor's separator).
async fn imported_history(store: &dyn Store) {
    let sellers = [seller(1, "CN", "CNY"), seller(2, "CN", "CNY")];
    let orders: Vec<ImportedOrder> = sellers
        .iter()
        .flat_map(|seller| {
            ["A-1", "A/2", "A.3", "B", "a", "A"].map(|external| ImportedOrder {
                seller_id: seller.id.clone(),
                external_id: external.to_string(),
                buyer_reference: format!("buyer {external}"),
                buyer_country: CountryCode::parse("DE").expect("country"),
                ordered_on: date("2025-03-01"),
                amount: Money::from_minor(1_999, CurrencyCode::EUR),
                quantity: 2,
                sku: None,
            })
        })
        .collect();
    let new = store
        .import_order_history(&orders, at(3))
        .await
        .expect("import");
    assert_eq!(new, 12);
    let again = store
        .import_order_history(&orders[..3], at(4))
        .await
        .expect("import again");
    assert_eq!(again, 0, "an external id is imported once");
    let whole = store.imported_facts("", 100).await.expect("all at once");
    assert_eq!(whole.len(), 12);
    let (mut paged, mut after) = (Vec::new(), String::new());
    loop {
        let page = store.imported_facts(&after, 5).await.expect("page");
        let Some(last) = page.last() else { break };
        after = format!("{}/{}", last.seller_id, last.external_id);
        paged.extend(page);
    }
    let keys = |rows: &[silkroute_store::ImportedFactRow]| -> Vec<(String, String)> {
        rows.iter()
            .map(|row| (row.seller_id.clone(), row.external_id.clone()))
            .collect()
    };
    assert_eq!(
        keys(&paged),
        keys(&whole),
        "pages of five, in order, none twice"
    );
}

async fn parties(store: &dyn Store) {
    let sellers: Vec<Seller> = (1..=5).map(|n| seller(n, "CN", "CNY")).collect();
    store.insert_sellers(&sellers).await.expect("sellers");
    assert_eq!(
        store.get_seller(&sellers[2].id).await.expect("get"),
        Some(sellers[2].clone())
    );
    let missing = SellerId::new(test_ulid(999));
    assert!(store.get_seller(&missing).await.expect("get").is_none());

    // A duplicate in a batch rolls the whole batch back.
    let batch = vec![seller(6, "US", "USD"), seller(1, "US", "USD")];
    assert!(matches!(
        store.insert_sellers(&batch).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.get_seller(&batch[0].id).await.expect("get").is_none());

    let first = store
        .list_sellers(&PageRequest::first(2))
        .await
        .expect("page 1");
    assert_eq!(first.items.len(), 2);
    let second = store
        .list_sellers(&PageRequest {
            after: first.next_cursor.clone(),
            limit: 2,
        })
        .await
        .expect("page 2");
    let third = store
        .list_sellers(&PageRequest {
            after: second.next_cursor.clone(),
            limit: 2,
        })
        .await
        .expect("page 3");
    assert_eq!(third.items.len(), 1);
    assert!(third.next_cursor.is_none());
    let walked: Vec<_> = first
        .items
        .iter()
        .chain(&second.items)
        .chain(&third.items)
        .map(|s| s.id.clone())
        .collect();
    assert_eq!(
        walked,
        sellers.iter().map(|s| s.id.clone()).collect::<Vec<_>>()
    );

    let buyer = Buyer {
        id: BuyerId::new(test_ulid(1)),
        name: "Erika Mustermann".to_string(),
        country: CountryCode::parse("DE").expect("country"),
        kind: BuyerKind::Business,
        vat_id: Some("DE136695976".to_string()),
        created_at: at(3),
    };
    store
        .insert_buyers(std::slice::from_ref(&buyer))
        .await
        .expect("buyer");
    assert_eq!(
        store.get_buyer(&buyer.id).await.expect("get"),
        Some(buyer.clone())
    );
    let buyers = store
        .list_buyers(&PageRequest::default())
        .await
        .expect("list");
    assert_eq!(buyers.items, vec![buyer]);
}

async fn catalog(store: &dyn Store) {
    let owner = seller(1, "CN", "CNY");
    let other = seller(2, "CN", "CNY");
    let shirt = product(10, &owner, "TS-001");
    let mut mug = product(11, &owner, "MUG-001");
    mug.category = "home.kitchen".to_string();
    mug.gtin = None;
    mug.status = ProductStatus::Archived;
    store
        .insert_products(&[shirt.clone(), mug.clone()])
        .await
        .expect("insert");

    // Same SKU for the same seller is a conflict, and nothing of the batch is written.
    let clash = vec![product(12, &owner, "NEW-1"), product(13, &owner, "TS-001")];
    assert!(matches!(
        store.insert_products(&clash).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        store
            .get_product(None, &clash[0].id)
            .await
            .expect("get")
            .is_none()
    );
    // Another seller may use the same SKU.
    store
        .insert_products(&[product(14, &other, "TS-001")])
        .await
        .expect("same sku elsewhere");

    assert_eq!(
        store
            .get_product(Some(&owner.id), &shirt.id)
            .await
            .expect("get"),
        Some(shirt.clone())
    );
    assert_eq!(
        store.get_product(None, &shirt.id).await.expect("get"),
        Some(shirt.clone())
    );
    assert!(
        store
            .get_product(Some(&other.id), &shirt.id)
            .await
            .expect("get")
            .is_none(),
        "the tenant wall"
    );
    let unknown = ProductId::new(test_ulid(9_999));
    assert_eq!(
        store
            .get_products(&owner.id, &[unknown.clone(), shirt.id.clone()])
            .await
            .expect("get several"),
        vec![shirt.clone()],
        "the seller's own, unknown ids left out"
    );
    assert!(
        store
            .get_products(&other.id, std::slice::from_ref(&shirt.id))
            .await
            .expect("get several")
            .is_empty(),
        "the tenant wall, several at a time"
    );

    let mut renamed = shirt.clone();
    renamed
        .titles
        .insert("en".to_string(), "Organic Cotton T-Shirt".to_string());
    renamed.updated_at = at(4);
    assert!(store.update_product(&renamed).await.expect("update"));
    let mut foreign = renamed.clone();
    foreign.seller_id = other.id.clone();
    assert!(
        !store
            .update_product(&foreign)
            .await
            .expect("foreign update"),
        "the tenant wall"
    );
    assert_eq!(
        store.get_product(None, &shirt.id).await.expect("get"),
        Some(renamed)
    );

    let own = store
        .list_products(
            &ProductFilter {
                seller_id: Some(owner.id.clone()),
                ..ProductFilter::default()
            },
            &PageRequest::default(),
        )
        .await
        .expect("own list");
    assert_eq!(own.items.len(), 2);
    let active = store
        .list_products(
            &ProductFilter {
                active_only: true,
                ..ProductFilter::default()
            },
            &PageRequest::default(),
        )
        .await
        .expect("active");
    assert_eq!(
        active.items.len(),
        2,
        "archived products are not in the catalog"
    );
    let kitchen = store
        .list_products(
            &ProductFilter {
                category: Some("home.kitchen".to_string()),
                ..ProductFilter::default()
            },
            &PageRequest::default(),
        )
        .await
        .expect("category");
    assert_eq!(
        kitchen
            .items
            .iter()
            .map(|p| p.id.clone())
            .collect::<Vec<_>>(),
        vec![mug.id]
    );
}

async fn tokens(store: &dyn Store) {
    let owner = seller(1, "CN", "CNY");
    let token = TokenRecord {
        id: TokenId::new(test_ulid(1)),
        token_hash: "ab".repeat(32),
        role: "seller".to_string(),
        seller_id: Some(owner.id.clone()),
        buyer_id: None,
        label: "shop".to_string(),
        created_at: at(5),
        revoked_at: None,
    };
    store.insert_token(&token).await.expect("insert token");
    assert_eq!(
        store
            .find_token_by_hash(&token.token_hash)
            .await
            .expect("find"),
        Some(token.clone())
    );
    assert!(
        store
            .find_token_by_hash("missing")
            .await
            .expect("find")
            .is_none()
    );
    assert!(store.revoke_token(&token.id, at(6)).await.expect("revoke"));
    assert!(
        !store
            .revoke_token(&token.id, at(7))
            .await
            .expect("revoke twice")
    );
    let revoked = store
        .find_token_by_hash(&token.token_hash)
        .await
        .expect("find")
        .expect("still there");
    assert_eq!(revoked.revoked_at, Some(at(6)));
}
