//! Schemas → types. Component schemas fill the ids reserved for them; inline objects and
//! enums become named types whose names come from their context (`Parent` + `property`).

use super::{resolve, Lowerer};
use crate::ir::{
    Docs, EnumVariant, Field, FloatWidth, IntWidth, StringEnum, Struct, Tagged, TaggedVariant,
    TypeDef, TypeId, TypeKind, TypeRef, UntaggedVariant,
};
use crate::naming::{self, Namespace};
use crate::pointer;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat,
    Type, VariantOrUnknownOrEmpty,
};

/// A schema position: a reference or an inline schema (boxed or not in openapiv3).
#[derive(Clone, Copy)]
pub(super) enum SchemaRef<'s> {
    Ref(&'s str),
    Item(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(r: &'s ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

use crate::normalize::NULL_MARKER;

/// One statement of a property among merged objects: its schema, its pointer, and the name
/// its inline types are named after.
type Statement<'s> = (&'s ReferenceOr<Box<Schema>>, String, String);

/// The object-like view of a schema (typed `object` or untyped with properties).
struct ObjectView<'s> {
    properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
}

fn object_view(s: &Schema) -> Option<ObjectView<'_>> {
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(ObjectView {
            properties: &o.properties,
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        }),
        SchemaKind::Any(a) if !a.properties.is_empty() || a.typ.as_deref() == Some("object") => {
            Some(ObjectView {
                properties: &a.properties,
                required: &a.required,
                additional: a.additional_properties.as_ref(),
            })
        }
        _ => None,
    }
}

fn string_enum(s: &Schema) -> Option<Vec<String>> {
    let values: Vec<String> = match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => t.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Any(a) if a.typ.as_deref().is_none_or(|t| t == "string") => a
            .enumeration
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    (!values.is_empty()).then_some(values)
}

fn is_null_schema(s: &Schema) -> bool {
    s.schema_data.extensions.contains_key(NULL_MARKER)
}

/// `null` is a value of the schema: `nullable`, or a `oneOf`/`anyOf` with a `null` part
/// (which the union drops, leaving the `Option` to say it).
fn allows_null(s: &Schema) -> bool {
    let null_part = match &s.schema_kind {
        SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => parts
            .iter()
            .any(|p| matches!(p, ReferenceOr::Item(x) if is_null_schema(x))),
        _ => false,
    };
    s.schema_data.nullable || null_part
}

pub(super) fn docs_of(s: &Schema) -> Docs {
    let d = &s.schema_data;
    Docs {
        title: d.title.clone(),
        description: d.description.clone(),
        example: d.example.as_ref().map(|v| v.to_string()),
        default: d.default.as_ref().map(|v| v.to_string()),
    }
}

