//! Stage 2: `openapiv3` → IR. Every `#/components/...` reference is resolved here, names are
//! assigned (component schemas first, so that references and cycles resolve before any
//! conversion, as typify does), and cycles are analysed. Later stages see only `crate::ir`.

mod analysis;
mod directions;
mod fork;
mod method_names;
mod operation;
mod pagination;
mod paths;
mod schema;
mod security;
mod split;
mod webhooks;

use crate::error::{Diagnostics, Error, Location};
use crate::ir::{
    Api, BodyKind, Docs, ErrorBodyVariant, Group, Module, Operation, ResponseBody, RuntimePart,
    RuntimeParts, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::load::Document;
use crate::naming::{self, Namespace};
use crate::options::Settings;
use crate::pointer;
use foldhash::{HashMap, HashMapExt};
use openapiv3::{OpenAPI, ReferenceOr};
use std::collections::BTreeSet;
use std::path::Path;

/// Lowers a parsed document into the IR, reporting every problem found. `settings` shape
/// what the IR computes from the spec (pagination, error summaries).
pub fn lower(doc: &Document, settings: &Settings) -> Result<Api, Error> {
    lower_then(doc, settings, || {})
}

/// [`lower`], calling `components_done` once the component schemas are defined: they are
/// defined on two threads for a large API, the rest on one, so work the caller starts then
/// has the other core.
pub fn lower_then(
    doc: &Document,
    settings: &Settings,
    components_done: impl FnOnce(),
) -> Result<Api, Error> {
    lower_forking_at(doc, settings, fork::FORK_AT, components_done)
}

/// [`lower_then`], the components defined on two threads from `fork_at` of them on.
fn lower_forking_at(
    doc: &Document,
    settings: &Settings,
    fork_at: usize,
    components_done: impl FnOnce(),
) -> Result<Api, Error> {
    let mut cx = Lowerer::new(&doc.path, &doc.api, settings);
    cx.reserve_components();
    cx.define_components(fork_at);
    components_done();
    cx.schemes = cx.lower_security();
    let operations = cx.lower_operations();
    let raw_webhooks = cx.lower_webhooks();
    let Lowerer {
        types,
        names,
        modules,
        mut diagnostics,
        error_types,
        groups,
        mut type_modules,
        mut type_names,
        warnings,
        schemes,
        ..
    } = cx;
    // Every reserved slot is defined by construction; a gap would be a generator bug, so it
    // degrades to a JSON value instead of a panic.
    let mut types: Vec<TypeDef> = types
        .into_iter()
        .zip(names)
        .zip(modules)
        .map(|((t, name), module)| {
            t.unwrap_or_else(|| TypeDef {
                name,
                pointer: String::new(),
                docs: Docs::default(),
                kind: TypeKind::Alias(TypeRef::Json),
                in_query: false,
                form_body: false,
                multipart_body: false,
                module,
                features: Default::default(),
                serde: Default::default(),
                partial_eq: true,
                sent_form_of: None,
            })
        })
        .collect();
    let mut operations = operations;
    let webhook_payloads: Vec<TypeRef> = raw_webhooks.iter().map(|w| w.payload().clone()).collect();
    directions::split(
        &mut types,
        &mut operations,
        &webhook_payloads,
        &mut type_names,
    );
    for (pointer, message) in analysis::analyse(&mut types, &mut operations) {
        diagnostics.push(Location::pointer(&doc.path, pointer), message);
    }
    let webhooks = webhooks::finish(&types, raw_webhooks);
    let webhook_roots: Vec<&TypeRef> = webhooks
        .iter()
        .flat_map(|w| {
            w.events
                .iter()
                .map(|e| &e.payload)
                .chain(w.undiscriminated.iter().map(|(_, ty)| ty))
        })
        .collect();
    let other_schemas = analysis::features(&mut types, &operations, &webhook_roots);
    for op in &mut operations {
        if let Some(ps) = &mut op.params_struct {
            ps.partial_eq = ps.params.iter().all(|p| analysis::compares(&types, &p.ty));
        }
    }
    // An inline type written beside one group's operations but used by another (a shared
    // response component, say) gets a file of its own, so that each group's file compiles
    // under that group's feature alone.
    for t in &mut types {
        if let Module::Operations(group) = t.module {
            if t.features != crate::ir::Features::group(group) {
                t.module = Module::Types(type_modules.claim(&naming::module_name(&t.name)));
            }
        }
    }
    let server = base_url(&doc.api);
    let error_bodies = error_bodies(&types, &error_types, settings);
    let splitting = split::wanted(&types, settings.split);
    let mut moved = Vec::new();
    if splitting {
        moved = split::error_bodies_to_files(&mut types, &error_bodies, &mut type_modules);
        moved.extend(split::operation_types_to_files(
            &mut types,
            &groups,
            &mut type_modules,
        ));
        moved.sort();
    }
    // Bodies no schema describes: the configured paths first, then the common ones.
    let common = crate::options::ErrorSummary::default();
    let pointers = |configured: &[crate::options::FieldPath],
                    common: &[crate::options::FieldPath]| {
        let mut out: Vec<String> = Vec::new();
        for pointer in configured.iter().chain(common).map(|p| p.json_pointer()) {
            if !out.contains(&pointer) {
                out.push(pointer);
            }
        }
        out
    };
    let other_error_summary = (
        pointers(&settings.errors.summary, &common.summary),
        pointers(&settings.errors.detail, &common.detail),
    );
    let mut split = splitting
        .then(|| split::split(&types, &error_bodies))
        .flatten();
    let mut runtime = runtime_parts(types.iter(), &operations);
    if let Some(split) = &mut split {
        split.moved = moved;
        // Each crate of types needs the runtime parts of its own types; the main crate
        // declares the string enum macro only for its own.
        split.runtime = (0..split.crates)
            .map(|c| runtime_parts(split.types_of(&types, Some(c)), &[]))
            .collect();
        let main = runtime_parts(split.types_of(&types, None), &operations);
        runtime.replace(
            RuntimePart::StringEnums,
            main.features(RuntimePart::StringEnums),
        );
    }
    if webhooks.is_some() {
        let webhooks = crate::ir::Features {
            webhooks: true,
            ..Default::default()
        };
        runtime.use_in(RuntimePart::Webhooks, &webhooks);
    }
    let shadowed_prelude = shadowed_prelude(&types, &operations);
    let api = Api {
        title: doc.api.info.title.clone(),
        version: doc.api.info.version.clone(),
        description: doc.api.info.description.clone(),
        base_url: server.as_ref().map(|(url, _)| url.clone()),
        base_url_upgraded: server.is_some_and(|(_, upgraded)| upgraded),
        credentials: schemes.credentials,
        default_credential: schemes.default,
        token_credential: schemes.token,
        security: schemes.security,
        credential_names: credential_names(&doc.api),
        types,
        operations,
        error_bodies,
        other_error_summary,
        groups,
        runtime,
        other_schemas,
        split,
        webhooks,
        shadowed_prelude,
        warnings,
    };
    diagnostics.finish(api)
}

/// The prelude names that a type of the generated crate also has: where such a type is in
/// scope, a bare `Option` would name it, so generated code qualifies these (and only these).
fn shadowed_prelude(types: &[TypeDef], operations: &[Operation]) -> Vec<crate::ir::Prelude> {
    let mut names: BTreeSet<&str> = types.iter().map(|t| t.name.as_str()).collect();
    for op in operations {
        names.extend(op.params_struct.as_ref().map(|p| p.name.as_str()));
        names.extend(op.success_enum.as_ref().map(|e| e.name.as_str()));
    }
    crate::ir::Prelude::ALL
        .into_iter()
        .filter(|p| names.contains(p.name()))
        .collect()
}

/// One `ErrorBody` variant per error body type, named after it (never `Other` or `Empty`,
/// the variants every crate has), with the configured summary paths the type has.
fn error_bodies(types: &[TypeDef], ids: &[TypeId], settings: &Settings) -> Vec<ErrorBodyVariant> {
    let mut names = Namespace::with_reserved(&["Other", "Empty"]);
    let kind_of = |id: TypeId| types.get(id.0).map(|t| &t.kind);
    ids.iter()
        .map(|&id| {
            let chains = |paths: &[crate::options::FieldPath]| {
                paths
                    .iter()
                    .filter_map(|path| paths::resolve(&TypeRef::Named(id), path, kind_of))
                    .filter(|(_, leaf)| *leaf == TypeRef::String)
                    .map(|(chain, _)| chain)
                    .collect()
            };
            ErrorBodyVariant {
                rust_name: names.claim(&types[id.0].name),
                ty: id,
                summary: chains(&settings.errors.summary),
                detail: chains(&settings.errors.detail),
                boxed: analysis::estimate_size(types, &TypeRef::Named(id), 0)
                    >= analysis::LARGE_VARIANT,
            }
        })
        .collect()
}

/// The runtime files a crate needs besides those every crate has, and under which features.
fn runtime_parts<'a>(
    types: impl Iterator<Item = &'a TypeDef>,
    operations: &[Operation],
) -> RuntimeParts {
    use crate::ir::Features;
    let binary = |ty: &TypeRef| *ty.innermost() == TypeRef::Binary;
    let mut parts = RuntimeParts::default();
    for t in types {
        if t.kind.refs().into_iter().any(binary) {
            parts.use_in(RuntimePart::Multipart, &t.features);
        }
        match t.kind {
            TypeKind::StringEnum(_) => parts.use_in(RuntimePart::StringEnums, &t.features),
            TypeKind::Struct(_) => parts.use_in(RuntimePart::Objects, &t.features),
            _ => {}
        }
    }
    for op in operations {
        let group = Features::group(op.group);
        parts.use_in(RuntimePart::Operations, &group);
        if op.pagination.is_some() {
            parts.use_in(RuntimePart::Pagination, &group);
        }
        let mut params = op
            .path_params
            .iter()
            .chain(op.params_struct.iter().flat_map(|ps| ps.params.iter()));
        let body = op.body.as_ref().is_some_and(|b| match &b.kind {
            BodyKind::Multipart(_) => true,
            BodyKind::Json(ty) | BodyKind::Form(ty) => binary(ty),
            BodyKind::Bytes | BodyKind::Text => false,
        });
        let responses = op
            .responses
            .iter()
            .any(|r| matches!(&r.body, ResponseBody::Json(ty) if binary(ty)));
        if body || responses || params.any(|p| binary(&p.ty)) {
            parts.use_in(RuntimePart::Multipart, &group);
        }
    }
    parts
}

