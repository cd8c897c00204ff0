//! The program image: the byte layout runtime/image.h reads. Keep the two in
//! step (the version number guards a mismatch).

pub const MAGIC: &[u8; 8] = b"PY2WASM\0";
pub const VERSION: u32 = 5;
/// The slots (constants, then code objects) start right after the header,
/// at a fixed offset, so code generation knows their addresses.
pub const SLOTS_OFFSET: usize = 56;
const ENTRY_SIZE: usize = 40;
/// Bytes of one site's inline cache: four entries of runtime/inline_cache.c's
/// struct py2wasm_cache (generated code reads the first).
pub const CACHE_SIZE: u32 = 96;
const CODE_ENTRY_SIZE: usize = 28;
const SITE_SIZE: usize = 20;
pub const NO_ENTRY: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A marshalled code object (the precompiled stdlib).
    Frozen = 0,
    /// A module of the program: `data` its bytecode, made at compile time
    /// by the runtime's CPython (precompile.rs: the size of the marshalled
    /// code object as a little-endian u32, then it zlib-compressed; empty
    /// when there is none and the runtime compiles the source on import),
    /// `zsource` its UTF-8 source, zlib-compressed.
    Source = 1,
    /// A package's data file (no module): its size as a little-endian u32,
    /// then its bytes zlib-compressed; served at `path` (runtime/vfs.c).
    Data = 2,
}

const FLAG_PACKAGE: u32 = 1;
/// A namespace package (PEP 420): no source; `path` is its directory.
const FLAG_NAMESPACE: u32 = 2;
/// A frozen module whose `data` is its marshalled code zlib-compressed,
/// then the code's size as a little-endian u32 (the runtime inflates it
/// when the module is imported: runtime/main.c, get_frozen_object).
const FLAG_COMPRESSED: u32 = 4;

#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub name: &'a str,
    pub kind: EntryKind,
    pub is_package: bool,
    /// A namespace package (is_package too, no data).
    pub is_namespace: bool,
    /// A frozen module's code compressed (FLAG_COMPRESSED).
    pub compressed: bool,
    pub data: &'a [u8],
    /// The file name the program sees (a stdlib module's co_filename).
    pub path: &'a str,
    /// The module's source, zlib-compressed (empty: not carried).
    pub zsource: &'a [u8],
}

/// A code object of the user's modules that generated code refers to.
#[derive(Debug, Clone)]
pub struct CodeEntry {
    pub module: String,
    pub qualname: String,
    pub firstlineno: u32,
    /// Table index of the native entry, or NO_ENTRY.
    pub entry: u32,
    /// co_freevars as the compiler computed them (the runtime checks).
    pub freevars: Vec<String>,
}

/// A call site of generated code: the code object it is in (code table
/// index), the call's source positions, and the image offset of the word
/// the runtime fills with the offset of the call's instruction in that code
/// object (runtime/frame.c).
#[derive(Debug, Clone)]
pub struct Site {
    pub code: u32,
    pub pos: crate::ir::Pos,
    pub offset: u32,
}

/// What native code needs in the image: the marshalled constants tuple
/// (with its length), the code table, room for the inline caches and
/// call-site words, and the call sites.
#[derive(Debug, Default)]
pub struct Native<'a> {
    pub const_count: u32,
    pub consts: &'a [u8],
    pub codes: &'a [CodeEntry],
    pub cache_bytes: u32,
    pub sites: &'a [Site],
}

/// Where the inline caches start: after the slots, 8-byte aligned.
pub fn caches_offset(const_count: u32, code_count: usize) -> u32 {
    (SLOTS_OFFSET as u32 + 4 * (const_count + code_count as u32)).next_multiple_of(8)
}

