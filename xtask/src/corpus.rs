//! `cargo xtask corpus`: generates every spec of `../shared/corpus/MANIFEST.tsv` into
//! `target/corpus/<name>/`, runs `cargo clippy -D warnings` on each (and, asked, `cargo doc`
//! with warnings denied) with one shared target dir, and prints a
//! table (spec, operations, schemas, generate time, check time, result, first error).

use crate::scratch::{cargo, prune};
use codegen::{write, Options};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct Config {
    pub manifest: PathBuf,
    /// Only specs whose path contains one of these (all when empty).
    pub only: Vec<String>,
    /// Skip specs larger than this many bytes...
    pub max_bytes: Option<u64>,
    /// ...except these (manifest paths).
    pub also: Vec<String>,
    /// Generator settings by spec path prefix (the longest match applies).
    pub configs: Vec<(String, PathBuf)>,
    /// Where the crates are written, and their shared target dir and lock file.
    pub out_root: PathBuf,
    pub target_dir: PathBuf,
    pub lock: PathBuf,
    pub check: bool,
    /// Also build each crate's docs with warnings denied.
    pub docs: bool,
    /// Also run the examples check (`crate::examples_check`).
    pub examples: bool,
    /// Also call every operation against Prism (`crate::conformance`), this binary.
    pub prism: Option<PathBuf>,
    /// Operations expected to fail the conformance run, by spec path: `(spec, operationId)`.
    /// `(spec, operationId or `*` for the whole spec, reason)`.
    pub known_failures: Vec<(String, String, String)>,
    /// Specs (by path prefix) whose every cargo feature is also checked alone.
    pub each_feature: Vec<String>,
    /// Write the table to this Markdown file too.
    pub report: Option<PathBuf>,
    /// The command line the report says it was made by.
    pub command: String,
}

struct Row {
    path: String,
    version: String,
    operations: String,
    schemas: String,
    generate_secs: f64,
    /// The lists found paginated, by style (`12: 9 page, 3 cursor`).
    paginated: String,
    /// The credentials and the schemes merged into each (see [`credentials`]).
    credentials: String,
    /// The operations read as they arrive (see [`streaming`]).
    streaming: String,
    /// Types split by readOnly/writeOnly (see [`directions`]).
    directions: String,
    check_secs: Option<f64>,
    /// `ok/total` features checked alone, when asked for.
    features: String,
    result: String,
    first_error: String,
    examples: Option<crate::examples_check::Checked>,
    conformance: Option<Conformance>,
    /// Why the spec's conformance is not run (a `*` line of the known failures).
    conformance_not_run: Option<String>,
}

/// The conformance run of one spec and its time.
struct Conformance {
    checked: crate::conformance::Checked,
    seconds: f64,
}

/// Reads the known-failures list: `spec operationId reason...` per line (`*` for a spec
/// whose conformance cannot run at all), `#` comments.
pub fn read_known_failures(path: &Path) -> Result<Vec<(String, String, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.splitn(3, char::is_whitespace);
        match (words.next(), words.next(), words.next().map(str::trim)) {
            (Some(spec), Some(id), Some(reason)) if !reason.is_empty() => {
                out.push((spec.to_owned(), id.to_owned(), reason.to_owned()))
            }
            _ => {
                return Err(format!(
                    "{}:{}: expected `spec operationId reason`",
                    path.display(),
                    n + 1
                ))
            }
        }
    }
    Ok(out)
}

struct Entry {
    path: String,
    version: String,
    bytes: u64,
    operations: String,
    schemas: String,
}

fn read_manifest(path: &Path) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut entries = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 7 {
            return Err(format!("{}: short row: {line}", path.display()));
        }
        entries.push(Entry {
            path: cols[0].to_owned(),
            version: cols[2].to_owned(),
            bytes: cols[4].parse().unwrap_or(0),
            operations: cols[5].to_owned(),
            schemas: cols[6].to_owned(),
        });
    }
    Ok(entries)
}

/// Generates the crate as `codegen::generate` does, keeping the IR for the paginated lists.
/// The crate, the findings of the table's columns, and the fields `allOf` left untyped
/// (see [`crate::all_of_check`]).
type Generated = (codegen::GeneratedCrate, [String; 4], Vec<String>);

