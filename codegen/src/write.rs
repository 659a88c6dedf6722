//! Stage 4: writes a generated crate to disk, touching only files whose content changed,
//! or (check mode) reports what is stale without writing.

use crate::emit::{GeneratedCrate, GENERATED_MARKER};
use std::io;
use std::path::{Path, PathBuf};

/// What a write did (or a check found), by path relative to the crate root.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Files created or rewritten (check mode: files that would be).
    pub changed: Vec<String>,
    /// Generated files no longer produced, removed (check mode: that would be removed).
    pub removed: Vec<String>,
    pub unchanged: usize,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Writes `krate` into `out` (created if missing); `check` only compares.
///
/// All or nothing: the changed files are first written into a folder beside `out`, then moved
/// in; if any step fails, the files already moved are put back, so `out` holds either the old
/// crate or the new one. Unchanged files are not touched (their timestamps stay, so cargo does
/// not rebuild). Paths are checked before anything is written: plain ASCII names of a size
/// every file system takes, no device names, and no symbolic link inside `out` on the way
/// (a link would send the files somewhere else).
pub fn write(krate: &GeneratedCrate, out: &Path, check: bool) -> io::Result<Report> {
    let mut report = Report::default();
    for ((rel, _), unchanged) in krate.files.iter().zip(compare(krate, out)) {
        if unchanged? {
            report.unchanged += 1;
        } else {
            report.changed.push(rel.clone());
        }
    }
    report.removed = stale_generated_files(krate, out)?;
    if check || report.is_clean() {
        return Ok(report);
    }
    let staging = Staging::new(out)?;
    let result = staging
        .stage(krate, &report.changed)
        .and_then(|()| staging.commit(out, &report));
    staging.remove();
    result?;
    for stale in &report.removed {
        // A folder left empty (a spec that lost all its operations) goes too; one that
        // still holds anything, the user's files included, fails to go and stays.
        if let Some(parent) = out.join(stale).parent().filter(|p| *p != out.join("src")) {
            let _ = std::fs::remove_dir(parent);
        }
    }
    Ok(report)
}

/// For each file of the crate, in order: whether `out` already holds it as it is, or why it
/// may not be written there. The files are read on every core (thousands for a large API: a
/// tenth of a regeneration that changes nothing was this loop).
fn compare(krate: &GeneratedCrate, out: &Path) -> Vec<io::Result<bool>> {
    let files: Vec<(&String, &String)> = krate.files.iter().collect();
    // What the formatting cache has just read from this folder and found as generated.
    let on_disk = krate
        .on_disk
        .as_ref()
        .filter(|read| std::path::absolute(out).is_ok_and(|out| out == read.folder));
    let folders = Folders::look(out, files.iter().map(|(rel, _)| rel.as_str()));
    let one = |(rel, content): &(&String, &String)| -> io::Result<bool> {
        check_path(rel)?;
        if !folders.refuse_links(rel)? {
            return Ok(false);
        }
        if on_disk.is_some_and(|read| read.files.contains(*rel)) {
            return Ok(true);
        }
        Ok(std::fs::read(out.join(rel)).is_ok_and(|existing| existing == content.as_bytes()))
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| {
                part.join()
                    .unwrap_or_else(|_| vec![Err(invalid("a comparing thread failed".into()))])
            })
            .collect()
    })
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Names Windows keeps for devices, whatever the extension.
const DEVICE_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A generated path is relative, made of plain ASCII names of at most 255 bytes, none of them
/// `.`, `..` or a device name. The naming module makes such names; this is the last check
/// before the disk.
fn check_path(rel: &str) -> io::Result<()> {
    let bad = |why: &str| invalid(format!("refusing to write {rel:?}: {why}"));
    if rel.is_empty() || rel.starts_with('/') {
        return Err(bad("not a relative path"));
    }
    for part in rel.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Err(bad("an empty, `.` or `..` part"));
        }
        if part.len() > 255 {
            return Err(bad("a name longer than 255 bytes"));
        }
        if !part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err(bad(
                "a name with characters other than ASCII letters, digits, `_`, `-`, `.`",
            ));
        }
        let stem = part
            .split('.')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if DEVICE_NAMES.contains(&stem.as_str()) {
            return Err(bad("a name Windows keeps for a device"));
        }
    }
    Ok(())
}

