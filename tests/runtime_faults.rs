//! The generated client's run-time behaviour against fault-injecting servers on 127.0.0.1:
//! the retry rules, Retry-After handling, timeouts, a connection reset mid-body, raw
//! responses, per-request options, tracing spans, and pagination (sequential and concurrent).

use futures_util::StreamExt;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use telnyx_recordings::types::GetRecordingsParams;
use telnyx_recordings::{Client, ClientBuilder, Error, RequestOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn empty_page() -> Value {
    json!({"data": [], "meta": {"total_pages": 1, "page_number": 1}})
}

/// A builder against `uri` whose backoff is 1 ms, so retry tests stay fast.
fn builder(uri: &str) -> ClientBuilder {
    Client::builder()
        .api_key("KEY")
        .base_url(uri)
        .retry_initial_delay(Duration::from_millis(1))
}

/// Answers `first` for the first `times` requests, then 200 with an empty page.
async fn server_failing(times: u64, first: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn retried_statuses_succeed_on_a_later_attempt() {
    for status in [408, 409, 429, 500, 502, 503, 504] {
        let server = server_failing(2, ResponseTemplate::new(status)).await;
        let client = builder(&server.uri()).build().unwrap();
        let result = client.get_recordings(&GetRecordingsParams::default()).await;
        assert!(result.is_ok(), "{status}: {result:?}");
        assert_eq!(
            requests(&server).await,
            3,
            "{status}: two retries by default"
        );
    }
}

#[tokio::test]
async fn other_client_errors_are_never_retried() {
    for status in [400, 401, 403, 404, 422] {
        let server = server_failing(1, ResponseTemplate::new(status)).await;
        let client = builder(&server.uri()).build().unwrap();
        let err = client
            .get_recordings(&Default::default())
            .await
            .unwrap_err();
        assert_eq!(err.status().unwrap().as_u16(), status);
        assert_eq!(requests(&server).await, 1, "{status} is not retried");
    }
}

#[tokio::test]
async fn x_should_retry_overrides_the_status_rule() {
    let server = server_failing(
        1,
        ResponseTemplate::new(400).insert_header("x-should-retry", "true"),
    )
    .await;
    let client = builder(&server.uri()).build().unwrap();
    assert!(client.get_recordings(&Default::default()).await.is_ok());
    assert_eq!(requests(&server).await, 2);

    let server = server_failing(
        1,
        ResponseTemplate::new(503).insert_header("x-should-retry", "false"),
    )
    .await;
    let client = builder(&server.uri()).build().unwrap();
    let err = client
        .get_recordings(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn retries_are_configurable_per_client_and_per_request() {
    let server = server_failing(10, ResponseTemplate::new(503)).await;
    let client = builder(&server.uri()).max_retries(4).build().unwrap();
    let err = client
        .get_recordings(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(requests(&server).await, 5);

    let once = client.with_options(RequestOptions::new().max_retries(0));
    once.get_recordings(&Default::default()).await.unwrap_err();
    assert_eq!(requests(&server).await, 6);
}

/// The time a request takes when the first answer is 503 with `headers`.
async fn wait_for(headers: &[(&str, String)]) -> Duration {
    let mut first = ResponseTemplate::new(503);
    for (name, value) in headers {
        first = first.insert_header(*name, value.as_str());
    }
    let server = server_failing(1, first).await;
    let client = builder(&server.uri()).build().unwrap();
    let started = Instant::now();
    client.get_recordings(&Default::default()).await.unwrap();
    assert_eq!(requests(&server).await, 2);
    started.elapsed()
}

#[tokio::test]
async fn retry_after_is_honoured_when_between_zero_and_sixty_seconds() {
    // Lower bounds only: the server asked for at least this long.
    assert!(wait_for(&[("retry-after-ms", "300".into())]).await >= Duration::from_millis(300));
    assert!(wait_for(&[("retry-after", "0.4".into())]).await >= Duration::from_millis(400));
    assert!(wait_for(&[("retry-after", "1".into())]).await >= Duration::from_secs(1));
    // retry-after-ms wins over Retry-After.
    let both = [
        ("retry-after-ms", "200".into()),
        ("retry-after", "30".into()),
    ];
    assert!(wait_for(&both).await < Duration::from_secs(20));
    let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3));
    assert!(wait_for(&[("retry-after", future)]).await >= Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_outside_the_window_falls_back_to_backoff() {
    // Were these honoured, the test would wait a minute or more (or forever).
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
    for value in ["120", "-5", "0", "soon", past.as_str()] {
        let waited = wait_for(&[("retry-after", value.to_owned())]).await;
        assert!(
            waited < Duration::from_secs(30),
            "Retry-After {value}: waited {waited:?}"
        );
    }
    let waited = wait_for(&[("retry-after-ms", "90000".into())]).await;
    assert!(waited < Duration::from_secs(30));
}

#[tokio::test]
async fn timeouts_are_their_own_error_and_are_retried() {
    let slow = ResponseTemplate::new(200)
        .set_body_json(empty_page())
        .set_delay(Duration::from_millis(1500));
    let server = server_failing(5, slow).await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(100))
        .max_retries(1)
        .build()
        .unwrap();
    let err = client
        .get_recordings(&Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_timeout());
    assert_eq!(err.status(), None);
    assert_eq!(requests(&server).await, 2, "a timeout is retried");

    // One slow answer, then fast ones: the retry succeeds.
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_millis(1500));
    let server = server_failing(1, slow).await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    assert!(client.get_recordings(&Default::default()).await.is_ok());

    // A per-request timeout overrides the client's.
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_millis(300));
    let server = server_failing(5, slow).await;
    let client = builder(&server.uri()).max_retries(0).build().unwrap();
    let hurried = client.with_options(RequestOptions::new().timeout(Duration::from_millis(50)));
    assert!(hurried
        .get_recordings(&Default::default())
        .await
        .unwrap_err()
        .is_timeout());
}

/// A raw HTTP server: the first `resets` connections get headers and half a body, then
/// the socket closes; later ones get a whole page. Returns its URL and a connection count.
async fn resetting_server(resets: usize) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let body = empty_page().to_string();
            let reply = if n < resets {
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"data\": [".to_owned()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = socket.write_all(reply.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    (url, count)
}

#[tokio::test]
async fn connection_reset_mid_body_is_retried_then_reported() {
    let (url, count) = resetting_server(usize::MAX).await;
    let client = builder(&url).build().unwrap();
    let err = client
        .get_recordings(&Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(count.load(Ordering::SeqCst), 3);

    let (url, count) = resetting_server(1).await;
    let client = builder(&url).build().unwrap();
    assert!(client.get_recordings(&Default::default()).await.is_ok());
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn raw_response_and_request_options() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-42")
                .set_body_json(empty_page()),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap().with_options(
        RequestOptions::new()
            .header("x-trace", "abc")
            .query("debug", "a b+c"),
    );
    let mut params = GetRecordingsParams::default();
    params.page.get_or_insert_with(Default::default).size = Some(5);
    let response = client
        .get_recordings(&params)
        .with_response()
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers["x-request-id"], "req-42");
    assert!(response.body.data.is_some_and(|data| data.is_empty()));

    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.headers["x-trace"], "abc");
    assert_eq!(request.url.query(), Some("page[size]=5&debug=a%20b%2Bc"));
}

/// Pages of `sizes.len()` pages; page N holds `sizes[N-1]` items numbered across pages.
/// Records (page, arrival) and answers after `delay(page)`.
struct Pages {
    sizes: Vec<usize>,
    with_meta: bool,
    delay: fn(i64) -> Duration,
    fail_page: Option<i64>,
    arrivals: Mutex<Vec<(i64, Instant, String)>>,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: i64 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page[number]")
            .map_or(1, |(_, v)| v.parse().unwrap());
        let query = request.url.query().unwrap_or_default().to_owned();
        self.arrivals
            .lock()
            .unwrap()
            .push((page, Instant::now(), query));
        if Some(page) == self.fail_page {
            return ResponseTemplate::new(500).set_body_json(json!({"errors": []}));
        }
        let before: usize = self.sizes.iter().take((page - 1) as usize).sum();
        let size = self.sizes.get((page - 1) as usize).copied().unwrap_or(0);
        let items: Vec<Value> = (before..before + size)
            .map(|i| json!({"id": i.to_string()}))
            .collect();
        let mut body = json!({"data": items});
        if self.with_meta {
            body["meta"] =
                json!({"page_number": page, "total_pages": self.sizes.len(), "page_size": 2});
        }
        ResponseTemplate::new(200)
            .set_body_json(body)
            .set_delay((self.delay)(page))
    }
}

fn no_delay(_: i64) -> Duration {
    Duration::ZERO
}

async fn paged_server(pages: Pages) -> (MockServer, Arc<Pages>) {
    let server = MockServer::start().await;
    let pages = Arc::new(pages);
    Mock::given(method("GET"))
        .respond_with(SharedPages(Arc::clone(&pages)))
        .mount(&server)
        .await;
    (server, pages)
}

struct SharedPages(Arc<Pages>);

impl Respond for SharedPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request)
    }
}

