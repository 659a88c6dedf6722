//! Page-number pagination, detected from the shape of an operation (not its name) as the
//! generator settings describe it (`[pagination]` of `codegen.toml`): a page-number query
//! parameter (a literal `page[number]`, or `number` inside a `page` object), and a success
//! body holding the items, the page number and the page count. Without that setting no
//! operation paginates.

use super::paths::resolve;
use super::Lowerer;
use crate::ir::{
    struct_behind, FieldChain, Numeric, PageParam, Pagination, ParamLocation, ParamsStruct,
    Response, ResponseBody, TypeId, TypeKind, TypeRef,
};
use crate::naming::Namespace;
use crate::options::{FieldPath, PaginationShape};

impl Lowerer<'_> {
    pub(super) fn detect_pagination(
        &mut self,
        method: &str,
        params: Option<&ParamsStruct>,
        responses: &[Response],
        methods: &mut Namespace,
    ) -> Option<Pagination> {
        let shape = self.settings.pagination.as_ref()?;
        let page = self.page_param(shape, params?)?;
        let body = responses.iter().find(|r| r.status.is_success())?;
        let ResponseBody::Json(body) = &body.body else {
            return None;
        };
        let kind_of = |id: TypeId| self.types.get(id.0)?.as_ref().map(|t| &t.kind);
        let (items, leaf) = resolve(body, &shape.items, kind_of)?;
        let TypeRef::Array(item) = leaf else {
            return None;
        };
        // Items are moved out of the body: field steps only.
        if items
            .0
            .iter()
            .any(|a| matches!(a, crate::ir::Access::First))
        {
            return None;
        }
        let number = |path: &FieldPath| -> Option<(FieldChain, Numeric)> {
            let (chain, leaf) = resolve(body, path, kind_of)?;
            Some((chain, numeric(&leaf)?))
        };
        let page_number = number(&shape.page_number)?;
        let total_pages = number(&shape.total_pages)?;
        Some(Pagination {
            stream_name: methods.claim(&format!("{}_stream", crate::naming::fit(method, 53))),
            page,
            item: *item,
            items,
            page_number,
            total_pages,
        })
    }

    /// The page-number parameter: a query parameter named `shape.page` literally
    /// (`page[number]`), or the bracketed field of an object parameter (`number` in `page`).
    fn page_param(&self, shape: &PaginationShape, params: &ParamsStruct) -> Option<PageParam> {
        let nested = shape
            .page
            .strip_suffix(']')
            .and_then(|s| s.split_once('['))
            .filter(|(outer, inner)| !outer.is_empty() && !inner.contains(['[', ']']));
        for p in params
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Query)
        {
            if p.wire_name == shape.page {
                if let TypeRef::Integer(width) = p.ty {
                    return Some(PageParam::Flat {
                        param: p.rust_name.clone(),
                        width,
                    });
                }
            }
            // Any style: such objects are sent with brackets (`page[number]=2`), which is what
            // APIs paginating this way serve even when the spec leaves the style `form`.
            let Some((outer, inner)) = nested else {
                continue;
            };
            if p.wire_name != outer {
                continue;
            }
            let TypeRef::Named(id) = p.ty else { continue };
            let kind_of = |id: TypeId| self.types.get(id.0)?.as_ref().map(|t| &t.kind);
            let Some(TypeKind::Struct(s)) = struct_behind(id, kind_of).and_then(kind_of) else {
                continue;
            };
            let field = s
                .fields
                .iter()
                .find(|f| !f.flatten && f.wire_name == inner)?;
            let TypeRef::Integer(width) = field.ty else {
                return None;
            };
            return Some(PageParam::Nested {
                param: p.rust_name.clone(),
                field: field.rust_name.clone(),
                width,
            });
        }
        None
    }
}

/// The number type of a count (some specs type counts as `number`).
fn numeric(ty: &TypeRef) -> Option<Numeric> {
    match ty {
        TypeRef::Integer(width) => Some(Numeric::Int(*width)),
        TypeRef::Number(width) => Some(Numeric::Float(*width)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, PageParam};
    use crate::options::{FieldPath, PaginationShape, Settings};
    use std::path::Path;

    fn shape() -> Settings {
        let path = |p: &str| FieldPath::parse(p).unwrap();
        Settings {
            pagination: Some(PaginationShape {
                page: "page[number]".into(),
                items: path("data"),
                page_number: path("meta.page_number"),
                total_pages: path("meta.total_pages"),
            }),
            ..Settings::default()
        }
    }

    fn lower(params: &str, body: &str, settings: &Settings) -> Api {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get:\n      operationId: list\n      parameters: {params}\n      responses:\n        '200':\n          description: d\n          content:\n            application/json:\n              schema: {body}\n"
        );
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        crate::lower::lower(&doc, settings).unwrap()
    }

    const PAGE: &str = "{type: object, properties: {data: {type: array, items: {type: string}}, meta: {type: object, properties: {page_number: {type: integer}, total_pages: {type: number}}}}}";

    #[test]
    fn a_literal_page_number_parameter_paginates() {
        let api = lower(
            "[{name: 'page[number]', in: query, schema: {type: integer, format: int32}}]",
            PAGE,
            &shape(),
        );
        let p = api.operations[0].pagination.as_ref().expect("paginates");
        assert_eq!(p.stream_name, "list_stream");
        assert!(matches!(&p.page, PageParam::Flat { param, .. } if param == "page_number"));
    }

    #[test]
    fn a_page_object_with_a_number_paginates() {
        let api = lower(
            "[{name: page, in: query, style: deepObject, schema: {type: object, properties: {number: {type: integer}, size: {type: integer}}}}]",
            PAGE,
            &shape(),
        );
        let p = api.operations[0].pagination.as_ref().expect("paginates");
        assert!(
            matches!(&p.page, PageParam::Nested { param, field, .. } if param == "page" && field == "number")
        );
    }

    #[test]
    fn nothing_paginates_without_the_setting_or_the_shape() {
        let param = "[{name: 'page[number]', in: query, schema: {type: integer}}]";
        assert!(lower(param, PAGE, &Settings::default()).operations[0]
            .pagination
            .is_none());
        // No page count in the body.
        let no_total = "{type: object, properties: {data: {type: array, items: {type: string}}, meta: {type: object, properties: {page_number: {type: integer}}}}}";
        assert!(lower(param, no_total, &shape()).operations[0]
            .pagination
            .is_none());
        // Items that are not an array.
        let not_array = "{type: object, properties: {data: {type: string}, meta: {type: object, properties: {page_number: {type: integer}, total_pages: {type: integer}}}}}";
        assert!(lower(param, not_array, &shape()).operations[0]
            .pagination
            .is_none());
        // A page number that is not an integer.
        let text_param = "[{name: 'page[number]', in: query, schema: {type: string}}]";
        assert!(lower(text_param, PAGE, &shape()).operations[0]
            .pagination
            .is_none());
    }
}
