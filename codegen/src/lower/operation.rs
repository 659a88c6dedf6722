//! Paths and operations → `ir::Operation`: parameters (with path-level ones merged and
//! `$ref`s resolved), request bodies and responses.

use super::schema::SchemaRef;
use super::{resolve, Lowerer};
use crate::ir::{
    BodyKind, BytesMethod, Decode, Docs, EventData, EventsFoundBy, EventsMethod, Locals, Method,
    Module, Operation, Outcome, Param, ParamLocation, ParamStyle, ParamsStruct, PathSegment,
    QueryLayout, RequestBody, Response, ResponseArm, ResponseBody, StatusMatch, SuccessEnum,
    SuccessVariant, TypeRef,
};
use crate::naming::{self, Namespace};
use crate::pointer;
use indexmap::IndexMap;
use openapiv3::{
    MediaType, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, QueryStyle,
    ReferenceOr, StatusCode,
};
use std::borrow::Cow;

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        // Operations must not shadow what the runtime's client already has.
        let reserved: Vec<&str> = crate::runtime::client_names()
            .iter()
            .map(String::as_str)
            .collect();
        let mut methods = Namespace::with_reserved(&reserved);
        // Ids that repeat their path are shortened, learning from all of them at once.
        let ids: Vec<(Option<&str>, Method, &str)> = self
            .api
            .paths
            .paths
            .iter()
            .filter_map(|(path, item)| match item {
                ReferenceOr::Item(item) => Some((path, item)),
                ReferenceOr::Reference { .. } => None,
            })
            .flat_map(|(path, item)| {
                operations_of(item)
                    .into_iter()
                    .map(move |(method, op)| (op.operation_id.as_deref(), method, path.as_str()))
            })
            .collect();
        let mut short_names = super::method_names::shorten(&ids).into_iter();
        let mut operations = Vec::new();
        for (path, item) in self.api.paths.paths.iter() {
            let item_pointer = format!("#/paths/{}", pointer::escape(path));
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.error(
                        &item_pointer,
                        format!("path item reference `{reference}` is not supported yet"),
                    );
                    continue;
                }
            };
            for (method, op) in operations_of(item) {
                let pointer = format!("{item_pointer}/{}", method.as_str().to_lowercase());
                let short_name = short_names.next().flatten();
                let site = Site {
                    path,
                    method,
                    item,
                    op,
                    pointer: &pointer,
                };
                if let Some(op) = self.lower_operation(site, short_name, &mut methods) {
                    operations.push(op);
                }
            }
        }
        // `<method>_events` is named once every operation has its name: an operation whose
        // own name it would be keeps it.
        for op in &mut operations {
            if let Some(events) = &mut op.events {
                events.rust_name = methods.claim(&format!("{}_events", op.rust_name));
            }
            if let Some(bytes) = &mut op.bytes {
                bytes.rust_name = methods.claim(&format!("{}_bytes", op.rust_name));
            }
        }
        operations
    }

    fn lower_operation(
        &mut self,
        site: Site<'_>,
        short_name: Option<String>,
        methods: &mut Namespace,
    ) -> Option<Operation> {
        let Site {
            path,
            method,
            item,
            op,
            pointer,
        } = site;
        // A short name another operation already took gives way to a longer one, else to the
        // full id.
        let free = |name: &String| !methods.contains(&naming::fit(&naming::snake_name(name), 60));
        let short_name = short_name.and_then(|short| {
            std::iter::once(short.clone())
                .chain(super::method_names::alternatives(&short, path))
                .find(free)
        });
        let base = short_name
            .or_else(|| op.operation_id.clone())
            .unwrap_or_else(|| derived_name(method, path));
        let rust_name = methods.claim(&naming::fit(&naming::snake_name(&base), 60));
        let type_base = naming::type_name(&base);
        let group = self.group_of(&op.tags, path);
        // Inline types of this operation are written next to its method.
        self.current_module = Module::Operations(group);

        let Parameters {
            path_params,
            struct_params,
            mut arg_names,
        } = self.parameters(item, op, path, pointer, &type_base);
        let path_segments = self.path_segments(path, &path_params, pointer);
        // Its own security requirement, when it differs from the API's.
        let security = op.security.as_ref().and_then(|requirement| {
            let schemes = std::mem::take(&mut self.schemes);
            let own = self.requirement(&schemes, requirement, &format!("{pointer}/security"));
            let differs = own != schemes.security;
            self.schemes = schemes;
            differs.then_some(own)
        });
        // An optional `Idempotency-Key` header the client fills in when the caller does not.
        let idempotency_key = struct_params
            .iter()
            .find(|p| {
                p.location == ParamLocation::Header
                    && !p.required
                    && p.ty == TypeRef::String
                    && p.wire_name.eq_ignore_ascii_case("idempotency-key")
            })
            .map(|p| p.rust_name.clone());
        let params_struct = (!struct_params.is_empty()).then(|| ParamsStruct {
            partial_eq: true,
            name: self
                .type_names
                .claim(&naming::type_name(&format!("{base} Params"))),
            params: struct_params,
            derive_default: true,
        });
        let body = op
            .request_body
            .as_ref()
            .and_then(|b| self.request_body(b, &type_base, &format!("{pointer}/requestBody")));
        let responses = self.responses(&op.responses, &type_base, &format!("{pointer}/responses"));

        let success_enum = self.success_enum(&base, &responses);
        // A stream decodes one page type; an operation with several success shapes has none.
        let pagination = match success_enum {
            Some(_) => None,
            None => self.detect_pagination(
                op,
                &format!("{} {path}", method.as_str()),
                pointer,
                &rust_name,
                params_struct.as_ref(),
                &responses,
                methods,
            ),
        };
        let events = self.events_method(
            op,
            &format!("{} {path}", method.as_str()),
            body.as_ref(),
            &responses,
        );
        let bytes = bytes_method(&responses);
        let arms = self.arms(&responses, success_enum.as_ref());
        let accept = accept(&responses);
        let mut local = |name: &str| arg_names.claim(name);
        let locals = Locals {
            params: local("params"),
            body: local("body"),
            path: local("path"),
            request: local("request"),
            response: local("response"),
            cookies: local("cookies"),
            value: local("value"),
            first: local("first"),
            number: local("number"),
            client: local("client"),
            cursor: local("cursor"),
        };
        Some(Operation {
            pointer: pointer.to_owned(),
            rust_name,
            locals,
            arms,
            pagination,
            group,
            success_enum,
            operation_id: op.operation_id.clone(),
            method,
            path: path.to_owned(),
            path_segments,
            path_params,
            params_struct,
            body,
            responses,
            summary: op.summary.clone(),
            docs: Docs {
                description: op.description.clone(),
                ..Docs::default()
            },
            deprecated: op.deprecated,
            accept,
            idempotency_key,
            security,
            events,
            bytes,
        })
    }

    /// `<method>_events`, when a success response offers `text/event-stream` beside another
    /// body, or the settings name the operation (its events then any JSON).
    fn events_method(
        &self,
        op: &openapiv3::Operation,
        route: &str,
        body: Option<&RequestBody>,
        responses: &[Response],
    ) -> Option<EventsMethod> {
        let declared = responses
            .iter()
            .filter(|r| r.status.is_success())
            .find_map(|r| r.events.clone());
        let named = |key: &str| self.settings.streaming.events.iter().any(|e| e == key);
        let (data, found_by) = match declared {
            Some(data) => (data, EventsFoundBy::Spec),
            None if op.operation_id.as_deref().is_some_and(named) || named(route) => {
                (Some(TypeRef::Json), EventsFoundBy::Settings)
            }
            None => return None,
        };
        // The property that asks for the stream (OpenAI's and its imitators' `stream`).
        let stream_field = match body.map(|b| &b.kind) {
            Some(BodyKind::Json(TypeRef::Named(id))) => {
                self.struct_behind(*id)
                    .and_then(|id| match self.kind_of(id) {
                        Some(crate::ir::TypeKind::Struct(s)) => s
                            .fields
                            .iter()
                            .find(|f| f.wire_name == "stream" && f.ty == TypeRef::Boolean)
                            .map(|f| f.wire_name.clone()),
                        _ => None,
                    })
            }
            _ => None,
        };
        Some(EventsMethod {
            // Claimed after every operation's name (`lower_operations`).
            rust_name: String::new(),
            data,
            stream_field,
            found_by,
        })
    }

    /// A security scheme of the document sends the `Authorization` header.
    fn authorization_scheme(&self) -> bool {
        use openapiv3::SecurityScheme;
        let schemes = self.api.components.as_ref().map(|c| &c.security_schemes);
        schemes
            .into_iter()
            .flatten()
            .any(|(_, scheme)| match scheme {
                ReferenceOr::Item(SecurityScheme::APIKey { name, .. }) => {
                    name.eq_ignore_ascii_case("authorization")
                }
                ReferenceOr::Item(_) => true,
                ReferenceOr::Reference { .. } => false,
            })
    }

    /// The operation's parameters (path-level ones first, overridden by the operation's own of
    /// the same name and place): path parameters, which are the method's arguments, and the
    /// others, the fields of its parameters struct; with the argument names they claimed.
    fn parameters<'p>(
        &mut self,
        item: &'p PathItem,
        op: &'p openapiv3::Operation,
        path: &str,
        pointer: &str,
        type_base: &str,
    ) -> Parameters
    where
        Self: 'p,
    {
        // Operation parameters override path-level ones with the same name and location.
        let mut params: Vec<(
            &ParameterData,
            ParamLocation,
            ParamStyle,
            String,
            Option<String>,
        )> = Vec::new();
        let path_level = item.parameters.iter().enumerate().map(|(i, p)| {
            (
                p,
                format!("#/paths/{}/parameters/{i}", pointer::escape(path)),
            )
        });
        let own = op
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, format!("{pointer}/parameters/{i}")));
        for (param, param_pointer) in path_level.chain(own) {
            let Some((resolved, at, component)) = self.resolve_param(param, &param_pointer) else {
                continue;
            };
            let (data, location, style) = split_param(resolved);
            // OpenAPI: a header parameter named Accept, Content-Type or Authorization "SHALL
            // be ignored" (the media types and security schemes say those). PagerDuty's
            // required `Accept: application/vnd.pagerduty+json;version=2` names no media
            // type its responses have. Authorization is kept where no security scheme
            // sends it (progenitor's keeper has it as its only credential).
            let reserved = ["accept", "content-type"]
                .iter()
                .any(|n| data.name.eq_ignore_ascii_case(n))
                || (data.name.eq_ignore_ascii_case("authorization") && self.authorization_scheme());
            if location == ParamLocation::Header && reserved {
                continue;
            }
            params.retain(|(d, l, ..)| !(d.name == data.name && *l == location));
            params.push((data, location, style, at, component));
        }

        let mut path_params = Vec::new();
        let mut struct_params = Vec::new();
        let mut field_names = Namespace::default();
        // Path parameters are arguments; the other arguments and the locals of the emitted
        // methods are named after them, so that none collides.
        let mut arg_names = Namespace::with_reserved(&["self"]);
        for (data, location, style, at, component) in params {
            let hint = component.unwrap_or_else(|| format!("{type_base} {}", data.name));
            let ty = self.param_type(data, &hint, &at);
            let names = if location == ParamLocation::Path {
                &mut arg_names
            } else {
                &mut field_names
            };
            let layout = self.query_layout(location, style, &ty);
            let param = Param {
                pointer: at,
                setter: String::new(),
                rust_name: names.claim(&naming::snake_name(&data.name)),
                wire_name: data.name.clone(),
                location,
                style,
                layout,
                ty,
                required: data.required || location == ParamLocation::Path,
                docs: Docs {
                    description: data.description.clone(),
                    example: data.example.as_ref().map(|v| v.to_string()),
                    ..Docs::default()
                },
            };
            if location == ParamLocation::Path {
                path_params.push(param);
            } else {
                struct_params.push(param);
            }
        }

        // A parameter the path uses without declaring it (a common slip in real specs): a
        // required string, with a warning saying where.
        for name in template_params(path) {
            if path_params.iter().any(|p: &Param| p.wire_name == name) {
                continue;
            }
            self.warn(
                pointer,
                format!("path parameter `{name}` is used in the path but not declared; generated as a required string"),
            );
            path_params.push(Param {
                pointer: pointer.to_owned(),
                setter: String::new(),
                rust_name: arg_names.claim(&naming::snake_name(&name)),
                wire_name: name,
                location: ParamLocation::Path,
                style: ParamStyle::Simple,
                layout: QueryLayout::Nested,
                ty: TypeRef::String,
                required: true,
                docs: Docs {
                    description: Some("Used in the path; the spec does not declare it.".to_owned()),
                    ..Docs::default()
                },
            });
        }
        let setters = naming::setter_names(struct_params.iter().map(|p| p.rust_name.as_str()));
        for (param, setter) in struct_params.iter_mut().zip(setters) {
            param.setter = setter;
        }
        Parameters {
            path_params,
            struct_params,
            arg_names,
        }
    }

    /// The parameter behind a reference, its pointer, and the component name (for naming).
    fn resolve_param<'p>(
        &mut self,
        param: &'p ReferenceOr<Parameter>,
        pointer: &str,
    ) -> Option<(&'p Parameter, String, Option<String>)>
    where
        Self: 'p,
    {
        match param {
            ReferenceOr::Item(p) => Some((p, pointer.to_owned(), None)),
            ReferenceOr::Reference { reference } => {
                let parameters = self.api.components.as_ref().map(|c| &c.parameters);
                match resolve(parameters, "parameters", reference) {
                    // SAFETY of lifetimes: the map lives as long as the document.
                    Ok((p, name)) => Some((
                        p,
                        format!("#/components/parameters/{}", pointer::escape(&name)),
                        Some(name),
                    )),
                    Err(message) => {
                        self.error(pointer, message);
                        None
                    }
                }
            }
        }
    }

    fn param_type(&mut self, data: &ParameterData, hint: &str, pointer: &str) -> TypeRef {
        if let Some((ty, _)) = self.memo.get(pointer) {
            return ty.clone();
        }
        let converted = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                self.convert(schema.into(), hint, &format!("{pointer}/schema"))
            }
            ParameterSchemaOrContent::Content(content) => match first_schema(content) {
                Some((media, schema)) => self.convert(
                    schema.into(),
                    hint,
                    &format!("{pointer}/content/{}/schema", pointer::escape(media)),
                ),
                None => (TypeRef::String, false),
            },
        };
        self.memo.insert(pointer.to_owned(), converted.clone());
        converted.0
    }

    fn path_segments(&mut self, path: &str, params: &[Param], pointer: &str) -> Vec<PathSegment> {
        let mut segments = Vec::new();
        let mut rest = path;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            if start > 0 {
                segments.push(PathSegment::Literal(rest[..start].to_owned()));
            }
            let name = &rest[start + 1..start + len];
            match params.iter().position(|p| p.wire_name == name) {
                Some(i) => segments.push(PathSegment::Param(i)),
                None => {
                    self.error(
                        pointer,
                        format!("path parameter `{name}` is used in the path but not declared"),
                    );
                    segments.push(PathSegment::Literal(
                        rest[start..start + len + 1].to_owned(),
                    ));
                }
            }
            rest = &rest[start + len + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_owned()));
        }
        segments
    }

    pub(super) fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        type_base: &str,
        pointer: &str,
    ) -> Option<RequestBody> {
        let (body, at, hint) = match body {
            ReferenceOr::Item(b) => (b, pointer.to_owned(), format!("{type_base} Body")),
            ReferenceOr::Reference { reference } => {
                let bodies = self.api.components.as_ref().map(|c| &c.request_bodies);
                match resolve(bodies, "requestBodies", reference) {
                    Ok((b, name)) => (
                        b,
                        format!("#/components/requestBodies/{}", pointer::escape(&name)),
                        name,
                    ),
                    Err(message) => {
                        self.error(pointer, message);
                        return None;
                    }
                }
            }
        };
        let is_form = |k: &str| k.starts_with("application/x-www-form-urlencoded");
        let is_multipart = |k: &str| k.starts_with("multipart/form-data");
        let (content_type, media) = body
            .content
            .iter()
            .find(|(k, _)| is_json(k))
            .or_else(|| body.content.iter().find(|(k, _)| is_form(k)))
            .or_else(|| body.content.first())?;
        let schema_pointer = format!("{at}/content/{}/schema", pointer::escape(content_type));
        let kind = match (&media.schema, is_json(content_type), is_form(content_type)) {
            (Some(schema), true, _) => {
                BodyKind::Json(self.memo_convert(schema.into(), &hint, &schema_pointer))
            }
            (None, true, _) => BodyKind::Json(TypeRef::Json),
            (Some(schema), _, true) => {
                BodyKind::Form(self.memo_convert(schema.into(), &hint, &schema_pointer))
            }
            (Some(schema), _, _) if is_multipart(content_type) => {
                let ty = self.memo_convert(schema.into(), &hint, &schema_pointer);
                match ty {
                    // Parts are the fields of the struct (named directly or through aliases).
                    TypeRef::Named(id) => match self.struct_behind(id) {
                        Some(id) => BodyKind::Multipart(TypeRef::Named(id)),
                        // One of several objects (`oneOf` of structs): the parts of the one
                        // given.
                        None => match self.union_of_structs(id) {
                            Some(id) => BodyKind::Multipart(TypeRef::Named(id)),
                            None => BodyKind::Bytes,
                        },
                    },
                    // Parts need named fields; any other shape is sent as given.
                    _ => BodyKind::Bytes,
                }
            }
            _ if is_text(content_type) => BodyKind::Text,
            _ => BodyKind::Bytes,
        };
        Some(RequestBody {
            pointer: format!("{at}/content/{}", pointer::escape(content_type)),
            content_type: sent_content_type(content_type, &kind),
            kind,
            required: body.required,
            docs: Docs {
                description: body.description.clone(),
                ..Docs::default()
            },
        })
    }

    /// An enum of the success responses when their bodies differ; `None` when one type
    /// describes every success.
    fn success_enum(&mut self, base: &str, responses: &[Response]) -> Option<SuccessEnum> {
        let successes: Vec<&Response> =
            responses.iter().filter(|r| r.status.is_success()).collect();
        let first = successes.first()?;
        if successes.iter().all(|r| r.body == first.body) {
            return None;
        }
        let mut names = Namespace::default();
        let variants = successes
            .iter()
            .map(|r| SuccessVariant {
                rust_name: names.claim(&naming::variant_name(&status_word(r.status))),
                status: r.status,
                body: r.body.clone(),
                description: r.description.clone(),
                boxed: false,
            })
            .collect();
        Some(SuccessEnum {
            name: self
                .type_names
                .claim(&naming::type_name(&format!("{base} Success"))),
            variants,
        })
    }

    /// How a query parameter is written: its style, and for `form` whether it is an array or
    /// an object.
    fn query_layout(
        &self,
        location: ParamLocation,
        style: ParamStyle,
        ty: &TypeRef,
    ) -> QueryLayout {
        let is_object = match ty {
            TypeRef::Map(_) => true,
            TypeRef::Named(id) => self.struct_behind(*id).is_some(),
            _ => false,
        };
        match style {
            _ if location != ParamLocation::Query => QueryLayout::Nested,
            ParamStyle::Form { explode: false } if is_object => QueryLayout::FlatObject,
            ParamStyle::Form { explode: true } if matches!(ty, TypeRef::Array(_)) => {
                QueryLayout::Repeated
            }
            ParamStyle::PipeDelimited => QueryLayout::Delimited("%7C"),
            ParamStyle::SpaceDelimited => QueryLayout::Delimited("%20"),
            _ => QueryLayout::Nested,
        }
    }

    /// The match arms of the generated method: statuses with the same outcome share an arm,
    /// in spec order; the last arm takes every other status (`default`, else as undeclared).
    /// An operation that declares no success still succeeds on any 2xx, without a body.
    fn arms(&self, responses: &[Response], success_enum: Option<&SuccessEnum>) -> Vec<ResponseArm> {
        let mut arms: Vec<ResponseArm> = Vec::new();
        let mut default = None;
        if !responses.iter().any(|r| r.status.is_success()) {
            arms.push(ResponseArm {
                statuses: vec![StatusMatch::Range(2)],
                outcome: Outcome::Success {
                    decode: Decode::Empty,
                    variant: None,
                },
            });
        }
        for r in responses {
            let outcome = if r.status.is_success() {
                // A body the method hands over as it arrives; inside a success enum (which
                // is `Clone`) it is read whole.
                let whole = success_enum.is_some();
                let decode = match &r.body {
                    ResponseBody::Json(_) => Decode::Json,
                    ResponseBody::Text => Decode::Text,
                    ResponseBody::Bytes if whole => Decode::Bytes,
                    ResponseBody::Bytes => Decode::Stream,
                    ResponseBody::Events(_) if whole => Decode::Text,
                    ResponseBody::Events(None) => Decode::Events(EventData::Text),
                    ResponseBody::Events(Some(_)) => Decode::Events(EventData::Json),
                    ResponseBody::None => Decode::Empty,
                };
                let variant = success_enum.and_then(|e| {
                    e.variants
                        .iter()
                        .find(|v| v.status == r.status)
                        .map(|v| v.rust_name.clone())
                });
                Outcome::Success { decode, variant }
            } else {
                let body = match &r.body {
                    ResponseBody::Json(TypeRef::Named(id)) => {
                        self.error_types.iter().position(|e| e == id)
                    }
                    _ => None,
                };
                Outcome::Error { body }
            };
            if r.status == StatusMatch::Default {
                default = Some(outcome);
                continue;
            }
            match arms.iter_mut().find(|arm| arm.outcome == outcome) {
                Some(arm) => arm.statuses.push(r.status),
                None => arms.push(ResponseArm {
                    statuses: vec![r.status],
                    outcome,
                }),
            }
        }
        let catch_all = default.unwrap_or(Outcome::Error { body: None });
        // An arm doing what the last one does is left out, unless a later arm would then
        // take its statuses (`404` before `4XX`).
        let covered_later = |i: usize, arms: &[ResponseArm]| {
            arms[i].statuses.iter().any(|s| {
                arms[i + 1..]
                    .iter()
                    .flat_map(|a| &a.statuses)
                    .any(|later| match (s, later) {
                        (StatusMatch::Code(c), StatusMatch::Range(h)) => c / 100 == *h,
                        _ => false,
                    })
            })
        };
        let keep: Vec<bool> = (0..arms.len())
            .map(|i| arms[i].outcome != catch_all || covered_later(i, &arms))
            .collect();
        let mut arms: Vec<ResponseArm> = arms
            .into_iter()
            .zip(keep)
            .filter_map(|(arm, keep)| keep.then_some(arm))
            .collect();
        arms.push(ResponseArm {
            statuses: vec![StatusMatch::Default],
            outcome: catch_all,
        });
        arms
    }

    fn responses(
        &mut self,
        responses: &openapiv3::Responses,
        type_base: &str,
        pointer: &str,
    ) -> Vec<Response> {
        let mut out = Vec::new();
        let declared = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(c) => StatusMatch::Code(*c),
                    StatusCode::Range(r) => StatusMatch::Range(*r),
                };
                (status, r, code.to_string())
            })
            .chain(
                responses
                    .default
                    .iter()
                    .map(|r| (StatusMatch::Default, r, "default".to_owned())),
            );
        let mut same_shape: Vec<(ReferenceOr<openapiv3::Schema>, TypeRef)> = Vec::new();
        for (status, response, key) in declared {
            let Some((response, at, hint)) =
                self.resolve_response(status, response, &key, type_base, pointer)
            else {
                continue;
            };
            let body = match response.content.iter().find(|(k, _)| is_json(k)) {
                Some((
                    media_type,
                    MediaType {
                        schema: Some(schema),
                        ..
                    },
                )) => {
                    let schema_pointer =
                        format!("{at}/content/{}/schema", pointer::escape(media_type));
                    // Statuses that repeat the same inline schema (`200` and `201`, `4XX`
                    // and `5XX`) share one type.
                    match same_shape.iter().find(|(seen, _)| seen == schema) {
                        Some((_, ty)) => ResponseBody::Json(ty.clone()),
                        None => {
                            // A body that may be `null` (dropshot's unit `enum: [null]`) reads
                            // as an `Option`.
                            let ty = self.memo_convert(schema.into(), &hint, &schema_pointer);
                            let null = self.memo.get(&schema_pointer).is_some_and(|(_, n)| *n);
                            let ty = super::schema::nullable((ty, null));
                            if matches!(schema, ReferenceOr::Item(_)) {
                                same_shape.push((schema.clone(), ty.clone()));
                            }
                            // A string offered as anything (`*/*`, Kubernetes' exec and
                            // logs) comes as the text itself, not as a JSON string.
                            if media_type.as_str() == "*/*" && ty == TypeRef::String {
                                ResponseBody::Text
                            } else {
                                ResponseBody::Json(ty)
                            }
                        }
                    }
                }
                Some((_, _)) => ResponseBody::Json(TypeRef::Json),
                None => {
                    let other = response.content.keys().filter(|k| !is_event_stream(k));
                    match other.clone().next() {
                        _ if response.content.is_empty() => ResponseBody::None,
                        None => ResponseBody::Events(self.event_data(&response, &at, &hint)),
                        Some(_) if other.clone().any(|k| is_text(k)) => ResponseBody::Text,
                        Some(_) => ResponseBody::Bytes,
                    }
                }
            };
            // Offered as events too: the operation gets a `<method>_events`.
            let events = (!matches!(body, ResponseBody::Events(_))
                && response.content.keys().any(|k| is_event_stream(k)))
            .then(|| self.event_data(&response, &at, &hint));
            if !status.is_success() {
                if let ResponseBody::Json(TypeRef::Named(id)) = &body {
                    if !self.error_types.contains(id) {
                        self.error_types.push(*id);
                    }
                }
            }
            let media = response
                .content
                .keys()
                .find(|k| is_json(k))
                .filter(|_| matches!(body, ResponseBody::Json(_)))
                .map(|k| format!("{at}/content/{}", pointer::escape(k)));
            out.push(Response {
                headers: response
                    .headers
                    .keys()
                    .map(|h| h.to_ascii_lowercase())
                    .collect(),
                pointer: at,
                media,
                status,
                body,
                media_types: response.content.keys().cloned().collect(),
                events,
                description: response.description.clone(),
            });
        }
        out.sort_by_key(|r| (!r.status.is_success(), r.status));
        out
    }

    /// A declared response, behind its reference if it is one, with its pointer and the
    /// name its inline types are given.
    fn resolve_response<'r>(
        &mut self,
        status: StatusMatch,
        response: &'r ReferenceOr<openapiv3::Response>,
        key: &str,
        type_base: &str,
        pointer: &str,
    ) -> Option<(Cow<'r, openapiv3::Response>, String, String)>
    where
        'a: 'r,
    {
        let at = format!("{pointer}/{key}");
        Some(match response {
            ReferenceOr::Item(r) => {
                let r = Cow::Borrowed(r);
                let suffix = if status.is_success() {
                    "Response"
                } else {
                    "Error"
                };
                let hint = match status {
                    StatusMatch::Code(200) | StatusMatch::Default => {
                        format!("{type_base} {suffix}")
                    }
                    _ => format!("{type_base} {suffix} {key}"),
                };
                (r, at, hint)
            }
            ReferenceOr::Reference { reference } => {
                let map = self.api.components.as_ref().map(|c| &c.responses);
                let bodies = self.api.components.as_ref().map(|c| &c.request_bodies);
                match resolve(map, "responses", reference) {
                    Ok((r, name)) => (
                        Cow::Borrowed(r),
                        format!("#/components/responses/{}", pointer::escape(&name)),
                        name,
                    ),
                    // Some specs point a response at a request body of the same shape
                    // (PagerDuty's does); its content serves as the response's.
                    Err(_) if reference.starts_with("#/components/requestBodies/") => {
                        match resolve(bodies, "requestBodies", reference) {
                            Ok((b, name)) => (
                                Cow::Owned(openapiv3::Response {
                                    description: b.description.clone().unwrap_or_default(),
                                    content: b.content.clone(),
                                    ..Default::default()
                                }),
                                format!("#/components/requestBodies/{}", pointer::escape(&name)),
                                name,
                            ),
                            Err(message) => {
                                self.error(&at, message);
                                return None;
                            }
                        }
                    }
                    Err(message) => {
                        self.error(&at, message);
                        return None;
                    }
                }
            }
        })
    }

    /// The data type of a response's server-sent events: its `text/event-stream` schema,
    /// text when that is a string or absent.
    fn event_data(
        &mut self,
        response: &openapiv3::Response,
        at: &str,
        hint: &str,
    ) -> Option<TypeRef> {
        let (media_type, media) = response.content.iter().find(|(k, _)| is_event_stream(k))?;
        let schema = media.schema.as_ref()?;
        if let ReferenceOr::Item(openapiv3::Schema {
            schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::String(_)),
            ..
        }) = schema
        {
            return None;
        }
        let pointer = format!("{at}/content/{}/schema", pointer::escape(media_type));
        let ty = self.memo_convert(schema.into(), &format!("{hint} Event"), &pointer);
        (ty != TypeRef::String).then_some(ty)
    }

    /// Converts a schema of a shared component once, so every use gets the same type.
    fn memo_convert(&mut self, schema: SchemaRef<'_>, hint: &str, pointer: &str) -> TypeRef {
        if let Some((ty, _)) = self.memo.get(pointer) {
            return ty.clone();
        }
        let converted = self.convert(schema, hint, pointer);
        self.memo.insert(pointer.to_owned(), converted.clone());
        converted.0
    }
}

