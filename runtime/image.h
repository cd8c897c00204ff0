/* The program image: what the py2wasm compiler appends to runtime.wasm.
 *
 * The compiler writes the image into fresh memory pages beyond the runtime's
 * initial memory, and an active data segment that fills in `py2wasm_image`
 * (exported, so the compiler can find its address). The layout is defined
 * once, here and in src/link/image.rs; all integers are little-endian u32 and
 * all offsets are relative to the start of the image.
 *
 *   header:  struct py2wasm_image_header
 *   slots:   constant and code-object pointers, zero until start-up
 *   caches:  the inline caches of generated code (inline_cache.c) and the
 *            words of its call sites (frame.c), zero, 8-byte aligned after
 *            the slots
 *   entries: module_count x struct py2wasm_entry, the code table
 *   then the strings and payloads the entries point to.
 */
#ifndef PY2WASM_IMAGE_H
#define PY2WASM_IMAGE_H

#include <stdint.h>

#define PY2WASM_IMAGE_MAGIC "PY2WASM"
#define PY2WASM_IMAGE_VERSION 5

/* kind of an entry */
#define PY2WASM_KIND_FROZEN 0 /* a marshalled code object (precompiled stdlib) */
#define PY2WASM_KIND_SOURCE 1 /* a program module: data = u32 size (LE), then its marshalled code zlib-
                                * compressed, made at compile time (none: the source is compiled on
                                * import); zsource = its UTF-8 source, compressed */
#define PY2WASM_KIND_DATA 2   /* a package's data file: u32 size (LE), then zlib bytes; no module */

/* flags of an entry */
#define PY2WASM_FLAG_PACKAGE 1
#define PY2WASM_FLAG_NAMESPACE 2 /* a namespace package: no source, path is its directory */
#define PY2WASM_FLAG_COMPRESSED 4 /* a frozen module's data: its marshalled code zlib-compressed, then the
                                   * code's size (u32 LE); main.c inflates it on import */

struct py2wasm_image_header {
    char magic[8];
    uint32_t version;
    uint32_t module_count;
    uint32_t main_index;     /* the entry that runs as __main__ */
    uint32_t entries_off;    /* module_count x struct py2wasm_entry */
    /* Natively compiled code (attach.c). Generated code reads constants
     * from fixed addresses: slots_off holds const_count object pointers
     * (filled from the marshalled tuple at consts_off at start-up), then
     * code_count code-object pointers (filled by attach). */
    uint32_t slots_off;
    uint32_t const_count;
    uint32_t consts_off, consts_len;
    uint32_t code_count;
    uint32_t code_table_off; /* code_count x struct py2wasm_code_entry */
    uint32_t reserved[2];
};

/* A code object of the user's modules that generated code refers to. */
#define PY2WASM_NO_ENTRY 0xffffffffu
struct py2wasm_code_entry {
    uint32_t module_off;     /* the module's dotted name, NUL-terminated */
    uint32_t qualname_off;   /* co_qualname, NUL-terminated */
    uint32_t firstlineno;
    uint32_t entry;          /* table index of its native entry, or PY2WASM_NO_ENTRY */
    uint32_t freevars_off;   /* co_freevars as the compiler sees them, comma-separated */
    uint32_t sites_off;      /* site_count x struct py2wasm_site: the calls in its code */
    uint32_t site_count;
};

/* A call site of generated code (frame.c): the call's source positions
 * and the image offset of the word generated code reads the call's
 * instruction from (its byte offset in the code object, filled by attach). */
struct py2wasm_site {
    int32_t line, col, end_line, end_col;
    uint32_t word_off;
};

struct py2wasm_entry {
    uint32_t name_off, name_len;    /* dotted module name, NUL-terminated */
    uint32_t kind, flags;
    uint32_t data_off, data_len;    /* marshalled code (see the kinds) */
    uint32_t path_off, path_len;    /* the file name tracebacks show, NUL-terminated */
    uint32_t zsource_off, zsource_len; /* the module's source, zlib-compressed (0 0: none) */
};

/* Filled in by the compiler's data segment; zero in a bare runtime.wasm. */
struct py2wasm_image_ref {
    const uint8_t *data;
    uint32_t size;
};

extern struct py2wasm_image_ref py2wasm_image;

/* A little-endian u32 at P: the sizes the payloads carry beside their zlib
 * bytes (and the compiler's bytecode service's records). */
static inline uint32_t py2wasm_le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* zlib's one-call inflate, for the payloads: libz.a is linked for CPython's
 * zlib module (its header stays in the sysroot build; uLong is unsigned
 * long there too). */
int uncompress(unsigned char *dest, unsigned long *dest_len, const unsigned char *source, unsigned long source_len);

#endif
