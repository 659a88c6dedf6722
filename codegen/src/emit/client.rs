//! `src/client.rs`: configuration, authentication, per-request options, and sending with
//! retries, timeouts, a bounded body and a `tracing` span per attempt. The same for every
//! spec except the values the IR supplies (auth scheme, base URL, environment prefix).
//!
//! The retry policy follows Telnyx's official SDKs: 2 retries; connection errors, timeouts,
//! 408, 409, 429 and 5xx are retried; `x-should-retry` overrides; backoff 0.5 s · 2^n capped
//! at 8 s minus up to 25 % jitter; `retry-after-ms`/`Retry-After` honoured within (0, 60 s].

use super::docs;
use crate::ir::{Api, Auth};
use crate::Options;
use proc_macro2::TokenStream;
use quote::quote;

pub fn client_rs(api: &Api, options: &Options) -> TokenStream {
    let env_key = format!("{}_API_KEY", options.env_prefix);
    let env_url = format!("{}_BASE_URL", options.env_prefix);
    let (default_base, base_doc) = match &api.base_url {
        Some(url) if api.base_url_upgraded => (
            quote!(::std::option::Option::Some(#url)),
            format!("`{url}`, the spec's first server with https instead of its plain http (the API key is never sent in clear by default)."),
        ),
        Some(url) => (
            quote!(::std::option::Option::Some(#url)),
            format!("`{url}`, the spec's first server."),
        ),
        None => (
            quote!(::std::option::Option::None),
            "none: the spec names no absolute server URL, so set one with `base_url`.".to_owned(),
        ),
    };
    let base_doc = docs::attrs(&[format!("The default base URL: {base_doc}")]);
    let needs_key = api.auth != Auth::None;
    let auth_header = match &api.auth {
        Auth::None => quote!(::std::option::Option::None),
        Auth::Bearer => quote! {
            match &self.api_key {
                ::std::option::Option::Some(key) => ::std::option::Option::Some((
                    ::reqwest::header::AUTHORIZATION,
                    secret_header("Authorization", &::std::format!("Bearer {key}"))?,
                )),
                ::std::option::Option::None => ::std::option::Option::None,
            }
        },
        Auth::ApiKeyHeader(name) => quote! {
            match &self.api_key {
                ::std::option::Option::Some(key) => ::std::option::Option::Some((
                    ::reqwest::header::HeaderName::from_bytes(#name.as_bytes()).map_err(|_| {
                        crate::Error::Config(::std::format!("the spec's API key header name {:?} is invalid", #name))
                    })?,
                    secret_header(#name, key)?,
                )),
                ::std::option::Option::None => ::std::option::Option::None,
            }
        },
    };
    let missing_key = needs_key.then(|| {
        quote! {
            if self.api_key.is_none() {
                return ::std::result::Result::Err(crate::Error::Config(::std::string::String::from(
                    "no API key: call `ClientBuilder::api_key`",
                )));
            }
        }
    });
    let from_env_key = needs_key.then(|| {
        quote! {
            match ::std::env::var(#env_key) {
                ::std::result::Result::Ok(key) if !key.trim().is_empty() => builder = builder.api_key(key),
                _ => {
                    return ::std::result::Result::Err(crate::Error::Config(::std::string::String::from(
                        ::std::concat!("environment variable ", #env_key, " is not set"),
                    )))
                }
            }
        }
    });
    let from_env_doc = docs::attrs(&[if needs_key {
        format!("A client configured from the environment: `{env_key}` (required) and `{env_url}` (optional).")
    } else {
        format!("A client configured from the environment: `{env_url}` (optional).")
    }]);
    let lib = crate::naming::lib_name(&options.crate_name);
    let with_options_doc = docs::attrs(&[
        "A client that applies `options` to every request it sends (a cheap clone sharing"
            .to_owned(),
        "this client's connection pool).".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        format!("# fn f(client: &{lib}::Client) {{"),
        "let patient = client.with_options(".to_owned(),
        format!("    {lib}::RequestOptions::new()"),
        "        .timeout(std::time::Duration::from_secs(5))".to_owned(),
        "        .max_retries(0)".to_owned(),
        "        .header(\"x-trace\", \"abc\"),".to_owned(),
        ");".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ]);
    let config = config_items();
    let retry = retry_items();
    let response = response_items();
    quote! {
        //! The client: configuration, authentication, per-request options, and sending with
        //! retries, timeouts and a bounded body.

        #base_doc
        pub const DEFAULT_BASE_URL: ::std::option::Option<&str> = #default_base;

        #config

        impl Client {
            /// A builder with the defaults: the spec's base URL, 60 s timeout per attempt, 5 s to
            /// connect, 2 retries.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            #from_env_doc
            pub fn from_env() -> ::std::result::Result<Self, crate::Error> {
                #[allow(unused_mut)]
                let mut builder = Self::builder();
                #from_env_key
                if let ::std::result::Result::Ok(url) = ::std::env::var(#env_url) {
                    if !url.trim().is_empty() {
                        builder = builder.base_url(url);
                    }
                }
                builder.build()
            }

            /// The base URL requests are sent to (without a trailing slash).
            pub fn base_url(&self) -> &str {
                &self.base_url
            }

            #with_options_doc
            pub fn with_options(&self, options: RequestOptions) -> Self {
                let mut client = self.clone();
                if let ::std::option::Option::Some(timeout) = options.timeout {
                    client.timeout = ::std::option::Option::Some(timeout);
                }
                if let ::std::option::Option::Some(retries) = options.max_retries {
                    client.max_retries = retries;
                }
                if let ::std::option::Option::Some(concurrency) = options.page_concurrency {
                    client.page_concurrency = concurrency.max(1);
                }
                let mut headers = (*client.extra_headers).clone();
                headers.extend(options.headers);
                client.extra_headers = ::std::sync::Arc::new(headers);
                let mut query = (*client.extra_query).clone();
                query.extend(options.query);
                client.extra_query = ::std::sync::Arc::new(query);
                client
            }

            /// How many pages the `*_stream` methods fetch at once (1: one after the other).
            pub fn page_concurrency(&self) -> usize {
                self.page_concurrency
            }

            /// Starts a request to `path` (already encoded) with `query`.
            pub(crate) fn request(
                &self,
                method: ::reqwest::Method,
                path: &str,
                query: &crate::query::QueryString,
            ) -> ::std::result::Result<::reqwest::RequestBuilder, crate::Error> {
                let mut url = ::std::format!("{}{}", self.base_url, path);
                let mut query = ::std::borrow::Cow::Borrowed(query);
                if !self.extra_query.is_empty() {
                    let query = query.to_mut();
                    for (key, value) in self.extra_query.iter() {
                        query.push(key, value);
                    }
                }
                if !query.is_empty() {
                    url.push('?');
                    url.push_str(query.as_str());
                }
                let url = ::reqwest::Url::parse(&url)
                    .map_err(|e| crate::Error::InvalidRequest(::std::format!("invalid URL {url:?}: {e}")))?;
                let mut request = self
                    .http
                    .request(method, url)
                    .header(::reqwest::header::ACCEPT, "application/json");
                if let ::std::option::Option::Some((name, value)) = &self.auth {
                    request = request.header(name.clone(), value.clone());
                }
                if !self.extra_headers.is_empty() {
                    request = request.headers((*self.extra_headers).clone());
                }
                if let ::std::option::Option::Some(timeout) = self.timeout {
                    request = request.timeout(timeout);
                }
                ::std::result::Result::Ok(request)
            }

            /// Sends a request, retrying as the policy allows, and reads the whole body up to
            /// the configured limit. `template` is the spec's path, for tracing.
            pub(crate) async fn send(
                &self,
                template: &'static str,
                request: ::reqwest::RequestBuilder,
            ) -> ::std::result::Result<RawResponse, crate::Error> {
                let request = request.build().map_err(crate::Error::from_reqwest)?;
                let mut attempt: u32 = 0;
                loop {
                    let span = ::tracing::debug_span!(
                        "http_request",
                        method = %request.method(),
                        path = template,
                        attempt,
                        status = ::tracing::field::Empty,
                    );
                    // Bodies are always buffered bytes, so a request can always be cloned.
                    let this_attempt = request.try_clone().ok_or_else(|| {
                        crate::Error::InvalidRequest(::std::string::String::from("the request body cannot be resent"))
                    })?;
                    let result = ::tracing::Instrument::instrument(self.attempt(this_attempt), span.clone()).await;
                    let retry = match &result {
                        ::std::result::Result::Ok(response) => {
                            span.record("status", response.status.as_u16());
                            should_retry_response(response.status, &response.headers)
                        }
                        ::std::result::Result::Err(error) => error.is_retryable(),
                    };
                    if !retry || attempt >= self.max_retries {
                        return result;
                    }
                    let headers = result.as_ref().ok().map(|r| &r.headers);
                    let delay = retry_delay(attempt, self.retry_initial_delay, headers);
                    ::tracing::debug!(parent: &span, delay_ms = delay.as_millis() as u64, "retrying");
                    ::tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }

            async fn attempt(&self, request: ::reqwest::Request) -> ::std::result::Result<RawResponse, crate::Error> {
                let mut response = self.http.execute(request).await.map_err(crate::Error::from_reqwest)?;
                let status = response.status();
                let limit = self.max_body_bytes;
                if response.content_length().is_some_and(|len| len > limit as u64) {
                    return ::std::result::Result::Err(crate::Error::BodyTooLarge { status, limit });
                }
                let headers = ::std::mem::take(response.headers_mut());
                let mut body = ::std::vec::Vec::new();
                while let ::std::option::Option::Some(chunk) = response.chunk().await.map_err(crate::Error::from_reqwest)? {
                    if body.len() + chunk.len() > limit {
                        return ::std::result::Result::Err(crate::Error::BodyTooLarge { status, limit });
                    }
                    body.extend_from_slice(&chunk);
                }
                ::std::result::Result::Ok(RawResponse { status, headers, body })
            }
        }

        impl ClientBuilder {
            /// Checks the configuration and builds the client.
            pub fn build(self) -> ::std::result::Result<Client, crate::Error> {
                #missing_key
                let base_url = match self.base_url.as_deref().or(DEFAULT_BASE_URL) {
                    ::std::option::Option::Some(url) => url.trim_end_matches('/').to_owned(),
                    ::std::option::Option::None => {
                        return ::std::result::Result::Err(crate::Error::Config(::std::string::String::from(
                            "no base URL: call `ClientBuilder::base_url`",
                        )))
                    }
                };
                match ::reqwest::Url::parse(&base_url) {
                    ::std::result::Result::Ok(url) if url.scheme() == "https" || url.scheme() == "http" => {}
                    _ => {
                        return ::std::result::Result::Err(crate::Error::Config(::std::format!(
                            "base URL {base_url:?} is not an absolute http(s) URL"
                        )))
                    }
                }
                let auth = #auth_header;
                let http = match self.http_client {
                    ::std::option::Option::Some(client) => client,
                    ::std::option::Option::None => ::reqwest::Client::builder()
                        .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                        .user_agent(self.user_agent.as_deref().unwrap_or(USER_AGENT))
                        .build()
                        .map_err(|e| crate::Error::Config(::std::format!("cannot build the HTTP client: {e}")))?,
                };
                ::std::result::Result::Ok(Client {
                    http,
                    base_url,
                    auth,
                    timeout: ::std::option::Option::Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT)),
                    max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                    retry_initial_delay: self.retry_initial_delay.unwrap_or(DEFAULT_RETRY_INITIAL_DELAY),
                    max_body_bytes: self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
                    page_concurrency: self.page_concurrency.unwrap_or(1).max(1),
                    extra_headers: ::std::default::Default::default(),
                    extra_query: ::std::default::Default::default(),
                })
            }
        }

        /// A header value marked sensitive, so that it never shows in `Debug` output.
        #[allow(dead_code)]
        fn secret_header(
            name: &str,
            value: &str,
        ) -> ::std::result::Result<::reqwest::header::HeaderValue, crate::Error> {
            let mut value = ::reqwest::header::HeaderValue::from_str(value).map_err(|_| {
                crate::Error::Config(::std::format!("the value for the {name} header has invalid characters"))
            })?;
            value.set_sensitive(true);
            ::std::result::Result::Ok(value)
        }

        #retry
        #response
    }
}

/// The client and builder structs, their defaults, and per-request options.
fn config_items() -> TokenStream {
    quote! {
        /// The largest response body the client reads by default (16 MiB).
        pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

        /// The default time allowed for one attempt of a request (60 s).
        pub const DEFAULT_TIMEOUT: ::std::time::Duration = ::std::time::Duration::from_secs(60);

        /// The default time allowed to connect (5 s).
        pub const DEFAULT_CONNECT_TIMEOUT: ::std::time::Duration = ::std::time::Duration::from_secs(5);

        /// Retries after the first attempt, by default.
        pub const DEFAULT_MAX_RETRIES: u32 = 2;

        /// The first retry's delay before jitter; each further retry doubles it, up to 8 s.
        pub const DEFAULT_RETRY_INITIAL_DELAY: ::std::time::Duration = ::std::time::Duration::from_millis(500);

        const USER_AGENT: &str = ::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION"));

        /// A client of the API. Cheap to clone: clones share one connection pool.
        #[derive(::std::clone::Clone)]
        pub struct Client {
            http: ::reqwest::Client,
            base_url: ::std::string::String,
            auth: ::std::option::Option<(::reqwest::header::HeaderName, ::reqwest::header::HeaderValue)>,
            timeout: ::std::option::Option<::std::time::Duration>,
            max_retries: u32,
            retry_initial_delay: ::std::time::Duration,
            max_body_bytes: usize,
            page_concurrency: usize,
            extra_headers: ::std::sync::Arc<::reqwest::header::HeaderMap>,
            extra_query: ::std::sync::Arc<::std::vec::Vec<(::std::string::String, ::std::string::String)>>,
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Client")
                    .field("base_url", &self.base_url)
                    .field("auth", &self.auth.as_ref().map(|_| "<redacted>"))
                    .field("timeout", &self.timeout)
                    .field("max_retries", &self.max_retries)
                    .field("max_body_bytes", &self.max_body_bytes)
                    .field("page_concurrency", &self.page_concurrency)
                    .finish_non_exhaustive()
            }
        }

        /// Configures a [`Client`].
        #[derive(::std::clone::Clone, ::std::default::Default)]
        pub struct ClientBuilder {
            api_key: ::std::option::Option<::std::string::String>,
            base_url: ::std::option::Option<::std::string::String>,
            timeout: ::std::option::Option<::std::time::Duration>,
            connect_timeout: ::std::option::Option<::std::time::Duration>,
            max_retries: ::std::option::Option<u32>,
            retry_initial_delay: ::std::option::Option<::std::time::Duration>,
            max_body_bytes: ::std::option::Option<usize>,
            page_concurrency: ::std::option::Option<usize>,
            user_agent: ::std::option::Option<::std::string::String>,
            http_client: ::std::option::Option<::reqwest::Client>,
        }

        impl ::std::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("ClientBuilder")
                    .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
                    .field("base_url", &self.base_url)
                    .field("timeout", &self.timeout)
                    .field("connect_timeout", &self.connect_timeout)
                    .field("max_retries", &self.max_retries)
                    .field("max_body_bytes", &self.max_body_bytes)
                    .finish_non_exhaustive()
            }
        }

        impl ClientBuilder {
            /// The API key (sent as the spec's security scheme says; never logged).
            pub fn api_key(mut self, key: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.api_key = ::std::option::Option::Some(key.into());
                self
            }

            /// The base URL, such as the default or a test server's (a trailing `/` is ignored).
            pub fn base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.base_url = ::std::option::Option::Some(url.into());
                self
            }

            /// The time allowed for one attempt, from sending to the end of the body (default 60 s).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// The time allowed to connect (default 5 s).
            pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.connect_timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// Retries after a failed first attempt (default 2; 0 turns retries off).
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.max_retries = ::std::option::Option::Some(retries);
                self
            }

            /// The delay before the first retry, doubled for each further one up to 8 s
            /// (default 0.5 s). `Retry-After` from the server takes precedence.
            pub fn retry_initial_delay(mut self, delay: ::std::time::Duration) -> Self {
                self.retry_initial_delay = ::std::option::Option::Some(delay);
                self
            }

            /// The largest response body read; a larger one is an [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
            pub fn max_body_bytes(mut self, limit: usize) -> Self {
                self.max_body_bytes = ::std::option::Option::Some(limit);
                self
            }

            /// How many pages the `*_stream` methods fetch at once once the page count is known
            /// (default 1: one after the other). Items still arrive in page order.
            pub fn page_concurrency(mut self, pages: usize) -> Self {
                self.page_concurrency = ::std::option::Option::Some(pages);
                self
            }

            /// Replaces the `User-Agent` (default: this crate's name and version).
            pub fn user_agent(mut self, user_agent: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.user_agent = ::std::option::Option::Some(user_agent.into());
                self
            }

            /// Uses a `reqwest::Client` you configured (proxies, TLS...); the connect timeout and
            /// user agent of this builder then do not apply.
            pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
                self.http_client = ::std::option::Option::Some(client);
                self
            }
        }

        /// Options for the requests of one [`Client::with_options`] clone.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::default::Default)]
        #[non_exhaustive]
        pub struct RequestOptions {
            /// Overrides the time allowed per attempt.
            pub timeout: ::std::option::Option<::std::time::Duration>,
            /// Overrides the number of retries.
            pub max_retries: ::std::option::Option<u32>,
            /// Overrides the page concurrency of `*_stream` methods.
            pub page_concurrency: ::std::option::Option<usize>,
            /// Headers added to every request (replacing generated ones of the same name).
            pub headers: ::reqwest::header::HeaderMap,
            /// Query pairs appended to every request.
            pub query: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
        }

        impl RequestOptions {
            /// No overrides.
            pub fn new() -> Self {
                Self::default()
            }

            /// The time allowed per attempt.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// Retries after a failed first attempt.
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.max_retries = ::std::option::Option::Some(retries);
                self
            }

            /// Pages fetched at once by `*_stream` methods.
            pub fn page_concurrency(mut self, pages: usize) -> Self {
                self.page_concurrency = ::std::option::Option::Some(pages);
                self
            }

            /// Adds a header; an invalid name or value is ignored with a `tracing` warning.
            pub fn header(mut self, name: &str, value: &str) -> Self {
                match (
                    ::reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                    ::reqwest::header::HeaderValue::from_str(value),
                ) {
                    (::std::result::Result::Ok(name), ::std::result::Result::Ok(value)) => {
                        self.headers.insert(name, value);
                    }
                    _ => ::tracing::warn!(header = name, "ignoring an invalid header"),
                }
                self
            }

            /// Appends a query pair (encoded like every other query value).
            pub fn query(mut self, key: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.query.push((key.into(), value.into()));
                self
            }
        }
    }
}

