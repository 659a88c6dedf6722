//! `codegen diff`: what a spec change means for the generated crate. Both specs go through the
//! same load and lower stages; the IRs are compared and each difference is judged for the Rust
//! users compile against (a new required parameter changes `new(..)`; a new response field
//! does not break anyone, structs being `#[non_exhaustive]`). The report ends with the semver
//! bump the crate needs.

mod report;

pub use report::{render, Format};

use crate::ir::{
    Api, Field, Operation, Param, ParamLocation, ResponseBody, StatusMatch, TypeDef, TypeKind,
    TypeRef,
};
use std::collections::{BTreeMap, BTreeSet};

/// What a change does to users of the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Documentation only (`patch`).
    Docs,
    /// New API, or new behaviour that compiles as before (`minor`).
    Addition,
    /// Code that compiled may not (`major`).
    Breaking,
}

/// The version bump a set of changes needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Semver {
    None,
    Patch,
    Minor,
    Major,
}

impl Semver {
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Stable kebab-case id (`parameter-added`).
    pub rule: &'static str,
    pub level: Level,
    /// JSON pointer in the new spec (in the old one for removals).
    pub spec: String,
    /// The Rust item affected (`Client::get_recordings`, `types::Recording::duration_ms`).
    pub rust: String,
    /// What changed, and for breaking changes why it breaks.
    pub message: String,
}

impl Change {
    pub fn breaking(&self) -> bool {
        self.level == Level::Breaking
    }
}

/// Every change, in a stable order, and the bump they need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
    pub semver: Semver,
}

/// Compares the IR of two versions of a spec.
pub fn diff(old: &Api, new: &Api) -> Report {
    let (mut old, new) = (Side::new(old), Side::new(new));
    let renames = find_renames(&mut old, &new);
    let mut cx = Differ {
        old: &old,
        new: &new,
        changes: Vec::new(),
    };
    cx.api_level();
    cx.operations();
    cx.types(&renames);
    let mut changes = cx.changes;
    changes.sort_by(|a, b| {
        (b.level, a.rule, &a.rust, &a.spec).cmp(&(a.level, b.rule, &b.rust, &b.spec))
    });
    changes.dedup();
    let semver = match changes.iter().map(|c| c.level).max() {
        Some(Level::Breaking) => Semver::Major,
        Some(Level::Addition) => Semver::Minor,
        Some(Level::Docs) => Semver::Patch,
        None => Semver::None,
    };
    Report { changes, semver }
}

struct Differ<'a> {
    old: &'a Side<'a>,
    new: &'a Side<'a>,
    changes: Vec<Change>,
}

/// One version's API, with the name each of its types has in the new version (a renamed
/// type of the old spec shows under its new name, so that a rename is reported once).
struct Side<'a> {
    api: &'a Api,
    names: Vec<String>,
}

impl std::ops::Deref for Side<'_> {
    type Target = Api;
    fn deref(&self) -> &Api {
        self.api
    }
}

impl<'a> Side<'a> {
    fn new(api: &'a Api) -> Self {
        Side {
            api,
            names: api.types.iter().map(|t| t.name.clone()).collect(),
        }
    }
}

