use crate::pagination::{
    items, next_link, next_number, next_offset, next_token, pages, Cursor, Limits, Page,
};
use crate::Error;
use futures_util::future::{ready, Ready};
use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

fn limits(concurrency: usize, max_pages: u64) -> Limits {
    Limits {
        concurrency,
        max_pages,
    }
}

/// The items of every page of a walk, and how many pages it asked for.
async fn walk(
    first: Cursor,
    limits: Limits,
    fetch: impl Fn(Cursor) -> Ready<Result<Page<Vec<i64>>, Error>> + Send + Sync + 'static,
) -> (Vec<Result<i64, Error>>, usize) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = {
        let calls = Arc::clone(&calls);
        move |cursor| {
            calls.fetch_add(1, Ordering::SeqCst);
            crate::pagination::fetch(fetch(cursor), |page| page)
        }
    };
    let all: Vec<_> = items(pages(first, limits, counted), |page: Vec<i64>| page)
        .collect()
        .await;
    (all, calls.load(Ordering::SeqCst))
}

fn ok(results: &[Result<i64, Error>]) -> Vec<i64> {
    results
        .iter()
        .map(|r| *r.as_ref().expect("no error"))
        .collect()
}

/// A numbered list of `total` pages of `per_page` items (page n holds n*10, n*10+1...), which
/// says its page count when `counted`.
fn numbered(
    total: i64,
    per_page: i64,
    counted: bool,
) -> impl Fn(Cursor) -> Ready<Result<Page<Vec<i64>>, Error>> + Send + Sync {
    move |cursor| {
        let Cursor::Number(n) = cursor else {
            panic!("{cursor:?}")
        };
        let body: Vec<i64> = if n <= total {
            (0..per_page).map(|i| n * 10 + i).collect()
        } else {
            Vec::new()
        };
        let total_pages = counted.then_some(total);
        ready(Ok(Page {
            next: next_number(n, Some(n), total_pages),
            number: Some(n),
            total_pages,
            items: body.len(),
            size: None,
            counted,
            body,
        }))
    }
}

#[tokio::test]
async fn page_numbers_walk_in_order_sequentially_and_concurrently() {
    for concurrency in [1, 3] {
        let (items, calls) = walk(
            Cursor::Number(1),
            limits(concurrency, 100),
            numbered(3, 2, true),
        )
        .await;
        assert_eq!(
            ok(&items),
            [10, 11, 20, 21, 30, 31],
            "concurrency {concurrency}"
        );
        assert_eq!(calls, 3, "no page past the last");
    }
}

#[tokio::test]
async fn without_a_page_count_the_walk_ends_at_a_short_or_empty_page() {
    // Three full pages, then an empty one: one request past the last full page.
    let (items, calls) = walk(Cursor::Number(1), limits(1, 100), numbered(3, 2, false)).await;
    assert_eq!(ok(&items).len(), 6);
    assert_eq!(calls, 4, "the empty page ends it");
    // A short last page ends it with no extra request.
    let short = |cursor| {
        let Cursor::Number(n) = cursor else { panic!() };
        let body: Vec<i64> = if n < 3 { vec![n, n] } else { vec![n] };
        ready(Ok(Page {
            next: next_number(n, None, None),
            number: None,
            total_pages: None,
            items: body.len(),
            size: None,
            counted: false,
            body,
        }))
    };
    let (items, calls) = walk(Cursor::Number(1), limits(1, 100), short).await;
    assert_eq!(ok(&items), [1, 1, 2, 2, 3]);
    assert_eq!(calls, 3);
}

#[tokio::test]
async fn an_error_ends_the_stream() {
    let failing = |cursor| {
        let Cursor::Number(n) = cursor else { panic!() };
        ready(if n == 2 {
            Err(Error::InvalidRequest("page 2".into()))
        } else {
            Ok(Page {
                next: next_number(n, None, None),
                number: None,
                total_pages: None,
                items: 1,
                size: None,
                counted: false,
                body: vec![n],
            })
        })
    };
    let (items, calls) = walk(Cursor::Number(1), limits(1, 100), failing).await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok() && items[1].is_err());
    assert_eq!(calls, 2);
}

