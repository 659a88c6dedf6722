//! Credentials: which ones a client holds, which an operation needs (its security requirement
//! in the spec), and how each is sent. The spec's schemes are merged into credentials by the
//! generator (two bearer schemes are one API key) and listed in `settings.rs`; this file
//! only applies them. OAuth2 client-credentials tokens are fetched from the token endpoint,
//! cached per scope set until shortly before they expire, and shared by concurrent calls.

use crate::error::{printable, Error};
use crate::settings;
use reqwest::header::{self, HeaderName, HeaderValue};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How a credential is sent.
#[allow(dead_code)] // the variants a crate builds depend on its spec
pub(crate) enum Sent {
    /// In a header (lowercase name), its value after a prefix (`Bearer `, or none).
    Header(&'static str, &'static str),
    /// `Authorization: Basic`, from a user name and a password.
    Basic,
    /// As a query parameter.
    Query(&'static str),
    /// As a cookie.
    Cookie(&'static str),
    /// `Authorization: Bearer` with a token of an OAuth2 flow: fetched with a client id and
    /// secret (client credentials), or from a [`TokenSource`].
    OAuth {
        token_url: TokenUrl,
        /// The client id and secret go in the form, not as HTTP Basic.
        secret_in_form: bool,
    },
}

/// Where an OAuth2 token endpoint is.
#[allow(dead_code)] // used by specs with an OAuth2 client-credentials flow
pub(crate) enum TokenUrl {
    /// Under the client's base URL (the spec's token URL starts with one of its servers).
    Base(&'static str),
    /// Elsewhere, as the spec gives it.
    Absolute(&'static str),
}

/// A credential of the spec (`settings::CREDENTIALS`): the security schemes it stands for,
/// the `ClientBuilder` method that sets it, the variables `Client::from_env` reads it from,
/// and how it is sent.
pub(crate) struct CredentialSpec {
    /// The spec's scheme names, for errors (`bearerAuth, BearerAuth`).
    pub(crate) schemes: &'static str,
    pub(crate) setter: &'static str,
    /// One variable (a key, a token), or two (user name and password; client id and secret).
    pub(crate) env: &'static [&'static str],
    pub(crate) sent: Sent,
}

/// One credential an operation needs, with the OAuth2 scopes it asks for.
pub(crate) struct Need {
    /// Its index in `settings::CREDENTIALS`.
    pub(crate) credential: usize,
    pub(crate) scopes: &'static [&'static str],
}

/// An operation's security requirement: alternatives, each a set of credentials sent
/// together (an empty one: none needed). No alternative at all: sent without credentials.
pub(crate) type Requirement = &'static [&'static [Need]];

/// The future a [`TokenSource`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, Error>> + Send + 'a>>;

/// Supplies OAuth2 access tokens, sent as `Authorization: Bearer <token>`. The client's own
/// runs the client-credentials flow (`ClientBuilder::oauth_client_credentials`, where the spec
/// has one); a program with tokens from elsewhere (an authorization-code flow, a vault)
/// gives its own to `ClientBuilder::token_source`.
pub trait TokenSource: Send + Sync + 'static {
    /// A token for `scopes` (those the operation's requirement names; often none).
    fn token<'a>(&'a self, scopes: &'a [&'static str]) -> TokenFuture<'a>;

    /// The server refused `token` (a 401): the next [`token`](Self::token) for `scopes`
    /// should be a fresh one. The request is then sent once more.
    fn invalidate(&self, scopes: &[&'static str], token: &str) {
        let _ = (scopes, token);
    }
}

/// A credential's value, as given to the builder.
#[derive(Clone)]
pub(crate) enum Secret {
    /// A key or a token, sent as is (after the scheme's prefix).
    Key(String),
    Basic {
        user: String,
        password: String,
    },
    ClientCredentials {
        id: String,
        secret: String,
    },
    Tokens(Arc<dyn TokenSource>),
}

/// A credential as the client holds it, ready to send.
#[derive(Clone)]
enum Held {
    /// The header value or query/cookie value, marked sensitive.
    Value(HeaderValue),
    Tokens(Arc<dyn TokenSource>),
}

