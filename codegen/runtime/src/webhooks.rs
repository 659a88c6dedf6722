//! Webhook deliveries: check that one came from the API (its signature and timestamp), then
//! decode it into a [`WebhookEvent`].
//!
//! Two signature schemes, chosen by the headers the spec's webhooks declare:
//! - **Ed25519** (Telnyx's): the sender signs `"{timestamp}|{raw body}"`; the signature is
//!   sent base64-encoded (64 bytes) with the Unix timestamp in a second header; the public key
//!   is base64 (32 bytes).
//! - **Standard Webhooks**: `webhook-id`, `webhook-timestamp` and `webhook-signature`
//!   (space-separated `v1,<base64>` HMAC-SHA256 signatures of `"{id}.{timestamp}.{body}"`),
//!   with a `whsec_<base64>` secret.
//!
//! In both, a delivery whose timestamp is further than the tolerance (300 s by default) from
//! the receiver's clock is refused, so that a captured delivery cannot be replayed later.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use crate::webhook_events::WebhookEvent;
use crate::webhook_events::{
    ED25519_SIGNATURE_HEADER, ED25519_TIMESTAMP_HEADER, ENV_WEBHOOK_KEY, SCHEME,
};

/// How far a delivery's timestamp may be from now, either way, unless
/// [`Verifier::tolerance`] says otherwise.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The shortest HMAC secret a Standard Webhooks verifier takes.
const MIN_SECRET_BYTES: usize = 16;

const STANDARD_ID: &str = "webhook-id";
const STANDARD_TIMESTAMP: &str = "webhook-timestamp";
const STANDARD_SIGNATURE: &str = "webhook-signature";

