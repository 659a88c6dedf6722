//! `Cargo.toml` and `src/lib.rs` of the generated crate.

use super::docs;
use super::GENERATED_MARKER;
use crate::ir::{Api, Auth, ResponseBody};
use crate::naming;
use crate::Options;
use proc_macro2::TokenStream;
use quote::quote;

/// TOML basic string: quotes, backslashes and control characters escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn cargo_toml(api: &Api, options: &Options) -> String {
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
         [dependencies]\n\
         {dependencies}\n\
         {workspace}",
        spec = options.spec_label,
        name = toml_string(&options.crate_name),
        version = toml_string(&options.crate_version),
        description = toml_string(&description),
        dependencies = crate::runtime::dependencies(),
    )
}

pub fn lib_rs(api: &Api, options: &Options) -> TokenStream {
    let lib = naming::lib_name(&options.crate_name);
    let mut lines = vec![format!(
        "Client for the {} (version {}).",
        api.title.trim(),
        api.version.trim()
    )];
    if let Some(description) = api.description.as_deref().filter(|d| !d.trim().is_empty()) {
        lines.push(String::new());
        lines.extend(docs::sanitize(description));
    }
    lines.push(String::new());
    lines.push(format!(
        "Generated from {} by `codegen`; do not edit by hand.",
        docs::code_span(&options.spec_label)
    ));
    if api.runtime.operations {
        lines.extend(example(api, options, &lib));
        lines.push(String::new());
        lines.push("# Operations by tag".to_owned());
        lines.push(String::new());
        lines.push(
            "Every operation is a method of [`Client`]; each tag's module lists its methods \
             (`API.md`, beside `Cargo.toml`, lists them all with their HTTP method and path)."
                .to_owned(),
        );
        lines.push(String::new());
        for (index, group) in api.groups.iter().enumerate() {
            let count = api.operations.iter().filter(|op| op.group == index).count();
            let label = group.tag.as_deref().unwrap_or(&group.rust_name);
            lines.push(format!(
                "- [`{0}`](operations::{0}): {1} ({count} operation{2})",
                group.rust_name,
                docs::code_span(label),
                if count == 1 { "" } else { "s" }
            ));
        }
    } else {
        lines.push(String::new());
        lines.push(
            "The spec has no operations: this crate holds its models (`types`) only.".to_owned(),
        );
    }
    let doc_attrs = docs::inner_attrs(&lines);
    let parts = &api.runtime;
    // `#[rustfmt::skip]` on every module: the files are formatted by the generator, and
    // `cargo fmt` of a workspace that includes this crate must leave them alone, or the
    // freshness check would fail.
    let module = |name: &str, public: bool, present: bool| {
        present.then(|| {
            let name = naming::ident(name);
            let vis = public.then(|| quote!(pub));
            quote! {
                #[rustfmt::skip]
                #vis mod #name;
            }
        })
    };
    let modules = [
        module("client", false, parts.operations),
        module("enums", false, parts.string_enums),
        module("error", false, true),
        module("error_body", false, true),
        module("multipart", true, parts.multipart),
        module("operations", true, !api.groups.is_empty()),
        module("pagination", false, parts.pagination),
        module("query", true, true),
        module("response", false, parts.operations),
        module("settings", false, parts.operations),
        module("types", true, true),
    ];
    let client_exports = parts.operations.then(|| {
        quote! {
            pub use client::{Client, ClientBuilder, RequestOptions};
            pub use response::{ApiResponse, Call, CallBody};
            pub use settings::{
                DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_RETRIES,
                DEFAULT_RETRY_INITIAL_DELAY, DEFAULT_TIMEOUT, ENV_API_KEY, ENV_BASE_URL,
            };
        }
    });
    quote! {
        #doc_attrs
        #![forbid(unsafe_code)]
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #(#modules)*

        #client_exports
        pub use error::{ApiError, Error};
        pub use error_body::ErrorBody;

        // The crates of the public API, so that users need not match their versions by hand:
        // `chrono` for date-times, `futures_util` for `StreamExt`, `reqwest` for `StatusCode`
        // and `HeaderMap`.
        pub use chrono;
        pub use futures_util;
        pub use reqwest;
    }
}

/// A compiled (not run) usage example: configuration, and the first operation that needs
/// nothing but default parameters.
fn example(api: &Api, options: &Options, lib: &str) -> Vec<String> {
    let mut code = vec![
        "# async fn example() -> Result<(), LIB::Error> {".replace("LIB", lib),
        format!("use {lib}::Client;"),
        String::new(),
    ];
    match (&api.auth, &api.base_url) {
        (Auth::None, Some(_)) => code.push("let client = Client::builder().build()?;".into()),
        (Auth::None, None) => {
            code.push("let client = Client::builder().base_url(\"https://api.example.com\").build()?;".into())
        }
        (_, Some(_)) => code.push("let client = Client::builder().api_key(\"KEY\").build()?;".into()),
        (_, None) => code.push(
            "let client = Client::builder().api_key(\"KEY\").base_url(\"https://api.example.com\").build()?;"
                .into(),
        ),
    }
    if api.auth != Auth::None {
        code.push(format!(
            "// Or from `{}_API_KEY` (and optionally `{}_BASE_URL`):",
            options.env_prefix, options.env_prefix
        ));
        code.push("let client = Client::from_env()?;".into());
    }
    let simple = api.operations.iter().find(|op| {
        op.path_params.is_empty()
            && op.body.is_none()
            && op.params_struct.as_ref().is_none_or(|ps| ps.derive_default)
            && !op.deprecated
    });
    if let Some(op) = simple {
        let args = if op.params_struct.is_some() {
            "&Default::default()"
        } else {
            ""
        };
        let returns_value = op
            .responses
            .iter()
            .find(|r| r.status.is_success())
            .is_some_and(|r| r.body != ResponseBody::None);
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
    if let Some(op) = simple {
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
