//! The values a conformance call sends. For each parameter and request body: the spec's own
//! examples first, then a value made from the schema (its nested examples and defaults where
//! it has them), then a minimal one made from the keywords alone. The first candidate valid
//! against the schema is sent.

use serde_json::{json, Map, Value};

/// Nesting deeper than this is cut short: a recursive schema gets no more levels.
const MAX_DEPTH: usize = 12;

/// Whether a made value may borrow the `example` and `default` of nested schemas (closer to
/// what the API really takes: a phone number, an id of the right shape) or must come from the
/// keywords alone (when those examples contradict their schemas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Examples,
    Keywords,
}

/// A value of the schema `schema` (a `$ref` is followed in `doc`).
pub fn make(doc: &Value, schema: &Value, source: Source) -> Value {
    make_at(doc, schema, source, 0)
}

fn make_at(doc: &Value, schema: &Value, source: Source, depth: usize) -> Value {
    // OpenAPI 3.1 applies the keywords beside a `$ref` too (`required` narrowing a shared
    // object): the two are one `allOf`.
    if let Some(map) = schema.as_object() {
        let annotation = |k: &str| matches!(k, "$ref" | "description" | "summary" | "title");
        if map.contains_key("$ref") && map.keys().any(|k| !annotation(k)) && depth < MAX_DEPTH {
            let mut rest = map.clone();
            let target = rest.remove("$ref").unwrap_or_default();
            rest.insert("allOf".to_owned(), json!([{ "$ref": target }]));
            return make_at(doc, &Value::Object(rest), source, depth + 1);
        }
    }
    let schema = follow(doc, schema);
    let Value::Object(map) = schema else {
        // `true` (anything) or a broken schema: a plain string is as good as any value.
        return json!("string");
    };
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(value) = map.get("const") {
        return value.clone();
    }
    if let Some(values) = map.get("enum").and_then(Value::as_array) {
        if let Some(first) = values.iter().find(|v| !v.is_null()).or(values.first()) {
            return first.clone();
        }
    }
    if source == Source::Examples {
        let example = map
            .get("example")
            .or_else(|| map.get("examples").and_then(|e| e.get(0)))
            .or_else(|| map.get("default"));
        if let Some(example) = example {
            return example.clone();
        }
    }
    if map.get("allOf").is_some_and(Value::is_array) {
        let merged = Value::Object(merge_all_of(doc, map, 0));
        return make_at(doc, &merged, source, depth + 1);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = map.get(key).and_then(Value::as_array) {
            let variant = variants
                .iter()
                .find(|v| !is_null_schema(follow(doc, v)))
                .or(variants.first());
            if let Some(variant) = variant {
                // A variant that only narrows the object beside it (`anyOf: [{required:
                // [file_ids]}, {required: [files]}]`, OpenAI's batches) is that object with
                // its `required` added.
                if let Value::Object(narrowing) = follow(doc, variant) {
                    let shape = [
                        "type",
                        "properties",
                        "items",
                        "oneOf",
                        "anyOf",
                        "allOf",
                        "$ref",
                        "enum",
                        "const",
                    ];
                    if !narrowing.keys().any(|k| shape.contains(&k.as_str()))
                        && map.contains_key("properties")
                    {
                        let mut merged = map.clone();
                        merged.remove(key);
                        let mut required: Vec<Value> = merged
                            .get("required")
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default();
                        for name in narrowing
                            .get("required")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            if !required.contains(name) {
                                required.push(name.clone());
                            }
                        }
                        merged.insert("required".to_owned(), Value::Array(required));
                        return make_at(doc, &Value::Object(merged), source, depth + 1);
                    }
                }
                let value = make_at(doc, variant, source, depth + 1);
                // Properties beside the variants belong to every variant.
                if let (Value::Object(mut fields), Value::Object(own)) =
                    (value.clone(), object(doc, map, source, depth))
                {
                    // The variant's own schema for a property is the narrower one.
                    for (key, v) in own {
                        fields.entry(key).or_insert(v);
                    }
                    return Value::Object(fields);
                }
                return value;
            }
        }
    }
    match type_of(map).as_deref() {
        Some("null") => Value::Null,
        Some("boolean") => json!(true),
        Some("integer") => number(map, true),
        Some("number") => number(map, false),
        Some("array") => {
            let count = map
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .max(1);
            let count = map
                .get("maxItems")
                .and_then(Value::as_u64)
                .map_or(count, |max| count.min(max));
            let item = map.get("items").cloned().unwrap_or(json!({}));
            let mut items: Vec<Value> = (0..count)
                .map(|_| make_at(doc, &item, source, depth + 1))
                .collect();
            if map.get("uniqueItems") == Some(&Value::Bool(true)) {
                distinct(&mut items);
            }
            Value::Array(items)
        }
        Some("object") => object(doc, map, source, depth),
        _ => string(map),
    }
}

