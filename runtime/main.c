/* The entry point of every program py2wasm compiles.
 *
 * runtime.wasm is libpython plus this file. The compiler appends the program
 * image (image.h); at start-up we hand its precompiled stdlib modules to
 * CPython's frozen-module importer, register `_py2wasm` (the user's embedded
 * sources), initialise Python from a fixed configuration (no PYTHONHOME, no
 * files needed) and run the main module as CPython runs a script.
 */
#include <Python.h>
#include <marshal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "native.h"
#include "boot_frozen.h" /* _py2wasm_boot: runtime/py2wasm_boot.py, marshalled */

/* Exported (runtime/exports.txt); the compiler's data segment fills it in. */
struct py2wasm_image_ref py2wasm_image = {0, 0};

/* Defined by our CPython patch (Python/traceback.c): lets the C traceback
 * printer show lines of sources that exist only in the image. */
extern PyObject *(*_Py_SourceLineHook)(PyObject *filename, int lineno);

static const struct py2wasm_image_header *header;
static const struct py2wasm_entry *entries;

static const char *image_at(uint32_t off) { return (const char *)py2wasm_image.data + off; }

/* For vfs.c, which serves the image's files: its entries (NULL before the
 * image is open) and the bytes at an offset. */
const struct py2wasm_entry *py2wasm_image_entries(uint32_t *count) {
    *count = entries != NULL ? header->module_count : 0;
    return entries;
}

const char *py2wasm_image_at(uint32_t off) { return image_at(off); }

/* The program's directory as the program sees it: the working directory
 * at start-up ("" for "/"). The image names the program's own files
 * relative to it; the program sees them as absolute paths below it, as
 * CPython makes the script's directory absolute at the head of sys.path, so
 * __file__ and co_filename are absolute (trace's and coverage's ignore
 * lists, os.path.dirname(__file__) joined with a later chdir). */
static char program_root[4096];

const char *py2wasm_program_root(void) { return program_root; }

/* Path REL (LEN bytes) of the image as the program sees it: the program's
 * own files below its root. */
static PyObject *program_path(const char *rel, size_t len) {
    if (len > 0 && rel[0] == '/') /* (the environment's: under the install prefix) */
        return PyUnicode_DecodeUTF8(rel, len, "surrogateescape");
    if (len == 0)
        return PyUnicode_FromString(program_root[0] ? program_root : "/");
    size_t n = strlen(program_root);
    char *buf = PyMem_Malloc(n + 1 + len);
    if (buf == NULL)
        return PyErr_NoMemory();
    memcpy(buf, program_root, n);
    buf[n] = '/';
    memcpy(buf + n + 1, rel, len);
    PyObject *path = PyUnicode_DecodeUTF8(buf, n + 1 + len, "surrogateescape");
    PyMem_Free(buf);
    return path;
}

static int in_image(uint32_t off, uint32_t len) {
    return off <= py2wasm_image.size && len <= py2wasm_image.size - off;
}

/* Checks the header and that every entry points inside the image, so the
 * rest of this file can trust offsets. */
static int image_open(void) {
    if (py2wasm_image.data == NULL || py2wasm_image.size < sizeof(struct py2wasm_image_header))
        return 0;
    header = (const struct py2wasm_image_header *)py2wasm_image.data;
    if (memcmp(header->magic, PY2WASM_IMAGE_MAGIC, 8) != 0 || header->version != PY2WASM_IMAGE_VERSION)
        return 0;
    uint64_t table = (uint64_t)header->module_count * sizeof(struct py2wasm_entry);
    uint64_t codes = (uint64_t)header->code_count * sizeof(struct py2wasm_code_entry);
    uint64_t slots = ((uint64_t)header->const_count + header->code_count) * sizeof(void *);
    if (table > py2wasm_image.size || !in_image(header->entries_off, (uint32_t)table) || codes > py2wasm_image.size ||
        !in_image(header->code_table_off, (uint32_t)codes) || slots > py2wasm_image.size ||
        !in_image(header->slots_off, (uint32_t)slots) || !in_image(header->consts_off, header->consts_len))
        return 0;
    entries = (const struct py2wasm_entry *)(py2wasm_image.data + header->entries_off);
    for (uint32_t i = 0; i < header->module_count; i++) {
        const struct py2wasm_entry *e = &entries[i];
        if (!in_image(e->name_off, e->name_len + 1) || !in_image(e->data_off, e->data_len) ||
            !in_image(e->path_off, e->path_len + 1) || !in_image(e->zsource_off, e->zsource_len))
            return 0;
    }
    return header->main_index < header->module_count &&
           entries[header->main_index].kind == PY2WASM_KIND_SOURCE;
}

