//! One insta snapshot per generated file, for the seed spec and for each fixture spec.
//! Review changes with `cargo insta review`; CI fails on any unreviewed change.

use codegen::{GeneratedCrate, Options};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot_crate(prefix: &str, krate: &GeneratedCrate) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(root().join("tests/snapshots"));
    settings.bind(|| {
        for (path, content) in &krate.files {
            let name = format!("{prefix}__{}", path.replace(['/', '.'], "_"));
            insta::assert_snapshot!(name, content);
        }
    });
}

#[test]
fn seed_spec() {
    let krate = codegen::generate(
        &root().join(codegen::workspace::SPEC),
        &codegen::workspace::options(),
    )
    .expect("the seed spec generates");
    snapshot_crate("call_recordings", &krate);
}

#[test]
fn hard_cases_fixture() {
    let options = Options::for_crate("hard-cases", "hard-cases.yml");
    let krate = codegen::generate(&root().join("tests/fixtures/hard-cases.yml"), &options)
        .expect("the hard-cases fixture generates");
    snapshot_crate("hard_cases", &krate);
}

#[test]
fn multi_file_fixture() {
    let options = Options::for_crate("multi-file", "multi-file/openapi.yaml");
    let krate = codegen::generate(
        &root().join("tests/fixtures/multi-file/openapi.yaml"),
        &options,
    )
    .expect("the multi-file fixture generates");
    snapshot_crate("multi_file", &krate);
}

#[test]
fn output_is_deterministic() {
    let spec = root().join("tests/fixtures/hard-cases.yml");
    let options = Options::for_crate("hard-cases", "hard-cases.yml");
    let first = codegen::generate(&spec, &options).unwrap();
    for _ in 0..3 {
        assert_eq!(codegen::generate(&spec, &options).unwrap(), first);
    }
}
