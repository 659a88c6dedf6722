//! `multipart/form-data` request bodies. [`File`] is what a `format: binary` field holds:
//! bytes, or a file on disk read as the body is sent; body types implement [`ToMultipart`],
//! and [`encode_parts`] writes their parts with a boundary that occurs in no part.

use crate::error::Error;
use crate::query::{QueryString, ToQuery};
use std::borrow::Cow;

/// A file: the value of a `format: binary` field, sent as a file part of a
/// `multipart/form-data` body.
///
/// The part's file name defaults to the field's name (a file opened from a path: its name)
/// and its content type to `application/octet-stream`. In JSON (where the spec gives no
/// encoding for bytes) it is written as a string, its bytes read as UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct File {
    /// The content.
    pub bytes: Vec<u8>,
    /// The file name sent with the part.
    pub file_name: Option<String>,
    /// The part's content type.
    pub content_type: Option<String>,
    /// A file sent instead of `bytes`: opened when the request is sent and read in chunks,
    /// never whole (and read again for a retry).
    pub path: Option<std::path::PathBuf>,
}

impl File {
    /// A file with these bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        File {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
            path: None,
        }
    }

    /// The file at `path`, read as the body is sent (its length known up front, its
    /// content never held whole); the part's file name is the path's.
    pub fn open(path: impl Into<std::path::PathBuf>) -> Self {
        let path = path.into();
        File {
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            bytes: Vec::new(),
            content_type: None,
            path: Some(path),
        }
    }

    /// Sets the file name sent with the part (`fax.pdf`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's content type (`application/pdf`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl From<Vec<u8>> for File {
    fn from(bytes: Vec<u8>) -> Self {
        File::new(bytes)
    }
}

impl serde::Serialize for File {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> serde::Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(File::new(text.into_bytes()))
    }
}

impl ToQuery for File {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        query.push(key, &String::from_utf8_lossy(&self.bytes));
    }

    fn query_scalar(&self) -> Option<Cow<'_, str>> {
        Some(String::from_utf8_lossy(&self.bytes))
    }
}

/// A multipart body as it is sent: bytes, each followed by the file (if any) whose content
/// comes next. Of std types only, so that `streams.rs` reads it without this module.
pub type Segments = Vec<(Vec<u8>, Option<std::path::PathBuf>)>;

/// A body whose fields are the parts of a `multipart/form-data` body (every generated
/// multipart body type implements it).
pub trait ToMultipart {
    /// Adds one part per field to `form`, in field order.
    fn write_parts(&self, form: &mut Form) -> Result<(), Error>;
}

/// The parts of a body, in the order they are added.
#[derive(Debug, Default)]
pub struct Form {
    parts: Vec<Part>,
}

#[derive(Debug)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
    /// The file whose content follows `data` (empty then).
    path: Option<std::path::PathBuf>,
}

