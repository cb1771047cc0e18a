//! The latency half of `bench analytics`: store overviews and time series as the seller center
//! asks for them, one request after another, each timed from resolving the query (scope,
//! period, currency) to the finished figures.

use silkroute_domain::ids::Ulid;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use silkroute_app::analytics::AnalyticsQuery;
use silkroute_app::{App, Principal};
use silkroute_domain::ids::TokenId;
use silkroute_store::PageRequest;

use super::{AnalyticsOptions, Progress};
use crate::bench::percentile;
use crate::commands::app_error;

/// Untimed requests per kind first (connections, caches, prepared statements): a tenth of
/// the measured ones, one to ten.
fn warm_up(queries: usize) -> usize {
    (queries / 10).clamp(1, 10)
}

/// A latency distribution in milliseconds (nearest rank).
#[derive(Debug, Serialize)]
pub struct Distribution {
    pub requests: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Distribution {
    fn of(mut samples: Vec<Duration>) -> Distribution {
        samples.sort();
        let total: Duration = samples.iter().sum();
        Distribution {
            requests: samples.len(),
            p50_ms: percentile(&samples, 0.50),
            p95_ms: percentile(&samples, 0.95),
            p99_ms: percentile(&samples, 0.99),
            max_ms: percentile(&samples, 1.0),
            mean_ms: if samples.is_empty() {
                0.0
            } else {
                total.as_secs_f64() * 1_000.0 / samples.len() as f64
            },
        }
    }
}

pub(super) struct QueryFigures {
    pub seller_30d: Distribution,
    pub platform_30d: Distribution,
    pub seller_365d: Distribution,
    pub series_30d: Distribution,
    pub sources_30d: Distribution,
    pub platform_sources_30d: Distribution,
    pub products_30d: Distribution,
    pub refresh: Distribution,
    pub platform_paid_orders_30d: i64,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    SellerOverview30,
    PlatformOverview30,
    SellerOverview365,
    SellerSeries30,
    /// Visitors, buyers and paid amount per traffic source (distinct counts per source).
    SellerSources30,
    PlatformSources30,
    /// The product table of the seller center (every product's funnel, margin and diagnosis).
    SellerProducts30,
    /// The rollup refresh alone, with nothing new: what every request above pays first.
    Refresh,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::SellerOverview30 => "overview, seller, 30 d",
            Kind::PlatformOverview30 => "overview, platform, 30 d",
            Kind::SellerOverview365 => "overview, seller, 365 d",
            Kind::SellerSeries30 => "series, seller, 30 d",
            Kind::SellerSources30 => "by source, seller, 30 d",
            Kind::PlatformSources30 => "by source, platform, 30 d",
            Kind::SellerProducts30 => "products, seller, 30 d",
            Kind::Refresh => "refresh, nothing new",
        }
    }
}

pub(super) async fn measure(
    app: &App,
    options: &AnalyticsOptions,
    progress: &Progress,
) -> anyhow::Result<QueryFigures> {
    let sellers = seller_ids(app).await?;
    if sellers.is_empty() {
        anyhow::bail!("the database has no sellers to query");
    }
    let mut runner = Runner {
        app,
        sellers: &sellers,
        queries: options.queries,
        seed: options.seed,
        progress,
        platform_paid_orders: 0,
    };
    let seller_30d = runner.run(Kind::SellerOverview30).await?;
    let platform_30d = runner.run(Kind::PlatformOverview30).await?;
    let seller_365d = runner.run(Kind::SellerOverview365).await?;
    let series_30d = runner.run(Kind::SellerSeries30).await?;
    let sources_30d = runner.run(Kind::SellerSources30).await?;
    let platform_sources_30d = runner.run(Kind::PlatformSources30).await?;
    let products_30d = runner.run(Kind::SellerProducts30).await?;
    let refresh = runner.run(Kind::Refresh).await?;
    Ok(QueryFigures {
        seller_30d,
        platform_30d,
        seller_365d,
        series_30d,
        sources_30d,
        platform_sources_30d,
        products_30d,
        refresh,
        platform_paid_orders_30d: runner.platform_paid_orders,
    })
}

