//! The `codegen` command's contract: exit 0 on success, 1 for a stale `--check`, 2 with a
//! located message for bad input; never a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/call-recordings.yml")
}

/// (fixture, text the message must contain: the location and the reason)
const BAD: &[(&str, &[&str])] = &[
    (
        "invalid-yaml.yml",
        &["invalid-yaml.yml:3:1", "invalid YAML"],
    ),
    ("empty.yml", &["empty.yml", "empty"]),
    (
        "not-openapi.yml",
        &["not-openapi.yml#", "no `openapi` version"],
    ),
    (
        "swagger2.json",
        &["swagger2.json#/swagger", "Swagger 2.0 is not supported"],
    ),
    (
        "dangling-ref.yml",
        &[
            "dangling-ref.yml#/components/schemas/Thing/properties/other",
            "dangling-ref.yml#/paths/~1a/get/parameters/0",
            "#/components/schemas/Nowhere` points to nothing",
        ],
    ),
    (
        "ref-cycle.yml",
        &["ref-cycle.yml#/components/schemas/A", "cycle"],
    ),
    (
        "external-ref.yml",
        &["external-ref.yml#/paths/~1a/get", "is a URL"],
    ),
    (
        "escaping-ref.yml",
        &[
            "escaping-ref.yml#/paths/~1a/get/parameters/0",
            "leaves the spec's folder",
        ],
    ),
    (
        "missing-file-ref.yml",
        &["missing-file-ref.yml#/components/schemas/A", "cannot open"],
    ),
    (
        "wrong-shape.json",
        &[
            "wrong-shape.json#/paths/~1a/get/responses",
            "expected struct Responses",
        ],
    ),
];

#[test]
fn bad_input_exits_2_with_a_located_message() {
    let out_dir = tempfile::tempdir().unwrap();
    for (fixture, expected) in BAD {
        let spec = fixtures().join("bad").join(fixture);
        let out = codegen(&[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out_dir.path().to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{fixture}: {stderr}");
        assert!(!stderr.contains("panicked"), "{fixture}: {stderr}");
        for text in *expected {
            assert!(
                stderr.contains(text),
                "{fixture}: expected {text:?} in:\n{stderr}"
            );
        }
        assert!(
            std::fs::read_dir(out_dir.path()).unwrap().next().is_none(),
            "{fixture}: nothing is written on error"
        );
    }
}

#[test]
fn missing_spec_file_is_an_error() {
    let out = codegen(&[
        "generate",
        "--spec",
        "/nonexistent/spec.yml",
        "--out",
        "/tmp/x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/spec.yml: cannot read"));
}

#[test]
fn generate_then_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let spec = seed();
    let spec = spec.to_str().unwrap();
    let base = [
        "generate",
        "--spec",
        spec,
        "--out",
        out,
        "--crate-name",
        "my-client",
    ];
    let with_check = [&base[..], &["--check"]].concat();
    let first = codegen(&base);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let manifest = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"my-client\""));
    let settings = std::fs::read_to_string(dir.path().join("src/settings.rs")).unwrap();
    assert!(
        settings.contains("\"TELNYX_API_KEY\""),
        "the env prefix set by the spec's codegen.toml stays"
    );

    let check = codegen(&with_check);
    assert_eq!(check.status.code(), Some(0));

    // A hand edit makes it stale: exit 1 naming the file, and nothing is written.
    let types = dir.path().join("src/types/mod.rs");
    std::fs::write(&types, "// edited\n").unwrap();
    std::fs::write(dir.path().join("src/mine.rs"), "// the user's own file\n").unwrap();
    let stale = codegen(&with_check);
    assert_eq!(stale.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stale.stderr).contains("src/types/mod.rs"));
    assert_eq!(std::fs::read_to_string(&types).unwrap(), "// edited\n");

    // Regenerating restores it, and leaves files it did not generate alone.
    let again = codegen(&base);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).contains("1 written"));
    assert!(dir.path().join("src/mine.rs").exists());
}

