//! Pagination behind the `*_pages` and `*_stream` methods, in every style the generator finds
//! in a spec: page numbers, offsets, cursors from the body (or the last item's id), and next
//! links (a `Link` header or a URL in the body). The generated code says how to ask for a page
//! ([`Cursor`]) and what a page says of the next ([`Page`]); this module walks the pages as the
//! stream is consumed (page numbers several at once when the count is known), bounded: a
//! cursor the server repeats, a page number or offset that does not advance, and more than
//! `max_pages` pages end the stream with [`Error::Pagination`].

// A crate uses the helpers of the styles its spec has, not all of them.
#![allow(dead_code)]

use crate::error::Error;
use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream};
use futures_util::{ready, Stream, StreamExt as _};
use std::any::Any;
use std::collections::HashSet;
use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Which page to ask for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Cursor {
    /// The first page, with the caller's parameters as given.
    Start,
    /// A page number.
    Number(i64),
    /// An offset into the list.
    Offset(i64),
    /// An opaque token the previous page gave (or the last item's id).
    Token(String),
    /// A URL the previous page gave, followed as given.
    Url(String),
}

/// One page: its body, and what it says of the next.
pub(crate) struct Page<B> {
    pub(crate) body: B,
    /// Where the next page is; `None` on the last page.
    pub(crate) next: Option<Cursor>,
    /// The page number the server says this page is (page-number walks).
    pub(crate) number: Option<i64>,
    /// How many pages there are, when the server says: page-number walks then fetch several
    /// at once.
    pub(crate) total_pages: Option<i64>,
    /// How many items the page holds.
    pub(crate) items: usize,
    /// The page size asked for, when the caller set one: a page-number or offset walk ends at
    /// a page shorter than it (without one, shorter than the largest page seen)...
    pub(crate) size: Option<usize>,
    /// ...unless the server says how far the list goes (a page count, a total, a "more"
    /// flag): then a short page is only a short page. An empty one always ends the walk.
    pub(crate) counted: bool,
}

/// How far a walk goes and how many pages it fetches at once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) concurrency: usize,
    pub(crate) max_pages: u64,
}

/// A page's body with its type erased. The walk below is generic over nothing, so it is
/// compiled once however many operations paginate; typed, it was compiled once per operation
/// (a stream of adapters, a task queue and a heap each time), the largest part of a whole-API
/// crate's machine code. [`PageStream`] and [`ItemStream`] give the types back.
pub(crate) type Body = Box<dyn Any + Send>;

/// A page being fetched.
pub(crate) type PageFuture<'a> = BoxFuture<'a, Result<Page<Body>, Error>>;

/// How the walk asks for a page (the generated method's page function over its arguments).
type Fetch<'a> = Arc<dyn Fn(Cursor) -> PageFuture<'a> + Send + Sync + 'a>;

type Pages<'a> = BoxStream<'a, Result<Body, Error>>;

fn failed<'a>(error: Error) -> Pages<'a> {
    stream::iter([Err(error)]).boxed()
}

/// A page's request and how its answer becomes the [`Page`]. The future is built here, so
/// that a generated `*_pages` method has no async block of its own: each would be a
/// coroutine type for the compiler to analyse (and prove `Send`), once per paginated
/// operation, a measurable part of checking a whole-API crate.
pub(crate) fn fetch<'a, R, B: Send + 'static>(
    call: impl IntoFuture<Output = Result<R, Error>, IntoFuture: Send + 'a>,
    page: impl FnOnce(R) -> Page<B> + Send + 'a,
) -> PageFuture<'a> {
    let call = call.into_future();
    Box::pin(async move { Ok(page(call.await?).erase()) })
}

impl<B: Send + 'static> Page<B> {
    fn erase(self) -> Page<Body> {
        Page {
            body: Box::new(self.body),
            next: self.next,
            number: self.number,
            total_pages: self.total_pages,
            items: self.items,
            size: self.size,
            counted: self.counted,
        }
    }
}

/// The body of a page as its type: always the type [`fetch`] erased (a different one would
/// be a bug here, reported as an error rather than a panic).
fn restore<B: 'static>(body: Body) -> Result<B, Error> {
    body.downcast::<B>().map(|body| *body).map_err(|_| {
        Error::Pagination("internal error: a page of another type than its operation's".into())
    })
}

/// Every page of a paginated operation (its `*_pages` method), each body whole, fetched as
/// the stream is consumed; after an error the stream ends. A [`Stream`](futures_util::Stream)
/// of `Result<B, Error>`, named so that it can be stored.
#[must_use = "a stream does nothing unless polled"]
pub struct PageStream<'a, B> {
    pages: Pages<'a>,
    body: PhantomData<fn() -> B>,
}

