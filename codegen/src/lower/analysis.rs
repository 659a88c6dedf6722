//! Whole-API analyses once every type exists: cycles (boxed fields, `$ref` loops with no
//! type in between), which types can derive `Default`, which are written into queries, and
//! which features (tags) use each type.

use crate::ir::{
    BodyKind, Features, Fixed, Operation, ParamField, ResponseBody, TypeDef, TypeId, TypeKind,
    TypeRef,
};

/// Runs every analysis; returns `(pointer, message)` for each problem.
pub(super) fn analyse(
    types: &mut [TypeDef],
    operations: &mut [Operation],
) -> Vec<(String, String)> {
    implicit_tags(types);
    guards(types);
    most_specific_first(types);
    let scc = strongly_connected(types);
    let errors = alias_cycles(types, &scc);
    box_cycles(types, &scc);
    box_large_variants(types, operations);
    derive_default(types, operations);
    mark_query_types(types, operations);
    errors
}

/// The guard of each variant of an untagged union (see `Guard`): without one, a closed
/// member with few properties takes every object (Adyen's `ForceRebootDetails`, only `type`,
/// took the `appId` of `InstallAndroidAppDetails` and dropped it). The keys each struct
/// variant declares rank the variants for an object: among open members whose properties are
/// all optional, the first would take every object and drop what it lacks (PagerDuty's alert
/// grouping `config`: the time window member took `{"timeout": 60}`, the member with
/// `timeout` came second).
fn guards(types: &mut [TypeDef]) {
    for i in 0..types.len() {
        let TypeKind::Untagged(variants) = &types[i].kind else {
            continue;
        };
        let kind_of = |id: TypeId| types.get(id.0).map(|t| &t.kind);
        let found: Vec<crate::ir::Guard> = variants
            .iter()
            .map(|v| {
                let TypeRef::Named(id) = &v.ty else {
                    return Default::default();
                };
                let Some(TypeKind::Struct(s)) =
                    crate::ir::struct_behind(*id, kind_of).and_then(kind_of)
                else {
                    return Default::default();
                };
                let fields = s.fields.iter().filter(|f| !f.flatten);
                let declared: Vec<String> = fields.clone().map(|f| f.wire_name.clone()).collect();
                crate::ir::Guard {
                    keys: s.closed.then(|| declared.clone()),
                    declared,
                    fixed: fields
                        .filter_map(|f| {
                            let fixed = match crate::ir::enum_values_behind(&f.ty, kind_of) {
                                Some(values) if values.len() == 1 => {
                                    Fixed::String(values[0].clone())
                                }
                                _ => Fixed::Integer(f.one_integer?),
                            };
                            Some((f.wire_name.clone(), fixed))
                        })
                        .collect(),
                }
            })
            .collect();
        if let TypeKind::Untagged(variants) = &mut types[i].kind {
            for (variant, guard) in variants.iter_mut().zip(found) {
                variant.guard = guard;
            }
        }
    }
}

/// Untagged unions decode into the first variant that accepts the value, and a struct
/// accepts objects with keys it does not declare: a variant with fewer required properties
/// would take values meant for a richer one and drop what it lacks (Twilio's A2P campaign:
/// `v1` without `privacy_policy_url`, `v2` requiring it). Variants with more required
/// properties are tried first; the spec's order otherwise.
fn most_specific_first(types: &mut [TypeDef]) {
    let required = |types: &[TypeDef], ty: &TypeRef| -> usize {
        let TypeRef::Named(id) = ty else { return 0 };
        let kind_of = |id: TypeId| types.get(id.0).map(|t| &t.kind);
        match crate::ir::struct_behind(*id, kind_of).and_then(kind_of) {
            Some(TypeKind::Struct(s)) => s.fields.iter().filter(|f| f.required).count(),
            _ => 0,
        }
    };
    for i in 0..types.len() {
        let TypeKind::Untagged(variants) = &types[i].kind else {
            continue;
        };
        let counts: Vec<usize> = variants.iter().map(|v| required(types, &v.ty)).collect();
        if counts.windows(2).all(|w| w[0] >= w[1]) {
            continue;
        }
        let mut order: Vec<usize> = (0..counts.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(counts[k]));
        if let TypeKind::Untagged(variants) = &mut types[i].kind {
            let old = std::mem::take(variants);
            let mut slots: Vec<Option<crate::ir::UntaggedVariant>> =
                old.into_iter().map(Some).collect();
            *variants = order.iter().filter_map(|&k| slots[k].take()).collect();
        }
    }
}