impl Form {
    /// Adds a file part; the file name defaults to the field's name. A content type with
    /// control characters is refused (it could end the part's headers early).
    pub fn file(&mut self, name: &str, file: &File) -> Result<(), Error> {
        let content_type = file
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        if content_type.chars().any(char::is_control) {
            return Err(Error::InvalidRequest(format!(
                "the content type of the file in `{name}` has control characters"
            )));
        }
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: Some(file.file_name.clone().unwrap_or_else(|| name.to_owned())),
            content_type: Some(content_type.to_owned()),
            data: if file.path.is_some() {
                Vec::new()
            } else {
                file.bytes.clone()
            },
            path: file.path.clone(),
        });
        Ok(())
    }

    /// Adds a field that is not a file: strings, numbers and booleans as text, arrays as one
    /// part per item, objects as JSON; `null` is left out.
    pub fn value<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        match serde_json::to_value(value).map_err(Error::Encode)? {
            serde_json::Value::Array(items) => {
                for item in &items {
                    self.scalar_or_json(name, item);
                }
            }
            other => self.scalar_or_json(name, &other),
        }
        Ok(())
    }

    fn scalar_or_json(&mut self, name: &str, value: &serde_json::Value) {
        let (data, content_type) = match value {
            serde_json::Value::Null => return,
            serde_json::Value::String(text) => (text.clone().into_bytes(), None),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
                (value.to_string().into_bytes(), None)
            }
            _ => (
                value.to_string().into_bytes(),
                Some("application/json".to_owned()),
            ),
        };
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: None,
            content_type,
            data,
            path: None,
        });
    }

    /// The body and its content type, files read whole. The boundary is the first of
    /// `codegen-boundary-0`, `-1`... found in no part, so the output is reproducible.
    pub fn finish(self) -> Result<(String, Vec<u8>), Error> {
        let (content_type, segments) = self.segments();
        let mut body = Vec::new();
        for (bytes, path) in segments {
            body.extend_from_slice(&bytes);
            if let Some(path) = path {
                body.extend_from_slice(&std::fs::read(&path).map_err(Error::Io)?);
            }
        }
        Ok((content_type, body))
    }

    /// The content type and the body as segments: bytes, each followed by the file (if any)
    /// whose content comes next. Without files the boundary is the first of
    /// `codegen-boundary-0`, `-1`... found in no part, so the output is reproducible; with
    /// files (not read here) it is random, 122 bits, too long a shot to occur in them.
    pub fn segments(self) -> (String, Segments) {
        let boundary = if self.parts.iter().any(|p| p.path.is_some()) {
            format!(
                "codegen-boundary-{}",
                crate::query::idempotency_key().replace('-', "")
            )
        } else {
            (0u64..)
                .map(|n| format!("codegen-boundary-{n}"))
                .find(|b| !self.parts.iter().any(|p| p.contains(b.as_bytes())))
                .unwrap_or_default()
        };
        let mut segments = Vec::new();
        let mut body = Vec::new();
        for part in self.parts {
            body.extend_from_slice(b"--");
            body.extend_from_slice(boundary.as_bytes());
            body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            body.extend_from_slice(quoted(&part.name).as_bytes());
            body.push(b'"');
            if let Some(file_name) = &part.file_name {
                body.extend_from_slice(b"; filename=\"");
                body.extend_from_slice(quoted(file_name).as_bytes());
                body.push(b'"');
            }
            if let Some(content_type) = &part.content_type {
                body.extend_from_slice(b"\r\nContent-Type: ");
                body.extend_from_slice(content_type.as_bytes());
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(&part.data);
            if let Some(path) = part.path {
                segments.push((std::mem::take(&mut body), Some(path)));
            }
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"--\r\n");
        segments.push((body, None));
        (
            format!("multipart/form-data; boundary={boundary}"),
            segments,
        )
    }
}

impl Part {
    fn contains(&self, needle: &[u8]) -> bool {
        let found = |haystack: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
        found(&self.data)
            || found(self.name.as_bytes())
            || self
                .file_name
                .as_deref()
                .is_some_and(|f| found(f.as_bytes()))
    }
}

/// A name inside a quoted header parameter: quotes and line breaks percent-encoded, as
/// browsers do, so a name cannot end the header early.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Encodes a body whole: its content type (with the boundary) and bytes (files read).
pub fn encode<T: ToMultipart + ?Sized>(body: &T) -> Result<(String, Vec<u8>), Error> {
    let mut form = Form::default();
    body.write_parts(&mut form)?;
    form.finish()
}

/// Encodes a body as generated methods send it: its content type and segments, each bytes
/// and the file (if any) read after them as the request is sent ([`Form::segments`]).
pub fn encode_parts<T: ToMultipart + ?Sized>(body: &T) -> Result<(String, Segments), Error> {
    let mut form = Form::default();
    body.write_parts(&mut form)?;
    Ok(form.segments())
}
