//! A large YAML text parsed entry by entry. The entries of its top-level mapping, and inside
//! a large entry whose value is a block mapping (`paths`, `components`, `schemas`) that
//! mapping's entries, are texts that parse alone; their values, put back together in order,
//! are the whole text's. So they are parsed on two threads at once, and an entry whose text is
//! exactly as at the previous run is read from that run's [`Record`] (its value packed by
//! [`super::packed`]: read back in a fifteenth of the YAML parse's time) instead of being
//! parsed again: a regeneration after a one-schema change parses one schema's YAML.
//!
//! A text is cut only at a line that starts a mapping key at the indentation of its siblings.
//! A cut that is wrong anyway (inside a quoted or flow scalar left open, or between an anchor
//! and its alias) leaves a piece that does not parse, or does not parse to a mapping, and the
//! caller then parses the text in one piece, which also reports any error as it would.

use super::YamlJson;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::ops::Range;

/// Entries from this size on are split into theirs when their value is a block mapping: a
/// schema or a path item stays one piece, a section of hundreds of them does not.
pub(super) const NEST_FROM: usize = 16 * 1024;

/// A text cut into pieces that parse alone, and how their values nest.
#[derive(Debug)]
pub(super) struct Entries<'a> {
    /// The text that was cut; the spans index it.
    text: &'a str,
    /// Where each piece is in the text: texts each parsed alone to a mapping (one or more
    /// entries of their enclosing mapping, with any comments before them), in order.
    spans: Vec<Range<usize>>,
    /// The top-level mapping.
    root: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    /// The entries of the next piece.
    Piece,
    /// An entry whose key line stands alone (`key:`) and whose value is the mapping of these.
    Nested(String, Vec<Node>),
}

/// One line of the text: where it starts, its leading spaces and the byte after them (0 at
/// the end of the text). Cutting reads these rather than the text: each level of nesting
/// would otherwise find every line of its block again.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Offsets in 32 bits (a longer text is not cut): a large spec has a hundred thousand
    /// lines, and their list is read at every level of nesting.
    start: u32,
    indent: u32,
    first: u8,
}

/// The text and its lines, with a last line of no text (its start is the text's end).
struct Lines<'a> {
    text: &'a str,
    lines: Vec<Line>,
}

impl<'a> Lines<'a> {
    /// The text of lines `from..to`.
    fn text(&self, from: usize, to: usize) -> &'a str {
        &self.text[self.lines[from].start as usize..self.lines[to].start as usize]
    }

    /// Whether line `i` is `indent` spaces and then what can only be a mapping key there: a
    /// plain or quoted scalar, and a colon further on. Not a sequence item, an explicit key
    /// (`?`), a flow collection, an anchor, an alias, a tag or a marker.
    fn starts_key(&self, i: usize, indent: usize) -> bool {
        let line = self.lines[i];
        line.indent as usize == indent
            && (line.first.is_ascii_alphanumeric()
                || matches!(line.first, b'_' | b'/' | b'$' | b'"' | b'\''))
            && self.text(i, i + 1).as_bytes().contains(&b':')
    }

    /// Lines `from..to` cut before every line that starts a key at `indent` (the first such
    /// line keeps what comes before it: comments, blank lines, a start marker), as ranges.
    fn cut(&self, from: usize, to: usize, indent: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let (mut start, mut seen) = (from, false);
        for i in from..to {
            if self.starts_key(i, indent) {
                if seen {
                    out.push((start, i));
                    start = i;
                }
                seen = true;
            }
        }
        out.push((start, to));
        out
    }

    /// For an entry (lines `from..to`) of `nest_from` bytes or more that is a key line alone
    /// (`key:`) followed by a block mapping indented further: its key, and where that
    /// mapping's lines start and at what indentation.
    fn nested(
        &self,
        (from, to): (usize, usize),
        indent: usize,
        nest_from: usize,
    ) -> Option<(String, usize)> {
        let size = (self.lines[to].start - self.lines[from].start) as usize;
        if size < nest_from || !self.starts_key(from, indent) {
            return None;
        }
        let line = self.text(from, from + 1);
        if !line.trim_end().ends_with(':') {
            return None;
        }
        // The first line that is neither blank nor a comment.
        let first =
            (from + 1..to).find(|&i| !matches!(self.lines[i].first, 0 | b'\r' | b'\n' | b'#'))?;
        let inner = self.lines[first].indent as usize;
        if inner <= indent || !self.starts_key(first, inner) {
            return None;
        }
        // The key as YAML reads it (quoted, escaped, a number...): the line alone is `key: null`.
        let Ok(YamlJson(Value::Object(map))) = serde_yaml::from_str(line) else {
            return None;
        };
        let mut entries = map.into_iter();
        match (entries.next(), entries.next()) {
            (Some((key, Value::Null)), None) => Some((key, inner)),
            _ => None,
        }
    }
}

