//! `cargo xtask diff-pairs`: `codegen diff` on real pairs of specs from the corpus (Telnyx's
//! JSON and YAML editions, progenitor's and GitHub's GitHub), which differ in hundreds of
//! operations and schemas. Every operation must be accounted for (the old count, minus those
//! removed, plus those added, is the new count; a rename is neither), the report must agree
//! with itself (the bump from the levels), and a spec compared with itself must give nothing,
//! also at 1,156 operations. Reads `../shared/corpus`; fails when it is missing.

use codegen::diff::{self, Format, Level, Semver};
use std::path::Path;

/// The pairs: old, new, and the settings both are lowered with.
const PAIRS: &[(&str, &str, bool)] = &[
    ("telnyx/spec3.json", "telnyx/spec3.yml", true),
    (
        "progenitor/api.github.com.json",
        "github/api.github.com.json",
        false,
    ),
];

/// Checks every pair; the first failure is the error.
pub fn run(corpus: &Path, telnyx_settings: &Path) -> Result<(), String> {
    if !corpus.is_dir() {
        return Err(format!("{} is missing", corpus.display()));
    }
    for &(old, new, telnyx) in PAIRS {
        let mut options = codegen::Options::for_crate("api", new);
        if telnyx {
            codegen::config::apply_file(telnyx_settings, &mut options)
                .map_err(|e| e.to_string())?;
        }
        let lower = |p: &str| {
            codegen::lower_spec(&corpus.join(p), &options).map_err(|e| format!("{p}: {e}"))
        };
        let (old_api, new_api) = (lower(old)?, lower(new)?);
        let report = diff::diff(&old_api, &new_api);
        let fail = |what: String| Err(format!("{old} → {new}: {what}"));
        let expected = match report.changes.iter().map(|c| c.level).max() {
            Some(Level::Breaking) => Semver::Major,
            Some(Level::Addition) => Semver::Minor,
            Some(Level::Docs) => Semver::Patch,
            None => Semver::None,
        };
        if report.semver != expected || report.semver != Semver::Major {
            return fail(format!(
                "semver {:?}, levels say {expected:?}",
                report.semver
            ));
        }
        if let Some(c) = report.changes.iter().find(|c| !c.spec.starts_with("#/")) {
            return fail(format!("a location that is not a JSON pointer: {c:?}"));
        }
        let count = |rule: &str| {
            report
                .changes
                .iter()
                .filter(|c| c.rule.id() == rule)
                .count()
        };
        let accounted =
            old_api.operations.len() - count("operation-removed") + count("operation-added");
        if accounted != new_api.operations.len() {
            return fail(format!(
                "{accounted} operations accounted for, {} in the new spec",
                new_api.operations.len()
            ));
        }
        if count("operation-added") == 0 || count("schema-added") == 0 {
            return fail("no operation or schema added".to_owned());
        }
        let json: serde_json::Value =
            serde_json::from_str(&diff::render(&report, Format::Json, old, new))
                .map_err(|e| e.to_string())?;
        if json["changes"].as_array().map(Vec::len) != Some(report.changes.len()) {
            return fail("the JSON report lost changes".to_owned());
        }
        let same = diff::diff(&new_api, &lower(new)?);
        if let Some(first) = same.changes.first() {
            return fail(format!("{new} against itself: {first:?}"));
        }
        println!(
            "{old} → {new}: {} changes, {} operations accounted for",
            report.changes.len(),
            accounted
        );
    }
    Ok(())
}
