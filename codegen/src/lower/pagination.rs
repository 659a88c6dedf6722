//! Page-number pagination, detected from the shape of an operation (not its name): a
//! `page` deepObject with an integer `number`, or a literal `page[number]` query parameter;
//! and a success body with a `data` array and a `meta` object holding `total_pages` and
//! `page_number`. The Telnyx API paginates every list this way.

use super::Lowerer;
use crate::ir::{
    Field, FieldPath, Numeric, PageParam, Pagination, ParamLocation, ParamsStruct, Response,
    ResponseBody, TypeKind, TypeRef,
};
use crate::naming::Namespace;

impl Lowerer<'_> {
    pub(super) fn detect_pagination(
        &mut self,
        method: &str,
        params: Option<&ParamsStruct>,
        responses: &[Response],
        methods: &mut Namespace,
    ) -> Option<Pagination> {
        let page = self.page_param(params?)?;
        let body = responses.iter().find(|r| r.status.is_success())?;
        let ResponseBody::Json(TypeRef::Named(body)) = &body.body else {
            return None;
        };
        let fields = self.struct_fields(*body)?;
        let data = fields.iter().find(|f| f.wire_name == "data")?;
        let TypeRef::Array(item) = &data.ty else {
            return None;
        };
        let meta = fields.iter().find(|f| f.wire_name == "meta")?;
        let TypeRef::Named(meta_id) = &meta.ty else {
            return None;
        };
        let meta_fields = self.struct_fields(*meta_id)?;
        let total_pages = numeric_field(meta_fields, "total_pages")?;
        let page_number = numeric_field(meta_fields, "page_number")?;
        Some(Pagination {
            stream_name: methods.claim(&format!("{method}_stream")),
            page,
            item: (**item).clone(),
            data: path(data, None),
            meta: path(meta, None),
            total_pages,
            page_number,
        })
    }

    fn page_param(&self, params: &ParamsStruct) -> Option<PageParam> {
        for p in params
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Query)
        {
            if p.wire_name == "page[number]" {
                if let TypeRef::Integer(width) = p.ty {
                    return Some(PageParam::Flat {
                        param: p.rust_name.clone(),
                        width,
                    });
                }
            }
            // Any style: `page` objects are sent with brackets (`page[number]=2`), which is
            // what APIs paginating this way serve even when the spec leaves the style `form`.
            if p.wire_name == "page" {
                let TypeRef::Named(id) = p.ty else { continue };
                let number = numeric_field(self.struct_fields(id)?, "number")?;
                let Some(Numeric::Int(width)) = number.number else {
                    return None;
                };
                return Some(PageParam::Nested {
                    param: p.rust_name.clone(),
                    field: number.rust_name,
                    width,
                });
            }
        }
        None
    }

    /// The fields of a struct type, looking through aliases.
    fn struct_fields(&self, id: crate::ir::TypeId) -> Option<&[Field]> {
        let mut id = id;
        for _ in 0..16 {
            match &self.types.get(id.0)?.as_ref()?.kind {
                TypeKind::Struct(s) => return Some(&s.fields),
                TypeKind::Alias(TypeRef::Named(next)) => id = *next,
                _ => return None,
            }
        }
        None
    }
}

fn numeric_field(fields: &[Field], wire: &str) -> Option<FieldPath> {
    let f = fields.iter().find(|f| f.wire_name == wire)?;
    let number = match f.ty {
        TypeRef::Integer(width) => Numeric::Int(width),
        TypeRef::Number(width) => Numeric::Float(width),
        _ => return None,
    };
    Some(path(f, Some(number)))
}

fn path(f: &Field, number: Option<Numeric>) -> FieldPath {
    FieldPath {
        rust_name: f.rust_name.clone(),
        optional: f.optional(),
        number,
    }
}