/// An `allOf` as one schema: the members' properties together (the first definition of
/// each wins, the schema's own first), their `required` lists joined, other keywords from
/// the first that has them.
fn merge_all_of(doc: &Value, map: &Map<String, Value>, depth: usize) -> Map<String, Value> {
    let mut out = map.clone();
    out.remove("allOf");
    let parts = map.get("allOf").and_then(Value::as_array);
    for part in parts.into_iter().flatten() {
        let Value::Object(part) = follow(doc, part) else {
            continue;
        };
        let part = if part.contains_key("allOf") && depth < MAX_DEPTH {
            merge_all_of(doc, part, depth + 1)
        } else {
            part.clone()
        };
        for (key, value) in part {
            match (key.as_str(), out.get_mut(&key), value) {
                ("properties", Some(Value::Object(mine)), Value::Object(theirs)) => {
                    for (name, schema) in theirs {
                        mine.entry(name).or_insert(schema);
                    }
                }
                ("required", Some(Value::Array(mine)), Value::Array(theirs)) => {
                    for name in theirs {
                        if !mine.contains(&name) {
                            mine.push(name);
                        }
                    }
                }
                (_, Some(_), _) => {}
                (_, None, value) => {
                    out.insert(key, value);
                }
            }
        }
    }
    out
}

/// Makes repeated scalars distinct (`uniqueItems`): the second string gets a `1` appended
/// (a string of digits is counted up instead, `"0"` → `"1"`), the second number is one more.
fn distinct(items: &mut [Value]) {
    for i in 1..items.len() {
        if !items[..i].contains(&items[i]) {
            continue;
        }
        items[i] = match &items[i] {
            // A number in a string (IDs) stays one, as its pattern likely wants.
            Value::String(s) => match s.parse::<u64>() {
                Ok(n) if !s.starts_with('0') || s == "0" => {
                    Value::String((n + i as u64).to_string())
                }
                _ => Value::String(format!("{s}{i}")),
            },
            Value::Number(n) => match n.as_u64() {
                Some(n) => json!(n + i as u64),
                None => json!(n.as_f64().unwrap_or(0.0) + i as f64),
            },
            other => other.clone(),
        };
    }
}

/// The required properties of an object schema, each made.
fn object(doc: &Value, map: &Map<String, Value>, source: Source, depth: usize) -> Value {
    let properties = map.get("properties").and_then(Value::as_object);
    let required = map.get("required").and_then(Value::as_array);
    let mut out = Map::new();
    for name in required.into_iter().flatten().filter_map(Value::as_str) {
        let schema = properties
            .and_then(|p| p.get(name))
            .cloned()
            .unwrap_or(json!({}));
        out.insert(name.to_owned(), make_at(doc, &schema, source, depth + 1));
    }
    // `minProperties` beyond the required ones: the first declared others.
    let least = map
        .get("minProperties")
        .and_then(Value::as_u64)
        .unwrap_or(0) as usize;
    for (name, schema) in properties.into_iter().flatten() {
        if out.len() >= least {
            break;
        }
        if !out.contains_key(name) {
            out.insert(name.clone(), make_at(doc, schema, source, depth + 1));
        }
    }
    Value::Object(out)
}

