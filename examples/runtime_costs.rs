//! Measures the client's run-time costs against a local server on 127.0.0.1 (the numbers
//! in the notes and BENCHMARKS.md): the wall time of one retried 503 with default settings,
//! and streaming 20 pages at 20 ms latency each, sequentially and with page concurrency.
//!
//! `cargo run --release --example runtime_costs`

use futures_util::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant};
use telnyx_recordings::Client;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

struct Pages {
    total: i64,
    latency: Duration,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: i64 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page[number]")
            .map_or(1, |(_, v)| v.parse().unwrap_or(1));
        let items: Vec<_> = (0..25)
            .map(|i| json!({"id": format!("{page}-{i}")}))
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(
                json!({"data": items, "meta": {"page_number": page, "total_pages": self.total}}),
            )
            .set_delay(self.latency)
    }
}

async fn retry_cost() -> Duration {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("KEY")
        .base_url(server.uri())
        .build()
        .unwrap();
    let started = Instant::now();
    client.get_recordings(&Default::default()).await.unwrap();
    started.elapsed()
}

async fn stream_time(concurrency: usize) -> (Duration, usize) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Pages {
            total: 20,
            latency: Duration::from_millis(20),
        })
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("KEY")
        .base_url(server.uri())
        .page_concurrency(concurrency)
        .build()
        .unwrap();
    let started = Instant::now();
    let items = client
        .get_recordings_stream(&Default::default())
        .count()
        .await;
    (started.elapsed(), items)
}

#[tokio::main]
async fn main() {
    let mut retries: Vec<Duration> = Vec::new();
    for _ in 0..5 {
        retries.push(retry_cost().await);
    }
    retries.sort();
    println!(
        "one retried 503, default policy: median {:?} (min {:?}, max {:?}; backoff 0.5 s minus up to 25 % jitter)",
        retries[2], retries[0], retries[4]
    );
    for concurrency in [1, 4, 8] {
        let (time, items) = stream_time(concurrency).await;
        println!("20 pages x 20 ms, page_concurrency {concurrency}: {time:?} ({items} items)");
    }
}
