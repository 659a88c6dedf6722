//! Credentials: every operation sends exactly what its requirement asks for, and nothing
//! when it asks for nothing; OAuth2 tokens are fetched once for concurrent callers, renewed
//! before they expire and after a 401. A routing server on 127.0.0.1 answers each path and
//! records every request. The harness spec (`harness/openapi.yaml`) declares one credential
//! of each kind.

use crate::auth::{renewal_margin, Need, Requirement, TokenFuture, TokenSource};
use crate::error_body::ErrorBody;
use crate::query::QueryString;
use crate::settings::{
    CREDENTIAL_API_KEY, CREDENTIAL_BASIC, CREDENTIAL_COOKIE_KEY, CREDENTIAL_KEY,
    CREDENTIAL_OAUTH_CLIENT_CREDENTIALS, CREDENTIAL_QUERY_KEY,
};
use crate::{Client, ClientBuilder, Error};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server saw: each request's head (and body), in arrival order.
type Seen = Arc<Mutex<Vec<String>>>;

/// How the token endpoint answers: the `expires_in` it gives, and how many tokens it issued.
struct Tokens {
    expires_in: Option<f64>,
    issued: AtomicUsize,
    /// Held before answering, so that concurrent callers overlap.
    delay: Duration,
}

/// A server answering concurrently: `POST /oauth/token` with `tok-N`, `/refused` with 401
/// unless the bearer token is `tok-2` or later, everything else 204.
async fn server(tokens: Arc<Tokens>) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = Arc::clone(&log);
            let tokens = Arc::clone(&tokens);
            tokio::spawn(async move {
                let request = read_request(&mut socket).await;
                log.lock().unwrap().push(request.clone());
                let lower = request.to_ascii_lowercase();
                let (status, body) = if request.starts_with("POST /oauth/token") {
                    tokio::time::sleep(tokens.delay).await;
                    let n = tokens.issued.fetch_add(1, Ordering::SeqCst) + 1;
                    let expires = tokens
                        .expires_in
                        .map(|e| format!(r#","expires_in":{e}"#))
                        .unwrap_or_default();
                    (
                        200,
                        format!(r#"{{"access_token":"tok-{n}","token_type":"bearer"{expires}}}"#),
                    )
                } else if request.starts_with("GET /refused")
                    && lower.contains("authorization: bearer tok-1\r\n")
                {
                    (401, r#"{"title":"expired"}"#.to_owned())
                } else {
                    (204, String::new())
                };
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = socket.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&request).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if request.len() >= end + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&request).into_owned()
}

fn tokens(expires_in: Option<f64>) -> Arc<Tokens> {
    Arc::new(Tokens {
        expires_in,
        issued: AtomicUsize::new(0),
        delay: Duration::from_millis(20),
    })
}

fn builder(url: &str) -> ClientBuilder {
    Client::builder().base_url(url).max_retries(0)
}

/// `GET path` with `security`, as a generated method calls it.
async fn get(client: &Client, path: &'static str, security: Requirement) -> Result<(), Error> {
    client
        .call(
            path,
            security,
            || client.request(reqwest::Method::GET, path, &QueryString::new(), "*/*"),
            |response| match response.status().as_u16() {
                204 => response.success::<()>(),
                _ => Err(response.error(ErrorBody::Other)),
            },
        )
        .await
}

// The requirements of the harness spec's operations.
const PUBLIC: Requirement = &[];
const KEYED: Requirement = &[
    &[Need {
        credential: CREDENTIAL_KEY,
        scopes: &[],
    }],
    &[Need {
        credential: CREDENTIAL_QUERY_KEY,
        scopes: &[],
    }],
];
const TOGETHER: Requirement = &[&[
    Need {
        credential: CREDENTIAL_API_KEY,
        scopes: &[],
    },
    Need {
        credential: CREDENTIAL_COOKIE_KEY,
        scopes: &[],
    },
]];
const BASIC: Requirement = &[&[Need {
    credential: CREDENTIAL_BASIC,
    scopes: &[],
}]];
const OAUTH: Requirement = &[
    &[Need {
        credential: CREDENTIAL_OAUTH_CLIENT_CREDENTIALS,
        scopes: &["read", "write"],
    }],
    &[],
];
const OAUTH_ONLY: Requirement = &[&[Need {
    credential: CREDENTIAL_OAUTH_CLIENT_CREDENTIALS,
    scopes: &[],
}]];

fn last(seen: &Seen) -> String {
    seen.lock().unwrap().last().cloned().unwrap_or_default()
}

/// The credentials a request carried: its `authorization`, `x-api-key` and `cookie`
/// headers and its query.
fn credentials_of(request: &str) -> Vec<String> {
    let mut out = Vec::new();
    let line = request.lines().next().unwrap_or_default();
    if let Some(query) = line.split(' ').nth(1).and_then(|t| t.split_once('?')) {
        out.push(format!("?{}", query.1));
    }
    for header in request.lines().skip(1) {
        let lower = header.to_ascii_lowercase();
        if ["authorization:", "x-api-key:", "cookie:"]
            .iter()
            .any(|h| lower.starts_with(h))
        {
            out.push(header.to_owned());
        }
    }
    out
}

#[tokio::test]
async fn each_operation_sends_exactly_what_its_requirement_says() {
    let (url, seen) = server(tokens(Some(3600.0))).await;
    let client = builder(&url)
        .api_key("MAIN")
        .key("HEADER-KEY")
        .query_key("QUERY-KEY")
        .cookie_key("COOKIE")
        .basic("user", "pa:ss")
        .oauth_client_credentials("id", "secret")
        .build()
        .unwrap();
    let cases: [(&str, Requirement, &[&str]); 6] = [
        (
            "/items",
            crate::settings::SECURITY,
            &["authorization: Bearer MAIN"],
        ),
        ("/public", PUBLIC, &[]),
        // The first alternative held: the header key alone.
        ("/keyed", KEYED, &["x-api-key: HEADER-KEY"]),
        (
            "/together",
            TOGETHER,
            &["authorization: Bearer MAIN", "cookie: session=COOKIE"],
        ),
        // base64("user:pa:ss")
        ("/basic", BASIC, &["authorization: Basic dXNlcjpwYTpzcw=="]),
        ("/oauth", OAUTH, &["authorization: Bearer tok-1"]),
    ];
    for (path, security, expected) in cases {
        get(&client, path, security).await.unwrap();
        let request = last(&seen);
        assert!(request.starts_with(&format!("GET {path} ")), "{request}");
        assert_eq!(credentials_of(&request), expected, "{path}: {request}");
    }
    // The token request: HTTP Basic with the id and secret, the scopes asked for.
    let seen = seen.lock().unwrap();
    let token = seen
        .iter()
        .find(|r| r.starts_with("POST /oauth/token"))
        .expect("a token request");
    assert!(
        token.contains("authorization: Basic aWQ6c2VjcmV0"),
        "{token}"
    );
    assert!(
        token.ends_with("grant_type=client_credentials&scope=read+write"),
        "{token}"
    );
}

#[tokio::test]
async fn the_second_alternative_and_the_query_key() {
    let (url, seen) = server(tokens(None)).await;
    let client = builder(&url).query_key("Q K").build().unwrap();
    get(&client, "/keyed", KEYED).await.unwrap();
    assert_eq!(credentials_of(&last(&seen)), ["?api_key=Q+K"]);
    // An alternative that needs nothing is taken when no other is met.
    get(&client, "/oauth", OAUTH).await.unwrap();
    assert_eq!(credentials_of(&last(&seen)), Vec::<String>::new());
}

#[tokio::test]
async fn a_missing_credential_is_refused_before_any_request() {
    let (url, seen) = server(tokens(None)).await;
    let client = builder(&url).api_key("MAIN").build().unwrap();
    let error = get(&client, "/keyed", KEYED).await.unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(
        text.contains("`ClientBuilder::key` (key)")
            && text.contains("`ClientBuilder::query_key` (queryKey)"),
        "{text}"
    );
    assert!(seen.lock().unwrap().is_empty(), "nothing was sent");
    // A client with no credential at all is refused when built: the API's main
    // requirement needs one.
    let error = builder(&url).build().unwrap_err().to_string();
    assert!(error.contains("`ClientBuilder::api_key`"), "{error}");
}

#[tokio::test]
async fn concurrent_calls_on_a_cold_cache_make_one_token_request() {
    let tokens = tokens(Some(3600.0));
    let (url, seen) = server(Arc::clone(&tokens)).await;
    let client = builder(&url)
        .oauth_client_credentials("id", "secret")
        .build()
        .unwrap();
    let calls = (0..20).map(|_| get(&client, "/oauth", OAUTH_ONLY));
    for result in futures_util::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(tokens.issued.load(Ordering::SeqCst), 1);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 21, "one token request and twenty calls");
    for request in seen.iter().filter(|r| r.starts_with("GET")) {
        assert!(
            request.contains("authorization: Bearer tok-1\r\n"),
            "{request}"
        );
    }
}

#[tokio::test]
async fn a_token_is_renewed_before_it_expires() {
    // A 0.2-second token is renewed after half its life.
    let tokens = tokens(Some(0.2));
    let (url, seen) = server(Arc::clone(&tokens)).await;
    let client = builder(&url)
        .oauth_client_credentials("id", "secret")
        .build()
        .unwrap();
    get(&client, "/oauth", OAUTH_ONLY).await.unwrap();
    get(&client, "/oauth", OAUTH_ONLY).await.unwrap();
    assert_eq!(tokens.issued.load(Ordering::SeqCst), 1, "still fresh");
    tokio::time::sleep(Duration::from_millis(150)).await;
    get(&client, "/oauth", OAUTH_ONLY).await.unwrap();
    assert_eq!(tokens.issued.load(Ordering::SeqCst), 2, "renewed");
    assert!(last(&seen).contains("authorization: Bearer tok-2\r\n"));
    assert_eq!(
        renewal_margin(Duration::from_secs(3600)),
        Duration::from_secs(60)
    );
    assert_eq!(
        renewal_margin(Duration::from_secs(30)),
        Duration::from_secs(15)
    );
}

#[tokio::test]
async fn a_401_renews_the_token_once() {
    let tokens = tokens(None);
    let (url, seen) = server(Arc::clone(&tokens)).await;
    let client = builder(&url)
        .oauth_client_credentials("id", "secret")
        .build()
        .unwrap();
    // `tok-1` is refused: the token is renewed and the call sent again, once.
    get(&client, "/refused", OAUTH_ONLY).await.unwrap();
    assert_eq!(tokens.issued.load(Ordering::SeqCst), 2);
    let gets: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.starts_with("GET"))
        .cloned()
        .collect();
    assert_eq!(gets.len(), 2);
    assert!(gets[1].contains("authorization: Bearer tok-2\r\n"));
}

/// A token source that always gives the same refused token: the 401 comes back after one
/// renewal, not in a loop.
struct Stale(AtomicUsize);

impl TokenSource for Stale {
    fn token<'a>(&'a self, _scopes: &'a [&'static str]) -> TokenFuture<'a> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok("tok-1".to_owned()) })
    }
}

