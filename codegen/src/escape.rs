//! Spec text is data. Text from the spec (titles, names, URLs, examples...) and its file name
//! are written by others; they reach a generated or reported file only through the function
//! here for the context they land in, never by `format!` straight into the file:
//!
//! | context | function |
//! |---|---|
//! | a `//` comment line, a TOML `#` comment | [`comment`] |
//! | a TOML basic string | [`toml_string`] |
//! | a Markdown code span (rustdoc, `API.md`, reports) | [`code_span`] |
//! | a Markdown table cell built from code spans and our own words | [`markdown_cell`] |
//! | rustdoc from Markdown (descriptions, summaries) | `emit::docs::sanitize` |
//! | spec text inside a doc line of our own (titles, versions) | `emit::docs::inline` |
//! | a GitHub workflow command (`codegen diff --format github`) | `diff::report` |
//! | a Rust string literal | `quote!` (proc_macro2 escapes quotes, controls and bidi) |
//! | a file name | `naming::module_name` (ASCII, bounded, no device names) |
//!
//! Control characters would end a comment line early (a newline) or forge terminal output
//! (ANSI escapes); bidirectional overrides make text read differently from what it is, and
//! rustc denies them in comments (`text_direction_codepoint_in_comment`).

/// Characters that change how text around them reads: bidi embeddings, overrides and isolates,
/// directional marks, line and paragraph separators, the byte-order mark.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Whether `c` may not appear raw in a single line of generated text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// `c` as visible text: `\u{202E}`.
fn visible(c: char) -> String {
    format!("\\u{{{:X}}}", c as u32)
}

/// One line for a `//` (or TOML `#`) comment: line breaks and tabs become spaces, other
/// control and invisible characters are shown as `\u{..}`.
pub fn comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe(c) => out.push_str(&visible(c)),
            c => out.push(c),
        }
    }
    out
}

/// A TOML basic string (`"..."`): quotes, backslashes, control and invisible characters escaped.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Markdown code span that shows `text` exactly, on one line: the fence is longer than any
/// run of backticks inside; line breaks become spaces and invisible characters `\u{..}`.
pub fn code_span(text: &str) -> String {
    let text = comment(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || longest > 0 {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A Markdown table cell from text made of our own words and [`code_span`]s (which may hold
/// spec text): on one line, and `|` escaped everywhere (GitHub splits cells at a `|` even
/// inside a code span), `<` and `>` escaped outside code spans (no HTML comment can hide the
/// rest of the document).
pub fn markdown_cell(text: &str) -> String {
    let text = comment(text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while !rest.is_empty() {
        if rest.starts_with('`') {
            let n = rest.chars().take_while(|&c| c == '`').count();
            if let Some(end) = closing_run(&rest[n..], n) {
                let span = &rest[..n + end + n];
                out.push_str(&span.replace('|', "\\|"));
                rest = &rest[span.len()..];
                continue;
            }
            out.push_str(&"\\`".repeat(n));
            rest = &rest[n..];
            continue;
        }
        let mut chars = rest.chars();
        match chars.next().unwrap_or_default() {
            // Already escaped: kept with the character it escapes.
            '\\' => {
                out.push('\\');
                out.extend(chars.next());
            }
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
        rest = chars.as_str();
    }
    out
}

/// Offset of a closing run of exactly `n` backticks in `s` (a code span's end).
pub fn closing_run(s: &str, n: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if run == n {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(
            comment("a\nb\r\n#![doc = x]\u{202E}\u{1b}[31m"),
            "a b  #![doc = x]\\u{202E}\\u{1B}[31m"
        );
    }

    #[test]
    fn toml_strings_escape_everything_that_could_end_them() {
        assert_eq!(
            toml_string("a\"\n[lib]\\\u{2066}"),
            "\"a\\\"\\u000A[lib]\\\\\\u2066\""
        );
    }

    #[test]
    fn code_spans_survive_backticks_and_lines() {
        assert_eq!(code_span("a`b"), "`` a`b ``");
        assert_eq!(code_span("plain"), "`plain`");
        assert_eq!(code_span("x\n```rust"), "```` x ```rust ````");
    }

    #[test]
    fn markdown_cells_keep_code_spans_and_escape_pipes() {
        assert_eq!(
            markdown_cell("`a|b` is <gone> | ok"),
            "`a\\|b` is &lt;gone&gt; \\| ok"
        );
        assert_eq!(markdown_cell(&code_span("x<!--")), "`x<!--`");
        assert_eq!(markdown_cell("`open"), "\\`open");
        assert_eq!(markdown_cell("a \\| b \\` c"), "a \\| b \\` c");
    }
}
