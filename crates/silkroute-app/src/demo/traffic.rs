//! Demo storefront traffic consistent with the demo's orders: every order had a session that
//! converted (visit, perhaps a search, product views, add to cart, checkout), and around it the
//! many sessions that did not — so visitors, funnels and conversion rates come out believable
//! (about 3 % of sessions buy). Search keywords are words from product titles; sources and
//! devices follow the mix of a cross-border marketplace, with email and direct traffic
//! converting better than paid and social.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use silkroute_domain::catalog::Product;
use silkroute_domain::ids::{ProductId, SellerId};
use silkroute_domain::party::Buyer;
use silkroute_domain::storefront::{
    Device, EventKind, StorefrontEvent, TrafficSource, normalise_keyword,
};
use silkroute_store::OrderRecord;

/// Sessions that do not buy, per session that does (≈ 3 % session conversion).
const BROWSING_SESSIONS: std::ops::RangeInclusive<u32> = 22..=42;

/// Where browsing sessions come from (per mille).
const BROWSING_SOURCES: &[(TrafficSource, u32)] = &[
    (TrafficSource::OrganicSearch, 330),
    (TrafficSource::Paid, 230),
    (TrafficSource::Social, 170),
    (TrafficSource::Direct, 150),
    (TrafficSource::External, 80),
    (TrafficSource::Email, 40),
];

/// Where buying sessions come from: returning shoppers (direct, email) convert best.
const BUYING_SOURCES: &[(TrafficSource, u32)] = &[
    (TrafficSource::OrganicSearch, 300),
    (TrafficSource::Direct, 260),
    (TrafficSource::Paid, 180),
    (TrafficSource::Email, 120),
    (TrafficSource::Social, 80),
    (TrafficSource::External, 60),
];

pub(super) type Tracked = (StorefrontEvent, Option<SellerId>);

/// Generates the sessions around each order of the traffic window.
pub(super) struct Traffic<'a> {
    pub products: &'a [Product],
    pub by_id: HashMap<&'a ProductId, &'a Product>,
    pub shelves: HashMap<&'a SellerId, Vec<&'a Product>>,
    pub buyers: &'a [Buyer],
    /// Unique per demo run and seed: event ids must not collide with a beacon's.
    pub prefix: String,
    pub sequence: u64,
}

fn weighted<T: Copy>(rng: &mut StdRng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut ticket = rng.random_range(0..total);
    for (item, weight) in table {
        if ticket < *weight {
            return *item;
        }
        ticket -= weight;
    }
    table[table.len() - 1].0
}

/// One or two words of a product's title, as a shopper would type them.
fn keyword_for(rng: &mut StdRng, product: &Product) -> Option<String> {
    let title = product.titles.get("en")?;
    let words: Vec<&str> = title.split_whitespace().collect();
    let last = *words.last()?;
    let keyword = if words.len() > 1 && rng.random_range(0..2) == 0 {
        format!("{} {last}", words[words.len() - 2])
    } else {
        last.to_string()
    };
    Some(normalise_keyword(&keyword))
}

impl<'a> Traffic<'a> {
    fn event(
        &mut self,
        session: &Session,
        kind: EventKind,
        product: Option<&Product>,
        keyword: Option<String>,
        at: DateTime<Utc>,
    ) -> Tracked {
        self.sequence += 1;
        (
            StorefrontEvent {
                id: format!("{}-{:010}", self.prefix, self.sequence),
                visitor_id: session.visitor.clone(),
                session_id: session.id.clone(),
                kind,
                product_id: product.map(|p| p.id.clone()),
                keyword,
                market: session.market,
                source: session.source,
                device: session.device,
                at,
            },
            product.map(|p| p.seller_id.clone()),
        )
    }

    fn session(
        &mut self,
        rng: &mut StdRng,
        visitor: String,
        market: silkroute_domain::country::CountryCode,
        sources: &[(TrafficSource, u32)],
    ) -> Session {
        self.sequence += 1;
        Session {
            id: format!("{}-s{:09}", self.prefix, self.sequence),
            visitor,
            market,
            source: weighted(rng, sources),
            device: if rng.random_range(0..100) < 64 {
                Device::Mobile
            } else {
                Device::Desktop
            },
        }
    }