fn generate(spec: &Path, options: &Options) -> Result<Generated, codegen::Error> {
    let (doc, source) = codegen::load::load_with_source(spec)?;
    let api = codegen::lower::lower(&doc, &options.settings)?;
    let krate = codegen::emit::emit(&api, options)?;
    let untyped = crate::all_of_check::untyped_all_of(&api, &source);
    Ok((
        krate,
        [
            paginated(&api),
            credentials(&api),
            streaming(&api),
            directions(&api),
        ],
        untyped,
    ))
}

/// readOnly/writeOnly: `3 types split (sent as <Name>Input); sent types with a readOnly
/// property: 0; read types with a writeOnly property: 0` (empty when the spec has neither).
pub fn directions(api: &codegen::ir::Api) -> String {
    use codegen::ir::TypeKind;
    let split = api
        .types
        .iter()
        .filter(|t| t.sent_form_of.is_some())
        .count();
    let (mut sent_read_only, mut read_write_only, mut any) = (0, 0, false);
    for t in &api.types {
        let TypeKind::Struct(s) = &t.kind else {
            continue;
        };
        any |= s.fields.iter().any(|f| f.read_only || f.write_only);
        // Types no operation uses keep every property.
        let used = !t.features.groups.is_empty() || t.features.webhooks;
        if used && t.serde.serialize && !t.serde.deserialize {
            sent_read_only += usize::from(s.fields.iter().any(|f| f.read_only));
        }
        if used && t.serde.deserialize {
            read_write_only += usize::from(s.fields.iter().any(|f| f.write_only));
        }
    }
    if !any && split == 0 {
        return String::new();
    }
    format!(
        "{split} types split (sent as <Name>Input); sent types with a readOnly property: \
         {sent_read_only}; read types with a writeOnly property: {read_write_only}"
    )
}

/// The operations whose answers are read as they arrive: `21 downloads, 1 event stream,
/// 3 with _events (3 by codegen.toml), 1 with _bytes` (empty for none).
pub fn streaming(api: &codegen::ir::Api) -> String {
    use codegen::ir::{Decode, EventsFoundBy, Outcome};
    let (mut downloads, mut events, mut with_events, mut configured) = (0, 0, 0, 0);
    let with_bytes = api
        .operations
        .iter()
        .filter(|op| op.bytes.is_some())
        .count();
    for op in &api.operations {
        let decodes = op.arms.iter().filter_map(|a| match a.outcome {
            Outcome::Success { decode, .. } => Some(decode),
            _ => None,
        });
        let decodes: Vec<Decode> = decodes.collect();
        if decodes.contains(&Decode::Stream) {
            downloads += 1;
        } else if decodes.iter().any(|d| matches!(d, Decode::Events(_))) {
            events += 1;
        }
        if let Some(e) = &op.events {
            with_events += 1;
            configured += usize::from(e.found_by == EventsFoundBy::Settings);
        }
    }
    if downloads + events + with_events + with_bytes == 0 {
        return String::new();
    }
    format!(
        "{downloads} downloads (ByteStream), {events} event streams (EventStream), \
         {with_events} with _events ({configured} by codegen.toml), {with_bytes} with _bytes"
    )
}

/// The credentials found, with the schemes merged into each, and how many operations have
/// a requirement of their own: `api_key ← bearerAuth, BearerAuth (bearer); 12 own (10 none)`.
pub fn credentials(api: &codegen::ir::Api) -> String {
    use codegen::ir::{CredentialKind, KeyLocation};
    if api.credentials.is_empty() {
        return "none".to_owned();
    }
    let mut parts: Vec<String> = api
        .credentials
        .iter()
        .map(|c| {
            let kind = match &c.kind {
                CredentialKind::Bearer => "bearer".to_owned(),
                CredentialKind::Basic => "basic".to_owned(),
                CredentialKind::ApiKey { location, name } => {
                    let at = match location {
                        KeyLocation::Header => "header",
                        KeyLocation::Query => "query",
                        KeyLocation::Cookie => "cookie",
                    };
                    format!("{at} {name}")
                }
                CredentialKind::OAuth { .. } => "oauth2 client credentials".to_owned(),
            };
            format!("{} <- {} ({kind})", c.setter, c.schemes.join(", "))
        })
        .collect();
    let own = api
        .operations
        .iter()
        .filter(|op| op.security.is_some())
        .count();
    let none = api
        .operations
        .iter()
        .filter(|op| op.security.as_ref().is_some_and(Vec::is_empty))
        .count();
    let alternatives = api
        .operations
        .iter()
        .filter(|op| op.security.as_ref().unwrap_or(&api.security).len() > 1)
        .count();
    parts.push(format!(
        "{own} with their own requirement ({none} none), {alternatives} with alternatives"
    ));
    parts.join("; ")
}

