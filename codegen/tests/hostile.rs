//! Hostile inputs made at test time (so no huge fixture is committed): nesting thousands
//! of levels deep, a YAML alias bomb, and a very large spec. Each gives a located error or
//! a crate, never a panic, a stack overflow or unbounded memory.

use std::path::Path;

fn generate(name: &str, text: &str) -> Result<codegen::GeneratedCrate, codegen::Error> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    codegen::generate(&path, &codegen::Options::for_crate("hostile", name))
}

const HEAD: &str = r#""openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{}"#;

#[test]
fn nesting_thousands_deep_is_an_error_not_a_stack_overflow() {
    let depth = 5000;
    let json = format!(
        "{{{HEAD},\"components\":{{\"schemas\":{{\"A\":{}{{\"type\":\"string\"}}{}}}}}}}",
        "{\"type\":\"object\",\"properties\":{\"a\":".repeat(depth),
        "}}".repeat(depth)
    );
    let e = generate("deep.json", &json).unwrap_err().to_string();
    assert!(
        e.contains("deep.json:1:") && e.contains("recursion limit"),
        "{e}"
    );

    let yaml = format!(
        "openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-deep: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let e = generate("deep.yml", &yaml).unwrap_err().to_string();
    assert!(
        e.contains("deep.yml:4:") && e.contains("recursion limit"),
        "{e}"
    );
}

#[test]
fn nesting_within_the_parsers_limit_generates() {
    // 40 levels of inline objects: every level becomes a named type.
    let depth = 40;
    let json = format!(
        "{{{HEAD},\"components\":{{\"schemas\":{{\"A\":{}{{\"type\":\"string\"}}{}}}}}}}",
        "{\"type\":\"object\",\"properties\":{\"a\":".repeat(depth),
        "}}".repeat(depth)
    );
    let krate = generate("nested.json", &json).expect("generates");
    assert!(krate.files["src/types/a.rs"].matches("pub struct").count() >= depth);
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let mut yaml =
        String::from("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-bomb:\n");
    yaml.push_str("  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names: Vec<char> = "bcdefghijklmnop".chars().collect();
    let mut previous = 'a';
    for n in names {
        let refs = vec![format!("*{previous}"); 9].join(", ");
        yaml.push_str(&format!("  {n}: &{n} [{refs}]\n"));
        previous = n;
    }
    let e = generate("bomb.yml", &yaml).unwrap_err().to_string();
    assert!(e.contains("repetition limit"), "{e}");
}

#[test]
fn a_very_large_spec_generates() {
    // 3,000 schemas and 1,500 operations (about 0.8 MB of JSON).
    let mut schemas = Vec::new();
    let mut paths = Vec::new();
    for i in 0..3000 {
        schemas.push(format!(
            "\"S{i}\":{{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{{\"id\":{{\"type\":\"integer\"}},\"next\":{{\"$ref\":\"#/components/schemas/S{}\"}},\"kind\":{{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}}}}}}",
            (i + 1) % 3000
        ));
    }
    for i in 0..1500 {
        paths.push(format!(
            "\"/r{i}/{{id}}\":{{\"get\":{{\"operationId\":\"op{i}\",\"parameters\":[{{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{{\"type\":\"string\"}}}}],\"responses\":{{\"200\":{{\"description\":\"ok\",\"content\":{{\"application/json\":{{\"schema\":{{\"$ref\":\"#/components/schemas/S{i}\"}}}}}}}}}}}}}}"
        ));
    }
    let json = format!(
        "{{\"openapi\":\"3.0.0\",\"info\":{{\"title\":\"big\",\"version\":\"1\"}},\"paths\":{{{}}},\"components\":{{\"schemas\":{{{}}}}}}}",
        paths.join(","),
        schemas.join(",")
    );
    assert!(json.len() > 700_000);
    let krate = generate("big.json", &json).expect("generates");
    // The 3,000-long cycle through `next` is broken by boxing (in the crates of types: 3,000
    // types split the crate).
    let models: String = krate
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("crates/hostile-types/src/types/"))
        .map(|(_, text)| text.as_str())
        .collect();
    assert!(models.contains("Box<S1>"));
}

#[test]
fn every_bad_fixture_is_an_error_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let options = codegen::Options::for_crate("bad", "bad");
        let result = std::panic::catch_unwind(|| codegen::generate(&path, &options));
        let result = result.unwrap_or_else(|_| panic!("{} panicked", path.display()));
        let e = result.expect_err("a bad fixture is refused");
        assert!(!e.diagnostics().is_empty());
        seen += 1;
    }
    assert!(seen >= 10, "only {seen} fixtures");
}

