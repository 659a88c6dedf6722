//! The examples check: every JSON example a spec gives for a component schema or a response
//! body, checked against its schema with a JSON Schema validator (feature `examples`), then
//! decoded into its generated type and serialized back inside the generated crate: a field
//! the type declares must come back (numbers compared as numbers, date-times as instants,
//! absent and null as equal); keys the type does not declare may be dropped.
//!
//! [`collect`] finds the examples and the type each belongs to; [`harness`] writes the test
//! that runs inside the crate; [`Report`] reads what it printed.

use codegen::ir::{Api, ResponseBody, TypeKind, TypeRef};
use codegen::naming;
use codegen::pointer;
use quote::quote;
use serde_json::{json, Value};

/// One example, where it is, and what it should read as.
#[derive(Debug, Clone)]
pub struct Example {
    /// Where the example is in the spec (`#/components/schemas/Pet/example`).
    pub pointer: String,
    /// The schema it is an example of.
    pub schema_pointer: String,
    pub ty: TypeRef,
    pub value: Value,
}

/// Every example of a component schema (`example`, 3.1 `examples`) and of a JSON response
/// (`example`, `examples.*.value`, the inline schema's `example`), paired with its type. The
/// places come from the IR's pointers: the types' schemas and the media type each response is
/// decoded from; the document is only read at those places.
pub fn collect(doc: &Value, api: &Api) -> Vec<Example> {
    let mut out = Vec::new();
    let at = |pointer: &str| doc.pointer(pointer.strip_prefix('#').unwrap_or(pointer));
    for (i, def) in api.types.iter().enumerate() {
        if !def.pointer.starts_with("#/components/schemas/")
            || def.pointer.matches('/').count() != 3
        {
            continue;
        }
        if let Some(schema) = at(&def.pointer) {
            let ty = TypeRef::Named(codegen::ir::TypeId(i));
            push_schema_examples(&mut out, schema, &def.pointer, &ty);
        }
    }
    for op in &api.operations {
        for response in &op.responses {
            let (ResponseBody::Json(body), Some(media_at)) = (&response.body, &response.media)
            else {
                continue;
            };
            let Some(media) = at(media_at) else { continue };
            let schema_at = format!("{media_at}/schema");
            if let Some(value) = media.get("example") {
                out.push(example(
                    format!("{media_at}/example"),
                    &schema_at,
                    body,
                    value,
                ));
            }
            let examples = media.get("examples").and_then(Value::as_object);
            for (name, entry) in examples.into_iter().flatten() {
                let (entry, _) = follow(doc, entry, String::new());
                if let Some(value) = entry.get("value") {
                    let at = format!("{media_at}/examples/{}/value", pointer::escape(name));
                    out.push(example(at, &schema_at, body, value));
                }
            }
            // A referenced schema's examples are counted with the component.
            if let Some(schema) = media.get("schema").filter(|s| s.get("$ref").is_none()) {
                push_schema_examples(&mut out, schema, &schema_at, body);
            }
        }
    }
    // A response component used by several operations is one place: its examples once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|e| seen.insert(e.pointer.clone()));
    out
}

fn push_schema_examples(out: &mut Vec<Example>, schema: &Value, at: &str, ty: &TypeRef) {
    if let Some(value) = schema.get("example") {
        out.push(example(format!("{at}/example"), at, ty, value));
    }
    if let Some(values) = schema.get("examples").and_then(Value::as_array) {
        for (i, value) in values.iter().enumerate() {
            out.push(example(format!("{at}/examples/{i}"), at, ty, value));
        }
    }
}

fn example(pointer: String, schema_pointer: &str, ty: &TypeRef, value: &Value) -> Example {
    Example {
        pointer,
        schema_pointer: schema_pointer.to_owned(),
        ty: ty.clone(),
        value: value.clone(),
    }
}

