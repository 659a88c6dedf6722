//! The client: configuration, authentication, per-request options, and sending with
//! retries, timeouts and a bounded body. What differs between APIs (base URL,
//! authentication, environment variables, retry policy) comes from `settings.rs`.

use crate::auth::{Credentials, Need, Requirement, Secret, TokenSource};
use crate::error::Error;
use crate::query::QueryString;
use crate::redirect;
use crate::response::{ApiResponse, Call, RawResponse};
use crate::settings;
use crate::streams::Replay;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// When a failed attempt is tried again (the crate's `settings.rs` holds its values).
pub(crate) struct RetryPolicy {
    /// Backoff never waits longer than this.
    pub(crate) max_delay: Duration,
    /// Up to this fraction of each backoff is taken off at random.
    pub(crate) jitter: f64,
    /// Statuses retried besides connection errors and timeouts.
    pub(crate) statuses: &'static [u16],
    /// Every 5xx is retried.
    pub(crate) server_errors: bool,
    /// A response header whose `true`/`false` overrides the status rule.
    pub(crate) should_retry_header: Option<&'static str>,
    /// A server's `Retry-After` is honoured when it asks for more than 0 and at most this.
    pub(crate) max_retry_after: Duration,
}

/// A client of the API. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    /// `base_url` parsed once: its origin is the only one credentials are sent to.
    base: Arc<reqwest::Url>,
    credentials: Arc<Credentials>,
    timeout: Option<Duration>,
    idle_timeout: Duration,
    max_retries: u32,
    retry_initial_delay: Duration,
    max_body_bytes: usize,
    page_concurrency: usize,
    max_pages: u64,
    extra_headers: Arc<HeaderMap>,
    extra_query: Arc<Vec<(String, String)>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("page_concurrency", &self.page_concurrency)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

/// The pages a `*_stream` walks at most, unless [`ClientBuilder::max_pages`] says otherwise.
const DEFAULT_MAX_PAGES: u64 = 10_000;

/// A request as a generated method builds it: the request, and the upload whose body each
/// attempt sends (a request with an upload is built without a body).
pub(crate) struct Prepared {
    request: RequestBuilder,
    upload: Option<Replay>,
}

impl From<RequestBuilder> for Prepared {
    fn from(request: RequestBuilder) -> Self {
        Prepared {
            request,
            upload: None,
        }
    }
}

impl From<(RequestBuilder, Replay)> for Prepared {
    fn from((request, upload): (RequestBuilder, Replay)) -> Self {
        Prepared {
            request,
            upload: Some(upload),
        }
    }
}