#[test]
fn regressions_found_by_fuzzing_generate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/regressions");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let options = codegen::Options::for_crate("regression", "regression");
        let krate = codegen::generate(&path, &options)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(krate.files.contains_key("src/types/mod.rs"));
    }
}

/// Webhooks with hostile event types (empty, digits, `Other`, names that collide once made
/// Rust), a webhook that is not a path item, one by reference, one without a body: located
/// errors for the broken ones, distinct variants for the rest, never a panic.
#[test]
fn hostile_webhooks_are_located_errors_or_distinct_variants() {
    let body = r#"
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                data:
                  type: object
                  properties:
                    event_type: {type: string, enum: ["", "123", "Other", "a.b", "A.B", "self", "a b"]}
      responses: {'200': {description: ok}}"#;
    let good = format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\nwebhooks:\n  weird:\n    post:{body}\n  noBody:\n    post:\n      responses: {{'200': {{description: ok}}}}\n"
    );
    let krate = generate("webhooks.yml", &good).expect("generates");
    let events = &krate.files["src/webhook_events.rs"];
    for variant in [
        "Empty(", "V123(", "Other2(", "AB(", "AB2(", "Self_(", "AB3(", "Other(",
    ] {
        assert!(events.contains(variant), "{variant} in\n{events}");
    }
    assert!(
        krate
            .warnings
            .iter()
            .any(|w| w.to_string().contains("#/webhooks/noBody/post")),
        "{:?}",
        krate.warnings
    );
    let broken = format!("{good}  broken: 7\n  byRef:\n    $ref: '#/components/pathItems/x'\n");
    let e = generate("webhooks.yml", &broken).unwrap_err().to_string();
    assert!(e.contains("webhooks.yml#/webhooks/broken"), "{e}");
    assert!(e.contains("webhooks.yml#/webhooks/byRef"), "{e}");
}

/// Names that would make bad file names: 10,000 characters long, Windows device names. The
/// crate is written whole, every file name short and checkout-safe on any system.
#[test]
fn names_that_would_be_bad_file_names_make_safe_ones() {
    let long = "LongName".repeat(1250);
    let yaml = [
        "openapi: 3.0.0",
        "info: {title: t, version: '1'}",
        "paths:",
        "  /things:",
        "    get:",
        "      operationId: list",
        "      tags: [LONG]",
        "      responses:",
        "        '200':",
        "          description: ok",
        "          content: {application/json: {schema: {$ref: '#/components/schemas/LONG'}}}",
        "  /con:",
        "    get:",
        "      operationId: con",
        "      tags: [CON]",
        "      responses:",
        "        '200':",
        "          description: ok",
        "          content: {application/json: {schema: {$ref: '#/components/schemas/Aux'}}}",
        "components:",
        "  schemas:",
        // YAML allows implicit keys up to 1,024 characters: an explicit one.
        "    ? LONG",
        "    : {type: object, properties: {a: {type: string}}}",
        "    Aux: {type: object, properties: {b: {$ref: '#/components/schemas/nul'}}}",
        "    nul: {type: string, enum: [a]}",
    ]
    .join("\n")
    .replace("LONG", &long);
    let krate = generate("names.yml", &yaml).expect("generates");
    for path in krate.files.keys() {
        let stem = path.rsplit('/').next().unwrap().split('.').next().unwrap();
        assert!(stem.len() <= 110, "{path}");
        assert!(
            !["con", "aux", "nul", "prn"].contains(&stem),
            "a device name: {path}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    codegen::write::write(&krate, dir.path(), false).expect("every file is written");
}

/// A `$ref` to something that is not a regular file (a FIFO would block the read forever) is
/// an error at once.
#[cfg(unix)]
#[test]
fn references_to_fifos_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("schemas.yml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let spec = dir.path().join("api.yml");
    std::fs::write(
        &spec,
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
         A: {$ref: 'schemas.yml#/A'}\n",
    )
    .unwrap();
    let options = codegen::Options::for_crate("fifo", "api.yml");
    let e = codegen::generate(&spec, &options).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    let e = codegen::generate(&fifo, &options).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
}