/// A `$ref` to another place of the document followed (a few hops at most), with the pointer
/// of what it reached.
pub(crate) fn follow<'d>(
    doc: &'d Value,
    mut value: &'d Value,
    mut at: String,
) -> (&'d Value, String) {
    for _ in 0..8 {
        let Some(target) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(fragment) = target.strip_prefix('#') else {
            break;
        };
        match doc.pointer(fragment) {
            Some(next) => {
                value = next;
                at = target.to_owned();
            }
            None => break,
        }
    }
    (value, at)
}

/// Whether the generated crate can decode the type (types only ever sent have no
/// `Deserialize`).
pub fn readable(api: &Api, ty: &TypeRef) -> bool {
    if *ty.innermost() == TypeRef::Binary {
        return false;
    }
    let mut named = Vec::new();
    collect_named(ty, &mut named);
    named
        .iter()
        .all(|id| api.types.get(id.0).is_some_and(|t| t.serde.deserialize))
}

fn collect_named(ty: &TypeRef, out: &mut Vec<codegen::ir::TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            collect_named(inner, out)
        }
        _ => {}
    }
}

/// The example with the keys its type does not declare removed (the decoder may drop those):
/// what must come back after a round trip. Unions pick the variant the decoder would: a
/// tagged one by its tag, an untagged one by the most keys in common.
pub fn expected(api: &Api, ty: &TypeRef, value: &Value) -> Value {
    expected_at(api, ty, value, 0)
}

fn expected_at(api: &Api, ty: &TypeRef, value: &Value, depth: usize) -> Value {
    if depth > 64 {
        return value.clone();
    }
    let next = |ty: &TypeRef, v: &Value| expected_at(api, ty, v, depth + 1);
    match (ty, value) {
        (TypeRef::Nullable(_), Value::Null) => Value::Null,
        (TypeRef::Nullable(inner), v) => next(inner, v),
        (TypeRef::Array(inner), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| next(inner, v)).collect())
        }
        (TypeRef::Map(inner), Value::Object(map)) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), next(inner, v)))
                .collect(),
        ),
        (TypeRef::Named(id), v) => match api.types.get(id.0).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => next(inner, v),
            Some(TypeKind::Struct(s)) => match v {
                Value::Object(map) => {
                    let open = s.fields.iter().any(|f| f.flatten);
                    Value::Object(
                        map.iter()
                            .filter_map(|(k, v)| {
                                match s.fields.iter().find(|f| !f.flatten && f.wire_name == *k) {
                                    Some(f) => Some((k.clone(), next(&f.ty, v))),
                                    None => open.then(|| (k.clone(), v.clone())),
                                }
                            })
                            .collect(),
                    )
                }
                other => other.clone(),
            },
            Some(TypeKind::Tagged(t)) => {
                let tag = v.get(&t.property).and_then(Value::as_str);
                match t
                    .variants
                    .iter()
                    .find(|var| tag.is_some_and(|tag| var.tags.iter().any(|x| x == tag)))
                {
                    Some(var) => next(&var.ty, v),
                    None => v.clone(),
                }
            }
            Some(TypeKind::Untagged(variants)) => {
                let score = |ty: &TypeRef| -> i64 {
                    let kinds_match = matches!(
                        (json_kind(api, ty), v),
                        ("object", Value::Object(_))
                            | ("array", Value::Array(_))
                            | ("string", Value::String(_))
                            | ("number", Value::Number(_))
                            | ("boolean", Value::Bool(_))
                            | ("any", _)
                    );
                    if !kinds_match {
                        return -1;
                    }
                    let (Value::Object(map), TypeRef::Named(id)) = (v, ty) else {
                        return 0;
                    };
                    match api.struct_behind(*id).map(|id| &api.ty(id).kind) {
                        Some(TypeKind::Struct(s)) => map
                            .keys()
                            .filter(|k| s.fields.iter().any(|f| f.wire_name == **k))
                            .count() as i64,
                        _ => 0,
                    }
                };
                let best = variants
                    .iter()
                    .map(|var| (score(&var.ty), var))
                    .filter(|(s, _)| *s >= 0)
                    .max_by_key(|(s, _)| *s);
                match best {
                    Some((_, var)) => next(&var.ty, v),
                    None => v.clone(),
                }
            }
            _ => v.clone(),
        },
        (_, v) => v.clone(),
    }
}