#[tokio::test]
async fn a_token_source_is_asked_again_once_after_a_401() {
    let (url, seen) = server(tokens(None)).await;
    let source = Arc::new(Stale(AtomicUsize::new(0)));
    struct Shared(Arc<Stale>);
    impl TokenSource for Shared {
        fn token<'a>(&'a self, scopes: &'a [&'static str]) -> TokenFuture<'a> {
            self.0.token(scopes)
        }
    }
    let client = builder(&url)
        .token_source(Shared(Arc::clone(&source)))
        .build()
        .unwrap();
    let error = get(&client, "/refused", OAUTH_ONLY).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(source.0.load(Ordering::SeqCst), 2);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_failing_token_endpoint_is_an_auth_error_without_the_secret() {
    // Nothing listens at this port's token endpoint path: a 204 without a token.
    let (url, _) = server(tokens(None)).await;
    let client = Client::builder()
        .base_url(format!("{url}/elsewhere"))
        .max_retries(0)
        .oauth_client_credentials("id", "s3cr3t")
        .build()
        .unwrap();
    let error = get(&client, "/oauth", OAUTH_ONLY).await.unwrap_err();
    let text = format!("{error} {error:?}");
    assert!(matches!(error, Error::Auth(_)), "{text}");
    assert!(!text.contains("s3cr3t"), "{text}");
    // Nor does the client's `Debug` show any credential.
    let debug = format!("{client:?}");
    assert!(
        debug.contains("oauth_client_credentials") && !debug.contains("s3cr3t"),
        "{debug}"
    );
}

