//! Pagination, found from an operation's shape (its query parameters, its success body and
//! the headers it declares; never its name), in every common style: page numbers, offsets,
//! cursors from the body (or the last item's id with a `has_more` flag), and next links (an
//! RFC 8288 `Link` header or a URL in the body). `codegen.toml` (`[pagination]`) and the
//! common extensions (`x-pagination: false`, `x-speakeasy-pagination`, `x-fern-pagination`)
//! add a style the shape does not show, correct one, or turn one off, per operation.

use super::paths::{resolve, unalias};
use super::Lowerer;
use crate::ir::{
    struct_behind, Access, FieldChain, FoundBy, Numeric, PageStyle, Pagination, ParamField,
    ParamLocation, ParamsStruct, Response, ResponseBody, TypeId, TypeKind, TypeRef,
};
use crate::naming::Namespace;
use crate::options::{FieldPath, OperationPagination, PageStyleName, PaginationShape};

/// Names of the parameters and fields each role takes, compared without case or punctuation
/// (`page[number]`, `pageNumber` and `page_number` are all `pagenumber`).
const PAGE: &[&str] = &["page", "pagenumber", "pagenum", "pageno", "pageindex"];
const PAGE_SIZE: &[&str] = &[
    "perpage",
    "pagesize",
    "size",
    "limit",
    "pagelimit",
    "count",
    "maxresults",
];
const OFFSET: &[&str] = &["offset", "pageoffset", "skip"];
const LIMIT: &[&str] = &[
    "limit",
    "pagelimit",
    "count",
    "maxresults",
    "perpage",
    "pagesize",
    "take",
];
const CURSOR: &[&str] = &[
    "cursor",
    "pagecursor",
    "pageafter",
    "after",
    "pagetoken",
    "nexttoken",
    "continue",
    "continuationtoken",
    "startingafter",
    "marker",
    "nextpagetoken",
    "startcursor",
    "pagestartingafter",
    "afterid",
    "startafter",
    "skiptoken",
    // A `page` that is a string is a cursor (Stripe's search, with `next_page`).
    "page",
];
/// Cursor parameters a last item's id feeds (with a `has_more` flag).
const LAST_ID: &[&str] = &["startingafter", "after", "afterid", "pagestartingafter"];
const NEXT_CURSOR: &[&str] = &[
    "nextcursor",
    "nextpagetoken",
    "nexttoken",
    "nextmarker",
    "endcursor",
    "nextpagecursor",
    "continue",
    "continuationtoken",
    "nextcontinuationtoken",
    "lastid",
];
const NEXT_URL: &[&str] = &[
    "nexturl",
    "nextpageurl",
    "nextpageuri",
    "nextlink",
    "nexthref",
    "nextpagelink",
];
/// Objects whose `next` field is a link.
const LINK_HOLDERS: &[&str] = &["links", "link", "paging", "pagination", "meta", "pages"];
const HAS_MORE: &[&str] = &["hasmore", "more", "hasnextpage", "hasnext", "moreitems"];
const TOTAL_PAGES: &[&str] = &[
    "totalpages",
    "pagecount",
    "lastpage",
    "numpages",
    "totalpagecount",
    "pagetotal",
];
const TOTAL_ITEMS: &[&str] = &[
    "total",
    "totalcount",
    "totalitems",
    "totalresults",
    "totalrecords",
    "totalentries",
    "totalsize",
];
const PAGE_ECHO: &[&str] = &["pagenumber", "page", "currentpage", "pageindex"];
/// The items' field, when a body has several arrays.
const ITEMS: &[&str] = &[
    "data", "items", "results", "entries", "records", "values", "objects", "list", "elements",
    "nodes", "content", "rows", "hits",
];

/// A name as the role lists compare it.
fn norm(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether `name` normalised ([`norm`]) is `normal`, without making the normalised text:
/// every parameter and body field of every operation is compared with every role's names.
fn norm_is(name: &str, normal: &str) -> bool {
    let mut kept = name
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase());
    normal.bytes().all(|b| kept.next() == Some(b)) && kept.next().is_none()
}

fn is_one_of(name: &str, list: &[&str]) -> bool {
    list.iter().any(|normal| norm_is(name, normal))
}

/// A field of the success body, up to three objects deep.
struct BodyField {
    /// Wire names from the body down.
    names: Vec<String>,
    chain: FieldChain,
    /// Its type, aliases followed and `Option` removed.
    ty: TypeRef,
}

impl BodyField {
    fn leaf(&self) -> &str {
        self.names.last().map_or("", String::as_str)
    }

