//! Spec text → rustdoc. Spec text is data: it only ever lands inside `#[doc = "..."]`
//! string literals, and is rewritten so that rustdoc renders it without warnings and never
//! runs it as a doctest (every code block becomes `text`, indented blocks are flattened).
//! Text placed inside a line of our own goes through [`inline`] or [`code_span`], so it can
//! neither start a line (a code fence) nor end one; every line is a single line without
//! control or bidi characters (see [`crate::escape`]).

use crate::ir::Docs;
use proc_macro2::TokenStream;
use quote::quote;

pub use crate::escape::code_span;

/// `#[doc = "..."]` attributes, one per line.
pub fn attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        let l = padded(&crate::escape::comment(l));
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

/// `#![doc = "..."]` attributes (a module's own docs), one per line.
pub fn inner_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        let l = padded(&crate::escape::comment(l));
        quote!(#![doc = #l])
    });
    quote!(#(#lines)*)
}

/// Whether rustdoc accepts `alias` in `#[doc(alias = "...")]` (no quotes, backslashes or
/// whitespace, not empty).
pub fn is_valid_alias(alias: &str) -> bool {
    !alias.is_empty()
        && !alias
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '\\'))
}

/// A doc line as `///` writes it: one space after the marker, none on blank lines.
fn padded(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    }
}

/// The doc lines of a schema-level item: title, description, default and example.
pub fn lines(docs: &Docs) -> Vec<String> {
    lines_with(docs, None)
}

/// [`lines`] with `note` (a line of ours: the schema's pointer) after the spec's own text and
/// before the default and example, so that the summary rustdoc lists is the spec's.
pub fn lines_with(docs: &Docs, note: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let paragraph = |text: &str, out: &mut Vec<String>| {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(sanitize(text));
    };
    if let Some(title) = docs.title.as_deref().filter(|t| !t.trim().is_empty()) {
        let same = docs.description.as_deref().map(str::trim) == Some(title.trim());
        if !same {
            paragraph(title, &mut out);
        }
    }
    if let Some(description) = docs.description.as_deref().filter(|t| !t.trim().is_empty()) {
        paragraph(description, &mut out);
    }
    if let Some(note) = note {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.push(note.to_owned());
    }
    if let Some(default) = &docs.default {
        paragraph(
            &format!("Default: {}", code_span(&example_text(default))),
            &mut out,
        );
    }
    if let Some(example) = &docs.example {
        paragraph(
            &format!("Example: {}", code_span(&example_text(example))),
            &mut out,
        );
    }
    out
}

/// Strings render without JSON quotes (`+15551234567`), everything else as compact JSON.
fn example_text(json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::String(s)) if !s.contains('\n') => s,
        _ => json.to_owned(),
    }
}

/// Spec text inside a line of our own: on one line, with Markdown escaped as in a paragraph
/// (an unmatched backtick cannot open a code block, `#` cannot start a heading).
pub fn inline(text: &str) -> String {
    escape_inline(crate::escape::comment(text).trim())
}

/// Rewrites Markdown from the spec into lines that rustdoc renders without warnings:
/// fenced blocks become `text` blocks; outside code, `[`/`]` are escaped (no intra-doc
/// links), `<`/`>` become entities (no stray HTML), bare URLs are wrapped in `<...>`, and
/// indentation that would make an (executable) code block is removed.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    // Inside a list item, the width of its marker: the item's further lines are indented by
    // it (Markdown reads them as the item's anyway; written so, they are not "lazy").
    let mut list_item: Option<usize> = None;
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        // Tabs as four spaces (clippy: tabs in doc comments), other controls as one; bidi
        // and other invisible characters shown as `\u{..}`.
        let line = crate::escape::comment(&raw.replace('\t', "    "));
        let trimmed = line.trim_start();
        if let Some(marker) = &fence {
            if trimmed.starts_with(marker.as_str())
                && trimmed
                    .trim_end()
                    .chars()
                    .all(|c| c == marker.as_bytes()[0] as char)
            {
                out.push(marker.clone());
                fence = None;
            } else {
                out.push(line.trim_end().to_owned());
            }
            continue;
        }
        if let Some(marker) = fence_marker(trimmed) {
            out.push(format!("{marker}text"));
            fence = Some(marker);
            list_item = None;
            continue;
        }
        let escaped = escape_inline(trimmed.trim_end());
        match (list_marker(trimmed), list_item) {
            _ if escaped.is_empty() => list_item = None,
            (Some(width), _) => list_item = Some(width),
            (None, Some(width)) => {
                out.push(format!("{}{escaped}", " ".repeat(width)));
                continue;
            }
            (None, None) => {}
        }
        out.push(escaped);
    }
    if let Some(marker) = fence {
        out.push(marker); // close a block the spec left open
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out
}

/// The width of a list item's marker (`- `, `* `, `+ `, `1. `, `1) `), if the line starts one.
fn list_marker(line: &str) -> Option<usize> {
    // The item's text starts after the marker and the spaces that follow it (one to four:
    // `*   item` continues at column 4); more than four are a code block inside the item.
    let content = |marker: usize| {
        let spaces = line[marker..].chars().take_while(|&c| c == ' ').count();
        marker + if (1..=4).contains(&spaces) { spaces } else { 1 }
    };
    if ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m)) {
        return Some(content(1));
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then(|| content(digits + 1))
}

