//! Messages for the user: errors and warnings, with file, line, column and a
//! source excerpt where there is one. Every failure of the compiler ends up
//! here; nothing panics on user input.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file: 1-based line and column (in characters, as
/// CPython counts them), plus the text of that line for the excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub source_line: String,
}

impl Location {
    /// The location of byte `offset` in `source`.
    pub fn at_offset(file: &str, source: &str, offset: usize) -> Location {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[offset..].find('\n').map_or(source.len(), |i| offset + i);
        Location {
            file: file.to_string(),
            line: source[..line_start].matches('\n').count() + 1,
            column: source[line_start..offset].chars().count() + 1,
            source_line: source[line_start..line_end].trim_end_matches('\r').to_string(),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, message: message.into(), location: None }
    }
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, message: message.into(), location: None }
    }
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: error: message`, then the line and a caret under the column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.location {
            None => write!(f, "{kind}: {}", self.message),
            Some(loc) => {
                write!(f, "{}:{}:{}: {kind}: {}", loc.file, loc.line, loc.column, self.message)?;
                if !loc.source_line.trim().is_empty() {
                    let pad: String = loc
                        .source_line
                        .chars()
                        .take(loc.column.saturating_sub(1))
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    write!(f, "\n    {}\n    {pad}^", loc.source_line)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Diagnostic {}

pub type Result<T> = std::result::Result<T, Diagnostic>;

/// Why a file operation on `path` failed, in words for the user.
pub fn describe_io_error(e: &std::io::Error, path: &std::path::Path) -> String {
    /// WASI's ENOTCAPABLE: the path is outside every directory the host granted.
    const ENOTCAPABLE: i32 = 76;
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ if cfg!(target_os = "wasi") && e.raw_os_error() == Some(ENOTCAPABLE) => {
            "it is outside the directories this program was given (wasmer run --dir, wasmtime --dir)".to_string()
        }
        _ if path.is_dir() => "it is a directory".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_characters() {
        let src = "a = 1\nb = 'é' +\n";
        let loc = Location::at_offset("m.py", src, src.find('+').unwrap());
        assert_eq!((loc.line, loc.column), (2, 9));
        assert_eq!(loc.source_line, "b = 'é' +");
        let text = Diagnostic::error("invalid syntax").at(loc).to_string();
        assert_eq!(text, "m.py:2:9: error: invalid syntax\n    b = 'é' +\n            ^");
    }
}
