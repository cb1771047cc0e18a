//! Keeping analytics rollups current: one writer at a time across processes, each change read
//! once, and a server's reads left to its refresh job.

use chrono::{Duration, SubsecRound};
use serde_json::json;

use silkroute_app::AppConfig;
use silkroute_app::demo::{DemoOptions, DemoOrderOptions};

use crate::support::TestApp;

/// Another process writing the rollups (a rebuild beside `serve`): refreshes step aside, a
/// rebuild is refused, and a crashed holder's lease lapses.
#[tokio::test]
async fn one_process_writes_the_rollups_at_a_time() {
    for app in TestApp::all().await {
        let store = app.database.as_ref().expect("database").store.clone();
        let now = app.app.now();
        assert!(
            store
                .claim_rollup_lease("another-process", now, now + Duration::seconds(60))
                .await
                .expect("lease")
        );
        let refresh = app.app.refresh_analytics().await.expect("refresh");
        assert!(refresh.skipped, "{refresh:?}");
        let rebuild = app.app.rebuild_analytics(&mut |_, _| {}).await;
        assert!(
            matches!(rebuild, Err(silkroute_app::AppError::Conflict(_))),
            "{rebuild:?}"
        );
        // Reads still answer from the rollups there are.
        let reply = app
            .get("/api/v1/analytics/store/overview", Some(&app.admin))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        // The other holder never comes back: its lease lapses.
        app.clock.advance(Duration::seconds(61));
        let refresh = app.app.refresh_analytics().await.expect("refresh");
        assert!(!refresh.skipped, "{refresh:?}");
        app.finish().await;
    }
}

/// A refresh reads what arrived after its marks once: reading it again within the late-commit
/// margin is nothing new (no day is rebuilt), and once the margin has passed the marks move over
/// it; a server's reads leave refreshing to its job.
#[tokio::test]
async fn a_refresh_reads_each_change_once() {
    for app in TestApp::all().await {
        let store = app.database.as_ref().expect("database").store.clone();
        app.app.refresh_analytics().await.expect("first refresh");
        // Past the margin behind the marks the first refresh set, to an instant with
        // nanoseconds, as a system clock has them (PostgreSQL keeps microseconds).
        app.clock.advance(Duration::nanoseconds(10_000_000_789));
        let at = app.app.now();
        let batch = json!({"events": [{
            "id": "evt-once-0001", "visitor_id": "visitor-once", "session_id": "session-once",
            "kind": "visit", "market": "DE", "source": "direct", "device": "mobile",
            "at": at.to_rfc3339(),
        }]});
        let reply = app.post("/api/v1/events", None, batch).await;
        assert_eq!(reply.status, 202, "{}", reply.body);
        let first = app.app.refresh_analytics().await.expect("refresh");
        assert_eq!(
            (first.events_seen, first.days_rebuilt > 0),
            (1, true),
            "{first:?}"
        );
        let again = app.app.refresh_analytics().await.expect("refresh");
        assert_eq!(
            again,
            silkroute_app::analytics::RefreshReport::default(),
            "{}",
            app.backend()
        );
        let mark = store.analytics_watermark("events").await.expect("mark");
        assert!(mark < Some(at), "{mark:?} is behind the margin");
        app.clock.advance(Duration::seconds(6));
        let settled = app.app.refresh_analytics().await.expect("refresh");
        assert_eq!(settled, silkroute_app::analytics::RefreshReport::default());
        let mark = store.analytics_watermark("events").await.expect("mark");
        assert!(
            mark >= Some(at.trunc_subsecs(6)),
            "{}: {mark:?} moved over the event at {at:?}",
            app.backend()
        );
        let today = at.date_naive();
        let reply = app
            .get(
                &format!("/api/v1/analytics/store/overview?from={today}&to={today}"),
                Some(&app.admin),
            )
            .await;
        assert_eq!(reply.body["visitors"], 1, "{}", reply.body);
        // A server's reads answer from the rollups as they are; its job refreshes them.
        let mut server = app.app.clone();
        server.leave_analytics_refresh_to_a_job();
        let batch = json!({"events": [{
            "id": "evt-once-0002", "visitor_id": "visitor-twice", "session_id": "session-twice",
            "kind": "visit", "market": "DE", "source": "direct", "device": "mobile",
            "at": server.now().to_rfc3339(),
        }]});
        assert_eq!(app.post("/api/v1/events", None, batch).await.status, 202);
        let query = silkroute_app::analytics::AnalyticsQuery {
            from: Some(today.to_string()),
            to: Some(today.to_string()),
            ..Default::default()
        };
        let resolved = server
            .resolve_analytics_as_operator(&query)
            .await
            .expect("resolve");
        let stale = server.store_overview(&resolved).await.expect("overview");
        assert_eq!(stale.current.kpis.visitors, 1);
        server.refresh_analytics().await.expect("the job's refresh");
        let fresh = server.store_overview(&resolved).await.expect("overview");
        assert_eq!(fresh.current.kpis.visitors, 2);
        app.finish().await;
    }
}

