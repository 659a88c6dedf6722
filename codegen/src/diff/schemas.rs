//! Types: added, removed and renamed ones, and the fields, values and variants of those both
//! versions have. A type read from responses breaks readers when it changes; one only sent
//! breaks the code that builds it.

use super::{keyed, same_type, Differ, Pair, Rule, Side};
use crate::ir::{Field, Struct, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

impl Differ<'_> {
    pub(super) fn types(&mut self, renames: &BTreeMap<usize, usize>) {
        let (old, new) = (self.old, self.new);
        let renamed_to: BTreeSet<usize> = renames.values().copied().collect();
        let (was, is) = (by_name(old), by_name(new));
        let pairs = keyed(
            was.iter().map(|(n, v)| (n, v)),
            is.iter().map(|(n, v)| (n, v)),
        );
        for pair in pairs {
            match pair {
                Pair::Removed(&(i, t)) => match renames.get(&i) {
                    Some(&j) => {
                        let renamed = &new.types[j];
                        self.push(
                            Rule::SchemaRenamed,
                            &renamed.pointer,
                            format!("types::{}", renamed.name),
                            &[&t.name, &renamed.name],
                        );
                    }
                    None => self.push(
                        Rule::SchemaRemoved,
                        &t.pointer,
                        format!("types::{}", t.name),
                        &[&t.name],
                    ),
                },
                Pair::Added(&(j, t)) if !renamed_to.contains(&j) => {
                    self.push(
                        Rule::SchemaAdded,
                        &t.pointer,
                        format!("types::{}", t.name),
                        &[&t.name],
                    );
                    self.new_sent_form(t);
                }
                Pair::Added(_) => {}
                Pair::Both(&(_, b), &(_, a)) => self.type_changes(b, a),
            }
        }
        for (&i, &j) in renames {
            self.type_changes(&old.types[i], &new.types[j]);
        }
    }

    /// A type newly split off as the sent form (`UserInput`) of one the old version sent
    /// as is: what requests now build differs from the old type as the sent form does
    /// (readOnly properties left out, sent forms of what it holds).
    fn new_sent_form(&mut self, t: &TypeDef) {
        let Some(read) = t.sent_form_of else { return };
        let read_name = &self.new.types[read.0].name;
        let Some(b) = self.old.types.iter().find(|o| &o.name == read_name) else {
            return;
        };
        if b.sent_form_of.is_some() {
            return;
        }
        if let (TypeKind::Struct(sb), TypeKind::Struct(sa)) = (&b.kind, &t.kind) {
            let item = format!("types::{}", t.name);
            self.struct_changes(t, &item, false, sb, sa);
        }
    }

    fn type_changes(&mut self, b: &TypeDef, a: &TypeDef) {
        let (old, new) = (self.old, self.new);
        let item = format!("types::{}", a.name);
        // Read from responses (users match and read it) or only sent (users build it).
        let received = a.serde.deserialize || b.serde.deserialize;
        match (&b.kind, &a.kind) {
            (TypeKind::Struct(sb), TypeKind::Struct(sa)) => {
                self.struct_changes(a, &item, received, sb, sa)
            }
            (TypeKind::StringEnum(eb), TypeKind::StringEnum(ea)) => {
                for pair in keyed(enum_values(eb), enum_values(ea)) {
                    let (rule, v) = match (pair, received) {
                        (Pair::Removed(v), true) => (Rule::ResponseEnumValueRemoved, v),
                        (Pair::Removed(v), false) => (Rule::RequestEnumValueRemoved, v),
                        (Pair::Added(v), true) => (Rule::ResponseEnumValueAdded, v),
                        (Pair::Added(v), false) => (Rule::RequestEnumValueAdded, v),
                        (Pair::Both(..), _) => continue,
                    };
                    let value = format!("{:?}", v.wire_value);
                    let path = format!("{item}::{}", v.rust_name);
                    self.push(rule, &a.pointer, path, &[&value, &v.rust_name]);
                }
            }
            (TypeKind::Untagged(vb), TypeKind::Untagged(va)) => {
                self.union_changes(a, &item, &untagged(vb), &untagged(va));
            }
            (TypeKind::Tagged(tb), TypeKind::Tagged(ta)) => {
                self.union_changes(a, &item, &tagged(tb), &tagged(ta));
                if tb.property != ta.property {
                    self.push(
                        Rule::UnionDiscriminatorChanged,
                        &a.pointer,
                        &item,
                        &[&ta.property, &tb.property],
                    );
                }
            }
            (kb, ka) if kind_name(kb) != kind_name(ka) || !same_alias(old, kb, new, ka) => {
                self.push(
                    Rule::TypeChanged,
                    &a.pointer,
                    &item,
                    &[&a.name, &describe(new, a), &describe(old, b)],
                );
            }
            _ => {}
        }
        if b.partial_eq && !a.partial_eq {
            self.push(Rule::DeriveRemoved, &a.pointer, &item, &[&a.name]);
        }
        if a.docs != b.docs {
            self.push(
                Rule::DescriptionChanged,
                &a.pointer,
                item,
                &["type's description"],
            );
        }
    }

    fn struct_changes(
        &mut self,
        a: &TypeDef,
        item: &str,
        received: bool,
        sb: &Struct,
        sa: &Struct,
    ) {
        for pair in keyed(fields(sb), fields(sa)) {
            match pair {
                Pair::Removed(f) => {
                    // Still in the schema, left out for the type's direction: a flip.
                    if let Some(gone) = sa.left_out.iter().find(|l| l.pointer == f.pointer) {
                        let rule = if gone.read_only {
                            Rule::FieldBecameReadOnly
                        } else {
                            Rule::FieldBecameWriteOnly
                        };
                        let path = format!("{item}::{}", f.rust_name);
                        self.push(rule, &gone.pointer, path, &[&f.rust_name]);
                        continue;
                    }
                    let rule = if received {
                        Rule::ResponseFieldRemoved
                    } else {
                        Rule::RequestBodyFieldRemoved
                    };
                    let path = format!("{item}::{}", f.rust_name);
                    self.push(rule, &f.pointer, path, &[&f.rust_name]);
                }
                Pair::Added(f) => {
                    // Every struct has `new(required fields..)`: tests build responses too.
                    let rule = match (received, f.required && !f.flatten) {
                        (true, false) => Rule::ResponseFieldAdded,
                        (true, true) => Rule::ResponseFieldAddedRequired,
                        (false, true) => Rule::RequestBodyFieldAddedRequired,
                        (false, false) => Rule::RequestBodyFieldAdded,
                    };
                    let path = format!("{item}::{}", f.rust_name);
                    self.push(rule, &f.pointer, path, &[&f.rust_name]);
                }
                Pair::Both(fo, f) => self.field_changes(item, received, fo, f),
            }
        }
        // The constructor takes the required fields in `required` order: a new order with the
        // same fields is reported here, other changes above.
        let (rb, ra) = (required(sb), required(sa));
        let same_order = rb.len() == ra.len()
            && rb.iter().zip(&ra).all(|(x, y)| {
                same_type(
                    self.old,
                    &self.old.field_type(x),
                    self.new,
                    &self.new.field_type(y),
                )
            });
        if !same_order {
            let prefix = format!("{item}::");
            let already = self
                .changes
                .iter()
                .any(|c| c.breaking() && c.rust.starts_with(&prefix));
            if !already {
                self.push(
                    Rule::ConstructorChanged,
                    &a.pointer,
                    format!("{item}::new"),
                    &[
                        "the `required` list changed order",
                        "takes its arguments in another order",
                    ],
                );
            }
        }
    }

    fn field_changes(&mut self, item: &str, received: bool, fo: &Field, f: &Field) {
        let (old, new) = (self.old, self.new);
        let (tb, ta) = (old.field_type(fo), new.field_type(f));
        let (shown_b, shown_a) = (old.shown(&tb), new.shown(&ta));
        let same = same_type(old, &tb, new, &ta);
        let (rb, ra) = (fo.required && !fo.flatten, f.required && !f.flatten);
        let name = f.rust_name.as_str();
        let path = format!("{item}::{name}");
        let now_nullable =
            matches!(&ta, TypeRef::Nullable(inner) if same_type(old, &tb, new, inner));
        let change: Option<(Rule, Vec<&str>)> = if received {
            if now_nullable {
                Some((
                    Rule::ResponseFieldBecameNullable,
                    vec![name, &shown_a, &shown_b],
                ))
            } else if !same {
                Some((
                    Rule::ResponseFieldTypeChanged,
                    vec![name, &shown_a, &shown_b],
                ))
            } else if rb != ra {
                let state = if ra {
                    format!("`{name}` is required")
                } else {
                    format!("`{name}` is optional")
                };
                let effect = if ra { "takes it" } else { "no longer takes it" };
                self.push(
                    Rule::ConstructorChanged,
                    &f.pointer,
                    &path,
                    &[&state, effect],
                );
                None
            } else {
                None
            }
        } else if ra && !rb {
            Some((
                Rule::RequestBodyFieldBecameRequired,
                vec![name, &shown_a, &shown_b],
            ))
        } else if rb && !ra {
            Some((Rule::RequestBodyFieldBecameOptional, vec![name, &shown_a]))
        } else if !same {
            Some((
                Rule::RequestBodyFieldTypeChanged,
                vec![name, &shown_a, &shown_b],
            ))
        } else {
            None
        };
        if let Some((rule, args)) = change {
            self.push(rule, &f.pointer, &path, &args);
        }
        if f.docs != fo.docs {
            self.push(
                Rule::DescriptionChanged,
                &f.pointer,
                path,
                &["field's description"],
            );
        }
    }

    /// The variants of a union (tagged or not), old and new, by Rust name.
    fn union_changes(&mut self, a: &TypeDef, item: &str, before: &[Variant], after: &[Variant]) {
        let (old, new) = (self.old, self.new);
        let pairs = keyed(
            before.iter().map(|v| (v.name, v)),
            after.iter().map(|v| (v.name, v)),
        );
        for pair in pairs {
            match pair {
                Pair::Removed(v) => {
                    let ty = old.shown(v.ty);
                    let path = format!("{item}::{}", v.name);
                    self.push(Rule::UnionVariantRemoved, &a.pointer, path, &[v.name, &ty]);
                }
                Pair::Added(v) => {
                    let ty = new.shown(v.ty);
                    let path = format!("{item}::{}", v.name);
                    self.push(Rule::UnionVariantAdded, &a.pointer, path, &[v.name, &ty]);
                }
                Pair::Both(was, is) if !same_type(old, was.ty, new, is.ty) => {
                    let path = format!("{item}::{}", is.name);
                    let (ty, before) = (new.shown(is.ty), old.shown(was.ty));
                    let args = [is.name, ty.as_str(), before.as_str()];
                    self.push(Rule::UnionVariantTypeChanged, &a.pointer, path, &args);
                }
                Pair::Both(was, is) if was.tags != is.tags => {
                    let path = format!("{item}::{}", is.name);
                    let tags = |v: &Variant| format!("{:?}", v.tags.join(", "));
                    let args = [is.name, &tags(is), &tags(was)];
                    self.push(Rule::UnionVariantTagsChanged, &a.pointer, path, &args);
                }
                Pair::Both(..) => {}
            }
        }
    }
}