/// The operations found paginated, by style: `12: 9 page, 3 cursor` (`0` for none).
pub fn paginated(api: &codegen::ir::Api) -> String {
    use codegen::ir::PageStyle;
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for p in api
        .operations
        .iter()
        .filter_map(|op| op.pagination.as_ref())
    {
        let style = match p.style {
            PageStyle::PageNumber { .. } => "page",
            PageStyle::Offset { .. } => "offset",
            PageStyle::Cursor { .. } => "cursor",
            PageStyle::LastId { .. } => "last-id",
            PageStyle::Link { next: None } => "link header",
            PageStyle::Link { next: Some(_) } => "link in body",
        };
        *counts.entry(style).or_default() += 1;
    }
    let total: usize = counts.values().sum();
    if total == 0 {
        return "0".to_owned();
    }
    let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    format!("{total}: {}", parts.join(", "))
}

/// A folder and crate name from a spec path (`telnyx/spec3.yml` → `telnyx-spec3-yml`).
fn slug(path: &str) -> String {
    codegen::naming::crate_name(path)
}

pub fn run(config: &Config) -> Result<bool, String> {
    let run_started = Instant::now();
    let corpus_dir = config
        .manifest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let (out_root, target_dir, lock) = (&config.out_root, &config.target_dir, &config.lock);
    let entries = read_manifest(&config.manifest)?;
    let mut rows = Vec::new();
    for entry in entries {
        if !config.only.is_empty() && !config.only.iter().any(|o| entry.path.contains(o.as_str())) {
            continue;
        }
        let kept = config.also.contains(&entry.path);
        if config.max_bytes.is_some_and(|max| entry.bytes > max) && !kept {
            continue;
        }
        let name = slug(&entry.path);
        let out = out_root.join(&name);
        let mut options = Options::for_crate(&name, &entry.path);
        let settings = config
            .configs
            .iter()
            .filter(|(prefix, _)| entry.path.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len());
        if let Some((_, file)) = settings {
            codegen::config::apply_file(file, &mut options).map_err(|e| e.to_string())?;
            // The corpus names its crates itself.
            options.rename(&name);
        }
        options.standalone = true;
        let started = Instant::now();
        let generated = generate(&corpus_dir.join(&entry.path), &options);
        let generate_secs = started.elapsed().as_secs_f64();
        let (generated, [paginated, credentials, streaming, directions], untyped_all_of) =
            match generated {
                Ok((krate, findings, untyped)) => (Ok(krate), findings, untyped),
                Err(e) => (Err(e), Default::default(), Vec::new()),
            };
        let mut row = Row {
            path: entry.path.clone(),
            version: entry.version.clone(),
            operations: entry.operations.clone(),
            schemas: entry.schemas.clone(),
            generate_secs,
            paginated,
            credentials,
            streaming,
            directions,
            check_secs: None,
            features: String::new(),
            result: String::new(),
            first_error: String::new(),
            examples: None,
            conformance: None,
            conformance_not_run: None,
        };
        match generated {
            Err(e) => {
                let swagger = entry.version.starts_with("2.");
                row.result = if swagger {
                    "refused (Swagger 2.0)"
                } else {
                    "generate FAILED"
                }
                .into();
                row.first_error = e.to_string().lines().next().unwrap_or_default().to_owned();
            }
            Ok(krate) => {
                write::write(&krate, &out, false).map_err(|e| format!("{}: {e}", out.display()))?;
                std::fs::copy(lock, out.join("Cargo.lock")).map_err(|e| e.to_string())?;
                if config.check {
                    let started = Instant::now();
                    let output = cargo(&out, target_dir)
                        .args([
                            "clippy",
                            "--workspace",
                            "--offline",
                            "--quiet",
                            "--message-format",
                            "short",
                            "--",
                            "-D",
                            "warnings",
                        ])
                        .output()
                        .map_err(|e| format!("cannot run cargo: {e}"))?;
                    row.check_secs = Some(started.elapsed().as_secs_f64());
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    let warnings = stderr.lines().filter(|l| l.contains(": warning:")).count();
                    let errors = stderr.lines().filter(|l| l.contains(": error")).count();
                    row.result = match (output.status.success(), warnings) {
                        (true, 0) => "ok".into(),
                        (true, n) => format!("ok, {n} warnings"),
                        (false, _) => format!("clippy FAILED ({errors} errors)"),
                    };
                    row.first_error = stderr
                        .lines()
                        .find(|l| l.contains(": error") || l.contains(": warning:"))
                        .unwrap_or_default()
                        .to_owned();
                    if config.docs && output.status.success() {
                        let docs = cargo(&out, target_dir)
                            .args(["doc", "--workspace", "--offline", "--quiet", "--no-deps"])
                            .env("RUSTDOCFLAGS", "-D warnings")
                            .output()
                            .map_err(|e| format!("cannot run cargo: {e}"))?;
                        if !docs.status.success() {
                            let stderr = String::from_utf8_lossy(&docs.stderr);
                            row.result = "docs FAILED".into();
                            row.first_error = stderr
                                .lines()
                                .find(|l| l.contains("error"))
                                .unwrap_or_default()
                                .to_owned();
                        }
                    }
                    if config.examples && output.status.success() {
                        let spec = corpus_dir.join(&entry.path);
                        let checked =
                            crate::examples_check::check(&spec, &options, &out, target_dir)?;
                        if !checked.ok() {
                            row.result = format!(
                                "examples FAILED ({} of {})",
                                checked.valid_readable() - checked.report.round_tripped,
                                checked.valid_readable()
                            );
                            row.first_error =
                                checked.report.failures.first().cloned().unwrap_or_default();
                        }
                        row.examples = Some(checked);
                    }
                    let cannot_run = config
                        .known_failures
                        .iter()
                        .find(|(path, id, _)| *path == entry.path && id == "*")
                        .map(|(_, _, reason)| reason.clone());
                    if let (Some(_), true, Some(reason)) =
                        (&config.prism, output.status.success(), &cannot_run)
                    {
                        row.conformance_not_run = Some(reason.clone());
                    }
                    if let (Some(prism), true, None) =
                        (&config.prism, output.status.success(), cannot_run)
                    {
                        let spec = corpus_dir.join(&entry.path);
                        let known: Vec<String> = config
                            .known_failures
                            .iter()
                            .filter(|(path, _, _)| *path == entry.path)
                            .map(|(_, id, _)| id.clone())
                            .collect();
                        let checked =
                            check_conformance(&spec, &options, &out, target_dir, prism, &known);
                        match checked {
                            Ok(c) => {
                                if !c.checked.ok() && !row.result.contains("FAILED") {
                                    let failed = c.checked.operations
                                        - c.checked.decoded
                                        - c.checked.prism_limits
                                        - c.checked.known;
                                    row.result = format!(
                                        "conformance FAILED ({failed} of {})",
                                        c.checked.operations
                                    );
                                    // The first failure that is neither Prism's nor known.
                                    row.first_error = match c.checked.stale.first() {
                                        Some(stale) => {
                                            format!("known to fail, but did not: {stale}")
                                        }
                                        None => c
                                            .checked
                                            .failures
                                            .iter()
                                            .find(|f| {
                                                !f.contains(": Prism's fault: ")
                                                    && !f.ends_with("(known)")
                                            })
                                            .cloned()
                                            .unwrap_or_default(),
                                    };
                                }
                                row.conformance = Some(c);
                            }
                            Err(e) => {
                                row.result = "conformance FAILED".into();
                                row.first_error = e;
                            }
                        }
                    }
                    if config
                        .each_feature
                        .iter()
                        .any(|p| entry.path.starts_with(p.as_str()))
                    {
                        let (ok, total, first) = check_each_feature(&out, target_dir)?;
                        row.features = format!("{ok}/{total}");
                        if ok < total {
                            row.result =
                                format!("features alone FAILED ({} of {total})", total - ok);
                            if row.first_error.is_empty() {
                                row.first_error = first;
                            }
                        }
                    }
                    prune(target_dir, &name);
                } else {
                    row.result = "generated".into();
                }
                if !untyped_all_of.is_empty() && !row.result.contains("FAILED") {
                    row.result = format!(
                        "allOf types lost FAILED ({} properties)",
                        untyped_all_of.len()
                    );
                    row.first_error = untyped_all_of.join(", ");
                }
            }
        }
        print_row(&row);
        rows.push(row);
    }
    let failed = rows
        .iter()
        .filter(|r| r.result.contains("FAILED") || r.result.contains("warnings"))
        .count();
    let refused = rows
        .iter()
        .filter(|r| r.result.starts_with("refused"))
        .count();
    let summary = format!(
        "{} specs: {} ok, {} refused as Swagger 2.0, {} failed",
        rows.len(),
        rows.len() - failed - refused,
        refused,
        failed
    );
    if let Some(report) = &config.report {
        let text = format!(
            "# Corpus\n\nEvery spec of `../shared/corpus/MANIFEST.tsv`, generated and linted with `cargo clippy -D warnings` \
             (dependencies shared in one target dir; \"ok\" means no error and no warning).\n\
             Made by `{}` {}. Every row is from that one run. Check times are of each crate alone: \
             the dependencies are built once in `target/corpus-target`, each crate's own artifacts are removed after its checks.\n\n\
             {summary}.\n\n{}{}{}",
            config.command.replace('`', "'"),
            provenance(run_started.elapsed().as_secs(), report),
            table(&rows),
            examples_table(&rows),
            conformance_table(&rows)
        );
        std::fs::write(report, text).map_err(|e| format!("{}: {e}", report.display()))?;
    }
    println!("\n{summary}");
    Ok(failed == 0)
}

