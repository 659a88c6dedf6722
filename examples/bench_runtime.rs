//! Run-time benchmarks of the generated client, each against a baseline measured in the
//! same run (ratios, not absolute targets; see BENCHMARKS.md):
//! 1. decoding a 250-item `GET /recordings` page vs a minimal hand-written serde struct;
//! 2. building the query string of a full filter (time and allocations);
//! 3. requests per second against a local server vs a bare reqwest loop;
//! 4. streaming 20 pages at 20 ms latency, sequential vs concurrent; one retried 503.
//!
//! `cargo run --release --example bench_runtime`; `... -- one client 2000` runs one loop of
//! the requests/s rows alone (see `one_loop`).

use futures_util::StreamExt;
use serde::Deserialize;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use telnyx_recordings::types::{
    CallRecordingsPageConsolidated, GetRecordingsFilter, GetRecordingsFilterCreatedAt,
    GetRecordingsParams, RecordingsResponseBody,
};
use telnyx_recordings::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Counts allocations, for the query-building benchmark.
struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The baseline: what a hand-written client would decode (same fields, plain strings).
#[allow(dead_code)]
#[derive(Deserialize)]
struct HandPage {
    data: Option<Vec<HandRecording>>,
    meta: Option<HandMeta>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandMeta {
    total_pages: Option<i64>,
    total_results: Option<i64>,
    page_number: Option<i64>,
    page_size: Option<i64>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandRecording {
    call_control_id: Option<String>,
    call_leg_id: Option<String>,
    call_session_id: Option<String>,
    channels: Option<String>,
    conference_id: Option<String>,
    created_at: Option<String>,
    download_urls: Option<HandUrls>,
    duration_millis: Option<i32>,
    id: Option<String>,
    record_type: Option<String>,
    recording_started_at: Option<String>,
    recording_ended_at: Option<String>,
    source: Option<String>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    connection_id: Option<String>,
    initiated_by: Option<String>,
    updated_at: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandUrls {
    mp3: Option<String>,
    wav: Option<String>,
}

fn page_json(items: usize) -> String {
    let item = serde_json::json!({
        "call_control_id": "v3:e-31OnvjEM7Y4wvxr3TKNk8M3QyLcGZPiUIzCGtwQtOtEjY-B0urkw",
        "call_leg_id": "84a97d76-e40f-11ed-9074-02420a0daa69",
        "call_session_id": "84a97d76-e40f-11ed-9074-02420a0daa69",
        "channels": "dual", "conference_id": "84a97d76-e40f-11ed-9074-02420a0daa69",
        "created_at": "2018-02-02T22:25:27.521Z",
        "download_urls": {"mp3": "https://example.com/a.mp3", "wav": "https://example.com/a.wav"},
        "duration_millis": 60000, "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "record_type": "recording", "recording_started_at": "2019-01-23T18:10:02.574Z",
        "recording_ended_at": "2019-01-23T18:10:02.574Z", "source": "conference",
        "status": "completed", "from": "+15551234567", "to": "+15557654321",
        "connection_id": "175237942907135762", "initiated_by": "StartCallRecordingAPI",
        "updated_at": "2018-02-02T22:25:27.521Z"
    });
    serde_json::json!({"data": vec![item; items], "meta": {"total_pages": 3, "total_results": 55, "page_number": 2, "page_size": 250}}).to_string()
}

/// Median of `rounds` timings of `iterations` calls of `f`, per call.
fn median_per_call(rounds: usize, iterations: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..iterations {
                f();
            }
            started.elapsed() / iterations as u32
        })
        .collect();
    times.sort();
    times[rounds / 2]
}

fn full_filter() -> GetRecordingsParams {
    let id = "428c31b6-7af4-4bcb-b7f5-5013ef9657c1";
    GetRecordingsParams::new()
        .page(CallRecordingsPageConsolidated::new().size(250).number(3))
        .filter(
            GetRecordingsFilter::new()
                .conference_id(id)
                .created_at(
                    GetRecordingsFilterCreatedAt::new()
                        .gte("2019-03-29T11:10:00Z")
                        .lte("2019-03-30T11:10:00Z"),
                )
                .call_leg_id(id)
                .call_session_id(id)
                .from("+15551234567")
                .to("+15557654321")
                .connection_id("175237942907135762")
                .sip_call_id(id)
                .call_control_id("v3:e-31OnvjEM7Y4wvxr3TKNk8M3QyLcGZPiUIzCGtwQtOtEjY-B0urkw")
                .conference_region("us"),
        )
}

/// A minimal keep-alive HTTP/1.1 server on 127.0.0.1: each request is answered, after
/// `latency`, with the JSON body `respond` makes from the request's head. Returns its URL.
async fn serve<F>(respond: F, latency: Duration) -> String
where
    F: Fn(&str) -> String + Clone + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let respond = respond.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                let mut filled = 0;
                loop {
                    match socket.read(&mut buf[filled..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => filled += n,
                    }
                    while let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                        let body = respond(&String::from_utf8_lossy(&buf[..end]));
                        buf.copy_within(end + 4..filled, 0);
                        filled -= end + 4;
                        if !latency.is_zero() {
                            tokio::time::sleep(latency).await;
                        }
                        let reply = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if socket.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    url
}

/// Page `page[number]` of `total` pages of 25 recordings.
fn page_for(head: &str, total: i64) -> String {
    let page: i64 = head
        .split("page[number]=")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let items: Vec<_> = (0..25)
        .map(|i| serde_json::json!({"id": format!("{page}-{i}")}))
        .collect();
    serde_json::json!({"data": items, "meta": {"page_number": page, "total_pages": total}})
        .to_string()
}

/// The baseline request: what the generated client sends, with reqwest alone.
async fn bare_get(client: &reqwest::Client, url: &str) -> impl AsRef<[u8]> {
    let response = client
        .get(url)
        .header("authorization", "Bearer KEY")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    response.bytes().await.unwrap()
}

/// A loop of the requests/s rows: the generated client, then the baselines (a), (b) and (c)
/// (see `tables`), in the order of their rows.
#[derive(Clone, Copy)]
enum Loop {
    Client,
    Bare,
    Fair,
    Hand,
}

impl Loop {
    const ALL: [Loop; 4] = [Loop::Client, Loop::Bare, Loop::Fair, Loop::Hand];

    /// Its name on the command line (`one <name> <requests>`).
    fn name(self) -> &'static str {
        match self {
            Loop::Client => "client",
            Loop::Bare => "a",
            Loop::Fair => "b",
            Loop::Hand => "c",
        }
    }
}

/// What the loops send with, against one local server.
struct Loops {
    client: Client,
    bare: reqwest::Client,
    bare_timeout: reqwest::Client,
    url: String,
    target: String,
}

impl Loops {
    async fn new(params: &GetRecordingsParams) -> Self {
        let small = page_json(1);
        let url = serve(move |_| small.clone(), Duration::ZERO).await;
        let client = Client::builder()
            .api_key("KEY")
            .base_url(&url)
            .build()
            .unwrap();
        let bare_timeout = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let target = format!("{url}/recordings?{}", params.query());
        Loops {
            client,
            bare: reqwest::Client::new(),
            bare_timeout,
            url,
            target,
        }
    }

