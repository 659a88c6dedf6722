//! Rewrites OpenAPI 3.1 (JSON Schema 2020-12) shapes into the 3.0 shapes that `openapiv3`
//! reads, on the generic JSON value, before typed parsing. Only schema positions are
//! touched: `example`, `default`, `enum` values and extensions are data and stay as written.

use crate::positions::{self, Position};
use serde_json::{Map, Value};

/// Extension set on a schema that only allows `null` (3.1 `type: "null"`).
pub const NULL_MARKER: &str = "x-codegen-null";

/// Where the 3.1 `webhooks` map is kept: `openapiv3` reads 3.0, which has no such key, and
/// keeps only `x-` keys of the root; lowering reads the webhooks from here.
pub const WEBHOOKS_KEY: &str = "x-codegen-webhooks";

/// Normalises every schema reachable from the document root, and fills in what 3.1 made
/// optional but `openapiv3` requires (`paths`, an operation's `responses`).
pub fn normalize(doc: &mut Value) {
    if let Value::Object(root) = doc {
        root.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(Value::Object(paths)) = root.get_mut("paths") {
            for item in paths.values_mut().filter_map(Value::as_object_mut) {
                for method in [
                    "get", "put", "post", "delete", "options", "head", "patch", "trace",
                ] {
                    if let Some(Value::Object(op)) = item.get_mut(method) {
                        op.entry("responses")
                            .or_insert_with(|| Value::Object(Map::new()));
                    }
                }
            }
        }
    }
    walk(doc, Position::Structure);
    // After the walk: extensions are data, which the walk leaves alone.
    if let Value::Object(root) = doc {
        if let Some(webhooks) = root.remove("webhooks") {
            root.insert(WEBHOOKS_KEY.to_owned(), webhooks);
        }
    }
}

/// [`normalize`] of a document's `components`, taken out of it: with [`normalize`] of the
/// rest, the same rewrites as of the whole (no rewrite of one part reads the other), so the
/// two can run on two threads.
pub fn normalize_components(components: &mut Value) {
    if let Some(position) = positions::child(Position::Structure, "components") {
        walk(components, position);
    }
}

/// A 3.1 boolean schema as a 3.0 one: `true` (anything) is `{}`, `false` (nothing) is
/// `{not: {}}`. `additionalProperties` keeps its boolean, which 3.0 has too.
fn boolean_schema(value: &mut Value) {
    if let Value::Bool(allowed) = *value {
        *value = if allowed {
            Value::Object(Map::new())
        } else {
            let mut not = Map::new();
            not.insert("not".into(), Value::Object(Map::new()));
            Value::Object(not)
        };
    }
}