/// Where and when a report was made: `on a 2-core machine (2026-12-05 UTC, 20 min, sources
/// at 30676c6)`; "with uncommitted changes" when the work tree (the report aside) differs
/// from that commit.
fn provenance(seconds: u64, report: &Path) -> String {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    // The report itself is left out: a second run over an uncommitted report measures the
    // same sources. A report outside the repository needs no leaving out (and git refuses
    // a pathspec outside it).
    let inside = git(&["rev-parse", "--show-toplevel"]).is_some_and(|top| {
        std::path::absolute(report).is_ok_and(|report| report.starts_with(Path::new(&top)))
    });
    let mut status = vec!["status", "--porcelain", "--untracked-files=no", "--", "."];
    let exclude = format!(":(exclude){}", report.display());
    if inside {
        status.push(&exclude);
    }
    let sources = match git(&["rev-parse", "--short", "HEAD"]) {
        Some(commit) => match git(&status) {
            Some(changes) if changes.is_empty() => format!("sources at {commit}"),
            _ => format!("sources at {commit} with uncommitted changes"),
        },
        None => "sources not under git".to_owned(),
    };
    format!(
        "on a {cores}-core machine ({} UTC, {} min, {sources})",
        civil_date(today),
        (seconds + 30) / 60
    )
}

