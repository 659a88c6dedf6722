//! Redirects, followed by the client itself so that credentials stay with the API's origin.
//! reqwest's own policy strips only `Authorization`, `Cookie`, `Proxy-Authorization` and
//! `WWW-Authenticate` on a hop to another host: an API key in a header of its own
//! (`X-API-Key`) or in the query would follow the redirect. Here, on a hop to another scheme,
//! host or port, every header and query parameter that carries a credential goes: the spec's
//! security schemes' (`settings.rs`), the standard ones, and any header value marked sensitive
//! (`HeaderValue::set_sensitive`, as the client's own key is).

use crate::error::{printable, Error};
use crate::settings;
use reqwest::header::{self, HeaderMap, HeaderName};
use reqwest::{Method, Request, Response, StatusCode, Url};

/// Redirects followed for one attempt before giving up.
pub(crate) const MAX_HOPS: u32 = 10;

/// The redirect a response asks for, if it is one the client follows (301, 302, 303, 307,
/// 308 with a `Location`).
pub(crate) fn location(response: &Response) -> Option<String> {
    let status = response.status();
    let followed = matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308);
    followed
        .then(|| response.headers().get(header::LOCATION)?.to_str().ok())
        .flatten()
        .map(str::to_owned)
}

/// The request that follows `previous` to `location` after a `status` answer, or why it
/// must not be sent.
pub(crate) fn follow(
    mut previous: Request,
    status: StatusCode,
    location: &str,
) -> Result<Request, Error> {
    let refuse = |why: String| Error::Redirect(printable(&why));
    let next = previous
        .url()
        .join(location)
        .map_err(|e| refuse(format!("the server redirected to {location:?}: {e}")))?;
    let from = previous.url();
    if next.scheme() != "https" && next.scheme() != "http" {
        return Err(refuse(format!(
            "the server redirected to {next}, not http(s)"
        )));
    }
    if from.scheme() == "https" && next.scheme() == "http" {
        return Err(refuse(format!(
            "the server redirected from https to plain http ({next})"
        )));
    }
    let cross_origin = !same_origin(from, &next);
    // 301 and 302 turn a POST into a GET (what every client does), 303 anything but HEAD;
    // 307 and 308 keep the method and the body, which never go to another origin.
    let to_get = match status.as_u16() {
        301 | 302 => previous.method() == Method::POST,
        303 => previous.method() != Method::HEAD,
        _ => false,
    };
    if to_get {
        *previous.method_mut() = Method::GET;
        *previous.body_mut() = None;
        let headers = previous.headers_mut();
        for name in [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
        ] {
            headers.remove(name);
        }
    } else if cross_origin && previous.body().is_some() {
        return Err(refuse(format!(
            "a {status} redirect to another origin ({}) would send the request body there",
            next.origin().ascii_serialization()
        )));
    }
    let mut next = next;
    if cross_origin {
        strip_credentials(previous.headers_mut());
        strip_credential_query(&mut next);
    }
    *previous.url_mut() = next;
    Ok(previous)
}

/// Same scheme, host and port (the default port of the scheme when none is written).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Removes every header that carries a credential.
pub(crate) fn strip_credentials(headers: &mut HeaderMap) {
    let standard = [
        header::AUTHORIZATION,
        header::PROXY_AUTHORIZATION,
        header::COOKIE,
        HeaderName::from_static("cookie2"),
    ];
    for name in standard {
        headers.remove(name);
    }
    for name in settings::CREDENTIAL_HEADERS {
        headers.remove(*name);
    }
    let sensitive: Vec<HeaderName> = headers
        .iter()
        .filter(|(_, value)| value.is_sensitive())
        .map(|(name, _)| name.clone())
        .collect();
    for name in sensitive {
        headers.remove(name);
    }
}

/// Removes the query parameters that carry a credential (the spec's `apiKey` schemes in the
/// query), keeping the others in order.
fn strip_credential_query(url: &mut Url) {
    if settings::CREDENTIAL_QUERY.is_empty() || url.query().is_none() {
        return;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| !settings::CREDENTIAL_QUERY.contains(&key.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
}