    /// One request of loop `kind`.
    async fn request(&self, kind: Loop, params: &GetRecordingsParams, pairs: &[(String, String)]) {
        match kind {
            Loop::Client => {
                std::hint::black_box(self.client.get_recordings(params).await.unwrap());
            }
            Loop::Bare => {
                std::hint::black_box(bare_get(&self.bare, &self.target).await);
            }
            Loop::Fair => {
                let body = bare_get(&self.bare_timeout, &self.target).await;
                let page: RecordingsResponseBody = serde_json::from_slice(body.as_ref()).unwrap();
                std::hint::black_box(page);
            }
            Loop::Hand => {
                let mut serializer =
                    url::form_urlencoded::Serializer::new(format!("{}/recordings?", self.url));
                for (k, v) in pairs {
                    serializer.append_pair(k, v);
                }
                let body = bare_get(&self.bare_timeout, &serializer.finish()).await;
                let page: RecordingsResponseBody = serde_json::from_slice(body.as_ref()).unwrap();
                std::hint::black_box(page);
            }
        }
    }
}

/// Requests per second of each loop in each round, `rounds` rounds of 1,000 requests,
/// rotating which goes first.
async fn requests_per_second(
    params: &GetRecordingsParams,
    pairs: &[(String, String)],
    rounds: usize,
) -> [Vec<f64>; 4] {
    let loops = Loops::new(params).await;
    // Rounds rotate which loop runs first, and each ratio is the median of the rounds' own
    // ratios: a machine that drifts during the run (other tenants, clock changes) moves the
    // loops of a round together instead of favouring whichever always ran first.
    let requests = 1000;
    let mut rps = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    let kinds = Loop::ALL.len();
    for round in 0..rounds {
        for slot in 0..kinds {
            let kind = (round + slot) % kinds;
            let started = Instant::now();
            for _ in 0..requests {
                loops.request(Loop::ALL[kind], params, pairs).await;
            }
            rps[kind].push(requests as f64 / started.elapsed().as_secs_f64());
        }
    }
    rps
}

/// `bench_runtime one <loop> <requests>`: one request loop alone (`client`, `a`, `b` or
/// `c`), for a profiler or an instruction count (`valgrind --tool=callgrind`), which the
/// rotated rounds would mix; prints the allocations a request, the local server's
/// included (the same server for every loop), and a reallocation counted as one (the
/// counting allocator's `realloc` is the default one: a new block).
fn one_loop(name: &str, requests: &str) -> Result<(), String> {
    let kind = Loop::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| format!("unknown loop {name:?}: client, a, b or c"))?;
    let requests: usize = requests
        .parse()
        .map_err(|e| format!("requests {requests:?}: {e}"))?;
    let params = full_filter();
    let pairs = flattened(&params);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let loops = Loops::new(&params).await;
        // One request first: connection and first-use allocations are not a request's.
        loops.request(kind, &params, &pairs).await;
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let started = Instant::now();
        for _ in 0..requests {
            loops.request(kind, &params, &pairs).await;
        }
        let elapsed = started.elapsed();
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
        println!(
            "loop {name}: {requests} requests in {elapsed:.2?}, {:.1} allocations a request (a growth counts as one)",
            allocations as f64 / requests.max(1) as f64
        );
    });
    Ok(())
}

