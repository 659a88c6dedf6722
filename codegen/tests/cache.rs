//! The formatting cache skips building a file whose IR inputs hashed the same at the last run
//! (`emit::Holds`: the file's own items in full, the types they mention, directly or through
//! other types, and the API-wide facts, without docs). Whatever one edit
//! changes in a spec, the crate generated through the cache must be the crate generated without
//! it: these tests make many one-place edits to the fixtures (docs, examples, titles, and edits
//! that change types) and compare.

use codegen::cache::Cache;
use codegen::Options;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    match name.strip_prefix("cache/") {
        Some(name) => fixtures.join("cache").join(name),
        None => fixtures.join("crates").join(name),
    }
}

/// A folder with a Cargo target folder (where the cache is kept) and the spec `api.json`.
struct Workspace {
    root: tempfile::TempDir,
    options: Options,
}

impl Workspace {
    /// `config`: a fixture's `codegen.toml`, applied to every run.
    fn new(config: Option<&Path>) -> Self {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("target")).unwrap();
        std::fs::write(root.path().join("target/CACHEDIR.TAG"), "").unwrap();
        let mut options = Options::for_crate("fixture", "api.json");
        if let Some(config) = config {
            codegen::config::apply_file(config, &mut options).unwrap();
        }
        Workspace { root, options }
    }

    fn spec(&self) -> PathBuf {
        self.root.path().join("api.json")
    }

    /// Generates `doc` into `out`, through the cache unless `cached` is false; returns how many
    /// Rust files were reused without being built, and the files.
    fn generate(&self, doc: &Value, out: &str, cached: bool) -> (usize, BTreeMap<String, String>) {
        std::fs::write(self.spec(), serde_json::to_vec_pretty(doc).unwrap()).unwrap();
        let out = self.root.path().join(out);
        let cache = if cached {
            Cache::open(&out)
        } else {
            Cache::none()
        };
        let krate = codegen::generate_cached(&self.spec(), &self.options, &cache).unwrap();
        codegen::write::write(&krate, &out, false).unwrap();
        cache.save(&krate).unwrap();
        (krate.unbuilt, krate.files)
    }
}