/// The credentials a client holds, by index in `settings::CREDENTIALS`.
#[derive(Clone, Default)]
pub(crate) struct Credentials {
    held: Vec<Option<Held>>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Which credentials, never their values.
        f.debug_map()
            .entries(
                self.held
                    .iter()
                    .zip(settings::CREDENTIALS)
                    .filter(|(held, _)| held.is_some())
                    .map(|(_, spec)| (spec.setter, format_args!("<redacted>"))),
            )
            .finish()
    }
}

/// A token an attempt sent, to refuse it after a 401.
pub(crate) struct SentToken {
    source: Arc<dyn TokenSource>,
    scopes: &'static [&'static str],
    token: String,
}

impl Credentials {
    /// Turns what the builder was given into credentials ready to send; OAuth2 client ids
    /// and secrets become token sources using `http` and the client's base URL.
    pub(crate) fn new(
        given: Vec<Option<Secret>>,
        http: &reqwest::Client,
        base_url: &str,
        timeout: Duration,
    ) -> Result<Self, Error> {
        let mut held = Vec::with_capacity(settings::CREDENTIALS.len());
        for (spec, secret) in settings::CREDENTIALS.iter().zip(
            given
                .into_iter()
                .chain(std::iter::repeat(None))
                .take(settings::CREDENTIALS.len()),
        ) {
            held.push(match secret {
                None => None,
                Some(secret) => Some(hold(spec, secret, http, base_url, timeout)?),
            });
        }
        Ok(Self { held })
    }

    /// The alternative of `requirement` to send: the first one (in spec order) that needs
    /// credentials and whose credentials are all held; else one that needs none; else an
    /// error naming what the operation takes, before anything is sent.
    pub(crate) fn choose(&self, requirement: Requirement) -> Result<&'static [Need], Error> {
        if requirement.is_empty() {
            return Ok(&[]);
        }
        let has = |need: &Need| matches!(self.held.get(need.credential), Some(Some(_)));
        if let Some(alternative) = requirement
            .iter()
            .find(|alternative| !alternative.is_empty() && alternative.iter().all(has))
        {
            return Ok(alternative);
        }
        if requirement.iter().any(|alternative| alternative.is_empty()) {
            return Ok(&[]);
        }
        Err(Error::Auth(format!(
            "this operation needs {}",
            describe(requirement)
        )))
    }

    /// Adds the credentials of `needs` to `request` (fetching tokens as needed), and
    /// returns the tokens sent.
    pub(crate) async fn apply(
        &self,
        needs: &'static [Need],
        request: &mut reqwest::Request,
    ) -> Result<Vec<SentToken>, Error> {
        let mut tokens = Vec::new();
        for need in needs {
            let (Some(spec), Some(Some(held))) = (
                settings::CREDENTIALS.get(need.credential),
                self.held.get(need.credential),
            ) else {
                continue;
            };
            let value = match held {
                Held::Value(value) => value.clone(),
                Held::Tokens(source) => {
                    let token = source.token(need.scopes).await?;
                    let value = sensitive(&format!("Bearer {token}"))?;
                    tokens.push(SentToken {
                        source: Arc::clone(source),
                        scopes: need.scopes,
                        token,
                    });
                    value
                }
            };
            send(spec, value, request);
        }
        Ok(tokens)
    }
}

impl SentToken {
    /// Tells the token's source the server refused it.
    pub(crate) fn refuse(&self) {
        self.source.invalidate(self.scopes, &self.token);
    }
}

/// What `requirement` takes, for an error: `` `api_key` (bearerAuth) or `oauth_client_credentials` (oauth) ``.
pub(crate) fn describe(requirement: Requirement) -> String {
    let alternatives: Vec<String> = requirement
        .iter()
        .map(|alternative| {
            let needs: Vec<String> = alternative
                .iter()
                .filter_map(|need| settings::CREDENTIALS.get(need.credential))
                .map(|spec| format!("`ClientBuilder::{}` ({})", spec.setter, spec.schemes))
                .collect();
            needs.join(" and ")
        })
        .collect();
    alternatives.join(", or ")
}

