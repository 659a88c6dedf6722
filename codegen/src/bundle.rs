//! Multi-file specs, and references to places other than `#/components/<section>/<name>`,
//! become one document in which every reference is a component reference, before typed
//! parsing (as `redocly bundle` does):
//! - a reference in a schema position is *hoisted*: its target becomes a named component
//!   schema (registered before its content is walked, so recursive files resolve);
//! - any other reference (a path item, an operation, a parameter, a map of schemas) is
//!   replaced by a copy of its target.
//!
//! Files are read only inside the root spec's folder tree; URLs are refused (no network).

use crate::error::{Diagnostics, Error, Location};
use crate::pointer;
use crate::positions::{self, Position};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Inlining deeper than this means the references form a loop.
const MAX_DEPTH: usize = 64;

/// Bundles `doc` (read from `path`) in place, reading the other files of the spec it refers to.
pub fn bundle(path: &Path, doc: &mut Value) -> Result<(), Error> {
    let root_file = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let root_dir = root_file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut b = Bundler {
        root_file: root_file.clone(),
        root_dir,
        display: HashMap::new(),
        files: HashMap::new(),
        hoisted: HashMap::new(),
        names: HashSet::new(),
        new_schemas: Vec::new(),
        diagnostics: Diagnostics::default(),
    };
    b.display.insert(root_file.clone(), path.to_path_buf());
    if !has_refs_to_resolve(doc) {
        return Ok(());
    }
    // Pointers into the root are read from the document as given (its bytes may not come
    // from disk), before bundling edits it.
    b.files.insert(root_file.clone(), doc.clone());
    // `components.schemas` may itself be a reference to a file listing the schemas.
    if let Some(schemas) = doc.pointer_mut("/components/schemas") {
        if schemas.get("$ref").is_some() {
            b.walk(
                schemas,
                &root_file,
                Position::Structure,
                0,
                "#/components/schemas",
            );
        }
    }
    b.register_component_schemas(doc);
    b.walk(doc, &root_file, Position::Structure, 0, "#");
    if !b.new_schemas.is_empty() {
        let components = doc.as_object_mut().map(|root| {
            root.entry("components")
                .or_insert_with(|| Value::Object(Map::new()))
        });
        if let Some(Value::Object(components)) = components {
            let schemas = components
                .entry("schemas")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(schemas) = schemas {
                for (name, schema) in std::mem::take(&mut b.new_schemas) {
                    schemas.insert(name, schema);
                }
            }
        }
    }
    b.diagnostics.finish(())
}

/// Cheap pre-check: most single-file specs only use component references. It is on the
/// path of every run, so `components` (most of a large spec) is looked through on a thread
/// of its own meanwhile the rest is here.
fn has_refs_to_resolve(value: &Value) -> bool {
    let Value::Object(root) = value else {
        return refs_in(value);
    };
    let Some(components) = root.get("components") else {
        return refs_in(value);
    };
    std::thread::scope(|scope| {
        let apart = scope.spawn(|| refs_in(components));
        let rest = root
            .iter()
            .filter(|(key, _)| *key != "components")
            .any(|(key, v)| entry_refs(key, v));
        // A thread that could not finish (a bug) leaves its part to this one.
        let components = apart.join().unwrap_or_else(|_| refs_in(components));
        rest || components
    })
}

/// Whether `value` holds a reference other than to a component.
fn refs_in(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, v)| entry_refs(key, v)),
        Value::Array(items) => items.iter().any(refs_in),
        _ => false,
    }
}

/// [`refs_in`] for one entry of a mapping.
fn entry_refs(key: &str, value: &Value) -> bool {
    if key == "$ref" {
        value.as_str().is_some_and(|r| !is_component_ref(r))
    } else {
        refs_in(value)
    }
}

/// `#/components/<section>/<name>`, the only shape the typed stage needs.
fn is_component_ref(reference: &str) -> bool {
    reference
        .strip_prefix("#/components/")
        .is_some_and(|rest| rest.split('/').count() == 2)
}

struct Bundler {
    root_file: PathBuf,
    root_dir: PathBuf,
    /// How each canonical file path is shown in messages.
    display: HashMap<PathBuf, PathBuf>,
    files: HashMap<PathBuf, Value>,
    /// (file, fragment) → the component schema it became.
    hoisted: HashMap<(PathBuf, String), String>,
    /// Component schema names in use.
    names: HashSet<String>,
    new_schemas: Vec<(String, Value)>,
    diagnostics: Diagnostics,
}