impl Client {
    /// A builder with the defaults: the spec's base URL, the crate's timeouts and retries
    /// ([`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT), [`DEFAULT_MAX_RETRIES`](crate::DEFAULT_MAX_RETRIES)...).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: each credential from its variables (the
    /// API key from [`ENV_API_KEY`](crate::ENV_API_KEY); the crate docs list the others),
    /// those set, and the base URL from [`ENV_BASE_URL`](crate::ENV_BASE_URL) (optional).
    /// Fails when the API needs a credential and none is set.
    pub fn from_env() -> Result<Self, Error> {
        let mut builder = Self::builder();
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        for (index, spec) in settings::CREDENTIALS.iter().enumerate() {
            let secret = match (spec.env, &spec.sent) {
                ([key], _) => var(key).map(Secret::Key),
                ([first, second], crate::auth::Sent::Basic) => var(first)
                    .zip(var(second))
                    .map(|(user, password)| Secret::Basic { user, password }),
                ([first, second], _) => var(first)
                    .zip(var(second))
                    .map(|(id, secret)| Secret::ClientCredentials { id, secret }),
                _ => None,
            };
            if let Some(secret) = secret {
                builder = builder.credential(index, secret);
            }
        }
        if builder.credentials.iter().all(Option::is_none) && needs_credentials() {
            let names: Vec<&str> = settings::CREDENTIALS
                .iter()
                .flat_map(|spec| spec.env.iter().copied())
                .collect();
            return Err(Error::Config(format!(
                "no credential in the environment: set {}",
                names.join(" or ")
            )));
        }
        if let Some(url) = var(settings::ENV_BASE_URL) {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// The base URL requests are sent to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A client that applies `options` to every request it sends (a cheap clone sharing
    /// this client's connection pool).
    pub fn with_options(&self, options: RequestOptions) -> Self {
        let mut client = self.clone();
        if let Some(timeout) = options.timeout {
            client.timeout = Some(timeout);
        }
        if let Some(retries) = options.max_retries {
            client.max_retries = retries;
        }
        if let Some(concurrency) = options.page_concurrency {
            client.page_concurrency = concurrency.max(1);
        }
        if let Some(pages) = options.max_pages {
            client.max_pages = pages.max(1);
        }
        let mut headers = (*client.extra_headers).clone();
        headers.extend(options.headers);
        client.extra_headers = Arc::new(headers);
        let mut query = (*client.extra_query).clone();
        query.extend(options.query);
        client.extra_query = Arc::new(query);
        client
    }

    /// How many pages the `*_stream` methods fetch at once (1: one after the other).
    pub fn page_concurrency(&self) -> usize {
        self.page_concurrency
    }

    /// The most pages a `*_stream` method fetches; past it the stream ends with
    /// [`Error::Pagination`](crate::Error::Pagination).
    pub fn max_pages(&self) -> u64 {
        self.max_pages
    }

    /// Starts a request to `path` (already encoded) with `query`, accepting the media types
    /// `accept` lists (an `Accept` header set by the caller wins).
    pub(crate) fn request(
        &self,
        method: Method,
        path: &str,
        query: &QueryString,
        accept: &str,
    ) -> Result<RequestBuilder, Error> {
        let mut url =
            String::with_capacity(self.base_url.len() + path.len() + 1 + query.as_str().len());
        url.push_str(&self.base_url);
        url.push_str(path);
        let mut query = std::borrow::Cow::Borrowed(query);
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
        let url = reqwest::Url::parse(&url)
            .map_err(|e| Error::InvalidRequest(format!("invalid URL {url:?}: {e}")))?;
        Ok(self.start(method, url, accept, true))
    }

    /// A request to `url` with the headers every request gets; `credentials`: the
    /// API's own origin, which alone gets the headers the caller marked sensitive (the spec's
    /// credentials are added when the request is sent, to the API's origin only).
    pub(crate) fn start(
        &self,
        method: Method,
        url: reqwest::Url,
        accept: &str,
        credentials: bool,
    ) -> RequestBuilder {
        let mut request = self
            .http
            .request(method, url)
            .header(reqwest::header::ACCEPT, accept);
        if !self.extra_headers.is_empty() {
            let mut headers = (*self.extra_headers).clone();
            if !credentials {
                crate::redirect::strip_credentials(&mut headers);
            }
            request = request.headers(headers);
        }
        request
    }

    /// What every generated method does: builds its request now (`build`), and when the
    /// call is awaited sends it and decodes the response (`decode`, a match on the status).
    /// Generated code is then plain functions, not a state machine per operation.
    /// `security` is the operation's requirement: the credentials are chosen (or the call
    /// refused) before anything is sent.
    #[allow(dead_code)] // a feature whose operations all stream uses `call_streaming` only
    pub(crate) fn call<T: Send + 'static, R: Into<Prepared>>(
        &self,
        template: &'static str,
        security: Requirement,
        build: impl FnOnce() -> Result<R, Error>,
        decode: fn(RawResponse) -> Result<ApiResponse<T>, Error>,
    ) -> Call<'_, T> {
        let request = build().map(Into::into);
        Call::new(
            Box::pin(self.send_built(template, security, request, false)),
            decode,
        )
    }