/// `YYYY-MM-DD` of a count of days since 1970-01-01 (the proleptic Gregorian calendar, by
/// whole 400-year eras of 146,097 days).
fn civil_date(days: u64) -> String {
    let days = days + 719_468; // from 0000-03-01, so that a leap day ends its year
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The conformance run of the crate generated at `dir` from `spec`.
fn check_conformance(
    spec: &Path,
    options: &Options,
    dir: &Path,
    target_dir: &Path,
    prism: &Path,
    known: &[String],
) -> Result<Conformance, String> {
    let started = Instant::now();
    let checked = crate::conformance::check(spec, options, dir, target_dir, prism, known)?;
    Ok(Conformance {
        checked,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// `cargo check`s the crate at `dir` with each of its features alone: how many compile
/// without error or warning, out of how many, and the first failure.
fn check_each_feature(dir: &Path, target_dir: &Path) -> Result<(usize, usize, String), String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let features = tag_features(&manifest);
    let mut ok = 0;
    let mut first = String::new();
    for feature in &features {
        let output = cargo(dir, target_dir)
            .args([
                "check",
                "--offline",
                "--quiet",
                "--message-format",
                "short",
                "--no-default-features",
                "--features",
                feature,
            ])
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let noisy = stderr
            .lines()
            .find(|l| l.contains(": error") || l.contains(": warning:"));
        match (output.status.success(), noisy) {
            (true, None) => ok += 1,
            (_, line) if first.is_empty() => {
                first = format!("feature {feature}: {}", line.unwrap_or("failed"))
            }
            _ => {}
        }
    }
    Ok((ok, features.len(), first))
}

/// The features of a generated manifest that stand for a tag (or `other-schemas`): each
/// turns on nothing else (`= []`), or only the same feature of the crates of types of a
/// split crate (`= ["x-types/calls"]`); `default` and `webhooks` (`dep:`) are others. The
/// table ends at the next one (`[workspace]`, `[dev-dependencies]`, whose
/// `tokio = { .., features = [..] }` is no feature).
fn tag_features(manifest: &str) -> Vec<&str> {
    manifest
        .split("[features]")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split_once(" = ["))
        .filter(|(name, value)| *name != "default" && !value.contains("dep:"))
        .map(|(name, _)| name)
        .collect()
}

fn print_row(row: &Row) {
    println!(
        "{:<58} {:>5} {:>5} {:>7.2}s {:>8} {} {} {}",
        row.path,
        row.operations,
        row.schemas,
        row.generate_secs,
        row.check_secs
            .map(|s| format!("{s:.1}s"))
            .unwrap_or_default(),
        row.result,
        if row.features.is_empty() {
            String::new()
        } else {
            format!("(features alone: {} ok)", row.features)
        },
        row.first_error.chars().take(160).collect::<String>()
    );
    if !row.paginated.is_empty() {
        println!("    paginated: {}", row.paginated);
    }
    if !row.streaming.is_empty() {
        println!("    streaming: {}", row.streaming);
    }
    if !row.directions.is_empty() {
        println!("    directions: {}", row.directions);
    }
    if !row.credentials.is_empty() {
        println!("    credentials: {}", row.credentials);
    }
    if let Some(e) = &row.examples {
        println!(
            "    examples: {} found, {} invalid, {} sent only; {} valid read: {} decoded, {} round-tripped",
            e.found,
            e.invalid,
            e.sent_only,
            e.valid_readable(),
            e.report.decoded,
            e.report.round_tripped
        );
    }
    if let Some(reason) = &row.conformance_not_run {
        println!("    conformance: not run: {reason}");
    }
    if let Some(c) = &row.conformance {
        println!(
            "    conformance: {} operations: {} called, {} accepted by Prism, {} decoded; {} Prism's faults, {} known failures; {} sent a value no candidate of was valid; credentials of {} requests checked, {} wrong; {:.1}s",
            c.checked.operations, c.checked.called, c.checked.accepted, c.checked.decoded, c.checked.prism_limits, c.checked.known, c.checked.invalid_values, c.checked.credentials_checked, c.checked.credential_faults, c.seconds
        );
        for stale in &c.checked.stale {
            println!("      known to fail, but did not: {stale}");
        }
        let shown: Vec<&String> = c
            .checked
            .failures
            .iter()
            .filter(|f| !f.contains("Prism's fault") && !f.ends_with("(known)"))
            .collect();
        for failure in shown.iter().take(5) {
            println!("      {}", failure.chars().take(240).collect::<String>());
        }
        if shown.len() > 5 {
            println!("      ... and {} more", shown.len() - 5);
        }
    }
}

/// The examples check per spec (when it ran), with the failures listed.
fn examples_table(rows: &[Row]) -> String {
    let checked: Vec<(&Row, &crate::examples_check::Checked)> = rows
        .iter()
        .filter_map(|r| r.examples.as_ref().map(|e| (r, e)))
        .collect();
    if checked.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Examples\n\nEvery JSON example of a component schema or a response body \
         (`cargo xtask corpus --examples`): validated against its schema (JSON Schema 2020-12, \
         3.0 documents read as 3.1 would write them); each valid one of a type the client \
         reads decoded into it and serialized back, declared fields compared (numbers as \
         numbers, date-times as instants, null as absent). \"Sent only\": valid examples of \
         request types, which have no `Deserialize` to read them with.\n\n\
         | spec | examples | invalid | sent only | valid, read | decoded | round-tripped |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (r, e) in &checked {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            r.path,
            e.found,
            e.invalid,
            e.sent_only,
            e.valid_readable(),
            e.report.decoded,
            e.report.round_tripped
        ));
    }
    let failures: Vec<(&str, &String)> = checked
        .iter()
        .flat_map(|(r, e)| e.report.failures.iter().map(move |f| (r.path.as_str(), f)))
        .collect();
    if failures.is_empty() {
        out.push_str("\nFailures: none.\n");
    } else {
        out.push_str("\nFailures:\n\n");
        for (path, failure) in failures {
            out.push_str(&format!("- {path}: `{}`\n", failure.replace('`', "'")));
        }
    }
    out
}