/* CPython's frozen importer serves the precompiled stdlib straight from the
 * image: no copies, no decompression. */
static struct _frozen *frozen_table(void) {
    struct _frozen *table = calloc(header->module_count + 1, sizeof(struct _frozen));
    if (table == NULL)
        return NULL;
    size_t n = 0;
    for (uint32_t i = 0; i < header->module_count; i++) {
        const struct py2wasm_entry *e = &entries[i];
        if (e->kind != PY2WASM_KIND_FROZEN)
            continue;
        table[n].name = image_at(e->name_off);
        table[n].code = (const unsigned char *)image_at(e->data_off);
        table[n].size = (int)e->data_len;
        table[n].is_package = (e->flags & PY2WASM_FLAG_PACKAGE) != 0;
        n++;
    }
    return table; /* zeroed sentinel at [n] */
}

/* Entries by module name: an open-addressing table of entry indices + 1
 * (0: empty), built at the first lookup. A program with a framework embeds
 * thousands of entries, and every import asks the user importer first. */
static uint32_t *by_name;
static uint32_t by_name_mask;

static uint32_t name_hash(const char *s) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void index_names(void) {
    uint32_t size = 16;
    while (size < header->module_count * 2)
        size *= 2;
    by_name = calloc(size, sizeof(uint32_t));
    if (by_name == NULL)
        return;
    by_name_mask = size - 1;
    for (uint32_t i = 0; i < header->module_count; i++) {
        if (entries[i].name_len == 0)
            continue; /* a data file */
        uint32_t h = name_hash(image_at(entries[i].name_off)) & by_name_mask;
        while (by_name[h] != 0)
            h = (h + 1) & by_name_mask;
        by_name[h] = i + 1;
    }
}

/* The entry of module NAME of KIND. */
static const struct py2wasm_entry *find_entry(const char *name, uint32_t kind) {
    if (by_name == NULL)
        index_names();
    if (by_name == NULL) { /* (out of memory: the slow way) */
        for (uint32_t i = 0; i < header->module_count; i++) {
            const struct py2wasm_entry *e = &entries[i];
            if (e->kind == kind && strcmp(image_at(e->name_off), name) == 0)
                return e;
        }
        return NULL;
    }
    for (uint32_t h = name_hash(name) & by_name_mask; by_name[h] != 0; h = (h + 1) & by_name_mask) {
        const struct py2wasm_entry *e = &entries[by_name[h] - 1];
        if (e->kind == kind && strcmp(image_at(e->name_off), name) == 0)
            return e;
    }
    return NULL;
}

/* The entry whose file is PATH and whose source the image carries. */
static const struct py2wasm_entry *find_source_by_path(const char *path) {
    /* (the program's own are named relative to its root) */
    size_t n = strlen(program_root);
    if (path[0] == '/' && strncmp(path, program_root, n) == 0 && path[n] == '/') {
        const char *rel = path + n + 1;
        const struct py2wasm_entry *e = find_source_by_path(rel);
        if (e != NULL && e->kind == PY2WASM_KIND_SOURCE)
            return e;
    }
    for (uint32_t i = 0; i < header->module_count; i++) {
        const struct py2wasm_entry *e = &entries[i];
        if ((e->kind == PY2WASM_KIND_SOURCE || e->kind == PY2WASM_KIND_FROZEN) && e->zsource_len > 0 &&
            e->path_len > 0 &&
            strcmp(image_at(e->path_off), path) == 0)
            return e;
    }
    return NULL;
}