/// Where an operation is in the document.
struct Site<'d> {
    path: &'d str,
    method: Method,
    item: &'d PathItem,
    op: &'d openapiv3::Operation,
    pointer: &'d str,
}

/// An operation's parameters as [`Lowerer::parameters`] sorts them.
struct Parameters {
    path_params: Vec<Param>,
    struct_params: Vec<Param>,
    /// The method's argument names so far: its locals are claimed after them.
    arg_names: Namespace,
}

/// The parameter names of a path template (`/calls/{call_id}` → `call_id`), in order.
fn template_params(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
        rest = &rest[start + len + 1..];
    }
    names
}

fn operations_of(item: &PathItem) -> Vec<(Method, &openapiv3::Operation)> {
    item.iter()
        .filter_map(|(key, op)| Method::from_key(key).map(|m| (m, op)))
        .collect()
}

fn split_param(p: &Parameter) -> (&ParameterData, ParamLocation, ParamStyle) {
    match p {
        Parameter::Query {
            parameter_data,
            style,
            ..
        } => {
            let style = match style {
                QueryStyle::Form => ParamStyle::Form {
                    explode: parameter_data.explode.unwrap_or(true),
                },
                QueryStyle::DeepObject => ParamStyle::DeepObject,
                QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
            };
            (parameter_data, ParamLocation::Query, style)
        }
        Parameter::Header { parameter_data, .. } => {
            (parameter_data, ParamLocation::Header, ParamStyle::Simple)
        }
        Parameter::Path { parameter_data, .. } => {
            (parameter_data, ParamLocation::Path, ParamStyle::Simple)
        }
        Parameter::Cookie { parameter_data, .. } => (
            parameter_data,
            ParamLocation::Cookie,
            ParamStyle::Form { explode: true },
        ),
    }
}

