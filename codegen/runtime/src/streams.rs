//! Bodies read as they arrive: downloads ([`ByteStream`], any size in bounded memory) and
//! server-sent events ([`EventStream`], parsed by the WHATWG rules). A streamed body is never
//! retried once the caller has it; a pause longer than the client's idle timeout between two
//! chunks ends it with [`Error::Idle`]. And bodies sent as they are read: [`Upload`], from
//! bytes, a file or a stream of chunks.

// Which of these a crate uses depends on its spec: downloads, events, both or neither.
#![allow(dead_code)]

use crate::error::{printable, Error};
use crate::response::{Decode, RawResponse};
use bytes::Bytes;
use futures_util::stream::{BoxStream, Stream, StreamExt};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// A response body read as it arrives: a stream of chunks (`futures_util::Stream` of
/// `Result<Bytes, Error>`), in bounded memory whatever its size. [`bytes`](Self::bytes)
/// collects it (up to the client's body limit), [`save`](Self::save) writes it to a file.
pub struct ByteStream {
    chunks: BoxStream<'static, Result<Bytes, Error>>,
    status: StatusCode,
    content_type: Option<String>,
    content_length: Option<u64>,
    max_body_bytes: usize,
}

impl ByteStream {
    /// The body of `response` (whose headers are `headers`), each chunk awaited at most
    /// `idle`.
    pub(crate) fn new(
        response: reqwest::Response,
        headers: &reqwest::header::HeaderMap,
        idle: Duration,
        max_body_bytes: usize,
    ) -> Self {
        let status = response.status();
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(printable);
        let content_length = response.content_length();
        let chunks = futures_util::stream::try_unfold(response, move |mut response| async move {
            match tokio::time::timeout(idle, response.chunk()).await {
                Err(_) => Err(Error::Idle(idle)),
                Ok(Err(e)) => Err(crate::client::from_reqwest(e)),
                Ok(Ok(Some(chunk))) => Ok(Some((chunk, response))),
                Ok(Ok(None)) => Ok(None),
            }
        });
        ByteStream {
            chunks: chunks.boxed(),
            status,
            content_type,
            content_length,
            max_body_bytes,
        }
    }

    /// A body already read (a stream of one chunk).
    pub(crate) fn from_bytes(
        status: StatusCode,
        headers: &reqwest::header::HeaderMap,
        body: Vec<u8>,
        max_body_bytes: usize,
    ) -> Self {
        let content_length = Some(body.len() as u64);
        ByteStream {
            chunks: futures_util::stream::once(async move { Ok(Bytes::from(body)) }).boxed(),
            status,
            content_type: headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(printable),
            content_length,
            max_body_bytes,
        }
    }

