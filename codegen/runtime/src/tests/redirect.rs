//! Redirects: credentials stay with their origin. Two scripted servers on 127.0.0.1 (two
//! ports: two origins) and `redirect::follow` on its own for what needs no server.

use super::end_to_end::{page, server};
use crate::operations::ListParams;
use crate::redirect::follow;
use crate::{Client, Error, RequestOptions};
use reqwest::{Method, Request, StatusCode, Url};
use std::time::Duration;

fn client(url: &str) -> Client {
    Client::builder()
        .api_key("KEY")
        .base_url(url)
        .max_retries(0)
        .retry_initial_delay(Duration::from_millis(1))
        .build()
        .unwrap()
        // A header of an `apiKey` scheme (harness settings: `x-api-key`), one the caller
        // marks sensitive, and one that is not a credential.
        .with_options(
            RequestOptions::new()
                .header("x-api-key", "SCHEME-KEY")
                .sensitive_header("x-session", "SESSION")
                .header("x-trace", "visible"),
        )
}

#[tokio::test]
async fn a_hop_to_another_origin_carries_no_credential() {
    let (other, other_seen) = server(vec![(200, "", page(1, 1, &[1]))]).await;
    let location = format!("location: {other}/moved?api_key=SECRET&keep=1\r\n");
    let location: &'static str = Box::leak(location.into_boxed_str());
    let (url, seen) = server(vec![(302, location, String::new())]).await;
    let body = client(&url)
        .list_items(&ListParams::default())
        .await
        .unwrap();
    assert_eq!(body.data[0].id, 1);
    let first = seen.lock().unwrap()[0].to_ascii_lowercase();
    assert!(
        first.contains("authorization: bearer key") && first.contains("x-api-key: scheme-key"),
        "the API's own origin gets the credentials: {first}"
    );
    let hop = other_seen.lock().unwrap()[0].clone();
    let lower = hop.to_ascii_lowercase();
    assert!(hop.starts_with("GET /moved?keep=1 HTTP/1.1"), "{hop}");
    for secret in ["authorization", "x-api-key", "x-session", "secret", "key"] {
        assert!(
            !lower.contains(secret),
            "{secret} reached the other origin: {hop}"
        );
    }
    assert!(lower.contains("x-trace: visible"), "{hop}");
}

#[tokio::test]
async fn a_hop_within_the_origin_keeps_the_credentials() {
    let (url, seen) = server(vec![
        (307, "location: /items-elsewhere\r\n", String::new()),
        (200, "", page(1, 1, &[2])),
    ])
    .await;
    let body = client(&url)
        .list_items(&ListParams::default())
        .await
        .unwrap();
    assert_eq!(body.data[0].id, 2);
    let seen = seen.lock().unwrap();
    let hop = seen[1].to_ascii_lowercase();
    assert!(hop.starts_with("get /items-elsewhere "), "{hop}");
    assert!(
        hop.contains("authorization: bearer key") && hop.contains("x-session: session"),
        "{hop}"
    );
}

#[tokio::test]
async fn redirects_are_bounded() {
    let script = (0..11)
        .map(|_| (302, "location: /again\r\n", String::new()))
        .collect();
    let (url, seen) = server(script).await;
    let e = client(&url)
        .list_items(&ListParams::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Redirect(m) if m.contains("more than 10")),
        "{e}"
    );
    assert_eq!(
        seen.lock().unwrap().len(),
        11,
        "the first request and ten hops"
    );
}

#[tokio::test]
async fn a_hop_keeps_the_timeout() {
    // The first connection is redirected, the hop's is held open without an answer: the
    // request built again for the hop must carry the client's timeout, or this never ends.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buf).await;
            if held.is_empty() {
                let answer = "HTTP/1.1 302 Found\r\nlocation: /hop\r\ncontent-length: 0\r\n\r\n";
                let _ = tokio::io::AsyncWriteExt::write_all(&mut socket, answer.as_bytes()).await;
            }
            held.push(socket);
        }
    });
    let client = Client::builder()
        .api_key("KEY")
        .base_url(&url)
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    let call = client.list_items(&ListParams::default());
    let e = tokio::time::timeout(Duration::from_secs(20), call)
        .await
        .expect("the hop was not bounded by the timeout")
        .unwrap_err();
    assert!(e.is_timeout(), "{e}");
}

fn request(method: Method, url: &str, body: Option<&str>) -> Request {
    let mut request = Request::new(method, Url::parse(url).unwrap());
    request
        .headers_mut()
        .insert("authorization", "Bearer KEY".parse().unwrap());
    request
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    if let Some(body) = body {
        *request.body_mut() = Some(body.to_owned().into());
    }
    request
}

#[test]
fn https_never_goes_to_plain_http() {
    let e = follow(
        request(Method::GET, "https://api.example.com/a", None),
        StatusCode::FOUND,
        "http://api.example.com/b",
    )
    .unwrap_err();
    assert!(matches!(e, Error::Redirect(m) if m.contains("plain http")));
    let e = follow(
        request(Method::GET, "https://api.example.com/a", None),
        StatusCode::FOUND,
        "file:///etc/passwd",
    )
    .unwrap_err();
    assert!(matches!(e, Error::Redirect(_)));
}

#[test]
fn methods_and_bodies_follow_the_status() {
    // 303 (and 301/302 after a POST): a GET without the body.
    for status in [
        StatusCode::SEE_OTHER,
        StatusCode::FOUND,
        StatusCode::MOVED_PERMANENTLY,
    ] {
        let next = follow(
            request(Method::POST, "https://a.example/x", Some("{}")),
            status,
            "/y",
        )
        .unwrap();
        assert_eq!(next.method(), Method::GET, "{status}");
        assert!(next.body().is_none() && next.headers().get("content-type").is_none());
        assert_eq!(next.url().as_str(), "https://a.example/y");
    }
    // 307/308 keep both within the origin, and go nowhere else with a body.
    let same = follow(
        request(Method::POST, "https://a.example/x", Some("{}")),
        StatusCode::TEMPORARY_REDIRECT,
        "https://a.example:443/y",
    )
    .unwrap();
    assert_eq!(same.method(), Method::POST);
    assert!(same.body().is_some() && same.headers().contains_key("authorization"));
    let e = follow(
        request(Method::POST, "https://a.example/x", Some("{}")),
        StatusCode::PERMANENT_REDIRECT,
        "https://b.example/y",
    )
    .unwrap_err();
    assert!(matches!(e, Error::Redirect(m) if m.contains("request body")));
    // Another port is another origin.
    let other = follow(
        request(Method::GET, "https://a.example/x", None),
        StatusCode::TEMPORARY_REDIRECT,
        "https://a.example:8443/y",
    )
    .unwrap();
    assert!(!other.headers().contains_key("authorization"));
}