/* The source bytes of entry E (a new reference), or NULL with an exception
 * set, decompressed with the zlib module (built in). The last one
 * decompressed is kept: a traceback reads several lines of the same file. */
static PyObject *zsource_bytes(const struct py2wasm_entry *e) {
    static const struct py2wasm_entry *cached_entry;
    static PyObject *cached;
    if (e->zsource_len == 0) {
        PyErr_SetString(PyExc_ImportError, "the program was compiled without the standard library's source");
        return NULL;
    }
    if (cached_entry == e)
        return Py_NewRef(cached);
    PyObject *zlib = PyImport_ImportModule("zlib");
    if (zlib == NULL)
        return NULL;
    PyObject *packed = PyMemoryView_FromMemory((char *)image_at(e->zsource_off), e->zsource_len, PyBUF_READ);
    PyObject *raw = packed == NULL ? NULL : PyObject_CallMethod(zlib, "decompress", "O", packed);
    Py_XDECREF(packed);
    Py_DECREF(zlib);
    if (raw == NULL)
        return NULL;
    Py_XSETREF(cached, Py_NewRef(raw));
    cached_entry = e;
    return raw;
}

static PyObject *source_text(const struct py2wasm_entry *e) {
    PyObject *raw = zsource_bytes(e);
    if (raw == NULL)
        return NULL;
    PyObject *text = PyUnicode_DecodeUTF8(PyBytes_AS_STRING(raw), PyBytes_GET_SIZE(raw), "surrogateescape");
    Py_DECREF(raw);
    return text;
}

/* ------------------------------------------------------------ _py2wasm */

/* user_module(name) -> (path, is_package, is_namespace) or None */
static PyObject *py_user_module(PyObject *self, PyObject *arg) {
    Py_ssize_t size;
    const char *name = PyUnicode_AsUTF8AndSize(arg, &size);
    if (name == NULL)
        return NULL;
    /* The table is searched as C strings: a name with a NUL in it ('m\0x')
     * is no module's name, not a shorter one's. */
    if (strlen(name) != (size_t)size)
        Py_RETURN_NONE;
    const struct py2wasm_entry *e = find_entry(name, PY2WASM_KIND_SOURCE);
    if (e == NULL)
        Py_RETURN_NONE;
    PyObject *path = program_path(image_at(e->path_off), e->path_len);
    if (path == NULL)
        return NULL;
    return Py_BuildValue("(NOO)", path, (e->flags & PY2WASM_FLAG_PACKAGE) ? Py_True : Py_False,
                         (e->flags & PY2WASM_FLAG_NAMESPACE) ? Py_True : Py_False);
}

/* The entry of the program's module named ARG (a str), or NULL with
 * KeyError (a name that is not embedded) or the conversion's error set. */
static const struct py2wasm_entry *user_entry(PyObject *arg) {
    const char *name = PyUnicode_AsUTF8(arg);
    if (name == NULL)
        return NULL;
    const struct py2wasm_entry *e = find_entry(name, PY2WASM_KIND_SOURCE);
    if (e == NULL)
        PyErr_SetObject(PyExc_KeyError, arg);
    return e;
}

/* user_source(name) -> source str; KeyError for a name that is not embedded */
static PyObject *py_user_source(PyObject *self, PyObject *arg) {
    const struct py2wasm_entry *e = user_entry(arg);
    return e == NULL ? NULL : source_text(e);
}

/* The code object marshalled in Z (LEN bytes, zlib-compressed), SIZE bytes
 * inflated: a new reference, or NULL with an exception set. */