impl Lowerer<'_> {
    /// Defines a reserved type from a component schema. Components are defined on two
    /// threads (`fork.rs`): what this reads of the lowerer besides the document (names
    /// claimed, inline schemas looked up by pointer, the components' ids and names) is
    /// what the fork checks before taking a component over; a new read must be checked
    /// there too.
    pub(super) fn define_named(
        &mut self,
        id: TypeId,
        name: String,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
    ) {
        let (kind, docs) = match schema {
            ReferenceOr::Reference { reference } => (
                TypeKind::Alias(self.schema_ref(reference, pointer).0),
                Docs::default(),
            ),
            // `allOf: [$ref]` with annotations (or `$ref` with siblings, normalised so): the
            // same type under another name, not a copy of its fields (unless it wraps itself).
            ReferenceOr::Item(s) if single_ref(s).is_some_and(|r| r != pointer) => (
                TypeKind::Alias(
                    self.schema_ref(single_ref(s).unwrap_or_default(), pointer)
                        .0,
                ),
                docs_of(s),
            ),
            ReferenceOr::Item(s) => {
                self.merging.push(pointer.to_owned());
                let kind = self.definition(s, &name, pointer);
                self.merging.pop();
                let kind = match kind {
                    Some(kind) => kind,
                    // A nullable plain component (`type: [string, "null"]`) is an `Option`
                    // itself, wherever it is used (array items, bodies, aliases of it).
                    None if absorbs_null(s) => {
                        TypeKind::Alias(nullable((self.plain(s, &name, pointer), true)))
                    }
                    None => TypeKind::Alias(self.plain(s, &name, pointer)),
                };
                (kind, docs_of(s))
            }
        };
        self.define(
            id,
            TypeDef {
                name,
                pointer: pointer.to_owned(),
                docs,
                kind,
                in_query: false,
                form_body: false,
                multipart_body: false,
                module: self.modules[id.0].clone(),
                features: Default::default(),
                serde: Default::default(),
                partial_eq: true,
                sent_form_of: None,
            },
        );
    }

    /// A use of a schema: references resolve to their component type; inline objects, enums
    /// and unions become new types named from `hint`. Returns the type and whether `null`
    /// is allowed.
    pub(super) fn convert(
        &mut self,
        schema: SchemaRef<'_>,
        hint: &str,
        pointer: &str,
    ) -> (TypeRef, bool) {
        match schema {
            SchemaRef::Ref(reference) => self.schema_ref(reference, pointer),
            SchemaRef::Item(s) => {
                let nullable = allows_null(s);
                if let Some(reference) = single_ref(s) {
                    let (ty, target_nullable) = self.schema_ref(reference, pointer);
                    return (ty, nullable || target_nullable);
                }
                if self.needs_definition(s) {
                    // One inline schema is one type, however many merged structs reach it
                    // (an `allOf` of a component reuses the component's nested types).
                    if let Some(&id) = self.inline_types.get(pointer) {
                        if let Some(log) = &mut self.fork_log {
                            log.found(pointer, id);
                        }
                        return (TypeRef::Named(id), nullable);
                    }
                    let (id, name) = self.reserve(hint);
                    self.inline_types.insert(pointer.to_owned(), id);
                    if let Some(log) = &mut self.fork_log {
                        log.made(pointer, id);
                    }
                    let kind = self
                        .definition(s, &name, pointer)
                        .unwrap_or(TypeKind::Alias(TypeRef::Json));
                    self.define(
                        id,
                        TypeDef {
                            name,
                            pointer: pointer.to_owned(),
                            docs: docs_of(s),
                            kind,
                            in_query: false,
                            form_body: false,
                            multipart_body: false,
                            module: self.modules[id.0].clone(),
                            features: Default::default(),
                            serde: Default::default(),
                            partial_eq: true,
                            sent_form_of: None,
                        },
                    );
                    (TypeRef::Named(id), nullable)
                } else {
                    (self.plain(s, hint, pointer), nullable)
                }
            }
        }
    }

    /// `#/components/schemas/X` → the reserved type, and whether X itself is nullable.
    pub(super) fn schema_ref(&mut self, reference: &str, pointer: &str) -> (TypeRef, bool) {
        let schemas = self.api.components.as_ref().map(|c| &c.schemas);
        let name = reference
            .strip_prefix("#/components/schemas/")
            .map(pointer::reference_segment);
        match name.as_ref().and_then(|n| self.components.get(n)) {
            Some(&id) => {
                // A component whose alias absorbs `null` needs no `Option` around it.
                let nullable = matches!(
                    schemas.and_then(|m| m.get(name.as_deref().unwrap_or_default())),
                    Some(ReferenceOr::Item(s)) if allows_null(s)
                        && (self.needs_definition(s) || !absorbs_null(s))
                );
                (TypeRef::Named(id), nullable)
            }
            None => {
                let message = match resolve(schemas, "schemas", reference) {
                    Err(message) => message,
                    Ok(_) => format!("reference `{reference}` could not be resolved"),
                };
                self.error(pointer, message);
                (TypeRef::Json, false)
            }
        }
    }

    fn needs_definition(&self, s: &Schema) -> bool {
        if let Some(view) = object_view(s) {
            return !view.properties.is_empty();
        }
        if string_enum(s).is_some() {
            return true;
        }
        match &s.schema_kind {
            SchemaKind::AllOf { .. } => true,
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                self.union_parts(parts).len() > 1
            }
            SchemaKind::Any(a) => {
                !a.all_of.is_empty() || self.union_parts(&a.one_of).len() > 1 || {
                    self.union_parts(&a.any_of).len() > 1
                }
            }
            _ => false,
        }
    }

    fn union_parts<'s>(&self, parts: &'s [ReferenceOr<Schema>]) -> Vec<&'s ReferenceOr<Schema>> {
        parts
            .iter()
            .filter(|p| !matches!(p, ReferenceOr::Item(s) if is_null_schema(s)))
            .collect()
    }

    /// The definition of a type that needs one, or `None` when it is a plain use.
    fn definition(&mut self, s: &Schema, name: &str, pointer: &str) -> Option<TypeKind> {
        if let Some(view) = object_view(s) {
            if !view.properties.is_empty() {
                return Some(TypeKind::Struct(self.fields(
                    &[(view, pointer.to_owned())],
                    name,
                    None,
                )));
            }
        }
        if let Some(values) = string_enum(s) {
            return Some(TypeKind::StringEnum(enum_of(values)));
        }
        match &s.schema_kind {
            SchemaKind::AllOf { all_of } => Some(self.all_of(all_of, name, pointer, "allOf")),
            SchemaKind::OneOf { one_of } => self
                .tagged(s, one_of)
                .or_else(|| self.union(one_of, name, pointer, "oneOf")),
            SchemaKind::AnyOf { any_of } => self
                .tagged(s, any_of)
                .or_else(|| self.any_of_objects(any_of, name, pointer))
                .or_else(|| self.union(any_of, name, pointer, "anyOf")),
            SchemaKind::Any(a) if !a.all_of.is_empty() => {
                Some(self.all_of(&a.all_of, name, pointer, "allOf"))
            }
            SchemaKind::Any(a) if !a.one_of.is_empty() => self
                .tagged(s, &a.one_of)
                .or_else(|| self.union(&a.one_of, name, pointer, "oneOf")),
            SchemaKind::Any(a) if !a.any_of.is_empty() => self
                .any_of_objects(&a.any_of, name, pointer)
                .or_else(|| self.union(&a.any_of, name, pointer, "anyOf")),
            _ => None,
        }
    }

    /// Types that need no definition of their own.
    fn plain(&mut self, s: &Schema, hint: &str, pointer: &str) -> TypeRef {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(s))
                if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary) =>
            {
                TypeRef::Binary
            }
            SchemaKind::Type(Type::String(s)) => self.string_type(match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
                _ => None,
            }),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Integer(i)) => TypeRef::Integer(int_width(match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
                // No format: i64, unless the schema's own default or example needs more
                // (DigitalOcean's Kafka settings default to 9223372036854776000, 2^63 as
                // JavaScript prints Long.MAX_VALUE).
                VariantOrUnknownOrEmpty::Empty => {
                    let beyond_i64 = |v: &Option<serde_json::Value>| {
                        v.as_ref()
                            .and_then(serde_json::Value::as_u64)
                            .is_some_and(|n| n > i64::MAX as u64)
                    };
                    (beyond_i64(&s.schema_data.default) || beyond_i64(&s.schema_data.example))
                        .then_some("uint64")
                }
            })),
            // `format: float` too: JSON numbers are decimal, and an `f32` would not write
            // back what it read (`0.87` → `0.8700000047683716`).
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number(FloatWidth::F64),
            SchemaKind::Type(Type::Array(a)) => {
                self.array(a.items.as_ref().map(SchemaRef::from), hint, pointer)
            }
            SchemaKind::Type(Type::Object(o)) => {
                self.map(o.additional_properties.as_ref(), hint, pointer)
            }
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                match self.union_parts(parts).as_slice() {
                    [single] => self.convert((*single).into(), hint, pointer).0,
                    _ => TypeRef::Json,
                }
            }
            SchemaKind::Any(a) => self.plain_any(a, hint, pointer),
            SchemaKind::Not { .. } | SchemaKind::AllOf { .. } => TypeRef::Json,
        }
    }

    fn plain_any(&mut self, a: &AnySchema, hint: &str, pointer: &str) -> TypeRef {
        let single_union = [&a.one_of, &a.any_of]
            .into_iter()
            .map(|parts| self.union_parts(parts))
            .find(|parts| parts.len() == 1);
        if let Some([single]) = single_union.as_deref() {
            return self.convert((*single).into(), hint, pointer).0;
        }
        match a.typ.as_deref() {
            Some("string") if a.format.as_deref() == Some("binary") => TypeRef::Binary,
            Some("string") => self.string_type(a.format.as_deref()),
            Some("boolean") => TypeRef::Boolean,
            Some("integer") => TypeRef::Integer(int_width(a.format.as_deref())),
            Some("number") => TypeRef::Number(FloatWidth::F64),
            Some("array") => self.array(a.items.as_ref().map(SchemaRef::from), hint, pointer),
            Some("object") => self.map(a.additional_properties.as_ref(), hint, pointer),
            _ if a.items.is_some() => {
                self.array(a.items.as_ref().map(SchemaRef::from), hint, pointer)
            }
            _ if a.additional_properties.is_some() => {
                self.map(a.additional_properties.as_ref(), hint, pointer)
            }
            _ => TypeRef::Json,
        }
    }

    /// A string by its format: dates typed as the settings say, other formats plain.
    fn string_type(&self, format: Option<&str>) -> TypeRef {
        match format {
            Some("date-time") if self.settings.types.typed_dates => TypeRef::DateTime,
            Some("date") if self.settings.types.typed_dates => TypeRef::Date,
            _ => TypeRef::String,
        }
    }

    fn array(&mut self, items: Option<SchemaRef<'_>>, hint: &str, pointer: &str) -> TypeRef {
        let item = match items {
            Some(items) => {
                nullable(self.convert(items, &format!("{hint} Item"), &format!("{pointer}/items")))
            }
            None => TypeRef::Json,
        };
        TypeRef::Array(Box::new(item))
    }

    fn map(
        &mut self,
        additional: Option<&AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        let value = match additional {
            Some(AdditionalProperties::Schema(schema)) => nullable(self.convert(
                schema.as_ref().into(),
                &format!("{hint} Value"),
                &format!("{pointer}/additionalProperties"),
            )),
            _ => TypeRef::Json,
        };
        TypeRef::Map(Box::new(value))
    }

    /// The struct of one or more object views (several for a merged `allOf`): fields in
    /// property order, constructor arguments in the order of the `required` lists.
    /// `open_member`: the pointer of a merged `anyOf` member that allows any other property
    /// (see `any_of_objects`).
    fn fields(
        &mut self,
        views: &[(ObjectView<'_>, String)],
        parent: &str,
        open_member: Option<&str>,
    ) -> Struct {
        let mut names = Namespace::default();
        let mut fields: Vec<Field> = Vec::new();
        // `required` of any member applies to the merged fields (a member may list a property
        // another one declares).
        let required_anywhere = |wire: &str| {
            views
                .iter()
                .any(|(v, _)| v.required.iter().any(|r| r == wire))
        };
        // Every statement of each property, in order: a later `allOf` member may refine an
        // earlier one's type (`data: array of objects` → `data: array of Station`).
        let mut statements: IndexMap<&str, Vec<Statement<'_>>> = IndexMap::new();
        for (view, pointer) in views {
            // A member that is another component names the inline types of its properties
            // after that component, so that they are the same types as the component's own.
            let owner = self
                .component_owner(pointer)
                .unwrap_or_else(|| parent.to_owned());
            for (wire_name, prop) in view.properties {
                let prop_pointer = format!("{pointer}/properties/{}", pointer::escape(wire_name));
                statements.entry(wire_name.as_str()).or_default().push((
                    prop,
                    prop_pointer,
                    owner.clone(),
                ));
            }
        }
        for (wire_name, stated) in statements {
            let Some(chosen) = self.most_specific(&stated) else {
                continue;
            };
            let (prop, prop_pointer, owner) = &stated[chosen];
            let (ty, nullable) = self.convert(
                (*prop).into(),
                &format!("{owner} {wire_name}"),
                prop_pointer,
            );
            let mut docs = property_docs(self, prop);
            if docs.description.is_none() {
                docs.description = stated
                    .iter()
                    .find_map(|(p, _, _)| property_docs(self, p).description);
            }
            let rust_name = names.claim(&naming::snake_name(wire_name));
            let one_integer = match ty {
                TypeRef::Integer(_) => one_value(prop).and_then(|v| v.as_i64()),
                _ => None,
            };
            fields.push(Field {
                pointer: prop_pointer.clone(),
                rename: naming::serde_name(&rust_name) != *wire_name,
                setter: String::new(),
                rust_name,
                wire_name: wire_name.to_owned(),
                ty,
                required: required_anywhere(wire_name),
                nullable,
                boxed: false,
                docs,
                flatten: false,
                read_only: matches!(prop, ReferenceOr::Item(s) if s.schema_data.read_only),
                write_only: matches!(prop, ReferenceOr::Item(s) if s.schema_data.write_only),
                lenient: false,
                one_integer,
            });
        }
        // Keys beyond the named ones, when the spec says there are any (absent means
        // "allowed" in JSON Schema, but capturing them everywhere would cost every decode).
        // A merged `anyOf` with an open member keeps them too: there, a value that another
        // member states in another type is valid, and is kept by key instead of lost.
        let additional = views
            .iter()
            .find_map(|(view, pointer)| match view.additional? {
                AdditionalProperties::Any(true) => Some((None, pointer.as_str())),
                AdditionalProperties::Schema(schema) => Some((Some(schema), pointer.as_str())),
                AdditionalProperties::Any(false) => None,
            })
            .or(open_member.map(|pointer| (None, pointer)));
        if let (Some((schema, pointer)), false) = (additional, fields.is_empty()) {
            let value = match schema {
                Some(schema) => {
                    self.convert(
                        schema.as_ref().into(),
                        &format!("{parent} Additional"),
                        &format!("{pointer}/additionalProperties"),
                    )
                    .0
                }
                None => TypeRef::Json,
            };
            fields.push(Field {
                pointer: format!("{pointer}/additionalProperties"),
                rust_name: names.claim("additional_properties"),
                setter: String::new(),
                wire_name: String::new(),
                rename: false,
                ty: TypeRef::Map(Box::new(value)),
                required: true,
                nullable: false,
                boxed: false,
                docs: Docs {
                    description: Some(
                        if open_member.is_some() {
                            "Properties the spec does not name, and values of the fields above \
                             in a type only another member of the `anyOf` allows, by key."
                        } else {
                            "Properties the spec does not name, by key."
                        }
                        .to_owned(),
                    ),
                    ..Docs::default()
                },
                flatten: true,
                read_only: false,
                write_only: false,
                lenient: false,
                one_integer: None,
            });
        }
        let setters = naming::setter_names(fields.iter().map(|f| f.rust_name.as_str()));
        for (field, setter) in fields.iter_mut().zip(setters) {
            field.setter = setter;
        }
        let mut required_order: Vec<usize> = Vec::new();
        for (view, _) in views {
            for wire in view.required {
                let position = fields
                    .iter()
                    .position(|f| !f.flatten && f.wire_name == *wire);
                if let Some(i) = position.filter(|i| !required_order.contains(i)) {
                    required_order.push(i);
                }
            }
        }
        // Closed only when a single object says so: under `allOf` each member's
        // `additionalProperties` sees only its own properties.
        let closed = matches!(views, [(view, _)] if matches!(view.additional, Some(AdditionalProperties::Any(false))));
        Struct {
            fields,
            required_order,
            derive_default: true,
            closed,
            left_out: Vec::new(),
        }
    }

    /// The name of the component a merged member's pointer is (or is an `allOf` part of), when
    /// it is not the type being defined.
    fn component_owner(&self, pointer: &str) -> Option<String> {
        let rest = pointer.strip_prefix("#/components/schemas/")?;
        let (segment, tail) = rest.split_once('/').unwrap_or((rest, ""));
        if !(tail.is_empty() || tail.starts_with("allOf/")) {
            return None;
        }
        let id = self.components.get(&pointer::unescape(segment))?;
        Some(self.names[id.0].clone())
    }

    /// Of the statements of one property in merged members, the one that says most about
    /// its values (the first of equals): a reference keeps its named type, an array of a
    /// named type beats an array of loose objects, any type beats none.
    fn most_specific(&self, stated: &[Statement<'_>]) -> Option<usize> {
        let mut best: Option<(usize, u32)> = None;
        for (i, (prop, _, _)) in stated.iter().enumerate() {
            let score = specificity((*prop).into(), 0);
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((i, score));
            }
        }
        best.map(|(i, _)| i)
    }

    /// `allOf`: the parts' properties merged into one struct; a single non-object part
    /// (a reference with a description beside it, say) is an alias.
    fn all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
        keyword: &str,
    ) -> TypeKind {
        let mut views = Vec::new();
        let mut others = Vec::new();
        self.collect_all_of(
            parts,
            &format!("{pointer}/{keyword}"),
            &mut views,
            &mut others,
            0,
        );
        if views.is_empty() {
            // DigitalOcean's `filesystem_label`: a string `$ref` and `{maxLength: 16}`. A part
            // that only constrains says nothing of the type; the one that does, decides.
            let typed: Vec<_> = others
                .iter()
                .filter(|(part, _)| !matches!(part, SchemaRef::Item(s) if constraint_only(s)))
                .collect();
            if let [(single, part_pointer)] = typed.as_slice() {
                return TypeKind::Alias(self.convert(*single, name, part_pointer).0);
            }
            return TypeKind::Alias(TypeRef::Json);
        }
        let depth = self.merging.len();
        self.merging.extend(views.iter().map(|(_, at)| at.clone()));
        let fields = self.fields(&views, name, None);
        self.merging.truncate(depth);
        TypeKind::Struct(fields)
    }

    /// `anyOf` whose members are all objects that agree on the properties they share: a value
    /// may match several at once (DigitalOcean's page links carry `first`/`prev` and
    /// `next`/`last` together), so one struct with every member's properties, all optional;
    /// an enum of the members would keep only one of them.
    fn any_of_objects(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
    ) -> Option<TypeKind> {
        let mut views = Vec::new();
        let mut others = Vec::new();
        self.collect_all_of(
            parts,
            &format!("{pointer}/anyOf"),
            &mut views,
            &mut others,
            0,
        );
        if views.len() < 2 || !others.is_empty() {
            return None;
        }
        // Members that fix one property to different values are alternatives, not parts of
        // one value (Discord's callbacks: `type: 8` with autocomplete `data`, `type: 9` with a
        // modal's): merged, one member's statement of the rest would win and the others could
        // not be sent. They are a union. Members that merely state a shared property
        // differently stay merged: a struct of optional fields loses nothing it reads.
        let conflict = views.iter().enumerate().any(|(i, (a, _))| {
            views[i + 1..].iter().any(|(b, _)| {
                a.properties.iter().any(|(key, schema)| {
                    b.properties.get(key).is_some_and(|other| {
                        matches!((one_value(schema), one_value(other)), (Some(x), Some(y)) if x != y)
                    })
                })
            })
        });
        if conflict {
            return None;
        }
        // PagerDuty's related-incident `metadata`: a value with `dependent_services` as an
        // object is valid through an open member that does not state it. Such fields are
        // lenient, and the struct keeps what they could not read.
        let open_to = |wire: &str| {
            views.iter().find(|(view, _)| {
                !view.properties.contains_key(wire)
                    && !matches!(view.additional, Some(AdditionalProperties::Any(false)))
            })
        };
        let open_member = views
            .iter()
            .flat_map(|(view, _)| view.properties.keys())
            .find_map(|wire| open_to(wire))
            .map(|(_, at)| at.clone());
        let depth = self.merging.len();
        self.merging.extend(views.iter().map(|(_, at)| at.clone()));
        let mut fields = self.fields(&views, name, open_member.as_deref());
        self.merging.truncate(depth);
        for field in fields.fields.iter_mut().filter(|f| !f.flatten) {
            field.required = false;
            field.lenient = open_to(&field.wire_name).is_some();
        }
        fields.required_order.clear();
        Some(TypeKind::Struct(fields))
    }

    fn collect_all_of<'s>(
        &self,
        parts: &'s [ReferenceOr<Schema>],
        pointer: &str,
        views: &mut Vec<(ObjectView<'s>, String)>,
        others: &mut Vec<(SchemaRef<'s>, String)>,
        depth: usize,
    ) where
        Self: 's,
    {
        for (i, part) in parts.iter().enumerate() {
            let part_pointer = format!("{pointer}/{i}");
            let (schema, at) = match part {
                ReferenceOr::Item(s) => (s, part_pointer),
                ReferenceOr::Reference { reference } => {
                    let schemas = self.api.components.as_ref().map(|c| &c.schemas);
                    match resolve(schemas, "schemas", reference) {
                        Ok((s, target)) => {
                            let at = format!("#/components/schemas/{}", pointer::escape(&target));
                            // Merging a component into itself adds nothing and never ends.
                            if self.merging.contains(&at) {
                                continue;
                            }
                            (s, at)
                        }
                        Err(_) => {
                            others.push((SchemaRef::Ref(reference), part_pointer));
                            continue;
                        }
                    }
                }
            };
            if let Some(view) = object_view(schema) {
                views.push((view, at));
            } else if let (Some(nested), true) = (nested_all_of(schema), depth < 32) {
                self.collect_all_of(nested, &format!("{at}/allOf"), views, others, depth + 1);
            } else if !is_annotation_only(schema) {
                others.push((part.into(), at));
            }
        }
    }
}

/// The one value an inline schema allows (`enum: [8]`, `const: 8`), if it allows one.
fn one_value(schema: &ReferenceOr<Box<Schema>>) -> Option<serde_json::Value> {
    let value = serde_json::to_value(schema).ok()?;
    match (value.get("enum"), value.get("const")) {
        (Some(serde_json::Value::Array(values)), _) if values.len() == 1 => values.first().cloned(),
        (_, Some(value)) => Some(value.clone()),
        _ => None,
    }
}

/// The docs of a property: a reference's come from its type.
fn property_docs(lowerer: &Lowerer<'_>, prop: &ReferenceOr<Box<Schema>>) -> Docs {
    match prop {
        ReferenceOr::Item(s) if single_ref(s).is_some() => docs_of(s),
        ReferenceOr::Item(s) if !lowerer.needs_definition(s) => docs_of(s),
        ReferenceOr::Item(s) => Docs {
            description: s.schema_data.description.clone(),
            ..Docs::default()
        },
        ReferenceOr::Reference { .. } => Docs::default(),
    }
}

/// How much a schema says about its values (see `most_specific`).
fn specificity(schema: SchemaRef<'_>, depth: usize) -> u32 {
    let s = match schema {
        SchemaRef::Ref(_) => return 8,
        SchemaRef::Item(s) => s,
    };
    if single_ref(s).is_some() {
        return 8;
    }
    if string_enum(s).is_some() || object_view(s).is_some_and(|v| !v.properties.is_empty()) {
        return 6;
    }
    let items = |items: Option<SchemaRef<'_>>| match items {
        Some(items) if depth < 8 => 2 + specificity(items, depth + 1),
        _ => 2,
    };
    match &s.schema_kind {
        SchemaKind::Type(Type::Array(a)) => items(a.items.as_ref().map(SchemaRef::from)),
        SchemaKind::Any(a) if a.typ.as_deref() == Some("array") || a.items.is_some() => {
            items(a.items.as_ref().map(SchemaRef::from))
        }
        SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => 6,
        SchemaKind::Any(a)
            if !a.all_of.is_empty() || !a.one_of.is_empty() || !a.any_of.is_empty() =>
        {
            6
        }
        SchemaKind::Type(Type::Object(_)) => 1,
        SchemaKind::Type(_) => 3,
        SchemaKind::Any(a) if a.typ.as_deref() == Some("object") => 1,
        SchemaKind::Any(a) if a.typ.is_some() => 3,
        SchemaKind::Any(_) | SchemaKind::Not { .. } => 0,
    }
}