#[tokio::test]
async fn credentials_come_from_the_environment() {
    // The harness's variables (`RUNTIME_*`) are set by this test only.
    std::env::set_var("RUNTIME_QUERY_KEY", "from-env");
    std::env::set_var("RUNTIME_BASIC_USERNAME", "u");
    std::env::set_var("RUNTIME_BASIC_PASSWORD", "p");
    std::env::set_var("RUNTIME_API_KEY", "main");
    std::env::set_var("RUNTIME_BASE_URL", "http://127.0.0.1:9");
    let client = Client::from_env().unwrap();
    let debug = format!("{client:?}");
    for setter in ["api_key", "query_key", "basic"] {
        assert!(debug.contains(setter), "{debug}");
    }
    assert!(!debug.contains("oauth_client_credentials"), "{debug}");
    for name in [
        "RUNTIME_QUERY_KEY",
        "RUNTIME_BASIC_USERNAME",
        "RUNTIME_BASIC_PASSWORD",
        "RUNTIME_API_KEY",
        "RUNTIME_BASE_URL",
    ] {
        std::env::remove_var(name);
    }
}

#[test]
fn a_client_secret_is_never_sent_in_clear() {
    let error = Client::builder()
        .base_url("http://api.example.com")
        .oauth_client_credentials("id", "secret")
        .build()
        .unwrap_err()
        .to_string();
    assert!(error.contains("not https"), "{error}");
    // A test server on this machine may be plain http.
    assert!(Client::builder()
        .base_url("http://[::1]:9")
        .oauth_client_credentials("id", "secret")
        .build()
        .is_ok());
}