static PyObject *inflate_code(const unsigned char *z, unsigned long len, unsigned long size) {
    char *buf = PyMem_Malloc(size ? size : 1);
    if (buf == NULL)
        return PyErr_NoMemory();
    unsigned long got = size;
    PyObject *code = NULL;
    if (uncompress((unsigned char *)buf, &got, z, len) != 0 || got != size)
        PyErr_SetString(PyExc_ImportError, "damaged bytecode in the program image");
    else
        code = PyMarshal_ReadObjectFromString(buf, (Py_ssize_t)size);
    PyMem_Free(buf);
    return code;
}

/* The code object the compiler made of source entry E (a new reference),
 * None when it made none (CPython refused or warned: the source is
 * compiled at import) or when the program runs optimised (-O, whose
 * bytecode differs: compiled from source as CPython would), NULL with an
 * exception set. Its co_filename is what the image names: the caller
 * fixes it as importlib fixes a .pyc's (_imp._fix_co_filename). */
static PyObject *precompiled_code(const struct py2wasm_entry *e) {
    if (e->data_len < 4 || _Py_GetConfig()->optimization_level != 0)
        Py_RETURN_NONE;
    const unsigned char *d = (const unsigned char *)image_at(e->data_off);
    return inflate_code(d + 4, e->data_len - 4, py2wasm_le32(d));
}

/* _imp.get_frozen_object as CPython's frozen importer calls it
 * (FrozenImporter.exec_module, get_code): the standard library's modules
 * outside the start-up set are compressed in the image (their table
 * entries point at zlib bytes), inflated here; any other goes to CPython's
 * own function. py2wasm_boot.py installs it first thing, before any such
 * module is imported. */
static PyObject *cpython_get_frozen_object;

static PyObject *py_get_frozen_object(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs >= 1 && PyUnicode_Check(args[0])) {
        Py_ssize_t size;
        const char *name = PyUnicode_AsUTF8AndSize(args[0], &size);
        if (name == NULL)
            return NULL;
        const struct py2wasm_entry *e =
            strlen(name) == (size_t)size ? find_entry(name, PY2WASM_KIND_FROZEN) : NULL;
        if (e != NULL && (e->flags & PY2WASM_FLAG_COMPRESSED) && e->data_len > 4) {
            /* (a caller's data, from find_frozen(withdata=True), is these
             * same compressed bytes) */
            const unsigned char *d = (const unsigned char *)image_at(e->data_off);
            return inflate_code(d, e->data_len - 4, py2wasm_le32(d + e->data_len - 4));
        }
    }
    if (cpython_get_frozen_object == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "get_frozen_object: not installed");
        return NULL;
    }
    return PyObject_Vectorcall(cpython_get_frozen_object, args, nargs, NULL);
}

/* install_frozen_loader(): puts get_frozen_object in _imp's place. */
static PyObject *py_install_frozen_loader(PyObject *self, PyObject *unused) {
    PyObject *imp = PyImport_ImportModule("_imp");
    if (imp == NULL)
        return NULL;
    PyObject *ours = PyObject_GetAttrString(self, "get_frozen_object");
    int rc = -1;
    if (ours != NULL && cpython_get_frozen_object == NULL) {
        cpython_get_frozen_object = PyObject_GetAttrString(imp, "get_frozen_object");
        if (cpython_get_frozen_object != NULL)
            rc = PyObject_SetAttrString(imp, "get_frozen_object", ours);
    }
    Py_XDECREF(ours);
    Py_DECREF(imp);
    if (rc < 0)
        return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    Py_RETURN_NONE;
}

/* user_code(name) -> the module's precompiled code object, or None */
static PyObject *py_user_code(PyObject *self, PyObject *arg) {
    const struct py2wasm_entry *e = user_entry(arg);
    return e == NULL ? NULL : precompiled_code(e);
}

/* stdlib_source(name) -> the source str of a frozen stdlib module, or None
 * when the image does not carry it (--no-stdlib-source, or no such module) */
static PyObject *py_stdlib_source(PyObject *self, PyObject *arg) {
    Py_ssize_t size;
    const char *name = PyUnicode_AsUTF8AndSize(arg, &size);
    if (name == NULL)
        return NULL;
    const struct py2wasm_entry *e = strlen(name) == (size_t)size ? find_entry(name, PY2WASM_KIND_FROZEN) : NULL;
    if (e == NULL || e->zsource_len == 0)
        Py_RETURN_NONE;
    return source_text(e);
}

