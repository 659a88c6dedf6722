//! Stand-in for the `settings.rs` a generated crate gets from its spec and `codegen.toml`
//! (these are the values of `spec/codegen.toml`, Telnyx's policies).

use crate::client::RetryPolicy;
use std::time::Duration;

/// The default base URL.
pub const DEFAULT_BASE_URL: Option<&str> = Some("https://api.example.com/v2");
/// `Authorization: Bearer <key>`: the header and the prefix of its value.
pub(crate) const AUTH_HEADER: Option<(&str, &str)> = Some(("authorization", "Bearer "));
/// Headers that carry a credential of one of the spec's security schemes, removed on a
/// redirect to another origin.
pub(crate) const CREDENTIAL_HEADERS: &[&str] = &["x-api-key"];
/// Query parameters that carry a credential, removed on a redirect to another origin.
pub(crate) const CREDENTIAL_QUERY: &[&str] = &["api_key"];
/// The variable `Client::from_env` reads the API key from.
pub const ENV_API_KEY: &str = "RUNTIME_API_KEY";
/// The variable `Client::from_env` reads a base URL from.
pub const ENV_BASE_URL: &str = "RUNTIME_BASE_URL";
/// The time allowed for one attempt of a request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(60000);
/// The time allowed to connect.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(5000);
/// Retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The first retry's delay before jitter; each further retry doubles it.
pub const DEFAULT_RETRY_INITIAL_DELAY: Duration = Duration::from_millis(500);
/// The largest response body the client reads.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16777216;
/// When a failed attempt is tried again.
pub(crate) const RETRY: RetryPolicy = RetryPolicy {
    max_delay: Duration::from_millis(8000),
    jitter: 0.25,
    statuses: &[408, 409, 429],
    server_errors: true,
    should_retry_header: Some("x-should-retry"),
    max_retry_after: Duration::from_millis(60000),
};
