//! Phase 5: link. Appends what the compiler generated to the prebuilt
//! runtime.wasm by copying its sections and adding to them, never
//! renumbering anything the runtime has, so the runtime's functions, globals
//! and data stay where its code expects them.
//!
//! Today that is the program image (image.rs): placed in fresh memory pages
//! beyond the runtime's initial memory, where neither its static data nor
//! its heap (which starts at the end of memory) can reach, and made known to
//! the runtime by a second data segment that writes the image's address and
//! size into `py2wasm_image` (exported by the runtime as the address of that
//! variable). Generated functions will be appended the same way.

pub mod image;
pub mod optimize;
pub mod precompile;

use std::collections::HashMap;

use wasm_encoder::{
    ConstExpr, DataSection, Encode, MemorySection, MemoryType, Module, RawSection, TableSection, TableType,
};
use wasmparser::{BinaryReader, ExternalKind, Operator, Parser, Payload, TypeRef};

use crate::codegen::runtime::Rt;

use crate::diagnostics::{Diagnostic, Result};

const PAGE: u64 = 65536;
/// The runtime's export holding the address of `struct py2wasm_image_ref`.
const IMAGE_REF_EXPORT: &str = "py2wasm_image";

fn malformed(what: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(format!("internal error: the embedded runtime.wasm is not as expected: {what}"))
}

/// Addresses of CPython's static objects that generated code compares
/// against (inline arithmetic and list indexing, direct calls, globals).
#[derive(Debug, Clone, Copy)]
pub struct DataAddrs {
    pub long_type: u32,
    pub float_type: u32,
    pub function_type: u32,
    pub dict_type: u32,
    pub list_type: u32,
    pub tuple_type: u32,
    pub range_type: u32,
    /// A variable holding the range iterator type (NULL: not stepped inline).
    pub rangeiter_type_ref: u32,
    /// The same for the list iterator type.
    pub listiter_type_ref: u32,
    /// The same for `str`, when its layout is the one generated code
    /// reads one-character strs by.
    pub ascii_str_type_ref: u32,
    /// CPython's one-character strs of the 128 ASCII characters, in order
    /// (what `s[i]` returns).
    pub ascii_chars: u32,
    pub true_obj: u32,
    pub false_obj: u32,
    pub none_obj: u32,
    /// What a method call's probe returns when the call can go through
    /// its cache (runtime/inline_cache.c's py2wasm_method_marker).
    pub method_marker: u32,
    /// A variable holding the address of CPython's cached small ints
    /// (-5 to 256, 16 bytes each).
    pub small_ints_ref: u32,
    /// A variable holding the address of the current thread state's
    /// pointer (its recursion counter is read inline around direct calls).
    pub tstate_ref: u32,
    /// The builtin objects with fast paths, in ir::Builtin's order.
    pub builtin_objects: u32,
}

/// What the link step (and code generation) needs to know about the
/// runtime before writing.
pub struct RuntimeLayout {
    initial_pages: u64,
    image_ref_addr: u32,
    /// Where the appended image starts in memory.
    pub image_addr: u32,
    /// Function index of each runtime function generated code calls.
    pub funcs: HashMap<Rt, u32>,
    pub stack_pointer: u32,
    pub data: DataAddrs,
    /// Functions (imported and defined) and types the runtime has: appended
    /// ones are numbered after them.
    function_count: u32,
    type_count: u32,
    /// The indirect function table's size: appended entries start there.
    table_size: u64,
}

impl RuntimeLayout {
    /// The type of a native entry, (func, slots) -> result: the one type
    /// the link step appends.
    pub fn entry_type(&self) -> u32 {
        self.type_count
    }
}

