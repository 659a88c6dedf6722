//! The conformance run: every operation of a spec called once through its generated client
//! against Prism (`prism mock`, which checks each request against the spec and answers from
//! it). Per spec it counts the operations called, the requests Prism accepted (no request
//! violation, a success status) and the responses the client decoded.
//!
//! [`plan`] chooses each call's values (see [`values`]), [`harness`] writes them as a test
//! of the crate built with [`construct`]ed expressions, [`check`] runs it against Prism.

pub mod construct;
pub mod harness;
pub mod proxy;
pub mod regex;
pub mod values;

use crate::examples_check::Example;
use codegen::ir::{Api, BodyKind, TypeRef};
use codegen::pointer;
use serde_json::Value;

/// The values one operation is called with.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Index into `Api::operations`.
    pub operation: usize,
    /// One per path parameter, in template order.
    pub path_args: Vec<Value>,
    /// Indices into the parameters struct's `params`, with their values.
    pub params: Vec<(usize, Value)>,
    pub body: Option<Value>,
    /// Where no candidate was valid against its schema (the value is sent anyway).
    pub invalid: Vec<String>,
}

/// A value to choose: its schema and the candidates, best first.
struct Slot {
    schema_pointer: String,
    candidates: Vec<Value>,
    /// Left out when no candidate is valid (an optional parameter).
    optional: bool,
}

/// What fills a slot.
enum Target {
    Path(usize),
    Param(usize),
    Body,
}

/// The values of every operation's call (feature `examples`: candidates are validated
/// against their schemas).
pub fn plan(doc: &Value, api: &Api) -> Vec<Call> {
    let mut slots: Vec<(usize, Target, Slot)> = Vec::new();
    for (index, op) in api.operations.iter().enumerate() {
        // The parameter object each IR parameter was lowered from, by its pointer (an
        // undeclared path parameter points at its operation: none).
        let declared = |param: &codegen::ir::Param| {
            (param.pointer != op.pointer)
                .then(|| doc.pointer(param.pointer.trim_start_matches('#')))
                .flatten()
                .map(|value| (value, param.pointer.clone()))
        };
        for (i, param) in op.path_params.iter().enumerate() {
            let mut slot = slot(doc, declared(param), false);
            // An empty segment addresses another resource (the client refuses it).
            slot.candidates.retain(|c| c.as_str() != Some(""));
            if slot.candidates.is_empty() {
                slot.candidates.push(Value::String("string".to_owned()));
            }
            slots.push((index, Target::Path(i), slot));
        }
        if let Some(ps) = &op.params_struct {
            for (i, param) in ps.params.iter().enumerate() {
                let found = declared(param);
                if param.required {
                    slots.push((index, Target::Param(i), slot(doc, found, false)));
                } else if let Some(found) = found {
                    // Optional parameters are sent when the spec shows a value for them:
                    // that is where encodings differ (deepObject filters, arrays).
                    let slot = slot(doc, Some(found), true);
                    if !slot.candidates.is_empty() {
                        slots.push((index, Target::Param(i), slot));
                    }
                }
            }
        }
        if let Some(body) = &op.body {
            slots.push((index, Target::Body, body_slot(doc, body)));
        }
    }
    // Slots without a schema take any value: only the others are validated.
    let mut examples = Vec::new();
    for (_, _, slot) in slots
        .iter()
        .filter(|(_, _, s)| !s.schema_pointer.is_empty())
    {
        for value in &slot.candidates {
            examples.push(Example {
                pointer: slot.schema_pointer.clone(),
                schema_pointer: slot.schema_pointer.clone(),
                ty: TypeRef::Json,
                value: value.clone(),
            });
        }
    }
    let mut verdicts = crate::examples_check::validate_with(doc, &examples, true).into_iter();
    let mut calls: Vec<Call> = (0..api.operations.len())
        .map(|operation| Call {
            operation,
            path_args: vec![Value::Null; api.operations[operation].path_params.len()],
            params: Vec::new(),
            body: None,
            invalid: Vec::new(),
        })
        .collect();
    for (index, target, slot) in slots {
        let valid: Vec<bool> = slot
            .candidates
            .iter()
            .map(|_| slot.schema_pointer.is_empty() || verdicts.next().is_some_and(|v| v.is_ok()))
            .collect();
        let chosen = slot.candidates.iter().zip(&valid).find(|(_, ok)| **ok);
        let call = &mut calls[index];
        let value = match chosen {
            Some((value, _)) => value.clone(),
            None if slot.optional => continue,
            None => {
                call.invalid.push(slot.schema_pointer.clone());
                slot.candidates.last().cloned().unwrap_or(Value::Null)
            }
        };
        match target {
            Target::Path(i) => call.path_args[i] = value,
            Target::Param(i) => call.params.push((i, value)),
            Target::Body => call.body = Some(value),
        }
    }
    calls
}