/// A union without a discriminator whose variants are objects told apart by a property every
/// one of them restricts to its own values (`type: InstallAndroidApp`): decoding by that
/// property, not by trying each variant in turn (the first would take them all, dropping
/// fields, when the others' fields are optional).
fn implicit_tags(types: &mut [TypeDef]) {
    use crate::ir::{Tagged, TaggedVariant};
    // The values a required string-enum property allows (Adyen's SDK action: `sdk` or
    // `wechatpaySDK`).
    let fixed_values = |types: &[TypeDef], ty: &TypeRef| {
        crate::ir::enum_values_behind(ty, |id: TypeId| types.get(id.0).map(|t| &t.kind))
    };
    for i in 0..types.len() {
        let TypeKind::Untagged(variants) = &types[i].kind else {
            continue;
        };
        // Each variant's struct and its enum-valued required properties.
        let mut fixed: Vec<Vec<(String, Vec<String>)>> = Vec::new();
        for v in variants {
            let TypeRef::Named(id) = &v.ty else { break };
            let kind_of = |id: TypeId| types.get(id.0).map(|t| &t.kind);
            let Some(TypeKind::Struct(s)) =
                crate::ir::struct_behind(*id, kind_of).and_then(kind_of)
            else {
                break;
            };
            fixed.push(
                s.fields
                    .iter()
                    .filter(|f| f.required && !f.flatten)
                    .filter_map(|f| Some((f.wire_name.clone(), fixed_values(types, &f.ty)?)))
                    .collect(),
            );
        }
        if fixed.len() != variants.len() || fixed.len() < 2 {
            continue;
        }
        // A property every variant restricts, to sets of values no two variants share.
        let property = fixed[0].iter().map(|(name, _)| name).find(|name| {
            let sets: Option<Vec<&Vec<String>>> = fixed
                .iter()
                .map(|f| f.iter().find(|(n, _)| n == *name).map(|(_, v)| v))
                .collect();
            sets.is_some_and(|sets| {
                let all: Vec<&String> = sets.iter().flat_map(|s| s.iter()).collect();
                let distinct: std::collections::BTreeSet<&&String> = all.iter().collect();
                distinct.len() == all.len()
            })
        });
        let Some(property) = property.cloned() else {
            continue;
        };
        let tagged: Vec<TaggedVariant> = variants
            .iter()
            .zip(&fixed)
            .map(|(v, f)| TaggedVariant {
                rust_name: v.rust_name.clone(),
                tags: f
                    .iter()
                    .filter(|(n, _)| *n == property)
                    .flat_map(|(_, values)| values.iter().cloned())
                    .collect(),
                ty: v.ty.clone(),
                boxed: v.boxed,
            })
            .collect();
        let fallback = ["Unknown", "Other", "UnlistedKind"]
            .into_iter()
            .find(|c| !tagged.iter().any(|v| v.rust_name == *c))
            .unwrap_or("UnknownVariant")
            .to_owned();
        types[i].kind = TypeKind::Tagged(Tagged {
            property,
            variants: tagged,
            fallback,
        });
    }
}

/// A type contained without indirection (`Vec` and maps are already on the heap).
fn direct_target(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        _ => None,
    }
}

fn direct_edges(def: &TypeDef) -> Vec<TypeId> {
    def.kind
        .refs()
        .into_iter()
        .filter_map(direct_target)
        .collect()
}

/// Tarjan's algorithm, iterative so that deep type graphs cannot overflow the stack.
/// Returns the component index of every type.
fn strongly_connected(types: &[TypeDef]) -> Vec<usize> {
    let n = types.len();
    let edges: Vec<Vec<TypeId>> = types.iter().map(direct_edges).collect();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next edge to visit)
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&TypeId(w)) = edges[v].get(*edge) {
                *edge += 1;
                if w >= n {
                    continue;
                }
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

fn in_cycle(types: &[TypeDef], scc: &[usize], from: usize, to: TypeId) -> bool {
    to.0 < types.len() && scc[from] == scc[to.0]
}

/// `A: $ref B`, `B: $ref A`: a cycle made only of aliases names no type at all.
fn alias_cycles(types: &mut [TypeDef], scc: &[usize]) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    let mut reported = std::collections::HashSet::new();
    for i in 0..types.len() {
        let TypeKind::Alias(ty) = &types[i].kind else {
            continue;
        };
        let Some(target) = direct_target(ty) else {
            continue;
        };
        if !in_cycle(types, scc, i, target) {
            continue;
        }
        let members: Vec<usize> = (0..types.len()).filter(|&j| scc[j] == scc[i]).collect();
        if members
            .iter()
            .all(|&j| matches!(types[j].kind, TypeKind::Alias(_)))
        {
            if reported.insert(scc[i]) {
                let names: Vec<&str> = members.iter().map(|&j| types[j].pointer.as_str()).collect();
                errors.push((
                    types[i].pointer.clone(),
                    format!(
                        "`$ref` cycle with no type in between: {}",
                        names.join(" → ")
                    ),
                ));
            }
            // Break it so that emitting (if it ever runs) stays finite.
            types[i].kind = TypeKind::Alias(TypeRef::Json);
        }
    }
    errors
}