pub fn inspect(runtime: &[u8]) -> Result<RuntimeLayout> {
    let mut imported_globals = 0u32;
    let mut global_addrs: Vec<Option<u32>> = Vec::new();
    let mut global_exports: HashMap<String, u32> = HashMap::new();
    let mut initial_pages = None;
    let mut func_types: Vec<u32> = Vec::new();
    let mut types: Vec<(String, String)> = Vec::new();
    let mut exports: HashMap<String, u32> = HashMap::new();
    let mut function_names: HashMap<String, u32> = HashMap::new();
    let mut stack_pointer = None;
    let mut table_size = None;
    for payload in Parser::new(0).parse_all(runtime) {
        match payload.map_err(malformed)? {
            Payload::ImportSection(reader) => {
                for import in reader {
                    match import.map_err(malformed)?.ty {
                        TypeRef::Global(_) => imported_globals += 1,
                        TypeRef::Func(t) => func_types.push(t),
                        TypeRef::Memory(_) => return Err(malformed("its memory is imported")),
                        _ => {}
                    }
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    initial_pages.get_or_insert(memory.map_err(malformed)?.initial);
                }
            }
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    for name in names {
                        if let Ok(wasmparser::Name::Function(map)) = name {
                            for naming in map.into_iter().flatten() {
                                function_names.insert(naming.name.to_string(), naming.index);
                            }
                        }
                    }
                }
            }
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty.map_err(malformed)?;
                    let letters = |vs: &[wasmparser::ValType]| -> String {
                        vs.iter()
                            .map(|v| match v {
                                wasmparser::ValType::I32 => 'i',
                                wasmparser::ValType::I64 => 'I',
                                wasmparser::ValType::F64 => 'F',
                                _ => '?',
                            })
                            .collect()
                    };
                    types.push((letters(ty.params()), letters(ty.results())));
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    func_types.push(t.map_err(malformed)?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    table_size.get_or_insert(table.map_err(malformed)?.ty.initial);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global.map_err(malformed)?;
                    let addr = match global.init_expr.get_operators_reader().read().map_err(malformed)? {
                        Operator::I32Const { value } => u32::try_from(value).ok(),
                        _ => None,
                    };
                    global_addrs.push(addr);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(malformed)?;
                    if export.kind == ExternalKind::Global {
                        global_exports.insert(export.name.to_string(), export.index);
                    }
                    if export.name == "__stack_pointer" && export.kind == ExternalKind::Global {
                        stack_pointer = Some(export.index);
                    }
                    if export.kind == ExternalKind::Func {
                        exports.insert(export.name.to_string(), export.index);
                    }
                }
            }
            _ => {}
        }
    }
    // A data symbol's export is a global holding its address.
    let address = |name: &str| {
        global_exports
            .get(name)
            .and_then(|index| index.checked_sub(imported_globals))
            .and_then(|i| global_addrs.get(i as usize).copied().flatten())
            .ok_or_else(|| malformed(format!("no export {name} holding a constant address")))
    };
    let image_ref_addr = address(IMAGE_REF_EXPORT)?;
    let data = DataAddrs {
        long_type: address("PyLong_Type")?,
        float_type: address("PyFloat_Type")?,
        function_type: address("PyFunction_Type")?,
        dict_type: address("PyDict_Type")?,
        list_type: address("PyList_Type")?,
        tuple_type: address("PyTuple_Type")?,
        range_type: address("PyRange_Type")?,
        rangeiter_type_ref: address("py2wasm_rangeiter_type")?,
        listiter_type_ref: address("py2wasm_listiter_type")?,
        ascii_str_type_ref: address("py2wasm_ascii_str_type")?,
        ascii_chars: address("py2wasm_ascii_chars")?,
        true_obj: address("_Py_TrueStruct")?,
        false_obj: address("_Py_FalseStruct")?,
        none_obj: address("_Py_NoneStruct")?,
        method_marker: address("py2wasm_method_marker")?,
        small_ints_ref: address("py2wasm_small_ints")?,
        tstate_ref: address("py2wasm_tstate_current")?,
        builtin_objects: address("py2wasm_builtin_objects")?,
    };
    let initial_pages = initial_pages.ok_or_else(|| malformed("no memory"))?;
    let mut funcs = HashMap::new();
    // The functions themselves, found by the name section: a command
    // module's exports are wrappers that run the C constructors around
    // every call. (Exporting keeps them from being removed by the linker.)
    for &rt in Rt::ALL {
        let (name, params, results) = rt.signature();
        if !exports.contains_key(name) {
            return Err(malformed(format!("no export {name}")));
        }
        let index = *function_names.get(name).ok_or_else(|| malformed(format!("no function named {name}")))?;
        let ty = func_types.get(index as usize).and_then(|&t| types.get(t as usize));
        if ty != Some(&(params.to_string(), results.to_string())) {
            return Err(malformed(format!("{name} has another signature")));
        }
        funcs.insert(rt, index);
    }
    Ok(RuntimeLayout {
        initial_pages,
        image_ref_addr,
        data,
        image_addr: (initial_pages * PAGE) as u32,
        funcs,
        stack_pointer: stack_pointer.ok_or_else(|| malformed("no export __stack_pointer"))?,
        function_count: func_types.len() as u32,
        type_count: types.len() as u32,
        table_size: table_size.ok_or_else(|| malformed("no function table"))?,
    })
}

/// A wasm function type: parameters, results.
pub type Signature = (Vec<wasm_encoder::ValType>, Vec<wasm_encoder::ValType>);

