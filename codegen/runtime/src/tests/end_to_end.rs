//! The harness's stand-in operations against a scripted HTTP/1.1 server on 127.0.0.1: the
//! whole path a generated method takes (request, send with retries, decode, typed errors,
//! pagination, multipart).

use crate::error_body::ErrorBody;
use crate::multipart::File;
use crate::operations::{Color, ListParams, UploadForm};
use crate::{Client, Error};
use futures_util::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server answering each request with the next scripted `(status, extra headers, body)`,
/// recording each request's head and body.
pub(super) async fn server(
    script: Vec<(u16, &'static str, String)>,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        for (status, headers, body) in script {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then as much body as it announces.
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
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request).into_owned());
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    (url, seen)
}

fn client(url: &str) -> Client {
    Client::builder()
        .api_key("KEY")
        .base_url(url)
        .retry_initial_delay(Duration::from_millis(1))
        .build()
        .unwrap()
}

pub(super) fn page(number: i64, total: i64, ids: &[i64]) -> String {
    let data: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"id":{id},"color":"teal"}}"#))
        .collect();
    format!(
        r#"{{"data":[{}],"meta":{{"page_number":{number},"total_pages":{total}}}}}"#,
        data.join(",")
    )
}

#[tokio::test]
async fn a_list_is_walked_page_by_page_after_a_retried_failure() {
    let (url, seen) = server(vec![
        (503, "retry-after-ms: 5\r\n", String::new()),
        (200, "", page(1, 2, &[1, 2])),
        (200, "", page(2, 2, &[3])),
    ])
    .await;
    let client = client(&url);
    let params = ListParams {
        color: Some(Color::Red),
        request_id: Some("abc".into()),
        ..Default::default()
    };
    let items: Vec<_> = client.list_items_stream(&params).collect().await;
    let ids: Vec<i64> = items.into_iter().map(|i| i.unwrap().id).collect();
    assert_eq!(ids, [1, 2, 3]);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    assert!(
        seen[0].starts_with("GET /items?page[number]=1&color=red HTTP/1.1"),
        "{}",
        seen[0]
    );
    assert!(
        seen[2].starts_with("GET /items?page[number]=2&color=red "),
        "{}",
        seen[2]
    );
    let head = seen[0].to_ascii_lowercase();
    assert!(
        head.contains("authorization: bearer key") && head.contains("x-request-id: abc"),
        "{head}"
    );
}

#[tokio::test]
async fn unknown_enum_values_survive_and_errors_are_typed() {
    let (url, _) = server(vec![
        (200, "", page(1, 1, &[7])),
        (
            422,
            "",
            r#"{"title":"Invalid color","detail":"teal is not a color"}"#.to_owned(),
        ),
    ])
    .await;
    let client = client(&url);
    let response = client
        .list_items(&ListParams::default())
        .with_response()
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 200);
    let body = response.body;
    assert_eq!(body.data[0].color, Some(Color::Other("teal".into())));
    assert_eq!(
        serde_json::to_value(&body.data[0]).unwrap()["color"],
        "teal"
    );
    let e = client.list_items(&ListParams::default()).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "HTTP 422 Unprocessable Entity: Invalid color: teal is not a color"
    );
    assert!(
        matches!(&e.api_error().unwrap().body, ErrorBody::Problem(p) if p.title == "Invalid color")
    );
    assert!(!matches!(e, Error::Timeout(_)));
}

#[tokio::test]
async fn multipart_bodies_are_sent_with_their_boundary() {
    let (url, seen) = server(vec![(204, "", String::new())]).await;
    let body = UploadForm {
        file: File::new(b"%PDF".to_vec()).file_name("fax.pdf"),
        note: Some("hi".into()),
    };
    client(&url).upload(&body).await.unwrap();
    let request = seen.lock().unwrap()[0].clone();
    assert!(
        request.contains("content-type: multipart/form-data; boundary=codegen-boundary-0"),
        "{request}"
    );
    assert!(
        request.contains(
            "filename=\"fax.pdf\"\r\nContent-Type: application/octet-stream\r\n\r\n%PDF\r\n"
        ),
        "{request}"
    );
}
