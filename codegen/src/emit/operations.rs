//! `src/operations/`: one async method on `Client` per operation, in one file per group.

use super::docs;
use super::rust_type;
use crate::ir::Prelude;
use crate::ir::{
    Api, BodyKind, BytesMethod, Decode, EventData, EventsFoundBy, EventsMethod, Method, Module,
    Operation, Outcome, ParamLocation, PathSegment, ResponseBody, StatusMatch, SuccessEnum,
    TypeRef,
};
use crate::naming;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// `src/operations/mod.rs`: one module per group of operations.
pub fn operations_mod_rs(api: &Api) -> TokenStream {
    let mut groups: Vec<(usize, &str)> = api
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (i, g.rust_name.as_str()))
        .collect();
    groups.sort_unstable_by_key(|(_, name)| *name);
    // Each tag's operations compile with its feature.
    let modules = groups.iter().map(|(index, name)| {
        let name = naming::ident(name);
        let feature = &api.groups[*index].feature;
        quote!(#[cfg(feature = #feature)] pub mod #name;)
    });
    quote! {
        //! The operations by tag: each module lists its methods on [`Client`](crate::Client)
        //! and holds their parameter structs and inline types (also re-exported by
        //! [`types`](crate::types)).
        #(#modules)*
    }
}

/// `src/operations/<group>.rs`: the group's methods, then its parameter structs and the
/// inline types of its requests and responses.
/// The one-line title of a group: its tag, or the path segment untagged operations share.
pub fn group_title(api: &Api, group: usize) -> String {
    let g = &api.groups[group];
    match &g.tag {
        Some(tag) => format!("Operations tagged {}.", docs::code_span(tag)),
        None => format!(
            "Operations the spec does not tag, grouped by their path ({}).",
            docs::code_span(&g.rust_name)
        ),
    }
}

