//! One live storefront event before the latency runs. The demo seed stores all its events with
//! one receipt instant, and each refresh re-reads the events received in the last few seconds
//! before the stream's head (late commits), so until a live event arrives every overview would
//! re-read the whole seeded traffic. A running marketplace always has a recent live head; one
//! beacon event, recorded through the same path as `POST /api/v1/events`, gives the bench one.

use std::time::{Duration, Instant};

use silkroute_app::{App, EventBatch};

use super::Progress;
use crate::commands::app_error;

/// Past the refresh's late-commit margin (5 s), so that the seed's receipt falls behind it.
const AFTER_SEED: Duration = Duration::from_secs(6);

/// Records a visit now; `seed_finished`: wait until the seed's receipts are past the margin.
pub(super) async fn record_event(
    app: &App,
    seed_finished: Option<Instant>,
    progress: &Progress,
) -> anyhow::Result<()> {
    if let Some(finished) = seed_finished {
        let waited = finished.elapsed();
        if waited < AFTER_SEED {
            tokio::time::sleep(AFTER_SEED - waited).await;
        }
    }
    let now = app.now();
    let id = format!("bench-live-{}", now.timestamp_nanos_opt().unwrap_or(0));
    let batch: EventBatch = serde_json::from_value(serde_json::json!({
        "events": [{
            "id": id,
            "visitor_id": "bench-live-visitor",
            "session_id": id,
            "kind": "visit",
            "market": "DE",
            "source": "direct",
            "device": "desktop",
            "at": now.to_rfc3339(),
        }]
    }))?;
    let receipt = app
        .record_storefront_events(batch)
        .await
        .map_err(app_error)?;
    if receipt.accepted != 1 {
        anyhow::bail!("the live event was not stored: {receipt:?}");
    }
    progress.line("recorded one live storefront event");
    Ok(())
}
