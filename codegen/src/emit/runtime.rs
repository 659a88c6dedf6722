//! The runtime modules written into every generated crate: the client (configuration,
//! sending, body limits), the error type, and the query encoder. They are the same for every
//! spec except for the few values the IR supplies (auth, base URL, error body types).

use super::docs;
use crate::ir::{Api, Auth, TypeId, TypeKind, TypeRef};
use crate::naming;
use crate::Options;
use proc_macro2::TokenStream;
use quote::quote;

pub fn client_rs(api: &Api, options: &Options) -> TokenStream {
    let env_key = format!("{}_API_KEY", options.env_prefix);
    let env_url = format!("{}_BASE_URL", options.env_prefix);
    let (default_base, base_doc) = match &api.base_url {
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
                    ::reqwest::header::HeaderName::from_static(#name),
                    secret_header(#name, key)?,
                )),
                ::std::option::Option::None => ::std::option::Option::None,
            }
        },
    };
    // `from_static` panics on an invalid name: only lowercase tokens are emitted that way.
    let auth_header = match &api.auth {
        Auth::ApiKeyHeader(name) if !header_name_ok(name) => quote!(::std::option::Option::None),
        _ => auth_header,
    };
    let missing_key = if needs_key {
        quote! {
            if self.api_key.is_none() {
                return ::std::result::Result::Err(crate::Error::Config(::std::string::String::from(
                    "no API key: call `ClientBuilder::api_key`",
                )));
            }
        }
    } else {
        quote!()
    };
    let from_env_key = if needs_key {
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
    } else {
        quote!()
    };
    let from_env_doc = docs::attrs(&[if needs_key {
        format!("A client configured from the environment: `{env_key}` (required) and `{env_url}` (optional).")
    } else {
        format!("A client configured from the environment: `{env_url}` (optional).")
    }]);
    quote! {
        //! The client: configuration, authentication, and sending requests with a bounded body.

        #base_doc
        pub const DEFAULT_BASE_URL: ::std::option::Option<&str> = #default_base;

        /// The largest response body the client reads by default (16 MiB).
        pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

        /// The default time allowed for a whole request (60 s).
        pub const DEFAULT_TIMEOUT: ::std::time::Duration = ::std::time::Duration::from_secs(60);

        /// The default time allowed to connect (5 s).
        pub const DEFAULT_CONNECT_TIMEOUT: ::std::time::Duration = ::std::time::Duration::from_secs(5);

        const USER_AGENT: &str = ::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION"));

        /// A client of the API. Cheap to clone: clones share one connection pool.
        #[derive(::std::clone::Clone)]
        pub struct Client {
            http: ::reqwest::Client,
            base_url: ::std::string::String,
            auth: ::std::option::Option<(::reqwest::header::HeaderName, ::reqwest::header::HeaderValue)>,
            max_body_bytes: usize,
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Client")
                    .field("base_url", &self.base_url)
                    .field("auth", &self.auth.as_ref().map(|_| "<redacted>"))
                    .field("max_body_bytes", &self.max_body_bytes)
                    .finish_non_exhaustive()
            }
        }

        impl Client {
            /// A builder with the defaults: the spec's base URL, 60 s timeout, 5 s connect timeout.
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

            /// Starts a request to `path` (already encoded) with `query`.
            pub(crate) fn request(
                &self,
                method: ::reqwest::Method,
                path: &str,
                query: &crate::query::QueryString,
            ) -> ::std::result::Result<::reqwest::RequestBuilder, crate::Error> {
                let mut url = ::std::format!("{}{}", self.base_url, path);
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
                ::std::result::Result::Ok(request)
            }

            /// Sends a request and reads the whole body, up to the configured limit.
            pub(crate) async fn send(
                &self,
                request: ::reqwest::RequestBuilder,
            ) -> ::std::result::Result<RawResponse, crate::Error> {
                let mut response = request.send().await.map_err(crate::Error::Transport)?;
                let status = response.status();
                let limit = self.max_body_bytes;
                if response.content_length().is_some_and(|len| len > limit as u64) {
                    return ::std::result::Result::Err(crate::Error::BodyTooLarge { status, limit });
                }
                let headers = ::std::mem::take(response.headers_mut());
                let mut body = ::std::vec::Vec::new();
                while let ::std::option::Option::Some(chunk) = response.chunk().await.map_err(crate::Error::Transport)? {
                    if body.len() + chunk.len() > limit {
                        return ::std::result::Result::Err(crate::Error::BodyTooLarge { status, limit });
                    }
                    body.extend_from_slice(&chunk);
                }
                ::std::result::Result::Ok(RawResponse { status, headers, body })
            }
        }

        /// Configures a [`Client`].
        #[derive(::std::clone::Clone, ::std::default::Default)]
        pub struct ClientBuilder {
            api_key: ::std::option::Option<::std::string::String>,
            base_url: ::std::option::Option<::std::string::String>,
            timeout: ::std::option::Option<::std::time::Duration>,
            connect_timeout: ::std::option::Option<::std::time::Duration>,
            max_body_bytes: ::std::option::Option<usize>,
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
                    .field("max_body_bytes", &self.max_body_bytes)
                    .finish_non_exhaustive()
            }
        }

        impl ClientBuilder {
            /// The API key (sent as configured by the spec's security scheme; never logged).
            pub fn api_key(mut self, key: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.api_key = ::std::option::Option::Some(key.into());
                self
            }

            /// The base URL, such as the default or a test server's (a trailing `/` is ignored).
            pub fn base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.base_url = ::std::option::Option::Some(url.into());
                self
            }

            /// The time allowed for a whole request, from connecting to the end of the body.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// The time allowed to connect.
            pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.connect_timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// The largest response body read; a larger one is an [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
            pub fn max_body_bytes(mut self, limit: usize) -> Self {
                self.max_body_bytes = ::std::option::Option::Some(limit);
                self
            }

            /// Replaces the `User-Agent` (default: this crate's name and version).
            pub fn user_agent(mut self, user_agent: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.user_agent = ::std::option::Option::Some(user_agent.into());
                self
            }

            /// Uses a `reqwest::Client` you configured (proxies, TLS...); the timeouts and
            /// user agent of this builder then do not apply.
            pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
                self.http_client = ::std::option::Option::Some(client);
                self
            }

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
                        .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                        .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                        .user_agent(self.user_agent.as_deref().unwrap_or(USER_AGENT))
                        .build()
                        .map_err(|e| crate::Error::Config(::std::format!("cannot build the HTTP client: {e}")))?,
                };
                ::std::result::Result::Ok(Client {
                    http,
                    base_url,
                    auth,
                    max_body_bytes: self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
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

            pub(crate) fn into_bytes(self) -> ::std::vec::Vec<u8> {
                self.body
            }

            /// Decodes a success body.
            pub(crate) fn json<T: ::serde::de::DeserializeOwned>(self) -> ::std::result::Result<T, crate::Error> {
                ::serde_json::from_slice(&self.body).map_err(|source| crate::Error::Decode {
                    status: self.status,
                    body_excerpt: crate::error::excerpt(&self.body),
                    source,
                })
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

/// Whether a header name from the spec is valid for `HeaderName::from_static` (lowercase token).
fn header_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
        })
}

