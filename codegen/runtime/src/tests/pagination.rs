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
        let items: Vec<i64> = paginate(1, concurrency, pages(3, 2, calls.clone()))
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
    let empty_first: Vec<_> = paginate(1, 1, pages(3, 0, calls.clone())).collect().await;
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
    let results: Vec<_> = paginate(1, 1, failing).collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok() && results[1].is_err());
}
