//! Query strings, path segments, headers and cookies, encoded as the API expects.
//!
//! Objects use `deepObject` brackets at any depth (`filter[created_at][gte]=...`). Keys and
//! values are percent-encoded, except the brackets of nested keys and `:` in values, which
//! RFC 3986 allows in a query and which keep timestamps readable; `+` is always sent as
//! `%2B`, so it never arrives as a space. Arrays nested in objects are comma-joined, as the
//! official SDKs send them.

use crate::error::Error;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// The bytes written as they are, by context; every other byte (non-ASCII ones included)
/// is sent as `%XX`. RFC 3986's unreserved characters everywhere...
const UNRESERVED: &Kept = &Kept::unreserved_and(b"");
/// ...the brackets of nested keys...
const KEY: &Kept = &Kept::unreserved_and(b"[]");
/// ...and `:` in values.
const VALUE: &Kept = &Kept::unreserved_and(b":");

/// A byte table: which bytes are written unencoded.
struct Kept([bool; 256]);

impl Kept {
    const fn unreserved_and(extra: &[u8]) -> Kept {
        let mut kept = [false; 256];
        let mut byte = 0;
        while byte < 128 {
            let b = byte as u8;
            kept[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
            byte += 1;
        }
        let mut i = 0;
        while i < extra.len() {
            // `encode_into` slices the text between kept bytes: they must be ASCII (checked
            // when the constants are evaluated, at compile time).
            assert!(extra[i].is_ascii(), "kept bytes are ASCII");
            kept[extra[i] as usize] = true;
            i += 1;
        }
        Kept(kept)
    }
}

/// An encoded query string, built pair by pair (without the leading `?`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryString {
    encoded: String,
}

impl QueryString {
    /// An empty query.
    pub fn new() -> Self {
        Self {
            encoded: String::with_capacity(128),
        }
    }

    /// Writes `value` under `key` (objects nest as `key[field]`).
    pub fn write<T: ToQuery + ?Sized>(&mut self, key: &str, value: &T) {
        let mut key_buf = String::with_capacity(key.len() + 32);
        key_buf.push_str(key);
        value.write_query(&mut key_buf, self);
    }

    /// Appends `key=value`, both percent-encoded.
    pub fn push(&mut self, key: &str, value: &str) {
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        encode_into(&mut self.encoded, key, KEY);
        self.encoded.push('=');
        encode_into(&mut self.encoded, value, VALUE);
    }

    /// Appends `key=value` for a number or a boolean, written straight into the query (no
    /// `String` per value): their text (digits, `-`, `.`, `inf`, `NaN`, `true`) is all
    /// unreserved. Should a value's text ever need encoding, it is encoded as `push` would.
    fn push_plain(&mut self, key: &str, value: &impl fmt::Display) {
        use fmt::Write as _;
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        encode_into(&mut self.encoded, key, KEY);
        self.encoded.push('=');
        let start = self.encoded.len();
        let _ = write!(self.encoded, "{value}");
        if !self.encoded.as_bytes()[start..]
            .iter()
            .all(|&b| VALUE.0[usize::from(b)])
        {
            let text = self.encoded.split_off(start);
            encode_into(&mut self.encoded, &text, VALUE);
        }
    }

    /// `key=a&key=b`: an exploded `form` array.
    pub fn push_each<T: ToQuery>(&mut self, key: &str, items: &[T]) {
        for item in items {
            self.write(key, item);
        }
    }

    /// `key=a%7Cb` (pipe-delimited, `separator` = `"%7C"`) or `key=a%20b` (space-delimited,
    /// `"%20"`): each item is encoded, the separator is written as given.
    pub fn push_delimited<T: ToQuery>(&mut self, key: &str, items: &[T], separator: &str) {
        let parts: Vec<Cow<'_, str>> = items.iter().filter_map(ToQuery::query_scalar).collect();
        self.push_list(key, &parts, separator);
    }

