//! The generated client against an in-process HTTP server on 127.0.0.1 (wiremock):
//! requests on the wire, decoding of the spec's examples, forward compatibility, typed
//! errors, and malformed responses.

use serde_json::{json, Value};
use telnyx_recordings::types::{
    GetRecordingsParams, RecordingResponseData, RecordingResponseDataChannels,
    RecordingResponseDataStatus,
};
use telnyx_recordings::{Client, Error, ErrorBody};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "KEY_test_0123456789";

async fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(format!("{}/v2/", server.uri()))
        .build()
        .expect("valid configuration")
}

/// A server answering every request with `response`, and a client pointed at it.
async fn serve(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(response)
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    (server, client)
}

/// The error `get_recordings` returns when the server answers with `response`.
async fn error_for(response: ResponseTemplate) -> Error {
    let (_server, client) = serve(response).await;
    client
        .get_recordings(&Default::default())
        .await
        .unwrap_err()
}

/// A recording built from the `example` of every property in the spec.
fn spec_example_recording() -> Value {
    let spec: Value = serde_yaml::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/call-recordings.yml"),
        )
        .unwrap(),
    )
    .unwrap();
    examples_of(&spec["components"]["schemas"]["RecordingResponseData"])
}

fn examples_of(schema: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for (name, prop) in schema["properties"].as_object().unwrap() {
        let value = match (&prop["example"], prop["type"].as_str()) {
            (Value::Null, Some("object")) => examples_of(prop),
            (example, _) => example.clone(),
        };
        if !value.is_null() {
            out.insert(name.clone(), value);
        }
    }
    Value::Object(out)
}

fn page_body(items: Vec<Value>) -> Value {
    json!({
        "data": items,
        "meta": {"total_pages": 3, "total_results": 55, "page_number": 2, "page_size": 25}
    })
}

#[tokio::test]
async fn request_has_method_path_query_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/recordings"))
        .and(query_param("page[size]", "50"))
        .and(query_param(
            "filter[created_at][gte]",
            "2019-03-29T11:10:00Z",
        ))
        .and(query_param("filter[from]", "+15551234567"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_body(vec![])))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server).await;
    let params = GetRecordingsParams::new()
        .page(telnyx_recordings::types::CallRecordingsPageConsolidated::new().size(50))
        .filter(
            telnyx_recordings::types::GetRecordingsFilter::new()
                .created_at(
                    telnyx_recordings::types::GetRecordingsFilterCreatedAt::new()
                        .gte("2019-03-29T11:10:00Z"),
                )
                .from("+15551234567"),
        );
    let page = client.get_recordings(&params).await.expect("200 decodes");
    assert!(page.data.is_some_and(|data| data.is_empty()));
    assert_eq!(page.meta.unwrap().total_pages, Some(3));

    let requests = server.received_requests().await.unwrap();
    let request = &requests[0];
    assert_eq!(
        request.url.query(),
        Some("page[size]=50&filter[created_at][gte]=2019-03-29T11:10:00Z&filter[from]=%2B15551234567")
    );
    let user_agent = request.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(user_agent.starts_with("telnyx-recordings/"), "{user_agent}");
}

#[tokio::test]
async fn no_question_mark_without_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/recordings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_body(vec![])))
        .mount(&server)
        .await;
    client_for(&server)
        .await
        .get_recordings(&GetRecordingsParams::default())
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), None);
    assert!(!requests[0].url.as_str().contains('?'));
}

#[tokio::test]
async fn spec_example_decodes() {
    let example = spec_example_recording();
    let body = page_body(vec![example.clone()]);
    let (_server, client) = serve(ResponseTemplate::new(200).set_body_json(body)).await;
    let page = client.get_recordings(&Default::default()).await.unwrap();
    let recording = &page.data.unwrap()[0];
    assert_eq!(
        recording.channels,
        Some(RecordingResponseDataChannels::Dual)
    );
    assert_eq!(
        recording.status,
        Some(RecordingResponseDataStatus::Completed)
    );
    assert_eq!(recording.duration_millis, Some(60000));
    assert_eq!(recording.from.as_deref(), Some("+15551234567"));
    // Every example field survives a round trip.
    assert_eq!(serde_json::to_value(recording).unwrap(), example);
}

#[tokio::test]
async fn unknown_enum_values_and_fields_round_trip() {
    let mut item = spec_example_recording();
    item["channels"] = json!("quad");
    item["status"] = json!("archived");
    item["brand_new_field"] = json!({"nested": [1, 2]});
    let body = page_body(vec![item]);
    let (_server, client) = serve(ResponseTemplate::new(200).set_body_json(body)).await;
    let page = client
        .get_recordings(&Default::default())
        .await
        .expect("new server-side values never break the client");
    let recording: &RecordingResponseData = &page.data.as_ref().unwrap()[0];
    assert_eq!(
        recording.channels,
        Some(RecordingResponseDataChannels::Other("quad".into()))
    );
    assert_eq!(recording.channels.as_ref().unwrap().as_str(), "quad");
    assert_eq!(recording.status.as_ref().unwrap().to_string(), "archived");
    let back = serde_json::to_value(recording).unwrap();
    assert_eq!(back["channels"], "quad");
    assert_eq!(back["status"], "archived");
    assert!(
        back.get("brand_new_field").is_none(),
        "unknown fields are ignored"
    );
}

