//! The report of `codegen diff`: Markdown for people (a pull request comment), JSON for tools
//! (`{"semver": .., "changes": [{"rule", "breaking", "spec", "rust", "message"}]}`), or
//! GitHub Actions annotations (one per change).

use super::{Level, Report};
use crate::escape::{code_span, markdown_cell};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    Github,
}

/// The report in `format`; `old` and `new` label the specs.
pub fn render(report: &Report, format: Format, old: &str, new: &str) -> String {
    match format {
        Format::Markdown => markdown(report, old, new),
        Format::Json => json(report),
        Format::Github => github(report, new),
    }
}

fn markdown(report: &Report, old: &str, new: &str) -> String {
    let breaking = report.changes.iter().filter(|c| c.breaking()).count();
    // Spec text (names in messages, pointers, the file names) is escaped for its cell: a
    // name like `x<!--` must not hide the rest of the report.
    let mut out = format!(
        "# API changes: {} → {}\n\n{} change{}, {breaking} breaking. The crate needs a **{}** version.\n",
        markdown_cell(&code_span(old)),
        markdown_cell(&code_span(new)),
        report.changes.len(),
        if report.changes.len() == 1 { "" } else { "s" },
        report.semver.as_str()
    );
    // Large reports open with counts per rule: the tables below can run to thousands of rows.
    if report.changes.len() > 20 {
        let mut counts: std::collections::BTreeMap<(std::cmp::Reverse<Level>, &str), usize> =
            std::collections::BTreeMap::new();
        for c in &report.changes {
            *counts
                .entry((std::cmp::Reverse(c.level), c.rule.id()))
                .or_default() += 1;
        }
        out.push_str("\n| rule | breaking | changes |\n|---|---|---|\n");
        for ((level, rule), n) in counts {
            let breaking = if level.0 == Level::Breaking {
                "yes"
            } else {
                "no"
            };
            out.push_str(&format!("| `{rule}` | {breaking} | {n} |\n"));
        }
    }
    for (level, title) in [
        (Level::Breaking, "Breaking"),
        (Level::Addition, "Additions and behaviour"),
        (Level::Docs, "Documentation"),
    ] {
        let changes: Vec<_> = report.changes.iter().filter(|c| c.level == level).collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## {title} ({})\n\n| rule | Rust item | spec | change |\n|---|---|---|---|\n",
            changes.len()
        ));
        for c in changes {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                c.rule.id(),
                markdown_cell(&code_span(&c.rust)),
                markdown_cell(&code_span(&c.spec)),
                markdown_cell(&c.message)
            ));
        }
    }
    out.push_str(&format!("\nSemver: **{}**\n", report.semver.as_str()));
    out
}

fn json(report: &Report) -> String {
    let changes: Vec<serde_json::Value> = report
        .changes
        .iter()
        .map(|c| {
            serde_json::json!({
                "rule": c.rule.id(),
                "breaking": c.breaking(),
                "spec": c.spec,
                "rust": c.rust,
                "message": c.message,
            })
        })
        .collect();
    let value = serde_json::json!({"semver": report.semver.as_str(), "changes": changes});
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// `::error` for breaking changes, `::warning` for behaviour and additions, `::notice` for
/// documentation; each names the new spec as its file.
fn github(report: &Report, new: &str) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let kind = match c.level {
            Level::Breaking => "error",
            Level::Addition => "warning",
            Level::Docs => "notice",
        };
        out.push_str(&format!(
            "::{kind} file={},title={}::{}: {} ({})\n",
            escape_property(new),
            escape_property(c.rule.id()),
            escape_data(&c.rust),
            escape_data(&c.message),
            escape_data(&c.spec)
        ));
    }
    out.push_str(&format!(
        "::notice title=semver::the crate needs a {} version\n",
        report.semver.as_str()
    ));
    out
}

/// Workflow command data: `%`, CR and LF escaped; other control characters (a terminal
/// escape would forge log output) shown as `\u{..}`.
fn escape_data(text: &str) -> String {
    crate::escape::comment(
        &text
            .replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A"),
    )
}

/// Workflow command properties: also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
