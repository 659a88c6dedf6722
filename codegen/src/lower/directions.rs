//! readOnly and writeOnly: what is sent and what is read. A schema that reaches both
//! request bodies and responses and has a readOnly or writeOnly property (or holds such a
//! type) becomes two types: the one read keeps its name and leaves out writeOnly properties,
//! the one sent (`<Name>Input`) leaves out readOnly ones, so that its constructor does not
//! ask for what the server assigns. A type used in one direction only stays one type,
//! without the properties that direction never carries.

use crate::ir::{BodyKind, Operation, QueryLayout, TypeDef, TypeId, TypeKind, TypeRef};
use crate::naming::{self, Namespace};
use foldhash::{HashSet, HashSetExt};
use std::collections::BTreeMap;

/// Splits the types as described above; returns how many types were added.
pub(super) fn split(
    types: &mut Vec<TypeDef>,
    operations: &mut [Operation],
    webhook_roots: &[TypeRef],
    names: &mut Namespace,
) -> usize {
    let mut read_roots = Vec::new();
    for ty in webhook_roots {
        named_in(ty, &mut read_roots);
    }
    let mut sent_roots = Vec::new();
    for op in operations.iter() {
        for ty in op.responses.iter().flat_map(|r| r.read_types()) {
            named_in(ty, &mut read_roots);
        }
        if let Some(p) = &op.pagination {
            named_in(&p.item, &mut read_roots);
        }
        if let Some(ty) = op.body.as_ref().and_then(|b| body_type(&b.kind)) {
            named_in(ty, &mut sent_roots);
        }
        for p in sent_params(op) {
            named_in(&p.ty, &mut sent_roots);
        }
    }
    let read = reach(types, read_roots);
    let sent = reach(types, sent_roots);
    let directed = |t: &TypeDef| match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| f.read_only || f.write_only),
        _ => false,
    };
    // Types used both ways that differ by direction, themselves or through what they hold.
    let mut split: HashSet<TypeId> = (0..types.len())
        .map(TypeId)
        .filter(|id| read.contains(id) && sent.contains(id) && directed(&types[id.0]))
        .collect();
    loop {
        let more: Vec<TypeId> = (0..types.len())
            .map(TypeId)
            .filter(|id| !split.contains(id) && read.contains(id) && sent.contains(id))
            .filter(|id| {
                types[id.0].kind.refs().into_iter().any(|ty| {
                    let mut held = Vec::new();
                    named_in(ty, &mut held);
                    held.iter().any(|h| split.contains(h))
                })
            })
            .collect();
        if more.is_empty() {
            break;
        }
        split.extend(more);
    }
    // The sent copies, in id order so that names are stable.
    let mut order: Vec<TypeId> = split.iter().copied().collect();
    order.sort();
    let mut sent_of: BTreeMap<TypeId, TypeId> = BTreeMap::new();
    for &id in &order {
        let original = &types[id.0];
        let mut copy = original.clone();
        copy.sent_form_of = Some(id);
        copy.name = names.claim(&naming::type_name(&format!("{} Input", original.name)));
        let note = format!(
            "The form of [`{}`] sent in requests: without its read-only properties.",
            original.name
        );
        copy.docs.description = Some(match copy.docs.description.take() {
            Some(text) => format!("{text}\n\n{note}"),
            None => note,
        });
        sent_of.insert(id, TypeId(types.len()));
        types.push(copy);
    }
    let to_sent = |ty: &mut TypeRef| ty.map_ids(&|id| sent_of.get(&id).copied().unwrap_or(id));
    for (&original, &copy) in &sent_of {
        drop_fields(&mut types[original.0], |f| f.write_only);
        let t = &mut types[copy.0];
        drop_fields(t, |f| f.read_only);
        for ty in t.kind.refs_mut() {
            to_sent(ty);
        }
    }
    // One direction only: that direction's properties, and the sent forms of what it holds.
    for (i, t) in types.iter_mut().enumerate() {
        let id = TypeId(i);
        if split.contains(&id) || t.sent_form_of.is_some() {
            continue;
        }
        match (read.contains(&id), sent.contains(&id)) {
            (false, true) => {
                drop_fields(t, |f| f.read_only);
                for ty in t.kind.refs_mut() {
                    to_sent(ty);
                }
            }
            (true, false) => drop_fields(t, |f| f.write_only),
            _ => {}
        }
    }
    for op in operations.iter_mut() {
        if let Some(body) = &mut op.body {
            if let BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart(ty) =
                &mut body.kind
            {
                to_sent(ty);
            }
        }
        for p in op.path_params.iter_mut().chain(
            op.params_struct
                .iter_mut()
                .flat_map(|ps| ps.params.iter_mut()),
        ) {
            to_sent(&mut p.ty);
        }
    }
    sent_of.len()
}

fn body_type(kind: &BodyKind) -> Option<&TypeRef> {
    match kind {
        BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart(ty) => Some(ty),
        BodyKind::Text | BodyKind::Bytes => None,
    }
}

fn sent_params(op: &Operation) -> impl Iterator<Item = &crate::ir::Param> {
    op.path_params
        .iter()
        .chain(op.params_struct.iter().flat_map(|ps| ps.params.iter()))
        .filter(|p| p.layout == QueryLayout::FlatObject || matches!(p.ty, TypeRef::Named(_)))
}