/// The retry policy.
fn retry_items() -> TokenStream {
    quote! {
        /// Whether a response is worth another attempt: `x-should-retry` decides when present,
        /// else 408, 409, 429 and every 5xx are retried and no other status is.
        fn should_retry_response(status: ::reqwest::StatusCode, headers: &::reqwest::header::HeaderMap) -> bool {
            match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
                ::std::option::Option::Some("true") => return true,
                ::std::option::Option::Some("false") => return false,
                _ => {}
            }
            ::std::matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
        }

        /// The wait before retry number `attempt + 1`: the server's `retry-after-ms` or
        /// `Retry-After` when it asks for more than 0 and at most 60 s, else exponential backoff
        /// from `initial`, capped at 8 s, minus up to 25 % jitter.
        fn retry_delay(
            attempt: u32,
            initial: ::std::time::Duration,
            headers: ::std::option::Option<&::reqwest::header::HeaderMap>,
        ) -> ::std::time::Duration {
            if let ::std::option::Option::Some(asked) = headers.and_then(retry_after) {
                if asked > ::std::time::Duration::ZERO && asked <= ::std::time::Duration::from_secs(60) {
                    return asked;
                }
            }
            let backoff = initial
                .saturating_mul(1u32 << attempt.min(16))
                .min(::std::time::Duration::from_secs(8));
            backoff.mul_f64(1.0 - 0.25 * jitter())
        }

        /// `retry-after-ms` (milliseconds), else `Retry-After` (seconds, possibly fractional,
        /// or an HTTP date); a date in the past gives zero.
        fn retry_after(headers: &::reqwest::header::HeaderMap) -> ::std::option::Option<::std::time::Duration> {
            let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
            if let ::std::option::Option::Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
                return ::std::time::Duration::try_from_secs_f64(ms / 1000.0).ok();
            }
            let value = text("retry-after")?;
            if let ::std::result::Result::Ok(seconds) = value.parse::<f64>() {
                return ::std::time::Duration::try_from_secs_f64(seconds).ok();
            }
            let at = ::httpdate::parse_http_date(value).ok()?;
            ::std::option::Option::Some(at.duration_since(::std::time::SystemTime::now()).unwrap_or_default())
        }

        /// A number in [0, 1) that differs between calls (randomly seeded hashing from std,
        /// so no random-number crate is needed for jitter).
        fn jitter() -> f64 {
            use ::std::hash::{BuildHasher as _, Hasher as _};
            let mut hasher = ::std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(
                ::std::time::SystemTime::now()
                    .duration_since(::std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or_default(),
            );
            (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
        }
    }
}