#[tokio::test]
async fn a_server_that_never_moves_on_ends_the_stream_with_an_error() {
    // Page 1 forever, page 0 forever: each would make the stream ask for the same page again.
    for answer in [1, 0] {
        let stuck = move |cursor| {
            let Cursor::Number(asked) = cursor else {
                panic!()
            };
            ready(Ok(Page {
                next: next_number(asked, Some(answer), None),
                number: Some(answer),
                total_pages: None,
                items: 1,
                size: None,
                counted: false,
                body: vec![asked],
            }))
        };
        let (items, calls) = walk(Cursor::Number(1), limits(1, 100), stuck).await;
        assert!(
            matches!(items.last(), Some(Err(Error::Pagination(m))) if m.contains("page")),
            "{items:?}"
        );
        assert!(calls <= 2, "stopped at once: {calls}");
    }
}

#[tokio::test]
async fn a_cursor_the_server_repeats_ends_the_stream_with_an_error() {
    // The cursor goes a → b → a.
    let circle = |cursor: Cursor| {
        let next = match &cursor {
            Cursor::Start => "a",
            Cursor::Token(t) if t == "a" => "b",
            _ => "a",
        };
        ready(Ok(Page {
            next: next_token(Some(next)),
            number: None,
            total_pages: None,
            items: 1,
            size: None,
            counted: false,
            body: vec![1],
        }))
    };
    let (items, calls) = walk(Cursor::Start, limits(1, 100), circle).await;
    assert_eq!(calls, 3, "start, a, b");
    assert!(
        matches!(items.last(), Some(Err(Error::Pagination(m))) if m.contains("\"a\"")),
        "{items:?}"
    );
}

#[tokio::test]
async fn a_list_without_end_stops_at_the_page_limit() {
    for concurrency in [1, 4] {
        let endless = |cursor| {
            let Cursor::Number(n) = cursor else { panic!() };
            ready(Ok(Page {
                next: next_number(n, Some(n), Some(i64::MAX)),
                number: Some(n),
                total_pages: Some(i64::MAX),
                items: 1,
                size: None,
                counted: true,
                body: vec![n],
            }))
        };
        let (items, calls) = walk(Cursor::Number(1), limits(concurrency, 5), endless).await;
        assert_eq!(items.len(), 6, "five pages and the error: {items:?}");
        assert!(matches!(items[5], Err(Error::Pagination(_))));
        assert_eq!(calls, 5, "concurrency {concurrency}");
    }
}

#[tokio::test]
async fn concurrent_pages_must_be_the_ones_asked_for() {
    let ignoring = |_| {
        ready(Ok(Page {
            next: next_number(1, Some(1), Some(50)),
            number: Some(1),
            total_pages: Some(50),
            items: 1,
            size: None,
            counted: true,
            body: vec![1],
        }))
    };
    let (items, _) = walk(Cursor::Number(1), limits(3, 100), ignoring).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(matches!(&items[1], Err(Error::Pagination(_))));
}

#[tokio::test]
async fn a_walk_that_ends_early_is_no_page_limit_error() {
    // The page count says 1000, the pages run out at 3: no error, whatever the limit.
    let short = |cursor| {
        let Cursor::Number(n) = cursor else { panic!() };
        let body = if n <= 3 { vec![n] } else { Vec::new() };
        ready(Ok(Page {
            next: next_number(n, Some(n), Some(1000)),
            number: Some(n),
            total_pages: Some(1000),
            items: body.len(),
            size: None,
            counted: true,
            body,
        }))
    };
    let (items, _) = walk(Cursor::Number(1), limits(2, 10), short).await;
    assert_eq!(ok(&items), [1, 2, 3]);
}

#[tokio::test]
async fn offsets_advance_by_the_items_read() {
    // 7 items, 3 asked per page: offsets 0, 3, 6; the third page is short.
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&asked);
    let list = move |cursor| {
        let Cursor::Offset(offset) = cursor else {
            panic!()
        };
        log.lock().unwrap().push(offset);
        let body: Vec<i64> = (offset..7.min(offset + 3)).collect();
        ready(Ok(Page {
            next: next_offset(offset, body.len(), None),
            number: None,
            total_pages: None,
            items: body.len(),
            size: Some(3),
            counted: false,
            body,
        }))
    };
    let (items, calls) = walk(Cursor::Offset(0), limits(1, 100), list).await;
    assert_eq!(ok(&items), (0..7).collect::<Vec<_>>());
    assert_eq!(calls, 3);
    assert_eq!(*asked.lock().unwrap(), [0, 3, 6]);
    // A total ends the walk even when the last page is exactly full.
    assert_eq!(next_offset(6, 3, Some(9)), None);
    assert_eq!(next_offset(3, 3, Some(9)), Some(Cursor::Offset(6)));
}

