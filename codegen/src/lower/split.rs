//! Which crate compiles each type, when a large API's types are split into crates of their
//! own: one rustc holding every type of a 1,000-operation API runs on one core and peaked at
//! 2.3 GB for Telnyx's; crates of types compile side by side, each a fraction of that.
//!
//! The partition is by file (a component schema and the inline types named from it; the
//! inline types of a group's operations get a file of their own first). A file whose types
//! only one feature uses goes to that feature's part; the others to the common crate, which
//! every part depends on, with everything they use (a part may use only its own types and the
//! common crate's). The main crate, which depends on all of them, keeps only the operations.

use crate::ir::{ErrorBodyVariant, Features, Module, Split, TypeDef, TypeId, TypeRef};
use std::collections::BTreeMap;

/// Below this many types in component files a crate stays whole: the split's fixed cost (a
/// rustc per crate, each loading its dependencies) would outweigh what it saves.
pub(super) const SPLIT_FROM_TYPES: usize = 1_000;

/// About this many types per part; at most `MAX_PARTS` parts.
const TYPES_PER_PART: usize = 400;
const MAX_PARTS: usize = 8;

/// Where a file's types compile, while the partition is worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Home {
    Common,
    /// The one feature (by index into `keys`) that uses every type of the file.
    Feature(usize),
}

/// Whether the types are to be split: `split` when set, else whether the component files
/// hold many types.
pub(super) fn wanted(types: &[TypeDef], split: Option<bool>) -> bool {
    let in_files = types
        .iter()
        .filter(|t| matches!(t.module, Module::Types(_)))
        .count();
    split.unwrap_or(in_files >= SPLIT_FROM_TYPES)
}

/// Gives each error body type written beside an operation (and the inline types it holds)
/// a file of its own: `Error` is in the common crate of types, so its bodies must be too.
/// Returns the types moved, with their group.
pub(super) fn error_bodies_to_files(
    types: &mut [TypeDef],
    error_bodies: &[ErrorBodyVariant],
    files: &mut crate::naming::Namespace,
) -> Vec<(usize, TypeId)> {
    let mut moved = Vec::new();
    for body in error_bodies {
        let Some(root) = types.get(body.ty.0) else {
            continue;
        };
        if !matches!(root.module, Module::Operations(_)) {
            continue;
        }
        let file = Module::Types(files.claim(&crate::naming::module_name(&root.name)));
        let mut work = vec![body.ty];
        while let Some(id) = work.pop() {
            let Some(t) = types.get_mut(id.0) else {
                continue;
            };
            let Module::Operations(group) = t.module else {
                continue;
            };
            moved.push((group, id));
            t.module = file.clone();
            for ty in t.kind.refs() {
                if let TypeRef::Named(next) = ty.innermost() {
                    work.push(*next);
                }
            }
        }
    }
    moved
}

/// Gives the inline types written beside each group's operations a file of their own
/// (`<group>_operations`), so that they compile in a crate of types too: they are the bulk of
/// what the main crate would compile besides the operations. Each is still
/// `crate::types::Name`. Returns the types moved, with their group.
pub(super) fn operation_types_to_files(
    types: &mut [TypeDef],
    groups: &[crate::ir::Group],
    files: &mut crate::naming::Namespace,
) -> Vec<(usize, TypeId)> {
    let mut moved = Vec::new();
    let mut file_of_group: BTreeMap<usize, Module> = BTreeMap::new();
    for (id, t) in types.iter_mut().enumerate() {
        let Module::Operations(group) = t.module else {
            continue;
        };
        let Some(name) = groups.get(group).map(|g| &g.rust_name) else {
            continue;
        };
        moved.push((group, TypeId(id)));
        t.module = file_of_group
            .entry(group)
            .or_insert_with(|| {
                Module::Types(
                    files.claim(&crate::naming::module_name(&format!("{name}_operations"))),
                )
            })
            .clone();
    }
    moved
}