/// A credential value ready to send.
fn hold(
    spec: &CredentialSpec,
    secret: Secret,
    http: &reqwest::Client,
    base_url: &str,
    timeout: Duration,
) -> Result<Held, Error> {
    let invalid = || {
        Error::Config(format!(
            "the credential for {} has invalid characters (a header cannot carry them)",
            spec.schemes
        ))
    };
    Ok(match (&spec.sent, secret) {
        (_, Secret::Tokens(source)) => Held::Tokens(source),
        (
            Sent::OAuth {
                token_url,
                secret_in_form,
            },
            Secret::ClientCredentials { id, secret },
        ) => {
            let url = match token_url {
                TokenUrl::Base(path) => format!("{base_url}{path}"),
                TokenUrl::Absolute(url) => (*url).to_owned(),
            };
            let url = reqwest::Url::parse(&url)
                .map_err(|e| Error::Config(format!("the token URL {url:?} is invalid: {e}")))?;
            // The secret is never sent in clear, but to this machine (a test server).
            let loopback = url.host_str().is_some_and(|host| {
                host == "localhost"
                    || host
                        .trim_matches(['[', ']'])
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback())
            });
            if url.scheme() != "https" && !loopback {
                return Err(Error::Config(format!(
                    "the token URL {url} is not https: the client secret would be sent in clear"
                )));
            }
            Held::Tokens(Arc::new(ClientCredentials {
                http: http.clone(),
                url,
                id,
                secret,
                secret_in_form: *secret_in_form,
                timeout,
                cache: Mutex::default(),
                fetching: tokio::sync::Mutex::new(()),
            }))
        }
        (Sent::Basic, Secret::Basic { user, password }) => Held::Value(
            sensitive(&format!(
                "Basic {}",
                crate::client::base64(format!("{user}:{password}").as_bytes())
            ))
            .map_err(|_| invalid())?,
        ),
        // A basic credential given as one `user:password` string (`api_key`).
        (Sent::Basic, Secret::Key(key)) => {
            let (user, password) = key.split_once(':').unwrap_or((&key, ""));
            return hold(
                spec,
                Secret::Basic {
                    user: user.to_owned(),
                    password: password.to_owned(),
                },
                http,
                base_url,
                timeout,
            );
        }
        (Sent::Header(_, prefix), Secret::Key(key)) => {
            Held::Value(sensitive(&format!("{prefix}{key}")).map_err(|_| invalid())?)
        }
        // A token obtained elsewhere for an OAuth2 credential.
        (Sent::OAuth { .. }, Secret::Key(token)) => {
            Held::Value(sensitive(&format!("Bearer {token}")).map_err(|_| invalid())?)
        }
        (Sent::Query(_), Secret::Key(key)) | (Sent::Cookie(_), Secret::Key(key)) => {
            Held::Value(sensitive(&key).map_err(|_| invalid())?)
        }
        (_, _) => {
            return Err(Error::Config(format!(
                "{} does not take this kind of credential",
                spec.schemes
            )))
        }
    })
}

