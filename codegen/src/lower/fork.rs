//! Component schemas defined on two threads, with the result of defining them in order.
//!
//! Defining a component reads the document, and changes the lowerer's state only by
//! reserving types for its inline schemas: a name claimed, an id taken, the schema's pointer
//! recorded (an inline schema reached again, through an `allOf`, is the type made then).
//! So the second half of the components is defined on a fork of the lowerer, taken once
//! every component is reserved, while the first half is defined here. Then each of the
//! fork's components, in order, is taken over when it would have come out the same here:
//! each name it claimed is the one claiming it here gives, and each inline schema it looked
//! up is made or found here as it was there. Its new types then get the next ids here. A
//! component that fails this (it reuses a nested type of the first half's, say, or claims a
//! name the first half took) is defined again here, in order. The result never depends on
//! the threads.

use super::Lowerer;
use crate::error::Diagnostic;
use crate::ir::TypeId;
use openapiv3::{ReferenceOr, Schema};
use std::ops::Range;

/// Fewer components than this are defined in order: a thread costs more than they do.
pub(super) const FORK_AT: usize = 256;

/// What a fork did that an ordered run would have to do the same: the names it claimed and
/// the inline schemas it looked up, with where each component's entries start.
#[derive(Default)]
pub(super) struct ForkLog {
    /// The id of the fork's first new type: the one of its `n`th claim is `first_new + n`.
    first_new: usize,
    /// The candidate of each name claimed, in order.
    candidates: Vec<String>,
    lookups: Vec<Lookup>,
    /// Per component: where its entries start.
    starts: Vec<Start>,
}

/// Where one component's entries start: in the log, and in what the fork reported.
#[derive(Clone, Copy)]
struct Start {
    candidates: usize,
    lookups: usize,
    diagnostics: usize,
    warnings: usize,
}

/// An inline schema looked up by its pointer.
enum Lookup {
    /// Given a type before: this one.
    Found(String, TypeId),
    /// Not given one yet: this new type was made for it.
    Made(String, TypeId),
}

impl ForkLog {
    /// A name claimed.
    pub(super) fn claimed(&mut self, candidate: String) {
        self.candidates.push(candidate);
    }

    /// An inline schema's type found (given to it before).
    pub(super) fn found(&mut self, pointer: &str, id: TypeId) {
        self.lookups.push(Lookup::Found(pointer.to_owned(), id));
    }

    /// An inline schema's type made (none given to it yet).
    pub(super) fn made(&mut self, pointer: &str, id: TypeId) {
        self.lookups.push(Lookup::Made(pointer.to_owned(), id));
    }
}

type Components<'a> = [(&'a String, &'a ReferenceOr<Schema>)];

impl<'a> Lowerer<'a> {
    /// Defines every component schema, on two threads from `fork_at` of them on; returns
    /// how many of the fork's components were defined again here, in order.
    pub(super) fn define_components(&mut self, fork_at: usize) -> usize {
        let Some(components) = &self.api.components else {
            return 0;
        };
        let all: Vec<(&String, &ReferenceOr<Schema>)> = components.schemas.iter().collect();
        if all.len() < fork_at.max(2) {
            self.define_each(&all);
            return 0;
        }
        let (first, second) = all.split_at(all.len() / 2);
        let fork = self.fork();
        let forked = std::thread::scope(|scope| {
            let other = std::thread::Builder::new()
                .name("codegen-lower-fork".to_owned())
                .spawn_scoped(scope, move || {
                    let mut fork = fork;
                    fork.define_each(second);
                    fork
                });
            self.define_each(first);
            // A thread that did not start or did not finish (a bug) leaves its half here.
            other.ok().and_then(|t| t.join().ok())
        });
        match forked {
            Some(fork) => self.take_over(fork, second),
            None => {
                self.define_each(second);
                second.len()
            }
        }
    }