/// The split of `types`, or `None` when it cannot be made: some type is still written beside
/// operations (the `*_to_files` steps move them all first; a type of the main crate would be
/// out of reach of the crates of types that use it).
pub(super) fn split(types: &[TypeDef], error_bodies: &[ErrorBodyVariant]) -> Option<Split> {
    let files = files(types);
    if files.is_empty() || types.iter().any(|t| !matches!(t.module, Module::Types(_))) {
        return None;
    }
    // The file of each type (every type has one, checked above).
    let mut file_of: Vec<Option<usize>> = vec![None; types.len()];
    for (f, ids) in files.iter().enumerate() {
        for id in ids {
            file_of[id.0] = Some(f);
        }
    }
    // The files each file uses.
    let mut uses: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    let mut homes: Vec<Home> = vec![Home::Common; files.len()];
    let mut keys: Vec<Features> = Vec::new();
    for (f, ids) in files.iter().enumerate() {
        let mut features = Features::default();
        for id in ids {
            let t = &types[id.0];
            features.union(&t.features);
            for ty in t.kind.refs() {
                let TypeRef::Named(target) = ty.innermost() else {
                    continue;
                };
                if let Some(g) = file_of.get(target.0).copied().flatten() {
                    if g != f {
                        uses[f].push(g);
                    }
                }
            }
        }
        let single = features.groups.len()
            + usize::from(features.other_schemas)
            + usize::from(features.webhooks)
            == 1;
        if single {
            let at = match keys.iter().position(|k| *k == features) {
                Some(at) => at,
                None => {
                    keys.push(features);
                    keys.len() - 1
                }
            };
            homes[f] = Home::Feature(at);
        }
    }
    // `Error` lives in the common crate, and with it the error bodies' types.
    for body in error_bodies {
        if let Some(f) = file_of.get(body.ty.0).copied().flatten() {
            homes[f] = Home::Common;
        }
    }
    // What the common crate uses is common; what a part uses of another part too.
    let mut work: Vec<usize> = (0..files.len()).collect();
    while let Some(f) = work.pop() {
        for &g in &uses[f] {
            let move_it = match (homes[f], homes[g]) {
                (Home::Common, Home::Feature(_)) => true,
                (Home::Feature(a), Home::Feature(b)) => a != b,
                _ => false,
            };
            if move_it {
                homes[g] = Home::Common;
                work.push(g);
            }
        }
    }
    // Features into parts by size, largest first, each to the smallest part so far.
    let mut size = vec![0usize; keys.len()];
    for (f, home) in homes.iter().enumerate() {
        if let Home::Feature(k) = home {
            size[*k] += files[f].len();
        }
    }
    let in_parts: usize = size.iter().sum();
    let parts = in_parts.div_ceil(TYPES_PER_PART).clamp(1, MAX_PARTS);
    let mut order: Vec<usize> = (0..keys.len()).filter(|&k| size[k] > 0).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then(a.cmp(&b)));
    let mut load = vec![0usize; parts];
    let mut part_of_key = vec![0usize; keys.len()];
    for k in order {
        let smallest = (0..parts).min_by_key(|&p| (load[p], p)).unwrap_or(0);
        load[smallest] += size[k];
        part_of_key[k] = smallest;
    }
    // Parts numbered from 1 (0 is the common crate), empty ones left out.
    let mut number: BTreeMap<usize, usize> = BTreeMap::new();
    let mut home = vec![None; types.len()];
    for (f, ids) in files.iter().enumerate() {
        let crate_index = match homes[f] {
            Home::Common => 0,
            Home::Feature(k) => {
                let next = number.len() + 1;
                *number.entry(part_of_key[k]).or_insert(next)
            }
        };
        for id in ids {
            home[id.0] = Some(crate_index);
        }
    }
    Some(Split {
        crates: number.len() + 1,
        home,
        runtime: Vec::new(),
        moved: Vec::new(),
    })
}

/// The types of each component file, files in name order.
fn files(types: &[TypeDef]) -> Vec<Vec<TypeId>> {
    let mut files: BTreeMap<&str, Vec<TypeId>> = BTreeMap::new();
    for (i, t) in types.iter().enumerate() {
        if let Module::Types(file) = &t.module {
            files.entry(file.as_str()).or_default().push(TypeId(i));
        }
    }
    files.into_values().collect()
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeRef};
    use std::path::Path;

    fn lower(path: &Path, split: Option<bool>) -> Api {
        let text = std::fs::read(path).unwrap();
        let doc = crate::load::parse(path, &text).unwrap();
        let settings = crate::options::Settings {
            split,
            ..Default::default()
        };
        super::super::lower(&doc, &settings).unwrap()
    }

    /// Every type uses only types its crate can see: a part its own and the common crate's,
    /// the common crate its own; error bodies are in the common crate.
    fn assert_closed(api: &Api) {
        let split = api.split.as_ref().expect("split");
        for (i, t) in api.types.iter().enumerate() {
            let home = split.home.get(i).copied().flatten();
            for ty in t.kind.refs() {
                let TypeRef::Named(used) = ty.innermost() else {
                    continue;
                };
                let used_home = split.home(*used);
                let visible = match home {
                    None => true,
                    Some(0) => used_home == Some(0),
                    Some(part) => used_home == Some(0) || used_home == Some(part),
                };
                assert!(
                    visible,
                    "{} (crate {home:?}) uses {} (crate {used_home:?})",
                    t.name, api.types[used.0].name
                );
            }
        }
        for body in &api.error_bodies {
            assert_eq!(
                split.home(body.ty),
                Some(0),
                "{}",
                api.types[body.ty.0].name
            );
        }
    }

    #[test]
    fn the_whole_telnyx_api_splits_into_crates_that_see_what_they_use() {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/telnyx/spec3.yml");
        let api = lower(&spec, None);
        assert_closed(&api);
        let split = api.split.as_ref().unwrap();
        assert!(split.crates > 2, "{}", split.crates);
        // Every part holds something; most types are in parts, not in the common crate.
        let count = |c: Option<usize>| split.home.iter().filter(|h| **h == c).count();
        for c in 1..split.crates {
            assert!(count(Some(c)) > 0, "part {c} is empty");
        }
        let in_parts: usize = (1..split.crates).map(|c| count(Some(c))).sum();
        assert!(in_parts > 2 * count(Some(0)), "{in_parts} in parts");
    }

    #[test]
    fn a_small_spec_stays_whole_unless_told() {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/crates/split/openapi.yaml");
        assert!(lower(&spec, None).split.is_none());
        assert!(lower(&spec, Some(false)).split.is_none());
        let api = lower(&spec, Some(true));
        assert_closed(&api);
        let home = |name: &str| {
            let i = api.types.iter().position(|t| t.name == name).unwrap();
            api.split.as_ref().unwrap().home.get(i).copied().flatten()
        };
        // Used by two tags: common. By one: a part. An error body beside an operation: moved
        // to a file of its own in the common crate. An operation's other inline types: moved
        // to its group's file in a part.
        assert_eq!(home("Money"), Some(0));
        assert_eq!(home("Pet"), Some(1));
        assert_eq!(home("ListPetsError404"), Some(0));
        assert_eq!(home("ListPetsError404ErrorsItem"), Some(0));
        assert_eq!(home("CreateUploadResponse201"), Some(1));
    }
}