fn fence_marker(line: &str) -> Option<String> {
    for c in ['`', '~'] {
        let n = line.chars().take_while(|&x| x == c).count();
        if n >= 3 {
            return Some(c.to_string().repeat(n));
        }
    }
    None
}

/// Escapes one line outside code spans.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        // A code span: a run of N backticks up to the next run of exactly N.
        if rest.starts_with('`') {
            let n = rest.chars().take_while(|&c| c == '`').count();
            let fence = &rest[..n];
            if let Some(end) = crate::escape::closing_run(&rest[n..], n) {
                out.push_str(fence);
                out.push_str(&rest[n..n + end + n]);
                rest = &rest[n + end + n..];
                continue;
            }
            out.push_str(&"\\`".repeat(n));
            rest = &rest[n..];
            continue;
        }
        // `![alt](src)`: an image (a badge) is its alt text; `[text](https://..)`: a link
        // kept (its text escaped); other brackets are escaped below (no intra-doc links).
        if let Some((image, text, target, len)) = markdown_link(rest) {
            let text = escape_inline(text);
            if image {
                out.push_str(&text);
            } else {
                out.push_str(&format!("[{text}]({target})"));
            }
            rest = &rest[len..];
            continue;
        }
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        let mut chars = rest.chars();
        let c = chars.next().unwrap_or_default();
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' => out.push_str("\\\\"),
            '#' if out.is_empty() => out.push_str("\\#"),
            '|' => out.push_str("\\|"),
            c => out.push(c),
        }
        rest = chars.as_str();
    }
    out
}

/// A Markdown image (`![alt](src)`, any source) or a link to a web page (`[text](https://..)`,
/// whose text may be an image) at the start of `s`: (is an image, text, target, length).
fn markdown_link(s: &str) -> Option<(bool, &str, &str, usize)> {
    let image = s.starts_with("![");
    let open = if image { 2 } else { 1 };
    if !image && !s.starts_with('[') {
        return None;
    }
    // The text ends at the `]` that closes it (a nested image's brackets included).
    let mut depth = 0usize;
    let mut close = None;
    for (i, c) in s[open..].char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 0 => {
                close = Some(open + i);
                break;
            }
            ']' => depth -= 1,
            '\n' => return None,
            _ => {}
        }
    }
    let close = close?;
    let after = s[close + 1..].strip_prefix('(')?;
    let end = after.find(')')?;
    let target = &after[..end];
    if target.is_empty() || target.contains(char::is_whitespace) || target.contains('<') {
        return None;
    }
    let web = target.starts_with("https://") || target.starts_with("http://");
    if !image && !web {
        return None;
    }
    Some((image, &s[open..close], target, close + 2 + end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_become_their_text_and_web_links_stay_links() {
        assert_eq!(
            sanitize("[![Run in Postman](https://run.pstmn.io/button.svg)](https://app.getpostman.com/run?x=1) and ![logo](logo.png) and [docs](https://example.com/a_b) but [ref] and [x](#/anchor)"),
            vec!["[Run in Postman](https://app.getpostman.com/run?x=1) and logo and [docs](https://example.com/a_b) but \\[ref\\] and \\[x\\](#/anchor)"]
        );
    }

    #[test]
    fn markdown_is_made_safe() {
        let lines = sanitize(
            "Originally: page[size]\nSee https://example.com/x. Use <b>bold</b> `a[b]`\n\n    indented\n```js\nfoo()\n```\n|a|b|",
        );
        assert_eq!(
            lines,
            vec![
                "Originally: page\\[size\\]",
                "See <https://example.com/x>. Use &lt;b&gt;bold&lt;/b&gt; `a[b]`",
                "",
                "indented",
                "```text",
                "foo()",
                "```",
                "\\|a\\|b\\|",
            ]
        );
    }

    #[test]
    fn list_items_continue_indented() {
        assert_eq!(
            sanitize("* `A` - one\nmore of one.\n10. two\nmore\n\nafter"),
            vec![
                "* `A` - one",
                "  more of one.",
                "10. two",
                "    more",
                "",
                "after"
            ]
        );
    }

    #[test]
    fn wide_list_markers_and_tabs() {
        assert_eq!(
            sanitize("*   one\ntwo\n1.  first\nsecond\n\n\tcode\twith tabs"),
            vec![
                "*   one",
                "    two",
                "1.  first",
                "    second",
                "",
                "code    with tabs",
            ]
        );
    }

    #[test]
    fn unclosed_fences_and_comment_markers() {
        assert_eq!(
            sanitize("*/ end\n~~~\ncode"),
            vec!["*/ end", "~~~text", "code", "~~~"]
        );
        assert_eq!(code_span("a`b"), "`` a`b ``");
        assert_eq!(code_span("plain"), "`plain`");
    }
}