/// A rebuild allowed only a few facts per load (a day or less at a time, here) builds the same
/// rollups as one that loads a month at once: what an operator reads does not depend on the
/// memory the rebuild was given.
#[tokio::test]
async fn a_rebuild_in_small_loads_builds_the_same_rollups() {
    for app in TestApp::all().await {
        app.demo(
            DemoOptions {
                sellers: 6,
                products_per_seller: 6,
                buyers: 200,
                seed: 31,
            },
            DemoOrderOptions {
                orders: 900,
                days: 60,
                traffic_days: 20,
                seed: 31,
            },
        )
        .await;
        app.app
            .rebuild_analytics(&mut |_, _| {})
            .await
            .expect("rebuild");
        let whole = readings(&app).await;
        let store = app.database.as_ref().expect("database").store.clone();
        let narrow = silkroute_app::App::new(
            store,
            app.clock.clone(),
            AppConfig {
                rebuild_facts_per_load: 40,
                ..AppConfig::default()
            },
        );
        let report = narrow
            .rebuild_analytics(&mut |_, _| {})
            .await
            .expect("rebuild");
        assert!(report.rows > 0, "{report:?}");
        let windowed = readings(&app).await;
        for ((what, a), (_, b)) in whole.iter().zip(&windowed) {
            assert_eq!(a, b, "{}: {what}", app.backend());
        }
        app.finish().await;
    }
}

/// What the platform's and a seller's reports say over the demo's history.
async fn readings(app: &TestApp) -> Vec<(String, serde_json::Value)> {
    let sellers = app.get("/api/v1/sellers?limit=1", Some(&app.admin)).await;
    let seller = sellers.body["data"][0]["id"]
        .as_str()
        .expect("seller")
        .to_string();
    let period = "from=2026-08-25&to=2026-10-30";
    let mut uris = vec![
        format!("/api/v1/analytics/industry/categories?{period}"),
        format!("/api/v1/analytics/industry/keywords?{period}"),
    ];
    for scope in [String::new(), format!("seller={seller}&")] {
        uris.push(format!("/api/v1/analytics/store/overview?{scope}{period}"));
        for metric in ["visitors", "paid_amount", "paid_buyers", "refund_amount"] {
            uris.push(format!(
                "/api/v1/analytics/store/timeseries?{scope}{period}&metric={metric}&grain=day"
            ));
        }
        for by in ["market", "source", "device"] {
            uris.push(format!(
                "/api/v1/analytics/store/breakdown?{scope}{period}&by={by}"
            ));
        }
    }
    let mut readings = Vec::new();
    for uri in uris {
        let reply = app.get(&uri, Some(&app.admin)).await;
        assert_eq!(reply.status, 200, "{uri}: {}", reply.body);
        readings.push((uri, reply.body));
    }
    readings
}
