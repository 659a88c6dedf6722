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
pub fn write(krate: &GeneratedCrate, out: &Path, check: bool) -> io::Result<Report> {
    let mut report = Report::default();
    for (rel, content) in &krate.files {
        let path = out.join(rel);
        match std::fs::read(&path) {
            Ok(existing) if existing == content.as_bytes() => report.unchanged += 1,
            Ok(_) | Err(_) if check => report.changed.push(rel.clone()),
            _ => {
                write_atomic(&path, content.as_bytes())?;
                report.changed.push(rel.clone());
            }
        }
    }
    for stale in stale_generated_files(krate, out)? {
        if !check {
            let path = out.join(&stale);
            std::fs::remove_file(&path)?;
            // A folder left empty (a spec that lost all its operations) goes too; one that
            // still holds anything, the user's files included, fails to go and stays.
            if let Some(parent) = path.parent().filter(|p| *p != out.join("src")) {
                let _ = std::fs::remove_dir(parent);
            }
        }
        report.removed.push(stale);
    }
    Ok(report)
}

/// Files under `src/` that carry our marker but are no longer generated. Files without the
/// marker are the user's and are never touched.
fn stale_generated_files(krate: &GeneratedCrate, out: &Path) -> io::Result<Vec<String>> {
    let mut stale = Vec::new();
    let mut dirs = vec![PathBuf::from("src")];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(out.join(&dir)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let rel = dir.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                dirs.push(rel);
                continue;
            }
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            if rel_str.ends_with(".rs") && !krate.files.contains_key(&rel_str) {
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

/// Write to a sibling temporary file, then rename: an interrupted run leaves no half file.
fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension(format!(
        "{}.codegen-tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
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
            warnings: Vec::new(),
        };
        let first = write(&krate, dir.path(), false).unwrap();
        assert_eq!(first.changed, vec!["src/lib.rs", "src/old.rs"]);
        std::fs::write(dir.path().join("src/mine.rs"), "// my own file\n").unwrap();

        let mut files = krate.files.clone();
        files.remove("src/old.rs");
        let krate = GeneratedCrate {
            files,
            warnings: Vec::new(),
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
    }
}
