//! `codegen`: the command-line front end of the generator.

mod corpus;

use clap::{Parser, Subcommand};
use codegen::{workspace, write, Options};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "codegen",
    version,
    about = "Generate a Rust client crate from an OpenAPI 3.0/3.1 document"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a crate. With no options, regenerates `generated/` from `spec/call-recordings.yml`.
    Generate {
        /// The OpenAPI document (YAML or JSON).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// The crate folder to write (Cargo.toml and src/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The package name (default: from the spec's file name).
        #[arg(long)]
        crate_name: Option<String>,
        /// Prefix of the environment variables of `Client::from_env` (default: the first
        /// word of the crate name, upper-cased).
        #[arg(long)]
        env_prefix: Option<String>,
        /// Write nothing; exit 1 and list the stale files when `--out` is not up to date.
        #[arg(long)]
        check: bool,
        /// Add an empty `[workspace]` table to Cargo.toml (for a crate inside another workspace).
        #[arg(long)]
        standalone: bool,
    },
    /// Generate and `cargo check` every spec of the corpus manifest; print a table.
    Corpus {
        /// The manifest (TSV: path, repo, version, format, bytes, operations, schemas...).
        #[arg(long, default_value = "../shared/corpus/MANIFEST.tsv")]
        manifest: PathBuf,
        /// Only specs whose path contains one of these.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Skip specs larger than this (bytes); the Telnyx spec is always kept.
        #[arg(long)]
        max_bytes: Option<u64>,
        /// Generate only, without `cargo check`.
        #[arg(long)]
        no_check: bool,
        /// Also write the table as Markdown to this file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Generate {
            spec,
            out,
            crate_name,
            env_prefix,
            check,
            standalone,
        } => generate(spec, out, crate_name, env_prefix, check, standalone),
        Command::Corpus {
            manifest,
            only,
            max_bytes,
            no_check,
            report,
        } => {
            let manifest = if manifest.is_relative() {
                workspace::root().join(manifest)
            } else {
                manifest
            };
            let config = corpus::Config {
                manifest,
                only,
                max_bytes,
                check: !no_check,
                report,
            };
            match corpus::run(&config) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn generate(
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    crate_name: Option<String>,
    env_prefix: Option<String>,
    check: bool,
    standalone: bool,
) -> ExitCode {
    let root = workspace::root();
    let (spec, label, out, mut options) = match spec {
        None => {
            let options = workspace::options();
            let out = out.unwrap_or_else(|| root.join(workspace::OUT));
            (
                root.join(workspace::SPEC),
                workspace::SPEC.to_owned(),
                out,
                options,
            )
        }
        Some(spec) => {
            let label = spec
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| spec.display().to_string());
            let stem = spec
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "api".to_owned());
            let name = crate_name.clone().unwrap_or(stem);
            let Some(out) = out else {
                eprintln!("error: --out DIR is required with --spec");
                return ExitCode::from(2);
            };
            let options = Options::for_crate(&name, &label);
            (spec, label, out, options)
        }
    };
    if let Some(name) = crate_name {
        options.crate_name = codegen::naming::crate_name(&name);
    }
    if let Some(prefix) = env_prefix {
        options.env_prefix = codegen::naming::env_prefix(&prefix);
    }
    options.spec_label = label;
    options.standalone = standalone;

    // `generate` turns panics into errors; keep the default hook from printing them twice.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let generated = codegen::generate(&spec, &options);
    std::panic::set_hook(default_hook);
    let krate = match generated {
        Ok(krate) => krate,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match write::write(&krate, &out, check) {
        Ok(report) if check => {
            if report.is_clean() {
                println!("{} is up to date", out.display());
                ExitCode::SUCCESS
            } else {
                eprintln!("{} is stale; run the generator to update:", out.display());
                for file in report.changed.iter().chain(&report.removed) {
                    eprintln!("  {file}");
                }
                ExitCode::from(1)
            }
        }
        Ok(report) => {
            println!(
                "{}: {} written, {} removed, {} unchanged",
                out.display(),
                report.changed.len(),
                report.removed.len(),
                report.unchanged
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            ExitCode::from(2)
        }
    }
}