fn nested_all_of(s: &Schema) -> Option<&[ReferenceOr<Schema>]> {
    match &s.schema_kind {
        SchemaKind::AllOf { all_of } => Some(all_of),
        SchemaKind::Any(a) if !a.all_of.is_empty() => Some(&a.all_of),
        _ => None,
    }
}

/// The reference of a schema that only wraps one (`allOf: [$ref]` beside annotations such
/// as `description`, `nullable` or `default`), which stands for the referenced type itself.
fn single_ref(s: &Schema) -> Option<&str> {
    let SchemaKind::AllOf { all_of } = &s.schema_kind else {
        return None;
    };
    let mut shaped = all_of
        .iter()
        .filter(|p| !matches!(p, ReferenceOr::Item(part) if is_annotation_only(part)));
    match (shaped.next(), shaped.next()) {
        (Some(ReferenceOr::Reference { reference }), None) => Some(reference),
        _ => None,
    }
}

/// A schema of validation keywords only (`maxLength`, `minimum`, `pattern`...): no type, no
/// shape, no values of its own.
fn constraint_only(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Any(a) => {
            a.typ.is_none()
                && a.properties.is_empty()
                && a.additional_properties.is_none()
                && a.items.is_none()
                && a.enumeration.is_empty()
                && a.one_of.is_empty()
                && a.all_of.is_empty()
                && a.any_of.is_empty()
                && a.not.is_none()
        }
        _ => false,
    }
}

