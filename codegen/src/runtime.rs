//! The spec-independent runtime (`codegen/runtime/src/`), embedded in the generator and
//! copied verbatim into each crate, only the parts a spec needs. The runtime also owns the
//! names the generated `Client` already has: they are read from its source, so an operation
//! can never shadow a method the runtime defines, whatever is added to it later.

use std::collections::BTreeSet;
use std::sync::OnceLock;

pub use crate::ir::RuntimePart;

/// A runtime file and the part of the runtime it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct RuntimeFile {
    /// Its path in the generated crate (and under `codegen/runtime/`).
    pub path: &'static str,
    pub source: &'static str,
    pub part: RuntimePart,
}

impl RuntimeFile {
    /// The module the file is (`src/json.rs` → `json`).
    pub fn module(&self) -> &'static str {
        let path: &'static str = self.path;
        path.strip_prefix("src/")
            .and_then(|p| p.strip_suffix(".rs"))
            .unwrap_or(path)
    }
}

macro_rules! runtime_file {
    ($name:literal, $part:ident) => {
        RuntimeFile {
            path: concat!("src/", $name),
            source: include_str!(concat!("../runtime/src/", $name)),
            part: RuntimePart::$part,
        }
    };
}

/// Every runtime file, with its part: the one place a file is tied to what needs it. Which
/// modules are public and what the crate root re-exports come from the runtime's own
/// `lib.rs` ([`modules`]).
pub const FILES: &[RuntimeFile] = &[
    runtime_file!("auth.rs", Operations),
    runtime_file!("client.rs", Operations),
    runtime_file!("enums.rs", StringEnums),
    runtime_file!("error.rs", Always),
    runtime_file!("json.rs", Objects),
    runtime_file!("multipart.rs", Multipart),
    runtime_file!("pagination.rs", Pagination),
    runtime_file!("query.rs", Always),
    runtime_file!("redirect.rs", Operations),
    runtime_file!("response.rs", Operations),
    runtime_file!("streams.rs", Operations),
    runtime_file!("webhooks.rs", Webhooks),
];

/// The modules the generator writes from the spec that the runtime reads (the runtime crate
/// declares stand-ins of them under `harness/`), with the part that needs them.
const SPEC_MODULES: &[(&str, RuntimePart)] = &[
    ("error_body", RuntimePart::Always),
    ("settings", RuntimePart::Operations),
    ("webhook_events", RuntimePart::Webhooks),
];

/// The runtime's contract with generated code: every item the runtime files read from the
/// modules a crate writes from its spec, as `(module, item)` (`Type::member` for variants and
/// methods). The emitter writes each; the runtime crate's stand-ins (`harness/`) declare each
/// with the same signature, which `tests/runtime_contract.rs` checks against the emitter's
/// output for `codegen/runtime/harness/openapi.yaml` (whose `settings.rs` is the stand-in
/// itself, generated: `cargo xtask harness`).
pub const CONTRACT: &[(&str, &str)] = &[
    ("settings", "DEFAULT_BASE_URL"),
    ("settings", "CREDENTIALS"),
    ("settings", "DEFAULT_CREDENTIAL"),
    ("settings", "TOKEN_CREDENTIAL"),
    ("settings", "SECURITY"),
    ("settings", "CREDENTIAL_HEADERS"),
    ("settings", "CREDENTIAL_QUERY"),
    ("settings", "ENV_API_KEY"),
    ("settings", "ENV_BASE_URL"),
    ("settings", "DEFAULT_TIMEOUT"),
    ("settings", "DEFAULT_CONNECT_TIMEOUT"),
    ("settings", "DEFAULT_MAX_RETRIES"),
    ("settings", "DEFAULT_RETRY_INITIAL_DELAY"),
    ("settings", "DEFAULT_MAX_BODY_BYTES"),
    ("settings", "RETRY"),
    ("error_body", "ErrorBody"),
    ("error_body", "ErrorBody::Other"),
    ("error_body", "ErrorBody::Empty"),
    ("error_body", "ErrorBody::summary"),
    ("webhook_events", "SCHEME"),
    ("webhook_events", "ED25519_TIMESTAMP_HEADER"),
    ("webhook_events", "ED25519_SIGNATURE_HEADER"),
    ("webhook_events", "ENV_WEBHOOK_KEY"),
    ("webhook_events", "WebhookEvent"),
    ("webhook_events", "WebhookEvent::Other"),
    ("webhook_events", "WebhookEvent::parse"),
    ("webhook_events", "WebhookEvent::from_value"),
    ("webhook_events", "WebhookEvent::event_type"),
];

/// The runtime crate's `lib.rs`: the module declarations and re-exports every generated
/// crate repeats.
const LIB_RS: &str = include_str!("../runtime/src/lib.rs");

