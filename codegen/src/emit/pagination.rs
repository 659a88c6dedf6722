//! `src/pagination.rs`: the page-number paginator behind every `*_stream` method.

use proc_macro2::TokenStream;
use quote::quote;

pub fn pagination_rs() -> TokenStream {
    quote! {
        //! Page-number pagination: pages are fetched as the stream is consumed, one after the
        //! other, or several at once (in order) when the page count is known.

        use ::futures_util::StreamExt as _;

        /// One page: its items, and the position the server reports.
        pub(crate) struct Page<T> {
            pub(crate) items: ::std::vec::Vec<T>,
            pub(crate) page_number: ::std::option::Option<i64>,
            pub(crate) total_pages: ::std::option::Option<i64>,
        }

        impl<T> Page<T> {
            /// The page after this one, if there is one: stop when the server says this is the
            /// last page (`page_number >= total_pages`) or when a page comes back empty.
            fn next(&self, requested: i64) -> ::std::option::Option<i64> {
                let current = self.page_number.unwrap_or(requested);
                let more = !self.items.is_empty() && self.total_pages.is_none_or(|total| current < total);
                more.then(|| current.saturating_add(1))
            }
        }

        type Items<'a, T> = ::futures_util::stream::BoxStream<'a, ::std::result::Result<T, crate::Error>>;

        fn items<'a, T: ::std::marker::Send + 'a>(
            page: ::std::result::Result<::std::vec::Vec<T>, crate::Error>,
        ) -> Items<'a, T> {
            match page {
                ::std::result::Result::Ok(items) => ::futures_util::stream::iter(items.into_iter().map(::std::result::Result::Ok)).boxed(),
                ::std::result::Result::Err(e) => ::futures_util::stream::iter([::std::result::Result::Err(e)]).boxed(),
            }
        }

        /// Every item of every page from `first` on. With `concurrency > 1`, once the first
        /// page has told the page count, up to `concurrency` further pages are in flight and
        /// their items still come out in page order. After an error the stream ends.
        pub(crate) fn paginate<'a, T, F, Fut>(first: i64, concurrency: usize, fetch: F) -> Items<'a, T>
        where
            T: ::std::marker::Send + 'a,
            F: Fn(i64) -> Fut + ::std::marker::Send + ::std::marker::Sync + 'a,
            Fut: ::std::future::Future<Output = ::std::result::Result<Page<T>, crate::Error>> + ::std::marker::Send + 'a,
        {
            let fetch = ::std::sync::Arc::new(fetch);
            ::futures_util::stream::once({
                let fetch = ::std::sync::Arc::clone(&fetch);
                async move { fetch(first).await }
            })
            .flat_map(move |result| match result {
                ::std::result::Result::Err(e) => items(::std::result::Result::Err(e)),
                ::std::result::Result::Ok(page) => {
                    let next = page.next(first);
                    let head = items(::std::result::Result::Ok(page.items));
                    match (next, page.total_pages) {
                        (::std::option::Option::None, _) => head,
                        (::std::option::Option::Some(next), ::std::option::Option::Some(total)) if concurrency > 1 => {
                            head.chain(concurrent(next, total, concurrency, ::std::sync::Arc::clone(&fetch))).boxed()
                        }
                        (::std::option::Option::Some(next), _) => {
                            head.chain(sequential(next, ::std::sync::Arc::clone(&fetch))).boxed()
                        }
                    }
                }
            })
            .boxed()
        }

        fn sequential<'a, T, F, Fut>(start: i64, fetch: ::std::sync::Arc<F>) -> Items<'a, T>
        where
            T: ::std::marker::Send + 'a,
            F: Fn(i64) -> Fut + ::std::marker::Send + ::std::marker::Sync + 'a,
            Fut: ::std::future::Future<Output = ::std::result::Result<Page<T>, crate::Error>> + ::std::marker::Send + 'a,
        {
            ::futures_util::stream::unfold(::std::option::Option::Some(start), move |next| {
                let fetch = ::std::sync::Arc::clone(&fetch);
                async move {
                    let number = next?;
                    ::std::option::Option::Some(match fetch(number).await {
                        ::std::result::Result::Ok(page) => {
                            let next = page.next(number);
                            (::std::result::Result::Ok(page.items), next)
                        }
                        ::std::result::Result::Err(e) => (::std::result::Result::Err(e), ::std::option::Option::None),
                    })
                }
            })
            .flat_map(items)
            .boxed()
        }

        fn concurrent<'a, T, F, Fut>(start: i64, total: i64, concurrency: usize, fetch: ::std::sync::Arc<F>) -> Items<'a, T>
        where
            T: ::std::marker::Send + 'a,
            F: Fn(i64) -> Fut + ::std::marker::Send + ::std::marker::Sync + 'a,
            Fut: ::std::future::Future<Output = ::std::result::Result<Page<T>, crate::Error>> + ::std::marker::Send + 'a,
        {
            ::futures_util::stream::iter(start..=total)
                .map(move |number| fetch(number))
                .buffered(concurrency)
                // Stop after an error or at the first empty page, as the sequential walk does.
                .scan(false, |stopped, result| {
                    let item = match result {
                        _ if *stopped => ::std::option::Option::None,
                        ::std::result::Result::Ok(page) if page.items.is_empty() => ::std::option::Option::None,
                        ::std::result::Result::Ok(page) => ::std::option::Option::Some(::std::result::Result::Ok(page.items)),
                        ::std::result::Result::Err(e) => {
                            *stopped = true;
                            ::std::option::Option::Some(::std::result::Result::Err(e))
                        }
                    };
                    ::futures_util::future::ready(item)
                })
                .flat_map(items)
                .boxed()
        }
    }
}
