//! Text → a generic JSON value: YAML or JSON, with file:line:column on syntax errors. Both
//! the loader (the root document) and the bundler (the files it references) read through here.

use crate::error::{Error, Location};
use serde_json::Value;
use std::path::Path;

fn looks_like_json(path: &Path, text: &str) -> bool {
    path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{')
}

fn yaml_error(path: &Path, e: serde_yaml::Error) -> Error {
    let location = match e.location() {
        Some(loc) => Location::Position {
            file: path.to_path_buf(),
            line: loc.line(),
            column: loc.column(),
        },
        None => Location::File(path.to_path_buf()),
    };
    Error::new(location, format!("invalid YAML: {e}"))
}

/// A JSON value read from YAML: keys that YAML allows to be numbers or booleans (`200:`)
/// become strings, and integers beyond 64 bits become floats (serde_yaml's own `Value`
/// rejects them: OpenAI's spec has `minimum: -9223372036854776000`).
struct YamlJson(Value);

impl<'de> serde::Deserialize<'de> for YamlJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(YamlJsonVisitor).map(YamlJson)
    }
}

struct YamlJsonVisitor;

impl<'de> serde::de::Visitor<'de> for YamlJsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(YamlJson(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((YamlJson(key), YamlJson(value))) = map.next_entry()? {
            let key = match key {
                Value::String(s) => s,
                Value::Null => "null".to_owned(),
                other => other.to_string(),
            };
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged value (`!Tag value`): keep the value, drop the tag.
        use serde::de::VariantAccess;
        let (_tag, variant): (YamlJson, _) = data.variant()?;
        variant.newtype_variant::<YamlJson>().map(|v| v.0)
    }
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Parses YAML or JSON text into a generic value (errors carry file:line:column).
/// The bytes of an input file (a spec, a file a `$ref` names, `codegen.toml`). Only regular
/// files are read (symbolic links to them included): a FIFO would block forever, a device
/// never end.
pub fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    std::fs::read(path)
}

pub fn parse_value(path: &Path, bytes: &[u8]) -> Result<Value, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            Location::File(path.to_path_buf()),
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })?;
    if text.trim().is_empty() {
        return Err(Error::new(
            Location::File(path.to_path_buf()),
            "the file is empty; expected an OpenAPI 3.x document",
        ));
    }
    if looks_like_json(path, text) {
        serde_json::from_str::<Value>(text).map_err(|e| {
            Error::new(
                Location::Position {
                    file: path.to_path_buf(),
                    line: e.line(),
                    column: e.column(),
                },
                format!("invalid JSON: {e}"),
            )
        })
    } else {
        serde_yaml::from_str::<YamlJson>(text)
            .map(|v| v.0)
            .map_err(|e| yaml_error(path, e))
    }
}