/// The JSON kind a type reads from (`any` when it reads several).
fn json_kind(api: &Api, ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String | TypeRef::DateTime | TypeRef::Date | TypeRef::Binary => "string",
        TypeRef::Integer(_) | TypeRef::Number(_) => "number",
        TypeRef::Boolean => "boolean",
        TypeRef::Array(_) => "array",
        TypeRef::Map(_) => "object",
        TypeRef::Json | TypeRef::Nullable(_) => "any",
        TypeRef::Named(id) => match api.types.get(id.0).map(|t| &t.kind) {
            Some(TypeKind::Struct(_)) => "object",
            Some(TypeKind::StringEnum(_)) => "string",
            Some(TypeKind::Alias(inner)) => json_kind(api, inner),
            _ => "any",
        },
    }
}

/// The test that runs inside the generated crate (`tests/examples.rs`) and the data it reads
/// (`tests/examples.json`): each readable example, what must come back, and a decode
/// function per type. It prints one `EXAMPLES {json}` line with the counts and the failures.
pub fn harness(api: &Api, lib: &str, examples: &[&Example]) -> (String, String) {
    let lib_ident = naming::ident(lib);
    let mut types: Vec<TypeRef> = Vec::new();
    let mut data = Vec::new();
    for e in examples {
        let index = match types.iter().position(|t| *t == e.ty) {
            Some(i) => i,
            None => {
                types.push(e.ty.clone());
                types.len() - 1
            }
        };
        data.push(json!({
            "pointer": e.pointer,
            "type": index,
            "value": e.value,
            "expected": expected(api, &e.ty, &e.value),
        }));
    }
    let arms = types.iter().enumerate().map(|(i, ty)| {
        let ty = codegen::emit::type_tokens(api, ty, &quote!(#lib_ident));
        quote!(#i => round_trip::<#ty>(value),)
    });
    let tokens = quote! {
        //! Generated by `cargo xtask corpus --examples`: every readable example of the spec decoded
        //! into its type and serialized back.

        use #lib_ident::chrono::{DateTime, FixedOffset};
        use serde_json::Value;

        fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
            value: &Value,
        ) -> Result<Value, String> {
            let decoded: T = serde_json::from_value(value.clone()).map_err(|e| format!("decode: {e}"))?;
            serde_json::to_value(&decoded).map_err(|e| format!("encode: {e}"))
        }

        /// `actual` keeps everything of `expected`: numbers as numbers, date-times as
        /// instants, null as absent.
        fn lossless(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
            match (expected, actual) {
                (Value::Null, Value::Null) => Ok(()),
                (Value::Bool(a), Value::Bool(b)) if a == b => Ok(()),
                (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
                (Value::String(a), Value::String(b)) if a == b => Ok(()),
                (Value::String(a), Value::String(b)) => {
                    let instant = |s: &str| DateTime::<FixedOffset>::parse_from_rfc3339(s).ok();
                    match (instant(a), instant(b)) {
                        (Some(x), Some(y)) if x == y => Ok(()),
                        _ => Err(format!("{at}: {a:?} came back as {b:?}")),
                    }
                }
                (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
                    .iter()
                    .zip(b)
                    .enumerate()
                    .try_for_each(|(i, (x, y))| lossless(x, y, &format!("{at}/{i}"))),
                (Value::Object(a), Value::Object(b)) => a.iter().try_for_each(|(k, x)| {
                    match b.get(k) {
                        Some(y) => lossless(x, y, &format!("{at}/{k}")),
                        None if x.is_null() => Ok(()),
                        None => Err(format!("{at}/{k} was lost")),
                    }
                }),
                (a, Value::Null) if a.is_null() => Ok(()),
                (a, b) => Err(format!("{at}: {a} came back as {b}")),
            }
        }

        fn check(kind: usize, value: &Value) -> Result<Value, String> {
            match kind {
                #(#arms)*
                _ => Err("no such type".to_owned()),
            }
        }

        #[test]
        fn examples_round_trip() {
            let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/examples.json")).unwrap();
            let examples: Vec<Value> = serde_json::from_str(&text).unwrap();
            let (mut decoded, mut round_tripped) = (0, 0);
            let mut failures = Vec::new();
            for e in &examples {
                let pointer = e["pointer"].as_str().unwrap_or_default();
                let kind = e["type"].as_u64().unwrap_or(u64::MAX) as usize;
                match check(kind, &e["value"]) {
                    Err(message) => failures.push(format!("{pointer}: {message}")),
                    Ok(actual) => {
                        decoded += 1;
                        match lossless(&e["expected"], &actual, "") {
                            Ok(()) => round_tripped += 1,
                            Err(message) => failures.push(format!("{pointer}: {message}")),
                        }
                    }
                }
            }
            let summary = serde_json::json!({
                "examples": examples.len(),
                "decoded": decoded,
                "round_tripped": round_tripped,
                "failures": failures,
            });
            println!("EXAMPLES {summary}");
        }
    };
    let text = match codegen::emit::format_file(tokens) {
        Ok(text) => text,
        Err(e) => format!("compile_error!({e:?});\n"),
    };
    (text, serde_json::to_string(&data).unwrap_or_default())
}

/// The examples check of one spec whose crate is generated at `dir`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    pub found: usize,
    pub invalid: usize,
    /// Valid examples of types only ever sent (no `Deserialize` to read them with).
    pub sent_only: usize,
    /// What the round-trip test in the crate printed.
    pub report: Report,
}

impl Checked {
    /// The valid examples of types the client reads: what must decode and come back.
    pub fn valid_readable(&self) -> usize {
        self.found - self.invalid - self.sent_only
    }

    pub fn ok(&self) -> bool {
        self.report.round_tripped == self.valid_readable()
    }
}

/// The spec read once: its bundled JSON (for the validator and the values at the IR's
/// pointers) and its lowered IR.
pub fn load(spec: &std::path::Path, options: &codegen::Options) -> Result<(Value, Api), String> {
    let (doc, source) = codegen::load::load_with_source(spec).map_err(|e| e.to_string())?;
    let api = codegen::lower::lower(&doc, &options.settings).map_err(|e| e.to_string())?;
    Ok((source, api))
}

/// Runs the check: finds the examples of `spec`, validates them, writes the round-trip test
/// into the crate generated at `dir` (lib name `lib`) and runs it with `cargo test`
/// (offline, `target_dir` shared).
pub fn check(
    spec: &std::path::Path,
    options: &codegen::Options,
    dir: &std::path::Path,
    target_dir: &std::path::Path,
) -> Result<Checked, String> {
    let (doc, api) = load(spec, options)?;
    let all = collect(&doc, &api);
    let mut checked = Checked {
        found: all.len(),
        ..Checked::default()
    };
    let mut readable = Vec::new();
    for (example, valid) in all.iter().zip(validate(&doc, &all)) {
        match valid {
            Err(_) => checked.invalid += 1,
            Ok(()) if !self::readable(&api, &example.ty) => checked.sent_only += 1,
            Ok(()) => readable.push(example),
        }
    }
    if readable.is_empty() {
        return Ok(checked);
    }
    let lib = naming::lib_name(&options.crate_name);
    let (test, data) = harness(&api, &lib, &readable);
    let tests = dir.join("tests");
    let write = |name: &str, text: &str| {
        std::fs::write(tests.join(name), text).map_err(|e| format!("{}: {e}", tests.display()))
    };
    std::fs::create_dir_all(&tests).map_err(|e| format!("{}: {e}", tests.display()))?;
    write("examples.rs", &test)?;
    write("examples.json", &data)?;
    let output = crate::scratch::harness_test(dir, target_dir, "examples")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    checked.report = Report::parse(&String::from_utf8_lossy(&output.stdout)).unwrap_or_else(|| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Report {
            failures: vec![format!(
                "the examples test did not run: {}",
                stderr
                    .lines()
                    .find(|l| l.contains("error"))
                    .unwrap_or_default()
            )],
            ..Report::default()
        }
    });
    Ok(checked)
}

/// What the harness printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub decoded: usize,
    pub round_tripped: usize,
    pub failures: Vec<String>,
}

impl Report {
    /// Reads the `EXAMPLES {json}` line of the harness's output.
    pub fn parse(output: &str) -> Option<Report> {
        let line = output.lines().find_map(|l| l.strip_prefix("EXAMPLES "))?;
        let v: Value = serde_json::from_str(line).ok()?;
        Some(Report {
            decoded: v["decoded"].as_u64()? as usize,
            round_tripped: v["round_tripped"].as_u64()? as usize,
            failures: v["failures"]
                .as_array()?
                .iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect(),
        })
    }
}

/// JSON Schema validation of the examples (feature `examples`): which are valid against
/// their schema. OpenAPI 3.0 documents are read as 3.1 would write them (`nullable`, boolean
/// `exclusiveMinimum`); formats are not asserted, as JSON Schema says by default.
pub fn validate(doc: &Value, examples: &[Example]) -> Vec<Result<(), String>> {
    validate_with(doc, examples, false)
}

/// [`validate`], asserting the formats JSON Schema defines (`uuid`, `email`, `date-time`...)
/// when `formats` is set, as a validating server (Prism) does.
pub fn validate_with(doc: &Value, examples: &[Example], formats: bool) -> Vec<Result<(), String>> {
    violations(doc, examples, formats, 1)
        .into_iter()
        .map(|found| match found?.into_iter().next() {
            None => Ok(()),
            Some((at, message)) => Err(format!("{message} at {at}")),
        })
        .collect()
}

/// Up to `most` violations of each example: `(instance path, message)`, in the validator's
/// order; empty when it is valid; an error when its schema cannot be compiled.
pub fn violations(
    doc: &Value,
    examples: &[Example],
    formats: bool,
    most: usize,
) -> Vec<Result<Vec<(String, String)>, String>> {
    let mut doc = doc.clone();
    let v30 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.0"));
    upgrade(&mut doc, codegen::positions::Position::Structure, v30);
    encode_refs(&mut doc);
    let missing: std::collections::HashSet<String> = examples
        .iter()
        .filter(|e| {
            let fragment = e.schema_pointer.trim_start_matches('#');
            doc.pointer(fragment).is_none()
        })
        .map(|e| e.schema_pointer.clone())
        .collect();
    let resource = jsonschema::Draft::Draft202012.create_resource(doc);
    let registry = match jsonschema::Registry::new()
        .add("urn:spec", resource)
        .and_then(|b| b.prepare())
    {
        Ok(r) => r,
        Err(e) => {
            return examples
                .iter()
                .map(|_| Err(format!("schema registry: {e}")))
                .collect()
        }
    };
    let mut validators: std::collections::HashMap<String, Result<jsonschema::Validator, String>> =
        std::collections::HashMap::new();
    examples
        .iter()
        .map(|e| {
            // No schema: any JSON is an example of it.
            if missing.contains(&e.schema_pointer) {
                return Ok(Vec::new());
            }
            let validator =
                validators
                    .entry(e.schema_pointer.clone())
                    .or_insert_with(|| {
                        jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(formats)
                    .with_registry(&registry)
                    .build(&json!({ "$ref": format!("urn:spec{}", fragment(&e.schema_pointer)) }))
                    .map_err(|err| format!("schema: {err}"))
                    });
            match validator {
                Ok(v) => Ok(v
                    .iter_errors(&e.value)
                    .take(most)
                    .map(|err| (err.instance_path().to_string(), err.to_string()))
                    .collect()),
                Err(message) => Err(message.clone()),
            }
        })
        .collect()
}

/// Every local `$ref` as a valid URI reference: a name with a space (`Tag allOf`, which the
/// loader gives a part it names) or a brace is percent-encoded, as the validator requires.
fn encode_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(target) if key == "$ref" && target.starts_with('#') => {
                        *target = fragment(target);
                    }
                    child => encode_refs(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(encode_refs),
        _ => {}
    }
}

