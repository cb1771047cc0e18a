//! Quote building against the shipped rate cards, rules and tariffs, with fixed exchange rates,
//! so that each expectation can be checked by hand.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::catalog::{DimensionsMm, MarketPrice, Product, ProductStatus, TierPrice};
use crate::fx::{FxPolicy, PublishedRate, RateMode};
use crate::hs::HsCode;
use crate::landed_cost::{TariffTable, embedded_tariffs};
use crate::market::{MarketRule, embedded_rules};
use crate::party::{BusinessModel, BuyerKind, Seller};
use crate::shipping::{CarrierService, embedded_services};

mod allocation;

fn ccy(code: &str) -> CurrencyCode {
    CurrencyCode::parse(code).unwrap()
}

fn m(amount: &str, currency: &str) -> Money {
    Money::parse_exact(amount, ccy(currency)).unwrap()
}

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

fn seller(id: &str, home: &str, currency: &str) -> Seller {
    Seller {
        id: SellerId::parse(id).unwrap(),
        name: "Shop".into(),
        country: country(home),
        business_model: BusinessModel::B2c,
        settlement_currency: ccy(currency),
        commission_bps: 800,
        time_zone: "UTC".into(),
        created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
    }
}

const CN_SELLER: &str = "sel_01JD0000000000000000000001";
const US_SELLER: &str = "sel_01JD0000000000000000000002";

fn product(id: u32, seller: &str, price: Money, hs: &str) -> Product {
    Product {
        id: ProductId::parse(&format!("prd_01JD00000000000000000000{id:02}")).unwrap(),
        seller_id: SellerId::parse(seller).unwrap(),
        sku: format!("SKU-{id}"),
        titles: BTreeMap::from([("en".to_string(), format!("Item {id}"))]),
        category: "apparel".into(),
        hs_code: HsCode::parse(hs).unwrap(),
        origin_country: country("CN"),
        weight_g: 300,
        dimensions_mm: DimensionsMm {
            length: 250,
            width: 200,
            height: 40,
        },
        gtin: None,
        base_price: price,
        unit_cost: Money::zero(price.currency()),
        moq: 1,
        tier_prices: Vec::new(),
        market_prices: Vec::new(),
        status: ProductStatus::Active,
        created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        updated_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
    }
}

struct World {
    sellers: Vec<Seller>,
    services: Vec<CarrierService>,
    rules: Vec<MarketRule>,
    tariffs: TariffTable,
    choices: BTreeMap<SellerId, String>,
}

impl World {
    fn new() -> World {
        World {
            sellers: vec![
                seller(CN_SELLER, "CN", "CNY"),
                seller(US_SELLER, "US", "USD"),
            ],
            services: embedded_services().unwrap(),
            rules: embedded_rules().unwrap(),
            tariffs: embedded_tariffs().unwrap(),
            choices: BTreeMap::new(),
        }
    }
}

/// Round numbers: 1 EUR = 8 CNY = 1.25 USD = 0.8 GBP = 2 AUD.
fn legs(code: CurrencyCode) -> Option<PublishedRate> {
    let per_eur = match code.as_str() {
        "CNY" => dec!(8),
        "USD" => dec!(1.25),
        "GBP" => dec!(0.8),
        "AUD" => dec!(2),
        "CAD" => dec!(1.5),
        "JPY" => dec!(160),
        "SGD" => dec!(1.5),
        "CHF" => dec!(1),
        "NOK" => dec!(11),
        "NZD" => dec!(2),
        "BGN" => dec!(1.9558),
        _ => return None,
    };
    Some(PublishedRate {
        currency: code,
        date: NaiveDate::from_ymd_opt(2026, 10, 30).unwrap(),
        per_eur,
    })
}

fn quote(
    world: &World,
    to: &str,
    on: &str,
    lines: Vec<CartLine<'_>>,
    spread_bps: u32,
) -> Result<QuoteBody, QuoteError> {
    quote_with(world, to, on, lines, spread_bps, None)
}

fn quote_with(
    world: &World,
    to: &str,
    on: &str,
    lines: Vec<CartLine<'_>>,
    spread_bps: u32,
    incoterm: Option<Incoterm>,
) -> Result<QuoteBody, QuoteError> {
    quote_planned(world, to, on, lines, spread_bps, incoterm, &[])
}