impl<'a> Entries<'a> {
    /// The pieces of `text`, splitting entries of `nest_from` bytes or more; `None` when
    /// the text has a directive or a document marker after its start (a parse in one piece
    /// says what it makes of those).
    pub(super) fn split(text: &'a str, nest_from: usize) -> Option<Self> {
        u32::try_from(text.len()).ok()?;
        // By hand, byte by byte: searching each line's end with `memchr` (`split_inclusive`)
        // cost more per line than the line's bytes (35 on average) do to read.
        let bytes = text.as_bytes();
        let mut lines = Vec::with_capacity(bytes.len() / 32);
        let mut content_seen = false;
        let mut start = 0;
        while start < bytes.len() {
            let mut at = start;
            while bytes.get(at) == Some(&b' ') {
                at += 1;
            }
            let indent = at - start;
            let first = bytes.get(at).copied().unwrap_or(0);
            while at < bytes.len() && bytes[at] != b'\n' {
                at += 1;
            }
            let end = (at + 1).min(bytes.len());
            let line = &bytes[start..end];
            lines.push(Line {
                start: start as u32,
                indent: indent as u32,
                first,
            });
            start = end;
            if indent > 0 {
                continue;
            }
            if first == b'%' {
                return None;
            }
            if line.starts_with(b"---") || line.starts_with(b"...") {
                if content_seen {
                    return None;
                }
                continue;
            }
            if !matches!(first, 0 | b'\t' | b'\r' | b'\n' | b'#') {
                content_seen = true;
            }
        }
        lines.push(Line {
            start: start as u32,
            indent: 0,
            first: 0,
        });
        let lines = Lines { text, lines };
        let mut entries = Entries {
            text,
            spans: Vec::new(),
            root: Vec::new(),
        };
        entries.root = entries.nodes(&lines, (0, lines.lines.len() - 1), 0, nest_from);
        Some(entries)
    }

    fn nodes(
        &mut self,
        lines: &Lines<'a>,
        (from, to): (usize, usize),
        indent: usize,
        nest_from: usize,
    ) -> Vec<Node> {
        lines
            .cut(from, to, indent)
            .into_iter()
            .map(|entry| match lines.nested(entry, indent, nest_from) {
                Some((key, inner)) => Node::Nested(
                    key,
                    self.nodes(lines, (entry.0 + 1, entry.1), inner, nest_from),
                ),
                None => {
                    let span = lines.lines[entry.0].start..lines.lines[entry.1].start;
                    self.spans.push(span.start as usize..span.end as usize);
                    Node::Piece
                }
            })
            .collect()
    }

    /// How many pieces there are.
    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The pieces' texts, in order.
    fn pieces(&self) -> Vec<&'a str> {
        self.spans
            .iter()
            .map(|span| &self.text[span.clone()])
            .collect()
    }

    /// Parses every piece (on two threads when there are two cores), reusing `previous`'s
    /// values for pieces of the same text, and puts the values together. With `record`, also
    /// gives the plan of this run's record (`None` when it is `previous`'s). `None` when a
    /// piece does not parse to a mapping: the text is then parsed in one piece.
    pub(super) fn parse(
        &self,
        previous: Option<&Record<'_>>,
        record: bool,
    ) -> Option<(Value, Option<RecordPlan>)> {
        let empty = Record::default();
        let previous = previous.unwrap_or(&empty);
        let pieces = self.pieces();
        let (found, unchanged) = previous.find(&pieces);
        let work: Vec<(&str, Option<Recorded>)> = pieces
            .into_iter()
            .zip(
                found
                    .into_iter()
                    .map(|at| at.and_then(|at| previous.value(at))),
            )
            .collect();
        let two = work.len() > 1 && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
        let parsed: Vec<Option<Parsed>> = if two {
            // Two runs of pieces of about the same YAML to parse, one on another thread.
            let cost = |(piece, recorded): &(&str, Option<Recorded>)| match recorded {
                Some(recorded) => recorded.1.len() / 16,
                None => piece.len(),
            };
            let half = work.iter().map(cost).sum::<usize>() / 2;
            let mut size = 0;
            let at = work
                .iter()
                .position(|w| {
                    size += cost(w);
                    size >= half
                })
                .map_or(work.len(), |i| i + 1);
            let (first, second) = work.split_at(at);
            let (mut first, second) = std::thread::scope(|scope| {
                let second = scope.spawn(|| parse_all(second, record));
                (parse_all(first, record), second.join())
            });
            first.extend(second.ok()?);
            first
        } else {
            parse_all(&work, record)
        };
        let (values, packed): (Vec<_>, Vec<_>) = parsed
            .into_iter()
            .map(|p| p.map(|p| (p.value, p.packed)))
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .unzip();
        // The record is only planned here: put together from the text and the previous
        // record by the cache's writer, later, instead of copied on the way of the parse.
        let plan = (record && !unchanged)
            .then(|| {
                let entries = self
                    .spans
                    .iter()
                    .cloned()
                    .zip(packed)
                    .map(|(span, packed)| packed.map(|packed| (span, packed)));
                entries.collect::<Option<Vec<_>>>()
            })
            .flatten()
            .map(|entries| RecordPlan { entries });
        let root = assemble(&self.root, &mut values.into_iter())?;
        Some((Value::Object(root), plan))
    }
}

