//! `src/settings.rs`: what the spec and the generator settings decide for the client (base
//! URL, authentication, environment variables, timeouts, retry policy), as the constants the
//! runtime's `client.rs` reads. No spec-named type is in scope here: plain paths.

use super::docs;
use crate::ir::{Api, Auth};
use crate::options::Options;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use std::time::Duration;

pub fn settings_rs(api: &Api, options: &Options) -> TokenStream {
    let s = &options.settings;
    let env_key = options.env_var("API_KEY");
    let env_url = options.env_var("BASE_URL");
    let (base_url, base_doc) = base_url(api);
    let base_doc = docs::attrs(&[base_doc]);
    let (auth, auth_doc) = auth(api);
    let auth_doc = docs::attrs(&[auth_doc.to_owned()]);
    let timeout = duration(s.client.timeout);
    let connect_timeout = duration(s.client.connect_timeout);
    let max_body =
        Literal::usize_unsuffixed(usize::try_from(s.client.max_body_bytes).unwrap_or(usize::MAX));
    let r = &s.retry;
    let max_retries = Literal::u32_unsuffixed(r.max_retries);
    let initial_delay = duration(r.initial_delay);
    let max_delay = duration(r.max_delay);
    let jitter = Literal::f64_unsuffixed(r.jitter);
    let statuses = r.statuses.iter().map(|s| Literal::u16_unsuffixed(*s));
    let server_errors = r.server_errors;
    let should_retry = match &r.should_retry_header {
        Some(name) => {
            let name = name.to_ascii_lowercase();
            quote!(Some(#name))
        }
        None => quote!(None),
    };
    let max_retry_after = duration(r.max_retry_after);
    let credential_headers = &api.credential_names.headers;
    let credential_query = &api.credential_names.query;
    let key_doc = docs::attrs(&[format!(
        "The variable [`Client::from_env`](crate::Client::from_env) reads the API key from{}.",
        if api.auth == Auth::None {
            " (unused: the API takes no key)"
        } else {
            ""
        }
    )]);
    quote! {
        //! What the spec and the generator settings decide for the client: base URL,
        //! authentication, environment variables, timeouts and the retry policy.

        use crate::client::RetryPolicy;
        use std::time::Duration;

        #base_doc
        pub const DEFAULT_BASE_URL: Option<&str> = #base_url;

        #auth_doc
        pub(crate) const AUTH_HEADER: Option<(&str, &str)> = #auth;

        /// Headers that carry a credential of one of the spec's security schemes, removed on a
        /// redirect to another origin (besides `Authorization`, cookies and sensitive values).
        pub(crate) const CREDENTIAL_HEADERS: &[&str] = &[#(#credential_headers),*];

        /// Query parameters that carry a credential, removed on a redirect to another origin.
        pub(crate) const CREDENTIAL_QUERY: &[&str] = &[#(#credential_query),*];

        #key_doc
        pub const ENV_API_KEY: &str = #env_key;

        /// The variable [`Client::from_env`](crate::Client::from_env) reads a base URL from.
        pub const ENV_BASE_URL: &str = #env_url;

        /// The time allowed for one attempt of a request, from sending to the end of the body.
        pub const DEFAULT_TIMEOUT: Duration = #timeout;

        /// The time allowed to connect.
        pub const DEFAULT_CONNECT_TIMEOUT: Duration = #connect_timeout;

        /// Retries after the first attempt.
        pub const DEFAULT_MAX_RETRIES: u32 = #max_retries;

        /// The first retry's delay before jitter; each further retry doubles it.
        pub const DEFAULT_RETRY_INITIAL_DELAY: Duration = #initial_delay;

        /// The largest response body the client reads.
        pub const DEFAULT_MAX_BODY_BYTES: usize = #max_body;

        /// When a failed attempt is tried again (besides connection errors and timeouts).
        pub(crate) const RETRY: RetryPolicy = RetryPolicy {
            max_delay: #max_delay,
            jitter: #jitter,
            statuses: &[#(#statuses),*],
            server_errors: #server_errors,
            should_retry_header: #should_retry,
            max_retry_after: #max_retry_after,
        };
    }
}

/// `DEFAULT_BASE_URL`'s value and docs.
fn base_url(api: &Api) -> (TokenStream, String) {
    match &api.base_url {
        Some(url) if api.base_url_upgraded => (
            quote!(Some(#url)),
            format!(
                "The default base URL: {}, the spec's first server with https instead of \
                 its plain http (the API key is never sent in clear by default).",
                docs::code_span(url)
            ),
        ),
        Some(url) => (
            quote!(Some(#url)),
            format!(
                "The default base URL: {}, the spec's first server.",
                docs::code_span(url)
            ),
        ),
        None => (
            quote!(None),
            "The default base URL: none, the spec names no absolute server URL, so set one \
             with `ClientBuilder::base_url`."
                .to_owned(),
        ),
    }
}

/// `AUTH_HEADER`'s value and docs.
fn auth(api: &Api) -> (TokenStream, &'static str) {
    match &api.auth {
        Auth::None => (
            quote!(None),
            "Requests are not authenticated (the spec declares no usable security scheme).",
        ),
        Auth::Bearer => (
            quote!(Some(("authorization", "Bearer "))),
            "`Authorization: Bearer <key>`: the header and the prefix of its value.",
        ),
        Auth::Basic => (
            quote!(Some(("authorization", "Basic "))),
            "`Authorization: Basic <credentials>`: the API key is `user:password`, sent \
             base64-encoded.",
        ),
        Auth::ApiKeyHeader(name) => (
            quote!(Some((#name, ""))),
            "The API key is sent as this header's value.",
        ),
    }
}

/// `Duration::from_secs(n)` for whole seconds, else `Duration::from_millis(n)`.
fn duration(d: Duration) -> TokenStream {
    let ms = d.as_millis();
    if ms % 1000 == 0 {
        let secs = Literal::u64_unsuffixed(d.as_secs());
        quote!(Duration::from_secs(#secs))
    } else {
        let ms = Literal::u64_unsuffixed(u64::try_from(ms).unwrap_or(u64::MAX));
        quote!(Duration::from_millis(#ms))
    }
}
