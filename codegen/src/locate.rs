//! The line a JSON pointer names in a spec's text, for reports that point into the file
//! (`codegen diff --format github`). JSON is walked token by token; YAML by indentation (block
//! style, the way specs are written). A pointer that cannot be followed to its end names the
//! deepest line it reached; one that leaves the file at once, none.

use crate::pointer;

/// The 1-based line of `pointer` (`#/paths/~1pets/get`) in `text`.
pub fn line_of(text: &str, at: &str) -> Option<usize> {
    let segments = pointer::segments(at);
    let offset = if text.trim_start().starts_with(['{', '[']) {
        json_offset(text, &segments)
    } else {
        yaml_offset(text, &segments)
    }?;
    Some(text[..offset.min(text.len())].matches('\n').count() + 1)
}

/// The byte offset of the deepest key of `segments` found in JSON text.
fn json_offset(text: &str, segments: &[String]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    let mut found = None;
    for segment in segments {
        match bytes.get(pos) {
            Some(b'{') => {
                pos = skip_ws(bytes, pos + 1);
                let mut hit = None;
                while bytes.get(pos) == Some(&b'"') {
                    let key_at = pos;
                    let (key, after) = json_string(bytes, pos)?;
                    pos = skip_ws(bytes, after);
                    if bytes.get(pos) != Some(&b':') {
                        return found;
                    }
                    pos = skip_ws(bytes, pos + 1);
                    if key == *segment {
                        hit = Some(key_at);
                        break;
                    }
                    pos = skip_ws(bytes, skip_value(bytes, pos)?);
                    if bytes.get(pos) == Some(&b',') {
                        pos = skip_ws(bytes, pos + 1);
                    }
                }
                found = Some(hit?);
            }
            Some(b'[') => {
                let index: usize = segment.parse().ok()?;
                pos = skip_ws(bytes, pos + 1);
                for _ in 0..index {
                    pos = skip_ws(bytes, skip_value(bytes, pos)?);
                    if bytes.get(pos) != Some(&b',') {
                        return found;
                    }
                    pos = skip_ws(bytes, pos + 1);
                }
                found = Some(pos);
            }
            _ => return found,
        }
    }
    found
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|b| b.is_ascii_whitespace()) {
        pos += 1;
    }
    pos
}

/// A JSON string at `pos` (escapes read as written, enough to compare plain keys), and the
/// position after it.
fn json_string(bytes: &[u8], pos: usize) -> Option<(String, usize)> {
    let mut out = Vec::new();
    let mut i = pos + 1;
    loop {
        match *bytes.get(i)? {
            b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), i + 1)),
            b'\\' => {
                let escaped = *bytes.get(i + 1)?;
                out.push(match escaped {
                    b'/' | b'"' | b'\\' => escaped,
                    other => other,
                });
                i += 2;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
}

/// The position after the JSON value at `pos`.
fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    match *bytes.get(pos)? {
        b'"' => json_string(bytes, pos).map(|(_, end)| end),
        b'{' | b'[' => {
            // Depth counting, strings skipped whole.
            let mut depth = 0usize;
            let mut i = pos;
            loop {
                match *bytes.get(i)? {
                    b'"' => {
                        i = json_string(bytes, i)?.1;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = pos;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}

/// The byte offset of the deepest line of `segments` found in block-style YAML.
fn yaml_offset(text: &str, segments: &[String]) -> Option<usize> {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line.trim_end_matches(['\n', '\r'])))
        })
        .collect();
    let indent = |line: &str| line.len() - line.trim_start().len();
    let content = |line: &str| {
        let t = line.trim_start();
        !t.is_empty() && !t.starts_with('#')
    };
    // The block being searched: lines `from..to` deeper than `parent`.
    let (mut from, mut to, mut parent) = (0, lines.len(), None::<usize>);
    let mut found = None;
    for segment in segments {
        let children: Vec<usize> = (from..to).filter(|&i| content(lines[i].1)).collect();
        let Some(level) = children.iter().map(|&i| indent(lines[i].1)).min() else {
            return found;
        };
        if parent.is_some_and(|p| level <= p) {
            return found;
        }
        let at_level: Vec<usize> = children
            .into_iter()
            .filter(|&i| indent(lines[i].1) == level)
            .collect();
        let hit = match segment.parse::<usize>() {
            Ok(n) if lines[*at_level.first()?].1.trim_start().starts_with('-') => {
                at_level.get(n).copied()
            }
            _ => at_level.into_iter().find(|&i| {
                let t = lines[i].1.trim_start();
                let t = t.strip_prefix("- ").unwrap_or(t);
                [
                    format!("{segment}:"),
                    format!("\"{segment}\":"),
                    format!("'{segment}':"),
                ]
                .iter()
                .any(|key| t.starts_with(key.as_str()))
            }),
        };
        let Some(hit) = hit else { return found };
        found = Some(lines[hit].0 + indent(lines[hit].1));
        let level_of_hit = indent(lines[hit].1);
        from = hit + 1;
        to = (from..lines.len())
            .find(|&i| content(lines[i].1) && indent(lines[i].1) <= level_of_hit)
            .unwrap_or(lines.len());
        // A sequence item's keys sit deeper than its dash: search the item's own lines too.
        if lines[hit].1.trim_start().starts_with("- ") {
            from = hit;
        }
        parent = Some(level_of_hit);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "openapi: 3.0.0\ninfo:\n  title: t\npaths:\n  /pets:\n    get:\n      parameters:\n        - name: a\n          in: query\n        - name: b\n          in: query\n      responses:\n        '200':\n          description: ok\ncomponents:\n  schemas:\n    Pet:\n      properties:\n        name: {type: string}\n";

    #[test]
    fn yaml_pointers_find_their_lines() {
        assert_eq!(line_of(YAML, "#/paths/~1pets/get"), Some(6));
        assert_eq!(line_of(YAML, "#/paths/~1pets/get/parameters/1"), Some(10));
        assert_eq!(line_of(YAML, "#/paths/~1pets/get/responses/200"), Some(13));
        assert_eq!(
            line_of(YAML, "#/components/schemas/Pet/properties/name"),
            Some(19)
        );
        // Inside a flow mapping: the deepest line reached.
        assert_eq!(
            line_of(YAML, "#/components/schemas/Pet/properties/name/type"),
            Some(19)
        );
        assert_eq!(line_of(YAML, "#/nowhere"), None);
    }

    #[test]
    fn json_pointers_find_their_lines() {
        let json = "{\n  \"paths\": {\n    \"/a\": {\"get\": {}},\n    \"/pets\": {\n      \"get\": {\n        \"parameters\": [\n          {\"name\": \"x\"},\n          {\"name\": \"y\"}\n        ]\n      }\n    }\n  }\n}\n";
        assert_eq!(line_of(json, "#/paths/~1pets/get"), Some(5));
        assert_eq!(line_of(json, "#/paths/~1pets/get/parameters/1"), Some(8));
        assert_eq!(line_of(json, "#/paths/~1a/get"), Some(3));
    }
}