/// The conformance run per spec (when it ran), with every failure listed.
fn conformance_table(rows: &[Row]) -> String {
    let checked: Vec<(&Row, &Conformance)> = rows
        .iter()
        .filter_map(|r| r.conformance.as_ref().map(|c| (r, c)))
        .collect();
    if checked.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Conformance\n\nEvery operation called once through the generated client \
         (`cargo xtask corpus --conformance`) against the pinned Prism (`prism mock`, which \
         validates each request against the spec and answers from it). Values: the spec's \
         examples of each parameter and body, else one made from the schema (nested examples, \
         then keywords alone), the first valid against the schema; optional parameters are \
         sent when the spec shows a value. Accepted: no request violation and a success \
         status. Decoded: the success response read into its type. Prism's faults: by its own \
         report, it refused a request no encoding makes it read (a required `page[number]`, an \
         array in a form body), or it answered with a body that breaks the spec, by its own \
         report or by the JSON Schema validator's (the answer checked against the schema the \
         spec gives for its status): the client is right not to read it. Every other failure \
         is the client's, or listed in `conformance/known-failures.txt` with its reason.\n\n\
         | spec | operations | called | accepted | decoded | Prism's faults | known | values invalid | time |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (r, c) in &checked {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.0} s |\n",
            r.path,
            c.checked.operations,
            c.checked.called,
            c.checked.accepted,
            c.checked.decoded,
            c.checked.prism_limits,
            c.checked.known,
            c.checked.invalid_values,
            c.seconds
        ));
    }
    for r in rows {
        if let Some(reason) = &r.conformance_not_run {
            out.push_str(&format!(
                "| {} | {} | not run: {} | | | | | | |\n",
                r.path,
                r.operations,
                reason.replace('|', "\\|")
            ));
        }
    }
    let failures: Vec<(&str, &String)> = checked
        .iter()
        .flat_map(|(r, c)| c.checked.failures.iter().map(move |f| (r.path.as_str(), f)))
        .collect();
    if !failures.is_empty() {
        out.push_str("\nFailures:\n\n");
        for (path, failure) in failures {
            let failure: String = failure.chars().take(300).collect();
            out.push_str(&format!("- {path}: `{}`\n", failure.replace('`', "'")));
        }
    }
    out
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| spec | version | operations | schemas | paginated | generate | cargo clippy | features alone | result | first error |\n\
         |---|---|---:|---:|---|---:|---:|---:|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.2} s | {} | {} | {} | {} |\n",
            r.path,
            r.version,
            r.operations,
            r.schemas,
            r.paginated,
            r.generate_secs,
            r.check_secs
                .map(|s| format!("{s:.1} s"))
                .unwrap_or_else(|| "–".into()),
            if r.features.is_empty() {
                "–"
            } else {
                &r.features
            },
            r.result,
            r.first_error
                .replace('|', "\\|")
                .chars()
                .take(200)
                .collect::<String>()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{civil_date, provenance, tag_features};

    #[test]
    fn a_report_outside_the_repository_does_not_make_the_tree_dirty() {
        let clean = std::process::Command::new("git")
            .args(["status", "--porcelain", "--untracked-files=no", "--", "."])
            .output()
            .is_ok_and(|out| out.status.success() && out.stdout.is_empty());
        let line = provenance(60, std::path::Path::new("/nonexistent-folder/corpus.md"));
        if line.contains("not under git") {
            return; // a source tarball: nothing to compare
        }
        assert_eq!(line.contains("uncommitted"), !clean, "{line}");
    }

    #[test]
    fn tag_features_are_those_of_the_features_table_only() {
        let manifest = r#"[dependencies]
tokio = { version = "1", features = ["time"] }

[features]
default = ["calls", "other-schemas"]
calls = []
numbers = ["x-types/numbers", "x-types-1/numbers"]
other-schemas = ["x-types/other-schemas"]
webhooks = ["dep:hmac", "x-types/webhooks"]

[workspace]

[dev-dependencies]
tokio = { version = "1", features = ["rt"] }
"#;
        assert_eq!(
            tag_features(manifest),
            ["calls", "numbers", "other-schemas"]
        );
    }

    #[test]
    fn dates_are_counted_from_the_epoch() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(59), "1970-03-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(11_017), "2000-03-01");
        assert_eq!(civil_date(20_427), "2025-12-05");
        assert_eq!(civil_date(20_792), "2026-12-05");
        assert_eq!(civil_date(47_540), "2100-02-28");
        assert_eq!(civil_date(47_541), "2100-03-01");
    }
}
