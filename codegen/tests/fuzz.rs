//! Fuzzing load → bundle → normalise → lower → emit, without nightly tooling: a structure-
//! aware generator of hostile OpenAPI documents (names, enum values, references, styles,
//! unions, 3.1 shapes, Markdown) and byte-level mutations of the fixtures. A panic, or an
//! "internal error" (the emitted Rust did not parse), fails the test and saves the input to
//! `target/fuzz-crashes/` so that it can become a fixture.
//!
//! Bounded in the test suite; a longer run:
//! `FUZZ_ITERATIONS=20000 cargo test --release -p codegen --test fuzz -- --nocapture`
//! (`FUZZ_SEED=n` picks another sequence).

use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// xorshift64*: small, deterministic, good enough to explore.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &[
    "",
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "1abc",
    "***",
    "a b",
    "é",
    "new",
    "builder",
    "foo_bar",
    "fooBar",
    "FooBar",
    "default",
    "r#x",
    "$ref",
    "page[number]",
    "page",
    "data",
    "meta",
    "errors",
    "Other",
    "Unknown",
    "id",
    "_",
    "__",
    "-",
    "+",
    "null",
    "true",
    "ünïcödé",
    "x-ext",
    "a/b",
    "a~b",
    "%20",
    "query",
    "path",
    "request",
];

const TEXTS: &[&str] = &[
    "*/ /* */",
    "```rust\npanic!(\"run me\");\n```",
    "<script>alert(1)</script>",
    "[link](x)",
    "#[derive(Oops)]",
    "    indented code",
    "`unclosed",
    "\u{0}\u{7}",
    "https://example.com/x.",
    "line\r\nbreak",
    "\\",
    "~~~\nfence",
    "|a|b|",
    "<b>unclosed",
    "\"quotes\" 'single'",
];

const COMPONENTS: &[&str] = &["A", "B", "Node", "Option", "type", "A b", "Missing"];

fn name(rng: &mut Rng) -> String {
    if rng.chance(3) {
        return "x".repeat(300);
    }
    rng.pick(NAMES).to_string()
}

fn schema(rng: &mut Rng, depth: usize) -> Value {
    let leaf = depth > 4 || rng.chance(30);
    let mut s = match if leaf { rng.below(6) } else { rng.below(14) } {
        0 => {
            if rng.chance(20) {
                json!({"type": "string", "contentEncoding": rng.pick(&["binary", "base64"]), "contentMediaType": "image/png"})
            } else {
                json!({"type": "string", "format": rng.pick(&["", "date-time", "uuid", "binary", "byte"])})
            }
        }
        1 => json!({"type": "integer", "format": rng.pick(&["int32", "int64", "uint64", "weird"])}),
        2 => json!({"type": "number"}),
        3 => json!({"type": "boolean"}),
        4 => json!({"$ref": format!("#/components/schemas/{}", rng.pick(COMPONENTS))}),
        5 => {
            let values: Vec<Value> = (0..rng.below(6))
                .map(|_| {
                    if rng.chance(10) {
                        Value::Null
                    } else {
                        Value::String(name(rng))
                    }
                })
                .collect();
            json!({"type": "string", "enum": values})
        }
        6 | 7 => {
            let mut props = Map::new();
            for _ in 0..rng.below(6) {
                props.insert(name(rng), schema(rng, depth + 1));
            }
            let required: Vec<Value> = (0..rng.below(3))
                .map(|_| Value::String(name(rng)))
                .collect();
            let mut object = json!({"type": "object", "properties": props, "required": required});
            if rng.chance(20) {
                object["additionalProperties"] = if rng.chance(50) {
                    json!(true)
                } else {
                    schema(rng, depth + 1)
                };
            }
            object
        }
        8 => json!({"type": "array", "items": schema(rng, depth + 1)}),
        9 => {
            json!({"type": "object", "additionalProperties": if rng.chance(50) { json!(true) } else { schema(rng, depth + 1) }})
        }
        10 => {
            json!({"allOf": (0..1 + rng.below(3)).map(|_| schema(rng, depth + 1)).collect::<Vec<_>>()})
        }
        11 | 12 => {
            let key = if rng.chance(50) { "oneOf" } else { "anyOf" };
            let mut s = json!({key: (0..1 + rng.below(3)).map(|_| schema(rng, depth + 1)).collect::<Vec<_>>()});
            if rng.chance(50) {
                s["discriminator"] = json!({"propertyName": name(rng), "mapping": {name(rng): format!("#/components/schemas/{}", rng.pick(COMPONENTS))}});
            }
            s
        }
        _ => {
            json!({"type": [rng.pick(&["string", "integer", "object"]).to_string(), "null"], "const": name(rng), "examples": [1, "two"]})
        }
    };
    if rng.chance(30) {
        s["description"] = json!(rng.pick(TEXTS));
    }
    if rng.chance(10) {
        s["nullable"] = json!(true);
    }
    if rng.chance(10) {
        s["example"] = json!({"$ref": "#/not/a/ref", "x": [1, 2]});
    }
    s
}

