//! Industry rollups, kept for the platform scope only: per category (leaf and parent) × market ×
//! seller what was viewed and paid, which visitors browsed each category, and per keyword who
//! searched it and whether the search led to a product view (a click) or a checkout in the same
//! session. The seller dimension lets a query count how many sellers a figure is built from (and
//! suppress it under five) and place a seller among its peers without showing any peer's figure.
//!
//! A session is followed within one batch of facts: a search and the view that followed it on
//! either side of a rebuild window's edge (midnight every 31 days) are not linked.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use silkroute_domain::storefront::EventKind;

use super::{RollupEvent, RollupOrder, local_day};

/// Where a product sits: its seller and its category with the category's parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub seller_id: String,
    pub category: String,
    pub parent: Option<String>,
}

impl Listing {
    /// The category and its parent: a product counts at both levels.
    fn levels(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.category).chain(self.parent.iter())
    }
}

/// Product id → listing.
pub type Catalog = HashMap<String, Listing>;

/// One seller's figures in one category on one day in one market.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CategoryRow {
    pub day: NaiveDate,
    pub category: String,
    pub market: String,
    pub seller_id: String,
    pub currency: String,
    pub page_views: i64,
    /// Paid orders with at least one line in the category.
    pub paid_orders: i64,
    pub paid_units: i64,
    pub paid_minor: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CategoryVisitorRow {
    pub day: NaiveDate,
    pub category: String,
    pub market: String,
    pub visitor_id: String,
}

/// One visitor's searches for a keyword on a day, and what followed them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearcherRow {
    pub day: NaiveDate,
    pub keyword: String,
    pub market: String,
    pub visitor_id: String,
    pub searches: i64,
    /// A product view followed a search in the same session.
    pub clicked: bool,
    /// A checkout started after a search in the same session.
    pub purchased: bool,
}

#[derive(Default)]
struct Trail {
    searches: Vec<(DateTime<Utc>, String, String, String)>,
    last_view: Option<DateTime<Utc>>,
    last_checkout: Option<DateTime<Utc>>,
}

pub struct IndustryBuilder {
    zone: Tz,
    days: RangeInclusive<NaiveDate>,
    catalog: Catalog,
    categories: BTreeMap<(NaiveDate, String, String, String, String), CategoryRow>,
    visitors: BTreeSet<CategoryVisitorRow>,
    sessions: HashMap<String, Trail>,
}

impl IndustryBuilder {
    pub fn new(zone: Tz, days: RangeInclusive<NaiveDate>) -> Self {
        IndustryBuilder {
            zone,
            days,
            catalog: Catalog::new(),
            categories: BTreeMap::new(),
            visitors: BTreeSet::new(),
            sessions: HashMap::new(),
        }
    }

    /// Whether the product's listing is known (facts of unknown products are not counted).
    pub fn knows(&self, product: &str) -> bool {
        self.catalog.contains_key(product)
    }

    pub fn add_listing(&mut self, product: String, listing: Listing) {
        self.catalog.insert(product, listing);
    }

    fn day_of(&self, at: DateTime<Utc>) -> Option<NaiveDate> {
        let day = local_day(self.zone, at);
        self.days.contains(&day).then_some(day)
    }

    fn row(
        &mut self,
        day: NaiveDate,
        category: &str,
        market: &str,
        seller: &str,
        currency: &str,
    ) -> &mut CategoryRow {
        self.categories
            .entry((
                day,
                category.to_string(),
                market.to_string(),
                seller.to_string(),
                currency.to_string(),
            ))
            .or_insert_with(|| CategoryRow {
                day,
                category: category.to_string(),
                market: market.to_string(),
                seller_id: seller.to_string(),
                currency: currency.to_string(),
                ..CategoryRow::default()
            })
    }

