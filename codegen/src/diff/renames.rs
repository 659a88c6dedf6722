//! Renamed types: an old type whose name is gone paired with a new type of the same shape.

use super::Side;
use crate::ir::{TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Pairs each old type whose name is gone with a new type of the same shape (old index →
/// new index), and names it so in `old`. Repeated until nothing more pairs: a struct whose
/// field's type was renamed has the same shape once that rename is known.
pub(super) fn find(old: &mut Side, new: &Side) -> BTreeMap<usize, usize> {
    let new_names: BTreeSet<&str> = new.types.iter().map(|t| t.name.as_str()).collect();
    let old_names: BTreeSet<&str> = old.types.iter().map(|t| t.name.as_str()).collect();
    let mut gone: Vec<usize> = (0..old.types.len())
        .filter(|&i| !new_names.contains(old.types[i].name.as_str()))
        .collect();
    let mut added: HashMap<Shape, Vec<usize>> = HashMap::new();
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

/// A type as a rename keeps it: its kind and contents without its own name, named types it
/// refers to by their (new) names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Shape {
    /// Fields: wire name, Rust type (`Option` included), required.
    Struct(Vec<(String, Ty, bool)>),
    StringEnum(Vec<String>),
    Alias(Ty),
    Untagged(Vec<Ty>),
    /// Variants: their tags and types.
    Tagged(Vec<(Vec<String>, Ty)>),
}

/// A type reference with named types by name: comparable across the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Ty {
    Named(String),
    Array(Box<Ty>),
    Map(Box<Ty>),
    Nullable(Box<Ty>),
    /// Any other type (strings, numbers, dates...), which has no name to map.
    Plain(TypeRef),
}

fn ty(side: &Side, r: &TypeRef) -> Ty {
    match r {
        TypeRef::Named(id) => Ty::Named(side.names[id.0].clone()),
        TypeRef::Array(inner) => Ty::Array(Box::new(ty(side, inner))),
        TypeRef::Map(inner) => Ty::Map(Box::new(ty(side, inner))),
        TypeRef::Nullable(inner) => Ty::Nullable(Box::new(ty(side, inner))),
        other => Ty::Plain(other.clone()),
    }
}

pub(super) fn shape(side: &Side, t: &TypeDef) -> Shape {
    match &t.kind {
        TypeKind::Struct(s) => Shape::Struct(
            s.fields
                .iter()
                .map(|f| {
                    (
                        f.wire_name.clone(),
                        ty(side, &side.field_type(f)),
                        f.required,
                    )
                })
                .collect(),
        ),
        TypeKind::StringEnum(e) => {
            Shape::StringEnum(e.variants.iter().map(|v| v.wire_value.clone()).collect())
        }
        TypeKind::Alias(target) => Shape::Alias(ty(side, target)),
        TypeKind::Untagged(vs) => Shape::Untagged(vs.iter().map(|v| ty(side, &v.ty)).collect()),
        TypeKind::Tagged(t) => Shape::Tagged(
            t.variants
                .iter()
                .map(|v| (v.tags.clone(), ty(side, &v.ty)))
                .collect(),
        ),
    }
}