fn first_schema(
    content: &IndexMap<String, MediaType>,
) -> Option<(&String, &ReferenceOr<openapiv3::Schema>)> {
    content
        .iter()
        .find_map(|(k, m)| m.schema.as_ref().map(|s| (k, s)))
}

/// The `Content-Type` a body is sent with: the declared media type, unless it is a range
/// (`*/*`, `application/*`) or no media type at all, which no server parses: then the type
/// of what is sent.
fn sent_content_type(declared: &str, kind: &BodyKind) -> String {
    let essence = declared.split(';').next().unwrap_or_default().trim();
    let concrete = essence
        .split_once('/')
        .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty() && t != "*" && s != "*");
    let header = declared.bytes().all(|b| (0x20..0x7f).contains(&b));
    if concrete && header {
        return declared.to_owned();
    }
    match kind {
        BodyKind::Json(_) => "application/json",
        BodyKind::Form(_) => "application/x-www-form-urlencoded",
        BodyKind::Multipart(_) => "multipart/form-data",
        BodyKind::Text => "text/plain",
        BodyKind::Bytes => "application/octet-stream",
    }
    .to_owned()
}

/// The `Accept` header of an operation whose answers are not plain JSON: the media types
/// of its success responses (of `default`, when it declares none). `None` keeps the
/// client's `application/json`; a declared `*/*` adds itself after JSON (a server that
/// negotiates finds no `application/json` content there); a value that could not be a
/// header keeps the default.
fn accept(responses: &[Response]) -> Option<String> {
    let success = responses.iter().any(|r| r.status.is_success());
    let answers = responses.iter().filter(|r| {
        if success {
            r.status.is_success()
        } else {
            r.status == StatusMatch::Default
        }
    });
    let mut types: Vec<&str> = Vec::new();
    let mut any = false;
    // Events offered beside another body are asked for by `<method>_events` only.
    let asked = answers.flat_map(|r| {
        r.media_types
            .iter()
            .filter(move |t| r.events.is_none() || !is_event_stream(t))
    });
    for t in asked {
        let t = t.trim();
        // A key that is no media range (Telnyx's `*`) stands for any content too (servers
        // may refuse a malformed `Accept`; Prism exits on it).
        if t == "*/*" || !t.contains('/') {
            any = true;
        } else if !types.contains(&t) {
            types.push(t);
        }
    }
    let json = |t: &&str| {
        let essence = t.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/json")
    };
    let value = match (types.iter().any(json), types.is_empty(), any) {
        (true, _, _) | (false, true, false) => return None,
        (false, true, true) => "application/json, */*;q=0.8".to_owned(),
        (false, false, true) => format!("{}, */*;q=0.8", types.join(", ")),
        (false, false, false) => types.join(", "),
    };
    value
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b))
        .then_some(value)
}