// The stream's state is boxed, so it never needs pinning itself.
impl<B> Unpin for PageStream<'_, B> {}

impl<B> fmt::Debug for PageStream<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream").finish_non_exhaustive()
    }
}

impl<B: 'static> Stream for PageStream<'_, B> {
    type Item = Result<B, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.pages
            .poll_next_unpin(cx)
            .map(|page| page.map(|page| page.and_then(restore)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.pages.size_hint()
    }
}

/// Every item of every page of a paginated operation (its `*_stream` method), in order,
/// fetched as the stream is consumed; after an error the stream ends. A
/// [`Stream`](futures_util::Stream) of `Result<T, Error>`, named so that it can be stored.
#[must_use = "a stream does nothing unless polled"]
pub struct ItemStream<'a, T> {
    pages: Pages<'a>,
    split: Box<dyn Fn(Body) -> Result<Vec<T>, Error> + Send + Sync + 'a>,
    items: std::vec::IntoIter<T>,
}

impl<T> Unpin for ItemStream<'_, T> {}

impl<T> fmt::Debug for ItemStream<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("buffered", &self.items.len())
            .finish_non_exhaustive()
    }
}

impl<T> Stream for ItemStream<'_, T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        // Bounded: each turn takes a page, and the walk ends after `max_pages`.
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(this.pages.poll_next_unpin(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(page)) => match (this.split)(page) {
                    Ok(items) => this.items = items.into_iter(),
                    Err(e) => return Poll::Ready(Some(Err(e))),
                },
            }
        }
    }
}

/// The items of each page, in order; after an error the stream ends.
pub(crate) fn items<'a, B: 'static, T: 'a>(
    pages: PageStream<'a, B>,
    items: fn(B) -> Vec<T>,
) -> ItemStream<'a, T> {
    ItemStream {
        pages: pages.pages,
        split: Box::new(move |body| restore(body).map(items)),
        items: Vec::new().into_iter(),
    }
}

/// Every page from `first` on, fetched as the stream is consumed. After an error the stream
/// ends.
pub(crate) fn pages<'a, B>(
    first: Cursor,
    limits: Limits,
    fetch: impl Fn(Cursor) -> PageFuture<'a> + Send + Sync + 'a,
) -> PageStream<'a, B> {
    PageStream {
        pages: walk(first, limits, Arc::new(fetch)),
        body: PhantomData,
    }
}

/// [`pages`] of an operation of `client`, with the client's limits: `fetch` asks for the page
/// at a cursor with the walk's own copy of the caller's arguments (`args`). A plain function
/// rather than a closure over the arguments, because the compiler proves a closure `Send` and
/// `Sync` through everything it captures, once per paginated operation: in a whole-API crate
/// that proof was most of the type checking of a `*_pages` method.
pub(crate) fn pages_with<'a, A: Send + Sync + 'a, B>(
    client: &'a crate::Client,
    args: A,
    first: Cursor,
    fetch: fn(&'a crate::Client, &A, Cursor) -> PageFuture<'a>,
) -> PageStream<'a, B> {
    let limits = Limits {
        concurrency: client.page_concurrency(),
        max_pages: client.max_pages(),
    };
    pages(first, limits, move |cursor| fetch(client, &args, cursor))
}