/// JSON pointers of every string member named `key` (a schema's `description`, not a
/// property called `description`, which is an object).
fn strings_named(value: &Value, key: &str, at: &str, found: &mut Vec<String>) {
    let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{at}/{}", escape(k));
                if k == key && v.is_string() {
                    found.push(here.clone());
                }
                strings_named(v, key, &here, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                strings_named(v, key, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// An edit: what it does, and the change to the document.
type Edit = (String, Box<dyn Fn(&mut Value)>);

/// Replaces the value at `pointer`, or adds it to the object it would be in.
fn set(pointer: String, new: Value) -> Edit {
    let label = format!("{pointer} = {new}");
    (
        label,
        Box::new(move |doc: &mut Value| match doc.pointer_mut(&pointer) {
            Some(value) => *value = new.clone(),
            None => {
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                let key = key.replace("~1", "/").replace("~0", "~");
                let parent = doc.pointer_mut(parent).unwrap().as_object_mut().unwrap();
                parent.insert(key, new.clone());
            }
        }),
    )
}

/// The config beside a fixture that is a folder (`split/openapi.yaml`).
fn config_of(name: &str) -> Option<PathBuf> {
    let config = fixture(name).with_file_name("codegen.toml");
    (name.contains('/') && !name.starts_with("cache/") && config.is_file()).then_some(config)
}

/// Each edit is made to the original spec; the cache is primed with the original crate first,
/// so every edit is a one-place change against the last run.
fn check_edits(name: &str, edits: &[Edit]) -> usize {
    let original = load(name);
    let ws = Workspace::new(config_of(name).as_deref());
    let (_, first) = ws.generate(&original, "out", true);
    let (unbuilt, again) = ws.generate(&original, "out", true);
    assert_eq!(first, again);
    let rust_files = first.keys().filter(|p| p.ends_with(".rs")).count();
    assert!(unbuilt > 0, "{name}: nothing reused without building");
    let mut skipped = 0;
    for (pointer, edit) in edits {
        let mut doc = original.clone();
        edit(&mut doc);
        let (unbuilt, through_cache) = ws.generate(&doc, "out", true);
        let (_, fresh) = ws.generate(&doc, "fresh", false);
        for (path, text) in &fresh {
            assert_eq!(
                through_cache.get(path),
                Some(text),
                "{name}: {path} differs through the cache after editing {pointer}"
            );
        }
        assert_eq!(through_cache.len(), fresh.len(), "{name}: {pointer}");
        skipped += unbuilt;
        // Back to the original, so the next edit is again a one-place change.
        ws.generate(&original, "out", true);
        assert!(unbuilt <= rust_files);
    }
    skipped
}

/// Up to `limit` edits of string members named `key`, spread over the document.
fn text_edits(doc: &Value, key: &str, limit: usize) -> Vec<Edit> {
    let mut found = Vec::new();
    strings_named(doc, key, "", &mut found);
    let step = found.len().div_ceil(limit).max(1);
    found
        .into_iter()
        .step_by(step)
        .map(|pointer| {
            let old = doc.pointer(&pointer).and_then(Value::as_str).unwrap_or("");
            let new = Value::String(format!("{old} (edited: `x` <b>y</b>)"));
            set(pointer, new)
        })
        .collect()
}

#[test]
fn docs_examples_and_titles_edited_one_at_a_time_give_the_uncached_crate() {
    let mut skipped = 0;
    for name in ["type-shapes.yml", "hard-cases.yml", "streaming.yml"] {
        let doc = load(name);
        let mut edits = text_edits(&doc, "description", 8);
        edits.extend(text_edits(&doc, "example", 3));
        edits.extend(text_edits(&doc, "title", 3));
        edits.extend(text_edits(&doc, "summary", 2));
        assert!(edits.len() >= 5, "{name}: too few edits to mean anything");
        skipped += check_edits(name, &edits);
    }
    // A doc edit rebuilds the file that shows it, not the others.
    assert!(skipped > 0);
}

/// Edits that change types, for the first `limit` component schemas of `doc`. Each changes what
/// other files read of a type: a property's type, a property added (a plain one, and one that
/// mentions another schema, so that the types a file reaches change), a required list, a
/// schema's name as it is referred to, its kind, an enum's values.
fn type_edits(doc: &Value, limit: usize) -> Vec<Edit> {
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let names: Vec<&String> = schemas.keys().collect();
    let mut edits: Vec<Edit> = Vec::new();
    for (i, (name, schema)) in schemas.iter().take(limit).enumerate() {
        let at = format!(
            "/components/schemas/{}",
            name.replace('~', "~0").replace('/', "~1")
        );
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            if let Some(first) = props.keys().next() {
                let p = first.replace('~', "~0").replace('/', "~1");
                edits.push(set(
                    format!("{at}/properties/{p}"),
                    serde_json::json!({"type": "integer", "format": "int32"}),
                ));
            }
            edits.push(set(
                format!("{at}/properties/added_flag"),
                serde_json::json!({"type": "boolean"}),
            ));
            let other = names[(i + 1) % names.len()];
            edits.push(set(
                format!("{at}/properties/added_ref"),
                serde_json::json!({"$ref": format!("#/components/schemas/{other}")}),
            ));
        }
        if schema.get("required").is_some() {
            edits.push(set(format!("{at}/required"), serde_json::json!([])));
        }
        if schema.get("enum").is_some() {
            edits.push(set(format!("{at}/enum"), serde_json::json!(["one", "two"])));
        }
        // Another kind of type under the same name: those referring to it read it otherwise.
        edits.push(set(at.clone(), serde_json::json!({"type": "string"})));
        // Renamed, with every reference: the files that name it change, not only its own.
        let old = name.clone();
        edits.push((
            format!("rename {name}"),
            Box::new(move |doc: &mut Value| {
                let text = serde_json::to_string(doc).unwrap().replace(
                    &format!("\"#/components/schemas/{old}\""),
                    &format!("\"#/components/schemas/{old}Renamed\""),
                );
                *doc = serde_json::from_str(&text).unwrap();
                // In place: the order of the schemas (and so of the types) stays the same.
                let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
                *schemas = std::mem::take(schemas)
                    .into_iter()
                    .map(|(k, v)| {
                        if k == old {
                            (format!("{k}Renamed"), v)
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
            }),
        ));
    }
    edits
}

#[test]
fn edits_that_change_types_give_the_uncached_crate() {
    let doc = load("type-shapes.yml");
    let edits = type_edits(&doc, 12);
    assert!(edits.len() >= 5, "too few edits: {}", edits.len());
    check_edits("type-shapes.yml", &edits);
}

#[test]
fn edits_that_change_types_give_the_uncached_crate_in_other_fixtures() {
    // A split crate (types in crates of their own, operations' inline types moved there),
    // pages, streams and the hard cases (cycles, unions, name collisions).
    for name in [
        "split/openapi.yaml",
        "pagination/openapi.yaml",
        "streaming.yml",
        "hard-cases.yml",
    ] {
        let doc = load(name);
        let edits = type_edits(&doc, 5);
        assert!(edits.len() >= 5, "{name}: too few edits: {}", edits.len());
        check_edits(name, &edits);
    }
}

#[test]
fn a_type_read_through_an_alias_is_followed() {
    // `Choice` mentions `Name`, an alias whose own IR does not change when its target does.
    let edits = vec![
        set(
            "/components/schemas/Target".into(),
            serde_json::json!({"type": "integer"}),
        ),
        set(
            "/components/schemas/Target".into(),
            serde_json::json!({"type": "boolean"}),
        ),
    ];
    check_edits("cache/alias-chain.yml", &edits);
}

#[test]
fn api_wide_edits_give_the_uncached_crate() {
    // Facts every file may read (servers, security, tags) and those only `lib.rs` and the
    // manifests show (title, version), which the other files' keys leave out.
    for name in ["type-shapes.yml", "hard-cases.yml", "split/openapi.yaml"] {
        let doc = load(name);
        let mut edits = vec![
            set("/info/version".into(), serde_json::json!("9.9.9-edited")),
            set("/info/title".into(), serde_json::json!("Edited API")),
            set(
                "/servers".into(),
                serde_json::json!([{"url": "http://localhost:1234/v9"}]),
            ),
            set(
                "/security".into(),
                serde_json::json!([{"edited_scheme": []}]),
            ),
            (
                "a security scheme added".into(),
                Box::new(|doc: &mut Value| {
                    let components = doc["components"].as_object_mut().unwrap();
                    let schemes = components
                        .entry("securitySchemes")
                        .or_insert_with(|| serde_json::json!({}));
                    schemes["edited_scheme"] =
                        serde_json::json!({"type": "apiKey", "in": "header", "name": "X-Edited"});
                    doc["security"] = serde_json::json!([{"edited_scheme": []}]);
                }),
            ),
        ];
        if doc.get("tags").is_some() {
            edits.push(set("/tags".into(), serde_json::json!([])));
        }
        check_edits(name, &edits);
    }
}