impl Bundler {
    fn error(&mut self, file: &Path, pointer: &str, message: String) {
        let shown = self
            .display
            .get(file)
            .cloned()
            .unwrap_or_else(|| file.to_path_buf());
        self.diagnostics
            .push(Location::pointer(&shown, pointer), message);
    }

    /// Entries of `components.schemas` that are references to other files keep their key as
    /// their name: the file's content becomes that entry.
    fn register_component_schemas(&mut self, doc: &Value) {
        let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
            return;
        };
        for (name, schema) in schemas {
            self.names.insert(name.clone());
            self.hoisted.insert(
                (
                    self.root_file.clone(),
                    format!("/components/schemas/{}", pointer::escape(name)),
                ),
                name.clone(),
            );
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                if !reference.starts_with('#') {
                    if let Ok(key) = self.target_key(&self.root_file.clone(), reference) {
                        self.hoisted.entry(key).or_insert_with(|| name.clone());
                    }
                }
            }
        }
    }

    /// The canonical (file, fragment) a reference written in `file` points to.
    fn target_key(&self, file: &Path, reference: &str) -> Result<(PathBuf, String), String> {
        if reference.contains("://") {
            return Err(format!(
                "reference `{reference}` is a URL; only files inside the spec's folder are read"
            ));
        }
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let fragment = pointer::percent_decode(fragment);
        if file_part.is_empty() {
            return Ok((file.to_path_buf(), fragment));
        }
        let dir = file.parent().unwrap_or(Path::new("."));
        let target = dir.join(pointer::percent_decode(file_part));
        let target = target.canonicalize().map_err(|e| {
            format!(
                "reference `{reference}`: cannot open {}: {e}",
                target.display()
            )
        })?;
        if !target.starts_with(&self.root_dir) {
            return Err(format!(
                "reference `{reference}` leaves the spec's folder ({})",
                self.root_dir.display()
            ));
        }
        Ok((target, fragment))
    }

    /// Loads a file of the spec once.
    fn load(&mut self, file: &Path) -> Result<(), String> {
        if !self.files.contains_key(file) {
            let bytes = crate::syntax::read_input(file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let value = crate::syntax::parse_value(file, &bytes).map_err(|e| e.to_string())?;
            self.files.insert(file.to_path_buf(), value);
        }
        Ok(())
    }

    /// The value at `fragment` of `file`, and the file it was found in: a pointer may pass
    /// through a `$ref` on its way (`#/paths/~1pets/get` where `/pets` is a file reference),
    /// which is followed.
    fn target(&mut self, file: &Path, fragment: &str) -> Result<(PathBuf, Value), String> {
        let mut file = file.to_path_buf();
        let mut segments = pointer::segments(fragment);
        segments.reverse();
        let mut hops = 0;
        loop {
            self.load(&file)?;
            let mut node = &self.files[&file];
            let mut redirect = None;
            while let Some(segment) = segments.last() {
                let next = match node {
                    Value::Object(map) => map.get(segment.as_str()),
                    Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                    _ => None,
                };
                match (next, node.get("$ref").and_then(Value::as_str)) {
                    (Some(next), _) => {
                        node = next;
                        segments.pop();
                    }
                    (None, Some(reference)) => {
                        redirect = Some(reference.to_owned());
                        break;
                    }
                    (None, None) => {
                        return Err(format!("`{}#{fragment}` points to nothing", file.display()))
                    }
                }
            }
            let Some(reference) = redirect else {
                return Ok((file, node.clone()));
            };
            hops += 1;
            if hops > MAX_DEPTH {
                return Err(format!("`{}#{fragment}`: references loop", file.display()));
            }
            let (next_file, next_fragment) = self.target_key(&file, &reference)?;
            let mut rest = pointer::segments(&next_fragment);
            rest.reverse();
            segments.extend(rest);
            file = next_file;
        }
    }

    fn walk(&mut self, value: &mut Value, file: &Path, cx: Position, depth: usize, pointer: &str) {
        if depth > MAX_DEPTH {
            self.error(
                file,
                pointer,
                "references nest too deeply (a reference loop?)".into(),
            );
            *value = Value::Object(Map::new());
            return;
        }
        let reference = value.get("$ref").and_then(Value::as_str).map(str::to_owned);
        if let Some(reference) = reference {
            if file == self.root_file && is_component_ref(&reference) {
                return;
            }
            self.resolve(value, file, cx, depth, pointer, &reference);
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let Some(child_cx) = positions::child(cx, key) else {
                        continue;
                    };
                    let child_pointer = format!("{pointer}/{}", pointer::escape(key));
                    self.walk(child, file, child_cx, depth, &child_pointer);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.walk(item, file, cx, depth, &format!("{pointer}/{i}"));
                }
            }
            _ => {}
        }
    }

    fn resolve(
        &mut self,
        value: &mut Value,
        file: &Path,
        cx: Position,
        depth: usize,
        pointer: &str,
        reference: &str,
    ) {
        let key = match self.target_key(file, reference) {
            Ok(key) => key,
            Err(message) => {
                self.error(file, pointer, message);
                *value = Value::Object(Map::new());
                return;
            }
        };
        // The entry `components.schemas.<Name>` that refers to a file becomes that file.
        let is_own_entry = file == self.root_file
            && pointer
                .strip_prefix("#/components/schemas/")
                .is_some_and(|rest| {
                    !rest.contains('/')
                        && self.hoisted.get(&key).map(|n| pointer::escape(n))
                            == Some(rest.to_owned())
                });
        if cx == Position::Schema && !is_own_entry {
            if let Some(name) = self.hoist(&key, file, pointer, depth) {
                if let Value::Object(map) = value {
                    map.insert(
                        "$ref".into(),
                        Value::String(format!("#/components/schemas/{}", pointer::escape(&name))),
                    );
                }
            }
            return;
        }
        let (target_file, fragment) = key;
        match self.target(&target_file, &fragment) {
            Ok((target_file, mut target)) => {
                let at = format!("#{fragment}");
                self.display
                    .entry(target_file.clone())
                    .or_insert_with(|| target_file.clone());
                self.walk(&mut target, &target_file, cx, depth + 1, &at);
                *value = target;
            }
            Err(message) => {
                self.error(file, pointer, message);
                *value = Value::Object(Map::new());
            }
        }
    }

    /// The component schema a schema reference becomes (created on first use).
    fn hoist(
        &mut self,
        key: &(PathBuf, String),
        file: &Path,
        pointer: &str,
        depth: usize,
    ) -> Option<String> {
        if let Some(name) = self.hoisted.get(key) {
            return Some(name.clone());
        }
        let (target_file, fragment) = key.clone();
        let (target_file, mut target) = match self.target(&target_file, &fragment) {
            Ok(found) => found,
            Err(message) => {
                self.error(file, pointer, message);
                return None;
            }
        };
        let name = self.unique_name(&hoist_name(&target_file, &fragment));
        self.hoisted.insert(key.clone(), name.clone());
        self.names.insert(name.clone());
        self.display
            .entry(target_file.clone())
            .or_insert_with(|| target_file.clone());
        self.walk(
            &mut target,
            &target_file,
            Position::Schema,
            depth + 1,
            &format!("#{fragment}"),
        );
        self.new_schemas.push((name.clone(), target));
        Some(name)
    }

    fn unique_name(&self, base: &str) -> String {
        if !self.names.contains(base) {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base}{n}"))
            .find(|n| !self.names.contains(n))
            .unwrap_or_else(|| base.to_owned())
    }
}