/// A part such as `{description: ...}` that adds no shape.
fn is_annotation_only(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Any(a) if *a == AnySchema::default())
}

impl Lowerer<'_> {
    /// `oneOf`/`anyOf` with a discriminator whose parts are all component references: an
    /// enum chosen by the discriminator's value (the mapping's values, else the schema
    /// names), with a fallback for values the spec does not list.
    fn tagged(&mut self, s: &Schema, parts: &[ReferenceOr<Schema>]) -> Option<TypeKind> {
        let discriminator = s.schema_data.discriminator.as_ref()?;
        let parts = self.union_parts(parts);
        let mut names = Namespace::default();
        let mut variants = Vec::new();
        for part in &parts {
            let ReferenceOr::Reference { reference } = part else {
                return None;
            };
            let schema_name = reference.strip_prefix("#/components/schemas/")?;
            let schema_name = pointer::reference_segment(schema_name);
            let id = *self.components.get(&schema_name)?;
            let mut tags: Vec<String> = discriminator
                .mapping
                .iter()
                .filter(|(_, target)| {
                    target.as_str() == reference.as_str() || target.as_str() == schema_name
                })
                .map(|(value, _)| value.clone())
                .collect();
            if tags.is_empty() {
                tags.push(schema_name.clone());
            }
            variants.push(TaggedVariant {
                rust_name: names.claim(&self.names[id.0]),
                tags,
                ty: TypeRef::Named(id),
                boxed: false,
            });
        }
        let fallback = ["Unknown", "Other", "UnlistedKind"]
            .into_iter()
            .find(|c| !names.contains(c))
            .map_or_else(|| names.claim("Unknown"), str::to_owned);
        Some(TypeKind::Tagged(Tagged {
            property: discriminator.property_name.clone(),
            variants,
            fallback,
        }))
    }

    /// `oneOf`/`anyOf` with several non-null parts: an untagged enum tried in spec order.
    fn union(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
        keyword: &str,
    ) -> Option<TypeKind> {
        let mut names = Namespace::default();
        let mut variants = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if matches!(part, ReferenceOr::Item(s) if is_null_schema(s)) {
                continue;
            }
            let part_pointer = format!("{pointer}/{keyword}/{i}");
            // An inline member is named by its title when it has one (`Card`, not `Variant0`).
            let title = match part {
                ReferenceOr::Item(s) => s.schema_data.title.as_deref(),
                ReferenceOr::Reference { .. } => None,
            };
            let hint = match title.map(naming::type_name).filter(|t| !t.is_empty()) {
                Some(title) => format!("{name} {title}"),
                None => format!("{name} Variant{i}"),
            };
            let (ty, _) = self.convert(part.into(), &hint, &part_pointer);
            let label = match &ty {
                TypeRef::Named(id) => naming::member_variant(name, &self.names[id.0]),
                other => naming::type_name(plain_label(other)),
            };
            variants.push(UntaggedVariant {
                rust_name: names.claim(&label),
                ty,
                boxed: false,
                guard: Default::default(),
            });
        }
        Some(TypeKind::Untagged(variants))
    }
}

