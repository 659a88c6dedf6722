//! `src/webhook_events.rs`: what the runtime's `webhooks.rs` needs from the spec (the signature
//! scheme and its headers, the key's environment variable) and `WebhookEvent`, one variant
//! per event type, decoded by the discriminator the IR found. Spec types are named through
//! `crate::types`, never imported: prelude names are safe here.

use super::docs;
use crate::ir::{Api, WebhookScheme, Webhooks};
use crate::naming;
use crate::options::Options;
use proc_macro2::TokenStream;
use quote::quote;

/// The environment variable `Verifier::from_env` reads the key from.
pub fn key_env(hooks: &Webhooks, options: &Options) -> String {
    let suffix = match hooks.scheme {
        WebhookScheme::Ed25519 { .. } => "PUBLIC_KEY",
        WebhookScheme::StandardWebhooks => "WEBHOOK_SECRET",
        WebhookScheme::Unknown => "WEBHOOK_KEY",
    };
    options.env_var(suffix)
}

pub fn webhook_events_rs(api: &Api, hooks: &Webhooks, options: &Options) -> TokenStream {
    let constants = scheme_constants(hooks, options);
    let event = webhook_event(api, hooks);
    let decoding = decoding(hooks);
    quote! {
        use crate::webhooks::WebhookError;

        #constants
        #event
        #decoding
    }
}

/// The scheme's constants the runtime's `webhooks.rs` reads.
fn scheme_constants(hooks: &Webhooks, options: &Options) -> TokenStream {
    let (scheme, timestamp, signature, key_env) = match &hooks.scheme {
        WebhookScheme::Ed25519 {
            timestamp_header,
            signature_header,
        } => (
            "ed25519",
            timestamp_header.as_str(),
            signature_header.as_str(),
            key_env(hooks, options),
        ),
        WebhookScheme::StandardWebhooks => (
            "standard-webhooks",
            "webhook-timestamp",
            "webhook-signature",
            key_env(hooks, options),
        ),
        WebhookScheme::Unknown => (
            "",
            "webhook-timestamp",
            "webhook-signature",
            key_env(hooks, options),
        ),
    };
    let scheme_doc = docs::attrs(&[
        "The signature scheme the webhooks' headers declare: `ed25519`, `standard-webhooks`, \
         or empty when they declare none this crate knows."
            .to_owned(),
    ]);
    let timestamp_doc = docs::attrs(&[
        "The header with the Unix timestamp of an Ed25519-signed delivery.".to_owned(),
    ]);
    let signature_doc = docs::attrs(&[
        "The header with the base64 Ed25519 signature of `\"{timestamp}|{body}\"`.".to_owned(),
    ]);
    let env_doc =
        docs::attrs(&["The variable `Verifier::from_env` reads the key from.".to_owned()]);
    quote! {
        #scheme_doc
        pub(crate) const SCHEME: &str = #scheme;
        #timestamp_doc
        pub(crate) const ED25519_TIMESTAMP_HEADER: &str = #timestamp;
        #signature_doc
        pub(crate) const ED25519_SIGNATURE_HEADER: &str = #signature;
        #env_doc
        pub(crate) const ENV_WEBHOOK_KEY: &str = #key_env;
    }
}

