//! Text → a generic JSON value: YAML or JSON, with file:line:column on syntax errors. Both
//! the loader (the root document) and the bundler (the files it references) read through here.

use crate::error::{Error, Location};
use serde_json::Value;
use std::path::Path;

mod entries;
mod packed;

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

/// Parses YAML or JSON text into a generic value (errors carry file:line:column).
pub fn parse_value(path: &Path, bytes: &[u8]) -> Result<Value, Error> {
    parse_value_reusing(path, bytes, || None::<Vec<u8>>, false).map(|(value, _)| value)
}

/// [`parse_value`] for a root document, reusing a previous run's record of its parse
/// (what `previous` gives, see [`entries`]): the pieces of a large YAML text whose text is
/// unchanged are read from it. `previous` is called only for such a text, once it is cut
/// (the record can be read on another thread meanwhile). With `record`, also gives this
/// run's record when it differs from the previous one (`None`: nothing new to keep, or a
/// text not parsed in pieces), to be written out later with `bytes`.
pub fn parse_value_reusing<P: AsRef<[u8]>>(
    path: &Path,
    bytes: &[u8],
    previous: impl FnOnce() -> Option<P>,
    record: bool,
) -> Result<(Value, Option<NewRecord<P>>), Error> {
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
        let value = serde_json::from_str::<Value>(text).map_err(|e| {
            Error::new(
                Location::Position {
                    file: path.to_path_buf(),
                    line: e.line(),
                    column: e.column(),
                },
                format!("invalid JSON: {e}"),
            )
        })?;
        Ok((value, None))
    } else {
        parse_yaml(text, SPLIT_FROM, previous, record).map_err(|e| yaml_error(path, e))
    }
}

/// YAML texts from this size on are parsed in pieces (see [`entries`]): on two threads at
/// once (a first run over a large spec spends a sixth of its time in this parse, and the
/// second core was idle), and with a previous run's pieces reused.
const SPLIT_FROM: usize = 256 * 1024;

/// A YAML text as one value: in pieces when it is at least `split_from` bytes and cuts
/// cleanly, else (and whenever a piece fails, so that an error is reported as a whole parse
/// reports it) in one piece.
fn parse_yaml<P: AsRef<[u8]>>(
    text: &str,
    split_from: usize,
    previous: impl FnOnce() -> Option<P>,
    record: bool,
) -> Result<(Value, Option<NewRecord<P>>), serde_yaml::Error> {
    // Small texts (most files a `$ref` names) are not even scanned for cuts.
    if text.len() >= split_from {
        let pieces = entries::Entries::split(text, entries::NEST_FROM).filter(|e| e.len() > 1);
        if let Some(pieces) = pieces {
            let previous = previous();
            let parsed = {
                let read = previous
                    .as_ref()
                    .and_then(|p| entries::Record::read(p.as_ref()));
                pieces.parse(read.as_ref(), record)
            };
            if let Some((value, plan)) = parsed {
                return Ok((value, plan.map(|plan| NewRecord { plan, previous })));
            }
        }
    }
    serde_yaml::from_str::<YamlJson>(text).map(|v| (v.0, None))
}

/// This run's record of a large spec's parse, for the cache to write beside its manifest:
/// the plan of it, and the previous record (`P`) its unchanged pieces' values come from.
#[derive(Debug)]
pub struct NewRecord<P> {
    plan: entries::RecordPlan,
    previous: Option<P>,
}

impl<P: AsRef<[u8]>> NewRecord<P> {
    /// Writes the record, given the spec's bytes it was made from.
    pub fn write_to(
        &self,
        spec: &[u8],
        out: &mut (impl std::io::Write + ?Sized),
    ) -> std::io::Result<()> {
        let previous = self.previous.as_ref().map_or(&[][..], |p| p.as_ref());
        self.plan.write_to(spec, previous, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, split_from: usize) -> Result<Value, String> {
        parse_yaml(text, split_from, || None::<Vec<u8>>, false)
            .map(|(v, _)| v)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn errors_are_a_whole_parse_s() {
        let cases = [
            // Two documents stay an error, wherever the marker.
            "a: 1\nb: 2\n---\nc: 3\n",
            "a: 1\n...\nb: 2\nc: 3\n",
            // A syntax error in a later piece, with its line and column.
            "a: 1\nb: 2\nc: [unclosed\nd: 4\n",
            // An alias to an anchor defined nowhere.
            "a: 1\nb: *nowhere\n",
            // A plain scalar cannot go on at column 0.
            "a: one\ntwo\nb: 2\nc: 3\n",
        ];
        for text in cases {
            let whole = parse(text, usize::MAX);
            assert!(whole.is_err(), "{text:?}");
            assert_eq!(parse(text, 0), whole, "{text:?}");
        }
    }

    #[test]
    fn what_does_not_cut_cleanly_is_parsed_whole() {
        for text in [
            "a: &x {k: 1}\nb: 2\nc: *x\n",
            "a: {x: 1,\ny: 2}\nb: 3\n",
            "a: \"one\nb: two\"\nc: 3\n",
            "%YAML 1.2\n---\na: 1\nb: 2\n",
        ] {
            assert_eq!(parse(text, 0), parse(text, usize::MAX), "{text:?}");
            assert!(parse(text, 0).is_ok());
        }
    }

    /// A large spec parsed after edits, reusing the record of its parse before them, is
    /// what a whole parse of the edited text makes.
    #[test]
    fn edits_parse_as_a_whole_through_the_previous_record() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/telnyx/spec3.yml");
        let text = std::fs::read_to_string(&path).unwrap();
        let (value, record) =
            parse_value_reusing(&path, text.as_bytes(), || None::<Vec<u8>>, true).unwrap();
        let record = written(record.expect("a record of the pieces"), &text);
        let whole = |t: &str| serde_yaml::from_str::<YamlJson>(t).unwrap().0.to_string();
        assert_eq!(value.to_string(), whole(&text));
        // Nothing changed: the value again, and no new record.
        let (value, again) =
            parse_value_reusing(&path, text.as_bytes(), || Some(&record), true).unwrap();
        assert_eq!(value.to_string(), whole(&text));
        assert!(again.is_none());
        // A property added to a schema, a path renamed, an entry added at the end.
        let edited = text
            .replacen(
                "    MCPServer:\n",
                "    MCPServer:\n      x-added: true\n",
                1,
            )
            .replacen("  /recordings:\n", "  /recordings-gone:\n", 1)
            + "    Appended:\n      type: string\n";
        let (value, newer) =
            parse_value_reusing(&path, edited.as_bytes(), || Some(&record), true).unwrap();
        assert_eq!(value.to_string(), whole(&edited));
        // The new record, made of the edited text, the old record and the new pieces, reads
        // back whole: the edited text again finds every piece in it.
        let newer = written(newer.expect("a new record"), &edited);
        assert_ne!(newer, record);
        let (value, again) =
            parse_value_reusing(&path, edited.as_bytes(), || Some(&newer), true).unwrap();
        assert_eq!(value.to_string(), whole(&edited));
        assert!(again.is_none());
    }

    fn written<P: AsRef<[u8]>>(record: NewRecord<P>, text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        record.write_to(text.as_bytes(), &mut out).unwrap();
        out
    }
}