/// The features every crate may have besides its tags' (`default`, the component schemas no
/// operation uses, receiving webhooks).
const CRATE_FEATURES: &[&str] = &["default", "other-schemas", "webhooks"];

/// Shared state of one lowering run.
struct Lowerer<'a> {
    file: &'a Path,
    api: &'a OpenAPI,
    settings: &'a Settings,
    /// Slots filled as types are defined; reserved ids are `None` until then.
    types: Vec<Option<TypeDef>>,
    /// The name claimed for each reserved id.
    names: Vec<String>,
    /// The file of each reserved id: its component's, or its operation group's.
    modules: Vec<Module>,
    /// Where types reserved now are written (the component or operation being lowered).
    current_module: Module,
    type_names: Namespace,
    /// File names under `src/types/`.
    type_modules: Namespace,
    /// Operation groups, and their index by tag (or path segment).
    groups: Vec<Group>,
    group_index: HashMap<String, usize>,
    group_names: Namespace,
    /// Cargo feature names of the groups.
    group_features: Namespace,
    /// How many leading segments every path shares (`/v1`), skipped when grouping by path.
    shared_path_prefix: usize,
    /// `#/components/schemas/X` → reserved id.
    components: HashMap<String, TypeId>,
    /// Inline schemas of shared components (parameters, responses, bodies), converted once.
    memo: HashMap<String, (TypeRef, bool)>,
    /// Inline schemas given a type of their own, by pointer: reached again (through a merged
    /// `allOf` member), they are the same type.
    inline_types: HashMap<String, TypeId>,
    diagnostics: Diagnostics,
    /// Problems that do not stop generation.
    warnings: Vec<crate::error::Diagnostic>,
    /// The distinct types of declared error bodies, in first-use order (the `ErrorBody`
    /// variants; `Outcome::Error` indexes this).
    error_types: Vec<TypeId>,
    /// Components whose properties are being merged (an `allOf` that reaches one of these
    /// again would merge forever).
    merging: Vec<String>,
    /// The credentials, found before the operations that need them.
    schemes: security::Schemes,
    /// Set in a fork defining components beside this one ([`fork`]): what it did.
    fork_log: Option<fork::ForkLog>,
}