/// Functions generated for the program: each gets a table slot, so C can
/// call it by pointer; most have the entry signature (i32, i32) -> i32.
pub struct Generated {
    pub functions: Vec<wasm_encoder::Function>,
    /// Their names in the name section (one each, in order).
    pub names: Vec<String>,
    /// Each one's signature when it is not the entry's (one each, in
    /// order; absent entries are the entry's).
    pub types: Vec<Option<Signature>>,
}

impl Generated {
    /// The types appended after the runtime's (the entry's first, then
    /// each other signature once, in order of first use), and each
    /// function's index among them.
    fn appended_types(&self) -> (Vec<Signature>, Vec<u32>) {
        let entry: Signature = (vec![wasm_encoder::ValType::I32; 2], vec![wasm_encoder::ValType::I32]);
        let mut types = vec![entry];
        let mut of = Vec::with_capacity(self.functions.len());
        for i in 0..self.functions.len() {
            let t = match self.types.get(i).cloned().flatten() {
                None => 0,
                Some(sig) => match types.iter().position(|t| *t == sig) {
                    Some(k) => k,
                    None => {
                        types.push(sig);
                        types.len() - 1
                    }
                },
            };
            of.push(t as u32);
        }
        (types, of)
    }
}

impl RuntimeLayout {
    /// The function index of generated function I (they follow the runtime's).
    pub fn function_index(&self, i: usize) -> u32 {
        self.function_count + i as u32
    }

    /// The table index (the C function pointer) of generated function I.
    pub fn table_index(&self, i: usize) -> u32 {
        (self.table_size + i as u64) as u32
    }
}

fn leb(mut v: u32, out: &mut Vec<u8>) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A vector section's payload with EXTRA entries (already encoded) appended.
fn extend_vec(payload: &[u8], extra_count: u32, extra: &[u8]) -> Result<Vec<u8>> {
    let mut reader = BinaryReader::new(payload, 0);
    let count = reader.read_var_u32().map_err(malformed)?;
    let rest = &payload[reader.current_position()..];
    let mut out = Vec::with_capacity(payload.len() + extra.len() + 5);
    leb(count + extra_count, &mut out);
    out.extend_from_slice(rest);
    out.extend_from_slice(extra);
    Ok(out)
}

/// The name section's payload with NAMES given to the functions from FIRST
/// on: the function subsection (id 1, sorted by index, so new entries go
/// last) is extended, or made before the first later subsection; the other
/// subsections are copied.
fn extend_function_names(payload: &[u8], first: u32, names: &[String]) -> Result<Vec<u8>> {
    let mut extra = Vec::new();
    for (i, name) in names.iter().enumerate() {
        leb(first + i as u32, &mut extra);
        leb(name.len() as u32, &mut extra);
        extra.extend_from_slice(name.as_bytes());
    }
    let subsection = |out: &mut Vec<u8>, id: u8, body: &[u8]| {
        out.push(id);
        leb(body.len() as u32, out);
        out.extend_from_slice(body);
    };
    let count = names.len() as u32;
    let mut out = Vec::with_capacity(payload.len() + extra.len() + 16);
    let mut reader = BinaryReader::new(payload, 0);
    let mut functions_done = false;
    while !reader.eof() {
        let id = reader.read_u8().map_err(malformed)?;
        let size = reader.read_var_u32().map_err(malformed)? as usize;
        let body = reader.read_bytes(size).map_err(malformed)?;
        if id == 1 {
            subsection(&mut out, 1, &extend_vec(body, count, &extra)?);
            functions_done = true;
            continue;
        }
        if id > 1 && !functions_done {
            subsection(&mut out, 1, &extend_vec(&[0], count, &extra)?);
            functions_done = true;
        }
        subsection(&mut out, id, body);
    }
    if !functions_done {
        subsection(&mut out, 1, &extend_vec(&[0], count, &extra)?);
    }
    Ok(out)
}

