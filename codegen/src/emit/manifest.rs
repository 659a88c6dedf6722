//! `Cargo.toml` and `src/lib.rs` of the generated crate.

use super::docs;
use super::GENERATED_MARKER;
use crate::ir::{Api, CredentialKind, ResponseBody};
use crate::naming;
use crate::options::Options;
use proc_macro2::TokenStream;
use quote::quote;

use crate::escape::toml_string;

pub fn cargo_toml(api: &Api, options: &Options) -> String {
    let crates = super::split::crates(api, options);
    let workspace = if options.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    let description = format!(
        "Rust client for the {} (version {}), generated from its OpenAPI document.",
        api.title.trim(),
        api.version.trim()
    );
    let dependencies = format!(
        "{}\n{}",
        crate::runtime::dependencies(api.webhooks.is_some()),
        super::split::dependencies(&crates, options)
    );
    format!(
        "{}{}\n{}{workspace}",
        package_toml(options, &options.crate_name, &description),
        dependencies.trim_end(),
        features_toml(api, &crates),
    )
}

/// A generated manifest's header, `[package]` table and `[dependencies]` line, for the crate
/// or one of its crates of types (`package`).
pub(super) fn package_toml(options: &Options, package: &str, description: &str) -> String {
    format!(
        "# {GENERATED_MARKER} from {spec}. Do not edit: regenerate instead.\n\
         [package]\n\
         name = {name}\n\
         version = {version}\n\
         edition = \"2021\"\n\
         rust-version = \"1.85\"\n\
         description = {description}\n\
         publish = false\n\
         \n\
         [dependencies]\n",
        spec = crate::escape::comment(&options.spec_label),
        name = toml_string(package),
        version = toml_string(&options.crate_version),
        description = toml_string(description),
    )
}