/// A nullable schema that is an alias of a plain type (no struct, enum or union of its own,
/// nor a wrapper of a reference).
fn absorbs_null(s: &Schema) -> bool {
    s.schema_data.nullable
        && single_ref(s).is_none()
        && string_enum(s).is_none()
        && object_view(s).is_none_or(|v| v.properties.is_empty())
        && !matches!(
            s.schema_kind,
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }
        )
}

/// A converted item or value that may be `null` becomes `Option` (a JSON value, or a type
/// that already absorbs `null`, needs nothing more).
pub(super) fn nullable((ty, nullable): (TypeRef, bool)) -> TypeRef {
    match ty {
        TypeRef::Json | TypeRef::Nullable(_) => ty,
        ty if nullable => TypeRef::Nullable(Box::new(ty)),
        ty => ty,
    }
}

fn plain_label(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String => "String",
        TypeRef::Integer(_) => "Integer",
        TypeRef::Number(_) => "Number",
        TypeRef::Boolean => "Boolean",
        TypeRef::Json => "Value",
        TypeRef::Binary => "File",
        TypeRef::DateTime => "DateTime",
        TypeRef::Date => "Date",
        TypeRef::Array(_) => "Array",
        TypeRef::Map(_) => "Map",
        TypeRef::Nullable(_) => "Nullable",
        TypeRef::Named(_) => "Named",
    }
}

fn int_width(format: Option<&str>) -> IntWidth {
    match format {
        Some("int32") => IntWidth::I32,
        Some("uint32") => IntWidth::U32,
        Some("uint64") => IntWidth::U64,
        _ => IntWidth::I64,
    }
}

fn enum_of(values: Vec<String>) -> StringEnum {
    let mut names = Namespace::default();
    let mut variants: Vec<EnumVariant> = Vec::new();
    for value in values {
        if variants.iter().any(|v| v.wire_value == value) {
            continue; // a repeated value adds nothing
        }
        variants.push(EnumVariant {
            rust_name: names.claim(&naming::variant_name(&value)),
            wire_value: value,
        });
    }
    let fallback = ["Other", "Unknown", "UnlistedValue"]
        .into_iter()
        .find(|c| !names.contains(c))
        .map_or_else(|| names.claim("Other"), str::to_owned);
    StringEnum { variants, fallback }
}
