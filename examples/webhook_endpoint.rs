//! A webhook endpoint with axum: verify each delivery, then act on its event.
//!
//! Written against the crate generated from `tests/fixtures/crates/signed-webhooks.yml`
//! (Telnyx-shaped: Ed25519 signatures, events told apart by `data.event_type`); for the whole
//! Telnyx API replace `signed_webhooks` with `telnyx` and `SIGNED_PUBLIC_KEY` with
//! `TELNYX_PUBLIC_KEY`.
//! `tests/fixtures_compile.rs` builds it inside that crate (with axum as a dev-dependency),
//! so it stays in step with the generator.
//!
//! ```text
//! SIGNED_PUBLIC_KEY=<base64 public key> cargo run --example webhook_endpoint
//! ```

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use signed_webhooks::webhooks::{Verifier, WebhookError, WebhookEvent};
use std::sync::Arc;

/// The raw body is taken as bytes: the signature covers them exactly as sent, so they must
/// not be parsed (and re-serialized) before verification.
async fn receive(
    State(verifier): State<Arc<Verifier>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    match verifier.unwrap(&body, &headers) {
        Ok(WebhookEvent::CallInitiated(event)) => {
            let data = event.data.as_ref();
            println!(
                "call initiated: {:?}",
                data.and_then(|d| d.payload.as_ref())
                    .and_then(|p| p.call_control_id.as_deref())
            );
            StatusCode::OK
        }
        Ok(WebhookEvent::Other(json)) => {
            println!("an event this crate does not know: {json}");
            StatusCode::OK
        }
        Ok(event) => {
            println!("event {:?}", event.event_type());
            StatusCode::OK
        }
        // Authentic but not of the shape the spec promises: worth a look, not a retry storm.
        Err(e @ WebhookError::Decode { .. }) => {
            eprintln!("undecodable delivery: {e}");
            StatusCode::UNPROCESSABLE_ENTITY
        }
        // Not from the API (or replayed): refused, and never acted upon.
        Err(e) => {
            eprintln!("refused delivery: {e}");
            StatusCode::UNAUTHORIZED
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let verifier = Arc::new(Verifier::from_env()?);
    let app = Router::new()
        .route("/webhooks", post(receive))
        .with_state(verifier);
    let address = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("listening on http://{address}/webhooks");
    axum::serve(listener, app).await?;
    Ok(())
}