    /// [`call`](Self::call) for an operation whose success body is read as it arrives
    /// (a download, server-sent events): a success is handed over once its headers are
    /// in, and never retried after that; the per-attempt timeout covers the wait for the
    /// headers, the idle timeout each wait for a chunk.
    #[allow(dead_code)] // used by specs with downloads or server-sent events
    pub(crate) fn call_streaming<T: Send + 'static, R: Into<Prepared>>(
        &self,
        template: &'static str,
        security: Requirement,
        build: impl FnOnce() -> Result<R, Error>,
        decode: fn(RawResponse) -> Result<ApiResponse<T>, Error>,
    ) -> Call<'_, T> {
        let request = build().map(Into::into);
        Call::new(
            Box::pin(self.send_built(template, security, request, true)),
            decode,
        )
    }

    /// [`send`](Self::send) of a request that may have failed to build. Not generic: one
    /// future type for every operation (an `async` block in [`call`](Self::call) would be a
    /// type of its own per operation, each compiled on its own).
    async fn send_built(
        &self,
        template: &'static str,
        security: Requirement,
        request: Result<Prepared, Error>,
        streaming: bool,
    ) -> Result<RawResponse, Error> {
        self.send(template, security, request?, streaming).await
    }

    /// Whether `url` is on the API's origin, the only one credentials are sent to.
    fn is_api_origin(&self, url: &reqwest::Url) -> bool {
        redirect::same_origin(&self.base, url)
    }

    /// Sends a request with the credentials `security` asks for, retrying as the policy
    /// allows, and reads the whole body up to the configured limit. `template` is the spec's
    /// path, for tracing. A 401 to a request that carried an OAuth2 token renews the token and
    /// sends the request once more (not counted as a retry).
    async fn send(
        &self,
        template: &'static str,
        security: Requirement,
        prepared: Prepared,
        streaming: bool,
    ) -> Result<RawResponse, Error> {
        let Prepared {
            request,
            mut upload,
        } = prepared;
        let request = request.build().map_err(from_reqwest)?;
        // Each attempt's request carries the timeout (reqwest's, over the headers and the
        // body), but not when the body is streamed: its wait for the headers is bounded in
        // `attempt`, each chunk by the idle timeout.
        let timeout = self.timeout.filter(|_| !streaming);
        let needs = if self.is_api_origin(request.url()) {
            self.credentials.choose(security)?
        } else {
            &[]
        };
        let mut renewed = false;
        let mut attempt: u32 = 0;
        loop {
            let span = tracing::debug_span!(
                "http_request",
                method = %request.method(),
                path = template,
                attempt,
                status = tracing::field::Empty,
            );
            // Bodies are buffered bytes, or an upload's, set for each attempt: a request can
            // always be cloned.
            let mut this_attempt = copy_request(&request, timeout).ok_or_else(|| {
                Error::InvalidRequest("the request body cannot be resent".to_owned())
            })?;
            if let Some(upload) = &mut upload {
                let Some((body, length)) = upload.next_body()? else {
                    return Err(Error::InvalidRequest(
                        "the upload's stream cannot be sent again".to_owned(),
                    ));
                };
                *this_attempt.body_mut() = Some(body);
                if let Some(length) = length {
                    this_attempt
                        .headers_mut()
                        .insert(reqwest::header::CONTENT_LENGTH, length.into());
                }
            }
            // A stream is sent once: its request is neither renewed nor retried.
            let replayable = upload.as_ref().is_none_or(Replay::replayable);
            let tokens = self.credentials.apply(needs, &mut this_attempt).await?;
            // Without an upload, the request a redirect needs is this one again: built when a
            // redirect comes (rarely) rather than cloned for every attempt.
            let again = upload.is_none().then_some((&request, needs));
            let result = tracing::Instrument::instrument(
                self.attempt(this_attempt, again, streaming, timeout),
                span.clone(),
            )
            .await;
            if !renewed
                && replayable
                && !tokens.is_empty()
                && matches!(&result, Ok(r) if r.status() == StatusCode::UNAUTHORIZED)
            {
                renewed = true;
                tokens.iter().for_each(crate::auth::SentToken::refuse);
                tracing::debug!(parent: &span, "token refused: renewing it");
                continue;
            }
            let retry = match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    should_retry_response(&settings::RETRY, response.status(), response.headers())
                }
                Err(error) => is_retryable(error),
            };
            if !retry || !replayable || attempt >= self.max_retries {
                return result;
            }
            let headers = result.as_ref().ok().map(RawResponse::headers);
            let delay = retry_delay(
                &settings::RETRY,
                attempt,
                self.retry_initial_delay,
                headers,
                jitter(),
            );
            tracing::debug!(parent: &span, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt: the request, and the redirects it meets (followed here, not by reqwest,
    /// so that credentials never leave the API's origin: see `redirect.rs`). `again`: the
    /// request before credentials and the credentials it carries, from which the first hop
    /// rebuilds it with `timeout`, as the attempt's has; without it (an upload), each hop
    /// keeps a clone.
    async fn attempt(
        &self,
        request: reqwest::Request,
        again: Option<(&reqwest::Request, &'static [Need])>,
        streaming: bool,
        timeout: Option<Duration>,
    ) -> Result<RawResponse, Error> {
        let mut request = request;
        let mut hops = 0;
        let mut response = loop {
            // Bodies are buffered bytes, so the request can be kept for a redirect.
            let kept = match again {
                Some(_) if hops == 0 => None,
                _ => request.try_clone(),
            };
            let sent = self.http.execute(request);
            let response = match (streaming, self.timeout) {
                (true, Some(limit)) => tokio::time::timeout(limit, sent)
                    .await
                    .map_err(|_| Error::Idle(limit))?,
                _ => sent.await,
            }
            .map_err(from_reqwest)?;
            let Some(location) = redirect::location(&response) else {
                break response;
            };
            let previous = match (kept, again) {
                (Some(previous), _) => previous,
                (None, Some((unsent, needs))) if hops == 0 => {
                    let Some(mut previous) = copy_request(unsent, timeout) else {
                        break response;
                    };
                    self.credentials.apply(needs, &mut previous).await?;
                    previous
                }
                _ => break response,
            };
            hops += 1;
            if hops > redirect::MAX_HOPS {
                return Err(Error::Redirect(format!(
                    "more than {} redirects in a row",
                    redirect::MAX_HOPS
                )));
            }
            request = redirect::follow(previous, response.status(), &location)?;
        };
        let status = response.status();
        let limit = self.max_body_bytes;
        if streaming && status.is_success() {
            let headers = std::mem::take(response.headers_mut());
            let streaming = crate::response::Streaming {
                response,
                idle: self.idle_timeout,
                max_body_bytes: limit,
            };
            return Ok(RawResponse::streaming(status, headers, streaming));
        }
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(Error::BodyTooLarge { status, limit });
        }
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(from_reqwest)? {
            if body.len() + chunk.len() > limit {
                return Err(Error::BodyTooLarge { status, limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse::new(status, headers, body))
    }
}

/// Configures a [`Client`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    /// By index in `settings::CREDENTIALS`.
    credentials: Vec<Option<Secret>>,
    token_source: Option<Arc<dyn TokenSource>>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    idle_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    retry_initial_delay: Option<Duration>,
    max_body_bytes: Option<usize>,
    page_concurrency: Option<usize>,
    max_pages: Option<u64>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "credentials",
                &settings::CREDENTIALS
                    .iter()
                    .zip(&self.credentials)
                    .filter(|(_, secret)| secret.is_some())
                    .map(|(spec, _)| spec.setter)
                    .collect::<Vec<_>>(),
            )
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API key: the credential of the spec's main security scheme (the crate docs say
    /// which and how it is sent; never logged).
    pub fn api_key(self, key: impl Into<String>) -> Self {
        match settings::DEFAULT_CREDENTIAL {
            Some(index) => self.credential(index, Secret::Key(key.into())),
            None => self,
        }
    }

    /// Sets the credential at `index` of `settings::CREDENTIALS` (the generated setters).
    pub(crate) fn credential(mut self, index: usize, secret: Secret) -> Self {
        if self.credentials.len() <= index {
            self.credentials.resize(index + 1, None);
        }
        self.credentials[index] = Some(secret);
        self
    }

    /// Tokens from your own [`TokenSource`](crate::TokenSource) (an authorization-code flow,
    /// a secrets vault...) for the API's OAuth2 or bearer credential; each is sent as
    /// `Authorization: Bearer`, and a 401 asks the source for a fresh one once.
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.token_source = Some(Arc::new(source));
        self
    }

    /// The base URL, such as the default or a test server's (a trailing `/` is ignored).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The time allowed for one attempt, from sending to the end of the body
    /// (default [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest pause between two chunks of a body read as it arrives (a download,
    /// server-sent events), which have no whole-body timeout (default: the
    /// [`timeout`](Self::timeout)); past it the stream ends with
    /// [`Error::Idle`](crate::Error::Idle).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// The time allowed to connect (default [`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT)).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Retries after a failed first attempt (default
    /// [`DEFAULT_MAX_RETRIES`](crate::DEFAULT_MAX_RETRIES); 0 turns retries off).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The delay before the first retry, doubled for each further one up to the policy's
    /// cap (default [`DEFAULT_RETRY_INITIAL_DELAY`](crate::DEFAULT_RETRY_INITIAL_DELAY)).
    /// `Retry-After` from the server takes precedence.
    pub fn retry_initial_delay(mut self, delay: Duration) -> Self {
        self.retry_initial_delay = Some(delay);
        self
    }

    /// The largest response body read; a larger one is an
    /// [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = Some(limit);
        self
    }

    /// How many pages the `*_stream` methods fetch at once once the page count is known
    /// (default 1: one after the other). Items still arrive in page order.
    pub fn page_concurrency(mut self, pages: usize) -> Self {
        self.page_concurrency = Some(pages);
        self
    }

    /// The most pages a `*_stream` method fetches (default 10,000); past it the stream ends
    /// with [`Error::Pagination`](crate::Error::Pagination), so that a server that never
    /// says "last page" cannot keep a stream going forever.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Replaces the `User-Agent` (default: this crate's name and version).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses a `reqwest::Client` you configured (proxies, TLS...); the connect timeout and
    /// user agent of this builder then do not apply. Build it with
    /// `.redirect(reqwest::redirect::Policy::none())`: this client follows redirects itself,
    /// removing credentials on a hop to another origin, which reqwest's own policy does only
    /// for `Authorization` and cookies.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(mut self) -> Result<Client, Error> {
        if let Some(source) = self.token_source.take() {
            let Some(index) = settings::TOKEN_CREDENTIAL else {
                return Err(Error::Config(
                    "a token source was given, but the API takes no OAuth2 or bearer token"
                        .to_owned(),
                ));
            };
            self = self.credential(index, Secret::Tokens(source));
        }
        if self.credentials.iter().all(Option::is_none) && needs_credentials() {
            return Err(Error::Config(format!(
                "no credential: the API needs {}",
                crate::auth::describe(settings::SECURITY)
            )));
        }
        let base_url = match self.base_url.as_deref().or(settings::DEFAULT_BASE_URL) {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                return Err(Error::Config(
                    "no base URL: call `ClientBuilder::base_url`".to_owned(),
                ))
            }
        };
        let base = match reqwest::Url::parse(&base_url) {
            Ok(url) if url.scheme() == "https" || url.scheme() == "http" => url,
            _ => {
                return Err(Error::Config(format!(
                    "base URL {base_url:?} is not an absolute http(s) URL"
                )))
            }
        };
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(
                    self.connect_timeout
                        .unwrap_or(settings::DEFAULT_CONNECT_TIMEOUT),
                )
                .user_agent(self.user_agent.as_deref().unwrap_or(USER_AGENT))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let timeout = self.timeout.unwrap_or(settings::DEFAULT_TIMEOUT);
        let credentials = Credentials::new(self.credentials, &http, &base_url, timeout)?;
        Ok(Client {
            http,
            base_url,
            base: Arc::new(base),
            credentials: Arc::new(credentials),
            timeout: Some(timeout),
            idle_timeout: self.idle_timeout.unwrap_or(timeout),
            max_retries: self.max_retries.unwrap_or(settings::DEFAULT_MAX_RETRIES),
            retry_initial_delay: self
                .retry_initial_delay
                .unwrap_or(settings::DEFAULT_RETRY_INITIAL_DELAY),
            max_body_bytes: self
                .max_body_bytes
                .unwrap_or(settings::DEFAULT_MAX_BODY_BYTES),
            page_concurrency: self.page_concurrency.unwrap_or(1).max(1),
            max_pages: self.max_pages.unwrap_or(DEFAULT_MAX_PAGES).max(1),
            extra_headers: Arc::default(),
            extra_query: Arc::default(),
        })
    }
}

