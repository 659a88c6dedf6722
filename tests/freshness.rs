//! The checked-in `generated/` crate is exactly what the generator writes for `spec/`
//! (rust-analyzer's approach: generated files are committed and verified by a test).

use openapi_rust_gen_tests::{root, seed_options, spec, OUT, SPEC};

#[test]
fn generated_crate_is_fresh() {
    let krate = codegen::generate(&spec(), &seed_options()).expect("the seed spec generates");
    let report =
        codegen::write::write(&krate, &root().join(OUT), true).expect("generated/ is readable");
    assert!(
        report.is_clean(),
        "generated/ is stale ({:?} changed, {:?} removed); run `cargo run -p codegen -- generate`",
        report.changed,
        report.removed
    );
    assert_eq!(report.unchanged, krate.files.len());
}

/// spec/ starts as a copy of the seed; if it moves on, this tells the reviewer. Without the
/// seed (a clone outside this workplace) the test cannot check anything: it says so loudly,
/// and fails under CI, where the seed is always present.
#[test]
fn spec_is_the_seed() {
    let seed = root().join("../shared/seed/call-recordings.yml");
    let Ok(seed) = std::fs::read_to_string(&seed) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing under CI",
            seed.display()
        );
        eprintln!(
            "SKIPPED spec_is_the_seed: {} not found, the spec is not compared",
            seed.display()
        );
        return;
    };
    let spec = std::fs::read_to_string(root().join(SPEC)).unwrap();
    assert_eq!(spec, seed, "spec/call-recordings.yml differs from the seed");
}
