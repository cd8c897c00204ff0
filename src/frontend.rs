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
    /// An imported module CPython would refuse when importing it (bytes
    /// that do not decode, a syntax error): why, as the warning the
    /// compiler gives. Such a module is embedded as its bytes, unparsed,
    /// so that importing it raises CPython's own SyntaxError, which a
    /// program may catch.
    pub refused: Option<Diagnostic>,
    /// The file's bytes when they are not `text` (they did not decode).
    pub raw: Option<Vec<u8>>,
}

impl SourceFile {
    /// Reads `host_path`; `name` is what the program will call it. The file
    /// is UTF-8 unless a PEP 263 coding declaration names another encoding,
    /// which is decoded here: the compiler and the image hold the text as
    /// UTF-8 (the runtime compiles and shows it as a str, so the declaration
    /// is not read again).
    pub fn load(host_path: &Path, name: &str) -> Result<SourceFile> {
        SourceFile::decode(host_path, name, &read(host_path)?)
    }

    /// The file's BYTES as text (see `load`): an error (with its location)
    /// says why they do not decode.
    fn decode(host_path: &Path, name: &str, bytes: &[u8]) -> Result<SourceFile> {
        let shown = host_path.display();
        let had_bom = bytes.starts_with(b"\xef\xbb\xbf");
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        // The declaration is on line 1 or 2, in ASCII: read it before
        // decoding the rest.
        let head_len = bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(1).map_or(bytes.len(), |(i, _)| i + 1);
        let head = String::from_utf8_lossy(&bytes[..head_len]);
        if let Some((encoding, offset)) = coding_cookie(&head) {
            if !is_utf8_name(&encoding) {
                let at = Location::at_offset(name, &head, offset);
                if had_bom {
                    return Err(Diagnostic::error(format!(
                        "{shown} starts with a UTF-8 byte order mark but declares encoding '{encoding}'"
                    ))
                    .at(at));
                }
                let text = decode_declared(&encoding, bytes).map_err(|problem| {
                    Diagnostic::error(match problem {
                        DecodeProblem::UnknownEncoding => format!("unknown encoding: {encoding}"),
                        DecodeProblem::Malformed => {
                            format!("{shown} is not valid {encoding}, as its coding declaration says")
                        }
                    })
                    .at(at)
                })?;
                return Ok(SourceFile::new(host_path, name, text));
            }
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(e) => {
                let good = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
                let loc = Location::at_offset(name, &good, good.len());
                return Err(Diagnostic::error(format!(
                    "{shown} is not valid UTF-8 (byte 0x{:02x}); save it as UTF-8 or declare its encoding (PEP 263)",
                    bytes[e.valid_up_to()]
                ))
                .at(loc));
            }
        };
        Ok(SourceFile::new(host_path, name, text))
    }

    fn new(host_path: &Path, name: &str, text: String) -> SourceFile {
        SourceFile { host_path: host_path.to_path_buf(), name: name.to_string(), text, refused: None, raw: None }
    }

    /// An imported module: as `load` and `parse`, except that a file which
    /// does not decode or parse is still a module, one that raises
    /// SyntaxError when imported (`refused` says why; its body is empty).
    /// Only a file that cannot be read fails.
    pub fn load_imported(host_path: &Path, name: &str) -> Result<(SourceFile, ast::Suite)> {
        let refuse = |text: String, raw: Option<Vec<u8>>, why: Diagnostic| {
            let mut source = SourceFile::new(host_path, name, text);
            source.refused = Some(why);
            source.raw = raw;
            (source, Vec::new())
        };
        let bytes = read(host_path)?;
        match SourceFile::decode(host_path, name, &bytes) {
            Ok(source) => match source.parse() {
                Ok(body) => Ok((source, body)),
                Err(why) => Ok(refuse(source.text, None, why)),
            },
            Err(why) => Ok(refuse(String::from_utf8_lossy(&bytes).into_owned(), Some(bytes), why)),
        }
    }

    /// The bytes the image holds as the module's source.
    pub fn bytes(&self) -> &[u8] {
        self.raw.as_deref().unwrap_or(self.text.as_bytes())
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

    /// Where byte OFFSET is, for a diagnostic: in the program's name for the
    /// file, unless that is a path under the install prefix (a package of
    /// the user's environment), where the user finds it at its host path.
    pub fn location(&self, offset: usize) -> Location {
        if self.name.starts_with('/') {
            Location::at_offset(&self.host_path.display().to_string(), &self.text, offset)
        } else {
            Location::at_offset(&self.name, &self.text, offset)
        }
    }
}

/// The bytes of the file at PATH, or why it cannot be read.
fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| Diagnostic::error(format!("cannot read {}: {}", path.display(), describe_io_error(&e, path))))
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