    fn parent(&self) -> &str {
        self.names
            .len()
            .checked_sub(2)
            .map_or("", |i| self.names[i].as_str())
    }

    fn numeric(&self) -> Option<(FieldChain, Numeric)> {
        let n = match self.ty {
            TypeRef::Integer(w) => Numeric::Int(w),
            TypeRef::Number(w) => Numeric::Float(w),
            _ => return None,
        };
        Some((self.chain.clone(), n))
    }
}

/// What an operation offers a walk: its query parameters (with the fields of object ones) and
/// the fields of its success body.
struct Shape {
    params: Vec<ParamField>,
    fields: Vec<BodyField>,
    /// The success response declares a `Link` header.
    link_header: bool,
}

impl Shape {
    fn param(&self, roles: &[&str], want: fn(&TypeRef) -> bool) -> Option<ParamField> {
        roles.iter().find_map(|role| {
            self.params
                .iter()
                .find(|p| norm_is(&p.wire, role) && want(&p.ty))
                .cloned()
        })
    }

    fn field(&self, roles: &[&str], want: fn(&TypeRef) -> bool) -> Option<&BodyField> {
        roles.iter().find_map(|role| {
            self.fields
                .iter()
                .find(|f| norm_is(f.leaf(), role) && want(&f.ty))
        })
    }

    /// The boolean saying there are more.
    fn more(&self) -> Option<FieldChain> {
        self.field(HAS_MORE, is_bool).map(|f| f.chain.clone())
    }

    fn numeric(&self, roles: &[&str]) -> Option<(FieldChain, Numeric)> {
        self.field(roles, is_number).and_then(BodyField::numeric)
    }

    /// The body field that carries the next cursor for `cursor`: named for it
    /// (`page_token` → `next_page_token`, `page[after]` → `cursors.after`), or a common name.
    fn next_cursor(&self, cursor: &ParamField) -> Option<FieldChain> {
        let param = norm(&cursor.wire);
        let bare = param.strip_prefix("page").unwrap_or(&param).to_owned();
        let named = self.fields.iter().find(|f| {
            let leaf = norm(f.leaf());
            is_string(&f.ty)
                && (leaf == format!("next{param}")
                    || leaf == format!("next{bare}")
                    || (leaf == bare && norm(f.parent()) == "cursors")
                    // Dropshot's `page_token` ← `next_page` (a token: the parameter says so).
                    || (leaf == "nextpage" && param.ends_with("token"))
                    || (leaf == param && !f.names.is_empty() && f.names.len() > 1))
        });
        named
            .or_else(|| self.field(NEXT_CURSOR, is_string))
            .map(|f| f.chain.clone())
    }

    /// A body field holding the next page's URL.
    fn next_url(&self, list_like: bool) -> Option<FieldChain> {
        self.fields
            .iter()
            .find(|f| {
                let (leaf, parent) = (norm(f.leaf()), norm(f.parent()));
                is_string(&f.ty)
                    && (NEXT_URL.contains(&leaf.as_str())
                        || (leaf == "next" && LINK_HOLDERS.contains(&parent.as_str()))
                        || (leaf == "href" && parent == "next")
                        || (leaf == "next" && f.names.len() == 1 && list_like))
            })
            .map(|f| f.chain.clone())
    }
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Integer(_))
}

fn is_string(ty: &TypeRef) -> bool {
    *ty == TypeRef::String
}

fn is_bool(ty: &TypeRef) -> bool {
    *ty == TypeRef::Boolean
}

fn is_number(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Integer(_) | TypeRef::Number(_))
}

fn without_option(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Nullable(inner) => without_option(inner),
        other => other,
    }
}