/// A module the runtime's `lib.rs` declares, as a generated crate declares it.
pub struct Module {
    pub name: String,
    pub public: bool,
    pub part: RuntimePart,
    /// Its items the crate root re-exports (`pub use client::{Client, ClientBuilder, ..};`).
    pub reexports: Vec<syn::ItemUse>,
}

/// The modules of the runtime's `lib.rs` (runtime files and the spec's modules they read, not
/// the harness's stand-in operations or the tests), in its order, and the crates it
/// re-exports whole (`pub use chrono;`).
pub fn modules() -> (Vec<Module>, Vec<syn::ItemUse>) {
    let mut modules: Vec<Module> = Vec::new();
    let mut crates = Vec::new();
    // The runtime is the generator's own source: a parse failure is caught by the unit
    // tests, long before any user sees it.
    let Ok(file) = syn::parse_file(LIB_RS) else {
        return (modules, crates);
    };
    let part_of = |name: &str| {
        FILES
            .iter()
            .find(|f| f.module() == name)
            .map(|f| f.part)
            .or_else(|| {
                SPEC_MODULES
                    .iter()
                    .find(|(m, _)| *m == name)
                    .map(|(_, p)| *p)
            })
    };
    for item in file.items {
        match item {
            syn::Item::Mod(m) => {
                let name = m.ident.to_string();
                if let Some(part) = part_of(&name) {
                    modules.push(Module {
                        name,
                        public: matches!(m.vis, syn::Visibility::Public(_)),
                        part,
                        reexports: Vec::new(),
                    });
                }
            }
            syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => match &u.tree {
                syn::UseTree::Path(path) => {
                    let from = path.ident.to_string();
                    if let Some(m) = modules.iter_mut().find(|m| m.name == from) {
                        m.reexports.push(u);
                    }
                }
                syn::UseTree::Name(_) => crates.push(u),
                _ => {}
            },
            _ => {}
        }
    }
    (modules, crates)
}

/// The runtime's manifest, read as data: its `[dependencies]` are every generated crate's,
/// and `[package.metadata.codegen] webhooks` names those only crates with webhooks get (as
/// optional dependencies of their `webhooks` feature).
const MANIFEST: &str = include_str!("../runtime/Cargo.toml");

/// One dependency of generated crates.
struct Dependency {
    name: String,
    spec: toml::Value,
    webhooks: bool,
}

fn runtime_dependencies() -> Vec<Dependency> {
    // The runtime's own manifest: checked by the unit tests.
    let manifest: toml::Table = toml::from_str(MANIFEST).unwrap_or_default();
    let webhooks: Vec<&str> = manifest
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("codegen"))
        .and_then(|c| c.get("webhooks"))
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(toml::Value::as_str).collect())
        .unwrap_or_default();
    let mut deps: Vec<Dependency> = manifest
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flatten()
        .map(|(name, spec)| Dependency {
            webhooks: webhooks.contains(&name.as_str()),
            name: name.clone(),
            spec: spec.clone(),
        })
        .collect();
    // Every crate's first, then the webhooks' ones; each group by name.
    deps.sort_by(|a, b| (a.webhooks, &a.name).cmp(&(b.webhooks, &b.name)));
    deps
}

/// The `[dependencies]` lines of a generated crate: those the runtime crate compiles with,
/// so that the copies build exactly as tested; with `webhooks`, the webhook ones too, optional.
pub fn dependencies(webhooks: bool) -> String {
    let mut lines = Vec::new();
    for dep in runtime_dependencies() {
        if dep.webhooks && !webhooks {
            continue;
        }
        let mut keys: Vec<String> = Vec::new();
        if dep.webhooks {
            keys.push("optional = true".to_owned());
        }
        match &dep.spec {
            toml::Value::String(_) if !dep.webhooks => {
                lines.push(format!("{} = {}", dep.name, toml_value(&dep.spec)));
                continue;
            }
            toml::Value::String(_) => keys.push(format!("version = {}", toml_value(&dep.spec))),
            toml::Value::Table(table) => {
                // The keys in the order cargo's docs write them.
                for key in ["version", "default-features", "features"] {
                    if let Some(value) = table.get(key) {
                        keys.push(format!("{key} = {}", toml_value(value)));
                    }
                }
            }
            _ => {}
        }
        lines.push(format!("{} = {{ {} }}", dep.name, keys.join(", ")));
    }
    lines.join("\n")
}

/// A TOML value as a manifest writes it inline (strings quoted, arrays on one line).
fn toml_value(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => crate::escape::toml_string(s),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Array(items) => format!(
            "[{}]",
            items.iter().map(toml_value).collect::<Vec<_>>().join(", ")
        ),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        // Dates and tables have no place in a dependency's inline table here.
        _ => String::new(),
    }
}

