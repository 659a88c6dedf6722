//! The one error type of the generator: every diagnostic carries a location.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in the input a problem was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// A position the parser knows (1-based line and column).
    Position {
        file: PathBuf,
        line: usize,
        column: usize,
    },
    /// A JSON pointer into the document, such as `#/components/schemas/Foo`.
    Pointer { file: PathBuf, pointer: String },
    /// The file as a whole (it could not be read, or it is empty).
    File(PathBuf),
}

impl Location {
    pub fn pointer(file: &Path, pointer: impl Into<String>) -> Self {
        Location::Pointer {
            file: file.to_path_buf(),
            pointer: pointer.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Position { file, line, column } => {
                write!(f, "{}:{line}:{column}", shown(file))
            }
            Location::Pointer { file, pointer } => {
                write!(f, "{}{}", shown(file), crate::escape::comment(pointer))
            }
            Location::File(file) => write!(f, "{}", shown(file)),
        }
    }
}

/// One problem with the input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub location: Location,
    pub message: String,
}

/// A path as shown in a message: on one line, without terminal escapes.
fn shown(file: &Path) -> String {
    crate::escape::comment(&file.display().to_string())
}

/// Messages name spec text (names, references): shown on one line, control characters
/// escaped, so that a spec cannot forge further lines of output or colour a terminal.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.location,
            crate::escape::comment(&self.message)
        )
    }
}

/// All the problems found in one run; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Error {
            diagnostics: vec![Diagnostic {
                location,
                message: message.into(),
            }],
        }
    }

    pub fn at_pointer(file: &Path, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error::new(Location::pointer(file, pointer), message)
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Collects semantic errors so that one run reports them all, as serde_derive does.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, location: Location, message: impl Into<String>) {
        self.items.push(Diagnostic {
            location,
            message: message.into(),
        });
    }

    pub fn extend(&mut self, error: Error) {
        self.items.extend(error.diagnostics);
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics, in the order they were reported.
    pub fn into_items(self) -> Vec<Diagnostic> {
        self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `Ok(value)` when nothing was reported, else every diagnostic, sorted for a stable report.
    pub fn finish<T>(mut self, value: T) -> Result<T, Error> {
        if self.items.is_empty() {
            return Ok(value);
        }
        self.items.sort_by_key(|d| d.location.to_string());
        self.items.dedup();
        Err(Error {
            diagnostics: self.items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_cannot_forge_lines_or_colours() {
        let e = Error::at_pointer(
            Path::new("a\nb.yml"),
            "#/components/schemas/x\u{1b}[31m",
            "schema `y\nerror: forged` is odd",
        );
        let shown = e.to_string();
        assert_eq!(shown.lines().count(), 1, "{shown}");
        assert!(!shown.contains('\u{1b}'), "{shown}");
        assert!(shown.contains("\\u{1B}[31m"), "{shown}");
    }
}
