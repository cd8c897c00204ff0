/* The program image: what the py2wasm compiler appends to runtime.wasm.
 *
 * The compiler writes the image into fresh memory pages beyond the runtime's
 * initial memory, and an active data segment that fills in `py2wasm_image`
 * (exported, so the compiler can find its address). The layout is defined
 * once, here and in src/link/image.rs; all integers are little-endian u32 and
 * all offsets are relative to the start of the image.
 *
 *   header:  magic "PY2WASM\0", version, module_count, main_index
 *   entries: module_count x struct py2wasm_entry
 *   then the strings and payloads the entries point to.
 */
#ifndef PY2WASM_IMAGE_H
#define PY2WASM_IMAGE_H

#include <stdint.h>

#define PY2WASM_IMAGE_MAGIC "PY2WASM"
#define PY2WASM_IMAGE_VERSION 1

/* kind of an entry */
#define PY2WASM_KIND_FROZEN 0 /* a marshalled code object (precompiled stdlib) */
#define PY2WASM_KIND_SOURCE 1 /* UTF-8 source, compiled by CPython when imported */

/* flags of an entry */
#define PY2WASM_FLAG_PACKAGE 1

struct py2wasm_image_header {
    char magic[8];
    uint32_t version;
    uint32_t module_count;
    uint32_t main_index; /* the entry that runs as __main__ */
    uint32_t reserved;
};

struct py2wasm_entry {
    uint32_t name_off, name_len;    /* dotted module name, NUL-terminated */
    uint32_t kind, flags;
    uint32_t data_off, data_len;    /* marshalled code or source text */
    uint32_t path_off, path_len;    /* the file name tracebacks show, NUL-terminated */
};

/* Filled in by the compiler's data segment; zero in a bare runtime.wasm. */
struct py2wasm_image_ref {
    const uint8_t *data;
    uint32_t size;
};

extern struct py2wasm_image_ref py2wasm_image;

#endif