impl Lowerer<'_> {
    /// How the operation pages, if it does; `route` is `GET /path`, `pointer` its pointer.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn detect_pagination(
        &mut self,
        op: &openapiv3::Operation,
        route: &str,
        pointer: &str,
        method: &str,
        params: Option<&ParamsStruct>,
        responses: &[Response],
        methods: &mut Namespace,
    ) -> Option<Pagination> {
        let configured = op
            .operation_id
            .as_deref()
            .and_then(|id| self.settings.pagination.operations.get(id))
            .or_else(|| self.settings.pagination.operations.get(route))
            .cloned();
        let (wanted, found_by) = match (configured, from_extensions(op)) {
            (Some(c), _) => (Some(c), FoundBy::Config),
            (None, Some(e)) => (Some(e), FoundBy::Extension),
            (None, None) => (None, FoundBy::Shape),
        };
        if wanted
            .as_ref()
            .is_some_and(|w| w.style == PageStyleName::None)
        {
            return None;
        }
        // Found by shape, a list is read with GET: a DELETE of a collection can take `limit`
        // and `continue` and answer with list metadata (Kubernetes), and walking it would send
        // the DELETE again per page. Settings and extensions may still name another method.
        if wanted.is_none() && !route.starts_with("GET ") {
            return None;
        }
        let success = responses.iter().find(|r| r.status.is_success())?;
        let ResponseBody::Json(body) = &success.body else {
            return None;
        };
        let shape = self.shape(body, params, success);
        let configured_items = wanted.as_ref().and_then(|w| w.items.as_ref()).or(self
            .settings
            .pagination
            .shape
            .as_ref()
            .map(|s| &s.items));
        let (items, item) = match configured_items.and_then(|path| self.items_at(body, path)) {
            Some(found) => found,
            None => self.find_items(body, &shape.fields)?,
        };
        let (style, found_by) = match &wanted {
            Some(w) => match self.configured_style(w, &shape, body, &item) {
                Ok(style) => (style, found_by),
                Err(message) => {
                    self.warn(pointer, format!("pagination not generated: {message}"));
                    return None;
                }
            },
            None => {
                let configured = self.settings.pagination.shape.clone();
                match configured.and_then(|s| self.shape_style(&s, &shape, body)) {
                    Some(style) => (style, FoundBy::Config),
                    None => (self.detect_style(&shape, &item)?, FoundBy::Shape),
                }
            }
        };
        let base = crate::naming::fit(method, 53);
        Some(Pagination {
            stream_name: methods.claim(&format!("{base}_stream")),
            pages_name: methods.claim(&format!("{base}_pages")),
            item,
            items,
            style,
            found_by,
        })
    }

    fn kind(&self, id: TypeId) -> Option<&TypeKind> {
        self.types.get(id.0)?.as_ref().map(|t| &t.kind)
    }

    /// The fields of the struct a type is (aliases followed), if it is one.
    fn struct_fields(&self, ty: &TypeRef) -> Option<&[crate::ir::Field]> {
        let kind_of = |id: TypeId| self.kind(id);
        let TypeRef::Named(id) = unalias(ty, kind_of) else {
            return None;
        };
        match struct_behind(id, kind_of).and_then(kind_of) {
            Some(TypeKind::Struct(s)) => Some(&s.fields),
            _ => None,
        }
    }

    fn shape(&self, body: &TypeRef, params: Option<&ParamsStruct>, success: &Response) -> Shape {
        let mut out = Vec::new();
        for p in params
            .into_iter()
            .flat_map(|ps| &ps.params)
            .filter(|p| p.location == ParamLocation::Query)
        {
            let ty = unalias(&p.ty, |id| self.kind(id));
            out.push(ParamField {
                param: p.rust_name.clone(),
                field: None,
                ty: ty.clone(),
                optional: !p.required,
                wire: p.wire_name.clone(),
            });
            // Object parameters are sent with brackets (`page[number]=2`); a walk sets their
            // fields in an object it creates when absent, so only optional ones.
            let fields = (!p.required).then(|| self.struct_fields(&ty)).flatten();
            for f in fields.into_iter().flatten() {
                if f.flatten {
                    continue;
                }
                out.push(ParamField {
                    param: p.rust_name.clone(),
                    field: Some(f.rust_name.clone()),
                    ty: unalias(without_option(&f.ty), |id| self.kind(id)),
                    optional: f.optional(),
                    wire: format!("{}[{}]", p.wire_name, f.wire_name),
                });
            }
        }
        let mut fields = Vec::new();
        self.body_fields(body, &mut Vec::new(), &mut Vec::new(), &mut fields);
        Shape {
            params: out,
            fields,
            link_header: success.headers.iter().any(|h| h == "link"),
        }
    }

    /// Every field under `ty`, three objects deep at most (arrays are not entered).
    fn body_fields(
        &self,
        ty: &TypeRef,
        names: &mut Vec<String>,
        chain: &mut Vec<Access>,
        out: &mut Vec<BodyField>,
    ) {
        if names.len() >= 3 {
            return;
        }
        let Some(fields) = self.struct_fields(ty) else {
            return;
        };
        for f in fields.iter().filter(|f| !f.flatten) {
            let leaf = unalias(without_option(&f.ty), |id| self.kind(id));
            names.push(f.wire_name.clone());
            chain.push(Access::Field {
                rust_name: f.rust_name.clone(),
                optional: f.optional(),
            });
            out.push(BodyField {
                names: names.clone(),
                chain: FieldChain(chain.clone()),
                ty: without_option(&leaf).clone(),
            });
            self.body_fields(&leaf, names, chain, out);
            names.pop();
            chain.pop();
        }
    }

    /// The items at a configured path: field steps to an array.
    fn items_at(&self, body: &TypeRef, path: &FieldPath) -> Option<(FieldChain, TypeRef)> {
        let (chain, leaf) = resolve(body, path, |id| self.kind(id))?;
        if chain.0.iter().any(|a| matches!(a, Access::First)) {
            return None;
        }
        match without_option(&leaf) {
            TypeRef::Array(item) => Some((chain, (**item).clone())),
            _ => None,
        }
    }

    /// The list in a body: the body itself when it is an array; else its one array field (of
    /// several, the one named like a list: `data`, `items`, `results`...), at the top or one
    /// object down. `fields` are the body's ([`Shape::fields`]: walked once per operation).
    fn find_items(&self, body: &TypeRef, fields: &[BodyField]) -> Option<(FieldChain, TypeRef)> {
        if let TypeRef::Array(item) = without_option(&unalias(body, |id| self.kind(id))) {
            return Some((FieldChain(Vec::new()), (**item).clone()));
        }
        let arrays: Vec<&BodyField> = fields
            .iter()
            .filter(|f| f.names.len() <= 2 && matches!(f.ty, TypeRef::Array(_)))
            .collect();
        let chosen = match arrays.as_slice() {
            [] => return None,
            [one] => *one,
            several => ITEMS
                .iter()
                .find_map(|name| several.iter().find(|f| norm_is(f.leaf(), name)))
                .copied()
                .or_else(|| several.iter().find(|f| f.names.len() == 1).copied())?,
        };
        let TypeRef::Array(item) = &chosen.ty else {
            return None;
        };
        Some((chosen.chain.clone(), (**item).clone()))
    }

    /// The style the shape shows, in order of reliability: what the server says of the next
    /// page (a cursor, the last id with `has_more`, a link) before counting pages.
    fn detect_style(&self, shape: &Shape, item: &TypeRef) -> Option<PageStyle> {
        if let Some(style) = self.last_id(shape, item, None, None) {
            return Some(style);
        }
        if let Some(cursor) = shape.param(CURSOR, is_string) {
            if let Some(next) = shape.next_cursor(&cursor) {
                return Some(PageStyle::Cursor { cursor, next });
            }
        }
        let list_like = [PAGE, OFFSET, CURSOR, LIMIT]
            .iter()
            .any(|roles| shape.param(roles, |_| true).is_some());
        if let Some(next) = shape.next_url(list_like) {
            return Some(PageStyle::Link { next: Some(next) });
        }
        if shape.link_header {
            return Some(PageStyle::Link { next: None });
        }
        if let Some(page) = shape.param(PAGE, is_integer) {
            return Some(PageStyle::PageNumber {
                page,
                size: shape.param(PAGE_SIZE, is_integer),
                page_number: shape.numeric(PAGE_ECHO),
                total_pages: shape.numeric(TOTAL_PAGES),
                more: shape.more(),
            });
        }
        let offset = shape.param(OFFSET, is_integer)?;
        Some(PageStyle::Offset {
            offset,
            limit: shape.param(LIMIT, is_integer),
            total: shape.numeric(TOTAL_ITEMS),
            more: shape.more(),
        })
    }

    /// The last item's id feeding a cursor parameter (`wire`, else one named for it) while a
    /// boolean says there are more.
    fn last_id(
        &self,
        shape: &Shape,
        item: &TypeRef,
        wire: Option<&str>,
        has_more: Option<FieldChain>,
    ) -> Option<PageStyle> {
        self.last_id_with(shape, item, wire, has_more, false)
    }

    /// [`Self::last_id`]; `short_pages`: without a boolean, a walk that ends at a short page
    /// (the list also takes a limit).
    fn last_id_with(
        &self,
        shape: &Shape,
        item: &TypeRef,
        wire: Option<&str>,
        has_more: Option<FieldChain>,
        short_pages: bool,
    ) -> Option<PageStyle> {
        let cursor = match wire {
            Some(wire) => shape
                .params
                .iter()
                .find(|p| p.wire == wire && is_string(&p.ty))
                .cloned()?,
            None => shape.param(LAST_ID, is_string)?,
        };
        let has_more = has_more.or_else(|| shape.field(HAS_MORE, is_bool).map(|f| f.chain.clone()));
        let limit = shape.param(LIMIT, is_integer);
        if has_more.is_none() && !(short_pages && limit.is_some()) {
            return None;
        }
        let id = self.struct_fields(item)?.iter().find(|f| {
            f.wire_name == "id" && is_string(&unalias(without_option(&f.ty), |id| self.kind(id)))
        })?;
        Some(PageStyle::LastId {
            cursor,
            id: FieldChain(vec![Access::Field {
                rust_name: id.rust_name.clone(),
                optional: id.optional(),
            }]),
            has_more,
            limit,
        })
    }

    /// The page-number shape of `[pagination]`, when the operation has it.
    fn shape_style(&self, s: &PaginationShape, shape: &Shape, body: &TypeRef) -> Option<PageStyle> {
        let page = shape
            .params
            .iter()
            .find(|p| p.wire == s.page && is_integer(&p.ty))?
            .clone();
        let number = |path: &FieldPath| -> Option<(FieldChain, Numeric)> {
            let (chain, leaf) = resolve(body, path, |id| self.kind(id))?;
            let n = match without_option(&leaf) {
                TypeRef::Integer(w) => Numeric::Int(*w),
                TypeRef::Number(w) => Numeric::Float(*w),
                _ => return None,
            };
            Some((chain, n))
        };
        Some(PageStyle::PageNumber {
            page,
            size: shape.param(PAGE_SIZE, is_integer),
            page_number: Some(number(&s.page_number)?),
            total_pages: Some(number(&s.total_pages)?),
            more: shape.more(),
        })
    }

    /// The style `codegen.toml` or an extension names, with the pieces it gives and the others
    /// found from the shape.
    fn configured_style(
        &self,
        w: &OperationPagination,
        shape: &Shape,
        body: &TypeRef,
        item: &TypeRef,
    ) -> Result<PageStyle, String> {
        let param = |roles: &[&str], want: fn(&TypeRef) -> bool, what: &str| match &w.param {
            Some(name) => shape
                .params
                .iter()
                .find(|p| p.wire == *name && want(&p.ty))
                .cloned()
                .ok_or_else(|| format!("no {what} query parameter `{name}`")),
            None => shape
                .param(roles, want)
                .ok_or_else(|| format!("no {what} query parameter")),
        };
        let path = |path: &Option<FieldPath>, want: fn(&TypeRef) -> bool, what: &str| {
            path.as_ref()
                .map(|p| {
                    resolve(body, p, |id| self.kind(id))
                        .filter(|(_, leaf)| want(without_option(leaf)))
                        .map(|(chain, _)| chain)
                        .ok_or_else(|| format!("no {what} field `{p}` in the response"))
                })
                .transpose()
        };
        let numeric = |path: &Option<FieldPath>,
                       what: &str|
         -> Result<Option<(FieldChain, Numeric)>, String> {
            let Some(p) = path else { return Ok(None) };
            let (chain, leaf) = resolve(body, p, |id| self.kind(id))
                .ok_or_else(|| format!("no {what} field `{p}` in the response"))?;
            let n = match without_option(&leaf) {
                TypeRef::Integer(w) => Numeric::Int(*w),
                TypeRef::Number(w) => Numeric::Float(*w),
                _ => return Err(format!("`{p}` is not a number")),
            };
            Ok(Some((chain, n)))
        };
        Ok(match w.style {
            PageStyleName::Page => PageStyle::PageNumber {
                page: param(PAGE, is_integer, "integer page")?,
                size: shape.param(PAGE_SIZE, is_integer),
                page_number: shape.numeric(PAGE_ECHO),
                total_pages: numeric(&w.total, "page count")?
                    .or_else(|| shape.numeric(TOTAL_PAGES)),
                more: path(&w.has_more, is_bool, "boolean")?.or_else(|| shape.more()),
            },
            PageStyleName::Offset => PageStyle::Offset {
                offset: param(OFFSET, is_integer, "integer offset")?,
                limit: shape.param(LIMIT, is_integer),
                total: numeric(&w.total, "total")?.or_else(|| shape.numeric(TOTAL_ITEMS)),
                more: path(&w.has_more, is_bool, "boolean")?.or_else(|| shape.more()),
            },
            PageStyleName::Cursor => {
                let cursor = param(CURSOR, is_string, "string cursor")?;
                let next = match path(&w.next, is_string, "string cursor")? {
                    Some(next) => next,
                    None => shape
                        .next_cursor(&cursor)
                        .ok_or("no field with the next cursor in the response")?,
                };
                PageStyle::Cursor { cursor, next }
            }
            PageStyleName::LastId => {
                // Named in the settings: without a boolean, the walk ends at a short page (a
                // list's order decides whether `after` walks it, which no shape tells).
                let has_more = path(&w.has_more, is_bool, "boolean")?;
                self.last_id_with(shape, item, w.param.as_deref(), has_more, true)
                    .ok_or("no string cursor parameter, `has_more` boolean or string item `id`")?
            }
            PageStyleName::Link => PageStyle::Link {
                next: path(&w.next, is_string, "string link")?,
            },
            PageStyleName::None => return Err("turned off".to_owned()),
        })
    }
}

