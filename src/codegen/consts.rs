//! The program's constants: every Python value generated code uses
//! (numbers, strings, names, tuples), deduplicated, written as one tuple in
//! CPython's marshal format (version 4) that the runtime loads at start-up
//! into the slots generated code reads.

use std::collections::HashMap;

use rustpython_parser::ast;

use crate::ir::ConstId;

#[derive(Debug, Clone)]
pub enum Const {
    None,
    True,
    False,
    Ellipsis,
    /// Decimal digits with an optional leading '-'.
    Int(String),
    Float(f64),
    Complex(f64, f64),
    Str(String),
    /// A string holding lone surrogates, in WTF-8 (see
    /// frontend::str_literal_wtf8): Rust strings cannot hold them.
    Wtf8Str(Vec<u8>),
    /// An identifier: interned, as CPython interns names.
    Name(String),
    Bytes(Vec<u8>),
    Tuple(Vec<Const>),
}

impl Const {
    pub fn from_ast(c: &ast::Constant) -> Const {
        match c {
            ast::Constant::None => Const::None,
            ast::Constant::Bool(true) => Const::True,
            ast::Constant::Bool(false) => Const::False,
            ast::Constant::Ellipsis => Const::Ellipsis,
            ast::Constant::Int(i) => Const::Int(i.to_string()),
            ast::Constant::Float(f) => Const::Float(*f),
            ast::Constant::Complex { real, imag } => Const::Complex(*real, *imag),
            ast::Constant::Str(s) => Const::Str(s.clone()),
            ast::Constant::Bytes(b) => Const::Bytes(b.clone()),
            ast::Constant::Tuple(t) => Const::Tuple(t.iter().map(Const::from_ast).collect()),
        }
    }

    fn marshal(&self, out: &mut Vec<u8>) {
        let len = |out: &mut Vec<u8>, n: usize| out.extend_from_slice(&(n as u32).to_le_bytes());
        match self {
            Const::None => out.push(b'N'),
            Const::True => out.push(b'T'),
            Const::False => out.push(b'F'),
            Const::Ellipsis => out.push(b'.'),
            Const::Int(s) => match s.parse::<i32>() {
                Ok(v) => {
                    out.push(b'i');
                    out.extend_from_slice(&v.to_le_bytes());
                }
                Err(_) => {
                    let (negative, digits) = long_digits(s);
                    out.push(b'l');
                    let n = digits.len() as i32;
                    out.extend_from_slice(&(if negative { -n } else { n }).to_le_bytes());
                    for d in digits {
                        out.extend_from_slice(&d.to_le_bytes());
                    }
                }
            },
            Const::Float(f) => {
                out.push(b'g');
                out.extend_from_slice(&f.to_le_bytes());
            }
            Const::Complex(r, i) => {
                out.push(b'y');
                out.extend_from_slice(&r.to_le_bytes());
                out.extend_from_slice(&i.to_le_bytes());
            }
            Const::Str(s) | Const::Name(s) => {
                // CPython interns names and every string constant made of
                // name characters (all_name_chars): keyword names then match
                // parameter names by identity, dict lookups by these keys
                // hit at once, and `is` answers as in CPython.
                let name_chars = s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                let interned = matches!(self, Const::Name(_)) || name_chars;
                if s.is_ascii() && s.len() < 256 {
                    out.push(if interned { b'Z' } else { b'z' });
                    out.push(s.len() as u8);
                } else {
                    out.push(if interned { b't' } else { b'u' });
                    len(out, s.len());
                }
                out.extend_from_slice(s.as_bytes());
            }
            Const::Wtf8Str(b) => {
                // marshal decodes 'u' with "surrogatepass"; never interned
                // (a surrogate is not a name character).
                out.push(b'u');
                len(out, b.len());
                out.extend_from_slice(b);
            }
            Const::Bytes(b) => {
                out.push(b's');
                len(out, b.len());
                out.extend_from_slice(b);
            }
            Const::Tuple(items) => {
                if items.len() < 256 {
                    out.push(b')');
                    out.push(items.len() as u8);
                } else {
                    out.push(b'(');
                    len(out, items.len());
                }
                for i in items {
                    i.marshal(out);
                }
            }
        }
    }
}

/// A decimal integer as CPython's marshal writes longs: sign, and 15-bit
/// digits, least significant first.
fn long_digits(s: &str) -> (bool, Vec<u16>) {
    let negative = s.starts_with('-');
    let mut dec: Vec<u32> = s.trim_start_matches('-').bytes().map(|b| u32::from(b - b'0')).collect();
    let mut digits = Vec::new();
    while dec.iter().any(|&d| d != 0) {
        let mut rem = 0u32;
        for d in dec.iter_mut() {
            let cur = rem * 10 + *d;
            *d = cur / 32768;
            rem = cur % 32768;
        }
        digits.push(rem as u16);
    }
    (negative, digits)
}

#[derive(Debug, Default)]
pub struct ConstPool {
    items: Vec<Vec<u8>>,
    index: HashMap<Vec<u8>, ConstId>,
}

impl ConstPool {
    pub fn add(&mut self, c: &Const) -> ConstId {
        let mut bytes = Vec::new();
        c.marshal(&mut bytes);
        if let Some(&id) = self.index.get(&bytes) {
            return id;
        }
        let id = self.items.len() as ConstId;
        self.items.push(bytes.clone());
        self.index.insert(bytes, id);
        id
    }

    /// The constant of name S, if the pool has it.
    pub fn find_name(&self, s: &str) -> Option<ConstId> {
        let mut bytes = Vec::new();
        Const::Name(s.to_string()).marshal(&mut bytes);
        self.index.get(&bytes).copied()
    }

    /// Per constant, its type (analysis::types), from its marshal code.
    pub fn kinds(&self) -> Vec<crate::ir::Kinds> {
        use crate::ir::Kinds;
        let kind = |code: u8| match code {
            b'N' => Kinds::NONE,
            b'T' | b'F' => Kinds::BOOL,
            b'i' | b'l' => Kinds::INT,
            b'g' => Kinds::FLOAT,
            b'z' | b'Z' | b't' | b'u' => Kinds::STR,
            b')' | b'(' => Kinds::TUPLE,
            _ => Kinds::OTHER,
        };
        self.items.iter().map(|b| b.first().map_or(Kinds::ANY, |&c| kind(c))).collect()
    }

    pub fn name(&mut self, s: &str) -> ConstId {
        self.add(&Const::Name(s.to_string()))
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// All constants as one marshalled tuple.
    pub fn marshal(&self) -> Vec<u8> {
        let mut out = vec![b'('];
        out.extend_from_slice(&(self.items.len() as u32).to_le_bytes());
        for i in &self.items {
            out.extend_from_slice(i);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marshals_big_ints_in_15_bit_digits() {
        assert_eq!(long_digits("32768"), (false, vec![0, 1]));
        assert_eq!(long_digits("-4294967296"), (true, vec![0, 0, 4]));
        let mut out = Vec::new();
        Const::Int("-5".into()).marshal(&mut out);
        assert_eq!(out, [b'i', 0xfb, 0xff, 0xff, 0xff]);
    }
}
