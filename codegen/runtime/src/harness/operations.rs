//! Stand-in for a generated `operations/` file: one paginated list with a query parameter,
//! a header and typed errors, a string enum, a multipart upload, an octet-stream upload, a
//! download, and a chat
//! answered as JSON or as server-sent events, shaped as the generator writes them, so that
//! the harness uses the runtime the way generated crates do.

use crate::error::Error;
use crate::error_body::ErrorBody;
use crate::multipart::{File, Form, ToMultipart};
use crate::pagination::{
    fetch, items, next_number, pages_with, Cursor, ItemStream, Page, PageStream,
};
use crate::query::{header, QueryString, ToQuery};
use crate::response::{Call, Json};
use crate::streams::{ByteStream, EventStream, JsonEvents, TextEvents, Upload};

/// A listed thing (its serde impls as the generator writes them).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub color: Option<Color>,
}

impl serde::Serialize for Item {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = crate::json::Object::new(serializer)?;
        object.required("id", &self.id);
        object.optional("color", &self.color);
        object.end()
    }
}

impl<'de> serde::Deserialize<'de> for Item {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::json::read(deserializer)
    }
}

impl crate::json::ReadObject for Item {
    fn read<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut id: Option<i64> = None;
        let mut color: Option<Color> = None;
        while let Some(key) = map.next_key::<crate::json::Key<'de>>()? {
            match key.as_str() {
                "id" => crate::json::value(&mut map, &mut id),
                "color" => crate::json::optional(&mut map, &mut color),
                _ => crate::json::skip(&mut map),
            }?;
        }
        Ok(Item {
            id: crate::json::required(id, "id")?,
            color,
        })
    }
}

/// A string enum with a fallback variant.
#[derive(Debug, Clone)]
pub enum Color {
    Red,
    Blue,
    Other(String),
}

crate::enums::string_enum!(Color { Red = "red", Blue = "blue", } else Other);

impl ToQuery for Color {
    fn write_query(&self, key: &mut String, query: &mut QueryString) {
        query.push(key, self.as_str());
    }
}

/// A page of items.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ItemPage {
    pub data: Vec<Item>,
    pub meta: Option<Meta>,
}

/// Where a page is.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Meta {
    pub page_number: Option<i64>,
    pub total_pages: Option<i64>,
}

/// Parameters of the list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListParams {
    pub page: Option<i64>,
    pub color: Option<Color>,
    pub request_id: Option<String>,
}

/// A multipart upload body.
pub struct UploadForm {
    pub file: File,
    pub note: Option<String>,
}

impl ToMultipart for UploadForm {
    fn write_parts(&self, form: &mut Form) -> Result<(), Error> {
        form.file("file", &self.file)?;
        if let Some(value) = &self.note {
            form.value("note", value)?;
        }
        Ok(())
    }
}

/// A chat request: `stream` asks for events.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ChatRequest {
    pub prompt: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
}

/// A chat answer, whole or one piece of it.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ChatAnswer {
    pub text: String,
}

