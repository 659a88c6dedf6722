//! Holds the workspace-level end-to-end and snapshot tests (see `tests/`) and the `build.rs`
//! freshness check, and the repository's one fact they share: which spec becomes which crate.

use std::path::{Path, PathBuf};

/// Spec of the checked-in crate, relative to the workspace root; its generator settings are
/// `spec/codegen.toml`.
pub const SPEC: &str = "spec/call-recordings.yml";
/// Output folder of the checked-in crate, relative to the workspace root.
pub const OUT: &str = "generated";

/// The workspace root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The seed spec's path.
pub fn spec() -> PathBuf {
    root().join(SPEC)
}

/// The options the checked-in crate is generated with (those `codegen generate` uses).
pub fn seed_options() -> codegen::Options {
    codegen::Options::for_spec(&spec(), SPEC).expect("spec/codegen.toml is valid")
}

/// A fixture crate of `tests/fixtures/crates/`: a spec file there (`hard-cases.yml`), or a
/// folder with an `openapi.yaml` (a spec in several files). Every fixture gets every check:
/// a snapshot of each generated file, one of its IR, clippy and docs of the crate, and the
/// tests of `<name>.tests.rs` run inside it when there is one. Settings: the `codegen.toml`
/// beside the spec.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The crate's name (`hard-cases`), from the file or folder name.
    pub name: String,
    pub spec: PathBuf,
    /// How the generated files name their spec (the path under `tests/fixtures/crates/`).
    pub label: String,
    /// The tests run inside the generated crate.
    pub tests: Option<PathBuf>,
}

impl Fixture {
    /// The options the fixture is generated with.
    pub fn options(&self) -> codegen::Options {
        let mut options = codegen::Options::for_spec(&self.spec, &self.label)
            .expect("the fixture's settings are valid");
        options.rename(&self.name);
        options
    }

    /// The prefix of its snapshots (`hard_cases`).
    pub fn snapshot_prefix(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// Every fixture crate, by name.
pub fn fixtures() -> Vec<Fixture> {
    let dir = root().join("tests/fixtures/crates");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/fixtures/crates exists") {
        let path = entry.expect("readable").path();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (name, spec, label) = if path.is_dir() {
            let spec = path.join("openapi.yaml");
            let label = format!("{file_name}/openapi.yaml");
            (file_name.clone(), spec, label)
        } else if let Some(stem) = file_name
            .strip_suffix(".yml")
            .or_else(|| file_name.strip_suffix(".yaml"))
            .or_else(|| file_name.strip_suffix(".json"))
        {
            (stem.to_owned(), path.clone(), file_name.clone())
        } else {
            continue;
        };
        let tests = dir.join(format!("{name}.tests.rs"));
        out.push(Fixture {
            name,
            spec,
            label,
            tests: tests.exists().then_some(tests),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