/// The query's pairs, decoded back from the generated query string: the hand-written
/// baseline's input, already flattened.
fn flattened(params: &GetRecordingsParams) -> Vec<(String, String)> {
    url::form_urlencoded::parse(params.query().as_str().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn row(name: &str, ours: String, baseline: String, ratio: f64, target: &str) {
    println!("| {name} | {ours} | {baseline} | {ratio:.2}x | {target} |");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => tables(),
        [one, name, requests] if one == "one" => {
            if let Err(e) = one_loop(name, requests) {
                eprintln!("bench_runtime: {e}");
                std::process::exit(2);
            }
        }
        _ => {
            eprintln!("usage: bench_runtime [one client|a|b|c REQUESTS]");
            std::process::exit(2);
        }
    }
}

/// Every benchmark, as the rows of BENCHMARKS.md's table.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn tables() {
    println!("| run-time benchmark | generated client | baseline | ratio | target |");
    println!("|---|---|---|---:|---|");

    // 1. Decoding, in rounds that alternate which decoder goes first; the ratio is the
    // median of the rounds' own ratios (timed one after the other, a slow minute on one side
    // read 1.39x in a run whose reruns read 0.94x and 1.02x).
    let json = page_json(250);
    let mut ours = Vec::new();
    let mut hand = Vec::new();
    for round in 0..31 {
        let decode_ours = || {
            median_per_call(1, 40, || {
                let page: RecordingsResponseBody = serde_json::from_str(&json).unwrap();
                std::hint::black_box(page);
            })
        };
        let decode_hand = || {
            median_per_call(1, 40, || {
                let page: HandPage = serde_json::from_str(&json).unwrap();
                std::hint::black_box(page);
            })
        };
        if round % 2 == 0 {
            ours.push(decode_ours());
            hand.push(decode_hand());
        } else {
            hand.push(decode_hand());
            ours.push(decode_ours());
        }
    }
    let mut ratios: Vec<f64> = ours
        .iter()
        .zip(&hand)
        .map(|(o, h)| o.as_secs_f64() / h.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ours.sort();
    hand.sort();
    row(
        "decode a 250-item page (median of 31 alternating rounds)",
        format!("{:.2?}", ours[ours.len() / 2]),
        format!("{:.2?} (hand-written serde struct)", hand[hand.len() / 2]),
        ratios[ratios.len() / 2],
        "≤ 1.1x",
    );

    // 2. Query building.
    let params = full_filter();
    let per_call = median_per_call(15, 2000, || {
        std::hint::black_box(params.query());
    });
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let query = params.query();
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    // Baseline: the same pairs, already flattened by hand, through `form_urlencoded`.
    let pairs = flattened(&params);
    let baseline = median_per_call(15, 2000, || {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            serializer.append_pair(k, v);
        }
        std::hint::black_box(serializer.finish());
    });
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        serializer.append_pair(k, v);
    }
    std::hint::black_box(serializer.finish());
    let baseline_allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    row(
        "build the query of a full filter",
        format!("{per_call:.2?}, {allocations} allocations, {} bytes", query.as_str().len()),
        format!("{baseline:.2?}, {baseline_allocations} allocations (form_urlencoded, pairs flattened by hand)"),
        per_call.as_secs_f64() / baseline.as_secs_f64(),
        "(none set; time and allocations reported)",
    );

    // 3. Requests per second, sequential, against the same local server: the generated
    // client against a bare reqwest loop sending the same request (a), against one that
    // also does what any client must (the same 60 s timeout, decoding the body) (b), and
    // against a hand-written client: (b) with the query built for each request from the same
    // filter, as the query row's baseline builds it (c).
    // One thread runs the client, the server and the loops (a runtime of its own): with the
    // two of a multi-threaded runtime, wake-ups moving between cores made rounds differ by
    // ±10 %, more than the differences measured.
    let rounds = 25;
    let rps = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(requests_per_second(&params, &pairs, rounds))
            })
            .join()
            .unwrap()
    });
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let [ours_rps, bare_rps, fair_rps, hand_rps] = &rps;
    let ratio = |other: &[f64]| median(other.iter().zip(ours_rps).map(|(o, u)| o / u).collect());
    row(
        &format!("requests/s, sequential, local server on the same thread (median of {rounds} rotated rounds) vs bare reqwest (a)"),
        format!("{:.0}/s", median(ours_rps.clone())),
        format!("{:.0}/s (send, read body)", median(bare_rps.clone())),
        ratio(bare_rps),
        "none: a floor, not a client (no query built, no decode, no timeout)",
    );
    row(
        "same, vs bare reqwest + 60 s timeout + decode (b)",
        format!("{:.0}/s", median(ours_rps.clone())),
        format!("{:.0}/s", median(fair_rps.clone())),
        ratio(fair_rps),
        "none: a floor, not a client (its URL built once)",
    );
    row(
        "same, vs a hand-written client: (b) + the query built per request (c)",
        format!("{:.0}/s", median(ours_rps.clone())),
        format!(
            "{:.0}/s (form_urlencoded, as the query row)",
            median(hand_rps.clone())
        ),
        ratio(hand_rps),
        "≤ 1.05x (time per request)",
    );

    // 4. Streaming and retries.
    let url = serve(|head| page_for(head, 20), Duration::from_millis(20)).await;
    let mut times = Vec::new();
    for concurrency in [1, 4, 8] {
        let client = Client::builder()
            .api_key("KEY")
            .base_url(&url)
            .page_concurrency(concurrency)
            .build()
            .unwrap();
        let started = Instant::now();
        let items = client
            .get_recordings_stream(&Default::default())
            .count()
            .await;
        assert_eq!(items, 500);
        times.push((concurrency, started.elapsed()));
    }
    for (concurrency, time) in &times[1..] {
        row(
            &format!("stream 20 pages × 20 ms, page_concurrency {concurrency}"),
            format!("{time:.0?}"),
            format!("{:.0?} (sequential)", times[0].1),
            time.as_secs_f64() / times[0].1.as_secs_f64(),
            "faster than sequential",
        );
    }
}
