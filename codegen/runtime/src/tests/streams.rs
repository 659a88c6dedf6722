//! Bodies read as they arrive: the `text/event-stream` parser against the WHATWG examples
//! and against a recorded stream cut at random places, and downloads and events through
//! the harness's stand-in operations against a scripted server on 127.0.0.1 (chunked
//! bodies, pauses, cut connections).

use crate::operations::ChatRequest;
use crate::streams::{json_asking_stream, Parser, RawEvent};
use crate::{Client, Error};
use futures_util::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn parse_whole(stream: &[u8]) -> Vec<RawEvent> {
    let mut parser = Parser::default();
    let mut events = parser.push(stream);
    events.extend(parser.finish());
    events
}

fn data(events: &[RawEvent]) -> Vec<&str> {
    events.iter().map(|e| e.data.as_str()).collect()
}

#[test]
fn whatwg_examples() {
    // Multi-line data is joined by `\n`.
    let events = parse_whole(b"data: YHOO\ndata: +2\ndata: 10\n\n");
    assert_eq!(data(&events), ["YHOO\n+2\n10"]);

    // A comment, ids carried over, an event ended by the end of the stream is dropped.
    let events = parse_whole(
        b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n",
    );
    assert_eq!(data(&events), ["first event", "second event"]);
    assert_eq!(events[0].id.as_deref(), Some("1"));
    // `id` with no value resets the last id.
    assert_eq!(events[1].id, None);

    // Empty data lines: the first event is "", the second "\n", the last is never ended.
    let events = parse_whole(b"data\n\ndata\ndata\n\ndata:");
    assert_eq!(data(&events), ["", "\n"]);

    // One space after the colon is not part of the value.
    let events = parse_whole(b"data:test\n\ndata: test\n\n");
    assert_eq!(data(&events), ["test", "test"]);

    // Event names, retry, unknown fields ignored, CR and CRLF line ends.
    let events =
        parse_whole(b"event: add\r\ndata: 73857293\r\nretry: 1500\r\nfoo: bar\r\n\r\nevent: remove\rdata: 2153\r\r");
    assert_eq!(data(&events), ["73857293", "2153"]);
    assert_eq!(events[0].event.as_deref(), Some("add"));
    assert_eq!(events[0].retry, Some(Duration::from_millis(1500)));
    assert_eq!(events[1].event.as_deref(), Some("remove"));
    assert_eq!(events[1].retry, None);

    // A line that is only a field name; an invalid retry is ignored; a leading BOM is not
    // part of the first field's name.
    let events = parse_whole("\u{FEFF}data: a\nretry: 10x\n\n".as_bytes());
    assert_eq!(data(&events), ["a"]);
    assert_eq!(events[0].retry, None);
}

/// A recorded stream with every kind of line: comments, ids, CR, LF and CRLF, multi-byte
/// characters, multi-line data, retry, a BOM, and a final `[DONE]`.
const RECORDED: &str = "\u{FEFF}: keep-alive\r\n\
    event: message_start\r\n\
    id: 7\r\n\
    data: {\"text\":\"H\u{e9}llo\"}\r\n\
    \r\n\
    data: {\"text\":\"w\u{f6}rld \u{1F30D}\"}\n\
    \n\
    : another comment\r\
    data: {\"text\":\r\
    data: \"two lines\"}\r\
    retry: 3000\r\
    \r\
    event: ping\n\
    data: {\"text\":\"\"}\n\
    \n\
    data: [DONE]\n\n";