/// `<method>_bytes`, when a success response whose body is JSON also offers a file (Telnyx's
/// speech: JSON or `audio/mpeg`); its name is claimed later (`lower_operations`).
fn bytes_method(responses: &[Response]) -> Option<BytesMethod> {
    let mut types: Vec<&str> = Vec::new();
    for r in responses.iter().filter(|r| r.status.is_success()) {
        if !matches!(r.body, ResponseBody::Json(_)) {
            continue;
        }
        for t in &r.media_types {
            let t = t.trim();
            if is_download(t) && !types.contains(&t) {
                types.push(t);
            }
        }
    }
    let accept = types.join(", ");
    (!types.is_empty() && accept.bytes().all(|b| (0x20..0x7f).contains(&b))).then(|| BytesMethod {
        rust_name: String::new(),
        accept,
    })
}

/// Content that is a file rather than another encoding of the JSON answer (XML, YAML,
/// protobuf, as Kubernetes and the petstore offer): audio, video, images, fonts, archives,
/// PDF, octet streams.
fn is_download(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    ["audio/", "video/", "image/", "font/"]
        .iter()
        .any(|prefix| essence.starts_with(prefix))
        || [
            "application/octet-stream",
            "application/pdf",
            "application/zip",
            "application/gzip",
            "application/x-gzip",
            "application/x-tar",
        ]
        .contains(&essence.as_str())
}