/// A parameter's candidates: its examples, then (for a required one) values made from its
/// schema. A parameter the spec does not declare (lowering made it up) is a string.
fn slot(doc: &Value, found: Option<(&Value, String)>, optional: bool) -> Slot {
    let Some((param, at)) = found else {
        return Slot {
            schema_pointer: String::new(),
            candidates: vec![Value::String("string".to_owned())],
            optional,
        };
    };
    let (schema, schema_pointer) = match param.get("schema") {
        Some(schema) => (schema, format!("{at}/schema")),
        None => {
            // `content` instead of `schema`: its one media type's schema.
            let media = param
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.iter().next());
            match media {
                Some((media_type, media)) => (
                    media.get("schema").unwrap_or(&Value::Null),
                    format!("{at}/content/{}/schema", pointer::escape(media_type)),
                ),
                None => (&Value::Null, String::new()),
            }
        }
    };
    let mut candidates = explicit(doc, param);
    if optional {
        let schema = values::follow(doc, schema);
        if let Some(example) = schema.get("example") {
            candidates.push(example.clone());
        }
    } else {
        candidates.push(values::make(doc, schema, values::Source::Examples));
        candidates.push(values::make(doc, schema, values::Source::Keywords));
    }
    Slot {
        schema_pointer: if doc
            .pointer(schema_pointer.trim_start_matches('#'))
            .is_some()
        {
            schema_pointer
        } else {
            String::new()
        },
        candidates,
        optional,
    }
}

/// The body's candidates: the examples of the media type object it is sent as (the IR's
/// pointer), then values made from its schema.
fn body_slot(doc: &Value, body: &codegen::ir::RequestBody) -> Slot {
    let Some(media) = doc.pointer(body.pointer.trim_start_matches('#')) else {
        return Slot {
            schema_pointer: String::new(),
            candidates: vec![Value::String("string".to_owned())],
            optional: false,
        };
    };
    let schema_pointer = format!("{}/schema", body.pointer);
    let schema = media.get("schema").unwrap_or(&Value::Null);
    let mut candidates = explicit(doc, media);
    candidates.push(values::make(doc, schema, values::Source::Examples));
    candidates.push(values::make(doc, schema, values::Source::Keywords));
    // A body of `null` (a nullable schema's example) sends nothing a server expects.
    if candidates.iter().any(|c| !c.is_null()) {
        candidates.retain(|c| !c.is_null());
    }
    // Text and bytes bodies are strings whatever their schema says.
    if matches!(body.kind, BodyKind::Text | BodyKind::Bytes) {
        for c in &mut candidates {
            if !c.is_string() {
                *c = Value::String(c.to_string());
            }
        }
    }
    Slot {
        schema_pointer: if media.get("schema").is_some() {
            schema_pointer
        } else {
            String::new()
        },
        candidates,
        optional: false,
    }
}

/// The `example` and `examples.*.value` of a parameter or media type.
fn explicit(doc: &Value, holder: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(example) = holder.get("example") {
        out.push(example.clone());
    }
    let examples = holder.get("examples").and_then(Value::as_object);
    for entry in examples.into_iter().flatten().map(|(_, e)| e) {
        let (entry, _) = crate::examples_check::follow(doc, entry, String::new());
        if let Some(value) = entry.get("value") {
            out.push(value.clone());
        }
    }
    out
}

