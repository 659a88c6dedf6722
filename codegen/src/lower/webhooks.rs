//! OpenAPI 3.1 `webhooks`: each webhook's body becomes a type (like a request body), then the
//! whole set is read for what the receiver needs: the signature scheme its headers declare,
//! and the property whose value tells the deliveries apart (`data.event_type` for Telnyx).

use super::Lowerer;
use crate::ir::{
    BodyKind, Module, TypeDef, TypeId, TypeKind, TypeRef, WebhookEventVariant, WebhookScheme,
    Webhooks,
};
use crate::naming::{self, Namespace};
use crate::normalize::WEBHOOKS_KEY;
use crate::pointer;
use openapiv3::{Parameter, PathItem, ReferenceOr};
use std::collections::{BTreeMap, BTreeSet};

/// A webhook as lowered before the types are complete.
pub(super) struct RawWebhook {
    name: String,
    summary: Option<String>,
    payload: TypeRef,
    /// Header parameters: (lower-case name, `x-webhook-equivalent`, description).
    headers: Vec<(String, Option<String>, String)>,
}

impl RawWebhook {
    /// The type of the webhook's body.
    pub(super) fn payload(&self) -> &TypeRef {
        &self.payload
    }
}

impl Lowerer<'_> {
    /// The webhooks' bodies as types; problems are reported at `#/webhooks/...`.
    pub(super) fn lower_webhooks(&mut self) -> Vec<RawWebhook> {
        let Some(value) = self.api.extensions.get(WEBHOOKS_KEY) else {
            return Vec::new();
        };
        let Some(items) = value.as_object() else {
            self.error("#/webhooks", "not a map of webhooks");
            return Vec::new();
        };
        let module = self.type_modules.claim("webhook_payloads");
        let mut out = Vec::new();
        for (name, item) in items {
            let item_pointer = format!("#/webhooks/{}", pointer::escape(name));
            let item: ReferenceOr<PathItem> = match serde_json::from_value(item.clone()) {
                Ok(item) => item,
                Err(e) => {
                    self.error(&item_pointer, format!("not a valid path item: {e}"));
                    continue;
                }
            };
            let ReferenceOr::Item(item) = &item else {
                self.error(
                    &item_pointer,
                    "a webhook given by reference is not supported",
                );
                continue;
            };
            let Some((method, op)) = item.iter().next() else {
                continue;
            };
            let at = format!("{item_pointer}/{method}");
            let Some(body) = &op.request_body else {
                self.warn(&at, "a webhook without a body: nothing to decode, left out");
                continue;
            };
            self.current_module = Module::Types(module.clone());
            let hint = format!("{} Webhook", op.operation_id.as_deref().unwrap_or(name));
            let payload = match self.request_body(body, &hint, &format!("{at}/requestBody")) {
                Some(b) => match b.kind {
                    BodyKind::Json(ty) => ty,
                    _ => {
                        self.warn(&at, "a webhook whose body is not JSON is left out");
                        continue;
                    }
                },
                None => continue,
            };
            let components = self.api.components.as_ref().map(|c| &c.parameters);
            let headers = op
                .parameters
                .iter()
                .chain(&item.parameters)
                .filter_map(|p| match p {
                    ReferenceOr::Item(p) => Some(p),
                    // A dangling one is reported where operations resolve theirs; here it
                    // only cannot name a signature header.
                    ReferenceOr::Reference { reference } => {
                        super::resolve(components, "parameters", reference)
                            .ok()
                            .map(|(p, _)| p)
                    }
                })
                .filter_map(|p| match p {
                    Parameter::Header { parameter_data, .. } => Some((
                        parameter_data.name.to_ascii_lowercase(),
                        parameter_data
                            .extensions
                            .get("x-webhook-equivalent")
                            .and_then(|v| v.as_str())
                            .map(str::to_ascii_lowercase),
                        parameter_data.description.clone().unwrap_or_default(),
                    )),
                    _ => None,
                })
                .collect();
            out.push(RawWebhook {
                name: name.clone(),
                summary: op.summary.clone().or_else(|| op.description.clone()),
                payload,
                headers,
            });
        }
        out
    }
}