/// The names of the dependencies the `webhooks` feature enables.
pub fn webhook_dependency_names() -> Vec<String> {
    runtime_dependencies()
        .into_iter()
        .filter(|d| d.webhooks)
        .map(|d| d.name)
        .collect()
}

/// Methods every type has through std's blanket implementations (`Into`, `ToOwned`, `Any`...):
/// an inherent method of the same name would shadow them on `Client`.
const BLANKET_METHODS: &[&str] = &[
    "borrow",
    "borrow_mut",
    "clone_into",
    "from",
    "into",
    "to_owned",
    "try_from",
    "try_into",
    "type_id",
];

/// Names Rust convention gives a meaning on any type: `new` constructs (a method named so that
/// sends a request would read wrong, and clippy says as much).
const CONVENTIONAL_NAMES: &[&str] = &["new"];

/// The methods of std's binary operator traits: a setter (`fn add(self, value) -> Self`) of
/// such a name reads as the operator's, and clippy says so (`should_implement_trait`).
const OPERATOR_METHODS: &[&str] = &[
    "add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor",
];

/// Method names every generated struct already answers to, which a field's setter must not
/// take: its constructor `new`, the parameters struct's `query`, the methods of the runtime
/// traits generated types implement (read from the runtime's source), those of the std traits
/// they derive, and std's blanket ones.
pub fn type_method_names() -> &'static BTreeSet<String> {
    &names().type_methods
}

/// The names of `Client`'s methods and associated functions as the runtime defines them
/// (its own, those of the traits it implements or derives, and std's blanket ones).
pub fn client_names() -> &'static BTreeSet<String> {
    &names().client
}

/// The names `ClientBuilder` already has, which a credential's setter must not take.
pub fn builder_names() -> &'static BTreeSet<String> {
    &names().builder
}

/// The names generated code must not take.
struct Names {
    type_methods: BTreeSet<String>,
    client: BTreeSet<String>,
    builder: BTreeSet<String>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        // `from`/`try_from` take no `self`: a setter of that name shadows nothing a caller
        // writes with a dot, and `from`/`to` fields are everywhere in telephony.
        let mut type_methods: BTreeSet<String> = BLANKET_METHODS
            .iter()
            .filter(|m| !matches!(**m, "from" | "try_from"))
            .chain(&["new", "query", "serialize", "deserialize"])
            .chain(OPERATOR_METHODS)
            .chain(TRAIT_METHODS)
            .map(|s| (*s).to_owned())
            .collect();
        for derive in ["Clone", "Debug", "Default", "PartialEq", "Eq", "Hash"] {
            type_methods.extend(derived_methods(derive));
        }
        let with_base = |own: &[&str]| -> BTreeSet<String> {
            BLANKET_METHODS
                .iter()
                .chain(CONVENTIONAL_NAMES)
                .chain(own)
                .map(|s| (*s).to_owned())
                .collect()
        };
        let client = with_base(CLIENT_METHODS);
        let builder = with_base(BUILDER_METHODS);
        Names {
            type_methods,
            client,
            builder,
        }
    })
}

// What the runtime's source defines, written out so that no run parses it (syn over the
// runtime cost every process ~50 million instructions, most of a small spec's run); the
// test `these_names_are_the_runtime_s` reads them from the source and fails, listing what
// to write here, when they differ.

/// `Client`'s methods and associated functions, and those of the traits it derives.
const CLIENT_METHODS: &[&str] = &[
    "attempt",
    "base_url",
    "builder",
    "call",
    "call_streaming",
    "clone",
    "clone_from",
    "fmt",
    "from_env",
    "is_api_origin",
    "max_pages",
    "page_concurrency",
    "request",
    "request_link",
    "send",
    "send_built",
    "start",
    "with_options",
];

/// `ClientBuilder`'s methods and associated functions, and those of the traits it derives.
const BUILDER_METHODS: &[&str] = &[
    "api_key",
    "base_url",
    "build",
    "clone",
    "clone_from",
    "connect_timeout",
    "credential",
    "default",
    "fmt",
    "http_client",
    "idle_timeout",
    "max_body_bytes",
    "max_pages",
    "max_retries",
    "page_concurrency",
    "retry_initial_delay",
    "timeout",
    "token_source",
    "user_agent",
];

/// The methods of the runtime traits generated types implement (`ToQuery`, `ToMultipart`).
const TRAIT_METHODS: &[&str] = &["query_scalar", "write_form", "write_parts", "write_query"];

