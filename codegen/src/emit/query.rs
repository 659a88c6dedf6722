//! `src/query.rs`: the query-string, path-segment and cookie encoders of the generated crate.

use proc_macro2::TokenStream;
use quote::quote;

/// `flat_objects`: some parameter is a `form` object with `explode: false` (rare; the helper
/// is only written when used).
pub fn query_rs(flat_objects: bool) -> TokenStream {
    let flat_object = flat_objects.then(|| {
        quote! {
            /// `key=k1,v1,k2,v2`: a `form` object that is not exploded (OpenAPI's layout).
            /// Unset fields are left out; nested values are written as JSON.
            pub(crate) fn push_flat_object<T: ::serde::Serialize + ?::std::marker::Sized>(&mut self, key: &str, value: &T) {
                let ::std::result::Result::Ok(::serde_json::Value::Object(fields)) = ::serde_json::to_value(value) else {
                    return;
                };
                let mut parts = ::std::vec::Vec::with_capacity(fields.len() * 2);
                for (name, value) in fields {
                    let text = match value {
                        ::serde_json::Value::Null => continue,
                        ::serde_json::Value::String(text) => text,
                        other => other.to_string(),
                    };
                    parts.push(name);
                    parts.push(text);
                }
                self.push_list(key, &parts, ",");
            }
        }
    });
    quote! {
        //! Query strings, path segments and cookies, encoded as the API expects.
        //!
        //! Objects use `deepObject` brackets at any depth (`filter[created_at][gte]=...`).
        //! Keys and values are percent-encoded, except the brackets of nested keys and `:`
        //! in values, which RFC 3986 allows in a query and which keep timestamps readable;
        //! `+` is always sent as `%2B`, so it never arrives as a space. Arrays nested in
        //! objects are comma-joined, as the official SDKs send them.

        use ::std::fmt::Write as _;

        const UNRESERVED: &::percent_encoding::AsciiSet = &::percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'.')
            .remove(b'_')
            .remove(b'~');
        const KEY: &::percent_encoding::AsciiSet = &UNRESERVED.remove(b'[').remove(b']');
        const VALUE: &::percent_encoding::AsciiSet = &UNRESERVED.remove(b':');

        /// An encoded query string, built pair by pair (without the leading `?`).
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::default::Default, ::std::cmp::PartialEq, ::std::cmp::Eq)]
        pub struct QueryString {
            encoded: ::std::string::String,
        }

        impl QueryString {
            /// An empty query.
            pub fn new() -> Self {
                Self { encoded: ::std::string::String::with_capacity(128) }
            }

            /// Writes `value` under `key` (objects nest as `key[field]`).
            pub fn write<T: ToQuery + ?::std::marker::Sized>(&mut self, key: &str, value: &T) {
                let mut key_buf = ::std::string::String::with_capacity(key.len() + 32);
                key_buf.push_str(key);
                value.write_query(&mut key_buf, self);
            }

            /// Appends `key=value`, both percent-encoded.
            pub fn push(&mut self, key: &str, value: &str) {
                if !self.encoded.is_empty() {
                    self.encoded.push('&');
                }
                let _ = ::std::write!(
                    self.encoded,
                    "{}={}",
                    ::percent_encoding::utf8_percent_encode(key, KEY),
                    ::percent_encoding::utf8_percent_encode(value, VALUE)
                );
            }

            #flat_object

            /// `key=a&key=b`: an exploded `form` array.
            pub fn push_each<T: ToQuery>(&mut self, key: &str, items: &[T]) {
                for item in items {
                    self.write(key, item);
                }
            }

            /// `key=a%7Cb` (pipe-delimited, `separator` = `"%7C"`) or `key=a%20b`
            /// (space-delimited, `"%20"`): each item is encoded, the separator is written as given.
            pub fn push_delimited<T: ToQuery>(&mut self, key: &str, items: &[T], separator: &str) {
                let parts: ::std::vec::Vec<::std::borrow::Cow<'_, str>> =
                    items.iter().filter_map(ToQuery::query_scalar).collect();
                self.push_list(key, &parts, separator);
            }

            /// `key=a,b`: each part encoded, joined by the already-encoded `separator`.
            /// Nothing is written for an empty list.
            pub fn push_list<S: ::std::convert::AsRef<str>>(&mut self, key: &str, parts: &[S], separator: &str) {
                if parts.is_empty() {
                    return;
                }
                if !self.encoded.is_empty() {
                    self.encoded.push('&');
                }
                let _ = ::std::write!(self.encoded, "{}=", ::percent_encoding::utf8_percent_encode(key, KEY));
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        self.encoded.push_str(separator);
                    }
                    let _ = ::std::write!(self.encoded, "{}", ::percent_encoding::utf8_percent_encode(part.as_ref(), VALUE));
                }
            }

            /// The encoded query.
            pub fn as_str(&self) -> &str {
                &self.encoded
            }

            /// Nothing was written.
            pub fn is_empty(&self) -> bool {
                self.encoded.is_empty()
            }
        }

        impl ::std::fmt::Display for QueryString {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.encoded)
            }
        }

        /// A value that can be written into a query string under a key.
        pub trait ToQuery {
            /// Writes `self` under `key`; objects nest as `key[field]`, appending to `key` and
            /// restoring it afterwards (one buffer serves a whole object, no allocation per field).
            fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString);

            /// The value as one string, for scalars (used for arrays, headers and path segments).
            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                ::std::option::Option::None
            }

            /// Writes `self` as a form body: an object's fields as top-level keys.
            fn write_form(&self, query: &mut QueryString) {
                self.write_query(&mut ::std::string::String::new(), query);
            }
        }

        /// An `application/x-www-form-urlencoded` body.
        pub fn form_body<T: ToQuery + ?::std::marker::Sized>(value: &T) -> ::std::vec::Vec<u8> {
            let mut query = QueryString::new();
            value.write_form(&mut query);
            query.encoded.into_bytes()
        }

        /// Writes `value` under `key[name]`, leaving `key` as it was.
        pub fn write_nested<T: ToQuery + ?::std::marker::Sized>(
            key: &mut ::std::string::String,
            name: &str,
            value: &T,
            query: &mut QueryString,
        ) {
            let len = key.len();
            key.push('[');
            key.push_str(name);
            key.push(']');
            value.write_query(key, query);
            key.truncate(len);
        }

        /// Percent-encodes a value as one path segment (`/`, `?`, `#` and `..` stay inside it).
        pub fn encode_path_segment(value: &str) -> ::std::string::String {
            match value {
                "." => ::std::string::String::from("%2E"),
                ".." => ::std::string::String::from("%2E%2E"),
                _ => ::percent_encoding::utf8_percent_encode(value, UNRESERVED).to_string(),
            }
        }

        macro_rules! scalar {
            ($($t:ty),*) => {$(
                impl ToQuery for $t {
                    fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString) {
                        query.push(key, &self.to_string());
                    }

                    fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                        ::std::option::Option::Some(::std::borrow::Cow::Owned(self.to_string()))
                    }
                }
            )*};
        }

        scalar!(i32, i64, u32, u64, f32, f64, bool);

        impl ToQuery for str {
            fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString) {
                query.push(key, self);
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                ::std::option::Option::Some(::std::borrow::Cow::Borrowed(self))
            }
        }

        impl ToQuery for ::std::string::String {
            fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString) {
                query.push(key, self);
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                ::std::option::Option::Some(::std::borrow::Cow::Borrowed(self))
            }
        }

        impl<T: ToQuery + ?::std::marker::Sized> ToQuery for &T {
            fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString) {
                (**self).write_query(key, query);
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                (**self).query_scalar()
            }
        }

        impl<T: ToQuery + ?::std::marker::Sized> ToQuery for ::std::boxed::Box<T> {
            fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString) {
                (**self).write_query(key, query);
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                (**self).query_scalar()
            }
        }

        impl<T: ToQuery> ToQuery for ::std::option::Option<T> {
            fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString) {
                if let ::std::option::Option::Some(value) = self {
                    value.write_query(key, query);
                }
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                self.as_ref().and_then(ToQuery::query_scalar)
            }
        }

        /// Scalars are comma-joined (`key=a,b`); objects are indexed (`key[0][field]=...`).
        impl<T: ToQuery> ToQuery for ::std::vec::Vec<T> {
            fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString) {
                match self.iter().map(ToQuery::query_scalar).collect::<::std::option::Option<::std::vec::Vec<_>>>() {
                    ::std::option::Option::Some(parts) => query.push_list(key, &parts, ","),
                    ::std::option::Option::None => {
                        for (i, item) in self.iter().enumerate() {
                            write_nested(key, &i.to_string(), item, query);
                        }
                    }
                }
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                let parts = self.iter().map(ToQuery::query_scalar).collect::<::std::option::Option<::std::vec::Vec<_>>>()?;
                ::std::option::Option::Some(::std::borrow::Cow::Owned(parts.join(",")))
            }
        }

        impl<T: ToQuery> ToQuery for ::std::collections::BTreeMap<::std::string::String, T> {
            fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString) {
                for (name, value) in self {
                    write_nested(key, name, value, query);
                }
            }

            fn write_form(&self, query: &mut QueryString) {
                for (name, value) in self {
                    query.write(name, value);
                }
            }
        }

        impl ToQuery for ::serde_json::Map<::std::string::String, ::serde_json::Value> {
            fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString) {
                for (name, value) in self {
                    write_nested(key, name, value, query);
                }
            }

            fn write_form(&self, query: &mut QueryString) {
                for (name, value) in self {
                    query.write(name, value);
                }
            }
        }

        impl ToQuery for ::serde_json::Value {
            fn write_query(&self, key: &mut ::std::string::String, query: &mut QueryString) {
                match self {
                    ::serde_json::Value::Null => {}
                    ::serde_json::Value::Object(map) => map.write_query(key, query),
                    ::serde_json::Value::Array(items) => items.write_query(key, query),
                    scalar => {
                        if let ::std::option::Option::Some(text) = scalar.query_scalar() {
                            query.push(key, &text);
                        }
                    }
                }
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                match self {
                    ::serde_json::Value::String(s) => ::std::option::Option::Some(::std::borrow::Cow::Borrowed(s)),
                    ::serde_json::Value::Number(n) => ::std::option::Option::Some(::std::borrow::Cow::Owned(n.to_string())),
                    ::serde_json::Value::Bool(b) => ::std::option::Option::Some(::std::borrow::Cow::Owned(b.to_string())),
                    _ => ::std::option::Option::None,
                }
            }
        }

        /// A `Cookie` header built from cookie parameters.
        #[derive(::std::fmt::Debug, ::std::default::Default)]
        pub struct CookieString {
            encoded: ::std::string::String,
        }

        impl CookieString {
            /// An empty cookie list.
            pub fn new() -> Self {
                Self::default()
            }

            /// Appends `name=value` (the value percent-encoded).
            pub fn push<T: ToQuery + ?::std::marker::Sized>(&mut self, name: &str, value: &T) {
                if let ::std::option::Option::Some(text) = value.query_scalar() {
                    if !self.encoded.is_empty() {
                        self.encoded.push_str("; ");
                    }
                    let _ = ::std::write!(self.encoded, "{}={}", name, ::percent_encoding::utf8_percent_encode(&text, UNRESERVED));
                }
            }

            /// The header value.
            pub fn as_str(&self) -> &str {
                &self.encoded
            }

            /// No cookie was written.
            pub fn is_empty(&self) -> bool {
                self.encoded.is_empty()
            }
        }
    }
}
