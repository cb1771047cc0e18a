//! Request headers the document names as parameters: `Idempotency-Key` on every POST (read by the
//! idempotency layer, not by a handler, so no extractor could describe it) and the payment
//! notification's `Silkroute-Signature`.

use utoipa::IntoParams;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};

/// `Idempotency-Key`: optional on every POST.
pub struct IdempotencyKey;

impl IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let schema = ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .min_length(Some(1))
            .max_length(Some(crate::idempotency::MAX_KEY_LENGTH))
            .pattern(Some("^[!-~]+$"))
            .examples([serde_json::json!("order-2026-10-30-0001")]);
        vec![
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "1–255 visible ASCII characters, unique per request and caller. The first \
                     response (2xx or 4xx) is stored; a retry with the same key and body gets it \
                     back with `Idempotency-Replayed: true`, the same key with another body is a \
                     422, and while the first still runs a 409. A 5xx releases the key.",
                ))
                .schema(Some(schema))
                .build(),
        ]
    }
}

/// `Silkroute-Signature`: required on a payment notification.
pub struct PaymentSignature;

impl IntoParams for PaymentSignature {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let schema = ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .examples([serde_json::json!(
                "t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"
            )]);
        vec![
            ParameterBuilder::new()
                .name(silkroute_domain::payment::SIGNATURE_HEADER)
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(
                    "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\">` with the provider's \
                     secret; older than five minutes or not matching: 400.",
                ))
                .schema(Some(schema))
                .build(),
        ]
    }
}