    fn define_each(&mut self, components: &Components<'_>) {
        for (key, schema) in components {
            if let Some(log) = &mut self.fork_log {
                log.starts.push(Start {
                    candidates: log.candidates.len(),
                    lookups: log.lookups.len(),
                    diagnostics: self.diagnostics.len(),
                    warnings: self.warnings.len(),
                });
            }
            let Some(&id) = self.components.get(*key) else {
                continue;
            };
            let name = self.names[id.0].clone();
            // Inline types named from this schema share its file.
            self.current_module = self.modules[id.0].clone();
            let pointer = format!(
                "#/components/schemas/{}",
                crate::pointer::escape(key.as_str())
            );
            self.define_named(id, name, schema, &pointer);
        }
    }

    /// A lowerer in this one's state that logs what it does. Only what defining a
    /// component reads or changes is copied; the rest starts empty (and stays so).
    fn fork(&self) -> Lowerer<'a> {
        let mut fork = Lowerer::new(self.file, self.api, self.settings);
        fork.types = vec![None; self.types.len()];
        fork.names = self.names.clone();
        fork.modules = self.modules.clone();
        fork.type_names = self.type_names.clone();
        fork.components = self.components.clone();
        fork.inline_types = self.inline_types.clone();
        fork.fork_log = Some(ForkLog {
            first_new: self.types.len(),
            ..ForkLog::default()
        });
        fork
    }

    /// Takes over what `fork` defined of `components` where an ordered run here would have
    /// defined the same, and defines the rest again; returns how many were defined again.
    fn take_over(&mut self, mut fork: Lowerer<'a>, components: &Components<'_>) -> usize {
        let Some(log) = fork.fork_log.take() else {
            self.define_each(components);
            return components.len();
        };
        let ends = Start {
            candidates: log.candidates.len(),
            lookups: log.lookups.len(),
            diagnostics: fork.diagnostics.len(),
            warnings: fork.warnings.len(),
        };
        let mut taken = Taken {
            first_new: log.first_new,
            ids: vec![None; fork.types.len().saturating_sub(log.first_new)],
        };
        let mut diagnostics = std::mem::take(&mut fork.diagnostics)
            .into_items()
            .into_iter();
        let mut warnings = std::mem::take(&mut fork.warnings).into_iter();
        let mut redone = 0;
        for (j, component) in components.iter().enumerate() {
            let start = log.starts.get(j).copied();
            let end = log.starts.get(j + 1).copied().unwrap_or(ends);
            let Some(start) = start else {
                self.define_each(std::slice::from_ref(component));
                redone += 1;
                continue;
            };
            let span = Span {
                claims: start.candidates..end.candidates,
                lookups: start.lookups..end.lookups,
            };
            let reported = (
                diagnostics
                    .by_ref()
                    .take(end.diagnostics.saturating_sub(start.diagnostics))
                    .collect::<Vec<_>>(),
                warnings
                    .by_ref()
                    .take(end.warnings.saturating_sub(start.warnings))
                    .collect::<Vec<_>>(),
            );
            let id = self.components.get(component.0).copied();
            if self.same_here(&fork, &log, &span, &taken, id) {
                self.take_component(&mut fork, &log, &span, &mut taken, id, reported);
            } else {
                self.define_each(std::slice::from_ref(component));
                redone += 1;
            }
        }
        redone
    }

    /// Whether the fork's component (`span` of its log, defining `id`) comes out the same
    /// here: claims the same names (then taken here), finds and makes the same inline types.
    fn same_here(
        &mut self,
        fork: &Lowerer<'a>,
        log: &ForkLog,
        span: &Span,
        taken: &Taken,
        id: Option<TypeId>,
    ) -> bool {
        let own = taken.first_new + span.claims.start..taken.first_new + span.claims.end;
        let lookups = log.lookups.get(span.lookups.clone()).unwrap_or_default();
        let found_the_same = lookups.iter().all(|lookup| match lookup {
            Lookup::Made(pointer, _) => !self.inline_types.contains_key(pointer),
            Lookup::Found(_, found) if own.contains(&found.0) => true,
            Lookup::Found(pointer, found) => {
                taken.maps(*found)
                    && self.inline_types.get(pointer).copied() == Some(taken.here(*found))
            }
        });
        // Every type its definitions name is one here: theirs, one taken over, or shared.
        let defined = id.into_iter().map(|id| id.0).chain(own.clone());
        let named_here = defined
            .filter_map(|i| fork.types.get(i)?.as_ref())
            .flat_map(|t| t.kind.refs())
            .all(|ty| match ty.innermost() {
                crate::ir::TypeRef::Named(n) => own.contains(&n.0) || taken.maps(*n),
                _ => true,
            });
        let candidates = log.candidates.get(span.claims.clone()).unwrap_or_default();
        let names = fork.names.get(own).unwrap_or_default();
        if !found_the_same || !named_here || candidates.len() != names.len() {
            return false;
        }
        for (n, (candidate, name)) in candidates.iter().zip(names).enumerate() {
            let claimed = self.type_names.claim(candidate);
            if claimed != *name {
                // Given back: the component is defined here again, claiming them in turn.
                self.type_names.release(&claimed);
                for name in names.iter().take(n) {
                    self.type_names.release(name);
                }
                return false;
            }
        }
        true
    }

    /// Takes over a component [`Self::same_here`] accepted: its new types get the next
    /// ids here, in order, and every definition names them by those.
    fn take_component(
        &mut self,
        fork: &mut Lowerer<'a>,
        log: &ForkLog,
        span: &Span,
        taken: &mut Taken,
        id: Option<TypeId>,
        (diagnostics, warnings): (Vec<Diagnostic>, Vec<crate::error::Diagnostic>),
    ) {
        let own = taken.first_new + span.claims.start..taken.first_new + span.claims.end;
        for (n, i) in own.clone().enumerate() {
            if let Some(slot) = taken.ids.get_mut(i - taken.first_new) {
                *slot = Some(TypeId(self.types.len() + n));
            }
        }
        let here = |id: TypeId| taken.here(id);
        let mut moved = |i: usize| {
            let mut t = fork.types.get_mut(i)?.take()?;
            for ty in t.kind.refs_mut() {
                ty.map_ids(&here);
            }
            t.sent_form_of = t.sent_form_of.map(here);
            Some(t)
        };
        if let Some(id) = id {
            if let Some(t) = moved(id.0) {
                self.types[id.0] = Some(t);
            }
        }
        for i in own.clone() {
            let t = moved(i);
            self.types.push(t);
            self.names
                .push(fork.names.get(i).cloned().unwrap_or_default());
            self.modules.push(
                fork.modules
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| self.current_module.clone()),
            );
        }
        for lookup in log.lookups.get(span.lookups.clone()).unwrap_or_default() {
            if let Lookup::Made(pointer, made) = lookup {
                self.inline_types.insert(pointer.clone(), taken.here(*made));
            }
        }
        for d in diagnostics {
            self.diagnostics.push(d.location, d.message);
        }
        self.warnings.extend(warnings);
    }
}