/// A piece's recorded value: where it is in the previous record, and its bytes.
type Recorded<'r> = (Range<usize>, &'r [u8]);

/// This run's record of a parse in pieces, before it is put together: each piece's text as
/// a span of the spec, its value as a span of the previous record or packed in this run.
/// Written out by [`RecordPlan::write_to`] given the two, on the cache's writing thread: put
/// together during the parse, a large spec's record (twice its size) was a copy and fresh
/// memory on the parse's way.
#[derive(Debug)]
pub struct RecordPlan {
    entries: Vec<(Range<usize>, Packed)>,
}

#[derive(Debug)]
enum Packed {
    /// As the previous record has it, at this span.
    Previous(Range<usize>),
    New(Vec<u8>),
}

impl RecordPlan {
    /// Writes the record of the parse of `text`, taking unchanged values from `previous` (the
    /// record it was parsed with). Spans outside them (a plan written with other bytes) are
    /// an error, not a panic.
    pub fn write_to(
        &self,
        text: &[u8],
        previous: &[u8],
        out: &mut (impl std::io::Write + ?Sized),
    ) -> std::io::Result<()> {
        let outside = || std::io::Error::other("a parse record's span is outside its text");
        for (span, packed) in &self.entries {
            let piece = text.get(span.clone()).ok_or_else(outside)?;
            let value = match packed {
                Packed::Previous(at) => previous.get(at.clone()).ok_or_else(outside)?,
                Packed::New(bytes) => bytes.as_slice(),
            };
            writeln!(out, "{} {}", piece.len(), value.len())?;
            out.write_all(piece)?;
            out.write_all(value)?;
        }
        Ok(())
    }
}

/// One piece's mapping, and what the record keeps of it.
struct Parsed {
    value: Map<String, Value>,
    /// `None` when not recording.
    packed: Option<Packed>,
}

