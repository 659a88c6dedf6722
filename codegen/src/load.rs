//! Stage 1: bytes → `openapiv3::OpenAPI`: text parsed ([`syntax`]), version checked, files
//! bundled ([`crate::bundle`]), 3.1 shapes normalised ([`crate::normalize`]), then typed, with
//! file:line:column on syntax errors and a JSON pointer on structural ones.

use crate::error::{Error, Location};
use crate::normalize::normalize;
use crate::{pointer, syntax};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A parsed OpenAPI document and where it came from.
#[derive(Debug)]
pub struct Document {
    pub path: PathBuf,
    pub api: openapiv3::OpenAPI,
}

/// Reads and parses the spec at `path` (YAML or JSON, OpenAPI 3.0 or 3.1).
pub fn load(path: &Path) -> Result<Document, Error> {
    parse(path, &read(path)?)
}

/// [`load`], reusing the previous run's parse of the spec's unchanged pieces as `cache`
/// recorded it, and handing this run's record to `cache` (written beside its manifest).
pub fn load_cached(path: &Path, cache: &crate::cache::Cache) -> Result<Document, Error> {
    // The previous parse's record (twice the spec's size) is read on another thread while
    // the spec is read and cut. This run's record is made of the two: they are kept (the
    // spec shared) until the cache writes it, during the lowering.
    let (bytes, parsed) = std::thread::scope(|scope| {
        let previous = cache
            .enabled()
            .then(|| scope.spawn(|| cache.previous_parses()));
        let bytes = std::sync::Arc::new(read(path)?);
        let previous = || previous.and_then(|reading| reading.join().ok().flatten());
        let parsed = syntax::parse_value_reusing(path, &bytes, previous, cache.enabled());
        Ok::<_, Error>((bytes, parsed))
    })?;
    let (value, record) = parsed?;
    if let Some(record) = record {
        let spec = std::sync::Arc::clone(&bytes);
        cache.keep_parses(move |out| record.write_to(&spec, out));
    }
    typed(path, bundled(path, value)?, || parse_bundled(path, &bytes))
}

/// [`load`], also giving the spec as one JSON value, other files bundled in, before any
/// normalisation: what a JSON Schema validator reads (the tooling's examples check
/// validates examples against it, at the IR's pointers). The spec is read once.
pub fn load_with_source(path: &Path) -> Result<(Document, Value), Error> {
    let bytes = read(path)?;
    let value = bundled(path, syntax::parse_value(path, &bytes)?)?;
    let source = value.clone();
    Ok((typed(path, value, || Ok(source.clone()))?, source))
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    syntax::read_input(path).map_err(|e| {
        Error::new(
            Location::File(path.to_path_buf()),
            format!("cannot read: {e}"),
        )
    })
}

/// Parses spec bytes; `path` names the document in errors (and anchors relative `$ref`s).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Document, Error> {
    typed(path, parse_bundled(path, bytes)?, || {
        parse_bundled(path, bytes)
    })
}

/// The spec as one value, version checked and other files bundled in.
fn parse_bundled(path: &Path, bytes: &[u8]) -> Result<Value, Error> {
    bundled(path, syntax::parse_value(path, bytes)?)
}

/// The parsed spec, version checked and other files bundled in.
fn bundled(path: &Path, mut value: Value) -> Result<Value, Error> {
    check_version(path, &value)?;
    crate::bundle::bundle(path, &mut value)?;
    Ok(value)
}

/// The bundled document normalised and typed. The value is taken by move, so that its
/// strings move into the document rather than being copied (a quarter of this step for
/// Telnyx's spec); an error is located on a second copy, from `again`, only when there is one.
fn typed(
    path: &Path,
    value: Value,
    again: impl FnOnce() -> Result<Value, Error>,
) -> Result<Document, Error> {
    if let Some(api) = deserialize(value) {
        return Ok(Document {
            path: path.to_path_buf(),
            api,
        });
    }
    let mut value = again()?;
    normalize(&mut value);
    // A whole read with path tracking (it costs time on every value) locates the error; it
    // also takes what the parts refuse alone (`components: null`).
    let api: openapiv3::OpenAPI = match serde_path_to_error::deserialize(&value) {
        Ok(api) => api,
        Err(e) => {
            let (pointer, message) = refine_error(&value)
                .unwrap_or_else(|| (pointer_of(e.path()), e.inner().to_string()));
            return Err(Error::at_pointer(
                path,
                pointer,
                format!("not a valid OpenAPI document: {message}"),
            ));
        }
    };
    Ok(Document {
        path: path.to_path_buf(),
        api,
    })
}

/// The document normalised and typed, `None` on any error. `components` (the larger part of
/// most specs) is normalised and read on a second thread while the rest is on this one: each
/// part alone is what the whole would make of it, since no rewrite of one part reads the
/// other ([`crate::normalize::normalize_components`]) and no field of `OpenAPI` depends on
/// another.
fn deserialize(mut value: Value) -> Option<openapiv3::OpenAPI> {
    let components = match &mut value {
        // `shift_remove` keeps the order of the other keys (extensions keep theirs).
        Value::Object(root) => root.shift_remove("components"),
        _ => None,
    };
    let Some(mut components) = components else {
        normalize(&mut value);
        return serde_json::from_value(value).ok();
    };
    let (api, components) = std::thread::scope(|scope| {
        let components = scope.spawn(move || {
            crate::normalize::normalize_components(&mut components);
            serde_json::from_value::<openapiv3::Components>(components)
        });
        normalize(&mut value);
        (
            serde_json::from_value::<openapiv3::OpenAPI>(value),
            components.join(),
        )
    });
    let mut api = api.ok()?;
    api.components = Some(components.ok()?.ok()?);
    Some(api)
}

