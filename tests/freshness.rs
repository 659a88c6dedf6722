//! The checked-in `generated/` crate is exactly what the generator writes for `spec/`
//! (rust-analyzer's approach: generated files are committed and verified by a test).

use std::path::Path;

#[test]
fn generated_crate_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let krate = codegen::generate(
        &root.join(codegen::workspace::SPEC),
        &codegen::workspace::options(),
    )
    .expect("the seed spec generates");
    let report = codegen::write::write(&krate, &root.join(codegen::workspace::OUT), true)
        .expect("generated/ is readable");
    assert!(
        report.is_clean(),
        "generated/ is stale ({:?} changed, {:?} removed); run `cargo run -p codegen -- generate`",
        report.changed,
        report.removed
    );
    assert_eq!(report.unchanged, krate.files.len());
}

#[test]
fn spec_is_the_seed() {
    // spec/ starts as a copy of the seed; if it moves on, this tells the reviewer.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = root.join("../shared/seed/call-recordings.yml");
    if let Ok(seed) = std::fs::read_to_string(&seed) {
        let spec = std::fs::read_to_string(root.join(codegen::workspace::SPEC)).unwrap();
        assert_eq!(spec, seed, "spec/call-recordings.yml differs from the seed");
    }
}