/// `[features]`: one per tag, `other-schemas` when some schema no operation uses, all on
/// by default.
fn features_toml(api: &Api, crates: &[super::split::TypesCrate]) -> String {
    if api.groups.is_empty() && api.webhooks.is_none() {
        return String::new();
    }
    let mut names: Vec<&str> = api.groups.iter().map(|g| g.feature.as_str()).collect();
    if api.other_schemas {
        names.push(super::OTHER_SCHEMAS);
    }
    let mut out = String::from("\n[features]\ndefault = [\n");
    for name in names
        .iter()
        .chain(api.webhooks.as_ref().map(|_| &super::WEBHOOKS))
    {
        out.push_str(&format!("    {},\n", toml_string(name)));
    }
    out.push_str("]\n");
    let list = |items: Vec<String>| {
        items
            .iter()
            .map(|item| toml_string(item))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for name in &names {
        // Feature names are kebab-case words: bare TOML keys.
        let forwarded = super::split::forwarded(api, crates, name);
        out.push_str(&format!("{name} = [{}]\n", list(forwarded)));
    }
    if api.webhooks.is_some() {
        let mut deps: Vec<String> = crate::runtime::webhook_dependency_names()
            .iter()
            .map(|d| format!("dep:{d}"))
            .collect();
        deps.extend(super::split::forwarded(api, crates, super::WEBHOOKS));
        out.push_str(&format!("{} = [{}]\n", super::WEBHOOKS, list(deps)));
    }
    out
}

pub fn lib_rs(api: &Api, options: &Options) -> TokenStream {
    let lib = naming::lib_name(&options.crate_name);
    let mut lines = vec![format!(
        "Client for the {} (version {}).",
        docs::inline(&api.title),
        docs::inline(&api.version)
    )];
    lines.extend(dependency_doc(
        api,
        &options.crate_name,
        &options.crate_version,
    ));
    if let Some(description) = api.description.as_deref().filter(|d| !d.trim().is_empty()) {
        lines.push(String::new());
        lines.extend(docs::sanitize(description));
    }
    lines.push(String::new());
    lines.push(format!(
        "Generated from {} by `codegen`; do not edit by hand.",
        docs::code_span(&options.spec_label)
    ));
    if api.runtime.needs(crate::ir::RuntimePart::Operations) {
        lines.extend(example(api, options, &lib));
        lines.extend(credentials_doc(api, options));
        lines.extend(retries_doc(api, options));
        lines.push(String::new());
        lines.push("# Operations by tag".to_owned());
        lines.push(String::new());
        lines.push(
            "Every operation is a method of [`Client`]; each tag's module lists its methods \
             (`API.md`, beside `Cargo.toml`, lists them all with their HTTP method and path)."
                .to_owned(),
        );
        lines.push(String::new());
        for (group, cost) in api.groups.iter().zip(feature_costs(api)) {
            let label = match &group.tag {
                Some(tag) => docs::code_span(tag),
                None => "untagged".to_owned(),
            };
            lines.push(format!(
                "- [`{0}`](operations::{0}): {1} ({2}, feature `{3}`)",
                group.rust_name,
                label,
                plural(cost.operations, "operation"),
                group.feature
            ));
        }
    } else {
        lines.push(String::new());
        lines.push(
            "The spec has no operations: this crate holds its models (`types`) only.".to_owned(),
        );
    }
    if !api.groups.is_empty() {
        lines.extend(features_doc(api));
    }
    if let Some(hooks) = &api.webhooks {
        lines.extend(webhooks_doc(
            hooks,
            &lib,
            &super::webhooks::key_env(hooks, options),
        ));
    }
    let doc_attrs = docs::inner_attrs(&lines);
    let modules = modules(api, &options.crate_name);
    // rustdoc proves the auto traits (`Send`, `RefUnwindSafe`...) of every type through all
    // the types it contains: types that contain themselves (through a `Box`) nest deeper
    // than the default limit of 128 in a large API (Stripe's `TaxId` inside `Invoice`...),
    // and `cargo doc` stops with an overflow.
    let recursion = has_cycles(api).then(|| quote!(#![recursion_limit = "256"]));
    quote! {
        #doc_attrs
        #recursion
        #![forbid(unsafe_code)]
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #modules
    }
}

/// Whether a type contains itself (a field or variant boxed to break the cycle).
pub(super) fn has_cycles(api: &Api) -> bool {
    use crate::ir::TypeKind;
    api.types.iter().any(|t| match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| f.boxed),
        TypeKind::Untagged(variants) => variants.iter().any(|v| v.boxed),
        TypeKind::Tagged(tagged) => tagged.variants.iter().any(|v| v.boxed),
        TypeKind::StringEnum(_) | TypeKind::Alias(_) => false,
    })
}

/// The crate's modules: the runtime's (declared and re-exported as the runtime's own
/// `lib.rs` does, each under the features of the items that use its part) and the spec's
/// (`types`, `operations`).
fn modules(api: &Api, crate_name: &str) -> TokenStream {
    use crate::ir::RuntimePart;
    // `#[rustfmt::skip]` on every module: the files are formatted by the generator, and
    // `cargo fmt` of a workspace that includes this crate must leave them alone, or the
    // freshness check would fail.
    let module = |name: &str, public: bool| {
        let name = naming::ident(name);
        let vis = public.then(|| quote!(pub));
        quote! {
            #[rustfmt::skip]
            #vis mod #name;
        }
    };
    // A split crate takes the encoding modules and `Error` from its common crate of types.
    let common = api
        .split
        .is_some()
        .then(|| naming::ident(&naming::lib_name(&naming::types_crate_name(crate_name, 0))));
    let import = |name: &str, public: bool| {
        let name = naming::ident(name);
        let vis = public.then(|| quote!(pub));
        quote!(#vis use ::#common::#name;)
    };
    let (runtime_modules, crates) = crate::runtime::modules();
    let mut by_part: std::collections::BTreeMap<RuntimePart, Vec<TokenStream>> = Default::default();
    for m in runtime_modules.iter().filter(|m| api.runtime.needs(m.part)) {
        let items = by_part.entry(m.part).or_default();
        if super::split::in_common(api, &m.name) {
            items.push(import(&m.name, m.public));
        } else {
            items.push(module(&m.name, m.public));
        }
        items.extend(m.reexports.iter().map(|u| quote!(#u)));
    }
    let always = by_part.remove(&RuntimePart::Always).unwrap_or_default();
    let types = module("types", true);
    let operations = (!api.groups.is_empty()).then(|| module("operations", true));
    let gated = by_part.into_iter().map(|(part, items)| {
        let gate = api
            .runtime
            .features(part)
            .and_then(|features| super::gate(api, features, part.strict()));
        gated(&format!("{part:?}").to_lowercase(), gate, items)
    });
    quote! {
        #(#always)*
        #types
        #operations
        #(#gated)*
        #(#crates)*
    }
}

/// Items under one `#[cfg]`: the attribute on each when it is short, else a local macro
/// that puts it on each, so that a long feature list is written once.
pub(super) fn gated(name: &str, gate: Option<TokenStream>, items: Vec<TokenStream>) -> TokenStream {
    let Some(gate) = gate else {
        return quote!(#(#items)*);
    };
    if gate.to_string().matches("feature").count() <= 3 {
        return super::gate_items(quote!(#(#items)*), &gate);
    }
    let mac = quote::format_ident!("with_{}", name);
    quote! {
        macro_rules! #mac {
            ($($item:item)*) => { $(#gate $item)* };
        }
        #mac! {
            #(#items)*
        }
    }
}

/// The crate docs' section on the retry policy: what is retried, and what that means for
/// requests that are not idempotent.
/// The crate docs' section on credentials: each with its setter, its variables and how it is
/// sent; how an operation picks one.
fn credentials_doc(api: &Api, options: &Options) -> Vec<String> {
    if api.credentials.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        String::new(),
        "# Authentication".to_owned(),
        String::new(),
        "The credentials a client can hold, each set by a `ClientBuilder` method and read by \
         `Client::from_env` from its variables (the spec's security schemes, merged where two \
         send the same thing the same way):"
            .to_owned(),
        String::new(),
    ];
    for (i, c) in api.credentials.iter().enumerate() {
        let env: Vec<String> = c
            .env
            .iter()
            .map(|e| format!("`{}`", options.env_var(e)))
            .collect();
        let setter = match &c.kind {
            CredentialKind::Basic => format!("`{}(username, password)`", c.setter),
            CredentialKind::OAuth { .. } => format!("`{}(client_id, client_secret)`", c.setter),
            _ => format!("`{}(key)`", c.setter),
        };
        let main = if api.default_credential == Some(i) && c.setter != "api_key" {
            " (also `api_key`)"
        } else {
            ""
        };
        let schemes: Vec<String> = c.schemes.iter().map(|s| docs::code_span(s)).collect();
        lines.push(format!(
            "- {setter}{main}, {}: {} ({} {}).",
            env.join(" and "),
            super::settings::describe(&c.kind),
            if schemes.len() == 1 {
                "scheme"
            } else {
                "schemes"
            },
            schemes.join(", ")
        ));
    }
    lines.push(String::new());
    let mut text = format!(
        "Operations send {} unless their docs say otherwise: each sends the first \
         alternative of its requirement whose credentials the client holds, and none to \
         another origin; one it cannot meet fails with `Error::Auth` before anything is sent.",
        super::settings::requirement_words(api, &api.security)
    );
    let oauth = api
        .credentials
        .iter()
        .any(|c| matches!(c.kind, CredentialKind::OAuth { .. }));
    if oauth {
        text.push_str(
            " OAuth2 tokens are fetched when first needed, kept until a minute before they \
             expire, shared by concurrent calls, and renewed once after a 401; \
             `ClientBuilder::token_source` takes tokens from your own `TokenSource` instead.",
        );
    } else if api.token_credential.is_some() {
        text.push_str(
            " A bearer token that changes can come from your own `TokenSource` \
             (`ClientBuilder::token_source`), asked again once after a 401.",
        );
    }
    lines.push(text);
    lines
}

fn retries_doc(api: &Api, options: &Options) -> Vec<String> {
    use crate::ir::Method;
    let r = &options.settings.retry;
    let mut statuses: Vec<String> = r.statuses.iter().map(u16::to_string).collect();
    if r.server_errors {
        statuses.push("any 5xx".to_owned());
    }
    let statuses = match statuses.split_last() {
        None => String::new(),
        Some((last, [])) => format!(" or an answer with status {last}"),
        Some((last, rest)) => format!(" or an answer with status {} or {last}", rest.join(", ")),
    };
    let unsafe_ops = api
        .operations
        .iter()
        .filter(|op| matches!(op.method, Method::Post | Method::Patch))
        .count();
    let keyed = api
        .operations
        .iter()
        .filter(|op| op.idempotency_key.is_some())
        .count();
    let mut text = format!(
        "A request is sent again, up to {} times (`ClientBuilder::max_retries`), after a \
         connection error, a timeout{statuses}; a `Retry-After` of the server sets the wait, \
         else it doubles from {} ms. Every method is retried alike, as the API's own SDKs do.",
        r.max_retries,
        r.initial_delay.as_millis()
    );
    if unsafe_ops > 0 {
        text.push_str(&format!(
            " For the {unsafe_ops} POST and PATCH operations that means a retry after a \
             timeout may repeat a request the server already applied; `max_retries(0)` (or \
             `RequestOptions::max_retries`) turns that off where it matters."
        ));
    }
    if keyed > 0 {
        text.push_str(&format!(
            " {} that declare{} an `Idempotency-Key` header send{} a new random key per call \
             unless you set one, the same on every retry, so that the server applies each call \
             once.",
            if keyed == 1 {
                "The operation".to_owned()
            } else {
                format!("The {keyed} operations")
            },
            if keyed == 1 { "s" } else { "" },
            if keyed == 1 { "s" } else { "" }
        ));
    }
    vec![String::new(), "# Retries".to_owned(), String::new(), text]
}

/// The crate docs' section on receiving webhooks.
fn webhooks_doc(hooks: &crate::ir::Webhooks, lib: &str, key_env: &str) -> Vec<String> {
    use crate::ir::WebhookScheme;
    let scheme = match &hooks.scheme {
        WebhookScheme::Ed25519 {
            timestamp_header,
            signature_header,
        } => format!(
            "an Ed25519 signature of `\"{{timestamp}}|{{body}}\"` in {}, the Unix timestamp \
             in {}; `Verifier::new` takes the base64 public key",
            docs::code_span(signature_header),
            docs::code_span(timestamp_header)
        ),
        WebhookScheme::StandardWebhooks => "Standard Webhooks (`webhook-id`, \
            `webhook-timestamp`, `webhook-signature` with `v1,` HMAC-SHA256 signatures); \
            `Verifier::new` takes the `whsec_` secret"
            .to_owned(),
        WebhookScheme::Unknown => "a scheme this generator does not know: build the verifier \
            with `Verifier::ed25519` or `Verifier::standard`"
            .to_owned(),
    };
    let told_apart = match &hooks.discriminator {
        Some(path) => format!(
            "{} event types, told apart by {}",
            hooks.events.len(),
            docs::code_span(&path.join("."))
        ),
        None => "no event-type property, so every delivery is `WebhookEvent::Other`".to_owned(),
    };
    vec![
        String::new(),
        "# Webhooks".to_owned(),
        String::new(),
        format!(
            "The `webhooks` module receives the API's webhook deliveries: `Verifier` checks \
             the signature ({scheme}) and that the timestamp is within 300 s of now \
             (`Verifier::tolerance` changes it); `WebhookEvent` decodes the body ({told_apart}; \
             unknown ones are kept whole in `Other`). It compiles with the `webhooks` feature, \
             on by default, which adds the `ed25519-dalek`, `hmac`, `sha2` and `base64` crates."
        ),
        String::new(),
    ]
    .into_iter()
    .chain(webhooks_example(hooks, lib, key_env))
    .collect()
}

/// The crate docs' webhook example: only what works for this crate (no `from_env` when the
/// spec declares no scheme the crate knows, since it would always fail).
fn webhooks_example(hooks: &crate::ir::Webhooks, lib: &str, key_env: &str) -> Vec<String> {
    let known = !matches!(hooks.scheme, crate::ir::WebhookScheme::Unknown);
    let mut code = vec![
        "```no_run".to_owned(),
        format!("use {lib}::webhooks::{{Verifier, WebhookError, WebhookEvent}};"),
        String::new(),
        "/// `body` as received (before any JSON parsing), `headers` as received.".to_owned(),
        format!("fn receive(body: &[u8], headers: &{lib}::reqwest::header::HeaderMap) -> Result<(), WebhookError> {{"),
    ];
    if known {
        code.push(format!(
            "    let verifier = Verifier::from_env()?; // {key_env}; build it once, at start-up"
        ));
    } else {
        code.extend([
            "    // The spec declares no signature scheme this crate knows: build the verifier"
                .to_owned(),
            "    // for the one the API signs with (`Verifier::ed25519` takes a base64 public"
                .to_owned(),
            "    // key, `Verifier::standard` a `whsec_` secret).".to_owned(),
            format!("    let key = std::env::var(\"{key_env}\").unwrap_or_default();"),
            "    let verifier = Verifier::standard(key)?;".to_owned(),
        ]);
    }
    code.extend([
        "    match verifier.unwrap(body, headers)? {".to_owned(),
        "        WebhookEvent::Other(json) => println!(\"unknown event: {json}\"),".to_owned(),
        "        event => println!(\"{:?}\", event.event_type()),".to_owned(),
        "    }".to_owned(),
        "    Ok(())".to_owned(),
        "}".to_owned(),
        "```".to_owned(),
    ]);
    code
}

/// What one feature compiles: its tag's operations and the types they use.
pub(super) struct FeatureCost {
    pub(super) operations: usize,
    pub(super) types: usize,
}

/// The cost of each tag's feature, in `api.groups` order.
/// One pass over the operations and types (a pass per tag was most of building `lib.rs`, a
/// file every run builds, for an API of 200 tags and 5,000 types).
pub(super) fn feature_costs(api: &Api) -> Vec<FeatureCost> {
    let mut costs: Vec<FeatureCost> = (0..api.groups.len())
        .map(|_| FeatureCost {
            operations: 0,
            types: 0,
        })
        .collect();
    for op in &api.operations {
        if let Some(cost) = costs.get_mut(op.group) {
            cost.operations += 1;
        }
    }
    for t in &api.types {
        for &g in &t.features.groups {
            if let Some(cost) = costs.get_mut(g) {
                cost.types += 1;
            }
        }
    }
    costs
}

/// `1 operation`, `3 operations`.
pub(super) fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The features the dependency snippet names: the example operation's tag, then the tags with
/// the most operations (at most three in all).
fn common_features(api: &Api) -> Vec<&str> {
    let costs = feature_costs(api);
    let mut order: Vec<usize> = (0..api.groups.len()).collect();
    order.sort_by_key(|&g| std::cmp::Reverse(costs[g].operations));
    // The example's tag first, so the snippet and the example below go together.
    let first = example_operation(api).map(|op| op.group);
    first
        .into_iter()
        .chain(order.into_iter().filter(|&g| Some(g) != first))
        .take(3)
        .map(|g| api.groups[g].feature.as_str())
        .collect()
}

/// The operation the crate docs' example calls: the first that needs nothing but default
/// parameters.
fn example_operation(api: &Api) -> Option<&crate::ir::Operation> {
    api.operations.iter().find(|op| {
        op.path_params.is_empty()
            && op.body.is_none()
            && op.params_struct.as_ref().is_none_or(|ps| ps.derive_default)
            && !op.deprecated
    })
}

/// The first lines after the title: how to depend on the crate with only what a program
/// calls, and what the default costs.
fn dependency_doc(api: &Api, name: &str, version: &str) -> Vec<String> {
    if api.groups.len() < 2 {
        return Vec::new();
    }
    let features: Vec<String> = common_features(api)
        .iter()
        .map(|f| format!("\"{f}\""))
        .collect();
    vec![
        String::new(),
        format!(
            "Every feature is on by default, which compiles all {} and {} (every tag's); a \
             program compiles only the tags it calls with `default-features = false` (the \
             features and what each compiles: *Cargo features* below):",
            plural(api.operations.len(), "operation"),
            plural(api.types.len(), "type")
        ),
        String::new(),
        "```toml".to_owned(),
        "[dependencies]".to_owned(),
        format!(
            "{name} = {{ version = \"{version}\", default-features = false, features = [{}] }}",
            features.join(", ")
        ),
        "```".to_owned(),
    ]
}

/// The crate docs' section on cargo features: each with its tag and what it compiles.
fn features_doc(api: &Api) -> Vec<String> {
    let mut lines = vec![
        String::new(),
        "# Cargo features".to_owned(),
        String::new(),
        "One feature per tag (the tag in kebab-case; a tag named like one of the crate's own \
         features gets `-operations`): the operations of a tag compile only with its feature, \
         and each type only with a feature that uses it. All are on by default."
            .to_owned(),
        String::new(),
    ];
    for (group, cost) in api.groups.iter().zip(feature_costs(api)) {
        let label = match &group.tag {
            Some(tag) => format!("the tag {}", docs::code_span(tag)),
            None => format!("the untagged operations grouped as `{}`", group.rust_name),
        };
        lines.push(format!(
            "- `{}`: {} ({}, {})",
            group.feature,
            label,
            plural(cost.operations, "operation"),
            plural(cost.types, "type")
        ));
    }
    if api.other_schemas {
        lines.push(format!(
            "- `{}`: the component schemas no operation or webhook uses",
            super::OTHER_SCHEMAS
        ));
    }
    if api.webhooks.is_some() {
        lines.push(format!(
            "- `{}`: receiving webhooks (the `webhooks` module and its signature crates)",
            super::WEBHOOKS
        ));
    }
    lines
}

/// A compiled (not run) usage example: configuration, and the first operation that needs
/// nothing but default parameters.
fn example(api: &Api, options: &Options, lib: &str) -> Vec<String> {
    let mut code = vec![
        "# async fn example() -> Result<(), LIB::Error> {".replace("LIB", lib),
        format!("use {lib}::Client;"),
        String::new(),
    ];
    let base = match api.base_url {
        Some(_) => "",
        None => ".base_url(\"https://api.example.com\")",
    };
    let main = api.default_credential.map(|i| &api.credentials[i]);
    let credential = match main.map(|c| (&c.kind, c)) {
        None => String::new(),
        Some((CredentialKind::Basic, _)) => ".api_key(\"USER:PASSWORD\")".to_owned(),
        Some((CredentialKind::OAuth { .. }, c)) => {
            format!(".{}(\"CLIENT_ID\", \"CLIENT_SECRET\")", c.setter)
        }
        Some(_) => ".api_key(\"KEY\")".to_owned(),
    };
    code.push(format!(
        "let client = Client::builder(){credential}{base}.build()?;"
    ));
    if let Some(main) = main {
        let env: Vec<String> = main
            .env
            .iter()
            .map(|e| format!("`{}`", options.env_var(e)))
            .collect();
        code.push(format!(
            "// Or from {} (and optionally `{}`):",
            env.join(" and "),
            options.env_var("BASE_URL")
        ));
        code.push("let client = Client::from_env()?;".into());
    }
    if let Some(op) = example_operation(api) {
        let args = if op.params_struct.is_some() {
            "&Default::default()"
        } else {
            ""
        };
        let returns_value = op.success().is_some_and(|r| r.body != ResponseBody::None);
        let binding = if returns_value { "let response = " } else { "" };
        code.push(format!(
            "{binding}client.{}({args}).await?;",
            naming::ident(&op.rust_name)
        ));
        if returns_value {
            code.push("println!(\"{response:?}\");".into());
        }
        code.push(String::new());
        code.push("// Errors carry the HTTP status and the decoded error body:".into());
        code.push(format!(
            "match client.{}({args}).await {{",
            naming::ident(&op.rust_name)
        ));
        code.push("    Err(e) => eprintln!(\"status {:?}: {e}\", e.status()),".into());
        code.push("    Ok(_) => {}".into());
        code.push("}".into());
    }
    if let Some(op) = example_operation(api) {
        let args = if op.params_struct.is_some() {
            "&Default::default()"
        } else {
            ""
        };
        code.push(String::new());
        code.push("// The status and headers too (a request id, rate limits):".into());
        code.push(format!(
            "let response = client.{}({args}).with_response().await?;",
            naming::ident(&op.rust_name)
        ));
        code.push(
            "println!(\"{} {:?}\", response.status, response.headers.get(\"x-request-id\"));"
                .into(),
        );
    }
    code.push(String::new());
    code.push("// Per-request options: a clone sharing the connection pool, with its own".into());
    code.push("// timeout, retries and headers.".into());
    code.push("let patient = client.with_options(".into());
    code.push(format!("    {lib}::RequestOptions::new()"));
    code.push("        .timeout(std::time::Duration::from_secs(5))".into());
    code.push("        .max_retries(0)".into());
    code.push("        .header(\"x-trace\", \"abc\"),".into());
    code.push(");".into());
    code.push("# let _ = patient;".into());
    code.push("# Ok(())".into());
    code.push("# }".into());
    let mut lines = vec![
        String::new(),
        "# Example".into(),
        String::new(),
        "```no_run".into(),
    ];
    lines.extend(code);
    lines.push("```".into());
    lines
}
