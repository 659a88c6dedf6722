//! Where schemas are in an OpenAPI document: the one classification that every pass over
//! the generic document value (bundling, 3.1 normalisation) walks by.

/// What a value in the document is, as far as schemas are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Spec structure (paths, operations, parameters, responses...).
    Structure,
    /// A schema.
    Schema,
    /// A map whose values are schemas (`components.schemas`, `properties`).
    SchemaMap,
}

/// Keys of spec structure whose values are data (`default` is not one: in a `responses` map
/// it is the default response).
const DATA_KEYS: &[&str] = &["example", "examples", "value"];

/// The position of the value under `key` of a value at `position`; `None` for data (examples,
/// enum values, defaults, extensions), which no pass may rewrite. Array items keep the
/// position of their array (`allOf: [...]` items are schemas).
pub fn child(position: Position, key: &str) -> Option<Position> {
    if key.starts_with("x-") {
        return None;
    }
    match (position, key) {
        (Position::SchemaMap, _) => Some(Position::Schema),
        (Position::Schema, "properties" | "patternProperties" | "$defs" | "definitions") => {
            Some(Position::SchemaMap)
        }
        (
            Position::Schema,
            "items"
            | "additionalProperties"
            | "not"
            | "allOf"
            | "oneOf"
            | "anyOf"
            | "prefixItems"
            | "contains"
            | "propertyNames"
            | "if"
            | "then"
            | "else"
            | "unevaluatedProperties"
            | "unevaluatedItems",
        ) => Some(Position::Schema),
        (Position::Schema, _) => None,
        (Position::Structure, k) if DATA_KEYS.contains(&k) => None,
        (Position::Structure, "schema") => Some(Position::Schema),
        (Position::Structure, "schemas") => Some(Position::SchemaMap),
        (Position::Structure, _) => Some(Position::Structure),
    }
}

#[cfg(test)]
mod tests {
    use super::{child, Position::*};

    #[test]
    fn schemas_and_data_are_told_apart() {
        assert_eq!(child(Structure, "schema"), Some(Schema));
        assert_eq!(
            child(Structure, "default"),
            Some(Structure),
            "the default response"
        );
        assert_eq!(child(Structure, "example"), None);
        assert_eq!(
            child(Schema, "default"),
            None,
            "a schema's default value is data"
        );
        assert_eq!(child(Schema, "enum"), None);
        assert_eq!(child(Schema, "properties"), Some(SchemaMap));
        assert_eq!(
            child(SchemaMap, "const"),
            Some(Schema),
            "a property named const"
        );
        assert_eq!(child(Schema, "x-extension"), None);
    }
}