/* attach(name, code): marks the natively compiled functions of CODE, the
 * code object CPython compiled from module NAME's embedded source. */
static PyObject *py_attach(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "attach(name, code)");
        return NULL;
    }
    const char *name = PyUnicode_AsUTF8(args[0]);
    if (name == NULL || py2wasm_attach(name, args[1]) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef py2wasm_methods[] = {
    {"attach", (PyCFunction)(void (*)(void))py_attach, METH_FASTCALL, "attach(name, code): use the native code"},
    {"user_module", py_user_module, METH_O, "user_module(name) -> (path, is_package, is_namespace) or None"},
    {"user_source", py_user_source, METH_O, "user_source(name) -> the embedded source text"},
    {"user_code", py_user_code, METH_O, "user_code(name) -> the precompiled code object, or None"},
    {"get_frozen_object", (PyCFunction)(void (*)(void))py_get_frozen_object, METH_FASTCALL,
     "get_frozen_object(name, data=None, /)\n--\n\nCreate a code object for a frozen module."},
    {"install_frozen_loader", py_install_frozen_loader, METH_NOARGS, "install_frozen_loader(): in _imp's place"},
    {"stdlib_source", py_stdlib_source, METH_O, "stdlib_source(name) -> a stdlib module's source text or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef py2wasm_module = {
    PyModuleDef_HEAD_INIT, "_py2wasm", "The program image of a py2wasm-compiled program.", -1, py2wasm_methods,
};

static PyObject *init_py2wasm_module(void) { return PyModule_Create(&py2wasm_module); }

/* Line LINENO (from 1) of the SIZE bytes of source at P, without its line
 * ending (a new str), or NULL with no exception set. */
static PyObject *source_line(const char *p, Py_ssize_t size, int lineno) {
    const char *end = p + size;
    for (int line = 1; line < lineno; line++) {
        const char *nl = memchr(p, '\n', end - p);
        if (nl == NULL)
            return NULL;
        p = nl + 1;
    }
    const char *eol = memchr(p, '\n', end - p);
    size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
    if (len > 0 && p[len - 1] == '\r')
        len--;
    PyObject *line = PyUnicode_DecodeUTF8(p, len, "replace");
    if (line == NULL)
        PyErr_Clear();
    return line;
}

/* Traceback hook (see the CPython patch): line LINENO of an embedded file, or
 * NULL with no exception set. Returns a new reference. */
static PyObject *source_line_hook(PyObject *filename, int lineno) {
    const char *path = PyUnicode_AsUTF8(filename);
    if (path == NULL) {
        PyErr_Clear();
        return NULL;
    }
    const struct py2wasm_entry *e = find_source_by_path(path);
    if (e == NULL || lineno < 1)
        return NULL;
    PyObject *raw = zsource_bytes(e);
    if (raw == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *line = source_line(PyBytes_AS_STRING(raw), PyBytes_GET_SIZE(raw), lineno);
    Py_DECREF(raw);
    return line;
}

/* ------------------------------------------------------------ start-up */

static PyStatus init_config(PyConfig *config) {
    PyConfig_InitPythonConfig(config);
    config->parse_argv = 0;         /* every argument belongs to the program */
    config->user_site_directory = 0;
    /* write_bytecode stays CPython's default (sys.dont_write_bytecode
     * False, PYTHONDONTWRITEBYTECODE sets it): the image's modules never
     * write bytecode (their loaders have no set_data), a module imported
     * from a directory the host maps writes its __pycache__ as CPython
     * would. */
    config->use_frozen_modules = 1;
    config->pathconfig_warnings = 0;
    /* sys.path and sys._stdlib_dir as CPython's own getpath computes them for
     * prefix /usr/local (the sysroot's configure prefix; python.wasm shows
     * the same). Imports are served from the image first (meta_path:
     * embedded modules, then the frozen stdlib), so these directories matter
     * only for a module the image lacks, found on a directory the host maps.
     * (sys._stdlib_dir, which gives frozen modules their __file__, is set
     * by py2wasm_boot.py.) */
    config->module_search_paths_set = 1;
    static const wchar_t *const search_paths[] = {
        L"/usr/local/lib/python311.zip",
        L"/usr/local/lib/python3.11",
        L"/usr/local/lib/python3.11/lib-dynload",
    };
    for (size_t i = 0; i < sizeof search_paths / sizeof search_paths[0]; i++) {
        PyStatus status = PyWideStringList_Append(&config->module_search_paths, search_paths[i]);
        if (PyStatus_Exception(status))
            return status;
    }
    return PyStatus_Ok();
}

static int fail_status(PyConfig *config, PyStatus status) {
    PyConfig_Clear(config);
    if (PyStatus_IsExit(status))
        return status.exitcode;
    Py_ExitStatusException(status); /* prints and exits */
    return 1;
}

/* Runs the bootstrap module, which installs the importer of the user's
 * modules; returns it (new reference) so __main__ can use its loader. */
static PyObject *run_boot(void) {
    PyObject *code = PyMarshal_ReadObjectFromString((const char *)_py2wasm_boot, sizeof(_py2wasm_boot));
    if (code == NULL)
        return NULL;
    PyObject *module = PyImport_ExecCodeModule("_py2wasm_boot", code);
    Py_DECREF(code);
    return module;
}

/* Runs the main entry in __main__'s namespace, as CPython runs a script. */
static int run_main(PyObject *boot) {
    const struct py2wasm_entry *e = &entries[header->main_index];
    PyObject *main_module = PyImport_AddModule("__main__"); /* borrowed */
    if (main_module == NULL)
        return -1;
    PyObject *globals = PyModule_GetDict(main_module); /* borrowed */
    PyObject *path = program_path(image_at(e->path_off), e->path_len);
    PyObject *loader = PyObject_GetAttrString(boot, "IMPORTER");
    /* sys.path[0] is the script's directory, absolute, as CPython puts it
     * there before running a script. Embedded paths are relative to that
     * directory (the main module's is its bare file name). */
    const char *slash = strrchr(image_at(e->path_off), '/');
    PyObject *dir = program_path(image_at(e->path_off), slash ? (size_t)(slash - image_at(e->path_off)) : 0);
    PyObject *sys_path = PySys_GetObject("path"); /* borrowed */
    int rc = -1;
    if (dir != NULL && sys_path != NULL && PyList_Check(sys_path) && PyList_Insert(sys_path, 0, dir) == 0 &&
        path != NULL && loader != NULL && PyDict_SetItemString(globals, "__file__", path) == 0 &&
        PyDict_SetItemString(globals, "__cached__", Py_None) == 0 &&
        PyDict_SetItemString(globals, "__loader__", loader) == 0) {
        PyObject *code = precompiled_code(e);
        if (code == Py_None) {
            Py_DECREF(code);
            PyObject *source = source_text(e);
            /* The image holds the source as UTF-8 whatever encoding its
             * coding declaration names (the compiler decoded it): compiled
             * as a str is, ignoring the declaration. */
            PyCompilerFlags flags = _PyCompilerFlags_INIT;
            flags.cf_flags = PyCF_IGNORE_COOKIE;
            code = source ? Py_CompileStringObject(PyUnicode_AsUTF8(source), path, Py_file_input, &flags, -1) : NULL;
            Py_XDECREF(source);
        } else if (code != NULL) {
            PyObject *imp = PyImport_ImportModule("_imp");
            PyObject *r = imp ? PyObject_CallMethod(imp, "_fix_co_filename", "OO", code, path) : NULL;
            Py_XDECREF(imp);
            if (r == NULL)
                Py_CLEAR(code);
            Py_XDECREF(r);
        }
        if (code != NULL && py2wasm_attach("__main__", code) < 0)
            Py_CLEAR(code);
        if (code != NULL) {
            PyObject *result = PyEval_EvalCode(code, globals, globals);
            Py_DECREF(code);
            if (result != NULL) {
                Py_DECREF(result);
                rc = 0;
            }
        }
    }
    Py_XDECREF(dir);
    Py_XDECREF(path);
    Py_XDECREF(loader);
    return rc;
}

int py2wasm_precompile_main(void);

int main(int argc, char **argv) {
    if (!image_open()) {
        /* (the bare runtime is also the compiler's bytecode service) */
        if (argc == 2 && strcmp(argv[1], "--py2wasm-precompile") == 0)
            return py2wasm_precompile_main();
        fprintf(stderr, "%s: no program image: this is py2wasm's bare runtime, or a damaged output file.\n"
                        "Compile a program with: py2wasm app.py -o app.wasm\n",
                argc > 0 ? argv[0] : "runtime.wasm");
        return 2;
    }
    /* WASI has no working directory: wasi-libc emulates one, starting at
     * "/". Hosts that give the program a directory to work in name it in
     * PWD (as shells do); `wasmer run --dir=.` mounts the current directory
     * at /home and says nothing. Relative paths then resolve where the user
     * expects. */
    const char *pwd = getenv("PWD");
    if (pwd != NULL && pwd[0] == '/')
        (void)chdir(pwd);
    else
        (void)chdir("/home"); /* fails harmlessly when nothing is mounted there */
    if (getcwd(program_root, sizeof program_root) == NULL || strcmp(program_root, "/") == 0)
        program_root[0] = '\0';

    struct _frozen *frozen = frozen_table();
    if (frozen == NULL) {
        fprintf(stderr, "py2wasm: out of memory at start-up\n");
        return 1;
    }
    PyImport_FrozenModules = frozen;
    if (PyImport_AppendInittab("_py2wasm", init_py2wasm_module) < 0) {
        fprintf(stderr, "py2wasm: cannot register _py2wasm\n");
        return 1;
    }

    PyConfig config;
    PyStatus status = init_config(&config);
    if (PyStatus_Exception(status))
        return fail_status(&config, status);
    /* sys.argv[0] is the script's name as CPython would show it. */
    char **args = malloc(sizeof(char *) * (argc > 1 ? argc : 1));
    if (args == NULL)
        return 1;
    args[0] = (char *)image_at(entries[header->main_index].path_off);
    for (int i = 1; i < argc; i++)
        args[i] = argv[i];
    status = PyConfig_SetBytesArgv(&config, argc > 1 ? argc : 1, args);
    free(args);
    if (PyStatus_Exception(status))
        return fail_status(&config, status);
    status = Py_InitializeFromConfig(&config);
    if (PyStatus_Exception(status))
        return fail_status(&config, status);
    PyConfig_Clear(&config);
    _Py_SourceLineHook = source_line_hook;
    /* The recursion limit stays CPython's WASI default, 600. What bounds
     * recursion here is the engine's call stack (wasmtime's default is
     * 512 KiB), not runtime.wasm's 8 MiB C stack in linear memory:
     * recursion through C (a __repr__ or __eq__ calling repr() or == on
     * the next level) takes about 1.3 KiB of it a level with compiled
     * frames and more with the interpreter's, so a limit of 1000 let
     * UserList's recursive == and test_descr trap instead of raising
     * RecursionError, as python.wasm does not. */

    int exitcode = 0;
    PyObject *boot = py2wasm_native_init(header, py2wasm_image.data) < 0 ? NULL : run_boot();
    if (boot == NULL || run_main(boot) < 0) {
        /* Prints the traceback through sys.excepthook; for SystemExit it
         * finalizes and exits with the code itself, as CPython does. */
        PyErr_Print();
        exitcode = 1;
    }
    Py_XDECREF(boot);
    if (Py_FinalizeEx() < 0)
        exitcode = 120; /* CPython: flushing stdout/stderr failed */
    return exitcode;
}