/// The runtime's source read for the names above: `Client`'s, `ClientBuilder`'s and the
/// traits' methods.
#[cfg(test)]
fn names_in_source() -> [BTreeSet<String>; 3] {
    let mut client = BTreeSet::new();
    let mut builder = BTreeSet::new();
    let mut traits = BTreeSet::new();
    const TRAITS: [&str; 2] = ["ToQuery", "ToMultipart"];
    for file in FILES {
        let parsed = syn::parse_file(file.source).expect("the runtime parses");
        collect_names("Client", &parsed.items, &mut client);
        collect_names("ClientBuilder", &parsed.items, &mut builder);
        for item in &parsed.items {
            if let syn::Item::Trait(t) = item {
                if TRAITS.iter().any(|name| t.ident == name) {
                    traits.extend(t.items.iter().filter_map(|i| match i {
                        syn::TraitItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    }));
                }
            }
        }
    }
    [client, builder, traits]
}

#[cfg(test)]
fn is_named(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

#[cfg(test)]
fn collect_names(ty: &str, items: &[syn::Item], names: &mut BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Impl(block) if is_named(&block.self_ty, ty) => {
                for item in &block.items {
                    if let syn::ImplItem::Fn(f) = item {
                        names.insert(f.sig.ident.to_string());
                    }
                }
            }
            syn::Item::Struct(s) if s.ident == ty => {
                for attr in &s.attrs {
                    if !attr.path().is_ident("derive") {
                        continue;
                    }
                    let _ = attr.parse_nested_meta(|meta| {
                        let derived = meta.path.segments.last().map(|s| s.ident.to_string());
                        names.extend(derived_methods(derived.as_deref().unwrap_or_default()));
                        Ok(())
                    });
                }
            }
            _ => {}
        }
    }
}

/// The methods a derived std trait adds.
fn derived_methods(derive: &str) -> Vec<String> {
    let methods: &[&str] = match derive {
        "Clone" => &["clone", "clone_from"],
        "Debug" => &["fmt"],
        "Default" => &["default"],
        "PartialEq" => &["eq", "ne"],
        "Eq" => &["assert_receiver_is_total_eq"],
        "Hash" => &["hash", "hash_slice"],
        _ => &[],
    };
    methods.iter().map(|s| (*s).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_the_runtime_crate_s() {
        let deps = dependencies(false);
        assert!(
            !deps.contains("ed25519"),
            "webhooks only when asked: {deps}"
        );
        let with = dependencies(true);
        assert!(with.starts_with(&deps), "{with}");
        for name in ["base64", "ed25519-dalek", "hmac", "sha2"] {
            assert!(
                with.contains(&format!("\n{name} = {{ optional = true, ")),
                "{with}"
            );
        }
        assert_eq!(webhook_dependency_names().len(), 4);
        assert!(deps.starts_with("bytes = "), "{deps}");
        assert!(
            deps.contains("\nreqwest = ") && deps.contains("\ntracing = "),
            "{deps}"
        );
        assert!(
            !deps.contains("macros"),
            "dev-dependencies are not copied: {deps}"
        );
        assert!(!deps.ends_with('\n'), "{deps}");
    }

    #[test]
    fn every_runtime_file_parses() {
        for file in FILES {
            syn::parse_file(file.source).unwrap_or_else(|e| panic!("{}: {e}", file.path));
        }
    }

    #[test]
    fn these_names_are_the_runtime_s() {
        let [client, builder, traits] = names_in_source();
        let mut stale = Vec::new();
        for (name, written, read) in [
            ("CLIENT_METHODS", CLIENT_METHODS, client),
            ("BUILDER_METHODS", BUILDER_METHODS, builder),
            ("TRAIT_METHODS", TRAIT_METHODS, traits),
        ] {
            let read: Vec<&str> = read.iter().map(String::as_str).collect();
            if written != read {
                stale.push(format!("const {name}: &[&str] = &{read:?};"));
            }
        }
        assert!(
            stale.is_empty(),
            "the runtime changed; write in runtime.rs (in order, as here):\n{}",
            stale.join("\n")
        );
    }

    #[test]
    fn the_client_names_come_from_its_source() {
        let names = client_names();
        for name in [
            "builder",
            "from_env",
            "base_url",
            "with_options",
            "page_concurrency",
            "request",
            "send",
            "attempt",
            "clone",
            "fmt",
            "into",
        ] {
            assert!(names.contains(name), "{name} missing from {names:?}");
        }
        // Methods of other types are not the client's.
        assert!(!names.contains("api_key"), "{names:?}");
        let methods = type_method_names();
        for name in [
            "new",
            "query",
            "write_query",
            "query_scalar",
            "write_form",
            "write_parts",
            "clone",
            "eq",
        ] {
            assert!(methods.contains(name), "{name} missing from {methods:?}");
        }
    }
}