/// `WebhookEvent`: a variant per event type, `Other` for the rest.
fn webhook_event(api: &Api, hooks: &Webhooks) -> TokenStream {
    let path_text = hooks
        .discriminator
        .as_ref()
        .map(|p| p.join("."))
        .unwrap_or_default();
    let variants = hooks.events.iter().map(|e| {
        let ident = naming::ident(&e.rust_name);
        let ty = super::rust_type(api, &e.payload, false);
        let mut lines = vec![format!(
            "{}: the {} webhook.",
            docs::code_span(&e.event_type),
            docs::code_span(&e.webhook)
        )];
        if let Some(summary) = &e.summary {
            lines.push(String::new());
            lines.extend(docs::sanitize(summary));
        }
        let doc = docs::attrs(&lines);
        quote!(#doc #ident(Box<#ty>),)
    });
    let mut other_doc = vec![
        "An event this crate does not know (a newer event type), or a webhook whose body \
         carries no event type: the body as JSON, whole."
            .to_owned(),
    ];
    if !hooks.undiscriminated.is_empty() {
        other_doc.push(String::new());
        other_doc.push(
            "These webhooks arrive here; decode them with `serde_json::from_value` into their \
             type:"
                .to_owned(),
        );
        other_doc.push(String::new());
        for (webhook, ty) in &hooks.undiscriminated {
            let ty = super::rust_type(api, ty, false)
                .to_string()
                .replace(' ', "");
            other_doc.push(format!("- {}: [`{ty}`]", docs::code_span(webhook)));
        }
    }
    let other_doc = docs::attrs(&other_doc);
    let enum_doc = docs::attrs(&[
        format!(
            "A webhook delivery, told apart by {}.",
            if path_text.is_empty() {
                "nothing: the spec's webhooks share no event-type property".to_owned()
            } else {
                docs::code_span(&path_text)
            }
        ),
        String::new(),
        "Get one from [`Verifier::unwrap`](crate::webhooks::Verifier::unwrap) (verified) or \
         [`WebhookEvent::parse`] (not verified: tests, replays)."
            .to_owned(),
    ]);
    quote! {
        #enum_doc
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#variants)*
            #other_doc
            Other(::serde_json::Value),
        }
    }
}

/// `WebhookEvent::parse` and `from_value`, by the discriminator's JSON pointer, and
/// `event_type`.
fn decoding(hooks: &Webhooks) -> TokenStream {
    let pointer = hooks.discriminator.as_ref().map(|path| {
        path.iter()
            .map(|segment| format!("/{}", crate::pointer::escape(segment)))
            .collect::<String>()
    });
    let arms = hooks.events.iter().map(|e| {
        let ident = naming::ident(&e.rust_name);
        let value = &e.event_type;
        quote!(Some(t @ #value) => Self::#ident(decode(value, t)?),)
    });
    let names = hooks.events.iter().map(|e| {
        let ident = naming::ident(&e.rust_name);
        let value = &e.event_type;
        quote!(Self::#ident(_) => Some(#value),)
    });
    let read_type = match &pointer {
        Some(pointer) => quote! {
            let event_type = value
                .pointer(#pointer)
                .and_then(::serde_json::Value::as_str)
                .map(ToOwned::to_owned);
        },
        None => quote!(let event_type: Option<String> = None;),
    };
    // Without known events the decoding helper would be unused.
    let decode_fn = (!hooks.events.is_empty()).then(|| {
        quote! {
            fn decode<T: ::serde::de::DeserializeOwned>(
                value: ::serde_json::Value,
                event_type: &str,
            ) -> Result<Box<T>, WebhookError> {
                ::serde_json::from_value(value).map_err(|e| WebhookError::Decode {
                    event_type: Some(event_type.to_owned()),
                    message: e.to_string(),
                })
            }
        }
    });
    let dispatch = if hooks.events.is_empty() {
        quote! {
            let _ = event_type;
            Ok(Self::Other(value))
        }
    } else {
        quote! {
            Ok(match event_type.as_deref() {
                #(#arms)*
                _ => Self::Other(value),
            })
        }
    };
    quote! {
        impl WebhookEvent {
            /// Decodes a delivery's body without verifying it (see
            /// [`Verifier::unwrap`](crate::webhooks::Verifier::unwrap)).
            pub fn parse(body: &[u8]) -> Result<Self, WebhookError> {
                let value = ::serde_json::from_slice(body).map_err(|e| WebhookError::Decode {
                    event_type: None,
                    message: e.to_string(),
                })?;
                Self::from_value(value)
            }

            /// Decodes a delivery already parsed as JSON. A known event type whose body does
            /// not have its type's shape is an error that names the event type.
            pub fn from_value(value: ::serde_json::Value) -> Result<Self, WebhookError> {
                #read_type
                #decode_fn
                #dispatch
            }

            /// The event type of the variants this crate knows.
            pub fn event_type(&self) -> Option<&'static str> {
                match self {
                    #(#names)*
                    Self::Other(_) => None,
                }
            }
        }
    }
}
