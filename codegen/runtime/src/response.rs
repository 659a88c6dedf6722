//! Responses: read in full by the client, then decoded by the generated methods, status by
//! status, into their success type or a typed error.

use crate::error::{ApiError, Error};
use crate::error_body::ErrorBody;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A request on its way, as the client reads its response: the same type for every
/// operation, so that sending is compiled once; each operation adds only its `decode`.
type Sent<'a> = Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send + 'a>>;

/// The response of a request, decoded by its operation's function once it is read.
struct Decoding<'a, T> {
    sent: Sent<'a>,
    decode: fn(RawResponse) -> Result<ApiResponse<T>, Error>,
}

impl<T> Future for Decoding<'_, T> {
    type Output = Result<ApiResponse<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let decode = self.decode;
        self.sent
            .as_mut()
            .poll(cx)
            .map(|sent| sent.and_then(decode))
    }
}

/// A call of an operation: `.await` it for the decoded body, or await
/// [`with_response`](Self::with_response) for the status and headers as well. Nothing is sent
/// until it is awaited.
#[must_use = "a call sends nothing until it is awaited"]
pub struct Call<'a, T> {
    response: Decoding<'a, T>,
}

impl<'a, T: 'a> Call<'a, T> {
    pub(crate) fn new(
        sent: Sent<'a>,
        decode: fn(RawResponse) -> Result<ApiResponse<T>, Error>,
    ) -> Self {
        Call {
            response: Decoding { sent, decode },
        }
    }

    /// The response with its status and headers (a request id, rate-limit counters...).
    pub fn with_response(self) -> impl Future<Output = Result<ApiResponse<T>, Error>> + Send + 'a {
        self.response
    }
}

impl<T> std::fmt::Debug for Call<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").finish_non_exhaustive()
    }
}

impl<'a, T> IntoFuture for Call<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = CallBody<'a, T>;

    fn into_future(self) -> CallBody<'a, T> {
        CallBody {
            response: self.response,
        }
    }
}

/// The future of a [`Call`]'s body.
#[must_use = "futures do nothing unless polled"]
pub struct CallBody<'a, T> {
    response: Decoding<'a, T>,
}

impl<T> Future for CallBody<'_, T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.response)
            .poll(cx)
            .map(|result| result.map(ApiResponse::into_body))
    }
}

impl<T> std::fmt::Debug for CallBody<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallBody").finish_non_exhaustive()
    }
}

/// A successful response with its status and headers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers (a request id, rate-limit counters...).
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> ApiResponse<T> {
    /// The decoded body alone.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The same response with its body converted.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
        }
    }
}

/// A response read in full, or, for a streamed success, with its body still to read.
pub(crate) struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    streaming: Option<Streaming>,
}

/// A body left to read as it arrives.
#[allow(dead_code)] // read by `streams.rs`, which specs without streamed bodies do not use
pub(crate) struct Streaming {
    pub(crate) response: reqwest::Response,
    /// The longest wait for a chunk.
    pub(crate) idle: std::time::Duration,
    /// What [`ByteStream::bytes`] may collect.
    pub(crate) max_body_bytes: usize,
}

/// How a body becomes a value: `()` (no body), `String` (text, which must be UTF-8),
/// `Vec<u8>` (bytes as sent), or [`Json<T>`] (a `T` decoded from JSON).
pub(crate) trait Decode {
    type Output;
    fn decode(response: &mut RawResponse) -> Result<Self::Output, Error>;
}

/// Decodes the body as JSON into a `T`.
pub(crate) struct Json<T>(PhantomData<T>);

impl<T: DeserializeOwned> Decode for Json<T> {
    type Output = T;

    fn decode(response: &mut RawResponse) -> Result<T, Error> {
        // No closure here: this is compiled once per decoded type.
        match serde_json::from_slice(&response.body) {
            Ok(value) => Ok(value),
            Err(source) => Err(decode_error(response, source)),
        }
    }
}

