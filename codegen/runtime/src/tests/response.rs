use crate::error_body::{ErrorBody, Problem};
use crate::response::{Json, RawResponse};
use crate::Error;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::StatusCode;

fn raw(status: u16, body: &[u8]) -> RawResponse {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    RawResponse::new(
        StatusCode::from_u16(status).unwrap(),
        headers,
        body.to_vec(),
    )
}

#[test]
fn success_bodies_decode_by_kind() {
    let json: serde_json::Value = raw(200, br#"{"a":1}"#)
        .success::<Json<_>>()
        .unwrap()
        .into_body();
    assert_eq!(json["a"], 1);
    assert_eq!(raw(200, b"hi").success::<String>().unwrap().body, "hi");
    assert_eq!(raw(200, &[0xff]).success::<Vec<u8>>().unwrap().body, [0xff]);
    let empty = raw(204, b"ignored").success::<()>().unwrap();
    assert_eq!(empty.status, StatusCode::NO_CONTENT);
}

#[test]
fn bad_success_bodies_are_errors_that_keep_the_evidence() {
    let e = raw(200, b"{not json")
        .success::<Json<serde_json::Value>>()
        .unwrap_err();
    assert!(
        matches!(&e, Error::Decode { status, body_excerpt, .. } if status.as_u16() == 200 && body_excerpt == "{not json"),
        "{e:?}"
    );
    // Text that is not UTF-8 is never altered silently.
    let e = raw(200, &[b'a', 0xff]).success::<String>().unwrap_err();
    assert!(
        matches!(&e, Error::UnexpectedResponse { body_excerpt, .. } if body_excerpt == "a\u{fffd}"),
        "{e:?}"
    );
    let long = vec![b'x'; 600];
    let e = raw(200, &long)
        .success::<Json<serde_json::Value>>()
        .unwrap_err();
    assert!(
        matches!(&e, Error::Decode { body_excerpt, .. } if body_excerpt.ends_with('…') && body_excerpt.len() < 600)
    );
}

#[test]
fn error_bodies_are_typed_else_kept() {
    let typed = raw(422, br#"{"title":"Invalid","detail":"too short"}"#).error(ErrorBody::Problem);
    let api = typed.api_error().unwrap();
    assert!(
        matches!(&api.body, ErrorBody::Problem(Problem { title, detail }) if title == "Invalid" && detail.as_deref() == Some("too short")),
        "{:?}",
        api.body
    );
    assert_eq!(
        typed.to_string(),
        "HTTP 422 Unprocessable Entity: Invalid: too short"
    );
    let other = raw(500, br#"{"message":"boom"}"#).error(ErrorBody::Problem);
    assert!(
        matches!(&other.api_error().unwrap().body, ErrorBody::Other(v) if v["message"] == "boom")
    );
    assert_eq!(other.to_string(), "HTTP 500 Internal Server Error: boom");
    let empty = raw(503, b"  \n").error(ErrorBody::Problem);
    assert!(matches!(empty.api_error().unwrap().body, ErrorBody::Empty));
    assert_eq!(empty.status().unwrap().as_u16(), 503);
    let html = raw(502, b"<html>bad gateway</html>").error(ErrorBody::Problem);
    assert!(matches!(html, Error::UnexpectedResponse { .. }), "{html:?}");
    // A success status that reaches an error arm is a response the spec does not describe.
    let undeclared = raw(201, b"{}").error(ErrorBody::Other);
    assert!(
        matches!(undeclared, Error::UnexpectedResponse { .. }),
        "{undeclared:?}"
    );
}

#[test]
fn summaries_pick_the_first_present_and_add_a_new_detail() {
    use crate::error::summary;
    assert_eq!(
        summary(&[None, Some("b")], &[Some("c")]).as_deref(),
        Some("b: c")
    );
    assert_eq!(
        summary(&[Some("same")], &[Some("same")]).as_deref(),
        Some("same")
    );
    assert_eq!(
        summary(&[Some("  ")], &[Some("detail")]).as_deref(),
        Some("detail")
    );
    assert_eq!(summary(&[], &[]), None);
}

#[test]
fn decode_errors_name_the_field_and_the_value() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: i64,
        count: u8,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
    }
    let body = b"{\n  \"data\": [\n    {\"id\": 1, \"count\": 2},\n    {\"id\": 2, \"count\": \"many\"}\n  ]\n}";
    let e = raw(200, body).success::<Json<Page>>().unwrap_err();
    let Error::Decode { at, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(at.as_deref(), Some("data[1].count = \"many\""));
    assert!(
        e.to_string()
            .contains("at data[1].count = \"many\": invalid type"),
        "{e}"
    );
    let e = raw(200, b"{\"data\": [{\"id\": 1, \"count\": 300}]}")
        .success::<Json<Page>>()
        .unwrap_err();
    assert!(e.to_string().contains("at data[0].count = 300"), "{e}");
    // A missing field is missing from an object: the object is named, not its last value.
    let e = raw(
        200,
        b"{\"data\": [{\"id\": 1, \"count\": 2}, {\"id\": 2, \"more\": {\"a\": 1}}]}",
    )
    .success::<Json<Page>>()
    .unwrap_err();
    let Error::Decode { at, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(at.as_deref(), Some("data[1]"), "{e}");
    let e = raw(200, b"{\"id\": 1}")
        .success::<Json<Item>>()
        .unwrap_err();
    assert!(
        matches!(&e, Error::Decode { at: None, .. }),
        "the body itself: {e:?}"
    );
    // Malformed JSON: no path, the message and excerpt still say what happened.
    let e = raw(200, b"{\"data\": [")
        .success::<Json<Page>>()
        .unwrap_err();
    assert!(matches!(&e, Error::Decode { at: None, .. }), "{e:?}");
}

#[test]
fn server_text_in_an_error_message_cannot_forge_log_lines() {
    // A body with a line break, a terminal escape and a right-to-left override.
    let body = "{\"x\": \"\u{1b}[31mred\nERROR forged line \u{202e}\"";
    let e = raw(200, body.as_bytes())
        .success::<Json<serde_json::Value>>()
        .unwrap_err();
    let shown = e.to_string();
    assert!(
        !shown.contains('\n') && !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
        "{shown:?}"
    );
    assert!(shown.contains("\\u{1b}[31mred\\nERROR forged"), "{shown}");
    let summary = crate::error::summary(&[Some("bad\r\nforged: yes")], &[]);
    assert_eq!(summary.as_deref(), Some("bad\\r\\nforged: yes"));
}
