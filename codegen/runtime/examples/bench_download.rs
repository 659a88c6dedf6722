//! Memory and speed of a 1 GiB download read through `ByteStream` (as a generated method
//! returns it: the harness's `Client::download`), against a bare reqwest `chunk()` loop over
//! the same local server in the same run. Peak heap growth is measured by a counting
//! allocator (live bytes above the level before the download).
//!
//! `cargo run --release -p codegen-runtime --example bench_download [MiB]`

use codegen_runtime::futures_util::StreamExt;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live =
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed) + layout.size() as isize;
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Serves `size` bytes (with a `Content-Length`) to every connection.
async fn server(size: u64) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {size}\r\nconnection: close\r\n\r\n"
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let block = vec![0x5au8; 64 * 1024];
                let mut left = size;
                while left > 0 {
                    let n = left.min(block.len() as u64) as usize;
                    if socket.write_all(&block[..n]).await.is_err() {
                        return;
                    }
                    left -= n as u64;
                }
            });
        }
    });
    url
}

/// Runs `read`, returning (seconds, peak heap growth in bytes, bytes read).
async fn measure<F: std::future::Future<Output = u64>>(read: F) -> (f64, isize, u64) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let start = Instant::now();
    let n = read.await;
    let secs = start.elapsed().as_secs_f64();
    (secs, PEAK.load(Ordering::Relaxed) - before, n)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mib: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1024);
    let size = mib * 1024 * 1024;
    let url = server(size).await;
    let client = codegen_runtime::Client::builder()
        .api_key("KEY")
        .base_url(&url)
        .build()
        .unwrap();
    let http = reqwest::Client::new();

    // Warm both paths (connection setup, lazily built state) on a small read first.
    let _ = client.download("warm").await.unwrap().next().await;

    let (base_secs, base_peak, base_n) = measure(async {
        let mut response = http.get(format!("{url}/files/x")).send().await.unwrap();
        let mut n = 0u64;
        while let Some(chunk) = response.chunk().await.unwrap() {
            n += chunk.len() as u64;
        }
        n
    })
    .await;
    let (ours_secs, ours_peak, ours_n) = measure(async {
        let mut body = client.download("x").await.unwrap();
        let mut n = 0u64;
        while let Some(chunk) = body.next().await {
            n += chunk.unwrap().len() as u64;
        }
        n
    })
    .await;
    assert_eq!((base_n, ours_n), (size, size));
    let mb = |b: isize| b as f64 / (1024.0 * 1024.0);
    println!("| benchmark | ours | baseline | ratio | target |");
    println!("|---|---|---|---:|---|");
    println!(
        "| {mib} MiB download: peak heap growth (ByteStream vs reqwest chunk loop) | {:.2} MiB | {:.2} MiB | {:.2}x | ours < 32 MiB |",
        mb(ours_peak),
        mb(base_peak),
        ours_peak as f64 / base_peak.max(1) as f64
    );
    println!(
        "| {mib} MiB download: time (ByteStream vs reqwest chunk loop) | {:.2} s ({:.0} MiB/s) | {:.2} s ({:.0} MiB/s) | {:.2}x | within 1.1x |",
        ours_secs,
        mib as f64 / ours_secs,
        base_secs,
        mib as f64 / base_secs,
        ours_secs / base_secs
    );
}
