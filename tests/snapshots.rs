//! One insta snapshot per spec-dependent generated file, for the seed spec and for each
//! fixture spec. The runtime files are copies of `codegen/runtime/src/`, tested there: here
//! they are only checked to be exact copies. Review changes with `cargo insta review`; CI
//! fails on any unreviewed change.

use codegen::{GeneratedCrate, Options};
use openapi_rust_gen_tests::{root, seed_options};

fn snapshot_crate(prefix: &str, krate: &GeneratedCrate) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(root().join("tests/snapshots"));
    settings.bind(|| {
        for (path, content) in &krate.files {
            // Runtime copies (a split crate's crates of types have some too) are checked for
            // being copies, not snapshotted.
            let runtime = codegen::runtime::FILES.iter().find(|f| {
                path == f.path
                    || (path.starts_with("crates/") && path.ends_with(&format!("/{}", f.path)))
            });
            if let Some(file) = runtime {
                assert!(
                    content.ends_with(file.source),
                    "{path} is not a copy of the runtime's"
                );
                continue;
            }
            let name = format!("{prefix}__{}", path.replace(['/', '.'], "_"));
            insta::assert_snapshot!(name, content);
        }
    });
}

#[test]
fn seed_spec() {
    let krate = codegen::generate(&openapi_rust_gen_tests::spec(), &seed_options())
        .expect("the seed spec generates");
    snapshot_crate("call_recordings", &krate);
}

#[test]
fn every_fixture() {
    let fixtures = openapi_rust_gen_tests::fixtures();
    assert!(fixtures.len() >= 4, "{fixtures:?}");
    for fixture in fixtures {
        let krate = codegen::generate(&fixture.spec, &fixture.options())
            .unwrap_or_else(|e| panic!("{}: {e}", fixture.name));
        snapshot_crate(&fixture.snapshot_prefix(), &krate);
    }
}

#[test]
fn output_is_deterministic() {
    for fixture in openapi_rust_gen_tests::fixtures() {
        let options = fixture.options();
        let first = codegen::generate(&fixture.spec, &options).unwrap();
        assert_eq!(codegen::generate(&fixture.spec, &options).unwrap(), first);
    }
}

/// The split output keeps reviews small: a new property changes the files of the schemas that
/// have it, a new version only the manifest and `lib.rs`.
#[test]
fn a_spec_change_touches_only_its_files() {
    let spec =
        std::fs::read_to_string(root().join("tests/fixtures/crates/hard-cases.yml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hard-cases.yml");
    let options = Options::for_crate("hard-cases", "hard-cases.yml");
    let changed_files = |edited: &str| {
        std::fs::write(&path, edited).unwrap();
        let after = codegen::generate(&path, &options).unwrap();
        std::fs::write(&path, &spec).unwrap();
        let before = codegen::generate(&path, &options).unwrap();
        assert_eq!(
            before.files.keys().collect::<Vec<_>>(),
            after.files.keys().collect::<Vec<_>>()
        );
        before
            .files
            .iter()
            .filter(|(name, text)| after.files[*name] != **text)
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
    };
    let property = spec.replacen(
        "      properties:\n        kind:\n          type: string\n        radius:",
        "      properties:\n        kind:\n          type: string\n        label:\n          type: string\n        radius:",
        1,
    );
    assert_ne!(property, spec, "the fixture still has Circle's properties");
    // Square is `allOf: [Circle, ...]`: it has the new field too; Shape, a union of both,
    // tries first the member declaring most of an object's keys, so it lists them. Nothing
    // else changes.
    assert_eq!(
        changed_files(&property),
        [
            "src/types/circle.rs",
            "src/types/shape.rs",
            "src/types/square.rs"
        ]
    );
    let version = spec.replacen("version: ", "version: 9", 1);
    assert_eq!(changed_files(&version), ["Cargo.toml", "src/lib.rs"]);
}