fn walk(first: Cursor, limits: Limits, fetch: Fetch<'_>) -> Pages<'_> {
    let limits = Limits {
        max_pages: limits.max_pages.max(1),
        ..limits
    };
    stream::once({
        let (fetch, first) = (Arc::clone(&fetch), first.clone());
        async move { fetch(first).await }
    })
    .flat_map(move |result| match result {
        Err(e) => failed(e),
        Ok(page) => {
            let next = match advance(&first, &page, &HashSet::new(), page.items) {
                Ok(next) => next,
                Err(e) => return failed(e),
            };
            let total = page.total_pages;
            let page_items = page.items;
            let head = stream::iter([Ok(page.body)]).boxed();
            match (next, total) {
                (None, _) => head,
                (Some(_), _) if limits.max_pages <= 1 => {
                    head.chain(failed(too_many(limits.max_pages))).boxed()
                }
                (Some(Cursor::Number(next)), Some(total)) if limits.concurrency > 1 => head
                    .chain(concurrent(next, total, limits, Arc::clone(&fetch)))
                    .boxed(),
                (Some(next), _) => {
                    let seen: HashSet<Cursor> = [first.clone()].into_iter().collect();
                    let walk = Walk {
                        cursor: next,
                        seen,
                        budget: limits.max_pages - 1,
                        largest: page_items,
                    };
                    head.chain(sequential(walk, limits.max_pages, Arc::clone(&fetch)))
                        .boxed()
                }
            }
        }
    })
    .boxed()
}

/// The cursor after `page` (fetched with `asked`), checked to make progress: a page number
/// or offset that does not grow, or a cursor already followed, would walk in a circle. A
/// page-number or offset walk also ends at an empty page or one shorter than a full page
/// (the size asked for, else `largest`, the most items a page of this walk held).
fn advance(
    asked: &Cursor,
    page: &Page<Body>,
    seen: &HashSet<Cursor>,
    largest: usize,
) -> Result<Option<Cursor>, Error> {
    if let (Cursor::Number(asked), Some(answered)) = (asked, page.number) {
        if answered < *asked {
            return Err(Error::Pagination(format!(
                "asked for page {asked}, the server answered page {answered}"
            )));
        }
    }
    let Some(next) = &page.next else {
        return Ok(None);
    };
    let short = !page.counted && page.items < page.size.unwrap_or(largest);
    if matches!(next, Cursor::Number(_) | Cursor::Offset(_)) && (page.items == 0 || short) {
        return Ok(None);
    }
    let stuck = match (asked, next) {
        (Cursor::Number(a), Cursor::Number(n)) | (Cursor::Offset(a), Cursor::Offset(n)) => n <= a,
        _ => next == asked || seen.contains(next),
    };
    if stuck {
        return Err(Error::Pagination(format!(
            "the server's next page ({}) is one already read",
            describe(next)
        )));
    }
    Ok(Some(next.clone()))
}

/// A cursor as an error shows it (tokens and URLs cut short: they may be long).
fn describe(cursor: &Cursor) -> String {
    let cut = |s: &str| {
        let short: String = crate::error::printable(s).chars().take(80).collect();
        format!("{short:?}")
    };
    match cursor {
        Cursor::Start => "the first".to_owned(),
        Cursor::Number(n) => format!("page {n}"),
        Cursor::Offset(o) => format!("offset {o}"),
        Cursor::Token(t) => format!("cursor {}", cut(t)),
        Cursor::Url(u) => format!("link {}", cut(u)),
    }
}

/// The error after `max` pages when there are more.
fn too_many(max: u64) -> Error {
    Error::Pagination(format!(
        "the list has more than {max} pages (ClientBuilder::max_pages)"
    ))
}

/// Where a sequential walk is.
struct Walk {
    /// The page to fetch next.
    cursor: Cursor,
    /// The cursors followed.
    seen: HashSet<Cursor>,
    /// Pages still allowed.
    budget: u64,
    /// The most items a page held.
    largest: usize,
}

/// Pages from `walk.cursor` on, one after the other, until `max` pages in all (the first,
/// already fetched, included).
fn sequential(walk: Walk, max: u64, fetch: Fetch<'_>) -> Pages<'_> {
    stream::unfold(Some(walk), move |state| {
        let fetch = Arc::clone(&fetch);
        async move {
            let mut walk = state?;
            if walk.budget == 0 {
                return Some((Err(too_many(max)), None));
            }
            Some(match fetch(walk.cursor.clone()).await {
                Ok(page) => {
                    walk.largest = walk.largest.max(page.items);
                    match advance(&walk.cursor, &page, &walk.seen, walk.largest) {
                        Ok(next) => {
                            let next = next.map(|cursor| {
                                let asked = std::mem::replace(&mut walk.cursor, cursor);
                                walk.seen.insert(asked);
                                walk.budget -= 1;
                                walk
                            });
                            (Ok(page.body), next)
                        }
                        Err(e) => (Err(e), None),
                    }
                }
                Err(e) => (Err(e), None),
            })
        }
    })
    .boxed()
}

/// Page numbers `start..=total`, `concurrency` at a time, in order; at most `max_pages` pages
/// in all (the first, already fetched, included).
fn concurrent(start: i64, total: i64, limits: Limits, fetch: Fetch<'_>) -> Pages<'_> {
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    let budget = limits.max_pages - 1;
    let wanted = u64::try_from(total.saturating_sub(start).saturating_add(1)).unwrap_or(0);
    let last = if wanted > budget {
        start.saturating_add(i64::try_from(budget).unwrap_or(i64::MAX) - 1)
    } else {
        total
    };
    // Set when the walk ends before `last` (an empty page, an error): then the page count was
    // wrong, not the budget too small.
    let ended = Arc::new(AtomicBool::new(false));
    let pages = stream::iter(start..=last)
        .map(move |number| {
            let page = fetch(Cursor::Number(number));
            async move { (number, page.await) }
        })
        .buffered(limits.concurrency)
        // Stop after an error or at the first empty page, as the sequential walk does; a
        // page that is not the one asked for is an error (the server ignores the number).
        .scan(Arc::clone(&ended), |ended, (number, result)| {
            let item = match result {
                _ if ended.load(Relaxed) => None,
                Ok(page) if page.number.is_some_and(|n| n != number) => {
                    ended.store(true, Relaxed);
                    Some(Err(Error::Pagination(format!(
                        "asked for page {number}, the server answered page {}",
                        page.number.unwrap_or_default()
                    ))))
                }
                Ok(page) if page.items == 0 => {
                    ended.store(true, Relaxed);
                    None
                }
                Ok(page) => Some(Ok(page.body)),
                Err(e) => {
                    ended.store(true, Relaxed);
                    Some(Err(e))
                }
            };
            futures_util::future::ready(item)
        });
    if wanted <= budget {
        return pages.boxed();
    }
    let over =
        stream::once(async move { (!ended.load(Relaxed)).then(|| too_many(limits.max_pages)) })
            .filter_map(futures_util::future::ready)
            .map(Err);
    pages.chain(over).boxed()
}

/// The next page's number of a page-number walk: the one after the page the server says this
/// is (else the one asked for), unless the page count says this is the last.
pub(crate) fn next_number(
    asked: i64,
    answered: Option<i64>,
    total_pages: Option<i64>,
) -> Option<Cursor> {
    let current = answered.unwrap_or(asked);
    let last = total_pages.is_some_and(|total| current >= total);
    (!last).then(|| Cursor::Number(current.saturating_add(1)))
}

/// The next offset of an offset walk: past this page's `items`, unless that reaches the
/// `total` the server gives.
pub(crate) fn next_offset(asked: i64, items: usize, total: Option<i64>) -> Option<Cursor> {
    let next = asked.saturating_add(i64::try_from(items).unwrap_or(i64::MAX));
    let last = total.is_some_and(|total| next >= total);
    (!last).then_some(Cursor::Offset(next))
}

/// A cursor from the body: none when the field is absent, null or empty.
pub(crate) fn next_token(token: Option<&str>) -> Option<Cursor> {
    token
        .filter(|t| !t.trim().is_empty())
        .map(|t| Cursor::Token(t.to_owned()))
}

/// A next link from the body: none when the field is absent, null or empty.
pub(crate) fn next_url(url: Option<&str>) -> Option<Cursor> {
    url.filter(|u| !u.trim().is_empty())
        .map(|u| Cursor::Url(u.to_owned()))
}

/// The `rel="next"` target of RFC 8288 `Link` headers (`<https://..?page=2>; rel="next"`).
pub(crate) fn next_link(headers: &reqwest::header::HeaderMap) -> Option<Cursor> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(value) = value.to_str() else { continue };
        // Links are comma-separated; a URL in `<...>` may itself hold commas.
        let mut rest = value;
        while let Some(start) = rest.find('<') {
            let Some(end) = rest[start..].find('>').map(|e| start + e) else {
                break;
            };
            let target = &rest[start + 1..end];
            let params_end = rest[end..].find('<').map_or(rest.len(), |n| end + n);
            let params = &rest[end + 1..params_end];
            let is_next = params.split(';').any(|p| {
                let p = p.trim().trim_end_matches(',').trim_end();
                p.strip_prefix("rel=")
                    .map(|rels| {
                        rels.trim_matches('"')
                            .split_ascii_whitespace()
                            .any(|r| r.eq_ignore_ascii_case("next"))
                    })
                    .unwrap_or(false)
            });
            if is_next && !target.trim().is_empty() {
                return Some(Cursor::Url(target.trim().to_owned()));
            }
            rest = &rest[params_end..];
        }
    }
    None
}

impl crate::Client {
    /// Starts a GET of a link a response gave (the next page: absolute, or relative to the
    /// base URL), followed as given: its query is the server's. The client's credentials go
    /// only to the API's own origin, and never from https to plain http.
    pub(crate) fn request_link(
        &self,
        link: &str,
        accept: &str,
    ) -> Result<reqwest::RequestBuilder, Error> {
        let refuse = |why: String| Error::Pagination(crate::error::printable(&why));
        let base = reqwest::Url::parse(&format!("{}/", self.base_url()))
            .map_err(|e| refuse(format!("the base URL is not a URL: {e}")))?;
        let url = base
            .join(link)
            .map_err(|e| refuse(format!("the next link {link:?} is not a URL: {e}")))?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(refuse(format!("the next link {url} is not http(s)")));
        }
        if base.scheme() == "https" && url.scheme() == "http" {
            return Err(refuse(format!(
                "the next link {url} leaves https for plain http"
            )));
        }
        let own = crate::redirect::same_origin(&base, &url);
        Ok(self.start(reqwest::Method::GET, url, accept, own))
    }
}