#[test]
fn the_same_events_whatever_the_chunks() {
    let whole = parse_whole(RECORDED.as_bytes());
    assert_eq!(whole.len(), 5, "{whole:?}");
    assert_eq!(whole[1].data, "{\"text\":\"w\u{f6}rld \u{1F30D}\"}");
    assert_eq!(whole[2].data, "{\"text\":\n\"two lines\"}");
    assert_eq!(whole[2].id.as_deref(), Some("7"));
    assert_eq!(whole[3].event.as_deref(), Some("ping"));
    let bytes = RECORDED.as_bytes();
    // A small deterministic generator: the splittings are random but repeatable.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    for round in 0..1000 {
        let mut parser = Parser::default();
        let mut events = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            // Mostly tiny chunks (one byte splits every CRLF and character somewhere).
            let len = 1 + next(if round % 2 == 0 { 4 } else { 40 }).min(rest.len() - 1);
            let (chunk, after) = rest.split_at(len);
            events.extend(parser.push(chunk));
            rest = after;
        }
        events.extend(parser.finish());
        assert_eq!(events, whole, "round {round}");
    }
}

#[test]
fn a_request_body_asks_for_the_stream() {
    let body = ChatRequest {
        prompt: "hi".into(),
        stream: Some(false),
    };
    let sent: serde_json::Value =
        serde_json::from_slice(&json_asking_stream(&body, "stream").unwrap()).unwrap();
    assert_eq!(sent, serde_json::json!({"prompt": "hi", "stream": true}));
}

/// What a connection's answer does: bytes written, a pause, or the connection cut.
#[derive(Clone)]
enum Step {
    Write(Vec<u8>),
    Pause(Duration),
}

fn write(text: impl Into<Vec<u8>>) -> Step {
    Step::Write(text.into())
}

/// A chunked answer's head, and each chunk in the chunked framing.
fn head(status: u16, content_type: &str) -> Step {
    write(format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    ))
}

fn chunk(bytes: &[u8]) -> Step {
    let mut framed = format!("{:x}\r\n", bytes.len()).into_bytes();
    framed.extend_from_slice(bytes);
    framed.extend_from_slice(b"\r\n");
    Step::Write(framed)
}

fn end() -> Step {
    write("0\r\n\r\n")
}

