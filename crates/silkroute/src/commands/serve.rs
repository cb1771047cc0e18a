//! `silkroute serve`: migrate, seed the demo on request, pin prices to the demo's rate day or say
//! how to bring stale rates up to date, start the background jobs (the daily ECB sync when
//! `fx_sync` is on), and serve the API until Ctrl-C or SIGTERM, finishing the requests in flight.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use silkroute_app::{App, Role};
use silkroute_http::{HttpConfig, MetricsAccess};

use super::fx::sync_from_ecb;
use super::{app_error, open_app};
use crate::cli::ServeArgs;
use crate::config::{self, Config};

/// After a failed sync, the next try: the ECB's site may be down for a while, and rates a few
/// hours late are still within the gap limit.
const FX_SYNC_RETRY: Duration = Duration::from_secs(3600);

/// Card authorisations lapse after seven days and quotes after half an hour; a minute's delay in
/// noticing either is harmless.
/// Keeps the analytics rollups within seconds of the orders and events (the visible lag a
/// dashboard's `as_of` shows). Reads do not refresh in a server: rebuilding a busy day takes
/// seconds at scale, and no dashboard should wait for it.
const ANALYTICS_REFRESH_SECONDS: u64 = 5;

/// How often the payment worker looks for due tasks (captures to confirm, voids to retry) beside
/// the ones a checkout runs itself a moment after it is placed.
const PAYMENT_TASK_SECONDS: u64 = 1;

fn spawn_housekeeping(app: App) {
    // At start first: the work a crashed predecessor left (a capture notification, a void)
    // resumes before anything else.
    let payments = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(PAYMENT_TASK_SECONDS));
        loop {
            tick.tick().await;
            match payments.run_payment_tasks(200).await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "payment tasks done"),
                Err(error) => tracing::warn!(%error, "running payment tasks failed"),
            }
        }
    });
    let analytics = app.clone();
    tokio::spawn(async move {
        let mut tick =
            tokio::time::interval(std::time::Duration::from_secs(ANALYTICS_REFRESH_SECONDS));
        loop {
            tick.tick().await;
            if let Err(error) = analytics.refresh_analytics().await {
                tracing::warn!(%error, "refreshing analytics rollups failed");
            }
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(error) = app.follow_fx_changes().await {
                tracing::warn!(%error, "checking for new FX rates failed");
            }
            match app.expire_lapsed_authorizations().await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "expired lapsed payment authorisations"),
                Err(error) => tracing::warn!(%error, "expiring authorisations failed"),
            }
            match app.purge_expired_quotes().await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "purged expired quotes"),
                Err(error) => tracing::warn!(%error, "purging quotes failed"),
            }
        }
    });
}

/// The daily ECB sync (`fx_sync = true`): once at start, then every weekday after the ECB
/// publishes; a failure is logged and retried within the hour. It runs beside the server and
/// holds up no request: the fetch is on a blocking thread, the import one short transaction.
fn spawn_fx_sync(app: App, daily_url: String, history_url: String) {
    tokio::spawn(async move {
        loop {
            let now = chrono::Utc::now();
            let next = match sync_from_ecb(&app, &daily_url, &history_url).await {
                Ok(report) => {
                    tracing::info!(
                        new_days = ?report.new_days,
                        newest = %report.newest,
                        rates = report.rates,
                        unpinned = ?report.unpinned,
                        stale = report.stale,
                        "fx sync imported the ECB rates"
                    );
                    if let Some(error) = report.unpin_error {
                        tracing::warn!(%error, "fx sync could not lift the pinned pricing day");
                    }
                    silkroute_app::fx_freshness::next_sync_at(now)
                }
                Err(error) => {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        url = %daily_url,
                        "fx sync failed, nothing imported; retrying within the hour"
                    );
                    let retry = now + chrono::Duration::from_std(FX_SYNC_RETRY).unwrap_or_default();
                    retry.min(silkroute_app::fx_freshness::next_sync_at(now))
                }
            };
            let wait = (next - chrono::Utc::now()).to_std().unwrap_or_default();
            tracing::debug!(%next, "next fx sync");
            tokio::time::sleep(wait).await;
        }
    });
}

/// How to run a command against the database this server uses: `silkroute` with the same
/// `--config`, and the database URL when it is not the default (its password hidden).
fn command_prefix(config: &Config, config_file: Option<&Path>) -> String {
    let mut command = String::from("silkroute");
    if let Some(file) = config_file {
        command.push_str(&format!(" --config {}", file.display()));
    } else if config.database_url != config::DEFAULT_DATABASE_URL {
        command.push_str(&format!(
            " --database-url {}",
            config::redact(&config.database_url)
        ));
    }
    command
}

/// Pins prices to the stored demo day, or says what to run when the rates are too old to price
/// today: without either, every catalog page and quote would answer 422 with no hint why.
async fn report_fx_freshness(
    app: &App,
    config: &Config,
    config_file: Option<&Path>,
) -> anyhow::Result<()> {
    app.load_pricing_pin().await.map_err(app_error)?;
    let fx = app.fx_freshness().await.map_err(app_error)?;
    let command = command_prefix(config, config_file);
    let newest = fx
        .newest
        .map_or_else(|| "none".to_string(), |day| day.to_string());
    if let Some(pinned) = fx.pinned {
        eprintln!(
            "note: prices use the ECB rates of {pinned}, the day this demo is pinned to; \
             `{command} fx sync` brings today's rates and lifts the pin"
        );
    } else if fx.stale {
        eprintln!(
            "warning: the newest ECB rates are from {newest}, more than fx_max_gap_days ({}) \
             ago: catalog prices and checkout quotes are refused until fresh rates are imported.",
            fx.max_gap_days
        );
        if config.fx_sync {
            eprintln!("fx_sync is on: fetching them now (see the log).");
        } else {
            eprintln!(
                "run:  {command} fx sync\n\
                 or, offline, with the ECB's daily file:  {command} fx import eurofxref.csv\n\
                 (set fx_sync = true in the config to fetch them every day)"
            );
        }
    }
    Ok(())
}

