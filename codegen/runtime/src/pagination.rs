//! Page-number pagination behind the `*_stream` methods: pages are fetched as the stream is
//! consumed, one after the other, or several at once (in order) when the page count is known.

use crate::error::Error;
use futures_util::stream::{self, BoxStream};
use futures_util::StreamExt as _;
use std::future::Future;
use std::sync::Arc;

/// One page: its items, and the position the server reports.
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) page_number: Option<i64>,
    pub(crate) total_pages: Option<i64>,
}

impl<T> Page<T> {
    /// The page after this one, if there is one: stop when the server says this is the last
    /// page (`page_number >= total_pages`) or when a page comes back empty.
    fn next(&self, requested: i64) -> Option<i64> {
        let current = self.page_number.unwrap_or(requested);
        let more = !self.items.is_empty() && self.total_pages.is_none_or(|total| current < total);
        more.then(|| current.saturating_add(1))
    }
}

type Items<'a, T> = BoxStream<'a, Result<T, Error>>;

fn items<'a, T: Send + 'a>(page: Result<Vec<T>, Error>) -> Items<'a, T> {
    match page {
        Ok(items) => stream::iter(items.into_iter().map(Ok)).boxed(),
        Err(e) => stream::iter([Err(e)]).boxed(),
    }
}

/// Every item of every page from `first` on. With `concurrency > 1`, once the first page
/// has told the page count, up to `concurrency` further pages are in flight and their items
/// still come out in page order. After an error the stream ends.
pub(crate) fn paginate<'a, T, F, Fut>(first: i64, concurrency: usize, fetch: F) -> Items<'a, T>
where
    T: Send + 'a,
    F: Fn(i64) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    let fetch = Arc::new(fetch);
    stream::once({
        let fetch = Arc::clone(&fetch);
        async move { fetch(first).await }
    })
    .flat_map(move |result| match result {
        Err(e) => items(Err(e)),
        Ok(page) => {
            let next = page.next(first);
            let head = items(Ok(page.items));
            match (next, page.total_pages) {
                (None, _) => head,
                (Some(next), Some(total)) if concurrency > 1 => head
                    .chain(concurrent(next, total, concurrency, Arc::clone(&fetch)))
                    .boxed(),
                (Some(next), _) => head.chain(sequential(next, Arc::clone(&fetch))).boxed(),
            }
        }
    })
    .boxed()
}

fn sequential<'a, T, F, Fut>(start: i64, fetch: Arc<F>) -> Items<'a, T>
where
    T: Send + 'a,
    F: Fn(i64) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    stream::unfold(Some(start), move |next| {
        let fetch = Arc::clone(&fetch);
        async move {
            let number = next?;
            Some(match fetch(number).await {
                Ok(page) => {
                    let next = page.next(number);
                    (Ok(page.items), next)
                }
                Err(e) => (Err(e), None),
            })
        }
    })
    .flat_map(items)
    .boxed()
}

fn concurrent<'a, T, F, Fut>(
    start: i64,
    total: i64,
    concurrency: usize,
    fetch: Arc<F>,
) -> Items<'a, T>
where
    T: Send + 'a,
    F: Fn(i64) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    stream::iter(start..=total)
        .map(move |number| fetch(number))
        .buffered(concurrency)
        // Stop after an error or at the first empty page, as the sequential walk does.
        .scan(false, |stopped, result| {
            let item = match result {
                _ if *stopped => None,
                Ok(page) if page.items.is_empty() => None,
                Ok(page) => Some(Ok(page.items)),
                Err(e) => {
                    *stopped = true;
                    Some(Err(e))
                }
            };
            futures_util::future::ready(item)
        })
        .flat_map(items)
        .boxed()
}