    /// The order's own session and the browsing sessions of the same hour, appended to `out`.
    pub(super) fn around_order(
        &mut self,
        rng: &mut StdRng,
        order: &OrderRecord,
        buyer: &Buyer,
        out: &mut Vec<Tracked>,
    ) {
        let placed = order.created_at;
        let bought: Vec<&'a Product> = order
            .lines
            .iter()
            .filter_map(|line| self.by_id.get(&line.product_id).copied())
            .collect();
        let shelf: Vec<&'a Product> = bought
            .first()
            .and_then(|first| self.shelves.get(&first.seller_id))
            .cloned()
            .unwrap_or_default();
        // The buying session.
        let visitor = format!("v-{}", &buyer.id.as_str()[4..]);
        let session = self.session(rng, visitor, order.destination, BUYING_SOURCES);
        let mut at = placed - Duration::minutes(rng.random_range(6..40));
        out.push(self.event(&session, EventKind::Visit, None, None, at));
        if let Some(first) = bought.first()
            && rng.random_range(0..10) < 6
        {
            at += Duration::seconds(rng.random_range(10..90));
            let keyword = keyword_for(rng, first);
            out.push(self.event(&session, EventKind::Search, None, keyword, at));
        }
        for product in &bought {
            at += Duration::seconds(rng.random_range(20..240));
            out.push(self.event(&session, EventKind::ProductView, Some(product), None, at));
            at += Duration::seconds(rng.random_range(10..120));
            out.push(self.event(&session, EventKind::AddToCart, Some(product), None, at));
        }
        let checkout_at = (placed - Duration::seconds(rng.random_range(30..120))).max(at);
        out.push(self.event(
            &session,
            EventKind::CheckoutStarted,
            None,
            None,
            checkout_at,
        ));

        // Browsing sessions that did not buy, some of them on the same seller's shelf.
        for _ in 0..rng.random_range(BROWSING_SESSIONS) {
            let shopper = &self.buyers[rng.random_range(0..self.buyers.len())];
            let visitor = if rng.random_range(0..10) < 3 {
                format!("v-{}", &shopper.id.as_str()[4..])
            } else {
                format!(
                    "{}-v{:08}",
                    self.prefix,
                    rng.random_range(0..100_000_000u64)
                )
            };
            let session = self.session(rng, visitor, shopper.country, BROWSING_SOURCES);
            let mut at = placed + Duration::minutes(rng.random_range(-720..720));
            out.push(self.event(&session, EventKind::Visit, None, None, at));
            // Half the browsing happens on the buying seller's shelf, the rest anywhere.
            let products: &'a [Product] = self.products;
            let pick = |rng: &mut StdRng| -> &'a Product {
                if !shelf.is_empty() && rng.random_range(0..2) == 0 {
                    shelf[rng.random_range(0..shelf.len())]
                } else {
                    &products[rng.random_range(0..products.len())]
                }
            };
            if rng.random_range(0..100) < 35 {
                let product = pick(rng);
                at += Duration::seconds(rng.random_range(10..90));
                let keyword = keyword_for(rng, product);
                out.push(self.event(&session, EventKind::Search, None, keyword, at));
            }
            if rng.random_range(0..100) < 65 {
                for _ in 0..rng.random_range(1..=3) {
                    let product = pick(rng);
                    at += Duration::seconds(rng.random_range(15..300));
                    out.push(self.event(&session, EventKind::ProductView, Some(product), None, at));
                    if rng.random_range(0..100) < 9 {
                        at += Duration::seconds(rng.random_range(10..120));
                        out.push(self.event(
                            &session,
                            EventKind::AddToCart,
                            Some(product),
                            None,
                            at,
                        ));
                        if rng.random_range(0..100) < 25 {
                            at += Duration::seconds(rng.random_range(30..300));
                            out.push(self.event(
                                &session,
                                EventKind::CheckoutStarted,
                                None,
                                None,
                                at,
                            ));
                        }
                    }
                }
            }
        }
    }
}

struct Session {
    id: String,
    visitor: String,
    market: silkroute_domain::country::CountryCode,
    source: TrafficSource,
    device: Device,
}
