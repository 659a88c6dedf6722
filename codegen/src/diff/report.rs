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
        Format::Github => github(report, old, new),
    }
}

fn markdown(report: &Report, old: &str, new: &str) -> String {
    let breaking = report.changes.iter().filter(|c| c.breaking()).count();
    // Spec text (names in messages, pointers, the file names) is escaped for its cell: a
    // name like `x<!--` must not hide the rest of the report.
    let needs = match report.semver {
        super::Semver::None => "The crate needs no new version.".to_owned(),
        semver => format!("The crate needs a **{}** version.", semver.as_str()),
    };
    let mut out = format!(
        "# API changes: {} → {}\n\n{} change{}, {breaking} breaking. {needs}\n",
        markdown_cell(&code_span(old)),
        markdown_cell(&code_span(new)),
        report.changes.len(),
        if report.changes.len() == 1 { "" } else { "s" },
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
                markdown_cell(&format!("{}{}", c.message, used_by(c, true)))
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
                "used_by": c.used_by,
                "line": c.line,
            })
        })
        .collect();
    let value = serde_json::json!({"semver": report.semver.as_str(), "changes": changes});
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// `::error` for breaking changes, `::warning` for behaviour and additions, `::notice` for
/// documentation; each names the new spec as its file.
fn github(report: &Report, old: &str, new: &str) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let kind = match c.level {
            Level::Breaking => "error",
            Level::Addition => "warning",
            Level::Docs => "notice",
        };
        // Removals point into the old spec, the rest into the new one.
        let file = if c.rule.in_old_spec() { old } else { new };
        let line = c.line.map(|l| format!(",line={l}")).unwrap_or_default();
        out.push_str(&format!(
            "::{kind} file={}{line},title={}::{}: {}{} ({})\n",
            escape_property(file),
            escape_property(c.rule.id()),
            escape_data(&c.rust),
            escape_data(&c.message),
            escape_data(&used_by(c, false)),
            escape_data(&c.spec)
        ));
    }
    out.push_str(&format!(
        "::notice title=semver::{}\n",
        match report.semver {
            super::Semver::None => "the crate needs no new version".to_owned(),
            semver => format!("the crate needs a {} version", semver.as_str()),
        }
    ));
    out
}

/// The methods a changed type reaches (a reviewer's first question): the first three, and how
/// many more; `code`: as Markdown code spans.
fn used_by(c: &super::Change, code: bool) -> String {
    if c.used_by.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = c
        .used_by
        .iter()
        .take(3)
        .map(|m| if code { code_span(m) } else { m.clone() })
        .collect();
    let more = c.used_by.len().saturating_sub(3);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!("; used by {}{more}", shown.join(", "))
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
