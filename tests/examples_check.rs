//! The examples check (`codegen corpus --examples`) on a fixture made of the classes it found
//! wrong once: every valid example decodes into its generated type and comes back whole, and
//! the invalid one is counted apart, not decoded.

use std::path::Path;
use std::process::Command;

#[test]
fn every_valid_fixture_example_round_trips() {
    let root = openapi_rust_gen_tests::root();
    let spec = root.join("tests/fixtures/examples.yml");
    let dir = tempfile::tempdir().unwrap();
    let mut options = codegen::Options::for_spec(&spec, "examples.yml").unwrap();
    options.rename("examples-fixture");
    options.standalone = true;
    let krate = codegen::generate(&spec, &options).unwrap();
    codegen::write::write(&krate, dir.path(), false).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();

    let doc = codegen::load::bundled(&spec).unwrap();
    let api = codegen::lower_spec(&spec, &options).unwrap();
    let all = codegen::examples::collect(&doc, &api);
    let validity = codegen::examples::validate(&doc, &all);
    let valid: Vec<&codegen::examples::Example> = all
        .iter()
        .zip(&validity)
        .filter(|(_, v)| v.is_ok())
        .map(|(e, _)| e)
        .collect();
    assert_eq!(all.len(), 2, "the two response examples");
    assert_eq!(valid.len(), 1, "`wrong` is invalid: {validity:?}");
    assert!(valid[0].pointer.ends_with("/examples/full/value"));

    let (test, data) = codegen::examples::harness(&api, "examples_fixture", &valid);
    std::fs::create_dir_all(dir.path().join("tests")).unwrap();
    std::fs::write(dir.path().join("tests/examples.rs"), test).unwrap();
    std::fs::write(dir.path().join("tests/examples.json"), data).unwrap();
    let output = Command::new(env!("CARGO"))
        .args([
            "test",
            "--offline",
            "--quiet",
            "--test",
            "examples",
            "--",
            "--nocapture",
        ])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", root.join("target/fixtures"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = codegen::examples::Report::parse(&stdout).unwrap_or_else(|| {
        panic!(
            "no report in {}:\n{stdout}\n{}",
            Path::new(dir.path()).display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(report.failures, Vec::<String>::new());
    assert_eq!((report.decoded, report.round_tripped), (1, 1));
}
