use crate::pagination::{paginate, Page};
use crate::Error;
use futures_util::StreamExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A fake list of `total` pages of `per_page` items (page n holds n*10, n*10+1...).
fn pages(
    total: i64,
    per_page: i64,
    calls: Arc<AtomicUsize>,
) -> impl Fn(i64) -> futures_util::future::Ready<Result<Page<i64>, Error>> + Send + Sync {
    move |n| {
        calls.fetch_add(1, Ordering::SeqCst);
        let items = if n <= total {
            (0..per_page).map(|i| n * 10 + i).collect()
        } else {
            Vec::new()
        };
        futures_util::future::ready(Ok(Page {
            items,
            page_number: Some(n),
            total_pages: Some(total),
        }))
    }
}

#[tokio::test]
async fn every_page_in_order_sequentially_and_concurrently() {
    for concurrency in [1, 3] {
        let calls = Arc::new(AtomicUsize::new(0));
        let items: Vec<i64> = paginate(1, concurrency, 100, pages(3, 2, calls.clone()))
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(items, [10, 11, 20, 21, 30, 31], "concurrency {concurrency}");
        assert_eq!(calls.load(Ordering::SeqCst), 3, "no page past the last");
    }
}

#[tokio::test]
async fn an_empty_page_or_an_error_ends_the_stream() {
    let calls = Arc::new(AtomicUsize::new(0));
    let empty_first: Vec<_> = paginate(1, 1, 100, pages(3, 0, calls.clone()))
        .collect()
        .await;
    assert!(empty_first.is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let failing = |n: i64| {
        futures_util::future::ready(if n == 2 {
            Err(Error::InvalidRequest("page 2".into()))
        } else {
            Ok(Page {
                items: vec![n],
                page_number: Some(n),
                total_pages: None,
            })
        })
    };
    let results: Vec<_> = paginate(1, 1, 100, failing).collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok() && results[1].is_err());
}

/// A server that answers `answer(n)` as the page number when asked for page `n`, with items
/// and no page count; counts the requests.
fn stuck(
    answer: fn(i64) -> i64,
    calls: Arc<AtomicUsize>,
) -> impl Fn(i64) -> futures_util::future::Ready<Result<Page<i64>, Error>> + Send + Sync {
    move |n| {
        calls.fetch_add(1, Ordering::SeqCst);
        futures_util::future::ready(Ok(Page {
            items: vec![n],
            page_number: Some(answer(n)),
            total_pages: None,
        }))
    }
}

#[tokio::test]
async fn a_server_that_never_moves_on_ends_the_stream_with_an_error() {
    // Page 1 forever, page 0 forever: each would make the stream ask for the same page again.
    for answer in [(|_| 1) as fn(i64) -> i64, |_| 0] {
        let calls = Arc::new(AtomicUsize::new(0));
        let results: Vec<_> = paginate(1, 1, 100, stuck(answer, calls.clone()))
            .collect()
            .await;
        let last = results.last().expect("something");
        assert!(
            matches!(last, Err(Error::Pagination(m)) if m.contains("answered page")),
            "{results:?}"
        );
        assert!(calls.load(Ordering::SeqCst) <= 2, "stopped at once");
    }
}

#[tokio::test]
async fn a_list_without_end_stops_at_the_page_limit() {
    for concurrency in [1, 4] {
        let calls = Arc::new(AtomicUsize::new(0));
        // The server claims a page count of i64::MAX.
        let endless = {
            let calls = calls.clone();
            move |n: i64| {
                calls.fetch_add(1, Ordering::SeqCst);
                futures_util::future::ready(Ok(Page {
                    items: vec![n],
                    page_number: Some(n),
                    total_pages: Some(i64::MAX),
                }))
            }
        };
        let results: Vec<_> = paginate(1, concurrency, 5, endless).collect().await;
        assert_eq!(results.len(), 6, "five pages and the error: {results:?}");
        assert!(matches!(results[5], Err(Error::Pagination(_))));
        assert_eq!(calls.load(Ordering::SeqCst), 5, "concurrency {concurrency}");
    }
}

#[tokio::test]
async fn concurrent_pages_must_be_the_ones_asked_for() {
    let calls = Arc::new(AtomicUsize::new(0));
    let ignoring = {
        let calls = calls.clone();
        move |_: i64| {
            calls.fetch_add(1, Ordering::SeqCst);
            futures_util::future::ready(Ok(Page {
                items: vec![1],
                page_number: Some(1),
                total_pages: Some(50),
            }))
        }
    };
    let results: Vec<_> = paginate(1, 3, 100, ignoring).collect().await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(matches!(&results[1], Err(Error::Pagination(_))));
}

#[tokio::test]
async fn a_walk_that_ends_early_is_no_page_limit_error() {
    // The page count says 1000, the pages run out at 3: no error, whatever the limit.
    let calls = Arc::new(AtomicUsize::new(0));
    let short = move |n: i64| {
        calls.fetch_add(1, Ordering::SeqCst);
        futures_util::future::ready(Ok(Page {
            items: if n <= 3 { vec![n] } else { Vec::new() },
            page_number: Some(n),
            total_pages: Some(1000),
        }))
    };
    let results: Vec<_> = paginate(1, 2, 10, short).collect().await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(results.len(), 3);
}