pub fn error_rs(api: &Api) -> TokenStream {
    let variants: Vec<(proc_macro2::Ident, TypeId)> = api
        .error_types
        .iter()
        .map(|id| (naming::ident(&api.ty(*id).name), *id))
        .collect();
    let defs = variants.iter().map(|(ident, id)| {
        let doc = docs::attrs(&[format!(
            "The body of [`{0}`](crate::types::{0}).",
            api.ty(*id).name
        )]);
        quote!(#doc #ident(crate::types::#ident),)
    });
    let summaries = variants
        .iter()
        .map(|(ident, id)| match error_summary(api, *id) {
            Some(summary) => quote!(Self::#ident(body) => { #summary }),
            None => quote!(Self::#ident(_) => ::std::option::Option::None,),
        });
    quote! {
        //! The error type of every call.

        /// Everything that can go wrong in a call.
        #[derive(::std::fmt::Debug, ::thiserror::Error)]
        #[non_exhaustive]
        pub enum Error {
            /// The client is misconfigured (no API key, a bad base URL...).
            #[error("invalid client configuration: {0}")]
            Config(::std::string::String),
            /// The request could not be built from the given values.
            #[error("invalid request: {0}")]
            InvalidRequest(::std::string::String),
            /// The request could not be sent or the response not read: connection, TLS,
            /// timeout (see [`Error::is_timeout`]).
            #[error("transport error: {0}")]
            Transport(#[source] ::reqwest::Error),
            /// The server answered with an error status; the body is decoded.
            #[error("{0}")]
            Api(::std::boxed::Box<ApiError>),
            /// A success response whose body does not match the spec.
            #[error("cannot decode the {status} response: {source}; body starts with: {body_excerpt}")]
            Decode {
                status: ::reqwest::StatusCode,
                #[source]
                source: ::serde_json::Error,
                /// The start of the body, for diagnosis.
                body_excerpt: ::std::string::String,
            },
            /// A response the spec does not describe (an undeclared success status, or an
            /// error body that is not JSON).
            #[error("unexpected {status} response ({}): {body_excerpt}", content_type.as_deref().unwrap_or("no content type"))]
            UnexpectedResponse {
                status: ::reqwest::StatusCode,
                content_type: ::std::option::Option<::std::string::String>,
                /// The start of the body, for diagnosis.
                body_excerpt: ::std::string::String,
            },
            /// The response body is larger than the client's limit.
            #[error("the {status} response body exceeds the limit of {limit} bytes")]
            BodyTooLarge {
                status: ::reqwest::StatusCode,
                limit: usize,
            },
        }

        impl Error {
            /// The HTTP status, when a response was received.
            pub fn status(&self) -> ::std::option::Option<::reqwest::StatusCode> {
                match self {
                    Self::Api(e) => ::std::option::Option::Some(e.status),
                    Self::Decode { status, .. }
                    | Self::UnexpectedResponse { status, .. }
                    | Self::BodyTooLarge { status, .. } => ::std::option::Option::Some(*status),
                    Self::Transport(e) => e.status(),
                    Self::Config(_) | Self::InvalidRequest(_) => ::std::option::Option::None,
                }
            }

            /// The request timed out.
            pub fn is_timeout(&self) -> bool {
                ::std::matches!(self, Self::Transport(e) if e.is_timeout())
            }

            /// The decoded error response, if the server sent one.
            pub fn api_error(&self) -> ::std::option::Option<&ApiError> {
                match self {
                    Self::Api(e) => ::std::option::Option::Some(e),
                    _ => ::std::option::Option::None,
                }
            }
        }

        /// An error response: status, headers (for a request id, say) and decoded body.
        #[derive(::std::fmt::Debug)]
        #[non_exhaustive]
        pub struct ApiError {
            /// The HTTP status.
            pub status: ::reqwest::StatusCode,
            /// The response headers.
            pub headers: ::reqwest::header::HeaderMap,
            /// The decoded body.
            pub body: ErrorBody,
        }

        impl ::std::fmt::Display for ApiError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::write!(f, "HTTP {}", self.status)?;
                if let ::std::option::Option::Some(summary) = self.body.summary() {
                    ::std::write!(f, ": {summary}")?;
                }
                ::std::result::Result::Ok(())
            }
        }

        impl ::std::error::Error for ApiError {}

        /// The body of an error response, by the schema the spec declares for its status.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        #[non_exhaustive]
        pub enum ErrorBody {
            #(#defs)*
            /// JSON that matches no declared error schema.
            Other(::serde_json::Value),
            /// No body.
            Empty,
        }

        impl ErrorBody {
            /// A one-line summary of the error for messages, when the body has one.
            pub fn summary(&self) -> ::std::option::Option<::std::string::String> {
                match self {
                    #(#summaries)*
                    Self::Other(value) => value
                        .get("message")
                        .or_else(|| value.get("error"))
                        .and_then(::serde_json::Value::as_str)
                        .map(::std::borrow::ToOwned::to_owned),
                    Self::Empty => ::std::option::Option::None,
                }
            }
        }

        /// The start of a body, as text, for error messages (at most 512 bytes).
        pub(crate) fn excerpt(body: &[u8]) -> ::std::string::String {
            const MAX: usize = 512;
            let text = ::std::string::String::from_utf8_lossy(&body[..body.len().min(MAX)]);
            if body.len() > MAX {
                ::std::format!("{text}…")
            } else {
                text.into_owned()
            }
        }
    }
}

/// How an error body type is summarised for `Display`: `errors[0].title` and `.detail` for
/// JSON:API-style bodies (Telnyx), else a `message`/`title`/`detail`/`error` string field.
fn error_summary(api: &Api, id: TypeId) -> Option<TokenStream> {
    let fields = struct_fields(api, id)?;
    // `errors: [ { title, detail } ]`
    if let Some(errors) = fields.iter().find(|f| f.wire_name == "errors") {
        if let TypeRef::Array(item) = &errors.ty {
            if let TypeRef::Named(item_id) = item.as_ref() {
                if let Some(item_fields) = struct_fields(api, *item_id) {
                    let parts: Vec<TokenStream> = ["title", "detail", "message", "code"]
                        .iter()
                        .filter_map(|w| item_fields.iter().find(|f| f.wire_name == *w))
                        .filter(|f| f.ty == TypeRef::String)
                        .take(2)
                        .map(|f| string_field(f, quote!(first)))
                        .collect();
                    if !parts.is_empty() {
                        let ident = naming::ident(&errors.rust_name);
                        let list = if errors.optional() {
                            quote!(body.#ident.as_deref()?)
                        } else {
                            quote!(&body.#ident)
                        };
                        return Some(quote! {
                            let first = #list.first()?;
                            let parts: ::std::vec::Vec<&str> = [#(#parts),*].into_iter().flatten().collect();
                            (!parts.is_empty()).then(|| parts.join(": "))
                        });
                    }
                }
            }
        }
    }
    let f = ["message", "title", "detail", "error", "error_description"]
        .iter()
        .find_map(|w| {
            fields
                .iter()
                .find(|f| f.wire_name == *w && f.ty == TypeRef::String)
        })?;
    let ident = naming::ident(&f.rust_name);
    Some(if f.optional() {
        quote!(body.#ident.clone())
    } else {
        quote!(::std::option::Option::Some(body.#ident.clone()))
    })
}

fn struct_fields(api: &Api, id: TypeId) -> Option<&[crate::ir::Field]> {
    match &api.ty(id).kind {
        TypeKind::Struct(s) => Some(&s.fields),
        TypeKind::Alias(TypeRef::Named(target)) if *target != id => struct_fields(api, *target),
        _ => None,
    }
}

/// `Option<&str>` of a string field of `owner`.
fn string_field(f: &crate::ir::Field, owner: TokenStream) -> TokenStream {
    let ident = naming::ident(&f.rust_name);
    if f.optional() {
        quote!(#owner.#ident.as_deref())
    } else {
        quote!(::std::option::Option::Some(#owner.#ident.as_str()))
    }
}

pub fn query_rs() -> TokenStream {
    quote! {
        //! Query strings, path segments and cookies, encoded as the API expects.
        //!
        //! Objects use `deepObject` brackets at any depth (`filter[created_at][gte]=...`).
        //! Keys and values are percent-encoded, except the brackets of nested keys and `:`
        //! in values, which RFC 3986 allows in a query and which keep timestamps readable;
        //! `+` is always sent as `%2B`, so it never arrives as a space. Arrays nested in
        //! objects are comma-joined, as the official SDKs send them.

        use ::std::fmt::Write as _;

        const UNRESERVED: &::percent_encoding::AsciiSet = &::percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'.')
            .remove(b'_')
            .remove(b'~');
        const KEY: &::percent_encoding::AsciiSet = &UNRESERVED.remove(b'[').remove(b']');
        const VALUE: &::percent_encoding::AsciiSet = &UNRESERVED.remove(b':');

        /// An encoded query string, built pair by pair (without the leading `?`).
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::default::Default, ::std::cmp::PartialEq, ::std::cmp::Eq)]
        pub struct QueryString {
            encoded: ::std::string::String,
        }

        impl QueryString {
            /// An empty query.
            pub fn new() -> Self {
                Self::default()
            }

            /// Appends `key=value`, both percent-encoded.
            pub fn push(&mut self, key: &str, value: &str) {
                if !self.encoded.is_empty() {
                    self.encoded.push('&');
                }
                let _ = ::std::write!(
                    self.encoded,
                    "{}={}",
                    ::percent_encoding::utf8_percent_encode(key, KEY),
                    ::percent_encoding::utf8_percent_encode(value, VALUE)
                );
            }

            /// `key=a&key=b`: an exploded `form` array.
            pub fn push_each<T: ToQuery>(&mut self, key: &str, items: &[T]) {
                for item in items {
                    item.write_query(key, self);
                }
            }

            /// `key=a%7Cb` (pipe-delimited, `separator` = `"%7C"`) or `key=a%20b`
            /// (space-delimited, `"%20"`): each item is encoded, the separator is written as given.
            pub fn push_delimited<T: ToQuery>(&mut self, key: &str, items: &[T], separator: &str) {
                let parts: ::std::vec::Vec<::std::borrow::Cow<'_, str>> =
                    items.iter().filter_map(ToQuery::query_scalar).collect();
                self.push_list(key, &parts, separator);
            }

            /// `key=a,b`: each part encoded, joined by the already-encoded `separator`.
            /// Nothing is written for an empty list.
            pub fn push_list<S: ::std::convert::AsRef<str>>(&mut self, key: &str, parts: &[S], separator: &str) {
                if parts.is_empty() {
                    return;
                }
                if !self.encoded.is_empty() {
                    self.encoded.push('&');
                }
                let _ = ::std::write!(self.encoded, "{}=", ::percent_encoding::utf8_percent_encode(key, KEY));
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        self.encoded.push_str(separator);
                    }
                    let _ = ::std::write!(self.encoded, "{}", ::percent_encoding::utf8_percent_encode(part.as_ref(), VALUE));
                }
            }

            /// The encoded query.
            pub fn as_str(&self) -> &str {
                &self.encoded
            }

            /// Nothing was written.
            pub fn is_empty(&self) -> bool {
                self.encoded.is_empty()
            }
        }

        impl ::std::fmt::Display for QueryString {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.encoded)
            }
        }

        /// A value that can be written into a query string under a key.
        pub trait ToQuery {
            /// Writes `self` under `key`; objects nest as `key[field]`.
            fn write_query(&self, key: &str, query: &mut QueryString);

            /// The value as one string, for scalars (used for arrays, headers and path segments).
            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                ::std::option::Option::None
            }
        }

        /// The key of a nested field: `key[name]`.
        pub fn nested(key: &str, name: &str) -> ::std::string::String {
            ::std::format!("{key}[{name}]")
        }

        /// Percent-encodes a value as one path segment (`/`, `?`, `#` and `..` stay inside it).
        pub fn encode_path_segment(value: &str) -> ::std::string::String {
            match value {
                "." => ::std::string::String::from("%2E"),
                ".." => ::std::string::String::from("%2E%2E"),
                _ => ::percent_encoding::utf8_percent_encode(value, UNRESERVED).to_string(),
            }
        }

        macro_rules! scalar {
            ($($t:ty),*) => {$(
                impl ToQuery for $t {
                    fn write_query(&self, key: &str, query: &mut QueryString) {
                        query.push(key, &self.to_string());
                    }

                    fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                        ::std::option::Option::Some(::std::borrow::Cow::Owned(self.to_string()))
                    }
                }
            )*};
        }

        scalar!(i32, i64, u32, u64, f32, f64, bool);

        impl ToQuery for str {
            fn write_query(&self, key: &str, query: &mut QueryString) {
                query.push(key, self);
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                ::std::option::Option::Some(::std::borrow::Cow::Borrowed(self))
            }
        }

        impl ToQuery for ::std::string::String {
            fn write_query(&self, key: &str, query: &mut QueryString) {
                query.push(key, self);
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                ::std::option::Option::Some(::std::borrow::Cow::Borrowed(self))
            }
        }

        impl<T: ToQuery + ?::std::marker::Sized> ToQuery for &T {
            fn write_query(&self, key: &str, query: &mut QueryString) {
                (**self).write_query(key, query);
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                (**self).query_scalar()
            }
        }

        impl<T: ToQuery + ?::std::marker::Sized> ToQuery for ::std::boxed::Box<T> {
            fn write_query(&self, key: &str, query: &mut QueryString) {
                (**self).write_query(key, query);
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                (**self).query_scalar()
            }
        }

        impl<T: ToQuery> ToQuery for ::std::option::Option<T> {
            fn write_query(&self, key: &str, query: &mut QueryString) {
                if let ::std::option::Option::Some(value) = self {
                    value.write_query(key, query);
                }
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                self.as_ref().and_then(ToQuery::query_scalar)
            }
        }

        /// Scalars are comma-joined (`key=a,b`); objects are indexed (`key[0][field]=...`).
        impl<T: ToQuery> ToQuery for ::std::vec::Vec<T> {
            fn write_query(&self, key: &str, query: &mut QueryString) {
                match self.iter().map(ToQuery::query_scalar).collect::<::std::option::Option<::std::vec::Vec<_>>>() {
                    ::std::option::Option::Some(parts) => query.push_list(key, &parts, ","),
                    ::std::option::Option::None => {
                        for (i, item) in self.iter().enumerate() {
                            item.write_query(&nested(key, &i.to_string()), query);
                        }
                    }
                }
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                let parts = self.iter().map(ToQuery::query_scalar).collect::<::std::option::Option<::std::vec::Vec<_>>>()?;
                ::std::option::Option::Some(::std::borrow::Cow::Owned(parts.join(",")))
            }
        }

        impl<T: ToQuery> ToQuery for ::std::collections::BTreeMap<::std::string::String, T> {
            fn write_query(&self, key: &str, query: &mut QueryString) {
                for (name, value) in self {
                    value.write_query(&nested(key, name), query);
                }
            }
        }

        impl ToQuery for ::serde_json::Map<::std::string::String, ::serde_json::Value> {
            fn write_query(&self, key: &str, query: &mut QueryString) {
                for (name, value) in self {
                    value.write_query(&nested(key, name), query);
                }
            }
        }

        impl ToQuery for ::serde_json::Value {
            fn write_query(&self, key: &str, query: &mut QueryString) {
                match self {
                    ::serde_json::Value::Null => {}
                    ::serde_json::Value::Object(map) => map.write_query(key, query),
                    ::serde_json::Value::Array(items) => items.write_query(key, query),
                    scalar => {
                        if let ::std::option::Option::Some(text) = scalar.query_scalar() {
                            query.push(key, &text);
                        }
                    }
                }
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                match self {
                    ::serde_json::Value::String(s) => ::std::option::Option::Some(::std::borrow::Cow::Borrowed(s)),
                    ::serde_json::Value::Number(n) => ::std::option::Option::Some(::std::borrow::Cow::Owned(n.to_string())),
                    ::serde_json::Value::Bool(b) => ::std::option::Option::Some(::std::borrow::Cow::Owned(b.to_string())),
                    _ => ::std::option::Option::None,
                }
            }
        }

        /// A `Cookie` header built from cookie parameters.
        #[derive(::std::fmt::Debug, ::std::default::Default)]
        pub struct CookieString {
            encoded: ::std::string::String,
        }

        impl CookieString {
            /// An empty cookie list.
            pub fn new() -> Self {
                Self::default()
            }

            /// Appends `name=value` (the value percent-encoded).
            pub fn push<T: ToQuery + ?::std::marker::Sized>(&mut self, name: &str, value: &T) {
                if let ::std::option::Option::Some(text) = value.query_scalar() {
                    if !self.encoded.is_empty() {
                        self.encoded.push_str("; ");
                    }
                    let _ = ::std::write!(self.encoded, "{}={}", name, ::percent_encoding::utf8_percent_encode(&text, UNRESERVED));
                }
            }

            /// The header value.
            pub fn as_str(&self) -> &str {
                &self.encoded
            }

            /// No cookie was written.
            pub fn is_empty(&self) -> bool {
                self.encoded.is_empty()
            }
        }
    }
}