/// A server playing one script per connection, recording each request.
async fn server(scripts: Vec<Vec<Step>>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        for script in scripts {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let request = read_request(&mut socket).await;
            log.lock().unwrap().push(request);
            for step in script {
                match step {
                    Step::Write(bytes) => {
                        if socket.write_all(&bytes).await.is_err() {
                            break;
                        }
                    }
                    Step::Pause(d) => tokio::time::sleep(d).await,
                }
            }
            let _ = socket.shutdown().await;
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
        if let Some(at) = text.find("\r\n\r\n") {
            let length = text
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if request.len() >= at + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&request).into_owned()
}

fn client(url: &str) -> Client {
    Client::builder()
        .api_key("KEY")
        .base_url(url)
        .retry_initial_delay(Duration::from_millis(1))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_download_arrives_in_chunks_and_is_not_held_to_the_json_limit() {
    let block = vec![7u8; 64 * 1024];
    let mut script = vec![head(200, "audio/wav")];
    script.extend((0..8).map(|_| chunk(&block)));
    script.push(end());
    let (url, seen) = server(vec![script.clone(), script]).await;
    // A body limit far below the download's 512 KiB.
    let client = Client::builder()
        .api_key("KEY")
        .base_url(&url)
        .max_body_bytes(100_000)
        .build()
        .unwrap();
    let mut body = client.download("take 1.wav").await.unwrap();
    assert_eq!(body.content_type(), Some("audio/wav"));
    assert_eq!(body.content_length(), None);
    let (mut total, mut chunks) = (0, 0);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        assert!(chunk.iter().all(|b| *b == 7));
        total += chunk.len();
        chunks += 1;
    }
    assert_eq!(total, 8 * 64 * 1024);
    assert!(chunks >= 8, "{chunks} chunks");
    let request = seen.lock().unwrap()[0].clone();
    assert!(request.starts_with("GET /files/take%201.wav "), "{request}");
    assert!(request
        .to_ascii_lowercase()
        .contains("accept: application/octet-stream"));

    // Collecting it whole is held to the limit.
    let whole = client.download("take 1.wav").await.unwrap().bytes().await;
    assert!(
        matches!(whole, Err(Error::BodyTooLarge { limit: 100_000, .. })),
        "{whole:?}"
    );
}

#[tokio::test]
async fn a_download_is_written_to_a_file_in_one_call() {
    let (url, _) = server(vec![vec![
        head(200, "application/pdf"),
        chunk(b"%PDF-1.7 "),
        chunk(b"rest"),
        end(),
    ]])
    .await;
    let dir = std::env::temp_dir().join(format!("runtime-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("doc.pdf");
    let written = client(&url)
        .download("doc.pdf")
        .await
        .unwrap()
        .save(&path)
        .await
        .unwrap();
    assert_eq!(written, 13);
    assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.7 rest");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn with_response_gives_the_headers_before_the_body() {
    let (url, _) = server(vec![vec![
        write("HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: 4\r\nx-total: 9\r\nconnection: close\r\n\r\n"),
        Step::Pause(Duration::from_millis(50)),
        write("a,b\n"),
    ]])
    .await;
    let response = client(&url)
        .download("rows.csv")
        .with_response()
        .await
        .unwrap();
    assert_eq!(response.headers["x-total"], "9");
    let body = response.into_body();
    assert_eq!(body.content_length(), Some(4));
    assert_eq!(&body.bytes().await.unwrap()[..], b"a,b\n");
}

#[tokio::test]
async fn an_error_status_before_a_download_is_retried_and_typed() {
    let busy = vec![write(
        "HTTP/1.1 503 X\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
    )];
    let ok = vec![head(200, "application/octet-stream"), chunk(b"data"), end()];
    let (url, seen) = server(vec![busy, ok]).await;
    let body = client(&url)
        .download("f")
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&body[..], b"data");
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_cut_download_is_an_error_and_is_not_retried() {
    let cut = vec![
        write("HTTP/1.1 200 X\r\ncontent-type: application/octet-stream\r\ncontent-length: 100\r\nconnection: close\r\n\r\n"),
        write("only part"),
    ];
    let (url, seen) = server(vec![cut.clone(), cut]).await;
    let mut body = client(&url).download("f").await.unwrap();
    let mut got = Vec::new();
    let mut failed = None;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(c) => got.extend_from_slice(&c),
            Err(e) => failed = Some(e),
        }
    }
    assert_eq!(got, b"only part");
    assert!(failed.is_some());
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "a started download is not sent again"
    );
}