fn by_name<'s>(side: &'s Side) -> Vec<(String, (usize, &'s TypeDef))> {
    side.types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), (i, t)))
        .collect()
}

fn enum_values(e: &crate::ir::StringEnum) -> Vec<(String, &crate::ir::EnumVariant)> {
    e.variants
        .iter()
        .map(|v| (v.wire_value.clone(), v))
        .collect()
}

fn fields(s: &Struct) -> Vec<(String, &Field)> {
    s.fields.iter().map(|f| (f.wire_name.clone(), f)).collect()
}

/// The required fields in the order `new(..)` takes them.
fn required(s: &Struct) -> Vec<&Field> {
    s.required_order
        .iter()
        .filter_map(|&i| s.fields.get(i))
        .filter(|f| !f.flatten)
        .collect()
}

fn untagged(variants: &[crate::ir::UntaggedVariant]) -> Vec<Variant<'_>> {
    variants
        .iter()
        .map(|v| Variant {
            name: &v.rust_name,
            ty: &v.ty,
            tags: &[],
        })
        .collect()
}

fn tagged(t: &crate::ir::Tagged) -> Vec<Variant<'_>> {
    t.variants
        .iter()
        .map(|v| Variant {
            name: &v.rust_name,
            ty: &v.ty,
            tags: &v.tags,
        })
        .collect()
}

/// A variant of a union, tagged or not.
struct Variant<'a> {
    name: &'a str,
    ty: &'a TypeRef,
    tags: &'a [String],
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

/// Two kinds the per-kind comparisons above do not cover are the same: aliases of the same
/// type.
fn same_alias(old: &Side, b: &TypeKind, new: &Side, a: &TypeKind) -> bool {
    match (b, a) {
        (TypeKind::Alias(x), TypeKind::Alias(y)) => same_type(old, x, new, y),
        _ => true,
    }
}

fn describe(side: &Side, t: &TypeDef) -> String {
    match &t.kind {
        TypeKind::Alias(ty) => format!("an alias of `{}`", side.shown(ty)),
        kind => kind_name(kind).to_owned(),
    }
}