fn box_cycles(types: &mut [TypeDef], scc: &[usize]) {
    let n = types.len();
    for i in 0..n {
        let kind = std::mem::replace(&mut types[i].kind, TypeKind::Alias(TypeRef::Json));
        let kind = match kind {
            TypeKind::Struct(mut s) => {
                for f in &mut s.fields {
                    f.boxed = direct_target(&f.ty).is_some_and(|t| t.0 < n && scc[i] == scc[t.0]);
                }
                TypeKind::Struct(s)
            }
            TypeKind::Untagged(mut vs) => {
                for v in &mut vs {
                    v.boxed = direct_target(&v.ty).is_some_and(|t| t.0 < n && scc[i] == scc[t.0]);
                }
                TypeKind::Untagged(vs)
            }
            TypeKind::Tagged(mut t) => {
                for v in &mut t.variants {
                    v.boxed = direct_target(&v.ty).is_some_and(|t| t.0 < n && scc[i] == scc[t.0]);
                }
                TypeKind::Tagged(t)
            }
            other => other,
        };
        types[i].kind = kind;
    }
}

/// Variants this many bytes (estimated) or larger are boxed, so that an enum is not the size
/// of its largest variant (clippy's `large_enum_variant` asks for 200 bytes of difference).
pub(super) const LARGE_VARIANT: usize = 128;

/// A rough size of a type's Rust value in bytes (`String`, `Vec`, maps 24, JSON values 32,
/// `Option` adds a word, structs their fields); boxed and recursive uses count as a pointer.
pub(super) fn estimate_size(types: &[TypeDef], ty: &TypeRef, depth: usize) -> usize {
    if depth > 8 {
        return 8;
    }
    match ty {
        TypeRef::String | TypeRef::Array(_) | TypeRef::Map(_) => 24,
        TypeRef::Json => 32,
        TypeRef::Binary => 72,
        TypeRef::Integer(_) | TypeRef::Number(_) => 8,
        TypeRef::Boolean => 1,
        TypeRef::DateTime => 12,
        TypeRef::Date => 4,
        TypeRef::Nullable(inner) => estimate_size(types, inner, depth + 1) + 8,
        TypeRef::Named(id) => match types.get(id.0).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => s
                .fields
                .iter()
                .map(|f| {
                    let inner = if f.boxed {
                        8
                    } else {
                        estimate_size(types, &f.ty, depth + 1)
                    };
                    inner + if f.optional() { 8 } else { 0 }
                })
                .sum::<usize>()
                .max(1),
            Some(TypeKind::StringEnum(_)) => 24,
            Some(TypeKind::Alias(target)) => estimate_size(types, target, depth + 1),
            Some(TypeKind::Untagged(vs)) => {
                vs.iter()
                    .map(|v| {
                        if v.boxed {
                            8
                        } else {
                            estimate_size(types, &v.ty, depth + 1)
                        }
                    })
                    .max()
                    .unwrap_or(0)
                    + 8
            }
            Some(TypeKind::Tagged(t)) => {
                t.variants
                    .iter()
                    .map(|v| {
                        if v.boxed {
                            8
                        } else {
                            estimate_size(types, &v.ty, depth + 1)
                        }
                    })
                    .max()
                    .unwrap_or(32)
                    .max(32)
                    + 8
            }
            None => 8,
        },
    }
}

