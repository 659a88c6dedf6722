//! The crates of types of a split crate (`ir::Split`): their names and folders, their
//! `Cargo.toml` and `lib.rs`. The main crate depends on them all and re-exports every type
//! at its usual path (`crate::types::Name`), so its users see one crate.

use crate::escape::toml_string;
use crate::ir::{Api, Features, RuntimePart};
use crate::naming;
use crate::options::Options;
use proc_macro2::TokenStream;
use quote::quote;

/// The runtime modules the common crate of types holds (the encoding helpers the types use,
/// and `Error`, which their multipart impls return): the main crate imports them from it.
pub const COMMON_MODULES: &[&str] = &["error", "error_body", "json", "query", "multipart"];

/// One crate of types.
pub struct TypesCrate {
    pub package: String,
    /// Its library name (`telnyx_types_1`).
    pub lib: String,
    /// Its folder, relative to the main crate's, with a trailing `/`.
    pub dir: String,
    /// The features its items are gated by (the union of its types').
    pub features: Features,
}

/// The crates of types, common first; none when the crate is not split.
pub fn crates(api: &Api, options: &Options) -> Vec<TypesCrate> {
    let Some(split) = &api.split else {
        return Vec::new();
    };
    (0..split.crates)
        .map(|index| {
            let package = naming::types_crate_name(&options.crate_name, index);
            let mut features = Features::default();
            for t in split.types_of(&api.types, Some(index)) {
                features.union(&t.features);
            }
            TypesCrate {
                lib: naming::lib_name(&package),
                dir: format!("crates/{package}/"),
                package,
                features,
            }
        })
        .collect()
}

/// The path of a crate's file relative to the main crate (`None`: the main crate).
pub fn path(crates: &[TypesCrate], index: Option<usize>, file: &str) -> String {
    match index.and_then(|i| crates.get(i)) {
        Some(c) => format!("{}{file}", c.dir),
        None => file.to_owned(),
    }
}

/// The main crate's dependencies on the crates of types.
pub fn dependencies(crates: &[TypesCrate], options: &Options) -> String {
    crates.iter().map(|c| dependency(c, options, "")).collect()
}

/// A dependency on `c`, from the main crate (`from` empty: `crates/<c>`) or a sibling
/// (`from` `"../"`: `../<c>`).
fn dependency(c: &TypesCrate, options: &Options, from: &str) -> String {
    let path = match from {
        "" => c.dir.trim_end_matches('/').to_owned(),
        _ => format!("{from}{}", c.package),
    };
    format!(
        "{} = {{ version = {}, path = {}, default-features = false }}\n",
        c.package,
        toml_string(&format!("={}", options.crate_version)),
        toml_string(&path)
    )
}

/// What a feature of the main crate turns on in the crates of types (`"telnyx-types/calls"`).
pub fn forwarded(api: &Api, crates: &[TypesCrate], feature: &str) -> Vec<String> {
    crates
        .iter()
        .filter(|c| super::feature_names(api, &c.features).contains(&feature))
        .map(|c| format!("{}/{feature}", c.package))
        .collect()
}

/// `Cargo.toml` of crate of types `index`.
pub fn cargo_toml(api: &Api, options: &Options, crates: &[TypesCrate], index: usize) -> String {
    let Some(this) = crates.get(index) else {
        return String::new();
    };
    let common = match crates.first() {
        // From `crates/<this>/` to `crates/<common>/`.
        Some(common) if index > 0 => dependency(common, options, "../"),
        _ => String::new(),
    };
    let mut features = String::new();
    let names = super::feature_names(api, &this.features);
    if !names.is_empty() {
        features.push_str("\n[features]\n");
        for name in names {
            // Feature names are kebab-case words: bare TOML keys.
            features.push_str(&format!("{name} = []\n"));
        }
    }
    let description = format!(
        "Types of the `{}` crate, compiled apart from it; use them through it.",
        options.crate_name
    );
    format!(
        "{}{}\n{common}{features}",
        super::manifest::package_toml(options, &this.package, &description),
        crate::runtime::dependencies(false),
    )
}

/// `src/lib.rs` of crate of types `index`: the common crate declares the encoding modules
/// and `Error`, a part imports them from it; each has the string enum macro if its types
/// need it, and its `types`.
pub fn lib_rs(api: &Api, options: &Options, crates: &[TypesCrate], index: usize) -> TokenStream {
    let doc = super::docs::inner_attrs(&[format!(
        "Types of the `{}` crate, compiled apart from it so that a build compiles its types \
         side by side. Use them through `{}::types`.",
        options.crate_name,
        naming::lib_name(&options.crate_name)
    )]);
    let runtime = api
        .split
        .as_ref()
        .and_then(|s| s.runtime.get(index))
        .cloned()
        .unwrap_or_default();
    let module = |name: &str| {
        let name = naming::ident(name);
        quote!(#[rustfmt::skip] pub mod #name;)
    };
    let shared = if index == 0 {
        let multipart = api
            .runtime
            .needs(RuntimePart::Multipart)
            .then(|| module("multipart"));
        let json = api
            .runtime
            .needs(RuntimePart::Objects)
            .then(|| module("json"));
        let (error, error_body, query) = (module("error"), module("error_body"), module("query"));
        quote! {
            #[doc(hidden)]
            #error
            #[doc(hidden)]
            #error_body
            #json
            #multipart
            #query
            pub use error::{ApiError, Error};
            pub use error_body::ErrorBody;
        }
    } else {
        let common = crates.first().map(|c| naming::ident(&c.lib)).map(|lib| {
            let multipart = api
                .runtime
                .needs(RuntimePart::Multipart)
                .then(|| quote!(multipart,));
            let json = api
                .runtime
                .needs(RuntimePart::Objects)
                .then(|| quote!(json,));
            quote!(#[doc(hidden)] pub use ::#lib::{#json #multipart query, Error};)
        });
        quote!(#common)
    };
    let enums = runtime.features(RuntimePart::StringEnums).map(|features| {
        let gate = super::gate(api, features, false);
        super::manifest::gated(
            "stringenums",
            gate,
            vec![quote! { #[rustfmt::skip] mod enums; }],
        )
    });
    let recursion = super::manifest::has_cycles(api).then(|| quote!(#![recursion_limit = "256"]));
    quote! {
        #doc
        #recursion
        #![forbid(unsafe_code)]
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #shared
        #enums
        #[rustfmt::skip]
        pub mod types;
    }
}

/// The runtime files crate of types `index` has.
pub fn runtime_files(api: &Api, index: usize) -> Vec<&'static crate::runtime::RuntimeFile> {
    let own = api.split.as_ref().and_then(|s| s.runtime.get(index));
    crate::runtime::FILES
        .iter()
        .filter(|file| {
            if file.part == RuntimePart::StringEnums {
                own.is_some_and(|r| r.needs(RuntimePart::StringEnums))
            } else {
                index == 0
                    && COMMON_MODULES.contains(&file.module())
                    && api.runtime.needs(file.part)
            }
        })
        .collect()
}

/// Whether the main crate takes runtime module `name` from the common crate.
pub fn in_common(api: &Api, name: &str) -> bool {
    api.split.is_some() && COMMON_MODULES.contains(&name)
}