/// Rewrites every schema below `value`, which is at `position`.
fn walk(value: &mut Value, position: Position) {
    match value {
        Value::Object(map) => {
            if position == Position::Schema {
                rewrite_schema(map);
            }
            // A property that is `false` may never appear: a client has nothing to model.
            if position == Position::SchemaMap {
                map.retain(|_, v| *v != Value::Bool(false));
            }
            for (key, child) in map.iter_mut() {
                let schema_child = positions::child(position, key) == Some(Position::Schema);
                if schema_child && key != "additionalProperties" && key != "unevaluatedProperties" {
                    match &mut *child {
                        Value::Array(items) => items.iter_mut().for_each(boolean_schema),
                        other => boolean_schema(other),
                    }
                }
                if let Some(child_position) = positions::child(position, key) {
                    walk(child, child_position);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk(item, position)),
        _ => {}
    }
}

/// The rewrites of one schema object.
fn rewrite_schema(map: &mut Map<String, Value>) {
    rewrite_composition(map);
    rewrite_types(map);
    rewrite_values(map);
}

/// `$ref` and `allOf` beside keywords of the schema's own, which `openapiv3` would drop.
fn rewrite_composition(map: &mut Map<String, Value>) {
    // `$ref` beside other keywords (allowed in 3.1, common in 3.0 specs): `openapiv3` would
    // drop the siblings, `nullable` and `description` among them. `allOf: [{$ref}]` keeps
    // them; the lowering reads that wrapper as the referenced type.
    if map.contains_key("$ref")
        && map
            .keys()
            .any(|k| k != "$ref" && k != "$comment" && !k.starts_with("x-"))
    {
        if let Some(reference) = map.remove("$ref") {
            let mut only_ref = Map::new();
            only_ref.insert("$ref".into(), reference);
            match map.get_mut("allOf") {
                Some(Value::Array(parts)) => parts.insert(0, Value::Object(only_ref)),
                _ => {
                    map.insert("allOf".into(), Value::Array(vec![Value::Object(only_ref)]));
                }
            }
        }
    }
    // `allOf` beside the schema's own object keywords (`type: object`, `properties`,
    // `required`...): `openapiv3` reads such a schema as a plain object and drops the `allOf`
    // (Azure-style resources, DigitalOcean's `logsink_verbose`). The own keywords become one
    // more member, so that every member's properties are merged.
    if matches!(map.get("allOf"), Some(Value::Array(_))) {
        let mut own = Map::new();
        for key in ["properties", "required", "additionalProperties"] {
            if let Some(value) = map.remove(key) {
                own.insert(key.into(), value);
            }
        }
        let typed_object = map.get("type").and_then(Value::as_str) == Some("object");
        if typed_object {
            map.remove("type");
        }
        if !own.is_empty() {
            own.insert("type".into(), Value::String("object".into()));
            if let Some(Value::Array(parts)) = map.get_mut("allOf") {
                parts.push(Value::Object(own));
            }
        }
    }
}

/// 3.1's type spellings: type lists, `contentEncoding`, `type: "null"`.
fn rewrite_types(map: &mut Map<String, Value>) {
    // `type: [T, "null"]` → `type: T, nullable: true`; several non-null types → any value.
    if let Some(Value::Array(types)) = map.get("type") {
        let non_null: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        let nullable = non_null.len() != types.len();
        match non_null.as_slice() {
            [single] => {
                map.insert("type".into(), single.clone());
            }
            [] => {
                map.insert("type".into(), Value::String("null".into()));
            }
            _ => {
                map.remove("type");
            }
        }
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
    // 3.1 spells bytes with `contentEncoding`/`contentMediaType` where 3.0 used `format`.
    if map.get("type").and_then(Value::as_str) == Some("string") && !map.contains_key("format") {
        let format = match map.get("contentEncoding").and_then(Value::as_str) {
            Some("base64") | Some("base64url") => Some("byte"),
            Some(_) => Some("binary"),
            None if map.contains_key("contentMediaType") => Some("binary"),
            None => None,
        };
        if let Some(format) = format {
            map.insert("format".into(), Value::String(format.into()));
        }
    }
    // `type: "null"` (a oneOf branch meaning "or null") has no 3.0 spelling: mark it.
    if map.get("type").and_then(Value::as_str) == Some("null") {
        map.remove("type");
        map.insert("nullable".into(), Value::Bool(true));
        map.insert(NULL_MARKER.into(), Value::Bool(true));
    }
}

/// 3.1's value keywords: `const`, numeric exclusive bounds, `examples`, `null` in `enum`.
fn rewrite_values(map: &mut Map<String, Value>) {
    // `const: v` → a one-value enum (keeps the type when given, infers it for strings).
    if let Some(constant) = map.remove("const") {
        if !map.contains_key("type") {
            let inferred = match &constant {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(t) = inferred {
                map.insert("type".into(), Value::String(t.into()));
            }
        }
        map.insert("enum".into(), Value::Array(vec![constant]));
    }
    // Numeric `exclusiveMinimum: 5` → `minimum: 5, exclusiveMinimum: true` (same for maximum).
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), Value::Number(n));
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    // `examples: [a, b]` (JSON Schema) → `example: a`.
    if let Some(Value::Array(examples)) = map.get("examples") {
        let first = examples.first().cloned();
        map.remove("examples");
        if let Some(first) = first {
            map.entry("example").or_insert(first);
        }
    }
    // A `null` inside `enum` means nullable in 3.1 and is rejected by typed readers of 3.0.
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        let before = values.len();
        values.retain(|v| !v.is_null());
        if values.len() != before {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rewrites_only_schema_positions() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {
                "A": {
                    "type": ["string", "null"],
                    "example": {"type": ["kept"], "const": 1},
                    "properties": {
                        "const": {"const": "fixed"},
                        "n": {"type": "integer", "exclusiveMinimum": 0, "examples": [3, 4]},
                        "any": {"type": ["string", "integer"]}
                    }
                }
            }}
        });
        normalize(&mut doc);
        let a = &doc["components"]["schemas"]["A"];
        assert_eq!(a["type"], "string");
        assert_eq!(a["nullable"], true);
        assert_eq!(a["example"], json!({"type": ["kept"], "const": 1}));
        assert_eq!(
            a["properties"]["const"],
            json!({"type": "string", "enum": ["fixed"]})
        );
        assert_eq!(
            a["properties"]["n"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "example": 3})
        );
        assert_eq!(a["properties"]["any"], json!({}));
    }

    #[test]
    fn content_encoding_becomes_a_format() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"A": {"properties": {
                "file": {"type": "string", "contentEncoding": "binary"},
                "upload": {"type": "string", "contentMediaType": "image/png"},
                "image": {"type": "string", "contentEncoding": "base64"},
                "kept": {"type": "string", "format": "uri", "contentMediaType": "text/plain"}
            }}}}
        });
        normalize(&mut doc);
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["file"]["format"], "binary");
        assert_eq!(props["upload"]["format"], "binary");
        assert_eq!(props["image"]["format"], "byte");
        assert_eq!(props["kept"]["format"], "uri");
    }

    #[test]
    fn ref_siblings_are_kept_in_an_all_of_wrapper() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {
                "A": {"properties": {
                    "b": {"$ref": "#/components/schemas/B", "description": "Why", "nullable": true},
                    "c": {"$ref": "#/components/schemas/B", "x-note": 1},
                    "d": {"$ref": "#/components/schemas/B", "allOf": [{"required": ["x"]}]}
                }},
                "B": {"type": "object"}
            }}
        });
        normalize(&mut doc);
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(
            props["b"],
            json!({"allOf": [{"$ref": "#/components/schemas/B"}], "description": "Why", "nullable": true})
        );
        assert_eq!(
            props["c"],
            json!({"$ref": "#/components/schemas/B", "x-note": 1})
        );
        assert_eq!(
            props["d"],
            json!({"allOf": [{"$ref": "#/components/schemas/B"}, {"required": ["x"]}]})
        );
    }

    #[test]
    fn boolean_schemas_become_3_0_schemas() {
        let mut doc = json!({"components": {"schemas": {
            "Anything": true,
            "A": {"type": "object", "properties": {"x": false, "y": true},
                  "additionalProperties": false, "items": true, "allOf": [true]}
        }}});
        normalize(&mut doc);
        let schemas = doc.pointer("/components/schemas").unwrap();
        assert_eq!(schemas["Anything"], json!({}));
        let a = &schemas["A"];
        assert!(a.pointer("/allOf/1/properties/x").is_none(), "{a}");
        assert_eq!(a.pointer("/allOf/1/properties/y"), Some(&json!({})));
        assert_eq!(
            a.pointer("/allOf/1/additionalProperties"),
            Some(&json!(false))
        );
        assert_eq!(a["items"], json!({}));
        assert_eq!(a["allOf"][0], json!({}));
    }

    #[test]
    fn own_object_keywords_beside_all_of_become_a_member() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "object", "allOf": [{"$ref": "#/components/schemas/B"}],
                  "properties": {"name": {"type": "string"}}, "required": ["id"]},
            "C": {"type": "object", "allOf": [{"$ref": "#/components/schemas/B"}]}
        }}});
        normalize(&mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/A").unwrap(),
            &json!({"allOf": [{"$ref": "#/components/schemas/B"},
                               {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["id"]}]})
        );
        assert_eq!(
            doc.pointer("/components/schemas/C").unwrap(),
            &json!({"allOf": [{"$ref": "#/components/schemas/B"}]})
        );
    }
}