#[tokio::test]
async fn a_pause_longer_than_the_idle_timeout_ends_the_stream() {
    let (url, _) = server(vec![vec![
        head(200, "text/event-stream"),
        chunk(b"data: one\n\n"),
        Step::Pause(Duration::from_secs(3)),
        chunk(b"data: two\n\n"),
        end(),
    ]])
    .await;
    let client = Client::builder()
        .api_key("KEY")
        .base_url(&url)
        .timeout(Duration::from_millis(100))
        .idle_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    // The whole answer takes longer than `timeout`: only the pauses count.
    let mut events = client.feed().await.unwrap();
    assert_eq!(events.next().await.unwrap().unwrap().data, "one");
    let idle = events.next().await.unwrap();
    assert!(
        matches!(&idle, Err(Error::Idle(d)) if *d == Duration::from_millis(300)),
        "{idle:?}"
    );
    assert!(idle.unwrap_err().is_timeout());
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn events_arrive_as_sent_and_end_at_done() {
    let mut script = vec![head(200, "text/event-stream; charset=utf-8")];
    // The recorded stream, in chunks of 7 bytes.
    script.extend(RECORDED.as_bytes().chunks(7).map(chunk));
    // Anything after `[DONE]` is not read.
    script.push(chunk(b"data: {\"text\":\"after\"}\n\n"));
    script.push(end());
    let (url, seen) = server(vec![script]).await;
    let body = ChatRequest {
        prompt: "hi".into(),
        stream: None,
    };
    let events: Vec<_> = client(&url)
        .chat_events(&body)
        .await
        .unwrap()
        .collect()
        .await;
    let texts: Vec<String> = events.into_iter().map(|e| e.unwrap().data.text).collect();
    assert_eq!(
        texts,
        ["H\u{e9}llo", "w\u{f6}rld \u{1F30D}", "two lines", ""]
    );
    let request = seen.lock().unwrap()[0].clone();
    assert!(request
        .to_ascii_lowercase()
        .contains("accept: text/event-stream"));
    assert!(
        request.ends_with(r#"{"prompt":"hi","stream":true}"#),
        "{request}"
    );
}

#[tokio::test]
async fn an_event_that_does_not_decode_ends_the_stream_with_its_error() {
    let (url, _) = server(vec![vec![
        head(200, "text/event-stream"),
        chunk(b"data: {\"text\":\"fine\"}\n\ndata: {\"oops\":1}\n\ndata: {\"text\":\"never\"}\n\n"),
        end(),
    ]])
    .await;
    let body = ChatRequest::default();
    let mut events = client(&url).chat_events(&body).await.unwrap();
    assert_eq!(events.next().await.unwrap().unwrap().data.text, "fine");
    let error = events.next().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("event"), "{error}");
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn a_connection_cut_mid_stream_is_an_error_after_the_events_before_it() {
    let (url, _) = server(vec![vec![
        head(200, "text/event-stream"),
        chunk(b"data: one\n\ndata: half"),
        // No final chunk: the connection closes inside the chunked body.
    ]])
    .await;
    let mut events = client(&url).feed().await.unwrap();
    assert_eq!(events.next().await.unwrap().unwrap().data, "one");
    assert!(events.next().await.unwrap().is_err());
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn an_error_status_for_events_is_a_typed_api_error() {
    let (url, _) = server(vec![vec![write(
        "HTTP/1.1 422 X\r\ncontent-type: application/json\r\ncontent-length: 17\r\nconnection: close\r\n\r\n{\"title\":\"nope\"}\n",
    )]])
    .await;
    let error = client(&url)
        .chat_events(&ChatRequest::default())
        .await
        .unwrap_err();
    let body = &error.api_error().expect("an API error").body;
    assert!(
        matches!(body, crate::ErrorBody::Problem(p) if p.title == "nope"),
        "{body:?}"
    );
}

#[tokio::test]
async fn the_json_limit_still_applies_to_json() {
    let big = format!(r#"{{"text":"{}"}}"#, "x".repeat(200_000));
    let (url, _) = server(vec![vec![write(format!(
        "HTTP/1.1 200 X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{big}",
        big.len()
    ))]])
    .await;
    let client = Client::builder()
        .api_key("KEY")
        .base_url(&url)
        .max_body_bytes(100_000)
        .build()
        .unwrap();
    let answer = client.chat(&ChatRequest::default()).await;
    assert!(
        matches!(answer, Err(Error::BodyTooLarge { limit: 100_000, .. })),
        "{answer:?}"
    );
}

/// A server answering each connection with the next status (204 or 503), recording the
/// request line and the number of body bytes that arrived.
async fn upload_server(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<(String, usize)>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        for status in statuses {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            // The head, then the body: by Content-Length, or chunked to its last chunk.
            let mut data = Vec::new();
            let mut buf = vec![0u8; 64 * 1024];
            let (head, body) = loop {
                let n = socket.read(&mut buf).await.unwrap_or(0);
                data.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&data).to_string();
                if let Some(at) = text.find("\r\n\r\n") {
                    let head = text[..at].to_ascii_lowercase();
                    let length = head.lines().find_map(|l| {
                        l.strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    });
                    let done = match length {
                        Some(length) => data.len() >= at + 4 + length,
                        None => data.ends_with(b"0\r\n\r\n"),
                    };
                    if done || n == 0 {
                        break (head, data.len() - at - 4);
                    }
                } else if n == 0 {
                    break (text, 0);
                }
            };
            let line = head.lines().next().unwrap_or_default().to_owned();
            let framing = if head.contains("transfer-encoding: chunked") {
                "chunked"
            } else {
                "length"
            };
            log.lock()
                .unwrap()
                .push((format!("{line} {framing}"), body));
            let response =
                format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    (url, seen)
}

#[tokio::test]
async fn a_file_upload_is_read_as_sent_and_read_again_for_a_retry() {
    // Larger than the client's body limit, which is for what it reads, not what it sends.
    let dir = std::env::temp_dir().join(format!("runtime-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.bin");
    std::fs::write(&path, vec![1u8; 3 * 1024 * 1024]).unwrap();
    let (url, seen) = upload_server(vec![503, 204]).await;
    let client = Client::builder()
        .api_key("KEY")
        .base_url(&url)
        .max_body_bytes(1024)
        .retry_initial_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let upload = crate::Upload::file(&path).content_type("audio/wav");
    client.put_object("a b", &upload).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for (line, body) in &seen {
        assert_eq!(line, "put /objects/a%20b http/1.1 length");
        assert_eq!(*body, 3 * 1024 * 1024);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_bytes_upload_is_retried_whole() {
    let (url, seen) = upload_server(vec![503, 204]).await;
    client(&url)
        .put_object("k", &crate::Upload::bytes(&b"0123456789"[..]))
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|(_, body)| *body == 10), "{seen:?}");
}

#[tokio::test]
async fn a_stream_upload_is_sent_once_and_not_retried() {
    let (url, seen) = upload_server(vec![503, 204]).await;
    let chunks = futures_util::stream::iter(
        (0..4).map(|i| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![i as u8; 1000]))),
    );
    let upload = crate::Upload::stream(chunks);
    let client = client(&url);
    let answer = client.put_object("k", &upload).await;
    // The 503 is the answer: a stream cannot be sent again.
    assert_eq!(answer.unwrap_err().status().map(|s| s.as_u16()), Some(503));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [("put /objects/k http/1.1 chunked".to_owned(), seen[0].1)]
    );
    // The body went in chunked framing: 4,000 bytes of data and the framing around them.
    assert!(seen[0].1 > 4000, "{seen:?}");
    // The same upload again: its stream is gone.
    let again = client.put_object("k", &upload).await.unwrap_err();
    assert!(again.to_string().contains("already sent"), "{again}");
}

#[tokio::test]
async fn a_multipart_file_part_is_read_as_sent_and_again_for_a_retry() {
    use crate::multipart::File;
    use crate::operations::UploadForm;
    let dir = std::env::temp_dir().join(format!("runtime-multipart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fax.pdf");
    // Far larger than the client's body limit.
    std::fs::write(&path, vec![b'%'; 2 * 1024 * 1024]).unwrap();
    let (url, seen) = upload_server(vec![503, 204]).await;
    let client = Client::builder()
        .api_key("KEY")
        .base_url(&url)
        .max_body_bytes(1024)
        .retry_initial_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let body = UploadForm {
        file: File::open(&path).content_type("application/pdf"),
        note: Some("hi".into()),
    };
    client.upload(&body).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for (line, length) in &seen {
        // Sent with its length (file size known up front), the whole file each time.
        assert_eq!(line, "post /uploads http/1.1 length");
        assert!(*length > 2 * 1024 * 1024, "{length}");
    }
    // The same parts whole, as `encode` writes them: the file's name and content.
    let (content_type, bytes) = crate::multipart::encode(&body).unwrap();
    let boundary = content_type.split("boundary=").nth(1).unwrap().to_owned();
    assert_eq!(boundary.len(), "codegen-boundary-".len() + 32);
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("filename=\"fax.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%%%"));
    assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
    assert_eq!(seen[0].1, bytes.len());
    std::fs::remove_dir_all(&dir).unwrap();
}
