//! `API.md`: every operation under its tag, in spec order, with its Rust method, HTTP method
//! and path, and summary. A map from "send an SMS" or `POST /messages` to the method, and a
//! readable record of the API surface in pull requests. It does not name the spec's version,
//! so that a new version alone changes only `Cargo.toml` and `lib.rs`.

use super::docs;
use super::GENERATED_MARKER;
use crate::escape::markdown_cell;
use crate::ir::Api;
use crate::options::Options;

pub fn api_md(api: &Api, options: &Options) -> String {
    let mut out = format!(
        "<!-- {GENERATED_MARKER} from {}. Do not edit: regenerate instead. -->\n\n\
         # {}: operations\n\n\
         Every operation of the spec under its tag, in spec order: the method of `Client`, \
         the request, and the summary. A list's `*_pages` method walks its pages, `*_stream` their items.\n",
        // An HTML comment ends only at a `>`.
        crate::escape::comment(&options.spec_label).replace('>', "&gt;"),
        docs::inline(first_line(&api.title))
    );
    for (index, group) in api.groups.iter().enumerate() {
        let title = group.tag.as_deref().unwrap_or(&group.rust_name);
        out.push_str(&format!(
            "\n## {}\n\nModule `operations::{}`.",
            docs::inline(first_line(title)),
            group.rust_name
        ));
        if let Some(first) = group
            .description
            .as_deref()
            .map(|d| docs::sanitize(d).into_iter().next().unwrap_or_default())
            .filter(|d| !d.is_empty())
        {
            out.push(' ');
            out.push_str(&first);
        }
        out.push_str("\n\n| method | request | summary |\n|---|---|---|\n");
        for op in api.operations.iter().filter(|op| op.group == index) {
            let mut method = format!("`{}`", op.rust_name);
            if let Some(p) = &op.pagination {
                method.push_str(&format!(
                    " (+ `{}`, `{}`: pages by {})",
                    p.stream_name,
                    p.pages_name,
                    p.style.describe()
                ));
            }
            if op.deprecated {
                method.push_str(" (deprecated)");
            }
            let summary = op
                .summary
                .as_deref()
                .or(op.docs.description.as_deref())
                .map(|s| markdown_cell(&docs::inline(first_line(s))))
                .unwrap_or_default();
            out.push_str(&format!(
                "| {method} | {} | {} |\n",
                markdown_cell(&docs::code_span(&format!(
                    "{} {}",
                    op.method.as_str(),
                    op.path
                ))),
                summary
            ));
        }
    }
    if let Some(hooks) = &api.webhooks {
        out.push_str(&webhooks(api, hooks));
    }
    out
}

/// The webhooks: each event type with its `WebhookEvent` variant, webhook and payload type.
fn webhooks(api: &Api, hooks: &crate::ir::Webhooks) -> String {
    let name = |id: crate::ir::TypeId| api.ty(id).name.clone();
    let payload = |ty: &crate::ir::TypeRef| format!("`{}`", super::type_display(ty, &name));
    let told_apart = match &hooks.discriminator {
        Some(path) => format!("told apart by {}", docs::code_span(&path.join("."))),
        None => "no event-type property tells them apart".to_owned(),
    };
    let mut out = format!(
        "\n## Webhooks\n\nModule `webhooks` (feature `webhooks`): `Verifier` checks a \
         delivery, `WebhookEvent` decodes it, {told_apart}.\n\n\
         | event type | variant | webhook | payload |\n|---|---|---|---|\n"
    );
    for e in &hooks.events {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            markdown_cell(&docs::code_span(&e.event_type)),
            e.rust_name,
            markdown_cell(&docs::code_span(&e.webhook)),
            payload(&e.payload)
        ));
    }
    for (webhook, ty) in &hooks.undiscriminated {
        out.push_str(&format!(
            "| – | `Other` | {} | {} |\n",
            markdown_cell(&docs::code_span(webhook)),
            payload(ty)
        ));
    }
    out
}

/// The first non-empty line of spec text.
fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
}