/// One platform overview, timed: the first request after the rebuild.
pub(super) async fn first_overview(app: &App, progress: &Progress) -> anyhow::Result<f64> {
    let sent = Instant::now();
    let resolved = app
        .resolve_analytics_as_operator(&AnalyticsQuery::default())
        .await
        .map_err(app_error)?;
    app.store_overview(&resolved).await.map_err(app_error)?;
    let ms = sent.elapsed().as_secs_f64() * 1_000.0;
    progress.line(&format!(
        "first platform overview after the rebuild: {ms:.1} ms"
    ));
    Ok(ms)
}

async fn seller_ids(app: &App) -> anyhow::Result<Vec<String>> {
    let operator = Principal::Admin {
        token_id: TokenId::new(Ulid::nil()),
    };
    let mut ids = Vec::new();
    let mut page = PageRequest::first(500);
    loop {
        let sellers = app
            .list_sellers(&operator, &page)
            .await
            .map_err(app_error)?;
        ids.extend(sellers.items.iter().map(|s| s.id.as_str().to_string()));
        match sellers.next_cursor {
            Some(cursor) => page.after = Some(cursor),
            None => return Ok(ids),
        }
    }
}

struct Runner<'a> {
    app: &'a App,
    sellers: &'a [String],
    queries: usize,
    seed: u64,
    progress: &'a Progress,
    platform_paid_orders: i64,
}

impl Runner<'_> {
    /// A warm-up then `queries` timed requests of one kind; every kind sees the same random
    /// sequence of sellers.
    async fn run(&mut self, kind: Kind) -> anyhow::Result<Distribution> {
        let mut rng = StdRng::seed_from_u64(self.seed ^ 0x5e11_e250);
        let mut samples = Vec::with_capacity(self.queries);
        let started = Instant::now();
        self.progress.reset();
        let warm_up = warm_up(self.queries);
        for index in 0..warm_up + self.queries {
            let seller = self.sellers[rng.random_range(0..self.sellers.len())].clone();
            let sent = Instant::now();
            self.request(kind, seller).await?;
            if index >= warm_up {
                samples.push(sent.elapsed());
            }
            self.progress.tick(
                kind.name(),
                (index + 1) as u64,
                (warm_up + self.queries) as u64,
                started,
            );
        }
        let distribution = Distribution::of(samples);
        self.progress.line(&format!(
            "{}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            kind.name(),
            distribution.p50_ms,
            distribution.p95_ms,
            distribution.p99_ms,
            distribution.max_ms
        ));
        Ok(distribution)
    }

    async fn request(&mut self, kind: Kind, seller: String) -> anyhow::Result<()> {
        let app = self.app;
        let query = match kind {
            Kind::Refresh => {
                app.refresh_analytics().await.map_err(app_error)?;
                return Ok(());
            }
            Kind::SellerOverview30
            | Kind::SellerSeries30
            | Kind::SellerSources30
            | Kind::SellerProducts30 => AnalyticsQuery {
                seller: Some(seller),
                ..AnalyticsQuery::default()
            },
            Kind::PlatformOverview30 | Kind::PlatformSources30 => AnalyticsQuery::default(),
            Kind::SellerOverview365 => AnalyticsQuery {
                // The last 365 days: `to` defaults to today in the seller's time zone.
                from: Some((app.now().date_naive() - chrono::Duration::days(364)).to_string()),
                seller: Some(seller),
                ..AnalyticsQuery::default()
            },
        };
        let resolved = app
            .resolve_analytics_as_operator(&query)
            .await
            .map_err(app_error)?;
        match kind {
            Kind::SellerSeries30 => {
                app.store_series(&resolved, Some("paid_amount"), Some("day"))
                    .await
                    .map_err(app_error)?;
            }
            Kind::SellerSources30 | Kind::PlatformSources30 => {
                app.store_breakdown(&resolved, Some("source"))
                    .await
                    .map_err(app_error)?;
            }
            Kind::SellerProducts30 => {
                app.product_analysis(&resolved).await.map_err(app_error)?;
            }
            Kind::PlatformOverview30 => {
                let overview = app.store_overview(&resolved).await.map_err(app_error)?;
                self.platform_paid_orders = overview.current.kpis.paid_orders;
            }
            Kind::SellerOverview30 | Kind::SellerOverview365 | Kind::Refresh => {
                app.store_overview(&resolved).await.map_err(app_error)?;
            }
        }
        Ok(())
    }
}
