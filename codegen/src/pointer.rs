//! JSON pointers (RFC 6901) as the generator writes and reads them (`#/components/schemas/Foo`):
//! the one place their segments are escaped and unescaped. Used by bundling, loading and
//! lowering alike.

/// Escapes one segment (`a/b~c` → `a~1b~0c`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one segment (`a~1b~0c` → `a/b~c`).
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// One segment of a `$ref` (a URI fragment): percent-decoded, then unescaped
/// (`My%20Schema` → `My Schema`).
pub fn reference_segment(segment: &str) -> String {
    unescape(&percent_decode(segment))
}

/// `base/segment`, the segment escaped.
pub fn join(base: &str, segment: &str) -> String {
    format!("{base}/{}", escape(segment))
}

/// The unescaped segments of a pointer (`/paths/~1pets/get` or `#/paths/~1pets/get` →
/// `["paths", "/pets", "get"]`); the empty pointer has none.
pub fn segments(pointer: &str) -> Vec<String> {
    let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
    pointer.split('/').skip(1).map(unescape).collect()
}

/// The pointer of a component (`#/components/schemas/Foo`).
pub fn component(section: &str, name: &str) -> String {
    format!("#/components/{section}/{}", escape(name))
}

/// Decodes `%XX` escapes (a reference's fragment is a URI fragment); anything that is not a
/// valid escape is kept as written.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        for raw in ["a/b~c", "~1", "/", "plain", "~01"] {
            assert_eq!(unescape(&escape(raw)), raw);
        }
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(join("#/paths", "/pets/{id}"), "#/paths/~1pets~1{id}");
        assert_eq!(component("schemas", "a/b"), "#/components/schemas/a~1b");
    }

    #[test]
    fn segments_are_unescaped() {
        assert_eq!(segments("#/paths/~1pets/get"), ["paths", "/pets", "get"]);
        assert_eq!(segments("/a~0b"), ["a~b"]);
        assert!(segments("").is_empty());
        assert!(segments("#").is_empty());
    }

    #[test]
    fn percent_decoding_never_panics_on_odd_input() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("%7Bid%7D"), "{id}");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%a"), "%a");
        assert_eq!(percent_decode("%aé"), "%aé");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
