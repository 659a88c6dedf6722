//! A parse record's values in a binary form of our own: a tag byte per value, lengths and
//! counts as four bytes, numbers as their eight. Reading it back skips what reading JSON
//! costs (scanning for quotes and escapes, parsing digits): a regeneration of a large spec
//! reads every unchanged piece's value from the record, and JSON took ~60 % longer.
//!
//! The record is this generator build's own file, but it is still read as untrusted bytes:
//! anything cut short, malformed, nested too deep or not UTF-8 is refused (`None`), never a
//! panic, and the piece is then parsed from its YAML.

use serde_json::{Map, Number, Value};

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const UNSIGNED: u8 = 3;
const NEGATIVE: u8 = 4;
const FLOAT: u8 = 5;
const STRING: u8 = 6;
const ARRAY: u8 = 7;
const OBJECT: u8 = 8;

/// Deeper than YAML parses (`serde_yaml` stops at 128 levels), so only a broken record is
/// refused for it; it bounds the reader's recursion.
const MAX_DEPTH: usize = 256;

/// `map` appended to `out`; `None` (with `out` partly written) when a string or collection is
/// longer than four bytes count.
pub(super) fn pack(map: &Map<String, Value>, out: &mut Vec<u8>) -> Option<()> {
    pack_object(map, out)
}

/// The mapping `bytes` hold, all of them; `None` for anything [`pack`] did not write.
pub(super) fn unpack(bytes: &[u8]) -> Option<Map<String, Value>> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.byte()? != OBJECT {
        return None;
    }
    let map = reader.object(0)?;
    (reader.at == bytes.len()).then_some(map)
}

fn pack_len(n: usize, out: &mut Vec<u8>) -> Option<()> {
    out.extend_from_slice(&u32::try_from(n).ok()?.to_le_bytes());
    Some(())
}

fn pack_str(s: &str, out: &mut Vec<u8>) -> Option<()> {
    pack_len(s.len(), out)?;
    out.extend_from_slice(s.as_bytes());
    Some(())
}

fn pack_object(map: &Map<String, Value>, out: &mut Vec<u8>) -> Option<()> {
    out.push(OBJECT);
    pack_len(map.len(), out)?;
    for (key, value) in map {
        pack_str(key, out)?;
        pack_value(value, out)?;
    }
    Some(())
}

fn pack_value(value: &Value, out: &mut Vec<u8>) -> Option<()> {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(n) => {
            // The three kinds serde_json keeps, each read back as the same kind.
            let (tag, bits) = if let Some(u) = n.as_u64() {
                (UNSIGNED, u)
            } else if let Some(i) = n.as_i64() {
                (NEGATIVE, i as u64)
            } else {
                (FLOAT, n.as_f64()?.to_bits())
            };
            out.push(tag);
            out.extend_from_slice(&bits.to_le_bytes());
        }
        Value::String(s) => {
            out.push(STRING);
            pack_str(s, out)?;
        }
        Value::Array(items) => {
            out.push(ARRAY);
            pack_len(items.len(), out)?;
            for item in items {
                pack_value(item, out)?;
            }
        }
        Value::Object(map) => pack_object(map, out)?,
    }
    Some(())
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let taken = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(taken)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn word(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn len(&mut self) -> Option<usize> {
        let n = u32::from_le_bytes(self.take(4)?.try_into().ok()?);
        usize::try_from(n).ok()
    }

    /// A count of items, each at least one byte: more than the bytes left is a broken record
    /// (and must not size an allocation).
    fn count(&mut self) -> Option<usize> {
        let n = self.len()?;
        (n <= self.bytes.len() - self.at).then_some(n)
    }

    fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok().map(str::to_owned)
    }

    /// An object's entries (its tag read).
    fn object(&mut self, depth: usize) -> Option<Map<String, Value>> {
        let n = self.count()?;
        let mut map = Map::with_capacity(n);
        for _ in 0..n {
            let key = self.string()?;
            let value = self.value(depth + 1)?;
            map.insert(key, value);
        }
        Some(map)
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match self.byte()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            UNSIGNED => Value::Number(self.word()?.into()),
            NEGATIVE => Value::Number((self.word()? as i64).into()),
            FLOAT => Value::Number(Number::from_f64(f64::from_bits(self.word()?))?),
            STRING => Value::String(self.string()?),
            ARRAY => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Value::Array(items)
            }
            OBJECT => Value::Object(self.object(depth)?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    fn packed(map: &Map<String, Value>) -> Vec<u8> {
        let mut out = Vec::new();
        pack(map, &mut out).unwrap();
        out
    }

    #[test]
    fn values_come_back_as_they_were_key_order_and_number_kinds_included() {
        let map = object(serde_json::json!({
            "z": null, "a": [true, false, 0, 18446744073709551615u64, -1, -9223372036854775808i64,
                         1.5, -0.0, 1e300, "", "é \"quoted\"\n"],
            "m": {"nested": {"deeper": [[], {}]}, "b": "x"},
        }));
        let back = unpack(&packed(&map)).unwrap();
        assert_eq!(back, map);
        assert_eq!(
            serde_json::to_string(&back).unwrap(),
            serde_json::to_string(&map).unwrap(),
            "same order, same number kinds"
        );
        assert!(back["a"][3].is_u64() && back["a"][4].is_i64() && back["a"][6].is_f64());
    }

    #[test]
    fn broken_records_are_refused_not_panicked_on() {
        let bytes = packed(&object(serde_json::json!({"a": [1, "two", {"b": null}]})));
        for cut in 0..bytes.len() {
            assert!(unpack(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(NULL);
        assert!(unpack(&longer).is_none(), "bytes left over");
        // Every single byte changed: refused or read as some mapping, never a panic.
        for at in 0..bytes.len() {
            for b in [0, 9, 0x7f, 0xff] {
                let mut changed = bytes.clone();
                changed[at] = b;
                let _ = unpack(&changed);
            }
        }
        // A count larger than the bytes left, a tag unknown, text that is not UTF-8.
        assert!(unpack(&[OBJECT, 0xff, 0xff, 0xff, 0xff]).is_none());
        assert!(unpack(&[OBJECT, 1, 0, 0, 0, 1, 0, 0, 0, b'k', 42]).is_none());
        assert!(unpack(&[OBJECT, 1, 0, 0, 0, 1, 0, 0, 0, 0xc3, NULL]).is_none());
        // Nested deeper than any YAML: refused.
        let mut deep = vec![OBJECT, 1, 0, 0, 0, 1, 0, 0, 0, b'k'];
        for _ in 0..MAX_DEPTH + 1 {
            deep.extend_from_slice(&[ARRAY, 1, 0, 0, 0]);
        }
        deep.push(NULL);
        assert!(unpack(&deep).is_none());
    }
}
