//! Lowering at the IR level: one insta snapshot per fixture spec of what the emitter is given
//! (types with their Rust and wire names, operations with their arguments, locals, query
//! layouts, response arms, pagination, error bodies), written compactly so that a change in
//! lowering reads as a small diff. Review with `cargo insta review`.

use codegen::ir::{
    Access, Api, BodyKind, FieldChain, Fixed, Outcome, PageStyle, ParamField, ResponseBody,
    StatusMatch, TypeKind, TypeRef,
};
use std::fmt::Write as _;
use std::path::Path;

fn lower(spec: &Path) -> Api {
    let options = codegen::Options::for_spec(spec, "spec").expect("valid settings");
    let doc = codegen::load::load(spec).expect("loads");
    codegen::lower::lower(&doc, &options.settings).expect("lowers")
}

/// A type as the generator shows it in docs and reports.
fn ty(api: &Api, ty: &TypeRef) -> String {
    codegen::emit::type_display(ty, &|id| api.ty(id).name.clone())
}

fn chain(c: &FieldChain) -> String {
    c.0.iter()
        .map(|a| match a {
            Access::Field {
                rust_name,
                optional,
            } => format!(".{rust_name}{}", if *optional { "?" } else { "" }),
            Access::First => "[0]".into(),
        })
        .collect()
}

fn status(s: &StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(h) => format!("{h}XX"),
        StatusMatch::Default => "_".into(),
    }
}