/// Empties what still refers outside the document after bundling: references in places the
/// generator does not read (`x-codeSamples` sources), which Prism would try to open.
fn drop_outside_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let outside = map
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| !r.starts_with('#'));
            if outside {
                map.clear();
            } else {
                map.values_mut().for_each(drop_outside_refs);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_outside_refs),
        _ => {}
    }
}

/// The counts of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    pub operations: usize,
    /// Operations the harness called (the others' values could not be built).
    pub called: usize,
    /// Calls Prism found no fault with and answered with a success status.
    pub accepted: usize,
    /// Success responses the client decoded.
    pub decoded: usize,
    /// Calls sent with a value no candidate of which was valid (counted in `called`).
    pub invalid_values: usize,
    /// Calls that failed by Prism's doing (see [`harness::Verdict::PrismLimit`]).
    pub prism_limits: usize,
    /// Calls that failed as the known-failures list says they do.
    pub known: usize,
    /// Entries of the known-failures list for this spec whose call did not fail.
    pub stale: Vec<String>,
    /// Requests whose credentials were compared with their operation's requirement.
    pub credentials_checked: usize,
    /// Calls that sent other credentials than their requirement says (counted in
    /// `failures` too).
    pub credential_faults: usize,
    /// Why calls were not made, were refused or did not decode (`operation: reason`).
    pub failures: Vec<String>,
}

impl Checked {
    /// Every call decoded, but for Prism's faults and the known failures, and no known
    /// failure passed.
    pub fn ok(&self) -> bool {
        self.decoded + self.prism_limits + self.known == self.operations
            && self.stale.is_empty()
            && self.credential_faults == 0
    }
}