/// A JSON pointer as a URI fragment: characters a fragment may not hold percent-encoded
/// (paths such as `/pets/{id}` have braces).
fn fragment(pointer: &str) -> String {
    let mut out = String::new();
    // The leading `#` only: one inside a key (Box's `/shared_items#app_items`) is encoded.
    let pointer = match pointer.strip_prefix('#') {
        Some(rest) => {
            out.push('#');
            rest
        }
        None => pointer,
    };
    for byte in pointer.bytes() {
        match byte {
            // `%`: a reference already encoded stays as it is.
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b'%' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// At schema positions only: the ranges OpenAPI's integer formats define made explicit
/// (`int64` holds no 2^63: an example outside it is no example of the type), `properties`
/// read as an object, and, in a 3.0 document, 3.0 keywords in their JSON Schema 2020-12 form.
fn upgrade(value: &mut Value, position: codegen::positions::Position, v30: bool) {
    use codegen::positions::{child, Position};
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for item in items {
                upgrade(item, position, v30);
            }
        }
        return;
    };
    if position == Position::Schema {
        let range = match map.get("format").and_then(Value::as_str) {
            Some("int32") => Some((json!(i32::MIN), json!(i32::MAX))),
            Some("int64") => Some((json!(i64::MIN), json!(i64::MAX))),
            _ => None,
        };
        if let Some((min, max)) = range {
            map.entry("minimum").or_insert(min);
            map.entry("maximum").or_insert(max);
        }
        // The date formats as the generated types read them (RFC 3339); other formats are
        // strings to the client and stay unasserted, as JSON Schema has them by default.
        let pattern = match map.get("format").and_then(Value::as_str) {
            Some("date-time") => {
                Some(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
            }
            Some("date") => Some(r"^\d{4}-\d{2}-\d{2}$"),
            _ => None,
        };
        if let Some(pattern) = pattern {
            let rule = json!({ "pattern": pattern });
            match map.get_mut("allOf") {
                Some(Value::Array(all)) => all.push(rule),
                _ => {
                    map.insert("allOf".to_owned(), json!([rule]));
                }
            }
        }
        // `properties` without a type describe an object, as generators (and this one) read
        // them; JSON Schema would let any non-object through (Telnyx's `attempt` example is
        // an array of attempts).
        let composed = ["allOf", "oneOf", "anyOf", "$ref"]
            .iter()
            .any(|k| map.contains_key(*k));
        if map.contains_key("properties") && !map.contains_key("type") && !composed {
            map.insert("type".to_owned(), json!("object"));
        }
    }
    if position == Position::Schema && v30 {
        for (bound, exclusive) in [
            ("minimum", "exclusiveMinimum"),
            ("maximum", "exclusiveMaximum"),
        ] {
            if let Some(Value::Bool(flag)) = map.get(exclusive).cloned() {
                map.remove(exclusive);
                if flag {
                    if let Some(limit) = map.remove(bound) {
                        map.insert(exclusive.to_owned(), limit);
                    }
                }
            }
        }
        if map.remove("nullable") == Some(Value::Bool(true)) {
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                values.push(Value::Null);
            }
            match map.get("type").cloned() {
                Some(Value::String(t)) => {
                    map.insert("type".to_owned(), json!([t, "null"]));
                }
                _ => {
                    let inner = Value::Object(std::mem::take(map));
                    map.insert("anyOf".to_owned(), json!([inner, {"type": "null"}]));
                }
            }
        }
    }
    for (key, v) in map.iter_mut() {
        if let Some(next) = child(position, key) {
            upgrade(v, next, v30);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference to a name with a space (as the loader names parts) still validates.
    #[test]
    fn references_with_spaces_are_followed() {
        let doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "Tag allOf": {"type": "object", "required": ["type"]},
            "Ref": {"$ref": "#/components/schemas/Tag allOf"}}}});
        let example = |value: Value| Example {
            pointer: "#/x".into(),
            schema_pointer: "#/components/schemas/Ref".into(),
            ty: TypeRef::Json,
            value,
        };
        let results = validate(&doc, &[example(json!({"type": "a"})), example(json!({}))]);
        assert!(results[0].is_ok(), "{results:?}");
        assert!(
            results[1].as_ref().is_err_and(|e| e.contains("required")),
            "{results:?}"
        );
    }

    fn api_and_doc(text: &str) -> (Api, Value) {
        let path = std::path::Path::new("spec.yml");
        let doc = codegen::load::parse(path, text.as_bytes()).unwrap();
        let api = codegen::lower::lower(&doc, &codegen::options::Settings::default()).unwrap();
        let value: Value = serde_yaml::from_str(text).unwrap();
        (api, value)
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
              examples:
                two: {value: [{id: 1, name: a}, {id: 2, name: b, extra: x}]}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        name: {type: string, nullable: true}
      example: {id: 7, name: null, undeclared: 1}
"##;

    #[test]
    fn examples_are_found_with_their_types_and_undeclared_keys_pruned() {
        let (api, doc) = api_and_doc(SPEC);
        let found = collect(&doc, &api);
        let pointers: Vec<&str> = found.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/components/schemas/Pet/example",
                "#/paths/~1pets/get/responses/200/content/application~1json/examples/two/value"
            ]
        );
        assert_eq!(
            expected(&api, &found[0].ty, &found[0].value),
            json!({"id": 7, "name": null})
        );
        assert_eq!(
            expected(&api, &found[1].ty, &found[1].value),
            json!([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
        );
        assert!(found.iter().all(|e| readable(&api, &e.ty)));
    }

    #[test]
    fn validation_reads_3_0_nullable() {
        let (api, doc) = api_and_doc(SPEC);
        let mut found = collect(&doc, &api);
        let mut wrong = found[0].clone();
        wrong.value = json!({"id": "seven"});
        found.push(wrong);
        let results = validate(&doc, &found);
        assert!(results[0].is_ok(), "{results:?}");
        assert!(results[1].is_ok(), "{results:?}");
        assert!(results[2].is_err());
    }

    #[test]
    fn the_harness_parses_and_its_report_reads_back() {
        let (api, doc) = api_and_doc(SPEC);
        let found = collect(&doc, &api);
        let refs: Vec<&Example> = found.iter().collect();
        let (test, data) = harness(&api, "pets", &refs);
        assert!(test.contains("pets::types::Pet"), "{test}");
        assert!(!test.contains("compile_error"), "{test}");
        let data: Value = serde_json::from_str(&data).unwrap();
        assert_eq!(data.as_array().unwrap().len(), 2);
        let report = Report::parse(
            "noise\nEXAMPLES {\"examples\":2,\"decoded\":2,\"round_tripped\":1,\"failures\":[\"x\"]}\n",
        )
        .unwrap();
        assert_eq!((report.decoded, report.round_tripped), (2, 1));
    }
}