#[tokio::test]
async fn cursors_end_when_the_next_one_is_null_or_empty() {
    for end in [None, Some(""), Some("  ")] {
        let list = move |cursor: Cursor| {
            let (body, next) = match cursor {
                Cursor::Start => (vec![1], next_token(Some("p2"))),
                Cursor::Token(t) if t == "p2" => (vec![2], next_token(end)),
                other => panic!("{other:?}"),
            };
            ready(Ok(Page {
                next,
                number: None,
                total_pages: None,
                items: body.len(),
                size: None,
                counted: false,
                body,
            }))
        };
        let (items, calls) = walk(Cursor::Start, limits(1, 100), list).await;
        assert_eq!(ok(&items), [1, 2]);
        assert_eq!(calls, 2, "{end:?}");
    }
}

#[test]
fn next_links_are_read_from_link_headers() {
    let link = |values: &[&str]| {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("link", HeaderValue::from_str(v).unwrap());
        }
        next_link(&headers)
    };
    assert_eq!(
        link(&[
            r#"<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3&a=b,c>; rel="next", <https://api.github.com/x?page=9>; rel="last""#
        ]),
        Some(Cursor::Url("https://api.github.com/x?page=3&a=b,c".into()))
    );
    assert_eq!(
        link(&[
            r#"<https://a/x?page=1>; rel="first""#,
            r#"</x?page=2>; rel=next"#
        ]),
        Some(Cursor::Url("/x?page=2".into()))
    );
    assert_eq!(
        link(&[r#"<https://a/x?page=2>; rel="next last""#]),
        Some(Cursor::Url("https://a/x?page=2".into()))
    );
    assert_eq!(
        link(&[r#"<https://a/x?page=1>; rel="prev""#]),
        None,
        "no next"
    );
    assert_eq!(link(&[]), None);
}

#[tokio::test]
async fn the_page_and_item_streams_can_be_named_stored_and_moved() {
    fn assert_send_unpin<S: futures_util::Stream + Send + Unpin>(_: &S) {}
    let stream: crate::PageStream<'static, Vec<i64>> =
        pages(Cursor::Number(1), limits(2, 100), |cursor| {
            crate::pagination::fetch(numbered(2, 2, true)(cursor), |page| page)
        });
    assert_send_unpin(&stream);
    let pages: Vec<_> = stream.collect().await;
    assert_eq!(pages.len(), 2);
    let stream: crate::ItemStream<'static, i64> =
        items(pages_of(numbered(2, 2, true)), |page: Vec<i64>| page);
    assert_send_unpin(&stream);
    assert!(format!("{stream:?}").starts_with("ItemStream"));
    let all: Vec<_> = stream.collect().await;
    assert_eq!(ok(&all), [10, 11, 20, 21]);
}

#[tokio::test]
async fn a_page_read_as_another_type_is_an_error_not_a_panic() {
    // Cannot happen through a generated method (its `fetch` and its stream name the same
    // type); if the runtime ever mixed them up, the stream says so.
    let mixed: crate::PageStream<'static, String> =
        pages(Cursor::Number(1), limits(1, 100), |cursor| {
            crate::pagination::fetch(numbered(1, 1, true)(cursor), |page| page)
        });
    let pages: Vec<_> = mixed.collect().await;
    assert!(
        matches!(pages.as_slice(), [Err(Error::Pagination(_))]),
        "{pages:?}"
    );
}

fn pages_of(
    fetch: impl Fn(Cursor) -> Ready<Result<Page<Vec<i64>>, Error>> + Send + Sync + 'static,
) -> crate::PageStream<'static, Vec<i64>> {
    pages(Cursor::Number(1), limits(1, 100), move |cursor| {
        crate::pagination::fetch(fetch(cursor), |page| page)
    })
}
