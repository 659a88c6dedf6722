//! The methods of a paginated operation: `<name>_pages` walks the pages (each body whole, its
//! metadata included) in the style the IR found, and `<name>_stream` yields their items. The
//! walk itself is the runtime's (`pagination.rs`): the code here says how to ask for a page
//! and what a page says of the next.

use super::docs;
use super::{chain_expr, chain_value, rust_type, Leaf};
use crate::ir::{
    Api, FieldChain, IntWidth, Numeric, Operation, PageStyle, Pagination, ParamField, TypeRef,
};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

/// What both methods are written from.
struct Parts<'a> {
    api: &'a Api,
    op: &'a Operation,
    p: &'a Pagination,
    /// The arguments of the methods (`call_id: &str`, `params: &Params`), and their names.
    args: &'a [TokenStream],
    names: Vec<TokenStream>,
    /// The arguments of the operation's call inside the page function, where the names are
    /// references already (`params` is borrowed again when the walk changed its own copy).
    call_args: Vec<TokenStream>,
}

/// `<name>_pages` and `<name>_stream`; `args` are the operation method's own.
pub(super) fn methods(
    api: &Api,
    op: &Operation,
    p: &Pagination,
    args: &[TokenStream],
) -> TokenStream {
    let mut names: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|p| {
            let ident = naming::ident(&p.rust_name);
            quote!(#ident)
        })
        .collect();
    if op.params_struct.is_some() {
        let params = naming::ident(&op.locals.params);
        names.push(quote!(#params));
    }
    // A list that takes a body (Stripe's GETs declare an empty form) sends it on every page.
    if op.body.is_some() {
        let body = naming::ident(&op.locals.body);
        names.push(quote!(#body));
    }
    let walked_params = op.params_struct.is_some() && p.style.walked().is_some();
    let call_args = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if walked_params && i == op.path_params.len() {
                quote!(&#name)
            } else {
                quote!(#name)
            }
        })
        .collect();
    let parts = Parts {
        api,
        op,
        p,
        args,
        names,
        call_args,
    };
    let pages = pages_method(&parts);
    let stream = stream_method(&parts);
    quote! {
        #pages
        #stream
    }
}

fn deprecated(op: &Operation) -> Option<TokenStream> {
    op.deprecated
        .then(|| quote!(#[deprecated] #[allow(deprecated)]))
}

/// `<name>_stream`: the items of every page.
fn stream_method(parts: &Parts) -> TokenStream {
    let (api, op, p) = (parts.api, parts.op, parts.p);
    let name = naming::ident(&p.stream_name);
    let pages = naming::ident(&p.pages_name);
    let item = rust_type(api, &p.item, false);
    let (args, names) = (parts.args, &parts.names);
    let body = naming::ident(&op.locals.body);
    let items = chain_expr(quote!(#body), &p.items, Leaf::Owned);
    let doc = docs::attrs(&[format!(
        "Every item of every page of [`{}`](Self::{}), fetched as the stream is consumed \
             (pages by {}; [`{}`](Self::{}) gives each page whole).",
        op.rust_name,
        op.rust_name,
        p.style.describe(),
        p.pages_name,
        p.pages_name
    )]);
    let deprecated = deprecated(op);
    quote! {
        #doc
        #deprecated
        pub fn #name<'a>(
            &'a self,
            #(#args,)*
        ) -> crate::ItemStream<'a, #item> {
            crate::pagination::items(self.#pages(#(#names),*), |#body| #items)
        }
    }
}

/// `<name>_pages`: every page, whole.
fn pages_method(parts: &Parts) -> TokenStream {
    let (api, op, p) = (parts.api, parts.op, parts.p);
    let name = naming::ident(&p.pages_name);
    let body_ty = match op.success().map(|r| &r.body) {
        Some(crate::ir::ResponseBody::Json(ty)) => rust_type(api, ty, false),
        _ => quote!(()),
    };
    let args = parts.args;
    // The walk's own copy of the arguments, handed to the page function by reference: the
    // path parameters (numbers, booleans and dates copied), the parameters, the body.
    // Through aliases: GitHub's `alert_number` is `types::AlertNumber`, an `i64`.
    let is_copy = |ty: &TypeRef| {
        let mut ty = ty;
        for _ in 0..16 {
            match ty {
                TypeRef::Named(id) => match &api.ty(*id).kind {
                    crate::ir::TypeKind::Alias(target) => ty = target,
                    _ => return false,
                },
                _ => break,
            }
        }
        matches!(
            ty,
            TypeRef::Integer(_)
                | TypeRef::Number(_)
                | TypeRef::Boolean
                | TypeRef::Date
                | TypeRef::DateTime
        )
    };
    let mut owned: Vec<TokenStream> = op
        .path_params
        .iter()
        .zip(&parts.names)
        .map(|(p, name)| {
            if is_copy(&p.ty) {
                quote!(*#name)
            } else {
                quote!(#name.to_owned())
            }
        })
        .collect();
    if op.params_struct.is_some() {
        let params = naming::ident(&op.locals.params);
        owned.push(quote!(#params.clone()));
    }
    if op.body.is_some() {
        let request = naming::ident(&op.locals.body);
        owned.push(quote!(#request.to_owned()));
    }
    let names = &parts.names;
    // The parameters are cloned for each page when the walk sets one of them.
    let per_page = match (&op.params_struct, p.style.walked()) {
        (Some(_), Some(_)) => {
            let params = naming::ident(&op.locals.params);
            quote!(let mut #params = #params.clone();)
        }
        _ => quote!(),
    };
    let walk = Walk::new(parts);
    let (first, set, next) = (&walk.first, &walk.set, &walk.next);
    let (call, answer, unpack) = (&walk.call, &walk.answer, &walk.unpack);
    let (number, total, size, counted) = (&walk.number, &walk.total, &walk.size, &walk.counted);
    let body = naming::ident(&op.locals.body);
    let client = naming::ident(&op.locals.client);
    let cursor = naming::ident(&op.locals.cursor);
    let count = match chain_value(quote!(#body), &p.items, Leaf::Ref) {
        (items, true) => quote!(#items.len()),
        (items, false) => quote!(#items.map_or(0, |items| items.len())),
    };
    let doc = docs::attrs(&pages_docs(op, p));
    let deprecated = deprecated(op);
    quote! {
        #doc
        #deprecated
        pub fn #name<'a>(
            &'a self,
            #(#args,)*
        ) -> crate::PageStream<'a, #body_ty> {
            crate::pagination::pages_with(
                self,
                (#(#owned,)*),
                #first,
                |#client, (#(#names,)*), #cursor| {
                    #per_page
                    #set
                    let size = #size;
                    crate::pagination::fetch(#call, move |#answer| {
                        #unpack
                        let items = #count;
                        crate::pagination::Page {
                            next: #next,
                            number: #number,
                            total_pages: #total,
                            items,
                            size,
                            counted: #counted,
                            #body,
                        }
                    })
                },
            )
        }
    }
}

fn pages_docs(op: &Operation, p: &Pagination) -> Vec<String> {
    let how = match &p.style {
        PageStyle::PageNumber {
            page, total_pages, ..
        } => format!(
            "Pages by number ({}): from the one `params` asks for (else the first), until {}. \
             With [`ClientBuilder::page_concurrency`](crate::ClientBuilder::page_concurrency) \
             above 1 and a page count, later pages are fetched several at a time, still in order.",
            docs::code_span(&page.wire),
            if total_pages.is_some() {
                "the page count, an empty page or a short one"
            } else {
                "an empty page or one shorter than a full page"
            }
        ),
        PageStyle::Offset { offset, total, .. } => format!(
            "Pages by offset ({}): each request starts past the items read, until {}.",
            docs::code_span(&offset.wire),
            if total.is_some() {
                "the total, an empty page or a short one"
            } else {
                "an empty page or one shorter than a full page"
            }
        ),
        PageStyle::Cursor { cursor, .. } => format!(
            "Pages by cursor ({}): each page gives the next one's, until it gives none (null, \
             absent or empty).",
            docs::code_span(&cursor.wire)
        ),
        PageStyle::LastId {
            cursor, has_more, ..
        } => format!(
            "Pages after the last item's id ({}), {}.",
            docs::code_span(&cursor.wire),
            if has_more.is_some() {
                "while the page says there are more"
            } else {
                "until an empty page or one shorter than the limit"
            }
        ),
        PageStyle::Link { next: None } => "Pages by link: each answer's `Link` header names the \
             next page (`rel=\"next\"`), followed as given, until one names none."
            .to_owned(),
        PageStyle::Link { next: Some(_) } => "Pages by link: each page gives the next one's \
             URL, followed as given, until it gives none."
            .to_owned(),
    };
    let found = match p.found_by {
        crate::ir::FoundBy::Shape => "found from the operation's parameters and response",
        crate::ir::FoundBy::Config => "as `codegen.toml` says",
        crate::ir::FoundBy::Extension => "as the spec's pagination extension says",
    };
    vec![
        format!(
            "Every page of [`{0}`](Self::{0}), whole (its metadata included), fetched as the \
             stream is consumed; the other parameters are kept on every request.",
            op.rust_name
        ),
        String::new(),
        format!("{how} (The style was {found}.)"),
        String::new(),
        "The walk is bounded: a page the server repeats (a page number or offset that does \
         not advance, a cursor or link already followed) and more than \
         [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages) pages end it with \
         [`Error::Pagination`](crate::Error::Pagination)."
            .to_owned(),
    ]
}

/// The style-specific pieces of a walk.
struct Walk {
    /// The first cursor.
    first: TokenStream,
    /// Sets the parameters from `cursor` (and binds `asked` for numbers and offsets).
    set: TokenStream,
    /// The request for the page (a future of its answer).
    call: TokenStream,
    /// The name of its answer, and the statements binding the page's `body` from it.
    answer: TokenStream,
    unpack: TokenStream,
    /// The next cursor.
    next: TokenStream,
    /// The page number the body says, the page count, the page size asked for.
    number: TokenStream,
    total: TokenStream,
    size: TokenStream,
    /// The body says how far the list goes (a page count, a total, a "more" flag): then a
    /// short page does not end the walk.
    counted: TokenStream,
}

impl Walk {
    fn new(parts: &Parts) -> Walk {
        let (op, p) = (parts.op, parts.p);
        let body = naming::ident(&op.locals.body);
        let call = naming::ident(&op.rust_name);
        let call_args = &parts.call_args;
        let client = naming::ident(&op.locals.client);
        let plain_call = quote!(#client.#call(#(#call_args),*));
        let none = quote!(None);
        let cursor = quote!(crate::pagination::Cursor);
        match &p.style {
            PageStyle::PageNumber {
                page,
                size,
                page_number,
                total_pages,
                more,
            } => Walk {
                first: {
                    let current = read_or(op, page, quote!(1));
                    quote!(#cursor::Number(#current))
                },
                set: set_number(op, page, quote!(Number), quote!(1)),
                call: plain_call,
                answer: quote!(#body),
                unpack: quote!(),
                next: {
                    let (number, total) = (count(op, page_number), count(op, total_pages));
                    only_if_more(
                        op,
                        more.as_ref(),
                        quote!(crate::pagination::next_number(asked, #number, #total)),
                    )
                },
                number: count(op, page_number),
                total: count(op, total_pages),
                size: read_size(op, size.as_ref()),
                counted: counted(op, total_pages, more.as_ref()),
            },
            PageStyle::Offset {
                offset,
                limit,
                total,
                more,
            } => Walk {
                first: {
                    let current = read_or(op, offset, quote!(0));
                    quote!(#cursor::Offset(#current))
                },
                set: set_number(op, offset, quote!(Offset), quote!(0)),
                call: plain_call,
                answer: quote!(#body),
                unpack: quote!(),
                next: {
                    let total = count(op, total);
                    only_if_more(
                        op,
                        more.as_ref(),
                        quote!(crate::pagination::next_offset(asked, items, #total)),
                    )
                },
                number: none.clone(),
                total: none.clone(),
                size: read_size(op, limit.as_ref()),
                counted: counted(op, total, more.as_ref()),
            },
            PageStyle::Cursor {
                cursor: param,
                next,
            } => Walk {
                first: quote!(#cursor::Start),
                set: set_token(op, param),
                call: plain_call,
                answer: quote!(#body),
                unpack: quote!(),
                next: {
                    let next = chain_expr(quote!(#body), next, Leaf::Str);
                    quote!(crate::pagination::next_token(#next))
                },
                number: none.clone(),
                total: none.clone(),
                size: none,
                counted: quote!(false),
            },
            PageStyle::LastId {
                cursor: param,
                id,
                has_more,
                limit,
            } => Walk {
                first: quote!(#cursor::Start),
                set: set_token(op, param),
                call: plain_call,
                answer: quote!(#body),
                unpack: quote!(),
                next: {
                    let last = match chain_value(quote!(#body), &p.items, Leaf::Ref) {
                        (items, true) => quote!(#items.last()),
                        (items, false) => quote!(#items.and_then(|items| items.last())),
                    };
                    let id = last_id(id);
                    let more = match has_more {
                        Some(has_more) => {
                            match chain_value(quote!(#body), has_more, Leaf::Copied) {
                                (more, true) => more,
                                (more, false) => quote!(#more.unwrap_or(false)),
                            }
                        }
                        // Without a boolean, a page short of the limit asked for is the last.
                        None => quote!(items > 0 && size.is_none_or(|size| items >= size)),
                    };
                    quote! {
                        if #more {
                            crate::pagination::next_token(#last #id)
                        } else {
                            None
                        }
                    }
                },
                number: none.clone(),
                total: none.clone(),
                size: read_size(op, limit.as_ref()),
                counted: quote!(false),
            },
            PageStyle::Link { next } => link_walk(parts, next.as_ref()),
        }
    }
}

/// `next`, unless the body's boolean (`more`, when there is one) says there is no more.
fn only_if_more(op: &Operation, more: Option<&FieldChain>, next: TokenStream) -> TokenStream {
    let Some(more) = more else { return next };
    let body = naming::ident(&op.locals.body);
    let more = match chain_value(quote!(#body), more, Leaf::Copied) {
        (more, true) => more,
        (more, false) => quote!(#more.unwrap_or(true)),
    };
    quote! {
        if #more {
            #next
        } else {
            None
        }
    }
}

/// From the last item (`Option<&Item>`) to its id as `Option<&str>`.
fn last_id(id: &FieldChain) -> TokenStream {
    let id_of = chain_expr(quote!(item), id, Leaf::Str);
    match id.0.as_slice() {
        [crate::ir::Access::Field {
            rust_name,
            optional: false,
        }] => {
            let field = naming::ident(rust_name);
            quote!(.map(|item| item.#field.as_str()))
        }
        _ => quote!(.and_then(|item| #id_of)),
    }
}

/// A walk by links: the first page through the method, the next ones by the URL the last
/// gave, decoded as the method decodes.
fn link_walk(parts: &Parts, next: Option<&FieldChain>) -> Walk {
    let (api, op) = (parts.api, parts.op);
    let body = naming::ident(&op.locals.body);
    let call = naming::ident(&op.rust_name);
    let call_args = &parts.call_args;
    let template = &op.path;
    let accept = op.accept.as_deref().unwrap_or("application/json");
    let decode = super::operations::decode_closure(api, op);
    let security = super::operations::security_tokens(api, op);
    let cursor = quote!(crate::pagination::Cursor);
    let cursor_local = naming::ident(&op.locals.cursor);
    let client = naming::ident(&op.locals.client);
    let set = quote! {
        let link = match #cursor_local {
            #cursor::Url(url) => Some(url),
            _ => None,
        };
    };
    let (call, answer, unpack, next) = match next {
        None => (
            quote! {
                match link {
                    None => #client.#call(#(#call_args),*).with_response(),
                    Some(link) => #client
                        .call(#template, #security, || #client.request_link(&link, #accept), #decode)
                        .with_response(),
                }
            },
            quote!(response),
            quote! {
                let following = crate::pagination::next_link(&response.headers);
                let #body = response.body;
            },
            quote!(following),
        ),
        Some(chain) => {
            let url = chain_expr(quote!(#body), chain, Leaf::Str);
            (
                quote! {
                    match link {
                        None => #client.#call(#(#call_args),*),
                        Some(link) => #client
                            .call(#template, #security, || #client.request_link(&link, #accept), #decode),
                    }
                },
                quote!(#body),
                quote!(),
                quote!(crate::pagination::next_url(#url)),
            )
        }
    };
    Walk {
        first: quote!(#cursor::Start),
        set,
        call,
        answer,
        unpack,
        next,
        number: quote!(None),
        total: quote!(None),
        size: quote!(None),
        counted: quote!(false),
    }
}

/// A parameter field's place in the parameters struct (`params.page` or the field inside
/// it), and the expression reading it as `Option<&T>`-or-copy.
fn place(op: &Operation, f: &ParamField) -> (TokenStream, Option<TokenStream>) {
    let params = naming::ident(&op.locals.params);
    let param = naming::ident(&f.param);
    let field = f.field.as_ref().map(|field| {
        let field = naming::ident(field);
        quote!(#field)
    });
    (quote!(#params.#param), field)
}

/// The parameter's value as `Option<i64>` (an integer parameter).
fn read(op: &Operation, f: &ParamField) -> TokenStream {
    let TypeRef::Integer(width) = f.ty else {
        return quote!(None::<i64>);
    };
    let (param, field) = place(op, f);
    let numeric = Numeric::Int(width);
    match field {
        // The parameter is an optional object (parameters of the struct are optional unless
        // required; an object one is read through `as_ref`).
        Some(field) => {
            let inner = to_i64(quote!(v.#field), numeric, f.optional);
            quote!(#param.as_ref().and_then(|v| #inner))
        }
        None => to_i64(param, numeric, f.optional),
    }
}

/// A required integer parameter of the struct itself, as `i64` (no `Option` to unwrap).
fn read_required(op: &Operation, f: &ParamField) -> Option<TokenStream> {
    let TypeRef::Integer(width) = f.ty else {
        return None;
    };
    if f.optional || f.field.is_some() {
        return None;
    }
    let (param, _) = place(op, f);
    Some(match width {
        IntWidth::I64 => param,
        IntWidth::I32 | IntWidth::U32 => quote!(i64::from(#param)),
        IntWidth::U64 => quote!(i64::try_from(#param).unwrap_or(i64::MAX)),
    })
}

/// The parameter's value as `i64`, `default` when it is unset.
fn read_or(op: &Operation, f: &ParamField, default: TokenStream) -> TokenStream {
    match read_required(op, f) {
        Some(value) => value,
        None => {
            let value = read(op, f);
            quote!(#value.unwrap_or(#default))
        }
    }
}

/// The page size asked for, as `Option<usize>`.
fn read_size(op: &Operation, f: Option<&ParamField>) -> TokenStream {
    let Some(f) = f else {
        return quote!(None);
    };
    match read_required(op, f) {
        Some(value) => quote!(usize::try_from(#value).ok()),
        None => {
            let value = read(op, f);
            quote!(#value.and_then(|v| usize::try_from(v).ok()))
        }
    }
}

/// Sets an integer parameter from a `Number` or `Offset` cursor and binds `asked` (what the
/// request asks for, `default` when the cursor is the start).
fn set_number(
    op: &Operation,
    f: &ParamField,
    variant: TokenStream,
    default: TokenStream,
) -> TokenStream {
    let TypeRef::Integer(width) = f.ty else {
        return quote!(let asked: i64 = #default;);
    };
    let current = read_or(op, f, default);
    let assign = assign(op, f, from_i64(quote!(number), width));
    let cursor_local = naming::ident(&op.locals.cursor);
    quote! {
        let asked = match #cursor_local {
            crate::pagination::Cursor::#variant(number) => {
                #assign
                number
            }
            _ => #current,
        };
    }
}

/// Sets a string parameter from a `Token` cursor.
fn set_token(op: &Operation, f: &ParamField) -> TokenStream {
    let assign = assign(op, f, quote!(token));
    let cursor_local = naming::ident(&op.locals.cursor);
    quote! {
        if let crate::pagination::Cursor::Token(token) = #cursor_local {
            #assign
        }
    }
}

/// `place = value` (wrapped in `Some` for an optional field; an object parameter is created
/// when absent).
fn assign(op: &Operation, f: &ParamField, value: TokenStream) -> TokenStream {
    let (param, field) = place(op, f);
    let value = if f.optional {
        quote!(Some(#value))
    } else {
        value
    };
    match field {
        Some(field) => quote! {
            #param.get_or_insert_default().#field = #value;
        },
        None => quote!(#param = #value;),
    }
}

/// Whether the body says how far the list goes: its count (or total) or its "more" flag.
fn counted(
    op: &Operation,
    count_field: &Option<(FieldChain, Numeric)>,
    more: Option<&FieldChain>,
) -> TokenStream {
    let body = naming::ident(&op.locals.body);
    let mut known: Vec<TokenStream> = Vec::new();
    if let Some((chain, _)) = count_field {
        if chain_value(quote!(#body), chain, Leaf::Copied).1 {
            // Always there: every page says.
            return quote!(true);
        }
        let count = count(op, count_field);
        known.push(quote!(#count.is_some()));
    }
    if let Some(more) = more {
        match chain_value(quote!(#body), more, Leaf::Copied) {
            // Always there: the page always says.
            (_, true) => return quote!(true),
            (more, false) => known.push(quote!(#more.is_some())),
        }
    }
    if known.is_empty() {
        quote!(false)
    } else {
        quote!(#(#known)||*)
    }
}

/// A count from the body as `Option<i64>`.
fn count(op: &Operation, chain: &Option<(FieldChain, Numeric)>) -> TokenStream {
    let Some((chain, numeric)) = chain else {
        return quote!(None);
    };
    let body = naming::ident(&op.locals.body);
    let value = chain_expr(quote!(#body), chain, Leaf::Copied);
    to_i64(value, *numeric, true)
}

/// `Option<i64>` from a numeric value (`optional`: it is an `Option`).
fn to_i64(value: TokenStream, number: Numeric, optional: bool) -> TokenStream {
    let value = if optional {
        value
    } else {
        quote!(Some(#value))
    };
    match number {
        Numeric::Int(IntWidth::I64) => value,
        Numeric::Int(IntWidth::I32 | IntWidth::U32) => quote!(#value.map(i64::from)),
        Numeric::Int(IntWidth::U64) => quote!(#value.and_then(|v| i64::try_from(v).ok())),
        // A count typed `number`: `as` saturates, and NaN becomes 0.
        Numeric::Float(_) => quote!(#value.map(|v| v as i64)),
    }
}

/// A page number or offset converted to the parameter's integer type.
fn from_i64(number: TokenStream, width: IntWidth) -> TokenStream {
    match width {
        IntWidth::I64 => number,
        IntWidth::I32 => quote!(i32::try_from(#number).unwrap_or(i32::MAX)),
        IntWidth::U32 => quote!(u32::try_from(#number).unwrap_or(u32::MAX)),
        IntWidth::U64 => quote!(u64::try_from(#number).unwrap_or_default()),
    }
}