impl<'a> Lowerer<'a> {
    fn new(file: &'a Path, api: &'a OpenAPI, settings: &'a Settings) -> Self {
        Lowerer {
            file,
            api,
            settings,
            types: Vec::new(),
            names: Vec::new(),
            modules: Vec::new(),
            current_module: Module::Types("types".to_owned()),
            type_names: Namespace::default(),
            // `mod.rs` is the parent's own file; a module named like its parent reads oddly
            // (clippy's `module_inception`); keywords are already suffixed.
            type_modules: Namespace::with_reserved(&["mod", "types"]),
            groups: Vec::new(),
            group_index: HashMap::new(),
            group_names: Namespace::with_reserved(&["mod", "operations"]),
            // The crate's own features: `other-schemas`, `webhooks` (whether or not the spec has
            // webhooks, so that a tag's feature does not change when it gains some).
            group_features: Namespace::with_reserved(CRATE_FEATURES),
            shared_path_prefix: shared_path_prefix(api),
            components: HashMap::new(),
            memo: HashMap::new(),
            inline_types: HashMap::new(),
            diagnostics: Diagnostics::default(),
            warnings: Vec::new(),
            error_types: Vec::new(),
            merging: Vec::new(),
            schemes: security::Schemes::default(),
            fork_log: None,
        }
    }