    /// `key=k1,v1,k2,v2`: a `form` object that is not exploded (OpenAPI's layout). Unset
    /// fields are left out; nested values are written as JSON. Fields come in key order,
    /// whatever the features of `serde_json` in the build (its map keeps insertion order
    /// only with `preserve_order`).
    pub fn push_flat_object<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(value) else {
            return;
        };
        let mut fields: Vec<(String, serde_json::Value)> = fields.into_iter().collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        let mut parts = Vec::with_capacity(fields.len() * 2);
        for (name, value) in fields {
            let text = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            parts.push(name);
            parts.push(text);
        }
        self.push_list(key, &parts, ",");
    }

    /// `key=a,b`: each part encoded, joined by the already-encoded `separator`. Nothing is
    /// written for an empty list.
    pub fn push_list<S: AsRef<str>>(&mut self, key: &str, parts: &[S], separator: &str) {
        if parts.is_empty() {
            return;
        }
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        encode_into(&mut self.encoded, key, KEY);
        self.encoded.push('=');
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.encoded.push_str(separator);
            }
            encode_into(&mut self.encoded, part.as_ref(), VALUE);
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

impl fmt::Display for QueryString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encoded)
    }
}

/// A value that can be written into a query string under a key.
pub trait ToQuery {
    /// Writes `self` under `key`; objects nest as `key[field]`, appending to `key` and
    /// restoring it afterwards (one buffer serves a whole object, no allocation per field).
    fn write_query(&self, key: &mut String, query: &mut QueryString);

    /// The value as one string, for scalars (used for arrays, headers and path segments).
    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        None
    }

    /// Writes `self` as a form body: an object's fields as top-level keys.
    fn write_form(&self, query: &mut QueryString) {
        self.write_query(&mut String::new(), query);
    }
}

/// An `application/x-www-form-urlencoded` body.
pub fn form_body<T: ToQuery + ?Sized>(value: &T) -> Vec<u8> {
    let mut query = QueryString::new();
    value.write_form(&mut query);
    query.encoded.into_bytes()
}

/// Writes `value` under `key[name]`, leaving `key` as it was.
pub fn write_nested<T: ToQuery + ?Sized>(
    key: &mut String,
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

/// A path parameter's value as one path segment, percent-encoded. An empty value is an
/// [`Error::InvalidRequest`] naming the parameter: it would address another resource
/// (`/calls/` instead of `/calls/{id}`).
pub fn path_segment<T: ToQuery + ?Sized>(name: &str, value: &T) -> Result<String, Error> {
    match value.query_scalar() {
        Some(text) if !text.is_empty() => Ok(encode_path_segment(&text)),
        _ => Err(Error::InvalidRequest(format!(
            "the path parameter {name} is empty"
        ))),
    }
}

/// Percent-encodes a value as one path segment (`/`, `?`, `#` and `..` stay inside it).
pub fn encode_path_segment(value: &str) -> String {
    match value {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => {
            let mut encoded = String::with_capacity(value.len());
            encode_into(&mut encoded, value, UNRESERVED);
            encoded
        }
    }
}

/// Appends `text` with every byte `kept` does not hold as `%XX`. Runs of kept bytes are
/// copied whole: encoding byte by byte through `percent_encoding`'s `Display` was most of
/// the time of building a query.
fn encode_into(out: &mut String, text: &str, kept: &Kept) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(text.len());
    let mut run = 0;
    for (i, &byte) in text.as_bytes().iter().enumerate() {
        if kept.0[usize::from(byte)] {
            continue;
        }
        // Kept bytes are ASCII: a non-empty `run..i` starts and ends on character
        // boundaries (an empty one need not, inside a multi-byte character).
        if run < i {
            out.push_str(&text[run..i]);
        }
        out.push('%');
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
        run = i + 1;
    }
    if run < text.len() {
        out.push_str(&text[run..]);
    }
}

/// A header parameter's value (its scalar form); characters a header cannot hold are an
/// [`Error::InvalidRequest`] naming the header.
pub fn header_value<T: ToQuery + ?Sized>(name: &str, value: &T) -> Result<HeaderValue, Error> {
    let text = value.query_scalar().unwrap_or_default();
    HeaderValue::from_str(&text).map_err(|_| {
        Error::InvalidRequest(format!(
            "the value for the {name} header has invalid characters"
        ))
    })
}

