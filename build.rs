//! Makes a spec change visible to a plain `cargo build`: reruns when `spec/`, the generator
//! or `generated/` change, and fails with the command to run when `generated/` is stale.
//! It writes nothing (not even into OUT_DIR): the check compares in memory.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for watched in [
        "spec",
        "codegen/src",
        "generated/src",
        "generated/Cargo.toml",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    let options = codegen::workspace::options();
    let spec = root.join(codegen::workspace::SPEC);
    let krate = match codegen::generate(&spec, &options) {
        Ok(krate) => krate,
        Err(e) => fail(&format!("the spec does not generate:\n{e}")),
    };
    match codegen::write::write(&krate, &root.join(codegen::workspace::OUT), true) {
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