/// Runs the check on the crate generated at `dir` from `spec`: plans the calls, writes the
/// harness (`tests/conformance.rs`), starts `prism` on the spec on a free 127.0.0.1 port and
/// runs the harness with `cargo test` (offline, `target_dir` shared).
pub fn check(
    spec: &std::path::Path,
    options: &codegen::Options,
    dir: &std::path::Path,
    target_dir: &std::path::Path,
    prism: &std::path::Path,
    known: &[String],
) -> Result<Checked, String> {
    let (doc, api) = crate::examples_check::load(spec, options)?;
    let calls = plan(&doc, &api);
    let lib = codegen::naming::lib_name(&options.crate_name);
    let written = harness::write(&api, &lib, &calls);
    let mut checked = Checked {
        operations: api.operations.len(),
        invalid_values: calls
            .iter()
            .filter(|c| {
                !c.invalid.is_empty() && !written.skipped.iter().any(|(i, _)| *i == c.operation)
            })
            .count(),
        ..Checked::default()
    };
    // `known` holds the operations (operationId, else method name) expected to fail.
    let is_known = |op: &codegen::ir::Operation| {
        let id = op.operation_id.as_deref().unwrap_or(&op.rust_name);
        known.iter().any(|k| k == id)
    };
    let mut failed_known = std::collections::HashSet::new();
    for (index, reason) in &written.skipped {
        let op = &api.operations[*index];
        let mut failure = format!("{}: not called: {reason}", harness::label(op));
        if is_known(op) {
            checked.known += 1;
            failed_known.insert(*index);
            failure.push_str(" (known)");
        }
        checked.failures.push(failure);
    }
    if written.called.is_empty() {
        return Ok(checked);
    }
    let tests = dir.join("tests");
    std::fs::create_dir_all(&tests).map_err(|e| format!("{}: {e}", tests.display()))?;
    std::fs::write(tests.join("conformance.rs"), &written.source)
        .map_err(|e| format!("{}: {e}", tests.display()))?;
    harness::add_dev_dependencies(&dir.join("Cargo.toml"))?;
    // Prism reads the spec itself (its own resolver inlines the examples kept in other
    // files). When that resolver fails (a reference in a place the generator does not read,
    // such as an `x-codeSamples` file that is not there), it gets the document as bundled
    // here, those references emptied.
    let mut served = spec.to_path_buf();
    let total = written.called.len();
    let mut outcomes: Vec<Option<harness::Outcome>> = vec![None; total];
    let mut heads: Vec<String> = Vec::new();
    let mut answers: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut from = 0;
    // Prism exits on some requests it cannot handle: the run resumes after the culprit
    // with a new Prism, a few times at most.
    for _ in 0..10 {
        let mut server = match crate::prism::Prism::start(prism, &served, &[]) {
            Ok(server) => server,
            Err(first) if served == spec => {
                let bundled = dir.join("tests/conformance-spec.json");
                let mut served_doc = doc.clone();
                drop_outside_refs(&mut served_doc);
                let text = serde_json::to_string(&served_doc).map_err(|e| e.to_string())?;
                std::fs::write(&bundled, text)
                    .map_err(|e| format!("{}: {e}", bundled.display()))?;
                served = bundled;
                crate::prism::Prism::start(prism, &served, &[])
                    .map_err(|e| format!("{first}; on the bundled document: {e}"))?
            }
            Err(e) => return Err(e),
        };
        // Requests go through a proxy that keeps their heads (the credentials sent).
        let proxy = proxy::Proxy::start(&server.url)?;
        let output = crate::scratch::harness_test(dir, target_dir, "conformance")
            .env("CONFORMANCE_URL", &proxy.url)
            .env("CONFORMANCE_FROM", from.to_string())
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let alive = server.alive();
        if let Ok(seen) = proxy.heads.lock() {
            heads.extend(seen.iter().cloned());
        }
        if let Ok(seen) = proxy.answers.lock() {
            answers.extend(seen.iter().cloned());
        }
        let parsed = harness::parse(&String::from_utf8_lossy(&output.stdout));
        if parsed.is_empty() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr
                .lines()
                .find(|l| l.contains("error") || l.contains("panicked"))
                .unwrap_or_default();
            checked
                .failures
                .insert(0, format!("the conformance test did not run: {first}"));
            return Ok(checked);
        }
        for (i, outcome) in parsed {
            if let Some(slot) = outcomes.get_mut(i) {
                *slot = Some(outcome);
            }
        }
        if alive {
            break;
        }
        let culprit = (from..total).find(|&i| outcomes[i].as_ref().is_none_or(|o| o.unsent()));
        let Some(culprit) = culprit else { break };
        outcomes[culprit] = Some(harness::Outcome(serde_json::json!({
            "status": null,
            "decoded": false,
            "error": format!("Prism exited on this request: {}", server.log_tail(2)),
        })));
        for later in outcomes.iter_mut().skip(culprit + 1) {
            *later = None;
        }
        from = culprit + 1;
        if from >= total {
            break;
        }
    }
    checked.called = total;
    checked.credentials_checked = heads.iter().filter(|h| proxy::call_of(h).is_some()).count();
    for fault in credential_faults(&api, &written.called, &heads) {
        checked.credential_faults += 1;
        checked.failures.push(fault);
    }
    let mut verdicts: Vec<harness::Verdict> = written
        .called
        .iter()
        .zip(outcomes)
        .map(|(index, outcome)| {
            let op = &api.operations[*index];
            match outcome {
                Some(outcome) => outcome.verdict(form_body(op)),
                None => harness::Verdict::Refused("no outcome (the run stopped before it)".into()),
            }
        })
        .collect();
    // A listed failure keeps its listed reason (a URL fragment in the path sends the call
    // to another operation, whose answer naturally breaks this one's schema).
    let unlisted: Vec<bool> = written
        .called
        .iter()
        .map(|&i| !is_known(&api.operations[i]))
        .collect();
    blame_broken_answers(
        &doc,
        &api,
        &written.called,
        &answers,
        &unlisted,
        &mut verdicts,
    );
    explain_refusals(&api, &written.called, &answers, &mut verdicts);
    for (index, verdict) in written.called.iter().zip(verdicts) {
        let op = &api.operations[*index];
        let label = harness::label(op);
        let failure = match verdict {
            harness::Verdict::Decoded => {
                checked.accepted += 1;
                checked.decoded += 1;
                continue;
            }
            harness::Verdict::PrismLimit(why) => {
                checked.prism_limits += 1;
                checked
                    .failures
                    .push(format!("{label}: Prism's fault: {why}"));
                continue;
            }
            harness::Verdict::NotDecoded(why) => {
                checked.accepted += 1;
                format!("{label}: not decoded: {why}")
            }
            harness::Verdict::Refused(why) => format!("{label}: refused: {why}"),
        };
        if is_known(op) {
            checked.known += 1;
            failed_known.insert(*index);
            checked.failures.push(format!("{failure} (known)"));
        } else {
            checked.failures.push(failure);
        }
    }
    for (index, op) in api.operations.iter().enumerate() {
        if is_known(op) && !failed_known.contains(&index) {
            checked.stale.push(harness::label(op));
        }
    }
    for id in known {
        let exists = api
            .operations
            .iter()
            .any(|op| op.operation_id.as_deref().unwrap_or(&op.rust_name) == id);
        if !exists {
            checked.stale.push(format!("{id} (no such operation)"));
        }
    }
    Ok(checked)
}

