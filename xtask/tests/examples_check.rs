//! The examples check (`cargo xtask corpus --examples`) on a fixture made of the classes it found
//! wrong once: every valid example decodes into its generated type and comes back whole, and
//! the invalid one is counted apart, not decoded.

#[test]
fn every_valid_fixture_example_round_trips() {
    let root = xtask::scratch::root();
    let spec = root.join("xtask/tests/fixtures/examples.yml");
    let dir = tempfile::tempdir().unwrap();
    let mut options = codegen::Options::for_spec(&spec, "examples.yml").unwrap();
    options.rename("examples-fixture");
    options.standalone = true;
    let krate = codegen::generate(&spec, &options).unwrap();
    codegen::write::write(&krate, dir.path(), false).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();

    let (doc, api) = xtask::examples_check::load(&spec, &options).unwrap();
    let all = xtask::examples_check::collect(&doc, &api);
    let validity = xtask::examples_check::validate(&doc, &all);
    let valid: Vec<&xtask::examples_check::Example> = all
        .iter()
        .zip(&validity)
        .filter(|(_, v)| v.is_ok())
        .map(|(e, _)| e)
        .collect();
    assert_eq!(all.len(), 2, "the two response examples");
    assert_eq!(valid.len(), 1, "`wrong` is invalid: {validity:?}");
    assert!(valid[0].pointer.ends_with("/examples/full/value"));

    let checked =
        xtask::examples_check::check(&spec, &options, dir.path(), &root.join("target/fixtures"))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.path().display()));
    assert_eq!(
        (checked.found, checked.invalid, checked.sent_only),
        (2, 1, 0)
    );
    let report = checked.report;
    assert_eq!(report.failures, Vec::<String>::new());
    assert_eq!((report.decoded, report.round_tripped), (1, 1));
}
