//! The error type of every call. The decoded body of an error response is an
//! [`ErrorBody`], whose variants come from the spec (`error_body.rs`).

use crate::error_body::ErrorBody;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::fmt;

/// Everything that can go wrong in a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (no API key, a bad base URL...).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The request could not be built from the given values.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The request body could not be encoded.
    #[error("cannot encode the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// The request could not be sent or the response not read: connection refused or
    /// reset, DNS, TLS...
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// An attempt took longer than the configured timeout (retried like a connection error).
    #[error("request timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// The server answered with an error status; the body is decoded.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// A success response whose body does not match the spec.
    #[error(
        "cannot decode the {status} response{}: {source}; body starts with: {body_excerpt}",
        at.as_deref().map(|at| format!(" at {at}")).unwrap_or_default()
    )]
    Decode {
        status: StatusCode,
        /// The value that could not be decoded, with its path (`data[0].created_at = "x"`).
        at: Option<String>,
        #[source]
        source: serde_json::Error,
        /// The start of the body, for diagnosis.
        body_excerpt: String,
    },
    /// A response the spec does not describe (an undeclared success status, or an error
    /// body that is not JSON).
    #[error("unexpected {status} response ({}): {body_excerpt}", content_type.as_deref().unwrap_or("no content type"))]
    UnexpectedResponse {
        status: StatusCode,
        content_type: Option<String>,
        /// The start of the body, for diagnosis.
        body_excerpt: String,
    },
    /// The response body is larger than the client's limit.
    #[error("the {status} response body exceeds the limit of {limit} bytes")]
    BodyTooLarge { status: StatusCode, limit: usize },
    /// A redirect the client does not follow: to plain http from https, to another origin
    /// with the request body, more than ten in a row, or to something that is not a URL.
    #[error("redirect not followed: {0}")]
    Redirect(String),
    /// A streamed answer paused longer than the client's idle timeout (no headers, or no
    /// chunk of the body, for this long).
    #[error("no data from the server for {0:?}")]
    Idle(std::time::Duration),
    /// A downloaded body could not be written.
    #[error("cannot write the body: {0}")]
    Io(#[source] std::io::Error),
    /// Authentication failed before the request was sent: the client holds no credential the
    /// operation takes, or the OAuth2 token endpoint refused or failed.
    #[error("authentication: {0}")]
    Auth(String),
    /// A page stream stopped: the server did not move on to a new page (a list that would
    /// never end), or the stream reached its maximum number of pages.
    #[error("pagination stopped: {0}")]
    Pagination(String),
}

impl Error {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::Decode { status, .. }
            | Self::UnexpectedResponse { status, .. }
            | Self::BodyTooLarge { status, .. } => Some(*status),
            Self::Transport(e) | Self::Timeout(e) => e.status(),
            Self::Config(_)
            | Self::InvalidRequest(_)
            | Self::Encode(_)
            | Self::Redirect(_)
            | Self::Auth(_)
            | Self::Idle(_)
            | Self::Io(_)
            | Self::Pagination(_) => None,
        }
    }

    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_) | Self::Idle(_))
    }

    /// The decoded error response, if the server sent one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// An error response: status, headers (for a request id, say) and decoded body.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error response as the client decodes it (`ApiError` is `#[non_exhaustive]`, and a
    /// split crate's client builds it outside the crate that defines it).
    #[doc(hidden)]
    pub fn new(status: StatusCode, headers: HeaderMap, body: ErrorBody) -> Self {
        ApiError {
            status,
            headers,
            body,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(summary) = self.body.summary() {
            write!(f, ": {summary}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The one-line summary of an error body: the first of `summaries` it has, followed by the
/// first of `details` when that says something more (`"Invalid phone number: +1 is too short"`).
#[doc(hidden)]
pub fn summary(summaries: &[Option<&str>], details: &[Option<&str>]) -> Option<String> {
    let first = |candidates: &[Option<&str>]| {
        candidates
            .iter()
            .flatten()
            .map(|s| s.trim())
            .find(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let summary = match (first(summaries), first(details)) {
        (Some(summary), Some(detail)) if detail != summary => Some(format!("{summary}: {detail}")),
        (Some(summary), _) => Some(summary),
        (None, detail) => detail,
    };
    summary.map(|s| printable(&s))
}

/// Server text as it may appear in an error message: control characters (line breaks,
/// terminal escapes) and bidirectional overrides shown escaped (`\n`, `\u{1b}`), so that a
/// response cannot forge log lines or colour a terminal.
#[doc(hidden)]
pub fn printable(text: &str) -> String {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
            )
    };
    if !text.chars().any(unsafe_char) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}
