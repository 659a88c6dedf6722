//! Every fixture spec generates a standalone crate that passes `cargo clippy -D warnings`
//! and `cargo doc` with warnings denied (spec text must never break either).

use openapi_rust_gen_tests::Fixture;
use std::path::Path;

fn cargo(args: &[&str], dir: &Path, target: &Path) {
    if let Err(e) = xtask::scratch::run(dir, target, args) {
        panic!("{e}");
    }
}

/// Generates the fixture as a standalone crate in a temporary folder and checks it; its tests
/// (a test file for that crate) are run inside it when it has some.
fn check_fixture(fixture: &Fixture) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    // The workspace lock pins the same dependency versions, so no registry access is needed.
    xtask::scratch::generate(&fixture.spec, &fixture.options(), dir.path()).unwrap();
    let target = xtask::scratch::fixtures_target();
    cargo(
        // `--workspace`: a split crate's crates of types too.
        &[
            "clippy",
            "--workspace",
            "--offline",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
        dir.path(),
        &target,
    );
    cargo(
        &["doc", "--workspace", "--offline", "--quiet", "--no-deps"],
        dir.path(),
        &target,
    );
    // Each tag's feature alone, and none at all, compile without a warning too.
    for feature in features(&dir.path().join("Cargo.toml")) {
        cargo(
            &[
                "clippy",
                "--offline",
                "--quiet",
                "--no-default-features",
                "--features",
                &feature,
                "--",
                "-D",
                "warnings",
            ],
            dir.path(),
            &target,
        );
    }
    cargo(
        &[
            "clippy",
            "--offline",
            "--quiet",
            "--no-default-features",
            "--",
            "-D",
            "warnings",
        ],
        dir.path(),
        &target,
    );
    if let Some(tests) = &fixture.tests {
        std::fs::create_dir_all(dir.path().join("tests")).unwrap();
        std::fs::copy(tests, dir.path().join("tests/fixture.rs")).unwrap();
        // The fixture's tests drive the client against a local server.
        let manifest = dir.path().join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest).unwrap();
        text.push_str(
            "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
        );
        // Webhook tests sign deliveries themselves (the crate verifies only); the endpoint
        // example serves with axum.
        let webhooks = text.contains("\nwebhooks = [");
        if webhooks {
            text = text.replace(
                "\n[dev-dependencies]\n",
                "\n[dev-dependencies]\n\
                 ed25519-dalek = { version = \"2\", default-features = false, features = [\"std\"] }\n\
                 axum = { version = \"0.8\", default-features = false, features = [\"tokio\", \"http1\"] }\n",
            );
        }
        std::fs::write(&manifest, text).unwrap();
        cargo(
            &["test", "--offline", "--quiet", "--test", "fixture"],
            dir.path(),
            &target,
        );
        if webhooks && fixture.name == "signed-webhooks" {
            std::fs::create_dir_all(dir.path().join("examples")).unwrap();
            std::fs::copy(
                root.join("examples/webhook_endpoint.rs"),
                dir.path().join("examples/webhook_endpoint.rs"),
            )
            .unwrap();
            cargo(
                &[
                    "clippy",
                    "--offline",
                    "--quiet",
                    "--example",
                    "webhook_endpoint",
                    "--",
                    "-D",
                    "warnings",
                ],
                dir.path(),
                &target,
            );
        }
    }
}

/// The features a generated manifest declares (besides `default`).
fn features(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let table = text.split("[features]").nth(1).unwrap_or_default();
    table
        .lines()
        .filter_map(|l| l.split_once(" = ["))
        .map(|(name, _)| name.to_owned())
        .filter(|name| name != "default")
        .collect()
}

#[test]
fn fixtures_compile_without_warnings() {
    for fixture in openapi_rust_gen_tests::fixtures() {
        check_fixture(&fixture);
    }
}
