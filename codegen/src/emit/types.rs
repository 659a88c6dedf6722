//! `src/types.rs`: models (structs, enums with a fallback, untagged unions, aliases) and the
//! `<Operation>Params` structs.

use super::docs;
use super::rust_type;
use crate::ir::{
    Api, Field, Param, ParamLocation, ParamStyle, ParamsStruct, StringEnum, Struct, Tagged,
    TypeDef, TypeKind, UntaggedVariant,
};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

/// How many items `types.rs` holds: every type, then every parameters struct.
pub fn item_count(api: &Api) -> usize {
    api.types.len() + api.operations.len()
}

/// Items `range` of `types.rs` (the module docs with the first chunk). Items are independent,
/// so chunks can be built and formatted apart and joined with the same result.
pub fn types_chunk(api: &Api, range: std::ops::Range<usize>) -> TokenStream {
    let docs = (range.start == 0).then(|| {
        quote! {
            //! Models of the API's schemas, and the parameter structs of its operations.
        }
    });
    let items = range.map(|i| match api.types.get(i) {
        Some(t) => type_def(api, t),
        None => {
            let op = &api.operations[i - api.types.len()];
            op.params_struct
                .as_ref()
                .map(|ps| params_struct(api, ps, &op.rust_name))
                .unwrap_or_default()
        }
    });
    quote! {
        #docs
        #(#items)*
    }
}