/// A type as Rust writes it, with named types by name (`Option<Vec<types::Recording>>`).
fn shown(side: &Side, ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer(w) => format!("{w:?}").to_lowercase(),
        TypeRef::Number(_) => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Binary => "multipart::File".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Array(inner) => format!("Vec<{}>", shown(side, inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", shown(side, inner)),
        TypeRef::Nullable(inner) => format!("Option<{}>", shown(side, inner)),
        TypeRef::Named(id) => format!("types::{}", side.names[id.0]),
    }
}

/// A field's Rust type, `Option` included.
fn field_shown(side: &Side, f: &Field) -> String {
    let inner = shown(side, &f.ty);
    if f.optional() && !f.flatten {
        format!("Option<{inner}>")
    } else {
        inner
    }
}

/// The key an operation is matched by: its method and its path with parameter names blanked
/// (`GET /calls/{}`), so that renaming a path parameter is not a new operation.
fn op_key(op: &Operation) -> String {
    let mut path = String::new();
    let mut depth = 0;
    for c in op.path.chars() {
        match c {
            '{' => {
                depth += 1;
                path.push_str("{}");
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            c => path.push(c),
        }
    }
    format!("{} {path}", op.method.as_str())
}

fn op_pointer(op: &Operation) -> String {
    format!(
        "{}/{}",
        crate::pointer::join("#/paths", &op.path),
        op.method.as_str().to_lowercase()
    )
}

/// Where a type's field is in the spec.
fn field_pointer(t: &TypeDef, f: &Field) -> String {
    if f.flatten {
        format!("{}/additionalProperties", t.pointer)
    } else {
        crate::pointer::join(&format!("{}/properties", t.pointer), &f.wire_name)
    }
}

impl Differ<'_> {
    fn push(
        &mut self,
        rule: &'static str,
        level: Level,
        spec: String,
        rust: String,
        message: String,
    ) {
        self.changes.push(Change {
            rule,
            level,
            spec,
            rust,
            message,
        });
    }

    fn api_level(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.auth != new.auth {
            self.push(
                "security-scheme-changed",
                Level::Breaking,
                "#/components/securitySchemes".into(),
                "ClientBuilder::api_key".into(),
                format!(
                    "requests authenticate with {}, no longer {}: a key configured for the old scheme is sent where the server no longer reads it",
                    auth(&new.auth),
                    auth(&old.auth)
                ),
            );
        }
        if old.base_url != new.base_url {
            self.push(
                "server-url-changed",
                Level::Addition,
                "#/servers/0/url".into(),
                "DEFAULT_BASE_URL".into(),
                format!(
                    "the default base URL is {:?} (was {:?}); clients that set `base_url` are unaffected",
                    new.base_url.as_deref().unwrap_or("none"),
                    old.base_url.as_deref().unwrap_or("none")
                ),
            );
        }
        // Tags are cargo features: a user's `features = [..]` names them.
        let features = |api: &Api| -> BTreeMap<String, String> {
            api.groups
                .iter()
                .map(|g| {
                    let at = match &g.tag {
                        Some(_) => "#/tags".to_owned(),
                        None => "#/paths".to_owned(),
                    };
                    (g.feature.clone(), at)
                })
                .collect()
        };
        let (was, is) = (features(old), features(new));
        for (feature, at) in &was {
            if !is.contains_key(feature) {
                self.push(
                    "feature-removed",
                    Level::Breaking,
                    at.clone(),
                    format!("feature `{feature}`"),
                    format!("the cargo feature `{feature}` is gone (its tag has no operations left, or was renamed): manifests that enable it no longer build"),
                );
            }
        }
        for (feature, at) in &is {
            if !was.contains_key(feature) {
                self.push(
                    "feature-added",
                    Level::Addition,
                    at.clone(),
                    format!("feature `{feature}`"),
                    format!("new cargo feature `{feature}`, on by default"),
                );
            }
        }
        if (old.title.trim(), old.description.as_deref())
            != (new.title.trim(), new.description.as_deref())
        {
            self.push(
                "description-changed",
                Level::Docs,
                "#/info".into(),
                "crate docs".into(),
                "the API's title or description changed".into(),
            );
        }
    }

    fn operations(&mut self) {
        let (old, new) = (self.old, self.new);
        let old_ops: BTreeMap<String, &Operation> =
            old.operations.iter().map(|op| (op_key(op), op)).collect();
        let new_ops: BTreeMap<String, &Operation> =
            new.operations.iter().map(|op| (op_key(op), op)).collect();
        for (key, op) in &old_ops {
            if new_ops.contains_key(key) {
                continue;
            }
            self.push(
                "operation-removed",
                Level::Breaking,
                op_pointer(op),
                format!("Client::{}", op.rust_name),
                format!(
                    "`{} {}` is gone: calls to the method no longer compile",
                    op.method.as_str(),
                    op.path
                ),
            );
        }
        for (key, op) in &new_ops {
            match old_ops.get(key) {
                None => self.push(
                    "operation-added",
                    Level::Addition,
                    op_pointer(op),
                    format!("Client::{}", op.rust_name),
                    format!("new operation `{} {}`", op.method.as_str(), op.path),
                ),
                Some(before) => self.operation(before, op),
            }
        }
    }

    fn operation(&mut self, before: &Operation, after: &Operation) {
        let (old, new) = (self.old, self.new);
        let method = format!("Client::{}", after.rust_name);
        let at = op_pointer(after);
        if before.rust_name != after.rust_name {
            self.push(
                "operation-renamed",
                Level::Breaking,
                at.clone(),
                method.clone(),
                format!(
                    "the method is `{}`, no longer `{}` (operationId {:?} → {:?})",
                    after.rust_name,
                    before.rust_name,
                    before.operation_id.as_deref().unwrap_or("none"),
                    after.operation_id.as_deref().unwrap_or("none")
                ),
            );
        }
        // Path parameters are positional arguments.
        let args = |api: &Side, op: &Operation| -> Vec<String> {
            op.path_params.iter().map(|p| shown(api, &p.ty)).collect()
        };
        if args(old, before) != args(new, after) {
            self.push(
                "path-parameters-changed",
                Level::Breaking,
                at.clone(),
                method.clone(),
                format!(
                    "the path arguments are ({}), were ({})",
                    args(new, after).join(", "),
                    args(old, before).join(", ")
                ),
            );
        }
        self.parameters(before, after, &at);
        self.request_body(before, after, &at, &method);
        self.responses(before, after, &at, &method);
        if (&before.summary, &before.docs) != (&after.summary, &after.docs) {
            self.push(
                "description-changed",
                Level::Docs,
                at,
                method,
                "the operation's summary or description changed".into(),
            );
        }
    }

    fn parameters(&mut self, before: &Operation, after: &Operation, at: &str) {
        let (old, new) = (self.old, self.new);
        let params = |op: &Operation| -> BTreeMap<(String, String), Param> {
            op.params_struct
                .iter()
                .flat_map(|ps| ps.params.iter())
                .map(|p| {
                    (
                        (location(p.location).to_owned(), p.wire_name.clone()),
                        p.clone(),
                    )
                })
                .collect()
        };
        let (was, is) = (params(before), params(after));
        let struct_name = after
            .params_struct
            .as_ref()
            .or(before.params_struct.as_ref())
            .map(|ps| ps.name.clone())
            .unwrap_or_default();
        let item = |p: &Param| format!("types::{struct_name}::{}", p.rust_name);
        let pointer = format!("{at}/parameters");
        // Query, header and cookie parameters travel in one argument, there when any is.
        match (&before.params_struct, &after.params_struct) {
            (None, Some(ps)) => self.push(
                "method-arguments-changed",
                Level::Breaking,
                pointer.clone(),
                format!("Client::{}", after.rust_name),
                format!("the method takes a `&types::{}` argument (the operation's first query, header or cookie parameter)", ps.name),
            ),
            (Some(ps), None) => self.push(
                "method-arguments-changed",
                Level::Breaking,
                pointer.clone(),
                format!("Client::{}", after.rust_name),
                format!("the method no longer takes its `&types::{}` argument (no query, header or cookie parameter is left)", ps.name),
            ),
            _ => {}
        }
        for (key, p) in &was {
            if !is.contains_key(key) {
                self.push(
                    "parameter-removed",
                    Level::Breaking,
                    pointer.clone(),
                    item(p),
                    format!(
                        "the {} parameter `{}` is gone with its field and setter",
                        key.0, key.1
                    ),
                );
            }
        }
        for (key, p) in &is {
            let Some(b) = was.get(key) else {
                let (rule, level, why) = if p.required {
                    (
                        "parameter-added-required",
                        Level::Breaking,
                        "required: `new(..)` takes one more argument",
                    )
                } else {
                    (
                        "parameter-added",
                        Level::Addition,
                        "optional: a setter, nothing breaks",
                    )
                };
                self.push(
                    rule,
                    level,
                    pointer.clone(),
                    item(p),
                    format!("new {} parameter `{}`, {why}", key.0, key.1),
                );
                continue;
            };
            let (tb, ta) = (shown(old, &b.ty), shown(new, &p.ty));
            if tb != ta {
                self.push(
                    "parameter-type-changed",
                    Level::Breaking,
                    pointer.clone(),
                    item(p),
                    format!("`{}` is `{ta}`, was `{tb}`", key.1),
                );
            }
            if p.required != b.required {
                let rule = if p.required {
                    "parameter-became-required"
                } else {
                    "parameter-became-optional"
                };
                self.push(
                    rule,
                    Level::Breaking,
                    pointer.clone(),
                    item(p),
                    format!(
                        "`{}` is {}: `new(..)` {} it, and the field's type is {}",
                        key.1,
                        if p.required { "required" } else { "optional" },
                        if p.required {
                            "takes"
                        } else {
                            "no longer takes"
                        },
                        if p.required {
                            "no longer an Option"
                        } else {
                            "an Option"
                        }
                    ),
                );
            }
        }
    }

    fn request_body(&mut self, before: &Operation, after: &Operation, at: &str, method: &str) {
        let (old, new) = (self.old, self.new);
        let body_type = |api: &Side, op: &Operation| -> Option<String> {
            op.body.as_ref().map(|b| match &b.kind {
                crate::ir::BodyKind::Json(ty)
                | crate::ir::BodyKind::Form(ty)
                | crate::ir::BodyKind::Multipart(ty) => shown(api, ty),
                crate::ir::BodyKind::Text => "str".into(),
                crate::ir::BodyKind::Bytes => "[u8]".into(),
            })
        };
        let (was, is) = (body_type(old, before), body_type(new, after));
        if was != is {
            self.push(
                "request-body-changed",
                Level::Breaking,
                format!("{at}/requestBody"),
                method.into(),
                format!(
                    "the body argument is {}, was {}",
                    is.map_or("gone".into(), |t| format!("`&{t}`")),
                    was.map_or("none".into(), |t| format!("`&{t}`"))
                ),
            );
        }
    }

    fn responses(&mut self, before: &Operation, after: &Operation, at: &str, method: &str) {
        let (old, new) = (self.old, self.new);
        let success = |api: &Side, op: &Operation| -> (BTreeSet<String>, String) {
            let statuses = op
                .responses
                .iter()
                .filter(|r| r.status.is_success())
                .map(|r| status(r.status))
                .collect();
            let returns = match &op.success_enum {
                Some(e) => format!("types::{}", e.name),
                None => op
                    .responses
                    .iter()
                    .find(|r| r.status.is_success())
                    .map_or("()".into(), |r| body_shown(api, &r.body)),
            };
            (statuses, returns)
        };
        let ((sb, rb), (sa, ra)) = (success(old, before), success(new, after));
        // The shape of the returned value: a swap between two types of one shape keeps every
        // field access compiling; only code that names the old type breaks.
        let returned = |api: &Side, op: &Operation| -> String {
            match &op.success_enum {
                Some(e) => e
                    .variants
                    .iter()
                    .map(|v| format!("{}={}", v.rust_name, body_shape(api, &v.body)))
                    .collect::<Vec<_>>()
                    .join("|"),
                None => op
                    .responses
                    .iter()
                    .find(|r| r.status.is_success())
                    .map_or("()".into(), |r| body_shape(api, &r.body)),
            }
        };
        if rb != ra && returned(old, before) == returned(new, after) {
            self.push(
                "response-type-renamed",
                Level::Breaking,
                format!("{at}/responses"),
                method.into(),
                format!(
                    "the method returns `{ra}`, was `{rb}`, of the same shape: reading the response compiles as before, code naming `{rb}` for it does not"
                ),
            );
        } else if rb != ra {
            self.push(
                "response-type-changed",
                Level::Breaking,
                format!("{at}/responses"),
                method.into(),
                format!("the method returns `{ra}`, was `{rb}`"),
            );
        } else if sb != sa {
            self.push(
                "success-status-changed",
                Level::Addition,
                format!("{at}/responses"),
                method.into(),
                format!(
                    "success statuses {} (were {}); the return type is the same",
                    sa.into_iter().collect::<Vec<_>>().join(", "),
                    sb.into_iter().collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }

    fn types(&mut self, renames: &BTreeMap<usize, usize>) {
        let (old, new) = (self.old, self.new);
        let by_name = |api: &Api| -> BTreeMap<String, usize> {
            api.types
                .iter()
                .enumerate()
                .map(|(i, t)| (t.name.clone(), i))
                .collect()
        };
        let (was, is) = (by_name(old), by_name(new));
        let renamed_to: BTreeSet<usize> = renames.values().copied().collect();
        for (name, &i) in &was {
            if is.contains_key(name) {
                continue;
            }
            match renames.get(&i) {
                Some(&j) => self.push(
                    "schema-renamed",
                    Level::Breaking,
                    new.types[j].pointer.clone(),
                    format!("types::{}", new.types[j].name),
                    format!(
                        "`types::{name}` is now `types::{}` (same shape): paths naming it no longer compile",
                        new.types[j].name
                    ),
                ),
                None => self.push(
                    "schema-removed",
                    Level::Breaking,
                    old.types[i].pointer.clone(),
                    format!("types::{name}"),
                    format!("`types::{name}` is gone"),
                ),
            }
        }
        for (name, &j) in &is {
            if was.contains_key(name) || renamed_to.contains(&j) {
                continue;
            }
            self.push(
                "schema-added",
                Level::Addition,
                new.types[j].pointer.clone(),
                format!("types::{name}"),
                format!("new type `types::{name}`"),
            );
        }
        for (name, &j) in &is {
            if let Some(&i) = was.get(name) {
                self.type_changes(&old.types[i], &new.types[j]);
            }
        }
        for (&i, &j) in renames {
            self.type_changes(&old.types[i], &new.types[j]);
        }
    }

    /// Variants of a union (tagged or not) as `(Rust name, type, tags)`, old and new.
    fn union_changes(
        &mut self,
        a: &TypeDef,
        item: &str,
        before: &[(String, String, String)],
        after: &[(String, String, String)],
    ) {
        let find = |list: &[(String, String, String)], name: &str| {
            list.iter().find(|v| v.0 == name).cloned()
        };
        for (name, ty, _) in before {
            if find(after, name).is_none() {
                self.push(
                    "union-variant-removed",
                    Level::Breaking,
                    a.pointer.clone(),
                    format!("{item}::{name}"),
                    format!(
                        "the variant `{name}({ty})` is gone: code naming it no longer compiles"
                    ),
                );
            }
        }
        for (name, ty, tags) in after {
            match find(before, name) {
                None => self.push(
                    "union-variant-added",
                    Level::Addition,
                    a.pointer.clone(),
                    format!("{item}::{name}"),
                    format!("new variant `{name}({ty})`; the enum is `#[non_exhaustive]`, nothing breaks"),
                ),
                Some((_, was, _)) if &was != ty => self.push(
                    "union-variant-type-changed",
                    Level::Breaking,
                    a.pointer.clone(),
                    format!("{item}::{name}"),
                    format!("the variant `{name}` holds `{ty}`, was `{was}`"),
                ),
                Some((_, _, was)) if &was != tags => self.push(
                    "union-variant-tags-changed",
                    Level::Addition,
                    a.pointer.clone(),
                    format!("{item}::{name}"),
                    format!("the variant `{name}` is chosen by {tags:?}, was {was:?}: the Rust API is the same, the tag on the wire changes"),
                ),
                Some(_) => {}
            }
        }
    }

    fn type_changes(&mut self, b: &TypeDef, a: &TypeDef) {
        let (old, new) = (self.old, self.new);
        let item = format!("types::{}", a.name);
        // Read from responses (users match and read it) or only sent (users build it).
        let received = a.serde.deserialize || b.serde.deserialize;
        match (&b.kind, &a.kind) {
            (TypeKind::Struct(sb), TypeKind::Struct(sa)) => {
                let fields = |s: &crate::ir::Struct| -> BTreeMap<String, Field> {
                    s.fields
                        .iter()
                        .map(|f| (f.wire_name.clone(), f.clone()))
                        .collect()
                };
                let (fb, fa) = (fields(sb), fields(sa));
                for (wire, f) in &fb {
                    if !fa.contains_key(wire) {
                        let rule = if received {
                            "response-field-removed"
                        } else {
                            "request-body-field-removed"
                        };
                        self.push(
                            rule,
                            Level::Breaking,
                            field_pointer(b, f),
                            format!("{item}::{}", f.rust_name),
                            format!("the field `{}` is gone (and its setter)", f.rust_name),
                        );
                    }
                }
                for (wire, f) in &fa {
                    let path = format!("{item}::{}", f.rust_name);
                    let Some(fo) = fb.get(wire) else {
                        // Every struct has `new(required fields..)`: tests build responses too.
                        let (rule, level, why) = match (received, f.required && !f.flatten) {
                            (true, false) => ("response-field-added", Level::Addition, "optional: structs are `#[non_exhaustive]` and the field starts unset, nothing breaks"),
                            (true, true) => ("response-field-added-required", Level::Breaking, "required: reading compiles as before, but `new(..)` (how tests build this response) takes one more argument"),
                            (false, true) => ("request-body-field-added-required", Level::Breaking, "required: `new(..)` takes one more argument"),
                            (false, false) => ("request-body-field-added", Level::Addition, "optional: a setter, nothing breaks"),
                        };
                        self.push(
                            rule,
                            level,
                            field_pointer(a, f),
                            path,
                            format!("new field `{}`, {why}", f.rust_name),
                        );
                        continue;
                    };
                    let (tb, ta) = (field_shown(old, fo), field_shown(new, f));
                    let (rb, ra) = (fo.required && !fo.flatten, f.required && !f.flatten);
                    let change = if received {
                        if ta == format!("Option<{tb}>") {
                            Some((
                                "response-field-became-nullable",
                                format!(
                                    "`{}` is `{ta}`, was `{tb}`: code reading it must handle None",
                                    f.rust_name
                                ),
                            ))
                        } else if tb != ta {
                            Some((
                                "response-field-type-changed",
                                format!("`{}` is `{ta}`, was `{tb}`", f.rust_name),
                            ))
                        } else if rb != ra {
                            Some((
                                "constructor-changed",
                                format!(
                                    "`{}` is {}: `new(..)` {} it",
                                    f.rust_name,
                                    if ra { "required" } else { "optional" },
                                    if ra { "takes" } else { "no longer takes" }
                                ),
                            ))
                        } else {
                            None
                        }
                    } else if ra && !rb {
                        Some(("request-body-field-became-required", format!("`{}` is required: `new(..)` takes it, as `{ta}` (was `{tb}`, set by a setter)", f.rust_name)))
                    } else if rb && !ra {
                        Some(("request-body-field-became-optional", format!("`{}` is optional: `new(..)` no longer takes it; it has a setter of `{ta}`", f.rust_name)))
                    } else if tb != ta {
                        Some((
                            "request-body-field-type-changed",
                            format!("`{}` is `{ta}`, was `{tb}`", f.rust_name),
                        ))
                    } else {
                        None
                    };
                    if let Some((rule, message)) = change {
                        self.push(
                            rule,
                            Level::Breaking,
                            field_pointer(a, f),
                            path.clone(),
                            message,
                        );
                    }
                    if f.docs != fo.docs {
                        self.push(
                            "description-changed",
                            Level::Docs,
                            field_pointer(a, f),
                            path,
                            "the field's description changed".into(),
                        );
                    }
                }
                // The constructor takes the required fields in `required` order: a new order
                // with the same fields is reported here, other changes above.
                let required = |s: &crate::ir::Struct, api: &Side| -> Vec<String> {
                    s.required_order
                        .iter()
                        .filter_map(|&i| s.fields.get(i))
                        .filter(|f| !f.flatten)
                        .map(|f| field_shown(api, f))
                        .collect()
                };
                if required(sb, old) != required(sa, new) {
                    let already = self.changes.iter().any(|c| {
                        c.level == Level::Breaking && c.rust.starts_with(&format!("{item}::"))
                    });
                    if !already {
                        self.push("constructor-changed", Level::Breaking, a.pointer.clone(), format!("{item}::new"), "`new(..)` takes its arguments in another order (the `required` list changed order)".into());
                    }
                }
            }
            (TypeKind::StringEnum(eb), TypeKind::StringEnum(ea)) => {
                let values = |e: &crate::ir::StringEnum| -> BTreeMap<String, String> {
                    e.variants
                        .iter()
                        .map(|v| (v.wire_value.clone(), v.rust_name.clone()))
                        .collect()
                };
                let (vb, va) = (values(eb), values(ea));
                for (value, variant) in &vb {
                    if !va.contains_key(value) {
                        let rule = if received {
                            "response-enum-value-removed"
                        } else {
                            "request-enum-value-removed"
                        };
                        self.push(
                            rule,
                            Level::Breaking,
                            a.pointer.clone(),
                            format!("{item}::{variant}"),
                            format!("the value {value:?} is gone with its variant `{variant}`"),
                        );
                    }
                }
                for (value, variant) in &va {
                    if !vb.contains_key(value) {
                        let rule = if received {
                            "response-enum-value-added"
                        } else {
                            "request-enum-value-added"
                        };
                        self.push(rule, Level::Addition, a.pointer.clone(), format!("{item}::{variant}"), format!("new value {value:?} (variant `{variant}`); the enum is `#[non_exhaustive]`, and before this the value decoded into its fallback variant"));
                    }
                }
            }
            (TypeKind::Untagged(vb), TypeKind::Untagged(va)) => {
                let variants = |vs: &[crate::ir::UntaggedVariant],
                                api: &Side|
                 -> Vec<(String, String, String)> {
                    vs.iter()
                        .map(|v| (v.rust_name.clone(), shown(api, &v.ty), String::new()))
                        .collect()
                };
                self.union_changes(a, &item, &variants(vb, old), &variants(va, new));
            }
            (TypeKind::Tagged(tb), TypeKind::Tagged(ta)) => {
                let variants =
                    |t: &crate::ir::Tagged, api: &Side| -> Vec<(String, String, String)> {
                        t.variants
                            .iter()
                            .map(|v| (v.rust_name.clone(), shown(api, &v.ty), v.tags.join(", ")))
                            .collect()
                    };
                self.union_changes(a, &item, &variants(tb, old), &variants(ta, new));
                if tb.property != ta.property {
                    self.push(
                        "union-discriminator-changed",
                        Level::Breaking,
                        a.pointer.clone(),
                        item.clone(),
                        format!(
                            "the variant is chosen by `{}`, was `{}`: bodies that decoded before may not",
                            ta.property, tb.property
                        ),
                    );
                }
            }
            (kb, ka) if kind_name(kb) != kind_name(ka) || shape(old, b) != shape(new, a) => {
                self.push(
                    "type-changed",
                    Level::Breaking,
                    a.pointer.clone(),
                    item.clone(),
                    format!(
                        "`{}` is {}, was {}",
                        a.name,
                        describe(new, a),
                        describe(old, b)
                    ),
                );
            }
            _ => {}
        }
        if b.partial_eq && !a.partial_eq {
            self.push(
                "derive-removed",
                Level::Breaking,
                a.pointer.clone(),
                item.clone(),
                format!("`{}` no longer implements `PartialEq` (it is now read from responses, or holds a type that is): comparisons of it no longer compile", a.name),
            );
        }
        if a.docs != b.docs {
            self.push(
                "description-changed",
                Level::Docs,
                a.pointer.clone(),
                item,
                "the type's description changed".into(),
            );
        }
    }
}

fn auth(auth: &crate::ir::Auth) -> String {
    match auth {
        crate::ir::Auth::None => "no credentials".into(),
        crate::ir::Auth::Bearer => "`Authorization: Bearer <key>`".into(),
        crate::ir::Auth::Basic => "`Authorization: Basic <user:password>`".into(),
        crate::ir::Auth::ApiKeyHeader(name) => format!("the key in the `{name}` header"),
    }
}

fn location(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn status(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(h) => format!("{h}XX"),
        StatusMatch::Default => "default".into(),
    }
}

fn body_shown(api: &Side, body: &ResponseBody) -> String {
    match body {
        ResponseBody::None => "()".into(),
        ResponseBody::Json(ty) => shown(api, ty),
        ResponseBody::Text => "String".into(),
        ResponseBody::Bytes => "Vec<u8>".into(),
    }
}

/// A response body with a named type replaced by its shape (one level deep).
fn body_shape(api: &Side, body: &ResponseBody) -> String {
    match body {
        ResponseBody::Json(TypeRef::Named(id)) => format!("{{{}}}", shape(api, api.ty(*id))),
        other => body_shown(api, other),
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::StringEnum(_) => "a string enum",
        TypeKind::Alias(_) => "an alias",
        TypeKind::Untagged(_) => "a union",
        TypeKind::Tagged(_) => "a tagged union",
    }
}

fn describe(api: &Side, t: &TypeDef) -> String {
    match &t.kind {
        TypeKind::Alias(ty) => format!("an alias of `{}`", shown(api, ty)),
        kind => kind_name(kind).to_owned(),
    }
}

/// Pairs each old type whose name is gone with a new type of the same shape (old index →
/// new index), and names it so in `old`. Repeated until nothing more pairs: a struct whose
/// field's type was renamed has the same shape once that rename is known.
fn find_renames(old: &mut Side, new: &Side) -> BTreeMap<usize, usize> {
    let new_names: BTreeSet<&str> = new.types.iter().map(|t| t.name.as_str()).collect();
    let old_names: BTreeSet<&str> = old.types.iter().map(|t| t.name.as_str()).collect();
    let mut gone: Vec<usize> = (0..old.types.len())
        .filter(|&i| !new_names.contains(old.types[i].name.as_str()))
        .collect();
    let mut added: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (j, t) in new.types.iter().enumerate() {
        if !old_names.contains(t.name.as_str()) {
            added.entry(shape(new, t)).or_default().push(j);
        }
    }
    let mut renames = BTreeMap::new();
    loop {
        let mut found = false;
        gone.retain(|&i| {
            let candidates = match added.get_mut(&shape(old, &old.types[i])) {
                Some(c) if !c.is_empty() => c,
                _ => return true,
            };
            // Of several types of this shape, the one whose name is closest.
            let name = &old.types[i].name;
            let best = (0..candidates.len())
                .max_by_key(|&k| common_affix(name, &new.types[candidates[k]].name))
                .unwrap_or(0);
            let j = candidates.remove(best);
            renames.insert(i, j);
            old.names[i] = new.types[j].name.clone();
            found = true;
            false
        });
        if !found {
            return renames;
        }
    }
}

/// How many leading and trailing characters two names share.
fn common_affix(a: &str, b: &str) -> usize {
    let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let suffix = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count();
    prefix + suffix
}

/// A type's shape without its name: what a rename keeps.
fn shape(api: &Side, t: &TypeDef) -> String {
    match &t.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| format!("{}:{}:{}", f.wire_name, field_shown(api, f), f.required))
            .collect::<Vec<_>>()
            .join(","),
        TypeKind::StringEnum(e) => e
            .variants
            .iter()
            .map(|v| v.wire_value.clone())
            .collect::<Vec<_>>()
            .join("|"),
        TypeKind::Alias(ty) => format!("alias {}", shown(api, ty)),
        TypeKind::Untagged(vs) => vs
            .iter()
            .map(|v| shown(api, &v.ty))
            .collect::<Vec<_>>()
            .join("|"),
        TypeKind::Tagged(t) => t
            .variants
            .iter()
            .map(|v| format!("{:?}={}", v.tags, shown(api, &v.ty)))
            .collect::<Vec<_>>()
            .join("|"),
    }
}