fn quote_planned(
    world: &World,
    to: &str,
    on: &str,
    lines: Vec<CartLine<'_>>,
    spread_bps: u32,
    incoterm: Option<Incoterm>,
    plan: &[ShipFromPlan],
) -> Result<QuoteBody, QuoteError> {
    let ctx = QuoteContext {
        destination: Destination {
            country: country(to),
            region: None,
            postal_code: None,
        },
        buyer: BuyerKind::Consumer,
        buyer_has_valid_eu_vat: false,
        preference: Preference::Cheapest,
        incoterm,
        service_choices: &world.choices,
        date: on.parse().unwrap(),
        lines,
        plan,
        sellers: &world.sellers,
        services: &world.services,
        rules: &world.rules,
        tariffs: &world.tariffs,
        legs: &legs,
        fx_policy: FxPolicy {
            mode: RateMode::LastPublished,
            max_gap_days: 7,
            spread_bps,
        },
    };
    build_quote(&ctx)
}

fn sum(amounts: impl Iterator<Item = Money>, currency: &str) -> Money {
    amounts.fold(m("0", currency), |a, b| a.checked_add(b).unwrap())
}

#[test]
fn a_cart_from_two_sellers_is_two_groups_whose_parts_add_up() {
    let world = World::new();
    let shirt = product(1, CN_SELLER, m("80.00", "CNY"), "610910");
    let mug = product(2, US_SELLER, m("12.50", "USD"), "691200");
    let lines = vec![
        CartLine {
            product: &shirt,
            quantity: 2,
        },
        CartLine {
            product: &mug,
            quantity: 1,
        },
    ];
    let q = quote(&world, "DE", "2026-03-02", lines, 0).unwrap();
    assert_eq!(q.groups.len(), 2);
    let cn = &q.groups[0];
    // 80 CNY = 10 EUR at the mid rate; two shirts 20 EUR; the seller is owed its own price.
    assert_eq!(cn.lines[0].unit_price, m("10.00", "EUR"));
    assert_eq!(cn.goods, m("20.00", "EUR"));
    assert_eq!(cn.seller_totals.goods, m("160.00", "CNY"));
    // Under EUR 150 to an EU consumer: IOSS VAT at checkout, DDP.
    assert_eq!(cn.incoterm, Incoterm::Ddp);
    assert!(!cn.tax_lines.is_empty());
    assert_eq!(cn.due_at_door, m("0", "EUR"));
    for group in &q.groups {
        let charges = sum(
            group
                .duty_lines
                .iter()
                .chain(&group.tax_lines)
                .map(|line| line.amount),
            "EUR",
        );
        assert_eq!(
            group.collected_now,
            group
                .goods
                .checked_add(group.shipping.selected.amount)
                .unwrap()
                .checked_add(charges)
                .unwrap(),
        );
        assert_eq!(group.shipping.selected, group.shipping.options[0]);
    }
    assert_eq!(
        q.totals.collected_now,
        sum(q.groups.iter().map(|g| g.collected_now), "EUR")
    );
    assert!(q.fx.iter().any(|lock| lock.from.as_str() == "CNY"));
    assert!(q.totals.delivery.earliest <= q.totals.delivery.latest);
}

#[test]
fn the_eu_flat_duty_adds_exactly_three_euros_per_sub_heading_from_july_2026() {
    let world = World::new();
    let shirt = product(1, CN_SELLER, m("80.00", "CNY"), "610910");
    let cap = product(3, CN_SELLER, m("40.00", "CNY"), "650500");
    let cart = || {
        vec![
            CartLine {
                product: &shirt,
                quantity: 1,
            },
            CartLine {
                product: &cap,
                quantity: 1,
            },
        ]
    };
    let before = quote(&world, "FR", "2026-06-30", cart(), 0).unwrap();
    let after = quote(&world, "FR", "2026-07-01", cart(), 0).unwrap();
    let difference = after
        .totals
        .collected_now
        .checked_sub(before.totals.collected_now)
        .unwrap();
    assert_eq!(difference, m("6.00", "EUR"), "{before:#?}\n{after:#?}");
}

#[test]
fn prices_carry_the_buyer_spread_and_the_lock_records_it() {
    let world = World::new();
    let shirt = product(1, CN_SELLER, m("80.00", "CNY"), "610910");
    let q = quote(
        &world,
        "DE",
        "2026-03-02",
        vec![CartLine {
            product: &shirt,
            quantity: 1,
        }],
        150,
    )
    .unwrap();
    assert_eq!(q.groups[0].lines[0].unit_price, m("10.15", "EUR"));
    let lock = q.fx.iter().find(|l| l.from.as_str() == "CNY").unwrap();
    assert_eq!(lock.spread_bps, 150);
    assert_eq!(lock.mid_rate, Decimal::new(125, 3));
    // The seller is still owed its own price.
    assert_eq!(q.groups[0].seller_totals.goods, m("80.00", "CNY"));
}

