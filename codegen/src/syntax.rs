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
        parse_yaml(text, SPLIT_FROM).map_err(|e| yaml_error(path, e))
    }
}

/// YAML texts from this size on are parsed in two halves at once (a first run over a
/// large spec spends a sixth of its time in this parse; the second core was idle).
const SPLIT_FROM: usize = 256 * 1024;

/// A YAML text as one value: in two halves on two threads when it is at least `split_from`
/// bytes and splits cleanly (see [`split_point`]), else (and whenever either half fails,
/// so that an error is reported as a whole parse reports it) in one piece.
fn parse_yaml(text: &str, split_from: usize) -> Result<Value, serde_yaml::Error> {
    // Small texts (most files a `$ref` names) are not even scanned for a cut.
    let worth_it =
        text.len() >= split_from && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    if let Some(at) = worth_it.then(|| split_point(text)).flatten() {
        let (first, second) = text.split_at(at);
        let (first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| serde_yaml::from_str::<YamlJson>(second));
            (serde_yaml::from_str::<YamlJson>(first), second.join())
        });
        if let (Ok(YamlJson(Value::Object(mut merged))), Ok(Ok(YamlJson(Value::Object(rest))))) =
            (first, second)
        {
            // The same inserts, in the same order, as one parse makes (a key repeated
            // across the halves: the later value, at the earlier place).
            for (key, value) in rest {
                merged.insert(key, value);
            }
            return Ok(Value::Object(merged));
        }
    }
    serde_yaml::from_str::<YamlJson>(text).map(|v| v.0)
}

/// Where a YAML text can be cut in two documents whose top-level mappings, merged, are the
/// whole one's: the start of the top-level key line nearest the middle. Only a line at
/// column 0 that starts like a plain key qualifies: a block scalar's lines are indented, a
/// plain scalar cannot go on at column 0, and a quoted or flow one left open leaves the
/// first half invalid, which sends the text back to a parse in one piece; so does an alias
/// to an anchor of the other half. `None` for a text with a document marker after its
/// first line (two documents must stay an error) or no such line past the first.
fn split_point(text: &str) -> Option<usize> {
    let middle = text.len() / 2;
    let mut best: Option<usize> = None;
    let mut start = 0;
    let mut content_seen = false;
    for line in text.split_inclusive('\n') {
        let at = start;
        start += line.len();
        let first = line.as_bytes().first().copied().unwrap_or(b' ');
        if line.starts_with("---") || line.starts_with("...") {
            if content_seen {
                return None;
            }
            continue;
        }
        if !(first.is_ascii_alphanumeric() || first == b'_') || !line.contains(':') {
            if !matches!(first, b' ' | b'\t' | b'\r' | b'\n' | b'#') {
                content_seen = true;
            }
            continue;
        }
        if content_seen && best.is_none_or(|b| at.abs_diff(middle) < b.abs_diff(middle)) {
            best = Some(at);
        }
        content_seen = true;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Result<Value, String> {
        serde_yaml::from_str::<YamlJson>(text)
            .map(|v| v.0)
            .map_err(|e| e.to_string())
    }

    /// The value (or error) of a parse in two halves, which must be a whole parse's.
    fn halves(text: &str) -> Result<Value, String> {
        let split = parse_yaml(text, 0).map_err(|e| e.to_string());
        assert_eq!(split, whole(text), "split at {:?}", split_point(text));
        // Key order too (`Value`'s equality ignores it without `preserve_order`).
        assert_eq!(
            split.as_ref().map(|v| v.to_string()).map_err(Clone::clone),
            whole(text).map(|v| v.to_string())
        );
        split
    }

    #[test]
    fn a_text_is_cut_at_the_top_level_key_nearest_its_middle() {
        let text =
            "openapi: 3.1.0\ninfo:\n  title: t\npaths:\n  /a: {}\ncomponents:\n  schemas: {}\n";
        assert_eq!(split_point(text), text.find("paths:"));
        halves(text).unwrap();
        // Nothing to cut: one key, or only indented lines after the first.
        assert_eq!(split_point("a:\n  b: 1\n  c: 2\n"), None);
        assert_eq!(split_point("# only:\n# comments: here\na: 1\n"), None);
    }

    #[test]
    fn texts_that_do_not_split_cleanly_parse_as_one() {
        let cases = [
            // An alias in the second half to an anchor of the first.
            "a: &x {k: 1}\nb: 2\nc: *x\n",
            // A key repeated across the halves (serde_yaml keeps the later value).
            "a: 1\nb: 2\na: 3\n",
            // A double-quoted scalar going on at column 0 with a key-like line.
            "a: \"one\nb: two\"\nc: 3\n",
            // Block scalars, compact sequences, comments and CRLF line ends.
            "a: |\n  text\n  b: not a key\nc:\n- 1\n- 2\n# d: comment\r\ne: 5\r\n",
            // A flow mapping left open over lines.
            "a: {x: 1,\ny: 2}\nb: 3\n",
            // An empty block scalar: the next line at column 0 is a key, not its text.
            "a: |\nb: 2\nc: 3\n",
            // Explicit keys, tags, and keys YAML reads as numbers.
            "? a\n: 1\nb: 2\n!!str c: 3\n200: ok\n",
            // A directive and a start marker.
            "%YAML 1.2\n---\na: 1\nb: 2\n",
        ];
        for text in cases {
            halves(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        }
    }

    #[test]
    fn errors_are_a_whole_parse_s() {
        let cases = [
            // Two documents stay an error, whichever the half.
            "a: 1\nb: 2\n---\nc: 3\n",
            "a: 1\n...\nb: 2\nc: 3\n",
            // A syntax error in the second half, with its line and column.
            "a: 1\nb: 2\nc: [unclosed\nd: 4\n",
            // An alias to an anchor defined nowhere.
            "a: 1\nb: *nowhere\n",
            // A plain scalar cannot go on at column 0.
            "a: one\ntwo\nb: 2\nc: 3\n",
        ];
        for text in cases {
            assert!(halves(text).is_err(), "{text:?}");
        }
        assert_eq!(split_point("a: 1\nb: 2\n---\nc: 3\n"), None);
    }

    #[test]
    fn every_fixture_spec_parses_the_same_in_halves() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut files = vec![root.join("telnyx/spec3.yml"), root.join("hostile-text.yml")];
        for entry in std::fs::read_dir(root.join("crates")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yml") {
                files.push(path);
            }
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(split_point(&text).is_some(), "{}", file.display());
            halves(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
    }
}
