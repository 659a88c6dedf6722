//! OpenAPI 3.0/3.1 → Rust client generator.
//!
//! The pipeline (see `ARCHITECTURE.md`): [`load`] (bytes → `openapiv3`, 3.1 normalised) →
//! [`lower`] (→ [`ir`], references resolved, names assigned) → [`emit`] (→ formatted files)
//! → [`write`] (to disk, or compared in check mode). The CLI, the workspace's `build.rs` and
//! the tests all call [`generate`] and [`write::write`].

pub mod bundle;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod normalize;
pub mod positions;
pub mod write;

pub use emit::GeneratedCrate;
pub use error::Error;

use std::path::Path;

/// What the generated crate is called and how it describes its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Cargo package name (`telnyx-recordings`).
    pub crate_name: String,
    pub crate_version: String,
    /// Prefix of the environment variables `Client::from_env` reads (`TELNYX` →
    /// `TELNYX_API_KEY`, `TELNYX_BASE_URL`).
    pub env_prefix: String,
    /// How generated files name their spec (a path relative to the workspace, say).
    pub spec_label: String,
    /// Add an empty `[workspace]` table, so the crate builds on its own even when its folder
    /// lies inside another workspace.
    pub standalone: bool,
}

impl Options {
    /// Defaults derived from a crate name: env prefix from its first word.
    pub fn for_crate(crate_name: &str, spec_label: &str) -> Self {
        let crate_name = naming::crate_name(crate_name);
        let first_word = crate_name.split('-').next().unwrap_or("API").to_owned();
        Options {
            env_prefix: naming::env_prefix(&first_word),
            crate_name,
            crate_version: "0.1.0".to_owned(),
            spec_label: spec_label.to_owned(),
            standalone: false,
        }
    }
}

/// Loads, lowers and emits the spec at `spec`.
///
/// Never panics on input: a panic inside a dependency (or a generator bug) is turned into an
/// error naming the file, so that a front end always reports and exits cleanly.
pub fn generate(spec: &Path, options: &Options) -> Result<GeneratedCrate, Error> {
    let run = || {
        let doc = load::load(spec)?;
        generate_document(&doc, options)
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(Error::new(
            error::Location::File(spec.to_path_buf()),
            format!("internal error, please report: {message}"),
        ))
    })
}

/// Lowers and emits an already parsed document (bytes via [`load::parse`]).
pub fn generate_document(doc: &load::Document, options: &Options) -> Result<GeneratedCrate, Error> {
    let api = lower::lower(doc)?;
    emit::emit(&api, options).map_err(|message| {
        Error::new(
            error::Location::File(doc.path.clone()),
            format!("internal error, please report: {message}"),
        )
    })
}

/// The repository's own configuration: `spec/call-recordings.yml` → `generated/`.
pub mod workspace {
    use super::Options;
    use std::path::PathBuf;

    /// Spec of the checked-in crate, relative to the workspace root.
    pub const SPEC: &str = "spec/call-recordings.yml";
    /// Output folder of the checked-in crate, relative to the workspace root.
    pub const OUT: &str = "generated";
    pub const CRATE_NAME: &str = "telnyx-recordings";

    /// The workspace root (this crate's parent folder).
    pub fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default()
    }

    pub fn options() -> Options {
        Options::for_crate(CRATE_NAME, SPEC)
    }
}