/// Seeds the demo in a child process (`silkroute demo`): the generator's working memory (about
/// 1 GiB for 20,000 orders and their traffic) goes back to the system when the child exits, so
/// the server that stays up runs at its own size (tens of MiB) instead of keeping the heap the
/// seeding grew.
async fn seed_demo_in_child(
    config_file: Option<&Path>,
    database_url: &str,
    orders: u32,
) -> anyhow::Result<()> {
    let executable = std::env::current_exe().context("cannot find the silkroute executable")?;
    let mut command = std::process::Command::new(executable);
    if let Some(file) = config_file {
        command.arg("--config").arg(file);
    }
    command
        .args(["--database-url", database_url, "demo", "--orders"])
        .arg(orders.to_string());
    let status = tokio::task::spawn_blocking(move || command.status())
        .await
        .context("the demo seeding task failed")?
        .context("cannot start `silkroute demo`")?;
    anyhow::ensure!(status.success(), "seeding the demo failed ({status})");
    Ok(())
}

pub(super) async fn serve(
    config: &Config,
    config_file: Option<&Path>,
    args: ServeArgs,
) -> anyhow::Result<ExitCode> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SILKROUTE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if std::env::var("SILKROUTE_LOG_FORMAT").as_deref() == Ok("json") {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
    // A wrong public URL is found before anything is seeded or bound.
    let public_origin = config.public_origin()?;
    let mut app = open_app(config).await?;
    let applied = app.prepare().await.map_err(app_error)?;
    for name in applied {
        tracing::info!(migration = %name, "applied migration");
    }
    let bind = args.bind.unwrap_or(config.bind);
    app.leave_analytics_refresh_to_a_job();
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let address = listener.local_addr()?;
    if args.demo {
        if app.row_counts().await.map_err(app_error)?.sellers == 0 {
            eprintln!("seeding the demo marketplace…");
            seed_demo_in_child(config_file, &config.database_url, args.demo_orders).await?;
        }
        let admin = app
            .create_token(Role::Admin, None, None, "demo admin")
            .await
            .map_err(app_error)?;
        let first_seller = app
            .list_sellers(
                &app.authenticate(&admin.token).await.map_err(app_error)?,
                &silkroute_app::PageRequest::first(1),
            )
            .await
            .map_err(app_error)?
            .items
            .into_iter()
            .next();
        // A database seeded before the pin was stored (or whose pin was lifted and whose rates
        // went stale again) is pinned now, like a fresh demo.
        app.pin_demo_pricing().await.map_err(app_error)?;
        println!("admin token:  {}", admin.token);
        if let Some(seller) = first_seller {
            let token = app
                .create_token(Role::Seller, Some(seller.id.as_str()), None, "demo seller")
                .await
                .map_err(app_error)?;
            println!(
                "seller token: {} (seller {}, {})",
                token.token, seller.id, seller.name
            );
        }
        let admin_principal = app.authenticate(&admin.token).await.map_err(app_error)?;
        let first_buyer = app
            .list_buyers(&admin_principal, &silkroute_app::PageRequest::first(1))
            .await
            .map_err(app_error)?
            .items
            .into_iter()
            .next();
        if let Some(buyer) = first_buyer {
            let token = app
                .create_token(Role::Buyer, None, Some(buyer.id.as_str()), "demo buyer")
                .await
                .map_err(app_error)?;
            println!(
                "buyer token:  {} (buyer {}, {})",
                token.token, buyer.id, buyer.country
            );
        }
    }
    report_fx_freshness(&app, config, config_file).await?;
    // After seeding: a refresh running beside the seeding child would roll up its history a
    // second time, in this process's memory.
    spawn_housekeeping(app.clone());
    if config.fx_sync {
        spawn_fx_sync(
            app.clone(),
            config.fx_daily_url.clone(),
            config.fx_history_url.clone(),
        );
    }
    println!("Silkroute listening on http://{address}");
    println!("try: curl 'http://{address}/api/v1/catalog?market=DE&limit=3'");
    let (router, metrics_router) = silkroute_http::routers(
        app,
        HttpConfig {
            body_limit_bytes: config.body_limit_bytes,
            request_timeout: Duration::from_secs(config.request_timeout_seconds),
            client_address_header: config.client_address_header.clone(),
            public_origin,
            secure_cookies: config.secure_cookies(),
            metrics: MetricsAccess {
                separate_listener: config.metrics_bind.is_some(),
                token: config.metrics_token.clone(),
            },
        },
    );
    if let Some(metrics_bind) = config.metrics_bind {
        let metrics_listener = tokio::net::TcpListener::bind(metrics_bind)
            .await
            .with_context(|| format!("cannot listen on {metrics_bind} for metrics"))?;
        println!(
            "metrics on http://{}/metrics",
            metrics_listener.local_addr()?
        );
        tokio::spawn(async move {
            if let Err(error) = axum::serve(metrics_listener, metrics_router).await {
                tracing::error!(%error, "the metrics listener stopped");
            }
        });
    }
    // The peer address keys the beacon's rate limit.
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed")?;
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM (what a service manager or container runtime sends) ends the server after
/// in-flight requests finish.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