/// One component's entries in a fork's log.
struct Span {
    claims: Range<usize>,
    lookups: Range<usize>,
}

/// The ids given here to the fork's new types taken over so far.
struct Taken {
    first_new: usize,
    /// By the fork's id less `first_new`.
    ids: Vec<Option<TypeId>>,
}

impl Taken {
    /// The id here of the fork's `id` (those before `first_new` are the same here).
    fn here(&self, id: TypeId) -> TypeId {
        match id.0.checked_sub(self.first_new) {
            None => id,
            Some(i) => self.ids.get(i).copied().flatten().unwrap_or(id),
        }
    }

    /// Whether the fork's `id` has an id here.
    fn maps(&self, id: TypeId) -> bool {
        id.0.checked_sub(self.first_new)
            .is_none_or(|i| self.ids.get(i).is_some_and(Option::is_some))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{lower_forking_at, Lowerer};
    use std::path::{Path, PathBuf};

    fn fixture_specs() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut files = vec![root.join("telnyx/spec3.yml"), root.join("hostile-text.yml")];
        for entry in std::fs::read_dir(root.join("crates")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yml") {
                files.push(path);
            }
        }
        files
    }

    fn doc(text: &str) -> crate::load::Document {
        crate::load::parse(Path::new("spec.yml"), text.as_bytes()).unwrap()
    }

    /// The components of `doc` defined with a fork from `fork_at` on: what the lowerer holds
    /// then, and how many of the fork's components were defined again.
    fn components(doc: &crate::load::Document, fork_at: usize) -> (String, usize) {
        let settings = crate::options::Settings::default();
        let mut cx = Lowerer::new(&doc.path, &doc.api, &settings);
        cx.reserve_components();
        let redone = cx.define_components(fork_at);
        let mut pointers: Vec<_> = cx.inline_types.iter().collect();
        pointers.sort();
        let state = format!(
            "{:?}\n{:?}\n{:?}\n{pointers:?}\n{:?}\n{:?}",
            cx.types,
            cx.names,
            cx.modules,
            cx.diagnostics.into_items(),
            cx.warnings
        );
        (state, redone)
    }

    #[test]
    fn every_fixture_spec_lowers_the_same_forked() {
        let settings = crate::options::Settings::default();
        for file in fixture_specs() {
            let text = std::fs::read(&file).unwrap();
            let doc = crate::load::parse(&file, &text).unwrap();
            let ordered = format!("{:?}", lower_forking_at(&doc, &settings, usize::MAX, || {}));
            let forked = format!("{:?}", lower_forking_at(&doc, &settings, 2, || {}));
            assert!(ordered == forked, "{}", file.display());
        }
    }

    #[test]
    fn telnyx_takes_over_most_and_defines_some_again() {
        let file = &fixture_specs()[0];
        let doc = crate::load::parse(file, &std::fs::read(file).unwrap()).unwrap();
        let (ordered, _) = components(&doc, usize::MAX);
        let (forked, redone) = components(&doc, 2);
        assert!(ordered == forked);
        let half = doc.api.components.as_ref().unwrap().schemas.len() / 2;
        assert!(redone > 0 && redone < half / 10, "{redone} of {half}");
    }

    /// Each way a forked component differs from an ordered run: it reuses a nested type of
    /// the first half's (through `allOf`), it claims a name the first half took, a nested
    /// type's name follows the other; and components that do not.
    #[test]
    fn components_that_would_differ_are_defined_again() {
        let text = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Base:
      type: object
      properties:
        kind: {type: string, enum: [a, b]}
    Foo:
      type: object
      properties:
        bar_baz: {type: object, properties: {x: {type: string}}}
    Plain:
      type: object
      properties:
        y: {type: integer}
    Other:
      type: object
      properties:
        y: {type: integer}
    Derived:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            extra: {type: string}
    FooBar:
      type: object
      properties:
        baz: {type: object, properties: {y: {type: object, properties: {z: {type: string}}}}}
    After:
      type: object
      properties:
        inner: {type: object, properties: {w: {type: string}}}
    MoreFooBar:
      allOf:
        - $ref: '#/components/schemas/FooBar'
        - {type: object, properties: {more: {type: string}}}
    MoreAfter:
      allOf:
        - $ref: '#/components/schemas/After'
        - {type: object, properties: {more: {type: string}}}
"#;
        let doc = doc(text);
        let (ordered, none) = components(&doc, usize::MAX);
        let (forked, redone) = components(&doc, 2);
        assert_eq!(none, 0);
        assert_eq!(ordered, forked);
        // Defined again: `Derived` (reuses `Base`'s `kind`), `FooBar` (its `baz` has the name
        // of `Foo`'s `bar_baz`), `MoreFooBar` (reuses `FooBar`'s `baz`, redefined here).
        // Taken over: `After`, and `MoreAfter`, which reuses `After`'s `inner`.
        assert_eq!(redone, 3);
    }
}