/// What the folders inside `out` that the crate's files go into are on disk, each looked at
/// once: a large API's thousands of files share a few dozen folders, and looking at every
/// folder again for every file was most of the system time of a regeneration.
struct Folders<'a> {
    out: &'a Path,
    /// By path relative to `out`: whether the folder exists, or why it may not be written into.
    seen: std::collections::HashMap<&'a str, Result<bool, String>>,
}

impl<'a> Folders<'a> {
    fn look(out: &'a Path, files: impl Iterator<Item = &'a str>) -> Self {
        let mut names: Vec<&str> = files
            .flat_map(|rel| rel.match_indices('/').map(move |(at, _)| &rel[..at]))
            .collect();
        names.sort_unstable();
        names.dedup();
        let seen = names
            .into_iter()
            .map(|rel| {
                let path = out.join(rel);
                let state = exists_unlinked(&path).map_err(|e| match e.kind() {
                    io::ErrorKind::InvalidInput => e.to_string(),
                    _ => format!("cannot read {}: {e}", path.display()),
                });
                (rel, state)
            })
            .collect();
        Folders { out, seen }
    }

    /// Errors if `out/rel`, or a folder on the way to it inside `out`, is a symbolic link;
    /// else whether `out/rel` may exist (every folder on the way does).
    fn refuse_links(&self, rel: &str) -> io::Result<bool> {
        for (at, _) in rel.match_indices('/') {
            match self.seen.get(&rel[..at]) {
                Some(Ok(true)) => {}
                Some(Ok(false)) => return Ok(false),
                Some(Err(why)) => return Err(invalid(why.clone())),
                None => return Err(invalid(format!("{rel:?}: its folder was not looked at"))),
            }
        }
        exists_unlinked(&self.out.join(rel))
    }
}

/// Whether `path` exists; an error if it is a symbolic link (`InvalidInput`) or cannot be
/// looked at.
fn exists_unlinked(path: &Path) -> io::Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(invalid(format!(
            "refusing to write through the symbolic link {}",
            path.display()
        ))),
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The folder beside `out` where the new files are written before they are moved in, and where
/// the files they replace wait until the move has succeeded.
struct Staging {
    dir: PathBuf,
}

