//! Issue 11's acceptance test: the crate generated from the whole Telnyx API
//! (`../shared/corpus/telnyx/spec3.yml`, with `spec/codegen.toml`), built with only the
//! features five everyday tasks need, runs `tests/fixtures/telnyx-tasks.rs` inside it.

use std::path::Path;
use std::process::Command;

#[test]
fn five_everyday_tasks_against_the_whole_telnyx_api() {
    let root = openapi_rust_gen_tests::root();
    let spec = root.join("../shared/corpus/telnyx/spec3.yml");
    if !spec.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing under CI",
            spec.display()
        );
        eprintln!("SKIPPED five_everyday_tasks: {} not found", spec.display());
        return;
    }
    let dir = root.join("target/telnyx-tasks");
    let mut options = codegen::Options::for_crate("telnyx", "telnyx/spec3.yml");
    codegen::config::apply_file(&root.join("spec/codegen.toml"), &mut options).unwrap();
    options.rename("telnyx");
    options.standalone = true;
    let krate = codegen::generate(&spec, &options).expect("the Telnyx spec generates");
    codegen::write::write(&krate, &dir, false).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::copy(
        root.join("tests/fixtures/telnyx-tasks.rs"),
        dir.join("tests/tasks.rs"),
    )
    .unwrap();
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    if !text.contains("[dev-dependencies]") {
        text.push_str(
            "\n[dev-dependencies]\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
        );
        std::fs::write(&manifest, text).unwrap();
    }
    let output = Command::new(env!("CARGO"))
        .args([
            "test",
            "--offline",
            "--quiet",
            "--no-default-features",
            "--features",
            "call-recordings,messages,call-commands",
            "--test",
            "tasks",
        ])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target/fixtures"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the tasks failed in {}:\n{}\n{}",
        Path::new(&dir).display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
