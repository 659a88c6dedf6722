//! `src/multipart.rs`: `multipart/form-data` bodies. `File` is what a `format: binary` field
//! holds; `Form` collects parts and encodes them with a boundary that occurs in no part.

use proc_macro2::TokenStream;
use quote::quote;

pub fn multipart_rs() -> TokenStream {
    quote! {
        //! `multipart/form-data` request bodies: files (`format: binary` fields) and fields.

        // A spec with binary values but no multipart body (or only files, or no files) leaves
        // some of the encoder unused.
        #![allow(dead_code)]

        /// A file: the value of a `format: binary` field, sent as a file part of a
        /// `multipart/form-data` body.
        ///
        /// The part's file name defaults to the field's name and its content type to
        /// `application/octet-stream`. In JSON (where the spec gives no encoding for bytes) it
        /// is written as a string, its bytes read as UTF-8.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::default::Default)]
        #[non_exhaustive]
        pub struct File {
            /// The content.
            pub bytes: ::std::vec::Vec<u8>,
            /// The file name sent with the part.
            pub file_name: ::std::option::Option<::std::string::String>,
            /// The part's content type.
            pub content_type: ::std::option::Option<::std::string::String>,
        }

        impl File {
            /// A file with these bytes.
            pub fn new(bytes: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self {
                File {
                    bytes: bytes.into(),
                    file_name: ::std::option::Option::None,
                    content_type: ::std::option::Option::None,
                }
            }

            /// Sets the file name sent with the part (`fax.pdf`).
            pub fn file_name(mut self, name: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.file_name = ::std::option::Option::Some(name.into());
                self
            }

            /// Sets the part's content type (`application/pdf`).
            pub fn content_type(mut self, content_type: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.content_type = ::std::option::Option::Some(content_type.into());
                self
            }
        }

        impl ::std::convert::From<::std::vec::Vec<u8>> for File {
            fn from(bytes: ::std::vec::Vec<u8>) -> Self {
                File::new(bytes)
            }
        }

        impl ::serde::Serialize for File {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(&::std::string::String::from_utf8_lossy(&self.bytes))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for File {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let text = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(File::new(text.into_bytes()))
            }
        }

        impl crate::query::ToQuery for File {
            fn write_query(&self, key: &mut ::std::string::String, query: &mut crate::query::QueryString) {
                query.push(key, &::std::string::String::from_utf8_lossy(&self.bytes));
            }

            fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                ::std::option::Option::Some(::std::string::String::from_utf8_lossy(&self.bytes))
            }
        }

        /// A body type whose fields are the parts of a `multipart/form-data` body.
        pub(crate) trait ToMultipart {
            fn write_parts(&self, form: &mut Form) -> ::std::result::Result<(), crate::Error>;
        }

        /// The parts of a body, in field order.
        #[derive(::std::default::Default)]
        pub(crate) struct Form {
            parts: ::std::vec::Vec<Part>,
        }

        struct Part {
            name: ::std::string::String,
            file_name: ::std::option::Option<::std::string::String>,
            content_type: ::std::option::Option<::std::string::String>,
            data: ::std::vec::Vec<u8>,
        }

        impl Form {
            /// A file part; the file name defaults to the field's name.
            pub(crate) fn file(&mut self, name: &str, file: &File) -> ::std::result::Result<(), crate::Error> {
                let content_type = file.content_type.as_deref().unwrap_or("application/octet-stream");
                if content_type.chars().any(char::is_control) {
                    return ::std::result::Result::Err(crate::Error::InvalidRequest(::std::format!(
                        "the content type of the file in `{name}` has control characters"
                    )));
                }
                self.parts.push(Part {
                    name: name.to_owned(),
                    file_name: ::std::option::Option::Some(file.file_name.clone().unwrap_or_else(|| name.to_owned())),
                    content_type: ::std::option::Option::Some(content_type.to_owned()),
                    data: file.bytes.clone(),
                });
                ::std::result::Result::Ok(())
            }

            /// A field that is not a file: strings, numbers and booleans as text, arrays as one
            /// part per item, objects as JSON; `null` is left out.
            pub(crate) fn value<T: ::serde::Serialize + ?::std::marker::Sized>(&mut self, name: &str, value: &T) -> ::std::result::Result<(), crate::Error> {
                let value = ::serde_json::to_value(value).map_err(|e| {
                    crate::Error::InvalidRequest(::std::format!("cannot encode the field `{name}`: {e}"))
                })?;
                match value {
                    ::serde_json::Value::Array(items) => {
                        for item in &items {
                            self.scalar_or_json(name, item);
                        }
                    }
                    other => self.scalar_or_json(name, &other),
                }
                ::std::result::Result::Ok(())
            }

            fn scalar_or_json(&mut self, name: &str, value: &::serde_json::Value) {
                let (data, content_type) = match value {
                    ::serde_json::Value::Null => return,
                    ::serde_json::Value::String(text) => (text.clone().into_bytes(), ::std::option::Option::None),
                    ::serde_json::Value::Bool(_) | ::serde_json::Value::Number(_) => (value.to_string().into_bytes(), ::std::option::Option::None),
                    _ => (value.to_string().into_bytes(), ::std::option::Option::Some("application/json".to_owned())),
                };
                self.parts.push(Part {
                    name: name.to_owned(),
                    file_name: ::std::option::Option::None,
                    content_type,
                    data,
                });
            }

            /// The body and its content type. The boundary is the first of
            /// `codegen-boundary-0`, `-1`... found in no part, so the output is reproducible.
            pub(crate) fn finish(self) -> (::std::string::String, ::std::vec::Vec<u8>) {
                let boundary = (0u64..)
                    .map(|n| ::std::format!("codegen-boundary-{n}"))
                    .find(|b| !self.parts.iter().any(|p| p.contains(b.as_bytes())))
                    .unwrap_or_default();
                let mut body = ::std::vec::Vec::new();
                for part in &self.parts {
                    body.extend_from_slice(b"--");
                    body.extend_from_slice(boundary.as_bytes());
                    body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
                    body.extend_from_slice(quoted(&part.name).as_bytes());
                    body.push(b'"');
                    if let ::std::option::Option::Some(file_name) = &part.file_name {
                        body.extend_from_slice(b"; filename=\"");
                        body.extend_from_slice(quoted(file_name).as_bytes());
                        body.push(b'"');
                    }
                    if let ::std::option::Option::Some(content_type) = &part.content_type {
                        body.extend_from_slice(b"\r\nContent-Type: ");
                        body.extend_from_slice(content_type.as_bytes());
                    }
                    body.extend_from_slice(b"\r\n\r\n");
                    body.extend_from_slice(&part.data);
                    body.extend_from_slice(b"\r\n");
                }
                body.extend_from_slice(b"--");
                body.extend_from_slice(boundary.as_bytes());
                body.extend_from_slice(b"--\r\n");
                (::std::format!("multipart/form-data; boundary={boundary}"), body)
            }
        }

        impl Part {
            fn contains(&self, needle: &[u8]) -> bool {
                let found = |haystack: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
                found(&self.data)
                    || found(self.name.as_bytes())
                    || self.file_name.as_deref().is_some_and(|f| found(f.as_bytes()))
            }
        }

        /// A name inside a quoted header parameter: quotes and line breaks percent-encoded,
        /// as browsers do, so a name cannot end the header early.
        fn quoted(name: &str) -> ::std::string::String {
            name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
        }

        /// Encodes a body: its content type (with the boundary) and bytes.
        pub(crate) fn encode<T: ToMultipart + ?::std::marker::Sized>(body: &T) -> ::std::result::Result<(::std::string::String, ::std::vec::Vec<u8>), crate::Error> {
            let mut form = Form::default();
            body.write_parts(&mut form)?;
            ::std::result::Result::Ok(form.finish())
        }
    }
}