fn parameter(rng: &mut Rng) -> Value {
    if rng.chance(15) {
        return json!({"$ref": format!("#/components/parameters/{}", rng.pick(&["P", "Missing"]))});
    }
    let location = *rng.pick(&["path", "query", "query", "header", "cookie"]);
    let mut p = json!({"name": name(rng), "in": location, "required": rng.chance(50), "schema": schema(rng, 2)});
    if location == "query" {
        p["style"] = json!(rng.pick(&["form", "deepObject", "pipeDelimited", "spaceDelimited"]));
        p["explode"] = json!(rng.chance(50));
    }
    p
}

fn document(rng: &mut Rng) -> Value {
    let mut paths = Map::new();
    for _ in 0..rng.below(4) {
        let template = rng.pick(&[
            "/a/{id}",
            "/{self}/{type}",
            "/x",
            "/b/{undeclared}",
            "/",
            "/c/{id}/d/{id}",
        ]);
        let mut item = Map::new();
        for _ in 0..1 + rng.below(3) {
            let method = *rng.pick(&["get", "post", "put", "delete", "patch"]);
            let mut responses = Map::new();
            for _ in 0..rng.below(4) {
                let status = rng
                    .pick(&["200", "201", "204", "4XX", "default", "404", "500"])
                    .to_string();
                let body = match rng.below(4) {
                    0 => json!({"description": rng.pick(TEXTS)}),
                    1 => {
                        json!({"description": "text", "content": {"text/plain": {"schema": {"type": "string"}}}})
                    }
                    2 => {
                        json!({"$ref": format!("#/components/responses/{}", rng.pick(&["R", "Missing"]))})
                    }
                    _ => {
                        json!({"description": "json", "content": {"application/json": {"schema": schema(rng, 1)}}})
                    }
                };
                responses.insert(status, body);
            }
            let mut op = json!({
                "operationId": name(rng),
                "parameters": (0..rng.below(4)).map(|_| parameter(rng)).collect::<Vec<_>>(),
                "responses": responses,
            });
            if rng.chance(30) {
                op["requestBody"] = json!({"content": {rng.pick(&["application/json", "multipart/form-data", "application/octet-stream", "text/plain", "application/x-www-form-urlencoded"]).to_string(): {"schema": schema(rng, 1)}}});
            }
            if rng.chance(20) {
                op.as_object_mut().unwrap().remove("operationId");
            }
            item.insert(method.to_owned(), op);
        }
        paths.insert(template.to_string(), Value::Object(item));
    }
    let mut schemas = Map::new();
    for _ in 0..rng.below(6) {
        schemas.insert(rng.pick(COMPONENTS).to_string(), schema(rng, 0));
    }
    json!({
        "openapi": if rng.chance(50) { "3.1.0" } else { "3.0.3" },
        "info": {"title": rng.pick(TEXTS), "version": "1", "description": rng.pick(TEXTS)},
        "servers": [{"url": rng.pick(&["https://api.example.com/v1", "/relative", "http://{host}/x"])}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {"P": parameter(rng)},
            "responses": {"R": {"description": "r", "content": {"application/json": {"schema": schema(rng, 1)}}}},
            "securitySchemes": {"k": {"type": "apiKey", "in": "header", "name": name(rng)}}
        },
        "security": [{"k": []}]
    })
}