/// A new idempotency key: a random UUID (version 4), unique per call. Operations that declare
/// an `Idempotency-Key` header send one when the caller sets none, the same on every retry.
pub fn idempotency_key() -> String {
    use std::hash::{BuildHasher as _, Hasher as _};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // std's `RandomState` is seeded from the operating system's randomness; two hashers over a
    // process-wide counter and the clock give 128 bits that never repeat in a process and do
    // not collide across processes. Not a secret, so no cryptographic generator is needed.
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let half = |salt: u64| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.write_u64(count);
        hasher.write_u64(nanos);
        hasher.finish()
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&half(1).to_be_bytes());
    bytes[8..].copy_from_slice(&half(2).to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A header parameter as a one-entry map, for `RequestBuilder::headers`, which replaces a
/// header of the same name (a spec's `Accept` or `Content-Type` parameter replaces the
/// client's own instead of being sent beside it); a name or value a header cannot hold is an
/// [`Error::InvalidRequest`] naming the header.
pub fn header<T: ToQuery + ?Sized>(name: &str, value: &T) -> Result<HeaderMap, Error> {
    let key = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidRequest(format!("{name:?} is not a header name")))?;
    let mut map = HeaderMap::new();
    map.insert(key, header_value(name, value)?);
    Ok(map)
}

macro_rules! scalar {
    ($($t:ty),*) => {$(
        impl ToQuery for $t {
            fn write_query(&self, key: &mut String, query: &mut QueryString) {
                query.push_plain(key, self);
            }

            fn query_scalar(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Owned(self.to_string()))
            }
        }
    )*};
}

scalar!(i32, i64, u32, u64, f32, f64, bool);

impl ToQuery for str {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        query.push(key, self);
    }

    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}

impl ToQuery for String {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        query.push(key, self);
    }

    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}

impl<T: ToQuery + ?Sized> ToQuery for &T {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        (**self).write_query(key, query);
    }

    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        (**self).query_scalar()
    }
}

impl<T: ToQuery + ?Sized> ToQuery for Box<T> {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        (**self).write_query(key, query);
    }

    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        (**self).query_scalar()
    }
}

impl<T: ToQuery> ToQuery for Option<T> {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        if let Some(value) = self {
            value.write_query(key, query);
        }
    }

    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        self.as_ref().and_then(ToQuery::query_scalar)
    }
}

/// Scalars are comma-joined (`key=a,b`); objects are indexed (`key[0][field]=...`).
impl<T: ToQuery> ToQuery for Vec<T> {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        match self
            .iter()
            .map(ToQuery::query_scalar)
            .collect::<Option<Vec<_>>>()
        {
            Some(parts) => query.push_list(key, &parts, ","),
            None => {
                for (i, item) in self.iter().enumerate() {
                    write_nested(key, &i.to_string(), item, query);
                }
            }
        }
    }

    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        let parts = self
            .iter()
            .map(ToQuery::query_scalar)
            .collect::<Option<Vec<_>>>()?;
        Some(Cow::Owned(parts.join(",")))
    }
}

impl<T: ToQuery> ToQuery for BTreeMap<String, T> {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
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

impl ToQuery for serde_json::Map<String, serde_json::Value> {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
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

impl ToQuery for serde_json::Value {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        match self {
            serde_json::Value::Null => {}
            serde_json::Value::Object(map) => map.write_query(key, query),
            serde_json::Value::Array(items) => items.write_query(key, query),
            scalar => {
                if let Some(text) = scalar.query_scalar() {
                    query.push(key, &text);
                }
            }
        }
    }

    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        match self {
            serde_json::Value::String(s) => Some(Cow::Borrowed(s)),
            serde_json::Value::Number(n) => Some(Cow::Owned(n.to_string())),
            serde_json::Value::Bool(b) => Some(Cow::Owned(b.to_string())),
            _ => None,
        }
    }
}

/// RFC 3339, in UTC (`2019-03-29T11:10:00Z`), as the value serializes in JSON.
impl ToQuery for chrono::DateTime<chrono::Utc> {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        query.push(
            key,
            &self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        );
    }

    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(
            self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        ))
    }
}

/// `2019-03-29`.
impl ToQuery for chrono::NaiveDate {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        query.push(key, &self.to_string());
    }

    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.to_string()))
    }
}

/// A `Cookie` header built from cookie parameters.
#[derive(Debug, Default)]
pub struct CookieString {
    encoded: String,
}

impl CookieString {
    /// An empty cookie list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `name=value` (the value percent-encoded).
    pub fn push<T: ToQuery + ?Sized>(&mut self, name: &str, value: &T) {
        if let Some(text) = value.query_scalar() {
            if !self.encoded.is_empty() {
                self.encoded.push_str("; ");
            }
            self.encoded.push_str(name);
            self.encoded.push('=');
            encode_into(&mut self.encoded, &text, UNRESERVED);
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