    /// A problem that does not stop generation (printed by the front ends).
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(crate::error::Diagnostic {
            location: Location::pointer(self.file, pointer),
            message: message.into(),
        });
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics
            .push(Location::pointer(self.file, pointer), message);
    }

    /// Reserves a type id and its (unique) name before the type is converted.
    fn reserve(&mut self, raw_name: &str) -> (TypeId, String) {
        let candidate = naming::type_name(raw_name);
        let name = self.type_names.claim(&candidate);
        if let Some(log) = &mut self.fork_log {
            log.claimed(candidate);
        }
        let id = TypeId(self.types.len());
        self.types.push(None);
        self.names.push(name.clone());
        self.modules.push(self.current_module.clone());
        (id, name)
    }

    /// The group of an operation: its first tag, else its first path segment. Groups are
    /// made in first-use order; their names are unique module names.
    fn group_of(&mut self, tags: &[String], path: &str) -> usize {
        let (key, label, tag) = match tags.first() {
            Some(tag) => (format!("tag:{tag}"), tag.clone(), Some(tag.clone())),
            None => {
                // The first segment after the prefix every path shares (`/v1/charges` →
                // `charges` when all paths start with `/v1`), skipping parameters.
                let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
                let segment = segments
                    .iter()
                    .skip(self.shared_path_prefix)
                    .chain(segments.iter().rev())
                    .find(|s| !s.starts_with('{'))
                    .copied()
                    .unwrap_or("root");
                (format!("path:{segment}"), segment.to_owned(), None)
            }
        };
        if let Some(&index) = self.group_index.get(&key) {
            return index;
        }
        let rust_name = self.group_names.claim(&naming::module_name(&label));
        let declared = tag
            .as_ref()
            .and_then(|tag| self.api.tags.iter().position(|t| &t.name == tag));
        let description = declared.and_then(|i| self.api.tags[i].description.clone());
        // A tag named like one of the crate's own features (`Webhooks`, whose feature would
        // clash with the one receiving webhooks) says what it holds: `webhooks-operations`.
        let mut feature = naming::feature_name(&label);
        if CRATE_FEATURES.contains(&feature.as_str()) {
            feature.push_str("-operations");
        }
        let feature = self.group_features.claim_kebab(&feature);
        self.groups.push(Group {
            pointer: declared.map(|i| format!("#/tags/{i}")),
            feature,
            rust_name,
            tag,
            description,
        });
        self.group_index.insert(key, self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// The struct a defined type is, or names through aliases.
    fn struct_behind(&self, id: TypeId) -> Option<TypeId> {
        crate::ir::struct_behind(id, |id| self.kind_of(id))
    }

    /// The union `id` is, or names through aliases, when every variant of it is a struct
    /// (directly or through aliases).
    fn union_of_structs(&self, id: TypeId) -> Option<TypeId> {
        let mut id = id;
        for _ in 0..16 {
            let variants: Vec<&TypeRef> = match self.kind_of(id)? {
                TypeKind::Alias(TypeRef::Named(next)) => {
                    id = *next;
                    continue;
                }
                TypeKind::Untagged(variants) => variants.iter().map(|v| &v.ty).collect(),
                TypeKind::Tagged(tagged) => tagged.variants.iter().map(|v| &v.ty).collect(),
                _ => return None,
            };
            let structs = variants
                .iter()
                .all(|ty| matches!(ty, TypeRef::Named(v) if self.struct_behind(*v).is_some()));
            return (structs && !variants.is_empty()).then_some(id);
        }
        None
    }

    /// The kind of a type defined so far.
    fn kind_of(&self, id: TypeId) -> Option<&TypeKind> {
        self.types.get(id.0)?.as_ref().map(|t| &t.kind)
    }

    fn define(&mut self, id: TypeId, def: TypeDef) {
        self.types[id.0] = Some(def);
    }

    fn reserve_components(&mut self) {
        let Some(components) = &self.api.components else {
            return;
        };
        for name in components.schemas.keys() {
            let module = self.type_modules.claim(&naming::module_name(name));
            self.current_module = Module::Types(module);
            let (id, _) = self.reserve(name);
            self.components.insert(name.clone(), id);
        }
    }
}

/// The number of leading literal segments all paths share (none when there is one path:
/// its own segments are what there is to group by).
fn shared_path_prefix(api: &OpenAPI) -> usize {
    let mut paths = api.paths.paths.keys();
    let (Some(first), true) = (paths.next(), api.paths.paths.len() > 1) else {
        return 0;
    };
    let mut prefix: Vec<&str> = first
        .split('/')
        .filter(|s| !s.is_empty())
        .take_while(|s| !s.starts_with('{'))
        .collect();
    for path in paths {
        let shared = prefix
            .iter()
            .zip(path.split('/').filter(|s| !s.is_empty()))
            .take_while(|(a, b)| *a == b)
            .count();
        prefix.truncate(shared);
    }
    prefix.len()
}

/// Resolves a local reference (`#/components/<section>/<name>`) to its target.
fn resolve<'m, T>(
    map: Option<&'m indexmap::IndexMap<String, ReferenceOr<T>>>,
    section: &str,
    reference: &str,
) -> Result<(&'m T, String), String> {
    let prefix = format!("#/components/{section}/");
    let mut current = reference.to_owned();
    // Follow chains of references (a component that is itself a reference), bounded.
    for _ in 0..32 {
        let Some(name) = current.strip_prefix(&prefix) else {
            return Err(if current.starts_with('#') {
                format!("reference `{current}` does not point into #/components/{section}")
            } else {
                format!("external reference `{current}` is not supported yet")
            });
        };
        let name = pointer::reference_segment(name);
        match map.and_then(|m| m.get(&name)) {
            Some(ReferenceOr::Item(item)) => return Ok((item, name)),
            Some(ReferenceOr::Reference { reference }) => current = reference.clone(),
            None => return Err(format!("reference `{current}` points to nothing")),
        }
    }
    Err(format!("reference `{reference}` is part of a cycle"))
}

