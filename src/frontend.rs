//! Phase 1: read and parse. Loads a source file (UTF-8, as the image carries
//! it) and parses it with rustpython-parser. The parser stays behind this
//! module so it can be replaced without touching later phases.

use std::path::{Path, PathBuf};

use rustpython_parser::{ast, Mode};

use crate::diagnostics::{describe_io_error, Diagnostic, Location, Result};

/// One Python source file of the program.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where the compiler read it.
    pub host_path: PathBuf,
    /// The path the program sees (`__file__`, tracebacks): relative to the
    /// script's directory, with `/` separators.
    pub name: String,
    pub text: String,
}

impl SourceFile {
    /// Reads `host_path`; `name` is what the program will call it.
    pub fn load(host_path: &Path, name: &str) -> Result<SourceFile> {
        let shown = host_path.display();
        let bytes = std::fs::read(host_path)
            .map_err(|e| Diagnostic::error(format!("cannot read {shown}: {}", describe_io_error(&e, host_path))))?;
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(e) => {
                let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
                let loc = Location::at_offset(name, &good, good.len());
                return Err(Diagnostic::error(format!(
                    "{shown} is not valid UTF-8 (byte 0x{:02x}); save it as UTF-8",
                    bytes[e.valid_up_to()]
                ))
                .at(loc));
            }
        };
        if let Some((encoding, offset)) = coding_cookie(&text) {
            if !is_utf8_name(&encoding) {
                return Err(Diagnostic::error(format!(
                    "source encoding '{encoding}' is not supported: save the file as UTF-8 and remove the coding declaration"
                ))
                .at(Location::at_offset(name, &text, offset)));
            }
        }
        Ok(SourceFile { host_path: host_path.to_path_buf(), name: name.to_string(), text })
    }

    /// Parses the file as a module body.
    pub fn parse(&self) -> Result<ast::Suite> {
        match rustpython_parser::parse(&self.text, Mode::Module, &self.name) {
            Ok(ast::Mod::Module(module)) => Ok(module.body),
            Ok(_) => Err(Diagnostic::error(format!("{}: not a module", self.name))),
            Err(e) => {
                let offset = usize::try_from(u32::from(e.offset)).unwrap_or(usize::MAX);
                let loc = Location::at_offset(&self.name, &self.text, offset);
                Err(Diagnostic::error(format!("SyntaxError: {}", e.error)).at(loc))
            }
        }
    }

    pub fn location(&self, offset: usize) -> Location {
        Location::at_offset(&self.name, &self.text, offset)
    }
}

/// PEP 263: a `coding[:=]name` comment on line 1 or 2. Returns the name and
/// the byte offset of the comment.
fn coding_cookie(text: &str) -> Option<(String, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n').take(2) {
        let trimmed = line.trim_start_matches([' ', '\t', '\x0c']);
        if let Some(comment) = trimmed.strip_prefix('#') {
            if let Some(pos) = comment.find("coding") {
                let rest = &comment[pos + 6..];
                if let Some(rest) = rest.strip_prefix([':', '=']) {
                    let name: String = rest
                        .trim_start_matches([' ', '\t'])
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                        .collect();
                    if !name.is_empty() {
                        return Some((name, offset + (line.len() - trimmed.len())));
                    }
                }
            }
        } else if !trimmed.trim().is_empty() {
            return None; // only comment or blank lines may precede the cookie
        }
        offset += line.len();
    }
    None
}

fn is_utf8_name(encoding: &str) -> bool {
    let e = encoding.to_ascii_lowercase().replace('_', "-");
    e == "utf-8" || e == "utf8" || e.starts_with("utf-8-") || e == "utf-8-sig"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_coding_cookies() {
        assert_eq!(coding_cookie("# -*- coding: latin-1 -*-\nx=1\n").map(|c| c.0), Some("latin-1".into()));
        assert_eq!(
            coding_cookie("#!/usr/bin/env python\n# vim: set fileencoding=utf-8 :\n").map(|c| c.0),
            Some("utf-8".into())
        );
        assert_eq!(coding_cookie("x = 1\n# coding: latin-1\n"), None);
        assert!(is_utf8_name("UTF_8") && !is_utf8_name("latin-1"));
    }
}
