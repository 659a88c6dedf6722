//! The runtime's contract with generated code (`codegen::runtime::CONTRACT`), checked: the
//! runtime crate's stand-ins for the modules a crate writes from its spec must declare every
//! item the runtime reads with the signature the emitter gives it, and its `settings.rs` is
//! the emitter's output for the harness spec. `cargo xtask harness` rewrites that file.

use std::path::{Path, PathBuf};

/// The harness spec, its stand-ins, and the generated file the runtime crate uses as is.
pub fn harness_spec() -> PathBuf {
    crate::scratch::root().join("codegen/runtime/harness/openapi.yaml")
}

fn stand_ins() -> PathBuf {
    crate::scratch::root().join("codegen/runtime/src/harness")
}

/// The crate the generator writes for the harness spec.
pub fn generate() -> Result<codegen::GeneratedCrate, String> {
    let spec = harness_spec();
    let options = codegen::Options::for_spec(&spec, "codegen/runtime/harness/openapi.yaml")
        .map_err(|e| e.to_string())?;
    codegen::generate(&spec, &options).map_err(|e| e.to_string())
}

/// Writes the generated `settings.rs` over the stand-in.
pub fn regenerate() -> Result<(), String> {
    let krate = generate()?;
    let path = stand_ins().join("settings.rs");
    std::fs::write(&path, &krate.files["src/settings.rs"])
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Every way the stand-ins differ from the emitter's output (empty: they agree).
pub fn check() -> Result<Vec<String>, String> {
    let krate = generate()?;
    let mut problems = Vec::new();
    let settings = std::fs::read_to_string(stand_ins().join("settings.rs")).unwrap_or_default();
    if settings != krate.files["src/settings.rs"] {
        problems.push(
            "harness/settings.rs is not the generator's output: run `cargo xtask harness`"
                .to_owned(),
        );
    }
    for (module, item) in codegen::runtime::CONTRACT {
        let generated = signature(&parse(&krate.files[&format!("src/{module}.rs")])?, item);
        let stand_in = signature(&read(&stand_ins().join(format!("{module}.rs")))?, item);
        match (generated, stand_in) {
            (None, _) => problems.push(format!("the emitter's {module}.rs has no `{item}`")),
            (_, None) => problems.push(format!("harness/{module}.rs has no `{item}`")),
            (Some(g), Some(s)) if g != s => problems.push(format!(
                "`{module}::{item}`: the emitter writes `{g}`, the stand-in `{s}`"
            )),
            _ => {}
        }
    }
    Ok(problems)
}

fn read(path: &Path) -> Result<syn::File, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text)
}

fn parse(text: &str) -> Result<syn::File, String> {
    syn::parse_file(text).map_err(|e| e.to_string())
}

/// The signature of `item` in `file` as tokens written without spaces or leading `::`
/// (`pub(crate)constSCHEME:&str`), or `None` when the file does not declare it.
fn signature(file: &syn::File, item: &str) -> Option<String> {
    use quote::ToTokens;
    let tokens = match item.split_once("::") {
        None => file.items.iter().find_map(|i| match i {
            syn::Item::Const(c) if c.ident == item => {
                let (vis, ident, ty) = (&c.vis, &c.ident, &c.ty);
                Some(quote::quote!(#vis const #ident: #ty))
            }
            syn::Item::Enum(e) if e.ident == item => {
                let (vis, ident) = (&e.vis, &e.ident);
                Some(quote::quote!(#vis enum #ident))
            }
            _ => None,
        })?,
        Some((owner, member)) => file.items.iter().find_map(|i| match i {
            syn::Item::Enum(e) if e.ident == owner => {
                e.variants.iter().find(|v| v.ident == member).map(|v| {
                    let (ident, fields) = (&v.ident, &v.fields);
                    quote::quote!(#ident #fields)
                })
            }
            syn::Item::Impl(block) if block.self_ty.to_token_stream().to_string() == owner => {
                block.items.iter().find_map(|i| match i {
                    syn::ImplItem::Fn(f) if f.sig.ident == member => {
                        let (vis, sig) = (&f.vis, &f.sig);
                        Some(quote::quote!(#vis #sig))
                    }
                    _ => None,
                })
            }
            _ => None,
        })?,
    };
    let text = tokens.to_string().replace(' ', "");
    // `::serde_json::Value` and `serde_json::Value` are the same path.
    Some(
        text.strip_prefix("::")
            .unwrap_or(&text)
            .replace("(::", "(")
            .replace("<::", "<")
            .replace("&::", "&")
            .replace(",::", ",")
            .replace(":::", ":"),
    )
}