/// A component name for a hoisted schema: the meaningful end of the pointer (the API path,
/// method, section and key: `/pets/get/responses/default` → `pets_get_responses_default`),
/// or, for a whole file, the file's name.
fn hoist_name(file: &Path, fragment: &str) -> String {
    const NOISE: &[&str] = &[
        "paths",
        "components",
        "schemas",
        "content",
        "schema",
        "properties",
        "items",
    ];
    let words: Vec<String> = fragment
        .split('/')
        .filter(|s| !s.is_empty())
        .map(pointer::unescape)
        .filter(|s| !NOISE.contains(&s.as_str()) && s.parse::<u32>().is_err())
        // An API path is kept as words; a media type (`application/json`) is dropped.
        .filter(|s| s.starts_with('/') || !s.contains('/'))
        .map(|s| s.replace(['/', '{', '}'], " ").trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let tail: Vec<&str> = words
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    if !tail.is_empty() {
        return tail.join(" ");
    }
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Schema".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Writes `files` into a temporary folder and bundles the first.
    fn bundled(files: &[(&str, &str)]) -> Result<Value, String> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let root = dir.path().join(files[0].0);
        let mut doc = crate::syntax::parse_value(&root, files[0].1.as_bytes()).unwrap();
        bundle(&root, &mut doc).map_err(|e| e.to_string())?;
        Ok(doc)
    }

    const ROOT: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn references_to_resolve_are_found_in_components_and_beside_them() {
        let component = json!({"$ref": "#/components/schemas/A"});
        let other_file = json!({"$ref": "common.yaml#/A"});
        let inside = json!({"$ref": "#/paths/~1a/get"});
        let cases = [
            (
                json!({"paths": {"/a": component}, "components": {"schemas": {"B": component}}}),
                false,
            ),
            (
                json!({"paths": {}, "components": {"schemas": {"B": {"items": other_file}}}}),
                true,
            ),
            (json!({"paths": {"/a": [inside]}, "components": {}}), true),
            (json!({"paths": {"/a": other_file}}), true),
            (json!({"$ref": "other.yaml", "components": {}}), true),
            (
                json!({"paths": {}, "components": {"x-note": {"$ref": 7}}}),
                false,
            ),
            (json!([other_file]), true),
        ];
        for (doc, expected) in cases {
            assert_eq!(has_refs_to_resolve(&doc), expected, "{doc}");
        }
    }

    #[test]
    fn schema_files_are_hoisted_once_into_named_components() {
        let doc = bundled(&[
            (
                "api.yml",
                &format!(
                    "{ROOT}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: d\n          content:\n            application/json:\n              schema: {{$ref: 'schemas/pet.yml'}}\n  /b:\n    get:\n      responses:\n        '200':\n          description: d\n          content:\n            application/json:\n              schema: {{$ref: './schemas/pet.yml#'}}\n"
                ),
            ),
            (
                "schemas/pet.yml",
                "type: object\nproperties:\n  owner: {$ref: 'owner.yml'}\n  friend: {$ref: 'pet.yml'}\n",
            ),
            ("schemas/owner.yml", "type: object\nproperties:\n  name: {type: string}\n"),
        ])
        .unwrap();
        let schemas = doc.pointer("/components/schemas").unwrap();
        assert_eq!(schemas.as_object().unwrap().len(), 2, "{schemas:#}");
        let pet_ref = doc
            .pointer("/paths/~1a/get/responses/200/content/application~1json/schema/$ref")
            .unwrap();
        assert_eq!(pet_ref, &json!("#/components/schemas/pet"));
        assert_eq!(
            doc.pointer("/paths/~1b/get/responses/200/content/application~1json/schema/$ref"),
            Some(pet_ref)
        );
        // A file that refers to itself is one component referring to itself.
        assert_eq!(
            doc.pointer("/components/schemas/pet/properties/friend/$ref"),
            Some(&json!("#/components/schemas/pet"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/pet/properties/owner/$ref"),
            Some(&json!("#/components/schemas/owner"))
        );
    }

    #[test]
    fn other_references_are_replaced_by_their_target() {
        let doc = bundled(&[
            (
                "api.yml",
                &format!("{ROOT}paths:\n  /pets: {{$ref: 'paths.yml#/pets'}}\n"),
            ),
            (
                "paths.yml",
                "pets:\n  get:\n    operationId: listPets\n    responses: {'204': {description: none}}\n",
            ),
        ])
        .unwrap();
        assert_eq!(
            doc.pointer("/paths/~1pets/get/operationId"),
            Some(&json!("listPets"))
        );
    }

    #[test]
    fn urls_files_outside_the_folder_and_dangling_pointers_are_refused() {
        let spec = |reference: &str| {
            format!("{ROOT}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '{reference}'}}\n    B: {{properties: {{x: {{$ref: '{reference}'}}}}}}\n")
        };
        let e = bundled(&[("api.yml", &spec("https://example.com/a.yml"))]).unwrap_err();
        assert!(e.contains("is a URL"), "{e}");
        let e = bundled(&[("api.yml", &spec("../outside.yml"))]).unwrap_err();
        assert!(
            e.contains("cannot open") || e.contains("leaves the spec's folder"),
            "{e}"
        );
        let e = bundled(&[("api.yml", &spec("#/nowhere/at/all"))]).unwrap_err();
        assert!(e.contains("points to nothing"), "{e}");
        assert!(
            e.contains("#/components/schemas/B/properties/x"),
            "located: {e}"
        );
    }

    #[test]
    fn a_document_with_only_component_references_is_left_alone() {
        let text = format!("{ROOT}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{type: string}}\n");
        let before = crate::syntax::parse_value(Path::new("api.yml"), text.as_bytes()).unwrap();
        assert_eq!(bundled(&[("api.yml", &text)]).unwrap(), before);
    }
}