fn sensitive(value: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| Error::Config("a credential has invalid characters".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Puts one credential's value where its scheme says.
fn send(spec: &CredentialSpec, value: HeaderValue, request: &mut reqwest::Request) {
    match spec.sent {
        Sent::Header(name, _) => {
            if let Ok(name) = HeaderName::from_bytes(name.as_bytes()) {
                request.headers_mut().insert(name, value);
            }
        }
        Sent::Basic | Sent::OAuth { .. } => {
            request.headers_mut().insert(header::AUTHORIZATION, value);
        }
        Sent::Query(name) => {
            if let Ok(key) = value.to_str() {
                request.url_mut().query_pairs_mut().append_pair(name, key);
            }
        }
        Sent::Cookie(name) => {
            let Ok(key) = value.to_str() else { return };
            let cookie = match request
                .headers()
                .get(header::COOKIE)
                .map(HeaderValue::to_str)
            {
                Some(Ok(existing)) if !existing.is_empty() => format!("{existing}; {name}={key}"),
                _ => format!("{name}={key}"),
            };
            if let Ok(mut cookie) = HeaderValue::from_str(&cookie) {
                cookie.set_sensitive(true);
                request.headers_mut().insert(header::COOKIE, cookie);
            }
        }
    }
}

/// The OAuth2 client-credentials flow (RFC 6749 §4.4): a token per scope set, fetched once
/// for all concurrent callers and kept until shortly before it expires.
struct ClientCredentials {
    http: reqwest::Client,
    url: reqwest::Url,
    id: String,
    secret: String,
    secret_in_form: bool,
    timeout: Duration,
    /// Tokens by their space-separated scopes.
    cache: Mutex<HashMap<String, Cached>>,
    /// Held while a token is fetched, so that concurrent callers wait for that one.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Cached {
    token: String,
    /// When to fetch a new one (never, when the server gave no lifetime).
    renew_at: Option<Instant>,
}

/// The largest token response read.
const MAX_TOKEN_RESPONSE: usize = 64 * 1024;

impl ClientCredentials {
    fn cached(&self, key: &str) -> Option<String> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .get(key)
            .filter(|c| c.renew_at.is_none_or(|at| Instant::now() < at))
            .map(|c| c.token.clone())
    }

    async fn fetch(&self, scopes: &str) -> Result<Cached, Error> {
        let mut form = vec![("grant_type", "client_credentials")];
        if !scopes.is_empty() {
            form.push(("scope", scopes));
        }
        if self.secret_in_form {
            form.push(("client_id", &self.id));
            form.push(("client_secret", &self.secret));
        }
        let mut request = self
            .http
            .post(self.url.clone())
            .header(header::ACCEPT, "application/json")
            .form(&form)
            .timeout(self.timeout);
        if !self.secret_in_form {
            request = request.basic_auth(&self.id, Some(&self.secret));
        }
        let started = Instant::now();
        let mut response = request.send().await.map_err(|e| {
            // The URL is the spec's; the error never carries the secret (it is in a header
            // or the body, which reqwest does not print).
            Error::Auth(format!("cannot reach the token endpoint {}: {e}", self.url))
        })?;
        let status = response.status();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Error::Auth(format!("reading the token response: {e}")))?
        {
            if body.len() + chunk.len() > MAX_TOKEN_RESPONSE {
                return Err(Error::Auth("the token response is too large".into()));
            }
            body.extend_from_slice(&chunk);
        }
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let text = |key: &str| json.get(key).and_then(serde_json::Value::as_str);
        if !status.is_success() {
            let reason = [text("error"), text("error_description")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            return Err(Error::Auth(printable(&format!(
                "the token endpoint answered {status}{}{reason}",
                if reason.is_empty() { "" } else { ": " }
            ))));
        }
        let token = text("access_token")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::Auth("the token response has no `access_token`".into()))?;
        let lifetime = json
            .get("expires_in")
            .and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()))
            .and_then(|secs| Duration::try_from_secs_f64(secs).ok());
        Ok(Cached {
            token: token.to_owned(),
            // A lifetime too long to add to a clock is one that never ends.
            renew_at: lifetime
                .and_then(|lifetime| started.checked_add(lifetime - renewal_margin(lifetime))),
        })
    }
}

/// How long before its expiry a token is renewed: a minute, or half its lifetime when that
/// is shorter (a 60-second token is renewed after 30 s).
pub(crate) fn renewal_margin(lifetime: Duration) -> Duration {
    Duration::from_secs(60).min(lifetime / 2)
}

impl TokenSource for ClientCredentials {
    fn token<'a>(&'a self, scopes: &'a [&'static str]) -> TokenFuture<'a> {
        Box::pin(async move {
            let key = scopes.join(" ");
            if let Some(token) = self.cached(&key) {
                return Ok(token);
            }
            let _fetching = self.fetching.lock().await;
            // Another caller may have fetched it while this one waited.
            if let Some(token) = self.cached(&key) {
                return Ok(token);
            }
            let fetched = self.fetch(&key).await?;
            let token = fetched.token.clone();
            self.cache
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key, fetched);
            Ok(token)
        })
    }

    fn invalidate(&self, scopes: &[&'static str], token: &str) {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let key = scopes.join(" ");
        // Only the refused token: another caller may already have renewed it.
        if cache.get(&key).is_some_and(|c| c.token == token) {
            cache.remove(&key);
        }
    }
}
