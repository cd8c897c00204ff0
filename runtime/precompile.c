/* The compiler's bytecode service: the bare runtime (no program image),
 * started as `runtime.wasm --py2wasm-precompile`, compiles Python sources
 * into marshalled code objects with this CPython's own compiler, so an
 * output carries its modules' bytecode and the program does not compile
 * their source at every start.
 *
 * The compiler runs it at compile time in an engine (src/link/precompile.rs:
 * wasmer in the native compiler, wasmi in the compiler built as wasm). Both
 * run the same wasm on the same input and get the same bytes: nothing here
 * reads a clock, the environment or random bytes (the hash seed is fixed,
 * so frozensets of constants marshal in one order), and marshal's
 * back-references depend only on reference counts, which the same sequence
 * of compilations leaves the same.
 *
 * stdin:  records of u32 LE filename length, the filename (UTF-8: what
 *         co_filename will say before the loader fixes it), u32 LE source
 *         length, the source (UTF-8), until the end of input.
 * stdout: for each record, u32 LE length and the marshalled code object;
 *         length 0 when CPython does not compile it (the module then stays
 *         source and raises the same error when imported).
 *
 * Each source is compiled exactly as the program would at import
 * (py2wasm_boot.py's get_code, main.c's run_main): builtins.compile() of the
 * source decoded as UTF-8 with surrogateescape, mode 'exec',
 * dont_inherit=True, the default optimisation level (0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Python.h"
#include "marshal.h"

#include "image.h"

int py2wasm_precompile_main(void);

static unsigned char *read_all(size_t *size) {
    size_t cap = 1 << 20, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    *size = n;
    return buf;
}

static void put_u32(uint32_t v) {
    unsigned char b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24};
    fwrite(b, 1, 4, stdout);
}

/* The marshalled code of SOURCE compiled as FILENAME, or NULL (no
 * exception set) when CPython refuses it. */
static PyObject *compile_one(PyObject *compile, const char *filename, size_t flen, const char *source, size_t slen) {
    PyObject *name = PyUnicode_DecodeUTF8(filename, flen, "surrogateescape");
    PyObject *text = PyUnicode_DecodeUTF8(source, slen, "surrogateescape");
    PyObject *code = NULL, *bytes = NULL;
    if (name != NULL && text != NULL) {
        PyObject *args = Py_BuildValue("(OOs)", text, name, "exec");
        PyObject *kwargs = Py_BuildValue("{s:O}", "dont_inherit", Py_True);
        if (args != NULL && kwargs != NULL)
            code = PyObject_Call(compile, args, kwargs);
        Py_XDECREF(args);
        Py_XDECREF(kwargs);
    }
    if (code != NULL)
        bytes = PyMarshal_WriteObjectToString(code, Py_MARSHAL_VERSION);
    Py_XDECREF(code);
    Py_XDECREF(name);
    Py_XDECREF(text);
    PyErr_Clear();
    return bytes;
}

int py2wasm_precompile_main(void) {
    size_t size;
    unsigned char *in = read_all(&size);
    if (in == NULL) {
        fprintf(stderr, "py2wasm-precompile: out of memory\n");
        return 1;
    }
    /* The core only (no site, no encodings, no stdio objects: the image's
     * standard library is not here), isolated from the environment, with
     * the hash seed fixed. */
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.use_hash_seed = 1;
    config.hash_seed = 0;
    config._init_main = 0;
    config.module_search_paths_set = 1;
    config.pathconfig_warnings = 0;
    config.write_bytecode = 0;
    config.site_import = 0;
    PyStatus status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        fprintf(stderr, "py2wasm-precompile: %s\n", status.err_msg ? status.err_msg : "cannot initialise CPython");
        return 1;
    }
    /* A compilation that warns (a SyntaxWarning: `x is 1`, a return in
     * finally) fails here, so the module stays source and the program
     * warns when it compiles it, as it did before. DeprecationWarnings
     * (invalid escapes) are ignored, as the default filters ignore them
     * outside __main__ (whose module name a compilation never gives). These
     * are _warnings' own filters: the warnings module is not here. */
    PyObject *filters = NULL, *_warnings = PyImport_ImportModule("_warnings");
    PyObject *wanted = Py_BuildValue("[(sOOOi)(sOOOi)]", "ignore", Py_None, PyExc_DeprecationWarning, Py_None, 0,
                                     "error", Py_None, PyExc_Warning, Py_None, 0);
    if (_warnings != NULL)
        filters = PyObject_GetAttrString(_warnings, "filters");
    if (filters == NULL || wanted == NULL || !PyList_Check(filters) ||
        PyList_SetSlice(filters, 0, PyList_GET_SIZE(filters), wanted) < 0) {
        fprintf(stderr, "py2wasm-precompile: cannot set the warnings filters\n");
        return 1;
    }
    Py_DECREF(filters);
    Py_DECREF(wanted);
    Py_DECREF(_warnings);
    PyObject *builtins = PyImport_AddModule("builtins"); /* borrowed */
    PyObject *compile = builtins ? PyObject_GetAttrString(builtins, "compile") : NULL;
    if (compile == NULL) {
        fprintf(stderr, "py2wasm-precompile: no builtins.compile\n");
        return 1;
    }
    size_t at = 0;
    while (at + 4 <= size) {
        uint32_t flen = py2wasm_le32(in + at);
        if (flen > size - at - 4 || size - at - 4 - flen < 4)
            break;
        const char *filename = (const char *)in + at + 4;
        uint32_t slen = py2wasm_le32(in + at + 4 + flen);
        if (slen > size - at - 8 - flen)
            break;
        const char *source = filename + flen + 4;
        at += 8 + (size_t)flen + slen;
        PyObject *bytes = compile_one(compile, filename, flen, source, slen);
        if (bytes == NULL) {
            put_u32(0);
            continue;
        }
        put_u32((uint32_t)PyBytes_GET_SIZE(bytes));
        fwrite(PyBytes_AS_STRING(bytes), 1, PyBytes_GET_SIZE(bytes), stdout);
        Py_DECREF(bytes);
    }
    Py_DECREF(compile);
    free(in);
    if (at != size) {
        fprintf(stderr, "py2wasm-precompile: malformed input\n");
        return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
