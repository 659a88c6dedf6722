//! `src/error.rs`: the error type of every call, with one `ErrorBody` variant per declared
//! error schema and a one-line summary for `Display`.

use super::docs;
use crate::ir::{Api, TypeId, TypeKind, TypeRef};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

pub fn error_rs(api: &Api) -> TokenStream {
    let variants: Vec<(proc_macro2::Ident, TypeId)> = api
        .error_types
        .iter()
        .map(|id| (naming::ident(&api.ty(*id).name), *id))
        .collect();
    let defs = variants.iter().map(|(ident, id)| {
        let doc = docs::attrs(&[format!(
            "The body of [`{0}`](crate::types::{0}).",
            api.ty(*id).name
        )]);
        quote!(#doc #ident(crate::types::#ident),)
    });
    let summaries = variants
        .iter()
        .map(|(ident, id)| match error_summary(api, *id) {
            Some(summary) => quote!(Self::#ident(body) => { #summary }),
            None => quote!(Self::#ident(_) => ::std::option::Option::None,),
        });
    quote! {
        //! The error type of every call.

        /// Everything that can go wrong in a call.
        #[derive(::std::fmt::Debug, ::thiserror::Error)]
        #[non_exhaustive]
        pub enum Error {
            /// The client is misconfigured (no API key, a bad base URL...).
            #[error("invalid client configuration: {0}")]
            Config(::std::string::String),
            /// The request could not be built from the given values.
            #[error("invalid request: {0}")]
            InvalidRequest(::std::string::String),
            /// The request could not be sent or the response not read: connection refused or
            /// reset, DNS, TLS...
            #[error("transport error: {0}")]
            Transport(#[source] ::reqwest::Error),
            /// An attempt took longer than the configured timeout (retried like a connection error).
            #[error("request timed out: {0}")]
            Timeout(#[source] ::reqwest::Error),
            /// The server answered with an error status; the body is decoded.
            #[error("{0}")]
            Api(::std::boxed::Box<ApiError>),
            /// A success response whose body does not match the spec.
            #[error("cannot decode the {status} response: {source}; body starts with: {body_excerpt}")]
            Decode {
                status: ::reqwest::StatusCode,
                #[source]
                source: ::serde_json::Error,
                /// The start of the body, for diagnosis.
                body_excerpt: ::std::string::String,
            },
            /// A response the spec does not describe (an undeclared success status, or an
            /// error body that is not JSON).
            #[error("unexpected {status} response ({}): {body_excerpt}", content_type.as_deref().unwrap_or("no content type"))]
            UnexpectedResponse {
                status: ::reqwest::StatusCode,
                content_type: ::std::option::Option<::std::string::String>,
                /// The start of the body, for diagnosis.
                body_excerpt: ::std::string::String,
            },
            /// The response body is larger than the client's limit.
            #[error("the {status} response body exceeds the limit of {limit} bytes")]
            BodyTooLarge {
                status: ::reqwest::StatusCode,
                limit: usize,
            },
        }

        impl Error {
            /// The HTTP status, when a response was received.
            pub fn status(&self) -> ::std::option::Option<::reqwest::StatusCode> {
                match self {
                    Self::Api(e) => ::std::option::Option::Some(e.status),
                    Self::Decode { status, .. }
                    | Self::UnexpectedResponse { status, .. }
                    | Self::BodyTooLarge { status, .. } => ::std::option::Option::Some(*status),
                    Self::Transport(e) | Self::Timeout(e) => e.status(),
                    Self::Config(_) | Self::InvalidRequest(_) => ::std::option::Option::None,
                }
            }

            /// The request timed out.
            pub fn is_timeout(&self) -> bool {
                ::std::matches!(self, Self::Timeout(_))
            }

            /// Classifies a `reqwest` error: timeouts are their own kind.
            pub(crate) fn from_reqwest(error: ::reqwest::Error) -> Self {
                if error.is_timeout() {
                    Self::Timeout(error)
                } else {
                    Self::Transport(error)
                }
            }

            /// Connection errors (refused, reset, closed mid-body) and timeouts are retried.
            /// Reading a body cut short surfaces as a `decode` error of reqwest (the client
            /// decodes JSON itself, so that kind means the bytes never arrived).
            pub(crate) fn is_retryable(&self) -> bool {
                match self {
                    Self::Timeout(_) => true,
                    Self::Transport(e) => e.is_connect() || e.is_request() || e.is_body() || e.is_decode(),
                    _ => false,
                }
            }

            /// The decoded error response, if the server sent one.
            pub fn api_error(&self) -> ::std::option::Option<&ApiError> {
                match self {
                    Self::Api(e) => ::std::option::Option::Some(e),
                    _ => ::std::option::Option::None,
                }
            }
        }

        /// An error response: status, headers (for a request id, say) and decoded body.
        #[derive(::std::fmt::Debug)]
        #[non_exhaustive]
        pub struct ApiError {
            /// The HTTP status.
            pub status: ::reqwest::StatusCode,
            /// The response headers.
            pub headers: ::reqwest::header::HeaderMap,
            /// The decoded body.
            pub body: ErrorBody,
        }

        impl ::std::fmt::Display for ApiError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::write!(f, "HTTP {}", self.status)?;
                if let ::std::option::Option::Some(summary) = self.body.summary() {
                    ::std::write!(f, ": {summary}")?;
                }
                ::std::result::Result::Ok(())
            }
        }

        impl ::std::error::Error for ApiError {}

        /// The body of an error response, by the schema the spec declares for its status.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        #[non_exhaustive]
        pub enum ErrorBody {
            #(#defs)*
            /// JSON that matches no declared error schema.
            Other(::serde_json::Value),
            /// No body.
            Empty,
        }

        impl ErrorBody {
            /// A one-line summary of the error for messages, when the body has one.
            pub fn summary(&self) -> ::std::option::Option<::std::string::String> {
                match self {
                    #(#summaries)*
                    Self::Other(value) => value
                        .get("message")
                        .or_else(|| value.get("error"))
                        .and_then(::serde_json::Value::as_str)
                        .map(::std::borrow::ToOwned::to_owned),
                    Self::Empty => ::std::option::Option::None,
                }
            }
        }

        /// The start of a body, as text, for error messages (at most 512 bytes).
        pub(crate) fn excerpt(body: &[u8]) -> ::std::string::String {
            const MAX: usize = 512;
            let text = ::std::string::String::from_utf8_lossy(&body[..body.len().min(MAX)]);
            if body.len() > MAX {
                ::std::format!("{text}…")
            } else {
                text.into_owned()
            }
        }
    }
}

/// How an error body type is summarised for `Display`: `errors[0].title` and `.detail` for
/// JSON:API-style bodies (Telnyx), else a `message`/`title`/`detail`/`error` string field.
fn error_summary(api: &Api, id: TypeId) -> Option<TokenStream> {
    let fields = struct_fields(api, id)?;
    // `errors: [ { title, detail } ]`
    if let Some(errors) = fields.iter().find(|f| f.wire_name == "errors") {
        if let TypeRef::Array(item) = &errors.ty {
            if let TypeRef::Named(item_id) = item.as_ref() {
                if let Some(item_fields) = struct_fields(api, *item_id) {
                    let parts: Vec<TokenStream> = ["title", "detail", "message", "code"]
                        .iter()
                        .filter_map(|w| item_fields.iter().find(|f| f.wire_name == *w))
                        .filter(|f| f.ty == TypeRef::String)
                        .take(2)
                        .map(|f| string_field(f, quote!(first)))
                        .collect();
                    if !parts.is_empty() {
                        let ident = naming::ident(&errors.rust_name);
                        let list = if errors.optional() {
                            quote!(body.#ident.as_deref()?)
                        } else {
                            quote!(&body.#ident)
                        };
                        return Some(quote! {
                            let first = #list.first()?;
                            let parts: ::std::vec::Vec<&str> = [#(#parts),*].into_iter().flatten().collect();
                            (!parts.is_empty()).then(|| parts.join(": "))
                        });
                    }
                }
            }
        }
    }
    let f = ["message", "title", "detail", "error", "error_description"]
        .iter()
        .find_map(|w| {
            fields
                .iter()
                .find(|f| f.wire_name == *w && f.ty == TypeRef::String)
        })?;
    let ident = naming::ident(&f.rust_name);
    Some(if f.optional() {
        quote!(body.#ident.clone())
    } else {
        quote!(::std::option::Option::Some(body.#ident.clone()))
    })
}

fn struct_fields(api: &Api, id: TypeId) -> Option<&[crate::ir::Field]> {
    match &api.ty(id).kind {
        TypeKind::Struct(s) => Some(&s.fields),
        TypeKind::Alias(TypeRef::Named(target)) if *target != id => struct_fields(api, *target),
        _ => None,
    }
}

/// `Option<&str>` of a string field of `owner`.
fn string_field(f: &crate::ir::Field, owner: TokenStream) -> TokenStream {
    let ident = naming::ident(&f.rust_name);
    if f.optional() {
        quote!(#owner.#ident.as_deref())
    } else {
        quote!(::std::option::Option::Some(#owner.#ident.as_str()))
    }
}
