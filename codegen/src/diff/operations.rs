//! The API as a whole and its operations: authentication, base URL, features, methods, their
//! arguments, bodies and return types.

use super::{keyed, same_type, Differ, Pair, Rule, Side};
use crate::ir::{Api, BodyKind, Credential, Operation, Param, ResponseBody};
use std::collections::BTreeSet;

impl Differ<'_> {
    pub(super) fn api_level(&mut self) {
        let (old, new) = (self.old, self.new);
        fn main(api: &Api) -> Option<&crate::ir::CredentialKind> {
            api.default_credential.map(|i| &api.credentials[i].kind)
        }
        if main(old) != main(new) {
            let pointer = new
                .default_credential
                .map(|i| new.credentials[i].pointer.clone())
                .unwrap_or_else(|| "#/components/securitySchemes".to_owned());
            self.push(
                Rule::SecuritySchemeChanged,
                &pointer,
                "ClientBuilder::api_key",
                &[&main_credential(new), &main_credential(old)],
            );
        }
        // Setters are keyed by name: a user's code calls them.
        fn setters(api: &Api) -> Vec<(String, &Credential)> {
            api.credentials
                .iter()
                .map(|c| (c.setter.clone(), c))
                .collect()
        }
        for pair in keyed(setters(old), setters(new)) {
            match pair {
                Pair::Removed(c) => self.push(
                    Rule::CredentialRemoved,
                    &c.pointer,
                    format!("ClientBuilder::{}", c.setter),
                    &[&c.setter, &crate::escape::code_span(&c.schemes.join(", "))],
                ),
                Pair::Added(c) => self.push(
                    Rule::CredentialAdded,
                    &c.pointer,
                    format!("ClientBuilder::{}", c.setter),
                    &[&c.setter, &crate::emit::describe_credential(&c.kind)],
                ),
                Pair::Both(..) => {}
            }
        }
        if old.base_url != new.base_url {
            let url = |api: &Api| format!("{:?}", api.base_url.as_deref().unwrap_or("none"));
            self.push(
                Rule::ServerUrlChanged,
                "#/servers/0/url",
                "DEFAULT_BASE_URL",
                &[&url(new), &url(old)],
            );
        }
        // Tags are cargo features: a user's `features = [..]` names them.
        for pair in keyed(features(old), features(new)) {
            let (rule, group) = match pair {
                Pair::Removed(g) => (Rule::FeatureRemoved, g),
                Pair::Added(g) => (Rule::FeatureAdded, g),
                Pair::Both(..) => continue,
            };
            let at = group.pointer.as_deref().unwrap_or("#/paths");
            let feature = &group.feature;
            self.push(rule, at, format!("feature `{feature}`"), &[feature]);
        }
        if (old.title.trim(), old.description.as_deref())
            != (new.title.trim(), new.description.as_deref())
        {
            self.push(
                Rule::DescriptionChanged,
                "#/info",
                "crate docs",
                &["API's title or description"],
            );
        }
    }

    pub(super) fn operations(&mut self) {
        let (old, new) = (self.old, self.new);
        for pair in keyed(operations_by_key(old), operations_by_key(new)) {
            match pair {
                Pair::Removed(op) => self.push(
                    Rule::OperationRemoved,
                    &op.pointer,
                    method(op),
                    &[&route(op)],
                ),
                Pair::Added(op) => {
                    self.push(Rule::OperationAdded, &op.pointer, method(op), &[&route(op)])
                }
                Pair::Both(before, after) => self.operation(before, after),
            }
        }
    }

    fn operation(&mut self, before: &Operation, after: &Operation) {
        let (old, new) = (self.old, self.new);
        let at = &after.pointer;
        if before.rust_name != after.rust_name {
            let id = |op: &Operation| format!("{:?}", op.operation_id.as_deref().unwrap_or("none"));
            self.push(
                Rule::OperationRenamed,
                at,
                method(after),
                &[&after.rust_name, &before.rust_name, &id(before), &id(after)],
            );
        }
        // Path parameters are positional arguments.
        let same_args = before.path_params.len() == after.path_params.len()
            && before
                .path_params
                .iter()
                .zip(&after.path_params)
                .all(|(a, b)| same_type(old, &a.ty, new, &b.ty));
        if !same_args {
            let args = |side: &Side, op: &Operation| {
                let shown: Vec<String> = op.path_params.iter().map(|p| side.shown(&p.ty)).collect();
                shown.join(", ")
            };
            self.push(
                Rule::PathParametersChanged,
                at,
                method(after),
                &[&args(new, after), &args(old, before)],
            );
        }
        // Compared in words (by setter): credential indexes move when schemes are added.
        let words = |api: &Api, op: &Operation| {
            crate::emit::requirement_words(api, op.security.as_ref().unwrap_or(&api.security))
        };
        let (was, is) = (words(old, before), words(new, after));
        if was != is {
            self.push(
                Rule::OperationSecurityChanged,
                at,
                method(after),
                &[&is, &was],
            );
        }
        self.method_arguments(before, after);
        self.parameters(before, after);
        self.request_body(before, after);
        self.responses(before, after);
        if (&before.summary, &before.docs) != (&after.summary, &after.docs) {
            self.push(
                Rule::DescriptionChanged,
                at,
                method(after),
                &["operation's summary or description"],
            );
        }
    }

    /// Query, header and cookie parameters travel in one argument, there when any is.
    fn method_arguments(&mut self, before: &Operation, after: &Operation) {
        let (verb, ps, why) = match (&before.params_struct, &after.params_struct) {
            (None, Some(ps)) => (
                "takes a",
                ps,
                "the operation's first query, header or cookie parameter",
            ),
            (Some(ps), None) => (
                "no longer takes its",
                ps,
                "no query, header or cookie parameter is left",
            ),
            _ => return,
        };
        self.push(
            Rule::MethodArgumentsChanged,
            &format!("{}/parameters", after.pointer),
            method(after),
            &[verb, &ps.name, why],
        );
    }

    fn parameters(&mut self, before: &Operation, after: &Operation) {
        let (old, new) = (self.old, self.new);
        let struct_name = after
            .params_struct
            .as_ref()
            .or(before.params_struct.as_ref())
            .map(|ps| ps.name.clone())
            .unwrap_or_default();
        let item = |p: &Param| format!("types::{struct_name}::{}", p.rust_name);
        for pair in keyed(params(before), params(after)) {
            let (b, p) = match pair {
                Pair::Removed(p) => {
                    let (place, name) = (p.location.as_str(), &p.wire_name);
                    self.push(Rule::ParameterRemoved, &p.pointer, item(p), &[place, name]);
                    continue;
                }
                Pair::Added(p) => {
                    let rule = if p.required {
                        Rule::ParameterAddedRequired
                    } else {
                        Rule::ParameterAdded
                    };
                    let (place, name) = (p.location.as_str(), &p.wire_name);
                    self.push(rule, &p.pointer, item(p), &[place, name]);
                    continue;
                }
                Pair::Both(b, p) => (b, p),
            };
            if !same_type(old, &b.ty, new, &p.ty) {
                self.push(
                    Rule::ParameterTypeChanged,
                    &p.pointer,
                    item(p),
                    &[&p.wire_name, &new.shown(&p.ty), &old.shown(&b.ty)],
                );
            }
            if p.required != b.required {
                let rule = if p.required {
                    Rule::ParameterBecameRequired
                } else {
                    Rule::ParameterBecameOptional
                };
                self.push(rule, &p.pointer, item(p), &[&p.wire_name]);
            }
        }
    }

    fn request_body(&mut self, before: &Operation, after: &Operation) {
        let (old, new) = (self.old, self.new);
        let shown = |side: &Side, op: &Operation| -> Option<String> {
            op.body.as_ref().map(|b| match &b.kind {
                BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart(ty) => {
                    format!("`&{}`", side.shown(ty))
                }
                BodyKind::Text => "`&str`".into(),
                BodyKind::Bytes => "`&Upload`".into(),
            })
        };
        let same = match (body_type(before), body_type(after)) {
            (None, None) => true,
            (Some(Some(a)), Some(Some(b))) => same_type(old, a, new, b),
            (Some(None), Some(None)) => shown(old, before) == shown(new, after),
            _ => false,
        };
        if !same {
            let is = shown(new, after).unwrap_or_else(|| "gone".into());
            let was = shown(old, before).unwrap_or_else(|| "none".into());
            let at = after
                .body
                .as_ref()
                .or(before.body.as_ref())
                .map_or(format!("{}/requestBody", after.pointer), |b| {
                    b.pointer.clone()
                });
            self.push(Rule::RequestBodyChanged, &at, method(after), &[&is, &was]);
        }
    }

    fn responses(&mut self, before: &Operation, after: &Operation) {
        let (old, new) = (self.old, self.new);
        let statuses = |op: &Operation| -> BTreeSet<String> {
            op.responses
                .iter()
                .filter(|r| r.status.is_success())
                .map(|r| r.status.label())
                .collect()
        };
        let (rb, ra) = (returns(old, before), returns(new, after));
        let (sb, sa) = (statuses(before), statuses(after));
        let at = format!("{}/responses", after.pointer);
        if rb != ra {
            // The shape of the returned value: a swap between two types of one shape keeps
            // every field access compiling; only code that names the old type breaks.
            if returned_shape(old, before) == returned_shape(new, after) {
                self.push(
                    Rule::ResponseTypeRenamed,
                    &at,
                    method(after),
                    &[&ra, &rb, &rb],
                );
            } else {
                self.push(Rule::ResponseTypeChanged, &at, method(after), &[&ra, &rb]);
            }
        } else if sb != sa {
            let list = |s: BTreeSet<String>| s.into_iter().collect::<Vec<_>>().join(", ");
            self.push(
                Rule::SuccessStatusChanged,
                &at,
                method(after),
                &[&list(sa), &list(sb)],
            );
        }
    }
}