/// Boxes the large variants of unions and success enums (see [`LARGE_VARIANT`]).
fn box_large_variants(types: &mut [TypeDef], operations: &mut [Operation]) {
    for i in 0..types.len() {
        let sizes: Vec<usize> = match &types[i].kind {
            TypeKind::Untagged(vs) => vs.iter().map(|v| estimate_size(types, &v.ty, 0)).collect(),
            TypeKind::Tagged(t) => t
                .variants
                .iter()
                .map(|v| estimate_size(types, &v.ty, 0))
                .collect(),
            _ => continue,
        };
        match &mut types[i].kind {
            TypeKind::Untagged(vs) => {
                for (v, size) in vs.iter_mut().zip(sizes) {
                    v.boxed |= size >= LARGE_VARIANT;
                }
            }
            TypeKind::Tagged(t) => {
                for (v, size) in t.variants.iter_mut().zip(sizes) {
                    v.boxed |= size >= LARGE_VARIANT;
                }
            }
            _ => {}
        }
    }
    for op in operations {
        if let Some(e) = &mut op.success_enum {
            for v in &mut e.variants {
                if let ResponseBody::Json(ty) = &v.body {
                    v.boxed = estimate_size(types, ty, 0) >= LARGE_VARIANT;
                }
            }
        }
    }
}

fn defaultable(types: &[TypeDef], ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(id) => match types.get(id.0).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => s.derive_default,
            Some(TypeKind::Alias(inner)) => defaultable_shallow(inner),
            _ => false,
        },
        _ => true,
    }
}

fn defaultable_shallow(ty: &TypeRef) -> bool {
    !matches!(ty, TypeRef::Named(_))
}