/// Lays out header, slots, inline caches (zero), entry table, code table,
/// then the names, paths and data they point to.
pub fn build(entries: &[Entry], main_index: usize, native: &Native) -> Vec<u8> {
    let caches_off = caches_offset(native.const_count, native.codes.len());
    let entries_off = (caches_off + native.cache_bytes) as usize;
    let codes_off = entries_off + ENTRY_SIZE * entries.len();
    let table_end = codes_off + CODE_ENTRY_SIZE * native.codes.len();
    let mut out = Vec::with_capacity(
        table_end
            + entries.iter().map(|e| e.data.len() + e.zsource.len() + e.name.len() + e.path.len() + 2).sum::<usize>(),
    );
    out.resize(table_end, 0);
    let mut payload = Vec::new();
    // (ALIGN: the data's alignment; the C side reads call sites as u32s.)
    let mut put = |bytes: &[u8], nul: bool, align: usize| -> u32 {
        while !(table_end + payload.len()).is_multiple_of(align) {
            payload.push(0);
        }
        let off = (table_end + payload.len()) as u32;
        payload.extend_from_slice(bytes);
        if nul {
            payload.push(0);
        }
        off
    };
    for (i, e) in entries.iter().enumerate() {
        let name_off = put(e.name.as_bytes(), true, 1);
        let path_off = put(e.path.as_bytes(), true, 1);
        let data_off = put(e.data, false, 1);
        let zsource_off = if e.zsource.is_empty() { 0 } else { put(e.zsource, false, 1) };
        let fields = [
            name_off,
            e.name.len() as u32,
            e.kind as u32,
            (u32::from(e.is_package) * FLAG_PACKAGE)
                | (u32::from(e.is_namespace) * FLAG_NAMESPACE)
                | (u32::from(e.compressed) * FLAG_COMPRESSED),
            data_off,
            e.data.len() as u32,
            path_off,
            e.path.len() as u32,
            zsource_off,
            e.zsource.len() as u32,
        ];
        put_u32s(&mut out, entries_off + i * ENTRY_SIZE, &fields);
    }
    // Each code entry's call sites, contiguous (in generation order).
    let mut by_code: Vec<Vec<&Site>> = vec![Vec::new(); native.codes.len()];
    for site in native.sites {
        if let Some(list) = by_code.get_mut(site.code as usize) {
            list.push(site);
        }
    }
    for (i, c) in native.codes.iter().enumerate() {
        let module_off = put(c.module.as_bytes(), true, 1);
        let qualname_off = put(c.qualname.as_bytes(), true, 1);
        let freevars_off = put(c.freevars.join(",").as_bytes(), true, 1);
        let mut sites = Vec::with_capacity(SITE_SIZE * by_code[i].len());
        for s in &by_code[i] {
            for v in [s.pos.line, s.pos.col, s.pos.end_line, s.pos.end_col, s.offset] {
                sites.extend_from_slice(&v.to_le_bytes());
            }
        }
        let sites_off = put(&sites, false, 4);
        put_u32s(
            &mut out,
            codes_off + i * CODE_ENTRY_SIZE,
            &[module_off, qualname_off, c.firstlineno, c.entry, freevars_off, sites_off, by_code[i].len() as u32],
        );
    }
    let consts_off = put(native.consts, false, 1);
    out[..8].copy_from_slice(MAGIC);
    let header = [
        VERSION,
        entries.len() as u32,
        main_index as u32,
        entries_off as u32,
        SLOTS_OFFSET as u32,
        native.const_count,
        consts_off,
        native.consts.len() as u32,
        native.codes.len() as u32,
        codes_off as u32,
        0,
        0,
    ];
    put_u32s(&mut out, 8, &header);
    out.extend_from_slice(&payload);
    out
}

fn put_u32s(out: &mut [u8], at: usize, values: &[u32]) {
    for (j, v) in values.iter().enumerate() {
        out[at + 4 * j..at + 4 * j + 4].copy_from_slice(&v.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_header_entries_and_strings() {
        let entries = [
            Entry {
                name: "m",
                kind: EntryKind::Source,
                is_package: true,
                is_namespace: false,
                compressed: false,
                data: b"x=1",
                path: "m/__init__.py",
                zsource: &[],
            },
            Entry {
                name: "s",
                kind: EntryKind::Frozen,
                is_package: false,
                is_namespace: false,
                compressed: true,
                data: b"c",
                path: "/l/s.py",
                zsource: b"zz",
            },
        ];
        let img = build(&entries, 0, &Native::default());
        assert_eq!(&img[..8], MAGIC);
        let u32_at = |o: usize| u32::from_le_bytes(img[o..o + 4].try_into().unwrap()) as usize;
        assert_eq!((u32_at(8), u32_at(12), u32_at(16), u32_at(20)), (VERSION as usize, 2, 0, SLOTS_OFFSET));
        let e = SLOTS_OFFSET;
        let (name, data, path) = (u32_at(e), u32_at(e + 16), u32_at(e + 24));
        assert_eq!(&img[name..name + 2], b"m\0");
        assert_eq!(&img[data..data + 3], b"x=1");
        assert_eq!(&img[path..path + 14], b"m/__init__.py\0");
        assert_eq!((u32_at(e + 8), u32_at(e + 12)), (1, 1));
        assert_eq!((u32_at(e + 32), u32_at(e + 36)), (0, 0));
        // A frozen module with its compressed source.
        let s = SLOTS_OFFSET + ENTRY_SIZE;
        let (zsource, len) = (u32_at(s + 32), u32_at(s + 36));
        assert_eq!((&img[zsource..zsource + len], u32_at(s + 8)), (&b"zz"[..], 0));
        assert_eq!(u32_at(s + 12), FLAG_COMPRESSED as usize);
    }

    #[test]
    fn lists_each_code_entrys_call_sites_aligned() {
        let codes =
            [CodeEntry { module: "m".into(), qualname: "f".into(), firstlineno: 1, entry: 0, freevars: vec![] }];
        let pos = crate::ir::Pos { line: 3, col: 4, end_line: 3, end_col: 9 };
        let sites = [Site { code: 0, pos, offset: 200 }];
        let native = Native { const_count: 0, consts: &[], codes: &codes, cache_bytes: 8, sites: &sites };
        let img = build(&[], 0, &native);
        let u32_at = |o: usize| u32::from_le_bytes(img[o..o + 4].try_into().unwrap()) as usize;
        let code_table = u32_at(44);
        let (sites_off, count) = (u32_at(code_table + 20), u32_at(code_table + 24));
        assert_eq!((sites_off % 4, count), (0, 1));
        let fields: Vec<usize> = (0..5).map(|i| u32_at(sites_off + 4 * i)).collect();
        assert_eq!(fields, [3, 4, 3, 9, 200]);
    }
}