    pub fn add_order(&mut self, order: &RollupOrder) {
        let Some(day) = order.paid_at.and_then(|at| self.day_of(at)) else {
            return;
        };
        let currency = order.seller_total.currency().as_str().to_string();
        let shares = order.line_shares();
        let mut counted: BTreeSet<String> = BTreeSet::new();
        for (line, share) in order.lines.iter().zip(shares) {
            let Some(listing) = self.catalog.get(&line.product_id) else {
                continue;
            };
            let levels: Vec<String> = listing.levels().cloned().collect();
            for category in levels {
                let first = counted.insert(category.clone());
                let row = self.row(day, &category, &order.market, &order.seller_id, &currency);
                row.paid_orders += i64::from(first);
                row.paid_units += line.units;
                row.paid_minor = row.paid_minor.saturating_add(share.minor());
            }
        }
    }

    pub fn add_event(&mut self, event: &RollupEvent) {
        let Some(day) = self.day_of(event.at) else {
            return;
        };
        if let Some(listing) = event.product_id.as_ref().and_then(|p| self.catalog.get(p)) {
            let levels: Vec<String> = listing.levels().cloned().collect();
            let seller = listing.seller_id.clone();
            for category in levels {
                if event.kind == EventKind::ProductView {
                    self.row(day, &category, &event.market, &seller, "")
                        .page_views += 1;
                }
                self.visitors.insert(CategoryVisitorRow {
                    day,
                    category,
                    market: event.market.clone(),
                    visitor_id: event.visitor_id.clone(),
                });
            }
        }
        // Only sessions with a search are followed: a view or checkout matters after one.
        match event.kind {
            EventKind::Search => {
                if let Some(keyword) = &event.keyword {
                    let trail = self.sessions.entry(event.session_id.clone()).or_default();
                    trail.searches.push((
                        event.at,
                        keyword.clone(),
                        event.market.clone(),
                        event.visitor_id.clone(),
                    ));
                }
            }
            EventKind::ProductView => {
                if let Some(trail) = self.sessions.get_mut(&event.session_id) {
                    trail.last_view = trail.last_view.max(Some(event.at));
                }
            }
            EventKind::CheckoutStarted => {
                if let Some(trail) = self.sessions.get_mut(&event.session_id) {
                    trail.last_checkout = trail.last_checkout.max(Some(event.at));
                }
            }
            _ => {}
        }
    }

    /// Takes out the category rows of days before `cutoff` (see `RollupBuilder::drain_before`);
    /// keyword rows wait for `finish`, since a session's later views decide them.
    pub fn drain_before(
        &mut self,
        cutoff: NaiveDate,
    ) -> (Vec<CategoryRow>, Vec<CategoryVisitorRow>) {
        let e = String::new;
        let later = self.categories.split_off(&(cutoff, e(), e(), e(), e()));
        let early = std::mem::replace(&mut self.categories, later);
        let later_visitors = self.visitors.split_off(&CategoryVisitorRow {
            day: cutoff,
            category: e(),
            market: e(),
            visitor_id: e(),
        });
        let early_visitors = std::mem::replace(&mut self.visitors, later_visitors);
        (
            early.into_values().collect(),
            early_visitors.into_iter().collect(),
        )
    }

    pub fn finish(self) -> (Vec<CategoryRow>, Vec<CategoryVisitorRow>, Vec<SearcherRow>) {
        let mut searchers: BTreeMap<(NaiveDate, String, String, String), SearcherRow> =
            BTreeMap::new();
        for trail in self.sessions.into_values() {
            for (at, keyword, market, visitor) in trail.searches {
                let day = local_day(self.zone, at);
                let row = searchers
                    .entry((day, keyword.clone(), market.clone(), visitor.clone()))
                    .or_insert_with(|| SearcherRow {
                        day,
                        keyword,
                        market,
                        visitor_id: visitor,
                        searches: 0,
                        clicked: false,
                        purchased: false,
                    });
                row.searches += 1;
                row.clicked |= trail.last_view.is_some_and(|view| view > at);
                row.purchased |= trail.last_checkout.is_some_and(|checkout| checkout > at);
            }
        }
        (
            self.categories.into_values().collect(),
            self.visitors.into_iter().collect(),
            searchers.into_values().collect(),
        )
    }
}