/// `text/event-stream`: server-sent events.
fn is_event_stream(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/event-stream")
}

/// `text/plain`, `text/csv`...: content that is a string.
fn is_text(media_type: &str) -> bool {
    media_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("text/")
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// A stable name for an operation without operationId: `get /calls/{id}/actions` →
/// `get_calls_by_id_actions`.
fn derived_name(method: Method, path: &str) -> String {
    let mut words = vec![method.as_str().to_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => words.push(format!("by_{param}")),
            None => words.push(segment.to_owned()),
        }
    }
    words.join("_")
}

/// The name of a success status, for an enum variant (RFC 9110 reason phrases).
fn status_word(status: StatusMatch) -> String {
    let word = match status {
        StatusMatch::Code(200) => "ok",
        StatusMatch::Code(201) => "created",
        StatusMatch::Code(202) => "accepted",
        StatusMatch::Code(203) => "non authoritative information",
        StatusMatch::Code(204) => "no content",
        StatusMatch::Code(205) => "reset content",
        StatusMatch::Code(206) => "partial content",
        StatusMatch::Code(207) => "multi status",
        StatusMatch::Code(208) => "already reported",
        StatusMatch::Code(226) => "im used",
        StatusMatch::Code(code) => return format!("status {code}"),
        StatusMatch::Range(hundreds) => return format!("other {hundreds}xx"),
        StatusMatch::Default => "default",
    };
    word.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_files_not_other_encodings_of_the_answer() {
        for file in [
            "audio/mpeg",
            "image/png",
            "application/pdf",
            "application/octet-stream; charset=binary",
            "video/mp4",
        ] {
            assert!(is_download(file), "{file}");
        }
        for encoding in [
            "application/xml",
            "application/yaml",
            "application/vnd.kubernetes.protobuf",
            "application/json",
            "text/csv",
            "text/event-stream",
        ] {
            assert!(!is_download(encoding), "{encoding}");
        }
    }

    #[test]
    fn event_streams_are_recognised_with_parameters() {
        assert!(is_event_stream("text/event-stream; charset=utf-8"));
        assert!(is_event_stream("Text/Event-Stream"));
        assert!(!is_event_stream("text/plain"));
    }

    /// Header parameters named Accept, Content-Type or Authorization are ignored, as OpenAPI
    /// says (PagerDuty requires an `Accept` its responses do not have); a string offered as
    /// `*/*` is read as text (Kubernetes' logs).
    #[test]
    fn reserved_headers_are_ignored_and_any_string_is_text() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /logs:\n    get:\n      parameters:\n      - {name: Accept, in: header, required: true, schema: {type: string, enum: [application/vnd.x+json]}}\n      - {name: authorization, in: header, schema: {type: string}}\n      - {name: X-Trace, in: header, schema: {type: string}}\n      responses:\n        '200': {description: ok, content: {'*/*': {schema: {type: string}}}}\n";
        let names = |text: &str| -> (Vec<String>, crate::ir::Api) {
            let doc = crate::load::parse(std::path::Path::new("t.yml"), text.as_bytes()).unwrap();
            let api = crate::lower::lower(&doc, &Default::default()).unwrap();
            let names = api.operations[0]
                .params_struct
                .iter()
                .flat_map(|p| p.params.iter())
                .map(|p| p.wire_name.clone())
                .collect();
            (names, api)
        };
        // No scheme sends Authorization: the parameter is the credential, kept.
        let (kept, api) = names(text);
        assert_eq!(kept, ["authorization", "X-Trace"]);
        let with_scheme = format!(
            "{text}components:\n  securitySchemes:\n    bearer: {{type: http, scheme: bearer}}\n"
        );
        assert_eq!(names(&with_scheme).0, ["X-Trace"]);
        let op = &api.operations[0];
        assert!(matches!(op.responses[0].body, ResponseBody::Text));
        assert_eq!(op.responses[0].media, None);
    }
}
