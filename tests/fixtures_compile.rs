//! Every fixture spec generates a standalone crate that passes `cargo clippy -D warnings`
//! and `cargo doc` with warnings denied (spec text must never break either).

use std::path::Path;
use std::process::Command;

fn cargo(args: &[&str], dir: &Path, target: &Path) {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo {args:?} failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn hard_cases_compile_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let options = codegen::Options::for_crate("hard-cases", "hard-cases.yml");
    let krate = codegen::generate(&root.join("tests/fixtures/hard-cases.yml"), &options).unwrap();
    codegen::write::write(&krate, dir.path(), false).unwrap();
    // The workspace lock pins the same dependency versions, so no registry access is needed.
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), {
        let mut manifest = krate.files["Cargo.toml"].clone();
        manifest.push_str("\n[workspace]\n");
        manifest
    })
    .unwrap();
    let target = root.join("target/fixtures");
    cargo(
        &["clippy", "--offline", "--quiet", "--", "-D", "warnings"],
        dir.path(),
        &target,
    );
    cargo(
        &["doc", "--offline", "--quiet", "--no-deps"],
        dir.path(),
        &target,
    );
}
