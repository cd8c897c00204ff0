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

use wasm_encoder::{ConstExpr, DataSection, MemorySection, MemoryType, Module, RawSection};
use wasmparser::{ExternalKind, Operator, Parser, Payload, TypeRef};

use crate::diagnostics::{Diagnostic, Result};

const PAGE: u64 = 65536;
/// The runtime's export holding the address of `struct py2wasm_image_ref`.
const IMAGE_REF_EXPORT: &str = "py2wasm_image";

fn malformed(what: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(format!("internal error: the embedded runtime.wasm is not as expected: {what}"))
}

/// What the link step needs to know about the runtime before writing.
struct RuntimeLayout {
    initial_pages: u64,
    image_ref_addr: u32,
}

fn inspect(runtime: &[u8]) -> Result<RuntimeLayout> {
    let mut imported_globals = 0u32;
    let mut global_addrs: Vec<Option<u32>> = Vec::new();
    let mut export_global = None;
    let mut initial_pages = None;
    for payload in Parser::new(0).parse_all(runtime) {
        match payload.map_err(malformed)? {
            Payload::ImportSection(reader) => {
                for import in reader {
                    match import.map_err(malformed)?.ty {
                        TypeRef::Global(_) => imported_globals += 1,
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
                    if export.name == IMAGE_REF_EXPORT && export.kind == ExternalKind::Global {
                        export_global = Some(export.index);
                    }
                }
            }
            _ => {}
        }
    }
    let index = export_global.ok_or_else(|| malformed(format!("no export {IMAGE_REF_EXPORT}")))?;
    let image_ref_addr = index
        .checked_sub(imported_globals)
        .and_then(|i| global_addrs.get(i as usize).copied().flatten())
        .ok_or_else(|| malformed(format!("{IMAGE_REF_EXPORT} is not a constant address")))?;
    let initial_pages = initial_pages.ok_or_else(|| malformed("no memory"))?;
    Ok(RuntimeLayout { initial_pages, image_ref_addr })
}

/// runtime + image -> a complete program module, validated.
pub fn append_image(runtime: &[u8], image: &[u8]) -> Result<Vec<u8>> {
    let layout = inspect(runtime)?;
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
