//! Rust expressions that build a value of a generated type from JSON the way a user would:
//! a struct by `new` with its required fields and a setter per optional one, a string enum
//! from its wire value, a union by the variant whose shape the value has. The expressions
//! are written for a test outside the crate (`<lib>::types::Name`).

use codegen::ir::{Api, IntWidth, ParamsStruct, TypeKind, TypeRef};
use codegen::naming;
use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens};
use serde_json::Value;

/// Nesting deeper than this is refused (a value that deep is a cycle, not a request).
const MAX_DEPTH: usize = 48;

pub struct Construct<'a> {
    api: &'a Api,
    lib: TokenStream,
}

impl<'a> Construct<'a> {
    pub fn new(api: &'a Api, lib: &str) -> Self {
        let lib = naming::ident(lib);
        Construct {
            api,
            lib: quote!(#lib),
        }
    }

    /// An expression of exactly the type `ty` holding `value`; an error says why the value
    /// cannot be given to that type.
    pub fn expr(&self, ty: &TypeRef, value: &Value) -> Result<TokenStream, String> {
        self.at(ty, value, "", 0)
    }

    /// `<Params>::new(required...)` and a setter per optional parameter given: `values` holds
    /// indices into `ps.params` with their values.
    pub fn params(
        &self,
        ps: &ParamsStruct,
        values: &[(usize, Value)],
    ) -> Result<TokenStream, String> {
        let lib = &self.lib;
        let name = naming::ident(&ps.name);
        let value_of = |i: usize| values.iter().find(|(j, _)| *j == i).map(|(_, v)| v);
        let mut args = Vec::new();
        let mut setters = Vec::new();
        for (i, param) in ps.params.iter().enumerate() {
            let at = format!("parameter {}", param.wire_name);
            match (param.required, value_of(i)) {
                (true, Some(value)) => args.push(self.at(&param.ty, value, &at, 0)?),
                (true, None) => return Err(format!("{at}: no value")),
                (false, Some(value)) => {
                    let setter = naming::ident(&param.setter);
                    let value = self.at(&param.ty, value, &at, 0)?;
                    setters.push(quote!(.#setter(#value)));
                }
                (false, None) => {}
            }
        }
        Ok(quote!(#lib::types::#name::new(#(#args),*) #(#setters)*))
    }

    fn type_of(&self, ty: &TypeRef) -> TokenStream {
        codegen::emit::type_tokens(self.api, ty, &self.lib)
    }

    fn at(
        &self,
        ty: &TypeRef,
        value: &Value,
        at: &str,
        depth: usize,
    ) -> Result<TokenStream, String> {
        if depth > MAX_DEPTH {
            return Err(format!("{at}: nested too deep"));
        }
        let lib = &self.lib;
        let wrong = |what: &str| Err(format!("{at}: {value} is not {what}"));
        match ty {
            TypeRef::String => match value {
                Value::String(s) => Ok(quote!(::std::string::String::from(#s))),
                Value::Number(_) | Value::Bool(_) => {
                    let s = value.to_string();
                    Ok(quote!(::std::string::String::from(#s)))
                }
                _ => wrong("a string"),
            },
            TypeRef::Integer(width) => integer(*width, value)
                .ok_or_else(|| format!("{at}: {value} is not an integer of the type's range")),
            TypeRef::Number(_) => match value.as_f64() {
                Some(f) if f < 0.0 => {
                    let lit = Literal::f64_suffixed(-f);
                    Ok(quote!(-#lit))
                }
                Some(f) => Ok(Literal::f64_suffixed(f).into_token_stream()),
                None => wrong("a number"),
            },
            TypeRef::Boolean => match value {
                Value::Bool(true) => Ok(quote!(true)),
                Value::Bool(false) => Ok(quote!(false)),
                _ => wrong("a boolean"),
            },
            TypeRef::Json => {
                let text = value.to_string();
                Ok(quote!(::serde_json::from_str::<::serde_json::Value>(#text).unwrap()))
            }
            TypeRef::Map(inner) if **inner == TypeRef::Json => match value {
                Value::Object(_) => {
                    let text = value.to_string();
                    Ok(quote! {
                        ::serde_json::from_str::<::serde_json::Map<::std::string::String, ::serde_json::Value>>(#text).unwrap()
                    })
                }
                _ => wrong("an object"),
            },
            TypeRef::Binary => {
                let bytes = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                Ok(quote!(#lib::multipart::File::new(::std::vec::Vec::<u8>::from(#bytes))))
            }
            TypeRef::DateTime => match value.as_str() {
                Some(s) => Ok(quote! {
                    #s.parse::<#lib::chrono::DateTime<#lib::chrono::Utc>>().unwrap()
                }),
                None => wrong("a date-time"),
            },
            TypeRef::Date => match value.as_str() {
                Some(s) => Ok(quote!(#s.parse::<#lib::chrono::NaiveDate>().unwrap())),
                None => wrong("a date"),
            },
            TypeRef::Array(inner) => match value {
                Value::Array(items) if items.is_empty() => {
                    let inner = self.type_of(inner);
                    Ok(quote!(::std::vec::Vec::<#inner>::new()))
                }
                Value::Array(items) => {
                    let items = items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| self.at(inner, item, &format!("{at}/{i}"), depth + 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(quote!(::std::vec![#(#items),*]))
                }
                _ => wrong("an array"),
            },
            TypeRef::Map(inner) => match value {
                Value::Object(entries) => {
                    let inner_ty = self.type_of(inner);
                    let entries = entries
                        .iter()
                        .map(|(key, item)| {
                            let item = self.at(inner, item, &format!("{at}/{key}"), depth + 1)?;
                            Ok(quote!((::std::string::String::from(#key), #item)))
                        })
                        .collect::<Result<Vec<_>, String>>()?;
                    Ok(quote! {
                        [#(#entries),*].into_iter().collect::<::std::collections::BTreeMap<::std::string::String, #inner_ty>>()
                    })
                }
                _ => wrong("an object"),
            },
            TypeRef::Nullable(inner) => match value {
                Value::Null => {
                    let inner = self.type_of(inner);
                    Ok(quote!(::std::option::Option::<#inner>::None))
                }
                _ => {
                    let inner = self.at(inner, value, at, depth + 1)?;
                    Ok(quote!(::std::option::Option::Some(#inner)))
                }
            },
            TypeRef::Named(id) => {
                let def = self.api.ty(*id);
                let path = self.type_of(ty);
                match &def.kind {
                    TypeKind::Alias(target) => self.at(target, value, at, depth + 1),
                    TypeKind::StringEnum(_) => match value {
                        Value::String(s) => Ok(quote!(#path::from(#s))),
                        Value::Number(_) | Value::Bool(_) => {
                            let s = value.to_string();
                            Ok(quote!(#path::from(#s)))
                        }
                        _ => wrong("a string"),
                    },
                    TypeKind::Struct(s) => {
                        let Value::Object(object) = value else {
                            return wrong("an object");
                        };
                        let mut args = Vec::new();
                        for &i in &s.required_order {
                            let Some(field) = s.fields.get(i) else {
                                continue;
                            };
                            if !field.required || field.flatten {
                                continue;
                            }
                            let field_at = format!("{at}/{}", field.wire_name);
                            let given = object.get(&field.wire_name);
                            let arg = match (given, field.nullable) {
                                (None | Some(Value::Null), true) => {
                                    let inner = self.type_of(&field.ty);
                                    quote!(::std::option::Option::<#inner>::None)
                                }
                                (Some(v), true) => {
                                    let v = self.at(&field.ty, v, &field_at, depth + 1)?;
                                    quote!(::std::option::Option::Some(#v))
                                }
                                (Some(v), false) => self.at(&field.ty, v, &field_at, depth + 1)?,
                                (None, false) => {
                                    return Err(format!("{field_at}: required, not given"))
                                }
                            };
                            args.push(arg);
                        }
                        let mut setters = Vec::new();
                        for field in &s.fields {
                            if field.required && !field.flatten {
                                continue;
                            }
                            let setter = naming::ident(&field.setter);
                            if field.flatten {
                                let rest: serde_json::Map<String, Value> = object
                                    .iter()
                                    .filter(|(k, _)| !s.fields.iter().any(|f| f.wire_name == **k))
                                    .map(|(k, v)| (k.clone(), v.clone()))
                                    .collect();
                                if !rest.is_empty() {
                                    let v =
                                        self.at(&field.ty, &Value::Object(rest), at, depth + 1)?;
                                    setters.push(quote!(.#setter(#v)));
                                }
                                continue;
                            }
                            // An optional field set to null is left unset: the setters take
                            // values, and servers read an absent field as a null one.
                            match object.get(&field.wire_name) {
                                None | Some(Value::Null) => {}
                                Some(v) => {
                                    let field_at = format!("{at}/{}", field.wire_name);
                                    let v = self.at(&field.ty, v, &field_at, depth + 1)?;
                                    setters.push(quote!(.#setter(#v)));
                                }
                            }
                        }
                        Ok(quote!(#path::new(#(#args),*) #(#setters)*))
                    }
                    TypeKind::Tagged(tagged) => {
                        let tag = value.get(&tagged.property).and_then(Value::as_str);
                        let variant = tag.and_then(|tag| {
                            tagged
                                .variants
                                .iter()
                                .find(|v| v.tags.iter().any(|t| t == tag))
                        });
                        match variant {
                            Some(v) => self.variant(
                                &path,
                                (&v.rust_name, &v.ty, v.boxed),
                                value,
                                at,
                                depth,
                            ),
                            None => {
                                let ident = naming::ident(&tagged.fallback);
                                let inner = self.at(&TypeRef::Json, value, at, depth + 1)?;
                                Ok(quote!(#path::#ident(#inner)))
                            }
                        }
                    }
                    TypeKind::Untagged(variants) => {
                        // The variant whose shape fits best; the first of equals, as serde
                        // tries them.
                        let best = variants
                            .iter()
                            .map(|v| (self.fit(&v.ty, value, 0), v))
                            .filter(|(score, _)| *score > 0)
                            .fold(None, |best: Option<(u32, _)>, (score, v)| match best {
                                Some((top, _)) if top >= score => best,
                                _ => Some((score, v)),
                            });
                        let Some((_, v)) = best else {
                            return wrong("of any variant's shape");
                        };
                        self.variant(&path, (&v.rust_name, &v.ty, v.boxed), value, at, depth)
                    }
                }
            }
        }
    }

    /// `Enum::Variant(value)` of a union, boxed where the variant is.
    fn variant(
        &self,
        path: &TokenStream,
        (name, ty, boxed): (&str, &TypeRef, bool),
        value: &Value,
        at: &str,
        depth: usize,
    ) -> Result<TokenStream, String> {
        let ident = naming::ident(name);
        let inner = self.at(ty, value, at, depth + 1)?;
        let inner = if boxed {
            quote!(::std::boxed::Box::new(#inner))
        } else {
            inner
        };
        Ok(quote!(#path::#ident(#inner)))
    }

    /// How well `value` has the shape of `ty`: 0 not at all, more the closer.
    fn fit(&self, ty: &TypeRef, value: &Value, depth: usize) -> u32 {
        if depth > 8 {
            return 1;
        }
        match (ty, value) {
            (TypeRef::Nullable(_), Value::Null) => 3,
            (TypeRef::Nullable(inner), v) => self.fit(inner, v, depth + 1),
            (TypeRef::String | TypeRef::Binary, Value::String(_)) => 2,
            (TypeRef::DateTime | TypeRef::Date, Value::String(s))
                if s.len() >= 10 && s.as_bytes()[4] == b'-' =>
            {
                3
            }
            (TypeRef::Integer(w), v) => u32::from(integer(*w, v).is_some()) * 3,
            (TypeRef::Number(_), Value::Number(_)) => 2,
            (TypeRef::Boolean, Value::Bool(_)) => 3,
            (TypeRef::Json, _) => 1,
            (TypeRef::Array(inner), Value::Array(items)) => {
                2 + items
                    .first()
                    .map_or(0, |i| self.fit(inner, i, depth + 1).min(1))
            }
            (TypeRef::Map(_), Value::Object(_)) => 1,
            (TypeRef::Named(id), v) => match (&self.api.ty(*id).kind, v) {
                (TypeKind::Alias(target), v) => self.fit(target, v, depth + 1),
                (TypeKind::StringEnum(e), Value::String(s)) => {
                    if e.variants.iter().any(|x| x.wire_value == *s) {
                        3
                    } else {
                        1
                    }
                }
                (TypeKind::Struct(s), Value::Object(object)) => {
                    let missing = s.fields.iter().any(|f| {
                        f.required
                            && !f.nullable
                            && !f.flatten
                            && !object.contains_key(&f.wire_name)
                    });
                    if missing {
                        return 0;
                    }
                    // A declared property whose value has none of its type's shape rules the
                    // struct out (Discord's callbacks: all `{type, data}`, told apart by data).
                    let misfit = object.iter().any(|(k, v)| {
                        s.fields.iter().any(|f| {
                            f.wire_name == *k
                                && !(f.nullable && v.is_null())
                                && self.fit(&f.ty, v, depth + 1) == 0
                        })
                    });
                    if misfit {
                        return 0;
                    }
                    let known = object
                        .keys()
                        .filter(|k| s.fields.iter().any(|f| f.wire_name == **k))
                        .count();
                    let unknown = object.len() - known;
                    let open = s.fields.iter().any(|f| f.flatten);
                    if unknown > 0 && !open && known == 0 {
                        1
                    } else {
                        2 + known as u32
                    }
                }
                (TypeKind::Tagged(t), Value::Object(object)) => {
                    let tag = object.get(&t.property).and_then(Value::as_str);
                    let listed = tag.is_some_and(|tag| {
                        t.variants.iter().any(|v| v.tags.iter().any(|x| x == tag))
                    });
                    if listed {
                        4
                    } else {
                        1
                    }
                }
                (TypeKind::Untagged(variants), v) => variants
                    .iter()
                    .map(|x| self.fit(&x.ty, v, depth + 1))
                    .max()
                    .unwrap_or(0),
                _ => 0,
            },
            _ => 0,
        }
    }
}

/// An integer literal of the width's type (`5i64`, `-3i32`), when `value` is an integer
/// in its range.
fn integer(width: IntWidth, value: &Value) -> Option<TokenStream> {
    let whole = value
        .as_i64()
        .map(i128::from)
        .or_else(|| value.as_u64().map(i128::from))
        .or_else(|| {
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i128)
        })?;
    let (min, max): (i128, i128) = match width {
        IntWidth::I32 => (i32::MIN.into(), i32::MAX.into()),
        IntWidth::I64 => (i64::MIN.into(), i64::MAX.into()),
        IntWidth::U32 => (0, u32::MAX.into()),
        IntWidth::U64 => (0, u64::MAX.into()),
    };
    if whole < min || whole > max {
        return None;
    }
    // `MIN` has no positive literal of its own type.
    if whole == min && whole < 0 {
        let ty = match width {
            IntWidth::I32 => quote!(i32),
            _ => quote!(i64),
        };
        return Some(quote!(#ty::MIN));
    }
    let magnitude = whole.unsigned_abs();
    let lit = match width {
        IntWidth::I32 => Literal::i32_suffixed(magnitude as i32),
        IntWidth::I64 => Literal::i64_suffixed(magnitude as i64),
        IntWidth::U32 => Literal::u32_suffixed(magnitude as u32),
        IntWidth::U64 => Literal::u64_suffixed(magnitude as u64),
    };
    Some(if whole < 0 {
        quote!(-#lit)
    } else {
        lit.into_token_stream()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api(text: &str) -> Api {
        let doc = codegen::load::parse(std::path::Path::new("spec.yml"), text.as_bytes()).unwrap();
        codegen::lower::lower(&doc, &codegen::options::Settings::default()).unwrap()
    }

    fn named(api: &Api, name: &str) -> TypeRef {
        let i = api.types.iter().position(|t| t.name == name).unwrap();
        TypeRef::Named(codegen::ir::TypeId(i))
    }

    fn text(tokens: TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    post:
      operationId: addPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '204': {description: done}
components:
  schemas:
    Kind: {type: string, enum: [cat, dog]}
    Pet:
      type: object
      required: [name, kind]
      properties:
        name: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
        age: {type: integer, format: int32}
        tags: {type: array, items: {type: string}}
        owner: {type: string, nullable: true}
        shape: {$ref: '#/components/schemas/Shape'}
    Shape:
      oneOf:
        - {type: integer}
        - {type: object, required: [sides], properties: {sides: {type: integer}}}
"##;

    #[test]
    fn structs_are_built_by_new_and_setters() {
        let api = api(SPEC);
        let construct = Construct::new(&api, "pets");
        let value = json!({"kind": "dog", "name": "Rex", "age": -3, "tags": ["a"],
                           "owner": null, "shape": {"sides": 4}, "extra": 1});
        let expr = construct.expr(&named(&api, "Pet"), &value).unwrap();
        let expr = text(expr);
        assert!(
            expr.starts_with(
                "pets::types::Pet::new(::std::string::String::from(\"Rex\"),pets::types::Kind::from(\"dog\"))"
            ),
            "{expr}"
        );
        assert!(expr.contains(".age(-3i32)"), "{expr}");
        assert!(
            expr.contains(".tags(::std::vec![::std::string::String::from(\"a\")])"),
            "{expr}"
        );
        assert!(!expr.contains(".owner("), "{expr}");
        assert!(expr.contains(".shape(pets::types::Shape::"), "{expr}");
        assert!(expr.contains("::new(4i64)"), "{expr}");
    }

    #[test]
    fn values_of_the_wrong_shape_are_refused_with_where() {
        let api = api(SPEC);
        let construct = Construct::new(&api, "pets");
        let err = construct
            .expr(&named(&api, "Pet"), &json!({"kind": "dog"}))
            .unwrap_err();
        assert_eq!(err, "/name: required, not given");
        let err = construct
            .expr(
                &named(&api, "Pet"),
                &json!({"kind": "dog", "name": "x", "age": 1e12}),
            )
            .unwrap_err();
        assert!(err.starts_with("/age:"), "{err}");
        assert!(construct.expr(&TypeRef::Boolean, &json!("yes")).is_err());
    }

    #[test]
    fn integers_of_every_width_and_sign() {
        let t = |w, v: Value| integer(w, &v).map(text);
        assert_eq!(
            t(IntWidth::I64, json!(i64::MIN)).as_deref(),
            Some("i64::MIN")
        );
        assert_eq!(
            t(IntWidth::U64, json!(u64::MAX)).as_deref(),
            Some("18446744073709551615u64")
        );
        assert_eq!(t(IntWidth::U32, json!(-1)), None);
        assert_eq!(t(IntWidth::I32, json!(2.0)).as_deref(), Some("2i32"));
        assert_eq!(t(IntWidth::I32, json!(2.5)), None);
    }
}
