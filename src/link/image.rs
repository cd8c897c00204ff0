//! The program image: the byte layout runtime/image.h reads. Keep the two in
//! step (the version number guards a mismatch).

pub const MAGIC: &[u8; 8] = b"PY2WASM\0";
pub const VERSION: u32 = 1;
const HEADER_SIZE: usize = 24;
const ENTRY_SIZE: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A marshalled code object (the precompiled stdlib).
    Frozen = 0,
    /// UTF-8 source, compiled by CPython when the module is imported.
    Source = 1,
}

const FLAG_PACKAGE: u32 = 1;

#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub name: &'a str,
    pub kind: EntryKind,
    pub is_package: bool,
    pub data: &'a [u8],
    /// The file name the program sees (empty for frozen stdlib modules).
    pub path: &'a str,
}

/// Lays out header, entry table, then each entry's name, path and data.
pub fn build(entries: &[Entry], main_index: usize) -> Vec<u8> {
    let table_end = HEADER_SIZE + ENTRY_SIZE * entries.len();
    let mut out = Vec::with_capacity(
        table_end + entries.iter().map(|e| e.data.len() + e.name.len() + e.path.len() + 2).sum::<usize>(),
    );
    out.extend_from_slice(MAGIC);
    for v in [VERSION, entries.len() as u32, main_index as u32, 0] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.resize(table_end, 0);
    let mut payload = Vec::new();
    let mut put = |bytes: &[u8], nul: bool| -> u32 {
        let off = (table_end + payload.len()) as u32;
        payload.extend_from_slice(bytes);
        if nul {
            payload.push(0);
        }
        off
    };
    for (i, e) in entries.iter().enumerate() {
        let name_off = put(e.name.as_bytes(), true);
        let path_off = put(e.path.as_bytes(), true);
        let data_off = put(e.data, false);
        let fields = [
            name_off,
            e.name.len() as u32,
            e.kind as u32,
            if e.is_package { FLAG_PACKAGE } else { 0 },
            data_off,
            e.data.len() as u32,
            path_off,
            e.path.len() as u32,
        ];
        let at = HEADER_SIZE + i * ENTRY_SIZE;
        for (j, v) in fields.iter().enumerate() {
            out[at + 4 * j..at + 4 * j + 4].copy_from_slice(&v.to_le_bytes());
        }
    }
    out.extend_from_slice(&payload);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_header_entries_and_strings() {
        let entries =
            [Entry { name: "m", kind: EntryKind::Source, is_package: true, data: b"x=1", path: "m/__init__.py" }];
        let img = build(&entries, 0);
        assert_eq!(&img[..8], MAGIC);
        let u32_at = |o: usize| u32::from_le_bytes(img[o..o + 4].try_into().unwrap()) as usize;
        assert_eq!((u32_at(8), u32_at(12), u32_at(16)), (1, 1, 0));
        let (name, data, path) = (u32_at(24), u32_at(40), u32_at(48));
        assert_eq!(&img[name..name + 2], b"m\0");
        assert_eq!(&img[data..data + 3], b"x=1");
        assert_eq!(&img[path..path + 14], b"m/__init__.py\0");
        assert_eq!((u32_at(32), u32_at(36)), (1, 1));
    }
}