/// The IR as indented text: one line per type, field, operation and fact.
fn dump(api: &Api) -> String {
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(o, "runtime: {:?}", api.runtime);
    let features: Vec<&str> = api.groups.iter().map(|g| g.feature.as_str()).collect();
    let _ = writeln!(
        o,
        "features: {features:?} other-schemas: {}",
        api.other_schemas
    );
    let _ = writeln!(o, "base_url: {:?}", api.base_url);
    for (i, c) in api.credentials.iter().enumerate() {
        let main = if api.default_credential == Some(i) {
            " main"
        } else {
            ""
        };
        let token = if api.token_credential == Some(i) {
            " token"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "credential {} {:?} schemes={:?} env={:?}{main}{token}",
            c.setter, c.kind, c.schemes, c.env
        );
    }
    let _ = writeln!(
        o,
        "security: {}",
        codegen::emit::requirement_words(api, &api.security)
    );
    if let Some(split) = &api.split {
        let _ = writeln!(o, "split: {} crates of types", split.crates);
        for (group, id) in &split.moved {
            let _ = writeln!(
                o,
                "  moved from group {}: {}",
                api.groups[*group].rust_name, api.types[id.0].name
            );
        }
    }
    for (i, t) in api.types.iter().enumerate() {
        // In a split crate, which crate of types holds it (none: the main crate).
        let module = match &api.split {
            Some(split) => format!(
                "{:?} crate={:?}",
                t.module,
                split.home.get(i).copied().flatten()
            ),
            None => format!("{:?}", t.module),
        };
        let flags: Vec<&str> = [
            (t.in_query, "in_query"),
            (t.form_body, "form_body"),
            (t.multipart_body, "multipart_body"),
        ]
        .iter()
        .filter_map(|(on, name)| on.then_some(*name))
        .collect();
        let flags: String = flags.iter().map(|f| format!(" {f}")).collect();
        let mut features: Vec<&str> = t
            .features
            .groups
            .iter()
            .map(|g| api.groups[*g].feature.as_str())
            .collect();
        if t.features.other_schemas {
            features.push("other-schemas");
        }
        let serde = match (t.serde.serialize, t.serde.deserialize) {
            (true, true) => "ser+de",
            (true, false) => "ser",
            (false, true) => "de",
            (false, false) => "no-serde",
        };
        let eq = if t.partial_eq { " eq" } else { "" };
        let _ = write!(
            o,
            "type {} [{module}]{flags} features={features:?} {serde}{eq} ",
            t.name
        );
        match &t.kind {
            TypeKind::Struct(s) => {
                let closed = if s.closed { " closed" } else { "" };
                let sent = t
                    .sent_form_of
                    .map(|id| format!(" sent form of {}", api.ty(id).name))
                    .unwrap_or_default();
                let _ = writeln!(o, "struct default={}{closed}{sent}", s.derive_default);
                for f in &s.fields {
                    let mut marks = Vec::new();
                    if f.required {
                        marks.push("required");
                    }
                    if f.nullable {
                        marks.push("nullable");
                    }
                    if f.boxed {
                        marks.push("boxed");
                    }
                    if f.rename {
                        marks.push("renamed");
                    }
                    if f.flatten {
                        marks.push("flatten");
                    }
                    if f.read_only {
                        marks.push("readOnly");
                    }
                    if f.write_only {
                        marks.push("writeOnly");
                    }
                    if f.lenient {
                        marks.push("lenient");
                    }
                    let marks: String = marks.iter().map(|m| format!(" {m}")).collect();
                    let _ = writeln!(
                        o,
                        "  {} ({:?}): {}{marks}",
                        f.rust_name,
                        f.wire_name,
                        ty(api, &f.ty)
                    );
                }
            }
            TypeKind::StringEnum(e) => {
                let values: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| format!("{}={:?}", v.rust_name, v.wire_value))
                    .collect();
                let _ = writeln!(o, "enum {} else {}", values.join(" "), e.fallback);
            }
            TypeKind::Alias(target) => {
                let _ = writeln!(o, "= {}", ty(api, target));
            }
            TypeKind::Untagged(variants) => {
                let vs: Vec<String> = variants
                    .iter()
                    .map(|v| {
                        let mut guard = String::new();
                        for (key, value) in &v.guard.fixed {
                            match value {
                                Fixed::String(value) => {
                                    guard.push_str(&format!(" if {key}={value:?}"))
                                }
                                Fixed::Integer(value) => {
                                    guard.push_str(&format!(" if {key}={value}"))
                                }
                            }
                        }
                        if let Some(keys) = &v.guard.keys {
                            guard.push_str(&format!(" keys {keys:?}"));
                        }
                        format!(
                            "{}({}){}{guard}",
                            v.rust_name,
                            ty(api, &v.ty),
                            if v.boxed { " boxed" } else { "" }
                        )
                    })
                    .collect();
                let _ = writeln!(o, "untagged {}", vs.join(" | "));
            }
            TypeKind::Tagged(tagged) => {
                let vs: Vec<String> = tagged
                    .variants
                    .iter()
                    .map(|v| format!("{}({}) on {:?}", v.rust_name, ty(api, &v.ty), v.tags))
                    .collect();
                let _ = writeln!(
                    o,
                    "tagged by {:?}: {} else {}",
                    tagged.property,
                    vs.join(" | "),
                    tagged.fallback
                );
            }
        }
    }
    for (i, e) in api.error_bodies.iter().enumerate() {
        let summary: Vec<String> = e.summary.iter().map(chain).collect();
        let detail: Vec<String> = e.detail.iter().map(chain).collect();
        let _ = writeln!(
            o,
            "error body #{i} {}({}) summary {summary:?} detail {detail:?}",
            e.rust_name,
            api.ty(e.ty).name
        );
    }
    for op in &api.operations {
        let _ = writeln!(
            o,
            "op {} {} {} [group {}] id={:?}",
            op.rust_name,
            op.method.as_str(),
            op.path,
            api.groups[op.group].rust_name,
            op.operation_id
        );
        if let Some(security) = &op.security {
            let _ = writeln!(
                o,
                "  security: {}",
                codegen::emit::requirement_words(api, security)
            );
        }
        let l = &op.locals;
        let _ = writeln!(
            o,
            "  locals: params={} body={} path={} request={} response={} cookies={} value={} first={} number={}",
            l.params, l.body, l.path, l.request, l.response, l.cookies, l.value, l.first, l.number
        );
        let params = op
            .path_params
            .iter()
            .chain(op.params_struct.iter().flat_map(|ps| ps.params.iter()));
        for p in params {
            let _ = writeln!(
                o,
                "  param {} ({:?} in {:?}): {} {:?}{}",
                p.rust_name,
                p.wire_name,
                p.location,
                ty(api, &p.ty),
                p.layout,
                if p.required { " required" } else { "" }
            );
        }
        if let Some(b) = &op.body {
            let kind = match &b.kind {
                BodyKind::Json(t) => format!("json {}", ty(api, t)),
                BodyKind::Form(t) => format!("form {}", ty(api, t)),
                BodyKind::Multipart(t) => format!("multipart {}", ty(api, t)),
                BodyKind::Text => "text".into(),
                BodyKind::Bytes => "bytes".into(),
            };
            let _ = writeln!(
                o,
                "  body {:?}: {kind} required={}",
                b.content_type, b.required
            );
        }
        for r in &op.responses {
            let body = match &r.body {
                ResponseBody::None => "none".into(),
                ResponseBody::Json(t) => ty(api, t),
                ResponseBody::Text => "text".into(),
                ResponseBody::Bytes => "bytes".into(),
                ResponseBody::Events(None) => "events of text".into(),
                ResponseBody::Events(Some(t)) => format!("events of {}", ty(api, t)),
            };
            let events = match &r.events {
                None => String::new(),
                Some(None) => " (+ events of text)".into(),
                Some(Some(t)) => format!(" (+ events of {})", ty(api, t)),
            };
            let _ = writeln!(o, "  response {}: {body}{events}", status(&r.status));
        }
        if let Some(b) = &op.bytes {
            let _ = writeln!(o, "  bytes method {}: accept {:?}", b.rust_name, b.accept);
        }
        if let Some(e) = &op.events {
            let data = e.data.as_ref().map_or("text".to_owned(), |t| ty(api, t));
            let _ = writeln!(
                o,
                "  events method {}: {data}, stream field {:?}, found by {:?}",
                e.rust_name, e.stream_field, e.found_by
            );
        }
        for arm in &op.arms {
            let statuses: Vec<String> = arm.statuses.iter().map(status).collect();
            let outcome = match &arm.outcome {
                Outcome::Success { decode, variant } => format!("success {decode:?} {variant:?}"),
                Outcome::Error { body } => format!("error body {body:?}"),
            };
            let _ = writeln!(o, "  arm {} => {outcome}", statuses.join("|"));
        }
        if let Some(e) = &op.success_enum {
            let vs: Vec<String> = e
                .variants
                .iter()
                .map(|v| format!("{}={}", v.rust_name, status(&v.status)))
                .collect();
            let _ = writeln!(o, "  success enum {} {}", e.name, vs.join(" "));
        }
        if let Some(p) = &op.pagination {
            let field = |f: &ParamField| f.wire.clone();
            let count = |c: &Option<(FieldChain, codegen::ir::Numeric)>| {
                c.as_ref()
                    .map_or("-".to_owned(), |(chain, _)| self::chain(chain))
            };
            let style = match &p.style {
                PageStyle::PageNumber {
                    page,
                    size,
                    page_number,
                    total_pages,
                    ..
                } => format!(
                    "page {} size {} number {} total {}",
                    field(page),
                    size.as_ref().map_or("-".to_owned(), field),
                    count(page_number),
                    count(total_pages)
                ),
                PageStyle::Offset {
                    offset,
                    limit,
                    total,
                    ..
                } => format!(
                    "offset {} limit {} total {}",
                    field(offset),
                    limit.as_ref().map_or("-".to_owned(), field),
                    count(total)
                ),
                PageStyle::Cursor { cursor, next } => {
                    format!("cursor {} next {}", field(cursor), chain(next))
                }
                PageStyle::LastId {
                    cursor,
                    id,
                    has_more,
                    limit,
                } => format!(
                    "last-id {} id {} more {} limit {}",
                    field(cursor),
                    chain(id),
                    has_more.as_ref().map_or("-".to_owned(), chain),
                    limit.as_ref().map_or("-".to_owned(), field)
                ),
                PageStyle::Link { next } => format!(
                    "link {}",
                    next.as_ref().map_or("Link header".to_owned(), chain)
                ),
            };
            let _ = writeln!(
                o,
                "  pages {} stream {} items {} of {}: {style} ({:?})",
                p.pages_name,
                p.stream_name,
                chain(&p.items),
                ty(api, &p.item),
                p.found_by
            );
        }
    }
    out
}

fn snapshot(name: &str, spec: &Path) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, dump(&lower(spec))));
}

#[test]
fn ir_of_the_seed_spec() {
    snapshot("ir_call_recordings", &openapi_rust_gen_tests::spec());
}

#[test]
fn ir_of_every_fixture() {
    for fixture in openapi_rust_gen_tests::fixtures() {
        snapshot(&format!("ir_{}", fixture.snapshot_prefix()), &fixture.spec);
    }
}