/// Responses: the buffered raw response, the public `ApiResponse`, and encoding helpers.
fn response_items() -> TokenStream {
    quote! {
        /// A successful response with its status and headers (from the `*_with_response` methods).
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        #[non_exhaustive]
        pub struct ApiResponse<T> {
            /// The HTTP status.
            pub status: ::reqwest::StatusCode,
            /// The response headers (a request id, rate-limit counters...).
            pub headers: ::reqwest::header::HeaderMap,
            /// The decoded body.
            pub body: T,
        }

        impl<T> ApiResponse<T> {
            /// The decoded body alone.
            pub fn into_body(self) -> T {
                self.body
            }

            /// The same response with its body converted.
            pub fn map<U>(self, f: impl ::std::ops::FnOnce(T) -> U) -> ApiResponse<U> {
                ApiResponse {
                    status: self.status,
                    headers: self.headers,
                    body: f(self.body),
                }
            }
        }

        /// A header parameter's value.
        #[allow(dead_code)]
        pub(crate) fn header_value<T: crate::query::ToQuery + ?::std::marker::Sized>(
            name: &str,
            value: &T,
        ) -> ::std::result::Result<::reqwest::header::HeaderValue, crate::Error> {
            let text = crate::query::ToQuery::query_scalar(value).unwrap_or_default();
            ::reqwest::header::HeaderValue::from_str(&text).map_err(|_| {
                crate::Error::InvalidRequest(::std::format!("the value for the {name} header has invalid characters"))
            })
        }

        /// A JSON request body.
        #[allow(dead_code)]
        pub(crate) fn json_body<T: ::serde::Serialize + ?::std::marker::Sized>(
            body: &T,
        ) -> ::std::result::Result<::std::vec::Vec<u8>, crate::Error> {
            ::serde_json::to_vec(body).map_err(|e| crate::Error::InvalidRequest(::std::format!("cannot encode the body: {e}")))
        }

        /// A response read in full.
        pub(crate) struct RawResponse {
            status: ::reqwest::StatusCode,
            headers: ::reqwest::header::HeaderMap,
            body: ::std::vec::Vec<u8>,
        }

        #[allow(dead_code)]
        impl RawResponse {
            pub(crate) fn status(&self) -> ::reqwest::StatusCode {
                self.status
            }

            fn with_body<T>(self, body: T) -> ApiResponse<T> {
                ApiResponse { status: self.status, headers: self.headers, body }
            }

            /// Decodes a success body.
            pub(crate) fn json<T: ::serde::de::DeserializeOwned>(self) -> ::std::result::Result<ApiResponse<T>, crate::Error> {
                match ::serde_json::from_slice(&self.body) {
                    ::std::result::Result::Ok(body) => ::std::result::Result::Ok(self.with_body(body)),
                    ::std::result::Result::Err(source) => ::std::result::Result::Err(crate::Error::Decode {
                        status: self.status,
                        body_excerpt: crate::error::excerpt(&self.body),
                        source,
                    }),
                }
            }

            /// A success without a body.
            pub(crate) fn empty(self) -> ::std::result::Result<ApiResponse<()>, crate::Error> {
                ::std::result::Result::Ok(self.with_body(()))
            }

            /// A success whose body is returned as bytes.
            pub(crate) fn bytes(mut self) -> ::std::result::Result<ApiResponse<::std::vec::Vec<u8>>, crate::Error> {
                let body = ::std::mem::take(&mut self.body);
                ::std::result::Result::Ok(self.with_body(body))
            }

            /// A success whose body is text: a string, or an error when it is not UTF-8.
            pub(crate) fn text(mut self) -> ::std::result::Result<ApiResponse<::std::string::String>, crate::Error> {
                match ::std::string::String::from_utf8(::std::mem::take(&mut self.body)) {
                    ::std::result::Result::Ok(text) => ::std::result::Result::Ok(self.with_body(text)),
                    ::std::result::Result::Err(e) => {
                        self.body = e.into_bytes();
                        ::std::result::Result::Err(self.unexpected())
                    }
                }
            }

            /// A declared error status: its typed body, or any JSON, or the raw excerpt.
            pub(crate) fn api_error<T: ::serde::de::DeserializeOwned>(
                self,
                wrap: fn(T) -> crate::error::ErrorBody,
            ) -> crate::Error {
                match ::serde_json::from_slice::<T>(&self.body) {
                    ::std::result::Result::Ok(body) => self.into_api_error(wrap(body)),
                    ::std::result::Result::Err(_) => self.undeclared(),
                }
            }

            /// A status the spec does not declare (or declares without a JSON body).
            pub(crate) fn undeclared(self) -> crate::Error {
                if self.status.is_success() {
                    return self.unexpected();
                }
                if self.body.iter().all(u8::is_ascii_whitespace) {
                    return self.into_api_error(crate::error::ErrorBody::Empty);
                }
                match ::serde_json::from_slice::<::serde_json::Value>(&self.body) {
                    ::std::result::Result::Ok(value) => self.into_api_error(crate::error::ErrorBody::Other(value)),
                    ::std::result::Result::Err(_) => self.unexpected(),
                }
            }

            /// A response that does not fit the spec at all.
            pub(crate) fn unexpected(self) -> crate::Error {
                crate::Error::UnexpectedResponse {
                    status: self.status,
                    content_type: self
                        .headers
                        .get(::reqwest::header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(::std::borrow::ToOwned::to_owned),
                    body_excerpt: crate::error::excerpt(&self.body),
                }
            }

            fn into_api_error(self, body: crate::error::ErrorBody) -> crate::Error {
                crate::Error::Api(::std::boxed::Box::new(crate::error::ApiError {
                    status: self.status,
                    headers: self.headers,
                    body,
                }))
            }
        }
    }
}