    /// The `Content-Type` the server declared.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The `Content-Length` the server declared (none for a chunked body).
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The whole body in memory; more than the client's `max_body_bytes` is
    /// [`Error::BodyTooLarge`].
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        let limit = self.max_body_bytes;
        if self.content_length.is_some_and(|len| len > limit as u64) {
            return Err(Error::BodyTooLarge {
                status: self.status,
                limit,
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = self.chunks.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > limit {
                return Err(Error::BodyTooLarge {
                    status: self.status,
                    limit,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(body))
    }

    /// Writes the body to the file at `path` (created, or truncated) as it arrives, and
    /// returns how many bytes were written. A failed download leaves what was written.
    pub async fn save(mut self, path: impl AsRef<std::path::Path>) -> Result<u64, Error> {
        use tokio::io::AsyncWriteExt;
        let mut file = tokio::fs::File::create(path.as_ref())
            .await
            .map_err(Error::Io)?;
        let mut written = 0u64;
        while let Some(chunk) = self.chunks.next().await {
            let chunk = chunk?;
            file.write_all(&chunk).await.map_err(Error::Io)?;
            written += chunk.len() as u64;
        }
        file.flush().await.map_err(Error::Io)?;
        Ok(written)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

/// One server-sent event: its `data` decoded, and its fields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The `event:` field, when the server named the event type (`message` otherwise).
    pub event: Option<String>,
    /// The last `id:` the stream gave (it carries over to later events, as in browsers).
    pub id: Option<String>,
    /// The `data:` lines joined by `\n`, decoded.
    pub data: T,
    /// The `retry:` the server asked for with this event.
    pub retry: Option<Duration>,
}

/// A stream of server-sent events (`futures_util::Stream` of `Result<Event<T>, Error>`),
/// decoded as they arrive. It ends where the server ends the body, or at a `data: [DONE]`
/// event; after an error it yields nothing more.
pub struct EventStream<T> {
    events: BoxStream<'static, Result<Event<T>, Error>>,
}

/// How an event's data becomes a `T`.
type DecodeData<T> = fn(StatusCode, String) -> Result<T, Error>;

impl<T: Send + 'static> EventStream<T> {
    pub(crate) fn new(body: ByteStream, decode: DecodeData<T>) -> Self {
        let status = body.status;
        let state = (
            body,
            Parser::default(),
            std::collections::VecDeque::new(),
            false,
        );
        let events = futures_util::stream::unfold(
            state,
            move |(mut body, mut parser, mut ready, mut done)| async move {
                loop {
                    if let Some(raw) = ready.pop_front() {
                        let raw: RawEvent = raw;
                        if raw.data == "[DONE]" {
                            return None;
                        }
                        let event = decode(status, raw.data).map(|data| Event {
                            event: raw.event,
                            id: raw.id,
                            data,
                            retry: raw.retry,
                        });
                        if event.is_err() {
                            // Nothing after an error.
                            ready.clear();
                            done = true;
                        }
                        return Some((event, (body, parser, ready, done)));
                    }
                    if done {
                        return None;
                    }
                    match body.chunks.next().await {
                        Some(Ok(chunk)) => ready.extend(parser.push(&chunk)),
                        Some(Err(e)) => {
                            done = true;
                            return Some((Err(e), (body, parser, ready, done)));
                        }
                        None => {
                            ready.extend(parser.finish());
                            done = true;
                        }
                    }
                }
            },
        );
        EventStream {
            events: events.boxed(),
        }
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

/// Event data as text.
pub(crate) fn text_data(_: StatusCode, data: String) -> Result<String, Error> {
    Ok(data)
}

/// Event data decoded from JSON.
pub(crate) fn json_data<T: serde::de::DeserializeOwned>(
    status: StatusCode,
    data: String,
) -> Result<T, Error> {
    serde_json::from_str(&data).map_err(|source| Error::Decode {
        status,
        at: Some("an event's data".to_owned()),
        source,
        body_excerpt: printable(&data.chars().take(512).collect::<String>()),
    })
}

/// The body as it arrives.
impl Decode for ByteStream {
    type Output = ByteStream;

    fn decode(response: &mut RawResponse) -> Result<ByteStream, Error> {
        Ok(match response.take_streaming() {
            Some(s) => ByteStream::new(s.response, response.headers(), s.idle, s.max_body_bytes),
            None => {
                let body = response.take_body();
                ByteStream::from_bytes(response.status(), response.headers(), body, usize::MAX)
            }
        })
    }
}

/// Server-sent events whose data is JSON, decoded into a `T`.
pub(crate) struct JsonEvents<T>(PhantomData<T>);

impl<T: DeserializeOwned + Send + 'static> Decode for JsonEvents<T> {
    type Output = EventStream<T>;

    fn decode(response: &mut RawResponse) -> Result<EventStream<T>, Error> {
        let body = ByteStream::decode(response)?;
        Ok(EventStream::new(body, json_data::<T>))
    }
}

/// Server-sent events whose data is text.
pub(crate) struct TextEvents;

impl Decode for TextEvents {
    type Output = EventStream<String>;

    fn decode(response: &mut RawResponse) -> Result<EventStream<String>, Error> {
        let body = ByteStream::decode(response)?;
        Ok(EventStream::new(body, text_data))
    }
}

/// A request body sent as given (`application/octet-stream`, audio...): bytes, a file read
/// as it is sent, or a stream of chunks, never held whole in memory unless given as bytes.
///
/// A request is retried (see the crate docs, *Retries*) only with a body that can be sent
/// again: bytes, or a file (read anew); a stream is sent once.
pub struct Upload {
    source: UploadSource,
    content_type: Option<String>,
}

enum UploadSource {
    Bytes(Bytes),
    File(std::path::PathBuf),
    /// Taken by the first request that sends it.
    Stream(std::sync::Mutex<Option<BoxStream<'static, Result<Bytes, std::io::Error>>>>),
}

impl Upload {
    /// A body of these bytes.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Upload {
            source: UploadSource::Bytes(bytes.into()),
            content_type: None,
        }
    }

    /// The file at `path`, opened when the request is sent and read in chunks (its length
    /// sent as `Content-Length`); read again for a retry.
    pub fn file(path: impl Into<std::path::PathBuf>) -> Self {
        Upload {
            source: UploadSource::File(path.into()),
            content_type: None,
        }
    }

    /// The chunks of `stream`, sent as they come (chunked transfer encoding). A stream can
    /// be sent once: the request is not retried, and sending the same `Upload` again fails.
    pub fn stream<S>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        Upload {
            source: UploadSource::Stream(std::sync::Mutex::new(Some(stream.boxed()))),
            content_type: None,
        }
    }

    /// The content type to send instead of the one the spec declares.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The `Content-Type` to send: this upload's, else `declared`.
    pub(crate) fn content_type_or<'a>(&'a self, declared: &'a str) -> &'a str {
        self.content_type.as_deref().unwrap_or(declared)
    }

    /// What each attempt of a request sends (a stream is taken out of the upload).
    pub(crate) fn source(&self) -> Result<Replay, Error> {
        Ok(match &self.source {
            UploadSource::Bytes(bytes) => Replay::Bytes(bytes.clone()),
            UploadSource::File(path) => Replay::File(path.clone()),
            UploadSource::Stream(stream) => {
                let taken = stream.lock().ok().and_then(|mut s| s.take());
                match taken {
                    Some(stream) => Replay::Stream(Some(stream)),
                    None => {
                        return Err(Error::InvalidRequest(
                            "this upload's stream was already sent".to_owned(),
                        ))
                    }
                }
            }
        })
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Upload::bytes(bytes)
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Upload::bytes(bytes)
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Upload::bytes(bytes)
    }
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            UploadSource::Bytes(b) => format!("{} bytes", b.len()),
            UploadSource::File(p) => format!("file {}", p.display()),
            UploadSource::Stream(_) => "a stream".to_owned(),
        };
        f.debug_struct("Upload")
            .field("source", &source)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// An upload's body, for each attempt of a request.
pub(crate) enum Replay {
    Bytes(Bytes),
    File(std::path::PathBuf),
    /// A multipart body: bytes, each followed by the file (if any) read after them.
    Segments(Vec<(Bytes, Option<std::path::PathBuf>)>),
    /// `None` once sent.
    Stream(Option<BoxStream<'static, Result<Bytes, std::io::Error>>>),
}

/// A file's content in 64 KiB chunks, and its length.
fn file_chunks(
    path: &std::path::Path,
) -> Result<
    (
        impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
        u64,
    ),
    Error,
> {
    let file = std::fs::File::open(path).map_err(Error::Io)?;
    let len = file.metadata().map_err(Error::Io)?.len();
    let file = tokio::fs::File::from_std(file);
    let chunks = futures_util::stream::try_unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 64 * 1024];
        let n = file.read(&mut buf).await?;
        buf.truncate(n);
        Ok::<_, std::io::Error>((n > 0).then(|| (Bytes::from(buf), file)))
    });
    Ok((chunks, len))
}

impl Replay {
    /// A multipart body as `multipart::encode_parts` gives it.
    pub(crate) fn segments(segments: Vec<(Vec<u8>, Option<std::path::PathBuf>)>) -> Self {
        Replay::Segments(
            segments
                .into_iter()
                .map(|(bytes, path)| (Bytes::from(bytes), path))
                .collect(),
        )
    }

