//! Responses: read in full by the client, then decoded by the generated methods, status by
//! status, into their success type or a typed error.

use crate::error::{ApiError, Error};
use crate::error_body::ErrorBody;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

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

/// A response read in full.
pub(crate) struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
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
        serde_json::from_slice(&response.body).map_err(|source| Error::Decode {
            status: response.status,
            source,
            body_excerpt: excerpt(&response.body),
        })
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
                .map(str::to_owned),
            body_excerpt: excerpt(&self.body),
        }
    }

    fn into_api_error(self, body: ErrorBody) -> Error {
        Error::Api(Box::new(ApiError {
            status: self.status,
            headers: self.headers,
            body,
        }))
    }
}

/// The start of a body, as text, for error messages (at most 512 bytes).
fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 512;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX)]);
    if body.len() > MAX {
        format!("{text}…")
    } else {
        text.into_owned()
    }
}
