//! `codegen diff`: what a spec change means for the generated crate. Both specs go through the
//! same load and lower stages; the IRs are compared and each difference is judged for the Rust
//! users compile against (a new required parameter changes `new(..)`; a new response field
//! does not break anyone, structs being `#[non_exhaustive]`). The report ends with the semver
//! bump the crate needs.
//!
//! [`rules`] is the catalogue (id, level, message of each rule); [`keyed`] the one walk that
//! pairs old and new items by key; `operations.rs` and `schemas.rs` compare what they hold,
//! types as IR values; `renames.rs` pairs renamed types by shape.

mod operations;
mod renames;
mod report;
mod rules;
mod schemas;

pub use report::{render, Format};
pub use rules::Rule;

use crate::ir::{Api, Field, TypeId, TypeRef};
use std::collections::BTreeMap;

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
    pub rule: Rule,
    /// The rule's level.
    pub level: Level,
    /// JSON pointer in the new spec (in the old one for removals).
    pub spec: String,
    /// The Rust item affected (`Client::get_recordings`, `types::Recording::duration_ms`).
    pub rust: String,
    /// What changed, and for breaking changes why it breaks.
    pub message: String,
    /// For a change to a type (or its fields): the methods whose requests or responses hold
    /// it, directly or inside other types (`Client::list_calls`), in spec order.
    pub used_by: Vec<String>,
    /// The line of `spec` in its file, once [`Report::locate`] has read the files.
    pub line: Option<usize>,
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

impl Report {
    /// Finds each change's line in the spec text its pointer is in (the old one for
    /// removals), for reports that point into the files.
    pub fn locate(&mut self, old_text: &str, new_text: &str) {
        for c in &mut self.changes {
            let text = if c.rule.in_old_spec() {
                old_text
            } else {
                new_text
            };
            c.line = crate::locate::line_of(text, &c.spec);
        }
    }
}

/// Compares the IR of two versions of a spec.
pub fn diff(old: &Api, new: &Api) -> Report {
    let (mut old, new) = (Side::new(old), Side::new(new));
    let renames = renames::find(&mut old, &new);
    let mut cx = Differ {
        old: &old,
        new: &new,
        changes: Vec::new(),
    };
    cx.api_level();
    cx.operations();
    cx.types(&renames);
    let mut changes = cx.changes;
    attach_users(&mut changes, &old, &new);
    changes.sort_by(|a, b| {
        (b.level, a.rule.id(), &a.rust, &a.spec).cmp(&(a.level, b.rule.id(), &b.rust, &b.spec))
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

impl Differ<'_> {
    /// Records a change of `rule` at `spec` (a JSON pointer) to the Rust item `rust`, its
    /// message the rule's with `args`.
    fn push(&mut self, rule: Rule, spec: &str, rust: impl Into<String>, args: &[&str]) {
        self.changes.push(Change {
            rule,
            level: rule.level(),
            spec: spec.to_owned(),
            rust: rust.into(),
            message: rule.message(args),
            used_by: Vec::new(),
            line: None,
        });
    }
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

    /// The type as Rust shows it, named types under their (new) names.
    fn shown(&self, ty: &TypeRef) -> String {
        crate::emit::type_display(ty, &|id: TypeId| self.names[id.0].clone())
    }

    /// A field's Rust type, `Option` included.
    fn field_type(&self, f: &Field) -> TypeRef {
        if f.optional() && !f.flatten {
            TypeRef::Nullable(Box::new(f.ty.clone()))
        } else {
            f.ty.clone()
        }
    }
}

/// Whether `a` (of the old side) and `b` (of the new) are the same Rust type: the same
/// structure, named types by name (a renamed type under its new name).
fn same_type(old: &Side, a: &TypeRef, new: &Side, b: &TypeRef) -> bool {
    match (a, b) {
        (TypeRef::Named(x), TypeRef::Named(y)) => old.names[x.0] == new.names[y.0],
        (TypeRef::Array(x), TypeRef::Array(y))
        | (TypeRef::Map(x), TypeRef::Map(y))
        | (TypeRef::Nullable(x), TypeRef::Nullable(y)) => same_type(old, x, new, y),
        (TypeRef::Named(_), _) | (_, TypeRef::Named(_)) => false,
        _ => a == b,
    }
}

/// The methods each type is reached from (its index → `Client::` names, in spec order).
fn users(api: &Api) -> Vec<Vec<String>> {
    use crate::ir::BodyKind;
    let mut users = vec![Vec::new(); api.types.len()];
    for op in &api.operations {
        let mut roots: Vec<&TypeRef> = op.path_params.iter().map(|p| &p.ty).collect();
        roots.extend(
            op.params_struct
                .iter()
                .flat_map(|ps| ps.params.iter().map(|p| &p.ty)),
        );
        if let Some(body) = &op.body {
            if let BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart(ty) = &body.kind {
                roots.push(ty);
            }
        }
        roots.extend(op.responses.iter().flat_map(|r| r.read_types()));
        let mut seen = vec![false; api.types.len()];
        let mut stack: Vec<&TypeRef> = roots;
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Named(id) if !seen[id.0] => {
                    seen[id.0] = true;
                    users[id.0].push(format!("Client::{}", op.rust_name));
                    stack.extend(api.ty(*id).kind.refs());
                }
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                    stack.push(inner)
                }
                _ => {}
            }
        }
    }
    users
}

/// Fills `used_by` of the changes to types (`types::Name`, `types::Name::field`): from the
/// new spec, or the old one for a type that is gone.
fn attach_users(changes: &mut [Change], old: &Side, new: &Side) {
    let by_name = |side: &Side| -> BTreeMap<String, Vec<String>> {
        side.types
            .iter()
            .map(|t| t.name.clone())
            .zip(users(side))
            .collect()
    };
    let (was, is) = (by_name(old), by_name(new));
    for c in changes {
        let Some(name) = c.rust.strip_prefix("types::") else {
            continue;
        };
        let name = name.split("::").next().unwrap_or(name);
        if let Some(users) = is.get(name).or_else(|| was.get(name)) {
            c.used_by = users.clone();
        }
    }
}

/// One key of the two sides of a comparison.
enum Pair<'a, T> {
    Removed(&'a T),
    Added(&'a T),
    Both(&'a T, &'a T),
}

/// The one comparison walk: the old and the new items paired by key, in key order.
fn keyed<'a, K: Ord, T>(
    old: impl IntoIterator<Item = (K, &'a T)>,
    new: impl IntoIterator<Item = (K, &'a T)>,
) -> Vec<Pair<'a, T>> {
    let mut by_key: BTreeMap<K, (Option<&'a T>, Option<&'a T>)> = BTreeMap::new();
    for (key, item) in old {
        by_key.entry(key).or_default().0 = Some(item);
    }
    for (key, item) in new {
        by_key.entry(key).or_default().1 = Some(item);
    }
    by_key
        .into_values()
        .filter_map(|pair| match pair {
            (Some(a), Some(b)) => Some(Pair::Both(a, b)),
            (Some(a), None) => Some(Pair::Removed(a)),
            (None, Some(b)) => Some(Pair::Added(b)),
            (None, None) => None,
        })
        .collect()
}