    /// The body can be sent again (bytes, a file).
    pub(crate) fn replayable(&self) -> bool {
        !matches!(self, Replay::Stream(_))
    }

    /// The body of the next attempt and its length when known; `None` when it cannot be
    /// sent again.
    pub(crate) fn next_body(&mut self) -> Result<Option<(reqwest::Body, Option<u64>)>, Error> {
        Ok(Some(match self {
            Replay::Bytes(bytes) => {
                let len = bytes.len() as u64;
                (reqwest::Body::from(bytes.clone()), Some(len))
            }
            Replay::File(path) => {
                let (chunks, len) = file_chunks(path)?;
                (reqwest::Body::wrap_stream(chunks), Some(len))
            }
            Replay::Segments(segments) => {
                // Every file opened now: a missing one fails before anything is sent.
                let mut parts = Vec::new();
                let mut len = 0u64;
                for (bytes, path) in segments.iter() {
                    len += bytes.len() as u64;
                    let bytes = bytes.clone();
                    parts.push(futures_util::stream::once(async move { Ok(bytes) }).boxed());
                    if let Some(path) = path {
                        let (chunks, file_len) = file_chunks(path)?;
                        len += file_len;
                        parts.push(chunks.boxed());
                    }
                }
                let body = futures_util::stream::iter(parts).flatten();
                (reqwest::Body::wrap_stream(body), Some(len))
            }
            Replay::Stream(stream) => match stream.take() {
                Some(stream) => (reqwest::Body::wrap_stream(stream), None),
                None => return Ok(None),
            },
        }))
    }
}

/// A JSON request body with its boolean `field` set to `true`: how an operation that can
/// answer either way is asked for events.
pub(crate) fn json_asking_stream<T: serde::Serialize>(
    body: &T,
    field: &str,
) -> Result<Vec<u8>, Error> {
    let mut value = serde_json::to_value(body).map_err(Error::Encode)?;
    if let serde_json::Value::Object(map) = &mut value {
        map.insert(field.to_owned(), serde_json::Value::Bool(true));
    }
    serde_json::to_vec(&value).map_err(Error::Encode)
}

/// An event as parsed, before its data is decoded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawEvent {
    pub(crate) event: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) data: String,
    pub(crate) retry: Option<Duration>,
}

