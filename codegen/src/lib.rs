//! OpenAPI 3.0/3.1 → Rust client generator.
//!
//! The pipeline (see `ARCHITECTURE.md`): [`load`] (bytes → `openapiv3`, 3.1 normalised) →
//! [`lower`] (→ [`ir`], references resolved, names assigned) → [`emit`] (→ formatted files)
//! → [`write`] (to disk, or compared in check mode). The CLI, the workspace's `build.rs` and
//! the tests all call [`generate`] and [`write::write`], with [`Options`] from
//! [`Options::for_spec`] (defaults, then the `codegen.toml` next to the spec).

pub mod bundle;
pub mod cache;
pub mod config;
pub mod diff;
pub mod emit;
pub mod error;
pub mod escape;
pub mod ir;
pub mod load;
pub mod locate;
pub mod lower;
pub mod naming;
pub mod normalize;
pub mod options;
pub mod pointer;
pub mod positions;
pub mod runtime;
pub mod syntax;
pub mod write;

pub use emit::GeneratedCrate;
pub use error::Error;
pub use options::{Options, Settings};

/// The global allocator of the command-line tool and of the stage timings (feature
/// `fast-alloc`, on by default): generation allocates and frees millions of small token and
/// syntax nodes, and under the system allocator `malloc` and `free` were nearly a third of a
/// whole-API run's profile. A library user picks their own allocator; this one is only
/// declared by binaries.
#[cfg(feature = "fast-alloc")]
pub use mimalloc::MiMalloc as Allocator;

use std::path::Path;

/// Loads, lowers and emits the spec at `spec`.
///
/// Never panics on input: a panic inside a dependency (or a generator bug) is turned into an
/// error naming the file, so that a front end always reports and exits cleanly.
pub fn generate(spec: &Path, options: &Options) -> Result<GeneratedCrate, Error> {
    generate_cached(spec, options, &cache::Cache::none())
}

/// [`generate`], reusing from `cache` the formatted text of files whose tokens did not change
/// (the output is the same; see [`cache`]). Front ends open the cache of their output folder
/// with [`cache::Cache::open`] and save it after a successful write.
pub fn generate_cached(
    spec: &Path,
    options: &Options,
    cache: &cache::Cache,
) -> Result<GeneratedCrate, Error> {
    generate_then(spec, options, cache, Afterwards::Free)
}

/// What a run does with the spec's document and its IR once the crate is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Afterwards {
    /// Frees them on a thread of its own: the caller's process goes on (a library user, a
    /// build script, the tests).
    Free,
    /// Leaves them to the operating system, for a process that ends right after the run
    /// (the command-line tool): freeing their millions of allocations took a twentieth of a
    /// large API's regeneration, on the cores that emit was using.
    Exit,
}

/// [`generate_cached`], the document and IR then dealt with as `afterwards` says.
pub fn generate_then(
    spec: &Path,
    options: &Options,
    cache: &cache::Cache,
    afterwards: Afterwards,
) -> Result<GeneratedCrate, Error> {
    let run = || {
        let doc = load::load_cached(spec, cache)?;
        let generated = generate_document_then(&doc, options, cache, afterwards);
        afterwards.dispose(doc);
        generated
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

/// Loads and lowers the spec at `spec` (what `codegen diff` compares), never panicking.
pub fn lower_spec(spec: &Path, options: &Options) -> Result<ir::Api, Error> {
    let run = || lower::lower(&load::load(spec)?, &options.settings);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|_| {
        Err(Error::new(
            error::Location::File(spec.to_path_buf()),
            "internal error, please report",
        ))
    })
}

/// Lowers and emits an already parsed document (bytes via [`load::parse`]).
pub fn generate_document(doc: &load::Document, options: &Options) -> Result<GeneratedCrate, Error> {
    generate_document_cached(doc, options, &cache::Cache::none())
}

/// [`generate_document`] through a formatting cache (see [`generate_cached`]).
pub fn generate_document_cached(
    doc: &load::Document,
    options: &Options,
    cache: &cache::Cache,
) -> Result<GeneratedCrate, Error> {
    generate_document_then(doc, options, cache, Afterwards::Free)
}

fn generate_document_then(
    doc: &load::Document,
    options: &Options,
    cache: &cache::Cache,
    afterwards: Afterwards,
) -> Result<GeneratedCrate, Error> {
    // Past the components, lowering keeps one core busy; the previous run's files are read
    // (and the parse record written) on the other meanwhile.
    let api = lower::lower_then(doc, &options.settings, || cache.read_ahead())?;
    let generated = emit::emit_cached(&api, &options.named_for(&api.title), cache);
    afterwards.dispose(api);
    generated
}

impl Afterwards {
    /// [`Afterwards::Free`]: drops `value` on a thread of its own (freeing a large API's
    /// document or IR takes milliseconds the caller need not wait for; should the thread not
    /// start, `value` is dropped here). [`Afterwards::Exit`]: never drops it.
    pub fn dispose<T: Send + 'static>(self, value: T) {
        match self {
            Afterwards::Free => {
                let _ = std::thread::Builder::new()
                    .name("codegen-drop".to_owned())
                    .spawn(move || drop(value));
            }
            Afterwards::Exit => std::mem::forget(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Afterwards;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    struct Flag(Arc<AtomicBool>);

    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn free_drops_what_exit_leaves() {
        let dropped = Arc::new(AtomicBool::new(false));
        Afterwards::Exit.dispose(Flag(dropped.clone()));
        assert!(!dropped.load(Ordering::SeqCst));
        Afterwards::Free.dispose(Flag(dropped.clone()));
        // Dropped on a thread of its own: waited for, up to ten seconds.
        for _ in 0..1000 {
            if dropped.load(Ordering::SeqCst) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(dropped.load(Ordering::SeqCst));
    }
}