/// Standard base64 with padding (RFC 4648), for Basic credentials.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Whether the API's main requirement (the spec's top-level `security`) needs a credential:
/// then a client without any is a mistake caught when it is built.
fn needs_credentials() -> bool {
    !settings::CREDENTIALS.is_empty()
        && !settings::SECURITY.is_empty()
        && settings::SECURITY
            .iter()
            .all(|alternative| !alternative.is_empty())
}

/// Options for the requests of one [`Client::with_options`] clone.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Overrides the time allowed per attempt.
    pub timeout: Option<Duration>,
    /// Overrides the number of retries.
    pub max_retries: Option<u32>,
    /// Overrides the page concurrency of `*_stream` methods.
    pub page_concurrency: Option<usize>,
    /// Overrides the most pages a `*_stream` method fetches.
    pub max_pages: Option<u64>,
    /// Headers added to every request (replacing generated ones of the same name).
    pub headers: HeaderMap,
    /// Query pairs appended to every request.
    pub query: Vec<(String, String)>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The time allowed per attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries after a failed first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Pages fetched at once by `*_stream` methods.
    pub fn page_concurrency(mut self, pages: usize) -> Self {
        self.page_concurrency = Some(pages);
        self
    }

    /// The most pages a `*_stream` method fetches.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Adds a header; an invalid name or value is ignored with a `tracing` warning.
    pub fn header(self, name: &str, value: &str) -> Self {
        self.add_header(name, value, false)
    }

    /// Adds a header that carries a credential: never shown in `Debug` output, and removed
    /// when a redirect leads to another origin.
    pub fn sensitive_header(self, name: &str, value: &str) -> Self {
        self.add_header(name, value, true)
    }

    fn add_header(mut self, name: &str, value: &str, sensitive: bool) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(mut value)) => {
                value.set_sensitive(sensitive);
                self.headers.insert(name, value);
            }
            _ => tracing::warn!(header = name, "ignoring an invalid header"),
        }
        self
    }

    /// Appends a query pair (encoded like every other query value).
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }
}