/// The value of a string constant as CPython reads it, for the one case the
/// parser cannot give: rustpython-parser holds constants as Rust strings and
/// turns each lone surrogate escape (`'\ud800'`) into U+FFFD, where CPython
/// keeps the code point. `source` is the constant's source text: one or
/// more adjacent plain string literals (implicit concatenation), none an
/// f-string or bytes. Returns the value in WTF-8 (UTF-8 that may encode
/// surrogates, as marshal's "surrogatepass" reads it), checked against the
/// parser's `value` with each surrogate as U+FFFD; None when the text is not
/// such a sequence of literals or does not agree.
pub fn str_literal_wtf8(source: &str, value: &str) -> Option<Vec<u8>> {
    let mut points = Vec::new();
    let mut rest = source;
    loop {
        rest = skip_between_literals(rest);
        if rest.is_empty() {
            break;
        }
        rest = decode_one_literal(rest, &mut points)?;
    }
    let as_parsed: String =
        points.iter().map(|&cp| char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
    if as_parsed != value {
        return None;
    }
    let mut out = Vec::with_capacity(value.len());
    for cp in points {
        match char::from_u32(cp) {
            Some(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            // A surrogate: the three bytes UTF-8's scheme gives it.
            None => out.extend_from_slice(&[
                0xE0 | (cp >> 12) as u8,
                0x80 | ((cp >> 6) & 0x3F) as u8,
                0x80 | (cp & 0x3F) as u8,
            ]),
        }
    }
    Some(out)
}

/// Whitespace, newlines, comments and line continuations between the parts
/// of an implicit concatenation.
fn skip_between_literals(mut s: &str) -> &str {
    loop {
        let t = s.trim_start_matches([' ', '\t', '\x0c', '\r', '\n']);
        if let Some(comment) = t.strip_prefix('#') {
            s = comment.find('\n').map_or("", |i| &comment[i..]);
        } else if let Some(next) = t.strip_prefix("\\\n").or_else(|| t.strip_prefix("\\\r\n")) {
            s = next;
        } else {
            return t;
        }
    }
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

fn next_char(chars: &mut Chars) -> Option<char> {
    chars.next().map(|(_, c)| c)
}

/// A line ending in a literal (after a '\r'): the tokenizer reads \r\n as one.
fn skip_lf_after_cr(chars: &mut Chars) {
    if chars.peek().map(|&(_, c)| c) == Some('\n') {
        chars.next();
    }
}

fn hex_digits(chars: &mut Chars, n: usize) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..n {
        v = v * 16 + next_char(chars)?.to_digit(16)?;
    }
    Some(v)
}

/// Decodes the string literal at the start of `s` into code points; returns
/// what follows it.
fn decode_one_literal<'a>(s: &'a str, points: &mut Vec<u32>) -> Option<&'a str> {
    let prefix_len = s.find(['\'', '"'])?;
    let raw = match s[..prefix_len].to_ascii_lowercase().as_str() {
        "" | "u" => false,
        "r" => true,
        _ => return None, // bytes and f-strings are never str constants here
    };
    let s = &s[prefix_len..];
    let quote = if s.starts_with("\"\"\"") || s.starts_with("'''") { &s[..3] } else { &s[..1] };
    let body = &s[quote.len()..];
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if body[i..].starts_with(quote) {
            return Some(&body[i + quote.len()..]);
        }
        let cp = match c {
            '\r' => {
                skip_lf_after_cr(&mut chars);
                '\n' as u32
            }
            // In a raw literal a backslash stays, with the character after it
            // (even a quote).
            '\\' if raw => {
                points.push('\\' as u32);
                next_char(&mut chars)? as u32
            }
            '\\' => match next_char(&mut chars)? {
                '\n' => continue,
                '\r' => {
                    skip_lf_after_cr(&mut chars);
                    continue;
                }
                e @ ('\\' | '\'' | '"') => e as u32,
                'a' => 7,
                'b' => 8,
                'f' => 12,
                'n' => 10,
                'r' => 13,
                't' => 9,
                'v' => 11,
                e @ '0'..='7' => {
                    let mut v = e.to_digit(8)?;
                    for _ in 0..2 {
                        match chars.peek().and_then(|&(_, c)| c.to_digit(8)) {
                            Some(d) => {
                                v = v * 8 + d;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    v
                }
                'x' => hex_digits(&mut chars, 2)?,
                'u' => hex_digits(&mut chars, 4)?,
                'U' => hex_digits(&mut chars, 8).filter(|&v| v <= 0x10FFFF)?,
                'N' => {
                    if next_char(&mut chars)? != '{' {
                        return None;
                    }
                    let mut name = String::new();
                    loop {
                        match next_char(&mut chars)? {
                            '}' => break,
                            c => name.push(c),
                        }
                    }
                    unicode_names2::character(&name)? as u32
                }
                // An unknown escape is kept as written.
                other => {
                    points.push('\\' as u32);
                    other as u32
                }
            },
            c => c as u32,
        };
        points.push(cp);
    }
    None // unterminated
}

enum DecodeProblem {
    UnknownEncoding,
    Malformed,
}

/// Decodes a source file in the encoding its coding declaration names, with
/// CPython's codec names: Latin-1 and ASCII exactly (the WHATWG tables that
/// encoding_rs follows read both as windows-1252), the others through
/// encoding_rs's labels (koi8-r, iso-8859-N, cp125N, shift_jis, euc-jp, ...).
fn decode_declared(encoding: &str, bytes: &[u8]) -> std::result::Result<String, DecodeProblem> {
    let e = encoding.to_ascii_lowercase().replace('_', "-");
    match e.as_str() {
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "8859" | "cp819" | "l1" | "iso-ir-100" | "iso-latin-1"
        | "latin" => return Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        "ascii" | "us-ascii" | "646" => {
            return match bytes.is_ascii() {
                true => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
                false => Err(DecodeProblem::Malformed),
            };
        }
        _ => {}
    }
    let codec = encoding_rs::Encoding::for_label_no_replacement(e.as_bytes()).ok_or(DecodeProblem::UnknownEncoding)?;
    codec
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or(DecodeProblem::Malformed)
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

    #[test]
    fn decodes_declared_encodings() {
        let ok = |enc: &str, bytes: &[u8]| decode_declared(enc, bytes).ok();
        assert_eq!(ok("latin-1", b"caf\xe9 \x80").as_deref(), Some("caf\u{e9} \u{80}"));
        assert_eq!(ok("koi8_r", b"\xf0\xc9\xd4\xcf\xce").as_deref(), Some("\u{41f}\u{438}\u{442}\u{43e}\u{43d}"));
        assert_eq!(ok("iso8859-15", b"\xa4").as_deref(), Some("\u{20ac}"));
        assert!(matches!(decode_declared("ascii", b"\xe9"), Err(DecodeProblem::Malformed)));
        assert!(matches!(decode_declared("no-such-codec", b"x"), Err(DecodeProblem::UnknownEncoding)));
    }

    #[test]
    fn fstring_expressions_hold_triple_quoted_strings() {
        // The vendored parser's patch 1 (vendor/rustpython-parser/PY2WASM.md).
        let text = "f\"{'''eric's'''}\"\nf'{\"\"\"a\"b\"\"\"}{\"\" + \"x\"}'\n";
        let src = SourceFile::new(&PathBuf::new(), "t.py", text.into());
        assert!(src.parse().is_ok());
    }

    #[test]
    fn match_subject_with_trailing_comma_is_a_tuple() {
        // The vendored parser's patch 3 (vendor/rustpython-parser/PY2WASM.md).
        let text = "match x,:\n    case y,:\n        pass\n";
        let src = SourceFile::new(&PathBuf::new(), "t.py", text.into());
        let module = src.parse().expect("parses");
        let Some(ast::Stmt::Match(m)) = module.first() else { panic!("not a match statement") };
        let ast::Expr::Tuple(t) = &*m.subject else { panic!("the subject is not a tuple") };
        assert_eq!(t.elts.len(), 1);
    }

    #[test]
    fn identifiers_are_nfkc_normalised() {
        // The vendored parser's patch 4 (vendor/rustpython-parser/PY2WASM.md).
        let text = "\u{b5} = 2\n\u{1d518}\u{1d52b} = 1\n";
        let src = SourceFile::new(&PathBuf::new(), "t.py", text.into());
        let module = src.parse().expect("parses");
        let names: Vec<String> = module
            .iter()
            .map(|s| match s {
                ast::Stmt::Assign(a) => match &a.targets[0] {
                    ast::Expr::Name(n) => n.id.to_string(),
                    _ => panic!("not a name"),
                },
                _ => panic!("not an assignment"),
            })
            .collect();
        assert_eq!(names, ["\u{3bc}", "Un"]);
    }

    #[test]
    fn recovers_lone_surrogates() {
        let lit = |src: &str, value: &str| str_literal_wtf8(src, value);
        assert_eq!(lit(r"'\ud800'", "\u{FFFD}"), Some(vec![0xED, 0xA0, 0x80]));
        let mut expected = b"a".to_vec();
        expected.extend_from_slice(&[0xED, 0xB2, 0x80]);
        expected.extend_from_slice("\u{2022}AA\t".as_bytes());
        assert_eq!(lit("'a\\udc80' # c\n  u\"\\N{BULLET}\\x41\\101\\\n\\t\"", "a\u{FFFD}\u{2022}AA\t"), Some(expected));
        assert_eq!(lit(r"r'\ud800\''", r"\ud800\'"), Some(br"\ud800\'".to_vec()));
        assert_eq!(lit("'''x'y'''", "x'y"), Some(b"x'y".to_vec()));
        // Disagreeing with the parser, or not a plain literal: no answer.
        assert_eq!(lit(r"'\ud800'", "x"), None);
        assert_eq!(lit(r"f'\ud800'", "\u{FFFD}"), None);
        assert_eq!(lit(r"'\ud800", "\u{FFFD}"), None);
    }
}