#[tokio::test]
async fn each_declared_error_status_decodes_to_typed_errors() {
    for (status, title, detail) in [
        (401, "Unauthorized", "Unauthorized"),
        (403, "Forbidden", "Forbidden"),
        (
            404,
            "Resource not found",
            "The requested resource or URL could not be found.",
        ),
        (500, "Internal Server Error", "Internal server error"),
        (422, "Invalid parameter", "page[size] must be at most 250"),
    ] {
        let body = json!({"errors": [{
            "code": "10005", "title": title, "detail": detail,
            "source": {"pointer": "/connection_id", "parameter": "page[size]"},
            "meta": {"url": "https://developers.telnyx.com"}
        }]});
        let err = error_for(
            ResponseTemplate::new(status)
                .insert_header("x-request-id", "req-123")
                .set_body_json(body),
        )
        .await;
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let api = err.api_error().expect("an API error");
        assert_eq!(api.headers["x-request-id"], "req-123");
        let ErrorBody::CallRecordingsErrors(body) = &api.body else {
            panic!("typed body expected for {status}, got {:?}", api.body);
        };
        let first = &body.errors.as_ref().unwrap()[0];
        assert_eq!(first.code, "10005");
        assert_eq!(first.title, title);
        assert_eq!(first.detail.as_deref(), Some(detail));
        let source = first.source.as_ref().unwrap();
        assert_eq!(source.pointer.as_deref(), Some("/connection_id"));
        assert_eq!(source.parameter.as_deref(), Some("page[size]"));
        assert_eq!(
            first.meta.as_ref().unwrap()["url"],
            "https://developers.telnyx.com"
        );
        let shown = err.to_string();
        assert!(shown.contains(&status.to_string()), "{shown}");
        assert!(shown.contains(&format!("{title}: {detail}")), "{shown}");
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let err = error_for(
        ResponseTemplate::new(200).set_body_raw(r#"{"data": [{"id": "abc"#, "application/json"),
    )
    .await;
    match &err {
        Error::Decode {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert!(body_excerpt.contains(r#""id": "abc"#));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn text_error_body_keeps_status_and_excerpt() {
    let err =
        error_for(ResponseTemplate::new(500).set_body_raw("upstream exploded", "text/plain")).await;
    match &err {
        Error::UnexpectedResponse {
            status,
            content_type,
            body_excerpt,
        } => {
            assert_eq!(status.as_u16(), 500);
            assert_eq!(content_type.as_deref(), Some("text/plain"));
            assert_eq!(body_excerpt, "upstream exploded");
        }
        other => panic!("expected an unexpected-response error, got {other:?}"),
    }
    assert!(err.to_string().contains("upstream exploded"));
}

#[tokio::test]
async fn error_bodies_of_other_shapes() {
    // Only optional fields in the declared schema: another JSON object still decodes typed.
    let err =
        error_for(ResponseTemplate::new(503).set_body_json(json!({"message": "try later"}))).await;
    let api = err.api_error().unwrap();
    assert!(matches!(&api.body, ErrorBody::CallRecordingsErrors(b) if b.errors.is_none()));
    assert_eq!(err.to_string(), "HTTP 503 Service Unavailable");

    // JSON that contradicts the schema is kept as a value rather than lost.
    let err = error_for(
        ResponseTemplate::new(404).set_body_json(json!({"errors": "oops", "message": "gone"})),
    )
    .await;
    let api = err.api_error().unwrap();
    assert!(
        matches!(&api.body, ErrorBody::Other(v) if *v == json!({"errors": "oops", "message": "gone"}))
    );
    assert_eq!(err.to_string(), "HTTP 404 Not Found: gone");

    // No body at all.
    let err = error_for(ResponseTemplate::new(401)).await;
    assert!(matches!(err.api_error().unwrap().body, ErrorBody::Empty));
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let server = MockServer::start().await;
    let big = "x".repeat(4096);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, "application/json"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .max_body_bytes(1024)
        .build()
        .unwrap();
    let err = client
        .get_recordings(&Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    // Bind then drop a listener: the port is (almost certainly) closed afterwards.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = client
        .get_recordings(&Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(err.status(), None);
}

#[test]
fn configuration_errors_and_secrets() {
    let client = Client::builder().api_key(KEY).build().unwrap();
    assert_eq!(client.base_url(), "https://api.telnyx.com/v2");
    let debug = format!("{client:?}");
    assert!(!debug.contains(KEY), "{debug}");
    let builder = Client::builder().api_key(KEY);
    assert!(!format!("{builder:?}").contains(KEY));

    assert!(matches!(Client::builder().build(), Err(Error::Config(_))));
    let bad_url = Client::builder().api_key(KEY).base_url("ftp://x").build();
    assert!(matches!(bad_url, Err(Error::Config(_))));
    let bad_key = Client::builder()
        .api_key("line\nbreak")
        .build()
        .unwrap_err();
    assert!(!bad_key.to_string().contains("line\nbreak"));
}

#[test]
fn from_env_reads_key_and_base_url() {
    // The only test that touches these variables.
    std::env::remove_var("TELNYX_API_KEY");
    assert!(matches!(Client::from_env(), Err(Error::Config(_))));
    std::env::set_var("TELNYX_API_KEY", KEY);
    std::env::set_var("TELNYX_BASE_URL", "http://127.0.0.1:9/v2");
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/v2");
    std::env::remove_var("TELNYX_BASE_URL");
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "https://api.telnyx.com/v2"
    );
    std::env::remove_var("TELNYX_API_KEY");
}