impl crate::Client {
    /// `GET /files/{name}`: a download (`application/octet-stream`).
    pub fn download(&self, name: &str) -> Call<'_, ByteStream> {
        self.call_streaming(
            "/files/{name}",
            crate::settings::SECURITY,
            || {
                let path = format!("/files/{}", crate::query::path_segment("name", name)?);
                self.request(
                    reqwest::Method::GET,
                    &path,
                    &QueryString::new(),
                    "application/octet-stream",
                )
            },
            |response| match response.status().as_u16() {
                200 => response.success::<ByteStream>(),
                _ => Err(response.error(ErrorBody::Other)),
            },
        )
    }

    /// `PUT /objects/{key}`: an `application/octet-stream` body; answers 204.
    pub fn put_object(&self, key: &str, body: &Upload) -> Call<'_, ()> {
        self.call(
            "/objects/{key}",
            crate::settings::SECURITY,
            || {
                let path = format!("/objects/{}", crate::query::path_segment("key", key)?);
                let request = self.request(
                    reqwest::Method::PUT,
                    &path,
                    &QueryString::new(),
                    "application/json",
                )?;
                let request = request.header(
                    "content-type",
                    body.content_type_or("application/octet-stream"),
                );
                Ok((request, body.source()?))
            },
            |response| match response.status().as_u16() {
                204 => response.success::<()>(),
                _ => Err(response.error(ErrorBody::Other)),
            },
        )
    }

    /// `GET /feed`: `text/event-stream` only, text data.
    pub fn feed(&self) -> Call<'_, EventStream<String>> {
        self.call_streaming(
            "/feed",
            crate::settings::SECURITY,
            || {
                self.request(
                    reqwest::Method::GET,
                    "/feed",
                    &QueryString::new(),
                    "text/event-stream",
                )
            },
            |response| match response.status().as_u16() {
                200..=299 => response.success::<TextEvents>(),
                _ => Err(response.error(ErrorBody::Other)),
            },
        )
    }

    /// `POST /chat`: JSON, or events (`chat_events`).
    pub fn chat(&self, body: &ChatRequest) -> Call<'_, ChatAnswer> {
        self.call(
            "/chat",
            crate::settings::SECURITY,
            || {
                let request = self.request(
                    reqwest::Method::POST,
                    "/chat",
                    &QueryString::new(),
                    "application/json",
                )?;
                let body = serde_json::to_vec(body).map_err(Error::Encode)?;
                Ok(request
                    .header("content-type", "application/json")
                    .body(body))
            },
            |response| match response.status().as_u16() {
                200 => response.success::<Json<_>>(),
                _ => Err(response.error(ErrorBody::Other)),
            },
        )
    }

    /// `chat` answered as server-sent events (`stream: true`).
    pub fn chat_events(&self, body: &ChatRequest) -> Call<'_, EventStream<ChatAnswer>> {
        self.call_streaming(
            "/chat",
            crate::settings::SECURITY,
            || {
                let request = self.request(
                    reqwest::Method::POST,
                    "/chat",
                    &QueryString::new(),
                    "text/event-stream",
                )?;
                let body = crate::streams::json_asking_stream(body, "stream")?;
                Ok(request
                    .header("content-type", "application/json")
                    .body(body))
            },
            |response| match response.status().as_u16() {
                422 => Err(response.error(ErrorBody::Problem)),
                200 => response.success::<JsonEvents<_>>(),
                _ => Err(response.error(ErrorBody::Other)),
            },
        )
    }

    /// `GET /items`.
    pub fn list_items(&self, params: &ListParams) -> Call<'_, ItemPage> {
        self.call(
            "/items",
            crate::settings::SECURITY,
            || {
                let mut query = QueryString::new();
                if let Some(value) = &params.page {
                    query.write("page[number]", value);
                }
                if let Some(value) = &params.color {
                    query.write("color", value);
                }
                let mut request =
                    self.request(reqwest::Method::GET, "/items", &query, "application/json")?;
                if let Some(value) = &params.request_id {
                    request = request.headers(header("x-request-id", value)?);
                }
                Ok(request)
            },
            |response| match response.status().as_u16() {
                200 => response.success::<Json<_>>(),
                422 => Err(response.error(ErrorBody::Problem)),
                _ => Err(response.error(ErrorBody::Other)),
            },
        )
    }

    /// Every page of `list_items` (page numbers).
    pub fn list_items_pages<'a>(&'a self, params: &ListParams) -> PageStream<'a, ItemPage> {
        pages_with(
            self,
            params.clone(),
            Cursor::Number(params.page.unwrap_or(1)),
            |client, params, cursor| {
                let mut params = params.clone();
                let asked = match cursor {
                    Cursor::Number(number) => {
                        params.page = Some(number);
                        number
                    }
                    _ => params.page.unwrap_or(1),
                };
                fetch(client.list_items(&params), move |body| {
                    let number = body.meta.as_ref().and_then(|m| m.page_number);
                    let total_pages = body.meta.as_ref().and_then(|m| m.total_pages);
                    Page {
                        next: next_number(asked, number, total_pages),
                        number,
                        total_pages,
                        items: body.data.len(),
                        size: None,
                        counted: total_pages.is_some(),
                        body,
                    }
                })
            },
        )
    }

    /// Every item of every page of `list_items`.
    pub fn list_items_stream<'a>(&'a self, params: &ListParams) -> ItemStream<'a, Item> {
        items(self.list_items_pages(params), |page| page.data)
    }

    /// `POST /uploads` with a multipart body; answers 204.
    pub fn upload(&self, body: &UploadForm) -> Call<'_, ()> {
        self.call(
            "/uploads",
            crate::settings::SECURITY,
            || {
                let request = self.request(
                    reqwest::Method::POST,
                    "/uploads",
                    &QueryString::new(),
                    "application/json",
                )?;
                let (content_type, parts) = crate::multipart::encode_parts(body)?;
                let request = request.header("content-type", content_type);
                Ok((request, crate::streams::Replay::segments(parts)))
            },
            |response| match response.status().as_u16() {
                204 => response.success::<()>(),
                _ => Err(response.error(ErrorBody::Other)),
            },
        )
    }
}