/// `servers[0].url` with its variables' defaults, if absolute; and whether http was upgraded.
fn base_url(api: &OpenAPI) -> Option<(String, bool)> {
    let server = api.servers.first()?;
    let mut url = server.url.clone();
    for (name, var) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &var.default);
    }
    // The default never sends the API key in clear: plain http is upgraded to https, except
    // for local servers (a spec written for a test or a sidecar).
    let (url, upgraded) = match url.strip_prefix("http://") {
        Some(rest) if !is_local(rest) => (format!("https://{rest}"), true),
        _ => (url, false),
    };
    (url.starts_with("https://") || url.starts_with("http://"))
        .then(|| (url.trim_end_matches('/').to_owned(), upgraded))
}

fn is_local(host_and_path: &str) -> bool {
    let host = host_and_path.split(['/', ':']).next().unwrap_or_default();
    host == "localhost" || host.starts_with("127.") || host_and_path.starts_with("[::1]")
}

/// The header and query names of every `apiKey` scheme the spec declares (lowercased
/// headers, sorted, each once): what a redirect to another origin must not carry, whichever
/// scheme the client uses.
fn credential_names(api: &OpenAPI) -> crate::ir::CredentialNames {
    use openapiv3::{APIKeyLocation, SecurityScheme};
    let mut names = crate::ir::CredentialNames::default();
    let schemes = api
        .components
        .iter()
        .flat_map(|c| c.security_schemes.values());
    for scheme in schemes {
        if let ReferenceOr::Item(SecurityScheme::APIKey { location, name, .. }) = scheme {
            match location {
                APIKeyLocation::Header => names.headers.push(name.to_ascii_lowercase()),
                APIKeyLocation::Query => names.query.push(name.clone()),
                APIKeyLocation::Cookie => {}
            }
        }
    }
    // Only names a header can have: others could not be sent, nor be removed.
    names.headers.retain(|n| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    });
    for list in [&mut names.headers, &mut names.query] {
        list.sort();
        list.dedup();
    }
    names
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn base(servers: &str) -> (Option<String>, bool) {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\nservers: {servers}\npaths: {{}}\n"
        );
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        let api = super::lower(&doc, &Default::default()).unwrap();
        (api.base_url, api.base_url_upgraded)
    }

    #[test]
    fn default_base_url_is_https_except_for_local_servers() {
        assert_eq!(
            base("[{url: 'https://api.example.com/v2/'}]"),
            (Some("https://api.example.com/v2".into()), false)
        );
        assert_eq!(
            base("[{url: 'http://api.example.com'}]"),
            (Some("https://api.example.com".into()), true)
        );
        assert_eq!(
            base("[{url: 'http://localhost:8080/api'}]"),
            (Some("http://localhost:8080/api".into()), false)
        );
        assert_eq!(
            base("[{url: 'http://127.0.0.1:9'}]"),
            (Some("http://127.0.0.1:9".into()), false)
        );
        assert_eq!(base("[{url: '/relative'}]"), (None, false));
        assert_eq!(
            base("[{url: 'https://{region}.example.com', variables: {region: {default: eu}}}]"),
            (Some("https://eu.example.com".into()), false)
        );
    }

    #[test]
    fn accept_lists_the_success_media_types_unless_one_is_json() {
        let accept = |content: &str| {
            let text = format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      \
                 responses:\n        '200': {{description: d, content: {content}}}\n        \
                 '400': {{description: d, content: {{application/problem+json: {{}}}}}}\n"
            );
            let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
            let api = super::lower(&doc, &Default::default()).unwrap();
            api.operations[0].accept.clone()
        };
        assert_eq!(accept("{application/json: {}}"), None);
        assert_eq!(
            accept("{application/json; charset=utf-8: {}, text/csv: {}}"),
            None
        );
        assert_eq!(
            accept("{'*/*': {}}").as_deref(),
            Some("application/json, */*;q=0.8")
        );
        assert_eq!(accept("{}"), None);
        assert_eq!(
            accept("{application/ld+json: {}}").as_deref(),
            Some("application/ld+json")
        );
        assert_eq!(
            accept("{text/csv: {}, application/pdf: {}}").as_deref(),
            Some("text/csv, application/pdf")
        );
        // No media range: any content.
        assert_eq!(
            accept("{'*': {}}").as_deref(),
            Some("application/json, */*;q=0.8")
        );
        assert_eq!(
            accept("{text/csv: {}, '*/*': {}}").as_deref(),
            Some("text/csv, */*;q=0.8")
        );
        // Not a header value: the default stays.
        assert_eq!(accept("{\"text/é\": {}}"), None);
    }

    #[test]
    fn a_union_with_a_null_part_is_an_option_of_the_others() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    P:\n      type: object\n      required: [v]\n      properties:\n        v:\n          \
                    oneOf: [{type: integer}, {type: boolean}, {type: 'null'}]\n";
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        let api = super::lower(&doc, &Default::default()).unwrap();
        let p = api.types.iter().find(|t| t.name == "P").unwrap();
        let crate::ir::TypeKind::Struct(s) = &p.kind else {
            panic!("{:?}", p.kind)
        };
        assert!(s.fields[0].nullable, "{:?}", s.fields[0]);
        let crate::ir::TypeRef::Named(id) = &s.fields[0].ty else {
            panic!("{:?}", s.fields[0].ty)
        };
        assert!(
            matches!(&api.ty(*id).kind, crate::ir::TypeKind::Untagged(v) if v.len() == 2),
            "{:?}",
            api.ty(*id).kind
        );
    }

    /// `anyOf` of objects: one struct of optional fields (page links, even where members
    /// describe a shared property differently), a union when members fix a shared property to
    /// different values (callbacks).
    #[test]
    fn any_of_objects_merge_unless_they_disagree() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
                    Links:\n      anyOf:\n      - {type: object, properties: {first: {type: string}, next: {type: string, example: a}}}\n      \
                    - {type: object, properties: {last: {type: string}, next: {type: string, description: other, example: b}}}\n    \
                    Callback:\n      anyOf:\n      - {type: object, required: [type, data], properties: {type: {type: integer, enum: [8]}, data: {type: object, properties: {choices: {type: array, items: {type: string}}}}}}\n      \
                    - {type: object, required: [type, data], properties: {type: {type: integer, enum: [9]}, data: {type: object, required: [custom_id], properties: {custom_id: {type: string}}}}}\n";
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        let api = super::lower(&doc, &Default::default()).unwrap();
        let kind = |name: &str| &api.types.iter().find(|t| t.name == name).unwrap().kind;
        // `first`, `next`, `last`, and the map that keeps a `first` or `last` of another
        // type (valid through the member that does not state it).
        let crate::ir::TypeKind::Struct(links) = kind("Links") else {
            panic!("{:?}", kind("Links"))
        };
        let fields: Vec<_> = links
            .fields
            .iter()
            .map(|f| (f.rust_name.as_str(), f.lenient, f.flatten))
            .collect();
        assert_eq!(
            fields,
            [
                ("first", true, false),
                ("next", false, false),
                ("last", true, false),
                ("additional_properties", false, true)
            ]
        );
        assert!(
            matches!(kind("Callback"), crate::ir::TypeKind::Untagged(v) if v.len() == 2),
            "{:?}",
            kind("Callback")
        );
    }

    #[test]
    fn bodies_declared_as_ranges_are_sent_with_a_concrete_type() {
        let sent = |content: &str| {
            let text = format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    post:\n      \
                 requestBody: {{content: {content}}}\n      responses: {{'204': {{description: d}}}}\n"
            );
            let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
            let api = super::lower(&doc, &Default::default()).unwrap();
            api.operations[0]
                .body
                .as_ref()
                .unwrap()
                .content_type
                .clone()
        };
        let object = "{schema: {type: object, properties: {a: {type: string}}}}";
        assert_eq!(sent(&format!("{{'*/*': {object}}}")), "application/json");
        assert_eq!(
            sent(&format!("{{application/vnd.api+json: {object}}}")),
            "application/vnd.api+json"
        );
        assert_eq!(sent("{'text/*': {}}"), "text/plain");
        assert_eq!(sent("{'*': {}}"), "application/octet-stream");
        assert_eq!(sent("{application/pdf: {}}"), "application/pdf");
    }

    #[test]
    fn statuses_repeating_an_inline_schema_share_its_type() {
        let schema = "{type: object, properties: {id: {type: string}}}";
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    post:\n      responses:\n\
             {}",
            ["200", "201", "400", "500"]
                .map(|code| format!(
                    "        '{code}': {{description: d, content: {{application/json: {{schema: {schema}}}}}}}\n"
                ))
                .concat()
        );
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        let api = super::lower(&doc, &Default::default()).unwrap();
        let op = &api.operations[0];
        // One success type, so no enum of successes; one error body type.
        assert!(op.success_enum.is_none());
        let bodies: Vec<_> = op.responses.iter().map(|r| r.body.clone()).collect();
        assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
        assert_eq!(api.error_bodies.len(), 1);
    }

    #[test]
    fn untagged_operations_are_grouped_by_the_segment_after_the_shared_prefix() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n\
            \x20 /v1/charges: {get: {responses: {'204': {description: d}}}}\n\
            \x20 /v1/charges/{id}/refund: {post: {parameters: [{name: id, in: path, required: true, schema: {type: string}}], responses: {'204': {description: d}}}}\n\
            \x20 /v1/{account}/payouts: {get: {parameters: [{name: account, in: path, required: true, schema: {type: string}}], responses: {'204': {description: d}}}}\n\
            \x20 /v1/tagged: {get: {tags: [Admin Tools], responses: {'204': {description: d}}}}\n";
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        let api = super::lower(&doc, &Default::default()).unwrap();
        let groups: Vec<&str> = api
            .operations
            .iter()
            .map(|op| api.groups[op.group].rust_name.as_str())
            .collect();
        assert_eq!(groups, ["charges", "charges", "payouts", "admin_tools"]);
    }
}