/// A copy of `request` for one attempt, with `timeout`; `None` when its body cannot be
/// copied. Requests are built without a timeout and each copy gets its own: reqwest keeps a
/// timeout in the request's extensions, a map of their own, and `Request::try_clone` sets the
/// copy's and then replaces the copy's extensions by a clone of the original's (with the
/// timeout set on the builder, 6 of the 82 allocations of a small GET). Without a body,
/// method, URL, headers, version and timeout are the whole request: the timeout is the only
/// extension reqwest lets a caller set.
pub(crate) fn copy_request(
    request: &reqwest::Request,
    timeout: Option<Duration>,
) -> Option<reqwest::Request> {
    let mut copy = if request.body().is_some() {
        request.try_clone()?
    } else {
        let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
        *copy.headers_mut() = request.headers().clone();
        *copy.version_mut() = request.version();
        copy
    };
    // Even `None` would make the extensions' map.
    if timeout.is_some() {
        *copy.timeout_mut() = timeout;
    }
    Some(copy)
}

// Free functions rather than methods of `Error`: a crate whose types are split into crates
// of their own (`Error` in the common one) cannot add methods to it.

/// Classifies a `reqwest` error: timeouts are their own kind.
pub(crate) fn from_reqwest(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        Error::Timeout(error)
    } else {
        Error::Transport(error)
    }
}