#[test]
fn spec_without_out_is_a_usage_error() {
    let out = codegen(&["generate", "--spec", seed().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn settings_come_from_the_config_file_next_to_the_spec_or_given() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("recordings.yml");
    std::fs::copy(seed(), &spec).unwrap();
    let run = |out: &str, extra: &[&str]| {
        let out_dir = dir.path().join(out);
        let args = [
            &[
                "generate",
                "--spec",
                spec.to_str().unwrap(),
                "--out",
                out_dir.to_str().unwrap(),
            ][..],
            extra,
        ]
        .concat();
        (codegen(&args), out_dir)
    };
    // No config: neutral defaults (pagination as the shape shows), the env prefix follows the
    // crate name.
    let (result, out) = run("plain", &["--crate-name", "my-client"]);
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let settings = std::fs::read_to_string(out.join("src/settings.rs")).unwrap();
    assert!(settings.contains("\"MY_API_KEY\""), "{settings}");
    assert!(settings.contains("should_retry_header: None"), "{settings}");
    assert!(
        out.join("src/pagination.rs").exists(),
        "the list's pagination is found from its shape"
    );

    // A codegen.toml next to the spec is read: here it turns that pagination off.
    std::fs::write(
        dir.path().join("codegen.toml"),
        "[pagination.operations.GetRecordings]\nstyle = \"none\"\n",
    )
    .unwrap();
    let (result, out) = run("unpaged", &[]);
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(!out.join("src/pagination.rs").exists());

    // --config names another file; a mistake in it is located.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[retry]\nmax_retrys = 3\n").unwrap();
    let (result, _) = run("bad", &["--config", bad.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("bad.toml:2:1: invalid generator config"),
        "{stderr}"
    );
}

#[test]
fn an_undeclared_path_parameter_is_a_warning_and_a_string() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("api.yml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /calls/{call_id}/actions/{action}:\n    parameters:\n      - {name: call_id, in: path, required: true, schema: {type: string}}\n    post:\n      operationId: act\n      responses: {'204': {description: done}}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let result = codegen(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("warning: ") && stderr.contains("api.yml#/paths/~1calls~1{call_id}~1actions~1{action}/post: path parameter `action` is used in the path but not declared"),
        "{stderr}"
    );
    let ops = std::fs::read_to_string(out.join("src/operations/calls.rs")).unwrap();
    assert!(
        ops.contains("pub fn act(&self, call_id: &str, action: &str)"),
        "{ops}"
    );
}

/// `codegen diff`: 0 when nothing breaks, 1 when something does (or, with `--fail-on any`,
/// when anything changed), 2 on bad input; the JSON report on stdout either way.
#[test]
fn diff_exit_codes_follow_fail_on() {
    let pair = |rule: &str, side: &str| {
        fixtures()
            .join("diff")
            .join(rule)
            .join(side)
            .display()
            .to_string()
    };
    let run = |rule: &str, extra: &[&str]| {
        let (old, new) = (pair(rule, "old.yml"), pair(rule, "new.yml"));
        let mut args = vec!["diff", old.as_str(), new.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        let out = codegen(&args);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{rule}: stdout is not JSON ({e})"));
        (
            out.status.code(),
            report["semver"].as_str().map(str::to_owned),
        )
    };
    assert_eq!(run("identical", &[]), (Some(0), Some("none".into())));
    assert_eq!(
        run("description-changed", &[]),
        (Some(0), Some("patch".into()))
    );
    assert_eq!(
        run("description-changed", &["--fail-on", "any"]),
        (Some(1), Some("patch".into()))
    );
    assert_eq!(run("operation-added", &[]), (Some(0), Some("minor".into())));
    assert_eq!(
        run("parameter-added-required", &[]),
        (Some(1), Some("major".into()))
    );
    assert_eq!(
        run("parameter-added-required", &["--fail-on", "none"]),
        (Some(0), Some("major".into()))
    );

    // Bad input: every broken spec of `BAD` on either side, an unknown format or threshold.
    let good = pair("identical", "new.yml");
    for (fixture, expected) in BAD {
        let broken = fixtures().join("bad").join(fixture).display().to_string();
        for args in [
            ["diff", broken.as_str(), good.as_str()],
            ["diff", good.as_str(), broken.as_str()],
        ] {
            let out = codegen(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{fixture}: {stderr}");
            assert!(out.stdout.is_empty(), "{fixture}: no report on bad input");
            assert!(!stderr.contains("panicked"), "{fixture}: {stderr}");
            assert!(stderr.contains(expected[0]), "{fixture}: {stderr}");
        }
    }
    for args in [
        ["diff", good.as_str(), good.as_str(), "--format", "html"],
        [
            "diff",
            good.as_str(),
            good.as_str(),
            "--fail-on",
            "sometimes",
        ],
    ] {
        let out = codegen(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: no report on bad input");
        assert!(!out.stderr.is_empty(), "{args:?}: a message says why");
    }
}

/// `--format github` writes one annotation per change and a closing notice with the bump.
#[test]
fn diff_github_format_annotates_each_change() {
    let dir = fixtures().join("diff/parameter-added-required");
    let out = codegen(&[
        "diff",
        &dir.join("old.yml").display().to_string(),
        &dir.join("new.yml").display().to_string(),
        "--format",
        "github",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("::error ")), "{text}");
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.starts_with("::notice") && l.contains("major")),
        "{text}"
    );
}

/// Without `--crate-name` or `[crate] name`, the crate is named after the spec's title (its
/// env variables too), not after a file called `openapi.yaml`.
#[test]
fn the_crate_is_named_after_the_title() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.yaml");
    let out = dir.path().join("out");
    let write = |title: &str| {
        std::fs::write(
            &spec,
            format!("openapi: 3.0.3\ninfo: {{title: '{title}', version: '1'}}\nservers: [{{url: 'https://a.example'}}]\nsecurity: [{{key: []}}]\npaths:\n  /a:\n    get:\n      responses: {{'204': {{description: ok}}}}\ncomponents:\n  securitySchemes:\n    key: {{type: http, scheme: bearer}}\n"),
        )
        .unwrap();
    };
    let run = |extra: &[&str]| {
        let args = [
            &[
                "generate",
                "--spec",
                spec.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ][..],
            extra,
        ]
        .concat();
        let result = codegen(&args);
        assert_eq!(
            result.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
        let settings = std::fs::read_to_string(out.join("src/settings.rs")).unwrap();
        (manifest, settings)
    };
    write("Acme Billing API");
    let (manifest, settings) = run(&[]);
    assert!(
        manifest.contains("name = \"acme-billing-api\""),
        "{manifest}"
    );
    assert!(settings.contains("\"ACME_API_KEY\""), "{settings}");
    // A title with nothing to name a crate by: the file name.
    write("∅ ∅");
    let (manifest, _) = run(&[]);
    assert!(manifest.contains("name = \"openapi\""), "{manifest}");
    // A name given wins.
    write("Acme Billing API");
    let (manifest, _) = run(&["--crate-name", "billing"]);
    assert!(manifest.contains("name = \"billing\""), "{manifest}");
    let help = codegen(&["generate", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("info.title"));
}

/// What a newcomer reads first, for a spec with a tag named like a crate feature (`Webhooks`),
/// webhooks without a signature scheme the generator knows, a badge image and a tag
/// description of several paragraphs (`tests/fixtures/newcomer/`).
#[test]
fn a_newcomer_can_guess_features_and_copy_the_examples() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let spec = fixtures().join("newcomer/openapi.yaml");
    let result = codegen(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let (manifest, api, lib) = (read("Cargo.toml"), read("API.md"), read("src/lib.rs"));

    // The tag's feature is its name plus `-operations`, never a number to guess.
    assert!(
        manifest.contains("\nwebhooks-operations = []"),
        "{manifest}"
    );
    assert!(!manifest.contains("webhooks-2"), "{manifest}");
    for text in [&api, &lib] {
        assert!(text.contains("`webhooks-operations`"), "{text}");
    }
    assert!(
        api.contains("| `webhooks-operations` | `Webhooks` | 1 | 0 |"),
        "{api}"
    );
    // One heading per section.
    let mut headings: Vec<&str> = api.lines().filter(|l| l.starts_with("## ")).collect();
    let all = headings.len();
    headings.sort_unstable();
    headings.dedup();
    assert_eq!(headings.len(), all, "{api}");
    assert!(headings.contains(&"## Receiving webhooks"), "{api}");

    // The tag's description whole, paragraphs and all.
    assert!(
        api.contains(
            "Each endpoint gets every event of its account.\n\nA second paragraph with the limits."
        ),
        "{api}"
    );

    // The first lines of the crate docs: the dependency that compiles only some tags.
    let head: String = lib.lines().take(12).collect::<Vec<_>>().join("\n");
    assert!(head.contains("default-features = false"), "{head}");

    // No verifier that can only fail: the explicit constructor, not `from_env`.
    assert!(lib.contains("Verifier::standard(key)?"), "{lib}");
    assert!(!lib.contains("Verifier::from_env()"), "{lib}");

    // A badge is its link, not raw markdown image syntax; other links are kept.
    let docs: String = lib.lines().filter(|l| l.starts_with("//!")).collect();
    assert!(
        !docs.contains("![") && !docs.contains("button.svg"),
        "{docs}"
    );
    assert!(
        lib.contains("[Run in Postman](https://example.com/postman)"),
        "{lib}"
    );
    assert!(lib.contains("[guide](https://example.com/guide)"), "{lib}");
}

/// Files whose code did not change are taken from the last run instead of formatted again; the
/// output is the same as without the cache, and a hand-edited file is never trusted.
#[test]
fn the_formatting_cache_skips_unchanged_files_and_never_changes_the_output() {
    let root = tempfile::tempdir().unwrap();
    // A Cargo target folder above the output, where the cache is kept.
    std::fs::create_dir_all(root.path().join("target")).unwrap();
    std::fs::write(root.path().join("target/CACHEDIR.TAG"), "").unwrap();
    let spec = root.path().join("api.yml");
    let seed_text = std::fs::read_to_string(seed()).unwrap();
    std::fs::write(&spec, &seed_text).unwrap();
    let run = |out: &str, extra: &[&str]| {
        let out = root.path().join(out);
        let output = Command::new(env!("CARGO_BIN_EXE_codegen"))
            .env_remove("CARGO_TARGET_DIR")
            .args(["generate", "--spec", spec.to_str().unwrap()])
            .args(["--out", out.to_str().unwrap()])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let formatted = |stdout: &str| -> (usize, usize) {
        let (_, tail) = stdout.split_once('(').expect("a count of formatted files");
        let mut words = tail.split(' ');
        let done = words.next().unwrap().parse().unwrap();
        assert_eq!(words.next(), Some("of"));
        (done, words.next().unwrap().parse().unwrap())
    };
    let files = |out: &str| -> Vec<(PathBuf, Vec<u8>)> {
        let mut found = Vec::new();
        let mut dirs = vec![root.path().join(out)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let rel = path.strip_prefix(root.path().join(out)).unwrap();
                    found.push((rel.to_path_buf(), std::fs::read(&path).unwrap()));
                }
            }
        }
        found.sort();
        found
    };

    let (done, all) = formatted(&run("out", &[]));
    assert_eq!(done, all, "nothing to reuse at the first run");
    assert!(all > 3);
    assert_eq!(formatted(&run("out", &[])), (0, all), "nothing changed");

    // One description changes: only the files that show it are formatted again.
    std::fs::write(
        &spec,
        seed_text.replace(
            "Returns only recordings associated with a given conference.",
            "Returns only the recordings of one conference.",
        ),
    )
    .unwrap();
    let (done, _) = formatted(&run("out", &[]));
    assert!(done >= 1 && done < all, "{done} of {all} formatted");
    run("fresh", &["--no-cache"]);
    assert_eq!(files("out"), files("fresh"), "the cache changes nothing");
    let shows_it = |(_, text): &(PathBuf, Vec<u8>)| {
        String::from_utf8_lossy(text).contains("the recordings of one conference")
    };
    assert!(files("out").iter().any(shows_it));

    // A hand-edited file is formatted again, not taken from the cache.
    let edited = root.path().join("out/src/types/mod.rs");
    let original = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, original.replace("pub ", "pub(crate) ")).unwrap();
    let stdout = run("out", &[]);
    assert!(stdout.contains("1 written"), "{stdout}");
    assert_eq!(formatted(&stdout).0, 1);
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), original);

    // A check writes nothing, in the output or in the cache, even when the spec changed.
    std::fs::write(&spec, seed_text.replace("conference", "meeting")).unwrap();
    let (cache_before, out_before) = (files("target"), files("out"));
    let check = Command::new(env!("CARGO_BIN_EXE_codegen"))
        .env_remove("CARGO_TARGET_DIR")
        .args(["generate", "--check", "--spec", spec.to_str().unwrap()])
        .args(["--out", root.path().join("out").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1), "the output is stale");
    assert_eq!(files("target"), cache_before);
    assert_eq!(files("out"), out_before);
}