fn type_def(api: &Api, t: &TypeDef) -> TokenStream {
    // A title that only restates the type's name adds nothing.
    let mut own_docs = t.docs.clone();
    if own_docs
        .title
        .as_deref()
        .is_some_and(|title| naming::type_name(title) == t.name)
    {
        own_docs.title = None;
    }
    let mut doc_lines = docs::lines(&own_docs);
    if !t.origin.is_empty() {
        if !doc_lines.is_empty() {
            doc_lines.push(String::new());
        }
        doc_lines.push(format!("Schema: {}", docs::code_span(&t.origin)));
    }
    let doc = docs::attrs(&doc_lines);
    let name = naming::ident(&t.name);
    match &t.kind {
        TypeKind::Struct(s) => struct_def(api, &name, s, t, doc),
        TypeKind::StringEnum(e) => {
            if !doc_lines.is_empty() {
                doc_lines.push(String::new());
            }
            doc_lines.push(format!(
                "Values this version of the spec does not list decode into [`{0}`](Self::{0}) \
                 and serialize back unchanged.",
                e.fallback
            ));
            enum_def(&name, e, t.in_query, docs::attrs(&doc_lines))
        }
        TypeKind::Alias(ty) => {
            let ty = rust_type(api, ty, true);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
        TypeKind::Untagged(variants) => untagged_def(api, &name, variants, t.in_query, doc),
        TypeKind::Tagged(tagged) => tagged_def(api, &name, tagged, t.in_query, doc),
    }
}

fn field_type(api: &Api, f: &Field) -> TokenStream {
    let mut ty = rust_type(api, &f.ty, true);
    if f.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if f.optional() {
        ty = quote!(::std::option::Option<#ty>);
    }
    ty
}

fn struct_def(
    api: &Api,
    name: &proc_macro2::Ident,
    s: &Struct,
    t: &TypeDef,
    doc: TokenStream,
) -> TokenStream {
    let default = s.derive_default.then(|| quote!(::std::default::Default,));
    let fields = s.fields.iter().map(|f| {
        let ident = naming::ident(&f.rust_name);
        let ty = field_type(api, f);
        let doc = docs::attrs(&docs::lines(&f.docs));
        let serde_name = ident.to_string();
        let rename = (serde_name.trim_start_matches("r#") != f.wire_name).then(|| {
            let wire = &f.wire_name;
            quote!(#[serde(rename = #wire)])
        });
        let skip = (!f.required).then(
            || quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
        );
        quote! {
            #doc
            #rename
            #skip
            pub #ident: #ty,
        }
    });
    let query_impl = t.in_query.then(|| {
        let form_writes = s.fields.iter().map(|f| {
            let ident = naming::ident(&f.rust_name);
            let wire = &f.wire_name;
            // Form bodies send arrays as repeated keys (`form` style, exploded).
            let write = if matches!(f.ty, crate::ir::TypeRef::Array(_)) {
                quote!(query.push_each(#wire, value);)
            } else {
                quote!(query.write(#wire, value);)
            };
            if f.optional() {
                quote!(if let ::std::option::Option::Some(value) = &self.#ident { #write })
            } else {
                quote!({ let value = &self.#ident; #write })
            }
        });
        let form_fn = t.form_body.then(|| {
            quote! {
                fn write_form(&self, query: &mut crate::query::QueryString) {
                    #(#form_writes)*
                }
            }
        });
        let writes = s.fields.iter().map(|f| {
            let ident = naming::ident(&f.rust_name);
            let wire = &f.wire_name;
            if f.optional() {
                quote! {
                    if let ::std::option::Option::Some(value) = &self.#ident {
                        crate::query::write_nested(key, #wire, value, query);
                    }
                }
            } else {
                quote! {
                    crate::query::write_nested(key, #wire, &self.#ident, query);
                }
            }
        });
        quote! {
            impl crate::query::ToQuery for #name {
                fn write_query(&self, key: &mut ::std::string::String, query: &mut crate::query::QueryString) {
                    #(#writes)*
                }

                #form_fn
            }
        }
    });
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
        #query_impl
    }
}

fn enum_def(
    name: &proc_macro2::Ident,
    e: &StringEnum,
    in_query: bool,
    doc: TokenStream,
) -> TokenStream {
    let fallback = naming::ident(&e.fallback);
    let variants = e.variants.iter().map(|v| {
        let ident = naming::ident(&v.rust_name);
        let doc = docs::attrs(&[docs::code_span(&v.wire_value)]);
        quote!(#doc #ident,)
    });
    let table = e.variants.iter().map(|v| {
        let ident = naming::ident(&v.rust_name);
        let wire = &v.wire_value;
        quote!(#ident = #wire,)
    });
    let query_impl = in_query.then(|| {
        quote! {
            impl crate::query::ToQuery for #name {
                fn write_query(&self, key: &mut ::std::string::String, query: &mut crate::query::QueryString) {
                    query.push(key, self.as_str());
                }

                fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                    ::std::option::Option::Some(::std::borrow::Cow::Borrowed(self.as_str()))
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        pub enum #name {
            #(#variants)*
            /// A value the spec does not list, kept as received.
            #fallback(::std::string::String),
        }

        crate::enums::string_enum!(#name { #(#table)* } else #fallback);
        #query_impl
    }
}

fn untagged_def(
    api: &Api,
    name: &proc_macro2::Ident,
    variants: &[UntaggedVariant],
    in_query: bool,
    doc: TokenStream,
) -> TokenStream {
    let defs = variants.iter().map(|v| {
        let ident = naming::ident(&v.rust_name);
        let mut ty = rust_type(api, &v.ty, true);
        if v.boxed {
            ty = quote!(::std::boxed::Box<#ty>);
        }
        quote!(#ident(#ty),)
    });
    let arms = variants.iter().map(|v| {
        let ident = naming::ident(&v.rust_name);
        quote!(Self::#ident(value) => crate::query::ToQuery::write_query(value, key, query),)
    });
    let scalar_arms = variants.iter().map(|v| {
        let ident = naming::ident(&v.rust_name);
        quote!(Self::#ident(value) => crate::query::ToQuery::query_scalar(value),)
    });
    let query_impl = in_query.then(|| {
        quote! {
            impl crate::query::ToQuery for #name {
                fn write_query(&self, key: &mut ::std::string::String, query: &mut crate::query::QueryString) {
                    match self {
                        #(#arms)*
                    }
                }

                fn query_scalar(&self) -> ::std::option::Option<::std::borrow::Cow<'_, str>> {
                    match self {
                        #(#scalar_arms)*
                    }
                }
            }
        }
    });
    quote! {
        #doc
        ///
        /// Decoding tries the variants in the order the spec lists them; the first that
        /// matches wins.
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#defs)*
        }
        #query_impl
    }
}

/// A discriminated union: decoding reads the tag and decodes the whole object as the
/// variant it selects (the variant's struct keeps its tag field); unknown tags are kept.
fn tagged_def(
    api: &Api,
    name: &proc_macro2::Ident,
    tagged: &Tagged,
    in_query: bool,
    doc: TokenStream,
) -> TokenStream {
    let fallback = naming::ident(&tagged.fallback);
    let property = &tagged.property;
    let defs = tagged.variants.iter().map(|v| {
        let ident = naming::ident(&v.rust_name);
        let mut ty = rust_type(api, &v.ty, true);
        if v.boxed {
            ty = quote!(::std::boxed::Box<#ty>);
        }
        let tags = v
            .tags
            .iter()
            .map(|t| docs::code_span(t))
            .collect::<Vec<_>>()
            .join(", ");
        let doc = docs::attrs(&[format!("{} {tags}.", docs::code_span(property))]);
        quote!(#doc #ident(#ty),)
    });
    let arms = tagged.variants.iter().map(|v| {
        let ident = naming::ident(&v.rust_name);
        let tags = &v.tags;
        quote! {
            ::std::option::Option::Some(#(#tags)|*) => ::serde_json::from_value(value)
                .map(Self::#ident)
                .map_err(<D::Error as ::serde::de::Error>::custom),
        }
    });
    let query_impl = in_query.then(|| {
        let arms = tagged.variants.iter().map(|v| {
            let ident = naming::ident(&v.rust_name);
            quote!(Self::#ident(value) => crate::query::ToQuery::write_query(value, key, query),)
        });
        quote! {
            impl crate::query::ToQuery for #name {
                fn write_query(&self, key: &mut ::std::string::String, query: &mut crate::query::QueryString) {
                    match self {
                        #(#arms)*
                        Self::#fallback(value) => crate::query::ToQuery::write_query(value, key, query),
                    }
                }
            }
        }
    });
    let fallback_doc = docs::attrs(&[format!(
        "An object whose {} the spec does not list, kept as received.",
        docs::code_span(property)
    )]);
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#defs)*
            #fallback_doc
            #fallback(::serde_json::Value),
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::#fallback(value)),
                }
            }
        }
        #query_impl
    }
}

fn params_struct(api: &Api, ps: &ParamsStruct, method: &str) -> TokenStream {
    let name = naming::ident(&ps.name);
    let default = ps.derive_default.then(|| quote!(::std::default::Default,));
    let fields = ps.params.iter().map(|p| {
        let ident = naming::ident(&p.rust_name);
        let mut ty = rust_type(api, &p.ty, true);
        if !p.required {
            ty = quote!(::std::option::Option<#ty>);
        }
        let mut lines = docs::lines(&p.docs);
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(
            "Sent as the {} parameter {}.",
            location_word(p.location),
            docs::code_span(&p.wire_name)
        ));
        let doc = docs::attrs(&lines);
        quote! {
            #doc
            pub #ident: #ty,
        }
    });
    let writes: Vec<TokenStream> = ps
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(query_write)
        .collect();
    let query_fn = (!writes.is_empty()).then(|| {
        quote! {
            impl #name {
                /// The query string these parameters encode to (unset fields are left out).
                pub fn query(&self) -> crate::query::QueryString {
                    let mut query = crate::query::QueryString::new();
                    #(#writes)*
                    query
                }
            }
        }
    });
    let doc = docs::attrs(&[format!(
        "Parameters of [`Client::{method}`](crate::Client::{method})."
    )]);
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, #default)]
        pub struct #name {
            #(#fields)*
        }
        #query_fn
    }
}

fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// The statement writing one query parameter, per its style.
fn query_write(p: &Param) -> TokenStream {
    let ident = naming::ident(&p.rust_name);
    let wire = &p.wire_name;
    let write = match p.style {
        ParamStyle::Form { explode: true } if matches!(p.ty, crate::ir::TypeRef::Array(_)) => {
            quote!(query.push_each(#wire, value);)
        }
        ParamStyle::PipeDelimited => quote!(query.push_delimited(#wire, value, "%7C");),
        ParamStyle::SpaceDelimited => quote!(query.push_delimited(#wire, value, "%20");),
        _ => quote!(query.write(#wire, value);),
    };
    if p.required {
        quote! {
            {
                let value = &self.#ident;
                #write
            }
        }
    } else {
        quote! {
            if let ::std::option::Option::Some(value) = &self.#ident {
                #write
            }
        }
    }
}