/// The schema's type: `type` (the first that is not `null` of a list), else what its
/// keywords imply.
fn type_of(map: &Map<String, Value>) -> Option<String> {
    match map.get("type") {
        Some(Value::String(t)) => return Some(t.clone()),
        Some(Value::Array(types)) => {
            let types: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            return types
                .iter()
                .find(|t| **t != "null")
                .or(types.first())
                .map(|t| (*t).to_owned());
        }
        _ => {}
    }
    if map.contains_key("properties") || map.contains_key("required") {
        Some("object".to_owned())
    } else if map.contains_key("items") {
        Some("array".to_owned())
    } else {
        None
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// The smallest number the bounds allow from 1 up (or the largest below 1), a multiple of
/// `multipleOf` when there is one.
fn number(map: &Map<String, Value>, integer: bool) -> Value {
    let f = |key: &str| map.get(key).and_then(Value::as_f64);
    // 3.0 writes exclusive bounds as booleans beside the bound, 3.1 as numbers.
    let exclusive = |key: &str| map.get(key).and_then(Value::as_bool).unwrap_or(false);
    let step = if integer { 1.0 } else { 0.5 };
    let mut low = f("minimum").map(|m| {
        if exclusive("exclusiveMinimum") {
            m + step
        } else {
            m
        }
    });
    if let Some(m) = f("exclusiveMinimum") {
        low = Some(low.map_or(m + step, |l| l.max(m + step)));
    }
    let mut high = f("maximum").map(|m| {
        if exclusive("exclusiveMaximum") {
            m - step
        } else {
            m
        }
    });
    if let Some(m) = f("exclusiveMaximum") {
        high = Some(high.map_or(m - step, |h| h.min(m - step)));
    }
    let mut value = low.unwrap_or(1.0);
    if let Some(high) = high {
        value = value.min(high);
    }
    if let Some(multiple) = f("multipleOf").filter(|m| *m > 0.0) {
        value = (value / multiple).ceil() * multiple;
    }
    if integer || value.fract() == 0.0 {
        let value = if integer { value.ceil() } else { value };
        if value >= 0.0 && value <= u64::MAX as f64 {
            return json!(value as u64);
        }
        if value >= i64::MIN as f64 {
            return json!(value as i64);
        }
    }
    json!(value)
}

/// A string: one the pattern matches, else one of the format, padded or cut to the lengths.
fn string(map: &Map<String, Value>) -> Value {
    let pattern = map
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(super::regex::sample);
    let mut text = pattern.unwrap_or_else(|| {
        match map
            .get("format")
            .and_then(Value::as_str)
            .unwrap_or_default()
        {
            "date-time" => "2024-01-15T09:30:00Z",
            "date" => "2024-01-15",
            "time" => "09:30:00Z",
            "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "email" => "user@example.com",
            "uri" | "url" | "uri-reference" | "iri" | "iri-reference" => "https://example.com/",
            "hostname" | "idn-hostname" => "example.com",
            "ipv4" => "192.0.2.1",
            "ipv6" => "2001:db8::1",
            "byte" => "c3RyaW5n",
            "duration" => "P1D",
            "int32" | "int64" | "integer" => "1",
            "number" | "decimal" | "double" | "float" => "1.5",
            _ => "string",
        }
        .to_owned()
    });
    let count = |key: &str| map.get(key).and_then(Value::as_u64).map(|n| n as usize);
    if let Some(min) = count("minLength") {
        while text.chars().count() < min {
            text.push('a');
        }
    }
    if let Some(max) = count("maxLength") {
        text = text.chars().take(max).collect();
    }
    Value::String(text)
}

/// `schema` with `$ref`s followed (a few hops at most).
pub fn follow<'d>(doc: &'d Value, mut schema: &'d Value) -> &'d Value {
    for _ in 0..16 {
        let Some(target) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match target.strip_prefix('#').and_then(|f| doc.pointer(f)) {
            Some(next) => schema = next,
            None => break,
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(schema: Value) -> Value {
        make(&json!({}), &schema, Source::Keywords)
    }

    #[test]
    fn scalars_respect_their_bounds_and_formats() {
        assert_eq!(made(json!({"type": "integer", "minimum": 5})), json!(5));
        assert_eq!(made(json!({"type": "integer", "maximum": 0})), json!(0));
        assert_eq!(
            made(json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})),
            json!(1)
        );
        assert_eq!(
            made(json!({"type": "integer", "exclusiveMinimum": 7})),
            json!(8)
        );
        assert_eq!(
            made(json!({"type": "integer", "minimum": 3, "multipleOf": 5})),
            json!(5)
        );
        assert_eq!(
            made(json!({"type": "number", "minimum": -2.5})),
            json!(-2.5)
        );
        assert_eq!(
            made(json!({"type": "string", "format": "uuid"})),
            json!("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        );
        assert_eq!(
            made(json!({"type": "string", "minLength": 8})),
            json!("stringaa")
        );
        assert_eq!(
            made(json!({"type": "string", "maxLength": 3})),
            json!("str")
        );
        assert_eq!(made(json!({"type": ["null", "boolean"]})), json!(true));
        assert_eq!(
            made(json!({"type": "string", "pattern": "^\\+[1-9]\\d{1,14}$"})),
            json!("+10")
        );
    }

    #[test]
    fn objects_get_their_required_properties_and_refs_are_followed() {
        let doc = json!({"components": {"schemas": {
            "Id": {"type": "string", "enum": ["a", "b"]},
            "Pet": {"type": "object", "required": ["id", "tags"], "properties": {
                "id": {"$ref": "#/components/schemas/Id"},
                "tags": {"type": "array", "minItems": 2, "items": {"type": "integer"}},
                "name": {"type": "string"}
            }}
        }}});
        let value = make(
            &doc,
            &json!({"$ref": "#/components/schemas/Pet"}),
            Source::Keywords,
        );
        assert_eq!(value, json!({"id": "a", "tags": [1, 1]}));
        let value = made(json!({"type": "array", "minItems": 3, "uniqueItems": true,
                                "items": {"type": "string", "pattern": "^[0-9]+$"}}));
        assert_eq!(value, json!(["0", "1", "2"]));
        // Discord's snowflakes: no leading zero.
        let value = made(json!({"type": "array", "minItems": 2, "uniqueItems": true,
                                "items": {"type": "string", "pattern": "^(0|[1-9][0-9]*)$"}}));
        assert_eq!(value, json!(["0", "1"]));
        let value = made(json!({"type": "object", "minProperties": 1,
                                "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}}));
        assert_eq!(value, json!({"name": "string"}));
    }

    #[test]
    fn compositions_merge_or_take_the_first_variant() {
        let value = made(json!({"allOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "boolean"}}}
        ]}));
        assert_eq!(value, json!({"a": "string", "b": true}));
        // A member that only lists required properties takes their schemas from the others.
        let value = made(json!({"allOf": [
            {"type": "object", "properties": {"asn": {"type": "number", "minimum": 64512}}},
            {"type": "object", "required": ["asn"]}
        ]}));
        assert_eq!(value, json!({"asn": 64512}));
        // Keywords beside a `$ref` apply too (OpenAPI 3.1).
        let doc = json!({"components": {"schemas": {"AddOn": {"type": "object",
            "properties": {"name": {"type": "string"}, "code": {"type": "string"}}}}}});
        let value = make(
            &doc,
            &json!({"$ref": "#/components/schemas/AddOn", "required": ["name"]}),
            Source::Keywords,
        );
        assert_eq!(value, json!({"name": "string"}));
        let value = made(json!({"oneOf": [{"type": "null"}, {"type": "integer", "minimum": 2}]}));
        assert_eq!(value, json!(2));
    }

    #[test]
    fn nested_examples_are_used_unless_keywords_alone_are_asked_for() {
        let schema = json!({"type": "object", "required": ["phone"], "properties": {
            "phone": {"type": "string", "example": "+15551234567"}
        }});
        let doc = json!({});
        assert_eq!(
            make(&doc, &schema, Source::Examples),
            json!({"phone": "+15551234567"})
        );
        assert_eq!(
            make(&doc, &schema, Source::Keywords),
            json!({"phone": "string"})
        );
    }

    #[test]
    fn variants_that_only_require_narrow_the_object_beside_them() {
        let value = made(json!({"type": "object",
            "properties": {"file_ids": {"type": "array", "items": {"type": "string"}},
                           "files": {"type": "array", "items": {"type": "object"}}},
            "anyOf": [{"required": ["file_ids"]}, {"required": ["files"]}]}));
        assert_eq!(value, json!({"file_ids": ["string"]}));
    }

    #[test]
    fn recursion_is_cut_short() {
        let doc = json!({"components": {"schemas": {"Node": {
            "type": "object", "required": ["next"],
            "properties": {"next": {"$ref": "#/components/schemas/Node"}}
        }}}});
        let value = make(
            &doc,
            &json!({"$ref": "#/components/schemas/Node"}),
            Source::Keywords,
        );
        assert!(value.to_string().contains("null"));
    }
}