fn named_in(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            named_in(inner, out)
        }
        _ => {}
    }
}

/// Every type reachable from `work`.
fn reach(types: &[TypeDef], mut work: Vec<TypeId>) -> HashSet<TypeId> {
    let mut seen = HashSet::new();
    while let Some(id) = work.pop() {
        let Some(t) = types.get(id.0) else { continue };
        if !seen.insert(id) {
            continue;
        }
        for ty in t.kind.refs() {
            named_in(ty, &mut work);
        }
    }
    seen
}

/// Removes the fields `gone` picks, keeping the constructor's order of the others.
fn drop_fields(t: &mut TypeDef, gone: impl Fn(&crate::ir::Field) -> bool) {
    let TypeKind::Struct(s) = &mut t.kind else {
        return;
    };
    if !s.fields.iter().any(&gone) {
        return;
    }
    let kept: Vec<bool> = s.fields.iter().map(|f| !gone(f)).collect();
    for f in s.fields.iter().filter(|f| gone(f)) {
        s.left_out.push(crate::ir::LeftOut {
            pointer: f.pointer.clone(),
            rust_name: f.rust_name.clone(),
            read_only: f.read_only,
        });
    }
    // Old index → new index of each kept field.
    let mut new_index = Vec::with_capacity(kept.len());
    let mut next = 0;
    for &k in &kept {
        new_index.push(k.then(|| {
            next += 1;
            next - 1
        }));
    }
    s.required_order = s
        .required_order
        .iter()
        .filter_map(|&i| new_index.get(i).copied().flatten())
        .collect();
    let mut i = 0;
    s.fields.retain(|_| {
        i += 1;
        kept[i - 1]
    });
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, BodyKind, TypeKind, TypeRef};
    use std::path::Path;

    /// `Item` sent by `POST /items` and read back; `Log` only read; `Note` only sent.
    fn lower() -> Api {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    post:\n      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}\n  /logs:\n    get:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Log'}}}}\n  /notes:\n    post:\n      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}}\n      responses:\n        '204': {description: none}\ncomponents:\n  schemas:\n    Item: {type: object, required: [id, name], properties: {id: {type: string, readOnly: true}, name: {type: string}, secret: {type: string, writeOnly: true}, parts: {type: array, items: {$ref: '#/components/schemas/Part'}}}}\n    Part: {type: object, properties: {serial: {type: string, readOnly: true}, label: {type: string}}}\n    Plain: {type: object, properties: {id: {type: string, readOnly: true}}}\n    Log: {type: object, properties: {id: {type: string, readOnly: true}, token: {type: string, writeOnly: true}}}\n    Note: {type: object, required: [id, text], properties: {id: {type: string, readOnly: true}, text: {type: string}}}\n";
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        crate::lower::lower(&doc, &Default::default()).unwrap()
    }

    fn fields(api: &Api, ty: &str) -> Vec<String> {
        let t = api.types.iter().find(|t| t.name == ty).unwrap();
        let TypeKind::Struct(s) = &t.kind else {
            panic!("{ty} is not a struct")
        };
        s.fields.iter().map(|f| f.wire_name.clone()).collect()
    }

    #[test]
    fn a_schema_used_both_ways_is_split_with_what_it_holds() {
        let api = lower();
        assert_eq!(fields(&api, "Item"), ["id", "name", "parts"]);
        assert_eq!(fields(&api, "ItemInput"), ["name", "secret", "parts"]);
        assert_eq!(fields(&api, "Part"), ["serial", "label"]);
        assert_eq!(fields(&api, "PartInput"), ["label"]);
        let input = api.types.iter().find(|t| t.name == "ItemInput").unwrap();
        let TypeKind::Struct(s) = &input.kind else {
            panic!()
        };
        // The constructor takes the required properties that remain.
        let required: Vec<&str> = s
            .required_order
            .iter()
            .map(|&i| s.fields[i].wire_name.as_str())
            .collect();
        assert_eq!(required, ["name"]);
        // The sent form holds sent forms; the body is the sent form.
        let parts = s.fields.iter().find(|f| f.wire_name == "parts").unwrap();
        let TypeRef::Array(item) = &parts.ty else {
            panic!()
        };
        assert!(matches!(**item, TypeRef::Named(id) if api.ty(id).name == "PartInput"));
        let op = api.operations.iter().find(|o| o.path == "/items").unwrap();
        let Some(BodyKind::Json(TypeRef::Named(body))) = op.body.as_ref().map(|b| &b.kind) else {
            panic!()
        };
        assert_eq!(api.ty(*body).name, "ItemInput");
    }

    #[test]
    fn a_schema_used_one_way_stays_one_type_without_the_other_ways_properties() {
        let api = lower();
        assert_eq!(fields(&api, "Log"), ["id"]);
        assert_eq!(fields(&api, "Note"), ["text"]);
        // Used by no operation: every property kept, no sent form.
        assert_eq!(fields(&api, "Plain"), ["id"]);
        for name in ["LogInput", "NoteInput", "PlainInput"] {
            assert!(api.types.iter().all(|t| t.name != name), "{name}");
        }
    }
}
