//! The runtime of generated crates, as a crate of its own so that it is compiled, linted and
//! unit-tested like any Rust code. `codegen` copies the files next to this one verbatim into
//! every crate it writes (only those a spec needs: `pagination.rs` only when some list
//! paginates, `multipart.rs` only with binary values, `enums.rs` only with string enums,
//! `webhooks.rs` only when the spec declares webhooks).
//!
//! The files rely on the same module names as a generated crate: `crate::error`,
//! `crate::response`, `crate::query`, and two modules every generated crate writes from its
//! spec, `crate::settings` (base URL, authentication, environment variables, retry policy)
//! `crate::error_body` (`ErrorBody`, one variant per declared error schema) and, with webhooks,
//! `crate::webhook_events` (the signature scheme and `WebhookEvent`). Here those
//! two are stand-ins under `harness/`, shaped like the generator's output, with a stand-in
//! `operations` module that uses the runtime as generated methods do.

#![forbid(unsafe_code)]

// Every generated crate declares and re-exports these modules as written here (codegen reads
// this file: `runtime::modules`), each under the features whose items use it. The `harness/`
// paths are stand-ins for the modules a generated crate writes from its spec.
mod auth;
mod client;
mod enums;
mod error;
#[path = "harness/error_body.rs"]
mod error_body;
pub mod json;
pub mod multipart;
#[path = "harness/operations.rs"]
pub mod operations;
mod pagination;
pub mod query;
mod redirect;
mod response;
// Generated from `harness/openapi.yaml` (`cargo xtask harness`): left as the generator
// formats it.
#[path = "harness/settings.rs"]
#[rustfmt::skip]
mod settings;
mod streams;
#[path = "harness/webhook_events.rs"]
mod webhook_events;
pub mod webhooks;

pub use auth::{TokenFuture, TokenSource};
pub use client::{Client, ClientBuilder, RequestOptions};
pub use error::{ApiError, Error};
pub use error_body::ErrorBody;
pub use pagination::{ItemStream, PageStream};
pub use response::{ApiResponse, Call, CallBody};
pub use settings::{
    DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_INITIAL_DELAY, DEFAULT_TIMEOUT, ENV_API_KEY, ENV_BASE_URL,
};
pub use streams::{ByteStream, Event, EventStream, Upload};
// The crates a user needs to name the types of the API (dates, streams, headers).
pub use bytes;
pub use chrono;
pub use futures_util;
pub use reqwest;

#[cfg(test)]
mod tests;
