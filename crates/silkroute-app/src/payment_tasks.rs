//! The payment work that follows a checkout, done durably (see `silkroute_store::PaymentTask`):
//! the built-in test provider's notifications — its capture confirmation, its 3-D Secure result —
//! and the voids of authorisations that will never be captured. Tasks are written with the
//! checkout, run about 20 ms later by this process (as a provider would call back), and by the
//! server's worker after a crash or a failed attempt, so no order stays `pending_payment` with its
//! stock reserved because a process died at the wrong moment.

use std::time::Duration;

use chrono::{DateTime, Utc};
use silkroute_domain::ids::PaymentId;
use silkroute_domain::payment::{PaymentEvent, PaymentEventKind};
use silkroute_store::{PaymentRecord, PaymentTask, PaymentTaskAction};

use crate::auth::new_ulid;
use crate::payments::{PaymentProvider, signed_notification};
use crate::{App, AppError, AppResult};

/// How long a worker holds the tasks it claimed before another may take them: longer than a task
/// takes (a provider call), short enough that the work of a process that died is picked up within
/// seconds by the next.
const CLAIM_SECONDS: i64 = 10;
/// The longest wait between two attempts of a failing task.
const MAX_BACKOFF_SECONDS: i64 = 300;

impl App {
    /// The notifications the provider promised for a payment, as tasks in the order it sends
    /// them (ids sort in that order); none when deliveries are left to the tests.
    pub(crate) fn notification_tasks(
        &self,
        payment: &PaymentRecord,
        kinds: &[PaymentEventKind],
        now: DateTime<Utc>,
    ) -> Vec<PaymentTask> {
        if !self.config.deliver_payment_notifications {
            return Vec::new();
        }
        let suffix = payment
            .id
            .as_str()
            .trim_start_matches(PaymentId::PREFIX)
            .trim_start_matches('_');
        kinds
            .iter()
            .enumerate()
            .map(|(sequence, kind)| PaymentTask {
                id: format!("ptk_{suffix}_{sequence:02}"),
                provider: payment.provider.clone(),
                provider_reference: payment.provider_reference.clone(),
                payment_id: Some(payment.id.clone()),
                action: PaymentTaskAction::Notify {
                    event_id: format!("evt_{}", new_ulid(self)),
                    kind: *kind,
                },
                due_at: now,
                attempts: 0,
                last_error: None,
                created_at: now,
            })
            .collect()
    }

    /// Runs a payment's tasks shortly, as the provider would call back; what does not get done
    /// (a crash, a failure) is left to [`App::run_payment_tasks`].
    pub(crate) fn run_payment_tasks_soon(&self, payment: &PaymentId) {
        if !self.config.deliver_payment_notifications {
            return;
        }
        let app = self.clone();
        let payment = payment.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if let Err(error) = app.run_due_payment_tasks(Some(&payment), 16).await {
                tracing::warn!(%error, %payment, "payment tasks failed; the worker retries them");
            }
        });
    }

    /// Runs up to `limit` due payment tasks of any payment: the server's worker calls this at
    /// start and then every second. Returns how many were done.
    pub async fn run_payment_tasks(&self, limit: i64) -> AppResult<usize> {
        self.run_due_payment_tasks(None, limit).await
    }

    /// Payment tasks not done yet (waiting, or failing and retried).
    pub async fn open_payment_tasks(&self) -> AppResult<i64> {
        Ok(self.store.open_payment_tasks().await?)
    }

    async fn run_due_payment_tasks(
        &self,
        payment: Option<&PaymentId>,
        limit: i64,
    ) -> AppResult<usize> {
        let now = self.now();
        let tasks = self
            .store
            .claim_payment_tasks(
                now,
                now + chrono::Duration::seconds(CLAIM_SECONDS),
                limit,
                payment,
            )
            .await?;
        let mut done = 0;
        // A payment's notifications apply in order: after one fails, its later ones wait.
        let mut stalled: Vec<Option<PaymentId>> = Vec::new();
        for task in tasks {
            if stalled.contains(&task.payment_id) {
                self.store
                    .postpone_payment_task(
                        &task.id,
                        self.now(),
                        "an earlier task of the payment failed",
                    )
                    .await?;
                continue;
            }
            match self.run_payment_task(&task).await {
                Ok(()) => {
                    self.store.finish_payment_task(&task.id, self.now()).await?;
                    done += 1;
                }
                Err(error) => {
                    let wait = (1_i64 << task.attempts.clamp(0, 9)).min(MAX_BACKOFF_SECONDS);
                    tracing::warn!(task = %task.id, attempts = task.attempts + 1, %error,
                        "payment task failed; retried in {wait} s");
                    self.store
                        .postpone_payment_task(
                            &task.id,
                            self.now() + chrono::Duration::seconds(wait),
                            &error.to_string(),
                        )
                        .await?;
                    stalled.push(task.payment_id.clone());
                }
            }
        }
        Ok(done)
    }

    async fn run_payment_task(&self, task: &PaymentTask) -> AppResult<()> {
        let provider = self.payments.get(&task.provider).cloned().ok_or_else(|| {
            AppError::Internal(format!(
                "payment provider {} is not configured",
                task.provider
            ))
        })?;
        match &task.action {
            PaymentTaskAction::Void => provider
                .void(&task.provider_reference)
                .await
                .map_err(|error| AppError::Provider(error.to_string())),
            PaymentTaskAction::Notify { event_id, kind } => {
                let payment_id = task.payment_id.as_ref().ok_or_else(|| {
                    AppError::Internal(format!("payment task {} names no payment", task.id))
                })?;
                let payment = self.store.get_payment(payment_id).await?.ok_or_else(|| {
                    AppError::Internal(format!(
                        "payment {payment_id} of task {} is missing",
                        task.id
                    ))
                })?;
                let event = PaymentEvent {
                    id: event_id.clone(),
                    kind: *kind,
                    payment_id: payment.id.clone(),
                    provider_reference: payment.provider_reference.clone(),
                    amount: payment.amount,
                    created: self.now().timestamp(),
                };
                let (header, body) = signed_notification(provider.as_ref(), &event);
                match self
                    .receive_payment_notification(provider.name(), Some(&header), &body)
                    .await
                {
                    Ok(_) => Ok(()),
                    // Delivered before (a retry after a crash), or overtaken by the payment's
                    // own course (cancelled, expired): nothing more to do.
                    Err(AppError::Conflict(why)) => {
                        tracing::info!(task = %task.id, %why, "payment notification needs no delivery");
                        Ok(())
                    }
                    Err(error) => Err(error),
                }
            }
        }
    }

    /// Releases an authorisation a checkout will not use. A provider that cannot be reached now
    /// gets the void as a task, retried until it answers; a failure to write even that is logged.
    pub(crate) async fn void_authorization(
        &self,
        provider: &dyn PaymentProvider,
        reference: &str,
        payment: &PaymentId,
    ) {
        let Err(error) = provider.void(reference).await else {
            return;
        };
        tracing::warn!(%error, %payment, reference, "void failed; retried by the payment worker");
        let now = self.now();
        let task = PaymentTask {
            id: format!("ptk_{}", new_ulid(self)),
            provider: provider.name().to_string(),
            provider_reference: reference.to_string(),
            payment_id: None,
            action: PaymentTaskAction::Void,
            due_at: now,
            attempts: 1,
            last_error: Some(error.to_string()),
            created_at: now,
        };
        if let Err(error) = self.store.insert_payment_tasks(&[task]).await {
            tracing::error!(%error, %payment, reference,
                "an authorisation could not be voided nor its void kept; it lapses with the provider");
        }
    }
}