/// A struct derives `Default` when every field that must be present has a default value;
/// computed as a fixpoint from "all can" downwards, so cycles resolve to "cannot".
fn derive_default(types: &mut [TypeDef], operations: &mut [Operation]) {
    loop {
        let mut changed = false;
        for i in 0..types.len() {
            let TypeKind::Struct(s) = &types[i].kind else {
                continue;
            };
            if !s.derive_default {
                continue;
            }
            let ok = s
                .fields
                .iter()
                .all(|f| f.optional() || (!f.boxed && defaultable(types, &f.ty)));
            if !ok {
                if let TypeKind::Struct(s) = &mut types[i].kind {
                    s.derive_default = false;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    for op in operations {
        if let Some(ps) = &mut op.params_struct {
            ps.derive_default = ps
                .params
                .iter()
                .all(|p| !p.required || defaultable(types, &p.ty));
        }
        // The stream sets `params.page.get_or_insert_with(Default::default).number`.
        let walked = op.pagination.as_ref().and_then(|p| p.style.walked());
        if let (
            Some(ParamField {
                param,
                field: Some(_),
                ..
            }),
            Some(ps),
        ) = (walked, &op.params_struct)
        {
            let page_ty = ps
                .params
                .iter()
                .find(|p| &p.rust_name == param)
                .map(|p| &p.ty);
            if !page_ty.is_some_and(|ty| defaultable(types, ty)) {
                op.pagination = None;
            }
        }
    }
}

/// Marks every struct reachable from a parameter: those implement the crate's `ToQuery`
/// encoding (headers and path segments use its scalar form).
fn mark_query_types(types: &mut [TypeDef], operations: &[Operation]) {
    let mut work: Vec<TypeId> = Vec::new();
    let mut form_bodies: Vec<TypeId> = Vec::new();
    let mut multipart_bodies: Vec<TypeId> = Vec::new();
    for op in operations {
        let params = op
            .path_params
            .iter()
            .chain(op.params_struct.iter().flat_map(|ps| ps.params.iter()));
        for p in params {
            collect_named(&p.ty, &mut work);
        }
        match op.body.as_ref().map(|b| &b.kind) {
            Some(crate::ir::BodyKind::Form(ty)) => {
                collect_named(ty, &mut work);
                if let TypeRef::Named(id) = ty {
                    form_bodies.push(*id);
                }
            }
            // Lowering points a multipart body at its struct (aliases already followed).
            Some(crate::ir::BodyKind::Multipart(TypeRef::Named(id))) => multipart_bodies.push(*id),
            _ => {}
        }
    }
    for id in form_bodies {
        if let Some(t) = types.get_mut(id.0) {
            t.form_body = true;
        }
    }
    // A union body's variants write their parts themselves.
    let variants: Vec<TypeId> = multipart_bodies
        .iter()
        .filter_map(|id| types.get(id.0))
        .filter(|t| matches!(t.kind, TypeKind::Untagged(_) | TypeKind::Tagged(_)))
        .flat_map(|t| t.kind.refs())
        .filter_map(|ty| match ty {
            TypeRef::Named(v) => crate::ir::struct_behind(*v, |x| types.get(x.0).map(|t| &t.kind)),
            _ => None,
        })
        .collect();
    for id in multipart_bodies.into_iter().chain(variants) {
        if let Some(t) = types.get_mut(id.0) {
            t.multipart_body = true;
        }
    }
    let mut seen = vec![false; types.len()];
    while let Some(id) = work.pop() {
        if id.0 >= types.len() || seen[id.0] {
            continue;
        }
        seen[id.0] = true;
        types[id.0].in_query = true;
        for ty in types[id.0].kind.refs() {
            collect_named(ty, &mut work);
        }
    }
}

/// The types an operation uses directly: parameters, body, responses, stream items.
fn operation_types(op: &Operation) -> Vec<&TypeRef> {
    let mut out: Vec<&TypeRef> = op
        .path_params
        .iter()
        .chain(op.params_struct.iter().flat_map(|ps| ps.params.iter()))
        .map(|p| &p.ty)
        .collect();
    if let Some(body) = &op.body {
        match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart(ty) => out.push(ty),
            BodyKind::Text | BodyKind::Bytes => {}
        }
    }
    for r in &op.responses {
        out.extend(r.read_types());
    }
    out.extend(op.pagination.as_ref().map(|p| &p.item));
    out
}

/// Which groups' operations use each type, directly or through other types; types no
/// operation uses compile under `other-schemas`. Returns whether there are any of those.
pub(super) fn features(
    types: &mut [TypeDef],
    operations: &[Operation],
    webhooks: &[&TypeRef],
) -> bool {
    for t in types.iter_mut() {
        t.features = Features::default();
    }
    // Webhook payloads compile under `webhooks`, with what they hold.
    let mut work = Vec::new();
    for ty in webhooks {
        collect_named(ty, &mut work);
    }
    while let Some(id) = work.pop() {
        let Some(t) = types.get_mut(id.0) else {
            continue;
        };
        if std::mem::replace(&mut t.features.webhooks, true) {
            continue;
        }
        for ty in t.kind.refs() {
            collect_named(ty, &mut work);
        }
    }
    for op in operations {
        let mut work = Vec::new();
        for ty in operation_types(op) {
            collect_named(ty, &mut work);
        }
        while let Some(id) = work.pop() {
            let Some(t) = types.get_mut(id.0) else {
                continue;
            };
            if !t.features.groups.insert(op.group) {
                continue; // already reached from this group, and everything below it
            }
            for ty in t.kind.refs() {
                collect_named(ty, &mut work);
            }
        }
    }
    serde_directions(types, operations, webhooks);
    partial_eq(types);
    // Schemas no operation or webhook uses compile under `other-schemas`, with what they use.
    let mut work: Vec<TypeId> = (0..types.len())
        .filter(|&i| types[i].features.groups.is_empty() && !types[i].features.webhooks)
        .map(TypeId)
        .collect();
    let other = !work.is_empty();
    while let Some(id) = work.pop() {
        let Some(t) = types.get_mut(id.0) else {
            continue;
        };
        if std::mem::replace(&mut t.features.other_schemas, true) {
            continue;
        }
        for ty in t.kind.refs() {
            collect_named(ty, &mut work);
        }
    }
    other
}

/// Which types are read from responses (both serde directions) and which are sent as JSON
/// (`Serialize`); schemas no operation uses keep both.
fn serde_directions(types: &mut [TypeDef], operations: &[Operation], webhooks: &[&TypeRef]) {
    let mut read = Vec::new();
    for ty in webhooks {
        collect_named(ty, &mut read);
    }
    let mut sent = Vec::new();
    for op in operations {
        for ty in op.responses.iter().flat_map(|r| r.read_types()) {
            collect_named(ty, &mut read);
        }
        if let Some(p) = &op.pagination {
            collect_named(&p.item, &mut read);
        }
        if let Some(BodyKind::Json(ty) | BodyKind::Multipart(ty)) =
            op.body.as_ref().map(|b| &b.kind)
        {
            collect_named(ty, &mut sent);
        }
        // A `form` object that is not exploded is written through its JSON form.
        let params = op
            .path_params
            .iter()
            .chain(op.params_struct.iter().flat_map(|ps| ps.params.iter()));
        for p in params.filter(|p| p.layout == crate::ir::QueryLayout::FlatObject) {
            collect_named(&p.ty, &mut sent);
        }
    }
    read.extend(
        (0..types.len())
            .filter(|&i| types[i].features.groups.is_empty() && !types[i].features.webhooks)
            .map(TypeId),
    );
    let mut mark = |work: &mut Vec<TypeId>, both: bool| {
        while let Some(id) = work.pop() {
            let Some(t) = types.get_mut(id.0) else {
                continue;
            };
            let before = t.serde;
            t.serde.serialize = true;
            t.serde.deserialize |= both;
            if t.serde == before {
                continue;
            }
            for ty in t.kind.refs() {
                collect_named(ty, work);
            }
        }
    };
    mark(&mut read, true);
    mark(&mut sent, false);
}

/// `PartialEq` for what is not read from responses, and holds nothing that is; a fixpoint, so
/// that cycles settle. String enums always compare (they hold no other type).
fn partial_eq(types: &mut [TypeDef]) {
    for t in types.iter_mut() {
        t.partial_eq = !t.serde.deserialize || matches!(t.kind, TypeKind::StringEnum(_));
    }
    loop {
        let mut changed = false;
        for i in 0..types.len() {
            if !types[i].partial_eq {
                continue;
            }
            let compares = types[i]
                .kind
                .refs()
                .into_iter()
                .all(|ty| match ty.innermost() {
                    TypeRef::Named(id) => types.get(id.0).is_some_and(|t| t.partial_eq),
                    _ => true,
                });
            if !compares {
                types[i].partial_eq = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Whether every named type `ty` holds derives `PartialEq`.
pub(super) fn compares(types: &[TypeDef], ty: &TypeRef) -> bool {
    match ty.innermost() {
        TypeRef::Named(id) => types.get(id.0).is_some_and(|t| t.partial_eq),
        _ => true,
    }
}

fn collect_named(ty: &TypeRef, out: &mut Vec<TypeId>) {
    if let TypeRef::Named(id) = ty.innermost() {
        out.push(*id);
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeKind};
    use std::path::Path;

    fn lower(schemas: &str) -> Result<Api, String> {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        let doc =
            crate::load::parse(Path::new("t.yml"), text.as_bytes()).map_err(|e| e.to_string())?;
        crate::lower::lower(&doc, &Default::default()).map_err(|e| e.to_string())
    }

    fn field<'a>(api: &'a Api, ty: &str, field: &str) -> &'a crate::ir::Field {
        let t = api.types.iter().find(|t| t.name == ty).unwrap();
        let TypeKind::Struct(s) = &t.kind else {
            panic!("{ty} is not a struct")
        };
        s.fields.iter().find(|f| f.rust_name == field).unwrap()
    }

    #[test]
    fn direct_cycles_are_boxed_and_indirect_ones_are_not() {
        let api = lower(
            "    A: {type: object, required: [b], properties: {b: {$ref: '#/components/schemas/B'}, list: {type: array, items: {$ref: '#/components/schemas/A'}}}}\n\
             \x20   B: {type: object, properties: {a: {$ref: '#/components/schemas/A'}, c: {$ref: '#/components/schemas/C'}}}\n\
             \x20   C: {type: object, properties: {n: {type: integer}}}\n",
        )
        .unwrap();
        assert!(field(&api, "A", "b").boxed, "A → B → A is a cycle");
        assert!(field(&api, "B", "a").boxed);
        assert!(!field(&api, "B", "c").boxed, "C is outside the cycle");
        assert!(
            !field(&api, "A", "list").boxed,
            "a Vec already breaks the cycle"
        );
    }

    #[test]
    fn reference_loops_without_a_type_are_reported() {
        let e = lower(
            "    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
        )
        .unwrap_err();
        assert!(e.contains("`$ref` cycle with no type in between"), "{e}");
        assert!(
            e.contains("#/components/schemas/A") && e.contains("#/components/schemas/B"),
            "{e}"
        );
    }

    #[test]
    fn default_is_derived_only_when_required_fields_have_defaults() {
        let api = lower(
            "    Optional: {type: object, properties: {x: {type: string}}}\n\
             \x20   NeedsEnum: {type: object, required: [kind], properties: {kind: {type: string, enum: [a, b]}}}\n\
             \x20   NeedsStruct: {type: object, required: [inner], properties: {inner: {$ref: '#/components/schemas/NeedsEnum'}}}\n\
             \x20   NeedsString: {type: object, required: [s], properties: {s: {type: string}}}\n",
        )
        .unwrap();
        let default = |name: &str| match &api.types.iter().find(|t| t.name == name).unwrap().kind {
            TypeKind::Struct(s) => s.derive_default,
            _ => unreachable!(),
        };
        assert!(default("Optional"));
        assert!(default("NeedsString"), "String has a default");
        assert!(!default("NeedsEnum"), "an enum has none");
        assert!(!default("NeedsStruct"), "nor does a struct that needs one");
    }
}
