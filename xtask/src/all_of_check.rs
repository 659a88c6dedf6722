//! The corpus check that `allOf` keeps types: a property that some member of a struct's
//! `allOf` gives a type (a `$ref`, a scalar, an array, an object with properties...) must not
//! be read as untyped JSON (`serde_json::Value`, or a map of it) in the generated struct.
//! It reads the spec's JSON beside the IR, which the generator itself never does again.

use codegen::ir::{Api, TypeKind, TypeRef};
use serde_json::Value;

/// `Type.field` of every struct field that is untyped JSON although an `allOf` member of the
/// struct's schema types it, in the IR's order.
pub fn untyped_all_of(api: &Api, source: &Value) -> Vec<String> {
    let mut found = Vec::new();
    for t in &api.types {
        let TypeKind::Struct(s) = &t.kind else {
            continue;
        };
        let Some(schema) = at(source, &t.pointer) else {
            continue;
        };
        let mut members = Vec::new();
        all_of_members(source, schema, &mut members, 0);
        if members.is_empty() {
            continue;
        }
        for f in s
            .fields
            .iter()
            .filter(|f| !f.flatten && untyped(api, &f.ty, 0))
        {
            let typed = members.iter().any(|m| {
                m.get("properties")
                    .and_then(|p| p.get(&f.wire_name))
                    .is_some_and(|p| typed(source, p))
            });
            if typed {
                found.push(format!("{}.{}", t.name, f.rust_name));
            }
        }
    }
    found
}

/// The value at a `#/...` JSON pointer of the spec.
fn at<'v>(source: &'v Value, pointer: &str) -> Option<&'v Value> {
    source.pointer(pointer.strip_prefix('#')?)
}

/// A `$ref`'d schema resolved (one step at a time, at most 32), or the schema itself.
fn resolved<'v>(source: &'v Value, mut schema: &'v Value) -> &'v Value {
    for _ in 0..32 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| at(source, r))
        {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// Every `allOf` member of `schema`, nested `allOf`s flattened, references resolved.
fn all_of_members<'v>(
    source: &'v Value,
    schema: &'v Value,
    out: &mut Vec<&'v Value>,
    depth: usize,
) {
    let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
        return;
    };
    for part in parts {
        let part = resolved(source, part);
        if depth < 32 && !out.iter().any(|seen| std::ptr::eq(*seen, part)) {
            out.push(part);
            all_of_members(source, part, out, depth + 1);
        }
    }
}

/// Untyped JSON as the generated code holds it: `Value`, a map of it, or an alias of those.
fn untyped(api: &Api, ty: &TypeRef, depth: usize) -> bool {
    match ty {
        TypeRef::Json => true,
        TypeRef::Map(inner) | TypeRef::Nullable(inner) => untyped(api, inner, depth + 1),
        TypeRef::Named(id) if depth < 32 => match &api.ty(*id).kind {
            TypeKind::Alias(target) => untyped(api, target, depth + 1),
            _ => false,
        },
        _ => false,
    }
}

/// A property schema that says what its value is.
fn typed(source: &Value, property: &Value) -> bool {
    if property.get("$ref").is_some() {
        return true;
    }
    let property = resolved(source, property);
    let scalar = |t: &Value| {
        matches!(
            t.as_str(),
            Some("string" | "integer" | "number" | "boolean" | "array")
        )
    };
    let type_says = match property.get("type") {
        Some(Value::Array(types)) => types.iter().any(scalar),
        Some(t) => scalar(t),
        None => false,
    };
    let object_says = property
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
        || property
            .get("additionalProperties")
            .is_some_and(Value::is_object);
    type_says
        || object_says
        || ["enum", "const", "oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| property.get(k).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_properties_a_member_types_count() {
        let source = json!({"components": {"schemas": {
            "Station": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Wrapper": {"type": "object", "properties": {"data": {"type": "array", "items": {}}}},
        }}});
        let typed_ref = json!({"$ref": "#/components/schemas/Station"});
        assert!(typed(&source, &typed_ref));
        assert!(typed(&source, &json!({"type": ["string", "null"]})));
        assert!(typed(
            &source,
            &json!({"type": "object", "properties": {"a": {}}})
        ));
        assert!(!typed(&source, &json!({"type": "object"})));
        assert!(!typed(&source, &json!({"description": "anything"})));
        let schema = json!({"allOf": [
            {"$ref": "#/components/schemas/Wrapper"},
            {"allOf": [{"properties": {"data": {"type": "array"}}}]}
        ]});
        let mut members = Vec::new();
        all_of_members(&source, &schema, &mut members, 0);
        assert_eq!(members.len(), 3, "{members:?}");
    }
}