#[test]
fn tier_prices_apply_and_the_moq_is_enforced() {
    let world = World::new();
    let mut bulk = product(4, CN_SELLER, m("80.00", "CNY"), "610910");
    bulk.moq = 5;
    bulk.tier_prices = vec![TierPrice {
        min_quantity: 10,
        unit_price: m("64.00", "CNY"),
    }];
    let below = quote(
        &world,
        "DE",
        "2026-03-02",
        vec![CartLine {
            product: &bulk,
            quantity: 4,
        }],
        0,
    );
    assert_eq!(below, Err(QuoteError::BelowMoq { line: 0, moq: 5 }));
    let q = quote(
        &world,
        "DE",
        "2026-03-02",
        vec![CartLine {
            product: &bulk,
            quantity: 10,
        }],
        0,
    )
    .unwrap();
    assert_eq!(q.groups[0].lines[0].unit_price, m("8.00", "EUR"));
    assert_eq!(q.groups[0].lines[0].price_source, "tier_price");
}

#[test]
fn a_market_price_in_the_buyers_currency_is_used_as_is() {
    let world = World::new();
    let mut shirt = product(1, CN_SELLER, m("80.00", "CNY"), "610910");
    shirt.market_prices = vec![MarketPrice {
        market: country("GB"),
        price: m("9.99", "GBP"),
    }];
    let q = quote(
        &world,
        "GB",
        "2026-03-02",
        vec![CartLine {
            product: &shirt,
            quantity: 1,
        }],
        150,
    )
    .unwrap();
    assert_eq!(q.groups[0].lines[0].unit_price, m("9.99", "GBP"));
    assert_eq!(q.groups[0].lines[0].price_source, "market_price");
    // 9.99 GBP at the mid rate (1 GBP = 10 CNY) is what the seller is owed.
    assert_eq!(q.groups[0].seller_totals.goods, m("99.90", "CNY"));
}

#[test]
fn bad_carts_are_refused_with_the_line_that_is_wrong() {
    let world = World::new();
    let shirt = product(1, CN_SELLER, m("80.00", "CNY"), "610910");
    let mut archived = product(2, CN_SELLER, m("80.00", "CNY"), "610910");
    archived.status = ProductStatus::Archived;
    assert_eq!(
        quote(&world, "DE", "2026-03-02", vec![], 0),
        Err(QuoteError::NoLines)
    );
    let zero = vec![CartLine {
        product: &shirt,
        quantity: 0,
    }];
    assert_eq!(
        quote(&world, "DE", "2026-03-02", zero, 0),
        Err(QuoteError::BadQuantity { line: 0 })
    );
    let twice = vec![
        CartLine {
            product: &shirt,
            quantity: 1,
        },
        CartLine {
            product: &shirt,
            quantity: 1,
        },
    ];
    assert_eq!(
        quote(&world, "DE", "2026-03-02", twice, 0),
        Err(QuoteError::DuplicateProduct { line: 1 })
    );
    let off = vec![CartLine {
        product: &archived,
        quantity: 1,
    }];
    assert_eq!(
        quote(&world, "DE", "2026-03-02", off, 0),
        Err(QuoteError::NotOnSale { line: 0 })
    );
    let home = vec![CartLine {
        product: &shirt,
        quantity: 1,
    }];
    assert_eq!(
        quote(&world, "CN", "2026-03-02", home, 0),
        Err(QuoteError::Domestic(country("CN")))
    );
}

#[test]
fn an_order_above_the_largest_amount_is_refused() {
    let world = World::new();
    // The largest price a seller may set, nine times: 11.25 billion euros.
    let dear = product(1, CN_SELLER, m("10000000000.00", "CNY"), "610910");
    let lines = vec![CartLine {
        product: &dear,
        quantity: 9,
    }];
    assert_eq!(
        quote(&world, "DE", "2026-03-02", lines, 0),
        Err(QuoteError::TooLarge {
            max: m("10000000000.00", "EUR")
        })
    );
    let one = vec![CartLine {
        product: &dear,
        quantity: 1,
    }];
    assert!(quote(&world, "DE", "2026-03-02", one, 0).is_ok());
}

#[test]
fn an_overweight_parcel_has_no_shipping_and_says_why() {
    let world = World::new();
    let mut anvil = product(5, US_SELLER, m("100.00", "USD"), "820559");
    anvil.weight_g = 90_000;
    let result = quote(
        &world,
        "DE",
        "2026-03-02",
        vec![CartLine {
            product: &anvil,
            quantity: 1,
        }],
        0,
    );
    assert!(
        matches!(result, Err(QuoteError::NoShipping { ref reasons, .. }) if !reasons.is_empty()),
        "{result:?}"
    );
}

