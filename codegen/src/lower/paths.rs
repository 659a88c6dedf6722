//! Configured paths (`meta.total_pages`, `errors[0].title`) resolved against the types: the
//! field chain the emitter writes, and the type found at the end.

use crate::ir::{struct_behind, Access, FieldChain, TypeId, TypeKind, TypeRef};
use crate::options::{FieldPath, PathStep};
use foldhash::{HashSet, HashSetExt};

/// The type an alias chain ends at (`Named` aliases followed; loops stop the walk).
pub(super) fn unalias<'t>(
    ty: &TypeRef,
    kind_of: impl Fn(TypeId) -> Option<&'t TypeKind>,
) -> TypeRef {
    let mut current = ty.clone();
    let mut seen = HashSet::new();
    while let TypeRef::Named(id) = current {
        if !seen.insert(id) {
            break;
        }
        match kind_of(id) {
            Some(TypeKind::Alias(target)) => current = target.clone(),
            _ => break,
        }
    }
    current
}

/// Follows `path` from a value of type `start`: the accesses, and the type reached.
/// `None` when a step does not exist (a missing field, indexing what is not an array).
pub(super) fn resolve<'t>(
    start: &TypeRef,
    path: &FieldPath,
    kind_of: impl Fn(TypeId) -> Option<&'t TypeKind> + Copy,
) -> Option<(FieldChain, TypeRef)> {
    let mut current = unalias(start, kind_of);
    let mut steps = Vec::new();
    for step in &path.0 {
        match step {
            PathStep::Field(wire) => {
                let TypeRef::Named(id) = current else {
                    return None;
                };
                let Some(TypeKind::Struct(s)) = struct_behind(id, kind_of).and_then(kind_of) else {
                    return None;
                };
                let field = s
                    .fields
                    .iter()
                    .find(|f| !f.flatten && f.wire_name == *wire)?;
                steps.push(Access::Field {
                    rust_name: field.rust_name.clone(),
                    optional: field.optional(),
                });
                current = unalias(&field.ty, kind_of);
            }
            PathStep::First => {
                let TypeRef::Array(item) = current else {
                    return None;
                };
                steps.push(Access::First);
                current = unalias(&item, kind_of);
            }
        }
    }
    Some((FieldChain(steps), current))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Docs, Field, Struct};

    fn field(name: &str, ty: TypeRef, required: bool) -> Field {
        Field {
            pointer: String::new(),
            rust_name: name.to_owned(),
            setter: name.to_owned(),
            wire_name: name.to_owned(),
            rename: false,
            ty,
            required,
            nullable: false,
            boxed: false,
            docs: Docs::default(),
            flatten: false,
            read_only: false,
            write_only: false,
            lenient: false,
            one_integer: None,
        }
    }

    #[test]
    fn paths_follow_fields_aliases_and_first_elements() {
        // 0: Body { errors: Option<Vec<Item>> }, 1: Item { title: Title }, 2: Title = String
        let kinds = [
            TypeKind::Struct(Struct {
                fields: vec![field(
                    "errors",
                    TypeRef::Array(Box::new(TypeRef::Named(TypeId(1)))),
                    false,
                )],
                required_order: Vec::new(),
                derive_default: true,
                closed: false,
                left_out: Vec::new(),
            }),
            TypeKind::Struct(Struct {
                fields: vec![field("title", TypeRef::Named(TypeId(2)), true)],
                required_order: vec![0],
                derive_default: false,
                closed: false,
                left_out: Vec::new(),
            }),
            TypeKind::Alias(TypeRef::String),
        ];
        let kind_of = |id: TypeId| kinds.get(id.0);
        let path = FieldPath::parse("errors[0].title").unwrap();
        let (chain, leaf) = resolve(&TypeRef::Named(TypeId(0)), &path, kind_of).unwrap();
        assert_eq!(leaf, TypeRef::String);
        assert_eq!(
            chain.0,
            [
                Access::Field {
                    rust_name: "errors".into(),
                    optional: true
                },
                Access::First,
                Access::Field {
                    rust_name: "title".into(),
                    optional: false
                },
            ]
        );
        for missing in ["errors.title", "nothing", "errors[0].title.more"] {
            let path = FieldPath::parse(missing).unwrap();
            assert!(
                resolve(&TypeRef::Named(TypeId(0)), &path, kind_of).is_none(),
                "{missing}"
            );
        }
    }

    #[test]
    fn alias_loops_end() {
        let kinds = [
            TypeKind::Alias(TypeRef::Named(TypeId(1))),
            TypeKind::Alias(TypeRef::Named(TypeId(0))),
        ];
        let kind_of = |id: TypeId| kinds.get(id.0);
        assert!(matches!(
            unalias(&TypeRef::Named(TypeId(0)), kind_of),
            TypeRef::Named(_)
        ));
        assert_eq!(struct_behind(TypeId(0), kind_of), None);
    }
}