/// runtime + generated functions + image -> a complete program module, validated.
pub fn append(runtime: &[u8], layout: &RuntimeLayout, generated: &Generated, image: &[u8]) -> Result<Vec<u8>> {
    let n = generated.functions.len() as u32;
    let (types, type_of) = generated.appended_types();
    let image_addr = layout.initial_pages * PAGE;
    let image_pages = (image.len() as u64).div_ceil(PAGE);
    let new_pages = layout.initial_pages + image_pages;
    if image_addr + image.len() as u64 > u64::from(u32::MAX) {
        return Err(Diagnostic::error("the program is too large for a 4 GiB wasm32 memory"));
    }
    let mut image_ref = Vec::with_capacity(8);
    image_ref.extend_from_slice(&(image_addr as u32).to_le_bytes());
    image_ref.extend_from_slice(&(image.len() as u32).to_le_bytes());

    let mut module = Module::new();
    let mut added_data = false;
    for payload in Parser::new(0).parse_all(runtime) {
        let payload = payload.map_err(malformed)?;
        match &payload {
            Payload::Version { .. } | Payload::End(_) => continue,
            Payload::MemorySection(reader) => {
                let mut memories = MemorySection::new();
                for (i, memory) in reader.clone().into_iter().enumerate() {
                    let m = memory.map_err(malformed)?;
                    let minimum = if i == 0 { new_pages } else { m.initial };
                    if i == 0 && m.maximum.is_some_and(|max| max < minimum) {
                        return Err(Diagnostic::error("the program does not fit the runtime's maximum memory"));
                    }
                    memories.memory(MemoryType {
                        minimum,
                        maximum: m.maximum,
                        memory64: m.memory64,
                        shared: m.shared,
                        page_size_log2: m.page_size_log2,
                    });
                }
                module.section(&memories);
            }
            Payload::TypeSection(reader) if n > 0 => {
                // (i32, i32) -> i32, the entry signature, then the others.
                let mut encoded = Vec::new();
                for (params, results) in &types {
                    encoded.push(0x60);
                    for list in [params, results] {
                        leb(list.len() as u32, &mut encoded);
                        for t in list {
                            t.encode(&mut encoded);
                        }
                    }
                }
                let data = extend_vec(&runtime[reader.range()], types.len() as u32, &encoded)?;
                module.section(&RawSection { id: 1, data: &data });
            }
            Payload::FunctionSection(reader) if n > 0 => {
                let mut extra = Vec::new();
                for t in &type_of {
                    leb(layout.type_count + t, &mut extra);
                }
                let data = extend_vec(&runtime[reader.range()], n, &extra)?;
                module.section(&RawSection { id: 3, data: &data });
            }
            Payload::TableSection(reader) if n > 0 => {
                let mut tables = TableSection::new();
                for (i, table) in reader.clone().into_iter().enumerate() {
                    let t = table.map_err(malformed)?.ty;
                    let grow = if i == 0 { u64::from(n) } else { 0 };
                    tables.table(TableType {
                        element_type: wasm_encoder::RefType::FUNCREF,
                        table64: t.table64,
                        minimum: t.initial + grow,
                        maximum: t.maximum.map(|m| m.max(t.initial + grow)),
                        shared: t.shared,
                    });
                }
                module.section(&tables);
            }
            Payload::ElementSection(reader) if n > 0 => {
                // An active segment: table 0 from the old size, the new functions.
                let mut extra = vec![0x00];
                ConstExpr::i32_const(layout.table_size as i32).encode(&mut extra);
                leb(n, &mut extra);
                for i in 0..n {
                    leb(layout.function_count + i, &mut extra);
                }
                let data = extend_vec(&runtime[reader.range()], 1, &extra)?;
                module.section(&RawSection { id: 9, data: &data });
            }
            Payload::CodeSectionStart { range, .. } if n > 0 => {
                let mut extra = Vec::new();
                for f in &generated.functions {
                    f.encode(&mut extra);
                }
                let data = extend_vec(&runtime[range.clone()], n, &extra)?;
                module.section(&RawSection { id: 10, data: &data });
            }
            Payload::CodeSectionEntry(_) => continue,
            Payload::CustomSection(reader) if reader.name() == "name" && n > 0 => {
                let data = extend_function_names(reader.data(), layout.function_count, &generated.names)?;
                module.section(&wasm_encoder::CustomSection { name: "name".into(), data: data.into() });
            }
            Payload::DataCountSection { count, .. } => {
                module.section(&wasm_encoder::DataCountSection { count: count + 2 });
            }
            Payload::DataSection(reader) => {
                let mut data = DataSection::new();
                for segment in reader.clone() {
                    data.raw(&runtime[segment.map_err(malformed)?.range]);
                }
                // Active segments apply in order: the image, then its reference
                // written over the runtime's zero-initialised variable.
                data.active(0, &ConstExpr::i32_const(image_addr as i32), image.iter().copied());
                data.active(0, &ConstExpr::i32_const(layout.image_ref_addr as i32), image_ref.iter().copied());
                module.section(&data);
                added_data = true;
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    module.section(&RawSection { id, data: &runtime[range] });
                }
            }
        }
    }
    if !added_data {
        return Err(malformed("no data section"));
    }
    let wasm = module.finish();
    validate(&wasm)?;
    Ok(wasm)
}

/// Every module the compiler writes is validated first.
pub fn validate(wasm: &[u8]) -> Result<()> {
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(wasm)
        .map(|_| ())
        .map_err(|e| Diagnostic::error(format!("internal error: generated wasm is invalid: {e}")))
}