pub fn group_file(api: &Api, group: usize) -> TokenStream {
    let g = &api.groups[group];
    let ops: Vec<&Operation> = api
        .operations
        .iter()
        .filter(|op| op.group == group)
        .collect();
    // The module's page: the tag, its description, and its methods with their summaries.
    let mut module_doc = vec![group_title(api, group)];
    if let Some(description) = &g.description {
        module_doc.push(String::new());
        module_doc.extend(docs::sanitize(description));
    }
    module_doc.push(String::new());
    module_doc.push("# Methods of [`Client`](crate::Client)".to_owned());
    module_doc.push(String::new());
    for op in &ops {
        let summary = op
            .summary
            .as_deref()
            .map(|s| docs::sanitize(s).join(" "))
            .filter(|s| !s.is_empty())
            .map(|s| format!(": {s}"))
            .unwrap_or_default();
        let mut events = op
            .events
            .as_ref()
            .map(|e| {
                format!(
                    " (+ [`{0}`](crate::Client::{0}): as server-sent events)",
                    e.rust_name
                )
            })
            .unwrap_or_default();
        if let Some(b) = &op.bytes {
            events.push_str(&format!(
                " (+ [`{0}`](crate::Client::{0}): as a download)",
                b.rust_name
            ));
        }
        module_doc.push(format!(
            "- [`{0}`](crate::Client::{0}), {1}{events}{summary}",
            op.rust_name,
            docs::code_span(&format!("{} {}", op.method.as_str(), op.path))
        ));
    }
    let module_doc = docs::inner_attrs(&module_doc);
    // On the impl block, rustdoc shows the text above the group's methods: the tags group the
    // client's methods on its page too.
    let doc = docs::attrs(&[group_title(api, group)]);
    let methods = ops.iter().map(|op| operation(api, op));
    let params = ops.iter().filter_map(|op| {
        op.params_struct
            .as_ref()
            .map(|ps| super::types::params_struct(api, ps, &op.rust_name, false))
    });
    let successes = ops.iter().filter_map(|op| {
        op.success_enum
            .as_ref()
            .map(|e| success_enum_def(api, op, e))
    });
    let types = api
        .types
        .iter()
        .filter(|t| t.module == Module::Operations(group))
        .map(|t| super::types::type_def(api, t, false));
    // A split crate compiles the group's inline types in a crate of types; their path in
    // this module stays.
    let moved: Vec<_> = api
        .split
        .iter()
        .flat_map(|s| &s.moved)
        .filter(|(g, _)| *g == group)
        .map(|(_, id)| naming::ident(&api.ty(*id).name))
        .collect();
    let moved = (!moved.is_empty()).then(|| quote!(pub use crate::types::{#(#moved),*};));
    quote! {
        #module_doc
        #doc
        impl crate::Client {
            #(#methods)*
        }
        #(#params)*
        #(#successes)*
        #(#types)*
        #moved
    }
}

/// The Rust type of a success body; `in_enum`: of a success enum's variant, which reads
/// streamed bodies whole.
fn body_type(api: &Api, body: Option<&ResponseBody>, in_enum: bool) -> TokenStream {
    let std_string = super::std(api, Prelude::String);
    let std_vec = super::std(api, Prelude::Vec);
    match body {
        Some(ResponseBody::Json(ty)) => rust_type(api, ty, false),
        Some(ResponseBody::Bytes) if in_enum => quote!(#std_vec<u8>),
        Some(ResponseBody::Bytes) => quote!(crate::ByteStream),
        Some(ResponseBody::Events(_)) if in_enum => quote!(#std_string),
        Some(ResponseBody::Events(data)) => event_stream_type(api, data.as_ref()),
        Some(ResponseBody::Text) => quote!(#std_string),
        Some(ResponseBody::None) | None => quote!(()),
    }
}

/// `EventStream<T>`, `T` the events' data (`String` when text).
fn event_stream_type(api: &Api, data: Option<&TypeRef>) -> TokenStream {
    let std_string = super::std(api, Prelude::String);
    let data = data.map_or_else(|| quote!(#std_string), |ty| rust_type(api, ty, false));
    quote!(crate::EventStream<#data>)
}

/// The enum a method returns when its success statuses have different bodies.
fn success_enum_def(api: &Api, op: &Operation, e: &SuccessEnum) -> TokenStream {
    let std_box = super::std(api, Prelude::Box);
    let name = naming::ident(&e.name);
    // Compares when every body does (response types do not derive `PartialEq`).
    let compares = e.variants.iter().all(|v| match &v.body {
        ResponseBody::Json(ty) => match ty.innermost() {
            TypeRef::Named(id) => api.ty(*id).partial_eq,
            _ => true,
        },
        _ => true,
    });
    let partial_eq = compares.then(|| quote!(, PartialEq));
    let variants = e.variants.iter().map(|v| {
        let ident = naming::ident(&v.rust_name);
        let label = docs::code_span(&v.status.label());
        let mut lines = docs::sanitize(v.description.trim());
        match lines.first_mut() {
            Some(first) => *first = format!("{label}: {first}"),
            None => lines.push(label),
        }
        let doc = docs::attrs(&lines);
        match &v.body {
            ResponseBody::None => quote!(#doc #ident,),
            body => {
                let mut ty = body_type(api, Some(body), true);
                if v.boxed {
                    ty = quote!(#std_box<#ty>);
                }
                quote!(#doc #ident(#ty),)
            }
        }
    });
    let doc = docs::attrs(&[format!(
        "The successful responses of [`Client::{0}`](crate::Client::{0}), by status: they differ in body.",
        op.rust_name
    )]);
    quote! {
        #doc
        #[derive(Debug, Clone #partial_eq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn operation(api: &Api, op: &Operation) -> TokenStream {
    let name = naming::ident(&op.rust_name);
    let doc = docs::attrs(&operation_docs(api, op));
    // rustdoc's search finds the method by its operationId and its path too.
    let aliases = [op.operation_id.as_deref(), Some(op.path.as_str())]
        .into_iter()
        .flatten()
        .filter(|alias| docs::is_valid_alias(alias) && *alias != op.rust_name)
        .map(|alias| quote!(#[doc(alias = #alias)]));
    // A deprecated operation's methods call each other; that use is not the caller's.
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated] #[allow(deprecated)]));

    // Arguments by their types (`&T`), to be given a lifetime: the call borrows them until it
    // is awaited. The stream method takes the same arguments without one.
    let mut args: Vec<(proc_macro2::Ident, TokenStream)> = Vec::new();
    for p in &op.path_params {
        let ty = match &p.ty {
            TypeRef::String => quote!(str),
            other => rust_type(api, other, false),
        };
        args.push((naming::ident(&p.rust_name), ty));
    }
    let locals = &op.locals;
    let params_arg = naming::ident(&locals.params);
    let body_arg = naming::ident(&locals.body);
    if let Some(ps) = &op.params_struct {
        let ty = naming::ident(&ps.name);
        args.push((params_arg.clone(), quote!(crate::types::#ty)));
    }
    if let Some(body) = &op.body {
        let ty = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart(ty) => {
                rust_type(api, ty, false)
            }
            BodyKind::Bytes => quote!(crate::Upload),
            BodyKind::Text => quote!(str),
        };
        args.push((body_arg.clone(), ty));
    }
    let plain_args: Vec<TokenStream> = args
        .iter()
        .map(|(ident, ty)| quote!(#ident: &#ty))
        .collect();

    let returns = match (&op.success_enum, op.success().map(|r| &r.body)) {
        (Some(e), _) => {
            let name = naming::ident(&e.name);
            quote!(crate::types::#name)
        }
        (None, body) => body_type(api, body, false),
    };

    let path = path_expr(api, op);
    let query = if op.has_query() {
        quote!(#params_arg.query())
    } else {
        quote!(crate::query::QueryString::new())
    };
    let method = method_tokens(op.method);
    let template = &op.path;
    let security = security_tokens(api, op);
    let headers = header_statements(op);
    let body = body_statement(op, None);
    let decode = decode_closure(api, op);
    // A body handed over as it arrives is sent without the whole-body timeout.
    let call = if op.streams_success() {
        quote!(call_streaming)
    } else {
        quote!(call)
    };
    let mutable = (!headers.is_empty() || body.is_some()).then(|| quote!(mut));
    let path_local = naming::ident(&locals.path);
    // A path without parameters is the template itself, a `&'static str`.
    let path_arg = if op.path_params.is_empty() {
        quote!(#path_local)
    } else {
        quote!(&#path_local)
    };
    let request = naming::ident(&locals.request);
    // An upload's body is set by the client for each attempt (`Prepared`).
    let done = match op.body.as_ref().map(|b| &b.kind) {
        Some(BodyKind::Bytes) => quote!(Ok((#request, #body_arg.source()?))),
        Some(BodyKind::Multipart(_)) => {
            quote!(Ok((#request, crate::streams::Replay::segments(parts))))
        }
        _ => quote!(Ok(#request)),
    };
    let accept = op.accept.as_deref().unwrap_or("application/json");
    let start = quote!(self.request(#method, #path_arg, &#query, #accept));
    let stream = op
        .pagination
        .as_ref()
        .map(|p| super::pagination::methods(api, op, p, &plain_args));
    // The same call answered otherwise (`<method>_events`, `<method>_bytes`): same arguments,
    // another `Accept`, its successes read as they arrive, its errors as the method's.
    let alternate = |name: &str,
                     doc: Vec<String>,
                     returns: TokenStream,
                     accept: &str,
                     stream_field: Option<&str>,
                     decoder: TokenStream| {
        let name = naming::ident(name);
        let doc = docs::attrs(&doc);
        let start = quote!(self.request(#method, #path_arg, &#query, #accept));
        let body = body_statement(op, stream_field);
        let decode = alternate_decode_closure(api, op, decoder);
        quote! {
            #doc
            #deprecated
            pub fn #name(&self, #(#plain_args),*) -> crate::Call<'_, #returns> {
                self.call_streaming(
                    #template,
                    #security,
                    || {
                        let #path_local = #path;
                        let #mutable #request = #start?;
                        #(#headers)*
                        #body
                        #done
                    },
                    #decode,
                )
            }
        }
    };
    let events = op.events.as_ref().map(|e| {
        let data = match e.data {
            Some(_) => EventData::Json,
            None => EventData::Text,
        };
        alternate(
            &e.rust_name,
            events_docs(op, e),
            event_stream_type(api, e.data.as_ref()),
            "text/event-stream",
            e.stream_field.as_deref(),
            events_decoder(data),
        )
    });
    let bytes = op.bytes.as_ref().map(|b| {
        alternate(
            &b.rust_name,
            bytes_docs(op, b),
            quote!(crate::ByteStream),
            &b.accept,
            None,
            quote!(crate::ByteStream),
        )
    });

    // The request is built when the method is called; the response decoded when the call is
    // awaited (a plain function of it: no state machine per operation).
    quote! {
        #doc
        #(#aliases)*
        #deprecated
        pub fn #name(&self, #(#plain_args),*) -> crate::Call<'_, #returns> {
            self.#call(
                #template,
                #security,
                || {
                    let #path_local = #path;
                    let #mutable #request = #start?;
                    #(#headers)*
                    #body
                    #done
                },
                #decode,
            )
        }

        #stream
        #events
        #bytes
    }
}

/// The docs of `<method>_bytes`.
fn bytes_docs(op: &Operation, b: &BytesMethod) -> Vec<String> {
    let name = &op.rust_name;
    vec![
        format!(
            "[`{name}`](Self::{name}) answered as a download (`Accept: {}`): a \
             [`ByteStream`](crate::ByteStream) read as it arrives, in bounded memory.",
            b.accept
        ),
        String::new(),
        format!(
            "The arguments are [`{name}`](Self::{name})'s; the spec offers this content beside \
             JSON, which the request's own fields may choose between."
        ),
        String::new(),
        "The wait for the answer is bounded by the client's timeout, each wait for a chunk by \
         its idle timeout; a download that has begun is not retried."
            .to_owned(),
    ]
}

/// What a method's docs say of a streamed answer.
fn streaming_docs(op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    let streamed = op.arms.iter().find_map(|arm| match arm.outcome {
        Outcome::Success {
            decode: decode @ (Decode::Stream | Decode::Events(_)),
            ..
        } => Some(decode),
        _ => None,
    });
    match streamed {
        Some(Decode::Stream) => {
            lines.push(String::new());
            lines.push(
                "The body is handed over as it arrives: a [`ByteStream`](crate::ByteStream) of \
                 chunks in bounded memory, whatever its size (`.bytes()` collects it up to the \
                 client's body limit, `.save(path)` writes it to a file). The wait for the \
                 answer is bounded by the client's timeout, each wait for a chunk by its idle \
                 timeout; a download that has begun is not retried."
                    .to_owned(),
            );
        }
        Some(_) => {
            lines.push(String::new());
            lines.push(
                "The answer is server-sent events, each handed over as it arrives: an \
                 [`EventStream`](crate::EventStream) that ends with the body or at \
                 `data: [DONE]`. Each wait for an event is bounded by the client's idle timeout; \
                 a stream that has begun is not retried."
                    .to_owned(),
            );
        }
        None => {}
    }
    if let Some(e) = &op.events {
        lines.push(String::new());
        lines.push(format!(
            "[`{0}`](Self::{0}) asks for the same answer as server-sent events.",
            e.rust_name
        ));
    }
    if let Some(b) = &op.bytes {
        lines.push(String::new());
        lines.push(format!(
            "[`{0}`](Self::{0}) asks for the answer as a download ({1}).",
            b.rust_name,
            docs::code_span(&b.accept)
        ));
    }
    lines
}

/// The docs of `<method>_events`.
fn events_docs(op: &Operation, e: &EventsMethod) -> Vec<String> {
    let name = &op.rust_name;
    let mut lines = vec![
        format!(
            "[`{name}`](Self::{name}) answered as server-sent events, each handed over as it \
             arrives (`Accept: text/event-stream`)."
        ),
        String::new(),
    ];
    lines.push(match &e.stream_field {
        Some(field) => format!(
            "The request body is sent with `{field}` set to `true`; the arguments are \
             [`{name}`](Self::{name})'s."
        ),
        None => format!("The arguments are [`{name}`](Self::{name})'s."),
    });
    lines.push(String::new());
    lines.push(match e.found_by {
        EventsFoundBy::Spec => {
            "The spec offers `text/event-stream` beside its other answer; a stream that \
             sends `data: [DONE]` ends there."
                .to_owned()
        }
        EventsFoundBy::Settings => {
            "The spec declares only the other answer; the generator settings \
             (`[streaming] events` in `codegen.toml`) say the operation streams, its event \
             data any JSON."
                .to_owned()
        }
    });
    lines.push(String::new());
    lines.push(
        "The wait for the answer is bounded by the client's timeout, each wait for an event \
         by its idle timeout ([`ClientBuilder::idle_timeout`](crate::ClientBuilder::idle_timeout)); \
         an answer whose first event arrived is not retried."
            .to_owned(),
    );
    lines
}

fn method_tokens(method: Method) -> TokenStream {
    let constant = quote::format_ident!("{}", method.as_str());
    quote!(::reqwest::Method::#constant)
}

fn operation_docs(api: &Api, op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(summary) = op.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        lines.extend(docs::sanitize(summary));
    }
    let description = docs::lines(&op.docs);
    if !description.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(description);
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    let id = op
        .operation_id
        .as_deref()
        .map(|id| format!(" (operation {})", docs::code_span(id)))
        .unwrap_or_default();
    lines.push(format!(
        "{}{id}.",
        docs::code_span(&format!("{} {}", op.method.as_str(), op.path))
    ));
    // A body read as it arrives, or the same call as events.
    lines.extend(streaming_docs(op));
    // Which credentials it sends, where that is not simply the API's one credential.
    if op.security.is_some() || api.credentials.len() > 1 {
        let security = op.security.as_ref().unwrap_or(&api.security);
        lines.push(String::new());
        let words = super::settings::requirement_words(api, security);
        lines.push(match security.len() {
            0 => "Sent without credentials (the spec's `security: []`).".to_owned(),
            1 => format!("Credentials: {words}."),
            _ => format!(
                "Credentials: {words}; the first alternative the client holds is sent (crate \
                 docs, *Authentication*)."
            ),
        });
    }
    // Retries resend a request that may have been applied already: say so where it matters.
    if matches!(
        op.method,
        crate::ir::Method::Post | crate::ir::Method::Patch
    ) {
        lines.push(String::new());
        lines.push(match &op.idempotency_key {
            Some(field) => format!(
                "Retried like every request (crate docs, *Retries*), with one \
                 `Idempotency-Key` per call: a new random key unless `{}.{field}` is set, the \
                 same on every retry, so that the server applies the call once.",
                op.locals.params
            ),
            None => "Retried like every request (crate docs, *Retries*): after a timeout or a \
                     cut connection the server may already have applied it, and gets it again."
                .to_owned(),
        });
    }
    if let Some(body) = &op.body {
        lines.extend(body_docs(op, body));
    }
    lines.extend(error_docs(api, op));
    lines
}

/// The method docs' section on its request body.
fn body_docs(op: &Operation, body: &crate::ir::RequestBody) -> Vec<String> {
    let mut lines = Vec::new();
    lines.push(String::new());
    lines.push("# Request body".to_owned());
    lines.push(String::new());
    let how = match &body.kind {
        crate::ir::BodyKind::Json(_) => "encoded as JSON",
        crate::ir::BodyKind::Form(_) => "encoded as a form",
        crate::ir::BodyKind::Multipart(_) => {
            "as multipart parts, one per field (a `File` opened from a path is read as it is \
             sent, never whole)"
        }
        crate::ir::BodyKind::Text => "as UTF-8 text",
        crate::ir::BodyKind::Bytes => {
            "as given: an [`Upload`](crate::Upload) of bytes, of a file read as it is sent, or \
             of a stream of chunks (a request whose upload is a stream is not retried)"
        }
    };
    let optional = if body.required {
        ""
    } else {
        " The spec does not require a body; an empty one is `new()` (or `Default`) where \
         nothing in it is required."
    };
    lines.push(format!(
        "`{}` is sent {how}, as {}.{optional}",
        op.locals.body,
        docs::code_span(&body.content_type)
    ));
    let description = docs::lines(&body.docs);
    if !description.is_empty() {
        lines.push(String::new());
        lines.extend(description);
    }
    lines
}

/// The method docs' section on its errors: the `ErrorBody` variant of each status.
fn error_docs(api: &Api, op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    let errors: Vec<String> = op
        .responses
        .iter()
        .filter(|r| !r.status.is_success())
        .map(|r| {
            let status = match r.status {
                StatusMatch::Default => "any other status".to_owned(),
                status => status.label(),
            };
            let variant = match &r.body {
                ResponseBody::Json(TypeRef::Named(id)) => api
                    .error_bodies
                    .iter()
                    .find(|v| v.ty == *id)
                    .map(|v| v.rust_name.as_str()),
                _ => None,
            }
            .unwrap_or("Other");
            let description = docs::sanitize(&r.description).join(" ");
            format!(
                "- {status}: [`ErrorBody::{variant}`](crate::ErrorBody::{variant}). {description}"
            )
        })
        .collect();
    lines.push(String::new());
    lines.push("# Errors".to_owned());
    lines.push(String::new());
    lines.push(
        "[`Error::Api`](crate::Error::Api) for an error status, its body decoded as:".to_owned(),
    );
    lines.push(String::new());
    lines.extend(errors);
    if !op
        .responses
        .iter()
        .any(|r| r.status == StatusMatch::Default)
    {
        lines.push(
            "- any other status: [`ErrorBody::Other`](crate::ErrorBody::Other) (any JSON) or \
             [`ErrorBody::Empty`](crate::ErrorBody::Empty)."
                .to_owned(),
        );
    }
    lines.push(String::new());
    lines.push(
        "Other variants of [`Error`](crate::Error) when the request cannot be sent or the \
         response does not match the spec."
            .to_owned(),
    );
    lines
}

/// The path with each parameter percent-encoded as one segment; without parameters, the
/// template as a string literal (nothing to build, nothing allocated per call).
fn path_expr(api: &Api, op: &Operation) -> TokenStream {
    if op.path_params.is_empty() {
        let path = &op.path;
        return quote!(#path);
    }
    let std_string = super::std(api, Prelude::String);
    // Built in the local that will hold it, named apart from the path parameters it reads.
    let path = naming::ident(&op.locals.path);
    let pushes = op.path_segments.iter().map(|segment| match segment {
        PathSegment::Literal(text) => match text.chars().collect::<Vec<_>>().as_slice() {
            [single] => {
                let c = proc_macro2::Literal::character(*single);
                quote!(#path.push(#c);)
            }
            _ => quote!(#path.push_str(#text);),
        },
        PathSegment::Param(i) => {
            let param = &op.path_params[*i];
            let ident = naming::ident(&param.rust_name);
            let wire = &param.wire_name;
            quote!(#path.push_str(&crate::query::path_segment(#wire, #ident)?);)
        }
    });
    quote! {
        {
            let mut #path = #std_string::new();
            #(#pushes)*
            #path
        }
    }
}

fn header_statements(op: &Operation) -> Vec<TokenStream> {
    let Some(ps) = &op.params_struct else {
        return Vec::new();
    };
    let params = naming::ident(&op.locals.params);
    let request = naming::ident(&op.locals.request);
    let value = naming::ident(&op.locals.value);
    let cookies = naming::ident(&op.locals.cookies);
    let mut out = Vec::new();
    for p in ps
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
    {
        let ident = naming::ident(&p.rust_name);
        let wire = &p.wire_name;
        let set = quote! {
            #request = #request.headers(crate::query::header(#wire, #value)?);
        };
        out.push(if p.required {
            quote!({ let #value = &#params.#ident; #set })
        } else if op.idempotency_key.as_deref() == Some(p.rust_name.as_str()) {
            // Built once per call: every retry sends the same key.
            quote! {
                let #value = match &#params.#ident {
                    Some(#value) => ::std::borrow::Cow::Borrowed(#value.as_str()),
                    None => ::std::borrow::Cow::Owned(crate::query::idempotency_key()),
                };
                #request = #request.headers(crate::query::header(#wire, #value.as_ref())?);
            }
        } else {
            quote!(if let Some(#value) = &#params.#ident { #set })
        });
    }
    let cookie_writes: Vec<TokenStream> = ps
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Cookie)
        .map(|p| {
            let ident = naming::ident(&p.rust_name);
            let wire = &p.wire_name;
            if p.required {
                quote!(#cookies.push(#wire, &#params.#ident);)
            } else {
                quote!(if let Some(#value) = &#params.#ident { #cookies.push(#wire, #value); })
            }
        })
        .collect();
    if !cookie_writes.is_empty() {
        out.push(quote! {
            let mut #cookies = crate::query::CookieString::new();
            #(#cookie_writes)*
            if !#cookies.is_empty() {
                #request = #request.headers(crate::query::header("cookie", #cookies.as_str())?);
            }
        });
    }
    out
}

/// `stream_field`: a boolean property of the JSON body sent as `true` (asking for events).
fn body_statement(op: &Operation, stream_field: Option<&str>) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let content_type = &body.content_type;
    let arg = naming::ident(&op.locals.body);
    let request = naming::ident(&op.locals.request);
    let encode = match (&body.kind, stream_field) {
        (BodyKind::Json(_), Some(field)) => {
            quote!(crate::streams::json_asking_stream(#arg, #field)?)
        }
        (BodyKind::Json(_), None) => {
            quote!(::serde_json::to_vec(#arg).map_err(crate::Error::Encode)?)
        }
        (BodyKind::Form(_), _) => quote!(crate::query::form_body(#arg)),
        (BodyKind::Text, _) => quote!(#arg.as_bytes().to_vec()),
        // Set for each attempt by the client (`Prepared`): the request is returned with it.
        (BodyKind::Bytes, _) => {
            return Some(quote! {
                #request = #request.header("content-type", #arg.content_type_or(#content_type));
            })
        }
        (BodyKind::Multipart(_), _) => quote!(#arg.clone()),
    };
    let set = match &body.kind {
        // The content type carries the boundary chosen for this body.
        // A file part is read as the request is sent: the parts go with the request.
        BodyKind::Multipart(_) => quote! {
            let (content_type, parts) = crate::multipart::encode_parts(#arg)?;
            #request = #request.header("content-type", content_type);
        },
        _ => quote! {
            #request = #request.header("content-type", #content_type).body(#encode);
        },
    };
    Some(set)
}

/// The match arms the IR computed: statuses → the success type (or its enum variant), or a
/// typed error.
/// The patterns of one arm: codes a range of the same arm covers are left out, and adjacent
/// ranges are one (`400..=599`).
fn status_patterns(statuses: &[StatusMatch]) -> Vec<TokenStream> {
    let mut ranges: Vec<u16> = statuses
        .iter()
        .filter_map(|s| match s {
            StatusMatch::Range(h) => Some(*h),
            _ => None,
        })
        .collect();
    ranges.sort_unstable();
    let mut patterns = Vec::new();
    // Codes: three or more in a row are one range (`200..=202`).
    let mut codes: Vec<u16> = statuses
        .iter()
        .filter_map(|s| match s {
            StatusMatch::Code(c) if !ranges.contains(&(c / 100)) => Some(*c),
            _ => None,
        })
        .collect();
    codes.sort_unstable();
    let mut i = 0;
    while i < codes.len() {
        let start = i;
        while i + 1 < codes.len() && codes[i + 1] == codes[i] + 1 {
            i += 1;
        }
        let (lo, hi) = (codes[start], codes[i]);
        if i - start >= 2 {
            let (lo, hi) = (Literal::u16_unsuffixed(lo), Literal::u16_unsuffixed(hi));
            patterns.push(quote!(#lo..=#hi));
        } else {
            for c in &codes[start..=i] {
                let c = Literal::u16_unsuffixed(*c);
                patterns.push(quote!(#c));
            }
        }
        i += 1;
    }
    if statuses.contains(&StatusMatch::Default) {
        patterns.push(quote!(_));
    }
    let mut i = 0;
    while i < ranges.len() {
        let start = ranges[i];
        while i + 1 < ranges.len() && ranges[i + 1] == ranges[i] + 1 {
            i += 1;
        }
        let lo = Literal::u16_unsuffixed(start * 100);
        let hi = Literal::u16_unsuffixed(ranges[i] * 100 + 99);
        patterns.push(quote!(#lo..=#hi));
        i += 1;
    }
    patterns
}

/// The function that decodes the operation's responses: a match on the status.
pub(super) fn decode_closure(api: &Api, op: &Operation) -> TokenStream {
    let response = naming::ident(&op.locals.response);
    let arms = response_arms(api, op);
    quote! {
        |#response| match #response.status().as_u16() {
            #(#arms)*
        }
    }
}

/// How an `EventStream`'s data is decoded.
fn events_decoder(data: EventData) -> TokenStream {
    match data {
        EventData::Json => quote!(crate::streams::JsonEvents<_>),
        EventData::Text => quote!(crate::streams::TextEvents),
    }
}

/// The decoding of an alternate method (`<method>_events`, `<method>_bytes`): every success
/// read by `decoder`, errors as the operation's.
fn alternate_decode_closure(api: &Api, op: &Operation, decoder: TokenStream) -> TokenStream {
    let response = naming::ident(&op.locals.response);
    let mut success = Vec::new();
    let mut errors = Vec::new();
    for (arm, tokens) in op.arms.iter().zip(response_arms(api, op)) {
        match arm.outcome {
            Outcome::Success { .. } => success.extend(arm.statuses.iter().copied()),
            Outcome::Error { .. } => errors.push(tokens),
        }
    }
    // The catch-all arm is last; the successes go before it.
    let catch_all = errors.pop();
    let success = (!success.is_empty()).then(|| {
        let patterns = status_patterns(&success);
        quote!(#(#patterns)|* => #response.success::<#decoder>(),)
    });
    quote! {
        |#response| match #response.status().as_u16() {
            #(#errors)*
            #success
            #catch_all
        }
    }
}

/// The arms of the decoding match, one per arm of the IR.
fn response_arms(api: &Api, op: &Operation) -> Vec<TokenStream> {
    op.arms
        .iter()
        .map(|arm| {
            let patterns = status_patterns(&arm.statuses);
            let action = outcome_action(api, op, &arm.outcome);
            quote!(#(#patterns)|* => #action,)
        })
        .collect()
}

/// What one arm does: decode a success (into its enum variant), or make the typed error.
fn outcome_action(api: &Api, op: &Operation, outcome: &Outcome) -> TokenStream {
    let std_string = super::std(api, Prelude::String);
    let std_box = super::std(api, Prelude::Box);
    let std_vec = super::std(api, Prelude::Vec);
    let response = naming::ident(&op.locals.response);
    match outcome {
        Outcome::Success { decode, variant } => {
            let decoder = match decode {
                Decode::Json => quote!(crate::response::Json<_>),
                Decode::Text => quote!(#std_string),
                Decode::Bytes => quote!(#std_vec<u8>),
                Decode::Stream => quote!(crate::ByteStream),
                Decode::Events(data) => events_decoder(*data),
                Decode::Empty => quote!(()),
            };
            let decoded = quote!(#response.success::<#decoder>());
            match (&op.success_enum, variant) {
                (Some(e), Some(variant)) => {
                    let name = naming::ident(&e.name);
                    let variant = naming::ident(variant);
                    if *decode == Decode::Empty {
                        quote!(#decoded.map(|ok| ok.map(|()| crate::types::#name::#variant)))
                    } else {
                        let boxed = e.variants.iter().any(|v| variant == v.rust_name && v.boxed);
                        if boxed {
                            quote!(#decoded.map(|ok| ok.map(|body| crate::types::#name::#variant(#std_box::new(body)))))
                        } else {
                            quote!(#decoded.map(|ok| ok.map(crate::types::#name::#variant)))
                        }
                    }
                }
                _ => decoded,
            }
        }
        Outcome::Error { body } => {
            let wrap = body.and_then(|i| api.error_bodies.get(i)).map_or_else(
                || quote!(crate::ErrorBody::Other),
                |v| {
                    let ident = naming::ident(&v.rust_name);
                    if v.boxed {
                        quote!(|body| crate::ErrorBody::#ident(#std_box::new(body)))
                    } else {
                        quote!(crate::ErrorBody::#ident)
                    }
                },
            );
            quote!(Err(#response.error(#wrap)))
        }
    }
}

/// The credentials an operation takes: the API's requirement (`settings::SECURITY`), or its
/// own, naming each credential by its index constant.
pub(super) fn security_tokens(api: &Api, op: &Operation) -> TokenStream {
    match &op.security {
        None => quote!(crate::settings::SECURITY),
        Some(security) => {
            let need = quote!(crate::auth::Need);
            let alternatives = security.iter().map(|alternative| {
                let needs = alternative.iter().map(|n| {
                    let credential = super::settings::index_const(&api.credentials[n.credential]);
                    let scopes = &n.scopes;
                    quote!(#need { credential: crate::settings::#credential, scopes: &[#(#scopes),*] })
                });
                quote!(&[#(#needs),*])
            });
            quote!(&[#(#alternatives),*])
        }
    }
}