#[test]
fn dap_to_the_us_estimates_the_door_payment_with_the_clearance_fee() {
    let mut world = World::new();
    let shirt = product(1, CN_SELLER, m("400.00", "CNY"), "610910");
    world.choices.insert(
        SellerId::parse(CN_SELLER).unwrap(),
        "postal.economy".to_string(),
    );
    let q = quote(
        &world,
        "US",
        "2026-10-01",
        vec![CartLine {
            product: &shirt,
            quantity: 1,
        }],
        0,
    )
    .unwrap();
    let group = &q.groups[0];
    assert_eq!(group.shipping.selected.service_id, "postal.economy");
    assert_eq!(group.incoterm, Incoterm::Dap);
    assert!(!group.duty_lines.is_empty());
    assert_eq!(group.door_fees.len(), 1);
    let expected = group
        .duties
        .checked_add(group.taxes)
        .unwrap()
        .checked_add(group.door_fees[0].amount)
        .unwrap();
    assert_eq!(group.due_at_door, expected);
    assert_eq!(q.incoterm, Incoterm::Dap);
}

/// A US mug, then a Chinese T-shirt and a Chinese wine: the wine is line 2 of the request but
/// line 1 of the Chinese seller's parcel.
fn mug_shirt_and_wine(
    world: &World,
    on: &str,
    incoterm: Option<Incoterm>,
) -> Result<QuoteBody, QuoteError> {
    let mug = product(2, US_SELLER, m("12.50", "USD"), "691200");
    let shirt = product(1, CN_SELLER, m("80.00", "CNY"), "610910");
    let wine = product(4, CN_SELLER, m("160.00", "CNY"), "220421");
    let lines = vec![
        CartLine {
            product: &mug,
            quantity: 1,
        },
        CartLine {
            product: &shirt,
            quantity: 1,
        },
        CartLine {
            product: &wine,
            quantity: 1,
        },
    ];
    quote_with(world, "DE", on, lines, 0, incoterm)
}

#[test]
fn excise_goods_go_dap_with_the_reason_naming_the_request_line() {
    let mut world = World::new();
    // A DDP-capable service would make the parcel DDP by default: not with excise goods.
    world.choices.insert(
        SellerId::parse(CN_SELLER).unwrap(),
        "express.worldwide".into(),
    );
    let q = mug_shirt_and_wine(&world, "2026-03-02", None).unwrap();
    let (us, cn) = (&q.groups[0], &q.groups[1]);
    // The mug's parcel is an ordinary IOSS parcel; the wine takes its own parcel out of IOSS.
    assert_eq!(us.incoterm, Incoterm::Ddp);
    assert!(us.exclusions.is_empty());
    assert_eq!(cn.incoterm, Incoterm::Dap);
    assert_eq!(q.incoterm, Incoterm::Dap);
    let lines: Vec<(usize, &str)> = cn
        .exclusions
        .iter()
        .map(|e| (e.line, e.rule.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (2, "exclusion.eu.ioss_excise"),
            (2, "exclusion.eu.duty_relief")
        ]
    );
    assert!(
        cn.notes
            .iter()
            .any(|n| n.starts_with("delivered at place (DAP)") && n.contains("lines[2]")),
        "{:?}",
        cn.notes
    );
    // Duty and VAT are paid at the door, with the carrier's fee; nothing but goods and freight now.
    assert!(cn.due_at_door.minor() > 0);
    assert_eq!(
        cn.collected_now,
        cn.goods.checked_add(cn.shipping.selected.amount).unwrap()
    );
}

#[test]
fn excise_goods_asked_for_duty_paid_are_refused_naming_the_request_line() {
    let world = World::new();
    let error = mug_shirt_and_wine(&world, "2026-03-02", Some(Incoterm::Ddp)).unwrap_err();
    assert!(
        matches!(
            &error,
            QuoteError::NotDeliverableDutyPaid(LandedCostError::DutyPaidUnavailable {
                line: 2,
                ..
            })
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().starts_with("lines[2] (HS 220421): "),
        "{error}"
    );
}

#[test]
fn a_bulgarian_quote_before_2026_is_in_lev() {
    let world = World::new();
    let shirt = product(1, CN_SELLER, m("80.00", "CNY"), "610910");
    let cart = || {
        vec![CartLine {
            product: &shirt,
            quantity: 1,
        }]
    };
    // 80 CNY = 10 EUR = 19.56 BGN at the fixture's rates (EUR 1 = BGN 1.9558).
    let lev = quote(&world, "BG", "2025-12-31", cart(), 0).unwrap();
    assert_eq!(lev.totals.currency.as_str(), "BGN");
    assert_eq!(lev.groups[0].lines[0].unit_price.to_string(), "19.56 BGN");
    assert!(
        lev.groups[0]
            .tax_lines
            .iter()
            .all(|l| l.amount.currency().as_str() == "BGN")
    );
    let euro = quote(&world, "BG", "2026-01-01", cart(), 0).unwrap();
    assert_eq!(euro.totals.currency, CurrencyCode::EUR);
    assert_eq!(euro.groups[0].lines[0].unit_price, m("10.00", "EUR"));
}