/// Why a delivery was refused (or could not be decoded). Each failure is its own variant, so
/// that a receiver can log it precisely; none of them should be answered with a 2xx.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header the scheme needs is absent (or not visible ASCII).
    #[error("the `{0}` header is missing")]
    MissingHeader(&'static str),
    /// The timestamp header is not a whole number of seconds.
    #[error("the `{header}` header is not a Unix timestamp: {value:?}")]
    BadTimestamp { header: &'static str, value: String },
    /// The delivery is older or newer than the tolerance allows (a replay, or a wrong clock).
    #[error("the delivery's timestamp {timestamp} is {skew_secs} s from now (tolerance {tolerance_secs} s)")]
    TimestampOutsideTolerance {
        timestamp: i64,
        skew_secs: i64,
        tolerance_secs: u64,
    },
    /// The signature header is not base64 of a signature of the scheme's length.
    #[error("the `{header}` header is not a valid signature encoding: {reason}")]
    BadSignatureEncoding {
        header: &'static str,
        reason: String,
    },
    /// The signature is well formed but does not match the body, timestamp and key.
    #[error("the signature does not match the delivery")]
    SignatureMismatch,
    /// The key given to the verifier is not one of the scheme (base64 of 32 bytes for Ed25519,
    /// `whsec_` and base64 for Standard Webhooks).
    #[error("malformed webhook key: {0}")]
    MalformedKey(String),
    /// [`Verifier::from_env`] found no key.
    #[error("the environment variable {0} is not set")]
    MissingKey(&'static str),
    /// [`Verifier::new`] was called for an API whose webhooks declare no signature scheme
    /// this crate knows; use [`Verifier::ed25519`] or [`Verifier::standard`].
    #[error("the API's webhooks declare no known signature scheme")]
    NoScheme,
    /// The body is not JSON, or a known event does not have the shape its type says.
    #[error("cannot decode the webhook body{}: {message}", event_type.as_deref().map(|t| format!(" ({t})")).unwrap_or_default())]
    Decode {
        /// The event type read from the body, when there was one.
        event_type: Option<String>,
        message: String,
    },
}

#[derive(Clone)]
enum Key {
    Ed25519(VerifyingKey),
    Hmac(Vec<u8>),
}

/// Checks webhook deliveries: signature and timestamp. Build one at start-up and share it.
#[derive(Clone)]
pub struct Verifier {
    key: Key,
    tolerance: Duration,
}

impl std::fmt::Debug for Verifier {
    // The key stays out of logs (an HMAC secret is a credential).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = match self.key {
            Key::Ed25519(_) => "ed25519",
            Key::Hmac(_) => "standard-webhooks",
        };
        f.debug_struct("Verifier")
            .field("scheme", &scheme)
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for the scheme the API's webhooks declare, from its key: the base64 public
    /// key for Ed25519, the `whsec_` secret for Standard Webhooks.
    pub fn new(key: impl AsRef<str>) -> Result<Self, WebhookError> {
        let key = key.as_ref();
        match SCHEME {
            "ed25519" => Self::ed25519(key),
            "standard-webhooks" => Self::standard(key),
            _ => Err(WebhookError::NoScheme),
        }
    }

    /// [`Verifier::new`] with the key from the environment variable the crate documents
    /// (for Telnyx, `TELNYX_PUBLIC_KEY`).
    pub fn from_env() -> Result<Self, WebhookError> {
        let key = std::env::var(ENV_WEBHOOK_KEY)
            .map_err(|_| WebhookError::MissingKey(ENV_WEBHOOK_KEY))?;
        Self::new(key.trim())
    }

    /// An Ed25519 verifier from a base64 public key (32 bytes).
    pub fn ed25519(public_key_base64: impl AsRef<str>) -> Result<Self, WebhookError> {
        let bytes = BASE64
            .decode(public_key_base64.as_ref().trim())
            .map_err(|e| WebhookError::MalformedKey(format!("not base64: {e}")))?;
        let bytes: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            WebhookError::MalformedKey(format!(
                "an Ed25519 public key is 32 bytes, this one {}",
                bytes.len()
            ))
        })?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| WebhookError::MalformedKey("not a point of the curve".to_owned()))?;
        // A key of small order verifies signatures nobody made with a private key.
        if key.is_weak() {
            return Err(WebhookError::MalformedKey(
                "a weak key (a point of small order)".to_owned(),
            ));
        }
        Ok(Verifier {
            key: Key::Ed25519(key),
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// A Standard Webhooks verifier from its secret (`whsec_` followed by base64).
    pub fn standard(secret: impl AsRef<str>) -> Result<Self, WebhookError> {
        let encoded = secret.as_ref().trim();
        let encoded = encoded.strip_prefix("whsec_").unwrap_or(encoded);
        let bytes = BASE64
            .decode(encoded)
            .map_err(|e| WebhookError::MalformedKey(format!("not base64: {e}")))?;
        // A short secret can be guessed from one signed delivery.
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(WebhookError::MalformedKey(format!(
                "the secret is {} bytes, fewer than {MIN_SECRET_BYTES}",
                bytes.len()
            )));
        }
        Ok(Verifier {
            key: Key::Hmac(bytes),
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// How far a delivery's timestamp may be from now, either way (default 300 s).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks the signature and the timestamp of a delivery: `body` exactly as received
    /// (before any JSON parsing), `headers` as received.
    pub fn verify(&self, body: &[u8], headers: &HeaderMap) -> Result<(), WebhookError> {
        self.verify_at(body, headers, SystemTime::now())
    }

    /// [`Verifier::verify`] with the receiver's clock given (for tests and replays of a log).
    pub fn verify_at(
        &self,
        body: &[u8],
        headers: &HeaderMap,
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        match &self.key {
            Key::Ed25519(key) => {
                let timestamp = header(headers, ED25519_TIMESTAMP_HEADER)?;
                self.check_time(ED25519_TIMESTAMP_HEADER, timestamp, now)?;
                let encoded = header(headers, ED25519_SIGNATURE_HEADER)?;
                let bad = |reason: String| WebhookError::BadSignatureEncoding {
                    header: ED25519_SIGNATURE_HEADER,
                    reason,
                };
                let bytes = BASE64
                    .decode(encoded)
                    .map_err(|e| bad(format!("not base64: {e}")))?;
                let bytes: [u8; 64] = bytes.as_slice().try_into().map_err(|_| {
                    bad(format!(
                        "an Ed25519 signature is 64 bytes, this one {}",
                        bytes.len()
                    ))
                })?;
                let mut message = Vec::with_capacity(timestamp.len() + 1 + body.len());
                message.extend_from_slice(timestamp.as_bytes());
                message.push(b'|');
                message.extend_from_slice(body);
                ed25519_verify(key, &message, &bytes)
            }
            Key::Hmac(secret) => {
                let id = header(headers, STANDARD_ID)?;
                let timestamp = header(headers, STANDARD_TIMESTAMP)?;
                self.check_time(STANDARD_TIMESTAMP, timestamp, now)?;
                let signatures = header(headers, STANDARD_SIGNATURE)?;
                standard_verify(secret, id, timestamp, body, signatures)
            }
        }
    }

    /// Verifies the delivery, then decodes it.
    pub fn unwrap(&self, body: &[u8], headers: &HeaderMap) -> Result<WebhookEvent, WebhookError> {
        self.verify(body, headers)?;
        WebhookEvent::parse(body)
    }

    fn check_time(
        &self,
        name: &'static str,
        value: &str,
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let timestamp: i64 = value.parse().map_err(|_| WebhookError::BadTimestamp {
            header: name,
            value: value.to_owned(),
        })?;
        let now = match now.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        };
        let skew = timestamp.saturating_sub(now);
        if skew.unsigned_abs() > self.tolerance.as_secs() {
            return Err(WebhookError::TimestampOutsideTolerance {
                timestamp,
                skew_secs: skew,
                tolerance_secs: self.tolerance.as_secs(),
            });
        }
        Ok(())
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, WebhookError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(WebhookError::MissingHeader(name))
}

/// RFC 8032 verification, strict: signatures with a non-canonical `S` and weak keys are
/// refused, so one delivery has exactly one valid signature.
pub(crate) fn ed25519_verify(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8; 64],
) -> Result<(), WebhookError> {
    let signature = Signature::from_bytes(signature);
    key.verify_strict(message, &signature)
        .map_err(|_| WebhookError::SignatureMismatch)
}

/// Standard Webhooks: any `v1,` signature in the header that matches (the sender lists
/// several while it rotates secrets); the comparison is constant-time.
fn standard_verify(
    secret: &[u8],
    id: &str,
    timestamp: &str,
    body: &[u8],
    signatures: &str,
) -> Result<(), WebhookError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret)
        .map_err(|e| WebhookError::MalformedKey(e.to_string()))?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let mut seen_v1 = false;
    let mut decode_error = None;
    for entry in signatures.split_ascii_whitespace() {
        let Some(encoded) = entry.strip_prefix("v1,") else {
            continue; // other versions (v1a: asymmetric) are not ours to check
        };
        seen_v1 = true;
        match BASE64.decode(encoded) {
            Ok(bytes) if mac.clone().verify_slice(&bytes).is_ok() => return Ok(()),
            Ok(_) => {}
            Err(e) => decode_error = Some(format!("not base64: {e}")),
        }
    }
    match (seen_v1, decode_error) {
        (false, _) => Err(WebhookError::BadSignatureEncoding {
            header: STANDARD_SIGNATURE,
            reason: "no `v1,` signature".to_owned(),
        }),
        (true, Some(reason)) => Err(WebhookError::BadSignatureEncoding {
            header: STANDARD_SIGNATURE,
            reason,
        }),
        (true, None) => Err(WebhookError::SignatureMismatch),
    }
}
