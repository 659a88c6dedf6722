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
    /// The page after this one (asked for as `requested`), if there is one: stop when the
    /// server says this is the last page (`page_number >= total_pages`) or when a page comes
    /// back empty. A server that answers an earlier page than the one asked for (page 1 again,
    /// or page 0) would make the stream ask for the same page forever: that is an error.
    fn next(&self, requested: i64) -> Result<Option<i64>, Error> {
        let current = self.page_number.unwrap_or(requested);
        if current < requested {
            return Err(Error::Pagination(format!(
                "asked for page {requested}, the server answered page {current}"
            )));
        }
        let more = !self.items.is_empty() && self.total_pages.is_none_or(|total| current < total);
        Ok(more
            .then(|| current.saturating_add(1))
            .filter(|&n| n > current))
    }
}

/// The error after `max` pages when there are more.
fn too_many(max: u64) -> Error {
    Error::Pagination(format!(
        "the list has more than {max} pages (ClientBuilder::max_pages)"
    ))
}

type Items<'a, T> = BoxStream<'a, Result<T, Error>>;

fn items<'a, T: Send + 'a>(page: Result<Vec<T>, Error>) -> Items<'a, T> {
    match page {
        Ok(items) => stream::iter(items.into_iter().map(Ok)).boxed(),
        Err(e) => stream::iter([Err(e)]).boxed(),
    }
}

/// Every item of every page from `first` on, at most `max_pages` pages. With
/// `concurrency > 1`, once the first page has told the page count, up to `concurrency`
/// further pages are in flight and their items still come out in page order. After an error
/// the stream ends.
pub(crate) fn paginate<'a, T, F, Fut>(
    first: i64,
    concurrency: usize,
    max_pages: u64,
    fetch: F,
) -> Items<'a, T>
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
            let next = match page.next(first) {
                Ok(next) => next,
                Err(e) => return items(Err(e)),
            };
            let head = items(Ok(page.items));
            match (next, page.total_pages) {
                (None, _) => head,
                (Some(_), _) if max_pages <= 1 => {
                    head.chain(items(Err(too_many(max_pages)))).boxed()
                }
                (Some(next), Some(total)) if concurrency > 1 => head
                    .chain(concurrent(
                        next,
                        total,
                        concurrency,
                        max_pages,
                        Arc::clone(&fetch),
                    ))
                    .boxed(),
                (Some(next), _) => head
                    .chain(sequential(next, max_pages, Arc::clone(&fetch)))
                    .boxed(),
            }
        }
    })
    .boxed()
}

/// Pages from `start` on, one after the other, until `max_pages` pages in all (the first,
/// already fetched, included).
fn sequential<'a, T, F, Fut>(start: i64, max_pages: u64, fetch: Arc<F>) -> Items<'a, T>
where
    T: Send + 'a,
    F: Fn(i64) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    // The state: the next page to ask for and the pages still allowed.
    stream::unfold(Some((start, max_pages - 1)), move |state| {
        let fetch = Arc::clone(&fetch);
        async move {
            let (number, budget) = state?;
            if budget == 0 {
                return Some((Err(too_many(max_pages)), None));
            }
            Some(match fetch(number).await {
                Ok(page) => match page.next(number) {
                    Ok(next) => (Ok(page.items), next.map(|n| (n, budget - 1))),
                    Err(e) => (Err(e), None),
                },
                Err(e) => (Err(e), None),
            })
        }
    })
    .flat_map(items)
    .boxed()
}

/// Pages `start..=total`, `concurrency` at a time, in order; at most `max_pages` in all (the
/// first, already fetched, included).
fn concurrent<'a, T, F, Fut>(
    start: i64,
    total: i64,
    concurrency: usize,
    max_pages: u64,
    fetch: Arc<F>,
) -> Items<'a, T>
where
    T: Send + 'a,
    F: Fn(i64) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
{
    let budget = max_pages - 1;
    let wanted = u64::try_from(total.saturating_sub(start).saturating_add(1)).unwrap_or(0);
    let last = if wanted > budget {
        start.saturating_add(i64::try_from(budget).unwrap_or(i64::MAX) - 1)
    } else {
        total
    };
    // Set when the walk ends before `last` (an empty page, an error): then the page count
    // was wrong, not the budget too small.
    let ended = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pages = stream::iter(start..=last)
        .map(move |number| {
            let page = fetch(number);
            async move { (number, page.await) }
        })
        .buffered(concurrency)
        // Stop after an error or at the first empty page, as the sequential walk does; a
        // page that is not the one asked for is an error (the server ignores the number).
        .scan(Arc::clone(&ended), |ended, (number, result)| {
            use std::sync::atomic::Ordering::Relaxed;
            let item = match result {
                _ if ended.load(Relaxed) => None,
                Ok(page) if page.page_number.is_some_and(|n| n != number) => {
                    ended.store(true, Relaxed);
                    Some(Err(Error::Pagination(format!(
                        "asked for page {number}, the server answered page {}",
                        page.page_number.unwrap_or_default()
                    ))))
                }
                Ok(page) if page.items.is_empty() => {
                    ended.store(true, Relaxed);
                    None
                }
                Ok(page) => Some(Ok(page.items)),
                Err(e) => {
                    ended.store(true, Relaxed);
                    Some(Err(e))
                }
            };
            futures_util::future::ready(item)
        })
        .flat_map(items);
    if wanted <= budget {
        return pages.boxed();
    }
    let over = stream::once(async move {
        let early = ended.load(std::sync::atomic::Ordering::Relaxed);
        (!early).then(|| too_many(max_pages))
    })
    .filter_map(futures_util::future::ready)
    .map(Err);
    pages.chain(over).boxed()
}