/// A call whose answer did not decode is Prism's (or its spec's) fault when the JSON Schema
/// validator finds that the answer breaks the schema the spec gives for that status: the
/// client is right to refuse it. Every other undecoded answer stays the client's failure.
fn blame_broken_answers(
    doc: &serde_json::Value,
    api: &Api,
    called: &[usize],
    answers: &[(usize, Vec<u8>)],
    unlisted: &[bool],
    verdicts: &mut [harness::Verdict],
) {
    let mut examples = Vec::new();
    let mut which = Vec::new();
    for (call, verdict) in verdicts.iter().enumerate() {
        if !matches!(verdict, harness::Verdict::NotDecoded(_)) || !unlisted[call] {
            continue;
        }
        let Some((status, value)) = last_answer(answers, call) else {
            continue;
        };
        let op = &api.operations[called[call]];
        // The response the status selects: its code, else its range, else `default`.
        use codegen::ir::StatusMatch;
        let rank = |m: StatusMatch| match m {
            StatusMatch::Code(c) if c == status => Some(0),
            StatusMatch::Range(h) if h == status / 100 => Some(1),
            StatusMatch::Default => Some(2),
            _ => None,
        };
        let Some(response) = op
            .responses
            .iter()
            .filter_map(|r| rank(r.status).map(|k| (k, r)))
            .min_by_key(|(k, _)| *k)
            .map(|(_, r)| r)
        else {
            continue;
        };
        let (Some(media), codegen::ir::ResponseBody::Json(ty)) = (&response.media, &response.body)
        else {
            continue;
        };
        examples.push(crate::examples_check::Example {
            pointer: format!("answer to {}", harness::label(op)),
            schema_pointer: format!("{media}/schema"),
            ty: ty.clone(),
            value,
        });
        which.push(call);
    }
    if examples.is_empty() {
        return;
    }
    let results = crate::examples_check::violations(doc, &examples, true, 64);
    for (call, result) in which.into_iter().zip(results) {
        let harness::Verdict::NotDecoded(error) = &verdicts[call] else {
            continue;
        };
        let Ok(found) = result else { continue };
        // The break must be where the client stopped (or above it): one elsewhere in the
        // answer does not explain this failure.
        let stopped = decode_path(error);
        let here = found.iter().find(|(at, _)| {
            stopped
                .last()
                .is_none_or(|name| at.split('/').any(|segment| segment == name))
        });
        verdicts[call] = match (here, found.first()) {
            (Some((at, message)), _) => harness::Verdict::PrismLimit(format!(
                "Prism's answer breaks the spec's schema (the validator: {message} at {at}), and the client says: {error}"
            )),
            (None, Some((at, message))) => harness::Verdict::NotDecoded(format!(
                "{error} (the answer breaks the schema elsewhere, the validator says: {message} at {at})"
            )),
            (None, None) => continue,
        };
    }
}

/// Whether the operation's body is a form (urlencoded or multipart).
fn form_body(op: &codegen::ir::Operation) -> bool {
    op.body
        .as_ref()
        .is_some_and(|b| matches!(b.kind, BodyKind::Form(_) | BodyKind::Multipart(_)))
}