/// The style an extension of the operation names: `x-pagination: false` turns pagination
/// off; `x-speakeasy-pagination` and `x-fern-pagination` name the style, its parameter and
/// the fields of the response (JSONPath `$.a.b` and `$response.a.b` read as `a.b`).
fn from_extensions(op: &openapiv3::Operation) -> Option<OperationPagination> {
    use serde_json::Value;
    let blank = |style| OperationPagination {
        style,
        param: None,
        items: None,
        next: None,
        total: None,
        has_more: None,
    };
    let path = |v: Option<&Value>| -> Option<FieldPath> {
        let text = v?.as_str()?;
        let text = text
            .trim_start_matches("$response.")
            .trim_start_matches("$.")
            .trim_start_matches('$');
        FieldPath::parse(text).ok()
    };
    if op.extensions.get("x-pagination") == Some(&Value::Bool(false)) {
        return Some(blank(PageStyleName::None));
    }
    if let Some(x) = op.extensions.get("x-speakeasy-pagination") {
        let inputs = x.get("inputs").and_then(Value::as_array);
        let input = |role: &str| {
            inputs?
                .iter()
                .find(|i| i.get("type").and_then(Value::as_str) == Some(role))
                .and_then(|i| i.get("name")?.as_str())
                .map(str::to_owned)
        };
        let outputs = x.get("outputs");
        let (style, param) = match x.get("type").and_then(Value::as_str)? {
            "offsetLimit" if input("page").is_some() => (PageStyleName::Page, input("page")),
            "offsetLimit" => (PageStyleName::Offset, input("offset")),
            "cursor" => (PageStyleName::Cursor, input("cursor")),
            "url" => (PageStyleName::Link, None),
            _ => return None,
        };
        return Some(OperationPagination {
            param,
            items: path(outputs.and_then(|o| o.get("results"))),
            next: path(outputs.and_then(|o| o.get("nextCursor").or_else(|| o.get("nextUrl")))),
            total: path(outputs.and_then(|o| o.get("numPages"))),
            ..blank(style)
        });
    }
    if let Some(x) = op.extensions.get("x-fern-pagination") {
        let request = |key: &str| {
            x.get(key)?
                .as_str()
                .map(|s| s.trim_start_matches("$request.").to_owned())
        };
        if let Some(cursor) = request("cursor") {
            return Some(OperationPagination {
                param: Some(cursor),
                items: path(x.get("results")),
                next: path(x.get("next_cursor")),
                ..blank(PageStyleName::Cursor)
            });
        }
        if let Some(offset) = request("offset") {
            let style = if is_one_of(&offset, PAGE) {
                PageStyleName::Page
            } else {
                PageStyleName::Offset
            };
            return Some(OperationPagination {
                param: Some(offset),
                items: path(x.get("results")),
                ..blank(style)
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{norm, norm_is};
    use crate::ir::{Api, FoundBy, PageStyle};
    use crate::options::{FieldPath, PaginationShape, Settings};
    use std::path::Path;

    #[test]
    fn norm_is_compares_as_norm_does() {
        for name in [
            "page[size]",
            "Page-Size",
            "pageSize",
            "page_size_",
            "pägeßize",
            "",
            "p",
        ] {
            for normal in ["pagesize", "page", "pagesizes", "", "p"] {
                assert_eq!(
                    norm_is(name, normal),
                    norm(name) == normal,
                    "{name:?} {normal:?}"
                );
            }
        }
    }

    fn lower_with(params: &str, body: &str, headers: &str, settings: &Settings) -> Api {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get:\n      operationId: list\n      parameters: {params}\n      responses:\n        '200':\n          description: d\n          headers: {headers}\n          content:\n            application/json:\n              schema: {body}\n"
        );
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        crate::lower::lower(&doc, settings).unwrap()
    }

    fn style(params: &str, body: &str) -> Option<PageStyle> {
        let api = lower_with(params, body, "{}", &Settings::default());
        api.operations[0]
            .pagination
            .as_ref()
            .map(|p| p.style.clone())
    }

    const ITEMS: &str =
        "data: {type: array, items: {type: object, properties: {id: {type: string}}}}";

    #[test]
    fn page_numbers_are_found_with_their_count() {
        let body = format!("{{type: object, properties: {{{ITEMS}, meta: {{type: object, properties: {{page_number: {{type: integer}}, total_pages: {{type: number}}}}}}}}}}");
        let p = style(
            "[{name: 'page[number]', in: query, schema: {type: integer}}, {name: 'page[size]', in: query, schema: {type: integer}}]",
            &body,
        );
        let Some(PageStyle::PageNumber {
            page,
            size,
            page_number,
            total_pages,
            ..
        }) = p
        else {
            panic!("{p:?}")
        };
        assert_eq!(
            (page.param.as_str(), page.field.as_deref()),
            ("page_number", None)
        );
        assert_eq!(size.unwrap().wire, "page[size]");
        assert!(page_number.is_some() && total_pages.is_some());
        // A `page` object with a `number` (Telnyx's consolidated form).
        let p = style(
            "[{name: page, in: query, style: deepObject, schema: {type: object, properties: {number: {type: integer}, size: {type: integer}}}}]",
            &body,
        );
        assert!(
            matches!(&p, Some(PageStyle::PageNumber { page, .. }) if page.param == "page" && page.field.as_deref() == Some("number")),
            "{p:?}"
        );
    }

    /// Only a GET is walked on its shape alone: Kubernetes' `deletecollection` takes
    /// `continue` and `limit` and answers with list metadata, and each page would be another
    /// DELETE. A setting may still name such an operation.
    #[test]
    fn only_reads_are_found_by_shape() {
        let text = |method: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    {method}:\n      operationId: list\n      parameters: [{{name: continue, in: query, schema: {{type: string}}}}, {{name: limit, in: query, schema: {{type: integer}}}}]\n      responses:\n        '200':\n          description: d\n          content:\n            application/json:\n              schema: {{type: object, properties: {{items: {{type: array, items: {{type: string}}}}, metadata: {{type: object, properties: {{continue: {{type: string}}}}}}}}}}\n"
            )
        };
        let paged = |method: &str, settings: &Settings| {
            let doc = crate::load::parse(Path::new("t.yml"), text(method).as_bytes()).unwrap();
            let api = crate::lower::lower(&doc, settings).unwrap();
            api.operations[0].pagination.is_some()
        };
        assert!(paged("get", &Settings::default()));
        for method in ["delete", "put", "patch", "post"] {
            assert!(!paged(method, &Settings::default()), "{method}");
        }
        let mut settings = Settings::default();
        let configured = crate::options::OperationPagination {
            style: crate::options::PageStyleName::Cursor,
            param: Some("continue".into()),
            items: None,
            next: Some(FieldPath::parse("metadata.continue").unwrap()),
            total: None,
            has_more: None,
        };
        settings
            .pagination
            .operations
            .insert("list".into(), configured);
        assert!(paged("post", &settings));
    }

    #[test]
    fn cursors_offsets_last_ids_and_links_are_found() {
        let dropshot = style(
            "[{name: page_token, in: query, schema: {type: string}}, {name: limit, in: query, schema: {type: integer}}]",
            "{type: object, properties: {items: {type: array, items: {type: string}}, next_page: {type: string, nullable: true}}}",
        );
        assert!(
            matches!(&dropshot, Some(PageStyle::Cursor { cursor, .. }) if cursor.wire == "page_token"),
            "{dropshot:?}"
        );
        let cursor = style(
            "[{name: 'page[after]', in: query, schema: {type: string}}]",
            &format!("{{type: object, properties: {{{ITEMS}, meta: {{type: object, properties: {{cursors: {{type: object, properties: {{after: {{type: string}}, before: {{type: string}}}}}}}}}}}}}}"),
        );
        assert!(
            matches!(&cursor, Some(PageStyle::Cursor { cursor, .. }) if cursor.wire == "page[after]"),
            "{cursor:?}"
        );
        let k8s = style(
            "[{name: continue, in: query, schema: {type: string}}, {name: limit, in: query, schema: {type: integer}}]",
            "{type: object, properties: {items: {type: array, items: {type: string}}, metadata: {type: object, properties: {continue: {type: string}}}}}",
        );
        assert!(matches!(&k8s, Some(PageStyle::Cursor { .. })), "{k8s:?}");
        let stripe = style(
            "[{name: starting_after, in: query, schema: {type: string}}, {name: limit, in: query, schema: {type: integer}}]",
            &format!("{{type: object, properties: {{{ITEMS}, has_more: {{type: boolean}}}}}}"),
        );
        assert!(
            matches!(&stripe, Some(PageStyle::LastId { .. })),
            "{stripe:?}"
        );
        let offset = style(
            "[{name: offset, in: query, schema: {type: integer}}, {name: limit, in: query, schema: {type: integer}}]",
            &format!("{{type: object, properties: {{{ITEMS}, total: {{type: integer}}}}}}"),
        );
        assert!(
            matches!(
                &offset,
                Some(PageStyle::Offset {
                    limit: Some(_),
                    total: Some(_),
                    ..
                })
            ),
            "{offset:?}"
        );
        let body_link = style(
            "[{name: page, in: query, schema: {type: integer}}]",
            &format!("{{type: object, properties: {{{ITEMS}, links: {{type: object, properties: {{pages: {{type: object, properties: {{next: {{type: string}}}}}}}}}}}}}}"),
        );
        assert!(
            matches!(&body_link, Some(PageStyle::Link { next: Some(_) })),
            "{body_link:?}"
        );
        // A `Link` header on a list that is an array (GitHub's).
        let api = lower_with(
            "[{name: per_page, in: query, schema: {type: integer}}, {name: page, in: query, schema: {type: integer}}]",
            "{type: array, items: {type: string}}",
            "{Link: {schema: {type: string}}}",
            &Settings::default(),
        );
        let p = api.operations[0].pagination.as_ref().expect("paginates");
        assert!(
            matches!(p.style, PageStyle::Link { next: None }),
            "{:?}",
            p.style
        );
        assert!(p.items.0.is_empty(), "the body is the list");
        assert_eq!(
            (p.stream_name.as_str(), p.pages_name.as_str()),
            ("list_stream", "list_pages")
        );
        assert_eq!(p.found_by, FoundBy::Shape);
    }

    #[test]
    fn what_does_not_page_is_not_taken() {
        // A limit alone, an array-less body, a text page number.
        assert!(style(
            "[{name: limit, in: query, schema: {type: integer}}]",
            &format!("{{type: object, properties: {{{ITEMS}}}}}")
        )
        .is_none());
        assert!(style(
            "[{name: page, in: query, schema: {type: integer}}]",
            "{type: object, properties: {name: {type: string}}}"
        )
        .is_none());
        assert!(style(
            "[{name: page, in: query, schema: {type: string}}]",
            &format!("{{type: object, properties: {{{ITEMS}}}}}")
        )
        .is_none());
        // A cursor parameter whose next cursor the body does not give.
        assert!(style(
            "[{name: cursor, in: query, schema: {type: string}}]",
            &format!("{{type: object, properties: {{{ITEMS}}}}}")
        )
        .is_none());
    }

    #[test]
    fn settings_and_extensions_add_correct_or_turn_off() {
        let path = |p: &str| FieldPath::parse(p).unwrap();
        let shape = Settings {
            pagination: crate::options::PaginationSettings {
                shape: Some(PaginationShape {
                    page: "page[number]".into(),
                    items: path("data"),
                    page_number: path("meta.page_number"),
                    total_pages: path("meta.total_pages"),
                }),
                ..Default::default()
            },
            ..Settings::default()
        };
        let body = format!("{{type: object, properties: {{{ITEMS}, meta: {{type: object, properties: {{page_number: {{type: integer}}, total_pages: {{type: integer}}}}}}}}}}");
        let api = lower_with(
            "[{name: 'page[number]', in: query, schema: {type: integer}}]",
            &body,
            "{}",
            &shape,
        );
        assert!(matches!(
            api.operations[0].pagination.as_ref().unwrap().style,
            PageStyle::PageNumber { .. }
        ));
        // Turned off by the extension.
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get:\n      operationId: list\n      x-pagination: false\n      parameters: [{{name: page, in: query, schema: {{type: integer}}}}]\n      responses:\n        '200':\n          description: d\n          content:\n            application/json:\n              schema: {body}\n"
        );
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        let api = crate::lower::lower(&doc, &Settings::default()).unwrap();
        assert!(api.operations[0].pagination.is_none());
        // Named by x-fern-pagination: a cursor the shape would not pair.
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    get:\n      operationId: list\n      x-fern-pagination: {{cursor: $request.from, next_cursor: $response.state.resume, results: $response.data}}\n      parameters: [{{name: from, in: query, schema: {{type: string}}}}]\n      responses:\n        '200':\n          description: d\n          content:\n            application/json:\n              schema: {{type: object, properties: {{{ITEMS}, state: {{type: object, properties: {{resume: {{type: string}}}}}}}}}}\n"
        );
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        let api = crate::lower::lower(&doc, &Settings::default()).unwrap();
        let p = api.operations[0].pagination.as_ref().expect("paginates");
        assert_eq!(p.found_by, FoundBy::Extension);
        assert!(matches!(&p.style, PageStyle::Cursor { cursor, .. } if cursor.wire == "from"));
    }
}
