//! Durable requests in the store: idempotency keys claimed by a process for a lease, taken over
//! after it, completed by their owner only; and the payment outbox, whose tasks are claimed for a
//! while and done once.

use silkroute_domain::ids::PaymentId;
use silkroute_domain::payment::PaymentEventKind;
use silkroute_store::{
    IdempotencyClaim, IdempotencyClaimRequest, IdempotentResponse, PaymentTask, PaymentTaskAction,
    Store,
};

use crate::conformance::{at, test_ulid};

pub async fn run(store: &dyn Store) {
    idempotency(store).await;
    payment_tasks(store).await;
}

async fn attempt(store: &dyn Store, request: IdempotencyClaimRequest) -> IdempotencyClaim {
    store.claim_idempotency_key(&request).await.expect("claim")
}

fn claim(scope: &str, key: &str, hash: &str, owner: &str, now: u32) -> IdempotencyClaimRequest {
    IdempotencyClaimRequest {
        scope: scope.to_string(),
        key: key.to_string(),
        request_hash: hash.to_string(),
        owner: owner.to_string(),
        now: at(now),
        // Leases of one day of the test clock.
        lease_until: at(now + 1),
    }
}

async fn idempotency(store: &dyn Store) {
    let request = |hash: &str, owner: &str, now: u32| claim("caller", "k1", hash, owner, now);
    assert_eq!(
        attempt(store, request("h1", "p1", 8)).await,
        IdempotencyClaim::Claimed
    );
    // Still running: its owner asks again, or another process within the lease.
    assert_eq!(
        attempt(store, request("h1", "p1", 8)).await,
        IdempotencyClaim::InProgress
    );
    assert_eq!(
        attempt(store, request("h1", "p2", 8)).await,
        IdempotencyClaim::InProgress
    );
    let response = IdempotentResponse {
        status: 201,
        body: "{\"id\":1}".to_string(),
    };
    // Only the owner completes it, once.
    assert!(
        !store
            .complete_idempotency_key("caller", "k1", "p2", &response)
            .await
            .expect("complete")
    );
    assert!(
        store
            .complete_idempotency_key("caller", "k1", "p1", &response)
            .await
            .expect("complete")
    );
    assert!(
        !store
            .complete_idempotency_key("caller", "k1", "p1", &response)
            .await
            .expect("complete twice")
    );
    assert_eq!(
        attempt(store, request("h1", "p2", 30)).await,
        IdempotencyClaim::Replay(response.clone())
    );
    assert_eq!(
        attempt(store, request("h2", "p1", 8)).await,
        IdempotencyClaim::Mismatch
    );
    // Keys are per caller.
    assert_eq!(
        attempt(store, claim("other", "k1", "h2", "p1", 8)).await,
        IdempotencyClaim::Claimed
    );
    // A released claim can be taken again; only its owner releases it; a completed one stays.
    store
        .release_idempotency_key("other", "k1", "p2")
        .await
        .expect("release by another");
    assert_eq!(
        attempt(store, claim("other", "k1", "h2", "p2", 8)).await,
        IdempotencyClaim::InProgress
    );
    store
        .release_idempotency_key("other", "k1", "p1")
        .await
        .expect("release");
    assert_eq!(
        attempt(store, claim("other", "k1", "h3", "p1", 8)).await,
        IdempotencyClaim::Claimed
    );
    store
        .release_idempotency_key("caller", "k1", "p1")
        .await
        .expect("release completed");
    assert!(matches!(
        attempt(store, request("h1", "p1", 8)).await,
        IdempotencyClaim::Replay(_)
    ));
    // A claim whose owner died: within its lease it is in progress, after it another process
    // takes it over (once), and the dead owner can no longer complete it.
    assert_eq!(
        attempt(store, claim("caller", "k2", "h1", "dead", 10)).await,
        IdempotencyClaim::Claimed
    );
    assert_eq!(
        attempt(store, claim("caller", "k2", "h1", "p3", 10)).await,
        IdempotencyClaim::InProgress
    );
    assert_eq!(
        attempt(store, claim("caller", "k2", "h1", "p3", 12)).await,
        IdempotencyClaim::Claimed
    );
    assert_eq!(
        attempt(store, claim("caller", "k2", "h1", "p4", 12)).await,
        IdempotencyClaim::InProgress,
        "taken over once"
    );
    assert!(
        !store
            .complete_idempotency_key("caller", "k2", "dead", &response)
            .await
            .expect("complete")
    );
    assert!(
        store
            .complete_idempotency_key("caller", "k2", "p3", &response)
            .await
            .expect("complete")
    );
}

async fn payment_tasks(store: &dyn Store) {
    let payment = PaymentId::new(test_ulid(7_001));
    let task = |id: &str, action: PaymentTaskAction, due: u32| PaymentTask {
        id: id.to_string(),
        provider: "test".to_string(),
        provider_reference: "tpi_1".to_string(),
        payment_id: Some(payment.clone()),
        action,
        due_at: at(due),
        attempts: 0,
        last_error: None,
        created_at: at(1),
    };
    let captured = task(
        "ptk_a_01",
        PaymentTaskAction::Notify {
            event_id: "evt_1".to_string(),
            kind: PaymentEventKind::Captured,
        },
        2,
    );
    let mut void = task("ptk_b", PaymentTaskAction::Void, 5);
    void.payment_id = None;
    store
        .insert_payment_tasks(&[captured.clone(), void.clone()])
        .await
        .expect("insert");
    assert_eq!(store.open_payment_tasks().await.expect("open"), 2);
    // Due on day 3: only the notification; claimed once until day 4.
    let claimed = store
        .claim_payment_tasks(at(3), at(4), 10, None)
        .await
        .expect("claim");
    assert_eq!(claimed, vec![captured.clone()]);
    assert!(
        store
            .claim_payment_tasks(at(3), at(4), 10, None)
            .await
            .expect("claim again")
            .is_empty()
    );
    // A claimer that died: after its claim, the task is due again; a failure counts.
    store
        .postpone_payment_task(&captured.id, at(6), "provider down")
        .await
        .expect("postpone");
    let later = store
        .claim_payment_tasks(at(6), at(7), 10, Some(&payment))
        .await
        .expect("claim");
    assert_eq!(later.len(), 1, "only the payment's own task");
    assert_eq!(later[0].attempts, 1);
    assert_eq!(later[0].last_error.as_deref(), Some("provider down"));
    store
        .finish_payment_task(&captured.id, at(6))
        .await
        .expect("finish");
    let rest = store
        .claim_payment_tasks(at(8), at(9), 10, None)
        .await
        .expect("claim");
    assert_eq!(rest, vec![void]);
    store
        .finish_payment_task("ptk_b", at(8))
        .await
        .expect("finish");
    assert_eq!(store.open_payment_tasks().await.expect("open"), 0);
}