/// The error of a body that is not what its type says, located in the body.
fn decode_error(response: &RawResponse, source: serde_json::Error) -> Error {
    Error::Decode {
        status: response.status,
        // serde reports a missing field after the object's last value: the object is
        // where it is missing.
        at: locate(
            &response.body,
            (source.line(), source.column()),
            source.to_string().starts_with("missing field"),
        )
        .map(|at| crate::error::printable(&at)),
        source,
        body_excerpt: excerpt(&response.body),
    }
}

impl Decode for () {
    type Output = ();

    fn decode(_: &mut RawResponse) -> Result<(), Error> {
        Ok(())
    }
}

impl Decode for String {
    type Output = String;

    /// A body that is not UTF-8 is an error, never silently altered.
    fn decode(response: &mut RawResponse) -> Result<String, Error> {
        String::from_utf8(std::mem::take(&mut response.body)).map_err(|e| {
            response.body = e.into_bytes();
            response.unexpected()
        })
    }
}

impl Decode for Vec<u8> {
    type Output = Vec<u8>;

    fn decode(response: &mut RawResponse) -> Result<Vec<u8>, Error> {
        Ok(std::mem::take(&mut response.body))
    }
}

impl RawResponse {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Vec<u8>) -> Self {
        RawResponse {
            status,
            headers,
            body,
            streaming: None,
        }
    }

    /// The body left to read, for a streamed success (taken once).
    #[allow(dead_code)] // as `Streaming`
    pub(crate) fn take_streaming(&mut self) -> Option<Streaming> {
        self.streaming.take()
    }

    /// The whole body, for a success read whole (given as a stream).
    #[allow(dead_code)] // as `Streaming`
    pub(crate) fn take_body(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.body)
    }

    /// A success whose body is read as it arrives.
    pub(crate) fn streaming(status: StatusCode, headers: HeaderMap, streaming: Streaming) -> Self {
        RawResponse {
            status,
            headers,
            body: Vec::new(),
            streaming: Some(streaming),
        }
    }

    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    pub(crate) fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A declared success: its body decoded as `D` says.
    pub(crate) fn success<D: Decode>(mut self) -> Result<ApiResponse<D::Output>, Error> {
        let body = D::decode(&mut self)?;
        Ok(ApiResponse {
            status: self.status,
            headers: self.headers,
            body,
        })
    }

    /// An error response: [`Error::Api`] with the body decoded as `T` and wrapped in its
    /// [`ErrorBody`] variant; a body that is not a `T` is kept as [`ErrorBody::Other`] JSON
    /// (or [`ErrorBody::Empty`]); a body that is not JSON at all, or a success status the
    /// spec does not declare, is [`Error::UnexpectedResponse`].
    pub(crate) fn error<T: DeserializeOwned>(mut self, wrap: fn(T) -> ErrorBody) -> Error {
        if self.status.is_success() {
            return self.unexpected();
        }
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return self.into_api_error(ErrorBody::Empty);
        }
        if let Ok(body) = Json::<T>::decode(&mut self) {
            return self.into_api_error(wrap(body));
        }
        match Json::<serde_json::Value>::decode(&mut self) {
            Ok(value) => self.into_api_error(ErrorBody::Other(value)),
            Err(_) => self.unexpected(),
        }
    }

    /// A response that does not fit the spec at all.
    fn unexpected(&self) -> Error {
        Error::UnexpectedResponse {
            status: self.status,
            content_type: self
                .headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(crate::error::printable),
            body_excerpt: excerpt(&self.body),
        }
    }

    fn into_api_error(self, body: ErrorBody) -> Error {
        Error::Api(Box::new(ApiError::new(self.status, self.headers, body)))
    }
}

/// The start of a body, as text, for error messages (at most 512 bytes).
fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 512;
    let text = crate::error::printable(&String::from_utf8_lossy(&body[..body.len().min(MAX)]));
    if body.len() > MAX {
        format!("{text}…")
    } else {
        text
    }
}

