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
    out.push_str(&features(api));
    out.push_str(&credentials(api));
    for (index, group) in api.groups.iter().enumerate() {
        // Operations without a tag are grouped by path: said so, so that no heading repeats a
        // tag's.
        let title = match &group.tag {
            Some(tag) => docs::inline(first_line(tag)),
            None => format!("`{}` (untagged)", group.rust_name),
        };
        out.push_str(&format!(
            "\n## {}\n\nModule `operations::{}`, feature `{}`.",
            title, group.rust_name, group.feature
        ));
        // The tag's whole description, paragraphs kept.
        let description = group.description.as_deref().map(docs::sanitize);
        if let Some(lines) = description.filter(|l| !l.is_empty()) {
            out.push_str("\n\n");
            out.push_str(&lines.join("\n"));
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
            if let Some(e) = &op.events {
                method.push_str(&format!(" (+ `{}`: server-sent events)", e.rust_name));
            }
            if let Some(b) = &op.bytes {
                method.push_str(&format!(" (+ `{}`: a download)", b.rust_name));
            }
            if op.deprecated {
                method.push_str(" (deprecated)");
            }
            // Credentials other than the API's: said where they apply.
            if let Some(security) = &op.security {
                method.push_str(&format!(
                    " (credentials: {})",
                    super::settings::requirement_words(api, security)
                ));
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

/// The credentials: each with its setter, its schemes and how it is sent.
fn credentials(api: &Api) -> String {
    if api.credentials.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n## Credentials\n\nEvery operation sends {} unless its row says otherwise.\n\n\
         | `ClientBuilder` method | schemes | sent as |\n|---|---|---|\n",
        super::settings::requirement_words(api, &api.security)
    );
    for c in &api.credentials {
        let schemes: Vec<String> = c.schemes.iter().map(|s| docs::code_span(s)).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            c.setter,
            markdown_cell(&schemes.join(", ")),
            markdown_cell(&super::settings::describe(&c.kind))
        ));
    }
    out
}

/// The cargo features: each with its tag and what it compiles.
fn features(api: &Api) -> String {
    if api.groups.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Cargo features\n\nOne per tag, all on by default; a program depending on the crate \
         with `default-features = false` compiles only those it names.\n\n\
         | feature | tag | operations | types |\n|---|---|---:|---:|\n",
    );
    for (group, cost) in api.groups.iter().zip(super::manifest::feature_costs(api)) {
        let tag = group
            .tag
            .as_deref()
            .map(|t| markdown_cell(&docs::code_span(t)))
            .unwrap_or_else(|| "(untagged)".to_owned());
        out.push_str(&format!(
            "| `{}` | {tag} | {} | {} |\n",
            group.feature, cost.operations, cost.types
        ));
    }
    if api.other_schemas {
        out.push_str("| `other-schemas` | the schemas no operation uses | | |\n");
    }
    if api.webhooks.is_some() {
        out.push_str("| `webhooks` | receiving webhooks | | |\n");
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
        "\n## Receiving webhooks\n\nModule `webhooks` (feature `webhooks`): `Verifier` checks a \
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