fn pages(sizes: Vec<usize>) -> Pages {
    Pages {
        sizes,
        with_meta: true,
        delay: no_delay,
        fail_page: None,
        arrivals: Mutex::new(Vec::new()),
    }
}

async fn ids(client: &Client, params: &GetRecordingsParams) -> Vec<Result<String, String>> {
    client
        .get_recordings_stream(params)
        .map(|item| item.map(|r| r.id.unwrap()).map_err(|e| e.to_string()))
        .collect()
        .await
}

/// The README's loop: the streams are named types, held in a struct and read with
/// `.next().await` without pinning.
#[tokio::test]
async fn the_item_and_page_streams_are_named_and_need_no_pinning() {
    struct Walk<'a> {
        items: telnyx_recordings::ItemStream<'a, telnyx_recordings::types::RecordingResponseData>,
        pages: telnyx_recordings::PageStream<'a, telnyx_recordings::types::RecordingsResponseBody>,
    }
    let (server, _pages) = paged_server(pages(vec![2, 1])).await;
    let client = builder(&server.uri()).build().unwrap();
    let mut params = GetRecordingsParams::default();
    params.page.get_or_insert_with(Default::default).size = Some(2);
    let mut walk = Walk {
        items: client.get_recordings_stream(&params),
        pages: client.get_recordings_pages(&params),
    };
    let mut ids = Vec::new();
    while let Some(recording) = walk.items.next().await {
        ids.push(recording.unwrap().id.unwrap());
    }
    assert_eq!(ids, ["0", "1", "2"]);
    let mut sizes = Vec::new();
    while let Some(page) = walk.pages.next().await {
        sizes.push(page.unwrap().data.map_or(0, |d| d.len()));
    }
    assert_eq!(sizes, [2, 1]);
}

