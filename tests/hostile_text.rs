//! Spec text is data: a spec that puts a payload in every text position of an OpenAPI document
//! (and in its own file name) generates a crate where `cargo check`, `cargo doc` and
//! `cargo test --doc` run none of it. Each payload tries a different escape: a line break
//! followed by an inner attribute (Rust code from a `//` comment), a code fence and an indented
//! block (doctests), a quote closing a string literal, an HTML comment (hides the rest of a
//! Markdown file), a right-to-left override (rustc denies it in comments) and a terminal escape.

use std::path::Path;

/// The payload for one text position; `position` names it in whatever it would run.
fn payload(position: &str) -> String {
    format!(
        "{position}\n```\ncompile_error!(\"doctest ran: {position}\");\n```\n\n    \
         compile_error!(\"indented doctest ran: {position}\");\n\
         #![doc = compile_error!(\"code ran: {position}\")]\n\
         \"]; compile_error!(\"literal ran: {position}\"); //\n\
         [lib]\npath = \"evil.rs\"\n\
         */ <!-- x \u{202E}evil\u{202C} \u{1b}[31mred | `code` [link](https://example.com)"
    )
}

/// `text` inside a YAML double-quoted string.
fn yaml_escaped(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() || !c.is_ascii() => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` as a JSON pointer segment inside a URI fragment (a `$ref` to a hostile name).
fn pointer_segment(text: &str) -> String {
    let escaped = text.replace('~', "~0").replace('/', "~1");
    let mut out = String::new();
    for byte in escaped.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The fixture with every `@P(position)@` replaced by its payload (`@R(position)@`: the
/// payload as a reference segment).
fn hostile_spec() -> (String, usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/hostile-text.yml")).unwrap();
    let mut out = String::new();
    let mut rest = text.as_str();
    let mut count = 0;
    while let Some(start) = rest.find(['@']).filter(|&i| rest[i..].len() > 3) {
        let marker = &rest[start..start + 3];
        if marker != "@P(" && marker != "@R(" {
            out.push_str(&rest[..=start]);
            rest = &rest[start + 1..];
            continue;
        }
        out.push_str(&rest[..start]);
        let end = rest[start..].find(")@").expect("a closed placeholder") + start;
        let position = &rest[start + 3..end];
        if marker == "@P(" {
            out.push_str(&yaml_escaped(&payload(position)));
            count += 1;
        } else {
            out.push_str(&pointer_segment(&payload(position)));
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    (out, count)
}

/// A Markdown line without its code spans.
fn outside_code_spans(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let n = rest[start..].chars().take_while(|&c| c == '`').count();
        let fence = "`".repeat(n);
        let after = &rest[start + n..];
        match after.find(&fence) {
            Some(end) => rest = &after[end + n..],
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn cargo(args: &[&str], dir: &Path) -> String {
    xtask::scratch::run(dir, &xtask::scratch::fixtures_target(), args)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn spec_text_in_every_position_runs_nowhere() {
    let (spec, positions) = hostile_spec();
    assert!(positions > 60, "{positions} payloads");
    let dir = tempfile::tempdir().unwrap();
    // The file name carries a payload too (it is named in every file header and Cargo.toml).
    // (Short: a file name has at most 255 bytes.)
    let file_name = "f\n#![doc = compile_error!(\"code ran: file\")]\n[lib]\npath = \"evil.rs\"\n\
                     ```\ncompile_error!(\"doctest ran: file\");\n```\n\u{202E}<!--.yml"
        .to_owned();
    let spec_path = dir.path().join(&file_name);
    std::fs::write(&spec_path, &spec).unwrap();
    let mut options = codegen::Options::for_spec(&spec_path, &file_name).unwrap();
    options.rename("hostile-text");
    options.standalone = true;
    let krate = codegen::generate(&spec_path, &options).expect("the hostile spec generates");

    // No generated line is spec text that escaped its context.
    for (path, text) in &krate.files {
        let markdown = path.ends_with(".md");
        // In Markdown, spec text inside a `text` block is shown, not run nor rendered.
        let mut fence: Option<String> = None;
        for line in text.lines() {
            let code = line.trim_start();
            assert!(
                !line.contains('\u{202E}') && !line.contains('\u{1b}'),
                "{path}: a raw bidi or escape character: {line:?}"
            );
            if markdown {
                if let Some(marker) = &fence {
                    if code.trim_end() == marker {
                        fence = None;
                    }
                    continue;
                }
                if let Some(marker) = code.strip_suffix("text").filter(|m| {
                    m.len() >= 3 && (m.chars().all(|c| c == '`') || m.chars().all(|c| c == '~'))
                }) {
                    fence = Some(marker.to_owned());
                    continue;
                }
                assert!(
                    !code.starts_with("```") && !code.starts_with("~~~"),
                    "{path}: a block that is not `text`: {line}"
                );
                // Past our own header comment, no HTML outside code spans.
                assert!(
                    line.starts_with("<!-- @generated") || !outside_code_spans(line).contains('<'),
                    "{path}: raw HTML from the spec: {line}"
                );
                // Spec text is paragraphs here: no heading, no indented (code) block.
                assert!(
                    !line.contains(" ran: ")
                        || !(code.starts_with('#') || line.starts_with("    ")),
                    "{path}: spec text made structure: {line}"
                );
                continue;
            }
            assert!(
                !code.starts_with("compile_error!")
                    && !code.starts_with("#![doc = compile_error")
                    && !code.starts_with("path = \"evil.rs\"")
                    && !code.starts_with("```\n"),
                "{path}: spec text escaped: {line}"
            );
        }
        assert!(fence.is_none(), "{path}: a block left open");
    }
    assert!(
        !krate.files["Cargo.toml"].contains("\n[lib]"),
        "the manifest gained a table"
    );

    let out = dir.path().join("crate");
    xtask::scratch::generate(&spec_path, &options, &out).unwrap();
    let mut seen = cargo(&["check", "--offline", "--quiet"], &out);
    seen += &cargo(&["doc", "--offline", "--quiet", "--no-deps"], &out);
    seen += &cargo(&["test", "--offline", "--doc"], &out);
    assert!(
        !seen.contains(" ran: "),
        "spec text ran as code or a doctest:\n{seen}"
    );
    // The crate's own examples are the only doctests (compiled, not run: `no_run`).
    assert!(
        seen.contains("test result: ok"),
        "the doctests were collected:\n{seen}"
    );
}