/// The WHATWG `text/event-stream` parser, fed chunks split anywhere (inside a line, a
/// `\r\n`, or a UTF-8 character).
#[derive(Debug, Default)]
pub(crate) struct Parser {
    /// Bytes of the line not ended yet.
    line: Vec<u8>,
    /// A `\r` ended the last line: a `\n` right after it belongs to the same line break.
    after_cr: bool,
    /// The first line was read (a byte-order mark before it is skipped).
    started: bool,
    data: String,
    has_data: bool,
    event: Option<String>,
    last_id: Option<String>,
    retry: Option<Duration>,
}

/// The longest line kept (a server that never ends a line cannot fill the memory).
const MAX_LINE: usize = 16 * 1024 * 1024;

impl Parser {
    /// The events `chunk` completes.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Vec<RawEvent> {
        let mut events = Vec::new();
        for &byte in chunk {
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    let mut text = String::from_utf8_lossy(&line).into_owned();
                    // A byte-order mark before the first line is not part of it.
                    if !std::mem::replace(&mut self.started, true) {
                        if let Some(rest) = text.strip_prefix('\u{FEFF}') {
                            text = rest.to_owned();
                        }
                    }
                    if let Some(event) = self.line_done(&text) {
                        events.push(event);
                    }
                }
                _ => {
                    self.after_cr = false;
                    if self.line.len() < MAX_LINE {
                        self.line.push(byte);
                    }
                }
            }
        }
        events
    }

    /// At the end of the stream: an event not ended by a blank line is dropped, as the
    /// standard says.
    pub(crate) fn finish(&mut self) -> Vec<RawEvent> {
        Vec::new()
    }

    fn line_done(&mut self, line: &str) -> Option<RawEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None; // a comment
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            // An event's data is kept up to the line limit too.
            "data" if self.data.len() + value.len() >= MAX_LINE => self.has_data = true,
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok().map(Duration::from_millis);
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<RawEvent> {
        let event = self.event.take().filter(|e| !e.is_empty());
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        Some(RawEvent {
            event,
            id: self.last_id.clone().filter(|id| !id.is_empty()),
            data: std::mem::take(&mut self.data),
            // Given with this event or since the last one.
            retry: self.retry.take(),
        })
    }
}