fn parse_all(work: &[(&str, Option<Recorded<'_>>)], record: bool) -> Vec<Option<Parsed>> {
    work.iter()
        .map(|(piece, recorded)| parse_piece(piece, recorded.clone(), record))
        .collect()
}

/// A piece's value: from `recorded`, the previous record's for the same text, when there is
/// one (and it reads back), else parsed.
fn parse_piece(piece: &str, recorded: Option<Recorded<'_>>, record: bool) -> Option<Parsed> {
    if let Some((at, bytes)) = recorded {
        if let Some(value) = super::packed::unpack(bytes) {
            return Some(Parsed {
                value,
                packed: record.then_some(Packed::Previous(at)),
            });
        }
    }
    let Ok(YamlJson(Value::Object(value))) = serde_yaml::from_str(piece) else {
        return None;
    };
    let packed = match record {
        true => {
            let mut packed = Vec::new();
            super::packed::pack(&value, &mut packed)?;
            Some(Packed::New(packed))
        }
        false => None,
    };
    Some(Parsed { value, packed })
}

/// The mapping `nodes` make, taking the pieces' values in order: each key inserted as a whole
/// parse inserts it (a key repeated: the later value, at the earlier place).
fn assemble(
    nodes: &[Node],
    values: &mut impl Iterator<Item = Map<String, Value>>,
) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    for node in nodes {
        match node {
            Node::Piece => {
                for (key, value) in values.next()? {
                    out.insert(key, value);
                }
            }
            Node::Nested(key, inner) => {
                let inner = assemble(inner, values)?;
                out.insert(key.clone(), Value::Object(inner));
            }
        }
    }
    Some(out)
}

/// The previous run's pieces and their values, kept by [`crate::cache::Cache`]: for each
/// piece, `<text bytes> <value bytes>\n`, the text, the value ([`super::packed`]). Pieces are
/// matched by their whole text, so a value is reused only for exactly the text it was parsed
/// from.
#[derive(Debug, Default)]
pub(crate) struct Record<'r> {
    bytes: &'r [u8],
    /// Text and packed value (where it is in `bytes`) of each piece, in the order of the text.
    entries: Vec<(&'r [u8], Range<usize>)>,
}

/// How many pieces past the last match a piece is looked for before the record is searched
/// as a whole: pieces inserted or removed next to an edit.
const WINDOW: usize = 16;

impl<'r> Record<'r> {
    /// Reads a record; `None` when it is cut short or malformed (no reuse then).
    pub(crate) fn read(bytes: &'r [u8]) -> Option<Self> {
        let mut record = Record {
            bytes,
            entries: Vec::new(),
        };
        let mut at = 0;
        while at < bytes.len() {
            let end = at + bytes[at..].iter().position(|&b| b == b'\n')?;
            let header = std::str::from_utf8(&bytes[at..end]).ok()?;
            let (text, value) = header.split_once(' ')?;
            let (text, value): (usize, usize) = (text.parse().ok()?, value.parse().ok()?);
            let piece = end + 1..(end + 1).checked_add(text)?;
            let value = piece.end..piece.end.checked_add(value)?;
            if value.end > bytes.len() {
                return None;
            }
            at = value.end;
            record.entries.push((&bytes[piece], value));
        }
        Some(record)
    }

    /// The packed value at `k`, and where it is in the record.
    fn value(&self, k: usize) -> Option<Recorded<'r>> {
        let (_, at) = self.entries.get(k)?;
        Some((at.clone(), self.bytes.get(at.clone())?))
    }

    /// The value recorded for each of `pieces`, when the record has a piece of the same text;
    /// and whether the record is exactly `pieces`. Found by position first (two versions of
    /// a spec cut into mostly the same pieces in the same order): each piece is compared with
    /// those just after the last one found; only when two pieces in a row are not found so
    /// (many pieces moved or removed) is the whole record indexed by text.
    fn find(&self, pieces: &[&str]) -> (Vec<Option<usize>>, bool) {
        let mut found = Vec::with_capacity(pieces.len());
        let mut unchanged = pieces.len() == self.entries.len();
        let mut next = 0;
        let mut misses = 0;
        let mut index: Option<HashMap<&[u8], usize>> = None;
        for (i, piece) in pieces.iter().enumerate() {
            let piece = piece.as_bytes();
            let near =
                (next..self.entries.len().min(next + WINDOW)).find(|&k| self.entries[k].0 == piece);
            let at = near.or_else(|| {
                misses += 1;
                if misses < 2 && index.is_none() {
                    return None;
                }
                let index = index.get_or_insert_with(|| {
                    let mut map = HashMap::with_capacity(self.entries.len());
                    for (k, (text, _)) in self.entries.iter().enumerate() {
                        map.entry(*text).or_insert(k);
                    }
                    map
                });
                index.get(piece).copied()
            });
            if near.is_some() {
                misses = 0;
            }
            unchanged &= at == Some(i);
            found.push(at);
            if let Some(k) = at {
                next = k + 1;
            }
        }
        (found, unchanged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Value {
        serde_yaml::from_str::<YamlJson>(text).unwrap().0
    }

    /// Parses `text` in pieces (nesting from `nest_from`), checks the value (key order
    /// included) against a whole parse, and gives the record.
    fn in_pieces(text: &str, nest_from: usize, previous: Option<&[u8]>) -> (usize, Vec<u8>) {
        let entries = Entries::split(text, nest_from).unwrap();
        let read = previous.map(|p| Record::read(p).unwrap());
        let (value, plan) = entries.parse(read.as_ref(), true).unwrap();
        assert_eq!(value.to_string(), whole(text).to_string(), "{text:?}");
        let mut record = Vec::new();
        if let Some(plan) = plan {
            plan.write_to(text.as_bytes(), previous.unwrap_or_default(), &mut record)
                .unwrap();
        }
        (entries.len(), record)
    }

    #[test]
    fn large_entries_are_split_into_theirs() {
        let text = "openapi: 3.1.0\n# paths\npaths:\n  /a:\n    get: {}\n  \"/b\":\n    get: {}\n\
                    components:\n  schemas:\n    A:\n      type: string\n\n    B: {type: integer}\n";
        let entries = Entries::split(text, 30).unwrap();
        assert_eq!(
            entries.pieces(),
            [
                "openapi: 3.1.0\n# paths\n",
                "  /a:\n    get: {}\n",
                "  \"/b\":\n    get: {}\n",
                "    A:\n      type: string\n\n",
                "    B: {type: integer}\n",
            ]
        );
        assert_eq!(in_pieces(text, 30, None).0, 5);
        // With no size limit, `/a`, `/b` and `A` are split too.
        assert_eq!(in_pieces(text, 0, None).0, 5);
        // Below the size, an entry is one piece.
        assert_eq!(in_pieces(text, 1 << 20, None).0, 3);
    }

    #[test]
    fn a_second_parse_reuses_the_pieces_it_finds() {
        let text = "a:\n  x: 1\n  y: [1, 2.5, -0.0, 1e300, \"s\"]\nb: 2\n";
        let (_, record) = in_pieces(text, 0, None);
        // Nothing changed: no new record.
        let entries = Entries::split(text, 0).unwrap();
        let previous = Record::read(&record).unwrap();
        let (value, again) = entries.parse(Some(&previous), true).unwrap();
        assert_eq!(value, whole(text));
        assert!(again.is_none());
        // A record whose value says otherwise is believed: so a piece's value came from it.
        // (`x`: its length, its text, the tag of an unsigned number, the number.)
        let x1 = [1, 0, 0, 0, b'x', 3, 1, 0, 0, 0, 0, 0, 0, 0];
        let at = record.windows(x1.len()).position(|w| w == x1).unwrap();
        let mut forged = record.clone();
        forged[at + 6] = 7;
        let forged = Record::read(&forged).unwrap();
        let (value, _) = entries.parse(Some(&forged), true).unwrap();
        assert_eq!(value["a"]["x"], 7);
        // A value that does not read back (a tag unknown) is parsed from its text instead.
        let mut broken = record.clone();
        broken[at + 5] = 0xff;
        let broken = Record::read(&broken).unwrap();
        let (value, _) = entries.parse(Some(&broken), true).unwrap();
        assert_eq!(value, whole(text));
        // One piece changed: the others reused, the record has the new one.
        let changed = text.replace("b: 2", "b: 3");
        let (_, newer) = in_pieces(&changed, 0, Some(&record));
        let b3 = [1, 0, 0, 0, b'b', 3, 3, 0, 0, 0, 0, 0, 0, 0];
        assert!(newer.windows(b3.len()).any(|w| w == b3));
        // A broken record is no record.
        assert!(Record::read(b"5 3\nab").is_none());
        assert!(Record::read(b"x y\n").is_none());
    }

    /// A record of `pieces` whose value for each is its index (as text: `find` only frames).
    fn record_of(pieces: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, piece) in pieces.iter().enumerate() {
            let json = i.to_string();
            out.extend_from_slice(
                format!("{} {}\n{piece}{json}", piece.len(), json.len()).as_bytes(),
            );
        }
        out
    }

    /// Which record entry `find` gives each piece (by the index its value holds).
    fn found(record: &[&str], pieces: &[&str]) -> (Vec<Option<usize>>, bool) {
        let bytes = record_of(record);
        let record = Record::read(&bytes).unwrap();
        let (found, unchanged) = record.find(pieces);
        let found = found
            .into_iter()
            .map(|k| {
                k.map(|k| {
                    let (_, value) = record.value(k).unwrap();
                    std::str::from_utf8(value).unwrap().parse().unwrap()
                })
            })
            .collect();
        (found, unchanged)
    }

    #[test]
    fn pieces_are_found_by_position_then_by_text() {
        let old: Vec<String> = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        let old: Vec<&str> = old.iter().map(String::as_str).collect();
        assert_eq!(found(&old, &old), ((0..100).map(Some).collect(), true));
        // One piece edited, one inserted, a few removed: the rest found near where they were.
        let mut new = old.clone();
        new[10] = "k10: changed\n";
        new.insert(50, "new: 1\n");
        new.drain(70..75);
        let (got, unchanged) = found(&old, &new);
        assert!(!unchanged);
        // `new` is old 0..10, an edit, old 11..50, an insertion, old 50..69 and old 74..100.
        let want: Vec<Option<usize>> = (0..10)
            .map(Some)
            .chain([None])
            .chain((11..50).map(Some))
            .chain([None])
            .chain((50..69).map(Some))
            .chain((74..100).map(Some))
            .collect();
        assert_eq!(got, want);
        // Far moves and many removals: found through the whole record's index from the second
        // piece in a row not found near (the first is taken for an edit, and parsed).
        let mut moved = old.clone();
        moved.reverse();
        let (got, unchanged) = found(&old, &moved);
        assert!(!unchanged);
        let want = [None].into_iter().chain((0..99).rev().map(Some));
        assert_eq!(got, want.collect::<Vec<_>>());
        let (got, _) = found(&old, &old[60..]);
        let want = [None].into_iter().chain((61..100).map(Some));
        assert_eq!(got, want.collect::<Vec<_>>());
        // The same pieces in another order, or fewer, are not the record.
        assert!(!found(&old, &old[..99]).1);
    }

    #[test]
    fn texts_that_do_not_cut_cleanly_are_refused() {
        let cases = [
            // An alias to an anchor of another piece.
            "a: &x {k: 1}\nb: 2\nc: *x\n",
            // A double-quoted scalar going on at column 0 with a key-like line.
            "a: \"one\nb: two\"\nc: 3\n",
            // A flow mapping left open over lines.
            "a: {x: 1,\ny: 2}\nb: 3\n",
        ];
        for text in cases {
            let entries = Entries::split(text, 0).unwrap();
            assert!(entries.parse(None, false).is_none(), "{text:?}");
        }
        assert!(Entries::split("a: 1\n---\nb: 2\n", 0).is_none());
        assert!(Entries::split("%YAML 1.2\n---\na: 1\n", 0).is_none());
    }

    #[test]
    fn what_does_cut_cleanly_parses_as_a_whole() {
        let cases = [
            // A key repeated across pieces: the later value at the earlier place.
            "a: 1\nb: 2\na: 3\n",
            "a:\n  x: 1\nb: 2\na:\n  y: 3\n",
            // Block scalars, compact sequences, comments and CRLF line ends.
            "a: |\n  text\n  b: not a key\nc:\n- 1\n- 2\n# d: comment\r\ne: 5\r\n",
            // An empty block scalar: the next line at column 0 is a key, not its text.
            "a: |\nb: 2\nc: 3\n",
            // Explicit keys, tags, and keys YAML reads as numbers.
            "? a\n: 1\nb: 2\n!!str c: 3\n200: ok\n",
            // Anchors and aliases within one piece; a start marker.
            "---\na:\n  x: &x {k: 1}\n  y: *x\nb: 2\n",
            // A nested key line with a comment, an anchor or a tag is one piece.
            "a: # c\n  x: 1\nb: &b\n  y: 2\nc: !!map\n  z: 3\n",
            // A nested mapping whose first line is a sequence, or nothing.
            "a:\n  - 1\nb:\nc:\n  # only a comment\n",
            // Quoted keys with escapes, at both levels.
            "\"a\\tb\":\n  'c''d': 1\n  e: 2\n",
            // No line end at the end of the text; blank lines of spaces; a key line last.
            "a:\n  x: 1\n   \n\nb: 2",
            "a: 1\nb:",
        ];
        for text in cases {
            in_pieces(text, 0, None);
        }
    }

    #[test]
    fn every_fixture_spec_parses_the_same_in_pieces() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut files = vec![root.join("telnyx/spec3.yml"), root.join("hostile-text.yml")];
        for entry in std::fs::read_dir(root.join("crates")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yml") {
                files.push(path);
            }
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let (pieces, record) = in_pieces(&text, NEST_FROM, None);
            assert!(pieces > 1, "{}", file.display());
            // And again from the record, every piece reused.
            let entries = Entries::split(&text, NEST_FROM).unwrap();
            let previous = Record::read(&record).unwrap();
            let (value, again) = entries.parse(Some(&previous), true).unwrap();
            assert_eq!(value.to_string(), whole(&text).to_string());
            assert!(again.is_none(), "{}", file.display());
        }
    }
}