impl Staging {
    fn new(out: &Path) -> io::Result<Self> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "crate".to_owned());
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let dir = parent.join(format!(".{name}.codegen-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir(&dir)?;
        Ok(Staging { dir })
    }

    fn new_file(&self, rel: &str) -> PathBuf {
        self.dir.join("new").join(rel)
    }

    fn old_file(&self, rel: &str) -> PathBuf {
        self.dir.join("old").join(rel)
    }

    /// Writes the changed files into the staging folder.
    fn stage(&self, krate: &GeneratedCrate, changed: &[String]) -> io::Result<()> {
        for rel in changed {
            let path = self.new_file(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, krate.files[rel].as_bytes())?;
        }
        Ok(())
    }

    /// Moves the staged files into `out` and the stale ones out of it; on a failure, undoes
    /// every move made so far.
    fn commit(&self, out: &Path, report: &Report) -> io::Result<()> {
        let mut done: Vec<Move> = Vec::new();
        let result = self.moves(out, report, &mut done);
        if result.is_err() {
            for step in done.into_iter().rev() {
                // Best effort: each undo is a rename back within the same file system.
                match step {
                    Move::Replaced { rel, had_old } => {
                        let _ = std::fs::remove_file(out.join(&rel));
                        if had_old {
                            let _ = std::fs::rename(self.old_file(&rel), out.join(&rel));
                        }
                    }
                    Move::Removed { rel } => {
                        let _ = std::fs::rename(self.old_file(&rel), out.join(&rel));
                    }
                }
            }
        }
        result
    }

    fn moves(&self, out: &Path, report: &Report, done: &mut Vec<Move>) -> io::Result<()> {
        let keep_old = |rel: &str| -> io::Result<()> {
            let old = self.old_file(rel);
            if let Some(parent) = old.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::rename(out.join(rel), old)
        };
        for rel in &report.changed {
            let target = out.join(rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let had_old = target.exists();
            if had_old {
                keep_old(rel)?;
            }
            if let Err(e) = std::fs::rename(self.new_file(rel), &target) {
                if had_old {
                    let _ = std::fs::rename(self.old_file(rel), &target);
                }
                return Err(e);
            }
            done.push(Move::Replaced {
                rel: rel.clone(),
                had_old,
            });
        }
        for rel in &report.removed {
            keep_old(rel)?;
            done.push(Move::Removed { rel: rel.clone() });
        }
        Ok(())
    }

    fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One step of a commit, to undo on failure.
enum Move {
    /// `rel` now holds the new file; the old one (if any) waits in the staging folder.
    Replaced { rel: String, had_old: bool },
    /// The stale file `rel` waits in the staging folder.
    Removed { rel: String },
}

/// Files under `src/` (and `crates/`, a split crate's crates of types) that carry our marker
/// but are no longer generated. Files without the marker are the user's and are never touched.
fn stale_generated_files(krate: &GeneratedCrate, out: &Path) -> io::Result<Vec<String>> {
    let mut stale = Vec::new();
    let mut dirs = vec![PathBuf::from("src"), PathBuf::from("crates")];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(out.join(&dir)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let rel = dir.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_dir() {
                dirs.push(rel);
                continue;
            }
            if !kind.is_file() {
                continue; // links and others are never ours
            }
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            let ours = rel_str.ends_with(".rs")
                || (rel_str.starts_with("crates/") && rel_str.ends_with("/Cargo.toml"));
            if ours && !krate.files.contains_key(&rel_str) {
                let head = std::fs::read(entry.path())?;
                let head = String::from_utf8_lossy(&head[..head.len().min(200)]);
                if head.contains(GENERATED_MARKER) {
                    stale.push(rel_str);
                }
            }
        }
    }
    stale.sort();
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn writes_only_changes_and_keeps_user_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = BTreeMap::new();
        files.insert("src/lib.rs".to_owned(), format!("// {GENERATED_MARKER}\n"));
        files.insert("src/old.rs".to_owned(), format!("// {GENERATED_MARKER}\n"));
        let krate = GeneratedCrate {
            files,
            ..Default::default()
        };
        let first = write(&krate, dir.path(), false).unwrap();
        assert_eq!(first.changed, vec!["src/lib.rs", "src/old.rs"]);
        std::fs::write(dir.path().join("src/mine.rs"), "// my own file\n").unwrap();

        let mut files = krate.files.clone();
        files.remove("src/old.rs");
        let krate = GeneratedCrate {
            files,
            ..Default::default()
        };
        let check = write(&krate, dir.path(), true).unwrap();
        assert_eq!(check.removed, vec!["src/old.rs"]);
        assert!(
            dir.path().join("src/old.rs").exists(),
            "check mode writes nothing"
        );

        let second = write(&krate, dir.path(), false).unwrap();
        assert_eq!((second.changed.len(), second.unchanged), (0, 1));
        assert!(!dir.path().join("src/old.rs").exists());
        assert!(dir.path().join("src/mine.rs").exists());
        assert!(write(&krate, dir.path(), true).unwrap().is_clean());
        let name = dir.path().file_name().unwrap().to_string_lossy();
        let staging = format!(".{name}.codegen-{}", std::process::id());
        assert!(
            !dir.path().parent().unwrap().join(staging).exists(),
            "the staging folder is gone"
        );
    }

    #[test]
    fn files_the_cache_read_from_this_folder_are_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        write(&krate(&[("src/a.rs", "old")]), dir.path(), false).unwrap();
        // What the cache read of another folder says nothing of this one.
        let mut new = krate(&[("src/a.rs", "new")]);
        new.on_disk = Some(crate::emit::OnDiskFiles {
            folder: std::path::absolute(other.path()).unwrap(),
            files: ["src/a.rs".to_owned()].into(),
        });
        assert_eq!(write(&new, dir.path(), true).unwrap().changed, ["src/a.rs"]);
        // Read from this one (in the same run), it is taken as it is: not read again.
        new.on_disk.as_mut().unwrap().folder = std::path::absolute(dir.path()).unwrap();
        let report = write(&new, dir.path(), true).unwrap();
        assert_eq!((report.changed.len(), report.unchanged), (0, 1));
    }

    #[test]
    fn a_crate_of_types_no_longer_generated_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let split = krate(&[
            ("Cargo.toml", ""),
            ("src/lib.rs", ""),
            ("crates/x-types/Cargo.toml", ""),
            ("crates/x-types/src/lib.rs", ""),
        ]);
        write(&split, dir.path(), false).unwrap();
        std::fs::write(dir.path().join("crates/x-types/notes.md"), "mine\n").unwrap();
        let whole = krate(&[("Cargo.toml", ""), ("src/lib.rs", "")]);
        let report = write(&whole, dir.path(), false).unwrap();
        assert_eq!(
            report.removed,
            vec!["crates/x-types/Cargo.toml", "crates/x-types/src/lib.rs"]
        );
        assert!(dir.path().join("crates/x-types/notes.md").exists());
    }

    fn krate(files: &[(&str, &str)]) -> GeneratedCrate {
        GeneratedCrate {
            files: files
                .iter()
                .map(|(path, text)| (path.to_string(), format!("// {GENERATED_MARKER}\n{text}")))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_failed_write_leaves_the_old_crate_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let old = krate(&[
            ("Cargo.toml", "old"),
            ("src/lib.rs", "old"),
            ("src/a.rs", "old"),
        ]);
        write(&old, &out, false).unwrap();
        // The new crate needs a folder where the user keeps a file: the move of `src/zzz/b.rs`
        // fails after `Cargo.toml` and `src/lib.rs` were moved in.
        std::fs::write(out.join("src/zzz"), "the user's").unwrap();
        let new = krate(&[
            ("Cargo.toml", "new"),
            ("src/lib.rs", "new"),
            ("src/zzz/b.rs", "new"),
        ]);
        assert!(write(&new, &out, false).is_err());
        for (rel, text) in &old.files {
            assert_eq!(
                &std::fs::read_to_string(out.join(rel)).unwrap(),
                text,
                "{rel}"
            );
        }
        assert_eq!(
            std::fs::read_to_string(out.join("src/zzz")).unwrap(),
            "the user's"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["out"], "no staging folder is left behind");
    }

    #[test]
    fn bad_names_and_links_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let long = format!("src/{}.rs", "x".repeat(300));
        for bad in [
            long.as_str(),
            "src/con.rs",
            "src/../x.rs",
            "src/a b.rs",
            "/abs.rs",
        ] {
            let e = write(&krate(&[("src/lib.rs", ""), (bad, "")]), &out, false).unwrap_err();
            assert!(e.to_string().contains("refusing to write"), "{bad}: {e}");
            assert!(!out.exists(), "{bad}: nothing written");
        }
        // A link inside the output folder would send files elsewhere.
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&elsewhere, out.join("src")).unwrap();
            let e = write(&krate(&[("src/lib.rs", "")]), &out, false).unwrap_err();
            assert!(e.to_string().contains("symbolic link"), "{e}");
            assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
            // Deeper down, and the file itself: every file under a link is refused.
            std::fs::remove_file(out.join("src")).unwrap();
            std::fs::create_dir_all(out.join("src")).unwrap();
            std::os::unix::fs::symlink(&elsewhere, out.join("src/types")).unwrap();
            let files = [
                ("src/lib.rs", ""),
                ("src/types/a.rs", ""),
                ("src/types/b.rs", ""),
            ];
            let e = write(&krate(&files), &out, false).unwrap_err();
            assert!(e.to_string().contains("src/types"), "{e}");
            std::fs::remove_file(out.join("src/types")).unwrap();
            std::os::unix::fs::symlink(elsewhere.join("x.rs"), out.join("src/lib.rs")).unwrap();
            let e = write(&krate(&[("src/lib.rs", "")]), &out, false).unwrap_err();
            assert!(e.to_string().contains("src/lib.rs"), "{e}");
            assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        }
    }
}