/// The last answer to a call (after redirects and retries, the one the client read): its
/// status and its body as JSON, when it is JSON.
fn last_answer(answers: &[(usize, Vec<u8>)], call: usize) -> Option<(u16, serde_json::Value)> {
    let (status, body) = answers
        .iter()
        .rev()
        .find(|(c, _)| *c == call)
        .and_then(|(_, response)| proxy::answer(response))?;
    Some((status, serde_json::from_slice(&body).ok()?))
}

/// A request Prism refuses with its own 422 says why in the body (`validation`), not in
/// the `sl-violations` header: read there, the violations get the same verdict as reported
/// ones (an array in a form body is Prism's fault, stoplightio/prism#2473).
fn explain_refusals(
    api: &Api,
    called: &[usize],
    answers: &[(usize, Vec<u8>)],
    verdicts: &mut [harness::Verdict],
) {
    for (call, verdict) in verdicts.iter_mut().enumerate() {
        if !matches!(verdict, harness::Verdict::Refused(why) if why.starts_with("status 422")) {
            continue;
        }
        let Some((422, problem)) = last_answer(answers, call) else {
            continue;
        };
        let faults: Vec<String> = problem["validation"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["severity"] == "Error")
            .map(|f| harness::violation_line(f, "request."))
            .collect();
        if faults.is_empty() {
            continue;
        }
        let form = form_body(&api.operations[called[call]]);
        let text = faults.join("; ");
        *verdict = if faults.iter().all(|f| harness::prism_cannot_read(f, form)) {
            harness::Verdict::PrismLimit(format!("Prism cannot read this valid request: {text}"))
        } else {
            harness::Verdict::Refused(format!("status 422: {text}"))
        };
    }
}