/// Where in a JSON body a decoding error happened: the path of the innermost value at
/// `line`:`column` (as serde_json reports them, 1-based, in bytes) and the start of its text,
/// such as `data[0].created_at = "2019-13-45"`. Reading the text again costs nothing per type
/// (no second deserializer), and only when decoding failed.
///
/// With `enclosing`, the innermost object or array still open at that position instead.
fn locate(body: &[u8], (line, column): (usize, usize), enclosing: bool) -> Option<String> {
    let line_start = if line <= 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)?
    };
    // serde_json reports the position just after the value it could not use.
    let target = (line_start + column).saturating_sub(1);
    let mut scanner = Scanner {
        body,
        pos: 0,
        target,
        enclosing,
        found: None,
    };
    scanner.value(&mut String::new(), 0);
    scanner.found.filter(|at| !at.is_empty())
}

/// A JSON reader that only tracks paths and value spans.
struct Scanner<'a> {
    body: &'a [u8],
    pos: usize,
    target: usize,
    /// Only an object or array whose closing bracket is at the target or after it is
    /// recorded (serde_json has read up to the `}` of an object missing a field).
    enclosing: bool,
    found: Option<String>,
}

impl Scanner<'_> {
    fn skip_space(&mut self) {
        while self.body.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    /// Reads one value at `path`; records it when it is the innermost one around the target.
    /// Returns `false` on malformed input (the search then stops).
    fn value(&mut self, path: &mut String, depth: usize) -> bool {
        self.skip_space();
        let start = self.pos;
        let ok =
            match self.body.get(self.pos) {
                _ if depth > 128 => false,
                Some(b'{') => self.object(path, depth),
                Some(b'[') => self.array(path, depth),
                Some(b'"') => self.string(),
                Some(_) => {
                    while self.body.get(self.pos).is_some_and(|b| {
                        !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace()
                    }) {
                        self.pos += 1;
                    }
                    self.pos > start
                }
                None => false,
            };
        let scalar = !matches!(self.body.get(start), Some(b'{' | b'['));
        let around = if self.enclosing {
            !scalar && start <= self.target && self.target < self.pos
        } else {
            (start..=self.pos).contains(&self.target)
        };
        if ok && self.found.is_none() && around {
            // A scalar is shown with its text; an object or array by its path alone (the
            // error of a generated type already names the field inside it). The body as a
            // whole says nothing the message does not.
            self.found = match (path.is_empty(), scalar) {
                (true, _) => Some(String::new()),
                (false, true) => {
                    let text = String::from_utf8_lossy(&self.body[start..self.pos.min(start + 80)]);
                    Some(format!("{path} = {text}"))
                }
                (false, false) => Some(path.clone()),
            };
        }
        ok
    }

    fn string(&mut self) -> bool {
        self.pos += 1;
        while let Some(&b) = self.body.get(self.pos) {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => return true,
                _ => {}
            }
        }
        false
    }

    fn object(&mut self, path: &mut String, depth: usize) -> bool {
        self.pos += 1;
        loop {
            self.skip_space();
            match self.body.get(self.pos) {
                Some(b'}') => {
                    self.pos += 1;
                    return true;
                }
                Some(b',') => self.pos += 1,
                Some(b'"') => {
                    let key_start = self.pos + 1;
                    if !self.string() {
                        return false;
                    }
                    let key = String::from_utf8_lossy(&self.body[key_start..self.pos - 1]);
                    self.skip_space();
                    if self.body.get(self.pos) != Some(&b':') {
                        return false;
                    }
                    self.pos += 1;
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&key);
                    let ok = self.value(path, depth + 1);
                    path.truncate(len);
                    if !ok {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    fn array(&mut self, path: &mut String, depth: usize) -> bool {
        self.pos += 1;
        let mut index = 0;
        loop {
            self.skip_space();
            match self.body.get(self.pos) {
                Some(b']') => {
                    self.pos += 1;
                    return true;
                }
                Some(b',') => self.pos += 1,
                Some(_) => {
                    let len = path.len();
                    path.push_str(&format!("[{index}]"));
                    let ok = self.value(path, depth + 1);
                    path.truncate(len);
                    if !ok {
                        return false;
                    }
                    index += 1;
                }
                None => return false,
            }
        }
    }
}
