//! The checked-in `generated/` crate is exactly what the generator writes for `spec/`
//! (rust-analyzer's approach: generated files are committed and verified by a test).

use openapi_rust_gen_tests::{root, seed_options, spec, OUT};

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