/// The property names on the way to where a decode error stopped, from the client's message
/// (`... response at [0]: resolved: channels: data did not match ...` → `resolved`,
/// `channels`).
fn decode_path(error: &str) -> Vec<String> {
    let rest = error
        .split_once(" response")
        .map_or(error, |(_, rest)| rest);
    let rest = rest.split("; body starts with").next().unwrap_or_default();
    let rest = rest
        .strip_prefix(" at ")
        .unwrap_or(rest.trim_start_matches(':'));
    let mut names = Vec::new();
    for part in rest.split(": ") {
        let token = part.split(" = ").next().unwrap_or_default().trim();
        if token.is_empty() || token.contains(char::is_whitespace) {
            break;
        }
        names.extend(
            token
                .split(['.', '[', ']'])
                .filter(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
                .map(str::to_owned),
        );
    }
    names
}

/// Where a credential goes: `header:authorization`, `query:api_key`, `cookie:sid`.
fn place(kind: &codegen::ir::CredentialKind) -> String {
    use codegen::ir::{CredentialKind, KeyLocation};
    match kind {
        CredentialKind::Bearer | CredentialKind::Basic | CredentialKind::OAuth { .. } => {
            "header:authorization".to_owned()
        }
        CredentialKind::ApiKey { location, name } => match location {
            KeyLocation::Header => format!("header:{name}"),
            KeyLocation::Query => format!("query:{name}"),
            KeyLocation::Cookie => format!("cookie:{name}"),
        },
    }
}

/// Every call whose requests carried other credentials than its requirement's first
/// alternative (the harness holds every credential, so that is the one to send; none for
/// `security: []`). A place the operation also declares as a parameter is not compared.
fn credential_faults(api: &Api, called: &[usize], heads: &[String]) -> Vec<String> {
    let places: Vec<String> = api.credentials.iter().map(|c| place(&c.kind)).collect();
    let names = |prefix: &str| -> Vec<String> {
        places
            .iter()
            .filter_map(|p| p.strip_prefix(prefix))
            .map(str::to_owned)
            .collect()
    };
    let (headers, query, cookies) = (names("header:"), names("query:"), names("cookie:"));
    let mut faults = Vec::new();
    for (call, &index) in called.iter().enumerate() {
        let op = &api.operations[index];
        let security = op.security.as_ref().unwrap_or(&api.security);
        let chosen = security
            .iter()
            .find(|alternative| !alternative.is_empty())
            .cloned()
            .unwrap_or_default();
        let mut expected: Vec<String> = chosen
            .iter()
            .map(|need| place(&api.credentials[need.credential].kind))
            .collect();
        expected.sort();
        expected.dedup();
        let declared: Vec<String> = op
            .params_struct
            .iter()
            .flat_map(|ps| ps.params.iter())
            .map(|p| {
                let location = match p.location {
                    codegen::ir::ParamLocation::Header => "header",
                    codegen::ir::ParamLocation::Query => "query",
                    codegen::ir::ParamLocation::Cookie => "cookie",
                    codegen::ir::ParamLocation::Path => "path",
                };
                format!("{location}:{}", p.wire_name.to_ascii_lowercase())
            })
            .collect();
        for head in heads.iter().filter(|h| proxy::call_of(h) == Some(call)) {
            let mut sent = proxy::sent(head, &headers, &query, &cookies);
            sent.retain(|p| !declared.contains(&p.to_ascii_lowercase()));
            let mut wanted = expected.clone();
            wanted.retain(|p| !declared.contains(&p.to_ascii_lowercase()));
            if sent != wanted {
                faults.push(format!(
                    "{}: sent credentials {sent:?}, its requirement says {wanted:?}",
                    harness::label(op)
                ));
            }
        }
    }
    faults
}

#[cfg(test)]
mod tests {
    use super::credential_faults;

    #[test]
    fn decode_errors_tell_where_they_stopped() {
        let path = |e: &str| super::decode_path(e);
        assert_eq!(
            path("cannot decode the 200 OK response at [0]: resolved: channels: data did not match any variant; body starts with: [{"),
            ["resolved", "channels"]
        );
        assert_eq!(
            path("cannot decode the 200 OK response: exception: inner_exceptions: missing field 'frames'; body starts with: {"),
            ["exception", "inner_exceptions"]
        );
        assert_eq!(
            path("cannot decode the 200 OK response: data: phone_number_type = \"\": invalid type: string \"\", expected a sequence"),
            ["data", "phone_number_type"]
        );
        assert_eq!(
            path("cannot decode the 201 Created response: invalid type: null, expected a map at line 1 column 4"),
            Vec::<String>::new()
        );
        assert_eq!(
            path("cannot decode the 200 OK response at data[0].created_at = \"x\": premature end"),
            ["data", "created_at"]
        );
    }

    fn api() -> codegen::ir::Api {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nsecurity: [{bearer: []}]\npaths:\n  /a:\n    get:\n      \
                    responses: {'204': {description: d}}\n  /b:\n    get:\n      security: []\n      \
                    responses: {'204': {description: d}}\n  /c:\n    get:\n      security: [{key: []}]\n      \
                    responses: {'204': {description: d}}\ncomponents:\n  securitySchemes:\n    \
                    bearer: {type: http, scheme: bearer}\n    key: {type: apiKey, in: query, name: k}\n";
        let doc = codegen::load::parse(std::path::Path::new("t.yml"), text.as_bytes()).unwrap();
        codegen::lower::lower(&doc, &codegen::options::Settings::default()).unwrap()
    }

    #[test]
    fn a_call_that_sends_another_credential_than_its_requirement_is_a_fault() {
        let api = api();
        let head = |call: usize, target: &str, auth: bool| {
            format!(
                "GET {target} HTTP/1.1\r\nx-conformance-call: {call}\r\n{}\r\n",
                if auth {
                    "authorization: Bearer k\r\n"
                } else {
                    ""
                }
            )
        };
        let right = [
            head(0, "/a", true),
            head(1, "/b", false),
            head(2, "/c?k=v", false),
        ];
        assert!(credential_faults(&api, &[0, 1, 2], &right).is_empty());
        // The token where none is asked for, and the token instead of the query key.
        let wrong = [
            head(0, "/a", true),
            head(1, "/b", true),
            head(2, "/c", true),
        ];
        let faults = credential_faults(&api, &[0, 1, 2], &wrong);
        assert_eq!(faults.len(), 2, "{faults:?}");
        assert!(faults[0].contains("GET /b") && faults[0].contains("header:authorization"));
        assert!(faults[1].contains("query:k"), "{faults:?}");
    }
}
