//! Page-number pagination, detected from the shape of an operation (not its name): a
//! `page` deepObject with an integer `number`, or a literal `page[number]` query parameter;
//! and a success body with a `data` array and a `meta` object holding `total_pages` and
//! `page_number`. The Telnyx API paginates every list this way.

use super::Lowerer;
use crate::ir::{
    Field, FieldPath, IntWidth, PageParam, Pagination, ParamLocation, ParamStyle, ParamsStruct,
    Response, ResponseBody, TypeKind, TypeRef,
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
        let total_pages = integer_field(meta_fields, "total_pages")?;
        let page_number = integer_field(meta_fields, "page_number")?;
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
            if p.wire_name == "page" && p.style == ParamStyle::DeepObject {
                let TypeRef::Named(id) = p.ty else { continue };
                let number = integer_field(self.struct_fields(id)?, "number")?;
                let width = number.width?;
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

fn integer_field(fields: &[Field], wire: &str) -> Option<FieldPath> {
    let f = fields.iter().find(|f| f.wire_name == wire)?;
    let TypeRef::Integer(width) = f.ty else {
        return None;
    };
    Some(path(f, Some(width)))
}

fn path(f: &Field, width: Option<IntWidth>) -> FieldPath {
    FieldPath {
        rust_name: f.rust_name.clone(),
        optional: f.optional(),
        width,
    }
}