fn crash_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-crashes")
}

/// Runs one input; returns a description of the failure if it panicked or hit a bug.
/// The input is saved first, so a crash that aborts the process (a stack overflow) leaves
/// it behind as `last-input`.
fn run(file_name: &str, bytes: &[u8]) -> Option<String> {
    let _ = std::fs::create_dir_all(crash_dir());
    let _ = std::fs::write(
        crash_dir().join(format!("last-input-{}", thread_name())),
        bytes,
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(file_name);
    let options = codegen::Options::for_crate("fuzzed", file_name);
    let outcome = std::panic::catch_unwind(|| {
        let doc = codegen::load::parse(&path, bytes)?;
        codegen::generate_document(&doc, &options)
    });
    match outcome {
        Err(_) => Some("panicked".to_owned()),
        Ok(Err(e)) if e.to_string().contains("internal error") => Some(e.to_string()),
        Ok(_) => None,
    }
}

fn thread_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("main")
        .replace("::", "-")
}

fn settings() -> (u64, u64) {
    let iterations = std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED);
    (iterations, seed)
}

fn report(failures: &[(String, Vec<u8>, String)]) {
    if failures.is_empty() {
        return;
    }
    std::fs::create_dir_all(crash_dir()).unwrap();
    for (name, bytes, _) in failures {
        std::fs::write(crash_dir().join(name), bytes).unwrap();
    }
    let list: Vec<String> = failures
        .iter()
        .map(|(n, _, why)| format!("{n}: {why}"))
        .collect();
    panic!(
        "{} inputs failed (saved in {}):\n{}",
        failures.len(),
        crash_dir().display(),
        list.join("\n")
    );
}

#[test]
fn generated_hostile_specs_never_panic() {
    let (iterations, seed) = settings();
    let mut rng = Rng(seed | 1);
    let mut failures = Vec::new();
    let mut generated = 0;
    for i in 0..iterations {
        let doc = document(&mut rng);
        let (name, bytes) = if rng.chance(50) {
            (
                format!("gen-{seed}-{i}.json"),
                serde_json::to_vec(&doc).unwrap(),
            )
        } else {
            (
                format!("gen-{seed}-{i}.yml"),
                serde_yaml::to_string(&doc).unwrap().into_bytes(),
            )
        };
        match run(&name, &bytes) {
            Some(why) => failures.push((name, bytes, why)),
            None => generated += 1,
        }
    }
    eprintln!("fuzz: {iterations} generated specs, {generated} without failure");
    report(&failures);
}

#[test]
fn mutated_fixtures_never_panic() {
    let (iterations, seed) = settings();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    for path in [
        root.join("../spec/call-recordings.yml"),
        root.join("../tests/fixtures/crates/hard-cases.yml"),
    ] {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        inputs.push((name, std::fs::read(&path).unwrap()));
    }
    let mut rng = Rng(seed.rotate_left(17) | 1);
    let mut failures = Vec::new();
    for i in 0..iterations {
        let (name, original) = &inputs[rng.below(inputs.len())];
        let mut bytes = original.clone();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(bytes.len());
            match rng.below(5) {
                0 => bytes[at] ^= 1 << rng.below(8),
                1 => bytes.truncate(at),
                2 => bytes.insert(at, *rng.pick(b"{}[]:-'\"&*!|>\n #")),
                3 => {
                    let len = rng.below(200).min(bytes.len() - at);
                    let chunk: Vec<u8> = bytes[at..at + len].to_vec();
                    let to = rng.below(bytes.len());
                    bytes.splice(to..to, chunk);
                }
                _ => {
                    bytes.remove(at.min(bytes.len().saturating_sub(1)));
                }
            }
            if bytes.is_empty() {
                break;
            }
        }
        let file = format!("mut-{seed}-{i}-{name}");
        if let Some(why) = run(&file, &bytes) {
            failures.push((file, bytes, why));
        }
    }
    eprintln!("fuzz: {iterations} mutated fixtures");
    report(&failures);
}