/// The signature scheme the webhooks' headers declare, the discriminator and the event
/// variants. `None` when the spec has no webhook with a JSON body.
pub(super) fn finish(types: &[TypeDef], raw: Vec<RawWebhook>) -> Option<Webhooks> {
    if raw.is_empty() {
        return None;
    }
    let scheme = scheme(&raw);
    let discriminator = discriminator(types, &raw);
    let mut names = Namespace::with_reserved(&["Other"]);
    let mut events = Vec::new();
    let mut undiscriminated = Vec::new();
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    for webhook in raw {
        let values = discriminator
            .as_deref()
            .and_then(|path| values_at(types, &webhook.payload, path))
            .unwrap_or_default();
        // An event type two webhooks list is decoded by the first one's type.
        let fresh: Vec<String> = values
            .into_iter()
            .filter(|v| claimed.insert(v.clone()))
            .collect();
        if fresh.is_empty() {
            undiscriminated.push((webhook.name, webhook.payload));
            continue;
        }
        for event_type in fresh {
            events.push(WebhookEventVariant {
                rust_name: names.claim(&naming::variant_name(&event_type)),
                event_type,
                payload: webhook.payload.clone(),
                webhook: webhook.name.clone(),
                summary: webhook.summary.clone(),
            });
        }
    }
    Some(Webhooks {
        scheme,
        discriminator,
        events,
        undiscriminated,
    })
}

/// Ed25519 when a signature header names it (Telnyx: `telnyx-signature-ed25519`, described
/// as "Ed25519 signature of timestamp|payload"), with the timestamp header beside it;
/// Standard Webhooks when the three `webhook-*` headers are declared as such.
fn scheme(raw: &[RawWebhook]) -> WebhookScheme {
    let headers: Vec<&(String, Option<String>, String)> =
        raw.iter().flat_map(|w| &w.headers).collect();
    let role = |(name, equivalent, _): &&(String, Option<String>, String), role: &str| {
        equivalent.as_deref() == Some(role) || name.contains(&role["webhook-".len()..])
    };
    let signature = headers.iter().find(|h| role(h, "webhook-signature"));
    let timestamp = headers.iter().find(|h| role(h, "webhook-timestamp"));
    match (signature, timestamp) {
        (Some(sig), Some(ts))
            if sig.0.contains("ed25519") || sig.2.to_ascii_lowercase().contains("ed25519") =>
        {
            WebhookScheme::Ed25519 {
                timestamp_header: ts.0.clone(),
                signature_header: sig.0.clone(),
            }
        }
        (Some(sig), Some(ts))
            if sig.0 == "webhook-signature"
                && ts.0 == "webhook-timestamp"
                && headers.iter().any(|h| h.0 == "webhook-id") =>
        {
            WebhookScheme::StandardWebhooks
        }
        _ => WebhookScheme::Unknown,
    }
}

/// The property path (up to two levels deep) holding a string enum in the most webhook
/// bodies: its values name the event types. Ties go to the shorter, then the first path.
fn discriminator(types: &[TypeDef], raw: &[RawWebhook]) -> Option<Vec<String>> {
    let mut counts: BTreeMap<Vec<String>, (usize, usize)> = BTreeMap::new();
    for (order, webhook) in raw.iter().enumerate() {
        let mut paths = Vec::new();
        enum_paths(types, &webhook.payload, &mut Vec::new(), 2, &mut paths);
        for path in paths {
            let entry = counts.entry(path).or_insert((0, order));
            entry.0 += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|(pa, (na, oa)), (pb, (nb, ob))| {
            na.cmp(nb)
                .then(pb.len().cmp(&pa.len()))
                .then(ob.cmp(oa))
                .then(pb.cmp(pa))
        })
        .map(|(path, _)| path)
}

fn struct_fields<'t>(types: &'t [TypeDef], ty: &TypeRef) -> Option<&'t [crate::ir::Field]> {
    let TypeRef::Named(id) = ty else { return None };
    let id = crate::ir::struct_behind(*id, |id: TypeId| types.get(id.0).map(|t| &t.kind))?;
    match &types.get(id.0)?.kind {
        TypeKind::Struct(s) => Some(&s.fields),
        _ => None,
    }
}

fn enum_values(types: &[TypeDef], ty: &TypeRef) -> Option<Vec<String>> {
    crate::ir::enum_values_behind(ty, |id: TypeId| types.get(id.0).map(|t| &t.kind))
}

