//! A short string a `pattern` matches, for values made from a schema: each repetition at its
//! least (once, when it may be empty), each alternation's first branch, each class's
//! plainest character.

use regex_syntax::hir::{Class, Hir, HirKind};

/// A string the pattern matches, or `None` when the pattern does not parse here
/// (look-arounds and back-references, which ECMA-262 has and this parser does not).
pub fn sample(pattern: &str) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    let mut out = String::new();
    write(&hir, &mut out, 0).then_some(out)
}

fn write(hir: &Hir, out: &mut String, depth: usize) -> bool {
    if depth > 64 || out.len() > 4096 {
        return false;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
            Ok(text) => {
                out.push_str(text);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(Class::Unicode(class)) => {
            let ranges: Vec<(u32, u32)> = class
                .ranges()
                .iter()
                .map(|r| (r.start() as u32, r.end() as u32))
                .collect();
            match plainest(&ranges).and_then(char::from_u32) {
                Some(c) => {
                    out.push(c);
                    true
                }
                None => false,
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            let ranges: Vec<(u32, u32)> = class
                .ranges()
                .iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end())))
                .collect();
            match plainest(&ranges)
                .filter(|c| *c < 0x80)
                .and_then(char::from_u32)
            {
                Some(c) => {
                    out.push(c);
                    true
                }
                None => false,
            }
        }
        HirKind::Repetition(repetition) => {
            // At least once: an optional part left out often leaves a value too short.
            let count = repetition.min.max(1);
            let count = repetition.max.map_or(count, |max| count.min(max));
            (0..count).all(|_| write(&repetition.sub, out, depth + 1))
        }
        HirKind::Capture(capture) => write(&capture.sub, out, depth + 1),
        HirKind::Concat(parts) => parts.iter().all(|part| write(part, out, depth + 1)),
        HirKind::Alternation(branches) => branches
            .first()
            .is_some_and(|first| write(first, out, depth + 1)),
    }
}

/// The class's plainest character: a letter or digit, else printable ASCII, else its first.
fn plainest(ranges: &[(u32, u32)]) -> Option<u32> {
    let contains = |c: u32| {
        ranges
            .iter()
            .any(|(start, end)| (*start..=*end).contains(&c))
    };
    let preferred = ('a'..='z').chain('A'..='Z').chain('0'..='9').map(u32::from);
    preferred
        .chain(0x21..0x7f)
        .find(|c| contains(*c))
        .or_else(|| ranges.first().map(|(start, _)| *start))
}

#[cfg(test)]
mod tests {
    use super::sample;

    #[test]
    fn samples_match_their_patterns() {
        for (pattern, expected) in [
            (r"^\+[1-9]\d{1,14}$", "+10"),
            (r"^[A-Z]{2}$", "AA"),
            (r"^(foo|bar)-\d+$", "foo-0"),
            (r"^[^\s]+@example\.com$", "a@example.com"),
            (r"^v\d+(\.\d+)?$", "v0.0"),
            (r"abc", "abc"),
        ] {
            assert_eq!(sample(pattern).as_deref(), Some(expected), "{pattern}");
        }
    }

    #[test]
    fn unsupported_patterns_give_nothing() {
        assert_eq!(sample(r"^(?=.*\d)\w+$"), None);
        assert_eq!(sample(r"(a)\1"), None);
        assert_eq!(sample("["), None);
    }
}
