//! `src/types/`: models (structs, enums with a fallback, untagged unions, aliases), one file
//! per component schema, and the `<Operation>Params` structs (written with their operations).

use super::docs;
use super::rust_type;
use crate::ir::Prelude;
use crate::ir::{
    Api, Features, Field, Fixed, Module, Param, ParamLocation, ParamsStruct, QueryLayout,
    StringEnum, Struct, Tagged, TypeDef, TypeId, TypeKind, TypeRef, UntaggedVariant,
};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// The types of each file under `src/types/`, by file name, in definition order.
pub fn type_files(api: &Api) -> BTreeMap<&str, Vec<TypeId>> {
    let mut files: BTreeMap<&str, Vec<TypeId>> = BTreeMap::new();
    for (i, t) in api.types.iter().enumerate() {
        if let Module::Types(file) = &t.module {
            files.entry(file.as_str()).or_default().push(TypeId(i));
        }
    }
    files
}

/// `src/types/mod.rs`: declares one file per component schema and re-exports every type, so
/// that all models are `crate::types::Name` wherever their file is.
/// In a split crate (`ir::Split`) the main crate's and each crate of types' own: `globs`
/// names the crates of types whose types it re-exports too (the main crate: all of them; a
/// part: the common one), and only the main crate re-exports the operations' types.
pub fn types_mod_rs(
    api: &Api,
    files: &BTreeMap<&str, Vec<TypeId>>,
    globs: &[String],
    main: bool,
) -> TokenStream {
    let modules = files.iter().map(|(file, ids)| {
        let module = naming::ident(file);
        let gate = super::gate(api, &file_features(api, ids), false);
        // Types of one file may be used by different features (a component's nested type
        // reused by another tag's merged response): a re-export per set of features.
        let mut by_features: Vec<(&Features, Vec<proc_macro2::Ident>)> = Vec::new();
        for id in ids {
            let t = api.ty(*id);
            let name = naming::ident(&t.name);
            match by_features.iter_mut().find(|(f, _)| **f == t.features) {
                Some((_, names)) => names.push(name),
                None => by_features.push((&t.features, vec![name])),
            }
        }
        let uses = if by_features.len() == 1 {
            let names = ids.iter().map(|id| naming::ident(&api.ty(*id).name));
            quote!(#gate pub use #module::{#(#names),*};)
        } else {
            let uses = by_features.iter().map(|(features, names)| {
                let gate = super::gate(api, features, false);
                quote!(#gate pub use #module::{#(#names),*};)
            });
            quote!(#(#uses)*)
        };
        quote! {
            #gate
            mod #module;
            #uses
        }
    });
    // What each group's file defines, by module name (so the lines come out sorted).
    let mut groups: BTreeMap<&str, (usize, Vec<&str>)> = BTreeMap::new();
    for op in &api.operations {
        let (_, names) = groups
            .entry(&api.groups[op.group].rust_name)
            .or_insert((op.group, Vec::new()));
        names.extend(op.params_struct.as_ref().map(|ps| ps.name.as_str()));
        names.extend(op.success_enum.as_ref().map(|e| e.name.as_str()));
    }
    for t in &api.types {
        if let Module::Operations(g) = t.module {
            groups
                .entry(&api.groups[g].rust_name)
                .or_insert((g, Vec::new()))
                .1
                .push(&t.name);
        }
    }
    let operation_types = groups
        .iter()
        .filter(|_| main)
        .filter(|(_, (_, names))| !names.is_empty())
        .map(|(module, (group, names))| {
            let module = naming::ident(module);
            let names = names.iter().map(|n| naming::ident(n));
            let gate = super::gate(api, &Features::group(*group), true);
            quote!(#gate pub use crate::operations::#module::{#(#names),*};)
        });
    // A crate's types may all be off (their features are): its glob then imports nothing.
    let globs = globs.iter().map(|lib| {
        let lib = naming::ident(lib);
        quote!(#[allow(unused_imports)] pub use ::#lib::types::*;)
    });
    let doc = match (main, api.split.is_some()) {
        (true, false) => quote! {
            //! Models of the API's schemas, and the parameter structs of its operations.
            //!
            //! Each component schema has its own file (with the inline types named from it); the
            //! parameter structs and inline types of operations live next to their methods in
            //! `operations/`. Everything is re-exported here.
        },
        (true, true) => quote! {
            //! Models of the API's schemas, and the parameter structs of its operations.
            //!
            //! Each component schema has its own file (with the inline types named from it),
            //! most of them in crates of types compiled apart from this one (the `crates/`
            //! folder); the parameter structs and inline types of operations live next to
            //! their methods in `operations/`. Everything is re-exported here.
        },
        (false, _) => quote! {
            //! Models of the API's schemas: one file per component schema, with the inline
            //! types named from it. Everything is re-exported by the main crate's `types`.
        },
    };
    quote! {
        #doc
        #(#globs)*
        #(#modules)*
        #(#operation_types)*
    }
}

/// One file under `src/types/`: a component schema and the inline types named from it, with
/// the other types they use imported by name.
pub fn types_file(api: &Api, ids: &[TypeId]) -> TokenStream {
    let own: BTreeSet<TypeId> = ids.iter().copied().collect();
    let file_gate = file_features(api, ids);
    // Each import under the features of the types here that use it: a type gated more
    // narrowly than the file may be the only user (with its feature off, the import would
    // be unused, a warning under `-D warnings`).
    let mut users: BTreeMap<&str, Features> = BTreeMap::new();
    for id in ids {
        let t = api.ty(*id);
        let mut used = BTreeSet::new();
        referenced(&t.kind, &mut used);
        for other in used.difference(&own) {
            users
                .entry(api.ty(*other).name.as_str())
                .or_default()
                .union(&t.features);
        }
    }
    // Imports with the same features share a line, in name order of their first name.
    let mut lines: Vec<(&Features, Vec<&str>)> = Vec::new();
    for (name, features) in &users {
        match lines.iter_mut().find(|(f, _)| *f == features) {
            Some((_, names)) => names.push(name),
            None => lines.push((features, vec![name])),
        }
    }
    let imports = lines.iter().map(|(features, names)| {
        let names = names.iter().map(|n| naming::ident(n));
        let gate = if **features == file_gate {
            None
        } else {
            super::gate(api, features, false)
        };
        quote!(#gate use super::{#(#names),*};)
    });
    // Types compile under the features that use them; those used more narrowly than the
    // file as a whole carry their own gate.
    let items = ids.iter().map(|id| {
        let t = api.ty(*id);
        let def = type_def(api, t, true);
        match super::gate(api, &t.features, false) {
            Some(gate) if t.features != file_gate => super::gate_items(def, &gate),
            _ => def,
        }
    });
    quote! {
        #(#imports)*
        #(#items)*
    }
}

/// The features under which a file's types compile: all of theirs.
fn file_features(api: &Api, ids: &[TypeId]) -> Features {
    let mut features = Features::default();
    for id in ids {
        features.union(&api.ty(*id).features);
    }
    features
}

/// The named types a type's definition mentions.
fn referenced(kind: &TypeKind, out: &mut BTreeSet<TypeId>) {
    for ty in kind.refs() {
        if let TypeRef::Named(id) = ty.innermost() {
            out.insert(*id);
        }
    }
}

/// A type's items; `local`: written in `types/` (other types by bare name, imported).
pub fn type_def(api: &Api, t: &TypeDef, local: bool) -> TokenStream {
    // A title that only restates the type's name adds nothing.
    let mut own_docs = t.docs.clone();
    if own_docs
        .title
        .as_deref()
        .is_some_and(|title| naming::type_name(title) == t.name)
    {
        own_docs.title = None;
    }
    let schema =
        (!t.pointer.is_empty()).then(|| format!("Schema: {}", docs::code_span(&t.pointer)));
    let mut doc_lines = docs::lines_with(&own_docs, schema.as_deref());
    let doc = docs::attrs(&doc_lines);
    let name = naming::ident(&t.name);
    match &t.kind {
        TypeKind::Struct(s) => struct_def(api, &name, s, t, doc, local),
        TypeKind::StringEnum(e) => {
            if !doc_lines.is_empty() {
                doc_lines.push(String::new());
            }
            doc_lines.push(format!(
                "Values this version of the spec does not list decode into [`{0}`](Self::{0}) \
                 and serialize back unchanged.",
                e.fallback
            ));
            enum_def(api, &name, e, t.in_query, docs::attrs(&doc_lines))
        }
        TypeKind::Alias(ty) => {
            let ty = rust_type(api, ty, local);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
        TypeKind::Untagged(variants) => untagged_def(api, &name, variants, t, doc, local),
        TypeKind::Tagged(tagged) => tagged_def(api, &name, tagged, t, doc, local),
    }
}

fn field_type(api: &Api, f: &Field, local: bool) -> TokenStream {
    let std_option = super::std(api, Prelude::Option);
    let std_box = super::std(api, Prelude::Box);
    let mut ty = rust_type(api, &f.ty, local);
    if f.boxed {
        ty = quote!(#std_box<#ty>);
    }
    if f.optional() {
        ty = quote!(#std_option<#ty>);
    }
    ty
}

/// `write` run with `value` bound to the field's value: each entry of a flattened map (with
/// `name` its key), the value of a set optional field, or the required field's value.
fn with_value(f: &Field, write: TokenStream) -> TokenStream {
    let ident = naming::ident(&f.rust_name);
    if f.flatten {
        quote!(for (name, value) in &self.#ident { #write })
    } else if f.optional() {
        quote!(if let Some(value) = &self.#ident { #write })
    } else {
        quote!({ let value = &self.#ident; #write })
    }
}

/// How a field's key is written (`"wire"`, or `name` bound by the loop over a flattened
/// map's entries) and the type of each value written.
fn wire_and_type(f: &Field) -> (TokenStream, &TypeRef) {
    match (&f.ty, f.flatten) {
        (TypeRef::Map(value), true) => (quote!(name), &**value),
        _ => {
            let wire = &f.wire_name;
            (quote!(#wire), &f.ty)
        }
    }
}

fn struct_def(
    api: &Api,
    name: &proc_macro2::Ident,
    s: &Struct,
    t: &TypeDef,
    doc: TokenStream,
    local: bool,
) -> TokenStream {
    let std_string = super::std(api, Prelude::String);
    let std_result = super::std(api, Prelude::Result);
    let default = s.derive_default.then(|| quote!(Default,));
    let kept_in = s.fields.iter().find(|f| f.flatten).map(|rest| {
        format!(
            "A value of another type, which another member of the `anyOf` allows here, reads as \
             `None` and is kept in [`{0}`](Self::{0}).",
            naming::serde_name(&rest.rust_name)
        )
    });
    let fields = s.fields.iter().map(|f| {
        let ident = naming::ident(&f.rust_name);
        let ty = field_type(api, f, local);
        let note = kept_in.as_deref().filter(|_| f.lenient);
        let doc = docs::attrs(&docs::lines_with(&f.docs, note));
        quote! {
            #doc
            pub #ident: #ty,
        }
    });
    let serde_impls = serde_impls(api, name, s, t.serde, local);
    let partial_eq = t.partial_eq.then(|| quote!(PartialEq,));
    let multipart_impl = t.multipart_body.then(|| {
        let parts = s.fields.iter().map(|f| {
            let (wire, ty) = wire_and_type(f);
            let write = match ty {
                TypeRef::Binary => quote!(form.file(#wire, value)?;),
                TypeRef::Array(inner) if **inner == TypeRef::Binary => {
                    quote!(for file in value { form.file(#wire, file)?; })
                }
                _ => quote!(form.value(#wire, value)?;),
            };
            with_value(f, write)
        });
        quote! {
            impl crate::multipart::ToMultipart for #name {
                fn write_parts(&self, form: &mut crate::multipart::Form) -> #std_result<(), crate::Error> {
                    #(#parts)*
                    Ok(())
                }
            }
        }
    });
    let query_impl = t.in_query.then(|| {
        let form_writes = s.fields.iter().map(|f| {
            let (wire, ty) = wire_and_type(f);
            // Form bodies send arrays as repeated keys (`form` style, exploded).
            let write = if matches!(ty, TypeRef::Array(_)) {
                quote!(query.push_each(#wire, value);)
            } else {
                quote!(query.write(#wire, value);)
            };
            with_value(f, write)
        });
        let form_fn = t.form_body.then(|| {
            quote! {
                fn write_form(&self, query: &mut crate::query::QueryString) {
                    #(#form_writes)*
                }
            }
        });
        let writes = s.fields.iter().map(|f| {
            let (wire, _) = wire_and_type(f);
            if !f.flatten && !f.optional() {
                let ident = naming::ident(&f.rust_name);
                return quote!(crate::query::write_nested(key, #wire, &self.#ident, query););
            }
            with_value(f, quote!(crate::query::write_nested(key, #wire, value, query);))
        });
        quote! {
            impl crate::query::ToQuery for #name {
                fn write_query(&self, key: &mut #std_string, query: &mut crate::query::QueryString) {
                    #(#writes)*
                }

                #form_fn
            }
        }
    });
    let members: Vec<Member> = s
        .fields
        .iter()
        .map(|f| Member {
            field: naming::ident(&f.rust_name),
            setter: naming::ident(&f.setter),
            ty: rust_type(api, &f.ty, local),
            option: f.optional(),
            required: f.required && !f.flatten,
            boxed: f.boxed,
        })
        .collect();
    let builder = builder_impl(api, name, &members, &s.required_order, s.derive_default);
    quote! {
        #doc
        #[derive(Debug, Clone, #partial_eq #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #serde_impls
        #builder
        #query_impl
        #multipart_impl
    }
}

/// `Serialize` and `Deserialize` as a line per field over the runtime's `json` helpers
/// (serde's derives write a state machine per struct: most of a large crate's compile time).
/// Wire names as the spec writes them; optional fields absent or `null` read as `None` and
/// are left out when `None`; the flattened map takes the keys no field names.
fn serde_impls(
    api: &Api,
    name: &proc_macro2::Ident,
    s: &Struct,
    serde: crate::ir::Serde,
    local: bool,
) -> TokenStream {
    let std_result = super::std(api, Prelude::Result);
    let writes = s.fields.iter().map(|f| {
        let ident = naming::ident(&f.rust_name);
        let wire = &f.wire_name;
        if f.flatten {
            quote!(object.flatten(&self.#ident);)
        } else if f.required {
            quote!(object.required(#wire, &self.#ident);)
        } else {
            quote!(object.optional(#wire, &self.#ident);)
        }
    });
    // (A struct may have no field to write: then nothing is mutated.)
    let write_mut = (!s.fields.is_empty()).then(|| quote!(mut));
    let serialize = serde.serialize.then(|| {
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #std_result<S::Ok, S::Error> {
                    let #write_mut object = crate::json::Object::new(serializer)?;
                    #(#writes)*
                    object.end()
                }
            }
        }
    });
    if !serde.deserialize {
        return quote!(#serialize);
    }
    let (access, read, read_body) = read_object(api, s, local);
    quote! {
        #serialize

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #std_result<Self, D::Error> {
                crate::json::read(deserializer)
            }
        }

        impl crate::json::ReadObject for #name {
            fn read<'de, #access: ::serde::de::MapAccess<'de>>(#read) -> #std_result<Self, #access::Error> {
                #read_body
            }
        }
    }
}

/// The parameters and body of `ReadObject::read`: a slot per field, filled as its key comes
/// (a later duplicate wins, as when reading into a map), then the struct from the slots.
/// Keys no field names are skipped, or kept by the flattened map, which is the last field.
fn read_object(
    api: &Api,
    s: &Struct,
    local: bool,
) -> (proc_macro2::Ident, TokenStream, TokenStream) {
    // The type parameter of `read`, which the slots' types (naming the spec's types) must
    // not resolve to.
    let named = s.fields.iter().filter_map(|f| match f.ty.innermost() {
        TypeRef::Named(id) => Some(api.ty(*id).name.as_str()),
        _ => None,
    });
    let access = naming::ident(&naming::type_param(named, 'A'));
    if s.fields.is_empty() {
        // Still an object, and nothing else.
        let params = quote!(map: #access);
        return (
            access,
            params,
            quote! {
                crate::json::skip_all(map)?;
                Ok(Self {})
            },
        );
    }
    let [map, key] = naming::locals(
        s.fields.iter().map(|f| f.rust_name.as_str()),
        ["map", "key"],
    );
    let (map, key) = (naming::ident(&map), naming::ident(&key));
    let idents: Vec<_> = s
        .fields
        .iter()
        .map(|f| naming::ident(&f.rust_name))
        .collect();
    let default = super::std(api, Prelude::Default);
    let std_option = super::std(api, Prelude::Option);
    // Each slot's type is written out: inferring them from the struct at the end keeps every
    // field's `Deserialize` obligation pending through the whole body (slower to check).
    let slots = idents.iter().zip(&s.fields).map(|(ident, f)| {
        let ty = field_type(api, f, local);
        if f.flatten {
            quote!(let mut #ident: #ty = #default::default();)
        } else if f.optional() {
            quote!(let mut #ident: #ty = None;)
        } else {
            quote!(let mut #ident: #std_option<#ty> = None;)
        }
    });
    let rest = idents
        .iter()
        .zip(&s.fields)
        .find_map(|(ident, f)| f.flatten.then_some(ident));
    let named: Vec<_> = idents
        .iter()
        .zip(&s.fields)
        .filter(|(_, f)| !f.flatten)
        .map(|(ident, f)| {
            let wire = &f.wire_name;
            // Lowering gives every struct with lenient fields the map that keeps their
            // mismatched values.
            match rest.filter(|_| f.lenient) {
                Some(rest) => quote! {
                    #wire => crate::json::lenient(&mut #map, &mut #ident, &mut #rest, #wire),
                },
                None if f.optional() => {
                    quote!(#wire => crate::json::optional(&mut #map, &mut #ident),)
                }
                None => quote!(#wire => crate::json::value(&mut #map, &mut #ident),),
            }
        })
        .collect();
    let other = match rest {
        Some(rest) => quote!(crate::json::keep(&mut #rest, #key, &mut #map)),
        None => quote!(crate::json::skip(&mut #map)),
    };
    let take = if named.is_empty() {
        quote!(#other?;)
    } else {
        quote! {
            match #key.as_str() {
                #(#named)*
                _ => #other,
            }?;
        }
    };
    let values = idents.iter().zip(&s.fields).map(|(ident, f)| {
        let wire = &f.wire_name;
        if !f.optional() && !f.flatten {
            quote!(#ident: crate::json::required(#ident, #wire)?,)
        } else {
            quote!(#ident,)
        }
    });
    let params = quote!(mut #map: #access);
    (
        access,
        params,
        quote! {
            #(#slots)*
            while let Some(#key) = #map.next_key::<crate::json::Key<'de>>()? {
                #take
            }
            Ok(Self { #(#values)* })
        },
    )
}

/// A field as the constructor and setters see it.
struct Member {
    field: proc_macro2::Ident,
    setter: proc_macro2::Ident,
    /// The value's type (inside any `Option` and `Box`).
    ty: TokenStream,
    /// The field is an `Option`.
    option: bool,
    /// A constructor argument (else unset at first, with a setter).
    required: bool,
    boxed: bool,
}

/// `new` taking the required members in `required_order` as `impl Into<T>`, and a chained
/// setter per optional member.
fn builder_impl(
    api: &Api,
    name: &proc_macro2::Ident,
    members: &[Member],
    required_order: &[usize],
    derive_default: bool,
) -> TokenStream {
    let std_option = super::std(api, Prelude::Option);
    let std_box = super::std(api, Prelude::Box);
    let std_default = super::std(api, Prelude::Default);
    let std_into = super::std(api, Prelude::Into);
    let args: Vec<&Member> = required_order
        .iter()
        .filter_map(|&i| members.get(i))
        .filter(|m| m.required)
        .collect();
    let constructor = if args.is_empty() && derive_default {
        quote! {
            /// Nothing is required: every field starts unset (the same as `Default`).
            pub fn new() -> Self {
                #std_default::default()
            }
        }
    } else {
        let params = args.iter().map(|m| {
            let (field, ty) = (&m.field, &m.ty);
            if m.option {
                quote!(#field: impl #std_into<#std_option<#ty>>)
            } else {
                quote!(#field: impl #std_into<#ty>)
            }
        });
        let inits = members.iter().map(|m| {
            let field = &m.field;
            let value = match (args.iter().any(|a| a.field == m.field), m.option, m.boxed) {
                (false, true, _) => quote!(None),
                (false, false, _) => quote!(#std_default::default()),
                (true, false, false) => quote!(#field.into()),
                (true, false, true) => quote!(#std_box::new(#field.into())),
                (true, true, false) => quote!(#field.into()),
                (true, true, true) => quote!(#field.into().map(#std_box::new)),
            };
            quote!(#field: #value,)
        });
        let allow = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        let doc = docs::attrs(&[
            "With the required fields, in the order the spec lists them; the others start unset"
                .to_owned(),
            "and have a setter each.".to_owned(),
        ]);
        quote! {
            #doc
            #allow
            pub fn new(#(#params),*) -> Self {
                Self {
                    #(#inits)*
                }
            }
        }
    };
    let setters = members.iter().filter(|m| !m.required).map(|m| {
        let (field, setter, ty) = (&m.field, &m.setter, &m.ty);
        let value = if m.boxed {
            quote!(#std_box::new(value.into()))
        } else {
            quote!(value.into())
        };
        // rustdoc cannot link to a raw identifier (`r#type`): those are named, not linked.
        let field_name = m.field.to_string();
        let doc = docs::attrs(&[match field_name.strip_prefix("r#") {
            Some(plain) => format!("Sets `{plain}`."),
            None => format!("Sets [`{field_name}`](Self::{field_name})."),
        }]);
        if m.option {
            quote! {
                #doc
                pub fn #setter(mut self, value: impl #std_into<#ty>) -> Self {
                    self.#field = Some(#value);
                    self
                }
            }
        } else {
            quote! {
                #doc
                pub fn #setter(mut self, value: impl #std_into<#ty>) -> Self {
                    self.#field = #value;
                    self
                }
            }
        }
    });
    quote! {
        impl #name {
            #constructor
            #(#setters)*
        }
    }
}

fn enum_def(
    api: &Api,
    name: &proc_macro2::Ident,
    e: &StringEnum,
    in_query: bool,
    doc: TokenStream,
) -> TokenStream {
    let std_string = super::std(api, Prelude::String);
    let std_option = super::std(api, Prelude::Option);
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
                fn write_query(&self, key: &mut #std_string, query: &mut crate::query::QueryString) {
                    query.push(key, self.as_str());
                }

                fn query_scalar(&self) -> #std_option<::std::borrow::Cow<'_, str>> {
                    Some(::std::borrow::Cow::Borrowed(self.as_str()))
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value the spec does not list, kept as received.
            #fallback(#std_string),
        }

        crate::enums::string_enum!(#name { #(#table)* } else #fallback);
        #query_impl
    }
}

fn untagged_def(
    api: &Api,
    name: &proc_macro2::Ident,
    variants: &[UntaggedVariant],
    t: &TypeDef,
    doc: TokenStream,
    local: bool,
) -> TokenStream {
    let std_string = super::std(api, Prelude::String);
    let std_option = super::std(api, Prelude::Option);
    let std_box = super::std(api, Prelude::Box);
    let in_query = t.in_query;
    // Variants with guards need a decoding of our own; the others keep serde's untagged one.
    let guarded =
        t.serde.deserialize && (variants.iter().any(|v| !v.guard.is_empty()) || ranked(variants));
    let derive_deserialize = t.serde.deserialize && !guarded;
    let serde_derives = [
        t.serde.serialize.then(|| quote!(::serde::Serialize)),
        derive_deserialize.then(|| quote!(::serde::Deserialize)),
    ]
    .into_iter()
    .flatten()
    .map(|d| quote!(, #d));
    let serde_attr = (t.serde.serialize || derive_deserialize).then(|| quote!(#[serde(untagged)]));
    let guarded_deserialize = guarded.then(|| guarded_untagged(api, name, variants, local));
    let guard_doc =
        (t.serde.deserialize && variants.iter().any(|v| !v.guard.is_empty())).then(|| {
            quote! {
                /// A variant whose schema allows no other properties, or fixes a property to one
                /// value, is not tried on an object with other keys or another value.
            }
        });
    let partial_eq = t.partial_eq.then(|| quote!(, PartialEq));
    let defs = variants.iter().map(|v| {
        let ident = naming::ident(&v.rust_name);
        let mut ty = rust_type(api, &v.ty, local);
        if v.boxed {
            ty = quote!(#std_box<#ty>);
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
    let members: Vec<(&str, &TypeRef, bool)> = variants
        .iter()
        .map(|v| (v.rust_name.as_str(), &v.ty, v.boxed))
        .collect();
    let from_impls = from_impls(api, name, &members, local);
    let query_impl = in_query.then(|| {
        quote! {
            impl crate::query::ToQuery for #name {
                fn write_query(&self, key: &mut #std_string, query: &mut crate::query::QueryString) {
                    match self {
                        #(#arms)*
                    }
                }

                fn query_scalar(&self) -> #std_option<::std::borrow::Cow<'_, str>> {
                    match self {
                        #(#scalar_arms)*
                    }
                }
            }
        }
    });
    let multipart_impl = t.multipart_body.then(|| {
        let arms: Vec<(proc_macro2::Ident, bool)> = variants
            .iter()
            .map(|v| (naming::ident(&v.rust_name), v.boxed))
            .collect();
        union_multipart(api, name, &arms, None)
    });
    let order_doc = if t.serde.deserialize && ranked(variants) {
        quote! {
            /// Decoding tries the variants in the order the spec lists them, but an object
            /// first tries those that declare most of its keys; the first that matches wins.
        }
    } else {
        quote! {
            /// Decoding tries the variants in the order the spec lists them; the first that
            /// matches wins.
        }
    };
    quote! {
        #doc
        ///
        #order_doc
        #guard_doc
        #[derive(Debug, Clone #partial_eq #(#serde_derives)*)]
        #serde_attr
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
        }
        #guarded_deserialize
        #query_impl
        #multipart_impl
        #from_impls
    }
}

/// Whether an object tries the variants in order of fit (`json::by_fit`): two or more are
/// structs, so that the first would otherwise take objects meant for another.
fn ranked(variants: &[UntaggedVariant]) -> bool {
    variants
        .iter()
        .filter(|v| !v.guard.declared.is_empty())
        .count()
        >= 2
}

/// `Deserialize` for an untagged union with guards or ranked variants: each variant in turn
/// (for an object, by fit when [`ranked`]), tried only on a value its guard admits
/// (`json::admits`).
fn guarded_untagged(
    api: &Api,
    name: &proc_macro2::Ident,
    variants: &[UntaggedVariant],
    local: bool,
) -> TokenStream {
    let std_box = super::std(api, Prelude::Box);
    let std_result = super::std(api, Prelude::Result);
    // Per variant: the attempt, and the check its guard makes first (if any).
    let attempts: Vec<(TokenStream, Option<TokenStream>)> = variants
        .iter()
        .map(|v| {
            let ident = naming::ident(&v.rust_name);
            let ty = rust_type(api, &v.ty, local);
            let wrap = if v.boxed {
                quote!(Self::#ident(#std_box::new(variant)))
            } else {
                quote!(Self::#ident(variant))
            };
            let attempt = quote! {
                if let Ok(variant) = <#ty as ::serde::Deserialize>::deserialize(&value) {
                    return Ok(#wrap);
                }
            };
            let check = (!v.guard.is_empty()).then(|| {
                let fixed = v.guard.fixed.iter().map(|(k, v)| match v {
                    Fixed::String(v) => quote!((#k, crate::json::Fixed::Str(#v))),
                    Fixed::Integer(n) => {
                        let n = proc_macro2::Literal::i64_unsuffixed(*n);
                        quote!((#k, crate::json::Fixed::Int(#n)))
                    }
                });
                let keys = match &v.guard.keys {
                    Some(keys) => quote!(Some(&[#(#keys),*])),
                    None => quote!(None),
                };
                quote!(crate::json::admits(&value, &[#(#fixed),*], #keys))
            });
            (attempt, check)
        })
        .collect();
    let body = if ranked(variants) {
        let declared = variants.iter().map(|v| {
            let keys = &v.guard.declared;
            quote!(&[#(#keys),*])
        });
        let arms = attempts.iter().enumerate().map(|(i, (attempt, check))| {
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            match check {
                Some(check) => quote!(#i if #check => { #attempt }),
                None => quote!(#i => { #attempt }),
            }
        });
        quote! {
            for variant in crate::json::by_fit(&value, &[#(#declared),*]) {
                match variant {
                    #(#arms)*
                    _ => {}
                }
            }
        }
    } else {
        let steps = attempts.iter().map(|(attempt, check)| match check {
            Some(check) => quote! {
                if #check {
                    #attempt
                }
            },
            None => attempt.clone(),
        });
        quote!(#(#steps)*)
    };
    let message = format!("the value matches no variant of `{name}`");
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #std_result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #body
                Err(<D::Error as ::serde::de::Error>::custom(#message))
            }
        }
    }
}

/// `ToMultipart` for a union body: the parts of the variant given (an object the spec does
/// not describe, the fallback of a tagged union, one part per key).
fn union_multipart(
    api: &Api,
    name: &proc_macro2::Ident,
    variants: &[(proc_macro2::Ident, bool)],
    fallback: Option<&proc_macro2::Ident>,
) -> TokenStream {
    let std_result = super::std(api, Prelude::Result);
    let arms = variants.iter().map(|(ident, boxed)| {
        let value = if *boxed {
            quote!(&**value)
        } else {
            quote!(value)
        };
        quote!(Self::#ident(value) => crate::multipart::ToMultipart::write_parts(#value, form),)
    });
    let fallback = fallback.map(|ident| {
        quote! {
            Self::#ident(value) => {
                if let ::serde_json::Value::Object(fields) = value {
                    for (key, value) in fields {
                        form.value(key, value)?;
                    }
                }
                Ok(())
            }
        }
    });
    quote! {
        impl crate::multipart::ToMultipart for #name {
            fn write_parts(&self, form: &mut crate::multipart::Form) -> #std_result<(), crate::Error> {
                match self {
                    #(#arms)*
                    #fallback
                }
            }
        }
    }
}

/// A discriminated union: decoding reads the tag and decodes the whole object as the
/// variant it selects (the variant's struct keeps its tag field); unknown tags are kept.
fn tagged_def(
    api: &Api,
    name: &proc_macro2::Ident,
    tagged: &Tagged,
    t: &TypeDef,
    doc: TokenStream,
    local: bool,
) -> TokenStream {
    let std_string = super::std(api, Prelude::String);
    let std_box = super::std(api, Prelude::Box);
    let std_result = super::std(api, Prelude::Result);
    let std_to_owned = super::std(api, Prelude::ToOwned);
    let in_query = t.in_query;
    let serde_derives = t.serde.serialize.then(|| quote!(, ::serde::Serialize));
    let serde_attr = t.serde.serialize.then(|| quote!(#[serde(untagged)]));
    let partial_eq = t.partial_eq.then(|| quote!(, PartialEq));
    let fallback = naming::ident(&tagged.fallback);
    let property = &tagged.property;
    let defs = tagged.variants.iter().map(|v| {
        let ident = naming::ident(&v.rust_name);
        let mut ty = rust_type(api, &v.ty, local);
        if v.boxed {
            ty = quote!(#std_box<#ty>);
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
            Some(#(#tags)|*) => ::serde_json::from_value(value)
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
                fn write_query(&self, key: &mut #std_string, query: &mut crate::query::QueryString) {
                    match self {
                        #(#arms)*
                        Self::#fallback(value) => crate::query::ToQuery::write_query(value, key, query),
                    }
                }
            }
        }
    });
    let members: Vec<(&str, &TypeRef, bool)> = tagged
        .variants
        .iter()
        .map(|v| (v.rust_name.as_str(), &v.ty, v.boxed))
        .collect();
    let from_impls = from_impls(api, name, &members, local);
    let deserialize = t.serde.deserialize.then(|| {
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #std_result<Self, D::Error> {
                    let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                    let tag = value.get(#property).and_then(::serde_json::Value::as_str).map(#std_to_owned::to_owned);
                    match tag.as_deref() {
                        #(#arms)*
                        _ => Ok(Self::#fallback(value)),
                    }
                }
            }
        }
    });
    let fallback_doc = docs::attrs(&[format!(
        "An object whose {} the spec does not list, kept as received.",
        docs::code_span(property)
    )]);
    let multipart_impl = t.multipart_body.then(|| {
        let arms: Vec<(proc_macro2::Ident, bool)> = tagged
            .variants
            .iter()
            .map(|v| (naming::ident(&v.rust_name), v.boxed))
            .collect();
        union_multipart(api, name, &arms, Some(&fallback))
    });
    quote! {
        #doc
        #[derive(Debug, Clone #partial_eq #serde_derives)]
        #serde_attr
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            #fallback_doc
            #fallback(::serde_json::Value),
        }

        #deserialize
        #query_impl
        #multipart_impl
        #from_impls
    }
}

/// `ty` with aliases replaced by their targets, at any depth (bounded against alias loops).
fn unalias(api: &Api, ty: &TypeRef, depth: usize) -> TypeRef {
    if depth > 32 {
        return ty.clone();
    }
    match ty {
        TypeRef::Named(id) => match &api.ty(*id).kind {
            TypeKind::Alias(target) => unalias(api, target, depth + 1),
            _ => ty.clone(),
        },
        TypeRef::Array(inner) => TypeRef::Array(Box::new(unalias(api, inner, depth + 1))),
        TypeRef::Map(inner) => TypeRef::Map(Box::new(unalias(api, inner, depth + 1))),
        TypeRef::Nullable(inner) => TypeRef::Nullable(Box::new(unalias(api, inner, depth + 1))),
        other => other.clone(),
    }
}

/// `From` each member type whose type no other member has (and `&str` for a string
/// member), so that a union argument takes its members directly:
/// `CallRequest::new("conn", "+18445550001", ..)` for a `to` that is a string or a list.
fn from_impls(
    api: &Api,
    name: &proc_macro2::Ident,
    members: &[(&str, &TypeRef, bool)],
    local: bool,
) -> TokenStream {
    let std_box = super::std(api, Prelude::Box);
    let std_from = super::std(api, Prelude::From);
    // Members are compared as Rust sees them: an alias of `String` is a `String`.
    let canonical: Vec<TypeRef> = members
        .iter()
        .map(|(_, ty, _)| unalias(api, ty, 0))
        .collect();
    let impls = members
        .iter()
        .zip(&canonical)
        .filter_map(|((variant, ty, boxed), rust_ty)| {
            let unique = canonical.iter().filter(|other| *other == rust_ty).count() == 1;
            let is_self = matches!(ty, TypeRef::Named(id) if *name == api.ty(*id).name);
            if !unique || is_self {
                return None;
            }
            let variant = naming::ident(variant);
            let rust = rust_type(api, ty, local);
            let wrap = if *boxed {
                quote!(#std_box::new(value))
            } else {
                quote!(value)
            };
            let from_str = (*rust_ty == TypeRef::String).then(|| {
                let wrap = if *boxed {
                    quote!(#std_box::new(value.to_owned()))
                } else {
                    quote!(value.to_owned())
                };
                quote! {
                    impl #std_from<&str> for #name {
                        fn from(value: &str) -> Self {
                            Self::#variant(#wrap)
                        }
                    }
                }
            });
            Some(quote! {
                impl #std_from<#rust> for #name {
                    fn from(value: #rust) -> Self {
                        Self::#variant(#wrap)
                    }
                }
                #from_str
            })
        });
    quote!(#(#impls)*)
}

pub fn params_struct(api: &Api, ps: &ParamsStruct, method: &str, local: bool) -> TokenStream {
    let std_option = super::std(api, Prelude::Option);
    let name = naming::ident(&ps.name);
    let default = ps.derive_default.then(|| quote!(Default,));
    let fields = ps.params.iter().map(|p| {
        let ident = naming::ident(&p.rust_name);
        let mut ty = rust_type(api, &p.ty, local);
        if !p.required {
            ty = quote!(#std_option<#ty>);
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
    let members: Vec<Member> = ps
        .params
        .iter()
        .map(|p| Member {
            field: naming::ident(&p.rust_name),
            setter: naming::ident(&p.setter),
            ty: rust_type(api, &p.ty, local),
            option: !p.required,
            required: p.required,
            boxed: false,
        })
        .collect();
    let order: Vec<usize> = (0..members.len()).collect();
    let partial_eq = ps.partial_eq.then(|| quote!(PartialEq,));
    let builder = builder_impl(api, &name, &members, &order, ps.derive_default);
    quote! {
        #doc
        #[derive(Debug, Clone, #partial_eq #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #builder
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

/// The statement writing one query parameter, per its layout.
fn query_write(p: &Param) -> TokenStream {
    let ident = naming::ident(&p.rust_name);
    let wire = &p.wire_name;
    let write = match p.layout {
        QueryLayout::FlatObject => quote!(query.push_flat_object(#wire, value);),
        QueryLayout::Repeated => quote!(query.push_each(#wire, value);),
        QueryLayout::Delimited(separator) => {
            quote!(query.push_delimited(#wire, value, #separator);)
        }
        QueryLayout::Nested => quote!(query.write(#wire, value);),
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
            if let Some(value) = &self.#ident {
                #write
            }
        }
    }
}
