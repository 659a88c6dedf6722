use crate::client::{copy_request, retry_after, retry_delay, should_retry_response, RetryPolicy};
use crate::{Client, Error};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use std::time::Duration;

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_delay: Duration::from_secs(8),
        jitter: 0.25,
        statuses: &[408, 409, 429],
        server_errors: true,
        should_retry_header: Some("x-should-retry"),
        max_retry_after: Duration::from_secs(60),
    }
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

#[test]
fn statuses_retried_follow_the_policy() {
    let p = policy();
    let none = HeaderMap::new();
    for code in [408, 409, 429, 500, 502, 503, 599] {
        assert!(
            should_retry_response(&p, StatusCode::from_u16(code).unwrap(), &none),
            "{code}"
        );
    }
    for code in [200, 400, 401, 404, 422] {
        assert!(
            !should_retry_response(&p, StatusCode::from_u16(code).unwrap(), &none),
            "{code}"
        );
    }
    let no_5xx = RetryPolicy {
        server_errors: false,
        statuses: &[503],
        ..policy()
    };
    assert!(!should_retry_response(
        &no_5xx,
        StatusCode::BAD_GATEWAY,
        &none
    ));
    assert!(should_retry_response(
        &no_5xx,
        StatusCode::SERVICE_UNAVAILABLE,
        &none
    ));
}

#[test]
fn the_override_header_wins_only_when_the_policy_names_it() {
    let p = policy();
    let yes = headers(&[("x-should-retry", "true")]);
    let no = headers(&[("x-should-retry", "false")]);
    assert!(should_retry_response(&p, StatusCode::BAD_REQUEST, &yes));
    assert!(!should_retry_response(
        &p,
        StatusCode::SERVICE_UNAVAILABLE,
        &no
    ));
    let without = RetryPolicy {
        should_retry_header: None,
        ..policy()
    };
    assert!(!should_retry_response(
        &without,
        StatusCode::BAD_REQUEST,
        &yes
    ));
}

#[test]
fn backoff_doubles_up_to_the_cap_minus_jitter() {
    let p = policy();
    let initial = Duration::from_millis(500);
    let delays: Vec<u128> = (0..6)
        .map(|n| retry_delay(&p, n, initial, None, 0.0).as_millis())
        .collect();
    assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 8000]);
    // The largest jitter takes a quarter off.
    assert_eq!(retry_delay(&p, 0, initial, None, 1.0).as_millis(), 375);
    // Huge attempt numbers do not overflow.
    assert_eq!(retry_delay(&p, u32::MAX, initial, None, 0.0), p.max_delay);
}

#[test]
fn retry_after_is_honoured_within_bounds() {
    let p = policy();
    let initial = Duration::from_millis(500);
    let asked = |pairs: &[(&'static str, &str)]| {
        retry_delay(&p, 0, initial, Some(&headers(pairs)), 0.0).as_millis()
    };
    assert_eq!(asked(&[("retry-after", "2")]), 2000);
    assert_eq!(asked(&[("retry-after", "0.25")]), 250);
    assert_eq!(
        asked(&[("retry-after-ms", "1500"), ("retry-after", "9")]),
        1500
    );
    // Out of bounds or unreadable: back to the backoff.
    assert_eq!(asked(&[("retry-after", "61")]), 500);
    assert_eq!(asked(&[("retry-after", "0")]), 500);
    assert_eq!(asked(&[("retry-after", "-3")]), 500);
    assert_eq!(asked(&[("retry-after", "soon")]), 500);
    // An HTTP date: in the past gives zero (so the backoff applies), in the future the wait.
    assert_eq!(
        retry_after(&headers(&[(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT"
        )])),
        Some(Duration::ZERO)
    );
    let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
    let wait = retry_after(&headers(&[("retry-after", &later)])).unwrap();
    assert!(
        wait > Duration::from_secs(28) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
}

#[test]
fn building_checks_the_configuration() {
    let e = Client::builder().build().unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("no credential: the API needs `ClientBuilder::api_key`")),
        "{e}"
    );
    let e = Client::builder()
        .api_key("k")
        .base_url("ftp://example.com")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("not an absolute http(s) URL"), "{e}");
    let e = Client::builder().api_key("bad\nkey").build().unwrap_err();
    assert!(e.to_string().contains("invalid characters"), "{e}");
    let client = Client::builder()
        .api_key("secret-key")
        .base_url("http://127.0.0.1:9/api/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/api");
    // The key never shows in debug output.
    let debug = format!("{client:?}");
    assert!(
        !debug.contains("secret-key") && debug.contains("<redacted>"),
        "{debug}"
    );
}

#[test]
fn basic_credentials_are_base64_encoded() {
    use crate::client::base64;
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foob"), "Zm9vYg==");
    // RFC 7617's example.
    assert_eq!(
        base64(b"Aladdin:open sesame"),
        "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
}

#[test]
fn a_copy_for_an_attempt_is_the_whole_request_with_its_timeout() {
    let mut request = reqwest::Request::new(
        reqwest::Method::DELETE,
        "https://api.example.com/a/b?x=1&y=%20".parse().unwrap(),
    );
    request
        .headers_mut()
        .insert("accept", HeaderValue::from_static("application/json"));
    request
        .headers_mut()
        .append("x-many", HeaderValue::from_static("one"));
    request
        .headers_mut()
        .append("x-many", HeaderValue::from_static("two"));
    *request.version_mut() = reqwest::Version::HTTP_2;
    fn same(copy: &reqwest::Request, request: &reqwest::Request) {
        assert_eq!(copy.method(), request.method());
        assert_eq!(copy.url(), request.url());
        assert_eq!(copy.headers(), request.headers());
        assert_eq!(copy.version(), request.version());
    }
    let copy = copy_request(&request, None).unwrap();
    same(&copy, &request);
    assert!(copy.body().is_none() && copy.timeout().is_none());
    let limit = Duration::from_millis(1234);
    let copy = copy_request(&request, Some(limit)).unwrap();
    same(&copy, &request);
    assert_eq!(copy.timeout(), Some(&limit));
    // The original is left as it was: each attempt gets its timeout anew.
    assert!(request.timeout().is_none());

    // A body is copied too.
    *request.body_mut() = Some(reqwest::Body::from("{\"a\":1}"));
    let copy = copy_request(&request, Some(limit)).unwrap();
    same(&copy, &request);
    assert_eq!(copy.timeout(), Some(&limit));
    assert_eq!(
        copy.body().and_then(reqwest::Body::as_bytes),
        Some(&b"{\"a\":1}"[..])
    );
}