fn check_version(path: &Path, value: &Value) -> Result<(), Error> {
    let Value::Object(root) = value else {
        return Err(Error::at_pointer(
            path,
            "#",
            "not an OpenAPI document: the top level is not a mapping",
        ));
    };
    if let Some(v) = root.get("swagger") {
        return Err(Error::at_pointer(
            path,
            "#/swagger",
            format!(
                "Swagger {} is not supported: convert the document to OpenAPI 3 first \
                 (for example with swagger2openapi)",
                v.as_str().unwrap_or("2.0")
            ),
        ));
    }
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(()),
        Some(v) => Err(Error::at_pointer(
            path,
            "#/openapi",
            format!("OpenAPI version {v} is not supported (3.0.x and 3.1.x are)"),
        )),
        None => Err(Error::at_pointer(
            path,
            "#",
            "not an OpenAPI document: no `openapi` version field",
        )),
    }
}

/// openapiv3 flattens path items and responses, which hides where inside them an error is;
/// deserialising each path item and component on its own finds the deepest pointer.
fn refine_error(doc: &Value) -> Option<(String, String)> {
    fn first_error<T: serde::de::DeserializeOwned>(
        base: &str,
        map: Option<&Value>,
    ) -> Option<(String, String)> {
        for (key, item) in map?.as_object()? {
            if let Err(e) = serde_path_to_error::deserialize::<_, T>(item) {
                let inner = pointer_of(e.path());
                let at = format!("{base}/{}{}", pointer::escape(key), &inner[1..]);
                return Some((at, e.inner().to_string()));
            }
        }
        None
    }
    use openapiv3::{Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema};
    let components = doc.get("components");
    let operations = || {
        let paths = doc.get("paths")?.as_object()?;
        paths.iter().find_map(|(path, item)| {
            let base = format!("#/paths/{}", pointer::escape(path));
            let methods: serde_json::Map<String, Value> = item
                .as_object()?
                .iter()
                .filter(|(k, _)| {
                    matches!(
                        k.as_str(),
                        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                    )
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            first_error::<openapiv3::Operation>(&base, Some(&Value::Object(methods)))
        })
    };
    operations()
        .or_else(|| first_error::<ReferenceOr<PathItem>>("#/paths", doc.get("paths")))
        .or_else(|| {
            first_error::<ReferenceOr<Schema>>(
                "#/components/schemas",
                components.and_then(|c| c.get("schemas")),
            )
        })
        .or_else(|| {
            first_error::<ReferenceOr<Parameter>>(
                "#/components/parameters",
                components.and_then(|c| c.get("parameters")),
            )
        })
        .or_else(|| {
            first_error::<ReferenceOr<Response>>(
                "#/components/responses",
                components.and_then(|c| c.get("responses")),
            )
        })
        .or_else(|| {
            first_error::<ReferenceOr<RequestBody>>(
                "#/components/requestBodies",
                components.and_then(|c| c.get("requestBodies")),
            )
        })
}

/// serde_path_to_error's path as a JSON pointer (`#/paths/~1recordings/get`).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push_str(&pointer::escape(key))
            }
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(Path::new("t.yml"), text.as_bytes())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn syntax_errors_have_positions() {
        assert!(err("openapi: 3.0.0\ninfo: [unclosed\n").starts_with("error: t.yml:3:1"));
        assert!(err("").contains("empty"));
    }

    #[test]
    fn versions_are_checked() {
        assert!(err("swagger: '2.0'\n").contains("Swagger 2.0 is not supported"));
        assert!(err("just: text\n").contains("no `openapi` version"));
        assert!(err("openapi: 4.0.0\n").contains("4.0.0 is not supported"));
    }

    #[test]
    fn deep_local_refs_resolve_from_the_given_bytes() {
        // The bytes are the document: nothing exists at this path on disk.
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: object, properties: {x: {type: string}}}\n        '201':\n          description: same\n          content:\n            application/json:\n              schema:\n                $ref: '#/paths/~1a/get/responses/200/content/application~1json/schema'\n";
        let doc = parse(Path::new("/nonexistent/in-memory.yml"), text.as_bytes()).unwrap();
        let schemas = doc.api.components.map(|c| c.schemas).unwrap_or_default();
        assert_eq!(
            schemas.len(),
            1,
            "the referenced schema is hoisted into a component"
        );
    }

    #[test]
    fn components_read_apart_make_the_same_document() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/crates");
        let names = [
            "type-shapes.yml",
            "credentials.yml",
            "streaming.yml",
            "../telnyx/spec3.yml",
        ];
        for name in names {
            let path = root.join(name);
            let value = syntax::parse_value(&path, &std::fs::read(&path).unwrap()).unwrap();
            let mut normalized = value.clone();
            normalize(&mut normalized);
            let whole: openapiv3::OpenAPI = serde_json::from_value(normalized).unwrap();
            let parts = deserialize(value).unwrap();
            assert!(parts.components.is_some(), "{name}");
            assert_eq!(format!("{parts:?}"), format!("{whole:?}"), "{name}");
        }
        // Parts that cannot be read alone go to the whole read.
        let doc = parse(
            Path::new("t.yml"),
            b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: null\n",
        )
        .unwrap();
        assert!(doc.api.components.is_none());
        let e = err("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: 7}\n");
        assert!(e.contains("#/components/schemas/A"), "{e}");
    }

    #[test]
    fn structural_errors_have_pointers() {
        let e = err("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n");
        assert!(e.contains("#/paths/~1a/get/responses:"), "{e}");
        assert!(e.contains("expected struct Responses"), "{e}");
    }
}
