//! Stand-in for the `webhook_events.rs` a generated crate gets when its spec declares
//! webhooks: the signature scheme read from the webhooks' headers, and the event enum
//! dispatched on the discriminator found in their bodies (here `data.event_type`, as Telnyx's).

use crate::webhooks::WebhookError;

/// The signature scheme the webhooks' headers declare: `ed25519`, `standard-webhooks`, or
/// empty when they declare none this crate knows.
pub(crate) const SCHEME: &str = "ed25519";
/// The header with the Unix timestamp of an Ed25519-signed delivery.
pub(crate) const ED25519_TIMESTAMP_HEADER: &str = "telnyx-timestamp";
/// The header with the base64 Ed25519 signature of `"{timestamp}|{body}"`.
pub(crate) const ED25519_SIGNATURE_HEADER: &str = "telnyx-signature-ed25519";
/// The variable `Verifier::from_env` reads the key from.
pub(crate) const ENV_WEBHOOK_KEY: &str = "RUNTIME_PUBLIC_KEY";

/// A call event's body (stand-in for a generated payload type).
#[derive(Debug, Clone, serde::Deserialize)]
#[non_exhaustive]
pub struct CallEvent {
    pub data: Option<serde_json::Value>,
}

/// A webhook delivery, by event type (`data.event_type`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// `call.initiated`.
    CallInitiated(Box<CallEvent>),
    /// `call.hangup`.
    CallHangup(Box<CallEvent>),
    /// An event type this crate does not know: the body as JSON.
    Other(serde_json::Value),
}

impl WebhookEvent {
    /// Decodes a delivery's body (without verifying it: see `Verifier::unwrap`).
    pub fn parse(body: &[u8]) -> Result<Self, WebhookError> {
        let value = serde_json::from_slice(body).map_err(|e| WebhookError::Decode {
            event_type: None,
            message: e.to_string(),
        })?;
        Self::from_value(value)
    }

    /// Decodes a delivery already parsed as JSON.
    pub fn from_value(value: serde_json::Value) -> Result<Self, WebhookError> {
        let event_type = value
            .pointer("/data/event_type")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        fn decode<T: serde::de::DeserializeOwned>(
            value: serde_json::Value,
            event_type: &str,
        ) -> Result<Box<T>, WebhookError> {
            serde_json::from_value(value).map_err(|e| WebhookError::Decode {
                event_type: Some(event_type.to_owned()),
                message: e.to_string(),
            })
        }
        Ok(match event_type.as_deref() {
            Some(t @ "call.initiated") => Self::CallInitiated(decode(value, t)?),
            Some(t @ "call.hangup") => Self::CallHangup(decode(value, t)?),
            _ => Self::Other(value),
        })
    }

    /// The event type, for the variants this crate knows.
    pub fn event_type(&self) -> Option<&'static str> {
        match self {
            Self::CallInitiated(_) => Some("call.initiated"),
            Self::CallHangup(_) => Some("call.hangup"),
            Self::Other(_) => None,
        }
    }
}
