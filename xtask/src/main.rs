//! `cargo xtask`: the generator's tooling. Relative paths are read from the workspace root.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xtask::{corpus, scratch::root};

#[derive(Parser)]
#[command(
    name = "xtask",
    about = "The generator's own tooling: corpus runs and the checks CI makes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate and `cargo clippy -D warnings` every spec of the corpus manifest; print a table.
    Corpus(CorpusArgs),
    /// `codegen diff` on real pairs of the corpus: every operation accounted for, a spec
    /// against itself gives nothing.
    DiffPairs {
        /// The corpus folder.
        #[arg(long, default_value = "../shared/corpus")]
        corpus: PathBuf,
    },
    /// Regenerate the runtime crate's stand-in `settings.rs` from its harness spec
    /// (`codegen/runtime/harness/openapi.yaml`).
    Harness,
    /// `spec/call-recordings.yml` is still the seed the project started from; if it moves
    /// on, this tells the reviewer.
    Seed {
        /// The seed spec.
        #[arg(long, default_value = "../shared/seed/call-recordings.yml")]
        seed: PathBuf,
    },
}

#[derive(Args)]
struct CorpusArgs {
    /// The manifest (TSV: path, repo, version, format, bytes, operations, schemas...).
    #[arg(long, default_value = "../shared/corpus/MANIFEST.tsv")]
    manifest: PathBuf,
    /// Only specs whose path contains one of these.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Skip specs larger than this (bytes), except those named by `--also`.
    #[arg(long)]
    max_bytes: Option<u64>,
    /// Specs kept whatever their size (paths as in the manifest).
    #[arg(long, value_delimiter = ',')]
    also: Vec<String>,
    /// Generator settings for the specs whose path starts with PREFIX: `PREFIX=FILE`
    /// (repeatable; the longest matching prefix wins). Others get the defaults.
    #[arg(long = "config-for", value_name = "PREFIX=FILE")]
    config_for: Vec<String>,
    /// Generate only, without `cargo clippy`.
    #[arg(long)]
    no_check: bool,
    /// Also build each crate's docs with warnings denied.
    #[arg(long)]
    docs: bool,
    /// Also check the spec's examples: valid ones (JSON Schema) must decode into their type
    /// and come back without losing a declared field.
    #[arg(long)]
    examples: bool,
    /// Also call every operation through the generated client against the pinned Prism,
    /// which validates the requests (installed on first use).
    #[arg(long)]
    conformance: bool,
    /// Also check every cargo feature alone for the specs whose path starts with these.
    #[arg(long, value_delimiter = ',')]
    each_feature: Vec<String>,
    /// Also write the table as Markdown to this file.
    #[arg(long)]
    report: Option<PathBuf>,
}

/// `path`, relative to the workspace root unless absolute.
fn absolute(path: PathBuf) -> PathBuf {
    if path.is_relative() {
        root().join(path)
    } else {
        path
    }
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Corpus(args) => corpus_command(args),
        Command::DiffPairs { corpus } => {
            xtask::diff_pairs::run(&absolute(corpus), &root().join("spec/codegen.toml"))
                .map(|()| true)
        }
        Command::Seed { seed } => seed_command(absolute(seed)),
        Command::Harness => xtask::contract::regenerate().map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn seed_command(seed: PathBuf) -> Result<bool, String> {
    let spec = root().join("spec/call-recordings.yml");
    let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    if read(&seed)? == read(&spec)? {
        println!("{} is the seed", spec.display());
        Ok(true)
    } else {
        eprintln!(
            "{} differs from the seed {}",
            spec.display(),
            seed.display()
        );
        Ok(false)
    }
}

fn corpus_command(args: CorpusArgs) -> Result<bool, String> {
    let root = root();
    let prism = if args.conformance {
        Some(xtask::prism::binary()?)
    } else {
        None
    };
    let known_failures = if args.conformance {
        corpus::read_known_failures(&root.join("conformance/known-failures.txt"))?
    } else {
        Vec::new()
    };
    let mut configs = Vec::new();
    for entry in args.config_for {
        let (prefix, file) = entry
            .split_once('=')
            .ok_or_else(|| format!("--config-for takes PREFIX=FILE, not {entry:?}"))?;
        configs.push((prefix.to_owned(), absolute(PathBuf::from(file))));
    }
    corpus::run(&corpus::Config {
        manifest: absolute(args.manifest),
        only: args.only,
        max_bytes: args.max_bytes,
        also: args.also,
        configs,
        out_root: root.join("target/corpus"),
        target_dir: root.join("target/corpus-target"),
        lock: root.join("Cargo.lock"),
        check: !args.no_check,
        docs: args.docs,
        examples: args.examples,
        prism,
        known_failures,
        each_feature: args.each_feature,
        report: args.report,
        command: invocation(),
    })
}

/// How this run was asked for, as a report names it: `cargo xtask corpus` and the arguments
/// given after `corpus` (one with spaces in single quotes).
fn invocation() -> String {
    let mut command = String::from("cargo xtask corpus");
    for arg in std::env::args().skip_while(|a| a != "corpus").skip(1) {
        command.push(' ');
        if arg.contains(char::is_whitespace) {
            command.push_str(&format!("'{arg}'"));
        } else {
            command.push_str(&arg);
        }
    }
    command
}
