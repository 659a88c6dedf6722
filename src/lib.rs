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
