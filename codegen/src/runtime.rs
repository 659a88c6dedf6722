//! The spec-independent runtime (`codegen/runtime/src/`), embedded in the generator and
//! copied verbatim into each crate, only the parts a spec needs. The runtime also owns the
//! names the generated `Client` already has: they are read from its source, so an operation
//! can never shadow a method the runtime defines, whatever is added to it later.

use std::collections::BTreeSet;
use std::sync::OnceLock;

/// A runtime file and when a crate needs it.
#[derive(Debug, Clone, Copy)]
pub struct RuntimeFile {
    /// Its path in the generated crate (and under `codegen/runtime/`).
    pub path: &'static str,
    pub source: &'static str,
    pub needed: Need,
}

/// What makes a crate need a runtime file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Every crate (the error type, query encoding).
    Always,
    /// Crates with operations (the client, response decoding).
    Operations,
    /// Crates with paginated lists.
    Pagination,
    /// Crates with string enums.
    StringEnums,
    /// Crates with binary values or multipart bodies.
    Multipart,
    /// Crates with structs.
    Objects,
    /// Crates whose spec declares webhooks.
    Webhooks,
}

macro_rules! runtime_file {
    ($name:literal, $need:expr) => {
        RuntimeFile {
            path: concat!("src/", $name),
            source: include_str!(concat!("../runtime/src/", $name)),
            needed: $need,
        }
    };
}

/// Every runtime file.
pub const FILES: &[RuntimeFile] = &[
    runtime_file!("client.rs", Need::Operations),
    runtime_file!("enums.rs", Need::StringEnums),
    runtime_file!("error.rs", Need::Always),
    runtime_file!("json.rs", Need::Objects),
    runtime_file!("multipart.rs", Need::Multipart),
    runtime_file!("pagination.rs", Need::Pagination),
    runtime_file!("query.rs", Need::Always),
    runtime_file!("redirect.rs", Need::Operations),
    runtime_file!("response.rs", Need::Operations),
    runtime_file!("webhooks.rs", Need::Webhooks),
];

/// The `[dependencies]` lines of generated crates: those the runtime crate compiles with
/// (`codegen/runtime/Cargo.toml`), so that the copies build exactly as tested. The lines after
/// the `# Webhook signatures` comment are only for crates with webhooks, as optional
/// dependencies of their `webhooks` feature.
pub fn dependencies(webhooks: bool) -> String {
    let manifest = include_str!("../runtime/Cargo.toml");
    let header = "\n[dependencies]\n";
    let Some(start) = manifest.find(header).map(|i| i + header.len()) else {
        return String::new();
    };
    // The table ends at the next table.
    let table = &manifest[start..];
    let end = table.find("\n[").map_or(table.len(), |i| i + 1);
    let table = &table[..end];
    let (always, optional) = match table.find(WEBHOOK_DEPENDENCIES) {
        Some(i) => (&table[..i], &table[i..]),
        None => (table, ""),
    };
    let mut out = always.trim().to_owned();
    if webhooks {
        for line in optional
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            out.push('\n');
            out.push_str(&line.replacen("= { ", "= { optional = true, ", 1));
        }
    }
    out
}

/// The names of the dependencies the `webhooks` feature enables.
pub fn webhook_dependency_names() -> Vec<String> {
    dependencies(true)
        .lines()
        .filter(|l| l.contains("optional = true"))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The comment in the runtime's manifest that starts the webhook dependencies.
const WEBHOOK_DEPENDENCIES: &str = "# Webhook signatures";

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
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        // `from`/`try_from` take no `self`: a setter of that name shadows nothing a caller
        // writes with a dot, and `from`/`to` fields are everywhere in telephony.
        let mut names: BTreeSet<String> = BLANKET_METHODS
            .iter()
            .filter(|m| !matches!(**m, "from" | "try_from"))
            .chain(&["new", "query", "serialize", "deserialize"])
            .chain(OPERATOR_METHODS)
            .map(|s| (*s).to_owned())
            .collect();
        for derive in ["Clone", "Debug", "Default", "PartialEq", "Eq", "Hash"] {
            names.extend(derived_methods(derive));
        }
        for file in FILES {
            if let Ok(parsed) = syn::parse_file(file.source) {
                for item in &parsed.items {
                    if let syn::Item::Trait(t) = item {
                        if t.ident == "ToQuery" || t.ident == "ToMultipart" {
                            names.extend(t.items.iter().filter_map(|i| match i {
                                syn::TraitItem::Fn(f) => Some(f.sig.ident.to_string()),
                                _ => None,
                            }));
                        }
                    }
                }
            }
        }
        names
    })
}

/// The names of `Client`'s methods and associated functions as the runtime defines them
/// (its own, those of the traits it implements or derives, and std's blanket ones).
pub fn client_names() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: BTreeSet<String> = BLANKET_METHODS
            .iter()
            .chain(CONVENTIONAL_NAMES)
            .map(|s| (*s).to_owned())
            .collect();
        for file in FILES {
            // The runtime is the generator's own source: a parse failure is caught by the
            // unit test below, long before any user sees it.
            if let Ok(parsed) = syn::parse_file(file.source) {
                collect_client_names(&parsed.items, &mut names);
            }
        }
        names
    })
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Client"))
}

fn collect_client_names(items: &[syn::Item], names: &mut BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Impl(block) if is_client(&block.self_ty) => {
                for item in &block.items {
                    if let syn::ImplItem::Fn(f) = item {
                        names.insert(f.sig.ident.to_string());
                    }
                }
            }
            syn::Item::Struct(s) if s.ident == "Client" => {
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
        assert!(deps.starts_with("chrono = "), "{deps}");
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
