//! A throwaway crate generated from a spec and built with cargo: what the corpus runs, the
//! examples check, the conformance run and the workspace's fixture tests all do, written once.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (this crate's parent folder).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The target dir the workspace's fixture crates share (`target/fixtures`).
pub fn fixtures_target() -> PathBuf {
    root().join("target/fixtures")
}

/// Generates the spec at `spec` as a standalone crate into `dir` with `options`, and copies
/// the workspace's lock file beside it so that it builds offline with the same versions.
pub fn generate(
    spec: &Path,
    options: &codegen::Options,
    dir: &Path,
) -> Result<codegen::GeneratedCrate, String> {
    let mut options = options.clone();
    options.standalone = true;
    let krate = codegen::generate(spec, &options).map_err(|e| e.to_string())?;
    codegen::write::write(&krate, dir, false).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(krate)
}

/// A cargo command run in `dir` (a scratch crate) with `target_dir` shared: lean (no
/// debuginfo, no incremental state, which would only fill the disk), the caller's
/// `RUSTFLAGS` left out, doc warnings denied.
pub fn cargo(dir: &Path, target_dir: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0")
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("RUSTFLAGS");
    command
}

/// Runs `cargo <args>` in the scratch crate at `dir`: its output (stdout then stderr) when
/// it succeeds, else an error with that output.
pub fn run(dir: &Path, target_dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = cargo(dir, target_dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "cargo {args:?} failed in {}:\n{text}",
            dir.display()
        ))
    }
}

/// `cargo test --test <test>` of a harness written into the crate at `dir` (offline, its
/// output printed): the examples and conformance runs add their environment and run it.
pub fn harness_test(dir: &Path, target_dir: &Path, test: &str) -> Command {
    let mut command = cargo(dir, target_dir);
    command.args([
        "test",
        "--offline",
        "--quiet",
        "--test",
        test,
        "--",
        "--nocapture",
    ]);
    command
}

/// Removes what building crate `name` left in the shared target dir (its libraries, test
/// binaries, fingerprints, docs), keeping the dependencies every scratch crate shares: the
/// whole corpus would otherwise need tens of GB, more than a CI machine's disk.
pub fn prune(target_dir: &Path, name: &str) {
    let lib = codegen::naming::lib_name(name);
    let prefixes = [
        format!("lib{lib}-"),
        format!("{lib}-"),
        format!("{name}-"),
        // The harnesses are test targets of the same names in every crate.
        "examples-".to_owned(),
        "conformance-".to_owned(),
    ];
    for sub in [
        "debug/deps",
        "debug/.fingerprint",
        "debug/incremental",
        "debug/build",
    ] {
        let Ok(entries) = std::fs::read_dir(target_dir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let file = entry.file_name();
            let file = file.to_string_lossy();
            if prefixes.iter().any(|p| file.starts_with(p.as_str())) {
                let path = entry.path();
                // Best effort: a file left behind costs disk, not correctness.
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }
    let _ = std::fs::remove_dir_all(target_dir.join("doc").join(&lib));
}