#[tokio::test]
async fn stream_walks_every_page_keeping_size_and_filters() {
    let (server, pages) = paged_server(pages(vec![2, 2, 1])).await;
    let client = builder(&server.uri()).build().unwrap();
    let mut params = GetRecordingsParams::default();
    params.page.get_or_insert_with(Default::default).size = Some(2);
    params.filter.get_or_insert_with(Default::default).from = Some("+1555".into());
    let got = ids(&client, &params).await;
    assert_eq!(got, (0..5).map(|i| Ok(i.to_string())).collect::<Vec<_>>());
    let arrivals = pages.arrivals.lock().unwrap();
    let queries: Vec<&str> = arrivals.iter().map(|(_, _, q)| q.as_str()).collect();
    assert_eq!(
        queries,
        [
            "page[size]=2&page[number]=1&filter[from]=%2B1555",
            "page[size]=2&page[number]=2&filter[from]=%2B1555",
            "page[size]=2&page[number]=3&filter[from]=%2B1555",
        ]
    );
}

#[tokio::test]
async fn stream_starts_at_the_requested_page_and_stops_on_an_empty_one() {
    let (server, pages_seen) = paged_server(pages(vec![2, 2, 2, 2])).await;
    let client = builder(&server.uri()).build().unwrap();
    let mut params = GetRecordingsParams::default();
    params.page.get_or_insert_with(Default::default).number = Some(3);
    assert_eq!(ids(&client, &params).await.len(), 4);
    assert_eq!(pages_seen.arrivals.lock().unwrap().len(), 2);

    // Without meta the walk goes on until a page comes back empty.
    let mut no_meta = pages(vec![1, 1]);
    no_meta.with_meta = false;
    let (server, seen) = paged_server(no_meta).await;
    let client = builder(&server.uri()).build().unwrap();
    assert_eq!(ids(&client, &Default::default()).await.len(), 2);
    assert_eq!(seen.arrivals.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn stream_ends_after_an_error() {
    let mut failing = pages(vec![2, 2, 2]);
    failing.fail_page = Some(2);
    let (server, _) = paged_server(failing).await;
    let client = builder(&server.uri()).max_retries(0).build().unwrap();
    let got = ids(&client, &Default::default()).await;
    assert_eq!(got.len(), 3);
    assert!(got[..2].iter().all(Result::is_ok));
    assert!(got[2].as_ref().unwrap_err().contains("500"));
}

#[tokio::test]
async fn concurrent_stream_keeps_page_order() {
    // Early pages answer slowest, so any reordering would show.
    fn slow_first(page: i64) -> Duration {
        Duration::from_millis(400u64.saturating_sub(page as u64 * 60))
    }
    let mut slow = pages(vec![3, 3, 3, 3, 3, 2]);
    slow.delay = slow_first;
    let (server, seen) = paged_server(slow).await;
    let client = builder(&server.uri()).page_concurrency(4).build().unwrap();
    let got = ids(&client, &Default::default()).await;
    assert_eq!(got, (0..17).map(|i| Ok(i.to_string())).collect::<Vec<_>>());
    // Pages 2-5 were requested together, before page 2 (delayed 280 ms) had answered.
    let arrivals = seen.arrivals.lock().unwrap();
    let at = |page: i64| arrivals.iter().find(|(p, _, _)| *p == page).unwrap().1;
    assert!(at(5).duration_since(at(2)) < Duration::from_millis(250));
    assert_eq!(arrivals.len(), 6);
}

/// A minimal `tracing` subscriber that records the fields of `http_request` spans.
#[derive(Default, Clone)]
struct Spans(Arc<Mutex<Vec<SpanFields>>>);

/// A span's name and recorded fields, as `(name, Debug of the value)`.
type SpanFields = Vec<(String, String)>;

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl tracing::Subscriber for Spans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut spans = self.0.lock().unwrap();
        let mut fields = vec![("name".to_owned(), span.metadata().name().to_owned())];
        span.record(&mut Fields(&mut fields));
        spans.push(fields);
        tracing::span::Id::from_u64(spans.len() as u64)
    }
    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        values.record(&mut Fields(&mut spans[id.into_u64() as usize - 1]));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_attempt_has_a_span_with_method_path_status_and_attempt() {
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let server = server_failing(1, ResponseTemplate::new(503)).await;
    let client = builder(&server.uri()).build().unwrap();
    client.get_recordings(&Default::default()).await.unwrap();
    let recorded = spans.0.lock().unwrap();
    let requests: Vec<&SpanFields> = recorded
        .iter()
        .filter(|s| s.iter().any(|(k, v)| k == "name" && v == "http_request"))
        .collect();
    assert_eq!(requests.len(), 2);
    for (attempt, (span, status)) in requests.iter().zip(["503", "200"]).enumerate() {
        let get = |key: &str| span.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        assert_eq!(get("method"), Some("GET"));
        assert_eq!(get("path"), Some("\"/recordings\""));
        assert_eq!(get("attempt"), Some(attempt.to_string().as_str()));
        assert_eq!(get("status"), Some(status));
    }
}
