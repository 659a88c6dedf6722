//! `codegen diff` rule by rule: each folder of `tests/fixtures/diff/` holds an `old.yml` and a
//! `new.yml` that differ by one kind of change (the folder names the rule it shows). Both
//! directions are snapshot-tested as the pinned JSON report; a removal is the reverse of an
//! addition, so each pair covers two rules. Review with `cargo insta review`.

use codegen::diff::{self, Format, Level, Report, Semver};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn lower(spec: &Path) -> codegen::ir::Api {
    let options = codegen::Options::for_crate("api", "spec");
    codegen::lower_spec(spec, &options).expect("the fixture lowers")
}

fn report(dir: &str, forward: bool) -> Report {
    let (old, new) = (
        fixtures().join(dir).join("old.yml"),
        fixtures().join(dir).join("new.yml"),
    );
    let (old, new) = if forward { (old, new) } else { (new, old) };
    let mut report = diff::diff(&lower(&old), &lower(&new));
    let text = |p: &Path| std::fs::read_to_string(p).expect("readable");
    report.locate(&text(&old), &text(&new));
    report
}

fn rule_dirs() -> Vec<String> {
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures exist")
        .map(|e| {
            e.expect("readable")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    dirs.sort();
    dirs
}

/// The bump follows the most severe change, and `breaking` in the JSON is the level.
fn check_consistent(report: &Report) {
    let expected = match report.changes.iter().map(|c| c.level).max() {
        Some(Level::Breaking) => Semver::Major,
        Some(Level::Addition) => Semver::Minor,
        Some(Level::Docs) => Semver::Patch,
        None => Semver::None,
    };
    assert_eq!(report.semver, expected);
    for c in &report.changes {
        assert!(
            c.spec.starts_with("#/"),
            "{c:?}: the spec location is a JSON pointer"
        );
        assert!(!c.rust.is_empty() && !c.message.is_empty(), "{c:?}");
    }
}

#[test]
fn every_rule_fixture_reports_its_rule_both_ways() {
    let dirs = rule_dirs();
    assert!(dirs.len() >= 30, "{dirs:?}");
    for dir in &dirs {
        let (forward, backward) = (report(dir, true), report(dir, false));
        check_consistent(&forward);
        check_consistent(&backward);
        if dir == "identical" || dir == "formatting-only" {
            continue;
        }
        assert!(
            forward.changes.iter().any(|c| c.rule.id() == dir),
            "{dir}: {:#?}",
            forward.changes
        );
        assert!(
            !backward.changes.is_empty(),
            "{dir}: the reverse reports nothing"
        );
        let json = |r: &Report| diff::render(r, Format::Json, "old.yml", "new.yml");
        let shown = format!(
            "old.yml → new.yml\n{}\nnew.yml → old.yml\n{}",
            json(&forward),
            json(&backward)
        );
        insta::assert_snapshot!(dir.as_str(), shown);
    }
}

#[test]
fn identical_and_reformatted_specs_change_nothing() {
    for dir in ["identical", "formatting-only"] {
        for forward in [true, false] {
            let r = report(dir, forward);
            assert_eq!(r.semver, Semver::None, "{dir}");
            assert!(r.changes.is_empty(), "{dir}: {:#?}", r.changes);
            // Said in words, not as a version named "none".
            let markdown = diff::render(&r, Format::Markdown, "old.yml", "new.yml");
            assert!(
                markdown.contains("The crate needs no new version."),
                "{markdown}"
            );
            assert!(!markdown.contains("a **none** version"), "{markdown}");
            let github = diff::render(&r, Format::Github, "old.yml", "new.yml");
            assert_eq!(
                github,
                "::notice title=semver::the crate needs no new version\n"
            );
        }
    }
}

/// A JSON copy of a YAML spec is the same API.
#[test]
fn the_same_spec_as_json_changes_nothing() {
    let yaml = fixtures().join("identical/old.yml");
    let text = std::fs::read_to_string(&yaml).expect("readable");
    let value: serde_json::Value = serde_yaml::from_str(&text).expect("YAML");
    let dir = std::env::temp_dir().join(format!("codegen-diff-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let json = dir.join("spec.json");
    std::fs::write(&json, serde_json::to_string(&value).expect("JSON")).expect("written");
    let r = diff::diff(&lower(&yaml), &lower(&json));
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(r.semver, Semver::None, "{:#?}", r.changes);
}

/// Additions only: the crate needs a minor version, and nothing is breaking.
#[test]
fn additions_are_minor() {
    for dir in [
        "operation-added",
        "parameter-added",
        "request-body-field-added",
        "response-field-added",
        "response-enum-value-added",
        "schema-added",
        "server-url-changed",
        "success-status-changed",
    ] {
        let r = report(dir, true);
        assert_eq!(r.semver, Semver::Minor, "{dir}: {:#?}", r.changes);
    }
    assert_eq!(report("description-changed", true).semver, Semver::Patch);
}

/// The three formats of one report with changes of every level.
#[test]
fn formats() {
    let mut r = report("description-changed", true);
    let more = report("operation-added", false);
    let added = report("response-field-added", true);
    r.changes.extend(more.changes);
    r.changes.extend(added.changes);
    r.semver = Semver::Major;
    insta::assert_snapshot!(
        "formats_markdown",
        diff::render(&r, Format::Markdown, "old.yml", "new.yml")
    );
    insta::assert_snapshot!(
        "formats_github",
        diff::render(&r, Format::Github, "old.yml", "new.yml")
    );
    let json: serde_json::Value =
        serde_json::from_str(&diff::render(&r, Format::Json, "old.yml", "new.yml"))
            .expect("valid JSON");
    assert_eq!(json["semver"], "major");
    let first = &json["changes"][0];
    let keys: Vec<&str> = first
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 7);
    for key in [
        "rule", "breaking", "spec", "rust", "message", "used_by", "line",
    ] {
        assert!(keys.contains(&key), "{keys:?}");
    }
}

/// Every annotation carries the line its pointer is on: in the new spec, or in the old one for
/// what was removed.
#[test]
fn annotations_point_at_lines() {
    let removed = report("operation-added", false);
    let github = diff::render(&removed, Format::Github, "old.yml", "new.yml");
    let first = github.lines().next().expect("an annotation");
    // `new.yml` of the fixture is the old spec of the reverse report.
    let text = std::fs::read_to_string(fixtures().join("operation-added/new.yml")).unwrap();
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("patch:"))
        .expect("the removed operation")
        + 1;
    assert!(
        first.starts_with(&format!(
            "::error file=old.yml,line={line},title=operation-removed::"
        )),
        "{first}"
    );
    let added = report("response-field-added", true);
    for c in &added.changes {
        assert!(c.line.is_some(), "{c:?}");
    }
    let github = diff::render(&added, Format::Github, "old.yml", "new.yml");
    assert!(
        github
            .lines()
            .next()
            .unwrap()
            .starts_with("::warning file=new.yml,line="),
        "{github}"
    );
}

/// A change to a type names the operations that send or receive it.
#[test]
fn type_changes_say_which_operations_use_them() {
    let r = report("response-field-added", true);
    let field = r
        .changes
        .iter()
        .find(|c| c.rule.id() == "response-field-added")
        .expect("the rule");
    assert!(
        field
            .used_by
            .contains(&"Client::list_recordings".to_owned()),
        "{field:?}"
    );
    let markdown = diff::render(&r, Format::Markdown, "old.yml", "new.yml");
    assert!(
        markdown.contains("used by `Client::list_recordings`"),
        "{markdown}"
    );
    // Operation changes are their own user.
    let ops = report("operation-added", true);
    assert!(
        ops.changes.iter().all(|c| c.used_by.is_empty()),
        "{:#?}",
        ops.changes
    );
}

/// Spec text in a report is data: a property named to open an HTML comment, break a table
/// cell or forge terminal output changes nothing but its own cell.
#[test]
fn hostile_names_stay_in_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let spec = |extra: &str| {
        format!(
            "openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /things:\n    get:\n      \
             operationId: listThings\n      responses:\n        '200':\n          description: OK\n          \
             content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing'}}\n\
             components:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        \
             a: {{type: string}}\n{extra}"
        )
    };
    let hostile = "        \"x<!-- `|` a|b\\n| c \\u001b[31m\": {type: integer}\n";
    std::fs::write(dir.path().join("old.yml"), spec("")).unwrap();
    std::fs::write(dir.path().join("new.yml"), spec(hostile)).unwrap();
    let report = diff::diff(
        &lower(&dir.path().join("new.yml")),
        &lower(&dir.path().join("old.yml")),
    );
    assert!(!report.changes.is_empty());
    let markdown = diff::render(&report, Format::Markdown, "old<!--.yml", "new|.yml");
    assert!(
        markdown.trim_end().ends_with("Semver: **major**"),
        "{markdown}"
    );
    for line in markdown.lines() {
        assert!(!line.contains('\u{1b}'), "{line:?}");
        // Outside code spans, no HTML; every table row has exactly its four cells.
        let mut plain = String::new();
        let mut cells = 0;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 1,
                '`' => {
                    // A code span: a run of n backticks up to the next run of exactly n.
                    let n = chars[i..].iter().take_while(|&&c| c == '`').count();
                    let mut j = i + n;
                    loop {
                        let run = chars[j..].iter().take_while(|&&c| c == '`').count();
                        if run == n || j >= chars.len() {
                            break;
                        }
                        j += run.max(1);
                    }
                    i = j + n - 1;
                }
                '|' => cells += 1,
                c => plain.push(c),
            }
            i += 1;
        }
        assert!(!plain.contains('<'), "HTML outside a code span: {line}");
        if line.starts_with("| `") && !line.contains("| breaking |") {
            assert!(cells == 5 || cells == 4, "{cells} cell breaks: {line}");
        }
    }
    let github = diff::render(&report, Format::Github, "old.yml", "new.yml");
    assert!(!github.contains('\u{1b}'), "{github}");
    assert!(github.lines().all(|l| l.starts_with("::")), "{github}");
}