fn enum_paths(
    types: &[TypeDef],
    ty: &TypeRef,
    prefix: &mut Vec<String>,
    depth: usize,
    out: &mut Vec<Vec<String>>,
) {
    let Some(fields) = struct_fields(types, ty) else {
        return;
    };
    for field in fields.iter().filter(|f| !f.flatten) {
        prefix.push(field.wire_name.clone());
        if enum_values(types, &field.ty).is_some() {
            out.push(prefix.clone());
        } else if depth > 1 {
            enum_paths(types, &field.ty, prefix, depth - 1, out);
        }
        prefix.pop();
    }
}

/// The enum values at `path` of a payload type.
fn values_at(types: &[TypeDef], ty: &TypeRef, path: &[String]) -> Option<Vec<String>> {
    let (last, parents) = path.split_last()?;
    let mut ty = ty.clone();
    for name in parents {
        let field = struct_fields(types, &ty)?
            .iter()
            .find(|f| &f.wire_name == name)?;
        ty = field.ty.clone();
    }
    let field = struct_fields(types, &ty)?
        .iter()
        .find(|f| &f.wire_name == last)?;
    enum_values(types, &field.ty)
}

#[cfg(test)]
mod tests {
    use crate::ir::WebhookScheme;

    fn lower(text: &str) -> crate::ir::Api {
        let doc = crate::load::parse(std::path::Path::new("spec.yml"), text.as_bytes()).unwrap();
        super::super::lower(&doc, &crate::options::Settings::default()).unwrap()
    }

    const SPEC: &str = r#"
openapi: 3.1.0
info: {title: t, version: '1'}
webhooks:
  callInitiated:
    post:
      summary: Call initiated
      parameters:
        - {name: telnyx-timestamp, in: header, required: true, schema: {type: integer}, x-webhook-equivalent: webhook-timestamp}
        - {name: telnyx-signature-ed25519, in: header, required: true, schema: {type: string}, x-webhook-equivalent: webhook-signature}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CallEvent'}
      responses: {'200': {description: ok}}
  callEnded:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                data:
                  type: object
                  properties:
                    event_type: {type: string, enum: [call.hangup, call.ended]}
                    kind: {type: string, enum: [a]}
      responses: {'200': {description: ok}}
  campaign:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {status: {type: string}}}
      responses: {'200': {description: ok}}
components:
  schemas:
    CallEvent:
      type: object
      properties:
        data:
          type: object
          properties:
            event_type: {type: string, const: call.initiated}
            id: {type: string}
"#;

    #[test]
    fn events_are_told_apart_by_the_common_enum_property() {
        let api = lower(SPEC);
        let hooks = api.webhooks.expect("webhooks");
        assert_eq!(
            hooks.discriminator,
            Some(vec!["data".to_owned(), "event_type".to_owned()])
        );
        let events: Vec<(&str, &str, &str)> = hooks
            .events
            .iter()
            .map(|e| {
                (
                    e.rust_name.as_str(),
                    e.event_type.as_str(),
                    e.webhook.as_str(),
                )
            })
            .collect();
        assert_eq!(
            events,
            [
                ("CallInitiated", "call.initiated", "callInitiated"),
                ("CallHangup", "call.hangup", "callEnded"),
                ("CallEnded", "call.ended", "callEnded"),
            ]
        );
        assert_eq!(hooks.undiscriminated.len(), 1, "campaign has no event type");
        assert_eq!(
            hooks.scheme,
            WebhookScheme::Ed25519 {
                timestamp_header: "telnyx-timestamp".into(),
                signature_header: "telnyx-signature-ed25519".into()
            }
        );
        // Payload types are read (Deserialize) and compile under `webhooks`.
        let call_event = api.types.iter().find(|t| t.name == "CallEvent").unwrap();
        assert!(call_event.features.webhooks && call_event.serde.deserialize);
        assert!(!call_event.features.other_schemas);
    }

    #[test]
    fn standard_webhooks_headers_and_no_webhooks() {
        let spec = SPEC
            .replace("telnyx-timestamp", "webhook-timestamp")
            .replace("telnyx-signature-ed25519", "webhook-signature")
            .replace(
                "      parameters:\n",
                "      parameters:\n        - {name: webhook-id, in: header, schema: {type: string}}\n",
            );
        assert_eq!(
            lower(&spec).webhooks.unwrap().scheme,
            WebhookScheme::StandardWebhooks
        );
        let none = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        assert!(lower(none).webhooks.is_none());
    }
}
