//! `src/error_body.rs`: `ErrorBody`, one variant per declared error schema, and its one-line
//! summary, read through the field chains the IR resolved from the configured paths. Spec
//! types are named through `crate::types`, never imported: plain std paths are safe here.

use super::docs;
use crate::ir::{Api, FieldChain};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

pub fn error_body_rs(api: &Api) -> TokenStream {
    // A variant compiles with its type.
    // (A type written in a tag's module exists only with that tag's feature, even when every
    // tag uses it.)
    let gate = |v: &crate::ir::ErrorBodyVariant| {
        let t = api.ty(v.ty);
        let in_tag_module = matches!(t.module, crate::ir::Module::Operations(_));
        super::gate(api, &t.features, in_tag_module)
    };
    let defs = api.error_bodies.iter().map(|v| {
        let gate = gate(v);
        let ident = naming::ident(&v.rust_name);
        let ty = naming::ident(&api.ty(v.ty).name);
        let doc = docs::attrs(&[format!(
            "The body of [`{0}`](crate::types::{0}).",
            api.ty(v.ty).name
        )]);
        let ty = if v.boxed {
            quote!(Box<crate::types::#ty>)
        } else {
            quote!(crate::types::#ty)
        };
        quote!(#doc #gate #ident(#ty),)
    });
    let summaries = api.error_bodies.iter().map(|v| {
        let gate = gate(v);
        let ident = naming::ident(&v.rust_name);
        if v.summary.is_empty() && v.detail.is_empty() {
            return quote!(#gate Self::#ident(_) => None,);
        }
        let summary = v.summary.iter().map(string_at);
        let detail = v.detail.iter().map(string_at);
        quote! {
            #gate
            Self::#ident(body) => crate::error::summary(&[#(#summary),*], &[#(#detail),*]),
        }
    });
    let (other_summary, other_detail) = &api.other_error_summary;
    let pointer = |p: &String| quote!(value.pointer(#p).and_then(serde_json::Value::as_str));
    let other_summary = other_summary.iter().map(pointer);
    let other_detail = other_detail.iter().map(pointer);
    quote! {
        //! The body of an error response, by the schema the spec declares for its status.

        /// The body of an error response, by the schema the spec declares for its status.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum ErrorBody {
            #(#defs)*
            /// JSON that matches no declared error schema.
            Other(serde_json::Value),
            /// No body.
            Empty,
        }

        impl ErrorBody {
            /// A one-line summary of the error for messages, when the body has one.
            pub fn summary(&self) -> Option<String> {
                match self {
                    #(#summaries)*
                    Self::Other(value) => crate::error::summary(&[#(#other_summary),*], &[#(#other_detail),*]),
                    Self::Empty => None,
                }
            }
        }
    }
}

/// `Option<&str>`: the string at the end of `chain`, starting from `body`.
fn string_at(chain: &FieldChain) -> TokenStream {
    super::chain_expr(quote!(body), chain, super::Leaf::Str)
}
