//! Payment providers. The app talks to a PSP through [`PaymentProvider`]; the built-in `test`
//! provider behaves like a real one — card numbers pick the outcome, authorisation happens at
//! checkout, and the capture is confirmed later by a signed notification to
//! `/api/v1/payments/webhooks/test`, which is the only thing that makes an order `paid`.

use std::sync::Arc;

use async_trait::async_trait;
use silkroute_domain::ids::{PaymentId, RefundId};
use silkroute_domain::money::Money;
use silkroute_domain::payment::{
    self, CardNumber, DeclineReason, PaymentEvent, PaymentEventKind, PaymentStatus, TestCard,
    TestCardOutcome,
};

/// What checkout asks a provider to authorise.
#[derive(Clone, Debug)]
pub struct AuthorizationRequest {
    pub payment_id: PaymentId,
    pub amount: Money,
    pub card: CardNumber,
}

/// The provider's answer, and the notifications it will send afterwards, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Authorization {
    pub reference: String,
    pub outcome: AuthorizationOutcome,
    pub pending_notifications: Vec<PaymentEventKind>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizationOutcome {
    Authorized,
    /// The issuer wants the cardholder to authenticate (3-D Secure) before it authorises.
    RequiresAction,
    Declined(DeclineReason),
}

impl AuthorizationOutcome {
    pub fn status(self) -> PaymentStatus {
        match self {
            AuthorizationOutcome::Authorized => PaymentStatus::Authorized,
            AuthorizationOutcome::RequiresAction => PaymentStatus::RequiresAction,
            AuthorizationOutcome::Declined(_) => PaymentStatus::Declined,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the payment provider refused: {0}")]
    Refused(String),
    #[error("the payment provider is unreachable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    fn name(&self) -> &'static str;
    /// The secret the provider signs its notifications with.
    fn webhook_secret(&self) -> &[u8];
    async fn authorize(
        &self,
        request: &AuthorizationRequest,
    ) -> Result<Authorization, ProviderError>;
    /// Releases an authorisation that will never be captured (the checkout failed after it).
    async fn void(&self, reference: &str) -> Result<(), ProviderError>;
    /// Returns the provider's refund reference. `refund` is the platform's id of the refund: the
    /// provider's idempotency key, so a repeated call never refunds twice.
    async fn refund(
        &self,
        reference: &str,
        amount: Money,
        refund: &RefundId,
    ) -> Result<String, ProviderError>;
}

/// The built-in provider for development, demos and tests: no network, real semantics.
pub struct TestProvider {
    secret: Vec<u8>,
}

impl TestProvider {
    pub fn new(secret: &str) -> TestProvider {
        TestProvider {
            secret: secret.as_bytes().to_vec(),
        }
    }
}

#[async_trait]
impl PaymentProvider for TestProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn webhook_secret(&self) -> &[u8] {
        &self.secret
    }

    async fn authorize(
        &self,
        request: &AuthorizationRequest,
    ) -> Result<Authorization, ProviderError> {
        let reference = format!(
            "tpi_{}",
            request
                .payment_id
                .as_str()
                .trim_start_matches(PaymentId::PREFIX)
                .trim_start_matches('_')
        );
        use PaymentEventKind as K;
        let (outcome, pending_notifications) = match TestCard::outcome_for(&request.card) {
            TestCardOutcome::Approve => (AuthorizationOutcome::Authorized, vec![K::Captured]),
            TestCardOutcome::Decline(reason) => (AuthorizationOutcome::Declined(reason), vec![]),
            TestCardOutcome::RequiresAction => (
                AuthorizationOutcome::RequiresAction,
                vec![K::AuthenticationSucceeded, K::Captured],
            ),
            TestCardOutcome::ApproveThenFailCapture => {
                (AuthorizationOutcome::Authorized, vec![K::CaptureFailed])
            }
        };
        Ok(Authorization {
            reference,
            outcome,
            pending_notifications,
        })
    }

    async fn void(&self, _reference: &str) -> Result<(), ProviderError> {
        Ok(())
    }

    async fn refund(
        &self,
        reference: &str,
        amount: Money,
        refund: &RefundId,
    ) -> Result<String, ProviderError> {
        if amount.minor() <= 0 {
            return Err(ProviderError::Refused(
                "refund amount must be positive".into(),
            ));
        }
        let suffix = refund
            .as_str()
            .trim_start_matches(RefundId::PREFIX)
            .trim_start_matches('_');
        Ok(format!("{reference}_re_{suffix}"))
    }
}

/// The providers a deployment accepts, by name.
#[derive(Clone)]
pub struct PaymentProviders {
    providers: Vec<Arc<dyn PaymentProvider>>,
}

impl PaymentProviders {
    pub fn new(providers: Vec<Arc<dyn PaymentProvider>>) -> PaymentProviders {
        PaymentProviders { providers }
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn PaymentProvider>> {
        self.providers
            .iter()
            .find(|provider| provider.name() == name)
    }
}

/// A notification as the provider would POST it: the body and its signature header value.
pub fn signed_notification(
    provider: &dyn PaymentProvider,
    event: &PaymentEvent,
) -> (String, Vec<u8>) {
    let body = serde_json::to_vec(event).unwrap_or_default();
    let header = payment::sign(provider.webhook_secret(), event.created, &body);
    (header, body)
}