/// Cargo features by name.
fn features(api: &Api) -> Vec<(String, &crate::ir::Group)> {
    api.groups.iter().map(|g| (g.feature.clone(), g)).collect()
}

/// Operations by [`op_key`].
fn operations_by_key(api: &Api) -> Vec<(String, &Operation)> {
    api.operations.iter().map(|op| (op_key(op), op)).collect()
}

/// The parameters of the parameters struct, by place and wire name.
fn params(op: &Operation) -> Vec<((&'static str, String), &Param)> {
    op.params_struct
        .iter()
        .flat_map(|ps| ps.params.iter())
        .map(|p| ((p.location.as_str(), p.wire_name.clone()), p))
        .collect()
}

/// The request body's type: `None` without a body, `Some(None)` for text and bytes.
fn body_type(op: &Operation) -> Option<Option<&crate::ir::TypeRef>> {
    op.body.as_ref().map(|b| match &b.kind {
        BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart(ty) => Some(ty),
        BodyKind::Text | BodyKind::Bytes => None,
    })
}

/// The type a call returns, as Rust shows it.
fn returns(side: &Side, op: &Operation) -> String {
    match &op.success_enum {
        Some(e) => format!("types::{}", e.name),
        None => op
            .responses
            .iter()
            .find(|r| r.status.is_success())
            .map_or("()".into(), |r| body_shown(side, &r.body, false)),
    }
}

/// The shape of what a call returns: variants and bodies, a named type by its shape.
fn returned_shape(side: &Side, op: &Operation) -> Vec<(String, Shown)> {
    match &op.success_enum {
        Some(e) => e
            .variants
            .iter()
            .map(|v| (v.rust_name.clone(), body_shape(side, &v.body, true)))
            .collect(),
        None => op
            .responses
            .iter()
            .find(|r| r.status.is_success())
            .map(|r| body_shape(side, &r.body, false))
            .into_iter()
            .map(|s| (String::new(), s))
            .collect(),
    }
}

/// A body as a rename keeps it: a named type by its shape, others as shown.
#[derive(PartialEq)]
enum Shown {
    Shape(super::renames::Shape),
    Plain(String),
}

/// `in_enum`: a variant of a success enum, whose streamed bodies are read whole.
fn body_shape(side: &Side, body: &ResponseBody, in_enum: bool) -> Shown {
    match body {
        ResponseBody::Json(crate::ir::TypeRef::Named(id)) => {
            Shown::Shape(super::renames::shape(side, side.ty(*id)))
        }
        other => Shown::Plain(body_shown(side, other, in_enum)),
    }
}

fn body_shown(side: &Side, body: &ResponseBody, in_enum: bool) -> String {
    match body {
        ResponseBody::None => "()".into(),
        ResponseBody::Json(ty) => side.shown(ty),
        ResponseBody::Text => "String".into(),
        ResponseBody::Bytes if in_enum => "Vec<u8>".into(),
        ResponseBody::Bytes => "ByteStream".into(),
        ResponseBody::Events(_) if in_enum => "String".into(),
        ResponseBody::Events(None) => "EventStream<String>".into(),
        ResponseBody::Events(Some(ty)) => format!("EventStream<{}>", side.shown(ty)),
    }
}

/// The key an operation is matched by: its method and its path with parameter names blanked
/// (`GET /calls/{}`), so that renaming a path parameter is not a new operation.
fn op_key(op: &Operation) -> String {
    let mut path = String::new();
    let mut depth = 0;
    for c in op.path.chars() {
        match c {
            '{' => {
                depth += 1;
                path.push_str("{}");
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            c => path.push(c),
        }
    }
    format!("{} {path}", op.method.as_str())
}

fn method(op: &Operation) -> String {
    format!("Client::{}", op.rust_name)
}

fn route(op: &Operation) -> String {
    format!("{} {}", op.method.as_str(), op.path)
}

/// What `api_key` sends, in words.
fn main_credential(api: &Api) -> String {
    match api.default_credential {
        Some(i) => crate::emit::describe_credential(&api.credentials[i].kind),
        None => "no credentials".into(),
    }
}
