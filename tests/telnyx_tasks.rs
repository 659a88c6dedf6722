//! Issue 11's acceptance test: the crate generated from the whole Telnyx API
//! (`tests/fixtures/telnyx/spec3.yml`, a copy of the corpus's, with `spec/codegen.toml`), built with only the
//! features five everyday tasks need, runs `tests/fixtures/telnyx-tasks.rs` inside it; with
//! `webhooks` on, `tests/fixtures/telnyx-webhooks.rs` decodes every webhook example of the spec.

use std::path::Path;

#[test]
fn five_everyday_tasks_against_the_whole_telnyx_api() {
    let root = openapi_rust_gen_tests::root();
    let spec = root.join("tests/fixtures/telnyx/spec3.yml");
    let dir = root.join("target/telnyx-tasks");
    let mut options = codegen::Options::for_crate("telnyx", "telnyx/spec3.yml");
    codegen::config::apply_file(&root.join("spec/codegen.toml"), &mut options).unwrap();
    options.rename("telnyx");
    xtask::scratch::generate(&spec, &options, &dir).expect("the Telnyx spec generates");
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::copy(
        root.join("tests/fixtures/telnyx-tasks.rs"),
        dir.join("tests/tasks.rs"),
    )
    .unwrap();
    std::fs::copy(
        root.join("tests/fixtures/telnyx-webhooks.rs"),
        dir.join("tests/webhooks.rs"),
    )
    .unwrap();
    let examples = webhook_examples(&spec);
    std::fs::write(
        dir.join("tests/webhook_examples.json"),
        serde_json::to_string_pretty(&examples).unwrap(),
    )
    .unwrap();
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    if !text.contains("[dev-dependencies]") {
        text.push_str(
            "\n[dev-dependencies]\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
        );
        std::fs::write(&manifest, text).unwrap();
    }
    let output = xtask::scratch::cargo(&dir, &xtask::scratch::fixtures_target())
        .args([
            "test",
            "--offline",
            "--quiet",
            "--no-default-features",
            "--features",
            "call-recordings,messages,call-commands,webhooks",
            "--test",
            "tasks",
            "--test",
            "webhooks",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the tasks failed in {}:\n{}\n{}",
        Path::new(&dir).display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every example body of the spec's webhooks: the body schema's own `example`, and for each
/// property whose schema has one (Telnyx puts them on `data`), the body holding it. Each
/// with the webhook's name and the event type the body names (`data.event_type`).
fn webhook_examples(spec: &Path) -> Vec<serde_json::Value> {
    use serde_json::{json, Value};
    let text = std::fs::read_to_string(spec).unwrap();
    let doc: Value = serde_yaml::from_str(&text).unwrap();
    let schemas = &doc["components"]["schemas"];
    fn follow<'v>(schemas: &'v Value, mut s: &'v Value) -> &'v Value {
        for _ in 0..8 {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => s = &schemas[r.rsplit('/').next().unwrap_or_default()],
                None => break,
            }
        }
        s
    }
    let resolve = |s: &Value| -> Value { follow(schemas, s).clone() };
    let mut out = Vec::new();
    for (name, item) in doc["webhooks"].as_object().unwrap() {
        let body = resolve(&item["post"]["requestBody"]["content"]["application/json"]["schema"]);
        let mut bodies = Vec::new();
        if let Some(example) = body.get("example") {
            bodies.push(example.clone());
        }
        for (property, schema) in body["properties"].as_object().into_iter().flatten() {
            if let Some(example) = resolve(schema).get("example") {
                bodies.push(json!({ property: example }));
            }
        }
        for body in bodies {
            let event_type = body.pointer("/data/event_type").cloned();
            out.push(json!({"webhook": name, "event_type": event_type, "body": body}));
        }
    }
    assert!(
        out.len() > 60,
        "the spec's webhook examples were not found: {}",
        out.len()
    );
    out
}
