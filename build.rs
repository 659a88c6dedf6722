//! Makes a spec change visible to a plain `cargo build`: reruns when `spec/`, the generator
//! or `generated/` change, and fails with the command to run when `generated/` is stale.
//! It writes nothing (not even into OUT_DIR): the check compares in memory.

use std::path::Path;

/// The checked-in crate (the same paths as `src/lib.rs` and the CLI's default).
const SPEC: &str = "spec/call-recordings.yml";
const OUT: &str = "generated";

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for watched in [
        "spec",
        "codegen/src",
        "codegen/runtime/src",
        "codegen/runtime/Cargo.toml",
        "generated/src",
        "generated/Cargo.toml",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    let spec = root.join(SPEC);
    let options = match codegen::Options::for_spec(&spec, SPEC) {
        Ok(options) => options,
        Err(e) => fail(&format!("the generator settings are invalid:\n{e}")),
    };
    let krate = match codegen::generate(&spec, &options) {
        Ok(krate) => krate,
        Err(e) => fail(&format!("the spec does not generate:\n{e}")),
    };
    match codegen::write::write(&krate, &root.join(OUT), true) {
        Ok(report) if report.is_clean() => {}
        Ok(report) => {
            let files: Vec<String> = report.changed.into_iter().chain(report.removed).collect();
            fail(&format!(
                "generated/ is stale ({}); regenerate with:\n    cargo run -p codegen -- generate",
                files.join(", ")
            ))
        }
        Err(e) => fail(&format!("cannot compare generated/: {e}")),
    }
}

fn fail(message: &str) -> ! {
    for line in message.lines() {
        println!("cargo:warning={line}");
    }
    eprintln!("{message}");
    std::process::exit(1);
}