/// Connection errors (refused, reset, closed mid-body) and timeouts are retried.
/// Reading a body cut short surfaces as a `decode` error of reqwest (the client decodes
/// JSON itself, so that kind means the bytes never arrived).
fn is_retryable(error: &Error) -> bool {
    match error {
        Error::Timeout(_) | Error::Idle(_) => true,
        Error::Transport(e) => e.is_connect() || e.is_request() || e.is_body() || e.is_decode(),
        _ => false,
    }
}

/// Whether a response is worth another attempt: the policy's override header decides when
/// present, else its statuses (and every 5xx, if it says so) are retried and no other.
pub(crate) fn should_retry_response(
    policy: &RetryPolicy,
    status: StatusCode,
    headers: &HeaderMap,
) -> bool {
    if let Some(name) = policy.should_retry_header {
        match headers.get(name).and_then(|v| v.to_str().ok()) {
            Some("true") => return true,
            Some("false") => return false,
            _ => {}
        }
    }
    policy.statuses.contains(&status.as_u16()) || (policy.server_errors && status.is_server_error())
}

/// The wait before retry number `attempt + 1`: the server's `retry-after-ms` or
/// `Retry-After` when it asks for more than 0 and at most the policy allows, else
/// exponential backoff from `initial` up to the policy's cap, minus `jitter` (a number in
/// [0, 1)) times the policy's jitter fraction.
pub(crate) fn retry_delay(
    policy: &RetryPolicy,
    attempt: u32,
    initial: Duration,
    headers: Option<&HeaderMap>,
    jitter: f64,
) -> Duration {
    if let Some(asked) = headers.and_then(retry_after) {
        if asked > Duration::ZERO && asked <= policy.max_retry_after {
            return asked;
        }
    }
    let backoff = initial
        .saturating_mul(1u32 << attempt.min(16))
        .min(policy.max_delay);
    backoff.mul_f64(1.0 - policy.jitter * jitter)
}

/// `retry-after-ms` (milliseconds), else `Retry-After` (seconds, possibly fractional, or an
/// HTTP date); a date in the past gives zero.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Duration::try_from_secs_f64(ms / 1000.0).ok();
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

/// A number in [0, 1) that differs between calls (randomly seeded hashing from std, so no
/// random-number crate is needed for jitter).
fn jitter() -> f64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}
